import SLACTrace

/// `slac formats`: the trace formats and how each maps to the canonical record.
public enum FormatsCommand {
    public static func run() -> CommandOutput {
        CommandOutput(standardOutput: FormatCatalog.render())
    }
}
