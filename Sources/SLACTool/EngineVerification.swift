import Foundation
import SLACEngines
import SLACEvaluator
import SLACMonitor
import SLACSyntax
import SLACTrace

/// `slac verify --engine duckdb|spark` and `slac verify --aggregates DIR` (docs/engines.md): the
/// accumulating half runs as generated SQL in an engine; the judging half is the native one.
enum EngineVerification {
    static func evaluate(plan: MonitorPlan, options: VerifyCommand.Options, colored: Bool) -> Result<EvaluationResult, CommandOutput> {
        func fail(_ code: DiagnosticCode, _ message: String, help: String? = nil, exit: ExitCode) -> Result<EvaluationResult, CommandOutput> {
            .failure(ToolDiagnostics.output(code, message, help: help, exit: exit, colored: colored))
        }
        func usage(_ message: String, _ help: String) -> Result<EvaluationResult, CommandOutput> {
            fail("SLA0511", message, help: help, exit: .invalidContract)
        }
        if options.engine != nil && options.aggregatesPath != nil {
            return usage("`--engine` and `--aggregates` exclude each other", "`--engine` runs the SQL itself; `--aggregates DIR` judges what an engine already wrote")
        }
        if options.format != nil || options.epoch != nil {
            return usage("`--format` and `--epoch` are for native runs", "engines read canonical JSON Lines, CSV or Parquet (`--input-format`)")
        }
        let validated: ValidatedPlan
        do { validated = try plan.validated() } catch {
            return fail("SLA0702", error.description, exit: .invalidContract)
        }
        var evaluator: Evaluator
        do { evaluator = try Evaluator(validated: validated) } catch {
            return fail("SLA0702", "\(error)", exit: .invalidContract)
        }
        evaluator.checkRepeatedIDs = options.checkIDs
        if let directory = options.aggregatesPath {
            if !options.traces.isEmpty {
                return usage("`--aggregates` judges an engine's output; trace files are not read", "leave out the trace files")
            }
            do {
                return .success(try evaluator.judge(engineOutput: directory, traces: nil, sqlSHA256: nil))
            } catch {
                return fail("SLA1003", "cannot judge the engine output in `\(directory)`: \(error)", exit: .inputError)
            }
        }
        guard let dialect = options.engine else { return usage("no engine given", "pass `--engine duckdb` or `--engine spark`") }
        if options.traces.isEmpty {
            return fail("SLA0506", "no trace files given", help: "pass trace files, directories or globs (JSON Lines, CSV or Parquet)", exit: .invalidContract)
        }
        // The engine before the traces: a missing engine is a usage error (2), which comes before
        // an unreadable trace (3) (docs/ci.md).
        let executable: String
        switch dialect {
        case .duckdb:
            guard let duckdb = EngineRun.find("duckdb") else {
                return fail("SLA1001", "the `duckdb` command-line tool is not on the PATH",
                            help: "install it with `pip install duckdb-cli` (or from duckdb.org), then run again", exit: .invalidContract)
            }
            executable = duckdb
        case .spark:
            let home = ProcessInfo.processInfo.environment["SPARK_HOME"].map { $0 + "/bin/spark-sql" }
            guard let sparkSQL = home.flatMap({ FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }) ?? EngineRun.find("spark-sql") else {
                return fail("SLA1001", "`spark-sql` is not in `$SPARK_HOME/bin` or on the PATH",
                            help: "install Spark, e.g. `pip install pyspark` and `export SPARK_HOME=$(python3 -c 'import pyspark, os; print(os.path.dirname(pyspark.__file__))')` (Java 17 is needed)",
                            exit: .invalidContract)
            }
            executable = sparkSQL
        }
        // The traces in the order given, as a native run numbers them (path order put a report's
        // traces, evidence and digests in another order than the native report's); the files of
        // a directory or a glob in path order.
        var files: [(display: String, absolute: String)] = []
        for argument in options.traces {
            if argument == "-" {
                return fail("SLA0601", "cannot read trace `-`: an engine reads files, not standard input",
                            help: "write the trace to a file first, or run natively (without `--engine`), which reads standard input", exit: .invalidContract)
            }
            let matches = expand(argument)
            if matches.isEmpty {
                var isDirectory: ObjCBool = false
                let what = FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) && isDirectory.boolValue
                    ? "the directory holds no trace file" : "no such file, directory or glob match"
                return fail("SLA0601", "cannot read trace `\(argument)`: \(what)", exit: .inputError)
            }
            files += matches.sorted { $0.absolute.utf8.lexicographicallyPrecedes($1.absolute.utf8) }
        }
        // By the files' names when not given: all `.parquet`, all `.csv` (in any case, as the
        // native reader takes `UP.CSV`), else JSON Lines.
        func named(_ suffix: String) -> Bool { files.allSatisfy { $0.absolute.lowercased().hasSuffix(suffix) } }
        let input: SQLInputFormat = options.inputFormat ?? (named(".parquet") ? .parquet : named(".csv") ? .csv : .jsonl)
        let script: String
        do { script = try SQLScript(validated, dialect: dialect, input: input, checkIDs: options.checkIDs).text() } catch {
            return fail("SLA1004", "the contract cannot run on \(dialect.rawValue): \(error)", help: "run natively (without `--engine`)", exit: .invalidContract)
        }
        let sqlDigest = Digest.sha256Hex(Array(script.utf8))
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("slac-engine-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        // Spark's sources take one path and read it as a glob (`t[1].jsonl` would read
        // `t1.jsonl`), and so do DuckDB's: the files are linked into a folder of slac's own
        // under names without glob characters, numbered so that the engine's path order is the
        // order given (for DuckDB only when some name holds a glob character).
        let linked = dialect == .spark || files.contains { $0.absolute.contains(where: { "*?[]{}".contains($0) }) }
        var traces: [EngineTrace] = []
        // Digests of the files holding more than blank space, to find the same content twice.
        var seen: [String: String] = [:]
        for f in files {
            // slac digests each file itself: the engine's word is not evidence of what it read.
            let mapped: TraceInput
            do { mapped = try TraceInput(path: f.absolute) } catch { return fail("SLA0601", "cannot read trace `\(f.display)`: \(error.message)", exit: .inputError) }
            // DuckDB's loaders read the bytes as they are: a compressed trace failed inside the
            // engine with "not valid UTF-8" (and `.csv.gz` went to the JSON Lines loader).
            if dialect == .duckdb, let kind = mapped.isGzip ? "gzip" : Self.compression(of: mapped.bytes) {
                return fail("SLA1005", "`\(f.display)` is \(kind)-compressed, and the DuckDB script reads plain files only",
                            help: "decompress it first, or run natively (without `--engine`), which reads gzip and zstd", exit: .invalidContract)
            }
            // Spark decompresses by the name (`.gz`) and reads other compressed bytes as text: every
            // line a rejected record (found by an audit).
            if dialect == .spark, let kind = mapped.isGzip ? "gzip" : Self.compression(of: mapped.bytes),
               !(kind == "gzip" && f.absolute.lowercased().hasSuffix(".gz")) {
                return fail("SLA1005", "`\(f.display)` is \(kind)-compressed\(kind == "gzip" ? " without a `.gz` name" : ""), which Spark would read as text",
                            help: kind == "gzip" ? "name it `….gz`, decompress it, or run natively (without `--engine`)"
                                : "decompress it first, or run natively (without `--engine`), which reads gzip and zstd", exit: .invalidContract)
            }
            // The script reads CSV with `skip = 0` (DuckDB's own guess of rows to skip could drop
            // records silently), so a blank line before the header would make the header a record.
            if dialect == .duckdb, input == .csv, Self.startsWithBlankLine(mapped.bytes) {
                return fail("SLA1005", "`\(f.display)` has a blank line before its CSV header, which the DuckDB script would read as a record",
                            help: "remove the blank lines before the header, or run natively (without `--engine`), which skips them", exit: .invalidContract)
            }
            let digest = Digest.sha256Hex(mapped.bytes)
            // The engine reports each file under the path it was given: the file's, or its link's.
            traces.append(EngineTrace(path: f.display, format: input.rawValue, sha256: digest,
                                      enginePath: linked ? Self.linkPath(work: work, index: traces.count, of: f.absolute) : f.absolute))
            // The same content twice would pool its records twice, as in a native run (a copy
            // flipped a verdict): a usage error, before the engine runs.
            guard mapped.bytes.contains(where: { !$0.isBlankSpace }) else { continue }
            if let first = seen[digest] {
                return fail("SLA0509", "the same trace twice: `\(first)` and `\(f.display)` have the same content (sha256 \(digest.prefix(16))…)",
                            help: "pass each trace once; a glob and a directory may name the same file", exit: .invalidContract)
            }
            seen[digest] = f.display
        }
        let output = work.appendingPathComponent("out").path
        defer { try? FileManager.default.removeItem(at: work) }
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            return fail("SLA0901", "cannot create a working folder: \(error.localizedDescription)", exit: .inputError)
        }
        let run: EngineRun
        if linked {
            do {
                try FileManager.default.createDirectory(at: work.appendingPathComponent("traces"), withIntermediateDirectories: true)
                for (k, f) in files.enumerated() {
                    try FileManager.default.createSymbolicLink(atPath: Self.linkPath(work: work, index: k, of: f.absolute), withDestinationPath: f.absolute)
                }
            } catch {
                return fail("SLA0901", "cannot link the traces for \(dialect.rawValue): \(error.localizedDescription)", exit: .inputError)
            }
        }
        switch dialect {
        case .duckdb:
            let list = "[" + traces.compactMap(\.enginePath).map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ") + "]"
            let prelude = "SET VARIABLE slac_input = \(list);\nSET VARIABLE slac_output = '\(output.replacingOccurrences(of: "'", with: "''"))';\n"
            run = EngineRun(executable: executable, arguments: ["-bail", ":memory:"], standardInput: prelude + script, workingDirectory: work.path)
        case .spark:
            let scriptPath = work.appendingPathComponent("slac.sql").path
            guard FileManager.default.createFile(atPath: scriptPath, contents: Data(script.utf8)) else {
                return fail("SLA0901", "cannot write the SQL script to `\(scriptPath)`", exit: .inputError)
            }
            // The folder of links (above): Spark's sources take one path.
            let inputPath = work.appendingPathComponent("traces").path
            var arguments: [String] = []
            if let master = options.sparkMaster { arguments += ["--master", master] }
            arguments += ["--hivevar", "slac_input=\(inputPath)", "--hivevar", "slac_output=file://\(output)", "-f", scriptPath]
            run = EngineRun(executable: executable, arguments: arguments, standardInput: nil, workingDirectory: work.path)
        }
        let outcome = run.run()
        guard outcome.status == 0 else {
            // The engine's own words: its first error lines (a JVM prints stack traces after them),
            // else its last lines.
            let lines = outcome.standardError.split(separator: "\n").map(String.init)
            let tail: String
            if dialect == .duckdb {
                // DuckDB's message is short and says why on its later lines ("CSV Error on Line:
                // 1" first, "Maximum line size of 2000000 bytes exceeded" after it).
                tail = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.prefix(8).joined(separator: "\n")
            } else {
                let errors = lines.filter { $0.contains("Error") || $0.contains("Exception") || $0.hasPrefix("error") }
                    .filter { !$0.hasPrefix("\tat ") }.prefix(3)
                tail = (errors.isEmpty ? Array(lines.suffix(8)) : Array(errors)).joined(separator: "\n")
            }
            let diagnostic = ToolDiagnostics.error("SLA1002", "\(dialect.rawValue) failed (exit \(outcome.status)) running the generated SQL",
                                                   notes: ["the engine said: " + tail])
            return .failure(CommandOutput(standardError: ToolDiagnostics.render([diagnostic], colored: colored), exitCode: .inputError))
        }
        do {
            return .success(try evaluator.judge(engineOutput: output, traces: traces, sqlSHA256: sqlDigest))
        } catch {
            return fail("SLA1003", "cannot judge the output of \(dialect.rawValue): \(error)", exit: .inputError)
        }
    }

    /// Whether the first line (after a UTF-8 byte order mark) holds only blank space: the native
    /// CSV reader skips such lines, DuckDB's reader with `skip = 0` does not.
    static func startsWithBlankLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
        return i < bytes.count && bytes[i] == 0x0A
    }

    /// "gzip" or "zstd" when `bytes` start with that format's magic number, else nil (a gzip
    /// trace is inflated by `TraceInput`, which says so; a zstd one is not).
    static func compression(of bytes: some Collection<UInt8>) -> String? {
        if bytes.starts(with: [0x1F, 0x8B]) { return "gzip" }
        if bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return "zstd" }
        return nil
    }

    /// Where trace `index` is linked for Spark: `traces/000003.jsonl` in the working folder. The
    /// last extension is kept when it is plain letters and digits (Spark picks a decompressor by
    /// it: `.gz`); nothing of the original name that Spark could read as a glob is.
    static func linkPath(work: URL, index: Int, of path: String) -> String {
        let ext = (path as NSString).pathExtension
        let kept = !ext.isEmpty && ext.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        return work.appendingPathComponent("traces").appendingPathComponent(String(format: "%06d", index) + (kept ? "." + ext : "")).path
    }

    /// The files an argument names: itself, a directory's files (recursively, hidden files and
    /// Spark's `_SUCCESS` markers left out), or a glob's matches.
    static func expand(_ argument: String) -> [(display: String, absolute: String)] {
        let fm = FileManager.default
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path).standardizedFileURL.path
        }
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: argument, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { return [(argument, absolute(argument))] }
            var out: [(String, String)] = []
            if let walker = fm.enumerator(atPath: argument) {
                for case let name as String in walker {
                    let last = (name as NSString).lastPathComponent
                    if last.hasPrefix(".") || last.hasPrefix("_") { continue }
                    let path = (argument as NSString).appendingPathComponent(name)
                    var dir: ObjCBool = false
                    if fm.fileExists(atPath: path, isDirectory: &dir), !dir.boolValue { out.append((path, absolute(path))) }
                }
            }
            return out
        }
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(argument, 0, nil, &matches) == 0 else { return [] }
        var out: [(String, String)] = []
        for i in 0..<Int(matches.gl_pathc) {
            if let p = matches.gl_pathv[i] {
                let path = String(cString: p)
                out.append((path, absolute(path)))
            }
        }
        return out
    }
}

/// One run of an engine's command-line tool, its output collected.
struct EngineRun {
    var executable: String
    var arguments: [String]
    var standardInput: String?
    /// Where the engine runs: Spark leaves `metastore_db/`, `derby.log` and `spark-warehouse/`
    /// in its working directory, so slac runs it in its scratch folder, not in the user's.
    var workingDirectory: String?

    static func find(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    func run() -> (status: Int32, standardError: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let errors = Pipe(), input = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        if standardInput != nil { process.standardInput = input }
        do { try process.run() } catch { return (127, "cannot start \(executable): \(error.localizedDescription)") }
        // Read standard error on its own thread so that a chatty engine never blocks on a full pipe.
        let collected = CollectedOutput()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            collected.data = errors.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        if let standardInput {
            input.fileHandleForWriting.write(Data(standardInput.utf8))
            try? input.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        done.wait()
        return (process.terminationStatus, String(decoding: collected.data, as: UTF8.self))
    }
}

/// Standard error of an engine, filled by the reading thread before it signals.
private final class CollectedOutput: @unchecked Sendable {
    var data = Data()
}
