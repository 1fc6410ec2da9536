import Foundation
import SLACChecker
import SLACEvaluator
import SLACMonitor
import SLACTestSupport
import Testing

/// `ClauseResult.bound`: the requirement's meaning carried from the plan (comparison, exact bound
/// in the canonical unit, which side breaches), so that no report re-reads the written text.
@Suite struct RequirementBoundTests {
    /// The bound of the one clause of a contract requiring `requirement`, evaluated over one record.
    func bound(_ requirement: String, value: Bool = false) throws -> RequirementBound {
        let statement = value
            ? "value     \(requirement)\n            measure   mean per calendar month\n            objective measure <= 500 ms"
            : "require   \(requirement)\n            objective 99% of windows per term"
        let plan = makePlan(try checkContract("""
            contract "B" {
                effective 2026-01-01 to 2026-02-01
                clause "1" c {
                    every     1 hour
                    \(statement)
                }
            }
            """))
        let dir = TempDir()
        let path = dir.path("t.jsonl")
        try Data(#"{"id":"a","ts":"2026-01-05T10:00:00Z","tenant":"t","model":"m","status":"ok","input_tokens":1,"output_tokens":1,"ttft_ms":5,"e2e_ms":9}"#.utf8).write(to: URL(fileURLWithPath: path))
        return try #require(try runEvaluator(plan, [(path, .jsonl)], jobs: 1).clauses.first).bound
    }

    @Test func boundsInTheCanonicalUnitWithTheirDirection() throws {
        #expect(try bound("p99(ttft) <= 800 ms") == RequirementBound(comparison: "<=", value: "800", unit: "ms", worse: .higher))
        #expect(try bound("percentile(ttft, 95) <= 1.5 s") == RequirementBound(comparison: "<=", value: "1500", unit: "ms", worse: .higher))
        #expect(try bound("sum(total_tokens) < 50M tokens") == RequirementBound(comparison: "<", value: "50000000", unit: "tokens", worse: .higher))
        #expect(try bound("share(decode_tps >= 30 tokens/s) >= 90%") == RequirementBound(comparison: ">=", value: "0.9", unit: "ratio", worse: .lower))
        #expect(try bound("share(status = \"a >= b\") > 99.9%") == RequirementBound(comparison: ">", value: "0.999", unit: "ratio", worse: .lower))
        #expect(try bound("p50(decode_tps) >= 2.4k tokens/min").value == "40")
        #expect(try bound("count = 5 requests").worse == nil)
        #expect(try bound("count != 5 requests").worse == nil)
    }

    @Test func aValueClauseHasNoBreachingSide() throws {
        #expect(try bound("mean(ttft)", value: true).worse == nil)
    }
}
