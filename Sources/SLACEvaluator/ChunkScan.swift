import SLACChecker
import Dispatch
import Foundation
import SLACTrace

/// The state of scanning one chunk: counts, rejected lines, window state and group interners,
/// fed block by block (blocks of a mapped chunk, or blocks of a stream) and turned into a
/// `MonitorState` at the end.
///
/// Hot path: `scan` moves the state into locals for the duration of a block (the per-record
/// closure then works on locals, not on properties of a value behind a pointer) and back after.
struct ChunkScan {
    private let clauses: [CompiledClause]
    /// The clauses as unretained references. The chunks of all jobs share the clause objects, and
    /// retaining them per record made the cores fight over their reference counts (with two jobs,
    /// swift_retain took 20% of perf's samples; with one job, 4%). `clauses` keeps them alive.
    /// (As structs indexed from an array, each clause was copied per record, and retain/release
    /// took 41% of perf's samples; they are final classes read through a buffer pointer.)
    private let clauseRefs: [Unmanaged<CompiledClause>]
    private let slots: FieldSlots
    private let contractExclusions: CompiledExclusions
    private let termStart: Int64
    private let termEnd: Int64
    private let traceIndex: Int
    private let path: String
    private let internerOfClause: [Int]

    private let traceCount: Int
    private var counts = TraceCounts()
    private var rejected: [RejectedRecord] = []
    private var assigners: [WindowAssigner]
    private var clauseStates: [ClauseState]
    private var interners: [GroupInterner] = []
    private var groupOfRecord: [Int32]
    private var lines = 0
    private var records = 0
    /// Set when the scan stopped at the window limit.
    var overLimit = false
    /// The slot of `id` when the repeated-id check is on, else -1; the ids seen in this chunk,
    /// and the smallest of those repeated within it.
    private let idSlot: Int
    private var ids: Set<ExactText> = []
    private var repeatedExamples: [String] = []
    /// Closing windows early (`Evaluator.lateness`): the bound, and whether the chunk starts its
    /// trace (no record of the trace comes before it); nil when windows stay open.
    private let closing: (lateness: Int64, atTraceStart: Bool)?

    init(_ evaluator: Evaluator, traceIndex: Int, traceCount: Int, path: String,
         closing: (lateness: Int64, atTraceStart: Bool)? = nil) {
        self.closing = closing
        clauses = evaluator.clauses
        clauseRefs = evaluator.clauses.map { Unmanaged.passUnretained($0) }
        slots = evaluator.slots
        contractExclusions = evaluator.contractExclusions
        termStart = evaluator.plan.contract.termStart
        termEnd = evaluator.plan.contract.termEnd
        self.traceIndex = traceIndex
        self.path = path
        self.traceCount = traceCount
        assigners = evaluator.clauses.map(\.assigner)
        clauseStates = evaluator.clauses.map { clause in
            var clauseState = ClauseState()
            clauseState.currentTrace = Int32(traceIndex)
            clauseState.closesWindows = closing != nil && clause.accumulation == .values
            return clauseState
        }
        idSlot = evaluator.checkRepeatedIDs ? (evaluator.request.textFields.firstIndex(of: "id") ?? -1) : -1
        // One interner per distinct `per` field list; clauses sharing it share the group id.
        var groupSpecs: [[Int]] = []
        var interners: [GroupInterner] = []
        var internerOfClause: [Int] = []
        for c in evaluator.clauses {
            if let i = groupSpecs.firstIndex(of: c.groupSlots) { internerOfClause.append(i) } else {
                groupSpecs.append(c.groupSlots)
                interners.append(GroupInterner(slots: c.groupSlots))
                internerOfClause.append(interners.count - 1)
            }
        }
        self.interners = interners
        self.internerOfClause = internerOfClause
        groupOfRecord = Array(repeating: Int32(0), count: interners.count)
    }

    /// Window states held so far (for the resource limit).
    var windowCount: Int { clauseStates.reduce(0) { $0 + $1.windows.count } }

