import SLACExact

/// The verdict of one window (docs/language.md, "Window verdicts").
package enum WindowVerdict: String, Sendable, Hashable, Codable {
    case met, breached, insufficient
    /// A window of a `value` clause with a value (it is averaged, not judged).
    case valued
}

/// The verdict of a clause or of the contract (docs/language.md, "Verdicts").
package enum ClauseVerdict: String, Sendable, Hashable, Codable {
    case compliant, breached
    case noData = "no-data"
}

/// One `per` field value of a group; windows, periods and credits are keyed by these.
package struct GroupKeyPart: Sendable, Hashable, Codable {
    package var field: String
    /// nil when the record lacked the field (it then forms its own group).
    package var value: String?
    package init(field: String, value: String?) {
        self.field = field
        self.value = value
    }
}

/// An observed aggregate value, kept exact; `text` is how reports print it (docs/language.md, "What a report states").
package struct ObservedValue: Sendable, Hashable, Codable {
    /// Printed form: a percentile/min/max as the record's value (shortest round-trip decimal), a sum
    /// or count as an integer when integral, a ratio or mean with at least 12 significant digits.
    package var text: String {
        get { storedText ?? NumberFormatting.shortest(approximate) }
        set { storedText = newValue }
    }
    /// The printed form, or nil when it is the shortest form of `approximate` (a record's value),
    /// made when read: a run judges every window but a report prints few of them, and formatting
    /// every percentile took 45% of finishing (callgrind, benchmark contract, 300,000 records).
    private var storedText: String?
    /// Canonical unit: `ms`, `tokens`, `requests`, `tokens/s`, `ratio`, `J`.
    package var unit: String
    /// A double close to the value, for charts only (never for verdicts).
    package var approximate: Double
    /// For `share`: records where the condition held, and where it was true or false (the exact
    /// fraction behind `text`, so an auditor can recompute it).
    package var numerator: Int?
    package var denominator: Int?
    package init(text: String, unit: String, approximate: Double, numerator: Int? = nil, denominator: Int? = nil) {
        self.storedText = text
        self.unit = unit
        self.approximate = approximate
        self.numerator = numerator
        self.denominator = denominator
    }

    /// A record's value printed as its shortest round-trip decimal, formatted when first read.
    package init(shortestOf value: Double, unit: String) {
        self.storedText = nil
        self.unit = unit
        self.approximate = value
    }

    private enum CodingKeys: String, CodingKey { case text, unit, approximate, numerator, denominator }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        storedText = try c.decode(String.self, forKey: .text)
        unit = try c.decode(String.self, forKey: .unit)
        approximate = try c.decode(Double.self, forKey: .approximate)
        numerator = try c.decodeIfPresent(Int.self, forKey: .numerator)
        denominator = try c.decodeIfPresent(Int.self, forKey: .denominator)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encode(unit, forKey: .unit)
        try c.encode(approximate, forKey: .approximate)
        try c.encodeIfPresent(numerator, forKey: .numerator)
        try c.encodeIfPresent(denominator, forKey: .denominator)
    }

    // Equal when printed the same, however the text was made (otherwise as the memberwise ==).
    package static func == (a: ObservedValue, b: ObservedValue) -> Bool {
        a.text == b.text && a.unit == b.unit && a.approximate == b.approximate
            && a.numerator == b.numerator && a.denominator == b.denominator
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(unit)
        hasher.combine(approximate)
        hasher.combine(numerator)
        hasher.combine(denominator)
    }
}

/// A record cited as evidence for a breached window: its id and its value of the clause's metric.
package struct EvidenceRecord: Sendable, Hashable, Codable {
    package var id: String
    package var value: String
    /// The index of the trace the record came from (in the order the traces were given); reports
    /// name it when a run has several traces.
    package var trace: Int?
    package init(id: String, value: String, trace: Int? = nil) {
        self.id = id
        self.value = value
        self.trace = trace
    }
}

