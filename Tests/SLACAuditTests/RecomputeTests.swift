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

    /// A report an engine made (`verify --engine`, or `--aggregates` with no digest of the
    /// traces) is recomputed by slac's own evaluator: the `<engine>` element is noted, not a
    /// difference, and a trace without a digest is compared on its figures and said to be so.
    /// Both once made every engine report "does NOT hold".
    @Test("a report made by an engine is recomputed natively; a trace without a digest is noted")
    func engineReports() throws {
        let dir = TempDir()
        let xml = unsealed(text(try sampleReport()))
        let trace = try #require(xml.range(of: "  <trace "))
        let withEngine = xml.replacingCharacters(in: trace, with: "  <engine name=\"duckdb\"/>\n  <trace ")
        let digest = try #require(withEngine.firstMatch(of: /<trace [^>]* sha256="([0-9a-f]{64})"/)).1
        let aggregates = withEngine.replacingOccurrences(of: "sha256=\"\(digest)\"", with: "sha256=\"not computed\"")
        #expect(aggregates != withEngine)
        for (name, report) in [("engine", withEngine), ("aggregates", aggregates)] {
            try Data(try ReportIntegrity.seal(Array(report.utf8))).write(to: URL(fileURLWithPath: dir.path("\(name).xml")))
            let out = run(dir.path("\(name).xml"))
            #expect(out.exitCode == 0, "\(name): \(out.standardOutput)\(out.standardError)")
            #expect(out.standardOutput.contains("note       the report was made with the engine `duckdb`"), "\(out.standardOutput)")
        }
        let out = run(dir.path("aggregates.xml"))
        #expect(out.standardOutput.contains("has no digest in the report"), "\(out.standardOutput)")
        #expect(out.standardOutput.contains("recompute  ok    the contract matches the report's digest (1 of 1 trace(s) without a digest"), "\(out.standardOutput)")
        // Without a digest, the figures still count.
        let altered = aggregates.replacingOccurrences(of: "excluded=\"704\"", with: "excluded=\"700\"")
        try Data(try ReportIntegrity.seal(Array(altered.utf8))).write(to: URL(fileURLWithPath: dir.path("altered.xml")))
        let failed = run(dir.path("altered.xml"))
        #expect(failed.exitCode == 1)
        #expect(failed.standardOutput.contains("excluded is `700` in the report; the inputs give `704`"), "\(failed.standardOutput)")
    }

    /// Mooncake timestamps count from the trace's start (`verify --epoch`): the report records
    /// the epoch on the trace, and `--recompute` places the records from it. Reports of such
    /// traces once could not be recomputed at all (verify-report had no `--epoch`).
    @Test("a Mooncake report records its epoch and is recomputed from it")
    func mooncakeEpoch() throws {
        let dir = TempDir()
        let lines = (0..<40).map { "{\"timestamp\": \($0 * 1500), \"input_length\": \(1000 + $0 * 37), \"output_length\": \(200 + $0), \"hash_ids\": [\($0)]}" }
        let trace = dir.path("mc.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: trace))
        let contract = packageRoot.appendingPathComponent("Contracts/formats/mooncake.sla").path
        var verify = VerifyCommand.Options(contractPath: contract, traces: [trace])
        verify.epoch = "2024-05-01"
        verify.reportPath = dir.path("r.xml")
        verify.quiet = true
        let made = VerifyCommand.run(verify, colored: false)
        #expect(made.exitCode <= 1, "\(made.standardError)")
        let report = try String(contentsOfFile: dir.path("r.xml"), encoding: .utf8)
        #expect(report.contains("epoch=\"2024-05-01T00:00:00Z\""), "\(report)")
        let out = run(dir.path("r.xml"), contract: contract, traces: [trace])
        #expect(out.exitCode == 0, "\(out.standardOutput)\(out.standardError)")
        // Another epoch places the records elsewhere: the figures differ.
        var options = VerifyReportCommand.Options(reportPath: dir.path("r.xml"))
        options.recompute = true
        options.contractPath = contract
        options.traces = [trace]
        options.epoch = "2024-05-02"
        let moved = VerifyReportCommand.run(options, colored: false)
        #expect(moved.exitCode == 1, "\(moved.standardOutput)\(moved.standardError)")
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
