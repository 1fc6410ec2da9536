import Foundation
@testable import SLACAudit
import SLACReport
import SLACTool
import SLACTestSupport
import Testing

@Suite("verify-report --recompute")
struct RecomputeTests {
    func run(_ reportPath: String, contract: String = sampleContractPath, traces: [String] = [sampleTracePath]) -> CommandOutput {
        var options = VerifyReportCommand.Options(reportPath: reportPath)
        options.recompute = true
        options.contractPath = contract
        options.traces = traces
        options.jobs = 2
        return VerifyReportCommand.run(options, colored: false)
    }

    @Test("the sample report is reproduced exactly, for each window selection", arguments: WindowSelection.allCases)
    func reproduced(_ windows: WindowSelection) throws {
        let dir = TempDir()
        try Data(try sampleReport(windows: windows)).write(to: URL(fileURLWithPath: dir.path("r.xml")))
        let out = run(dir.path("r.xml"))
        #expect(out.exitCode == 0, "\(out.standardOutput)\(out.standardError)")
        #expect(out.standardOutput.contains("recompute  ok"))
        // The trace was given under another path than the report names: noted, not a difference.
        #expect(out.standardOutput.contains("note       trace 1 is `\(sampleDisplayPath)`"))
    }

    @Test("altered figures are found even when the report was re-sealed after the edit")
    func alteredFigures() throws {
        let dir = TempDir()
        let original = unsealed(text(try sampleReport()))
        let edits: [(String, String, String)] = [
            ("observed=\"2119.5\"", "observed=\"799.5\"", "observed is `799.5` in the report; the inputs give `2119.5`"),
            ("amount=\"30000.00\"", "amount=\"12000.00\"", "amount is `12000.00` in the report"),
            ("excluded=\"704\"", "excluded=\"700\"", "excluded is `700` in the report; the inputs give `704`"),
        ]
        for (from, to, expected) in edits {
            let altered = original.replacingOccurrences(of: from, with: to)
            #expect(altered != original)
            try Data(try ReportIntegrity.seal(Array(altered.utf8))).write(to: URL(fileURLWithPath: dir.path("r.xml")))
            let out = run(dir.path("r.xml"))
            #expect(out.exitCode == 1)
            #expect(out.standardOutput.contains("digest     ok"))  // sealed after the edit: only recompute sees it
            #expect(out.standardOutput.contains("recompute  FAIL"))
            #expect(out.standardOutput.contains(expected), "\(out.standardOutput)")
        }
    }

    @Test("a dropped window is named as a count difference first")
    func droppedWindow() throws {
        let dir = TempDir()
        let xml = unsealed(text(try sampleReport()))
        let start = try #require(xml.range(of: "    <window "))
        let end = try #require(xml.range(of: "    </window>\n", range: start.upperBound..<xml.endIndex))
        let dropped = String(xml[..<start.lowerBound]) + String(xml[end.upperBound...])
        try Data(try ReportIntegrity.seal(Array(dropped.utf8))).write(to: URL(fileURLWithPath: dir.path("r.xml")))
        let out = run(dir.path("r.xml"))
        #expect(out.exitCode == 1)
        let firstDifference = try #require(out.standardOutput.components(separatedBy: "\n").first { $0.hasPrefix("  - ") })
        #expect(firstDifference.contains("clause 4.1: the report lists 248 <window> elements; the inputs give 249"), "\(firstDifference)")
    }

    @Test("another contract or trace than the report's is reported by digest")
    func otherInputs() throws {
        let dir = TempDir()
        try Data(try sampleReport()).write(to: URL(fileURLWithPath: dir.path("r.xml")))
        // Same records, other bytes: the CSV version of the sample.
        let csv = packageRoot.appendingPathComponent("Contracts/samples/acme-2026-03-14.csv").path
        let out = run(dir.path("r.xml"), traces: [csv])
        #expect(out.exitCode == 1)
        #expect(out.standardOutput.contains("the report's trace has SHA-256"))
        let contract = packageRoot.appendingPathComponent("Contracts/tenant-quotas.sla").path
        let other = run(dir.path("r.xml"), contract: contract)
        #expect(other.exitCode == 1)
        #expect(other.standardOutput.contains("contract: the report was made from a contract with SHA-256"))
    }

    @Test("usage errors exit 2; an unreadable trace exits 3")
    func usage() throws {
        let dir = TempDir()
        try Data(try sampleReport()).write(to: URL(fileURLWithPath: dir.path("r.xml")))
        var options = VerifyReportCommand.Options(reportPath: dir.path("r.xml"))
        options.recompute = true
        #expect(VerifyReportCommand.run(options, colored: false).exitCode == 2)
        #expect(run(dir.path("r.xml"), traces: [dir.path("missing.jsonl")]).exitCode == 3)
    }
}
