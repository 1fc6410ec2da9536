import Foundation
import SLACEvaluator
import SLACTrace
import SLACTestSupport
import Testing

/// Issue 15, defect 4, through the evaluator: a trace with lines longer than the limit and a run of
/// blank lines gives the same result mapped, streamed and streamed from gzip, on one thread and with
/// a reading thread; the long lines are rejected records (with their line numbers) and the run
/// goes on. Before, the streams failed ("a line is longer than …") and the file accepted them.
@Suite struct LineLimitEvaluationTests {
    @Test(arguments: [TraceFormat.jsonl, .csv])
    func longLinesAreRejectedRecordsOnEveryPath(format: TraceFormat) throws {
        let dir = TempDir()
        let limit = 2048
        var lines: [String] = format == .csv ? ["\u{FEFF}", "", "id,ts,ttft_ms,note"] : ["\u{FEFF}"]
        lines += Array(repeating: "", count: 3_000)  // more blank bytes than a block and the limit
        for i in 0..<400 {
            let ts = "2026-03-14T05:\(String(format: "%02d", i % 60)):00Z"
            let note = i % 97 == 5 ? String(repeating: "n", count: limit + i) : "n"
            lines.append(format == .csv ? "r\(i),\(ts),\(300 + i),\(note)"
                                        : #"{"id":"r\#(i)","ts":"\#(ts)","ttft_ms":\#(300 + i),"note":"\#(note)"}"#)
        }
        let path = try dir.file("t.\(format.rawValue)", lines.joined(separator: "\n") + "\n")
        let contract = try checkContract("""
            contract "x" {
                effective 2026-01-01 to 2027-01-01
                clause "1" c {
                    every   10 minutes
                    require p99(ttft) <= 600 ms
                }
            }
            """)
        let plan = makePlan(contract)
        let mapped = try runEvaluator(plan, [(path, format)], jobs: 2, maximumLine: limit)
        #expect(mapped.traces[0].read == 400 && mapped.traces[0].rejected == 5, "\(mapped.traces[0])")
        let reason = LineLimit.reason(limit, csv: format == .csv)
        let firstRecordLine = format == .csv ? 3_004 : 3_002
        #expect(mapped.rejected.map(\.line) == [5, 102, 199, 296, 393].map { $0 + firstRecordLine })
        #expect(mapped.rejected.allSatisfy { $0.reason == reason })
        let compressed = try gzip(path)
        for jobs in [1, 2, 3] {
            for blockSize in [512, 1 << 16] {
                for file in [path, compressed] {
                    let streamed = try runEvaluatorStreamed(plan, [(file, format, path)], jobs: jobs, blockSize: blockSize, maximumLine: limit)
                    #expect(streamed == mapped, "\(file) streamed, \(jobs) jobs, blocks of \(blockSize)")
                }
            }
        }
    }
}
