import Foundation
import SLACEngines
import SLACEvaluator
import SLACTestSupport
@testable import SLACTool
import Testing

/// The randomised contracts and traces of the property tests, natively and through DuckDB
/// (docs/engines.md, "Identical results"): equal results apart from provenance. Invalid-JSON
/// lines are rejected by both, with the native reason naming the column and the engine's not.
@Suite(.serialized) struct EngineRandomTests {
    static var duckdb: Bool {
        ProcessInfo.processInfo.environment["CI"] != nil || EngineRun.find("duckdb") != nil
    }

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
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let x = String(decoding: try encoder.encode(a), as: UTF8.self).split(separator: "\n")
            let y = String(decoding: try encoder.encode(b), as: UTF8.self).split(separator: "\n")
            var i = 0
            while i < min(x.count, y.count) && x[i] == y[i] { i += 1 }
            let left: String = i < x.count ? String(x[i]) : "<end>"
            let right: String = i < y.count ? String(y[i]) : "<end>"
            let before: String = x[max(0, i - 8)..<i].joined(separator: "\n")
            Issue.record("\(label): duckdb differs at line \(i + 1): native `\(left)`, engine `\(right)`\n\(before)\n\n\(contractText)")
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
