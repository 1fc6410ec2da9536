/// The syntax tree of a contract file, as written: no units resolved, no names checked.
///
/// Every node carries its span so that the checker and later tools (`fmt`, `explain`, `diff`) can
/// point at the text. Clause and contract bodies keep their items in source order, which is what
/// a formatter needs; the checker validates which items may appear and how often.

/// An identifier with its span.
public struct Identifier: Sendable, Hashable {
    public var name: String
    public var span: Span
    public init(_ name: String, span: Span) {
        self.name = name
        self.span = span
    }
}

/// A string literal (or text block) with its decoded value.
public struct StringLiteral: Sendable, Hashable {
    public var value: String
    public var span: Span
    /// True for a `"""` block.
    public var isBlock: Bool
    public init(_ value: String, span: Span, isBlock: Bool = false) {
        self.value = value
        self.span = span
        self.isBlock = isBlock
    }
}

/// A number as written: digits, optional fraction, optional magnitude suffix (`k`, `M`, `B`).
public struct NumberLiteral: Sendable, Hashable {
    /// The digits without the suffix, e.g. `0.8`, `50`.
    public var digits: String
    public var suffix: Character?
    public var span: Span
    public init(digits: String, suffix: Character?, span: Span) {
        self.digits = digits
        self.suffix = suffix
        self.span = span
    }
}

/// A unit as written: `ms`, `tokens/s`, `%`, `USD`, `kWh`.
public struct UnitSyntax: Sendable, Hashable {
    public var text: String
    public var span: Span
    public init(_ text: String, span: Span) {
        self.text = text
        self.span = span
    }
}

/// A number with an optional unit: `800 ms`, `50M tokens`, `99.9%`, `30 tokens/s`.
public struct QuantitySyntax: Sendable, Hashable {
    public var number: NumberLiteral
    public var unit: UnitSyntax?
    public var span: Span
    public init(number: NumberLiteral, unit: UnitSyntax?, span: Span) {
        self.number = number
        self.unit = unit
        self.span = span
    }
}

/// A date (`2026-01-01`, midnight in the contract timezone) or an instant with its offset.
public struct TimePointSyntax: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case date, instant }
    public var kind: Kind
    public var text: String
    public var span: Span
    public init(kind: Kind, text: String, span: Span) {
        self.kind = kind
        self.text = text
        self.span = span
    }
}

/// One side of a comparison.
public enum OperandSyntax: Sendable, Hashable {
    /// A field or metric name.
    case name(Identifier)
    case string(StringLiteral)
    case quantity(QuantitySyntax)
    /// A placeholder left by error recovery.
    case missing(Span)

    public var span: Span {
        switch self {
        case .name(let i): i.span
        case .string(let s): s.span
        case .quantity(let q): q.span
        case .missing(let s): s
        }
    }
}

/// Comparison operators of predicates and `require`.
public enum ComparisonOperator: String, Sendable, Hashable, Codable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="

    /// The operator with its operands swapped (`a < b` is `b > a`).
    public var flipped: ComparisonOperator {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        }
    }
}

/// A condition over a record: `scope`, `exclude requests where`, `share(...)`.
public indirect enum PredicateSyntax: Sendable, Hashable {
    case and(PredicateSyntax, PredicateSyntax, span: Span)
    case or(PredicateSyntax, PredicateSyntax, span: Span)
    case not(PredicateSyntax, span: Span)
    /// `( P )`, kept so that the formatter reproduces the parentheses.
    case parenthesized(PredicateSyntax, span: Span)
    case comparison(OperandSyntax, ComparisonOperator, OperandSyntax, operatorSpan: Span, span: Span)
    /// `x in [..]` or `x not in [..]`.
    case membership(OperandSyntax, negated: Bool, [OperandSyntax], span: Span)
    /// A bare operand where a condition was expected (e.g. `share(ttft)`); the checker reports it.
    case operand(OperandSyntax)
    case missing(Span)

    public var span: Span {
        switch self {
        case .and(_, _, let s), .or(_, _, let s), .not(_, let s), .parenthesized(_, let s): s
        case .comparison(_, _, _, _, let s), .membership(_, _, _, let s): s
        case .operand(let o): o.span
        case .missing(let s): s
        }
    }
}

