import Foundation
import SLACEvaluator
import SLACMonitor
import SLACTrace
import SLACTestSupport
import Testing

/// docs/fuzzing.md: too many (window, group) states give a clear error, not exhausted memory.
@Suite struct ResourceLimitTests {
    @Test func windowLimitStopsWithAClearError() throws {
        let dir = TempDir()
        var lines: [String] = []
        for i in 0..<200 { lines.append("{\"id\":\"r\(i)\",\"ts\":\"2026-03-14T05:00:\(String(format: "%02d", i % 60)).\(i)Z\"}") }
        let path = try dir.file("t.jsonl", lines.joined(separator: "\n") + "\n")
        let contract = try checkContract("""
            contract "x" {
                effective 2026-01-01 to 2027-01-01
                clause "1" c {
                    every   1 ms per id
                    require count >= 1 requests
                }
            }
            """)
        var evaluator = try Evaluator(plan: makePlan(contract))
        let source = TraceSource(input: try TraceInput(path: path), format: .jsonl, sha256: "x", displayPath: "t.jsonl")
        // Under the limit the run completes with one window per record.
        evaluator.windowLimit = 1000
        #expect(try evaluator.evaluate([source], jobs: 1).clauses[0].windows.count == 200)
        // Over it, the run stops with an error that names the likely cause.
        evaluator.windowLimit = 50
        evaluator.blockSize = 256
        #expect {
            _ = try evaluator.evaluate([source], jobs: 2)
        } throws: { error in
            "\(error)".contains("exceed 50") && "\(error)".contains("`per`")
        }
        // With a digest, jobs wait for their turn to hash the block they took: the stop must
        // wake them (a hang here is the failure).
        let digested = TraceSource(input: try TraceInput(path: path), format: .jsonl, displayPath: "t.jsonl",
                                   makeDigester: { CountingDigester() })
        for jobs in [2, 3, 8] {
            #expect {
                _ = try evaluator.evaluate([digested], jobs: jobs)
            } throws: { error in
                "\(error)".contains("exceed 50")
            }
        }
        // A streamed (gzip) trace stops the same way, also with a reading thread that must be
        // told to stop.
        let compressed = try gzip(path)
        for jobs in [1, 2] {
            let reader = LineBlockReader(stream: try TraceStream(path: compressed), blockSize: 256)
            let streamed = TraceSource(stream: reader, format: .jsonl, displayPath: "t.jsonl.gz", digester: CountingDigester())
            #expect {
                _ = try evaluator.evaluate([streamed], jobs: jobs)
            } throws: { error in
                "\(error)".contains("exceed 50")
            }
        }
    }
}
