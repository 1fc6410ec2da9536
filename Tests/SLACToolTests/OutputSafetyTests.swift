import Foundation
import SLACTool
import SLACTestSupport
import Testing

/// What a CI step leaves behind when its command line is wrong or its run is cut short: never a
/// destroyed input, never the previous run's passing report (docs/ci.md). Each case was found by
/// an audit that ran the real binary; so do these tests.
@Suite struct OutputSafetyTests {
    typealias Run = ExitCodeTests.Run
    static let contract = ExitCodeTests.contract
    static let sample = ExitCodeTests.sample

    func slac(_ arguments: [String]) throws -> Run { try ExitCodeTests.slac(arguments) }

    /// A folder holding copies of the contract and the sample trace, and a signing key.
    func workspace() throws -> (dir: TemporaryDirectory, contract: String, trace: String, key: String) {
        let dir = TemporaryDirectory()
        let contract = try dir.write("c.sla", try String(contentsOfFile: Self.contract, encoding: .utf8))
        let trace = try dir.write("t.jsonl", try String(contentsOfFile: Self.sample, encoding: .utf8))
        let key = dir.url.appendingPathComponent("k").path
        #expect(try slac(["keygen", "--out", key]).status == 0)
        return (dir, contract, trace, key + ".key")
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func anOutputNamingAnInputIsRefusedAndTheInputKept() throws {
        let w = try workspace()
        let before = [w.contract, w.trace, w.key].map(bytes)
        let cases: [[String]] = [
            ["--report", w.trace], ["--report", w.contract], ["--html", w.contract], ["--junit", w.key],
            ["--sign-key", w.key, "--report", w.key],
            // Beside an error that would have removed the earlier outputs (`--strict` and a rejected record are exit 3).
            ["--strict", "--report", w.trace],
        ]
        for extra in cases {
            let run = try slac(["verify", "--contract", w.contract, w.trace, "--quiet"] + extra)
            #expect(run.status == 2, "\(extra): \(run.stderr)")
            #expect(run.stderr.contains("error[SLA0513]"), "\(extra): \(run.stderr)")
            #expect([w.contract, w.trace, w.key].map(bytes) == before, "\(extra) changed an input")
        }
        // Two outputs on one path.
        let same = w.dir.url.appendingPathComponent("same.xml").path
        let run = try slac(["verify", "--contract", w.contract, w.trace, "--quiet", "--report", same, "--junit", same])
        #expect(run.status == 2 && run.stderr.contains("error[SLA0513]"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: same))
    }

    @Test func renderAndCompileDoNotWriteOverTheirInput() throws {
        let w = try workspace()
        let report = w.dir.url.appendingPathComponent("r.xml").path
        _ = try slac(["verify", "--contract", w.contract, w.trace, "--quiet", "--report", report])
        let sealed = bytes(report)
        #expect(sealed != nil)
        let render = try slac(["render", report, "-o", report])
        #expect(render.status == 2 && render.stderr.contains("error[SLA0513]"), "\(render.stderr)")
        #expect(bytes(report) == sealed)
        // Nor over a file of another kind (a hand-written page, a package.json, the user's SQL).
        let page = try w.dir.write("index.html", "<html>mine</html>")
        #expect(try slac(["render", report, "-o", page]).status == 2 && bytes(page) == Data("<html>mine</html>".utf8))
        let json = try w.dir.write("package.json", "{}")
        #expect(try slac(["compile", w.contract, "-o", json]).status == 2 && bytes(json) == Data("{}".utf8))
        let sql = try w.dir.write("mine.sql", "select 1;")
        #expect(try slac(["compile", w.contract, "--target", "sql", "--dialect", "duckdb", "-o", sql]).status == 2)
        // What slac wrote is replaced, run after run.
        let plan = w.dir.url.appendingPathComponent("p.json").path
        for _ in 0..<2 { #expect(try slac(["compile", w.contract, "-o", plan]).status == 0) }
        let rendered = w.dir.url.appendingPathComponent("r.html").path
        for _ in 0..<2 { #expect(try slac(["render", report, "-o", rendered]).status == 0) }
        for option in [["render", report, "-o", ""], ["compile", w.contract, "-o", ""]] {
            #expect(try slac(option).status == 2, "\(option)")
        }
        let contract = bytes(w.contract)
        let compile = try slac(["compile", w.contract, "-o", w.contract])
        #expect(compile.status == 2 && compile.stderr.contains("error[SLA0513]"), "\(compile.stderr)")
        #expect(bytes(w.contract) == contract)
    }

    /// `--bogus --html c.sla` deleted the contract: a run that judged nothing removes only files
    /// slac wrote, and writes its JUnit error only over nothing or a JUnit file.
    @Test func aTypoBesideAnInputPathLeavesTheInput() throws {
        let w = try workspace()
        let before = [w.contract, w.key].map(bytes)
        let run = try slac(["verify", "--contract", w.contract, w.trace, "--bogus", "--html", w.contract, "--junit", w.key])
        #expect(run.status == 2, "\(run.stderr)")
        #expect([w.contract, w.key].map(bytes) == before)
        #expect(run.stderr.contains("note: left `\(w.contract)` as it is"), "\(run.stderr)")
        #expect(run.stderr.contains("note: did not write the JUnit file `\(w.key)`"), "\(run.stderr)")
    }

    /// `--contract breached.sla --contract passing.sla` judged the second only and exited 0.
    @Test func anOptionGivenTwiceIsAUsageErrorAndClearsEveryOutputNamed() throws {
        let w = try workspace()
        let passing = try w.dir.write("passing.sla", """
            contract "Passing" {
                effective 2026-01-01 to 2027-01-01
                clause "1" anything {
                    over      term
                    require   count <= 1000000 requests
                }
            }
            """)
        #expect(try slac(["verify", "--contract", passing, w.trace, "--quiet"]).status == 0)
        let paths = ["a.xml", "b.xml", "ja.xml", "jb.xml"].map { w.dir.url.appendingPathComponent($0).path }
        for (report, junit) in [(paths[0], paths[2]), (paths[1], paths[3])] {
            #expect(try slac(["verify", "--contract", passing, w.trace, "--quiet", "--report", report, "--junit", junit]).status == 0)
        }
        let run = try slac(["verify", "--contract", w.contract, "--contract", passing, w.trace, "--quiet",
                            "--report", paths[0], "--report", paths[1], "--junit", paths[2], "--junit=\(paths[3])"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("error[SLA0514]: `--contract` is given 2 times"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: paths[0]) && !FileManager.default.fileExists(atPath: paths[1]))
        for junit in paths[2...] {
            #expect((try? String(contentsOfFile: junit, encoding: .utf8))?.contains("<error") == true, "\(junit)")
        }
        // Other commands, and a short option with its long name.
        #expect(try slac(["compile", w.contract, "-o", "a.json", "--output", "b.json"]).stderr.contains("error[SLA0514]: `-o` is given 2 times"))
        #expect(try slac(["check", "--format", "text", "--format=json", w.contract]).status == 2)
        // Flags may repeat.
        #expect(try slac(["check", w.contract, "--format", "json"]).status == 0)
    }

    /// A run stopped on its way (a cancelled CI job) left the previous run's passing report.
    @Test func earlierOutputsGoBeforeTheTraceIsRead() throws {
        let w = try workspace()
        let report = w.dir.url.appendingPathComponent("r.xml").path
        let junit = w.dir.url.appendingPathComponent("j.xml").path
        #expect(try slac(["verify", "--contract", w.contract, w.trace, "--quiet", "--report", report, "--junit", junit]).status == 1)
        let fifo = w.dir.url.appendingPathComponent("pipe.jsonl").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let process = Process()
        process.executableURL = try ExitCodeTests.executable()
        process.arguments = ["verify", "--contract", w.contract, fifo, "--quiet", "--report", report, "--junit", junit]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The run blocks opening the pipe, after clearing its outputs.
        var waited = 0
        while FileManager.default.fileExists(atPath: report) || FileManager.default.fileExists(atPath: junit), waited < 200 {
            usleep(50_000)
            waited += 1
        }
        // SIGKILL: a test runner's threads block SIGTERM, and a child started from them inherits that.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: report))
        #expect(!FileManager.default.fileExists(atPath: junit))
    }

    /// A report is written beside its path and renamed: a run killed by a file-size limit while
    /// writing leaves no half report at the path.
    @Test func aReportAppearsWholeOrNotAtAll() throws {
        let w = try workspace()
        let report = w.dir.url.appendingPathComponent("r.xml").path
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        let slac = try ExitCodeTests.executable().path
        shell.arguments = ["-c", "ulimit -f 8; exec '\(slac)' verify --contract '\(w.contract)' '\(w.trace)' --quiet --windows all --report '\(report)'"]
        shell.standardOutput = FileHandle.nullDevice
        shell.standardError = FileHandle.nullDevice
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus != 0 && shell.terminationStatus != 1)
        #expect(!FileManager.default.fileExists(atPath: report))
    }

    /// A report replaced by a later run kept nothing of the earlier file's permissions: a
    /// `chmod 600` report became readable by everyone.
    @Test func aReplacedOutputKeepsItsPermissions() throws {
        let w = try workspace()
        let report = w.dir.url.appendingPathComponent("r.xml").path
        let page = w.dir.url.appendingPathComponent("r.html").path
        let arguments = ["verify", "--contract", w.contract, w.trace, "--quiet", "--report", report, "--html", page]
        #expect(try slac(arguments).status == 1)
        #expect(chmod(report, 0o600) == 0 && chmod(page, 0o640) == 0)
        #expect(try slac(arguments).status == 1)
        func mode(_ path: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        }
        #expect(try mode(report) == 0o600)
        #expect(try mode(page) == 0o640)
    }

    /// `FileHandle.write` trapped (exit 132) when standard output was closed.
    @Test func aClosedStandardOutputIsNotACrash() throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        let slac = try ExitCodeTests.executable().path
        shell.arguments = ["-c", "'\(slac)' verify --contract '\(Self.contract)' '\(Self.sample)' >&-; echo $? >&2"]
        let err = Pipe()
        shell.standardOutput = FileHandle.nullDevice
        shell.standardError = err
        try shell.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(text.split(separator: "\n").last == "1", "\(text)")
    }
    /// Smaller findings of the same audit: an empty output path is a usage error (it was 3, an
    /// unwritable output), a large file given as a key is not a key (2, it was "cannot read"),
    /// and the JUnit error of an exit 2 is typed as a usage error.
    @Test func emptyPathsLargeKeysAndUsageErrorTypes() throws {
        let w = try workspace()
        let empty = try slac(["verify", "--contract", w.contract, w.trace, "--report", ""])
        #expect(empty.status == 2 && empty.stderr.contains("`--report` needs a path"), "\(empty.stderr)")
        let big = try w.dir.write("big.key", String(repeating: "a", count: 70_000))
        let key = try slac(["verify", "--contract", w.contract, w.trace, "--quiet", "--sign-key", big])
        #expect(key.status == 2 && key.stderr.contains("it holds 70000 bytes, more than any key"), "\(key.stderr)")
        let junit = w.dir.url.appendingPathComponent("j.xml").path
        #expect(try slac(["verify", "--plan", w.trace, w.trace, "--junit", junit]).status == 2)
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("type=\"usage-error\""))
    }
    /// A CSV file cut 4 bytes short read its last record with `273` for `2731.0`, without a word.
    @Test func aTraceWithoutAFinalLineBreakIsNoted() throws {
        let w = try workspace()
        let csv = try String(contentsOfFile: ExitCodeTests.root.appendingPathComponent("Contracts/samples/acme-2026-03-14.csv").path, encoding: .utf8)
        let cut = try w.dir.write("cut.csv", String(csv.utf8.dropLast(4)) ?? "")
        let run = try slac(["verify", "--contract", w.contract, cut, "--quiet"])
        #expect(run.stderr.contains("note: `\(cut)` does not end with a line break"), "\(run.stderr)")
        let whole = try slac(["verify", "--contract", w.contract, w.trace, "--quiet"])
        #expect(!whole.stderr.contains("does not end with a line break"), "\(whole.stderr)")
    }
    /// `--check-ids --quiet` with 6,000 repeated ids said nothing in the log or the JUnit file.
    @Test func repeatedIDsAreInTheLogAndTheJUnitFile() throws {
        let w = try workspace()
        let csv = ExitCodeTests.root.appendingPathComponent("Contracts/samples/acme-2026-03-14.csv").path
        let junit = w.dir.url.appendingPathComponent("j.xml").path
        let run = try slac(["verify", "--contract", w.contract, w.trace, csv, "--check-ids", "--quiet", "--junit", junit])
        #expect(run.stderr.contains("note: `\(csv)` has 6000 records whose `id` an earlier record of the run already had"), "\(run.stderr)")
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("<property name=\"repeated-ids\" value=\"\(csv): 6000\"/>"))
    }
}
