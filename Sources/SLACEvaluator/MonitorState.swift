import Dispatch
import SLACChecker
import SLACExact

/// A record kept as evidence: its id, its value of the clause's metric, and a score where higher
/// is worse (so one ordering serves upper and lower bounds).
struct Evidence: Sendable, Hashable {
    var score: Double
    var value: Double
    var id: String
    /// The trace the record came from (its index in the run).
    var trace: Int32

    /// Worse first; ties by id, then trace, so the choice never depends on input order.
    static func worse(_ a: Evidence, _ b: Evidence) -> Bool {
        if a.score != b.score { return a.score > b.score }
        if a.id != b.id { return a.id < b.id }
        return a.trace < b.trace
    }
}

/// The state of one (window, group): what the clause's aggregate needs, and nothing that depends on
/// the order records arrived in. `merge` is associative and commutative, which is what makes
/// chunked, multi-core and multi-machine evaluation give the same answer as one pass (README.md, "Architecture").
struct WindowState: Sendable {
    static let evidenceLimit = 5

    var end: Int64
    /// In-scope records.
    var count = 0
    /// Defined values (percentiles keep them all: exact nearest rank needs them).
    var values: [Double] = []
    /// A percentile already selected by whoever accumulated the window (an engine's output, or a
    /// window closed early): the judging half then uses it instead of `values`, which is empty.
    /// Such a window never merges with another (docs/engines.md, "Window aggregates").
    var selected: Double?
    var sum = ExactSum()
    var defined = 0
    var minimum = Double.nan
    var maximum = Double.nan
    var shareTrue = 0
    var shareKnown = 0
    var evidence: [Evidence] = []
    /// The score a candidate needs to be considered for `evidence`: -∞ until the list is full,
    /// then the score of its least bad entry, so that the per-record check reads one number
    /// instead of copying the list's last entry (no speed difference measured on the benchmark).
    var evidenceThreshold = -Double.infinity

    init(end: Int64) { self.end = end }

    /// Whether a candidate with this score could enter the evidence list.
    @inline(__always)
    func admitsEvidence(score: Double) -> Bool {
        score >= evidenceThreshold
    }

    /// Adds a candidate to the worst-first list of at most `evidenceLimit` records.
    ///
    /// Written out (append or replace the last, then move up by swaps) rather than with
    /// `Array.insert(_:at:)`: the generic insertion took about 430 instructions a call, and runs
    /// for most records of small windows (callgrind, 300,000 benchmark records: 102 million
    /// instructions). The list gets its full capacity at its second entry: one allocation instead
    /// of four (1, 2, 4, 8) for a full list, while a window of one record keeps a list of one.
    @inline(__always)
    mutating func addEvidence(_ e: Evidence) {
        let n = evidence.count
        if n == WindowState.evidenceLimit {
            guard Evidence.worse(e, evidence[n - 1]) else { return }
            evidence.withUnsafeMutableBufferPointer { list in
                list[n - 1] = e
                WindowState.moveUp(list, from: n - 1)
            }
            evidenceThreshold = evidence[n - 1].score
            return
        }
        if n == 1 { evidence.reserveCapacity(WindowState.evidenceLimit) }
        evidence.append(e)
        evidence.withUnsafeMutableBufferPointer { WindowState.moveUp($0, from: n) }
        if n + 1 == WindowState.evidenceLimit { evidenceThreshold = evidence[n].score }
    }

    /// Moves the entry at `i` towards the front while it is worse than the one before it.
    @inline(__always)
    private static func moveUp(_ list: UnsafeMutableBufferPointer<Evidence>, from i: Int) {
        var i = i
        while i > 0 && Evidence.worse(list[i], list[i - 1]) {
            list.swapAt(i, i - 1)
            i -= 1
        }
    }

    mutating func merge(_ other: WindowState) {
        precondition(selected == nil && other.selected == nil, "a window whose percentile is selected is final")
        count += other.count
        values.append(contentsOf: other.values)
        sum.merge(other.sum)
        defined += other.defined
        if !other.minimum.isNaN && (minimum.isNaN || other.minimum < minimum) { minimum = other.minimum }
        if !other.maximum.isNaN && (maximum.isNaN || other.maximum > maximum) { maximum = other.maximum }
        shareTrue += other.shareTrue
        shareKnown += other.shareKnown
        for e in other.evidence { addEvidence(e) }
    }
}

