import Foundation
import SLACEvaluator
import SLACTrace
import SLACTestSupport
import Testing

/// A streamed trace found corrupt after its first block fails like one that cannot be opened:
/// `cannot read trace …`, on one thread, with a reading thread, and with several jobs taking blocks.
@Suite struct StreamErrorTests {
    @Test(arguments: [1, 2, 4])
    func corruptionAfterTheFirstBlock(jobs: Int) throws {
        let dir = TempDir()
        let lines = (0..<3_000).map { #"{"id":"r\#($0)","ts":"2026-03-14T05:00:00Z","ttft_ms":\#($0 % 900)}"# }
        let path = try dir.file("t.jsonl", lines.joined(separator: "\n") + "\n")
        let compressed = try gzip(path)
        let member = try Data(contentsOf: URL(fileURLWithPath: compressed))
        let truncated = dir.path("truncated.jsonl.gz")
        try member.prefix(member.count * 3 / 4).write(to: URL(fileURLWithPath: truncated))
        let contract = try checkContract("""
            contract "x" {
                effective 2026-01-01 to 2027-01-01
                clause "1" c {
                    every   1 hour
                    require p99(ttft) <= 800 ms
                }
            }
            """)
        let evaluator = try Evaluator(plan: makePlan(contract))
        let reader = LineBlockReader(stream: try TraceStream(path: truncated), blockSize: 512)
        _ = try reader.prefix()
        let source = TraceSource(stream: reader, format: .jsonl, displayPath: "truncated.jsonl.gz", digester: CountingDigester())
        #expect {
            _ = try evaluator.evaluate([source], jobs: jobs)
        } throws: { error in
            "\(error)" == "cannot read trace `\(truncated)`: not a valid gzip stream: unexpected end of data (truncated file)"
        }
    }
}
