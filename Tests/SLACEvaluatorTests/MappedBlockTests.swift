import Foundation
@testable import SLACEvaluator
import SLACMonitor
import SLACTrace
import SLACTestSupport
import Testing

/// A mapped trace read with several jobs goes through `MappedBlockFeed`: it is cut into blocks in
/// file order, each job adds the block it took to the digest in file order and scans it, and the
/// blocks' states merge in order. The result must be that of one job, and the digest that of
/// every byte once, in order, whatever the block size (down to one byte, where every line is a block of its own).
@Suite struct MappedBlockTests {
    static func evaluate(_ plan: MonitorPlan, _ path: String, format: TraceFormat, jobs: Int,
                         blockSize: Int?) throws -> EvaluationResult {
        var evaluator = try Evaluator(plan: plan)
        if let blockSize { evaluator.blockSize = blockSize }
        let source = TraceSource(input: try TraceInput(path: path), format: format, displayPath: "t",
                                 makeDigester: { CountingDigester() })
        return try evaluator.evaluate([source], jobs: jobs)
    }

    /// Every block size and job count gives the one-job result, and the digest of the file's bytes.
    static func expectSameEverywhere(_ plan: MonitorPlan, _ path: String, format: TraceFormat,
                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let one = try evaluate(plan, path, format: format, jobs: 1, blockSize: nil)
        #expect(one.traces.first?.sha256 == CountingDigester.of(bytes), sourceLocation: sourceLocation)
        for jobs in [2, 3] {
            for blockSize in [1, 7, 64, 997, nil] as [Int?] {
                let several = try evaluate(plan, path, format: format, jobs: jobs, blockSize: blockSize)
                #expect(several == one, "jobs \(jobs), blocks of \(blockSize ?? 0) bytes", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("JSON Lines with a byte order mark, CRLF, blank lines, bad lines and no final newline", arguments: [UInt64(31), 32])
    func jsonLines(seed: UInt64) throws {
        let dir = TempDir()
        let records = TraceGenerator.records(seed: seed, count: 400, badLines: true)
        var text = "\u{FEFF}\n" + TraceGenerator.jsonl(records, crlfEvery: 5, blankEvery: 7)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        let path = try dir.file("t.jsonl", text)
        let plan = makePlan(try checkContract(ContractGenerator.contract(seed: seed, clauseCount: 4).text))
        try Self.expectSameEverywhere(plan, path, format: .jsonl)
    }

    @Test("CSV with a quoted line break, bad rows and no final newline")
    func csv() throws {
        let dir = TempDir()
        let records = TraceGenerator.records(seed: 33, count: 300, badLines: true)
        var text = TraceGenerator.csv(records)
        // A quoted cell with line breaks in the middle of the rows: blocks must not end inside it.
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        rows.insert("q1,2026-03-14T05:10:00Z,\"acme\nwest\",m,r,ok,stream,1,2,30,40,", at: 150)
        text = rows.joined(separator: "\n")
        while text.hasSuffix("\n") { text.removeLast() }
        let path = try dir.file("t.csv", text)
        let plan = makePlan(try checkContract(ContractGenerator.contract(seed: 33, clauseCount: 4).text))
        try Self.expectSameEverywhere(plan, path, format: .csv)
    }

    @Test("an empty trace gives the one-job result with several jobs")
    func emptyTrace() throws {
        let dir = TempDir()
        let path = try dir.file("t.jsonl", "")
        let plan = makePlan(try checkContract(ContractGenerator.contract(seed: 34, clauseCount: 2).text))
        try Self.expectSameEverywhere(plan, path, format: .jsonl)
    }
}
