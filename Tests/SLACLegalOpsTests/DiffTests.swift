import Foundation
import SLACChecker
import SLACLegalOps
import SLACSyntax
import SLACTool
import Testing

/// `slac diff`: goldens, and one test per kind of change.
@Suite struct DiffTests {
    static let contracts = Paths.contractNames

    /// Each example against the next one (cyclically): whole contracts that differ in everything.
    @Test(arguments: contracts)
    func goldenAgainstNextContract(_ name: String) throws {
        let names = DiffTests.contracts
        guard let i = names.firstIndex(of: name) else { return }
        let next = names[(i + 1) % names.count]
        let old = try document(Paths.contract(name)), new = try document(Paths.contract(next))
        let text = ContractDiff.render(ContractDiff.compare(old, new), oldPath: "Contracts/" + name, newPath: "Contracts/" + next)
        Golden.check(text, "diff/" + String(name.dropLast(4)) + ".txt")
    }

    @Test(arguments: contracts)
    func contractEqualsItselfAndItsRelayout(_ name: String) throws {
        let d = try document(Paths.contract(name))
        #expect(ContractDiff.compare(d, d).isEmpty)
        let relaid = try document(SourceFile(path: name, text: Relayout.relayout(Paths.contract(name), seed: 99)))
        #expect(ContractDiff.compare(d, relaid).isEmpty)
    }

    @Test func fixturePairGolden() throws {
        let old = try document(Paths.fixture("acme-v3.2.sla")), new = try document(Paths.fixture("acme-v3.3.sla"))
        let changes = ContractDiff.compare(old, new)
        let text = ContractDiff.render(changes, oldPath: "acme-v3.2.sla", newPath: "acme-v3.3.sla")
        Golden.check(text, "diff/acme-v3.2-to-v3.3.txt")
        #expect(text.contains("bound tightened from 800 ms to 750 ms (−50 ms)"))
    }

    // MARK: one test per kind of change

    static let base = """
        contract "D" {
            id        "D-1"
            version   "1"
            provider  "P"
            customer  "C"
            effective 2026-01-01 to 2027-01-01
            timezone  "UTC"
            fee       1000.00 USD per month

            exclude maintenance from 2026-03-01T00:00:00Z to 2026-03-01T02:00:00Z
            exclude requests where status = "error:429"

            clause "1" latency {
                text      "Latency."
                scope     status = "ok" and model in ["a", "b"]
                every     5 minutes per tenant
                require   p99(ttft) <= 800 ms
                minimum   20 requests
                objective 99.5% of windows per calendar month
                credit    10% of fee when attainment < 99.5%
                credit    25% of fee when attainment < 99%
            }

            clause "2" floor {
                every     1 hour
                require   share(decode_tps >= 30 tokens/s) >= 90%
                objective 99% of windows per term
            }
        }
        """

    /// The changes from `base` to `base` with `edits` applied (each `(old, new)` must occur).
    private func changes(_ edits: [(String, String)], sourceLocation: SourceLocation = #_sourceLocation) throws -> [ContractChange] {
        var text = DiffTests.base
        for (a, b) in edits {
            #expect(text.contains(a), "edit target `\(a)` not found", sourceLocation: sourceLocation)
            text = text.replacingOccurrences(of: a, with: b)
        }
        return ContractDiff.compare(try document(DiffTests.base), try document(text, path: "new.sla"))
    }