/// All windows of one clause, stored densely and found by (window start, group id).
///
/// Group ids are local to the state (each chunk interns its own); `merge` maps them through the
/// group's field values. A per-group cache of the last window makes the common case (records of a
/// group arrive nearly in time order) one array access.
///
/// Memory per group, measured (issue 15) as the peak resident set after the scan (`SLAC_TIMING=1`,
/// release build, one job) of 1M distinct tenants, one record each, under `every 1 hour per
/// tenant` with a p99 and a share clause (two windows per group), less that of 100k, divided by
/// the 900k groups: 584 bytes before, 437 after (292 and 218 per window and group). Where the 437
/// go, about: two `WindowState`s of 104 bytes (+5% array slack), starts, group ids and hash buckets
/// 2 × 20, the last-window cache 2 × 15, the p99 window's value list (48) and evidence list (80),
/// two heap arrays of one element each, and the group's values (`GroupTable` 16, `TextInterner`
/// about 36). The 147 saved: the merge index of group values, a dictionary per clause and chunk
/// built even with one job (2 × 40), now built on the first merge; group values flat, not one
/// array per group (72 to 16); `ExactSum` 24 bytes instead of 32 (2 × 8).
struct ClauseState: Sendable {
    /// Mutated in place by the clause (`windows[i]`); never reordered.
    var windows: [WindowState] = []
    private(set) var starts: [Int64] = []
    private(set) var groupOfWindow: [Int32] = []
    /// Field values of each group id, flat, with an index built on the first merge (issue 15: as
    /// `[[String?]]` with a dictionary index built per clause and chunk they took 152 bytes per
    /// group and clause with one `per` field; now 16, plus the index when merging).
    private(set) var groups = GroupTable(width: 0)
    /// Field values of each group id, made on each access (the clause's `finish` reads them once).
    var groupParts: [[String?]] { (0..<groups.count).map { groups.parts($0) } }
    private var buckets: [Int32] = Array(repeating: -1, count: 256)
    private var lastStart: [Int64] = []
    private var lastWindow: [Int32] = []
    /// For a clause with a period measure: the (period, group) pairs with an in-scope record
    /// (a group exists in a period when it has one; docs/language.md, "Period measures").
    var presence: Set<PeriodKey> = []
    /// For a clause with credits of the charges: the exact sums of each priced token field per
    /// (period, group), over records past the exclusions (scope does not apply to billing).
    var tokenSums: [PeriodKey: [ExactSum]] = [:]
    /// The period of the last record, and the last presence noted (records come nearly sorted).
    var cachedPeriod: (start: Int64, end: Int64) = (1, 0)
    var lastPresence = PeriodKey(start: Int64.min, group: -1)
    /// The trace being scanned (evidence names it); only meaningful while a chunk is scanned.
    var currentTrace: Int32 = 0
    /// The first and last instants of in-scope records (Int64.max / Int64.min when none).
    var firstRecord = Int64.max
    var lastRecord = Int64.min
    /// Records removed by each of the clause's own exclusions (by first match, in order).
    var excludedBy: [Int] = []
    /// For clauses whose windows are longer than a coverage cell: the (cell start, group) pairs
    /// with an in-scope record, and the last cell noted per group (records come nearly sorted).
    var cells: Set<PeriodKey> = []
    var lastCell: [Int64] = []
    /// With windows closed early (`Evaluator.lateness`): whether this state's windows are noted
    /// in `openWindows` when created, the windows not closed yet (storage indices), and whether a
    /// record reached a window already closed (`lateValues`): the input broke the lateness bound
    /// and the trace is evaluated again without closing (docs/formats.md, "Time order").
    var closesWindows = false
    var openWindows: [Int32] = []
    var lateValues = false

    /// Closes the open windows that end at or before `endingBy` and start after `startingAfter`:
    /// `select` picks the percentile from the window's values (reordering them), which are then
    /// freed. A closed window that receives a value later keeps it in `values` beside `selected`,
    /// which `noteLateValues` finds.
    mutating func closeWindows(endingBy: Int64, startingAfter: Int64, select: (inout [Double]) -> Double?) {
        var kept = 0
        for k in openWindows.indices {
            let i = Int(openWindows[k])
            if windows[i].end <= endingBy && starts[i] > startingAfter {
                if !windows[i].values.isEmpty, let value = select(&windows[i].values) {
                    windows[i].selected = value
                    windows[i].values = []
                }
            } else {
                openWindows[kept] = openWindows[k]
                kept += 1
            }
        }
        openWindows.removeLast(openWindows.count - kept)
    }

