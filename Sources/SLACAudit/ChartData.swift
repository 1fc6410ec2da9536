import Foundation
import SLACExact

/// One listed window as the chart sees it.
struct ChartWindow {
    /// `valued`: a window of a `value` clause, which has a value but no verdict of its own (it
    /// was drawn as insufficient, in grey, with the insufficient strip under it).
    enum Kind: Int, CaseIterable { case met = 0, breached = 1, insufficient = 2, valued = 3 }
    var start: Int64
    var end: Int64
    var value: Double?
    var kind: Kind
    /// The observed value as the report writes it: exact, and never reading as the bound when
    /// the verdict says otherwise (the hover text falls back on it).
    var text: String? = nil
}

/// The chart of one clause, pre-computed in Swift so that the stylesheet only draws: the windows
/// are aggregated into at most `maximumColumns` time columns (min/max observed and counts per
/// verdict), whatever the number of windows, so a report with hundreds of thousands of windows
/// still gives a page with a few hundred SVG elements per clause.
struct ChartData {
    // Geometry of the SVG, in user units (the stylesheet reads them back from attributes).
    static let width = 960.0
    static let height = 286.0
    static let plotLeft = 78.0
    static let plotTop = 18.0
    static let plotWidth = 862.0
    static let plotHeight = 196.0
    static let breachedStripY = 222.0
    static let insufficientStripY = 234.0
    static let stripHeight = 8.0
    static let xLabelY = 262.0
    /// At most one column per two pixels.
    static let maximumColumns = 431

    /// The lowest or highest observed value of a column's windows, with the report's text of it.
    struct Extreme { var value: Double; var text: String? = nil }
    /// A drawn column: its pixel extent and the hover text.
    struct Column { var x: Double; var width: Double; var title: String }
    /// A tick: its pixel position and label.
    struct Tick { var position: Double; var label: String }

    var listed = 0
    var valued = 0
    var columns = 0
    var windowsPerColumn = 0
    var firstStart: Int64 = 0
    var lastEnd: Int64 = 0
    var unit = ""
    var boundY: Double?
    var boundLabel: String?
    var clipped = 0
    /// Stretches of the time axis without in-scope records (shaded), maintenance aside.
    var gaps = 0
    /// Maintenance windows drawn on the time axis (shaded apart from gaps).
    var maintenance = 0
    var clippedAbove: String?
    var clippedMaximum: String?
    var yTicks: [Tick] = []
    var xTicks: [Tick] = []
    /// SVG path data per layer: met, breached, insufficient bars, the two strips, clip markers.
    var paths: [(layer: String, d: String)] = []
    var hover: [Column] = []

