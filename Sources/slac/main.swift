import ArgumentParser
import Foundation
import SLACReport
import SLACTool

/// The `slac` command line: argument parsing only; every command lives in `SLACTool`.
@main
struct Slac: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slac",
        abstract: "Compile service-level agreements for LLM inference and verify traces against them.",
        version: SlacVersion.current,
        subcommands: [Check.self, Compile.self, Verify.self]
    )
}

/// Colour only on a terminal and never when NO_COLOR is set.
func useColor(_ fd: Int32) -> Bool {
    ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(fd) == 1
}

func emit(_ output: CommandOutput) -> Never {
    if !output.standardOutput.isEmpty { FileHandle.standardOutput.write(Data(output.standardOutput.utf8)) }
    if !output.standardError.isEmpty { FileHandle.standardError.write(Data(output.standardError.utf8)) }
    exit(output.exitCode)
}

extension CheckCommand.Format: ExpressibleByArgument {}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Parse and type-check contract files; exit 2 on any error.")

    @Option(help: "Output format: text (for people) or json (for tools).")
    var format: CheckCommand.Format = .text

    @Argument(help: "Contract files (.sla).")
    var files: [String]

    func run() throws {
        emit(CheckCommand.run(paths: files, format: format, colored: useColor(2)))
    }
}

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Compile a contract into a monitor plan (JSON) that `slac verify --plan` runs.")

    @Option(name: .shortAndLong, help: "Write the plan here instead of standard output.")
    var output: String?

    @Argument(help: "The contract file (.sla).")
    var file: String

    func run() throws {
        emit(CompileCommand.run(contractPath: file, output: output, colored: useColor(2)))
    }
}

extension WindowSelection: ExpressibleByArgument {}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify traces against a contract and write the compliance report.",
        discussion: "Exit codes: 0 compliant, 1 a clause breached, 2 invalid contract or usage, 3 unreadable trace (or rejected records with --strict).")

    @Option(help: "The contract file (.sla).")
    var contract: String?

    @Option(help: "A monitor plan written by `slac compile`, instead of --contract.")
    var plan: String?

    @Option(help: "Write the XML compliance report here.")
    var report: String?

    @Option(help: "Write a JUnit XML report here.")
    var junit: String?

    @Option(help: "Trace format (detected from the content when omitted): jsonl, csv.")
    var format: String?

    @Option(help: "Windows listed in the report: all, breached or none.")
    var windows: WindowSelection = .breached

    @Flag(help: "Treat any rejected record as an input error (exit 3).")
    var strict = false

    @Option(help: "Parallel jobs (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print nothing on standard output.")
    var quiet = false

    @Argument(help: "Trace files (JSON Lines or CSV, optionally .gz); `-` reads standard input.")
    var traces: [String] = []

    func run() throws {
        var options = VerifyCommand.Options(contractPath: contract, planPath: plan, traces: traces)
        options.reportPath = report
        options.junitPath = junit
        options.format = format
        options.windows = windows
        options.strict = strict
        options.jobs = jobs
        options.quiet = quiet
        emit(VerifyCommand.run(options, colored: useColor(2)))
    }
}