    /// Sets `lateValues` when a closed window received a value after it was closed.
    mutating func noteLateValues() {
        if windows.contains(where: { $0.selected != nil && !$0.values.isEmpty }) { lateValues = true }
    }

    /// Notes an in-scope record's cell (coverage of clauses with long windows): one comparison
    /// when the group's previous record lay in the same cell, as nearly sorted records mostly do.
    @inline(__always)
    mutating func noteCell(_ cell: Int64, group: Int32) {
        let g = Int(group)
        if g < lastCell.count && lastCell[g] == cell { return }
        noteNewCell(cell, group: group)
    }

    private mutating func noteNewCell(_ cell: Int64, group: Int32) {
        let g = Int(group)
        while lastCell.count <= g { lastCell.append(Int64.min) }
        lastCell[g] = cell
        cells.insert(PeriodKey(start: cell, group: group))
    }

    /// Counts a record removed by the clause's exclusion `index`.
    @inline(__always)
    mutating func noteExcluded(_ index: Int) {
        while excludedBy.count <= index { excludedBy.append(0) }
        excludedBy[index] += 1
    }

    @inline(__always)
    private static func hash(_ start: Int64, _ group: Int32) -> Int {
        let h = UInt64(bitPattern: start) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(UInt32(bitPattern: group)) &* 0xC2B2_AE3D_27D4_EB4F
        return Int(truncatingIfNeeded: h ^ (h >> 31))
    }

    /// Index of the window (start, group), created with `end` when new.
    @inline(__always)
    mutating func window(start: Int64, end: Int64, group: Int32) -> Int {
        let g = Int(group)
        if g < lastStart.count && lastStart[g] == start { return Int(lastWindow[g]) }
        let mask = buckets.count - 1
        var i = ClauseState.hash(start, group) & mask
        var found = -1
        while true {
            let b = buckets[i]
            if b < 0 { break }
            if starts[Int(b)] == start && groupOfWindow[Int(b)] == group { found = Int(b); break }
            i = (i + 1) & mask
        }
        if found < 0 {
            found = windows.count
            windows.append(WindowState(end: end))
            starts.append(start)
            groupOfWindow.append(group)
            buckets[i] = Int32(found)
            if closesWindows { openWindows.append(Int32(found)) }
            if windows.count * 2 > buckets.count { rehash() }
        }
        while lastStart.count <= g {
            lastStart.append(Int64.min)
            lastWindow.append(-1)
        }
        lastStart[g] = start
        lastWindow[g] = Int32(found)
        return found
    }

    private mutating func rehash() {
        let size = buckets.count * 2
        buckets = Array(repeating: -1, count: size)
        let mask = size - 1
        for k in windows.indices {
            var i = ClauseState.hash(starts[k], groupOfWindow[k]) & mask
            while buckets[i] >= 0 { i = (i + 1) & mask }
            buckets[i] = Int32(k)
        }
    }

    /// Records the field values of the chunk's group ids (its interner's table).
    mutating func adoptGroups(_ table: GroupTable) {
        groups = table
    }

    mutating func merge(_ other: ClauseState) {
        if groups.count == 0 && groups.width != other.groups.width { groups = GroupTable(width: other.groups.width) }
        let map = (0..<other.groups.count).map { groups.id(of: other.groups, group: $0) }
        for k in other.windows.indices {
            let w = other.windows[k]
            let index = window(start: other.starts[k], end: w.end, group: map[Int(other.groupOfWindow[k])])
            // A window new to this state (every stored window has count ≥ 1) takes the other's
            // state as it is, sharing its buffers instead of copying its values: chunks of a
            // time-ordered trace share only their boundary windows.
            if windows[index].count == 0 {
                windows[index] = w
            } else if windows[index].selected != nil || w.selected != nil {
                // A window closed early in one chunk has records in another: the input broke
                // the lateness bound (a closed window is final; the trace is evaluated again).
                lateValues = true
            } else {
                windows[index].merge(w)
            }
        }
        for key in other.presence { presence.insert(PeriodKey(start: key.start, group: map[Int(key.group)])) }
        for key in other.cells { cells.insert(PeriodKey(start: key.start, group: map[Int(key.group)])) }
        if other.lateValues { lateValues = true }
        firstRecord = min(firstRecord, other.firstRecord)
        lastRecord = max(lastRecord, other.lastRecord)
        for (i, n) in other.excludedBy.enumerated() where n > 0 {
            while excludedBy.count <= i { excludedBy.append(0) }
            excludedBy[i] += n
        }
        for (key, sums) in other.tokenSums {
            let mapped = PeriodKey(start: key.start, group: map[Int(key.group)])
            if var mine = tokenSums[mapped] {
                for i in mine.indices { mine[i].merge(sums[i]) }
                tokenSums[mapped] = mine
            } else {
                tokenSums[mapped] = sums
            }
        }
    }
}