    /// Aggregates `windows` (in any order) against `bound`. The time axis spans `range` (the
    /// data's range) as well as the windows; within it, the time outside the sorted `data`
    /// intervals (time with in-scope records) is shaded as a gap, when `data` is given; the
    /// `maintenance` intervals are shaded as such, never as gaps (no record is in scope there
    /// because the contract says so, not because data is missing).
    init(windows: [ChartWindow], unit: String, bound: ChartBound?, range: (Int64, Int64)? = nil, data: [(Int64, Int64)] = [],
         maintenance: [(Int64, Int64)] = [], clock: PageClock = .utc) {
        self.unit = unit
        listed = windows.count
        guard let first = windows.min(by: { $0.start < $1.start }), let last = windows.max(by: { $0.end < $1.end }) else { return }
        firstStart = min(first.start, range?.0 ?? first.start)
        lastEnd = max(last.end, first.start + 1, range?.1 ?? last.end)
        let span = Double(lastEnd - firstStart)
        let shortest = windows.lazy.map { max(1, $0.end - $0.start) }.min() ?? 1
        columns = max(1, min(Self.maximumColumns, Int((span / Double(shortest)).rounded(.up))))
        let columnWidth = Self.plotWidth / Double(columns)

        // Value range: every observed value and the bound; extreme outliers are clipped so the
        // bound and the bulk of the windows stay readable.
        var values = windows.compactMap(\.value).filter(\.isFinite)
        valued = values.count
        let boundValue = bound.flatMap { b in b.unit == unit && b.value.isFinite ? b.value : nil }
        values.sort()
        var low = min(values.first ?? boundValue ?? 0, boundValue ?? .infinity)
        var high = max(values.last ?? boundValue ?? 1, boundValue ?? -.infinity)
        if let top = values.last, values.count >= 20 {
            let p98 = values[min(values.count - 1, Int(Double(values.count) * 0.98))]
            let cap = max(p98, boundValue ?? p98) * 1.25
            if cap > 0, top > cap * 2 {
                high = cap
                clipped = values.count - (values.lastIndex { $0 <= cap }.map { $0 + 1 } ?? 0)
                clippedMaximum = Self.format(top, unit: unit, step: 0)
            }
        }
        if unit == "ratio" {
            let pad = max((high - low) * 0.1, 0.005)
            low = max(0, low - pad)
            high = min(1, high + pad)
        } else {
            low = min(0, low)
            high += (high - low) * 0.06
        }
        if !(high > low) { high = low + 1 }
        let step = Self.niceStep((high - low) / 5)
        low = (low / step).rounded(.down) * step
        high = (high / step).rounded(.up) * step
        if unit == "ratio" { high = min(high, max(1, low + step)) }
        if clipped > 0 { clippedAbove = Self.format(high, unit: unit, step: step) }
        let yLow = low, yHigh = high
        func y(_ v: Double) -> Double { Self.plotTop + Self.plotHeight * (1 - (min(max(v, yLow), yHigh) - yLow) / (yHigh - yLow)) }
        var tick = low
        while tick <= high + step / 2 {
            // The unit is written once above the axis; ratios keep their percent sign.
            yTicks.append(Tick(position: y(tick), label: Self.format(tick, unit: unit == "ratio" ? unit : "", step: step)))
            tick += step
        }
        if let boundValue, let bound {
            boundY = y(boundValue)
            let symbol = RenderAnnotation.comparisonSymbol(bound.comparison)
            boundLabel = "bound \(symbol) \(RenderAnnotation.exactDisplay(bound.exact, unit: bound.unit))"
        }

        // Columns: per kind of window, the min and max observed value (with the report's text of
        // it) and counts.
        let kinds = ChartWindow.Kind.allCases.count
        struct Bucket {
            var low: [Extreme]
            var high: [Extreme]
            var counts: [Int]
            init(kinds: Int) {
                low = Array(repeating: Extreme(value: .infinity), count: kinds)
                high = Array(repeating: Extreme(value: -.infinity), count: kinds)
                counts = Array(repeating: 0, count: kinds)
            }
            var valueless = 0
            var start = Int64.max
            var end = Int64.min
        }
        var buckets = [Bucket](repeating: Bucket(kinds: kinds), count: columns)
        for window in windows {
            // The small nudge keeps a window that starts exactly on a column edge in that column
            // despite rounding (windows are usually aligned with the columns).
            let offset = Double(window.start - firstStart) / span
            let index = min(columns - 1, max(0, Int(offset * Double(columns) + 1e-6)))
            let k = window.kind.rawValue
            buckets[index].counts[k] += 1
            buckets[index].start = min(buckets[index].start, window.start)
            buckets[index].end = max(buckets[index].end, window.end)
            if let v = window.value, v.isFinite {
                if v < buckets[index].low[k].value { buckets[index].low[k] = Extreme(value: v, text: window.text) }
                if v > buckets[index].high[k].value { buckets[index].high[k] = Extreme(value: v, text: window.text) }
            } else {
                buckets[index].valueless += 1
            }
        }
        windowsPerColumn = buckets.map { $0.counts.reduce(0, +) }.max() ?? 0

        let axisStart = firstStart
        let xOf = { (t: Int64) in Self.plotLeft + Self.plotWidth * Double(t - axisStart) / span }
        // A column holding one window at most is drawn over that window's own time: calendar
        // months differ in length, and on a grid of equal columns November's bar stood from
        // about 21 October (two monthly windows, three columns). Columns holding several
        // windows are the grid's.
        let ownSpans = windowsPerColumn <= 1
        var bars = [String](repeating: "", count: kinds)
        var breachedStrip = "", insufficientStrip = "", clipMarks = ""
        for (index, bucket) in buckets.enumerated() where bucket.counts.reduce(0, +) > 0 {
            let x = ownSpans ? xOf(bucket.start) : Self.plotLeft + Double(index) * columnWidth
            let width = ownSpans ? max(1, xOf(bucket.end) - x) : columnWidth
            // Narrow columns keep a gap between bars; a wide one (a calendar month alone on the
            // axis) is drawn across its whole time, with a few pixels of gap.
            let barWidth = max(1, width - min(width * 0.28, 4))
            let barX = x + (width - barWidth) / 2
            for k in 0..<kinds where bucket.high[k].value >= bucket.low[k].value {
                var top = y(bucket.high[k].value), bottom = y(bucket.low[k].value)
                if bottom - top < 2.5 { let mid = (top + bottom) / 2; top = mid - 1.25; bottom = mid + 1.25 }
                bars[k] += "M\(Self.px(barX)) \(Self.px(top))h\(Self.px(barWidth))v\(Self.px(bottom - top))h-\(Self.px(barWidth))z"
                if bucket.high[k].value > yHigh {
                    let cx = barX + barWidth / 2
                    clipMarks += "M\(Self.px(cx - 3.5)) \(Self.px(Self.plotTop + 1))l3.5 -6l3.5 6z"
                }
            }
            if bucket.counts[1] > 0 {
                breachedStrip += "M\(Self.px(barX)) \(Self.px(Self.breachedStripY))h\(Self.px(barWidth))v\(Self.px(Self.stripHeight))h-\(Self.px(barWidth))z"
            }
            if bucket.counts[2] > 0 {
                insufficientStrip += "M\(Self.px(barX)) \(Self.px(Self.insufficientStripY))h\(Self.px(barWidth))v\(Self.px(Self.stripHeight))h-\(Self.px(barWidth))z"
            }
            // The extremes of the column, whatever the kind of window.
            let lowest = bucket.low.min { $0.value < $1.value } ?? Extreme(value: .infinity)
            let highest = bucket.high.max { $0.value < $1.value } ?? Extreme(value: -.infinity)
            hover.append(Column(x: x, width: width, title: Self.title(bucket.start, bucket.end, counts: bucket.counts,
                                                                           valueless: bucket.valueless, low: lowest, high: highest,
                                                                           unit: unit, bound: boundValue == nil ? nil : bound, clock: clock)))
        }
        // Gaps: the complement of the data intervals and maintenance windows within the axis.
        var gapPath = ""
        if !data.isEmpty {
            var cursor = axisStart
            let covered = (data + maintenance).sorted { $0.0 < $1.0 }
            for (s, e) in covered + [(lastEnd, lastEnd)] {
                if s > cursor {
                    let x0 = xOf(cursor), x1 = xOf(min(s, lastEnd))
                    if x1 - x0 >= 0.5 {
                        gapPath += "M\(Self.px(x0)) \(Self.px(Self.plotTop))h\(Self.px(x1 - x0))v\(Self.px(Self.plotHeight))h-\(Self.px(x1 - x0))z"
                        gaps += 1
                    }
                }
                cursor = max(cursor, e)
                if cursor >= lastEnd { break }
            }
        }
        var maintenancePath = ""
        for (s, e) in maintenance where e > firstStart && s < lastEnd {
            let x0 = xOf(max(s, firstStart)), x1 = xOf(min(e, lastEnd))
            let width = max(x1 - x0, 1)
            maintenancePath += "M\(Self.px(x0)) \(Self.px(Self.plotTop))h\(Self.px(width))v\(Self.px(Self.plotHeight))h-\(Self.px(width))z"
            self.maintenance += 1
        }
        paths = [("nodata", gapPath), ("maintenance", maintenancePath), ("insufficient", bars[2]), ("met", bars[0]), ("breached", bars[1]), ("valued", bars[3]),
                 ("strip-breached", breachedStrip), ("strip-insufficient", insufficientStrip), ("clipped", clipMarks)]
            .filter { !$0.1.isEmpty }
        xTicks = Self.timeTicks(from: firstStart, to: lastEnd, clock: clock)
    }

