import Foundation
import SLACExact
import SLACSyntax
import SLACFields

/// A metric (docs/language.md, "Metrics"): a value derived from one record, with a dimension.
package enum Metric: String, Sendable, Hashable, CaseIterable, Codable {
    case ttft, e2e
    case inputTokens = "input_tokens"
    case outputTokens = "output_tokens"
    case totalTokens = "total_tokens"
    case tpot
    case decodeTPS = "decode_tps"
    case e2eTPS = "e2e_tps"
    case itl
    case energy

    package var dimension: Dimension {
        switch self {
        case .ttft, .e2e, .tpot, .itl: .duration
        case .inputTokens, .outputTokens, .totalTokens: .tokens
        case .decodeTPS, .e2eTPS: .tokenRate
        case .energy: .energy
        }
    }

    /// `itl` is a list per record (the gaps between chunks); aggregates pool it.
    package var isList: Bool { self == .itl }

    /// The trace fields the metric is computed from (docs/language.md, "Metrics"): what a plan
    /// asks the reader for, and what a trace format must carry.
    package var traceFields: [CanonicalField] {
        switch self {
        case .ttft: [.ttftMs]
        case .e2e: [.e2eMs]
        case .inputTokens: [.inputTokens]
        case .outputTokens: [.outputTokens]
        case .totalTokens: [.inputTokens, .outputTokens]
        case .tpot, .decodeTPS: [.ttftMs, .e2eMs, .outputTokens]
        case .e2eTPS: [.e2eMs, .outputTokens]
        case .itl: [.itlMs]
        case .energy: [.energyJ]
        }
    }
}

/// The text fields every canonical record has; any other name used as a text field is a custom field.
package let canonicalTextFields: [String] = CanonicalField.textFields.map(\.name)