/// Record counts of one trace (docs/language.md, "Record accounting").
struct TraceCounts: Sendable {
    var lines = 0
    var records = 0
    var accepted = 0
    var rejected = 0
    var outsideTerm = 0
    var excluded = 0
    /// The earliest and latest instants of the records outside the term (Int64.max / Int64.min
    /// when there are none), so that a trace entirely outside the term can say where it lies.
    var outsideFirst = Int64.max
    var outsideLast = Int64.min
    /// The earliest and latest instants of the accepted records (Int64.max / Int64.min when none).
    var acceptedFirst = Int64.max
    var acceptedLast = Int64.min
    /// Records removed by each contract-level exclusion (by first match, in order).
    var excludedBy: [Int] = []
    /// With the repeated-id check: records whose id was seen before in the run.
    var repeatedIDs = 0

    mutating func merge(_ o: TraceCounts) {
        outsideFirst = min(outsideFirst, o.outsideFirst)
        outsideLast = max(outsideLast, o.outsideLast)
        acceptedFirst = min(acceptedFirst, o.acceptedFirst)
        acceptedLast = max(acceptedLast, o.acceptedLast)
        for (i, n) in o.excludedBy.enumerated() where n > 0 {
            while excludedBy.count <= i { excludedBy.append(0) }
            excludedBy[i] += n
        }
        repeatedIDs += o.repeatedIDs
        lines += o.lines
        records += o.records
        accepted += o.accepted
        rejected += o.rejected
        outsideTerm += o.outsideTerm
        excluded += o.excluded
    }
}

/// The whole monitor state of a plan over some records: mergeable across chunks and machines.
package struct MonitorState: Sendable {
    var clauses: [ClauseState]
    var counts: [TraceCounts]
    /// Rejected lines in input order (line numbers relative to the chunk until merged).
    var rejected: [[RejectedRecord]]
    /// Set when a chunk stopped at the window limit.
    var overLimit = false
    /// With the repeated-id check: every id seen (nil when the check is off), the trace a chunk's
    /// ids belong to, and per trace the smallest repeated ids (UTF-8 order).
    var ids: Set<ExactText>?
    var idTrace = 0
    var repeatedExamples: [[String]]

    init(clauseCount: Int, traceCount: Int) {
        clauses = Array(repeating: ClauseState(), count: clauseCount)
        counts = Array(repeating: TraceCounts(), count: traceCount)
        rejected = Array(repeating: [], count: traceCount)
        repeatedExamples = Array(repeating: [], count: traceCount)
    }

    /// Merges the states of consecutive chunks, in order, into this one; their clause states are
    /// moved out of `others` and each is released as soon as it is merged, so that the merge holds
    /// about one copy of the state, not two (issue 15: a million groups with two jobs peaked at
    /// 842 MiB in the merge, against 513 MiB for the scan). Clauses are independent, so with
    /// `parallel` each clause's merge runs as its own task, on clause states this value owns
    /// uniquely (a shared copy would be copied whole on the first write).
    mutating func merge(_ others: inout [MonitorState], rejectedLimit: Int, parallel: Bool) {
        for other in others { mergeAccounting(other, rejectedLimit: rejectedLimit) }
        let pending = PendingClauseStates(moving: &others, clauseCount: clauses.count)
        if parallel && clauses.count > 1 {
            let owned = OwnedClauseStates(clauses)
            clauses = []
            DispatchQueue.concurrentPerform(iterations: owned.count) { c in
                pending.drain(c) { owned.pointer[c].merge($0) }
            }
            clauses = owned.release()
        } else {
            for c in clauses.indices { pending.drain(c) { clauses[c].merge($0) } }
        }
        for other in others { mergeIDs(other) }
    }

    /// Merges a later chunk's ids: each id it holds that is already here was repeated in the
    /// chunk's trace (ids repeated within the chunk were counted while scanning).
    private mutating func mergeIDs(_ other: MonitorState) {
        for t in repeatedExamples.indices {
            for id in other.repeatedExamples[t] { RepeatedIDList.note(id, in: &repeatedExamples[t]) }
        }
        guard let theirs = other.ids else { return }
        guard var mine = ids else {
            ids = theirs
            return
        }
        ids = nil  // `mine` is then the only reference: inserting does not copy the set
        let t = other.idTrace
        var repeats = 0
        for id in theirs where !mine.insert(id).inserted {
            repeats += 1
            RepeatedIDList.note(id.text, in: &repeatedExamples[t])
        }
        ids = mine
        counts[t].repeatedIDs += repeats
    }

    /// Whether nothing has been merged into this state yet (a fresh state of `init`).
    var isEmpty: Bool {
        clauses.allSatisfy { $0.windows.isEmpty && $0.groups.count == 0 && $0.tokenSums.isEmpty }
            && counts.allSatisfy { $0.lines == 0 && $0.records == 0 } && rejected.allSatisfy(\.isEmpty) && ids == nil
    }

    private mutating func mergeAccounting(_ other: MonitorState, rejectedLimit: Int) {
        for t in counts.indices {
            let offset = counts[t].lines
            for r in other.rejected[t] where rejected[t].count < rejectedLimit {
                rejected[t].append(RejectedRecord(path: r.path, line: r.line + offset, reason: r.reason))
            }
            counts[t].merge(other.counts[t])
        }
    }
}

