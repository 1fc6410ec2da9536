import Dispatch
import Foundation
import SLACTrace
import Synchronization

// Streamed inputs: scanning a stream with one job or several, the reading thread that hands
// out blocks, and the in-order merge of the blocks' states.

extension Evaluator {
    /// Scans a streamed input (gzip, zstd, standard input, a pipe) block by block into one state,
    /// with its digest. The reader digests what it reads (`TraceSource(stream:…)`). With one job
    /// and a second core, one thread reads, inflates and digests the next block (`BlockPipe`)
    /// while this one scans the current one; with one core, this thread does everything; with
    /// several jobs, the blocks are scanned by all of them (`scanStreamInParallel`).
    func scanStream(_ trace: TraceSource, _ reader: LineBlockReader, scanner: TraceScanner, traceIndex t: Int, traceCount: Int,
                    jobs: Int, lateness: Int64? = nil, progress: (@Sendable (Int, Int) -> Void)?) throws -> (MonitorState, String) {
        if jobs > 1 {
            return try scanStreamInParallel(trace, reader, scanner: scanner, traceIndex: t, traceCount: traceCount, jobs: jobs,
                                            lateness: lateness, progress: progress)
        }
        let digester = trace.makeDigester()
        var chunk = ChunkScan(self, traceIndex: t, traceCount: traceCount, path: trace.displayPath,
                              closing: lateness.map { ($0, true) })
        func consume(_ block: UnsafeRawBufferPointer, skippedLines: Int, oversized: OversizedLine?, startsContent: Bool) -> Bool {
            chunk.skip(lines: skippedLines, oversized: oversized)
            let records = chunk.scan(scanner, block, range: 0..<block.count, atInputStart: startsContent) + (oversized == nil ? 0 : 1)
            progress?(block.count, records)
            if chunk.windowCount > windowLimit {
                chunk.overLimit = true
                return false
            }
            return true
        }
        // With one job and a second core (`hashThread`), reading, inflating and hashing have a
        // thread of their own, as with several jobs.
        if !hashThread {
            while let block = try Evaluator.nextBlock(reader) {
                if !consume(block.bytes, skippedLines: block.skippedLines, oversized: block.oversized, startsContent: block.startsContent) { break }
            }
        } else {
            // The reading thread also digests each block. Callgrind, 300,000 records gzip: the
            // scanning thread's instructions 5.952 → 3.781 billion (the reading thread 2.18).
            let pipe = BlockPipe(reader: reader)
            // Runs when this block ends: the reading thread has stopped before the digest is
            // finalised below (it updates the same digester).
            defer {
                pipe.stop()
                pipe.join()
            }
            while let block = try pipe.next() {
                let more = consume(block.bytes, skippedLines: block.skippedLines, oversized: block.oversized,
                                   startsContent: block.startsContent)
                pipe.recycle(block)
                if !more { break }
            }
        }
        return (chunk.finish(), digester.finalize())
    }

