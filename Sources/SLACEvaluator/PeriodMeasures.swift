import SLACChecker
import SLACExact

/// A window with in-scope records of a clause with a period measure, as the grid sees it.
struct MeasuredWindow {
    var start: Int64
    var group: Int32
    var verdict: WindowVerdict
    /// The exact value of a valued window (`measure mean`).
    var value: Rational?
}

/// Period measures (docs/language.md, "Period measures"): `attainment` over every interval of
/// the grid, `mean` of window values over the grid, and `uptime`, the share of grid time not
/// down. Computed per (period, group) for every group that exists in the period.
extension CompiledClause {
    /// Totals of one (period, group).
    private struct Tally {
        var met = 0
        var breached = 0
        var valued = 0
        var sum = Rational.zero
        var down = 0
        var downTime: Int64 = 0
    }

    func measuredPeriods(_ measure: CheckedMeasure, state: ClauseState, windows: [MeasuredWindow], keyParts: [[GroupKeyPart]]) -> [PeriodResult] {
        let grid = IntervalGrid(window: plan.window, period: periodKind, zone: zone, term: (termStart, termEnd),
                                maintenance: maintenance)
        // The group's windows in grid order (windows arrive sorted by start), and the periods where
        // each group exists: a window of it starts there, or an in-scope record of it lies there.
        var byGroup: [Int32: [(index: Int, period: Int, window: MeasuredWindow)]] = [:]
        var exists: [Int32: Set<Int>] = [:]
        for w in windows {
            guard let index = grid.index(ofIntervalStarting: w.start) else { continue }
            let period = grid.pieces[grid.pieceIndex(of: index)].period
            byGroup[w.group, default: []].append((index, period, w))
            exists[w.group, default: []].insert(period)
        }
        for key in state.presence {
            if let p = grid.periodIndex(startingAt: key.start) { exists[key.group, default: []].insert(p) }
        }

        var results: [PeriodResult] = []
        let objectiveText = plan.objective.bound.decimalString(significantDigits: 12)
        let unit = measure.kind == .mean ? plan.unit : "ratio"
        for (group, periods) in exists {
            var tallies: [Int: Tally] = [:]
            let mine = byGroup[group] ?? []
            for (_, p, w) in mine {
                var t = tallies[p] ?? Tally()
                switch w.verdict {
                case .met: t.met += 1
                case .breached: t.breached += 1
                case .valued:
                    t.valued += 1
                    if let v = w.value { t.sum = t.sum + v }
                case .insufficient: break
                }
                tallies[p] = t
            }
            if measure.kind == .uptime {
                addDowntime(measure, grid: grid, windows: mine) { p, n, time in
                    var t = tallies[p] ?? Tally()
                    t.down += n
                    t.downTime += time
                    tallies[p] = t
                }
            }
            for p in periods {
                let period = grid.periods[p]
                guard period.intervals > 0 else { continue }
                let t = tallies[p] ?? Tally()
                let judged = t.met + t.breached + t.valued
                let empty = period.intervals - judged
                let value: Rational?
                switch measure.kind {
                case .attainment:
                    switch measure.empty {
                    case .met?: value = Rational(t.met + empty, period.intervals)
                    case .breached?: value = Rational(t.met, period.intervals)
                    default: value = judged > 0 ? Rational(t.met, judged) : nil
                    }
                case .mean:
                    if case .value(let e)? = measure.empty {
                        value = (t.sum + e * Rational(empty)) / Rational(period.intervals)
                    } else {
                        value = t.valued > 0 ? t.sum / Rational(t.valued) : nil
                    }
                case .uptime:
                    value = period.time > 0 ? Rational(Int(period.time - t.downTime), Int(period.time)) : nil
                }
                guard let value else { continue }
                var m = PeriodMeasure(kind: measure.kind.rawValue, unit: unit, intervals: period.intervals, empty: empty, down: t.down)
                let gridStart = max(period.start, termStart), gridEnd = min(period.end, termEnd)
                if gridStart != period.start || gridEnd != period.end {
                    m.gridStart = gridStart
                    m.gridEnd = gridEnd
                }
                if measure.kind == .uptime {
                    m.gridNanoseconds = period.time
                    m.downNanoseconds = t.downTime
                }
                let text = measureText(value)
                var result = PeriodResult(start: period.start, end: period.end, key: keyParts[Int(group)], met: t.met, breached: t.breached,
                                          attainment: value, attainmentText: text, objectiveText: objectiveText,
                                          verdict: meetsObjective(value) ? .compliant : .breached)
                result.measure = m
                if !prices.isEmpty {
                    let sums = state.tokenSums[PeriodKey(start: period.start, group: group)]
                    result.chargesText = charges(sums)
                    result.billed = billed(sums)
                }
                results.append(result)
            }
        }
        results.sort { a, b in
            if a.start != b.start { return a.start < b.start }
            return GroupOrdering.less(a.key.map(\.value), b.key.map(\.value))
        }
        return results
    }

