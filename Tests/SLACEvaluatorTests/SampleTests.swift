import Foundation
import SLACChecker
import SLACEvaluator
import SLACMonitor
import SLACReport
import SLACTool
import SLACTrace
import SLACTestSupport
import Testing

let sampleContract = packageRoot.appendingPathComponent("Contracts/acme-schedule-b.sla").path
let sampleJSONL = packageRoot.appendingPathComponent("Contracts/samples/acme-2026-03-14.jsonl").path
let sampleCSV = packageRoot.appendingPathComponent("Contracts/samples/acme-2026-03-14.csv").path
let goldenReportURL = packageRoot.appendingPathComponent("Tests/SLACEvaluatorTests/Golden/sample-report.xml")
/// The trace path the golden report carries.
let sampleDisplayPath = "Contracts/samples/acme-2026-03-14.jsonl"

/// `target` relative to the working directory (SwiftPM runs tests from the package root, but do not rely on it).
func relativeToWorkingDirectory(_ target: String) -> String {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.pathComponents
    let to = URL(fileURLWithPath: target).standardizedFileURL.pathComponents
    var common = 0
    while common < min(cwd.count, to.count) && cwd[common] == to[common] { common += 1 }
    let ups = Array(repeating: "..", count: cwd.count - common)
    return (ups + to[common...]).joined(separator: "/")
}

@Suite("The committed sample trace", .serialized)
struct SampleTests {
    func sampleResult(_ path: String, format: TraceFormat, jobs: Int = 2) throws -> (EvaluationResult, RefResult, CheckedContract) {
        let text = try String(contentsOfFile: sampleContract, encoding: .utf8)
        let contract = try checkContract(text, path: sampleContract)
        let result = try runEvaluator(makePlan(contract), [(path, format)], jobs: jobs)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let reference = ReferenceEvaluator(contract: contract).evaluate([format == .csv ? RefReader.csv(data) : RefReader.jsonl(data)])
        return (result, reference, contract)
    }

