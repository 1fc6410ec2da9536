import Dispatch
import Foundation
import SLACTrace
import Synchronization

extension Evaluator {
    /// Scans a stream (gzip, zstd, a pipe) with several jobs: the reading thread reads, inflates
    /// and digests blocks (`BlockPipe`); `jobs` workers each take the next block and scan it into
    /// a state of its own; the states are merged in stream order as they become ready, by whichever
    /// worker delivers the next one, so the merged state never waits for the whole stream.
    ///
    /// Before this, a stream had one scanning thread whatever `--jobs` said, so a gzip copy of the
    /// 1 GB benchmark trace took 3.25 s with two jobs against 2.42 s for the plain file (issue 16).
    ///
    /// Windows closing early (docs/formats.md, "Time order") works on two levels: each block closes
    /// the windows it holds whole (`ChunkScan.closeWindows`, the first block as the start of the
    /// trace), and the merged state, which always holds a prefix of the stream, closes the windows
    /// that end at or before its latest record less the bound (the argument of
    /// `ChunkScan.closeWindows` with the merged prefix as the chunk that starts the trace). A
    /// block holding a record for a window closed either way is found at the merge
    /// (`ClauseState.merge` sets `lateValues`), and the trace is evaluated again.
    func scanStreamInParallel(_ trace: TraceSource, _ reader: LineBlockReader, scanner: TraceScanner, traceIndex t: Int,
                              traceCount: Int, jobs: Int, lateness: Int64?,
                              progress: (@Sendable (Int, Int) -> Void)?) throws -> (MonitorState, String) {
        let digester = trace.makeDigester()
        let pipe = BlockPipe(reader: reader, depth: jobs + 1)
        let merge = OrderedStateMerge(clauses: clauses, lateness: lateness, windowLimit: windowLimit, ahead: 2 * jobs)
        let path = trace.displayPath
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while !merge.stopped {
                // At most `2 × jobs` blocks taken and not merged yet: a slow block does not let
                // the states of the blocks after it pile up.
                merge.reserve()
                let next: (number: Int, block: TakenBlock)?
                do { next = try pipe.nextNumbered() } catch {
                    merge.fail(error)
                    pipe.stop()
                    return
                }
                guard let (number, block) = next else {
                    merge.release()
                    return
                }
                defer { pipe.recycle(block) }
                var chunk = ChunkScan(self, traceIndex: t, traceCount: traceCount, path: path,
                                      closing: lateness.map { ($0, number == 0) })
                chunk.skip(lines: block.skippedLines, oversized: block.oversized)
                let records = chunk.scan(scanner, block.bytes, range: 0..<block.count, atInputStart: block.startsContent)
                    + (block.oversized == nil ? 0 : 1)
                progress?(block.count, records)
                if chunk.windowCount > windowLimit { chunk.overLimit = true }
                merge.deliver(number, chunk.finish())
                if merge.stopped { pipe.stop() }
            }
        }
        // The reading thread may still be inside a read after an early stop, updating the
        // digesters: it ends before the digest is finished.
        pipe.stop()
        pipe.join()
        if let failure = merge.failure { throw failure }
        return (merge.result(traceCount: traceCount), digester.finalize())
    }
}

