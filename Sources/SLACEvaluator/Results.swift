import SLACExact

/// The verdict of one window (docs/language.md, "Window verdicts").
public enum WindowVerdict: String, Sendable, Hashable, Codable {
    case met, breached, insufficient
    /// A window of a `value` clause with a value (it is averaged, not judged).
    case valued
}

/// The verdict of a clause or of the contract (docs/language.md, "Verdicts").
public enum ClauseVerdict: String, Sendable, Hashable, Codable {
    case compliant, breached
    case noData = "no-data"
}

/// One `per` field value of a group; windows, periods and credits are keyed by these.
public struct GroupKeyPart: Sendable, Hashable, Codable {
    public var field: String
    /// nil when the record lacked the field (it then forms its own group).
    public var value: String?
    public init(field: String, value: String?) {
        self.field = field
        self.value = value
    }
}

/// An observed aggregate value, kept exact; `text` is how reports print it (docs/language.md, "What a report states").
public struct ObservedValue: Sendable, Hashable, Codable {
    /// Printed form: a percentile/min/max as the record's value (shortest round-trip decimal), a sum
    /// or count as an integer when integral, a ratio or mean with at least 12 significant digits.
    public var text: String
    /// Canonical unit: `ms`, `tokens`, `requests`, `tokens/s`, `ratio`, `J`.
    public var unit: String
    /// A double close to the value, for charts only (never for verdicts).
    public var approximate: Double
    /// For `share`: records where the condition held, and where it was true or false (the exact
    /// fraction behind `text`, so an auditor can recompute it).
    public var numerator: Int?
    public var denominator: Int?
    public init(text: String, unit: String, approximate: Double, numerator: Int? = nil, denominator: Int? = nil) {
        self.text = text
        self.unit = unit
        self.approximate = approximate
        self.numerator = numerator
        self.denominator = denominator
    }
}

/// A record cited as evidence for a breached window: its id and its value of the clause's metric.
public struct EvidenceRecord: Sendable, Hashable, Codable {
    public var id: String
    public var value: String
    public init(id: String, value: String) {
        self.id = id
        self.value = value
    }
}

/// One evaluated window of a clause.
public struct WindowResult: Sendable, Hashable, Codable {
    /// `[start, end)` in nanoseconds since the epoch.
    public var start: Int64
    public var end: Int64
    public var key: [GroupKeyPart]
    /// In-scope records in the window.
    public var count: Int
    /// nil when no value is defined (the window is then insufficient).
    public var observed: ObservedValue?
    public var verdict: WindowVerdict
    /// Up to five worst records, worst first (breached windows only).
    public var evidence: [EvidenceRecord]
}

/// Attainment, or another period measure, of one (period, group) pair.
public struct PeriodResult: Sendable, Hashable, Codable {
    public var start: Int64
    public var end: Int64
    public var key: [GroupKeyPart]
    public var met: Int
    public var breached: Int
    /// met / (met + breached), exact; nil when no window was judged. For a clause with a period
    /// measure (`measure` or `empty`), the measure, whatever its kind.
    public var attainment: Rational?
    public var attainmentText: String?
    /// Objective as a fraction in [0, 1] and its printed form.
    public var objectiveText: String
    public var verdict: ClauseVerdict
    /// Set when the clause has a period measure (docs/language.md, "Period measures"); nil for
    /// plain window attainment, whose report is unchanged.
    public var measure: PeriodMeasure?
    /// The group's usage charges in the period, rounded to the currency's minor unit, for a
    /// clause with credits of the charges.
    public var chargesText: String?
}

/// The measure of one (period, group) of a clause with `measure` or `empty`.
public struct PeriodMeasure: Sendable, Hashable, Codable {
    /// `attainment`, `mean` or `uptime`.
    public var kind: String
    /// Canonical unit of the measure (`ratio` for attainment and uptime).
    public var unit: String
    /// Intervals of the period's grid, those without a judged value or verdict, and those down
    /// (uptime only; 0 otherwise).
    public var intervals: Int
    public var empty: Int
    public var down: Int
    /// The grid's bounds when the term clips the period (nil when the grid is the whole period).
    public var gridStart: Int64?
    public var gridEnd: Int64?
    /// For uptime: the grid's time and the time down, in nanoseconds.
    public var gridNanoseconds: Int64?
    public var downNanoseconds: Int64?
    public init(kind: String, unit: String, intervals: Int, empty: Int, down: Int) {
        self.kind = kind
        self.unit = unit
        self.intervals = intervals
        self.empty = empty
        self.down = down
    }
}

