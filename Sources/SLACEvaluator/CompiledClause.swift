import Dispatch
import Foundation
import SLACChecker
import SLACExact
import SLACMonitor
import SLACSyntax
import SLACTrace

/// One clause of a plan compiled for evaluation: filter, window assigner, group key, aggregator
/// and verdict rule (docs/language.md, "Exclusions and classification" to "Credits").
final class CompiledClause: Sendable {
    let plan: PlanClause
    let exclusions: CompiledExclusions
    let scope: CompiledPredicate?
    let assigner: WindowAssigner
    let groupSlots: [Int]
    let sharePredicate: CompiledPredicate?
    /// For `share(P)`: whether the records that breach are those where P is true (the share must
    /// stay low, `share(P) <= 1%`) rather than those where it is false (`share(P) >= 99%`).
    let shareEvidenceWhenTrue: Bool
    /// Metric ranked for evidence, and whether larger values are worse.
    let evidenceMetric: Metric?
    let largerIsWorse: Bool
    let idSlot: Int
    let zone: ZoneRules
    let termStart: Int64
    let termEnd: Int64
    let fee: Rational?
    let feeCurrency: String?
    let feeMinorDigits: Int
    /// The period measure, when not plain window attainment.
    let measure: CheckedMeasure?
    /// True for a `value` clause.
    let valued: Bool
    /// Prices read for credits of the charges (empty otherwise: billing costs nothing then).
    let prices: [CheckedPrice]
    /// Each price's condition, compiled (nil: the price holds for every record).
    let priceConditions: [CompiledPredicate?]
    /// Whether any price has a condition (else every price applies to every record).
    let pricesHaveConditions: Bool
    let periodKind: CheckedObjective.Period
    /// Maintenance that applies to the clause (the contract's and its own): the grid leaves it out.
    let maintenance: [MaintenanceInterval]
    /// What a record adds to its window, derived from the aggregate once so that the per-record
    /// switch is on a plain enum rather than on the plan's aggregate with its payloads.
    enum Accumulation { case count, share, values, sum, minimum, maximum }
    let accumulation: Accumulation
    /// The aggregated metric (`ttft` as a placeholder for `count` and `share`).
    let metric: Metric
    /// The bound as a double bracket: exact comparisons of double observations without big numbers.
    let doubleBound: DoubleBound
    /// The bound's nearest double, computed once: per window it took 30,000 instructions, a quarter
    /// of a 300,000-record run's (callgrind).
    let boundApproximate: Double
    /// The percentile q as an integer fraction (for the nearest rank), when it fits.
    let percentileFraction: (numerator: Int, denominator: Int)?
    /// Coverage cells (docs/reports.md, "Coverage"): the window when it is fixed and at most an
    /// hour long (the windows are then the cells), else an hour.
    let cellLength: Int64
    /// Whether in-scope records note their cell (windows longer than a cell).
    let tracksCells: Bool
    /// For `share`: the record condition evidence values are judged by (metric, comparison, bound).
    let evidenceCondition: (ComparisonOperator, Rational)?
    static let hour: Int64 = 3_600_000_000_000
    /// The bound as an integer fraction p/q (q > 0) when both fit in 31 bits, so that a share
    /// n/d compares as n·q against p·d without big numbers.
    var smallBound: (numerator: Int, denominator: Int)? {
        guard let p = plan.bound.numerator.intValue, let q = plan.bound.denominator.intValue, q > 0,
              p.magnitude < 1 << 31, q < 1 << 31 else { return nil }
        return (p, q)
    }

