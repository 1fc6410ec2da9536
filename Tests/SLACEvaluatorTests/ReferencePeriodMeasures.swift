import Foundation
import SLACChecker
import SLACExact
import SLACSyntax

// The reference for period measures, usage charges and credits (docs/language.md, "Period measures" and "Credits"), written
// from the specification and not from Sources/SLACEvaluator. Deliberately naive: every period of
// the term and every interval of the clause's `every` across the whole term is enumerated
// explicitly (Foundation `Calendar` for calendar ones), each interval is looked up for each group,
// and every measure is an exact `Rational` computed from its definition.

/// A period measure of one (period, group) (docs/language.md, "Period measures").
struct RefMeasure: Equatable {
    var kind: String  // attainment | mean | uptime
    /// Grid intervals of the period; those without a value or verdict; those down (uptime only).
    var intervals: Int
    var empty: Int
    var down: Int
    /// Uptime only: the grid's time and the time down.
    var gridNanoseconds: Int64?
    var downNanoseconds: Int64?
    /// The period within the term, when the term clips the period at either end.
    var gridStart: Int64?
    var gridEnd: Int64?
}

/// An amount of money rounded to the currency's minor unit: `scaled` / 10^digits.
struct RefMoney: Equatable, CustomStringConvertible {
    var scaled: BigInt
    var digits: Int

    /// Rounds an exact non-negative amount half-to-even to `digits` decimals.
    init(rounding value: Rational, digits: Int) {
        precondition(value.signum >= 0, "money is never negative here")
        self.digits = digits
        let shifted = value * Rational(BigInt.powerOfTen(digits))
        let (whole, rest) = shifted.numerator.floorDivided(by: shifted.denominator)
        // rest / denominator is the fraction dropped: below, at or above one half.
        let twice = rest + rest
        if twice < shifted.denominator {
            scaled = whole
        } else if shifted.denominator < twice {
            scaled = whole + .one
        } else {
            let odd = !whole.floorDivided(by: BigInt(2)).remainder.isZero
            scaled = odd ? whole + .one : whole
        }
    }

    var value: Rational { Rational(scaled, BigInt.powerOfTen(digits)) }

    /// The amount with exactly `digits` decimals (`31.05`, `0.10`, `1234` for JPY).
    var description: String {
        var text = scaled.description
        guard digits > 0 else { return text }
        while text.count <= digits { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        return text
    }
}

extension ReferenceEvaluator {
    // MARK: calendar periods

    /// A Gregorian calendar in the contract's time zone.
    var zoneCalendar: Calendar {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = calendar.timeZone
        return cal
    }

    /// `months` consecutive calendar months (3: a quarter starting in January, April, July or
    /// October; 12: a year) containing the instant, found by stepping month by month.
    func calendarMonths(_ months: Int, containing ts: Int64) -> (Int64, Int64) {
        var start = calendarInterval(.month, containing: ts).0
        let month = zoneCalendar.component(.month, from: Date(timeIntervalSince1970: TimeInterval(start / 1_000_000_000)))
        for _ in 0..<((month - 1) % months) {
            start = calendarInterval(.month, containing: start - 1).0
        }
        var end = start
        for _ in 0..<months { end = calendarInterval(.month, containing: end).1 }
        return (start, end)
    }

    /// The objective period containing an instant; the term for `per term`.
    func periodBounds(_ p: CheckedObjective.Period, containing ts: Int64) -> (Int64, Int64) {
        switch p {
        case .term: return (contract.termStart, contract.termEnd)
        case .calendarMonth: return calendarInterval(.month, containing: ts)
        case .calendarQuarter: return calendarMonths(3, containing: ts)
        case .calendarYear: return calendarMonths(12, containing: ts)
        }
    }

    /// Every period that overlaps the term, in order.
    func termPeriods(_ p: CheckedObjective.Period) -> [(start: Int64, end: Int64)] {
        var out: [(start: Int64, end: Int64)] = []
        var at = contract.termStart
        while at < contract.termEnd {
            let (s, e) = periodBounds(p, containing: at)
            precondition(s <= at && at < e, "a period does not contain its instant")
            out.append((s, e))
            at = e
        }
        return out
    }