    /// The hover text of a column: its time range, counts per verdict and value range.
    private static func title(_ start: Int64, _ end: Int64, counts: [Int], valueless: Int, low: Extreme, high: Extreme,
                              unit: String, bound: ChartBound?, clock: PageClock) -> String {
        let total = counts.reduce(0, +)
        let (s, e) = (clock.text(start), clock.text(end))
        var parts = ["\(s.date) \(s.time) – \(e.date) \(e.time) \(clock.name)", "\(total) window\(total == 1 ? "" : "s")"]
        let names = ["met", "breached", "insufficient", "valued"]
        for k in [1, 0, 3, 2] where counts[k] > 0 { parts.append("\(counts[k]) \(names[k])") }
        // Six significant digits, unless that reads as the bound while the value is not the bound
        // (a sum of 0.1 and 0.2 ms against `<= 0.3 ms`): then the report's exact text, as the
        // tables print it (docs/reports.md).
        func shown(_ extreme: Extreme) -> String {
            let short = format(extreme.value, unit: unit, step: 0)
            guard let bound, let text = extreme.text, short == RenderAnnotation.exactDisplay(bound.exact, unit: bound.unit),
                  Rational(decimal: text) != Rational(decimal: bound.exact) else { return short }
            return RenderAnnotation.exactDisplay(text, unit: unit)
        }
        if high.value >= low.value {
            parts.append(low.value == high.value ? "observed \(shown(low))" : "observed \(shown(low)) to \(shown(high))")
        }
        if valueless > 0 { parts.append("\(valueless) without a value") }
        return parts.joined(separator: " · ")
    }