    init(_ c: PlanClause, request: TraceFieldRequest, zone: ZoneRules, plan: MonitorPlan, fee: Rational?) {
        self.plan = c
        exclusions = CompiledExclusions(c.exclusions, request)
        scope = c.scope.map { CompiledPredicate($0, request) }
        assigner = WindowAssigner(window: c.window, zone: zone, termStart: plan.contract.termStart, termEnd: plan.contract.termEnd)
        groupSlots = c.groupBy.map { FieldSlots.textSlot($0, request) }
        idSlot = FieldSlots.textSlot("id", request)
        self.zone = zone
        termStart = plan.contract.termStart
        termEnd = plan.contract.termEnd
        self.fee = fee
        feeCurrency = plan.contract.feeCurrency
        feeMinorDigits = plan.contract.feeMinorUnitDigits ?? 2
        measure = c.measure
        valued = c.valued ?? false
        prices = c.credits.contains { $0.base == .charges } ? (plan.contract.prices ?? []) : []
        priceConditions = prices.map { $0.condition.map { CompiledPredicate($0, request) } }
        pricesHaveConditions = priceConditions.contains { $0 != nil }
        periodKind = c.objective.period
        maintenance = plan.exclusions.maintenance + c.exclusions.maintenance
        doubleBound = DoubleBound(c.comparison, c.bound)
        boundApproximate = c.bound.approximateDouble
        switch c.aggregate {
        case .count: accumulation = .count
        case .share: accumulation = .share
        case .percentile: accumulation = .values
        case .mean, .sum: accumulation = .sum
        case .min: accumulation = .minimum
        case .max: accumulation = .maximum
        }
        metric = c.aggregate.metric ?? .ttft
        if case .percentile(_, let q) = c.aggregate, let n = q.numerator.intValue, let d = q.denominator.intValue,
           n < 1 << 20, d < 1 << 20 {
            percentileFraction = (n, d)
        } else {
            percentileFraction = nil
        }
        if case .fixed(let length) = c.window, length <= CompiledClause.hour {
            cellLength = length
            tracksCells = false
        } else {
            cellLength = CompiledClause.hour
            tracksCells = true
        }
        if case .share(let p) = c.aggregate, let (_, op, bound) = CompiledClause.firstMetricCondition(p) {
            evidenceCondition = (op, bound)
        } else {
            evidenceCondition = nil
        }
        if case .share(let p) = c.aggregate { sharePredicate = CompiledPredicate(p, request) } else { sharePredicate = nil }
        let rule = EvidenceRule(c)
        shareEvidenceWhenTrue = rule.shareEvidenceWhenTrue
        evidenceMetric = rule.metric
        largerIsWorse = rule.largerIsWorse
    }

    /// The first metric comparison of a condition, with its bound (as `firstMetricComparison`).
    static func firstMetricCondition(_ p: CheckedPredicate) -> (Metric, ComparisonOperator, Rational)? {
        switch p {
        case .and(let a, let b), .or(let a, let b): firstMetricCondition(a) ?? firstMetricCondition(b)
        case .not(let a): firstMetricCondition(a).map { ($0.0, $0.1.negated, $0.2) }
        case .metric(let m, let op, let bound): (m, op, bound)
        case .text, .textIn: nil
        }
    }

    /// Feeds one record (already past the contract's exclusions) to the clause.
    @inline(__always)
    func observe(_ r: TraceRecord, slots: FieldSlots, group: Int32, assigner: inout WindowAssigner, state: inout ClauseState) {
        if !exclusions.isEmpty {
            let e = exclusions.firstMatch(r, slots)
            if e >= 0 {
                state.noteExcluded(e)
                return
            }
        }
        if !prices.isEmpty { bill(r, slots: slots, group: group, state: &state) }
        // Optional chaining reads the predicate in place; `if let` copied it (a retain and a
        // release per record and clause, 4% of a 300,000-record run's instructions with `share`).
        if let truth = scope?.evaluate(r, slots), truth != .trueValue { return }
        let ts = r.timestamp
        if ts < state.firstRecord { state.firstRecord = ts }
        if ts > state.lastRecord { state.lastRecord = ts }
        if tracksCells { state.noteCell(assigner.cell(ts, length: cellLength), group: group) }
        let (start, end) = assigner.assign(ts)
        let index = state.window(start: start, end: end, group: group)
        let trace = state.currentTrace
        update(&state.windows[index], r, slots, trace: trace)
        if measure != nil {
            let key = PeriodKey(start: period(of: r.timestamp, &state), group: group)
            if key != state.lastPresence {
                state.presence.insert(key)
                state.lastPresence = key
            }
        }
    }

    /// The start of the period containing `ts`, cached in the state (records come nearly sorted).
    @inline(__always)
    private func period(of ts: Int64, _ state: inout ClauseState) -> Int64 {
        if ts >= state.cachedPeriod.start && ts < state.cachedPeriod.end { return state.cachedPeriod.start }
        let bounds = CalendarWindows.period(periodKind, zone: zone, containing: ts, term: (termStart, termEnd))
        state.cachedPeriod = bounds
        return bounds.0
    }

    /// Adds a record's priced token counts to its (period, group). With conditions, a field's
    /// tokens go to the first of its prices whose condition holds (docs/language.md, "price").
    private func bill(_ r: TraceRecord, slots: FieldSlots, group: Int32, state: inout ClauseState) {
        let key = PeriodKey(start: period(of: r.timestamp, &state), group: group)
        var sums = state.tokenSums[key] ?? Array(repeating: ExactSum(), count: prices.count)
        if pricesHaveConditions {
            // The token fields already priced for this record, as bits (no allocation per record).
            var pricedFields: UInt8 = 0
            for (i, price) in prices.enumerated() {
                let bit: UInt8 = price.field == .inputTokens ? 1 : price.field == .outputTokens ? 2 : 4
                if pricedFields & bit != 0 { continue }
                if let condition = priceConditions[i], condition.evaluate(r, slots) != .trueValue { continue }
                pricedFields |= bit
                let v = slots.value(price.field, r)
                if v.isFinite { sums[i].add(v) }
            }
        } else {
            for (i, price) in prices.enumerated() {
                let v = slots.value(price.field, r)
                if v.isFinite { sums[i].add(v) }
            }
        }
        state.tokenSums[key] = sums
    }

