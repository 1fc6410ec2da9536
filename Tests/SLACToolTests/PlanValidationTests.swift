import Foundation
import SLACTool
import Testing

/// A plan file is input like any other (docs/fuzzing.md): an edited or inconsistent plan is refused with
/// exit 2 and a message, never a crash or a silently different evaluation.
@Suite struct PlanValidationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let contract = root.appendingPathComponent("Contracts/acme-schedule-b.sla").path
    static let trace = root.appendingPathComponent("Contracts/samples/acme-2026-03-14.jsonl").path

    /// Lives as long as the test (each test gets its own suite value).
    let dir: TemporaryDirectory

    init() throws { dir = try TemporaryDirectory() }

    func plan(editedBy edit: (inout [String: Any]) -> Void) throws -> String {
        let planPath = try dir.write("plan.json", [])
        let compiled = CompileCommand.run(contractPath: Self.contract, output: planPath, colored: false)
        #expect(compiled.exitCode == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: planPath))
        var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        edit(&json)
        return try dir.write("edited.json", [UInt8](try JSONSerialization.data(withJSONObject: json)))
    }

    func verify(_ planPath: String) -> CommandOutput {
        var options = VerifyCommand.Options(planPath: planPath, traces: [Self.trace])
        options.quiet = true
        return VerifyCommand.run(options, colored: false)
    }

    @Test func unchangedPlanRuns() throws {
        let output = verify(try plan { _ in })
        #expect(output.exitCode == 1)  // the sample breaches
    }

    @Test func missingFieldIsRefused() throws {
        let output = verify(try plan { json in
            var fields = json["fields"] as? [String: Any] ?? [:]
            fields["text"] = (fields["text"] as? [String] ?? []).filter { $0 != "tenant" }
            json["fields"] = fields
        })
        #expect(output.exitCode == 2)
        #expect(output.standardError.contains("monitor plan is inconsistent"))
    }

    @Test func zeroLengthWindowIsRefused() throws {
        let output = verify(try plan { json in
            var clauses = json["clauses"] as? [[String: Any]] ?? []
            clauses[0]["window"] = ["fixed": ["nanoseconds": 0]]
            json["clauses"] = clauses
        })
        #expect(output.exitCode == 2)
        #expect(output.standardError.contains("window of 0 ns"))
    }

    @Test func otherVersionIsRefused() throws {
        let output = verify(try plan { json in json["formatVersion"] = 99 })
        #expect(output.exitCode == 2)
        #expect(output.standardError.contains("version 99"))
    }
}
