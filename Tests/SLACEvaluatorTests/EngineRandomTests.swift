import Foundation
import SLACEngines
import SLACEvaluator
import SLACMonitor
import SLACTestSupport
@testable import SLACTool
import Testing

/// The randomised contracts and traces of the property tests, natively and through DuckDB
/// (docs/engines.md, "Identical results"): equal results apart from provenance. Invalid-JSON
/// lines are rejected by both, with the native reason naming the column and the engine's not.
@Suite(.serialized) struct EngineRandomTests {
    /// Run with `SLAC_ENGINES=1` (README, "Tests"; `.ci/run` runs them after `swift test`).
    static var duckdb: Bool { ProcessInfo.processInfo.environment["SLAC_ENGINES"] == "1" }

    static func normalised(_ r: EvaluationResult) -> EvaluationResult {
        var r = r
        r.engine = nil
        for t in r.traces.indices {
            r.traces[t].path = ""
            r.traces[t].sha256 = ""
            r.traces[t].format = ""
        }
        for i in r.rejected.indices {
            r.rejected[i].path = ""
            if r.rejected[i].reason.hasPrefix("invalid JSON") { r.rejected[i].reason = "invalid JSON" }
        }
        return r
    }

    static func compare(contractText: String, trace text: String, label: String) throws -> Int {
        let dir = TempDir()
        let contract = try dir.file("contract.sla", contractText)
        let trace = try dir.file("trace.jsonl", text)
        func run(_ engine: SQLDialect?) -> Result<EvaluationResult, CommandOutput> {
            var options = VerifyCommand.Options(contractPath: contract, traces: [trace])
            options.allowEmpty = true
            options.engine = engine
            return VerifyCommand.evaluate(options, colored: false)
        }
        let native = try run(nil).get(), engine = try run(.duckdb).get()
        let a = normalised(native), b = normalised(engine)
        if a != b {
            let difference = firstDifference(expected: a, actual: b, context: 8) ?? "equal JSON forms"
            Issue.record("\(label): duckdb differs from the native run (expected: native, actual: duckdb) at \(difference)\n\n\(contractText)")
        }
        return native.clauses.reduce(0) { $0 + $1.windows.count }
    }

    @Test(.enabled(if: duckdb), arguments: propertySeeds.prefix(8).map(\.seed))
    func randomContractsThroughDuckDB(seed: UInt64) throws {
        let size = propertySeeds.first { $0.seed == seed }?.records ?? 1000
        let records = TraceGenerator.records(seed: seed, count: size, badLines: seed % 2 == 0)
        let text = TraceGenerator.jsonl(records, crlfEvery: seed % 3 == 0 ? 7 : 0, blankEvery: seed % 4 == 0 ? 50 : 0)
        let generated = ContractGenerator.contract(seed: seed, clauseCount: 6)
        let windows = try Self.compare(contractText: generated.text, trace: text, label: "seed \(seed)")
        #expect(windows > 0)
    }

    @Test(.enabled(if: duckdb), arguments: measureSeeds.prefix(6).map(\.seed))
    func randomMeasureContractsThroughDuckDB(seed: UInt64) throws {
        let size = measureSeeds.first { $0.seed == seed }?.records ?? 1000
        let text = TraceGenerator.jsonl(MeasureGenerator.records(seed: seed, count: size))
        let generated = MeasureGenerator.contract(seed: seed, clauseCount: 5)
        let windows = try Self.compare(contractText: generated.text, trace: text, label: "measure seed \(seed)")
        #expect(windows > 0)
    }
}

/// The same through Spark in local mode, all seeds in one `spark-sql` invocation (Spark starts
/// slowly): each seed's script with its paths filled in.
@Suite struct EngineRandomSparkTests {
    static var spark: Bool { EngineRandomTests.duckdb }

    @Test(.enabled(if: spark), .timeLimit(.minutes(10))) func randomContractsThroughSpark() throws {
        let dir = TempDir()
        var cases: [(contract: String, trace: String, label: String)] = []
        for seed in [UInt64(2), 3] {
            let size = propertySeeds.first { $0.seed == seed }?.records ?? 1000
            let text = TraceGenerator.jsonl(TraceGenerator.records(seed: seed, count: size, badLines: seed % 2 == 0),
                                            crlfEvery: seed % 3 == 0 ? 7 : 0, blankEvery: seed % 4 == 0 ? 50 : 0)
            cases.append((try dir.file("c\(seed).sla", ContractGenerator.contract(seed: seed, clauseCount: 6).text),
                          try dir.file("t\(seed).jsonl", text), "seed \(seed)"))
        }
        let measureSeed = measureSeeds[0].seed
        cases.append((try dir.file("m.sla", MeasureGenerator.contract(seed: measureSeed, clauseCount: 5).text),
                      try dir.file("m.jsonl", TraceGenerator.jsonl(MeasureGenerator.records(seed: measureSeed, count: measureSeeds[0].records))),
                      "measure seed \(measureSeed)"))
        var batch = ""
        var plans: [MonitorPlan] = []
        for (k, c) in cases.enumerated() {
            let plan = try PlanBuilding.plan(contractPath: c.contract, colored: false).get()
            plans.append(plan)
            batch += try SQLScript(try plan.validated(), dialect: .spark, input: .jsonl).text()
                .replacingOccurrences(of: "${slac_input}", with: c.trace)
                .replacingOccurrences(of: "${slac_output}", with: "file://" + dir.url.appendingPathComponent("out\(k)").path) + "\n"
        }
        let file = try dir.file("batch.sql", batch)
        let sparkSQL = try #require(ProcessInfo.processInfo.environment["SPARK_HOME"]).appending("/bin/spark-sql")
        let outcome = EngineRun(executable: sparkSQL, arguments: ["--master", "local[2]", "-f", file], standardInput: nil,
                                 workingDirectory: dir.url.path).run()
        try #require(outcome.status == 0, "spark-sql failed: \(outcome.standardError.suffix(2000))")
        for (k, c) in cases.enumerated() {
            let judged = try Evaluator(plan: plans[k]).judge(engineOutput: dir.url.appendingPathComponent("out\(k)").path,
                                                             traces: [EngineTrace(path: c.trace, format: "jsonl", sha256: "")], sqlSHA256: nil)
            var options = VerifyCommand.Options(contractPath: c.contract, traces: [c.trace])
            options.allowEmpty = true
            let native = try VerifyCommand.evaluate(options, colored: false).get()
            // Spark does not number lines: rejected records are compared by reason.
            var x = EngineRandomTests.normalised(native), y = EngineRandomTests.normalised(judged)
            #expect(x.rejected.map(\.reason).sorted() == y.rejected.map(\.reason).sorted(), "\(c.label): spark rejects differently")
            x.rejected = []
            y.rejected = []
            #expect(x == y, "\(c.label): spark differs")
        }
    }
}
