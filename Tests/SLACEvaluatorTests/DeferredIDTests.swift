import Foundation
import SLACMonitor
import SLACTrace
import Testing
@testable import SLACEvaluator

/// The reader leaves `id` in the input when the plan reads it only to cite evidence
/// (`PlanFields.readsIDOnlyForEvidence`); a plan that groups, scopes or excludes by `id` reads it
/// as usual. Either way the results are the same as reading every id.
@Suite("Ids read only for evidence")
struct DeferredIDTests {
    static func contract(_ body: String) -> String {
        """
        contract "Ids" {
            effective 2026-03-01 to 2026-04-01
            \(body)
        }
        """
    }

    @Test("only plans that cite ids and nothing else leave them in the input")
    func decision() throws {
        let cases: [(String, Bool)] = [
            (#"clause "1" a { every 1 hour per tenant require p99(ttft) <= 800 ms }"#, true),
            (#"clause "1" a { every 1 hour per id require max(ttft) <= 800 ms }"#, false),
            (#"clause "1" a { scope id = "r-1" every 1 hour require max(ttft) <= 800 ms }"#, false),
            (#"clause "1" a { every 1 hour require share(id = "r-1") <= 50% }"#, false),
        ]
        for (body, expected) in cases {
            let plan = makePlan(try checkContract(Self.contract(body)))
            #expect(PlanFields.readsIDOnlyForEvidence(plan) == expected, "\(body)")
            var evaluator = try Evaluator(plan: plan)
            #expect((evaluator.scanRequest.deferredTextField == "id") == expected, "\(body)")
            evaluator.checkRepeatedIDs = true
            #expect(evaluator.scanRequest.deferredTextField == nil, "--check-ids reads every id")
        }
    }

    /// Ids of every form: plain (template path), escaped, `null`, missing, repeated.
    static let trace = [
        #"{"id":"r-1","ts":"2026-03-01T00:00:01Z","tenant":"a","ttft_ms":900}"#,
        #"{"id":"r-2","ts":"2026-03-01T00:00:02Z","tenant":"a","ttft_ms":950}"#,
        #"{"id":"r\u002d3","ts":"2026-03-01T00:00:03Z","tenant":"a","ttft_ms":990}"#,
        #"{"id":null,"ts":"2026-03-01T00:00:04Z","tenant":"a","ttft_ms":700}"#,
        #"{"ts":"2026-03-01T00:00:05Z","tenant":"a","ttft_ms":980}"#,
        #"{"id":"r-1","ts":"2026-03-01T00:00:06Z","tenant":"a","ttft_ms":970}"#,
        #"{"id":"r-4","ts":"2026-03-01T00:00:07Z","tenant":"a","ttft_ms":999}"#,
    ].joined(separator: "\n") + "\n"

    @Test("evidence and id groups name the same ids as when every id is read", arguments: [1, 2])
    func results(jobs: Int) throws {
        let dir = TempDir()
        let path = dir.path("ids.jsonl")
        try Self.trace.write(toFile: path, atomically: true, encoding: .utf8)
        let evidence = makePlan(try checkContract(Self.contract(#"clause "1" a { every 1 hour per tenant require max(ttft) <= 800 ms }"#)))
        let grouped = makePlan(try checkContract(Self.contract(#"clause "1" a { every 1 hour per id require max(ttft) <= 800 ms }"#)))
        let cited = try runEvaluator(evidence, [(path, .jsonl)], jobs: jobs).clauses[0].windows.flatMap { $0.evidence.map(\.id) }
        // Worst first (records without an id are cited as ""); the list is cut at the evidence limit.
        let worstFirst = ["r-4", "r-3", "", "r-1", "r-2", "r-1"]
        #expect(cited.count >= 3 && cited == Array(worstFirst.prefix(cited.count)), "\(cited)")
        let groups = try runEvaluator(grouped, [(path, .jsonl)], jobs: jobs).clauses[0].windows.map { $0.key.first?.value ?? "(none)" }
        #expect(Set(groups) == ["r-1", "r-2", "r-3", "r-4", "(none)"], "\(groups)")
    }
}
