import Foundation
import SLACTool
import SLACTestSupport
import Testing

/// `slac verify` reads gzip files as streams (memory flat in the trace length, README.md, "Commands"); the report
/// is the same as for the uncompressed file, whatever the number of jobs, and the trace's digest
/// is that of its content.
@Suite struct StreamedInputTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let contract = root.appendingPathComponent("Contracts/acme-schedule-b.sla").path
    static let sample = root.appendingPathComponent("Contracts/samples/acme-2026-03-14").path

    let dir: TemporaryDirectory
    init() throws { dir = TemporaryDirectory() }

    func gzip(_ path: String) throws -> String { try dir.gzipCopy(of: path) }

    /// The report of `trace`, without the trace's path and the seal (which covers the path).
    func report(_ contract: String, _ trace: String, jobs: Int) throws -> (exit: Int32, body: String, trace: String) {
        let out = dir.url.appendingPathComponent("r-\(UUID().uuidString).xml").path
        var options = VerifyCommand.Options(contractPath: contract, traces: [trace])
        options.reportPath = out
        options.quiet = true
        options.jobs = jobs
        options.windows = .all
        let result = VerifyCommand.run(options, colored: false)
        let xml = try String(contentsOfFile: out, encoding: .utf8)
        let lines = xml.split(separator: "\n", omittingEmptySubsequences: false)
        let traceLine = lines.first { $0.contains("<trace ") }.map(String.init) ?? ""
        let body = lines.filter { !$0.contains("<trace ") && !$0.contains("<integrity ") }.joined(separator: "\n")
        return (result.exitCode, body, traceLine)
    }

    @Test("--lateness: a trace out of time order is evaluated again, says so, and reports as with every window open")
    func latenessFallback() throws {
        let lines = try String(contentsOfFile: Self.sample + ".jsonl", encoding: .utf8).split(separator: "\n")
        let reversed = try dir.file("reversed.jsonl", lines.reversed().joined(separator: "\n") + "\n")
        func run(_ lateness: String?) throws -> (CommandOutput, String) {
            let out = dir.url.appendingPathComponent("r-\(UUID().uuidString).xml").path
            var options = VerifyCommand.Options(contractPath: Self.contract, traces: [reversed])
            options.reportPath = out
            options.quiet = true
            options.jobs = 2
            // Several blocks: within one, nothing closes before the end and no fallback is needed.
            options.blockSize = 4096
            options.windows = .all
            options.lateness = lateness
            let result = VerifyCommand.run(options, colored: false)
            return (result, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
        }
        let (open, openReport) = try run("none")
        #expect(open.exitCode == 1 && open.standardError.isEmpty, "\(open.standardError)")
        let (closed, closedReport) = try run(nil)
        #expect(closed.exitCode == 1 && closedReport == openReport)
        #expect(closed.standardError.hasPrefix("note: `\(reversed)` is out of time order by more than 10 min"), "\(closed.standardError)")
        let (relaxed, relaxedReport) = try run("25h")
        #expect(relaxed.standardError.isEmpty && relaxedReport == openReport)
        let (bad, _) = try run("soon")
        #expect(bad.exitCode == 2 && bad.standardError.contains("`--lateness` is not a duration"))
    }

    /// A named pipe cannot be read twice: slac copies it as it is read, so that a piped trace out of
    /// time order is evaluated again, exactly, like a file (plain and gzip, one job and two).
    @Test("--lateness: a piped trace out of time order is evaluated again from its copy")
    func latenessFallbackThroughAPipe() throws {
        let lines = try String(contentsOfFile: Self.sample + ".jsonl", encoding: .utf8).split(separator: "\n")
        let reversed = try dir.file("reversed.jsonl", lines.reversed().joined(separator: "\n") + "\n")
        let reversedGzip = try gzip(reversed)
        for (content, jobs) in [(reversed, 1), (reversed, 2), (reversedGzip, 2)] {
            func run(_ trace: String, lateness: String?) throws -> (CommandOutput, String) {
                let out = dir.url.appendingPathComponent("r-\(UUID().uuidString).xml").path
                var options = VerifyCommand.Options(contractPath: Self.contract, traces: [trace])
                options.reportPath = out
                options.quiet = true
                options.jobs = jobs
                options.blockSize = 4096
                options.windows = .all
                options.lateness = lateness
                let result = VerifyCommand.run(options, colored: false)
                // The trace's path and the seal over it differ; the rest is the same.
                let xml = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
                return (result, xml.split(separator: "\n").filter { !$0.contains("<trace ") && !$0.contains("<integrity ") }.joined(separator: "\n"))
            }
            let (open, openReport) = try run(content, lateness: "none")
            #expect(open.exitCode == 1, "\(open.standardError)")
            let fifo = dir.url.appendingPathComponent("pipe-\(UUID().uuidString)").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: content))
            let writer = Thread {
                if let handle = FileHandle(forWritingAtPath: fifo) {
                    handle.write(bytes)
                    try? handle.close()
                }
            }
            writer.start()
            let before = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path).filter { $0.hasPrefix("slac-pipe-") }
            let (piped, pipedReport) = try run(fifo, lateness: nil)
            #expect(piped.exitCode == 1, "\(piped.standardError)")
            #expect(piped.standardError.hasPrefix("note: `\(fifo)` is out of time order by more than 10 min"), "\(piped.standardError)")
            #expect(pipedReport == openReport, "jobs \(jobs), \(content)")
            // The copy is gone after the run.
            let after = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path).filter { $0.hasPrefix("slac-pipe-") }
            #expect(Set(after).isSubset(of: Set(before)), "\(after)")
        }
    }

    @Test("gzip JSON Lines and CSV give the uncompressed file's report", arguments: ["jsonl", "csv"])
    func gzipMatchesPlain(ext: String) throws {
        let plain = Self.sample + "." + ext
        let compressed = try gzip(plain)
        let expected = try report(Self.contract, plain, jobs: 2)
        #expect(expected.exit == 1)
        for jobs in [1, 2] {
            let streamed = try report(Self.contract, compressed, jobs: jobs)
            #expect(streamed.exit == expected.exit)
            #expect(streamed.body == expected.body, "jobs \(jobs)")
            // Same content digest and accounting; the path differs, and the compressed file's own
            // digest is added (`file-sha256`, what `sha256sum` of the .gz prints).
            let withoutFileDigest = streamed.trace.replacingOccurrences(of: #" file-sha256="[0-9a-f]{64}""#, with: "", options: .regularExpression)
            #expect(streamed.trace.contains(" file-sha256=\""))
            #expect(withoutFileDigest.replacingOccurrences(of: compressed, with: plain) == expected.trace)
        }
    }

    static let llmperf = root.appendingPathComponent("../shared/traces/llmperf-leaderboard/individual").standardized.path
    static let llmperfFile = (try? FileManager.default.contentsOfDirectory(atPath: llmperf))?.sorted().first { $0.hasSuffix(".json") }

    @Test("an adapter format read compressed is parsed whole, as uncompressed", .enabled(if: llmperfFile != nil, "needs ../shared/traces"))
    func compressedAdapter() throws {
        let plain = Self.llmperf + "/" + (try #require(Self.llmperfFile))
        let contract = Self.root.appendingPathComponent("Contracts/formats/llmperf.sla").path
        let expected = try report(contract, plain, jobs: 1)
        let streamed = try report(contract, try gzip(plain), jobs: 2)
        #expect(streamed.body == expected.body)
        #expect(streamed.trace.contains("format=\"llmperf\""))
    }
}
