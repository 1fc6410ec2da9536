/// The syntax tree of a contract file, as written: no units resolved, no names checked.
///
/// Every node carries its span so that the checker and later tools (`fmt`, `explain`, `diff`) can
/// point at the text. Clause and contract bodies keep their items in source order, which is what
/// a formatter needs; the checker validates which items may appear and how often.

/// An identifier with its span.
package struct Identifier: Sendable, Hashable {
    package var name: String
    package var span: Span
    package init(_ name: String, span: Span) {
        self.name = name
        self.span = span
    }
}

/// A string literal (or text block) with its decoded value.
package struct StringLiteral: Sendable, Hashable {
    package var value: String
    package var span: Span
    /// True for a `"""` block.
    package var isBlock: Bool
    package init(_ value: String, span: Span, isBlock: Bool = false) {
        self.value = value
        self.span = span
        self.isBlock = isBlock
    }
}

/// A number as written: digits, optional fraction, optional magnitude suffix (`k`, `M`, `B`).
package struct NumberLiteral: Sendable, Hashable {
    /// The digits without the suffix, e.g. `0.8`, `50`.
    package var digits: String
    package var suffix: Character?
    package var span: Span
    package init(digits: String, suffix: Character?, span: Span) {
        self.digits = digits
        self.suffix = suffix
        self.span = span
    }
}

/// A unit as written: `ms`, `tokens/s`, `%`, `USD`, `kWh`.
package struct UnitSyntax: Sendable, Hashable {
    package var text: String
    package var span: Span
    package init(_ text: String, span: Span) {
        self.text = text
        self.span = span
    }
}

/// A number with an optional unit: `800 ms`, `50M tokens`, `99.9%`, `30 tokens/s`.
package struct QuantitySyntax: Sendable, Hashable {
    package var number: NumberLiteral
    package var unit: UnitSyntax?
    package var span: Span
    package init(number: NumberLiteral, unit: UnitSyntax?, span: Span) {
        self.number = number
        self.unit = unit
        self.span = span
    }
}

/// A date (`2026-01-01`, midnight in the contract timezone) or an instant with its offset.
package struct TimePointSyntax: Sendable, Hashable {
    package enum Kind: Sendable, Hashable { case date, instant }
    package var kind: Kind
    package var text: String
    package var span: Span
    package init(kind: Kind, text: String, span: Span) {
        self.kind = kind
        self.text = text
        self.span = span
    }
}

/// One side of a comparison.
package enum OperandSyntax: Sendable, Hashable {
    /// A field or metric name.
    case name(Identifier)
    case string(StringLiteral)
    case quantity(QuantitySyntax)
    /// A placeholder left by error recovery.
    case missing(Span)

    package var span: Span {
        switch self {
        case .name(let i): i.span
        case .string(let s): s.span
        case .quantity(let q): q.span
        case .missing(let s): s
        }
    }
}