/// An argument of an aggregate call.
public enum AggregateArgumentSyntax: Sendable, Hashable {
    case operand(OperandSyntax)
    case predicate(PredicateSyntax)

    public var span: Span {
        switch self {
        case .operand(let o): o.span
        case .predicate(let p): p.span
        }
    }
}

/// `p99(ttft)`, `percentile(ttft, 95)`, `share(status = "ok")`, `count`.
public struct AggregateSyntax: Sendable, Hashable {
    public var function: Identifier
    /// nil for `count` written without parentheses.
    public var arguments: [AggregateArgumentSyntax]?
    public var span: Span
    public init(function: Identifier, arguments: [AggregateArgumentSyntax]?, span: Span) {
        self.function = function
        self.arguments = arguments
        self.span = span
    }
}

/// `require AGGREGATE OP BOUND`.
public struct RequireSyntax: Sendable, Hashable {
    public var aggregate: AggregateSyntax
    public var comparison: ComparisonOperator
    public var operatorSpan: Span
    public var bound: OperandSyntax
    public var span: Span
}

/// The window part of a clause: `every 5 minutes`, `every calendar day`, or `over term`.
public enum WindowSyntax: Sendable, Hashable {
    case fixed(QuantitySyntax)
    case calendar(Identifier)
    case term(Span)
}

/// `every … [per a, b]` / `over term [per a, b]`.
public struct WindowClauseSyntax: Sendable, Hashable {
    public var window: WindowSyntax
    public var groupBy: [Identifier]
    public var span: Span
}

/// `exclude maintenance from T1 to T2` or `exclude requests where P`.
public enum ExclusionSyntax: Sendable, Hashable {
    case maintenance(from: TimePointSyntax, to: TimePointSyntax, span: Span)
    case requests(PredicateSyntax, span: Span)

    public var span: Span {
        switch self {
        case .maintenance(_, _, let s), .requests(_, let s): s
        }
    }
}

/// A measurement period: `per calendar month|quarter|year` or `per term`.
public enum PeriodSyntax: Sendable, Hashable {
    case calendarMonth, calendarQuarter, calendarYear, term
}

/// `objective P% of windows [per PERIOD]` (the short form, on window attainment) or
/// `objective measure OP BOUND` (on the clause's `measure`).
public struct ObjectiveSyntax: Sendable, Hashable {
    public typealias Period = PeriodSyntax
    /// The percentage of windows, or the bound of the measure form.
    public var percent: QuantitySyntax
    /// nil when not written (the default is the whole term); always nil in the measure form.
    public var period: Period?
    public var periodSpan: Span?
    /// The comparison of the measure form (`objective measure >= 99.9%`); nil for the short form.
    public var measureComparison: ComparisonOperator?
    public var measureOperatorSpan: Span?
    public var span: Span
    public init(percent: QuantitySyntax, period: Period?, periodSpan: Span?, measureComparison: ComparisonOperator? = nil,
                measureOperatorSpan: Span? = nil, span: Span) {
        self.percent = percent
        self.period = period
        self.periodSpan = periodSpan
        self.measureComparison = measureComparison
        self.measureOperatorSpan = measureOperatorSpan
        self.span = span
    }
}

/// `credit P% of fee|charges when attainment < Q%` or `... when measure OP Q`.
public struct CreditSyntax: Sendable, Hashable {
    /// What the percentage is of: the monthly fee, or the period's usage charges of the group.
    public enum Base: String, Sendable, Hashable { case fee, charges }
    public var percent: QuantitySyntax
    public var base: Base
    public var baseSpan: Span
    /// True when written `when measure OP Q`; false for the short form `when attainment < Q`.
    public var onMeasure: Bool
    public var comparison: ComparisonOperator
    public var operatorSpan: Span
    public var threshold: QuantitySyntax
    public var span: Span
    public init(percent: QuantitySyntax, base: Base = .fee, baseSpan: Span, onMeasure: Bool = false,
                comparison: ComparisonOperator = .less, operatorSpan: Span, threshold: QuantitySyntax, span: Span) {
        self.percent = percent
        self.base = base
        self.baseSpan = baseSpan
        self.onMeasure = onMeasure
        self.comparison = comparison
        self.operatorSpan = operatorSpan
        self.threshold = threshold
        self.span = span
    }
}