    /// Scans `range` of `bytes` (whole lines, continuing the lines scanned so far); returns the
    /// number of records in it.
    mutating func scan(_ scanner: TraceScanner, _ bytes: UnsafeRawBufferPointer, range: Range<Int>, atInputStart: Bool?) -> Int {
        // Moved out (not copied: a copy would make the first write copy the whole array).
        var counts = self.counts
        var rejected: [RejectedRecord] = []
        swap(&rejected, &self.rejected)
        var assigners: [WindowAssigner] = []
        swap(&assigners, &self.assigners)
        var clauseStates: [ClauseState] = []
        swap(&clauseStates, &self.clauseStates)
        var interners: [GroupInterner] = []
        swap(&interners, &self.interners)
        var groupOfRecord: [Int32] = []
        swap(&groupOfRecord, &self.groupOfRecord)
        var ids: Set<ExactText> = []
        swap(&ids, &self.ids)
        var repeatedExamples: [String] = []
        swap(&repeatedExamples, &self.repeatedExamples)
        let idSlot = self.idSlot
        let internerOfClause = self.internerOfClause
        let termStart = self.termStart, termEnd = self.termEnd
        let slots = self.slots
        let contractExclusions = self.contractExclusions
        let path = self.path
        // The per-clause arrays as buffer pointers for the block: each `&array[c]` per record was a
        // uniqueness check (a runtime call) per clause and record.
        let firstLine = lines + 1
        let result = clauseRefs.withUnsafeBufferPointer { clauseBuffer in
          withMutableBuffers(&assigners, &clauseStates, &interners, &groupOfRecord) { assigners, clauseStates, interners, groupOfRecord in
          scanner.scan(bytes, range: range, firstLine: firstLine, atInputStart: atInputStart, accept: { record in
            if record.timestamp < termStart || record.timestamp >= termEnd {
                counts.outsideTerm += 1
                counts.outsideFirst = min(counts.outsideFirst, record.timestamp)
                counts.outsideLast = max(counts.outsideLast, record.timestamp)
                return
            }
            counts.accepted += 1
            if record.timestamp < counts.acceptedFirst { counts.acceptedFirst = record.timestamp }
            if record.timestamp > counts.acceptedLast { counts.acceptedLast = record.timestamp }
            if idSlot >= 0, let id = record.texts[idSlot], !ids.insert(ExactText(text: id)).inserted {
                counts.repeatedIDs += 1
                RepeatedIDList.note(id, in: &repeatedExamples)
            }
            if !contractExclusions.isEmpty {
                let e = contractExclusions.firstMatch(record, slots)
                if e >= 0 {
                    counts.excluded += 1
                    while counts.excludedBy.count <= e { counts.excludedBy.append(0) }
                    counts.excludedBy[e] += 1
                    return
                }
            }
            for i in interners.indices { groupOfRecord[i] = interners[i].group(record.texts) }
            guard let clauseBase = clauseBuffer.baseAddress else { return }
            for c in 0..<clauseBuffer.count {
                let group = groupOfRecord[internerOfClause[c]]
                clauseBase[c]._withUnsafeGuaranteedRef {
                    $0.observe(record, slots: slots, group: group, assigner: &assigners[c], state: &clauseStates[c])
                }
            }
          }, reject: { line in
            counts.rejected += 1
            if rejected.count < Evaluator.rejectedListLimit {
                rejected.append(RejectedRecord(path: path, line: line.line, reason: line.reason))
            }
          })
          }
        }
        withExtendedLifetime(clauses) {}
        lines += result.lines
        records += result.records
        self.counts = counts
        swap(&rejected, &self.rejected)
        swap(&assigners, &self.assigners)
        swap(&clauseStates, &self.clauseStates)
        swap(&interners, &self.interners)
        swap(&groupOfRecord, &self.groupOfRecord)
        swap(&ids, &self.ids)
        swap(&repeatedExamples, &self.repeatedExamples)
        if closing != nil { closeWindows() }
        return result.records
    }

