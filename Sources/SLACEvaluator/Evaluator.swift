import Dispatch
import Foundation
import SLACChecker
import SLACExact
import SLACMonitor
import SLACSyntax
import SLACTrace

/// A digest computed block by block (SHA-256 in the tool; injected to keep crypto out of here).
package protocol TraceDigester: AnyObject, Sendable {
    func update(_ bytes: UnsafeRawBufferPointer)
    func finalize() -> String
}

/// One trace input to evaluate: its bytes, its format, and how to digest it.
package struct TraceSource: Sendable {
    /// Where a trace's bytes come from.
    package enum Content: Sendable {
        /// The whole content, memory-mapped or in memory: cut into blocks shared by the jobs.
        case whole(TraceInput)
        /// Read front to back in blocks of whole lines (gzip files, standard input, pipes), so
        /// that memory stays flat in the trace length.
        case stream(LineBlockReader)
    }

    package var content: Content
    /// The whole input, when the trace is not streamed.
    package var input: TraceInput? {
        if case .whole(let input) = content { return input }
        return nil
    }
    package var format: TraceFormat
    /// Path as shown in reports.
    package var displayPath: String
    /// Makes the trace's digest, fed the content block by block (SHA-256 in the tool; injected so
    /// that the evaluator does not depend on a crypto library). With one job and a second core, a
    /// thread of its own hashes the mapping while the scan runs, within two blocks of it, and each
    /// block's pages are released once both have passed it (`HashPacer`: faulted in once, not
    /// twice); on one core each block is hashed right before it is scanned (measured with
    /// `SLAC_TIMING` on the 1 GB benchmark trace, 3 runs each: scan phase 2.23–2.30 s so, 2.40–2.42 s
    /// when the hashing released pages the scan then faulted in again); with several jobs each
    /// job hashes the block it took, in file order, before it scans it (`MappedBlockFeed`); a
    /// stream is hashed as it is read.
    package var makeDigester: @Sendable () -> any TraceDigester

    /// A whole (mapped or loaded) input.
    package init(input: TraceInput, format: TraceFormat, displayPath: String, makeDigester: @escaping @Sendable () -> any TraceDigester) {
        self.content = .whole(input)
        self.format = format
        self.displayPath = displayPath
        self.makeDigester = makeDigester
    }

    /// A streamed source (its format decided from `reader.prefix()`). `digester` must be the
    /// reader's `contentObserver`, set before its first read: the reader drops leading blank lines
    /// and skips overlong lines, which no block holds, and the digest is of all the content.
    package init(stream reader: LineBlockReader, format: TraceFormat, displayPath: String, digester: any TraceDigester) {
        reader.setFormat(format)
        self.content = .stream(reader)
        self.format = format
        self.displayPath = displayPath
        self.makeDigester = { digester }
    }

    /// What adapter formats need beyond the bytes (`--epoch`, the place of undated records).
    package var adapterOptions = AdapterOptions()

    /// For a stream: a fresh reader of the same content from its start, to evaluate it again when
    /// it breaks the lateness bound (`Evaluator.lateness`); nil when it cannot be read twice
    /// (standard input, a pipe): the evaluation then fails with an error in that case.
    package var reopen: (@Sendable () throws(TraceInputError) -> LineBlockReader)?

    /// A source whose digest is already known (the evaluator then does not hash it).
    package init(input: TraceInput, format: TraceFormat, sha256: String, displayPath: String) {
        self.init(input: input, format: format, displayPath: displayPath, makeDigester: { KnownDigest(sha256) })
    }
}

/// A digest given in advance: ignores the content.
private final class KnownDigest: TraceDigester {
    let value: String
    init(_ value: String) { self.value = value }
    func update(_ bytes: UnsafeRawBufferPointer) {}
    func finalize() -> String { value }
}

package struct EvaluationError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }

    init(message: String) { self.message = message }

    /// A trace that failed while being read (a stream found corrupt after its first block), worded
    /// like a trace that cannot be opened.
    init(readFailure error: TraceInputError) {
        message = "cannot read trace `\(error.path)`: \(error.message)"
    }
}