/// `measure attainment|mean|uptime [per PERIOD]`.
public struct MeasureSyntax: Sendable, Hashable {
    /// `attainment`, `mean` or `uptime` as written (the checker validates it).
    public var kind: Identifier
    public var period: PeriodSyntax?
    public var periodSpan: Span?
    public var span: Span
}

/// `empty VALUE | met | breached`: what an interval without a judged value or verdict counts as.
public struct EmptySyntax: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case quantity(QuantitySyntax)
        case met(Span)
        case breached(Span)
    }
    public var value: Value
    public var span: Span
}

/// `downtime after N consecutive breached windows`.
public struct DowntimeSyntax: Sendable, Hashable {
    public var count: NumberLiteral
    public var span: Span
}

/// `value AGGREGATE`: each window gets a value instead of a verdict.
public struct ValueSyntax: Sendable, Hashable {
    public var aggregate: AggregateSyntax
    public var span: Span
}

/// One item of a clause body, in source order.
public enum ClauseItemSyntax: Sendable, Hashable {
    case text(StringLiteral, span: Span)
    case scope(PredicateSyntax, span: Span)
    case window(WindowClauseSyntax)
    case require(RequireSyntax)
    case minimum(QuantitySyntax, span: Span)
    case objective(ObjectiveSyntax)
    case credit(CreditSyntax)
    case exclusion(ExclusionSyntax)
    case value(ValueSyntax)
    case empty(EmptySyntax)
    case measure(MeasureSyntax)
    case downtime(DowntimeSyntax)

    public var span: Span {
        switch self {
        case .text(_, let s), .scope(_, let s), .minimum(_, let s): s
        case .window(let w): w.span
        case .require(let r): r.span
        case .objective(let o): o.span
        case .credit(let c): c.span
        case .exclusion(let e): e.span
        case .value(let v): v.span
        case .empty(let e): e.span
        case .measure(let m): m.span
        case .downtime(let d): d.span
        }
    }
}

/// `clause "REF" name { ... }`.
public struct ClauseSyntax: Sendable, Hashable {
    public var ref: StringLiteral
    public var name: Identifier
    public var items: [ClauseItemSyntax]
    public var span: Span
}

/// A header line of the contract (`id`, `version`, `provider`, `customer`, `timezone`, `effective`, `fee`, `price`).
public enum HeaderSyntax: Sendable, Hashable {
    case text(keyword: Identifier, value: StringLiteral, span: Span)
    case effective(from: TimePointSyntax, to: TimePointSyntax, span: Span)
    case fee(amount: NumberLiteral, currency: Identifier, span: Span)
    /// `price AMOUNT CUR per N FIELD`: usage charges per N tokens of a token field.
    case price(amount: NumberLiteral, currency: Identifier, per: NumberLiteral, field: Identifier, span: Span)

    public var span: Span {
        switch self {
        case .text(_, _, let s), .effective(_, _, let s), .fee(_, _, let s): s
        case .price(_, _, _, _, let s): s
        }
    }
}

/// One item of the contract body, in source order.
public enum ContractItemSyntax: Sendable, Hashable {
    case header(HeaderSyntax)
    case exclusion(ExclusionSyntax)
    case clause(ClauseSyntax)

    public var span: Span {
        switch self {
        case .header(let h): h.span
        case .exclusion(let e): e.span
        case .clause(let c): c.span
        }
    }
}

/// `contract "NAME" { ... }`: the root of a file.
public struct ContractSyntax: Sendable, Hashable {
    public var name: StringLiteral
    public var items: [ContractItemSyntax]
    public var span: Span
}

/// What the parser hands to the checker: the tree (absent when the file has no `contract` at all),
/// the comments (for the formatter) and the syntax diagnostics.
public struct ParsedContract: Sendable {
    public var source: SourceFile
    public var syntax: ContractSyntax?
    public var comments: [Comment]
    public var diagnostics: [Diagnostic]
}
