import SLACChecker
import SLACExact
import SLACMonitor
import SLACSyntax
import SLACTrace
import SLACFields

/// Three-valued truth (docs/language.md, "Conditions"): comparisons with an undefined metric or absent field are unknown.
enum Truth: Int8 {
    case falseValue = 0
    case trueValue = 1
    case unknown = 2

    static func and(_ a: Truth, _ b: Truth) -> Truth {
        if a == .falseValue || b == .falseValue { return .falseValue }
        if a == .unknown || b == .unknown { return .unknown }
        return .trueValue
    }
    static func or(_ a: Truth, _ b: Truth) -> Truth {
        if a == .trueValue || b == .trueValue { return .trueValue }
        if a == .unknown || b == .unknown { return .unknown }
        return .falseValue
    }
    static func not(_ a: Truth) -> Truth {
        switch a {
        case .trueValue: .falseValue
        case .falseValue: .trueValue
        case .unknown: .unknown
        }
    }
}

/// An exact bound turned into the two doubles that bracket it, so that a per-record comparison of
/// a binary64 value with the exact decimal bound is one floating-point comparison (docs/language.md, "Exactness").
struct DoubleBound: Sendable {
    let op: ComparisonOperator
    let lower: Double
    let upper: Double

    init(_ op: ComparisonOperator, _ bound: Rational) {
        self.op = op
        (lower, upper) = bound.doubleBracket
    }

    /// Exact: `x OP bound` for a finite x.
    @inline(__always)
    func holds(_ x: Double) -> Bool {
        switch op {
        case .less: x < upper
        case .lessEqual: x <= lower
        case .greater: x > lower
        case .greaterEqual: x >= upper
        case .equal: lower == upper && x == lower
        case .notEqual: !(lower == upper && x == lower)
        }
    }
}

/// Where each needed field sits in a `TraceRecord`.
///
/// Only integers, so that passing it per record needs no reference counting.
struct FieldSlots: Sendable {
    var ttft = -1, e2e = -1, input = -1, output = -1, energy = -1, itl = -1
    init(_ request: TraceFieldRequest) {
        for (i, f) in request.numericFields.enumerated() {
            switch f {
            case CanonicalField.ttftMs.name: ttft = i
            case CanonicalField.e2eMs.name: e2e = i
            case CanonicalField.inputTokens.name: input = i
            case CanonicalField.outputTokens.name: output = i
            case CanonicalField.energyJ.name: energy = i
            default: break
            }
        }
        for (i, f) in request.listFields.enumerated() where f == CanonicalField.itlMs.name { itl = i }
    }

    @inline(__always)
    private func number(_ slot: Int, _ r: TraceRecord) -> Double { slot >= 0 ? r.numbers[slot] : .nan }

    /// The value of a scalar metric, NaN when absent or undefined (docs/language.md, "Metrics" and "Exactness").
    @inline(__always)
    func value(_ metric: Metric, _ r: TraceRecord) -> Double {
        switch metric {
        case .ttft: return number(ttft, r)
        case .e2e: return number(e2e, r)
        case .inputTokens: return number(input, r)
        case .outputTokens: return number(output, r)
        case .totalTokens: return number(input, r) + number(output, r)
        case .energy: return number(energy, r)
        // A derived value beyond binary64's range (a divisor that underflows to 0, a quotient
        // that overflows) is undefined, as in the engines' SQL (docs/language.md, "Metrics").
        case .tpot:
            let o = number(output, r)
            guard o > 1 else { return .nan }
            return Self.finite((number(e2e, r) - number(ttft, r)) / (o - 1))
        case .decodeTPS:
            let o = number(output, r), e = number(e2e, r), t = number(ttft, r)
            guard o > 1, e > t else { return .nan }
            return Self.finite((o - 1) / ((e - t) / 1000))
        case .e2eTPS:
            let o = number(output, r), e = number(e2e, r)
            guard e > 0 else { return .nan }
            return Self.finite(o / (e / 1000))
        case .itl:
            return .nan
        }
    }

    @inline(__always)
    private static func finite(_ x: Double) -> Double { x.isFinite ? x : .nan }