    @inline(__always)
    private func update(_ w: inout WindowState, _ r: TraceRecord, _ slots: FieldSlots, trace: Int32) {
        w.count += 1
        switch accumulation {
        case .count:
            return
        case .share:
            guard let truth = sharePredicate?.evaluate(r, slots) else { return }
            switch truth {
            case .trueValue: w.shareTrue += 1; w.shareKnown += 1
            case .falseValue: w.shareKnown += 1
            case .unknown: return
            }
            if (truth == .trueValue) == shareEvidenceWhenTrue {
                let v = evidenceMetric.map { slots.value($0, r) } ?? 0
                addEvidence(&w, r, value: v.isNaN ? 0 : v, trace: trace)
            }
        case .values, .sum, .minimum, .maximum:
            let m = metric
            if m.isList {
                guard let gaps = slots.list(r), !gaps.isEmpty else { return }
                var worst = gaps[0]
                for g in gaps where g.isFinite {
                    accumulate(&w, g)
                    if largerIsWorse ? g > worst : g < worst { worst = g }
                }
                addEvidence(&w, r, value: worst, trace: trace)
            } else {
                let v = slots.value(m, r)
                if v.isNaN || v.isInfinite { return }
                accumulate(&w, v)
                addEvidence(&w, r, value: v, trace: trace)
            }
        }
    }

    @inline(__always)
    private func accumulate(_ w: inout WindowState, _ v: Double) {
        switch accumulation {
        case .values: w.values.append(v)
        case .sum: w.sum.add(v); w.defined += 1
        case .minimum: if w.minimum.isNaN || v < w.minimum { w.minimum = v }; w.defined += 1
        case .maximum: if w.maximum.isNaN || v > w.maximum { w.maximum = v }; w.defined += 1
        case .count, .share: break
        }
    }

    @inline(__always)
    private func addEvidence(_ w: inout WindowState, _ r: TraceRecord, value: Double, trace: Int32) {
        let score = largerIsWorse ? value : -value
        guard w.admitsEvidence(score: score) else { return }
        w.addEvidence(Evidence(score: score, value: value, id: r.text(idSlot) ?? "", trace: trace))
    }

    // MARK: verdicts

    /// An observed aggregate: exact value for comparison, and its printed form.
    enum Observed {
        case double(Double)
        case exact(Rational)
        /// A share: true records over known records.
        case fraction(Int, Int)
    }

    /// The window's aggregate, read in place: a copy of a `WindowState` retains its value and
    /// evidence lists, and for the 100,539 windows of the benchmark run those retains (a cache
    /// miss on each list's header) were most of judging (perf, two jobs).
    func observedValue(_ window: UnsafePointer<WindowState>) -> Observed? {
        switch plan.aggregate {
        case .count:
            return .exact(Rational(window.pointee.count))
        case .share:
            guard window.pointee.shareKnown > 0 else { return nil }
            return .fraction(window.pointee.shareTrue, window.pointee.shareKnown)
        case .percentile:
            if let selected = window.pointee.selected { return .double(selected) }
            var values = window.pointee.values
            return selectPercentile(&values).map { .double($0) }
        case .min:
            return window.pointee.minimum.isNaN ? nil : .double(window.pointee.minimum)
        case .max:
            return window.pointee.maximum.isNaN ? nil : .double(window.pointee.maximum)
        case .sum:
            guard window.pointee.defined > 0 else { return nil }
            return .exact(window.pointee.sum.exactValue)
        case .mean:
            guard window.pointee.defined > 0 else { return nil }
            return .exact(window.pointee.sum.exactValue / Rational(window.pointee.defined))
        }
    }

    /// The clause's percentile of `values` by nearest rank (nil when empty or not a percentile
    /// clause), reordering them: for judging, and for windows closed early (`Evaluator.lateness`).
    func selectPercentile(_ values: inout [Double]) -> Double? {
        guard case .percentile(_, let q) = plan.aggregate else { return nil }
        let n = values.count
        guard n > 0 else { return nil }
        // Nearest rank ⌈q·n/100⌉ in exact arithmetic (0.99 × 200 is exactly 198).
        let rank: Int
        if let (qn, qd) = percentileFraction, n < 1 << 40 {
            let scaled = qn * n, divisor = qd * 100
            rank = (scaled + divisor - 1) / divisor
        } else {
            rank = (q * Rational(n) / Rational(100)).ceiling.intValue ?? n
        }
        let k = min(max(rank, 1), n) - 1
        return NthElement.select(&values, k)
    }