/// The first repeated ids in UTF-8 order, at most `Evaluator.repeatedIDListLimit`: a listing
/// that does not depend on how the trace was split into chunks.
enum RepeatedIDList {
    static func note(_ id: String, in list: inout [String]) {
        let limit = Evaluator.repeatedIDListLimit
        if list.count == limit, let last = list.last, !id.utf8.lexicographicallyPrecedes(last.utf8) { return }
        var i = list.count
        while i > 0 && id.utf8.lexicographicallyPrecedes(list[i - 1].utf8) { i -= 1 }
        if i > 0 && list[i - 1] == id { return }
        list.insert(id, at: i)
        if list.count > limit { list.removeLast() }
    }
}

/// The clause states of chunks to merge, per clause in chunk order, moved out of their
/// `MonitorState`s into manually managed memory, so that parallel merge tasks each drain their own
/// clause's list (distinct memory) and release each state once merged.
private final class PendingClauseStates: @unchecked Sendable {
    private let lists: UnsafeMutablePointer<[ClauseState]>
    private let count: Int

    init(moving states: inout [MonitorState], clauseCount: Int) {
        count = clauseCount
        lists = .allocate(capacity: max(1, clauseCount))
        lists.initialize(repeating: [], count: clauseCount)
        for k in states.indices {
            var clauses: [ClauseState] = []
            swap(&clauses, &states[k].clauses)
            precondition(clauses.count == clauseCount, "chunks of one plan have the same clauses")
            for (c, state) in clauses.enumerated() { lists[c].append(state) }
        }
    }

    /// Hands clause `c`'s states to `body` in chunk order, releasing each after it.
    func drain(_ c: Int, _ body: (ClauseState) -> Void) {
        var list: [ClauseState] = []
        swap(&list, &lists[c])
        list.reverse()
        while let state = list.popLast() { body(state) }
    }

    deinit {
        lists.deinitialize(count: count)
        lists.deallocate()
    }
}

/// Clause states moved into manually managed memory, so that parallel merge tasks each mutate
/// their own element in place (distinct memory, no shared array buffer).
private final class OwnedClauseStates: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<ClauseState>
    let count: Int

    init(_ states: [ClauseState]) {
        count = states.count
        pointer = .allocate(capacity: max(1, states.count))
        pointer.initialize(from: states, count: states.count)
    }

    /// Moves the states back out; the memory is freed.
    func release() -> [ClauseState] {
        let states = Array(UnsafeBufferPointer(start: pointer, count: count))
        pointer.deinitialize(count: count)
        pointer.deallocate()
        return states
    }
}
