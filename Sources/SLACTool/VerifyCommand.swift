import Crypto
import Foundation
import SLACAudit
import SLACChecker
import SLACEvaluator
import SLACExact
import SLACMonitor
import SLACReport
import SLACSyntax
import SLACTrace
import SLACFields

/// Hex SHA-256, used for contract sources and trace files in reports and plans.
public enum Digest {
    public static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { sha256Hex($0) }
    }
}

/// SHA-256 fed block by block by the evaluator.
final class SHA256Digester: TraceDigester, @unchecked Sendable {
    private var hasher = SHA256()
    func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
    func finalize() -> String { Digest.hex(hasher.finalize()) }
}

/// Loads a contract and runs it through parse → check → compile, or returns the rendered errors.
public enum PlanBuilding {
    public static func plan(contractPath: String, colored: Bool) -> Result<MonitorPlan, CommandOutput> {
        switch ContractLoading.load(path: contractPath) {
        case .failure(let problem):
            return .failure(CommandOutput(standardError: CheckCommand.renderInputProblem(problem, colored: colored), exitCode: ExitCode.invalidContract))
        case .success(let source):
            let result = Checker.check(source)
            guard let contract = result.contract else {
                return .failure(CommandOutput(standardError: DiagnosticRenderer(colored: colored).render(result.diagnostics, in: source),
                                              exitCode: ExitCode.invalidContract))
            }
            let sha = Digest.sha256Hex(Array(source.text.utf8))
            return .success(MonitorCompiler.compile(contract, sourceSHA256: sha, toolVersion: SlacVersion.current))
        }
    }

    public static func loadPlan(path: String) -> Result<MonitorPlan, CommandOutput> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(CommandOutput(standardError: "error: cannot read monitor plan `\(path)`\n", exitCode: ExitCode.invalidContract))
        }
        do {
            return .success(try MonitorPlan.decode(data))
        } catch let e as PlanError {
            return .failure(CommandOutput(standardError: "error: `\(path)`: \(e.description)\n", exitCode: ExitCode.invalidContract))
        } catch {
            return .failure(CommandOutput(standardError: "error: `\(path)` is not a valid monitor plan: \(error)\n", exitCode: ExitCode.invalidContract))
        }
    }
}

/// `slac compile FILE [-o PLAN]`.
public enum CompileCommand {
    public static func run(contractPath: String, output: String?, colored: Bool) -> CommandOutput {
        switch PlanBuilding.plan(contractPath: contractPath, colored: colored) {
        case .failure(let out): return out
        case .success(let plan):
            guard let data = try? plan.encoded() else { return CommandOutput(standardError: "error: cannot encode the plan\n", exitCode: 2) }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: data + Data("\n".utf8)) else {
                    return CommandOutput(standardError: "error: cannot write `\(output)`\n", exitCode: 2)
                }
                return CommandOutput()
            }
            return CommandOutput(standardOutput: String(decoding: data, as: UTF8.self) + "\n")
        }
    }
}

/// `slac verify`: evaluate traces against a contract (or a compiled plan) and write reports.
public enum VerifyCommand {
    public struct Options: Sendable {
        public var contractPath: String?
        public var planPath: String?
        public var traces: [String]
        public var reportPath: String?
        public var junitPath: String?
        /// `--html FILE`: the auditor's HTML page, rendered from the sealed report.
        public var htmlPath: String?
        /// `--sign-key KEY`: sign the report's digest with this Ed25519 key (`slac keygen`).
        public var signKeyPath: String?
        /// `--signer NAME`: who signs, recorded in the signed part of the report (needs `--sign-key`).
        public var signer: String?
        /// `--timestamp`: record the time the report was written (`generated`) in its signed part.
        public var timestamp = false
        /// The instant `--timestamp` records; the current time when nil (tests fix it).
        public var now: Int64?
        /// `--check-ids`: count records whose `id` repeats within the run (README, "Benchmarks").
        public var checkIDs = false
        public var format: String?
        /// `--epoch INSTANT`: where relative timestamps start (Mooncake traces count ms from the
        /// trace start); an RFC 3339 instant with offset, or a date meaning midnight UTC.
        public var epoch: String?
        public var windows: WindowSelection = .breached
        public var strict = false
        /// `--allow-empty`: a trace with no accepted record is expected (exit by the verdict, not 3).
        public var allowEmpty = false
        public var jobs = 1
        /// `--lateness DURATION|none`: how far out of time order the records may be, so that
        /// windows of percentile clauses close early (docs/formats.md, "Time order"); nil: the
        /// default (`Evaluator.defaultLateness`).
        public var lateness: String?
        public var quiet = false
        /// Draw a progress bar on standard error (the CLI sets this only on a terminal).
        public var showProgress = false
        public init(contractPath: String? = nil, planPath: String? = nil, traces: [String]) {
            self.contractPath = contractPath
            self.planPath = planPath
            self.traces = traces
        }
    }

