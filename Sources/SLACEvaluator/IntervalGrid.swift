import SLACChecker
import SLACExact

/// The interval grid of a clause over its term (docs/language.md, "Period measures"): every
/// window interval of the clause's `every` with some part inside the term and outside the
/// maintenance that applies to the clause, each in the period containing its start (the first
/// period when it starts before the term), with its *grid time* (that part only).
///
/// A month of one-minute intervals is 44,640 intervals per group, and a year of them half a
/// million, so the grid is not stored interval by interval: it is a short list of *pieces*, runs
/// of equally long intervals in one period, split only where the term's ends, a maintenance
/// window or a period boundary falls. Everything a measure needs (an interval's index from its
/// start, its time, the totals of a period) is arithmetic on the pieces.
struct IntervalGrid: Sendable {
    /// One measurement period: its calendar bounds and the totals of its grid.
    struct Period: Sendable {
        var start: Int64
        var end: Int64
        var intervals = 0
        /// Grid time in nanoseconds.
        var time: Int64 = 0
    }

    /// `count` consecutive intervals of `step` nanoseconds from `firstStart`, each with grid time
    /// `time`, all in period `period`, numbered from `firstIndex`.
    struct Piece: Sendable {
        var firstStart: Int64
        var step: Int64
        var count: Int
        var time: Int64
        var period: Int
        var firstIndex: Int
        /// True when intervals wholly removed (by maintenance) lie just before this piece: a run
        /// of breached intervals does not continue across them.
        var gapBefore: Bool
        /// The part of each interval's grid time inside maintenance `as uptime`, which is never
        /// down. When it is all of `time`, the intervals are up whatever their verdict (no record
        /// of them is left), and a run of breached intervals ends at them.
        var upTime: Int64 = 0

        /// Whether the piece's intervals lie wholly in maintenance `as uptime`.
        var isUp: Bool { upTime == time }
        /// The time a down interval of the piece counts as down.
        var downTime: Int64 { time - upTime }
    }

    private(set) var periods: [Period] = []
    private(set) var pieces: [Piece] = []
    private(set) var count = 0
    let termStart: Int64
    let termEnd: Int64

    init(window: CheckedWindow, period kind: CheckedObjective.Period, zone: ZoneRules, term: (Int64, Int64),
         maintenance: [MaintenanceInterval]) {
        termStart = term.0
        termEnd = term.1
        let removed = IntervalGrid.merged(maintenance.filter { !$0.asUptime }, term: term)
        let up = IntervalGrid.merged(maintenance.filter(\.asUptime), term: term)

        // Periods from the one containing the term's start to the one containing its last instant.
        var p = CalendarWindows.period(kind, zone: zone, containing: term.0, term: term)
        while p.0 < term.1 {
            periods.append(Period(start: p.0, end: p.1))
            if kind == .term { break }
            p = CalendarWindows.period(kind, zone: zone, containing: p.1, term: term)
        }

        func gridTime(_ a: Int64, _ b: Int64) -> Int64 {
            let lo = max(a, term.0), hi = min(b, term.1)
            guard lo < hi else { return 0 }
            var time = hi - lo
            for m in removed where m.end > lo && m.start < hi { time -= min(m.end, hi) - max(m.start, lo) }
            return time
        }
        // Grid time inside maintenance `as uptime` (less the removed maintenance it overlaps).
        func upTime(_ a: Int64, _ b: Int64) -> Int64 {
            let lo = max(a, term.0), hi = min(b, term.1)
            var time: Int64 = 0
            for u in up where u.end > lo && u.start < hi {
                let s = max(u.start, lo), e = min(u.end, hi)
                time += e - s
                for m in removed where m.end > s && m.start < e { time -= min(m.end, e) - max(m.start, s) }
            }
            return time
        }
        var pendingGap = false
        func add(_ start: Int64, step: Int64, count n: Int, time: Int64, end: Int64) {
            if time <= 0 {
                pendingGap = true
                return
            }
            let upTime = up.isEmpty ? 0 : upTime(start, end)
            pieces.append(Piece(firstStart: start, step: step, count: n, time: time, period: periodIndex(of: start),
                                firstIndex: count, gapBefore: pendingGap, upTime: upTime))
            pendingGap = false
            count += n
        }

        switch window {
        case .fixed(let length):
            // Instants where the kind of interval may change: runs between them are uniform.
            var cuts = Set<Int64>([term.0, term.1])
            for m in removed + up { cuts.insert(m.start); cuts.insert(m.end) }
            for q in periods { cuts.insert(q.start); cuts.insert(q.end) }
            let boundaries = cuts.sorted()
            var k = CivilTime.floorDiv(term.0, length)
            let last = CivilTime.floorDiv(term.1 - 1, length)
            while k <= last {
                // Saturating: a century-long window near the end of the supported range.
                let a = k.multipliedReportingOverflow(by: length).overflow ? Int64.max : k * length
                let sum = a.addingReportingOverflow(length)
                let b = sum.overflow ? Int64.max : sum.partialValue
                // The first cut after `a`; intervals ending at or before it are all alike.
                let next = IntervalGrid.firstGreater(than: a, in: boundaries) ?? b
                if next >= b {
                    let n = Int((next - a) / length)
                    add(a, step: length, count: n, time: gridTime(a, b), end: b)
                    k += Int64(n)
                } else {
                    add(a, step: length, count: 1, time: gridTime(a, b), end: b)
                    k += 1
                }
            }
        case .term:
            add(term.0, step: term.1 - term.0, count: 1, time: gridTime(term.0, term.1), end: term.1)
        default:
            var (a, b) = CalendarWindows.bounds(window, zone: zone, containing: term.0)
            while a < term.1 {
                add(a, step: b - a, count: 1, time: gridTime(a, b), end: b)
                (a, b) = CalendarWindows.bounds(window, zone: zone, containing: b)
            }
        }
        for piece in pieces {
            periods[piece.period].intervals += piece.count
            periods[piece.period].time += Int64(piece.count) * piece.time
        }
    }