    func holds(_ o: Observed) -> Bool {
        let c: Int
        switch o {
        case .double(let d): return doubleBound.holds(d)
        case .exact(let r): c = r < plan.bound ? -1 : (r == plan.bound ? 0 : 1)
        case .fraction(let n, let d):
            if let (p, q) = smallBound, n >= 0, d > 0, n < 1 << 31, d < 1 << 31 {
                // n/d against p/q with positive denominators: compare n·q with p·d (no overflow
                // below 2^62).
                let left = n * q, right = p * d
                c = left < right ? -1 : (left == right ? 0 : 1)
            } else {
                let r = Rational(n, d)
                c = r < plan.bound ? -1 : (r == plan.bound ? 0 : 1)
            }
        }
        switch plan.comparison {
        case .less: return c < 0
        case .lessEqual: return c <= 0
        case .greater: return c > 0
        case .greaterEqual: return c >= 0
        case .equal: return c == 0
        case .notEqual: return c != 0
        }
    }

    func format(_ o: Observed) -> ObservedValue {
        switch o {
        case .double(let d):
            // Formatted when read unless it may read as the bound (`distinguishedFromBound`).
            guard nearBound(d) else { return ObservedValue(shortestOf: d, unit: plan.unit) }
            let text = distinguishedFromBound(NumberFormatting.shortest(d), approximate: d) { Rational(exactly: d) }
            return ObservedValue(text: text, unit: plan.unit, approximate: d)
        case .exact(let r):
            var text = r.isInteger ? r.numerator.description : r.decimalString(significantDigits: 15, maxFractionDigits: 15)
            // The approximation is for charts only; integers (sums, counts) need no big numbers.
            let approximate = r.isInteger ? (r.numerator.intValue.map(Double.init) ?? r.approximateDouble) : r.approximateDouble
            text = distinguishedFromBound(text, approximate: approximate) { r }
            return ObservedValue(text: text, unit: plan.unit, approximate: approximate)
        case .fraction(let n, let d):
            var text = SmallFractionText.decimalString(numerator: n, denominator: d, significantDigits: 15, maxFractionDigits: 15)
                ?? Rational(n, d).decimalString(significantDigits: 15, maxFractionDigits: 15)
            text = distinguishedFromBound(text, approximate: Double(n) / Double(d)) { Rational(n, d) }
            return ObservedValue(text: text, unit: plan.unit, approximate: Double(n) / Double(d), numerator: n, denominator: d)
        }
    }

    /// `text`, or more digits of the exact value when `text` would read as equal to the bound
    /// while the exact value is not: `sum(ttft)` of 0.1 + 0.2 printed `0.3` beside a breached
    /// `<= 0.3 ms` (the exact sum is 0.3000000000000000166…). Past 60 significant digits the
    /// value is printed as its exact fraction. Only values within 1e-9 of the bound are looked at.
    private func distinguishedFromBound(_ text: String, approximate: Double, exact: () -> Rational) -> String {
        let bound = plan.bound
        guard nearBound(approximate), Rational(decimal: text) == bound else { return text }
        return CompiledClause.distinguished(exact(), from: bound) ?? text
    }

    /// Whether a value is close enough to the bound that its short form might read as the bound.
    @inline(__always)
    private func nearBound(_ approximate: Double) -> Bool {
        approximate.isFinite && abs(approximate - boundApproximate) <= 1e-9 * max(1, abs(boundApproximate))
    }

    /// More digits of `value` than a short form shows, the fewest that do not read as `bound`
    /// (17, 20, … 60 significant digits, then the exact fraction); nil when `value` is `bound`.
    /// Observed values and period measures both print through it.
    static func distinguished(_ value: Rational, from bound: Rational) -> String? {
        if value == bound { return nil }
        for digits in [17, 20, 25, 30, 40, 60] {
            let longer = value.decimalString(significantDigits: digits, maxFractionDigits: 0)
            if let shown = Rational(decimal: longer), shown != bound { return longer }
        }
        return value.description
    }

    /// The observed value and verdict of one window, before windows are put in report order.
    struct Judgement {
        var observed: ObservedValue?
        var verdict: WindowVerdict
        /// The exact value, kept for `measure mean` only.
        var exact: Rational?
    }

    /// The exact value of an observation (for means of window values).
    func exactValue(_ o: Observed) -> Rational {
        switch o {
        case .double(let d): Rational(exactly: d)
        case .exact(let r): r
        case .fraction(let n, let d): Rational(n, d)
        }
    }