/// The states of a stream's blocks, merged in stream order as they arrive from the workers
/// (`Evaluator.scanStreamInParallel`); a state that arrives before its predecessors waits.
final class OrderedStateMerge: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private let clauses: [CompiledClause]
    private let lateness: Int64?
    private let windowLimit: Int
    /// The merged prefix of the stream (blocks 0..<`nextNumber`), nil before block 0 arrives.
    private var merged: MonitorState?
    private var nextNumber = 0
    private var waiting: [Int: MonitorState] = [:]
    /// Set under `lock`; read without it by workers between blocks (a merge in progress holds the
    /// lock, and workers should not wait for it just to learn that nothing stopped).
    private let stopFlag = Atomic<Bool>(false)
    private(set) var failure: Error?
    /// Places for blocks taken and not merged yet. Starts at 0 and is signalled up to its
    /// capacity (libdispatch stops the process when a semaphore is freed below its initial value).
    private let places = DispatchSemaphore(value: 0)
    private let capacity: Int

    init(clauses: [CompiledClause], lateness: Int64?, windowLimit: Int, ahead: Int) {
        self.clauses = clauses
        self.lateness = lateness
        self.windowLimit = windowLimit
        capacity = max(1, ahead)
        for _ in 0..<capacity { places.signal() }
    }

    /// Whether the workers should stop: a read failed, or the windows exceeded the limit.
    var stopped: Bool { stopFlag.load(ordering: .acquiring) }

    /// Waits for a place before taking a block; `release` gives it back when no block was taken,
    /// and merging a block gives back its place.
    func reserve() { places.wait() }
    func release() { places.signal() }

    private func stop() {
        if stopFlag.load(ordering: .relaxed) { return }
        stopFlag.store(true, ordering: .releasing)
        // Wake every worker waiting for a place: they then see the stop.
        for _ in 0..<capacity { places.signal() }
    }

    func fail(_ error: Error) {
        lock.wait()
        if failure == nil { failure = error }
        stop()
        lock.signal()
    }

    /// Hands over block `number`'s state; merges it and every waiting successor when it is next.
    func deliver(_ number: Int, _ state: consuming MonitorState) {
        lock.wait()
        defer { lock.signal() }
        waiting[number] = consume state
        while let state = waiting.removeValue(forKey: nextNumber) {
            nextNumber += 1
            append(state)
            places.signal()
            if stopFlag.load(ordering: .relaxed) { return }
        }
    }

    /// Merges the next block's state into the prefix (the lock is held).
    private func append(_ state: consuming MonitorState) {
        if state.overLimit { stop() }
        guard var total = merged else {
            var first = consume state
            if lateness != nil {
                // Windows the first block left open are closed from now on by the merged prefix.
                for c in first.clauses.indices where clauses[c].accumulation == .values {
                    first.clauses[c].closesWindows = true
                    first.clauses[c].openWindows = first.clauses[c].windows.indices.compactMap {
                        first.clauses[c].windows[$0].selected == nil ? Int32($0) : nil
                    }
                }
            }
            closeWindows(&first)
            merged = first
            return
        }
        merged = nil  // `total` is then the only reference: merging does not copy it
        var others = [consume state]
        total.merge(&others, rejectedLimit: Evaluator.rejectedListLimit, parallel: false)
        if total.clauses.reduce(0, { $0 + $1.windows.count }) > windowLimit {
            total.overLimit = true
            stop()
        }
        closeWindows(&total)
        merged = total
    }

    /// Closes the windows of the merged prefix that no later record can reach under the bound.
    /// (In place: a second reference to the state would make the first write copy every window.)
    private func closeWindows(_ total: inout MonitorState) {
        guard let lateness else { return }
        let counts = total.counts.reduce(into: TraceCounts()) { $0.merge($1) }
        guard counts.acceptedFirst <= counts.acceptedLast else { return }
        let (endingBy, overflow) = counts.acceptedLast.subtractingReportingOverflow(lateness)
        if overflow { return }
        for c in total.clauses.indices where total.clauses[c].closesWindows {
            let clause = clauses[c]
            total.clauses[c].closeWindows(endingBy: endingBy, startingAfter: Int64.min) { clause.selectPercentile(&$0) }
        }
    }

    /// The merged state of the whole stream (after the workers have ended).
    func result(traceCount: Int) -> MonitorState {
        lock.wait()
        defer { lock.signal() }
        guard var total = merged else { return MonitorState(clauseCount: clauses.count, traceCount: traceCount) }
        merged = nil
        for c in total.clauses.indices where total.clauses[c].closesWindows {
            total.clauses[c].noteLateValues()
            total.clauses[c].closesWindows = false
            total.clauses[c].openWindows = []
        }
        return total
    }
}