    @inline(__always)
    func list(_ r: TraceRecord) -> [Double]? { itl >= 0 ? r.lists[itl] : nil }

    /// The slot of a text field of the request (compile time only).
    static func textSlot(_ field: String, _ request: TraceFieldRequest) -> Int {
        guard let s = request.textFields.firstIndex(of: field) else { preconditionFailure("plan field `\(field)` was not requested") }
        return s
    }
}

/// A predicate compiled against field slots and double brackets.
///
/// A text of the contract (`status = "ok"`), compared with a record's by bytes (`ExactText`) at
/// nearly the cost of `==`: for an ASCII text, a record's text with the same bytes is the one
/// Swift calls equal and as long (a non-ASCII character Swift equates with ASCII, such as the
/// Kelvin sign with `K`, is longer), so the byte loop is needed only for non-ASCII texts. The
/// byte loop on every comparison cost 7% of a one-job run of the benchmark contract, a raw-bits
/// check first 3% (nine alternating runs each, against `==`).
struct ContractText: Sendable {
    let text: String
    let isASCII: Bool

    init(_ text: String) {
        self.text = text
        isASCII = text.utf8.allSatisfy { $0 < 0x80 }
    }

    @inline(__always)
    func matches(_ other: String) -> Bool {
        guard text == other else { return false }
        return isASCII ? text.utf8.count == other.utf8.count : text.utf8.elementsEqual(other.utf8)
    }
}

/// Only the recursive cases are boxed; leaf conditions (`status = "ok"`) are stored inline.
enum CompiledPredicate: Sendable {
    indirect case and(CompiledPredicate, CompiledPredicate)
    indirect case or(CompiledPredicate, CompiledPredicate)
    indirect case not(CompiledPredicate)
    case metric(Metric, DoubleBound)
    case text(slot: Int, equal: Bool, value: ContractText)
    case textIn(slot: Int, values: [ContractText], negated: Bool)

    init(_ p: CheckedPredicate, _ request: TraceFieldRequest) {
        switch p {
        case .and(let a, let b): self = .and(CompiledPredicate(a, request), CompiledPredicate(b, request))
        case .or(let a, let b): self = .or(CompiledPredicate(a, request), CompiledPredicate(b, request))
        case .not(let a): self = .not(CompiledPredicate(a, request))
        case .metric(let m, let op, let bound): self = .metric(m, DoubleBound(op, bound))
        case .text(let f, let equal, let value): self = .text(slot: FieldSlots.textSlot(f, request), equal: equal, value: ContractText(value))
        case .textIn(let f, let values, let negated): self = .textIn(slot: FieldSlots.textSlot(f, request), values: values.map(ContractText.init), negated: negated)
        }
    }

    /// The predicate's truth for a record. Inlined, so that a leaf (a clause's scope is usually
    /// one, `status = "ok"`) costs no call per record and clause (perf, benchmark trace, one
    /// job: the call held 4% of the samples); `and`, `or` and `not` recurse through `combined`.
    @inline(always)
    func evaluate(_ r: TraceRecord, _ slots: FieldSlots) -> Truth {
        switch self {
        case .metric(let m, let bound):
            let v = slots.value(m, r)
            if v.isNaN { return .unknown }
            return bound.holds(v) ? .trueValue : .falseValue
        case .text(let slot, let equal, let value):
            guard let t = r.texts[slot] else { return .unknown }
            return value.matches(t) == equal ? .trueValue : .falseValue
        case .textIn(let slot, let values, let negated):
            guard let t = r.texts[slot] else { return .unknown }
            return values.contains(where: { $0.matches(t) }) != negated ? .trueValue : .falseValue
        case .and, .or, .not:
            return combined(r, slots)
        }
    }

    /// The truth of `and`, `or` and `not` (three-valued, docs/language.md).
    private func combined(_ r: TraceRecord, _ slots: FieldSlots) -> Truth {
        switch self {
        case .and(let a, let b):
            let x = a.evaluate(r, slots)
            if x == .falseValue { return .falseValue }
            return Truth.and(x, b.evaluate(r, slots))
        case .or(let a, let b):
            let x = a.evaluate(r, slots)
            if x == .trueValue { return .trueValue }
            return Truth.or(x, b.evaluate(r, slots))
        case .not(let a):
            return Truth.not(a.evaluate(r, slots))
        case .metric, .text, .textIn:
            return evaluate(r, slots)
        }
    }