/// Stage 4: runs a monitor plan over traces (docs/language.md).
///
/// Each trace is split at line boundaries into one chunk per job; every chunk builds its own
/// `MonitorState`, and the states merge in file order. The result cannot depend on the split.
package struct Evaluator: Sendable {
    package let plan: MonitorPlan
    let request: TraceFieldRequest
    /// Whether the plan reads `id` only for evidence (`PlanFields.readsIDOnlyForEvidence`).
    let idOnlyForEvidence: Bool
    /// What the native reader is asked for: `request`, with `id` left in the input until evidence
    /// cites it, unless `--check-ids` needs every id.
    var scanRequest: TraceFieldRequest {
        var r = request
        if idOnlyForEvidence && !checkRepeatedIDs { r.deferredTextField = "id" }
        return r
    }
    let slots: FieldSlots
    let contractExclusions: CompiledExclusions
    let clauses: [CompiledClause]
    let zone: ZoneRules
    /// How many rejected records the report lists (all are counted).
    package static let rejectedListLimit = 100
    /// How many repeated ids a trace's accounting lists (all are counted).
    package static let repeatedIDListLimit = 10
    /// Count the accepted records whose `id` was already seen in the run (`--check-ids`). Off by
    /// default: it keeps every id in memory (README, "Benchmarks", has its cost).
    package var checkRepeatedIDs = false
    /// The lateness bound in nanoseconds: how far out of time order a run's records may be
    /// (docs/formats.md, "Time order"). When set and the run has one trace, a percentile clause's
    /// window is closed (its percentile selected and its values freed) once the trace's time is
    /// past its end plus the bound, so that memory stays flat in the trace's length. A trace that
    /// breaks the bound is evaluated again with every window open, and `notice` says so. nil
    /// keeps every window open. Ten minutes: logs merged from several servers are out of order
    /// by seconds, and a collector that retries a batch delivers it minutes late; a larger bound
    /// only keeps a few more windows open.
    package var lateness: Int64? = Evaluator.defaultLateness
    package static let defaultLateness: Int64 = 600_000_000_000
    /// Called with a line for standard error when a trace breaks the lateness bound.
    package var notice: (@Sendable (String) -> Void)?

    /// Whether a run of one trace may close windows before its end (a lateness bound and a clause
    /// that keeps values): such a trace may have to be read twice (`TraceSource.reopen`).
    package var mayReadTwice: Bool { lateness != nil && clauses.contains { $0.accumulation == .values } }

    /// Validates the plan first (`MonitorPlan.validated()`): a plan is a file and may have been
    /// edited; one a contract could not have produced is refused with the rule it breaks.
    package init(plan: MonitorPlan) throws {
        let validated: ValidatedPlan
        do { validated = try plan.validated() } catch { throw EvaluationError(message: error.description) }
        try self.init(validated: validated)
    }

    package init(validated: ValidatedPlan) throws {
        let plan = validated.plan
        self.plan = plan
        zone = validated.zone
        let request = TraceFieldRequest(numericFields: plan.fields.numeric, textFields: plan.fields.text, listFields: plan.fields.list)
        self.request = request
        let slots = FieldSlots(request)
        self.slots = slots
        idOnlyForEvidence = PlanFields.readsIDOnlyForEvidence(plan)
        contractExclusions = CompiledExclusions(plan.exclusions, request)
        clauses = plan.clauses.map { CompiledClause($0, request: request, zone: validated.zone, plan: plan, fee: validated.fee) }
    }

    /// Evaluates all traces, each scanned by `jobs` threads.
    /// `progress` is called from worker threads after each scanned block with the bytes and
    /// records of that block (for a progress bar); it must be thread-safe.
    package func evaluate(_ traces: [TraceSource], jobs: Int = 1,
                         progress: (@Sendable (_ bytes: Int, _ records: Int) -> Void)? = nil) throws -> EvaluationResult {
        let timing = PhaseTiming()
        defer { timing.report() }
        var total = MonitorState(clauseCount: clauses.count, traceCount: traces.count)
        var digests: [String] = []
        // Windows close early with one trace only: the windows of several traces merge, and each
        // trace is in time order on its own, not together.
        let lateness = traces.count == 1 ? self.lateness : nil
        for (t, trace) in traces.enumerated() {
            let scanned = try scan(trace, traceIndex: t, traceCount: traces.count, jobs: jobs, lateness: lateness, progress: progress)
            var chunkStates = scanned.0
            digests.append(scanned.1)
            timing.mark("scan")
            try mergeTrace(&chunkStates, into: &total, jobs: jobs)
            if lateness != nil, total.clauses.contains(where: \.lateValues) {
                let bound = Evaluator.durationText(lateness ?? 0)
                guard trace.input != nil || trace.reopen != nil else {
                    throw EvaluationError(message: "`\(trace.displayPath)` is out of time order by more than \(bound) (the lateness "
                        + "bound) and cannot be read twice; pass `--lateness none`, or a larger bound, or the trace as a file")
                }
                notice?("note: `\(trace.displayPath)` is out of time order by more than \(bound) (the lateness bound): evaluating it "
                    + "again with every window kept open (memory then grows with the trace; `--lateness` sets the bound)\n")
                total = MonitorState(clauseCount: clauses.count, traceCount: traces.count)
                (chunkStates, _) = try scan(trace, traceIndex: t, traceCount: traces.count, jobs: jobs, lateness: nil,
                                            progress: nil, again: true)
                timing.mark("scan again")
                try mergeTrace(&chunkStates, into: &total, jobs: jobs)
            }
            timing.mark("merge")
        }
        defer { timing.mark("finish") }
        let result = finish(total, paths: traces.map(\.displayPath), formats: traces.map(\.format.rawValue), digests: digests, parallel: jobs > 1)
        Evaluator.freeInBackground(consume total)
        return result
    }

    /// Frees a run's state on a thread of its own, at the lowest priority.
    ///
    /// Why: freeing every window's values and evidence took 30 ms on one core after the 1 GB
    /// benchmark run (perf, two jobs), before the report could be written; the report is now
    /// written and sealed while the state is freed, mostly on the core the seal leaves idle.
    /// With the window results built in slices (`CompiledClause.windowResults`), the run's wall
    /// time less its scan went from 0.186 to 0.157 s (`SLAC_TIMING=1`, 10 alternating runs).
    /// `slac verify` hands its evaluation result here too once the report is written: freeing
    /// the 100,539 window results of the benchmark run took about 10 ms of one core before the
    /// process could exit (perf, two jobs).
    /// On one core there is no other core to free on: the value is freed when the caller lets go.
    package static func freeInBackground<Value>(_ value: consuming Value) {
        guard ProcessInfo.processInfo.activeProcessorCount > 1 else { return }
        let box = FreedValue(value)
        Thread.detachNewThread {
            #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            #endif
            box.value = nil
        }
    }

    /// Scans one trace into chunk states (in file order) and digests it; `again` reads it a second
    /// time (from a fresh reader for a stream) and makes no digest.
    func scan(_ trace: TraceSource, traceIndex t: Int, traceCount: Int, jobs: Int, lateness: Int64?,
              progress: (@Sendable (Int, Int) -> Void)?, again: Bool = false) throws -> ([MonitorState], String) {
        switch trace.content {
        case .whole(let input):
            return try scanWhole(trace, input, traceIndex: t, traceCount: traceCount, jobs: jobs, lateness: lateness,
                                 progress: progress, hashing: !again)
        case .stream(let first):
            let scanner: TraceScanner
            let reader: LineBlockReader
            do {
                if again, let reopen = trace.reopen {
                    reader = try reopen()
                    reader.setFormat(trace.format)
                } else {
                    reader = first
                }
                let prefix = try reader.prefix()
                scanner = try TraceScanner(format: trace.format, request: scanRequest, bytes: prefix, path: trace.displayPath,
                                          options: trace.adapterOptions, maximumLine: reader.maximumLine)
            } catch {
                throw EvaluationError(readFailure: error)
            }
            let (state, digest) = try scanStream(trace, reader, scanner: scanner, traceIndex: t, traceCount: traceCount,
                                                 jobs: jobs, lateness: lateness, progress: progress)
            return ([state], digest)
        }
    }

    /// Merges a trace's chunk states into the run's total, in file order.
    private func mergeTrace(_ chunkStates: inout [MonitorState], into total: inout MonitorState, jobs: Int) throws {
        let overLimit = EvaluationError(message: "the contract's windows and groups exceed \(windowLimit) on this trace; "
            + "check the window length and the `per` fields (a `per` over a unique field such as `id` makes one group per record)")
        if chunkStates.contains(where: \.overLimit) { throw overLimit }
        // The first chunk of the first trace becomes the total as it is (with one job, the
        // merge phase took 0.08 s of a 1 GB benchmark run copying the only chunk).
        if total.isEmpty, !chunkStates.isEmpty { total = chunkStates.removeFirst() }
        total.merge(&chunkStates, rejectedLimit: Evaluator.rejectedListLimit, parallel: jobs > 1)
        if total.clauses.reduce(0, { $0 + $1.windows.count }) > windowLimit { throw overLimit }
    }

    /// A lateness bound as people write it: `300 s`, `5 min`, `2 h`, `1500 ms`.
    static func durationText(_ nanoseconds: Int64) -> String {
        for (unit, size) in [("h", Int64(3_600_000_000_000)), ("min", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000)]
        where nanoseconds >= size && nanoseconds % size == 0 {
            return "\(nanoseconds / size) \(unit)"
        }
        return "\(nanoseconds) ns"
    }

    /// Scans a whole (mapped or loaded) input block by block, with several jobs or one, and digests
    /// it (unless `hashing` is false: the digest is then empty); returns its state and the digest.
    func scanWhole(_ trace: TraceSource, _ input: TraceInput, traceIndex t: Int, traceCount: Int, jobs: Int, lateness: Int64? = nil,
                   progress: (@Sendable (Int, Int) -> Void)?, hashing: Bool = true) throws -> ([MonitorState], String) {
        let bytes = input.bytes
        let scanner: TraceScanner
        do {
            scanner = try TraceScanner(format: trace.format, request: scanRequest, bytes: bytes, path: trace.displayPath,
                                       options: trace.adapterOptions, maximumLine: maximumLine)
        } catch {
            throw EvaluationError(message: error.description)
        }
        let span = 0..<bytes.count
        let digester: (any TraceDigester)? = hashing ? trace.makeDigester() : nil
        if jobs > 1 {
            // Blocks in file order, digested by a thread of their own, scanned by all the jobs.
            let state = scanMappedBlocks(scanner: scanner, input: input, format: trace.format, span: span, traceIndex: t,
                                         traceCount: traceCount, path: trace.displayPath, jobs: jobs, lateness: lateness,
                                         digester: digester, progress: progress)
            return ([state], digester?.finalize() ?? "")
        }
        let blockSize = self.blockSize
        if hashThread, let digester {
            // One job with a second core: the digest on a thread of its own, at most two blocks
            // ahead of or behind the scan, each block's pages released once both have passed it.
            // Callgrind, 300,000 records, one job: the scanning thread ran 3.395 billion
            // instructions and the digest thread 1.936 (5.331 in all; 5.328 on one thread).
            let pacer = HashPacer(input: input, lead: 2 * blockSize)
            let hashed = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                let bytes = input.bytes
                var offset = 0
                while offset < bytes.count {
                    let end = min(bytes.count, offset + blockSize)
                    pacer.wait(hashing: offset)
                    digester.update(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                    pacer.hashed(upTo: end)
                    offset = end
                }
                hashed.signal()
            }
            let state = scanChunk(scanner: scanner, input: input, format: trace.format, range: span, traceIndex: t,
                                  traceCount: traceCount, path: trace.displayPath, progress: progress,
                                  closing: lateness.map { ($0, true) }, pacer: pacer)
            pacer.scanned(upTo: bytes.count)
            hashed.wait()
            return ([state], digester.finalize())
        }
        // One core (or no digest): each block is hashed right before it is scanned.
        let state = scanChunk(scanner: scanner, input: input, format: trace.format, range: span, traceIndex: t,
                              traceCount: traceCount, path: trace.displayPath, progress: progress, digester: digester,
                              closing: lateness.map { ($0, true) })
        return ([state], digester?.finalize() ?? "")
    }

    /// Blocks of about this many bytes are scanned and then released from memory
    /// (`releasePages`); settable so that tests exercise many blocks on small traces.
    /// 8 MB keeps the pages in flight small next to window state: with 32 MB blocks, the peak of a
    /// percentile-free contract was 54 MiB on a 1M-record trace and 98 MiB on 5M (blocks of short
    /// chunks are smaller); with 8 MB it is 56 and 49 MiB, at the same speed. Several jobs on a
    /// mapped trace take blocks of twice this size (`scanMappedBlocks` says why).
    package var blockSize = 8 << 20

    /// The longest line (CSV row) of a mapped trace read as a record (`LineLimit`); a stream's
    /// reader has its own (`LineBlockReader.maximumLine`), which `slac verify` sets to this.
    /// Settable so that tests use small lines.
    package var maximumLine = LineLimit.standard

    /// With one job, hash a mapped trace on a thread of its own while it is scanned, when there
    /// is a second core (`SLAC_HASH_THREAD=0` turns it off, to compare).
    package var hashThread = ProcessInfo.processInfo.activeProcessorCount > 1 && getenv("SLAC_HASH_THREAD").map { String(cString: $0) } != "0"

    /// At most this many (window, group) states per chunk; more is almost always a contract
    /// mistake (`every 1 ms per id`) and would exhaust memory. Settable for tests.
    package var windowLimit = 5_000_000

    /// Scans one chunk of a whole input into a fresh state, block by block, releasing each block's
    /// pages after it is scanned.
    func scanChunk(scanner: TraceScanner, input: TraceInput, format: TraceFormat, range: Range<Int>, traceIndex t: Int,
                   traceCount: Int, path: String, progress: (@Sendable (Int, Int) -> Void)? = nil,
                   digester: (any TraceDigester)? = nil, closing: (lateness: Int64, atTraceStart: Bool)? = nil,
                   pacer: HashPacer? = nil) -> MonitorState {
        let bytes = input.bytes
        var chunk = ChunkScan(self, traceIndex: t, traceCount: traceCount, path: path, closing: closing)
        // The chunk is scanned in blocks (at line boundaries) so that its pages can be released.
        // Each block's end is found when the block is reached: finding them all first touched a
        // page at each of them, and the pages mapped around those stayed resident until scanned
        // (issue 16: 215 MiB of a 5 GB trace's pages at the start of a one-job run, 42 MiB of 1 GB).
        var start = range.lowerBound
        while start < range.upperBound {
            let block = start..<Evaluator.blockEnd(bytes, from: start, to: range.upperBound, size: blockSize, format: format)
            start = block.upperBound
            digester?.update(UnsafeRawBufferPointer(rebasing: bytes[block]))
            pacer?.wait(scanning: block.lowerBound)
            let records = chunk.scan(scanner, bytes, range: block, atInputStart: nil)
            if let pacer { pacer.scanned(upTo: block.upperBound) } else { input.releasePages(block) }
            progress?(block.count, records)
            // Resource limit (docs/fuzzing.md): stop with a clear error rather than exhaust memory.
            if chunk.windowCount > windowLimit {
                chunk.overLimit = true
                break
            }
        }
        return chunk.finish()
    }

    /// The end of the block of about `size` bytes that starts at `start`, a line start (CSV: a row
    /// start outside quotes) before `limit`: after the first line end at or past `start + size - 1`
    /// (CSV: outside quotes, by quote parity from `start`, the rule `TraceScanner.chunkBoundaries`
    /// follows), or `limit`. Adapter formats are one block.
    static func blockEnd(_ bytes: UnsafeRawBufferPointer, from start: Int, to limit: Int, size: Int, format: TraceFormat) -> Int {
        let target = start + max(1, size) - 1
        guard target < limit, !format.isAdapter, let raw = bytes.baseAddress else { return limit }
        let quote = Int32(UInt8(ascii: "\""))
        var inQuotes = false
        /// Toggles `inQuotes` for each quote in [from, to).
        func countQuotes(_ from: Int, _ to: Int) {
            var q = from
            while q < to, let hit = memchr(raw + q, quote, to - q) {
                inQuotes.toggle()
                q = UnsafeRawPointer(hit) - raw + 1
            }
        }
        let csv = format == .csv
        if csv { countQuotes(start, target) }
        var from = target
        while from < limit {
            guard let hit = memchr(raw + from, 0x0A, limit - from) else { return limit }
            let lineFeed = UnsafeRawPointer(hit) - raw
            if csv { countQuotes(from, lineFeed) }
            if !inQuotes { return lineFeed + 1 }
            from = lineFeed + 1
        }
        return limit
    }

    // MARK: finishing

    /// The judging half (docs/engines.md): the accumulated state of every trace → the result.
    /// It does not know who accumulated the state (the native scan or an engine's output).
    func finish(_ state: MonitorState, paths: [String], formats: [String], digests: [String], parallel: Bool) -> EvaluationResult {
        var accounting: [TraceAccounting] = []
        var rejected: [RejectedRecord] = []
        var rejectedTotal = 0
        for t in paths.indices {
            let c = state.counts[t]
            accounting.append(TraceAccounting(path: paths[t], format: formats[t], sha256: digests[t],
                                              read: c.records, accepted: c.accepted, rejected: c.rejected,
                                              outsideTerm: c.outsideTerm, excluded: c.excluded))
            if c.outsideFirst <= c.outsideLast { accounting[accounting.count - 1].outsideTermRange = c.outsideFirst...c.outsideLast }
            if c.acceptedFirst <= c.acceptedLast {
                accounting[accounting.count - 1].firstRecord = c.acceptedFirst
                accounting[accounting.count - 1].lastRecord = c.acceptedLast
            }
            if checkRepeatedIDs {
                accounting[accounting.count - 1].repeatedIDs = c.repeatedIDs
                accounting[accounting.count - 1].repeatedIDExamples = state.repeatedExamples[t]
            }
            precondition(c.records == c.accepted + c.rejected + c.outsideTerm, "record accounting does not add up")
            rejectedTotal += c.rejected
            for r in state.rejected[t] where rejected.count < Evaluator.rejectedListLimit { rejected.append(r) }
        }
        // Clauses finish independently (sorting, judging and formatting their windows): in
        // parallel when several jobs are allowed, a large clause's windows on every core
        // (`CompiledClause.windowResults`).
        let clauseResults: [ClauseResult]
        if parallel {
            let finished = ConcurrentSlots<ClauseResult>(count: clauses.count)
            DispatchQueue.concurrentPerform(iterations: clauses.count) { c in
                finished.set(c, clauses[c].finish(state.clauses[c], parallel: true))
            }
            clauseResults = finished.all()
        } else {
            clauseResults = clauses.indices.map { clauses[$0].finish(state.clauses[$0]) }
        }
        let verdict: ClauseVerdict = clauseResults.contains { $0.verdict == .breached } ? .breached : .compliant
        var contract = ContractIdentity(name: plan.contract.name, id: plan.contract.id, version: plan.contract.version,
                                        sha256: plan.contract.sha256, timezone: plan.contract.timezone,
                                        termStart: plan.contract.termStart, termEnd: plan.contract.termEnd)
        if let fee = plan.contract.feeAmount.flatMap({ Rational(decimal: $0) }), let currency = plan.contract.feeCurrency {
            contract.feeText = Rational.fixed(fee, fractionDigits: plan.contract.feeMinorUnitDigits ?? 2)
            contract.feeCurrency = currency
        }
        contract.prices = (plan.contract.prices ?? []).map {
            PriceTerm(field: $0.field.rawValue, perToken: $0.perToken.decimalString(significantDigits: 30, maxFractionDigits: 60),
                      currency: $0.currency, text: $0.text, condition: $0.condition.map(PlanText.predicate))
        }
        var excludedBy: [Int] = []
        for c in state.counts {
            for (i, n) in c.excludedBy.enumerated() {
                while excludedBy.count <= i { excludedBy.append(0) }
                excludedBy[i] += n
            }
        }
        var result = EvaluationResult(toolVersion: plan.toolVersion, contract: contract, traces: accounting, clauses: clauseResults,
                                      rejected: rejected, rejectedTotal: rejectedTotal, verdict: verdict)
        result.exclusions = PlanText.exclusions(plan.exclusions, removed: excludedBy)
        return result
    }
}