    private func only(_ kind: ContractChange.Kind, _ edits: [(String, String)], message: String? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let found = try changes(edits, sourceLocation: sourceLocation)
        #expect(found.map(\.kind) == [kind], "\(found.map(\.message))", sourceLocation: sourceLocation)
        if let message { #expect(found.first?.message == message, sourceLocation: sourceLocation) }
    }

    @Test func formattingAndUnitSpellingMakeNoDifference() throws {
        #expect(try changes([("p99(ttft) <= 800 ms", "p99( ttft )<=0.8 s"), ("every     5 minutes", "every 300 seconds"),
                             ("model in [\"a\", \"b\"]", "model in [\"b\", \"a\"]"), ("per tenant", "per tenant")]).isEmpty)
        // Same items in another order, with comments.
        #expect(try changes([("        minimum   20 requests\n", ""), ("        text      \"Latency.\"\n", "        minimum 20 requests // moved\n        text \"Latency.\"\n")]).isEmpty)
    }

    @Test func boundTightenedAndLoosened() throws {
        try only(.boundTightened, [("<= 800 ms", "<= 750 ms")], message: "bound tightened from 800 ms to 750 ms (−50 ms)")
        try only(.boundLoosened, [("<= 800 ms", "<= 0.9 s")], message: "bound loosened from 800 ms to 0.9 s (+0.1 s)")
        // For `>=` a higher bound is tighter.
        try only(.boundTightened, [(">= 90%", ">= 92.5%")], message: "bound tightened from 90% to 92.5% (+2.5%)")
        try only(.boundLoosened, [(">= 90%", ">= 85%")], message: "bound loosened from 90% to 85% (−5%)")
    }

    /// Spellings of one meaning found by the audit to be reported as changes.
    @Test func sameMeaningSpelledOtherwise() throws {
        // `p100` is the maximum.
        #expect(try changes([("p99(ttft) <= 800 ms", "max(ttft) <= 800 ms")]).count == 1)
        let maxAndP100 = try document(DiffTests.base.replacingOccurrences(of: "p99(ttft) <= 800 ms", with: "max(ttft) <= 800 ms"))
        let p100 = try document(DiffTests.base.replacingOccurrences(of: "p99(ttft) <= 800 ms", with: "p100(ttft) <= 800 ms"), path: "new.sla")
        #expect(ContractDiff.compare(maxAndP100, p100).isEmpty)
        // `or` and `and` in another order, a repeated operand, an `in` list reordered.
        #expect(try changes([("status = \"ok\" and model in [\"a\", \"b\"]", "model in [\"b\", \"a\"] and status = \"ok\"")]).isEmpty)
        let orScope = DiffTests.base.replacingOccurrences(of: "status = \"ok\" and model in [\"a\", \"b\"]", with: "status = \"ok\" or model = \"x\"")
        let swapped = orScope.replacingOccurrences(of: "status = \"ok\" or model = \"x\"", with: "model = \"x\" or (status = \"ok\" or model = \"x\")")
        #expect(ContractDiff.compare(try document(orScope), try document(swapped, path: "new.sla")).isEmpty)
        // A term moved by an hour says so in hours.
        try only(.termChanged, [("effective 2026-01-01 to 2027-01-01", "effective 2026-01-01 to 2027-01-01T01:00:00Z")],
                 message: "term end moved from 2027-01-01T00:00:00Z to 2027-01-01T01:00:00Z (term extended by 1 hour)")
    }

    /// Found by an audit of `slac diff` (each was a false change, or a missed one).
    @Test func equivalentConditionsAndWholeNumbersAreNoChange() throws {
        // An `in` list written as `or`, the same scope distributed, a negation pushed inward.
        #expect(try changes([("model in [\"a\", \"b\"]", "(model = \"a\" or model = \"b\")")]).isEmpty)
        #expect(try changes([("status = \"ok\" and model in [\"a\", \"b\"]", "(status = \"ok\" and model = \"a\") or (status = \"ok\" and model = \"b\")")]).isEmpty)
        #expect(try changes([("status = \"ok\" and model", "not (status != \"ok\") and model")]).isEmpty)
        #expect(try changes([("status = \"ok\" and model in [\"a\", \"b\"]", "not (status != \"ok\" or model not in [\"a\", \"b\"])")]).isEmpty)
        // `status` is always defined ("ok" when absent): `status = "ok" or status != "ok"` is every request.
        let unscoped = DiffTests.base.replacingOccurrences(of: "        scope     status = \"ok\" and model in [\"a\", \"b\"]\n", with: "")
        let tautology = DiffTests.base.replacingOccurrences(of: "status = \"ok\" and model in [\"a\", \"b\"]", with: "status = \"ok\" or status != \"ok\"")
        #expect(unscoped != DiffTests.base)
        #expect(ContractDiff.compare(try document(unscoped), try document(tautology, path: "new.sla")).isEmpty)
        // Two spellings of é are two texts: a change, said to look alike (a newcomer's check).
        let spelled = try changes([("model in [\"a\", \"b\"]", "model in [\"cafe\u{301}\"]")])
        #expect(!spelled.isEmpty)
        let composed = DiffTests.base.replacingOccurrences(of: "model in [\"a\", \"b\"]", with: "model = \"caf\u{E9}\"")
        let decomposed = DiffTests.base.replacingOccurrences(of: "model in [\"a\", \"b\"]", with: "model = \"cafe\u{301}\"")
        let respelled = ContractDiff.compare(try document(composed), try document(decomposed, path: "new.sla"))
        #expect(respelled.count == 1 && respelled.first?.message.contains("look alike but are written with other Unicode code points") == true, "\(respelled.map(\.message))")
        // Maintenance turned `as uptime`: one change.
        let maintained = DiffTests.base.replacingOccurrences(of: "        minimum   20 requests\n", with: "        minimum   20 requests\n        exclude maintenance from 2026-03-14T02:00:00Z to 2026-03-14T04:00:00Z\n")
        let asUptime = maintained.replacingOccurrences(of: "T04:00:00Z\n", with: "T04:00:00Z as uptime\n")
        let turned = ContractDiff.compare(try document(maintained), try document(asUptime, path: "new.sla"))
        #expect(turned.map(\.kind) == [.exclusionChanged], "\(turned.map(\.message))")
        #expect(turned.first?.message.contains("now counts as uptime") == true)
        // A share of an equivalent condition.
        #expect(try changes([("share(decode_tps >= 30 tokens/s)", "share(not (decode_tps < 30 tokens/s))")]).isEmpty)
        // `minimum 1` is no minimum (a window exists only with an in-scope request).
        #expect(try changes([("        minimum   20 requests\n", "")]).map(\.kind) == [.minimumChanged])
        let none = DiffTests.base.replacingOccurrences(of: "        minimum   20 requests\n", with: "")
        let one = DiffTests.base.replacingOccurrences(of: "        minimum   20 requests\n", with: "        minimum   1 requests\n")
        #expect(ContractDiff.compare(try document(none), try document(one, path: "new.sla")).isEmpty)
        // A count is whole: `< 601` is `<= 600`.
        let count = DiffTests.base.replacingOccurrences(of: "p99(ttft) <= 800 ms", with: "count <= 600 requests")
        let strict = count.replacingOccurrences(of: "count <= 600 requests", with: "count < 601 requests")
        #expect(ContractDiff.compare(try document(count), try document(strict, path: "new.sla")).isEmpty)
        // A changed bound read as a whole number also quotes what is written (`< 600` is `<= 599`).
        let below = count.replacingOccurrences(of: "count <= 600 requests", with: "count < 600 requests")
        let lower = count.replacingOccurrences(of: "count <= 600 requests", with: "count < 550 requests")
        let moved = ContractDiff.compare(try document(below), try document(lower, path: "new.sla"))
        #expect(moved.map(\.kind) == [.boundTightened])
        #expect(moved.first?.message.hasSuffix("(a whole number; as written `count < 600 requests`, now `count < 550 requests`)") == true, "\(moved.map(\.message))")
        #expect(ContractDiff.compare(try document(count), try document(lower, path: "new.sla")).first?.message.contains("as written") == true)
        let plain = count.replacingOccurrences(of: "count <= 600 requests", with: "count <= 550 requests")
        #expect(ContractDiff.compare(try document(count), try document(plain, path: "new.sla")).first?.message.contains("as written") == false)
        // `calendar day` and `1 day` are the same windows in UTC (not in Berlin).
        #expect(try changes([("every     1 hour", "every     calendar day"), ("objective 99% of windows per term", "objective 99% of windows per term")]).count == 1)
        let calendar = DiffTests.base.replacingOccurrences(of: "every     1 hour", with: "every     calendar day")
        let fixed = DiffTests.base.replacingOccurrences(of: "every     1 hour", with: "every     24 hours")
        #expect(ContractDiff.compare(try document(calendar), try document(fixed, path: "new.sla")).isEmpty)
        let berlin = { (t: String) in t.replacingOccurrences(of: "timezone  \"UTC\"", with: "timezone  \"Europe/Berlin\"") }
        #expect(ContractDiff.compare(try document(berlin(calendar)), try document(berlin(fixed), path: "new.sla")).map(\.kind) == [.windowChanged])
    }

    @Test func objectiveComparisonAndBoundTogether() throws {
        let measure = """
            contract "M" {
                effective 2026-01-01 to 2027-01-01
                clause "1" up {
                    every     5 minutes
                    require   share(status = "ok") >= 99%
                    measure   uptime per calendar month
                    objective measure >= 99.9%
                }
            }
            """
        let found = ContractDiff.compare(try document(measure), try document(measure.replacingOccurrences(of: "measure >= 99.9%", with: "measure > 95%"), path: "new.sla"))
        #expect(found.map(\.message) == ["objective changed from at least 99.9% to above 95%"])
        // Valued windows given a bound: the requirement is new, not "tightened from 0%".
        let valued = measure.replacingOccurrences(of: "require   share(status = \"ok\") >= 99%", with: "value     share(status = \"ok\")")
            .replacingOccurrences(of: "measure   uptime", with: "measure   mean")
        let judged = valued.replacingOccurrences(of: "value     share(status = \"ok\")", with: "require   share(status = \"ok\") >= 95%")
            .replacingOccurrences(of: "measure   mean", with: "measure   uptime")
        let change = ContractDiff.compare(try document(valued), try document(judged, path: "new.sla"))
        #expect(change.first?.message.hasPrefix("windows now judged by `share(status = \"ok\") >= 95%`") == true, "\(change.map(\.message))")
        #expect(!change.contains { $0.message.contains("tightened") })
    }

    /// One maintenance interval split in two, or two request exclusions merged with `or`: the
    /// same time and requests excluded; reported as one counts-only change, not as three.
    @Test func exclusionsSplitOrMergedAreOneCountsOnlyChange() throws {
        let split = try changes([("exclude maintenance from 2026-03-01T00:00:00Z to 2026-03-01T02:00:00Z",
                                  "exclude maintenance from 2026-03-01T00:00:00Z to 2026-03-01T01:00:00Z\n    exclude maintenance from 2026-03-01T01:00:00Z to 2026-03-01T02:00:00Z")])
        #expect(split.map(\.kind) == [.exclusionOrderChanged], "\(split.map(\.message))")
        let two = DiffTests.base.replacingOccurrences(of: "exclude requests where status = \"error:429\"",
                                                      with: "exclude requests where status = \"error:429\"\n    exclude requests where status = \"error:503\"")
        let one = DiffTests.base.replacingOccurrences(of: "exclude requests where status = \"error:429\"",
                                                      with: "exclude requests where status in [\"error:429\", \"error:503\"]")
        let merged = ContractDiff.compare(try document(two), try document(one, path: "new.sla"))
        #expect(merged.map(\.kind) == [.exclusionOrderChanged], "\(merged.map(\.message))")
        #expect(merged.first?.message.hasPrefix("exclusions split or merged: the same requests excluded as before") == true)
        // Shifted maintenance is a real change.
        #expect(try changes([("to 2026-03-01T02:00:00Z", "to 2026-03-01T03:00:00Z")]).map(\.kind) == [.exclusionAdded, .exclusionRemoved])
    }

    /// A trailing space in the legal text printed "was “Latency.”, now “Latency.”".
    @Test func aBlankOnlyTextChangeSaysSo() throws {
        let found = try changes([("text      \"Latency.\"", "text      \"Latency. \"")])
        #expect(found.map(\.message) == ["legal text changed: line 1 changed only in spaces or tabs at its start or end (“Latency.”)"])
    }

    @Test func aTimeZoneRenameThatMovesNothingSaysSo() throws {
        let etc = try changes([("timezone  \"UTC\"", "timezone  \"Etc/UTC\"")])
        #expect(etc.first?.message.contains("which keep the same UTC offsets throughout the term: calendar windows, objective months and dates do not move") == true)
        let berlin = try changes([("timezone  \"UTC\"", "timezone  \"Europe/Berlin\"")])
        #expect(berlin.contains { $0.kind == .timezoneChanged && $0.message.hasSuffix("move with it") }, "\(berlin.map(\.message))")
    }

    /// A rate bound under another window reads the same rate; the count a window allows changed.
    @Test func rateBoundUnderAnotherWindow() throws {
        let rate = DiffTests.base.replacingOccurrences(of: "require   p99(ttft) <= 800 ms", with: "require   count <= 1k requests/min")
        let wider = rate.replacingOccurrences(of: "every     5 minutes per tenant", with: "every     10 minutes per tenant")
        let found = ContractDiff.compare(try document(rate), try document(wider, path: "new.sla"))
        #expect(found.map(\.kind) == [.boundLoosened, .windowChanged], "\(found.map(\.message))")
        #expect(found.first?.message == "bound loosened from 5,000 to 10,000 requests a window (1k requests/min over every 10 minutes, was over every 5 minutes)")
    }

    @Test func comparisonAndStatisticChanges() throws {
        try only(.comparisonChanged, [("<= 800 ms", "< 800 ms")])
        let stat = try changes([("p99(ttft)", "p95(ttft)")])
        #expect(stat.map(\.kind) == [.requirementChanged])
        #expect(stat.first?.message.contains("looser") == true)
        let turned = try changes([("p99(ttft) <= 800 ms", "p99(ttft) >= 800 ms")])
        #expect(turned.map(\.kind) == [.comparisonChanged])
        let other = try changes([("p99(ttft) <= 800 ms", "sum(total_tokens) <= 800 tokens")])
        #expect(other.map(\.kind) == [.requirementChanged])
    }

    @Test func scopeNarrowedWidenedChanged() throws {
        try only(.scopeNarrowed, [("model in [\"a\", \"b\"]", "model in [\"a\"]")])
        try only(.scopeWidened, [("model in [\"a\", \"b\"]", "model in [\"a\", \"b\", \"c\"]")])
        try only(.scopeNarrowed, [("model in [\"a\", \"b\"]", "model in [\"a\", \"b\"] and region = \"eu\"")])
        try only(.scopeWidened, [("status = \"ok\" and model in [\"a\", \"b\"]", "model in [\"a\", \"b\"]")])
        try only(.scopeChanged, [("model in [\"a\", \"b\"]", "model in [\"c\"]")])
        try only(.scopeNarrowed, [("        every     1 hour\n", "        scope     status = \"ok\"\n        every     1 hour\n")])
        let lost = try changes([("model in [\"a\", \"b\"]", "model in [\"a\"]")])
        #expect(lost.first?.message.contains("`model` list lost \"b\"") == true)
    }

    @Test func windowsGroupsAndMinimum() throws {
        try only(.windowChanged, [("5 minutes per tenant", "10 minutes per tenant")], message: "window changed from every 5 minutes to every 10 minutes")
        try only(.windowChanged, [("every     1 hour", "every     calendar day")])
        try only(.groupsChanged, [("per tenant", "per tenant, model")])
        try only(.minimumChanged, [("minimum   20 requests", "minimum   50 requests")], message: "minimum sample raised from 20 to 50 requests per window")
    }

    @Test func objectivesAndCredits() throws {
        try only(.objectiveTightened, [("objective 99% of windows per term", "objective 99.9% of windows per term")])
        try only(.objectiveLoosened, [("objective 99% of windows per term", "objective 98% of windows per term")])
        try only(.objectivePeriodChanged, [("objective 99% of windows per term", "objective 99% of windows per calendar month")])
        try only(.creditTierAdded, [("        credit    25% of fee when attainment < 99%\n", "        credit    25% of fee when attainment < 99%\n        credit    50% of fee when attainment < 95%\n")],
                 message: "credit tier added: 50% of fee (500.00 USD) when attainment < 95%")
        try only(.creditTierRemoved, [("        credit    25% of fee when attainment < 99%\n", "")])
        try only(.creditTierChanged, [("25% of fee", "30% of fee")],
                 message: "credit when attainment < 99% raised from 25% of fee (250.00 USD) to 30% of fee (300.00 USD)")
    }

    @Test func exclusions() throws {
        try only(.exclusionAdded, [("    exclude requests where status = \"error:429\"\n", "    exclude requests where status = \"error:429\"\n    exclude requests where tenant = \"test\"\n")])
        try only(.exclusionRemoved, [("    exclude requests where status = \"error:429\"\n", "")])
        try only(.exclusionAdded, [("to 2026-03-01T02:00:00Z\n", "to 2026-03-01T02:00:00Z\n    exclude maintenance from 2026-04-01T00:00:00Z to 2026-04-01T01:00:00Z\n")])
        try only(.exclusionChanged, [("to 2026-03-01T02:00:00Z\n", "to 2026-03-01T02:00:00Z as uptime\n")],
                 message: "maintenance 2026-03-01T00:00:00Z to 2026-03-01T02:00:00Z now counts as uptime: its time stays in the period and is up (it was taken out of the period)")
        // Reordered or repeated exclusions change the per-exclusion counts of the report (the
        // audit found "no semantic difference" said of them).
        try only(.exclusionOrderChanged, [("    exclude requests where status = \"error:429\"\n", "    exclude requests where status = \"error:429\"\n    exclude requests where status = \"error:429\"\n")])
        try only(.exclusionOrderChanged, [("    exclude maintenance from 2026-03-01T00:00:00Z to 2026-03-01T02:00:00Z\n    exclude requests where status = \"error:429\"\n",
                                           "    exclude requests where status = \"error:429\"\n    exclude maintenance from 2026-03-01T00:00:00Z to 2026-03-01T02:00:00Z\n")])
        let clauseLevel = try changes([("        text      \"Latency.\"\n", "        text      \"Latency.\"\n        exclude requests where region = \"us\"\n")])
        #expect(clauseLevel.map(\.kind) == [.exclusionAdded])
        #expect(clauseLevel.first?.subject == "clause 1 `latency`")
    }

    @Test func headerChanges() throws {
        try only(.headerChanged, [("version   \"1\"", "version   \"2\"")], message: "`version` changed from \"1\" to \"2\"")
        try only(.headerChanged, [("    customer  \"C\"\n", "")])
        try only(.termChanged, [("to 2027-01-01", "to 2027-07-01")])
        try only(.timezoneChanged, [("\"UTC\"", "\"Europe/Berlin\"")].map { ($0.0, $0.1) } + [("effective 2026-01-01 to 2027-01-01", "effective 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z")])
        try only(.feeChanged, [("1000.00 USD", "1250.00 USD")], message: "fee raised from 1,000.00 USD to 1,250.00 USD per month (+250.00 USD); every credit amount changes with it")
    }

    @Test func clausesAddedRemovedRenamed() throws {
        try only(.clauseRenamed, [("\"2\" floor", "\"2\" decode_floor")])
        try only(.clauseRefChanged, [("\"2\" floor", "\"2.1\" floor")])
        try only(.textChanged, [("\"Latency.\"", "\"Latency, as amended.\"")])
        let added = try changes([("    clause \"2\" floor {", "    clause \"3\" extra {\n        every 1 day\n        require count <= 5 requests\n    }\n\n    clause \"2\" floor {")])
        #expect(added.map(\.kind) == [.clauseAdded])
        let removed = try changes([("    clause \"2\" floor {\n        every     1 hour\n        require   share(decode_tps >= 30 tokens/s) >= 90%\n        objective 99% of windows per term\n    }\n", "")])
        #expect(removed.map(\.kind) == [.clauseRemoved])
        // A different name and a different ref: one removed, one added.
        let replaced = try changes([("\"2\" floor", "\"9\" other")])
        #expect(Set(replaced.map(\.kind)) == [.clauseAdded, .clauseRemoved])
    }

    @Test func everyKindIsCovered() {
        // Keeps this suite honest when a kind is added (`priceChanged` and `measureChanged` are
        // covered by PeriodMeasureDiffTests).
        #expect(ContractChange.Kind.allCases.count == 32)
    }

    // MARK: the command

    @Test func commandExitCodes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slac-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let a = dir.appendingPathComponent("a.sla"), b = dir.appendingPathComponent("b.sla"), bad = dir.appendingPathComponent("bad.sla")
        try Data(DiffTests.base.utf8).write(to: a)
        try Data(DiffTests.base.replacingOccurrences(of: "<= 800 ms", with: "<= 750 ms").utf8).write(to: b)
        try Data("contract \"X\" {".utf8).write(to: bad)
        let same = DiffCommand.run(oldPath: a.path, newPath: a.path, colored: false)
        #expect(same.exitCode == 0 && same.standardOutput.hasPrefix("no semantic difference"))
        let differ = DiffCommand.run(oldPath: a.path, newPath: b.path, colored: false)
        #expect(differ.exitCode == 1 && differ.standardOutput.contains("bound tightened from 800 ms to 750 ms (−50 ms)"))
        let invalid = DiffCommand.run(oldPath: a.path, newPath: bad.path, colored: false)
        #expect(invalid.exitCode == 2 && invalid.standardError.contains("error["))
    }
}

