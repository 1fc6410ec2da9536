import Foundation
import SLACChecker
import SLACLegalOps
import SLACSyntax
import SLACTool
import Testing

/// The analysis warnings `SLA0410`…`SLA0417`: each fires where it should and stays silent where
/// it should not; the example contracts are clean.
@Suite struct AnalysisTests {
    static let contracts = Paths.contractNames

    /// A contract with the given clause bodies (and extra contract items before them).
    private func contract(_ clauses: [String], header: String = "") -> String {
        var text = "contract \"A\" {\n    effective 2026-01-01 to 2027-01-01\n    fee       1000.00 USD per month\n" + header + "\n"
        for (i, body) in clauses.enumerated() { text += "    clause \"\(i + 1)\" c\(i + 1) {\n\(body)\n    }\n" }
        return text + "}\n"
    }

    private func warnings(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Diagnostic] {
        ContractAnalysis.warnings(for: try document(text, sourceLocation: sourceLocation))
    }

    private func codes(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        try warnings(text, sourceLocation: sourceLocation).map(\.code.rawValue)
    }

    @Test(arguments: contracts)
    func exampleContractsHaveNoAnalysisWarnings(_ name: String) throws {
        let found = ContractAnalysis.warnings(for: try document(Paths.contract(name)))
        #expect(found.isEmpty, "\(found.map { "\($0.code): \($0.message)" })")
    }

    // MARK: SLA0410

    @Test func percentileOrderContradiction() throws {
        let text = contract(["        scope status = \"ok\"\n        every 5 minutes\n        require p50(ttft) >= 900 ms",
                             "        scope status = \"ok\"\n        every 5 minutes\n        require p99(ttft) <= 800 ms"])
        let found = try warnings(text)
        #expect(found.map(\.code.rawValue) == ["SLA0410"])
        let w = try #require(found.first)
        #expect(w.severity == .warning)
        #expect(w.message == "clauses `c1` and `c2` conflict: no window can meet both")
        #expect(w.notes.count == 1)
        let source = SourceFile(path: "t", text: text)
        #expect(source.slice(w.span) == "require p99(ttft) <= 800 ms")
        #expect(source.slice(w.notes[0].span) == "require p50(ttft) >= 900 ms")
        #expect(w.help?.contains("the 50th percentile of `ttft` is never above the 99th percentile of `ttft`") == true)
    }

    @Test func sameStatisticContradictionAndStrictness() throws {
        #expect(try codes(contract(["        every 1 hour\n        require max(e2e) >= 10 s", "        every 1 hour\n        require max(e2e) <= 5 s"])) == ["SLA0410"])
        #expect(try codes(contract(["        every 1 hour\n        require min(e2e) > 5 s", "        every 1 hour\n        require p50(e2e) <= 5 s"])) == ["SLA0410"])
        // Touching bounds without strictness can both hold.
        #expect(try codes(contract(["        every 1 hour\n        require p50(e2e) >= 5 s", "        every 1 hour\n        require p99(e2e) <= 5 s"])) == [])
    }

    @Test func noContradictionWhenPossibleOrOnOtherWindows() throws {
        // The lower percentile's floor is below the higher one's cap.
        #expect(try codes(contract(["        every 5 minutes\n        require p50(ttft) >= 700 ms", "        every 5 minutes\n        require p99(ttft) <= 800 ms"])) == [])
        // A higher percentile above a floor of a lower one is fine in the other direction.
        #expect(try codes(contract(["        every 5 minutes\n        require p99(ttft) >= 900 ms", "        every 5 minutes\n        require p50(ttft) <= 800 ms"])) == [])
        // Different windows, scopes, groups or metrics: not the same values.
        #expect(try codes(contract(["        every 5 minutes\n        require p50(ttft) >= 900 ms", "        every 10 minutes\n        require p99(ttft) <= 800 ms"])) == [])
        #expect(try codes(contract(["        scope model = \"a\"\n        every 5 minutes\n        require p50(ttft) >= 900 ms", "        every 5 minutes\n        require p99(ttft) <= 800 ms"])) == [])
        #expect(try codes(contract(["        every 5 minutes per tenant\n        require p50(ttft) >= 900 ms", "        every 5 minutes\n        require p99(ttft) <= 800 ms"])) == [])
        #expect(try codes(contract(["        every 5 minutes\n        require p50(e2e) >= 900 ms", "        every 5 minutes\n        require p99(ttft) <= 800 ms"])) == [])
    }