/// A value handed to the thread that frees it (`Evaluator.freeInBackground`); only that thread
/// touches it after the hand-over.
private final class FreedValue<Value>: @unchecked Sendable {
    var value: Value?
    init(_ value: consuming Value) { self.value = consume value }
}

/// Phase times on standard error when `SLAC_TIMING` is set: where a run's time goes, without
/// a profiler; with each phase, the peak resident set so far (Linux `VmHWM`), so that the phase
/// where memory peaks shows too (issue 15: 1M groups peaked in the report, not in the scan).
package final class PhaseTiming: @unchecked Sendable {
    private let enabled = getenv("SLAC_TIMING") != nil

    package init() {}
    private var last = DispatchTime.now().uptimeNanoseconds
    private var phases: [(String, Double, Int?)] = []

    /// Ends the current phase under `name`.
    package func mark(_ name: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((name, Double(now - last) / 1e9, PhaseTiming.peakResidentKiB()))
        last = now
    }

    /// Prints the phases (once, at the end of a run).
    package func report() {
        guard enabled else { return }
        let text = phases.map { name, seconds, peak in
            "\(name) \(String(format: "%.3f", seconds)) s" + (peak.map { " (peak \($0 >> 10) MiB)" } ?? "")
        }.joined(separator: ", ")
        FileHandle.standardError.write(Data("timing: \(text)\n".utf8))
    }

    /// The peak resident set of this process in KiB, from /proc/self/status (nil elsewhere).
    static func peakResidentKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    }
}