    public static func run(_ options: Options, colored: Bool) -> CommandOutput {
        let output = run(options, colored: colored, capture: nil)
        guard output.exitCode == ExitCode.invalidContract || output.exitCode == ExitCode.unreadableInput else { return output }
        return withoutStaleOutputs(output, options: options)
    }

    /// When nothing was judged (exit 2 or 3), no report or page may be left at the requested paths
    /// looking current, and the JUnit file holds the error: a broken pipeline never turns green.
    private static func withoutStaleOutputs(_ output: CommandOutput, options: Options) -> CommandOutput {
        var output = output
        for path in [options.reportPath, options.htmlPath].compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) {
            do { try FileManager.default.removeItem(atPath: path) } catch {
                output.standardError += "error: cannot remove the earlier report `\(path)`: \(error.localizedDescription)\n"
            }
        }
        if let junit = options.junitPath {
            let lines = output.standardError.split(separator: "\n").map(String.init)
            let first = lines.first { $0.hasPrefix("error") } ?? lines.first ?? "slac verify could not judge its input"
            let message = first.hasPrefix("error: ") ? String(first.dropFirst(7)) : first
            let kind = output.exitCode == ExitCode.unreadableInput ? "input error" : "invalid contract, plan or usage"
            let suite = options.contractPath ?? options.planPath ?? "slac"
            do {
                let document = try JUnitWriter().writeError(suite: suite, message: "\(kind): \(message)", details: output.standardError)
                try Data(document).write(to: URL(fileURLWithPath: junit))
            } catch {
                output.standardError += "error: cannot write the JUnit file `\(junit)`: \(error)\n"
            }
        }
        return output
    }

    /// Now, in nanoseconds since the epoch, to the millisecond (what `--timestamp` records).
    static func currentInstant() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) * 1_000_000
    }

    /// The first two non-empty traces with one content digest, and the digest.
    static func duplicateTraces(_ result: EvaluationResult) -> (String, String, String)? {
        var seen: [String: String] = [:]
        for trace in result.traces where trace.read > 0 {
            if let first = seen[trace.sha256] { return (first, trace.path, trace.sha256) }
            seen[trace.sha256] = trace.path
        }
        return nil
    }

    /// Why a run with no accepted record in some trace judged nothing (exit 3 unless `--allow-empty`).
    static func emptyTraceProblems(_ result: EvaluationResult, termStart: Int64, termEnd: Int64) -> [String] {
        var problems: [String] = []
        for trace in result.traces where trace.accepted == 0 {
            if trace.read == 0 {
                problems.append("error: trace `\(trace.path)` holds no records (an empty file, or a header without rows)\n"
                    + "   = help: pass `--allow-empty` if an empty trace is expected\n")
                continue
            }
            var parts: [String] = []
            if trace.rejected > 0 {
                let listed = result.rejected.filter { $0.path == trace.path }
                var counts: [String: Int] = [:]
                for r in listed { counts[r.reason, default: 0] += 1 }
                let common = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }
                var text = "\(trace.rejected) rejected"
                if let common, let example = listed.first(where: { $0.reason == common.key }) {
                    let share = listed.count == trace.rejected ? "\(common.value) of them" : "\(common.value) of the first \(listed.count)"
                    text += " (most often: \(common.key); \(share), first on line \(example.line))"
                }
                parts.append(text)
            }
            if trace.outsideTerm > 0 {
                var text = "\(trace.outsideTerm) outside the term \(CivilTime.format(termStart)) to \(CivilTime.format(termEnd))"
                if let range = trace.outsideTermRange {
                    text += " (the trace runs from \(CivilTime.format(range.lowerBound)) to \(CivilTime.format(range.upperBound)))"
                }
                parts.append(text)
            }
            let help = trace.rejected == trace.read
                ? "check that this is a trace and its format (`slac formats`; `--format` forces one): `ts` is RFC 3339 or epoch milliseconds"
                : "pass the traces of the contract's term, or `--allow-empty` if that is expected"
            problems.append("error: no record of trace `\(trace.path)` was accepted: of \(trace.read) read, " + parts.joined(separator: ", ") + "\n"
                + "   = help: \(help)\n")
        }
        return problems
    }

    /// The evaluation path of `run` without writing anything: parse, check and compile the
    /// contract (or load the plan), read the traces, evaluate. `slac verify-report --recompute`
    /// uses it so a reproduction goes through exactly the code that made the report.
    public static func evaluate(_ options: Options, colored: Bool) -> Result<EvaluationResult, CommandOutput> {
        var captured: EvaluationResult?
        let output = run(options, colored: colored) { captured = $0 }
        return captured.map { .success($0) } ?? .failure(output)
    }

    private static func run(_ options: Options, colored: Bool, capture: ((EvaluationResult) -> Void)?) -> CommandOutput {
        // A bad key is a usage error, found before any trace is read.
        var signingKey: ReportSigningKey?
        if capture == nil, let path = options.signKeyPath {
            do { signingKey = try ReportSigningKey.load(path: path) } catch {
                return CommandOutput(standardError: "error: \(error.description)\n", exitCode: ExitCode.invalidContract)
            }
        }
        if let signer = options.signer {
            if options.signKeyPath == nil {
                return CommandOutput(standardError: "error: `--signer` names the holder of the signing key, but no `--sign-key` is given\n"
                    + "   = help: pass `--sign-key KEY` with the key of \(signer), or leave out `--signer`\n", exitCode: ExitCode.invalidContract)
            }
            if signer.trimmingCharacters(in: .whitespaces).isEmpty || signer.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return CommandOutput(standardError: "error: `--signer` needs a name without control characters, e.g. `--signer \"Jane Doe, Example Audit LLP\"`\n",
                                     exitCode: ExitCode.invalidContract)
            }
        }
        let planResult: Result<MonitorPlan, CommandOutput>
        switch (options.contractPath, options.planPath) {
        case (let c?, nil): planResult = PlanBuilding.plan(contractPath: c, colored: colored)
        case (nil, let p?): planResult = PlanBuilding.loadPlan(path: p)
        default:
            return CommandOutput(standardError: "error: give exactly one of `--contract FILE` and `--plan PLAN`\n", exitCode: ExitCode.invalidContract)
        }
        let plan: MonitorPlan
        switch planResult {
        case .failure(let out): return out
        case .success(let p): plan = p
        }
        if options.traces.isEmpty {
            return CommandOutput(standardError: "error: no trace files given\n   = help: pass one or more trace files, or `-` for standard input\n", exitCode: ExitCode.invalidContract)
        }
        var formatOverride: TraceFormat?
        if let f = options.format {
            guard let parsed = TraceFormat(rawValue: f) else {
                let known = TraceFormat.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
                return CommandOutput(standardError: "error: unknown trace format `\(f)`\n   = help: formats are \(known)\n", exitCode: ExitCode.invalidContract)
            }
            formatOverride = parsed
        }
        var epoch: Int64?
        if let e = options.epoch {
            guard let instant = AdapterOptions.parseInstant(e) else {
                return CommandOutput(standardError: "error: `--epoch` is not an instant: `\(e)`\n   = help: write an RFC 3339 instant with an offset, e.g. `2024-05-01T00:00:00Z`, or a date (midnight UTC)\n",
                                     exitCode: ExitCode.invalidContract)
            }
            epoch = instant
        }

        var evaluator: Evaluator
        do { evaluator = try Evaluator(plan: plan) } catch {
            return CommandOutput(standardError: "error: \(error)\n", exitCode: ExitCode.invalidContract)
        }
        evaluator.checkRepeatedIDs = options.checkIDs
        if let text = options.lateness {
            guard let bound = parseLateness(text) else {
                return CommandOutput(standardError: "error: `--lateness` is not a duration: `\(text)`\n   = help: write a duration such as `30s`, `5min` or `2h`, or `none` to keep every window open\n",
                                     exitCode: ExitCode.invalidContract)
            }
            evaluator.lateness = bound
        }
        let notices = NoticeList()
        evaluator.notice = { notices.append($0) }
        var sources: [TraceSource] = []
        // Per trace read as a stream: the digest of its stored bytes, kept when it was compressed.
        var storedDigests: [(trace: Int, stream: TraceStream, digester: SHA256Digester)] = []
        for path in options.traces {
            do throws(TraceInputError) {
                let displayPath = path == "-" ? "<stdin>" : path
                // Gzip files, standard input and pipes are read as streams (memory flat in the
                // trace length); plain files are mapped and split into chunks.
                var stream: LineBlockReader?
                // The digest of a stream's content is made as it is read (its reader drops leading
                // blank lines and skips overlong lines, which no block holds).
                let contentDigester = SHA256Digester()
                if TraceStream.shouldStream(path: path) {
                    let raw = try TraceStream(path: path)
                    let digester = SHA256Digester()
                    raw.storedBytes = { digester.update($0) }
                    storedDigests.append((sources.count, raw, digester))
                    let reader = LineBlockReader(stream: raw, blockSize: evaluator.blockSize, maximumLine: evaluator.maximumLine)
                    reader.contentObserver = { contentDigester.update($0) }
                    stream = reader
                }
                let start = try stream?.prefix()
                let input = stream == nil ? try TraceInput(path: path) : nil
                let head = start ?? input?.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
                let format = formatOverride ?? TraceFormatDetection.detect(bytes: head, path: path, maximumLine: evaluator.maximumLine)
                if formatOverride == nil, format == .jsonl || format == .csv, let summary = TraceFormatDetection.summaryKind(bytes: head) {
                    return CommandOutput(standardError: "error: trace `\(path)` is \(summary.what)\n   = help: \(summary.help)\n",
                                         exitCode: ExitCode.unreadableInput)
                }
                if let stream, !format.isAdapter {
                    var source = TraceSource(stream: stream, format: format, displayPath: displayPath, digester: contentDigester)
                    // A compressed file can be read again (when it breaks the lateness bound); a pipe cannot.
                    if path != "-", (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular {
                        let blockSize = evaluator.blockSize, maximumLine = evaluator.maximumLine
                        source.reopen = { () throws(TraceInputError) -> LineBlockReader in
                            LineBlockReader(stream: try TraceStream(path: path), blockSize: blockSize, maximumLine: maximumLine)
                        }
                    }
                    sources.append(source)
                } else {
                    // Adapter formats are parsed as whole documents.
                    if let stream {
                        // Read whole; the content observer has seen every byte by then.
                        let whole = try TraceInput(path: path, collecting: stream)
                        sources.append(TraceSource(input: whole, format: format, sha256: contentDigester.finalize(), displayPath: displayPath))
                    } else {
                        let whole: TraceInput
                        if let input { whole = input } else { whole = try TraceInput(path: path) }
                        sources.append(TraceSource(input: whole, format: format, displayPath: displayPath, makeDigester: { SHA256Digester() }))
                    }
                }
            } catch {
                return CommandOutput(standardError: "error: cannot read trace `\(path)`: \(error.message)\n", exitCode: ExitCode.unreadableInput)
            }
        }
        // Missing information is an input error before evaluation, never a silently empty result.
        let problems = FormatRequirements.problems(plan: plan, sources: sources.map { ($0.displayPath, $0.format) }, epochGiven: epoch != nil)
        if !problems.isEmpty {
            return CommandOutput(standardError: problems.joined(), exitCode: ExitCode.unreadableInput)
        }
        // Records of formats without timestamps are placed at the term start (the check above
        // admits them only when every clause has one window over the whole term).
        let adapterOptions = AdapterOptions(epoch: epoch, undatedTimestamp: plan.contract.termStart)
        var result: EvaluationResult
        // Streamed traces have no known size: the bar then shows bytes and records without a percentage.
        let bar = options.showProgress ? ProgressBar(totalBytes: sources.contains { $0.input == nil } ? nil
                                                        : sources.reduce(0) { $0 + ($1.input?.bytes.count ?? 0) }) : nil
        do {
            var progress: (@Sendable (Int, Int) -> Void)?
            if let bar { progress = { bytes, records in bar.advance(bytes: bytes, records: records) } }
            let withOptions = sources.map { source -> TraceSource in
                var source = source
                source.adapterOptions = adapterOptions
                return source
            }
            result = try evaluator.evaluate(withOptions, jobs: max(1, options.jobs), progress: progress)
            bar?.finish()
        } catch {
            return CommandOutput(standardError: notices.text + "error: \(error)\n", exitCode: ExitCode.unreadableInput)
        }
        var output = CommandOutput(standardError: notices.text)

        for stored in storedDigests where stored.stream.isCompressed && stored.trace < result.traces.count {
            result.traces[stored.trace].fileSHA256 = stored.digester.finalize()
        }

        // The same content twice pools its records twice (a copy flipped a verdict): a usage error.
        if let duplicate = duplicateTraces(result) {
            return CommandOutput(standardError: "error: the same trace twice: `\(duplicate.0)` and `\(duplicate.1)` have the same content (sha256 \(duplicate.2.prefix(16))…)\n"
                + "   = help: pass each trace once; a compressed copy of a trace has the same content digest as the trace\n",
                                 exitCode: ExitCode.invalidContract)
        }

        if let capture {
            capture(result)
            return output
        }

        // Nothing judged is never green: a trace with no accepted record is an input error.
        var inputProblems = options.allowEmpty ? [] : emptyTraceProblems(result, termStart: plan.contract.termStart, termEnd: plan.contract.termEnd)
        if options.strict && result.rejectedTotal > 0 {
            var text = "error: \(result.rejectedTotal) record\(result.rejectedTotal == 1 ? " was" : "s were") rejected and `--strict` is set\n"
            for r in result.rejected.prefix(10) { text += "  \(r.path):\(r.line): \(r.reason)\n" }
            inputProblems.append(text)
        }
        if !inputProblems.isEmpty {
            return CommandOutput(standardOutput: options.quiet ? "" : Summary.render(result, verdict: "input error"),
                                 standardError: output.standardError + inputProblems.joined(), exitCode: ExitCode.unreadableInput)
        }

        do {
            // The report carries its digest (and signature); the HTML page is rendered from the
            // sealed bytes, exactly as `slac render` would render the file.
            let timing = PhaseTiming()
            let generated = options.timestamp ? (options.now ?? Self.currentInstant()) : nil
            let written = try XMLReportWriter(windows: options.windows, generatedAt: generated, signer: options.signer).write(result)
            timing.mark("report")
            let xml = try ReportIntegrity.seal(written, signingKey: signingKey)
            timing.mark("seal")
            timing.report()
            if let reportPath = options.reportPath {
                try Data(xml).write(to: URL(fileURLWithPath: reportPath))
            }
            if let htmlPath = options.htmlPath {
                try Data(try HTMLReportRenderer.render(xml).html).write(to: URL(fileURLWithPath: htmlPath))
            }
            if let junit = options.junitPath {
                try Data(try JUnitWriter().write(result)).write(to: URL(fileURLWithPath: junit))
            }
        } catch {
            // An unwritable output is an input/output error (3), not an invalid contract.
            return CommandOutput(standardError: output.standardError + "error: cannot write the report: \(error)\n", exitCode: ExitCode.unreadableInput)
        }
        if !options.quiet { output.standardOutput = Summary.render(result) }
        output.exitCode = result.verdict == .breached ? ExitCode.breached : ExitCode.compliant
        return output
    }
}