    /// The first metric comparison inside, used to rank evidence of `share` windows.
    var firstMetricComparison: (Metric, ComparisonOperator)? {
        switch self {
        case .and(let a, let b), .or(let a, let b): a.firstMetricComparison ?? b.firstMetricComparison
        case .not(let a): a.firstMetricComparison.map { ($0.0, $0.1.negated) }
        case .metric(let m, let bound): (m, bound.op)
        case .text, .textIn: nil
        }
    }
}

extension ComparisonOperator {
    /// The operator of the negated comparison (`not (a < b)` is `a >= b`).
    var negated: ComparisonOperator {
        switch self {
        case .equal: .notEqual
        case .notEqual: .equal
        case .less: .greaterEqual
        case .lessEqual: .greater
        case .greater: .lessEqual
        case .greaterEqual: .less
        }
    }

    /// True when larger observed values are the bad ones (upper bounds).
    var largerIsWorse: Bool {
        switch self {
        case .less, .lessEqual, .equal, .notEqual: true
        case .greater, .greaterEqual: false
        }
    }
}

/// Compiled exclusions: maintenance intervals and request predicates.
struct CompiledExclusions: Sendable {
    let maintenance: [MaintenanceInterval]
    let requests: [CompiledPredicate]
    /// The exclusions in source order: a record is counted under the first that matches it.
    let order: [CheckedExclusions.Item]

    init(_ e: CheckedExclusions, _ request: TraceFieldRequest) {
        maintenance = e.maintenance
        requests = e.requests.map { CompiledPredicate($0, request) }
        order = e.sourceOrder
    }

    var isEmpty: Bool { maintenance.isEmpty && requests.isEmpty }

    @inline(__always)
    func excludes(_ r: TraceRecord, _ slots: FieldSlots) -> Bool {
        firstMatch(r, slots) >= 0
    }

    /// The index of the first exclusion in source order that removes the record, or -1: the
    /// exclusion it is counted under. Indices number the maintenance intervals first, then the
    /// request conditions (the order of the report's `<exclusion>` elements).
    @inline(__always)
    func firstMatch(_ r: TraceRecord, _ slots: FieldSlots) -> Int {
        for item in order {
            switch item {
            case .maintenance(let i):
                if r.timestamp >= maintenance[i].start && r.timestamp < maintenance[i].end { return i }
            case .requests(let i):
                if requests[i].evaluate(r, slots) == .trueValue { return maintenance.count + i }
            }
        }
        return -1
    }
}

/// Assigns instants to windows (docs/language.md, "Windows") and coverage cells, caching the last
/// window and cell because traces are nearly sorted: time-zone lookups (calendar windows) and
/// 64-bit divisions (fixed windows, cells) are slow.
struct WindowAssigner: Sendable {
    let window: CheckedWindow
    let zone: ZoneRules
    let termStart: Int64
    let termEnd: Int64
    private var cachedStart: Int64 = 1
    private var cachedEnd: Int64 = 0
    /// The last coverage cell (`cell(_:length:)`), empty at first.
    private var cellStart: Int64 = 1
    private var cellEnd: Int64 = 0

    init(window: CheckedWindow, zone: ZoneRules, termStart: Int64, termEnd: Int64) {
        self.window = window
        self.zone = zone
        self.termStart = termStart
        self.termEnd = termEnd
    }

    /// The start of the coverage cell of `length` nanoseconds holding `ts` (cells start at the
    /// epoch; one before it starts before it), cached like the windows.
    @inline(__always)
    mutating func cell(_ ts: Int64, length: Int64) -> Int64 {
        if ts >= cellStart && ts < cellEnd { return cellStart }
        cellStart = CivilTime.floorDiv(ts, length) &* length
        cellEnd = cellStart &+ length
        return cellStart
    }

