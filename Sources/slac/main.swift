import ArgumentParser
import Foundation
import SLACLanguageServer
import SLACReport
import SLACTool
import SLACEngines

/// The `slac` command line: argument parsing only; every command lives in `SLACTool`.
///
/// Every command states its name: ArgumentParser's default derives it from the type's name with
/// `String(describing:)`, whose first use looks up protocol conformances by scanning every
/// conformance record of the (statically linked) binary. Callgrind, `slac verify` of a 100-line
/// trace: 13.3 million of its 46.2 million instructions went to naming the commands.
@main
struct Slac: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slac",
        abstract: "Compile service-level agreements for LLM inference and verify traces against them.",
        version: SlacVersion.display,
        subcommands: [Check.self, Compile.self, Verify.self, Fmt.self, Explain.self, Diff.self, Formats.self,
                      Render.self, Keygen.self, VerifyReport.self, LSP.self]
    )

    /// Parses and runs like `ParsableCommand.main()`, but usage errors exit 2 in the house style
    /// (docs/ci.md): CI tells an invalid invocation from a failed check by the exit code, and
    /// ArgumentParser's own code for them (64) means nothing to it.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let names = configuration.subcommands.map { $0._commandName }
        if let first = arguments.first, !first.hasPrefix("-"), first != "help", !names.contains(first) {
            StandardStream.error(UsageErrorText.unknownCommand(first, among: names, colored: useColor(2)))
            Foundation.exit(SLACTool.ExitCode.invalidContract.rawValue)
        }
        // No subcommand is a missing argument (exit 2, like every other usage error): a CI step
        // that lost its arguments must not pass. The overview still goes to standard error.
        if arguments.isEmpty {
            StandardStream.error(helpMessage() + "\n")
            Foundation.exit(SLACTool.ExitCode.invalidContract.rawValue)
        }
        let commandName = arguments.first.flatMap { names.contains($0) ? $0 : nil }
        if let commandName, let command = configuration.subcommands.first(where: { $0._commandName == commandName }),
           let repeated = RepeatedOptions.first(in: Array(arguments.dropFirst()), help: { helpMessage(for: command, columns: 10_000) }) {
            let text = RepeatedOptions.render(option: repeated.option, values: repeated.values, command: commandName, colored: useColor(2))
            if commandName == Verify._commandName {
                emit(VerifyCommand.argumentsRejected(Array(arguments.dropFirst()), message: text, colored: useColor(2)))
            }
            StandardStream.error(text)
            Foundation.exit(SLACTool.ExitCode.invalidContract.rawValue)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                StandardStream.output(fullMessage(for: error) + "\n")
                Foundation.exit(SLACTool.ExitCode.compliant.rawValue)
            }
            if code == .validationFailure {
                let text = UsageErrorText.render(message(for: error), command: commandName, colored: useColor(2))
                if commandName == Verify._commandName {
                    emit(VerifyCommand.argumentsRejected(Array(arguments.dropFirst()), message: text, colored: useColor(2)))
                }
                StandardStream.error(text)
                Foundation.exit(SLACTool.ExitCode.invalidContract.rawValue)
            }
            let text = message(for: error)
            if !text.isEmpty { StandardStream.error(UsageErrorText.render(text, command: commandName, colored: useColor(2))) }
            Foundation.exit(code.rawValue)
        }
    }
}

/// Colour only on a terminal and never when NO_COLOR is set.
func useColor(_ fd: Int32) -> Bool {
    ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(fd) == 1
}

func emit(_ output: CommandOutput) -> Never {
    if !output.standardOutput.isEmpty { StandardStream.output(output.standardOutput) }
    if !output.standardError.isEmpty { StandardStream.error(output.standardError) }
    exit(output.exitCode)
}