/// One evaluated window of a clause.
package struct WindowResult: Sendable, Hashable, Codable {
    /// `[start, end)` in nanoseconds since the epoch.
    package var start: Int64
    package var end: Int64
    package var key: [GroupKeyPart]
    /// In-scope records in the window.
    package var count: Int
    /// nil when no value is defined (the window is then insufficient).
    package var observed: ObservedValue?
    package var verdict: WindowVerdict
    /// Up to five worst records, worst first (breached windows only).
    package var evidence: [EvidenceRecord]
}

/// Attainment, or another period measure, of one (period, group) pair.
package struct PeriodResult: Sendable, Hashable, Codable {
    package var start: Int64
    package var end: Int64
    package var key: [GroupKeyPart]
    package var met: Int
    package var breached: Int
    /// met / (met + breached), exact; nil when no window was judged. For a clause with a period
    /// measure (`measure` or `empty`), the measure, whatever its kind.
    package var attainment: Rational?
    package var attainmentText: String?
    /// Objective as a fraction in [0, 1] and its printed form.
    package var objectiveText: String
    package var verdict: ClauseVerdict
    /// Set when the clause has a period measure (docs/language.md, "Period measures"); nil for
    /// plain window attainment, whose report is unchanged.
    package var measure: PeriodMeasure?
    /// The group's usage charges in the period, rounded to the currency's minor unit, for a
    /// clause with credits of the charges.
    package var chargesText: String?
    /// What the charges are made of: the tokens billed at each price (those with any), so that a
    /// reader can recompute `chargesText` from the report (docs/reports.md, "Charges").
    package var billed: [BilledTokens]?
    /// Coverage (docs/reports.md, "Coverage"): the time of the period, within the term, that held
    /// in-scope records of the group (counted in cells of the clause's window, or of an hour for
    /// longer windows), and the period's time within the term, in nanoseconds.
    package var coveredNanoseconds: Int64?
    package var periodNanoseconds: Int64?
}

/// The measure of one (period, group) of a clause with `measure` or `empty`.
package struct PeriodMeasure: Sendable, Hashable, Codable {
    /// `attainment`, `mean` or `uptime`.
    package var kind: String
    /// Canonical unit of the measure (`ratio` for attainment and uptime).
    package var unit: String
    /// Intervals of the period's grid, those without a judged value or verdict, and those down
    /// (uptime only; 0 otherwise).
    package var intervals: Int
    package var empty: Int
    package var down: Int
    /// The grid's bounds when the term clips the period (nil when the grid is the whole period).
    package var gridStart: Int64?
    package var gridEnd: Int64?
    /// For uptime: the grid's time and the time down, in nanoseconds.
    package var gridNanoseconds: Int64?
    package var downNanoseconds: Int64?
    package init(kind: String, unit: String, intervals: Int, empty: Int, down: Int) {
        self.kind = kind
        self.unit = unit
        self.intervals = intervals
        self.empty = empty
        self.down = down
    }
}