    /// Judges one window, read in place (`observedValue`), as its result is built
    /// (`windowResults`): the costly part of finishing (exact percentile selection of windows
    /// still open, shortest round-trip formatting).
    func judge(_ w: UnsafePointer<WindowState>) -> Judgement {
        guard let o = observedValue(w) else { return Judgement(observed: nil, verdict: .insufficient) }
        let sufficient = w.pointee.count >= plan.minimumRequests
        let verdict: WindowVerdict = valued ? (sufficient ? .valued : .insufficient) : (sufficient ? (holds(o) ? .met : .breached) : .insufficient)
        let exact = measure?.kind == .mean && verdict == .valued ? exactValue(o) : nil
        return Judgement(observed: format(o), verdict: verdict, exact: exact)
    }

    /// Builds the clause's result from its final state. `parallel`: a large clause's windows are
    /// judged and their results built on several threads.
    func finish(_ state: ClauseState, parallel: Bool = false) -> ClauseResult {
        // Groups are ranked once by their field values; windows and periods then sort by
        // (start, rank) as integers (sorting by the key strings took 8% of a benchmark run).
        let parts = state.groupParts
        let groupOrder = parts.indices.sorted { GroupOrdering.less(parts[$0], parts[$1]) }
        var rank = [Int](repeating: 0, count: parts.count)
        for (r, g) in groupOrder.enumerated() { rank[g] = r }
        let keyParts = parts.map { values in zip(plan.groupBy, values).map { GroupKeyPart(field: $0, value: $1) } }
        let starts = state.starts, groupOf = state.groupOfWindow
        // Sorted as (start, rank << 32 | index) pairs: comparing through the three arrays took
        // 5 ms for the 100,539 windows of the benchmark run (perf); no two windows share a
        // (start, group), so the index never decides.
        precondition(state.windows.count < 1 << 32 && parts.count < 1 << 31, "window and group counts fit the sort key")
        var sortKeys = state.windows.indices.map { i in (starts[i], UInt64(rank[Int(groupOf[i])]) << 32 | UInt64(i)) }
        sortKeys.sort { a, b in a.0 != b.0 ? a.0 < b.0 : a.1 < b.1 }
        let windowOrder = sortKeys.map { Int($0.1 & 0xFFFF_FFFF) }

        let (windows, exactValues) = windowResults(windowOrder, state: state, keyParts: keyParts, parallel: parallel)
        var met = 0, breached = 0, insufficient = 0, valuedCount = 0
        // With a period measure: every window with in-scope records, for the grid.
        var measured: [MeasuredWindow] = []
        if measure != nil { measured.reserveCapacity(windowOrder.count) }
        // Windows met and breached per (period, group). Windows come in time order, so a group's
        // periods come one after another: each group's current one is an index into `tallies`
        // (a dictionary lookup and store per window took 244 instructions each, callgrind).
        var tallies: [(start: Int64, end: Int64, group: Int32, met: Int, breached: Int)] = []
        var currentTally = [Int](repeating: -1, count: parts.count)
        var cachedPeriod: (start: Int64, end: Int64) = (1, 0)
        // Read from `windows`, in order: judgements read by storage index here missed the cache
        // on most windows (81% of this loop's perf samples, 100,539 windows).
        for (j, i) in windowOrder.enumerated() {
            let start = windows[j].start, group = groupOf[i]
            let verdict = windows[j].verdict
            switch verdict {
            case .met: met += 1
            case .breached: breached += 1
            case .insufficient: insufficient += 1
            case .valued: valuedCount += 1
            }
            if measure != nil {
                measured.append(MeasuredWindow(start: start, group: group, verdict: verdict, value: exactValues.isEmpty ? nil : exactValues[j]))
            } else if verdict != .insufficient {
                // Windows arrive in time order, so the month of the previous one usually holds.
                if !(start >= cachedPeriod.start && start < cachedPeriod.end) {
                    let (ps, pe) = periodBounds(windowStart: start)
                    cachedPeriod = (ps, pe)
                }
                let g = Int(group)
                var t = currentTally[g]
                if t < 0 || tallies[t].start != cachedPeriod.start {
                    tallies.append((cachedPeriod.start, cachedPeriod.end, group, 0, 0))
                    t = tallies.count - 1
                    currentTally[g] = t
                }
                if verdict == .met { tallies[t].met += 1 } else { tallies[t].breached += 1 }
            }
        }

        // (period start, group) -> (period end, met, breached); were a group's period to come back,
        // its tallies add up here.
        var periods: [PeriodKey: (end: Int64, met: Int, breached: Int)] = [:]
        for t in tallies {
            let key = PeriodKey(start: t.start, group: t.group)
            var p = periods[key] ?? (t.end, 0, 0)
            p.met += t.met
            p.breached += t.breached
            periods[key] = p
        }
        var periodResults: [PeriodResult] = []
        let objective = plan.objective.bound
        let objectiveText = objective.decimalString(significantDigits: 12)
        if let measure {
            periodResults = measuredPeriods(measure, state: state, windows: measured, keyParts: keyParts)
        } else {
            let periodOrder = periods.keys.sorted { a, b in a.start != b.start ? a.start < b.start : rank[Int(a.group)] < rank[Int(b.group)] }
            for pk in periodOrder {
                guard let p = periods[pk] else { continue }
                let attainment = Rational(p.met, p.met + p.breached)
                var period = PeriodResult(start: pk.start, end: p.end, key: keyParts[Int(pk.group)], met: p.met, breached: p.breached,
                                          attainment: attainment, attainmentText: attainment.decimalString(significantDigits: 12),
                                          objectiveText: objectiveText,
                                          verdict: meetsObjective(attainment) ? .compliant : .breached)
                // Credits of the charges on window attainment need the group's charges too.
                if !prices.isEmpty {
                    period.chargesText = charges(state.tokenSums[pk])
                    period.billed = billed(state.tokenSums[pk])
                }
                periodResults.append(period)
            }
        }
        let verdict: ClauseVerdict = periodResults.isEmpty ? .noData
            : (periodResults.contains { $0.verdict == .breached } ? .breached : .compliant)
        var result = ClauseResult(ref: plan.ref, name: plan.name, text: plan.text, requirement: plan.requirement,
                                  bound: PlanText.requirementBound(plan), verdict: verdict,
                                  windowsMet: met, windowsBreached: breached, windowsInsufficient: insufficient,
                                  periods: periodResults, credits: credits(periodResults), windows: windows)
        if valued { result.windowsValued = valuedCount }
        if measure != nil || plan.objective.comparison != .greaterEqual { result.objectiveComparison = plan.objective.comparison.rawValue }
        if let price = prices.first { result.chargesCurrency = price.currency }
        result.definition = PlanText.definition(plan, removed: state.excludedBy, evidenceMetric: evidenceMetric,
                                                evidenceCondition: evidenceCondition)
        applyCoverage(&result, state: state, keyParts: keyParts)
        return result
    }

