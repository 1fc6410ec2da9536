/// Renders diagnostics for people: `file:line:col`, the source line and a caret underline.
///
/// Kept apart from `Diagnostic` so that the same values can also be written as JSON or SARIF.
public struct DiagnosticRenderer: Sendable {
    /// Whether to use ANSI colours (only on a terminal, never with `NO_COLOR`; the caller decides).
    public var colored: Bool

    public init(colored: Bool = false) { self.colored = colored }

    private func paint(_ text: String, _ code: String) -> String { colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    /// One diagnostic, ending with a newline.
    public func render(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
        let (line, column) = source.location(of: diagnostic.span.start)
        let severityColor = diagnostic.severity == .error ? "1;31" : (diagnostic.severity == .warning ? "1;33" : "1;36")
        // The arrow and the help line align with the gutter, as in rustc's output.
        let noteLines = diagnostic.notes.map { source.location(of: $0.span.start).line }
        let gutterWidth = String(([line] + noteLines).max() ?? line).count
        let indent = String(repeating: " ", count: gutterWidth)
        var out = paint("\(diagnostic.severity.rawValue)[\(diagnostic.code)]", severityColor) + paint(": \(diagnostic.message)", "1") + "\n"
        out += "\(indent)--> \(source.path):\(line):\(column)\n"
        out += snippet(span: diagnostic.span, in: source, label: nil, color: severityColor, gutterWidth: gutterWidth)
        for note in diagnostic.notes {
            let (nl, nc) = source.location(of: note.span.start)
            out += paint("note", "1;36") + ": \(note.message)\n"
            out += "\(indent)--> \(source.path):\(nl):\(nc)\n"
            out += snippet(span: note.span, in: source, label: nil, color: "1;36", gutterWidth: gutterWidth)
        }
        if let help = diagnostic.help {
            out += "\(indent) = " + paint("help", "1") + ": \(help)\n"
        }
        return out
    }

    /// All diagnostics in source order, separated by blank lines, then a summary line.
    public func render(_ diagnostics: [Diagnostic], in source: SourceFile) -> String {
        let sorted = diagnostics.sortedForDisplay
        var out = sorted.map { render($0, in: source) }.joined(separator: "\n")
        let errors = sorted.filter { $0.severity == .error }.count
        let warnings = sorted.filter { $0.severity == .warning }.count
        if errors + warnings > 0 {
            var parts: [String] = []
            if errors > 0 { parts.append("\(errors) error\(errors == 1 ? "" : "s")") }
            if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
            out += "\n\(source.path): " + parts.joined(separator: ", ") + "\n"
        }
        return out
    }

    private func snippet(span: Span, in source: SourceFile, label: String?, color: String, gutterWidth: Int) -> String {
        let (line, column) = source.location(of: span.start)
        let (endLine, endColumn) = source.location(of: span.end)
        let text = source.line(line).replacingTabs
        let number = String(line)
        let gutter = String(repeating: " ", count: max(0, gutterWidth - number.count)) + number
        let pad = String(repeating: " ", count: gutter.count)
        let lineLength = text.unicodeScalars.count
        let width: Int
        if endLine == line { width = max(1, endColumn - column) } else { width = max(1, lineLength - column + 1) }
        var out = "\(pad) |\n"
        out += "\(gutter) | \(text)\n"
        out += "\(pad) | " + String(repeating: " ", count: max(0, column - 1)) + paint(String(repeating: "^", count: width), color)
        if let label { out += " " + label }
        out += "\n"
        return out
    }
}

extension String {
    /// Tabs become one space so that carets line up with the text.
    fileprivate var replacingTabs: String {
        String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) })
    }
}