extension CheckCommand.Format: ExpressibleByArgument {}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Parse and type-check contract files; exit 2 on any error, 3 when a file cannot be read.")

    @Option(help: "Output format: text (for people), json (for tools) or sarif (for code scanning).")
    var format: CheckCommand.Format = .text

    @Argument(help: "Contract files (.sla).")
    var files: [String]

    func run() throws {
        emit(CheckCommand.run(paths: files, format: format, colored: useColor(2)))
    }
}

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a contract into a monitor plan (JSON) that `slac verify --plan` runs, or into SQL for an engine.",
        discussion: "With --target sql, the output is one SQL script for DuckDB or Apache Spark that writes the engine output `slac verify --aggregates DIR` judges (docs/engines.md).")

    @Option(name: .shortAndLong, help: "Write the plan (or script) here instead of standard output.")
    var output: String?

    func validate() throws {
        // `-o ''` (an unset variable) is a usage error, as `verify --report ''` is.
        if output?.isEmpty == true { throw ValidationError("`--output` needs a path, not an empty string") }
    }

    @Option(help: "plan (a monitor plan, the default) or sql (a script for --dialect).")
    var target: CompileTarget = .plan

    @Option(help: "With --target sql: duckdb or spark.")
    var dialect: SQLDialect?

    @Option(help: "With --target sql: the traces the script reads, jsonl, csv or parquet.")
    var inputFormat: SQLInputFormat = .jsonl

    @Flag(help: "With --target sql: also count accepted records whose `id` repeats (for `slac verify --aggregates DIR --check-ids`).")
    var checkIds = false

    @Argument(help: "The contract file (.sla).")
    var file: String

    func run() throws {
        switch target {
        case .plan:
            emit(CompileCommand.run(contractPath: file, output: output, colored: useColor(2)))
        case .sql:
            emit(CompileCommand.runSQL(contractPath: file, dialect: dialect, input: inputFormat, checkIDs: checkIds, output: output, colored: useColor(2)))
        }
    }
}

enum CompileTarget: String, ExpressibleByArgument, CaseIterable {
    case plan, sql
}

extension SQLDialect: ExpressibleByArgument {}

/// `--engine`: slac's own evaluator (`native`, the default, the same as leaving the option out, so
/// that a pipeline can set it from a variable) or an engine's command-line tool.
enum EngineChoice: String, CaseIterable, ExpressibleByArgument {
    case native, duckdb, spark

    var dialect: SQLDialect? { SQLDialect(rawValue: rawValue) }
}
extension SQLInputFormat: ExpressibleByArgument {}

