/// A half-open byte range `[start, end)` in a source file.
///
/// Spans are byte offsets so that every stage can carry them cheaply; line and column are computed
/// only when a diagnostic is displayed (`SourceFile.location(of:)`).
package struct Span: Sendable, Hashable, Codable, CustomStringConvertible {
    package var start: Int
    package var end: Int

    package init(_ start: Int, _ end: Int) {
        precondition(start <= end, "span start after end")
        self.start = start
        self.end = end
    }

    /// The smallest span covering both.
    package func union(_ other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }
    package var isEmpty: Bool { start == end }
    package var description: String { "\(start)..<\(end)" }
}

/// How bad a diagnostic is: errors make `slac check` exit 2, warnings do not.
package enum Severity: String, Sendable, Hashable, Codable {
    case error
    case warning
    case note
}

/// A stable diagnostic code such as `SLA0203`.
///
/// Codes never change meaning once published: tools, CI filters and documentation refer to them.
/// Ranges: `SLA00xx` input files, `SLA01xx` syntax, `SLA02xx` names and types, `SLA03xx` contract
/// semantics (term, objectives, credits), `SLA04xx` analysis warnings.
package struct DiagnosticCode: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    package let rawValue: String
    package init(_ rawValue: String) { self.rawValue = rawValue }
    package init(stringLiteral value: String) { self.rawValue = value }
    package var description: String { rawValue }
}

/// A secondary location that explains a diagnostic (e.g. the first declaration of a duplicate).
package struct DiagnosticNote: Sendable, Hashable, Codable {
    package var span: Span
    package var message: String
    package init(span: Span, message: String) {
        self.span = span
        self.message = message
    }
}

/// A mechanical fix for a diagnostic: replace the text of `span` with `replacement`.
///
/// Only attached where the help line names the exact text to write (`write \`800 ms\``, `did you
/// mean \`ms\`?`), so that editors can offer it as a one-click action without parsing the help
/// prose, whose wording may change. Rendered output does not show it: the help line already does.
package struct DiagnosticFix: Sendable, Hashable, Codable {
    /// The text to replace (may be empty, for an insertion).
    package var span: Span
    /// What to write instead.
    package var replacement: String
    package init(span: Span, replacement: String) {
        self.span = span
        self.replacement = replacement
    }
}

/// A diagnostic as a value: what went wrong, where, and how to fix it. Rendering is separate
/// (`DiagnosticRenderer`), so tools get the same facts as JSON.
///
/// House style (after cedar's guide): the message is lowercase, has no final period, puts user
/// text in backticks and never names internal types; the fix goes in `help`, not the message.
package struct Diagnostic: Sendable, Hashable, Codable {
    package var code: DiagnosticCode
    package var severity: Severity
    package var span: Span
    package var message: String
    package var help: String?
    package var notes: [DiagnosticNote]
    /// The edit the help line describes, when it is exact (for editors' quick fixes).
    package var fix: DiagnosticFix?

    package init(_ code: DiagnosticCode, _ severity: Severity = .error, at span: Span, _ message: String,
                help: String? = nil, notes: [DiagnosticNote] = [], fix: DiagnosticFix? = nil) {
        self.code = code
        self.severity = severity
        self.span = span
        self.message = message
        self.help = help
        self.notes = notes
        self.fix = fix
    }

    package static func error(_ code: DiagnosticCode, at span: Span, _ message: String, help: String? = nil,
                             notes: [DiagnosticNote] = [], fix: DiagnosticFix? = nil) -> Diagnostic {
        Diagnostic(code, .error, at: span, message, help: help, notes: notes, fix: fix)
    }

    package static func warning(_ code: DiagnosticCode, at span: Span, _ message: String, help: String? = nil,
                               notes: [DiagnosticNote] = [], fix: DiagnosticFix? = nil) -> Diagnostic {
        Diagnostic(code, .warning, at: span, message, help: help, notes: notes, fix: fix)
    }
}

extension Array where Element == Diagnostic {
    /// True when any diagnostic is an error.
    package var containsErrors: Bool { contains { $0.severity == .error } }

    /// In source order, then by code, so output is stable however the stages found them.
    package var sortedForDisplay: [Diagnostic] {
        sorted { ($0.span.start, $0.span.end, $0.code.rawValue) < ($1.span.start, $1.span.end, $1.code.rawValue) }
    }
}
