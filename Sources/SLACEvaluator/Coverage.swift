import SLACChecker
import SLACExact

/// Coverage (docs/reports.md, "Coverage"): which time a clause's verdicts rest on. Time is
/// counted in cells: the clause's windows when they are fixed and at most an hour long, hours
/// (on the epoch's grid, like fixed windows) otherwise. A cell is covered for a group when an
/// in-scope record of the group lies in it; a period's coverage is the covered time within the
/// period and the term over the period's time within the term.
extension CompiledClause {
    /// The covered cells of each of the state's `groups` groups (indexed by group id), sorted by
    /// start.
    func coveredCells(_ state: ClauseState, groups: Int) -> [[Int64]] {
        var byGroup = [[Int64]](repeating: [], count: groups)
        if tracksCells {
            for key in state.cells { byGroup[Int(key.group)].append(key.start) }
        } else {
            // Every stored window holds at least one in-scope record.
            for k in state.windows.indices { byGroup[Int(state.groupOfWindow[k])].append(state.starts[k]) }
        }
        for g in byGroup.indices { byGroup[g].sort() }
        return byGroup
    }

    /// The time of sorted `cells` inside `[from, to)`, less the time in `removed` (maintenance,
    /// sorted and merged): time in a maintenance interval is never covered, even in a cell whose
    /// other part holds a record (docs/reports.md, "Coverage").
    func coveredTime(_ cells: [Int64], from: Int64, to: Int64, removed: [MaintenanceInterval]) -> Int64 {
        guard from < to, !cells.isEmpty else { return 0 }
        // The first cell that ends after `from`.
        var low = 0, high = cells.count
        let threshold = from &- cellLength
        while low < high {
            let mid = (low + high) / 2
            if cells[mid] <= threshold { low = mid + 1 } else { high = mid }
        }
        var total: Int64 = 0
        var i = low
        while i < cells.count && cells[i] < to {
            let start = max(cells[i], from), end = min(cells[i] &+ cellLength, to)
            if end > start {
                total += end - start
                Self.forEachOverlap(of: start, end, in: removed) { s, e in total -= e - s }
            }
            i += 1
        }
        return total
    }

    /// Calls `body` with each part of `[start, end)` that lies in one of the sorted, disjoint
    /// `intervals`, in order.
    static func forEachOverlap(of start: Int64, _ end: Int64, in intervals: [MaintenanceInterval], _ body: (Int64, Int64) -> Void) {
        guard !intervals.isEmpty else { return }
        // The first interval that ends after `start`.
        var low = 0, high = intervals.count
        while low < high {
            let mid = (low + high) / 2
            if intervals[mid].end <= start { low = mid + 1 } else { high = mid }
        }
        var k = low
        while k < intervals.count && intervals[k].start < end {
            let s = max(start, intervals[k].start), e = min(end, intervals[k].end)
            if e > s { body(s, e) }
            k += 1
        }
    }

    /// Sets the coverage of the clause, its periods and its credits.
    func applyCoverage(_ result: inout ClauseResult, state: ClauseState, keyParts: [[GroupKeyPart]]) {
        let byGroup = coveredCells(state, groups: keyParts.count)
        var groupOfKey: [[GroupKeyPart]: Int] = [:]
        for (g, key) in keyParts.enumerated() { groupOfKey[key] = g }
        // nil for a group without cells (a group of another clause with the same `per` fields).
        func cellsOf(_ g: Int) -> [Int64]? { byGroup[g].isEmpty ? nil : byGroup[g] }
        // The cells of all groups, sorted, each once.
        var union = Array(byGroup.joined())
        union.sort()
        var kept = 0
        for cell in union where kept == 0 || union[kept - 1] != cell {
            union[kept] = cell
            kept += 1
        }
        union.removeLast(union.count - kept)
        func clipped(_ start: Int64, _ end: Int64) -> (Int64, Int64) { (max(start, termStart), min(end, termEnd)) }
        let removed = IntervalGrid.merged(maintenance, term: (termStart, termEnd))

        for i in result.periods.indices {
            let p = result.periods[i]
            let (from, to) = clipped(p.start, p.end)
            let cells = groupOfKey[p.key].flatMap(cellsOf) ?? []
            result.periods[i].coveredNanoseconds = coveredTime(cells, from: from, to: to, removed: removed)
            result.periods[i].periodNanoseconds = max(0, to - from)
        }
        for i in result.credits.indices {
            let c = result.credits[i]
            let (from, to) = clipped(c.start, c.end)
            let cells = c.key.flatMap { groupOfKey[$0] }.flatMap(cellsOf) ?? union
            result.credits[i].coveredNanoseconds = coveredTime(cells, from: from, to: to, removed: removed)
            result.credits[i].periodNanoseconds = max(0, to - from)
        }

        var intervals: [CoveredInterval] = []
        func append(_ start: Int64, _ end: Int64) {
            guard end > start else { return }
            if let last = intervals.last, last.end >= start {
                intervals[intervals.count - 1].end = max(last.end, end)
            } else {
                intervals.append(CoveredInterval(start: start, end: end))
            }
        }
        for cell in union {
            let (start, end) = clipped(cell, cell &+ cellLength)
            guard end > start else { continue }
            // The cell less its maintenance.
            var cursor = start
            Self.forEachOverlap(of: start, end, in: removed) { s, e in
                append(cursor, s)
                cursor = e
            }
            append(cursor, end)
        }
        let records = state.windows.reduce(0) { $0 + $1.count }
        result.coverage = ClauseCoverage(
            records: records,
            firstRecord: state.firstRecord <= state.lastRecord ? state.firstRecord : nil,
            lastRecord: state.firstRecord <= state.lastRecord ? state.lastRecord : nil,
            cellNanoseconds: cellLength,
            coveredNanoseconds: intervals.reduce(0) { $0 + ($1.end - $1.start) },
            intervals: intervals)
    }
}