extension VerifyCommand {
    /// `--lateness`: `none`, or a whole number with a unit (`ms`, `s`, `min` or `m`, `h`), or a
    /// number of seconds; in nanoseconds (nil for `none` is `.some(nil)`; nil when unreadable).
    static func parseLateness(_ text: String) -> Int64?? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "none" { return .some(nil) }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9, let n = Int64(digits) else { return nil }
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let size: Int64
        switch unit {
        case "ms": size = 1_000_000
        case "", "s": size = 1_000_000_000
        case "m", "min": size = 60_000_000_000
        case "h": size = 3_600_000_000_000
        default: return nil
        }
        return .some(n * size)
    }
}

/// Lines for standard error collected from evaluation (its worker threads).
final class NoticeList: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }
    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return lines.joined()
    }
}

/// The short text summary `slac verify` prints for people; the XML report is the record.
enum Summary {
    /// The summary; `verdict` replaces the contract's verdict when the run judged nothing.
    static func render(_ r: EvaluationResult, verdict: String? = nil) -> String {
        var out = "contract \(r.contract.name)\(r.contract.id.map { " (\($0))" } ?? ""): \(verdict ?? r.verdict.rawValue)\n"
        for t in r.traces {
            out += "  trace \(t.path) [\(t.format)]: read \(t.read), accepted \(t.accepted), rejected \(t.rejected), outside term \(t.outsideTerm), excluded \(t.excluded)"
            if let repeated = t.repeatedIDs, repeated > 0 {
                out += ", repeated ids \(repeated) (" + t.repeatedIDExamples.prefix(3).joined(separator: ", ") + (repeated > 3 ? ", …)" : ")")
            }
            out += "\n"
        }
        for c in r.clauses {
            if let valued = c.windowsValued {
                out += "  clause \(c.ref) \(c.name): \(c.verdict.rawValue) — windows valued \(valued), insufficient \(c.windowsInsufficient)"
            } else {
                out += "  clause \(c.ref) \(c.name): \(c.verdict.rawValue) — windows met \(c.windowsMet), breached \(c.windowsBreached), insufficient \(c.windowsInsufficient)"
            }
            if !c.credits.isEmpty {
                out += "; credits " + c.credits.map { "\($0.amountText) \($0.currency)" }.joined(separator: ", ")
            }
            out += "\n"
        }
        return out
    }
}

