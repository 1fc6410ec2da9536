import ArgumentParser
import Foundation
import SLACTool

/// The `slac` command line: argument parsing only; every command lives in `SLACTool`.
@main
struct Slac: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slac",
        abstract: "Compile service-level agreements for LLM inference and verify traces against them.",
        version: SlacVersion.current,
        subcommands: [Check.self]
    )
}

/// Colour only on a terminal and never when NO_COLOR is set.
func useColor(_ fd: Int32) -> Bool {
    ProcessInfo.processInfo.environment["NO_COLOR"].map { $0.isEmpty } ?? true ? isatty(fd) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil : false
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