extension WindowSelection: ExpressibleByArgument {}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify traces against a contract and write the compliance report.",
        discussion: "Exit codes: 0 compliant, 1 a clause breached, 2 invalid contract, plan or usage (also the same trace given twice, or an engine not found), 3 input error: an unreadable trace, contract or plan, an unwritable output, a trace with no accepted record (unless --allow-empty), rejected records or a clause with no data with --strict, an engine or aggregates error, or more than 5 million windows × groups.")

    @Option(help: "The contract file (.sla).")
    var contract: String?

    @Option(help: "A monitor plan written by `slac compile`, instead of --contract.")
    var plan: String?

    @Option(help: "Write the XML compliance report here.")
    var report: String?

    @Option(help: "Write a JUnit XML report here.")
    var junit: String?

    @Option(help: "Write the auditor's HTML page (verdict, accounting, charts, evidence) here.")
    var html: String?

    @Option(help: "Sign the report's digest with this Ed25519 private key (from `slac keygen`).")
    var signKey: String?

    @Option(help: "Who signs (with --sign-key): recorded in the signed part of the report and shown on the page.")
    var signer: String?

    @Flag(help: "Record the time the report was written in its signed part (reports are otherwise byte-identical across runs).")
    var timestamp = false

    @Flag(help: "Count records whose `id` repeats within the run (double-logged requests); keeps every id in memory.")
    var checkIds = false

    @Option(help: "Trace format (detected from the content when omitted): jsonl, csv, llmperf, aiperf, lmbench, otlp, langfuse, azure, mooncake; see `slac formats`.")
    var format: String?

    @Option(help: "Start of relative timestamps (Mooncake traces): an RFC 3339 instant, e.g. 2024-05-01T00:00:00Z, or a date (midnight UTC).")
    var epoch: String?

    @Option(help: "Windows listed in the report: all, breached or none.")
    var windows: WindowSelection = .breached

    @Flag(help: "Treat any rejected record, and any clause with no data, as an input error (exit 3).")
    var strict = false

    @Flag(help: "Accept a trace with no accepted record (empty, all rejected or all outside the term) instead of exiting 3.")
    var allowEmpty = false

    // `.unconditional`: `--jobs -1` is read as a (refused) value, not as a missing one.
    @Option(parsing: .unconditional, help: "Parallel jobs, at least 1 (default: the number of cores).")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("`--jobs` must be at least 1, not \(jobs)") }
        // `--report ''` (an unset variable in a CI script) exited 3 as an unwritable output.
        for (option, path) in [("--report", report), ("--html", html), ("--junit", junit), ("--contract", contract), ("--plan", plan)] where path?.isEmpty == true {
            throw ValidationError("`\(option)` needs a path, not an empty string")
        }
    }

    // `.unconditional`: `--lateness -5s` is read as a (negative, refused) value, not as a missing
    // value followed by an unknown option.
    @Option(parsing: .unconditional, help: "How far out of time order the records may be (e.g. 30s, 5min, 2h; default 10min), or `none`: windows of percentile clauses close once the trace is past their end plus this, so memory stays flat; a trace that breaks it is evaluated again with every window open.")
    var lateness: String?

    @Flag(help: "Print nothing on standard output.")
    var quiet = false

    @Option(help: "Where the traces are evaluated: native (slac itself, the default), or duckdb or spark: the accumulating half runs as SQL in that engine's command-line tool (docs/engines.md).")
    var engine: EngineChoice?

    @Option(help: "Judge the output an engine wrote by running the SQL of `slac compile --target sql` (a directory); no traces are read.")
    var aggregates: String?

    @Option(help: "With --engine spark: the Spark master URL, e.g. local[2] (default: the engine's own).")
    var sparkMaster: String?

    @Option(help: "With --engine: jsonl, csv or parquet (default: by the files' names, .parquet or .csv, else jsonl).")
    var inputFormat: SQLInputFormat?

    @Argument(help: "Trace files: JSON Lines, CSV or an adapter format (`slac formats`), plain, gzip or zstd (detected by content); `-` reads standard input. With --engine: files, directories or globs.")
    var traces: [String] = []

    func run() throws {
        var options = VerifyCommand.Options(contractPath: contract, planPath: plan, traces: traces)
        options.reportPath = report
        options.junitPath = junit
        options.htmlPath = html
        options.signKeyPath = signKey
        options.signer = signer
        options.timestamp = timestamp
        options.checkIDs = checkIds
        options.format = format
        options.epoch = epoch
        options.windows = windows
        options.strict = strict
        options.allowEmpty = allowEmpty
        options.jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        options.lateness = lateness
        options.quiet = quiet
        options.showProgress = !quiet && isatty(2) == 1
        options.engine = engine?.dialect
        options.aggregatesPath = aggregates
        options.sparkMaster = sparkMaster
        options.inputFormat = inputFormat
        emit(VerifyCommand.run(options, colored: useColor(2)))
    }
}

struct Fmt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Rewrite contract files in the canonical layout.",
        discussion: "Exit codes: 0 done (or already formatted), 1 with --check when a file is not formatted, 2 on syntax errors, 3 when a file cannot be read or written.")

    @Flag(help: "Change nothing; list the files that are not formatted and exit 1 if there are any.")
    var check = false

    @Argument(help: "Contract files (.sla).")
    var files: [String]

    func run() throws {
        emit(FmtCommand.run(paths: files, check: check, colored: useColor(2)))
    }
}

extension ExplainCommand.Format: ExpressibleByArgument {}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "Explain each clause in plain English next to its legal text.")

    @Option(help: "Explain only this clause (its name or reference).")
    var clause: String?

    @Option(help: "Output format: markdown or html (a self-contained page).")
    var format: ExplainCommand.Format = .markdown

    @Argument(help: "The contract file (.sla).")
    var file: String

    func run() throws {
        emit(ExplainCommand.run(path: file, clause: clause, format: format, colored: useColor(2)))
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the difference in meaning between two versions of a contract.",
        discussion: "Exit codes: 0 equivalent, 1 different, 2 invalid contract or usage, 3 a file that cannot be read.")

    @Argument(help: "The old version (.sla).")
    var old: String

    @Argument(help: "The new version (.sla).")
    var new: String

    func run() throws {
        emit(DiffCommand.run(oldPath: old, newPath: new, colored: useColor(2)))
    }
}