/// A progress line on standard error for long runs: bytes done, records/s and ETA, redrawn at
/// most ten times a second. Only used when standard error is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let totalBytes: Int?
    private var bytes = 0
    private var records = 0
    private let started = DispatchTime.now().uptimeNanoseconds
    private var lastDraw: UInt64 = 0
    private let lock = NSLock()

    init(totalBytes: Int?) { self.totalBytes = totalBytes.map { max(1, $0) } }

    func advance(bytes b: Int, records r: Int) {
        lock.lock()
        defer { lock.unlock() }
        bytes += b
        records += r
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 100_000_000 else { return }
        lastDraw = now
        draw(now: now)
    }

    private func draw(now: UInt64) {
        let seconds = max(0.001, Double(now - started) / 1e9)
        guard let totalBytes else {
            let line = String(format: "\r%.0f MB  %.0f records/s ", Double(bytes) / 1e6, Double(records) / seconds)
            FileHandle.standardError.write(Data(line.utf8))
            return
        }
        let fraction = min(1, Double(bytes) / Double(totalBytes))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = Double(records) / seconds
        let eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0
        let line = String(format: "\r[%@] %5.1f%%  %.0f MB  %.0f records/s  ETA %.0f s ", bar, fraction * 100, Double(bytes) / 1e6, rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// The check for missing information (docs/formats.md): a clause needing a field that a trace's format
/// does not carry (TTFT in a token-only trace, a time window over records without timestamps)
/// stops the run with an input error naming the clause, the field and the format.
enum FormatRequirements {
    /// The fields a metric reads (as the monitor compiler requests them).
    static func fields(_ metric: Metric) -> [String] { metric.traceFields.map(\.name) }

    static func fields(_ p: CheckedPredicate) -> [String] {
        switch p {
        case .and(let a, let b), .or(let a, let b): fields(a) + fields(b)
        case .not(let a): fields(a)
        case .metric(let m, _, _): fields(m)
        case .text(let f, _, _), .textIn(let f, _, _): [f]
        }
    }

    /// The fields of a clause, in the order they appear (scope, groups, aggregate, exclusions).
    static func fields(_ c: PlanClause) -> [String] {
        var out: [String] = []
        if let scope = c.scope { out += fields(scope) }
        out += c.groupBy
        switch c.aggregate {
        case .share(let p): out += fields(p)
        case .count: break
        case .percentile(let m, _), .mean(let m), .min(let m), .max(let m), .sum(let m): out += fields(m)
        }
        for e in c.exclusions.requests { out += fields(e) }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// One message per (trace format, clause, missing field), in the house style.
    static func problems(plan: MonitorPlan, sources: [(path: String, format: TraceFormat)], epochGiven: Bool) -> [String] {
        var out: [String] = []
        var checked = Set<String>()
        for source in sources where source.format.isAdapter {
            let d = source.format.formatDescription
            let name = source.format.rawValue
            if d.needsEpoch && !epochGiven {
                out.append("error: `\(source.path)` is a `\(name)` trace, whose timestamps are milliseconds since the trace start\n"
                    + "   = help: pass `--epoch INSTANT` with the instant the trace started, e.g. `--epoch 2024-05-01T00:00:00Z`\n")
            }
            guard checked.insert(name).inserted else { continue }
            var missing: [String] = []
            if !d.hasTimestamps && !plan.exclusions.maintenance.isEmpty {
                missing.append("error: the contract's maintenance exclusions need `ts`, which `\(name)` traces do not carry\n")
            }
            for e in plan.exclusions.requests {
                for f in fields(e) where !d.provides(f) {
                    missing.append("error: the contract's `exclude requests` needs `\(f)`, which `\(name)` traces do not carry\n")
                }
            }
            for c in plan.clauses {
                if !d.hasTimestamps {
                    if c.window != .term {
                        missing.append("error: clause `\(c.ref)` (\(c.name)) needs `ts` for its time windows, which `\(name)` traces do not carry\n"
                            + "   = help: `\(name)` records have no timestamps; only clauses with `over term` can run on them\n")
                    } else if !c.exclusions.maintenance.isEmpty {
                        missing.append("error: clause `\(c.ref)` (\(c.name)) needs `ts` for its maintenance exclusion, which `\(name)` traces do not carry\n")
                    }
                }
                for f in fields(c) where !d.provides(f) {
                    missing.append("error: clause `\(c.ref)` (\(c.name)) needs `\(f)`, which `\(name)` traces do not carry\n")
                }
            }
            if !missing.isEmpty {
                out += missing
                out.append("   = note: `\(source.path)` was read as `\(name)`; `slac formats` lists what each format carries\n")
            }
        }
        return out
    }
}

/// `slac formats`: the trace formats and how each maps to the canonical record.
public enum FormatsCommand {
    public static func run() -> CommandOutput {
        CommandOutput(standardOutput: FormatCatalog.render())
    }
}