/// Credit due for one period: of the fee (one per calendar month, `key` nil), or of one group's
/// charges (`key` set).
public struct CreditResult: Sendable, Hashable, Codable {
    public var start: Int64
    public var end: Int64
    /// Percent of the fee as written in the tier (e.g. `10`).
    public var percentText: String
    /// Amount in the currency's minor unit, rounded half-to-even (e.g. `12000.00`).
    public var amountText: String
    public var currency: String
    /// The group, for a credit of the charges.
    public var key: [GroupKeyPart]?
    /// The charges the percentage applies to, for a credit of the charges.
    public var chargesText: String?
    public init(start: Int64, end: Int64, percentText: String, amountText: String, currency: String,
                key: [GroupKeyPart]? = nil, chargesText: String? = nil) {
        self.start = start
        self.end = end
        self.percentText = percentText
        self.amountText = amountText
        self.currency = currency
        self.key = key
        self.chargesText = chargesText
    }
}

/// Everything evaluated for one clause.
public struct ClauseResult: Sendable, Hashable, Codable {
    public var ref: String
    public var name: String
    public var text: String
    public var requirement: String
    public var verdict: ClauseVerdict
    public var windowsMet: Int
    public var windowsBreached: Int
    public var windowsInsufficient: Int
    /// For a `value` clause: windows given a value (they are neither met nor breached).
    public var windowsValued: Int?
    /// For a clause with a period measure: how the objective compares the measure (`>=`).
    public var objectiveComparison: String?
    /// The currency of the charges, for a clause with credits of the charges.
    public var chargesCurrency: String?
    public var periods: [PeriodResult]
    public var credits: [CreditResult]
    /// Every window, sorted by start then group key; reports filter by `--windows`.
    public var windows: [WindowResult]
}

/// Record accounting of one trace input (docs/language.md, "Record accounting"): read = accepted + rejected + outsideTerm.
public struct TraceAccounting: Sendable, Hashable, Codable {
    public var path: String
    public var format: String
    public var sha256: String
    public var read: Int
    public var accepted: Int
    public var rejected: Int
    public var outsideTerm: Int
    /// Accepted records excluded by contract-level exclusions.
    public var excluded: Int
    /// The earliest and latest instants of the records outside the term, when there are any
    /// (nanoseconds since the epoch): what a trace wholly outside the term is told.
    public var outsideTermRange: ClosedRange<Int64>?
    /// For a compressed trace: the SHA-256 of the file as stored (`sha256` is of its content).
    public var fileSHA256: String?
    public init(path: String, format: String, sha256: String, read: Int = 0, accepted: Int = 0, rejected: Int = 0, outsideTerm: Int = 0, excluded: Int = 0) {
        self.path = path
        self.format = format
        self.sha256 = sha256
        self.read = read
        self.accepted = accepted
        self.rejected = rejected
        self.outsideTerm = outsideTerm
        self.excluded = excluded
    }
}

/// A rejected input line (docs/formats.md).
public struct RejectedRecord: Sendable, Hashable, Codable {
    public var path: String
    public var line: Int
    public var reason: String
    public init(path: String, line: Int, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }
}

/// Identity of the evaluated contract.
public struct ContractIdentity: Sendable, Hashable, Codable {
    public var name: String
    public var id: String?
    public var version: String?
    public var sha256: String
    public var timezone: String
    public var termStart: Int64
    public var termEnd: Int64
}

/// The evaluator's output, everything the reports print (docs/language.md, "What a report states").
public struct EvaluationResult: Sendable, Hashable, Codable {
    public var toolVersion: String
    public var contract: ContractIdentity
    public var traces: [TraceAccounting]
    public var clauses: [ClauseResult]
    /// The first 100 rejected records over all traces, in input order.
    public var rejected: [RejectedRecord]
    public var rejectedTotal: Int
    public var verdict: ClauseVerdict
}