    /// The windows' results in report order (`order`: storage indices), each window judged as its
    /// result is built, the evidence of breached windows formatted; and, for a clause whose
    /// periods measure the mean of window values, those exact values in the same order (else
    /// empty). With `parallel`, a clause of at least 16,384 windows is built on one thread per
    /// core (at most four), which take runs of 2,048 windows in order as they come free.
    ///
    /// Why judging here: judged apart first (in storage order, on every core), the 100,539
    /// windows of the benchmark run were read twice, and their judgements (10 MB) written and
    /// read again in report order, which missed the cache on most windows (perf, two jobs).
    private func windowResults(_ order: [Int], state: ClauseState, keyParts: [[GroupKeyPart]],
                               parallel: Bool) -> (results: [WindowResult], exactValues: [Rational?]) {
        let count = order.count
        let keepsExact = measure?.kind == .mean
        return state.windows.withUnsafeBufferPointer { stored in
            guard let storedBase = stored.baseAddress else { return ([], []) }
            let windows = UncheckedPointer(UnsafeMutablePointer(mutating: storedBase))
            @Sendable func result(_ i: Int) -> (WindowResult, Rational?) {
                let window = UnsafePointer(windows.pointer + i)
                let judgement = judge(window)
                let evidence: [EvidenceRecord] = judgement.verdict != .breached ? [] : window.pointee.evidence.map {
                    EvidenceRecord(id: $0.id, value: NumberFormatting.shortest($0.value), trace: Int($0.trace))
                }
                return (WindowResult(start: state.starts[i], end: window.pointee.end, key: keyParts[Int(state.groupOfWindow[i])],
                                     count: window.pointee.count, observed: judgement.observed, verdict: judgement.verdict,
                                     evidence: evidence), judgement.exact)
            }
            var exactValues: [Rational?] = keepsExact ? Array(repeating: nil, count: count) : []
            let workers = parallel && count >= 16_384 ? min(4, ProcessInfo.processInfo.activeProcessorCount) : 1
            guard workers > 1 else {
                let results = order.enumerated().map { j, i in
                    let (window, exact) = result(i)
                    if keepsExact { exactValues[j] = exact }
                    return window
                }
                return (results, exactValues)
            }
            let results = exactValues.withUnsafeMutableBufferPointer { exactBuffer in
                // An empty array can still hand out a base address: only a list of `count`.
                let exactTarget = keepsExact ? exactBuffer.baseAddress.map(UncheckedPointer.init) : nil
                return [WindowResult](unsafeUninitializedCapacity: count) { buffer, initialized in
                    guard let base = buffer.baseAddress else { return }
                    let target = UncheckedPointer(base)
                    let runs = RunCounter(total: count, run: 2_048)
                    // Threads of their own, not `concurrentPerform`: this runs inside the clauses'
                    // `concurrentPerform`, and a nested one ran its slices on this thread alone.
                    Evaluator.runWorkers(workers, niceness: 0) { _ in
                        while let run = runs.next() {
                            for j in run {
                                let (window, exact) = result(order[j])
                                (target.pointer + j).initialize(to: window)
                                if let exactTarget { exactTarget.pointer[j] = exact }
                            }
                        }
                    }
                    initialized = count
                }
            }
            return (results, exactValues)
        }
    }

