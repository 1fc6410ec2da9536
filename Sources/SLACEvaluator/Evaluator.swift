import Dispatch
import SLACChecker
import SLACExact
import SLACMonitor
import SLACSyntax
import SLACTrace

/// One trace input to evaluate: its bytes, its format and its digest (computed by the caller).
public struct TraceSource: @unchecked Sendable {
    public var input: TraceInput
    public var format: TraceFormat
    public var sha256: String
    /// Path as shown in reports.
    public var displayPath: String
    public init(input: TraceInput, format: TraceFormat, sha256: String, displayPath: String) {
        self.input = input
        self.format = format
        self.sha256 = sha256
        self.displayPath = displayPath
    }
}

public struct EvaluationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Stage 4: runs a monitor plan over traces (SPEC §5).
///
/// Each trace is split at line boundaries into one chunk per job; every chunk builds its own
/// `MonitorState`, and the states merge in file order. The result cannot depend on the split.
public struct Evaluator: Sendable {
    public let plan: MonitorPlan
    let request: TraceFieldRequest
    let slots: FieldSlots
    let contractExclusions: CompiledExclusions
    let clauses: [CompiledClause]
    let zone: ZoneRules
    /// How many rejected records the report lists (all are counted).
    public static let rejectedListLimit = 100

    public init(plan: MonitorPlan) throws {
        self.plan = plan
        guard let zone = ZoneRules(identifier: plan.contract.timezone) else {
            throw EvaluationError(message: "unknown time zone `\(plan.contract.timezone)` in the monitor plan")
        }
        self.zone = zone
        let request = TraceFieldRequest(numericFields: plan.fields.numeric, textFields: plan.fields.text, listFields: plan.fields.list)
        self.request = request
        let slots = FieldSlots(request)
        self.slots = slots
        contractExclusions = CompiledExclusions(plan.exclusions, slots)
        clauses = plan.clauses.map { CompiledClause($0, slots: slots, zone: zone, plan: plan) }
    }

    /// The fields the readers must parse.
    public var fieldRequest: TraceFieldRequest { request }

    /// Evaluates all traces with `jobs` parallel chunks per trace.
    public func evaluate(_ traces: [TraceSource], jobs: Int = 1) throws -> EvaluationResult {
        var total = MonitorState(clauseCount: clauses.count, traceCount: traces.count)
        for (t, trace) in traces.enumerated() {
            let bytes = trace.input.bytes
            let scanner: TraceScanner
            do {
                scanner = try TraceScanner(format: trace.format, request: request, bytes: bytes, path: trace.displayPath)
            } catch {
                throw EvaluationError(message: error.description)
            }
            let ranges = TraceScanner.chunkBoundaries(bytes: bytes, count: max(1, jobs), format: trace.format)
            let states = ChunkResults(count: ranges.count)
            let traceCount = traces.count
            let path = trace.displayPath
            let input = trace.input  // keeps the mapping alive; its bytes are read-only
            DispatchQueue.concurrentPerform(iterations: ranges.count) { i in
                let state = self.scanChunk(scanner: scanner, bytes: input.bytes, range: ranges[i], traceIndex: t, traceCount: traceCount, path: path)
                states.set(i, state)
            }
            for s in states.all() { total.merge(s, rejectedLimit: Evaluator.rejectedListLimit) }
        }
        return finish(total, traces: traces)
    }

    /// Scans one chunk into a fresh state. Hot path: state lives in locals, not class properties.
    func scanChunk(scanner: TraceScanner, bytes: UnsafeRawBufferPointer, range: Range<Int>, traceIndex t: Int, traceCount: Int, path: String) -> MonitorState {
        var state = MonitorState(clauseCount: clauses.count, traceCount: traceCount)
        var counts = TraceCounts()
        var rejected: [RejectedRecord] = []
        var assigners = clauses.map(\.assigner)
        var clauseStates = state.clauses
        let termStart = plan.contract.termStart, termEnd = plan.contract.termEnd
        let result = scanner.scan(bytes, range: range, firstLine: 1, accept: { record in
            if record.timestamp < termStart || record.timestamp >= termEnd {
                counts.outsideTerm += 1
                return
            }
            counts.accepted += 1
            if !contractExclusions.isEmpty && contractExclusions.excludes(record, slots) {
                counts.excluded += 1
                return
            }
            for c in clauses.indices {
                clauses[c].observe(record, slots: slots, assigner: &assigners[c], state: &clauseStates[c])
            }
        }, reject: { line in
            counts.rejected += 1
            if rejected.count < Evaluator.rejectedListLimit {
                rejected.append(RejectedRecord(path: path, line: line.line, reason: line.reason))
            }
        })
        counts.lines = result.lines
        counts.records = result.records
        state.clauses = clauseStates
        state.counts[t] = counts
        state.rejected[t] = rejected
        return state
    }

    // MARK: finishing

    func finish(_ state: MonitorState, traces: [TraceSource]) -> EvaluationResult {
        var accounting: [TraceAccounting] = []
        var rejected: [RejectedRecord] = []
        var rejectedTotal = 0
        for (t, trace) in traces.enumerated() {
            let c = state.counts[t]
            accounting.append(TraceAccounting(path: trace.displayPath, format: trace.format.rawValue, sha256: trace.sha256,
                                              read: c.records, accepted: c.accepted, rejected: c.rejected,
                                              outsideTerm: c.outsideTerm, excluded: c.excluded))
            precondition(c.records == c.accepted + c.rejected + c.outsideTerm, "record accounting does not add up")
            rejectedTotal += c.rejected
            for r in state.rejected[t] where rejected.count < Evaluator.rejectedListLimit { rejected.append(r) }
        }
        let clauseResults = clauses.indices.map { clauses[$0].finish(state.clauses[$0]) }
        let verdict: ClauseVerdict = clauseResults.contains { $0.verdict == .breached } ? .breached : .compliant
        let contract = ContractIdentity(name: plan.contract.name, id: plan.contract.id, version: plan.contract.version,
                                        sha256: plan.contract.sha256, timezone: plan.contract.timezone,
                                        termStart: plan.contract.termStart, termEnd: plan.contract.termEnd)
        return EvaluationResult(toolVersion: plan.toolVersion, contract: contract, traces: accounting, clauses: clauseResults,
                                rejected: rejected, rejectedTotal: rejectedTotal, verdict: verdict)
    }
}

/// Collects per-chunk states from concurrent workers.
final class ChunkResults: @unchecked Sendable {
    private var states: [MonitorState?]
    private let lock = DispatchSemaphore(value: 1)
    init(count: Int) { states = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ s: MonitorState) {
        lock.wait()
        states[i] = s
        lock.signal()
    }
    func all() -> [MonitorState] { states.compactMap { $0 } }
}
