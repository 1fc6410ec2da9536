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
    /// The index of the trace the record came from (in the order the traces were given); reports
    /// name it when a run has several traces.
    public var trace: Int?
    public init(id: String, value: String, trace: Int? = nil) {
        self.id = id
        self.value = value
        self.trace = trace
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
    /// Coverage (docs/reports.md, "Coverage"): the time of the period, within the term, that held
    /// in-scope records of the group (counted in cells of the clause's window, or of an hour for
    /// longer windows), and the period's time within the term, in nanoseconds.
    public var coveredNanoseconds: Int64?
    public var periodNanoseconds: Int64?
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
    /// What the tier was chosen by: the measure (the worst group's, for a credit of the fee), the
    /// tier's comparison and threshold, and for a credit of the fee the fee as written in the
    /// currency's minor unit; so that the amount can be recomputed from the report alone.
    public var measureText: String?
    public var tierComparison: String?
    public var tierThresholdText: String?
    public var feeText: String?
    /// The group whose measure chose the tier of a credit of the fee.
    public var worstKey: [GroupKeyPart]?
    /// Coverage of the credit's period: time with in-scope records of any group, and the period's
    /// time within the term, in nanoseconds.
    public var coveredNanoseconds: Int64?
    public var periodNanoseconds: Int64?
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

/// Which observed values breach a requirement: higher ones for `<` and `<=`, lower ones for `>`
/// and `>=` (docs/reports.md, "Clause definition").
public enum WorseDirection: String, Sendable, Hashable, Codable {
    case higher, lower
}

/// What a clause's requirement means, taken from the plan: the reports order windows and draw
/// bounds with it and never re-read the written requirement.
public struct RequirementBound: Sendable, Hashable, Codable {
    /// `<=`, `<`, `>=`, `>`, `=` or `!=`.
    public var comparison: String
    /// The exact bound in `unit`: a decimal, or `n/d` when no decimal is exact.
    public var value: String
    /// Canonical unit of the observed value (`ms`, `tokens`, `ratio`, ...).
    public var unit: String
    /// Which observed values breach; nil when both sides do (`=`, `!=`) and for a `value` clause,
    /// whose windows are not judged.
    public var worse: WorseDirection?
    public init(comparison: String, value: String, unit: String, worse: WorseDirection?) {
        self.comparison = comparison
        self.value = value
        self.unit = unit
        self.worse = worse
    }
}

/// Everything evaluated for one clause.
public struct ClauseResult: Sendable, Hashable, Codable {
    public var ref: String
    public var name: String
    public var text: String
    /// The requirement as written (`p99(ttft) <= 800 ms`), for people.
    public var requirement: String
    /// The requirement's meaning, for tools.
    public var bound: RequirementBound
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
    /// How the clause is judged, in full (docs/reports.md, "Clause definition").
    public var definition: ClauseDefinition?
    /// Which records and which time the clause's verdict rests on.
    public var coverage: ClauseCoverage?
}

/// An exclusion of the contract or of a clause, and how many records it removed: records it
/// matched that no exclusion listed before it matched (so the counts add up to the excluded total).
public struct ExclusionResult: Sendable, Hashable, Codable {
    /// `maintenance` or `requests`.
    public var kind: String
    /// A maintenance interval `[start, end)`, nanoseconds since the epoch.
    public var start: Int64?
    public var end: Int64?
    /// A request predicate as contract text, bounds in canonical units.
    public var predicate: String?
    public var removed: Int
    public init(kind: String, start: Int64? = nil, end: Int64? = nil, predicate: String? = nil, removed: Int = 0) {
        self.kind = kind
        self.start = start
        self.end = end
        self.predicate = predicate
        self.removed = removed
    }
}

/// A credit tier as the clause states it: `percent` of the fee or of the charges when the
/// measure compares with `threshold` as `comparison` says.
public struct CreditTier: Sendable, Hashable, Codable {
    public var percent: String
    /// `fee` or `charges`.
    public var base: String
    public var comparison: String
    /// Exact, in the measure's unit (a fraction for attainment and uptime).
    public var threshold: String
    public init(percent: String, base: String, comparison: String, threshold: String) {
        self.percent = percent
        self.base = base
        self.comparison = comparison
        self.threshold = threshold
    }
}

/// Everything a clause's verdict and credits are computed from, as the contract states it, with
/// bounds in canonical units: what a reader needs to recompute them from the report alone.
public struct ClauseDefinition: Sendable, Hashable, Codable {
    /// The scope as contract text; nil when every record is in scope.
    public var scope: String?
    /// `5 minutes`, `calendar day`, `term`, ...
    public var window: String
    /// The window's length in seconds, for fixed windows.
    public var windowSeconds: String?
    /// The `per` fields.
    public var groupBy: [String]
    /// The requirement's aggregate (`p99(ttft)`); its comparison, bound and unit are the clause's
    /// `bound` (`ClauseResult.bound`).
    public var aggregate: String
    /// Windows with fewer in-scope records are insufficient.
    public var minimumRequests: Int
    /// The period measure (`attainment` for the short form), the objective's comparison and exact
    /// bound, and the period (`calendar-month`, ...).
    public var measure: String
    public var objectiveComparison: String
    public var objective: String
    public var period: String
    /// `empty` of a period measure (`met`, `breached` or a value), and `downtime after`.
    public var empty: String?
    public var downtimeAfter: Int?
    /// True for a `value` clause.
    public var valued: Bool
    public var tiers: [CreditTier]
    /// The clause's own exclusions (applied after the contract's), with their counts.
    public var exclusions: [ExclusionResult]
    /// What evidence values are: the metric and its canonical unit (nil when evidence has no value,
    /// e.g. `share(status = "ok")`), and for `share` the bound of the record condition.
    public var evidenceMetric: String?
    public var evidenceUnit: String?
    public var evidenceComparison: String?
    public var evidenceBound: String?
}

/// The records and time a clause's verdict rests on (docs/reports.md, "Coverage").
public struct ClauseCoverage: Sendable, Hashable, Codable {
    /// In-scope records (past the exclusions and the scope).
    public var records: Int
    /// The first and last instants of in-scope records (nil when there are none).
    public var firstRecord: Int64?
    public var lastRecord: Int64?
    /// Coverage is counted in cells of this many nanoseconds: the window for fixed windows of an
    /// hour or less, an hour otherwise.
    public var cellNanoseconds: Int64
    /// The time within the term in cells with in-scope records (any group).
    public var coveredNanoseconds: Int64
    /// Runs of consecutive cells with in-scope records, `[start, end)`, in time order.
    public var intervals: [CoveredInterval]
    public init(records: Int, firstRecord: Int64?, lastRecord: Int64?, cellNanoseconds: Int64, coveredNanoseconds: Int64,
                intervals: [CoveredInterval]) {
        self.records = records
        self.firstRecord = firstRecord
        self.lastRecord = lastRecord
        self.cellNanoseconds = cellNanoseconds
        self.coveredNanoseconds = coveredNanoseconds
        self.intervals = intervals
    }
}

/// A time interval `[start, end)` with data, nanoseconds since the epoch.
public struct CoveredInterval: Sendable, Hashable, Codable {
    public var start: Int64
    public var end: Int64
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }
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
    /// The earliest and latest instants of the accepted records (nil when none was accepted).
    public var firstRecord: Int64?
    public var lastRecord: Int64?
    /// With the repeated-id check: accepted records of this trace whose `id` was already seen in
    /// the run (earlier in this trace or in an earlier trace), and the first of those ids in
    /// UTF-8 order (at most `Evaluator.repeatedIDListLimit`). nil when the check was off.
    public var repeatedIDs: Int?
    public var repeatedIDExamples: [String] = []
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
    /// 1-based; 0 when the engine that read the trace cannot number its rows (then `id` locates it).
    public var line: Int
    public var reason: String
    /// The record's id, for rejected records without a line number (docs/engines.md).
    public var id: String?
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
    /// The monthly fee in the currency's minor unit (`120000.00`) and its currency.
    public var feeText: String?
    public var feeCurrency: String?
    /// The usage prices, as written and per token.
    public var prices: [PriceTerm] = []
}

/// A usage price (`price 0.60 USD per 1M input_tokens`).
public struct PriceTerm: Sendable, Hashable, Codable {
    public var field: String
    /// The price of one token, exact.
    public var perToken: String
    public var currency: String
    public var text: String
    public init(field: String, perToken: String, currency: String, text: String) {
        self.field = field
        self.perToken = perToken
        self.currency = currency
        self.text = text
    }
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
    /// The contract's exclusions with the records each removed (over all traces).
    public var exclusions: [ExclusionResult] = []
    /// Set when an engine (DuckDB, Spark) accumulated the windows from SQL that slac generated.
    public var engine: EngineProvenance?
}

/// Which engine accumulated a run's windows, and the digest of the SQL it ran (docs/engines.md).
public struct EngineProvenance: Sendable, Hashable, Codable {
    public var name: String
    public var sqlSHA256: String?
    public init(name: String, sqlSHA256: String?) {
        self.name = name
        self.sqlSHA256 = sqlSHA256
    }
}
