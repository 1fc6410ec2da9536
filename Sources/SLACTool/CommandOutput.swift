#if canImport(Glibc)
import Glibc
#endif

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

/// Writes to standard output or standard error with POSIX `write`, ignoring failures.
///
/// `FileHandle.write` traps (`try!` inside Foundation) when the descriptor is closed (`>&-`) or
/// the reader of a pipe has gone with SIGPIPE ignored: slac crashed with exit 132 after its
/// outputs were written. Text a reader no longer wants is dropped; the exit code stands.
public enum StandardStream {
    public static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let n = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    public static func output(_ text: String) { write(text, to: 1) }
    public static func error(_ text: String) { write(text, to: 2) }
}
