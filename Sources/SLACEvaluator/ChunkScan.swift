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
    private var ids: Set<String> = []
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
        var ids: Set<String> = []
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
          assigners.withUnsafeMutableBufferPointer { assigners in
          clauseStates.withUnsafeMutableBufferPointer { clauseStates in
          interners.withUnsafeMutableBufferPointer { interners in
          groupOfRecord.withUnsafeMutableBufferPointer { groupOfRecord in
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
            if idSlot >= 0, let id = record.texts[idSlot], !ids.insert(id).inserted {
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
          }
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

/// A block of a stream in memory of its own: the reader's buffer taken over (`LineBlockReader.
/// takeBlock`), so the next read does not overwrite it. Given back to the pipe once scanned.
struct TakenBlock {
    var skippedLines: Int
    var oversized: OversizedLine?
    var startsContent: Bool
    /// The memory (nil for a block without bytes) and its size; the block is its first `count` bytes.
    var memory: (pointer: UnsafeMutablePointer<UInt8>, capacity: Int)?
    var count: Int

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: memory?.pointer, count: count) }
}

/// Reads the blocks of a stream on a thread of its own, one block ahead of the consumer, so that
/// reading, inflating and hashing (the reader's content observer) overlap scanning. Each block
/// keeps the reader's buffer it was read into (the reader continues in a spare one), so nothing
/// is copied; at most `depth` blocks are queued, so memory stays a few blocks.
final class BlockPipe: @unchecked Sendable {
    // The queue is guarded by `lock`; `slots` counts free places, `filled` queued blocks. The
    // semaphores start at 0 and are signalled up to their capacity: libdispatch stops the process
    // when a semaphore is freed below its initial value, which `slots` is after an early stop.
    private let lock = DispatchSemaphore(value: 0)
    private let slots = DispatchSemaphore(value: 0)
    private let filled = DispatchSemaphore(value: 0)
    private var queue: [TakenBlock] = []
    private var failure: EvaluationError?
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    /// Blocks handed out so far (the number of the next one).
    private var handedOut = 0
    /// Buffers of scanned blocks, handed to the reader again: a fresh 8 MB buffer per block cost
    /// page faults and the kernel's zeroing of every page (3% of perf's samples, gzip, two jobs).
    /// Copying each block out of the reader cost another 4% (memmove).
    private var spare: [(pointer: UnsafeMutablePointer<UInt8>, capacity: Int)] = []

    /// Starts reading `reader` on a thread of its own, at most `depth` blocks ahead of the
    /// consumers (one consumer: 2; several: one each and one more).
    init(reader: LineBlockReader, depth: Int = 2) {
        blockCapacity = reader.blockCapacity
        lock.signal()
        for _ in 0..<max(1, depth) { slots.signal() }
        Thread.detachNewThread { [self] in
            produce(reader)
            done.signal()
        }
    }

    private func produce(_ reader: LineBlockReader) {
        while true {
            slots.wait()
            lock.wait()
            let stop = stopped
            lock.signal()
            if stop {
                filled.signal()  // a consumer still waiting finds the queue empty: the end
                return
            }
            let block: LineBlock?
            do { block = try reader.next() } catch {
                lock.wait()
                failure = EvaluationError(readFailure: error)
                lock.signal()
                filled.signal()
                return
            }
            guard let block else {
                filled.signal()  // the end: `next()` finds the queue empty
                return
            }
            var taken = TakenBlock(skippedLines: block.skippedLines, oversized: block.oversized,
                                   startsContent: block.startsContent, memory: nil, count: block.bytes.count)
            if taken.count > 0 {
                lock.wait()
                let buffer = spare.popLast()
                lock.signal()
                taken.memory = reader.takeBlock(giving: buffer)
            }
            lock.wait()
            queue.append(taken)
            lock.signal()
            filled.signal()
        }
    }

    /// The next block, nil at the end; throws the reader's error.
    func next() throws -> TakenBlock? {
        try nextNumbered()?.block
    }

    /// The next block and its number in the stream (0, 1, …), nil at the end; throws the
    /// reader's error. Several consumers may call it at once: each block goes to one of them, and
    /// the end (or the error) reaches them all.
    func nextNumbered() throws -> (number: Int, block: TakenBlock)? {
        filled.wait()
        lock.wait()
        defer { lock.signal() }
        if !queue.isEmpty {
            let block = queue.removeFirst()
            slots.signal()
            handedOut += 1
            return (handedOut - 1, block)
        }
        filled.signal()  // the end stays visible to the other consumers
        if let failure { throw failure }
        return nil
    }

    /// Gives back a block's memory once scanned, for the reader to fill again; the block's bytes
    /// are invalid after this.
    func recycle(_ block: TakenBlock) {
        guard let memory = block.memory else { return }
        // A buffer grown for a long line is not kept: spares are of the block size.
        if memory.capacity > blockCapacity {
            free(memory.pointer)
            return
        }
        lock.wait()
        spare.append(memory)
        lock.signal()
    }

    /// The reader's block size: spares larger than it are freed, not kept.
    private let blockCapacity: Int

    deinit {
        for memory in spare { free(memory.pointer) }
        for block in queue { if let memory = block.memory { free(memory.pointer) } }
    }

    /// Stops reading early (the consumer hit an error or the window limit).
    func stop() {
        lock.wait()
        stopped = true
        lock.signal()
        slots.signal()
    }

    /// Waits until the reading thread has ended (so that the reader is not used after this).
    func join() {
        done.wait()
    }
}
