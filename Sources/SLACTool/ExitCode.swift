/// How a command exits (docs/ci.md, the exit-code table): the whole contract with a CI system.
public enum ExitCode: Int32, Sendable, CaseIterable {
    /// 0. `verify`: every clause met its objective; other commands: done, or a positive answer.
    case compliant = 0
    /// 1. `verify`: a clause breached; other commands: a negative answer to their question
    /// (`fmt --check` found unformatted files, `diff` a difference, `verify-report` a report that
    /// does not hold).
    case breached = 1
    /// 2. An invalid contract, plan, report or key, or a usage error: the pipeline is broken.
    case invalidContract = 2
    /// 3. An input or output error: an unreadable trace or file, an unwritable output, a trace
    /// with no accepted record, rejected records under `--strict`, too many windows.
    case inputError = 3
}
