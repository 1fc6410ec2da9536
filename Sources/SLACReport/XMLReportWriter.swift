import Dispatch
import SLACEvaluator
import SLACExact

/// Which windows a report lists (`--windows`). Listing every window of a year-long trace makes
/// reports huge, so the default keeps only the breached ones an auditor has to look at; the
/// per-clause counts always cover every window.
public enum WindowSelection: String, Sendable, CaseIterable {
    /// Every window, for auditors who recompute attainment themselves.
    case all
    /// Only breached windows (the default): what an auditor has to look at.
    case breached
    /// No window elements; clause counts, periods and credits only.
    case none

    /// Whether a window with this verdict appears in the report.
    package func includes(_ verdict: WindowVerdict) -> Bool {
        switch self {
        case .all: return true
        case .breached: return verdict == .breached
        case .none: return false
        }
    }
}

/// Writes the XML compliance report (docs/reports.md; namespace `urn:slac:report:1`,
/// `Schemas/slac-report-1.xsd`). Auditors reproduce and sign reports, so the output is a pure
/// function of the evaluation result: same result, same bytes.
package struct XMLReportWriter: Sendable {
    /// The report namespace; version 1 of the format.
    package static let namespace = "urn:slac:report:1"

    /// Which windows to list.
    package var windows: WindowSelection
    /// When set, the report carries a `generated` instant; off by default so that reports stay
    /// byte-identical across runs (docs/reports.md: the generation time only when asked).
    package var generatedAt: Int64?
    /// At most this many `<window>` (and `<period>`) elements per clause; see `defaultListLimit`.
    package var listLimit: Int
    /// `--signer NAME`: who signed the report, recorded in the part the digest and signature cover.
    package var signer: String?
    /// Threads for a clause's window list (`--jobs`): with more than one, long lists are written in
    /// parts on several threads and joined (`XMLOutput.fragment`), with the same bytes.
    package var jobs = 1

    /// A writer listing the windows selected by `windows`.
    package init(windows: WindowSelection = .breached, generatedAt: Int64? = nil, listLimit: Int = XMLReportWriter.defaultListLimit,
                signer: String? = nil) {
        precondition(listLimit > 0, "a report lists at least one window")
        self.windows = windows
        self.generatedAt = generatedAt
        self.listLimit = listLimit
        self.signer = signer
    }

    /// At most this many covered intervals are listed per clause (`<data>` in `<coverage>`); the
    /// covered time counts them all.
    package static let intervalListLimit = 1_000

    /// The UTF-8 report document, with XML declaration, indented by two spaces.
    package func write(_ result: EvaluationResult) throws -> [UInt8] {
        try XMLOutput.document { out in
            try out.element("report", [
                "xmlns": Self.namespace,
                "tool-version": result.toolVersion,
                "verdict": result.verdict.rawValue,
                "windows": windows.rawValue,
                "rejected-total": String(result.rejectedTotal),
                "generated": generatedAt.map(CivilTime.format),
                "signer": signer,
            ]) {
                try writeContract(result.contract, exclusions: result.exclusions, to: out)
                if let engine = result.engine {
                    try out.element("engine", ["name": engine.name, "sql-sha256": engine.sqlSHA256])
                }
                for trace in result.traces { try writeTrace(trace, to: out) }
                let severalTraces = result.traces.count > 1
                // The list limit is for the whole report, spent clause by clause in order: two
                // clauses of a million breached windows each made a 336 MB report even with a cap
                // per clause, more than slac reads back to seal it.
                var windowBudget = listLimit, periodBudget = listLimit
                for clause in result.clauses {
                    let windowCount = clause.windows.lazy.filter { windows.includes($0.verdict) }.count
                    let windowsListed = min(windowCount, windowBudget), periodsListed = min(clause.periods.count, periodBudget)
                    windowBudget -= windowsListed
                    periodBudget -= periodsListed
                    try writeClause(clause, severalTraces: severalTraces, windowsSelected: windowCount, windowsListed: windowsListed,
                                    periodsListed: periodsListed, to: out)
                }
                for rejected in result.rejected {
                    try out.element("rejected", [
                        "path": rejected.path,
                        "line": rejected.line > 0 ? String(rejected.line) : nil,
                        "id": rejected.line > 0 ? nil : rejected.id,
                        "reason": rejected.reason,
                    ])
                }
            }
        }
    }

    private func writeContract(_ contract: ContractIdentity, exclusions: [ExclusionResult], to out: XMLOutput) throws {
        try out.element("contract", [
            "name": contract.name,
            "id": contract.id,
            "version": contract.version,
            "sha256": contract.sha256,
            "timezone": contract.timezone,
            "term-start": CivilTime.format(contract.termStart),
            "term-end": CivilTime.format(contract.termEnd),
            "fee": contract.feeText,
            "fee-currency": contract.feeCurrency,
            "plan-sha256": contract.planSHA256,
        ]) {
            for price in contract.prices {
                try out.element("price", ["field": price.field, "per-token": price.perToken, "currency": price.currency, "text": price.text,
                                          "where": price.condition])
            }
            for exclusion in exclusions { try writeExclusion(exclusion, to: out) }
        }
    }

    /// The tokens billed at each price in a period: what its `charges` are made of.
    private func writeBilled(_ billed: [BilledTokens]?, to out: XMLOutput) throws {
        for b in billed ?? [] {
            try out.element("billed", ["price": String(b.price), "field": b.field, "tokens": b.tokensText])
        }
    }

    private func writeExclusion(_ exclusion: ExclusionResult, to out: XMLOutput) throws {
        try out.element("exclusion", [
            "kind": exclusion.kind,
            "start": exclusion.start.map(CivilTime.format),
            "end": exclusion.end.map(CivilTime.format),
            "as-uptime": exclusion.asUptime == true ? "true" : nil,
            "where": exclusion.predicate,
            "removed": String(exclusion.removed),
        ])
    }

    private func writeTrace(_ trace: TraceAccounting, to out: XMLOutput) throws {
        try out.element("trace", [
            "path": trace.path,
            "format": trace.format,
            "sha256": trace.sha256,
            "file-sha256": trace.fileSHA256,
            "epoch": trace.epoch.map(CivilTime.format),
            "read": String(trace.read),
            "accepted": String(trace.accepted),
            "rejected": String(trace.rejected),
            "outside-term": String(trace.outsideTerm),
            "excluded": String(trace.excluded),
            "first-record": trace.firstRecord.map(CivilTime.format),
            "last-record": trace.lastRecord.map(CivilTime.format),
            "repeated-ids": trace.repeatedIDs.map(String.init),
        ]) {
            for id in trace.repeatedIDExamples { try out.element("repeated-id", ["id": id]) }
        }
    }

    private func writeDefinition(_ d: ClauseDefinition, bound: RequirementBound, to out: XMLOutput) throws {
        try out.element("definition", [
            "scope": d.scope,
            "window": d.window,
            "window-seconds": d.windowSeconds,
            "per": d.groupBy.isEmpty ? nil : d.groupBy.joined(separator: ", "),
            "aggregate": d.aggregate,
            "comparison": bound.comparison,
            "bound": bound.value,
            "unit": bound.unit,
            "worse": bound.worse?.rawValue,
            "minimum": String(d.minimumRequests),
            "measure": d.measure,
            "objective-comparison": d.objectiveComparison,
            "objective": d.objective,
            "period": d.period,
            "empty": d.empty,
            "downtime-after": d.downtimeAfter.map(String.init),
            "valued": d.valued ? "true" : nil,
            "evidence-metric": d.evidenceMetric,
            "evidence-unit": d.evidenceUnit,
            "evidence-comparison": d.evidenceComparison,
            "evidence-bound": d.evidenceBound,
        ]) {
            for tier in d.tiers {
                try out.element("tier", ["percent": tier.percent, "of": tier.base, "comparison": tier.comparison, "threshold": tier.threshold])
            }
            for exclusion in d.exclusions { try writeExclusion(exclusion, to: out) }
        }
    }

    private func writeCoverage(_ c: ClauseCoverage, to out: XMLOutput) throws {
        let omitted = max(0, c.intervals.count - Self.intervalListLimit)
        try out.element("coverage", [
            "records": String(c.records),
            "first-record": c.firstRecord.map(CivilTime.format),
            "last-record": c.lastRecord.map(CivilTime.format),
            "cell-seconds": Self.seconds(c.cellNanoseconds),
            "covered-seconds": Self.seconds(c.coveredNanoseconds),
            "intervals": String(c.intervals.count),
            "intervals-omitted": omitted > 0 ? String(omitted) : nil,
        ]) {
            for interval in c.intervals.prefix(Self.intervalListLimit) {
                try out.element("data", ["start": CivilTime.format(interval.start), "end": CivilTime.format(interval.end)])
            }
        }
    }

    /// Coverage attributes of a period or credit: covered and total seconds and their ratio.
    static func coverage(covered: Int64?, period: Int64?) -> (covered: String?, period: String?, ratio: String?) {
        guard let covered, let period else { return (nil, nil, nil) }
        let ratio = period > 0 ? Rational(Int(covered), Int(period)).decimalString(significantDigits: 6, maxFractionDigits: 6) : nil
        return (seconds(covered), seconds(period), ratio)
    }

    /// The default of `listLimit`: at most this many windows, and this many periods, in the whole
    /// report, listed in clause order. A million tenants with every window breached made a 399 MB
    /// report that was refused; past the limit the report still states every verdict and count,
    /// lists the first windows in order, and says how many it left out per clause
    /// (`windows-omitted`), so it stays readable and honest. 500,000 covers a month of five-minute
    /// windows for 50 groups (432,000) with `--windows all`.
    package static let defaultListLimit = 500_000

    private func writeClause(_ clause: ClauseResult, severalTraces: Bool, windowsSelected: Int, windowsListed: Int, periodsListed: Int,
                             to out: XMLOutput) throws {
        let omitted = max(0, windowsSelected - windowsListed)
        let periodsOmitted = max(0, clause.periods.count - periodsListed)
        try out.element("clause", [
            "ref": clause.ref,
            "name": clause.name,
            "verdict": clause.verdict.rawValue,
            "windows-met": String(clause.windowsMet),
            "windows-breached": String(clause.windowsBreached),
            "windows-insufficient": String(clause.windowsInsufficient),
            "windows-valued": clause.windowsValued.map(String.init),
            "windows-omitted": omitted > 0 ? String(omitted) : nil,
            "periods-omitted": periodsOmitted > 0 ? String(periodsOmitted) : nil,
        ]) {
            try out.textElement("text", text: clause.text)
            try out.textElement("requirement", text: clause.requirement)
            if let definition = clause.definition { try writeDefinition(definition, bound: clause.bound, to: out) }
            if let coverage = clause.coverage { try writeCoverage(coverage, to: out) }
            for period in clause.periods.prefix(periodsListed) {
                let cover = Self.coverage(covered: period.coveredNanoseconds, period: period.periodNanoseconds)
                if let m = period.measure {
                    try out.element("period", [
                        "start": CivilTime.format(period.start),
                        "end": CivilTime.format(period.end),
                        "measure-kind": m.kind,
                        "measure": period.attainmentText,
                        "unit": m.unit,
                        "objective": period.objectiveText,
                        "objective-comparison": clause.objectiveComparison ?? ">=",
                        "verdict": period.verdict.rawValue,
                        "intervals": String(m.intervals),
                        "empty": String(m.empty),
                        "down": String(m.down),
                        "windows-met": String(period.met),
                        "windows-breached": String(period.breached),
                        "grid-start": m.gridStart.map(CivilTime.format),
                        "grid-end": m.gridEnd.map(CivilTime.format),
                        "grid-seconds": m.gridNanoseconds.map(Self.seconds),
                        "down-seconds": m.downNanoseconds.map(Self.seconds),
                        "charges": period.chargesText,
                        "currency": period.chargesText == nil ? nil : clause.chargesCurrency,
                        "covered-seconds": cover.covered,
                        "period-seconds": cover.period,
                        "coverage": cover.ratio,
                    ]) {
                        try writeKey(period.key, to: out)
                        try writeBilled(period.billed, to: out)
                    }
                    continue
                }
                try out.element("period", [
                    "start": CivilTime.format(period.start),
                    "end": CivilTime.format(period.end),
                    "attainment": period.attainmentText,
                    "objective": period.objectiveText,
                    // Only when not `>=` (a strict `objective measure > 99%`): older reports stay as they were.
                    "objective-comparison": clause.objectiveComparison,
                    "verdict": period.verdict.rawValue,
                    "windows-met": String(period.met),
                    "windows-breached": String(period.breached),
                    "charges": period.chargesText,
                    "currency": period.chargesText == nil ? nil : clause.chargesCurrency,
                    "covered-seconds": cover.covered,
                    "period-seconds": cover.period,
                    "coverage": cover.ratio,
                ]) {
                    try writeKey(period.key, to: out)
                    try writeBilled(period.billed, to: out)
                }
            }
            for credit in clause.credits {
                let cover = Self.coverage(covered: credit.coveredNanoseconds, period: credit.periodNanoseconds)
                try out.element("credit", [
                    "start": CivilTime.format(credit.start),
                    "end": CivilTime.format(credit.end),
                    "percent": credit.percentText,
                    "amount": credit.amountText,
                    "currency": credit.currency,
                    "of": credit.key == nil ? nil : "charges",
                    "charges": credit.chargesText,
                    "fee": credit.feeText,
                    "measure": credit.measureText,
                    "tier-comparison": credit.tierComparison,
                    "tier-threshold": credit.tierThresholdText,
                    "covered-seconds": cover.covered,
                    "period-seconds": cover.period,
                    "coverage": cover.ratio,
                ]) {
                    if let key = credit.key { try writeKey(key, to: out) }
                    if let worst = credit.worstKey, !worst.isEmpty {
                        try out.element("worst") { try writeKey(worst, to: out) }
                    }
                }
            }
            // The listed windows by index: copying them out of the clause (a lazy filter and an
            // array of 16,570 of the benchmark's 100,539) took 0.010 s of a two-job run, serial.
            let listed: [Int] = {
                var indices: [Int] = []
                indices.reserveCapacity(windowsListed)
                for i in clause.windows.indices where windows.includes(clause.windows[i].verdict) {
                    if indices.count == windowsListed { break }
                    indices.append(i)
                }
                return indices
            }()
            // The first window through the document's writer, so that the clause has a child and
            // its start tag is closed; the others in parts of bytes (`windowPart`), appended as
            // they are. Parts keep the bytes in flight small next to the document.
            guard let first = listed.first else { return }
            try writeWindow(clause.windows[first], severalTraces: severalTraces, to: out)
            let parts = stride(from: 1, to: listed.count, by: XMLReportWriter.windowsPerPart).map {
                $0..<min(listed.count, $0 + XMLReportWriter.windowsPerPart)
            }
            // Long lists on several threads: the report took 0.17 s of the 1 GB benchmark's 2.3 s
            // with two jobs, most of it the breached windows' 16,570 elements.
            if jobs > 1 && parts.count >= 2 {
                // `jobs` threads take the parts in order as they come free, while this thread
                // appends each part as soon as it is written: appending them all after the last
                // one (7 MB into libxml2's buffer, with its page faults) took about 5 ms on one
                // core at the end (perf, two jobs), and a thread given every other part in advance
                // could finish a part earlier than the other and wait.
                let written = PartQueue<Result<[UInt8], Error>>(count: parts.count)
                let workers = Evaluator.startWorkers(min(jobs, parts.count), niceness: 0) { _ in
                    while let k = written.take() {
                        written.set(k, Result { try windowPart(clause.windows, listed[parts[k]], severalTraces: severalTraces) })
                    }
                }
                defer { workers.wait() }
                for k in parts.indices { try out.append(fragment: try written.wait(k).get()) }
            } else {
                for range in parts { try out.append(fragment: try windowPart(clause.windows, listed[range], severalTraces: severalTraces)) }
            }
        }
    }

    /// The bytes of `windows[indices]` as elements of a clause, for `XMLOutput.append(fragment:)`:
    /// written by `XMLBytes`, or by libxml2 when the linked libxml2 escapes differently (see
    /// `bytesMatchLibxml2`).
    private func windowPart(_ windows: [WindowResult], _ indices: ArraySlice<Int>, severalTraces: Bool) throws -> [UInt8] {
        guard XMLReportWriter.bytesMatchLibxml2 else {
            return try XMLOutput.fragment(depth: 2) { part in
                for i in indices { try writeWindow(windows[i], severalTraces: severalTraces, to: part) }
            }
        }
        let part = XMLBytes(depth: 2)
        for i in indices { try writeWindow(windows[i], severalTraces: severalTraces, to: part) }
        return part.bytes
    }

    /// Whether `XMLBytes` writes what the linked libxml2 writes, checked once on elements with
    /// every character libxml2 escapes and characters past ASCII: `XMLBytes` follows libxml2
    /// 2.9's writer, and a report's windows must not depend on which writer wrote them.
    static let bytesMatchLibxml2: Bool = {
        let probe = "a&<>\"'\t\n\r é€😀 ]]>"
        func write(_ out: some ElementOutput) throws {
            try out.element("window", ["start": probe, "absent": nil, "end": "x"]) {
                try out.emptyElement("key", ["field": "tenant", "value": probe])
                try out.element("empty", [:], content: {})
            }
            try out.emptyElement("window", ["count": "1"])
        }
        guard let expected = try? XMLOutput.fragment(depth: 2, { try write($0) }) else { return false }
        let bytes = XMLBytes(depth: 2)
        guard (try? write(bytes)) != nil else { return false }
        return bytes.bytes == expected
    }()

    /// Windows per part when a list is written on several threads.
    static let windowsPerPart = 1_024

    func writeWindow(_ window: WindowResult, severalTraces: Bool, to out: some ElementOutput) throws {
        try out.element("window", [
            "start": CivilTime.format(window.start),
            "end": CivilTime.format(window.end),
            "count": String(window.count),
            "observed": window.observed?.text,
            "unit": window.observed?.unit,
            "numerator": window.observed?.numerator.map(String.init),
            "denominator": window.observed?.denominator.map(String.init),
            "verdict": window.verdict.rawValue,
        ]) {
            try writeKey(window.key, to: out)
            // Evidence explains a breach; for other windows it would only be noise.
            if window.verdict == .breached {
                for record in window.evidence {
                    try out.emptyElement("evidence", [
                        "id": record.id,
                        "value": record.value,
                        "trace": severalTraces ? record.trace.map { String($0 + 1) } : nil,
                    ])
                }
            }
        }
    }

    /// Nanoseconds as exact decimal seconds (`2592000`, `0.5`).
    static func seconds(_ nanoseconds: Int64) -> String {
        Rational(Int(nanoseconds), 1_000_000_000).decimalString(significantDigits: 30, maxFractionDigits: 9)
    }

    private func writeKey(_ key: [GroupKeyPart], to out: some ElementOutput) throws {
        for part in key {
            try out.emptyElement("key", ["field": part.field, "value": part.value])
        }
    }
}

/// Parts written on worker threads (`take` hands out the next index, `set` stores a part) and
/// collected in order by one thread (`wait`), each as soon as it is stored.
final class PartQueue<Value>: @unchecked Sendable {
    private var values: [Value?]
    private let parts: RunCounter
    private let lock = DispatchSemaphore(value: 1)
    private let ready: [DispatchSemaphore]

    init(count: Int) {
        values = Array(repeating: nil, count: count)
        parts = RunCounter(total: count, run: 1)
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
    }

    /// The next part to write, or nil when every part is taken.
    func take() -> Int? {
        parts.next()?.lowerBound
    }

    func set(_ index: Int, _ value: Value) {
        lock.wait()
        values[index] = value
        lock.signal()
        ready[index].signal()
    }

    /// Part `index` once it is stored, handed over (the queue keeps no copy).
    func wait(_ index: Int) -> Value {
        ready[index].wait()
        lock.wait()
        defer { lock.signal() }
        guard let value = values[index] else { preconditionFailure("a part is collected once, after it is stored") }
        values[index] = nil
        return value
    }
}