/// Text compared by its bytes (UTF-8), as the engines compare it, not as Swift compares strings:
/// Swift takes `"é"` written as one code point and as `e` with a combining accent for equal, so
/// natively `tenant = "é"` matched both spellings while DuckDB and Spark matched one, and two
/// states merged across jobs could join two groups one job kept apart (found by an audit).
/// docs/language.md, "Conditions": text is compared code point by code point.
package struct ExactText: Hashable, Sendable {
    package let text: String

    package init(text: String) { self.text = text }

    @inlinable package static func == (a: ExactText, b: ExactText) -> Bool { a.text.sameBytes(b.text) }

    @inlinable package func hash(into hasher: inout Hasher) {
        var copy = text
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension String {
    /// Whether the two hold the same bytes (see `ExactText`).
    // Off the per-record path (the evaluator's conditions use `ContractText`).
    @inlinable
    package func sameBytes(_ other: String) -> Bool {
        // Byte-equal strings are equal to Swift too, so `==` (which takes the same storage or
        // small string at once, and ASCII by memcmp) rejects first.
        self == other && utf8.elementsEqual(other.utf8)
    }
}

/// A checked condition over one record, with bounds in canonical units. Three-valued at evaluation
/// time (docs/language.md, "Conditions"): a comparison with an undefined metric or absent field is unknown.
package indirect enum CheckedPredicate: Sendable, Hashable {
    case and(CheckedPredicate, CheckedPredicate)
    case or(CheckedPredicate, CheckedPredicate)
    case not(CheckedPredicate)
    /// metric OP bound (bound in the metric's canonical unit).
    case metric(Metric, ComparisonOperator, Rational)
    /// field = value / field != value.
    case text(field: String, equal: Bool, value: String)
    /// field in [...] / field not in [...].
    case textIn(field: String, values: [String], negated: Bool)
}

/// A checked aggregate (docs/language.md, "Aggregates").
package enum CheckedAggregate: Sendable, Hashable {
    /// Nearest-rank percentile; `q` in (0, 100].
    case percentile(Metric, q: Rational)
    case mean(Metric)
    case min(Metric)
    case max(Metric)
    case sum(Metric)
    case count
    case share(CheckedPredicate)

    /// The dimension of the aggregate's value.
    package var dimension: Dimension {
        switch self {
        case .percentile(let m, _), .mean(let m), .min(let m), .max(let m), .sum(let m): m.dimension
        case .count: .requests
        case .share: .ratio
        }
    }

    /// The metric aggregated, if any (not for `count` and `share`).
    package var metric: Metric? {
        switch self {
        case .percentile(let m, _), .mean(let m), .min(let m), .max(let m), .sum(let m): m
        case .count, .share: nil
        }
    }
}

/// Window kinds (docs/language.md, "Windows").
package enum CheckedWindow: Sendable, Hashable, Codable {
    /// `[k·L, (k+1)·L)` on the epoch timeline, L in nanoseconds.
    case fixed(nanoseconds: Int64)
    case calendarDay, calendarWeek, calendarMonth, calendarQuarter, calendarYear
    /// One window spanning the whole term.
    case term
}

/// The objective of a clause: its measure per period must satisfy `comparison bound`.
///
/// For the short form `objective P% of windows` the measure is window attainment and the
/// comparison `>=`. The period is the measure's period (`measure … per calendar month`).
package struct CheckedObjective: Sendable, Hashable {
    package enum Period: String, Sendable, Hashable, Codable {
        case calendarMonth = "calendar-month", calendarQuarter = "calendar-quarter", calendarYear = "calendar-year", term
    }
    /// The bound in the measure's canonical unit: a fraction in [0, 1] for attainment and uptime.
    package var bound: Rational
    package var period: Period
    /// How the measure compares with the bound; `>=` for the short form.
    package var comparison: ComparisonOperator
    package init(bound: Rational, period: Period, comparison: ComparisonOperator = .greaterEqual) {
        self.bound = bound
        self.period = period
        self.comparison = comparison
    }
}

/// A credit tier: `percent` of the monthly fee (or of the group's charges) when the measure
/// compares with `threshold` as `comparison` says (`attainment < 99%` in the short form).
package struct CheckedCredit: Sendable, Hashable {
    package enum Base: String, Sendable, Hashable, Codable { case fee, charges }
    /// Percent of the fee or charges, in [0, 100].
    package var percent: Rational
    /// The measure's bound, in its canonical unit (a fraction in [0, 1] for attainment and uptime).
    package var threshold: Rational
    /// `<`, `<=`, `>` or `>=`: the tier applies when `measure comparison threshold`.
    package var comparison: ComparisonOperator
    package var base: Base
    /// Where the tier is written (an empty span in a plan read from JSON); ignored by equality,
    /// for the warnings that point at one tier.
    package var anchor: SourceAnchor
    package init(percent: Rational, threshold: Rational, comparison: ComparisonOperator = .less, base: Base = .fee,
                 anchor: SourceAnchor = SourceAnchor(span: Span(0, 0))) {
        self.percent = percent
        self.threshold = threshold
        self.comparison = comparison
        self.base = base
        self.anchor = anchor
    }

    /// Whether the tier applies to a measure.
    package func applies(to measure: Rational) -> Bool {
        switch comparison {
        case .less: measure < threshold
        case .lessEqual: measure <= threshold
        case .greater: measure > threshold
        case .greaterEqual: measure >= threshold
        case .equal, .notEqual: false
        }
    }

    /// True when a lower measure is the worse one (tiers written with `<` or `<=`).
    package var lowerIsWorse: Bool { comparison == .less || comparison == .lessEqual }
}

/// What an interval without a judged value or verdict counts as (`empty …`).
package enum CheckedEmpty: Sendable, Hashable {
    /// A value, in the value's canonical unit (for `measure mean`).
    case value(Rational)
    case met, breached
}

/// A period measure other than plain window attainment (docs/language.md, "Period measures").
package struct CheckedMeasure: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable, Codable { case attainment, mean, uptime }
    package var kind: Kind
    /// nil when the clause has no `empty` (uptime then counts such intervals as met).
    package var empty: CheckedEmpty?
    /// For uptime: only runs of at least this many consecutive breached intervals are down.
    package var downtimeAfter: Int
    package init(kind: Kind, empty: CheckedEmpty?, downtimeAfter: Int = 1) {
        self.kind = kind
        self.empty = empty
        self.downtimeAfter = downtimeAfter
    }
}

/// `price AMOUNT CUR per N FIELD [where CONDITION]`: usage charges per token of a token field.
package struct CheckedPrice: Sendable, Hashable, Codable {
    /// `input_tokens`, `output_tokens` or `total_tokens`.
    package var field: Metric
    /// The price of one token, exact (`0.60 USD per 1M` is 0.0000006).
    package var perToken: Rational
    /// As written, for reports and `explain`: `0.60 USD per 1M input_tokens`.
    package var text: String
    /// ISO 4217 code, and the digits of its minor unit (charges are rounded to it).
    package var currency: String
    package var minorUnitDigits: Int
    /// `where CONDITION`: the price applies to the records it holds for (a model's price); nil
    /// for every record. A record's tokens of a field take the first of its field's prices, in the
    /// contract's order, whose condition holds (docs/language.md, "price"). Not written in a plan
    /// when nil, so plans without conditions are unchanged.
    package var condition: CheckedPredicate?
    package init(field: Metric, perToken: Rational, text: String, currency: String, minorUnitDigits: Int, condition: CheckedPredicate? = nil) {
        self.field = field
        self.perToken = perToken
        self.text = text
        self.currency = currency
        self.minorUnitDigits = minorUnitDigits
        self.condition = condition
    }
}

/// A maintenance interval `[start, end)` in nanoseconds since the epoch.
package struct MaintenanceInterval: Sendable, Hashable, Codable {
    package var start: Int64
    package var end: Int64
    /// `as uptime`: its records are excluded, but its time stays in the grid of `uptime` and
    /// counts as up, as cloud SLAs count scheduled maintenance (docs/language.md, "Exclusions").
    /// Otherwise its time leaves the grid.
    package var asUptime: Bool

    package init(start: Int64, end: Int64, asUptime: Bool = false) {
        self.start = start
        self.end = end
        self.asUptime = asUptime
    }

    private enum CodingKeys: String, CodingKey { case start, end, asUptime }

    // `asUptime` is written only when set: a plan without it reads and prints as before.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        start = try c.decode(Int64.self, forKey: .start)
        end = try c.decode(Int64.self, forKey: .end)
        asUptime = try c.decodeIfPresent(Bool.self, forKey: .asUptime) ?? false
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        if asUptime { try c.encode(true, forKey: .asUptime) }
    }
}