    /// Index of the period an interval or record starting at `ts` counts in: the one containing
    /// it, or the first when it lies before the first period.
    static func periodIndex(_ periods: [(start: Int64, end: Int64)], _ ts: Int64) -> Int {
        if ts < periods[0].start { return 0 }
        guard let i = periods.firstIndex(where: { ts >= $0.start && ts < $0.end }) else {
            fatalError("instant \(ts) after the last period")
        }
        return i
    }

    // MARK: the interval grid

    /// One interval of the clause's `every` that overlaps the term.
    struct TermInterval {
        var start: Int64
        var end: Int64
        /// The part inside the term and outside every maintenance interval that applies to the
        /// clause; 0 for an interval wholly removed (a gap in the grid).
        var time: Int64
        var period: Int
        /// The part of `time` inside maintenance `as uptime`: never down.
        var upTime: Int64 = 0
    }

    /// Maintenance intervals applying to the clause (contract level and its own) as a union of
    /// disjoint sorted intervals: those whose time leaves the grid, or (`asUptime`) those whose
    /// time counts as up.
    func maintenanceUnion(_ c: CheckedClause, asUptime: Bool = false) -> [(Int64, Int64)] {
        let all = (contract.exclusions.maintenance + c.exclusions.maintenance).filter { $0.asUptime == asUptime }
            .map { ($0.start, $0.end) }.sorted { $0.0 < $1.0 }
        var merged: [(Int64, Int64)] = []
        for m in all where m.0 < m.1 {
            if let last = merged.last, m.0 <= last.1 {
                merged[merged.count - 1].1 = max(last.1, m.1)
            } else {
                merged.append(m)
            }
        }
        return merged
    }

    /// Every interval of the clause's `every` from the one containing the term's start to the last
    /// one starting before the term's end, in time order, with its grid time and period.
    func termIntervals(_ c: CheckedClause, periods: [(start: Int64, end: Int64)]) -> [TermInterval] {
        let maintenance = maintenanceUnion(c)
        let up = maintenanceUnion(c, asUptime: true)
        var out: [TermInterval] = []
        var at = window(c.window, contract.termStart).0
        while at < contract.termEnd {
            let (s, e) = window(c.window, at)
            precondition(s == at && e > s, "windows do not tile the timeline")
            let lo = max(s, contract.termStart), hi = min(e, contract.termEnd)
            var time = hi - lo
            for (ms, me) in maintenance {
                let overlap = min(hi, me) - max(lo, ms)
                if overlap > 0 { time -= overlap }
            }
            precondition(time >= 0)
            // Time inside maintenance `as uptime` and outside the other maintenance.
            var upTime: Int64 = 0
            for (us, ue) in up {
                let a = max(lo, us), b = min(hi, ue)
                guard a < b else { continue }
                upTime += b - a
                for (ms, me) in maintenance {
                    let overlap = min(b, me) - max(a, ms)
                    if overlap > 0 { upTime -= overlap }
                }
            }
            out.append(TermInterval(start: s, end: e, time: time, period: Self.periodIndex(periods, s), upTime: upTime))
            at = e
        }
        return out
    }

    // MARK: measures

    /// What one interval of one group has: a value (`value` clause), a verdict, or nothing.
    enum IntervalState {
        case value(Rational)
        case met, breached
        case none
    }

    static func exact(_ o: RefObserved) -> Rational {
        switch o {
        case .double(let d): return RefExact.rational(d)
        case .exact(let q): return q
        }
    }