/// A changed measure, price or downtime rule is a change of meaning.
@Suite struct PeriodMeasureDiffTests {
    static let base = """
        contract "N" {
            effective 2026-01-01 to 2027-01-01
            fee       20000.00 USD per month
            price     0.60 USD per 1M input_tokens
            clause "2.1" uptime {
                every     5 minutes per region
                value     share(status = "ok")
                empty     100%
                measure   mean per calendar month
                objective measure >= 99.9%
                credit    10% of charges when measure < 99.9%
            }
            clause "2.2" downtime {
                every     1 minute
                require   share(status = "ok") >= 95%
                downtime  after 5 consecutive breached windows
                measure   uptime per calendar month
                objective measure >= 99.95%
            }
        }
        """

    func changes(_ edit: (String) -> String) throws -> [ContractChange] {
        let old = try document(SourceFile(path: "old.sla", text: Self.base))
        let new = try document(SourceFile(path: "new.sla", text: edit(Self.base)))
        return ContractDiff.compare(old, new)
    }

    @Test func priceChange() throws {
        let c = try changes { $0.replacingOccurrences(of: "0.60 USD", with: "0.75 USD") }
        #expect(c.map(\.kind) == [.priceChanged])
    }

    /// Per-model prices: a price is known by its field and its condition; since the first price
    /// whose condition holds applies, the order of a field's prices is meaning too.
    @Test func pricesPerModel() throws {
        let large = "    price     3.00 USD per 1M input_tokens where model = \"large\"\n"
        let small = "    price     0.25 USD per 1M input_tokens where model = \"small\"\n"
        let general = "    price     0.60 USD per 1M input_tokens"
        func edit(_ before: String) -> (String) -> String { { $0.replacingOccurrences(of: general, with: before + general) } }
        let old = try document(SourceFile(path: "old.sla", text: edit(large + small)(Self.base)))
        func compare(_ text: String) throws -> [ContractChange] {
            ContractDiff.compare(old, try document(SourceFile(path: "new.sla", text: text)))
        }
        // The same prices: no change.
        #expect(try compare(edit(large + small)(Self.base)).isEmpty)
        // One model's price changed: one change, naming it.
        let repriced = try compare(edit(large.replacingOccurrences(of: "3.00", with: "2.50") + small)(Self.base))
        #expect(repriced.map(\.kind) == [.priceChanged])
        #expect(repriced.first?.message.contains("where model = \"large\"") == true)
        // Conditions that no request meets together, in another order: no change.
        #expect(try compare(edit(small + large)(Self.base)).isEmpty)
        // Conditions that can hold together, in another order: a request both hold for may change price.
        let long = large.replacingOccurrences(of: "model = \"large\"", with: "input_tokens > 100000")
        let before = try document(SourceFile(path: "old.sla", text: edit(long + small)(Self.base)))
        let reordered = ContractDiff.compare(before, try document(SourceFile(path: "new.sla", text: edit(small + long)(Self.base))))
        #expect(reordered.map(\.kind) == [.priceChanged])
        #expect(reordered.first?.message.contains("another order") == true)
        // Another condition: one price removed and one added.
        let renamed = try compare(edit(large.replacingOccurrences(of: "\"large\"", with: "\"huge\"") + small)(Self.base))
        #expect(renamed.map(\.kind) == [.priceChanged, .priceChanged])
        #expect(renamed.map(\.message).joined().contains("price added") && renamed.map(\.message).joined().contains("price removed"))
    }

