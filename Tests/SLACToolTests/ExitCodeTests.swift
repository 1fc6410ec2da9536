import Foundation
import SLACTool
import SLACTestSupport
import Testing

/// The exit code is the whole contract with CI (docs/ci.md): usage errors are 2 for every
/// subcommand, and a run that judged nothing is 3, never a green 0.
@Suite struct ExitCodeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let contract = root.appendingPathComponent("Contracts/acme-schedule-b.sla").path
    static let sample = root.appendingPathComponent("Contracts/samples/acme-2026-03-14.jsonl").path

    /// The `slac` executable that `swift build` / `swift test` built next to the tests.
    static func executable() throws -> URL {
        let candidates = ["debug", "release"].map { root.appendingPathComponent(".build/\($0)/slac") }
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                            "the slac executable is built by `swift build` (and `swift test`)")
    }

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static func slac(_ arguments: [String], environment: [String: String]? = nil) throws -> Run {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static let usageErrors: [[String]] = [
        ["verfy"],
        ["verify", "--contrat", "x.sla", "t.jsonl"],
        ["verify", "--windows", "some", "--contract", "x.sla", "t.jsonl"],
        ["verify", "--jobs", "many", "--contract", "x.sla", "t.jsonl"],
        ["check"], ["check", "--format", "yaml", "x.sla"],
        ["compile"], ["compile", "--bogus", "x.sla"],
        ["fmt"], ["fmt", "--chek", "x.sla"],
        ["explain"], ["explain", "--format", "pdf", "x.sla"],
        ["diff", "a.sla"],
        ["formats", "extra"],
        ["render"], ["keygen", "--bogus"],
        ["verify-report"],
        ["lsp", "--bogus"],
        ["--bogus"],
    ]

    @Test(arguments: usageErrors)
    func usageErrorsExitTwoInTheHouseStyle(_ arguments: [String]) throws {
        let run = try Self.slac(arguments)
        #expect(run.status == 2, "slac \(arguments.joined(separator: " ")): \(run.stderr)")
        // SLA0501 (unknown command) or SLA0502 (invalid command line), docs/diagnostics.md.
        #expect(run.stderr.hasPrefix("error[SLA050"), "\(run.stderr)")
        #expect(run.stderr.contains("\n   = help: "), "\(run.stderr)")
        let message = run.stderr.dropFirst("error[SLA0502]: ".count).prefix { $0 != "\n" }
        #expect(message.first?.isLowercase == true && !message.hasSuffix("."), "\(message)")
        #expect(!run.stderr.contains("'"), "quotes become backticks: \(run.stderr)")
    }

    /// `--lateness -5s` once read as a missing value followed by an unknown option `-5s`.
    @Test func negativeLatenessIsRefusedAsSuch() throws {
        let run = try Self.slac(["verify", "--contract", Self.contract, Self.sample, "--lateness", "-5s", "--quiet"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("error[SLA0512]: `--lateness` cannot be negative: `-5s`\n   = help: it is how far"), "\(run.stderr)")
    }

    /// A folder given as a report was "9223372036854775807 bytes" (exit 2), and a missing key
    /// file was a usage error (exit 2); both are unreadable inputs (docs/ci.md).
    @Test func unreadableReportsAndKeysExitThree() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slac-exit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("r.xml").path
        try "<report/>".write(toFile: report, atomically: true, encoding: .utf8)
        let missingKey = folder.appendingPathComponent("missing.key").path
        for arguments in [["verify-report", folder.path], ["render", folder.path, "-o", folder.appendingPathComponent("p.html").path],
                          ["verify-report", report, "--public-key", missingKey],
                          ["verify", "--contract", Self.contract, Self.sample, "--sign-key", missingKey, "--quiet"]] {
            let run = try Self.slac(arguments)
            #expect(run.status == 3, "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("9223372036854775807"), "\(run.stderr)")
        }
        #expect(try Self.slac(["verify-report", folder.path]).stderr.contains("it is a folder, not a file"))
        // A file that is not a key is invalid input, still 2.
        #expect(try Self.slac(["verify-report", report, "--public-key", report]).status == 2)
    }

    @Test func unknownCommandSuggestsTheClosest() throws {
        let run = try Self.slac(["verfy", "--contract", Self.contract])
        #expect(run.stderr == "error[SLA0501]: unknown command `verfy`\n   = help: did you mean `verify`?\n")
    }

    @Test func helpAndVersionStillSucceed() throws {
        #expect(try Self.slac(["--help"]).status == 0)
        #expect(try Self.slac(["verify", "--help"]).stdout.contains("--allow-empty"))
        #expect(try Self.slac(["--version"]).status == 0)
    }

    /// `slac --version` is the report's tool-version plus the git revision; a plain `swift build`
    /// says `unknown`, scripts/package.sh writes the commit (scripts/test-package.sh checks that).
    @Test func versionNamesTheRevision() throws {
        let run = try Self.slac(["--version"])
        #expect(run.stdout == "\(SlacVersion.current) (git \(SlacVersion.revision))\n")
        #expect(SlacVersion.display.hasPrefix(SlacVersion.current + " (git "))
        let revision = SlacVersion.revision
        #expect(revision == "unknown" || revision.range(of: "^[0-9a-f]{7,}(-dirty)?$", options: .regularExpression) != nil, "\(revision)")
    }

    @Test func completionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            let run = try Self.slac(["--generate-completion-script", shell])
            #expect(run.status == 0 && run.stdout.contains("verify-report"), "\(shell): \(run.stderr)")
        }
        #expect(try Self.slac(["--generate-completion-script", "tcsh"]).status == 2)
    }

    @Test func noSubcommandIsAUsageError() throws {
        let run = try Self.slac([])
        #expect(run.status == 2)
        #expect(run.stderr.contains("USAGE: slac <subcommand>"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func anEpochThatChangesNothingIsNoted() throws {
        let run = try Self.verify(Self.sample, ["--epoch", "2024-01-01"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("note: `--epoch` is ignored: no trace here has timestamps relative to its start"), "\(run.stderr)")
    }

    /// A plan file that is not a plan, or a plan missing a part, says which and how to make one.
    @Test func badPlansSayWhatIsWrong() throws {
        let dir = TemporaryDirectory()
        let empty = try Self.slac(["verify", "--plan", try dir.write("p.json", "{}"), Self.sample])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("is not a slac monitor plan"), "\(empty.stderr)")
        #expect(empty.stderr.contains("= help: make the plan from its contract with `slac compile CONTRACT -o PLAN`"), "\(empty.stderr)")
        let compiled = try Self.slac(["compile", Self.contract])
        var plan = try #require(try JSONSerialization.jsonObject(with: Data(compiled.stdout.utf8)) as? [String: Any])
        var clauses = try #require(plan["clauses"] as? [[String: Any]])
        clauses[0].removeValue(forKey: "window")
        plan["clauses"] = clauses
        let broken = try dir.write("b.json", String(decoding: try JSONSerialization.data(withJSONObject: plan), as: UTF8.self))
        let run = try Self.slac(["verify", "--plan", broken, Self.sample])
        #expect(run.status == 2)
        #expect(run.stderr.contains("the monitor plan cannot be read: `window` is missing at clauses[0]"), "\(run.stderr)")
        #expect(!run.stderr.contains("DecodingError"), "\(run.stderr)")
        let missing = try Self.slac(["verify", "--plan", dir.url.appendingPathComponent("none.json").path, Self.sample])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("= help: check the path"), "\(missing.stderr)")
    }

    // MARK: runs that judged nothing

    static func verify(_ trace: String, _ extra: [String] = [], contract: String = ExitCodeTests.contract) throws -> Run {
        try slac(["verify", "--contract", contract, "--quiet"] + extra + [trace])
    }

    @Test func zeroByteTraceIsAnInputError() throws {
        let dir = TemporaryDirectory()
        let run = try Self.verify(try dir.write("empty.jsonl", ""))
        #expect(run.status == 3)
        #expect(run.stderr.contains("holds no records"), "\(run.stderr)")
        #expect(try Self.verify(try dir.write("empty2.jsonl", ""), ["--allow-empty"]).status != 3)
    }

    @Test func headerOnlyCSVAndEmptyArrayAreInputErrors() throws {
        let dir = TemporaryDirectory()
        let csv = try dir.write("h.csv", "id,ts,tenant,status,ttft_ms\n")
        let run = try Self.verify(csv)
        #expect(run.status == 3, "\(run.stderr)")
        let array = try dir.write("a.json", "[]\n")
        #expect(try Self.verify(array).status == 3)
    }

    @Test func aFileThatIsNotATraceIsAnInputError() throws {
        for name in ["README.md", "Package.swift"] {
            let run = try Self.verify(Self.root.appendingPathComponent(name).path)
            #expect(run.status == 3, "\(name): \(run.stderr)")
        }
        #expect(try Self.verify(Self.contract).status == 3)
        let run = try Self.verify(Self.root.appendingPathComponent("README.md").path)
        #expect(run.stderr.contains("rejected (most often: "), "\(run.stderr)")
    }

    @Test func nanosecondTimestampsAreAnInputError() throws {
        let dir = TemporaryDirectory()
        let lines = (0..<50).map { i in
            "{\"id\":\"r\(i)\",\"ts\":\(1_773_446_400_000_000_000 + i * 1_000_000_000),\"status\":\"ok\",\"ttft_ms\":100}"
        }
        let run = try Self.verify(try dir.write("ns.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("no record of trace"), "\(run.stderr)")
    }

    /// `ts` in epoch seconds is read as milliseconds and lands in January 1970: the help says so.
    @Test func epochSecondsAreNamed() throws {
        let dir = TemporaryDirectory()
        let lines = (0..<5).map { "{\"id\":\"r\($0)\",\"ts\":\(1_773_446_400 + $0 * 60),\"status\":\"ok\",\"ttft_ms\":100}" }
        let run = try Self.verify(try dir.write("secs.jsonl", lines.joined(separator: "\n") + "\n"))
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("`ts` looks like epoch seconds"), "\(run.stderr)")
    }

    /// A trace without a telling name whose first line holds a comma reads as CSV: when that
    /// fails, the error says how the format was chosen and how to force it.
    @Test func aTraceReadAsCSVByItsContentSaysSo() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("prefixed.log", "garbage, line\nmore, garbage\n")
        let run = try Self.verify(path)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("if this is JSON Lines, pass `--format jsonl`"), "\(run.stderr)")
    }

    /// JSON Lines whose first line is malformed and holds a comma, without a telling name, was
    /// read as CSV and failed whole; the next line being an object now makes it JSON Lines, with
    /// only the first line rejected.
    @Test func jsonLinesWithAMalformedFirstLineAreJSONLines() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("prefixed.log", "garbage, line\n{\"id\":\"a\",\"ts\":\"2026-03-14T00:00:00Z\",\"ttft_ms\":100}\n")
        let run = try Self.verify(path)
        #expect(run.status != 3 && run.status != 2, "\(run.stderr)")
        #expect(run.stderr.contains("rejected"), "\(run.stderr)")
    }

    @Test func aTraceOutsideTheTermSaysWhereItLies() throws {
        let dir = TemporaryDirectory()
        let old = try dir.write("old.sla", (try String(contentsOfFile: Self.contract, encoding: .utf8))
            .replacingOccurrences(of: "effective 2026-01-01 to 2027-01-01", with: "effective 2023-01-01 to 2024-01-01")
            .replacingOccurrences(of: "2026-03-14T02:00:00Z", with: "2023-03-14T02:00:00Z")
            .replacingOccurrences(of: "2026-03-14T04:00:00Z", with: "2023-03-14T04:00:00Z"))
        let run = try Self.verify(Self.sample, contract: old)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("outside the term 2023-01-01T00:00:00Z to 2024-01-01T00:00:00Z"), "\(run.stderr)")
        #expect(run.stderr.contains("the trace runs from 2026-03-14T"), "\(run.stderr)")
    }

    @Test func exitThreeLeavesNoStaleReportAndAJUnitError() throws {
        let dir = TemporaryDirectory()
        let report = dir.url.appendingPathComponent("r.xml").path
        let junit = dir.url.appendingPathComponent("j.xml").path
        // A good run first: both files exist and say breached.
        let good = try Self.verify(Self.sample, ["--report", report, "--junit", junit])
        #expect(good.status == 1)
        #expect(FileManager.default.fileExists(atPath: report))
        // Then a run on an empty trace at the same paths.
        let bad = try Self.verify(try dir.write("empty.jsonl", ""), ["--report", report, "--junit", junit])
        #expect(bad.status == 3)
        #expect(!FileManager.default.fileExists(atPath: report), "an earlier report must not look current")
        let junitText = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(junitText.contains("errors=\"1\""))
        #expect(junitText.contains("<error message=\"input error: trace"), "\(junitText)")
    }

    /// Standard input can be read once: `- -` was exit 3 ("holds no records") instead of the
    /// usage error of any trace given twice.
    @Test func standardInputTwiceIsAUsageError() throws {
        let run = try Self.slac(["verify", "--contract", Self.contract, "--quiet", "-", "-"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("error[SLA0509]: the same trace twice: standard input (`-`) can be read once"), "\(run.stderr)")
    }

    /// A command line that does not parse is exit 2 like any other, so the same guarantee holds:
    /// a typo in a CI step's options (`--stirct`, `--windows failed`) once left the previous run's
    /// passing report and JUnit file in place, to be uploaded as the failed step's artefacts.
    @Test(arguments: [["--stirct"], ["--windows", "failed"], ["--jobs", "-1"], ["--jobs", "0"]])
    func anUnparsableCommandLineLeavesNoStaleReport(_ typo: [String]) throws {
        let dir = TemporaryDirectory()
        let report = dir.url.appendingPathComponent("r.xml").path
        let html = dir.url.appendingPathComponent("r.html").path
        let junit = dir.url.appendingPathComponent("j.xml").path
        let good = try Self.verify(Self.sample, ["--report", report, "--html", html, "--junit", junit])
        #expect(good.status == 1)
        #expect(FileManager.default.fileExists(atPath: report) && FileManager.default.fileExists(atPath: html))
        // `--junit=FILE` as well as `--junit FILE`.
        let bad = try Self.slac(["verify", "--contract", Self.contract, Self.sample, "--report", report, "--html", html, "--junit=\(junit)"] + typo)
        #expect(bad.status == 2, "\(bad.stderr)")
        #expect(bad.stderr.hasPrefix("error[SLA0502]"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: report), "an earlier report must not look current")
        #expect(!FileManager.default.fileExists(atPath: html), "an earlier page must not look current")
        let junitText = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(junitText.contains("errors=\"1\""), "\(junitText)")
        #expect(junitText.contains("<error message=\"invalid contract, plan or usage: "), "\(junitText)")
    }

    /// Only regular files are removed as stale reports: `--report /dev/null` on a run that judged
    /// nothing once removed `/dev/null` itself (found when an audit ran as root). A named pipe
    /// stands in for the device here.
    @Test func exitThreeLeavesDevicesAndPipesAlone() throws {
        let dir = TemporaryDirectory()
        let pipe = dir.url.appendingPathComponent("r.xml").path
        try #require(mkfifo(pipe, 0o600) == 0)
        let bad = try Self.verify(try dir.write("empty.jsonl", ""), ["--report", pipe, "--html", pipe])
        #expect(bad.status == 3, "\(bad.stderr)")
        var info = stat()
        #expect(lstat(pipe, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the pipe was removed")
        #expect(!bad.stderr.contains("SLA0901"), "\(bad.stderr)")
    }

    /// The report is written while it is sealed (`OutputFile.writeSealedReport`): a path that
    /// cannot be written is exit 3 with the path and the system's reason, and the page beside it
    /// is not left looking current either.
    @Test func anUnwritableOutputIsAnInputErrorNamingThePath() throws {
        let dir = TemporaryDirectory()
        let html = dir.url.appendingPathComponent("page.html").path
        // A path below a plain file cannot be created.
        let blocker = try dir.write("plain-file", "")
        let unwritable = blocker + "/r.xml"
        let run = try Self.verify(Self.sample, ["--report", unwritable, "--html", html])
        #expect(run.status == 3)
        #expect(run.stderr == "error[SLA0901]: cannot write `\(unwritable)`: Not a directory\n", "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: html))
        // The page's path unwritable: the report written first is removed again.
        let report = dir.url.appendingPathComponent("r.xml").path
        let badPage = try Self.verify(Self.sample, ["--report", report, "--html", blocker + "/p.html"])
        #expect(badPage.status == 3)
        #expect(badPage.stderr.hasPrefix("error[SLA0901]: cannot write `"), "\(badPage.stderr)")
        #expect(!FileManager.default.fileExists(atPath: report), "a report from a run that ended in exit 3 must not stay")
        // And a good run writes exactly the sealed report `verify-report` accepts.
        let good = try Self.verify(Self.sample, ["--report", report])
        #expect(good.status == 1)
        let check = try Self.slac(["verify-report", report])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    /// A CI job's first run names outputs in a folder nothing has made yet (docs/ci.md's minimal
    /// job): slac makes it, for the outputs of a judged run and for the JUnit file of one that
    /// could not be judged.
    @Test func missingOutputFoldersAreCreated() throws {
        let dir = TemporaryDirectory()
        let out = dir.url.appendingPathComponent("out/nested").path
        let run = try Self.verify(Self.sample, ["--report", out + "/report.xml", "--junit", out + "/junit.xml", "--html", out + "/report.html"])
        #expect(run.status == 1, "\(run.stderr)")
        for name in ["report.xml", "junit.xml", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }
        let fresh = dir.url.appendingPathComponent("fresh").path
        let empty = try Self.verify(try dir.write("empty.jsonl", ""), ["--report", fresh + "/report.xml", "--junit", fresh + "/junit.xml"])
        #expect(empty.status == 3)
        let junitText = try String(contentsOfFile: fresh + "/junit.xml", encoding: .utf8)
        #expect(junitText.contains("<error message=\"input error: trace"), "\(junitText)")
        #expect(!FileManager.default.fileExists(atPath: fresh + "/report.xml"))
        let plan = dir.url.appendingPathComponent("plans/p.json").path
        let compiled = try Self.slac(["compile", Self.contract, "-o", plan])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        #expect(FileManager.default.fileExists(atPath: plan))
    }

    @Test func strictSaysInputErrorEverywhere() throws {
        let dir = TemporaryDirectory()
        let junit = dir.url.appendingPathComponent("j.xml").path
        let text = try String(contentsOfFile: Self.sample, encoding: .utf8) + "not json\n"
        let trace = try dir.write("t.jsonl", text)
        let run = try Self.slac(["verify", "--contract", Self.contract, "--strict", "--junit", junit, trace])
        #expect(run.status == 3)
        #expect(run.stdout.hasPrefix("contract Acme Enterprise Inference Agreement (ACME-MSA-2026-014): input error\n"), "\(run.stdout)")
        let junitText = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(junitText.contains("errors=\"1\"") && !junitText.contains("errors=\"0\""), "\(junitText)")
    }

    @Test func aClauseWithNoDataIsNamedAndFailsUnderStrict() throws {
        let dir = TemporaryDirectory()
        let contract = try dir.write("c.sla", """
            contract "No data" {
                effective 2026-01-01 to 2027-01-01
                clause "1" ttft {
                    every 5 minutes
                    require p99(ttft) <= 5000 ms
                }
                clause "2" other_model {
                    scope model = "no-such-model"
                    every 1 hour
                    require count >= 1 requests
                }
            }

            """)
        let junit = dir.url.appendingPathComponent("j.xml").path
        let report = dir.url.appendingPathComponent("r.xml").path
        // Without `--strict`: judged as before, and standard error names the clause.
        let plain = try Self.slac(["verify", "--contract", contract, "--junit", junit, "--report", report, Self.sample])
        #expect(plain.status == 0 || plain.status == 1, "\(plain.stderr)")
        #expect(plain.stderr == "note: clause 2 `other_model` judged nothing — no data: no in-scope record\n", "\(plain.stderr)")
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("<skipped message=\"no data: no in-scope record\""))
        #expect(FileManager.default.fileExists(atPath: report))
        // With `--strict`: an input error, the report removed and the JUnit file holding the error.
        let strict = try Self.slac(["verify", "--contract", contract, "--strict", "--junit", junit, "--report", report, Self.sample])
        #expect(strict.status == 3, "\(strict.stderr)")
        #expect(strict.stderr.hasPrefix("error[SLA0609]: 1 clause has no data and `--strict` is set\n"), "\(strict.stderr)")
        #expect(strict.stderr.contains("= note: clause 2 `other_model`: no data: no in-scope record"), "\(strict.stderr)")
        #expect(!FileManager.default.fileExists(atPath: report))
        let junitText = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(junitText.contains("errors=\"1\"") && junitText.contains("SLA0609"), "\(junitText)")
        // An empty trace: its own error (SLA0603), not one note per clause; with `--allow-empty`
        // an empty run is what was expected, also under `--strict`.
        let empty = try dir.write("empty.jsonl", "")
        let emptyRun = try Self.slac(["verify", "--contract", contract, "--strict", empty])
        #expect(emptyRun.status == 3 && emptyRun.stderr.hasPrefix("error[SLA0603]") && !emptyRun.stderr.contains("SLA0609"), "\(emptyRun.stderr)")
        let allowed = try Self.slac(["verify", "--contract", contract, "--strict", "--allow-empty", empty])
        #expect(allowed.status == 0 && allowed.stderr.isEmpty, "\(allowed.stderr)")
    }

    @Test func engineNativeIsTheDefault() throws {
        let dir = TemporaryDirectory()
        let a = dir.url.appendingPathComponent("a.xml").path, b = dir.url.appendingPathComponent("b.xml").path
        let native = try Self.slac(["verify", "--engine", "native", "--contract", Self.contract, "--report", a, Self.sample])
        let plain = try Self.slac(["verify", "--contract", Self.contract, "--report", b, Self.sample])
        #expect(native.status == 1 && plain.status == 1, "\(native.stderr)")
        #expect(try String(contentsOfFile: a, encoding: .utf8) == String(contentsOfFile: b, encoding: .utf8))
    }

    /// A missing engine is a usage error (2), found before the traces are read (an unreadable one: 3).
    @Test func aMissingEngineComesBeforeAMissingTrace() throws {
        let run = try Self.slac(["verify", "--engine", "duckdb", "--contract", Self.contract, "/nonexistent/t.jsonl"],
                                environment: ["PATH": "/nonexistent"])
        #expect(run.status == 2 && run.stderr.hasPrefix("error[SLA1001]"), "\(run.stderr)")
    }

    /// A file that cannot be read is 3 in every command; one that is not valid is 2 (docs/ci.md).
    @Test func anUnreadableFileIsThreeInEveryCommand() throws {
        let dir = TemporaryDirectory()
        let missing = dir.url.appendingPathComponent("missing").path
        let runs: [[String]] = [
            ["check", missing + ".sla"], ["fmt", missing + ".sla"], ["fmt", "--check", missing + ".sla"],
            ["explain", missing + ".sla"], ["diff", missing + ".sla", Self.contract], ["compile", missing + ".sla"],
            ["render", missing + ".xml"], ["verify-report", missing + ".xml"],
            ["verify", "--contract", missing + ".sla", Self.sample], ["verify", "--plan", missing + ".json", Self.sample],
        ]
        for arguments in runs {
            let run = try Self.slac(arguments)
            #expect(run.status == 3, "slac \(arguments.joined(separator: " ")): \(run.stderr)")
        }
        let empty = try dir.write("empty.sla", "\n")
        #expect(try Self.slac(["check", empty]).status == 2)
        let notReport = try dir.write("r.xml", "<report")
        #expect(try Self.slac(["render", notReport]).status == 2)
    }

    @Test func theSameTraceTwiceIsAUsageError() throws {
        let dir = TemporaryDirectory()
        let copy = try dir.write("copy.jsonl", try String(contentsOfFile: Self.sample, encoding: .utf8))
        let run = try Self.verify(copy, [Self.sample])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("error[SLA0509]: the same trace twice: "), "\(run.stderr)")
        // Its gzip copy has the same content digest.
        let gz = try dir.gzipCopy(of: Self.sample)
        #expect(try Self.verify(gz, [Self.sample]).status == 2)
        // One file named twice is found before the run: 2 even when the run would fail with 3
        // (here `--strict` and a rejected record).
        let bad = try dir.write("bad.jsonl", try String(contentsOfFile: Self.sample, encoding: .utf8) + "not json\n")
        let named = try Self.verify(bad, [dir.url.appendingPathComponent("./bad.jsonl").path, "--strict"])
        #expect(named.status == 2 && named.stderr.hasPrefix("error[SLA0509]: the same trace twice: ") && named.stderr.contains("are the same file"),
                "\(named.stderr)")
        // Two empty traces are not "the same trace": that is exit 3 for each being empty.
        let e1 = try dir.write("e1.jsonl", ""), e2 = try dir.write("e2.jsonl", "")
        #expect(try Self.verify(e1, [e2]).status == 3)
    }

    @Test func houseStyleOfArgumentParserMessages() {
        #expect(UsageErrorText.render("Unknown option '--contrat'. Did you mean '--contract'?", command: "verify")
            == "error[SLA0502]: unknown option `--contrat`\n   = help: did you mean `--contract`? (`slac verify --help` lists the arguments and options)\n")
        // A suggestion that is no plausible typo is dropped (`--bogus` was told `--jobs`).
        #expect(UsageErrorText.render("Unknown option '--bogus'. Did you mean '--jobs'?", command: "verify")
            == "error[SLA0502]: unknown option `--bogus`\n   = help: `slac verify --help` lists the arguments and options\n")
        #expect(UsageErrorText.render("Missing expected argument '<file>'", command: nil)
            == "error[SLA0502]: missing expected argument `<file>`\n   = help: `slac --help` lists the arguments and options\n")
    }
}