/// Keeps a digest thread and a scan over the same mapped input within `lead` bytes of each other,
/// and releases the pages both have passed, so that the resident set stays a few blocks.
final class HashPacer: @unchecked Sendable {
    private let condition = NSCondition()
    private let input: TraceInput
    private let lead: Int
    private let page = max(1, Int(sysconf(Int32(_SC_PAGESIZE))))
    private var scannedEnd = 0
    private var hashedEnd = 0
    private var releasedEnd = 0

    init(input: TraceInput, lead: Int) {
        self.input = input
        self.lead = max(1, lead)
    }

    /// Waits until the scan is less than `lead` bytes behind `offset`.
    func wait(hashing offset: Int) {
        condition.lock()
        while offset >= scannedEnd + lead { condition.wait() }
        condition.unlock()
    }

    /// Waits until the digest is less than `lead` bytes behind `offset`.
    func wait(scanning offset: Int) {
        condition.lock()
        while offset >= hashedEnd + lead { condition.wait() }
        condition.unlock()
    }

    func hashed(upTo end: Int) { advance { hashedEnd = max(hashedEnd, end) } }

    /// The scan has passed `end` (the input's size when it stopped, early or not).
    func scanned(upTo end: Int) { advance { scannedEnd = max(scannedEnd, end) } }

    private func advance(_ body: () -> Void) {
        condition.lock()
        body()
        // Whole pages both have passed (the last partial page at the end of the input).
        let both = min(scannedEnd, hashedEnd)
        let upTo = both >= input.bytes.count ? input.bytes.count : both / page * page
        if upTo > releasedEnd {
            input.releasePages(releasedEnd..<upTo)
            releasedEnd = upTo
        }
        condition.broadcast()
        condition.unlock()
    }
}

/// Results of concurrent workers, one slot per task, read back in task order (so merging
/// follows file order whatever order the workers finished in).
package final class ConcurrentSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = DispatchSemaphore(value: 1)
    package init(count: Int) { slots = Array(repeating: nil, count: count) }
    package func set(_ i: Int, _ value: Value) {
        lock.wait()
        slots[i] = value
        lock.signal()
    }
    /// The values set, in slot order (call once the workers have ended).
    package func all() -> [Value] {
        lock.wait()
        defer { lock.signal() }
        return slots.compactMap { $0 }
    }
}
