@testable import SLACEvaluator
import Testing

/// The interner gives equal strings one id and different strings different ids, whether the
/// strings are small (inline) or stored on the heap, shared or separately built, and whatever
/// its recent-value cache holds.
@Suite("Interning of group key texts")
struct InterningTests {
    @Test("equal texts get one id; different texts different ids; ids are dense in first-seen order")
    func idsFollowContent() {
        var interner = TextInterner()
        var rng = SystemRandomNumberGenerator()
        // Small strings, strings past the 15-byte inline limit, non-ASCII, and the empty string.
        let distinct = (0..<500).map { k -> String in
            switch k % 4 {
            case 0: return "t\(k)"
            case 1: return "tenant-with-a-long-name-\(k)"
            case 2: return "Zürich-\(k)"
            default: return k == 3 ? "" : "\(k)"
            }
        }
        var expected: [String: Int32] = [:]
        for _ in 0..<20_000 {
            let original = distinct[Int.random(in: 0..<distinct.count, using: &rng)]
            // A separately built copy: same content, another storage object for heap strings.
            let text = Bool.random(using: &rng) ? original : String(decoding: Array(original.utf8), as: UTF8.self)
            let id = interner.id(text)
            if let known = expected[original] {
                #expect(id == known, "`\(text)` got \(id), earlier \(known)")
            } else {
                #expect(id == Int32(expected.count), "ids are dense in first-seen order")
                expected[original] = id
            }
        }
        #expect(Set(expected.values).count == expected.count)
    }
}

/// The flat table of group values (issue 15: an array per group took 72 bytes a group): merging
/// maps another table's groups to ids here by their values, absent values included, appending the
/// new ones, whatever the table's size (the index grows) and however it was built.
@Suite("Group tables")
struct GroupTableTests {
    @Test("groups of another table map to the ids of equal values", arguments: [0, 1, 2, 3])
    func mapsByValues(width: Int) {
        var rng = SystemRandomNumberGenerator()
        let texts: [String?] = [nil, "", "a", "tenant-with-a-long-name", "Zürich", "a\u{0}b"]
        func values() -> [String?] { (0..<width).map { _ in texts[Int.random(in: 0..<texts.count, using: &rng)] } }
        var mine = GroupTable(width: width), other = GroupTable(width: width)
        var expected: [[String?]: Int32] = [:]
        for _ in 0..<300 {
            let v = values()
            if expected[v] == nil { expected[v] = mine.append(v) }
        }
        var seen = Set<[String?]>()
        for _ in 0..<300 {
            let v = values()
            if seen.insert(v).inserted { other.append(v) }
        }
        #expect(mine.count == expected.count && other.count == seen.count)
        for g in 0..<other.count {
            let v = other.parts(g)
            let id = mine.id(of: other, group: g)
            if let known = expected[v] {
                #expect(id == known)
            } else {
                #expect(Int(id) == mine.count - 1, "a new group is appended")
                expected[v] = id
            }
            #expect(mine.parts(Int(id)) == v)
        }
        // Looking up again finds the same ids and appends nothing.
        let count = mine.count
        for g in 0..<other.count { #expect(mine.parts(Int(mine.id(of: other, group: g))) == other.parts(g)) }
        #expect(mine.count == count)
        if width == 0 { #expect(mine.count <= 1, "with no `per` field there is one group") }
    }

    @Test("a large table: every group found, none twice")
    func large() {
        var mine = GroupTable(width: 1), other = GroupTable(width: 1)
        for k in 0..<50_000 { mine.append(["t\(k)"]) }
        for k in stride(from: 25_000, to: 75_000, by: 1) { other.append(["t\(k)"]) }
        for g in 0..<other.count {
            let id = Int(mine.id(of: other, group: g))
            #expect(mine.parts(id) == other.parts(g))
            if g < 25_000 { #expect(id == g + 25_000) }
        }
        #expect(mine.count == 75_000)
    }
}
