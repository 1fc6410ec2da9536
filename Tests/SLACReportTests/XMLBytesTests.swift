import SLACEvaluator
import SLACTestSupport
@testable import SLACReport
import Testing

/// `XMLBytes` writes window lists without libxml2; its bytes must be those libxml2's writer
/// (`XMLOutput.fragment`) writes for the same calls, whatever the values, the depth and the
/// nesting.
@Suite("Elements written as bytes")
struct XMLBytesTests {
    /// Where two byte strings first differ, with some context of each, for failure messages.
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> String {
        guard let i = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) ?? (a.count == b.count ? nil : min(a.count, b.count))
        else { return "equal" }
        func around(_ x: [UInt8]) -> String { String(decoding: x[max(0, i - 60)..<min(x.count, i + 60)], as: UTF8.self).debugDescription }
        return "at byte \(i): \(around(a)) vs libxml2 \(around(b))"
    }

    /// Elements only (no text), nested up to three deep, with hostile attribute values.
    static func writeTree(_ out: some ElementOutput, seed: UInt64, count: Int) throws {
        var random = SeededGenerator(seed: seed)
        func tree(_ level: Int, _ i: Int) throws {
            let children = level >= 3 ? 0 : Int.random(in: 0...3, using: &random)
            let value = ParallelWritingTests.hostileText(&random, i)
            let second: String? = Bool.random(using: &random) ? ParallelWritingTests.hostileText(&random, i + 1) : nil
            try out.element(level == 0 ? "window" : "key", ["value": value, "absent": nil, "other": second]) {
                for c in 0..<children { try tree(level + 1, i * 4 + c) }
            }
        }
        for i in 0..<count { try tree(0, i) }
    }

    @Test("elements with hostile attributes are the bytes libxml2 writes", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func sameAsLibxml2(seed: UInt64) throws {
        for depth in [1, 2, 4] {
            let expected = try XMLOutput.fragment(depth: depth) { try Self.writeTree($0, seed: seed, count: 30) }
            let bytes = XMLBytes(depth: depth)
            try Self.writeTree(bytes, seed: seed, count: 30)
            #expect(Self.difference(bytes.bytes, expected) == "equal", "seed \(seed), depth \(depth)")
        }
    }

    /// Reports use `XMLBytes` only when it writes what the linked libxml2 writes; on this machine
    /// it must, or the tests of the report's bytes would not test it.
    @Test("the linked libxml2 escapes as XMLBytes does")
    func probe() {
        #expect(XMLReportWriter.bytesMatchLibxml2)
    }

    @Test("every character escapes as libxml2 escapes it in an attribute")
    func everyCharacter() throws {
        // Each ASCII character, and characters of two, three and four UTF-8 bytes, alone and
        // next to others.
        let scalars = (0..<0x80).compactMap(Unicode.Scalar.init) + ["é", "ÿ", "Ā", "€", "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "😀", "\u{10FFFF}"]
        let values = scalars.map { String($0) } + scalars.map { "a\($0)b\($0)" }
        let expected = try XMLOutput.fragment(depth: 2) { out in
            for v in values { try out.element("key", ["value": v]) }
        }
        let bytes = XMLBytes(depth: 2)
        for v in values { try bytes.emptyElement("key", ["value": v]) }
        #expect(Self.difference(bytes.bytes, expected) == "equal")
    }

    @Test("windows written as bytes are the windows libxml2 writes")
    func windows() throws {
        let result = breachedResult()
        var random = SeededGenerator(seed: 11)
        var windows: [WindowResult] = []
        for (i, template) in result.clauses.flatMap(\.windows).enumerated() {
            var w = template
            w.key = [GroupKeyPart(field: "tenant", value: ParallelWritingTests.hostileText(&random, i)),
                     GroupKeyPart(field: "region", value: i % 3 == 0 ? nil : "eu")]
            w.evidence = (0..<(i % 4)).map { k in
                EvidenceRecord(id: ParallelWritingTests.hostileText(&random, k), value: "\(k).5", trace: k % 2 == 0 ? k : nil)
            }
            windows.append(w)
        }
        #expect(windows.contains { $0.verdict == .breached && !$0.evidence.isEmpty })
        let writer = XMLReportWriter()
        for several in [false, true] {
            let expected = try XMLOutput.fragment(depth: 2) { out in
                for w in windows { try writer.writeWindow(w, severalTraces: several, to: out) }
            }
            let bytes = XMLBytes(depth: 2)
            for w in windows { try writer.writeWindow(w, severalTraces: several, to: bytes) }
            #expect(Self.difference(bytes.bytes, expected) == "equal", "several traces: \(several)")
        }
    }
}