struct Formats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats",
        abstract: "List the trace formats `slac verify` reads and how each maps to the canonical record.")

    func run() throws {
        emit(FormatsCommand.run())
    }
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a compliance report as one self-contained HTML page for auditors.",
        discussion: "The report is untrusted input: parsed without network or entities, checked against the schema. Exit codes: 0 written, 2 malformed report, 3 unreadable report or unwritable output.")

    @Option(name: .shortAndLong, help: "Write the page here instead of standard output.")
    var output: String?

    func validate() throws {
        // `-o ''` (an unset variable) is a usage error, as `verify --report ''` is.
        if output?.isEmpty == true { throw ValidationError("`--output` needs a path, not an empty string") }
    }

    @Argument(help: "The XML compliance report.")
    var report: String

    func run() throws {
        emit(RenderCommand.run(reportPath: report, outputPath: output))
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create an Ed25519 key pair for signing reports: PREFIX.key (private, mode 0600) and PREFIX.pub.",
        discussion: "Existing files are never overwritten. Exit codes: 0 written, 2 a file exists or usage, 3 a file cannot be written.")

    @Option(help: "Path prefix of the two key files.")
    var out: String

    func run() throws {
        emit(KeygenCommand.run(prefix: out))
    }
}

struct VerifyReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-report",
        abstract: "Check a report's digest and signature and, with --recompute, reproduce its figures from the inputs.",
        discussion: "Exit codes: 0 the report holds, 1 altered, signature or key mismatch, or figures differ, 2 malformed report or usage, 3 unreadable report or trace.")

    @Option(help: "The signer's public key as you obtained it (a PEM file from `slac keygen`, or base64); without it a signature is checked against the key the report embeds, which is not independently trusted.")
    var publicKey: String?

    @Flag(help: "Re-run the evaluation on --contract and the traces and compare every verdict and figure.")
    var recompute = false

    @Flag(help: "Fail (exit 1) when the report is not signed.")
    var requireSignature = false

    @Option(help: "With --recompute: the contract file (.sla) the report was made from.")
    var contract: String?

    @Option(help: "With --recompute: the trace format, when it cannot be detected.")
    var format: String?

    @Option(help: "With --recompute: the start of relative timestamps (Mooncake traces), for a report that does not record it; reports record the `--epoch` they were made with.")
    var epoch: String?

    @Option(parsing: .unconditional, help: "With --recompute: parallel jobs, at least 1 (default: the number of cores).")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("`--jobs` must be at least 1, not \(jobs)") }
    }

    @Argument(help: "The XML compliance report, then (with --recompute) the trace files.")
    var files: [String]

    func run() throws {
        guard let report = files.first else {
            emit(CommandOutput(standardError: UsageErrorText.render("Missing expected argument '<report>'", command: "verify-report", colored: useColor(2)),
                               exitCode: .invalidContract))
        }
        var options = VerifyReportCommand.Options(reportPath: report)
        options.publicKey = publicKey
        options.recompute = recompute
        options.requireSignature = requireSignature
        options.contractPath = contract
        options.traces = Array(files.dropFirst())
        options.format = format
        options.epoch = epoch
        options.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        emit(VerifyReportCommand.run(options, colored: useColor(2)))
    }
}

struct LSP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Run the Language Server Protocol server on standard input and output (for editors).",
        discussion: "Diagnostics, hover, completion, formatting, document symbols and quick fixes; see docs/editors.md. Exit codes: 0 after `shutdown` and `exit`, 1 when the input ends or `exit` comes without `shutdown`.")

    @Flag(help: "Accepted and ignored: some editors' clients add it; standard input and output are the only transport.")
    var stdio = false

    func run() throws {
        Foundation.exit(StdioTransport.run(LanguageServer(version: SlacVersion.current)))
    }
}