    /// Up to about eight time ticks at round times of the page's clock (month starts for long
    /// spans). Within a day the first tick, and any on a new date, carry the date as well.
    static func timeTicks(from start: Int64, to end: Int64, clock: PageClock = .utc) -> [Tick] {
        let second: Int64 = 1_000_000_000
        let minute = 60 * second, hour = 60 * minute, day = 24 * hour
        let steps: [Int64] = [second, 5 * second, 15 * second, 30 * second, minute, 5 * minute, 15 * minute, 30 * minute,
                              hour, 2 * hour, 3 * hour, 6 * hour, 12 * hour, day, 2 * day, 7 * day, 14 * day]
        let span = end - start
        guard let step = steps.first(where: { span / $0 <= 8 }) else { return monthTicks(from: start, to: end, clock: clock) }
        // Up to an hour, steps are taken on the time line, so that both readings of an hour that
        // clocks going back repeat get their ticks; longer steps are taken on the clock's face.
        var instants: [Int64] = []
        if step <= hour {
            let shift = Int64(clock.offsetSeconds(at: start)) * second
            var at = CivilTime.floorDiv(start + shift, step) * step - shift
            while at <= end {
                if at >= start, CivilTime.floorDiv(clock.local(at), step) * step == clock.local(at) { instants.append(at) }
                at += step
            }
        } else {
            // Weeks start on Mondays, as calendar weeks do (the epoch, 1970-01-01, was a Thursday).
            let origin: Int64 = step % (7 * day) == 0 ? 4 * day : 0
            var tick = CivilTime.floorDiv(clock.local(start) - origin, step) * step + origin
            while tick <= clock.local(end) {
                // A local time the clock skips (clocks going forward) gets no tick.
                let at = clock.instant(readingLocal: tick)
                if at >= start, at <= end, clock.local(at) == tick { instants.append(at) }
                tick += step
            }
        }
        var ticks: [Tick] = []
        var previousDate: Substring?
        for at in instants {
            let x = plotLeft + plotWidth * Double(at - start) / Double(max(1, span))
            let text = CivilTime.format(clock.local(at))  // 2026-03-14T02:00:00Z, on the page's clock
            let date = text.prefix(10)
            // In the hour clocks going back read twice, each tick says which reading it is.
            let time = String(text.dropFirst(11).prefix(step < minute ? 8 : 5)) + clock.repeatedOffset(at)
            let label: String
            if step >= day {
                label = String(date)
            } else if span <= day, previousDate == date {
                label = time
            } else {
                label = String(date.dropFirst(5)) + " " + time
            }
            previousDate = date
            ticks.append(Tick(position: x, label: label))
        }
        return ticks
    }

    /// Ticks at the first of every 1, 2, 3, 6 or 12 months (or more years) of the page's clock,
    /// at most about eight.
    static func monthTicks(from start: Int64, to end: Int64, clock: PageClock = .utc) -> [Tick] {
        let day = CivilTime.nanosPerDay
        let first = CivilTime.civil(days: Int(CivilTime.floorDiv(clock.local(start), day)))
        let last = CivilTime.civil(days: Int(CivilTime.floorDiv(clock.local(end), day)))
        let months = (last.year - first.year) * 12 + (last.month - first.month) + 1
        let step = [1, 2, 3, 6, 12, 24, 60, 120].first { months / $0 <= 8 } ?? (months / 8 + 1)
        let span = Double(max(1, end - start))
        var ticks: [Tick] = []
        // Month index counted from year 0, rounded up to a multiple of the step.
        var index = first.year * 12 + (first.month - 1)
        index = (index + step - 1) / step * step
        while true {
            let year = index / 12, month = index % 12 + 1
            let local = Int64(CivilTime.days(year: year, month: month, day: 1)) * day
            let instant = clock.instant(readingLocal: local)
            if instant > end { break }
            if instant >= start {
                let label = String(CivilTime.format(local).prefix(step >= 12 ? 4 : 7))
                ticks.append(Tick(position: plotLeft + plotWidth * Double(instant - start) / span, label: label))
            }
            index += step
        }
        return ticks
    }

    /// A value for an axis or a hover text: ratios as percentages, others in their unit, with as
    /// many decimals as `step` needs (or up to six significant digits when `step` is 0).
    static func format(_ value: Double, unit: String, step: Double) -> String {
        let shown = unit == "ratio" ? value * 100 : value
        let shownStep = unit == "ratio" ? step * 100 : step
        var text: String
        if shownStep > 0 {
            let decimals = max(0, min(6, Int((-log10(shownStep)).rounded(.up))))
            text = String(format: "%.\(decimals)f", shown)
        } else {
            text = String(format: "%.6g", shown)
            if text.contains("e") == false && text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
        }
        if text == "-0" { text = "0" }
        return unit == "ratio" ? text + "%" : text + (unit.isEmpty ? "" : " " + unit)
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let exponent = (log10(raw)).rounded(.down)
        let base = pow(10, exponent)
        let fraction = raw / base
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * base
    }

    /// A coordinate with at most one decimal, no trailing `.0`.
    static func px(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let whole = Int(tenths) / 10, fraction = abs(Int(tenths) % 10)
        if fraction == 0 { return String(whole) }
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
    }
}