/// Exclusions of a contract or clause (docs/language.md, "Exclusions and classification").
package struct CheckedExclusions: Sendable, Hashable, Codable {
    package var maintenance: [MaintenanceInterval] = []
    package var requests: [CheckedPredicate] = []
    /// For each request condition, how many maintenance intervals come before it in the source;
    /// nil when every interval comes before every condition (then the plan's JSON is as it was
    /// before this field existed). A record that several exclusions match is counted under the
    /// first in source order (docs/language.md, "Exclusions").
    package var maintenanceBefore: [Int]?
    package var isEmpty: Bool { maintenance.isEmpty && requests.isEmpty }

    /// One exclusion: maintenance interval `i` or request condition `i`.
    package enum Item: Sendable, Equatable {
        case maintenance(Int)
        case requests(Int)
    }

    /// The exclusions in source order.
    package var sourceOrder: [Item] {
        var items: [Item] = []
        var m = 0
        for r in requests.indices {
            let before = min(maintenance.count, maintenanceBefore?[r] ?? maintenance.count)
            while m < before { items.append(.maintenance(m)); m += 1 }
            items.append(.requests(r))
        }
        while m < maintenance.count { items.append(.maintenance(m)); m += 1 }
        return items
    }
}

/// Text kept for display only, ignored by equality (like `SourceAnchor`).
package struct WrittenText: Sendable, Hashable {
    package var text: String
    package static func == (lhs: WrittenText, rhs: WrittenText) -> Bool { true }
    package func hash(into hasher: inout Hasher) {}
}

/// Source spans kept for tools that point at the text, ignored by equality so that two contracts
/// that differ only in layout compare equal (what `slac fmt` must preserve).
package struct SourceAnchor: Sendable, Hashable {
    package var span: Span
    package static func == (lhs: SourceAnchor, rhs: SourceAnchor) -> Bool { true }
    package func hash(into hasher: inout Hasher) {}
}