    /// Whether a period's measure satisfies the objective.
    func meetsObjective(_ measure: Rational) -> Bool {
        let bound = plan.objective.bound
        switch plan.objective.comparison {
        case .greaterEqual: return measure >= bound
        case .greater: return measure > bound
        case .lessEqual: return measure <= bound
        case .less: return measure < bound
        case .equal: return measure == bound
        case .notEqual: return measure != bound
        }
    }

    /// The objective period containing a window start (docs/language.md, "Attainment").
    func periodBounds(windowStart: Int64) -> (Int64, Int64) {
        // A window that starts before the term counts in the first period (docs/language.md,
        // "Attainment"): a term that starts at 18:30Z (Kolkata midnight) has an hourly window from
        // 18:00Z, which belongs to the term's first month, not to the month before.
        CalendarWindows.period(plan.objective.period, zone: zone, containing: max(windowStart, termStart), term: (termStart, termEnd))
    }

    /// Credits (docs/language.md, "Credits"). Of the fee: per calendar month, the tier that applies
    /// to the worst measure among the month's groups. Of the charges: per (period, group), the
    /// tier that applies to the group's measure, on its charges. Of the tiers that apply, the
    /// one with the worst bound (tiers are stored worst first).
    func credits(_ periods: [PeriodResult]) -> [CreditResult] {
        guard let first = plan.credits.first else { return [] }
        let lowerIsWorse = first.lowerIsWorse
        func tier(for measure: Rational) -> CheckedCredit? { plan.credits.first { $0.applies(to: measure) } }
        if first.base == .charges {
            guard let price = prices.first else { return [] }
            var result: [CreditResult] = []
            for p in periods {
                guard let m = p.attainment, let tier = tier(for: m), let chargesText = p.chargesText,
                      let charges = Rational(decimal: chargesText) else { continue }
                let amount = charges * tier.percent / Rational(100)
                var credit = CreditResult(start: p.start, end: p.end, percentText: tier.percent.decimalString(significantDigits: 12),
                                          amountText: Rational.fixed(amount, fractionDigits: price.minorUnitDigits), currency: price.currency,
                                          key: p.key, chargesText: chargesText)
                credit.measureText = p.attainmentText
                credit.tierComparison = tier.comparison.rawValue
                credit.tierThresholdText = PlanText.number(tier.threshold)
                result.append(credit)
            }
            return result
        }
        guard plan.objective.period == .calendarMonth, let fee, let currency = feeCurrency else { return [] }
        var worst: [Int64: (end: Int64, measure: Rational, text: String?, key: [GroupKeyPart])] = [:]
        for p in periods {
            guard let a = p.attainment else { continue }
            if let current = worst[p.start], lowerIsWorse ? current.measure <= a : current.measure >= a { continue }
            worst[p.start] = (p.end, a, p.attainmentText, p.key)
        }
        var result: [CreditResult] = []
        for (start, entry) in worst.sorted(by: { $0.key < $1.key }) {
            guard let tier = tier(for: entry.measure) else { continue }
            let amount = fee * tier.percent / Rational(100)
            var credit = CreditResult(start: start, end: entry.end, percentText: tier.percent.decimalString(significantDigits: 12),
                                      amountText: Rational.fixed(amount, fractionDigits: feeMinorDigits), currency: currency)
            credit.measureText = entry.text
            credit.tierComparison = tier.comparison.rawValue
            credit.tierThresholdText = PlanText.number(tier.threshold)
            credit.feeText = Rational.fixed(fee, fractionDigits: feeMinorDigits)
            credit.worstKey = entry.key
            result.append(credit)
        }
        return result
    }
}

/// An objective period of one group.
struct PeriodKey: Hashable, Sendable {
    var start: Int64
    var group: Int32
}

/// Orders group keys: by each field's value as UTF-8 bytes, an absent value first.
enum GroupOrdering {
    static func less(_ a: [String?], _ b: [String?]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            guard let xv = x else { return true }
            guard let yv = y else { return false }
            return xv.utf8.lexicographicallyPrecedes(yv.utf8)
        }
        return a.count < b.count
    }
}