    func evaluateMeasure(_ c: CheckedClause, windows: [RefWindow], inScope: [RefRecord], admitted: [RefRecord]) -> RefClause {
        guard let measure = c.measure else { fatalError("not a measure clause") }
        let periods = termPeriods(c.objective.period)
        let intervals = termIntervals(c, periods: periods)

        // Groups, and the periods each exists in: those holding one of its in-scope records, and
        // those where one of its windows starts (a window straddling a period boundary).
        var exists: [[String?]: Set<Int>] = [:]
        for r in inScope {
            exists[c.groupBy.map { text($0, r) }, default: []].insert(Self.periodIndex(periods, r.ts))
        }
        var windowAt: [[String?]: [Int64: RefWindow]] = [:]
        for w in windows {
            exists[w.key, default: []].insert(Self.periodIndex(periods, w.start))
            windowAt[w.key, default: [:]][w.start] = w
        }

        var out: [RefPeriod] = []
        for (key, periodSet) in exists {
            let own = windowAt[key] ?? [:]
            // The state of every interval of the term for this group.
            var states: [IntervalState] = []
            states.reserveCapacity(intervals.count)
            var matched = 0
            for iv in intervals {
                guard let w = own[iv.start] else { states.append(.none); continue }
                precondition(iv.time > 0, "a window with records in a gap of the grid")
                precondition(w.end == iv.end, "a window is not an interval of the grid")
                matched += 1
                switch w.verdict {
                case "met": states.append(.met)
                case "breached": states.append(.breached)
                case "valued": states.append(.value(Self.exact(w.observed!)))
                default: states.append(.none)
                }
            }
            precondition(matched == own.count, "a window outside the term's intervals")
            // Down intervals (uptime): runs of breached intervals, an empty one counting as its
            // `empty` verdict, a gap ending a run; runs of at least N are down.
            var down = [Bool](repeating: false, count: intervals.count)
            if measure.kind == .uptime {
                func isBreached(_ i: Int) -> Bool {
                    // A gap, or wholly in maintenance counted as uptime: not breached, ends a run.
                    guard intervals[i].time > 0, intervals[i].upTime < intervals[i].time else { return false }
                    switch states[i] {
                    case .breached: return true
                    case .none: return measure.empty == .breached
                    default: return false
                    }
                }
                var runStart: Int?
                for i in 0...intervals.count {
                    if i < intervals.count && isBreached(i) {
                        if runStart == nil { runStart = i }
                        continue
                    }
                    if let s = runStart, i - s >= measure.downtimeAfter {
                        for j in s..<i { down[j] = true }
                    }
                    runStart = nil
                }
            }
            for p in periodSet.sorted() {
                let grid = intervals.indices.filter { intervals[$0].period == p && intervals[$0].time > 0 }
                var met = 0, breached = 0, empty = 0, valued = 0
                var sum = Rational(0)
                var gridTime: Int64 = 0, downTime: Int64 = 0, downCount = 0
                for i in grid {
                    switch states[i] {
                    case .met: met += 1
                    case .breached: breached += 1
                    case .value(let v): valued += 1; sum = sum + v
                    case .none: empty += 1
                    }
                    gridTime += intervals[i].time
                    if down[i] { downTime += intervals[i].time - intervals[i].upTime; downCount += 1 }
                }
                var value: Rational?
                switch measure.kind {
                case .mean:
                    if case .value(let e)? = measure.empty {
                        value = grid.isEmpty ? nil : (sum + e * Rational(empty)) / Rational(grid.count)
                    } else {
                        value = valued == 0 ? nil : sum / Rational(valued)
                    }
                case .attainment:
                    switch measure.empty {
                    case .met?: value = grid.isEmpty ? nil : Rational(met + empty, grid.count)
                    case .breached?: value = grid.isEmpty ? nil : Rational(met, grid.count)
                    default: value = met + breached == 0 ? nil : Rational(met, met + breached)
                    }
                case .uptime:
                    value = gridTime == 0 ? nil : Rational(BigInt(Int(gridTime - downTime)), BigInt(Int(gridTime)))
                }
                guard let value else { continue }  // an undefined measure is not reported
                let (ps, pe) = periods[p]
                // The grid's bounds (the period within the term) when the term clips the period.
                let clipped = contract.termStart > ps || contract.termEnd < pe
                let m = RefMeasure(kind: measure.kind.rawValue, intervals: grid.count, empty: empty,
                                   down: measure.kind == .uptime ? downCount : 0,
                                   gridNanoseconds: measure.kind == .uptime ? gridTime : nil,
                                   downNanoseconds: measure.kind == .uptime ? downTime : nil,
                                   gridStart: clipped ? max(ps, contract.termStart) : nil,
                                   gridEnd: clipped ? min(pe, contract.termEnd) : nil)
                let ok = RefExact.holds(value, c.objective.comparison, c.objective.bound)
                out.append(RefPeriod(start: ps, end: pe, key: key, met: met, breached: breached, attainment: value,
                                     verdict: ok ? "compliant" : "breached", measure: m))
            }
        }
        out.sort { a, b in a.start != b.start ? a.start < b.start : keyLess(a.key, b.key) }
        let verdict = out.isEmpty ? "no-data" : (out.contains { $0.verdict == "breached" } ? "breached" : "compliant")
        let credits = self.credits(c, periods: &out, admitted: admitted)
        return RefClause(windows: windows, periods: out, credits: credits, verdict: verdict)
    }