    static func nextBlock(_ reader: LineBlockReader) throws -> LineBlock? {
        do { return try reader.next() } catch { throw EvaluationError(readFailure: error) }
    }

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
        // The workers at a lower priority than the reading thread: reading, inflating and hashing
        // is the one serial stage (about 1.5 s of CPU for the zstd copy of the 1 GB benchmark
        // trace), and with three threads on two cores it got only its share of them. zstd, two
        // jobs, 5 alternating runs each (a busy period of this machine): 3.22 → 2.89 s, 2.90 →
        // 2.74 s, 2.83 → 2.62 s (niceness 10); gzip, whose inflating is cheaper, 2.81 → 2.80 s.
        Evaluator.runWorkers(jobs, niceness: Evaluator.streamWorkerNiceness) { _ in
            while !merge.stopped {
                // At most `2 × jobs` blocks taken and not merged yet: a slow block does not let
                // the states of the blocks after it pile up.
                merge.reserve()
                // A stop wakes the workers waiting for a place: they take no block after it.
                if merge.stopped {
                    merge.release()
                    return
                }
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

extension Evaluator {
    /// Scans a mapped input with several jobs the way a stream is scanned: the input is cut into
    /// blocks in file order (`MappedBlockFeed`); each worker takes the next block, adds it to the
    /// digest in file order, scans it into a state of its own, releases its pages, and merges the
    /// states in file order as they become ready (`OrderedStateMerge`).
    ///
    /// Why not chunks (the layout before, 16 for two jobs): the digest ran on a worker far ahead
    /// of the scan and released pages the scanners then faulted in again, and the chunk states
    /// were merged after the scan, on one core. Here every page is faulted in once (by the digest,
    /// just before the scan), and the merge runs beside the scan. On the 1 GB benchmark trace
    /// with two jobs, 5 alternating runs: system time 0.40 → 0.21 s, wall 1.75 → 1.69 s, the
    /// merge phase after the scan 0.04 → 0.001 s, report identical (README, "Benchmarks").
    /// The digest then moved from a thread of its own, a few blocks ahead, to the worker that
    /// scans the block next (`MappedBlockFeed.digest`): 8 alternating runs, 1.61 → 1.49 s.
    func scanMappedBlocks(scanner: TraceScanner, input: TraceInput, format: TraceFormat, span: Range<Int>, traceIndex t: Int,
                          traceCount: Int, path: String, jobs: Int, lateness: Int64?, digester: (any TraceDigester)?,
                          progress: (@Sendable (Int, Int) -> Void)?) -> MonitorState {
        // Blocks of twice `blockSize` (16 MB): every block's state is made, finished and merged on
        // its own, and with the benchmark contract (a p99 over 5-minute windows) 8 MB blocks took
        // more CPU for the same work: 1 GB trace, two jobs, 8 alternating runs, 2.425 → 2.335 s of
        // CPU and 1.310 → 1.265 s; the 25M-record trace 5.22 → 4.77 s; reports identical. The peak
        // of a percentile-free contract on the 1 GB trace rose from 50 to 67 MiB (the blocks in
        // flight), so one job and streams keep `blockSize`.
        // At least four blocks a job, so that a file of a few megabytes is shared by the jobs too.
        let size = min(2 * blockSize, max(1 << 16, span.count / (4 * jobs) + 1))
        let feed = MappedBlockFeed(input: input, format: format, span: span, blockSize: size, digester: digester)
        let merge = OrderedStateMerge(clauses: clauses, lateness: lateness, windowLimit: windowLimit, ahead: 2 * jobs)
        Evaluator.runWorkers(jobs, niceness: 0) { _ in
            let bytes = input.bytes
            while !merge.stopped {
                merge.reserve()
                // A stop wakes the workers waiting for a place: they take no block after it.
                guard !merge.stopped, let (number, block) = feed.nextNumbered() else {
                    merge.release()
                    return
                }
                feed.digest(number, block)
                var chunk = ChunkScan(self, traceIndex: t, traceCount: traceCount, path: path,
                                      closing: lateness.map { ($0, block.lowerBound == 0) })
                let records = chunk.scan(scanner, bytes, range: block, atInputStart: nil)
                input.releasePages(block)
                progress?(block.count, records)
                if chunk.windowCount > windowLimit { chunk.overLimit = true }
                merge.deliver(number, chunk.finish())
                if merge.stopped { feed.stop() }
            }
        }
        feed.stop()
        return merge.result(traceCount: traceCount)
    }
}

extension Evaluator {
    /// Runs `body` on `count` threads of their own, each given its number (0..<count), `niceness`
    /// below the process's priority (Linux; elsewhere at its priority), and waits until all have
    /// returned. The threads end with the call, so the priority does not outlive it (raising a
    /// thread's niceness cannot be undone without privileges).
    static func runWorkers(_ count: Int, niceness: Int32, _ body: @escaping @Sendable (_ worker: Int) -> Void) {
        startWorkers(count, niceness: niceness, body).wait()
    }

    /// `runWorkers` without the wait: for a caller that works on beside the threads (the report's
    /// parts and its file, written while the caller appends or seals). Threads of their own, not
    /// Dispatch's pool, because the caller waits for them: a pool busy with waiting callers (the
    /// tests run many at once) may never run them.
    package static func startWorkers(_ count: Int, niceness: Int32,
                                     _ body: @escaping @Sendable (_ worker: Int) -> Void) -> StartedWorkers {
        precondition(count >= 1, "at least one worker")
        let done = DispatchSemaphore(value: 0)
        for worker in 0..<count {
            Thread.detachNewThread {
                #if os(Linux)
                // Relative to the process's niceness; on Linux, of the calling thread only.
                if niceness > 0 {
                    let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
                    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, current + niceness))
                }
                #endif
                body(worker)
                done.signal()
            }
        }
        return StartedWorkers(done: done, count: count)
    }
}

/// Threads started by `Evaluator.startWorkers`; `wait` returns once all have returned (call it
/// once).
package struct StartedWorkers: Sendable {
    fileprivate let done: DispatchSemaphore
    fileprivate let count: Int

    package func wait() {
        for _ in 0..<count { done.wait() }
    }
}

extension Evaluator {
    /// The niceness of the jobs scanning a stream (`scanStreamInParallel`): below the reading
    /// thread, so that the serial stage gets a core whenever it can run.
    static let streamWorkerNiceness: Int32 = 5
}

/// The blocks of a mapped input in file order (`Evaluator.scanMappedBlocks`), cut as the jobs ask
/// for them; each job hashes the block it took, in file order (`digest`), then scans it.
///
/// Why no thread of its own: a feeding thread that hashed each block before handing it out made
/// three busy threads on two cores, and hashed blocks up to three ahead of the scan, so a block
/// left the processor's caches between its digest and its scan. Hashed by the job that scans it
/// next, a block is read from memory once; in file order, the digest is that of the whole input.
final class MappedBlockFeed: @unchecked Sendable {
    private let condition = NSCondition()
    private let bytes: UnsafeRawBufferPointer
    private let format: TraceFormat
    private let span: Range<Int>
    private let blockSize: Int
    private let digester: (any TraceDigester)?
    /// Guarded by `condition`: where the next block starts, blocks handed out, blocks hashed.
    private var next: Int
    private var handedOut = 0
    private var hashed = 0
    private var stopped = false

