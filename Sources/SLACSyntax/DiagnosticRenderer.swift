/// Renders diagnostics for people: `file:line:col`, the source line and a caret underline.
///
/// Kept apart from `Diagnostic` so that the same values can also be written as JSON or SARIF.
package struct DiagnosticRenderer: Sendable {
    /// Whether to use ANSI colours (only on a terminal, never with `NO_COLOR`; the caller decides).
    package var colored: Bool

    package init(colored: Bool = false) { self.colored = colored }

    private func paint(_ text: String, _ code: String) -> String { colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    /// One diagnostic, ending with a newline.
    package func render(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
        let (line, column) = source.location(of: diagnostic.span.start)
        let severityColor = Self.color(of: diagnostic.severity)
        // The arrow and the help line align with the gutter, as in rustc's output.
        let noteLines = diagnostic.notes.map { source.location(of: $0.span.start).line }
        let gutterWidth = String(([line] + noteLines).max() ?? line).count
        let indent = String(repeating: " ", count: gutterWidth)
        var out = paint("\(diagnostic.severity.rawValue)[\(diagnostic.code)]", severityColor) + paint(": \(diagnostic.message.terminalSafe)", "1") + "\n"
        out += "\(indent)--> \(source.path.terminalSafe):\(line):\(column)\n"
        out += snippet(span: diagnostic.span, in: source, label: nil, color: severityColor, gutterWidth: gutterWidth)
        for note in diagnostic.notes {
            let (nl, nc) = source.location(of: note.span.start)
            out += paint("note", "1;36") + ": \(note.message.terminalSafe)\n"
            out += "\(indent)--> \(source.path.terminalSafe):\(nl):\(nc)\n"
            out += snippet(span: note.span, in: source, label: nil, color: "1;36", gutterWidth: gutterWidth)
        }
        if let help = diagnostic.help {
            out += "\(indent) = " + paint("help", "1") + ": \(help.terminalSafe)\n"
        }
        return out
    }

    /// A diagnostic about something other than a contract's text (a contract file that cannot be
    /// read, a trace, a plan, a report, the command line), in the same layout without the source
    /// snippet: the head line, where it happened when known (`path` or `path:line:column`), its
    /// notes and the help line.
    package func render(_ diagnostic: Diagnostic, location: String?) -> String {
        var out = paint("\(diagnostic.severity.rawValue)[\(diagnostic.code)]", Self.color(of: diagnostic.severity))
            + paint(": \(diagnostic.message.terminalSafe)", "1") + "\n"
        if let location { out += "  --> \(location.terminalSafe)\n" }
        for note in diagnostic.notes { out += "   = " + paint("note", "1;36") + ": \(note.message.terminalSafe)\n" }
        if let help = diagnostic.help { out += "   = " + paint("help", "1") + ": \(help.terminalSafe)\n" }
        return out
    }

    /// The ANSI colour of a severity's label.
    private static func color(of severity: Severity) -> String {
        severity == .error ? "1;31" : (severity == .warning ? "1;33" : "1;36")
    }

    /// How many diagnostics of one file are drawn; the rest are counted. A file with thousands of
    /// errors is almost always not a contract at all, and the first ones say so.
    package static let limitPerFile = 50

    /// All diagnostics in source order, separated by blank lines, then a summary line.
    package func render(_ diagnostics: [Diagnostic], in source: SourceFile) -> String {
        let sorted = diagnostics.sortedForDisplay
        var out = sorted.prefix(DiagnosticRenderer.limitPerFile).map { render($0, in: source) }.joined(separator: "\n")
        if sorted.count > DiagnosticRenderer.limitPerFile {
            let rest = sorted.count - DiagnosticRenderer.limitPerFile
            out += "\n" + paint("note", "1;36") + ": \(rest) more diagnostic\(rest == 1 ? "" : "s") not shown; fix the ones above first\n"
        }
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

    /// Lines longer than this many characters are cut around the caret.
    static let maximumLineWidth = 120
    static let contextBefore = 40

    private func snippet(span: Span, in source: SourceFile, label: String?, color: String, gutterWidth: Int) -> String {
        let (line, column) = source.location(of: span.start)
        let (endLine, endColumn) = source.location(of: span.end)
        var text = source.line(line).replacingTabs
        let number = String(line)
        let gutter = String(repeating: " ", count: max(0, gutterWidth - number.count)) + number
        let pad = String(repeating: " ", count: gutter.count)
        var lineLength = text.unicodeScalars.count
        var width: Int
        if endLine == line { width = max(1, endColumn - column) } else { width = max(1, lineLength - column + 1) }
        var caretColumn = column
        // A long line is shown as a window around the caret, so output stays proportional to the
        // number of diagnostics, not to their product with the line's length.
        if lineLength > DiagnosticRenderer.maximumLineWidth {
            let scalars = Array(text.unicodeScalars)
            let first = max(0, min(column - 1 - DiagnosticRenderer.contextBefore, lineLength - DiagnosticRenderer.maximumLineWidth))
            let last = min(lineLength, first + DiagnosticRenderer.maximumLineWidth)
            var window = String(String.UnicodeScalarView(scalars[first..<last]))
            caretColumn = column - first
            if first > 0 { window = "…" + window; caretColumn += 1 }
            if last < lineLength { window += "…" }
            text = window
            lineLength = window.unicodeScalars.count
            width = min(width, max(1, lineLength - caretColumn + 1))
        }
        var out = "\(pad) |\n"
        out += "\(gutter) | \(text)\n"
        out += "\(pad) | " + String(repeating: " ", count: max(0, caretColumn - 1)) + paint(String(repeating: "^", count: width), color)
        if let label { out += " " + label }
        out += "\n"
        return out
    }
}

extension String {
    /// Tabs become one space so that carets line up with the text; other control characters
    /// become U+FFFD (`terminalSafe`), one column each.
    fileprivate var replacingTabs: String {
        String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) }).terminalSafe
    }

    /// Control characters other than tab and newline (C0, DEL, C1) become U+FFFD, so that text
    /// from a contract or a trace (an escape sequence in a string) cannot retitle, move or clear
    /// the terminal or CI log that shows a diagnostic.
    package var terminalSafe: String {
        guard unicodeScalars.contains(where: Self.isUnsafe) else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.map { Self.isUnsafe($0) ? "\u{FFFD}" : $0 }))
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v < 0x20 && v != 0x09 && v != 0x0A) || (v >= 0x7F && v <= 0x9F)
    }
}
