/// What a command printed and how it exits; the executable writes these out. Keeping commands as
/// functions from arguments to output makes their output testable with golden files.
public struct CommandOutput: Error, Sendable, Equatable {
    public var standardOutput: String = ""
    public var standardError: String = ""
    public var exit: ExitCode = .compliant
    /// The process exit status (`exit.rawValue`).
    public var exitCode: Int32 { exit.rawValue }
    public init(standardOutput: String = "", standardError: String = "", exitCode: ExitCode = .compliant) {
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.exit = exitCode
    }
}