/// A checked clause in canonical units.
package struct CheckedClause: Sendable, Hashable {
    package let ref: String
    package let name: String
    /// The legal wording; empty when the clause has none.
    package let text: String
    /// The requirement as written (`p99(ttft) <= 800 ms`), for reports.
    package var requirementText: String { writtenRequirement.text }
    /// Ignored by equality: its meaning is in `aggregate`, `comparison` and `bound`, and its
    /// spelling may change under `slac fmt`.
    let writtenRequirement: WrittenText
    package let scope: CheckedPredicate?
    package let window: CheckedWindow
    package let groupBy: [String]
    package let aggregate: CheckedAggregate
    package let comparison: ComparisonOperator
    /// The bound in the aggregate's canonical unit (a fraction for ratios).
    package let bound: Rational
    /// Windows with fewer in-scope records are insufficient.
    package let minimumRequests: Int
    package let objective: CheckedObjective
    /// Tiers with the worst bound first: by threshold ascending for `<` tiers, descending for
    /// `>` tiers.
    package let credits: [CheckedCredit]
    /// The period measure, when it is not plain window attainment (nil for the short forms, so
    /// that they keep their meaning and report bytes).
    package let measure: CheckedMeasure?
    /// True for a `value` clause: windows get a value, not a verdict, and `comparison`/`bound`
    /// are unused (`>=` 0).
    package let windowsAreValued: Bool
    package let exclusions: CheckedExclusions
    package let anchor: SourceAnchor
}

/// The monthly fee.
package struct Fee: Sendable, Hashable {
    package var amount: Decimal
    package var currency: String
    package var minorUnitDigits: Int
}

/// The checker's output: a contract whose names, units and types are valid, in canonical units.
///
/// Its initialiser is internal: only `Checker` constructs one, so an unchecked contract can never
/// reach the monitor compiler (README.md, "Architecture").
package struct CheckedContract: Sendable, Hashable {
    package let name: String
    package let id: String?
    package let version: String?
    package let provider: String?
    package let customer: String?
    /// Effective term `[start, end)` in nanoseconds since the epoch.
    package let termStart: Int64
    package let termEnd: Int64
    /// IANA time zone identifier.
    package let timezone: String
    package let fee: Fee?
    /// Usage prices (`price` lines), in the fee's currency.
    package let prices: [CheckedPrice]
    package let exclusions: CheckedExclusions
    package let clauses: [CheckedClause]
}

/// Conditions are equal when their texts hold the same bytes (`ExactText`): `slac diff` called a
/// scope on `"café"` written with a combining accent no change, and `slac check` warned that
/// `tenant = "café"` and `tenant != "café"` (the two spellings) contradict (found by an audit).
extension CheckedPredicate {
    package static func == (a: CheckedPredicate, b: CheckedPredicate) -> Bool {
        switch (a, b) {
        case (.and(let a1, let a2), .and(let b1, let b2)), (.or(let a1, let a2), .or(let b1, let b2)): return a1 == b1 && a2 == b2
        case (.not(let x), .not(let y)): return x == y
        case (.metric(let m1, let o1, let r1), .metric(let m2, let o2, let r2)): return m1 == m2 && o1 == o2 && r1 == r2
        case (.text(let f1, let e1, let v1), .text(let f2, let e2, let v2)): return f1 == f2 && e1 == e2 && v1.sameBytes(v2)
        case (.textIn(let f1, let v1, let n1), .textIn(let f2, let v2, let n2)):
            return f1 == f2 && n1 == n2 && v1.count == v2.count && zip(v1, v2).allSatisfy { $0.sameBytes($1) }
        default: return false
        }
    }

    package func hash(into hasher: inout Hasher) {
        switch self {
        case .and(let a, let b): hasher.combine(0); a.hash(into: &hasher); b.hash(into: &hasher)
        case .or(let a, let b): hasher.combine(1); a.hash(into: &hasher); b.hash(into: &hasher)
        case .not(let a): hasher.combine(2); a.hash(into: &hasher)
        case .metric(let m, let op, let bound): hasher.combine(3); hasher.combine(m); hasher.combine(op); hasher.combine(bound)
        case .text(let f, let equal, let value): hasher.combine(4); hasher.combine(f); hasher.combine(equal); hasher.combine(ExactText(text: value))
        case .textIn(let f, let values, let negated):
            hasher.combine(5); hasher.combine(f); hasher.combine(negated)
            for v in values { hasher.combine(ExactText(text: v)) }
        }
    }
}