    @Test func downtimeRuleChange() throws {
        let c = try changes { $0.replacingOccurrences(of: "after 5 consecutive", with: "after 10 consecutive") }
        #expect(c.map(\.kind) == [.measureChanged])
        #expect(c.first?.message.contains("10 consecutive") == true)
    }

    @Test func measurePeriodAndEmptyValue() throws {
        let c = try changes { $0.replacingOccurrences(of: "mean per calendar month", with: "mean per calendar quarter")
            .replacingOccurrences(of: "empty     100%", with: "empty     99%")
            .replacingOccurrences(of: "10% of charges when measure < 99.9%", with: "10% of charges when measure < 99.8%") }
        // The tier's threshold moved: one change, not a tier removed and another added.
        #expect(Set(c.map(\.kind)) == [.measureChanged, .objectivePeriodChanged, .creditTierChanged])
        #expect(c.contains { $0.message == "credit of 10% of charges now due when measure < 99.8%, was when measure < 99.9%" }, "\(c.map(\.message))")
    }

    @Test func layoutIsNoChange() throws {
        #expect(try changes { $0.replacingOccurrences(of: "    ", with: "  ") }.isEmpty)
    }

    /// Uptime counts an interval without a verdict as met unless `empty` says otherwise, so
    /// writing `empty met` changes nothing (it was reported as "uptime to uptime").
    @Test func uptimeEmptyMetIsTheDefault() throws {
        #expect(try changes { $0.replacingOccurrences(of: "        downtime  after", with: "        empty     met\n        downtime  after") }.isEmpty)
        let c = try changes { $0.replacingOccurrences(of: "        downtime  after", with: "        empty     breached\n        downtime  after") }
        #expect(c.map(\.kind) == [.measureChanged])
    }
}