    // MARK: charges and credits

    /// The exact usage charges of one record: price × field value over the `price` lines; a
    /// record lacking a field adds nothing for it (`total_tokens` needs both counts). Of a
    /// field's prices, the first whose condition holds for the record applies (none may).
    func charges(of r: RefRecord) -> Rational {
        var total = Rational(0)
        var priced: [Metric] = []
        for price in contract.prices {
            if priced.contains(price.field) { continue }
            if let condition = price.condition, truth(condition, r) != true { continue }
            priced.append(price.field)
            let tokens: Rational?
            switch price.field {
            case .inputTokens: tokens = r.numbers["input_tokens"].map(RefExact.rational)
            case .outputTokens: tokens = r.numbers["output_tokens"].map(RefExact.rational)
            case .totalTokens:
                if let i = r.numbers["input_tokens"], let o = r.numbers["output_tokens"] {
                    tokens = RefExact.rational(i) + RefExact.rational(o)
                } else {
                    tokens = nil
                }
            default: fatalError("a price on \(price.field)")
            }
            if let tokens { total = total + tokens * price.perToken }
        }
        return total
    }

    /// The applicable tier with the worst bound: the lowest threshold of `<`/`<=` tiers, the
    /// highest of `>`/`>=` tiers.
    static func tier(_ tiers: [CheckedCredit], for measure: Rational) -> CheckedCredit? {
        let applicable = tiers.filter { RefExact.holds(measure, $0.comparison, $0.threshold) }
        guard let first = applicable.first else { return nil }
        let lower = first.comparison == .less || first.comparison == .lessEqual
        return applicable.min { lower ? $0.threshold < $1.threshold : $0.threshold > $1.threshold }
    }

    static func decimal(_ r: Rational) -> Decimal {
        Decimal(string: r.numerator.description)! / Decimal(string: r.denominator.description)!
    }

    /// Credits of the clause (docs/language.md, "Credits"); sets the billed charges of each period for credits of
    /// the charges.
    func credits(_ c: CheckedClause, periods: inout [RefPeriod], admitted: [RefRecord]) -> [RefCredit] {
        guard let base = c.credits.first?.base else { return [] }
        var credits: [RefCredit] = []
        switch base {
        case .fee:
            guard c.objective.period == .calendarMonth, let fee = contract.fee else { return [] }
            let lowerIsWorse = c.credits[0].comparison == .less || c.credits[0].comparison == .lessEqual
            for m in Set(periods.map(\.start)).sorted() {
                let measures = periods.filter { $0.start == m }.map(\.attainment)
                let worst = lowerIsWorse ? measures.min()! : measures.max()!
                guard let tier = Self.tier(c.credits, for: worst) else { continue }
                var raw = fee.amount * Self.decimal(tier.percent) / 100
                var rounded = Decimal()
                NSDecimalRound(&rounded, &raw, fee.minorUnitDigits, .bankers)
                credits.append(RefCredit(start: m, amount: rounded, percent: tier.percent))
            }
        case .charges:
            let digits = contract.prices.first?.minorUnitDigits ?? contract.fee?.minorUnitDigits ?? 2
            for i in periods.indices {
                let p = periods[i]
                // Accepted records in the period and the term, not removed by any exclusion
                // applying to the clause, of the group; scope and minimum do not apply.
                var exact = Rational(0)
                for r in admitted where r.ts >= p.start && r.ts < p.end && !excluded(c.exclusions, r) {
                    if c.groupBy.map({ text($0, r) }) == p.key { exact = exact + charges(of: r) }
                }
                let billed = RefMoney(rounding: exact, digits: digits)
                periods[i].charges = billed
                guard let tier = Self.tier(c.credits, for: p.attainment) else { continue }
                let amount = RefMoney(rounding: tier.percent / Rational(100) * billed.value, digits: digits)
                credits.append(RefCredit(start: p.start, amount: Decimal(string: amount.description)!, percent: tier.percent,
                                         end: p.end, key: p.key, charges: billed))
            }
        }
        return credits
    }
}