/// Quickselect: the k-th smallest value (0-based), the same value a full sort would put at k.
enum NthElement {
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        precondition(k >= 0 && k < values.count, "rank outside the values")
        var low = 0, high = values.count - 1
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return values[k] }
        }
        return values[k]
    }
}

/// How reports print binary64 values: the shortest decimal that reads back as the same double,
/// without exponent notation (`812.4`, `800`, `0.000012`).
package enum NumberFormatting {
    /// The shortest decimal that reads back as `d` (Swift's `description` digits), written
    /// without an exponent and without a trailing `.0`: `53`, `312.5`, `0.00001`.
    ///
    /// The common case (no exponent) looks at the UTF-8 bytes in one pass: the `Character`-based
    /// `hasSuffix` and `dropLast` took about 6,000 instructions a value (callgrind, 300,000
    /// benchmark records: 118 million, every evidence value of every breached window), and two
    /// generic `utf8.contains` calls then 730 of the remaining 1,670.
    package static func shortest(_ d: Double) -> String {
        if d == 0 { return "0" }
        var s = d.description
        // Whether the text has an exponent, and else the text without a trailing `.0` if it has one.
        let (hasExponent, trimmed): (Bool, String?) = s.withUTF8 { bytes in
            for b in bytes where b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { return (true, nil) }
            let n = bytes.count
            guard n >= 2, bytes[n - 1] == UInt8(ascii: "0"), bytes[n - 2] == UInt8(ascii: ".") else { return (false, nil) }
            return (false, String(decoding: UnsafeBufferPointer(rebasing: bytes[..<(n - 2)]), as: UTF8.self))
        }
        if !hasExponent { return trimmed ?? s }
        guard let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return s }
        let exponent = Int(s[s.index(after: e)...]) ?? 0
        var mantissa = String(s[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        var frac = parts.count > 1 ? String(parts[1]) : ""
        if frac == "0" { frac = "" }
        let digits = intPart + frac
        let pointPosition = intPart.count + exponent
        var result: String
        if pointPosition <= 0 {
            result = "0." + String(repeating: "0", count: -pointPosition) + digits
        } else if pointPosition >= digits.count {
            result = digits + String(repeating: "0", count: pointPosition - digits.count)
        } else {
            let idx = digits.index(digits.startIndex, offsetBy: pointPosition)
            result = String(digits[..<idx]) + "." + String(digits[idx...])
        }
        return negative ? "-" + result : result
    }
}

/// Which records a clause keeps as evidence and which way is worse (docs/language.md, "Evidence"):
/// one rule for the native evaluator and the SQL it generates for engines.
package struct EvidenceRule: Sendable {
    /// The metric ranked (nil for a `share` without a metric comparison: ties by id).
    package let metric: Metric?
    package let largerIsWorse: Bool
    /// For `share(P)`: whether the records that breach are those where P is true (the share must
    /// stay low, `share(P) <= 1%`) rather than those where it is false (`share(P) >= 99%`).
    package let shareEvidenceWhenTrue: Bool

    package init(_ c: PlanClause) {
        if case .share(let p) = c.aggregate {
            // Evidence is the records that pull the share the wrong way: those where P is false
            // when the share must be high, those where it is true when it must be low.
            let mustBeLow = c.comparison == .less || c.comparison == .lessEqual
            shareEvidenceWhenTrue = mustBeLow
            if let (m, op, _) = CompiledClause.firstMetricCondition(p) {
                metric = m
                // Worst first means farthest from passing. Records failing `x >= b` have small x,
                // so smaller is worse; records satisfying it have large x, so when the share must
                // be low, larger is worse.
                let smallFails = op == .greater || op == .greaterEqual
                largerIsWorse = mustBeLow ? smallFails : !smallFails
            } else {
                metric = nil
                largerIsWorse = true
            }
        } else {
            shareEvidenceWhenTrue = false
            metric = c.aggregate.metric
            largerIsWorse = c.comparison.largerIsWorse
        }
    }
}

/// A pointer handed to other threads, each writing a slice of its own that no other touches
/// (`CompiledClause.windowResults`).
struct UncheckedPointer<Pointee>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Pointee>
    init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }
}

/// Hands out consecutive runs of `0..<total` to threads as they ask (`windowResults`, the
/// report's parts).
package final class RunCounter: @unchecked Sendable {
    private let total: Int
    private let run: Int
    private var handedOut = 0
    private let lock = DispatchSemaphore(value: 1)

    package init(total: Int, run: Int) {
        precondition(run >= 1, "runs are not empty")
        self.total = total
        self.run = run
    }

    package func next() -> Range<Int>? {
        lock.wait()
        defer { lock.signal() }
        guard handedOut < total else { return nil }
        let start = handedOut
        handedOut = min(total, handedOut + run)
        return start..<handedOut
    }
}