    @Test func volumeCapAgainstLongerFloor() throws {
        let found = try warnings(contract(["        every 1 minute\n        require count <= 10 requests",
                                           "        every calendar day\n        require count >= 20k requests"]))
        #expect(found.map(\.code.rawValue) == ["SLA0410"])
        #expect(found.first?.help?.contains("at most 14.4k requests in a calendar day") == true)
        // With a minimum sample on the per-minute cap, quiet minutes are not judged: no hard conflict.
        #expect(try codes(contract(["        every 1 minute\n        require count <= 10 requests\n        minimum 5 requests",
                                    "        every calendar day\n        require count >= 20k requests"])) == [])
        #expect(try codes(contract(["        every 1 minute\n        require count <= 10 requests",
                                    "        every calendar day\n        require count >= 10k requests"])) == [])
    }

    // MARK: SLA0411

    @Test func tighterBoundMakesLooserRedundant() throws {
        let text = contract(["        every 5 minutes\n        require p99(ttft) <= 800 ms", "        every 5 minutes\n        require p99(ttft) <= 900 ms"])
        let found = try warnings(text)
        #expect(found.map(\.code.rawValue) == ["SLA0411"])
        #expect(found.first?.message == "clause `c2` is implied by clause `c1`")
        let source = SourceFile(path: "t", text: text)
        #expect(found.first.map { source.slice($0.span) } == "require p99(ttft) <= 900 ms")
        #expect(found.first?.notes.first.map { source.slice($0.span) } == "require p99(ttft) <= 800 ms")
    }

    @Test func maxImpliesPercentile() throws {
        #expect(try codes(contract(["        every 1 hour\n        require p95(e2e) <= 10 s", "        every 1 hour\n        require max(e2e) <= 10 s"])) == ["SLA0411"])
        #expect(try codes(contract(["        every 1 hour\n        require min(decode_tps) >= 30 tokens/s", "        every 1 hour\n        require mean(decode_tps) >= 1.8k tokens/min"])) == ["SLA0411"])
        #expect(try codes(contract(["        every 1 hour\n        require p99(ttft) < 800 ms", "        every 1 hour\n        require p99(ttft) <= 800 ms"])) == ["SLA0411"])
    }

    @Test func notRedundant() throws {
        // A percentile cap does not imply a cap on the maximum.
        #expect(try codes(contract(["        every 1 hour\n        require p99(e2e) <= 10 s", "        every 1 hour\n        require max(e2e) <= 20 s"])) == [])
        // A cap and a floor on the same statistic that can both hold imply nothing.
        #expect(try codes(contract(["        every 1 hour\n        require p99(ttft) <= 800 ms", "        every 1 hour\n        require p99(ttft) >= 700 ms"])) == [])
        // `<=` does not imply `<` at the same bound (the converse holds: `<` makes `<=` redundant).
        let strict = try warnings(contract(["        every 1 hour\n        require p99(ttft) <= 800 ms", "        every 1 hour\n        require p99(ttft) < 800 ms"]))
        #expect(strict.map(\.message) == ["clause `c1` is implied by clause `c2`"])
        // The looser clause pays credits of its own.
        #expect(try codes(contract(["        every 1 hour\n        require p99(ttft) <= 800 ms",
                                    "        every 1 hour\n        require p99(ttft) <= 900 ms\n        objective 99% of windows per calendar month\n        credit 5% of fee when attainment < 99%"])) == [])
        // The looser clause judges windows the tighter one does not (a smaller minimum sample, and
        // the tighter one tolerates breached windows).
        #expect(try codes(contract(["        every 1 hour\n        require p99(ttft) <= 800 ms\n        minimum 50 requests\n        objective 99% of windows",
                                    "        every 1 hour\n        require p99(ttft) <= 900 ms\n        minimum 10 requests\n        objective 99% of windows"])) == [])
        // The tighter clause has a lower objective.
        #expect(try codes(contract(["        every 1 hour\n        require p99(ttft) <= 800 ms\n        objective 95% of windows",
                                    "        every 1 hour\n        require p99(ttft) <= 900 ms\n        objective 99% of windows"])) == [])
    }

    // MARK: SLA0412

    @Test func contradictoryScopes() throws {
        let text = contract(["        scope model = \"a\" and model = \"b\"\n        every 1 hour\n        require count >= 1 requests"])
        let found = try warnings(text)
        #expect(found.map(\.code.rawValue) == ["SLA0412"])
        #expect(found.first?.message == "the scope of clause `c1` can never be true")
        let source = SourceFile(path: "t", text: text)
        #expect(found.first?.notes.map { source.slice($0.span) } == ["model = \"a\"", "model = \"b\""])
        for scope in ["ttft < 100 ms and ttft > 200 ms", "model in [\"a\"] and model not in [\"a\"]", "status = \"ok\" and status != \"ok\"",
                      "not (status = \"ok\" or status != \"ok\")", "output_tokens > 1 tokens and output_tokens < 2 tokens",
                      "ttft < 0 ms", "(model = \"a\" or model = \"b\") and model = \"c\"", "e2e >= 2 s and e2e <= 1000 ms"] {
            #expect(try codes(contract(["        scope \(scope)\n        every 1 hour\n        require count >= 1 requests"])) == ["SLA0412"], "\(scope)")
        }
    }

    @Test func satisfiableScopes() throws {
        for scope in ["ttft > 100 ms and ttft < 200 ms", "model = \"a\" or model = \"b\"", "model in [\"a\", \"b\"] and model != \"a\"",
                      "e2e >= 1 s and e2e <= 1000 ms", "tpot < 0 ms", "not (status = \"ok\")", "output_tokens > 1 tokens and output_tokens < 3 tokens",
                      "status = \"ok\" and tenant != \"ok\"",
                      // Two spellings of é are two texts (a newcomer's check): not a contradiction.
                      "model = \"caf\u{E9}\" and model != \"cafe\u{301}\"", "model in [\"caf\u{E9}\"] and model not in [\"cafe\u{301}\"]"] {
            #expect(try codes(contract(["        scope \(scope)\n        every 1 hour\n        require count >= 1 requests"])) == [], "\(scope)")
        }
    }

    @Test func contradictoryShareAndExclusion() throws {
        #expect(try codes(contract(["        every 1 hour\n        require share(ttft < 1 s and ttft > 2 s) >= 1%"])) == ["SLA0412"])
        #expect(try codes(contract(["        every 1 hour\n        require count >= 1 requests\n        exclude requests where region = \"a\" and region = \"b\""])) == ["SLA0412"])
        #expect(try codes(contract(["        every 1 hour\n        require count >= 1 requests"], header: "    exclude requests where status = \"x\" and status = \"y\"\n")) == ["SLA0412"])
    }

    // MARK: SLA0413, SLA0414

    @Test func creditTierBelowZeroNeverApplies() throws {
        let mean = "        every 1 hour\n        value p50(ttft)\n        measure mean per calendar month\n        objective measure >= 10 ms\n"
        let found = try warnings(contract([mean + "        credit 10% of fee when measure < 10 ms\n        credit 50% of fee when measure < 0 ms"]))
        #expect(found.map(\.code.rawValue) == ["SLA0413"])
        #expect(found.first?.message == "credit tier of clause `c1` can never apply")
        // `<= 0 ms` applies at 0.
        #expect(try codes(contract([mean + "        credit 10% of fee when measure < 10 ms\n        credit 50% of fee when measure <= 0 ms"])) == [])
        // On attainment, 0% is the checker's SLA0402, not said twice.
        #expect(try codes(contract(["        every 1 hour\n        require count >= 1 requests\n        objective 99% of windows per calendar month\n        credit 10% of fee when attainment < 99%\n        credit 50% of fee when attainment < 0%"])) == [])
    }

    /// Tiers on a measure that must stay low (`>` tiers) and in the measure's unit: the audit
    /// found a false SLA0414 on `measure > 5%` and none on a tier of 100 ms under a 200 ms objective.
    @Test func creditWhileCompliantInTheTiersDirectionAndUnit() throws {
        let errors = "        every 5 minutes\n        value share(status != \"ok\")\n        empty 0%\n        measure mean per calendar month\n        objective measure <= 1%\n"
        #expect(try codes(contract([errors + "        credit 5% of fee when measure > 1%\n        credit 10% of fee when measure > 5%"])) == [])
        #expect(try codes(contract([errors + "        credit 5% of fee when measure >= 1%"])) == ["SLA0414"])
        #expect(try codes(contract([errors + "        credit 5% of fee when measure > 0.5%"])) == ["SLA0414"])
        let latency = "        every 1 hour\n        value p50(ttft)\n        measure mean per calendar month\n        objective measure <= 200 ms\n"
        let found = try warnings(contract([latency + "        credit 10% of fee when measure > 100 ms"]))
        #expect(found.map(\.code.rawValue) == ["SLA0414"])
        #expect(found.first?.help?.contains("when the measure is above 100 ms, and the clause is compliant when it is at most 200 ms") == true, "\(found)")
        #expect(try codes(contract([latency + "        credit 10% of fee when measure > 200 ms"])) == [])
    }

    /// A `value` clause's `>= 0` is a placeholder, and uptime with `downtime after` or a 100%
    /// objective of another measure does not judge window by window: no SLA0411 or SLA0410.
    @Test func measuresAndValueClausesImplyNothing() throws {
        #expect(try codes(contract(["        every 1 hour\n        require p50(ttft) >= 1 ms",
                                    "        every 1 hour\n        value p50(ttft)\n        measure mean per calendar month\n        objective measure <= 200 ms"])) == [])
        #expect(try codes(contract(["        every 1 minute\n        require share(status = \"ok\") >= 95%\n        downtime after 5 consecutive breached windows\n        measure uptime per calendar month\n        objective measure >= 100%",
                                    "        every 1 minute\n        require share(status = \"ok\") >= 90%"])) == [])
        // The same two clauses on plain attainment: the stricter one implies the other.
        #expect(try codes(contract(["        every 1 minute\n        require share(status = \"ok\") >= 95%\n        objective 100% of windows per calendar month",
                                    "        every 1 minute\n        require share(status = \"ok\") >= 90%"])) == ["SLA0411"])
    }

    @Test func creditDueWhileCompliant() throws {
        let text = contract(["        every 1 hour\n        require count >= 1 requests\n        objective 99% of windows per calendar month\n        credit 10% of fee when attainment < 99.9%"])
        let found = try warnings(text)
        #expect(found.map(\.code.rawValue) == ["SLA0414"])
        let source = SourceFile(path: "t", text: text)
        #expect(found.first.map { source.slice($0.span) } == "credit 10% of fee when attainment < 99.9%")
        #expect(found.first?.notes.first.map { source.slice($0.span) } == "objective 99% of windows per calendar month")
        // Thresholds at or below the objective are what contracts normally say.
        #expect(try codes(contract(["        every 1 hour\n        require count >= 1 requests\n        objective 99% of windows per calendar month\n        credit 10% of fee when attainment < 99%\n        credit 25% of fee when attainment < 95%"])) == [])
    }

    // MARK: SLA0418

    @Test func groupingByRequestID() throws {
        let text = contract(["        every 1 hour per tenant, id\n        require count >= 1 requests"])
        let found = try warnings(text)
        #expect(found.map(\.code.rawValue) == ["SLA0418"])
        #expect(found.first.map { SourceFile(path: "t", text: text).slice($0.span) } == "id")
        #expect(try codes(contract(["        every 1 hour per tenant\n        require count >= 1 requests"])) == [])
    }

    // MARK: SLA0415

    @Test func maintenanceCoveringTheTerm() throws {
        let header = "    exclude maintenance from 2026-01-01 to 2026-07-01\n    exclude maintenance from 2026-06-30 to 2027-01-01\n"
        #expect(try codes(contract(["        every 1 hour\n        require count >= 1 requests"], header: header)) == ["SLA0415"])
        let partial = "    exclude maintenance from 2026-01-01 to 2026-07-01\n    exclude maintenance from 2026-07-02 to 2027-01-01\n"
        #expect(try codes(contract(["        every 1 hour\n        require count >= 1 requests"], header: partial)) == [])
        // Contract and clause maintenance together.
        let found = try warnings(contract(["        every 1 hour\n        require count >= 1 requests\n        exclude maintenance from 2026-07-01 to 2027-01-01",
                                           "        every 1 hour\n        require count <= 100 requests"],
                                          header: "    exclude maintenance from 2026-01-01 to 2026-07-01\n"))
        #expect(found.map(\.code.rawValue) == ["SLA0415"])
        #expect(found.first?.message == "maintenance exclusions of clause `c1` cover the whole term")
    }

    // MARK: SLA0417

    /// Thousands of clauses took minutes and gigabytes (one warning per pair of identical
    /// clauses); past 500 clauses the pairs are left out, with one warning that says so.
    @Test func manyClausesAreNotComparedPairwise() throws {
        let body = "        every 1 hour\n        require count <= 5 requests"
        let at = try codes(contract(Array(repeating: body, count: 500)))
        #expect(at.count == 500 * 499 / 2 && Set(at) == ["SLA0411"])
        // 3,000 identical clauses: no SLA0411 at all, so no pair was compared.
        let found = try warnings(contract(Array(repeating: body, count: 3000)))
        #expect(found.map(\.code.rawValue) == ["SLA0417"])
        #expect(found.first?.message == "clauses were not compared with each other: the contract has 3000 clauses, more than 500")
    }

    // MARK: SLA0416

    @Test func dailyQuotaBelowPerMinuteFloor() throws {
        let found = try warnings(contract(["        scope status = \"ok\"\n        every calendar day per tenant\n        require sum(total_tokens) <= 1M tokens",
                                           "        scope status = \"ok\"\n        every 1 minute per tenant\n        require sum(total_tokens) >= 1k tokens"]))
        #expect(found.map(\.code.rawValue) == ["SLA0416"])
        #expect(found.first?.help?.contains("adds up to at least 1.44M tokens") == true)
        // 1,440 minutes × 500 tokens = 720k tokens: within the quota.
        #expect(try codes(contract(["        every calendar day\n        require sum(total_tokens) <= 1M tokens",
                                    "        every 1 minute\n        require sum(total_tokens) >= 500 tokens"])) == [])
        // Different groups: the per-tenant floor adds up over tenants, not against one quota.
        #expect(try codes(contract(["        every calendar day\n        require sum(total_tokens) <= 1M tokens",
                                    "        every 1 minute per tenant\n        require sum(total_tokens) >= 1k tokens"])) == [])
        // Two caps (as in tenant-quotas.sla) never conflict.
        #expect(try codes(contract(["        every calendar day\n        require sum(total_tokens) <= 1M tokens",
                                    "        every 1 minute\n        require sum(total_tokens) <= 200k tokens"])) == [])
    }

    // MARK: integration

    @Test func checkCommandShowsWarningsAndExitsZero() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slac-analysis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("w.sla").path
        try Data(contract(["        every 5 minutes\n        require p99(ttft) <= 800 ms", "        every 5 minutes\n        require p99(ttft) <= 900 ms"]).utf8)
            .write(to: URL(fileURLWithPath: path))
        let output = CheckCommand.run(paths: [path], format: .text, colored: false)
        #expect(output.exitCode == 0)
        Golden.check(output.standardError.replacingOccurrences(of: path, with: "w.sla"), "check/redundant.txt")
        #expect(output.standardError.contains("warning[SLA0411]: clause `c2` is implied by clause `c1`"))
        #expect(output.standardError.contains("note: implied by this requirement of clause `c1`"))
        let clean = CheckCommand.run(paths: Paths.contractNames.map { Paths.contracts.appendingPathComponent($0).path }, format: .text, colored: false)
        #expect(clean.exitCode == 0 && clean.standardError.isEmpty)
    }
}
