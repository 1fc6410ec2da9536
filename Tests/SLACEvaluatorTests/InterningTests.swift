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