/// Credit due for one period: of the fee (one per calendar month, `key` nil), or of one group's
/// charges (`key` set).
package struct CreditResult: Sendable, Hashable, Codable {
    package var start: Int64
    package var end: Int64
    /// Percent of the fee as written in the tier (e.g. `10`).
    package var percentText: String
    /// Amount in the currency's minor unit, rounded half-to-even (e.g. `12000.00`).
    package var amountText: String
    package var currency: String
    /// The group, for a credit of the charges.
    package var key: [GroupKeyPart]?
    /// The charges the percentage applies to, for a credit of the charges.
    package var chargesText: String?
    /// What the tier was chosen by: the measure (the worst group's, for a credit of the fee), the
    /// tier's comparison and threshold, and for a credit of the fee the fee as written in the
    /// currency's minor unit; so that the amount can be recomputed from the report alone.
    package var measureText: String?
    package var tierComparison: String?
    package var tierThresholdText: String?
    package var feeText: String?
    /// The group whose measure chose the tier of a credit of the fee.
    package var worstKey: [GroupKeyPart]?
    /// Coverage of the credit's period: time with in-scope records of any group, and the period's
    /// time within the term, in nanoseconds.
    package var coveredNanoseconds: Int64?
    package var periodNanoseconds: Int64?
    package init(start: Int64, end: Int64, percentText: String, amountText: String, currency: String,
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
package enum WorseDirection: String, Sendable, Hashable, Codable {
    case higher, lower
}

/// What a clause's requirement means, taken from the plan: the reports order windows and draw
/// bounds with it and never re-read the written requirement.
package struct RequirementBound: Sendable, Hashable, Codable {
    /// `<=`, `<`, `>=`, `>`, `=` or `!=`.
    package var comparison: String
    /// The exact bound in `unit`: a decimal, or `n/d` when no decimal is exact.
    package var value: String
    /// Canonical unit of the observed value (`ms`, `tokens`, `ratio`, ...).
    package var unit: String
    /// Which observed values breach; nil when both sides do (`=`, `!=`) and for a `value` clause,
    /// whose windows are not judged.
    package var worse: WorseDirection?
    package init(comparison: String, value: String, unit: String, worse: WorseDirection?) {
        self.comparison = comparison
        self.value = value
        self.unit = unit
        self.worse = worse
    }
}

/// Everything evaluated for one clause.
package struct ClauseResult: Sendable, Hashable, Codable {
    package var ref: String
    package var name: String
    package var text: String
    /// The requirement as written (`p99(ttft) <= 800 ms`), for people.
    package var requirement: String
    /// The requirement's meaning, for tools.
    package var bound: RequirementBound
    package var verdict: ClauseVerdict
    package var windowsMet: Int
    package var windowsBreached: Int
    package var windowsInsufficient: Int
    /// For a `value` clause: windows given a value (they are neither met nor breached).
    package var windowsValued: Int?
    /// For a clause with a period measure: how the objective compares the measure (`>=`).
    package var objectiveComparison: String?
    /// The currency of the charges, for a clause with credits of the charges.
    package var chargesCurrency: String?
    package var periods: [PeriodResult]
    package var credits: [CreditResult]
    /// Every window, sorted by start then group key; reports filter by `--windows`.
    package var windows: [WindowResult]
    /// How the clause is judged, in full (docs/reports.md, "Clause definition").
    package var definition: ClauseDefinition?
    /// Which records and which time the clause's verdict rests on.
    package var coverage: ClauseCoverage?
}

/// An exclusion of the contract or of a clause, and how many records it removed: records it
/// matched that no exclusion listed before it matched (so the counts add up to the excluded total).
package struct ExclusionResult: Sendable, Hashable, Codable {
    /// `maintenance` or `requests`.
    package var kind: String
    /// A maintenance interval `[start, end)`, nanoseconds since the epoch.
    package var start: Int64?
    package var end: Int64?
    /// A request predicate as contract text, bounds in canonical units.
    package var predicate: String?
    package var removed: Int
    /// True for maintenance `as uptime` (its time counts as up); nil otherwise.
    package var asUptime: Bool?
    package init(kind: String, start: Int64? = nil, end: Int64? = nil, predicate: String? = nil, removed: Int = 0, asUptime: Bool? = nil) {
        self.kind = kind
        self.start = start
        self.end = end
        self.predicate = predicate
        self.removed = removed
        self.asUptime = asUptime
    }
}

/// A credit tier as the clause states it: `percent` of the fee or of the charges when the
/// measure compares with `threshold` as `comparison` says.
package struct CreditTier: Sendable, Hashable, Codable {
    package var percent: String
    /// `fee` or `charges`.
    package var base: String
    package var comparison: String
    /// Exact, in the measure's unit (a fraction for attainment and uptime).
    package var threshold: String
    package init(percent: String, base: String, comparison: String, threshold: String) {
        self.percent = percent
        self.base = base
        self.comparison = comparison
        self.threshold = threshold
    }
}

/// Everything a clause's verdict and credits are computed from, as the contract states it, with
/// bounds in canonical units: what a reader needs to recompute them from the report alone.
package struct ClauseDefinition: Sendable, Hashable, Codable {
    /// The scope as contract text; nil when every record is in scope.
    package var scope: String?
    /// `5 minutes`, `calendar day`, `term`, ...
    package var window: String
    /// The window's length in seconds, for fixed windows.
    package var windowSeconds: String?
    /// The `per` fields.
    package var groupBy: [String]
    /// The requirement's aggregate (`p99(ttft)`); its comparison, bound and unit are the clause's
    /// `bound` (`ClauseResult.bound`).
    package var aggregate: String
    /// Windows with fewer in-scope records are insufficient.
    package var minimumRequests: Int
    /// The period measure (`attainment` for the short form), the objective's comparison and exact
    /// bound, and the period (`calendar-month`, ...).
    package var measure: String
    package var objectiveComparison: String
    package var objective: String
    package var period: String
    /// `empty` of a period measure (`met`, `breached` or a value), and `downtime after`.
    package var empty: String?
    package var downtimeAfter: Int?
    /// True for a `value` clause.
    package var valued: Bool
    package var tiers: [CreditTier]
    /// The clause's own exclusions (applied after the contract's), with their counts.
    package var exclusions: [ExclusionResult]
    /// What evidence values are: the metric and its canonical unit (nil when evidence has no value,
    /// e.g. `share(status = "ok")`), and for `share` the bound of the record condition.
    package var evidenceMetric: String?
    package var evidenceUnit: String?
    package var evidenceComparison: String?
    package var evidenceBound: String?
}

/// The records and time a clause's verdict rests on (docs/reports.md, "Coverage").
package struct ClauseCoverage: Sendable, Hashable, Codable {
    /// In-scope records (past the exclusions and the scope).
    package var records: Int
    /// The first and last instants of in-scope records (nil when there are none).
    package var firstRecord: Int64?
    package var lastRecord: Int64?
    /// Coverage is counted in cells of this many nanoseconds: the window for fixed windows of an
    /// hour or less, an hour otherwise.
    package var cellNanoseconds: Int64
    /// The time within the term in cells with in-scope records (any group).
    package var coveredNanoseconds: Int64
    /// Runs of consecutive cells with in-scope records, `[start, end)`, in time order.
    package var intervals: [CoveredInterval]
    package init(records: Int, firstRecord: Int64?, lastRecord: Int64?, cellNanoseconds: Int64, coveredNanoseconds: Int64,
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
package struct CoveredInterval: Sendable, Hashable, Codable {
    package var start: Int64
    package var end: Int64
    package init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }
}

/// Record accounting of one trace input (docs/language.md, "Record accounting"): read = accepted + rejected + outsideTerm.
package struct TraceAccounting: Sendable, Hashable, Codable {
    package var path: String
    package var format: String
    package var sha256: String
    package var read: Int
    package var accepted: Int
    package var rejected: Int
    package var outsideTerm: Int
    /// Accepted records excluded by contract-level exclusions.
    package var excluded: Int
    /// The earliest and latest instants of the records outside the term, when there are any
    /// (nanoseconds since the epoch): what a trace wholly outside the term is told.
    package var outsideTermRange: ClosedRange<Int64>?
    /// For a compressed trace: the SHA-256 of the file as stored (`sha256` is of its content).
    package var fileSHA256: String?
    /// For a trace whose timestamps count from its start (Mooncake): the `--epoch` they were
    /// placed from (nanoseconds since the epoch), so that the report can be recomputed.
    package var epoch: Int64?
    /// The earliest and latest instants of the accepted records (nil when none was accepted).
    package var firstRecord: Int64?
    package var lastRecord: Int64?
    /// With the repeated-id check: accepted records of this trace whose `id` was already seen in
    /// the run (earlier in this trace or in an earlier trace), and the first of those ids in
    /// UTF-8 order (at most `Evaluator.repeatedIDListLimit`). nil when the check was off.
    package var repeatedIDs: Int?
    package var repeatedIDExamples: [String] = []
    package init(path: String, format: String, sha256: String, read: Int = 0, accepted: Int = 0, rejected: Int = 0, outsideTerm: Int = 0, excluded: Int = 0) {
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
package struct RejectedRecord: Sendable, Hashable, Codable {
    package var path: String
    /// 1-based; 0 when the engine that read the trace cannot number its rows (then `id` locates it).
    package var line: Int
    package var reason: String
    /// The record's id, for rejected records without a line number (docs/engines.md).
    package var id: String?
    package init(path: String, line: Int, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }
}

/// Identity of the evaluated contract.
package struct ContractIdentity: Sendable, Hashable, Codable {
    package var name: String
    package var id: String?
    package var version: String?
    package var sha256: String
    package var timezone: String
    package var termStart: Int64
    package var termEnd: Int64
    /// The monthly fee in the currency's minor unit (`120000.00`) and its currency.
    package var feeText: String?
    package var feeCurrency: String?
    /// The usage prices, as written and per token.
    package var prices: [PriceTerm] = []
    /// The SHA-256 of the monitor plan the run was judged from (`slac verify --plan`); nil when
    /// it was judged from the contract itself. A plan states the contract's name and digest
    /// itself, and an edited plan keeps stating them: the report says a plan was used.
    package var planSHA256: String? = nil
}

/// A usage price (`price 0.60 USD per 1M input_tokens`).
package struct PriceTerm: Sendable, Hashable, Codable {
    package var field: String
    /// The price of one token, exact.
    package var perToken: String
    package var currency: String
    package var text: String
    /// The price's condition as contract text with bounds in canonical units (as an exclusion's
    /// `where`); nil for a price of every record.
    package var condition: String?
    package init(field: String, perToken: String, currency: String, text: String, condition: String? = nil) {
        self.field = field
        self.perToken = perToken
        self.currency = currency
        self.text = text
        self.condition = condition
    }
}

/// The tokens billed at one price in a (period, group).
package struct BilledTokens: Sendable, Hashable, Codable {
    /// The price's position in the contract's list of prices (1-based, as the report lists them).
    package var price: Int
    /// The priced token field.
    package var field: String
    /// The exact sum of the field over the records billed at this price.
    package var tokensText: String
    package init(price: Int, field: String, tokensText: String) {
        self.price = price
        self.field = field
        self.tokensText = tokensText
    }
}

/// The evaluator's output, everything the reports print (docs/language.md, "What a report states").
package struct EvaluationResult: Sendable, Hashable, Codable {
    package var toolVersion: String
    package var contract: ContractIdentity
    package var traces: [TraceAccounting]
    package var clauses: [ClauseResult]
    /// The first 100 rejected records over all traces, in input order.
    package var rejected: [RejectedRecord]
    package var rejectedTotal: Int
    package var verdict: ClauseVerdict
    /// The contract's exclusions with the records each removed (over all traces).
    package var exclusions: [ExclusionResult] = []
    /// Set when an engine (DuckDB, Spark) accumulated the windows from SQL that slac generated.
    package var engine: EngineProvenance?
}

/// Which engine accumulated a run's windows, and the digest of the SQL it ran (docs/engines.md).
package struct EngineProvenance: Sendable, Hashable, Codable {
    package var name: String
    package var sqlSHA256: String?
    package init(name: String, sqlSHA256: String?) {
        self.name = name
        self.sqlSHA256 = sqlSHA256
    }
}