    /// The billed charges of token sums: the exact sum of price × tokens, rounded once
    /// half-to-even to the currency's minor unit.
    func charges(_ sums: [ExactSum]?) -> String {
        let digits = prices.first?.minorUnitDigits ?? 2
        var total = Rational.zero
        if let sums {
            for (i, price) in prices.enumerated() where i < sums.count { total = total + sums[i].exactValue * price.perToken }
        }
        return Rational.fixed(total, fractionDigits: digits)
    }

    /// The tokens billed at each price with any, exactly (token counts are whole, so these are too).
    func billed(_ sums: [ExactSum]?) -> [BilledTokens] {
        guard let sums else { return [] }
        return prices.indices.compactMap { i -> BilledTokens? in
            guard i < sums.count else { return nil }
            let tokens = sums[i].exactValue
            guard tokens.signum != 0 else { return nil }
            return BilledTokens(price: i + 1, field: prices[i].field.rawValue,
                                tokensText: tokens.decimalString(significantDigits: 40, maxFractionDigits: 20))
        }
    }

    /// The printed measure: 12 significant digits, more where that would read as the objective's
    /// bound while the exact value is not.
    func measureText(_ value: Rational) -> String {
        let text = value.decimalString(significantDigits: 12, maxFractionDigits: 15)
        let bound = plan.objective.bound
        guard Rational(decimal: text) == bound else { return text }
        return CompiledClause.distinguished(value, from: bound) ?? text
    }

    /// Down intervals of one group, reported as (period, count, time) to `body`. A breached
    /// interval is down when it lies in a run of at least `downtimeAfter` consecutive breached
    /// intervals of the grid; intervals without a verdict count as `empty` (met by default); a
    /// gap in the grid ends a run.
    private func addDowntime(_ measure: CheckedMeasure, grid: IntervalGrid, windows: [(index: Int, period: Int, window: MeasuredWindow)],
                             _ body: (Int, Int, Int64) -> Void) {
        let n = measure.downtimeAfter
        if measure.empty == .breached {
            // Everything but the met intervals is breached: runs lie between met intervals.
            var cursor = 0
            func stretch(upTo end: Int) {
                // The intervals cursor..<end, split at gaps; intervals in maintenance `as uptime`
                // are up, and split it too.
                guard cursor < end else { return }
                var runStart = cursor
                var k = grid.pieceIndex(of: cursor)
                if grid.pieces[k].isUp { runStart = grid.pieces[k].firstIndex + grid.pieces[k].count }
                while k + 1 < grid.pieces.count && grid.pieces[k + 1].firstIndex < end {
                    k += 1
                    let piece = grid.pieces[k]
                    if piece.gapBefore || piece.isUp {
                        if piece.firstIndex - runStart >= n { grid.forEachPeriod(in: runStart...(piece.firstIndex - 1), body) }
                        runStart = piece.isUp ? piece.firstIndex + piece.count : piece.firstIndex
                    }
                }
                if end - runStart >= n { grid.forEachPeriod(in: runStart...(end - 1), body) }
            }
            for (index, _, w) in windows where w.verdict == .met {
                stretch(upTo: index)
                cursor = index + 1
            }
            stretch(upTo: grid.count)
            return
        }
        var runStart = -1, previous = -2
        func close() {
            if runStart >= 0 && previous - runStart + 1 >= n { grid.forEachPeriod(in: runStart...previous, body) }
        }
        for (index, _, w) in windows where w.verdict == .breached {
            if index == previous + 1 && grid.continues(to: index) {
                previous = index
            } else {
                close()
                runStart = index
                previous = index
            }
        }
        close()
    }
}