    @Test("JSON Lines sample: evaluator and reference agree, and match the sample README")
    func sampleAgainstReference() throws {
        let (result, reference, contract) = try sampleResult(sampleJSONL, format: .jsonl)
        let diffs = differences(result, reference, contract: contract)
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))

        // The sanity table of Contracts/samples/README.md (computed in Python).
        let t = try #require(result.traces.first)
        #expect((t.read, t.accepted, t.rejected, t.outsideTerm, t.excluded) == (6000, 6000, 0, 0, 704))
        let c41 = result.clauses[0]
        #expect((c41.windowsMet, c41.windowsBreached, c41.windowsInsufficient) == (70, 5, 174))
        #expect(c41.windows.reduce(0) { $0 + $1.count } == 3917)
        let breached = c41.windows.filter { $0.verdict == .breached }
        #expect(breached.map { isoUTC($0.start) } == ["08:35", "08:45", "08:50", "08:55", "09:10"].map { isoUTC(utc("2026-03-14T\($0):00Z")) })
        #expect(breached.map(\.count) == [34, 30, 34, 23, 33])
        #expect(breached.map { $0.observed?.text } == ["2119.5", "1125.5", "1137.4", "876.8", "1371.5"])
        #expect(breached.map { $0.evidence.first?.id } == ["r-0003461", "r-0003524", "r-0003621", "r-0003655", "r-0003830"])
        #expect(c41.periods.map { "\($0.key.first?.value ?? "") \($0.met)/\($0.breached)" } == ["acme 62/5", "globex 8/0"])
        #expect(c41.credits.map(\.amountText) == ["30000.00"])
        #expect(c41.credits.map(\.percentText) == ["25"])
        #expect(c41.verdict == .breached)
        let c42 = result.clauses[1]
        #expect((c42.windows.count, c42.windowsMet, c42.windowsBreached, c42.windowsInsufficient) == (44, 22, 22, 0))
        let c51 = result.clauses[2]
        #expect((c51.windowsMet, c51.windowsBreached) == (4, 0))
        let quotaTexts: [String] = c51.windows.map { $0.observed?.text ?? "" }
        #expect(quotaTexts.contains("3483020"))
        let c52 = result.clauses[3]
        #expect((c52.windowsMet, c52.windowsBreached) == (0, 1))
        #expect(c52.windows.first?.count == 5296)
        let share = try #require(c52.windows.first?.observed?.text)
        #expect(exactTextProblem(share, .init(5253, 5296)) == nil, "observed `\(share)`")
        #expect(result.verdict == .breached)
    }

    @Test("CSV sample gives the same clause results as the JSON Lines sample")
    func csvMatchesJSONL() throws {
        let (json, _, _) = try sampleResult(sampleJSONL, format: .jsonl, jobs: 1)
        let (csv, csvReference, contract) = try sampleResult(sampleCSV, format: .csv, jobs: 2)
        #expect(csv.clauses == json.clauses)
        #expect(csv.verdict == json.verdict)
        let t = try #require(csv.traces.first)
        #expect((t.read, t.accepted, t.rejected, t.outsideTerm, t.excluded) == (6000, 6000, 0, 0, 704))
        let diffs = differences(csv, csvReference, contract: contract)
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
    }

    @Test("gzip-compressed sample gives the same clause results")
    func gzipMatchesPlain() throws {
        let dir = TempDir()
        let gz = dir.path("sample.jsonl.gz")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -c '\(sampleJSONL)' > '\(gz)'"]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let (plain, _, contract) = try sampleResult(sampleJSONL, format: .jsonl, jobs: 1)
        let compressed = try runEvaluator(makePlan(contract), [(gz, .jsonl)], jobs: 2)
        #expect(compressed.clauses == plain.clauses)
        #expect(compressed.traces.first?.read == 6000)
    }

    // MARK: reports

    /// Runs `slac verify` on the JSON Lines sample and returns the report bytes, with the trace path
    /// normalised to the package-relative one.
    func report(jobs: Int, contract: String? = sampleContract, plan: String? = nil, windows: WindowSelection = .all) throws -> [UInt8] {
        let dir = TempDir()
        let relative = relativeToWorkingDirectory(sampleJSONL)
        var options = VerifyCommand.Options(contractPath: contract, planPath: plan, traces: [relative])
        options.reportPath = dir.path("report.xml")
        options.windows = windows
        options.jobs = jobs
        options.quiet = true
        let out = VerifyCommand.run(options, colored: false)
        #expect(out.exitCode == 1, "\(out.standardError)")
        var text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir.path("report.xml"))), as: UTF8.self)
        if relative != sampleDisplayPath {
            text = text.replacingOccurrences(of: "path=\"\(relative)\"", with: "path=\"\(sampleDisplayPath)\"")
        }
        return Array(text.utf8)
    }

    @Test("golden report of the sample (--windows all), valid, deterministic, independent of jobs")
    func goldenReport() throws {
        let bytes = try report(jobs: 1)
        if recordingGoldens || !FileManager.default.fileExists(atPath: goldenReportURL.path) {
            try FileManager.default.createDirectory(at: goldenReportURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: goldenReportURL)
            if !recordingGoldens { Issue.record("golden report was missing and has been recorded; review and commit it") }
        }
        let golden = Array(try Data(contentsOf: goldenReportURL))
        if golden != bytes {
            let g = String(decoding: golden, as: UTF8.self).components(separatedBy: "\n")
            let a = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
            let i = Array(zip(g, a)).firstIndex { $0.0 != $0.1 } ?? min(g.count, a.count)
            Issue.record(Testing.Comment(rawValue: "report differs from Golden/sample-report.xml at line \(i + 1):\n golden: \(i < g.count ? g[i] : "<end>")\n actual: \(i < a.count ? a[i] : "<end>")\n(re-record with SLAC_RECORD=1)"))
        }
        let problems = try SchemaValidator.bundled().validate(bytes)
        #expect(problems.isEmpty, Testing.Comment(rawValue: problems.prefix(10).joined(separator: "\n")))
        #expect(try report(jobs: 1) == bytes, "two runs give different bytes")
        #expect(try report(jobs: 2) == bytes, "jobs 2 gives different bytes than jobs 1")
        #expect(try report(jobs: 7) == bytes, "jobs 7 gives different bytes than jobs 1")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("path=\"\(sampleDisplayPath)\""))
        #expect(text.components(separatedBy: "<window ").count - 1 == 249 + 44 + 4 + 1)
    }

    @Test("slac compile → plan JSON → verify --plan gives the same report as verify --contract, but for the plan's digest")
    func planRoundTrip() throws {
        let dir = TempDir()
        let planPath = dir.path("plan.json")
        let compiled = CompileCommand.run(contractPath: sampleContract, output: planPath, colored: false)
        #expect(compiled.exitCode == 0, "\(compiled.standardError)")
        let planData = try Data(contentsOf: URL(fileURLWithPath: planPath))
        let plan = try MonitorPlan.decode(planData)
        #expect(plan.clauses.map(\.ref) == ["4.1", "4.2", "5.1", "5.2"])
        // Compiling twice gives the same plan bytes.
        let again = CompileCommand.run(contractPath: sampleContract, output: nil, colored: false)
        #expect(Array(again.standardOutput.utf8) == Array(planData))
        for windows in [WindowSelection.all, .breached] {
            let viaContract = try report(jobs: 2, windows: windows)
            let viaPlan = try report(jobs: 2, contract: nil, plan: planPath, windows: windows)
            // The plan's report names the plan (its seal differs with it); all else is the same.
            func unsealed(_ bytes: [UInt8]) -> String {
                let text = String(decoding: bytes, as: UTF8.self)
                return text.range(of: "  <integrity ").map { String(text[..<$0.lowerBound]) } ?? text
            }
            let planDigest = Digest.sha256Hex(Array(planData))
            let planText = unsealed(viaPlan)
            #expect(planText.contains(" plan-sha256=\"\(planDigest)\""))
            #expect(planText.replacingOccurrences(of: " plan-sha256=\"\(planDigest)\"", with: "") == unsealed(viaContract),
                    "verify --plan and verify --contract differ (windows \(windows.rawValue))")
        }
    }
}