    /// Closes the windows of percentile clauses that no record of the trace can reach any more,
    /// if the trace is in time order up to the lateness bound L: every record has a timestamp at
    /// least that of any record before it in the trace, less L. Let `last` and `first` be the
    /// latest and earliest timestamps of the chunk's accepted records so far (actual records).
    /// - A window [s, e) with e ≤ last − L gets no record after this point, in this chunk or in
    ///   a later one: such a record comes after the one at `last`, so its time is ≥ last − L ≥ e.
    /// - A window with s > first + L has no record in an earlier chunk: such a record comes before
    ///   the one at `first`, so its time is ≤ first + L < s. The first chunk of a trace has no
    ///   earlier chunk (nor does a stream, one chunk), so there any s will do.
    /// Such a window has all its records in this chunk and has seen them all: its percentile is
    /// final and is selected now, and its values freed; the chunks' merge never sees it twice.
    /// Input that breaks the bound is caught where it would matter, a record reaching a closed
    /// window: in this chunk (`ClauseState.noteLateValues`, at the end) or in another one (the
    /// merge finds the window in two states); the trace is then evaluated again without closing
    /// (`Evaluator.evaluate`). Runs once per block, so windows close a block after the bound.
    private mutating func closeWindows() {
        guard let closing, counts.acceptedFirst <= counts.acceptedLast else { return }
        let (endingBy, o1) = counts.acceptedLast.subtractingReportingOverflow(closing.lateness)
        let (firstPlus, o2) = counts.acceptedFirst.addingReportingOverflow(closing.lateness)
        if o1 || o2 { return }
        let startingAfter = closing.atTraceStart ? Int64.min : firstPlus
        for c in clauseStates.indices where clauseStates[c].closesWindows {
            let clause = clauses[c]
            clauseStates[c].closeWindows(endingBy: endingBy, startingAfter: startingAfter) { clause.selectPercentile(&$0) }
        }
    }

    /// Counts lines a stream's reader consumed without handing them out (`LineBlock.skippedLines`,
    /// before the next block's lines); the last of them, when `oversized`, is a rejected record,
    /// as the scan of a mapped file rejects a line longer than the limit (`LineLimit`).
    mutating func skip(lines skipped: Int, oversized: OversizedLine?) {
        if let oversized {
            counts.rejected += 1
            records += 1
            if rejected.count < Evaluator.rejectedListLimit {
                rejected.append(RejectedRecord(path: path, line: lines + skipped - oversized.lines + 1, reason: oversized.reason))
            }
        }
        lines += skipped
    }

    /// The chunk's monitor state (group ids resolved to their field values).
    consuming func finish() -> MonitorState {
        counts.lines = lines
        counts.records = records
        for c in clauseStates.indices {
            clauseStates[c].adoptGroups(interners[internerOfClause[c]].table)
            if clauseStates[c].closesWindows {
                clauseStates[c].noteLateValues()
                clauseStates[c].closesWindows = false
                clauseStates[c].openWindows = []
            }
        }
        var state = MonitorState(clauseCount: 0, traceCount: traceCount)
        state.clauses = clauseStates
        state.counts[traceIndex] = counts
        state.rejected[traceIndex] = rejected
        state.overLimit = overLimit
        if idSlot >= 0 {
            state.ids = ids
            state.idTrace = traceIndex
            state.repeatedExamples[traceIndex] = repeatedExamples
        }
        return state
    }
}

/// Runs `body` with four arrays as mutable buffers: one uniqueness check each for the whole call.
@inline(__always)
private func withMutableBuffers<A, B, C, D, Result>(
    _ a: inout [A], _ b: inout [B], _ c: inout [C], _ d: inout [D],
    _ body: (UnsafeMutableBufferPointer<A>, UnsafeMutableBufferPointer<B>, UnsafeMutableBufferPointer<C>,
             UnsafeMutableBufferPointer<D>) -> Result
) -> Result {
    a.withUnsafeMutableBufferPointer { a in
        b.withUnsafeMutableBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                d.withUnsafeMutableBufferPointer { d in body(a, b, c, d) }
            }
        }
    }
}