    @inline(__always)
    mutating func assign(_ ts: Int64) -> (start: Int64, end: Int64) {
        switch window {
        case .fixed(let length):
            // The window of the record before, most of the time: a 64-bit division costs tens of
            // cycles (callgrind, benchmark trace: `floorDiv` 43 instructions a record, outlined).
            if ts >= cachedStart && ts < cachedEnd { return (cachedStart, cachedEnd) }
            let k = CivilTime.floorDiv(ts, length)
            cachedStart = k &* length
            cachedEnd = k &* length &+ length
            return (cachedStart, cachedEnd)
        case .term:
            return (termStart, termEnd)
        default:
            if ts >= cachedStart && ts < cachedEnd { return (cachedStart, cachedEnd) }
            let (s, e) = CalendarWindows.bounds(window, zone: zone, containing: ts)
            cachedStart = s
            cachedEnd = e
            return (s, e)
        }
    }
}

/// Calendar day, ISO week (Monday start) and month boundaries in a time zone.
package enum CalendarWindows {
    package static func bounds(_ window: CheckedWindow, zone: ZoneRules, containing ts: Int64) -> (Int64, Int64) {
        var b = bounds(window, zone: zone, day: zone.localDay(atNanos: ts))
        // Where clocks go back across midnight, an instant after a day's first instant can read
        // the date before (America/St_Johns, 2005-10-30: at 00:01 clocks went back to 23:01): it
        // belongs to the window that has begun, the one whose bounds contain it. (Found by a
        // review; the engines join the same bounds by range, so they agree.)
        // Each step must move the window, so that a zone's oddity can never make this spin.
        while ts >= b.1 {
            let next = bounds(window, zone: zone, day: zone.localDay(atNanos: b.1))
            guard next.1 > b.1 else { break }
            b = next
        }
        while ts < b.0 {
            let previous = bounds(window, zone: zone, day: zone.localDay(atNanos: b.0 - 1))
            guard previous.0 < b.0 else { break }
            b = previous
        }
        return b
    }

    /// The window of kind `window` containing the local date `day`.
    private static func bounds(_ window: CheckedWindow, zone: ZoneRules, day: Int) -> (Int64, Int64) {
        switch window {
        case .calendarDay:
            return (zone.startOfDay(day), zone.startOfDay(day + 1))
        case .calendarWeek:
            let weekday = ((day + 3) % 7 + 7) % 7  // 0 = Monday
            let monday = day - weekday
            return (zone.startOfDay(monday), zone.startOfDay(monday + 7))
        case .calendarQuarter:
            let (y, m, _) = CivilTime.civil(days: day)
            let first = (m - 1) / 3 * 3 + 1
            let start = CivilTime.days(year: y, month: first, day: 1)
            let next = first == 10 ? CivilTime.days(year: y + 1, month: 1, day: 1) : CivilTime.days(year: y, month: first + 3, day: 1)
            return (zone.startOfDay(start), zone.startOfDay(next))
        case .calendarYear:
            let (y, _, _) = CivilTime.civil(days: day)
            return (zone.startOfDay(CivilTime.days(year: y, month: 1, day: 1)), zone.startOfDay(CivilTime.days(year: y + 1, month: 1, day: 1)))
        default:
            let (y, m, _) = CivilTime.civil(days: day)
            return monthBounds(year: y, month: m, zone: zone)
        }
    }

    /// The calendar period (month, quarter, year) containing an instant; the term for `.term`.
    package static func period(_ period: CheckedObjective.Period, zone: ZoneRules, containing ts: Int64, term: (Int64, Int64)) -> (Int64, Int64) {
        switch period {
        case .term: return term
        case .calendarMonth: return bounds(.calendarMonth, zone: zone, containing: ts)
        case .calendarQuarter: return bounds(.calendarQuarter, zone: zone, containing: ts)
        case .calendarYear: return bounds(.calendarYear, zone: zone, containing: ts)
        }
    }

    static func monthBounds(year: Int, month: Int, zone: ZoneRules) -> (Int64, Int64) {
        let first = CivilTime.days(year: year, month: month, day: 1)
        let next = month == 12 ? CivilTime.days(year: year + 1, month: 1, day: 1) : CivilTime.days(year: year, month: month + 1, day: 1)
        return (zone.startOfDay(first), zone.startOfDay(next))
    }
}
