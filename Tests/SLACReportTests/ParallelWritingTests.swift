import SLACEvaluator
import SLACTestSupport
@testable import SLACReport
import Testing

/// Long window lists are written in parts on several threads (`XMLReportWriter.jobs`): each part
/// by libxml2 inside placeholder ancestors, cut out and appended (`XMLOutput.fragment`). The
/// bytes must be those of one writer, whatever the text, the depth and the number of parts.
@Suite("Reports written in parts")
struct ParallelWritingTests {
    /// Values that exercise libxml2's escaping: quotes, `<`, `&`, line ends, tabs, non-ASCII
    /// (written as it is), characters XML cannot carry, empty text.
    static func hostileText(_ random: inout SeededGenerator, _ i: Int) -> String {
        let pieces = ["a", "\"", "'", "<", ">", "&", "\n", "\r", "\t", "é", "💥", "\u{1}", "\u{FFFE}", " ", "]]>",
                      "<slac-fragment-placeholder>", "&amp;", "x y", ""]
        var text = "v\(i)"
        for _ in 0..<Int.random(in: 0...6, using: &random) { text += pieces.randomElement(using: &random) ?? "" }
        return text
    }

    /// Elements with children, text and attributes, `count` of them, from `seed`.
    static func writeElements(_ out: XMLOutput, seed: UInt64, range: Range<Int>) throws {
        var random = SeededGenerator(seed: seed)
        for i in 0..<range.upperBound {
            // The same random draws whatever the range, so that parts write what the whole writes.
            let attribute = hostileText(&random, i)
            let text = hostileText(&random, i)
            let children = Int.random(in: 0...3, using: &random)
            guard range.contains(i) else { continue }
            try out.element("window", ["start": attribute, "missing": nil, "n": String(i)]) {
                for c in 0..<children {
                    if c == 1 {
                        try out.textElement("note", text: text)
                    } else {
                        try out.element("key", ["value": text])
                    }
                }
            }
        }
    }

    @Test("a fragment appended is byte for byte what one writer writes", arguments: [1, 2, 3] as [UInt64])
    func fragmentsEqualOneWriter(seed: UInt64) throws {
        for depth in [1, 2, 4] {
            let count = 40
            func ancestors(_ out: XMLOutput, _ level: Int, _ body: () throws -> Void) throws {
                if level == depth { return try body() }
                try out.element(level == 0 ? "report" : "clause", ["level": String(level)]) {
                    try out.element("first")  // a child before the parts, as `append(fragment:)` requires
                    try ancestors(out, level + 1, body)
                }
            }
            let whole = try XMLOutput.document { out in
                try ancestors(out, 0) { try Self.writeElements(out, seed: seed, range: 0..<count) }
            }
            for cuts in [[0, count], [0, 1, count], [0, 7, 8, 23, count], [0, 20, 20, count]] {
                let parts = try zip(cuts, cuts.dropFirst()).map { range in
                    try XMLOutput.fragment(depth: depth) { try Self.writeElements($0, seed: seed, range: range.0..<range.1) }
                }
                let joined = try XMLOutput.document { out in
                    try ancestors(out, 0) { for part in parts { try out.append(fragment: part) } }
                }
                #expect(joined == whole, "seed \(seed), depth \(depth), cuts \(cuts)")
            }
            // Nothing written: an empty fragment, which appends nothing.
            #expect(try XMLOutput.fragment(depth: depth) { _ in } == [])
        }
    }

    @Test("a report with a long window list has the same bytes with one job and with several")
    func reportIndependentOfJobs() throws {
        var result = breachedResult()
        let template = try #require(result.clauses[0].windows.first { $0.verdict == .breached })
        let count = 3 * XMLReportWriter.windowsPerPart + 17
        var random = SeededGenerator(seed: 7)
        result.clauses[0].windows = (0..<count).map { i in
            var w = template
            w.key = [GroupKeyPart(field: "tenant", value: Self.hostileText(&random, i))]
            w.start += Int64(i) * 60_000_000_000
            w.end += Int64(i) * 60_000_000_000
            return w
        }
        result.clauses[0].windowsBreached = count
        for selection in [WindowSelection.breached, .all] {
            let one = try XMLReportWriter(windows: selection).write(result)
            #expect(try SchemaValidator.bundled().validate(one) == [])
            for jobs in [2, 3, 8] {
                var writer = XMLReportWriter(windows: selection)
                writer.jobs = jobs
                #expect(try writer.write(result) == one, "\(selection), \(jobs) jobs")
            }
        }
    }
}
