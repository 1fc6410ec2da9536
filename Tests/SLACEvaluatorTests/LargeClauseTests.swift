import Foundation
import SLACChecker
import SLACEvaluator
import SLACExact
import SLACTrace
import Testing
import SLACTestSupport

/// A clause of more than 16,384 windows has its window results built in slices on several
/// threads when several jobs run (`CompiledClause.windowResults`): the result must not depend on
/// it, and must agree with the reference evaluator, evidence included.
@Suite("Large clauses finish in slices")
struct LargeClauseTests {
    @Test("17,000 windows: the same result with one job and with several, and the reference's")
    func slicesAgree() throws {
        let dir = TempDir()
        var lines: [String] = []
        let start = try #require(CivilTime.parseInstant("2026-03-01T00:00:00Z"))
        for i in 0..<17_000 {
            // A record a minute, a window each; every seventh window breached, with evidence.
            let ts = CivilTime.format(start + Int64(i) * 60_000_000_000)
            let ttft = i % 7 == 3 ? 900.5 + Double(i % 5) : 100.0 + Double(i % 13)
            lines.append("{\"id\":\"r-\(i)\",\"ts\":\"\(ts)\",\"tenant\":\"t\(i % 3)\",\"status\":\"ok\","
                         + "\"input_tokens\":1,\"output_tokens\":2,\"ttft_ms\":\(ttft),\"e2e_ms\":2000}")
        }
        // Neighbours swapped (within the lateness bound): windows are stored in the order their
        // first records come, which is then not the report's order.
        for i in stride(from: 0, to: lines.count - 1, by: 2) { lines.swapAt(i, i + 1) }
        let path = try dir.file("t.jsonl", lines.joined(separator: "\n") + "\n")
        let contract = try checkContract("""
            contract "Large" {
                effective 2026-03-01 to 2026-04-01
                clause "1" ttft {
                    every 1 minute
                    require p99(ttft) <= 800 ms
                }
            }
            """)
        let plan = makePlan(contract)
        let one = try runEvaluator(plan, [(path, .jsonl)], jobs: 1)
        let two = try runEvaluator(plan, [(path, .jsonl)], jobs: 2)
        let four = try runEvaluator(plan, [(path, .jsonl)], jobs: 4)
        #expect(one.clauses[0].windows.count == 17_000)
        #expect(one.clauses[0].windowsBreached == 2_429)
        #expect(one.clauses[0].windows.filter { !$0.evidence.isEmpty }.count == 2_429)
        // Compared as Booleans: on a difference, the expectation would print every window.
        let sameWithTwo = two == one, sameWithFour = four == one
        #expect(sameWithTwo)
        #expect(sameWithFour)
        let reference = ReferenceEvaluator(contract: contract).evaluate([RefReader.jsonl(try Data(contentsOf: URL(fileURLWithPath: path)))])
        let diffs = differences(two, reference, contract: contract)
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
    }
}