    /// Cuts `span` of `input` (whole lines; CSV rows) into blocks of about `blockSize` bytes, to be
    /// hashed with `digester` (nil: no digest). An empty span is one empty block, so that the
    /// workers make the state of an empty input.
    init(input: TraceInput, format: TraceFormat, span: Range<Int>, blockSize: Int, digester: (any TraceDigester)?) {
        bytes = input.bytes
        self.format = format
        self.span = span
        self.blockSize = blockSize
        self.digester = digester
        next = span.lowerBound
    }

    /// The next block and its number (0, 1, …), nil at the end or after `stop`. Several workers
    /// may call it at once: each block goes to one of them.
    func nextNumbered() -> (number: Int, block: Range<Int>)? {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped, next < span.upperBound || (span.isEmpty && handedOut == 0) else { return nil }
        // An empty span gives one empty block (`blockEnd` returns the limit).
        let end = Evaluator.blockEnd(bytes, from: next, to: span.upperBound, size: blockSize, format: format)
        let block = next..<end
        next = end
        handedOut += 1
        return (handedOut - 1, block)
    }

    /// Adds block `number` to the digest once every block before it is in (the worker that took
    /// it waits for its turn; the one before it is usually hashed long since, while this worker
    /// was scanning). Returns at once after `stop`: the digest of a stopped run is not used.
    func digest(_ number: Int, _ block: Range<Int>) {
        guard let digester else { return }
        condition.lock()
        while hashed != number && !stopped { condition.wait() }
        let stop = stopped
        condition.unlock()
        if stop { return }
        digester.update(UnsafeRawBufferPointer(rebasing: bytes[block]))
        condition.lock()
        hashed += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Stops handing out blocks (the windows exceeded the limit), and wakes workers waiting to hash.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
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

/// A block of a stream in memory of its own: the reader's buffer taken over (`LineBlockReader.
/// takeBlock`), so the next read does not overwrite it. Given back to the pipe once scanned.
struct TakenBlock {
    var skippedLines: Int
    var oversized: OversizedLine?
    var startsContent: Bool
    /// The memory (nil for a block without bytes) and its size; the block is its first `count` bytes.
    var memory: LineBlockReader.BlockMemory?
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
    private var spare: [LineBlockReader.BlockMemory] = []
    /// The reader's block size: spares larger than it are freed, not kept.
    private let blockCapacity: Int

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
