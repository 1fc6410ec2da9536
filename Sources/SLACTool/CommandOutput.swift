/// What a command printed and how it exits; the executable writes these out. Keeping commands as
/// functions from arguments to output makes their output testable with golden files.
public struct CommandOutput: Error, Sendable, Equatable {
    public var standardOutput: String = ""
    public var standardError: String = ""
    public var exitCode: Int32 = 0
    public init(standardOutput: String = "", standardError: String = "", exitCode: Int32 = 0) {
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.exitCode = exitCode
    }
}
