import SLACSyntax

/// Errors of the commands outside a contract's text (the command line, traces, plans, reports,
/// keys, output files) as `Diagnostic` values with registered codes (docs/diagnostics.md), drawn by
/// the one renderer, `DiagnosticRenderer`.
enum ToolDiagnostics {
    /// An error diagnostic; `notes` are printed as `= note:` lines.
    static func error(_ code: DiagnosticCode, _ message: String, help: String? = nil, notes: [String] = []) -> Diagnostic {
        .error(code, at: Span(0, 0), message, help: help, notes: notes.map { DiagnosticNote(span: Span(0, 0), message: $0) })
    }

    /// The diagnostics drawn one after another.
    static func render(_ diagnostics: [Diagnostic], location: String? = nil, colored: Bool) -> String {
        let renderer = DiagnosticRenderer(colored: colored)
        return diagnostics.map { renderer.render($0, location: location) }.joined()
    }

    /// A command's output for one error: the rendered diagnostic and the exit code of its kind.
    static func output(_ code: DiagnosticCode, _ message: String, help: String? = nil, exit: ExitCode,
                       location: String? = nil, colored: Bool) -> CommandOutput {
        CommandOutput(standardError: render([error(code, message, help: help)], location: location, colored: colored), exitCode: exit)
    }
}
