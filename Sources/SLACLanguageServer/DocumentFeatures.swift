import SLACLegalOps
import SLACSyntax

/// Diagnostics in LSP form: positions in the negotiated encoding, notes as related information,
/// the help line appended to the message (clients show related information inconsistently, and
/// the help is the part a lawyer needs most), the structured fix in `data`.
enum DiagnosticConversion {
    static func convert(_ diagnostics: [Diagnostic], in document: OpenDocument) -> [LSPDiagnostic] {
        diagnostics.map { convert($0, in: document) }
    }

    static func convert(_ d: Diagnostic, in document: OpenDocument) -> LSPDiagnostic {
        let severity: Int
        switch d.severity {
        case .error: severity = 1
        case .warning: severity = 2
        case .note: severity = 3
        }
        let related = d.notes.map { note in
            DiagnosticRelatedInformation(location: Location(uri: document.uri, range: document.positions.range(of: note.span)), message: note.message)
        }
        return LSPDiagnostic(range: document.positions.range(of: d.span), severity: severity, code: d.code.rawValue, source: "slac",
                             message: d.message + (d.help.map { "\nhelp: " + $0 } ?? ""),
                             relatedInformation: related.isEmpty ? nil : related,
                             data: d.fix.map { FixData(range: document.positions.range(of: $0.span), newText: $0.replacement) })
    }
}

/// Formatting, the outline and quick fixes: features that read the stored analysis of a document.
enum DocumentFeatures {
    /// `slac fmt`'s output as one edit replacing the whole document; no edit when the document is
    /// already formatted or has syntax errors (the formatter only formats valid syntax, and the
    /// diagnostics already say why).
    static func formatting(_ document: OpenDocument) -> [TextEdit] {
        guard case .success(let formatted) = ContractFormatter.format(document.outcome.parsed), formatted != document.text else { return [] }
        return [TextEdit(range: TextRange(start: Position(line: 0, character: 0), end: document.positions.endPosition), newText: formatted)]
    }

    /// The contract with its clauses as children (also when the file has errors: the parser's
    /// recovery keeps every clause it could read).
    static func symbols(_ document: OpenDocument) -> [DocumentSymbol] {
        guard let syntax = document.outcome.parsed.syntax else { return [] }
        let p = document.positions
        var clauses: [DocumentSymbol] = []
        for case .clause(let c) in syntax.items {
            let requirement = c.items.lazy.compactMap { item -> String? in
                if case .require(let r) = item { return document.source.slice(r.span) }
                return nil
            }.first
            clauses.append(DocumentSymbol(name: "\(c.ref.value) \(c.name.name)", detail: requirement, kind: 12,
                                          range: p.range(of: c.span), selectionRange: p.range(of: c.name.span), children: nil))
        }
        // LSP requires a non-empty name (VS Code drops the symbol otherwise); `contract "" {}` checks.
        let name = syntax.name.value.trimmingCharacters(in: .whitespaces).isEmpty ? "(unnamed contract)" : syntax.name.value
        return [DocumentSymbol(name: name, detail: "contract", kind: 3, range: p.range(of: syntax.span),
                               selectionRange: p.range(of: syntax.name.span), children: clauses)]
    }

    /// One quick fix per diagnostic with a structured fix that touches `range`.
    static func codeActions(in document: OpenDocument, range: TextRange) -> [CodeAction] {
        let p = document.positions
        let lower = p.offset(of: range.start), upper = p.offset(of: range.end)
        var actions: [CodeAction] = []
        for d in document.outcome.diagnostics {
            guard let fix = d.fix, d.span.start <= upper, lower <= d.span.end else { continue }
            let old = document.source.slice(fix.span)
            let edit = TextEdit(range: p.range(of: fix.span), newText: fix.replacement)
            actions.append(CodeAction(title: old.isEmpty ? "Insert `\(fix.replacement)`" : "Replace `\(old)` with `\(fix.replacement)`",
                                      kind: "quickfix",
                                      diagnostics: [DiagnosticConversion.convert(d, in: document)],
                                      isPreferred: true,
                                      edit: WorkspaceEdit(changes: [document.uri: [edit]])))
        }
        return actions
    }
}