/// Comparison operators of predicates and `require`.
package enum ComparisonOperator: String, Sendable, Hashable, Codable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="

    /// The operator with its operands swapped (`a < b` is `b > a`).
    package var flipped: ComparisonOperator {
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
package indirect enum PredicateSyntax: Sendable, Hashable {
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

    package var span: Span {
        switch self {
        case .and(_, _, let s), .or(_, _, let s), .not(_, let s), .parenthesized(_, let s): s
        case .comparison(_, _, _, _, let s), .membership(_, _, _, let s): s
        case .operand(let o): o.span
        case .missing(let s): s
        }
    }
}

/// An argument of an aggregate call.
package enum AggregateArgumentSyntax: Sendable, Hashable {
    case operand(OperandSyntax)
    case predicate(PredicateSyntax)

    package var span: Span {
        switch self {
        case .operand(let o): o.span
        case .predicate(let p): p.span
        }
    }
}

/// `p99(ttft)`, `percentile(ttft, 95)`, `share(status = "ok")`, `count`.
package struct AggregateSyntax: Sendable, Hashable {
    package var function: Identifier
    /// nil for `count` written without parentheses.
    package var arguments: [AggregateArgumentSyntax]?
    package var span: Span
    package init(function: Identifier, arguments: [AggregateArgumentSyntax]?, span: Span) {
        self.function = function
        self.arguments = arguments
        self.span = span
    }
}

/// `require AGGREGATE OP BOUND`.
package struct RequireSyntax: Sendable, Hashable {
    package var aggregate: AggregateSyntax
    package var comparison: ComparisonOperator
    package var operatorSpan: Span
    package var bound: OperandSyntax
    package var span: Span
}

/// The window part of a clause: `every 5 minutes`, `every calendar day`, or `over term`.
package enum WindowSyntax: Sendable, Hashable {
    case fixed(QuantitySyntax)
    case calendar(Identifier)
    case term(Span)
}

/// `every … [per a, b]` / `over term [per a, b]`.
package struct WindowClauseSyntax: Sendable, Hashable {
    package var window: WindowSyntax
    package var groupBy: [Identifier]
    package var span: Span
}

/// `exclude maintenance from T1 to T2 [as uptime]` or `exclude requests where P`.
package enum ExclusionSyntax: Sendable, Hashable {
    /// `asUptime`: the interval's time stays in uptime's grid and counts as up (docs/language.md,
    /// "Exclusions").
    case maintenance(from: TimePointSyntax, to: TimePointSyntax, asUptime: Bool, span: Span)
    case requests(PredicateSyntax, span: Span)

    package var span: Span {
        switch self {
        case .maintenance(_, _, _, let s), .requests(_, let s): s
        }
    }
}

/// A measurement period: `per calendar month|quarter|year` or `per term`.
package enum PeriodSyntax: Sendable, Hashable {
    case calendarMonth, calendarQuarter, calendarYear, term
}

/// `objective P% of windows [per PERIOD]` (the short form, on window attainment) or
/// `objective measure OP BOUND` (on the clause's `measure`).
package struct ObjectiveSyntax: Sendable, Hashable {
    package typealias Period = PeriodSyntax
    /// The percentage of windows, or the bound of the measure form.
    package var percent: QuantitySyntax
    /// nil when not written (the default is the whole term); always nil in the measure form.
    package var period: Period?
    package var periodSpan: Span?
    /// The comparison of the measure form (`objective measure >= 99.9%`); nil for the short form.
    package var measureComparison: ComparisonOperator?
    package var measureOperatorSpan: Span?
    package var span: Span
    package init(percent: QuantitySyntax, period: Period?, periodSpan: Span?, measureComparison: ComparisonOperator? = nil,
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
package struct CreditSyntax: Sendable, Hashable {
    /// What the percentage is of: the monthly fee, or the period's usage charges of the group.
    package enum Base: String, Sendable, Hashable { case fee, charges }
    package var percent: QuantitySyntax
    package var base: Base
    package var baseSpan: Span
    /// True when written `when measure OP Q`; false for the short form `when attainment < Q`.
    package var onMeasure: Bool
    package var comparison: ComparisonOperator
    package var operatorSpan: Span
    package var threshold: QuantitySyntax
    package var span: Span
    package init(percent: QuantitySyntax, base: Base = .fee, baseSpan: Span, onMeasure: Bool = false,
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
package struct MeasureSyntax: Sendable, Hashable {
    /// `attainment`, `mean` or `uptime` as written (the checker validates it).
    package var kind: Identifier
    package var period: PeriodSyntax?
    package var periodSpan: Span?
    package var span: Span
}

/// `empty VALUE | met | breached`: what an interval without a judged value or verdict counts as.
package struct EmptySyntax: Sendable, Hashable {
    package enum Value: Sendable, Hashable {
        case quantity(QuantitySyntax)
        case met(Span)
        case breached(Span)
    }
    package var value: Value
    package var span: Span
}

/// `downtime after N consecutive breached windows`.
package struct DowntimeSyntax: Sendable, Hashable {
    package var count: NumberLiteral
    package var span: Span
}

/// `value AGGREGATE`: each window gets a value instead of a verdict.
package struct ValueSyntax: Sendable, Hashable {
    package var aggregate: AggregateSyntax
    package var span: Span
}

/// One item of a clause body, in source order.
package enum ClauseItemSyntax: Sendable, Hashable {
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

    package var span: Span {
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
package struct ClauseSyntax: Sendable, Hashable {
    package var ref: StringLiteral
    package var name: Identifier
    package var items: [ClauseItemSyntax]
    package var span: Span
}

/// A header line of the contract (`id`, `version`, `provider`, `customer`, `timezone`, `effective`, `fee`, `price`).
package enum HeaderSyntax: Sendable, Hashable {
    case text(keyword: Identifier, value: StringLiteral, span: Span)
    case effective(from: TimePointSyntax, to: TimePointSyntax, span: Span)
    case fee(amount: NumberLiteral, currency: Identifier, span: Span)
    /// `price AMOUNT CUR per N FIELD [where CONDITION]`: usage charges per N tokens of a token
    /// field, for the records the condition holds for (per-model prices), or for every record.
    case price(amount: NumberLiteral, currency: Identifier, per: NumberLiteral, field: Identifier, condition: PredicateSyntax?, span: Span)

    package var span: Span {
        switch self {
        case .text(_, _, let s), .effective(_, _, let s), .fee(_, _, let s): s
        case .price(_, _, _, _, _, let s): s
        }
    }
}

/// One item of the contract body, in source order.
package enum ContractItemSyntax: Sendable, Hashable {
    case header(HeaderSyntax)
    case exclusion(ExclusionSyntax)
    case clause(ClauseSyntax)

    package var span: Span {
        switch self {
        case .header(let h): h.span
        case .exclusion(let e): e.span
        case .clause(let c): c.span
        }
    }
}

/// `contract "NAME" { ... }`: the root of a file.
package struct ContractSyntax: Sendable, Hashable {
    package var name: StringLiteral
    package var items: [ContractItemSyntax]
    package var span: Span
}

/// What the parser hands to the checker: the tree (absent when the file has no `contract` at all),
/// the comments (for the formatter) and the syntax diagnostics.
package struct ParsedContract: Sendable {
    package var source: SourceFile
    package var syntax: ContractSyntax?
    package var comments: [Comment]
    package var diagnostics: [Diagnostic]
}
