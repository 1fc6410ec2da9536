import SLACChecker
import SLACExact
import SLACSyntax

/// A contract that parsed and checked without errors, together with the syntax it came from.
///
/// The legal-ops tools need both views: the checked contract says what the file means (canonical
/// units, resolved names), the syntax says how the lawyer wrote it (units as typed, spans for
/// diagnostics). Keeping them in one value means no tool can pair a contract with the wrong text.
package struct ContractDocument: Sendable {
    /// The file as read (for rendering diagnostics).
    package let source: SourceFile
    /// How the contract was written: units as typed, spans.
    package let syntax: ContractSyntax
    /// What the contract means: canonical units, resolved names.
    package let contract: CheckedContract
    /// The checker's warnings (a document never has errors).
    package let diagnostics: [Diagnostic]

    /// Parses and checks `source`; fails with every diagnostic when the contract has errors.
    package static func load(_ source: SourceFile) -> Result<ContractDocument, InvalidContract> {
        let parsed = Parser.parse(source)
        let result = Checker.check(parsed)
        guard let contract = result.contract, let syntax = parsed.syntax, !result.diagnostics.containsErrors else {
            return .failure(InvalidContract(source: source, diagnostics: result.diagnostics))
        }
        return .success(ContractDocument(source: source, syntax: syntax, contract: contract, diagnostics: result.diagnostics))
    }

    /// The syntax of a checked clause (matched by its span, which the checker copies from the syntax).
    package func syntax(of clause: CheckedClause) -> ClauseSyntax? {
        ContractParts(syntax).clauses.first { $0.span == clause.anchor.span }
    }
}

/// Why a file could not become a `ContractDocument`: its diagnostics, errors among them.
package struct InvalidContract: Error, Sendable {
    /// The file the diagnostics point into.
    package var source: SourceFile
    /// All of the file's diagnostics, so every error is reported at once (docs/language.md, "Diagnostics").
    package var diagnostics: [Diagnostic]
}

/// The items of a contract body sorted by kind, in source order within each kind.
struct ContractParts {
    var headers: [HeaderSyntax] = []
    var exclusions: [ExclusionSyntax] = []
    var clauses: [ClauseSyntax] = []

    init(_ syntax: ContractSyntax) {
        for item in syntax.items {
            switch item {
            case .header(let h): headers.append(h)
            case .exclusion(let e): exclusions.append(e)
            case .clause(let c): clauses.append(c)
            }
        }
    }

    var effective: (from: TimePointSyntax, to: TimePointSyntax, span: Span)? {
        for h in headers { if case .effective(let f, let t, let s) = h { return (f, t, s) } }
        return nil
    }

    /// Request exclusions in source order (the order of `CheckedExclusions.requests`).
    var requestExclusions: [(predicate: PredicateSyntax, span: Span)] {
        exclusions.compactMap { if case .requests(let p, let s) = $0 { return (p, s) } else { return nil } }
    }

    var maintenanceSpans: [Span] {
        exclusions.compactMap { if case .maintenance(_, _, _, let s) = $0 { return s } else { return nil } }
    }
}

/// The items of one clause by kind (the first of each; a checked clause has at most one).
struct ClauseParts {
    var text: StringLiteral?
    var scope: PredicateSyntax?
    var window: WindowClauseSyntax?
    var require: RequireSyntax?
    var minimum: QuantitySyntax?
    var minimumSpan: Span?
    var objective: ObjectiveSyntax?
    var credits: [CreditSyntax] = []
    var exclusions: [ExclusionSyntax] = []
    var value: ValueSyntax?
    var empty: EmptySyntax?
    var measure: MeasureSyntax?
    var downtime: DowntimeSyntax?

    init(_ clause: ClauseSyntax?) {
        guard let clause else { return }
        for item in clause.items {
            switch item {
            case .text(let t, _): if text == nil { text = t }
            case .scope(let p, _): if scope == nil { scope = p }
            case .window(let w): if window == nil { window = w }
            case .require(let r): if require == nil { require = r }
            case .minimum(let q, let s): if minimum == nil { minimum = q; minimumSpan = s }
            case .objective(let o): if objective == nil { objective = o }
            case .credit(let c): credits.append(c)
            case .exclusion(let e): exclusions.append(e)
            case .value(let v): if value == nil { value = v }
            case .empty(let e): if empty == nil { empty = e }
            case .measure(let m): if measure == nil { measure = m }
            case .downtime(let d): if downtime == nil { downtime = d }
            }
        }
    }

    var requestExclusions: [(predicate: PredicateSyntax, span: Span)] {
        exclusions.compactMap { if case .requests(let p, let s) = $0 { return (p, s) } else { return nil } }
    }

    var maintenanceSpans: [Span] {
        exclusions.compactMap { if case .maintenance(_, _, _, let s) = $0 { return s } else { return nil } }
    }
}

/// The exact value of a number literal with its magnitude suffix, as the checker reads it.
func literalValue(_ n: NumberLiteral) -> Rational? {
    guard let base = Rational(decimal: n.digits) else { return nil }
    switch n.suffix {
    case "k": return base * Rational(1000)
    case "M": return base * Rational(1_000_000)
    case "B": return base * Rational(1_000_000_000)
    default: return base
    }
}
