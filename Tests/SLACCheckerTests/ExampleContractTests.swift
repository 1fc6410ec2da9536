import Foundation
import SLACChecker
import SLACSyntax
import Testing

/// Every example contract in `Contracts/` parses and checks with no diagnostic at all.
@Suite struct ExampleContractTests {
    @Test func thereAreExampleContracts() {
        #expect(ExampleContracts.names.count >= 8)
        #expect(ExampleContracts.names.contains("acme-schedule-b.sla"))
    }

    @Test(arguments: ExampleContracts.names)
    func parsesAndChecksCleanly(_ name: String) throws {
        let source = SourceFile(path: name, text: try ExampleContracts.text(name))
        let parsed = Parser.parse(source)
        #expect(parsed.diagnostics.isEmpty, "\(DiagnosticRenderer().render(parsed.diagnostics, in: source))")
        let result = Checker.check(parsed)
        #expect(result.diagnostics.isEmpty, "\(DiagnosticRenderer().render(result.diagnostics, in: source))")
        let contract = try #require(result.contract)
        #expect(!contract.clauses.isEmpty)
        #expect(contract.termStart < contract.termEnd)
        for clause in contract.clauses {
            // A `value` clause's requirement reads `value AGGREGATE`, while the file aligns the
            // aggregate in the column of the clause items: look for the aggregate as written.
            let written = clause.windowsAreValued ? String(clause.requirementText.dropFirst("value ".count)) : clause.requirementText
            #expect(source.text.contains(written), "\(name): `\(written)`")
        }
    }

    /// The first example of docs/language.md (`acme-schedule-b.sla`) means what the reference says.
    @Test func specExampleMeaning() throws {
        let contract = try checkedContract(try ExampleContracts.text("acme-schedule-b.sla"))
        #expect(contract.clauses.map(\.name) == ["interactive_ttft", "decode_floor", "daily_quota", "availability"])
        #expect(contract.id == "ACME-MSA-2026-014" && contract.version == "3.2")
        #expect(contract.provider == "Nimbus Cloud Inc." && contract.customer == "Acme Corp.")
        #expect(contract.timezone == "UTC")
        #expect(contract.termStart == 1_767_225_600 * 1_000_000_000)  // 2026-01-01T00:00:00Z
        #expect(contract.termEnd == 1_798_761_600 * 1_000_000_000)    // 2027-01-01T00:00:00Z
        #expect(contract.exclusions.maintenance.map(\.start) == [1_773_453_600 * 1_000_000_000])  // 2026-03-14T02:00:00Z
        #expect(contract.exclusions.maintenance.map(\.end) == [1_773_460_800 * 1_000_000_000])    // 2026-03-14T04:00:00Z
        #expect(contract.exclusions.requests == [.text(field: "status", equal: true, value: "error:429")])
        let ttft = contract.clauses[0]
        #expect(ttft.scope == .and(.text(field: "status", equal: true, value: "ok"),
                                   .textIn(field: "model", values: ["llama-3.1-70b", "llama-3.1-8b"], negated: false)))
        #expect(ttft.minimumRequests == 20)
        #expect(ttft.groupBy == ["tenant"])
        #expect(ttft.requirementText == "p99(ttft) <= 800 ms")
        #expect(contract.clauses[3].groupBy.isEmpty)
        #expect(contract.clauses[3].objective.period == .term)
        #expect(contract.clauses[3].objective.bound == .one)
    }
}