    /// Maintenance intervals clipped to the term, sorted and merged.
    static func merged(_ maintenance: [MaintenanceInterval], term: (Int64, Int64)) -> [MaintenanceInterval] {
        var result: [MaintenanceInterval] = []
        for m in maintenance.sorted(by: { $0.start < $1.start }) {
            let s = max(m.start, term.0), e = min(m.end, term.1)
            guard s < e else { continue }
            if let last = result.last, s <= last.end {
                result[result.count - 1].end = max(last.end, e)
            } else {
                result.append(MaintenanceInterval(start: s, end: e, asUptime: m.asUptime))
            }
        }
        return result
    }

    static func firstGreater(than value: Int64, in sorted: [Int64]) -> Int64? {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] > value { hi = mid } else { lo = mid + 1 }
        }
        return lo < sorted.count ? sorted[lo] : nil
    }

    /// The period an interval starting at `start` counts in: the one containing it, or the first.
    func periodIndex(of start: Int64) -> Int {
        var lo = 0, hi = periods.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if periods[mid].start <= start { lo = mid + 1 } else { hi = mid }
        }
        return max(0, lo - 1)
    }

    /// The period index whose calendar bounds start at `start`.
    func periodIndex(startingAt start: Int64) -> Int? {
        let i = periodIndex(of: start)
        return i < periods.count && periods[i].start == start ? i : nil
    }

    /// The grid index of the interval that starts at `start`; nil when that interval is not in the
    /// grid (it never is for a window with in-scope records, whose records lie inside it).
    func index(ofIntervalStarting start: Int64) -> Int? {
        var lo = 0, hi = pieces.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if pieces[mid].firstStart <= start { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let piece = pieces[lo - 1]
        let offset = start - piece.firstStart
        guard offset % piece.step == 0, offset / piece.step < Int64(piece.count) else { return nil }
        return piece.firstIndex + Int(offset / piece.step)
    }

    /// The piece holding grid index `index`.
    func pieceIndex(of index: Int) -> Int {
        var lo = 0, hi = pieces.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if pieces[mid].firstIndex <= index { lo = mid + 1 } else { hi = mid }
        }
        return lo - 1
    }

    /// Whether the intervals at `index - 1` and `index` are adjacent in the grid (no interval
    /// wholly removed between them).
    func continues(to index: Int) -> Bool {
        guard index > 0 else { return false }
        let p = pieces[pieceIndex(of: index)]
        return !(p.firstIndex == index && (p.gapBefore || pieces[pieceIndex(of: index - 1)].isUp))
    }

    /// Calls `body(period, count, time)` for the grid intervals `range`, split by period.
    func forEachPeriod(in range: ClosedRange<Int>, _ body: (Int, Int, Int64) -> Void) {
        var i = range.lowerBound
        var k = pieceIndex(of: i)
        while i <= range.upperBound && k < pieces.count {
            let piece = pieces[k]
            let end = min(range.upperBound, piece.firstIndex + piece.count - 1)
            let n = end - i + 1
            body(piece.period, n, Int64(n) * piece.downTime)
            i = end + 1
            k += 1
        }
    }
}
