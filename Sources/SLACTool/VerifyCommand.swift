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
import SLACEngines

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
        /// Traces are scanned in blocks of about this many bytes (8 MB when nil); for tests, so that
        /// small traces span several blocks.
        public var blockSize: Int?
        /// `--lateness DURATION|none`: how far out of time order the records may be, so that
        /// windows of percentile clauses close early (docs/formats.md, "Time order"); nil: the
        /// default (`Evaluator.defaultLateness`).
        public var lateness: String?
        public var quiet = false
        /// Draw a progress bar on standard error (the CLI sets this only on a terminal).
        public var showProgress = false
        /// `--engine duckdb|spark`: run the accumulating half as SQL in that engine (docs/engines.md).
        public var engine: SQLDialect?
        /// `--aggregates DIR`: judge the output of the generated SQL that an engine already wrote.
        public var aggregatesPath: String?
        /// `--spark-master URL` for `--engine spark` (default: the engine's own).
        public var sparkMaster: String?
        /// `--input-format jsonl|csv|parquet` for `--engine` (default: from the file names).
        public var inputFormat: SQLInputFormat?
        public init(contractPath: String? = nil, planPath: String? = nil, traces: [String]) {
            self.contractPath = contractPath
            self.planPath = planPath
            self.traces = traces
        }
    }

    public static func run(_ options: Options, colored: Bool) -> CommandOutput {
        var outputs = StaleOutputs(options)
        let output: CommandOutput
        if let collision = outputCollision(options) {
            // The colliding output is not touched: it may be the user's input.
            outputs.reports.removeAll { $0 == collision.path }
            outputs.pages.removeAll { $0 == collision.path }
            outputs.junits.removeAll { $0 == collision.path }
            output = ToolDiagnostics.output("SLA0513", collision.message,
                                            help: "give each output its own path, apart from the run's inputs (slac replaces only files it wrote; remove another file first if it may go)",
                                            exit: .invalidContract, colored: colored)
        } else {
            // Earlier outputs go before anything is read: a run stopped on the way (a signal, a
            // cancelled CI job) leaves no previous run's passing report, page or JUnit file.
            for (paths, kind) in [(outputs.reports, OutputFile.Kind.report), (outputs.pages, .page), (outputs.junits, .junit)] {
                for path in paths { OutputFile.removeEarlier(path, kind: kind) }
            }
            output = judgeAndWrite(options, colored: colored)
        }
        guard output.exit == .invalidContract || output.exit == .inputError else { return output }
        return withoutStaleOutputs(output, outputs: outputs, colored: colored)
    }

    /// An output that would overwrite an input (`--report trace.jsonl`, `--junit key.pem`) or
    /// another output (`--report r.xml --html r.xml`), found before anything is read or written.
    static func outputCollision(_ options: Options) -> (path: String, message: String)? {
        let outputs: [(option: String, path: String?)] = [("--report", options.reportPath), ("--html", options.htmlPath), ("--junit", options.junitPath)]
        var inputs: [(what: String, path: String?)] = [("the contract", options.contractPath), ("the plan", options.planPath),
                                                       ("the signing key", options.signKeyPath)]
        inputs += options.traces.map { ("the trace", $0) }
        if let collision = OutputFile.collision(outputs: outputs, inputs: inputs) { return collision }
        // Any other file is replaced only when slac wrote it: `--junit deploy.key` replaced a key.
        let kinds: [OutputFile.Kind] = [.report, .page, .junit]
        for ((option, path), kind) in zip(outputs, kinds) {
            guard let path, !OutputFile.holdsNothingOrEarlier(path, kind: kind) else { continue }
            return (path, "`\(option) \(path)` would replace a file that is not \(kind.named) slac wrote")
        }
        return nil
    }

    /// The outputs a run that judged nothing clears: every path given, also when an option was
    /// given twice (the parser keeps the last; the first is cleared too).
    struct StaleOutputs {
        var reports: [String]
        var pages: [String]
        var junits: [String]
        var suite: String
    }

    /// A `slac verify` whose command line did not parse (an unknown option, a bad value): exit 2
    /// with `message` (already rendered), and the outputs named on the line treated as on every
    /// other exit 2. Without this, a typo in a CI step's options (`--stirct`) failed the step but
    /// left the previous run's passing report and JUnit file to be uploaded as its artefacts.
    ///
    /// `arguments` are those after `verify`; the paths are read from them as the parser would
    /// (`--report FILE` or `--report=FILE`, up to a lone `--`), skipping a value that starts with
    /// `-`, which is the next option rather than a path.
    public static func argumentsRejected(_ arguments: [String], message: String, colored: Bool) -> CommandOutput {
        var values: [String: [String]] = [:]
        let names = ["--report", "--html", "--junit", "--contract", "--plan"]
        var index = arguments.startIndex
        while index < arguments.endIndex, arguments[index] != "--" {
            let argument = arguments[index]
            for name in names {
                if argument == name, index + 1 < arguments.endIndex, !arguments[index + 1].hasPrefix("-") {
                    values[name, default: []].append(arguments[index + 1])
                } else if argument.hasPrefix(name + "="), argument.count > name.count + 1 {
                    values[name, default: []].append(String(argument.dropFirst(name.count + 1)))
                }
            }
            index += 1
        }
        let outputs = StaleOutputs(reports: values["--report"] ?? [], pages: values["--html"] ?? [], junits: values["--junit"] ?? [],
                                   suite: values["--contract"]?.last ?? values["--plan"]?.last ?? "slac")
        return withoutStaleOutputs(CommandOutput(standardError: message, exitCode: .invalidContract), outputs: outputs, colored: colored)
    }

    /// When nothing was judged (exit 2 or 3), no report or page may be left at the requested paths
    /// looking current, and the JUnit file holds the error: a broken pipeline never turns green.
    ///
    /// Only what slac wrote is removed or replaced (`OutputFile.holdsNothingOrEarlier`): a path
    /// that names the user's own file (`--html contract.sla` beside a typo) leaves it alone, with
    /// a note. `/dev/null` or a pipe is left be.
    private static func withoutStaleOutputs(_ output: CommandOutput, outputs: StaleOutputs, colored: Bool) -> CommandOutput {
        var output = output
        // An empty path (`--junit ''`) is its own usage error; there is nothing to clear there.
        let cleared = (outputs.reports.map { ($0, OutputFile.Kind.report) } + outputs.pages.map { ($0, OutputFile.Kind.page) }).filter { !$0.0.isEmpty }
        for (path, kind) in cleared {
            if !OutputFile.holdsNothingOrEarlier(path, kind: kind) {
                output.standardError += "note: left `\(path)` as it is: it is not \(kind.named) slac wrote\n"
            } else if OutputFile.removeEarlier(path, kind: kind) == false {
                output.standardError += ToolDiagnostics.render([ToolDiagnostics.error("SLA0901", "cannot remove the earlier report `\(path)`: \(String(cString: strerror(errno)))")],
                                                               colored: colored)
            }
        }
        for junit in outputs.junits where !junit.isEmpty {
            guard OutputFile.holdsNothingOrEarlier(junit, kind: .junit) else {
                output.standardError += "note: did not write the JUnit file `\(junit)`: the file there is not one slac wrote\n"
                continue
            }
            let lines = withoutColor(output.standardError).split(separator: "\n").map(String.init)
            let first = lines.first { $0.hasPrefix("error") } ?? lines.first ?? "slac verify could not judge its input"
            // `error[SLA0601]: message` or `error: message` → `message`.
            let message = first.hasPrefix("error") ? (first.range(of: ": ").map { String(first[$0.upperBound...]) } ?? first) : first
            let kind = output.exit == .inputError ? "input error" : "invalid contract, plan or usage"
            let suite = outputs.suite
            do {
                let document = try JUnitWriter().writeError(suite: suite, message: "\(kind): \(message)", details: output.standardError,
                                                            type: output.exit == .inputError ? "input-error" : "usage-error")
                try OutputFile.write(document, to: junit)
            } catch {
                output.standardError += ToolDiagnostics.render([ToolDiagnostics.error("SLA0901", "cannot write the JUnit file \(error)")],
                                                               colored: colored)
            }
        }
        return output
    }

    /// `text` without ANSI colour sequences (`ESC [ … m`), for the JUnit file.
    private static func withoutColor(_ text: String) -> String {
        var out = ""
        var escape = false
        for scalar in text.unicodeScalars {
            if escape {
                if scalar == "m" { escape = false }
            } else if scalar == "\u{1B}" {
                escape = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Now, in nanoseconds since the epoch, to the millisecond (what `--timestamp` records).
    static func currentInstant() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) * 1_000_000
    }

    /// The first two arguments naming one plain file (the same path twice, or a link to it) that
    /// holds more than blank space: the same trace twice, found before anything is evaluated, so
    /// that this usage error (2) comes before any input error of the run (3) and no time is spent
    /// on it. Copies and compressed copies are found by their digests after the scan.
    static func sameFileTwice(_ paths: [String]) -> (String, String)? {
        var seen: [String: String] = [:]
        // Standard input can be read once: a second `-` would read nothing (exit 3, "holds no
        // records"), or an empty trace with `--allow-empty`.
        if paths.filter({ $0 == "-" }).count > 1 { return ("-", "-") }
        for path in paths where path != "-" {
            var st = stat()
            guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_size > 0, !TraceStream.shouldStream(path: path) else { continue }
            let key = "\(st.st_dev):\(st.st_ino)"
            if let first = seen[key] {
                if holdsMoreThanBlankSpace(path) { return (first, path) }
                continue
            }
            seen[key] = path
        }
        return nil
    }

    /// Whether the first 64 KB of a file hold a byte other than a space, tab or line break (a
    /// trace of blank lines only is an empty trace, not a duplicate).
    private static func holdsMoreThanBlankSpace(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 1 << 16)) ?? Data()
        return head.contains { !$0.isBlankSpace }
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
    static func emptyTraceProblems(_ result: EvaluationResult, termStart: Int64, termEnd: Int64) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for trace in result.traces where trace.accepted == 0 {
            if trace.read == 0 {
                problems.append(ToolDiagnostics.error("SLA0603", "trace `\(trace.path)` holds no records (an empty file, or a header without rows)",
                                                      help: "pass `--allow-empty` if an empty trace is expected"))
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
                    // An engine that cannot number rows leaves line 0: the record's id says where.
                    let place = example.line > 0 ? "first on line \(example.line)" : example.id.map { "first with id `\($0)`" } ?? "the first"
                    text += " (most often: \(common.key); \(share), \(place))"
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
            // Epoch seconds read as milliseconds land in January 1970 (1,773,446,400 s → 1970-01-21).
            let january1970 = Int64(31) * 86_400 * 1_000_000_000
            let looksLikeSeconds = trace.outsideTermRange.map { $0.lowerBound >= 0 && $0.upperBound < january1970 } ?? false
                && termStart >= january1970
            let help = looksLikeSeconds
                ? "`ts` looks like epoch seconds (the records fall in January 1970): a number in `ts` is read as epoch milliseconds, so multiply it by 1000, or write RFC 3339"
                : trace.rejected == trace.read
                ? "check that this is a trace and its format (`slac formats`; `--format` forces one): `ts` is RFC 3339 or epoch milliseconds"
                : "pass the traces of the contract's term, or `--allow-empty` if that is expected"
            problems.append(ToolDiagnostics.error("SLA0604", "no record of trace `\(trace.path)` was accepted: of \(trace.read) read, "
                                                  + parts.joined(separator: ", "), help: help))
        }
        return problems
    }

    /// The evaluation at the core of `run`, writing nothing: parse, check and compile the contract
    /// (or load the plan), read the traces, evaluate. `run` judges and writes what this returns;
    /// `slac verify-report --recompute` uses it so a reproduction goes through exactly the code
    /// that made the report.
    /// `notices` collects the evaluator's lines for standard error (a trace out of time order).
    package static func evaluate(_ options: Options, colored: Bool, notices: NoticeList? = nil) -> Result<EvaluationResult, CommandOutput> {
        if let signer = options.signer {
            if options.signKeyPath == nil {
                return .failure(ToolDiagnostics.output("SLA0503", "`--signer` names the holder of the signing key, but no `--sign-key` is given",
                                                       help: "pass `--sign-key KEY` with the key of \(signer), or leave out `--signer`",
                                                       exit: .invalidContract, colored: colored))
            }
            if signer.trimmingCharacters(in: .whitespaces).isEmpty || signer.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return .failure(ToolDiagnostics.output("SLA0504", "`--signer` needs a name without control characters, e.g. `--signer \"Jane Doe, Example Audit LLP\"`",
                                                       exit: .invalidContract, colored: colored))
            }
        }
        let planResult: Result<MonitorPlan, CommandOutput>
        var planDigest: String?
        switch (options.contractPath, options.planPath) {
        case (let c?, nil): planResult = PlanBuilding.plan(contractPath: c, colored: colored)
        case (nil, let p?): planResult = PlanBuilding.loadPlan(path: p, colored: colored).map { loaded in
            planDigest = loaded.sha256
            return loaded.plan
        }
        default:
            return .failure(ToolDiagnostics.output("SLA0505", "give exactly one of `--contract FILE` and `--plan PLAN`", exit: .invalidContract, colored: colored))
        }
        let plan: MonitorPlan
        switch planResult {
        case .failure(let out): return .failure(out)
        case .success(let p): plan = p
        }
        // Beyond one machine: an engine accumulates, the judging half is the same (docs/engines.md).
        if options.engine != nil || options.aggregatesPath != nil {
            return EngineVerification.evaluate(plan: plan, options: options, colored: colored).map { judged in
                var judged = judged
                judged.contract.planSHA256 = planDigest
                return judged
            }
        }
        if options.traces.isEmpty {
            return .failure(ToolDiagnostics.output("SLA0506", "no trace files given", help: "pass one or more trace files, or `-` for standard input",
                                                   exit: .invalidContract, colored: colored))
        }
        var formatOverride: TraceFormat?
        if let f = options.format {
            guard let parsed = TraceFormat(rawValue: f) else {
                let known = TraceFormat.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
                return .failure(ToolDiagnostics.output("SLA0507", "unknown trace format `\(f)`", help: "formats are \(known)", exit: .invalidContract, colored: colored))
            }
            formatOverride = parsed
        }
        var epoch: Int64?
        if let e = options.epoch {
            guard let instant = AdapterOptions.parseInstant(e) else {
                return .failure(ToolDiagnostics.output("SLA0508", "`--epoch` is not an instant: `\(e)`",
                                                       help: "write an RFC 3339 instant with an offset, e.g. `2024-05-01T00:00:00Z`, or a date (midnight UTC)",
                                                       exit: .invalidContract, colored: colored))
            }
            epoch = instant
        }

        var evaluator: Evaluator
        do { evaluator = try Evaluator(plan: plan) } catch {
            return .failure(ToolDiagnostics.output("SLA0702", "\(error)", exit: .invalidContract, colored: colored))
        }
        evaluator.checkRepeatedIDs = options.checkIDs
        if let blockSize = options.blockSize { evaluator.blockSize = max(1, blockSize) }
        if let text = options.lateness {
            guard let bound = parseLateness(text) else {
                let negative = text.trimmingCharacters(in: .whitespaces).hasPrefix("-")
                return .failure(ToolDiagnostics.output("SLA0512", negative ? "`--lateness` cannot be negative: `\(text)`" : "`--lateness` is not a duration: `\(text)`",
                                                       help: (negative ? "it is how far a record may arrive after records later than it, 0 or more; " : "")
                                                           + "write a duration such as `30s`, `5min` or `2h`, or `none` to keep every window open",
                                                       exit: .invalidContract, colored: colored))
            }
            evaluator.lateness = bound
        }
        if let notices { evaluator.notice = { notices.append($0) } }
        if let (first, second) = sameFileTwice(options.traces) {
            let what = first == "-" ? "standard input (`-`) can be read once" : "`\(first)` and `\(second)` are the same file"
            return .failure(ToolDiagnostics.output("SLA0509", "the same trace twice: \(what)",
                                                   help: "pass each trace once", exit: .invalidContract, colored: colored))
        }
        let opened: OpenedTraces
        switch openTraces(options.traces, formatOverride: formatOverride, evaluator: evaluator, colored: colored) {
        case .failure(let out): return .failure(out)
        case .success(let o): opened = o
        }
        let sources = opened.sources
        // Missing information is an input error before evaluation, never a silently empty result.
        let problems = FormatRequirements.problems(plan: plan, sources: sources.map { ($0.displayPath, $0.format) }, epochGiven: epoch != nil)
        if !problems.isEmpty {
            return .failure(CommandOutput(standardError: ToolDiagnostics.render(problems, colored: colored), exitCode: ExitCode.inputError))
        }
        // `--epoch` given where no trace counts time from its start does nothing: said, not
        // silently ignored (a user may believe it shifted the trace).
        if epoch != nil, !sources.contains(where: { $0.format.needsEpoch }) {
            notices?.append("note: `--epoch` is ignored: no trace here has timestamps relative to its start (only `mooncake` traces do)\n")
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
            // A trace read as CSV by its content (no `.jsonl` name: standard input, `.log`) may be
            // JSON Lines whose first line is not an object: say how the format was chosen.
            let text = "\(error)"
            let help = options.format == nil && text.contains("csv header")
                ? "the format was detected from the content: a first line that is not a JSON object and holds a comma reads as a CSV header; if this is JSON Lines, pass `--format jsonl`"
                : nil
            return .failure(ToolDiagnostics.output("SLA0608", text, help: help, exit: .inputError, colored: colored))
        }

        for (index, source) in sources.enumerated() where index < result.traces.count && source.format.needsEpoch {
            result.traces[index].epoch = epoch
        }
        for stored in opened.storedDigests where stored.stream.isCompressed && stored.trace < result.traces.count {
            result.traces[stored.trace].fileSHA256 = stored.digester.finalize()
        }
        // A CSV file cut in the middle of its last cell (`2731.0` → `273`) reads as a valid record
        // with another value: nothing in the data can tell. Writers end their last line with a
        // line break, so a file that does not is said to be possibly cut short.
        for ending in opened.endings {
            guard let last = ending.lastByte(), last != 0x0A, last != 0x0D else { continue }
            notices?.append("note: `\(ending.path)` does not end with a line break; if it was cut short (a copy or upload that stopped), its last record may have been read with a value cut off (a number cut in the middle is still a number)\n")
        }

        // A trace of HTTP status codes (`"status": 200`) reads as text "200", never "ok": every
        // request fails a share of `status = "ok"`, and the contract pays its largest credit
        // without a word (found by an audit). When no window of such a clause had a request
        // with status "ok", the run says so.
        for (index, clause) in plan.clauses.enumerated() where index < result.clauses.count {
            guard case .share(let condition) = clause.aggregate, Self.asksForStatusOK(condition) else { continue }
            let judged = result.clauses[index]
            guard judged.windowsMet == 0, judged.windowsBreached > 0,
                  judged.windows.allSatisfy({ $0.observed.map { $0.approximate == 0 } ?? true }) else { continue }
            notices?.append("note: clause \(judged.ref) `\(judged.name)`: no window had a request with `status` \"ok\", so every request counted as failed; slac reads `status` as text (\"ok\", \"error\", \"error:503\"; absent means \"ok\"), so a trace of HTTP status codes (`\"status\": 200`) must have them mapped to that first (docs/formats.md)\n")
        }

        // The same content twice pools its records twice (a copy flipped a verdict): a usage error.
        if let duplicate = duplicateTraces(result) {
            return .failure(ToolDiagnostics.output("SLA0509", "the same trace twice: `\(duplicate.0)` and `\(duplicate.1)` have the same content (sha256 \(duplicate.2.prefix(16))…)",
                                                   help: "pass each trace once; a compressed copy of a trace has the same content digest as the trace",
                                                   exit: .invalidContract, colored: colored))
        }
        result.contract.planSHA256 = planDigest
        return .success(result)
    }

    /// Whether `condition` holds for a request whose `status` is "ok" only by that value (it
    /// names `status = "ok"` or `status in [… "ok" …]`, not negated).
    static func asksForStatusOK(_ condition: CheckedPredicate) -> Bool {
        switch condition {
        case .text(let field, let equal, let value): return field == "status" && equal && value == "ok"
        case .textIn(let field, let values, let negated): return field == "status" && !negated && values.contains("ok")
        case .and(let a, let b), .or(let a, let b): return asksForStatusOK(a) || asksForStatusOK(b)
        case .not, .metric: return false
        }
    }

    /// A trace read as a stream: the digest of its stored bytes, kept when it was compressed.
    private typealias StoredDigest = (trace: Int, stream: TraceStream, digester: SHA256Digester)
    private typealias OpenedTraces = (sources: [TraceSource], storedDigests: [StoredDigest], endings: [TraceEnding])
    /// How a trace's content ended: its last byte, known once it was read.
    private typealias TraceEnding = (path: String, lastByte: @Sendable () -> UInt8?)

    /// The last content byte a stream passed on (for the note on a trace cut short).
    private final class LastByte: @unchecked Sendable {
        private let lock = NSLock()
        private var byte: UInt8?
        func observe(_ bytes: UnsafeRawBufferPointer) {
            guard let last = bytes.last else { return }
            lock.lock()
            byte = last
            lock.unlock()
        }
        var value: UInt8? {
            lock.lock()
            defer { lock.unlock() }
            return byte
        }
    }

    /// The traces as sources for the evaluator, each in its detected (or forced) format.
    private static func openTraces(_ paths: [String], formatOverride: TraceFormat?, evaluator: Evaluator,
                                   colored: Bool) -> Result<OpenedTraces, CommandOutput> {
        var sources: [TraceSource] = []
        var storedDigests: [StoredDigest] = []
        var endings: [TraceEnding] = []
        for path in paths {
            do throws(TraceInputError) {
                let displayPath = path == "-" ? "<stdin>" : path
                // Gzip files, standard input and pipes are read as streams (memory flat in the
                // trace length); plain files are mapped and scanned in blocks.
                var stream: LineBlockReader?
                // The digest of a stream's content is made as it is read (its reader drops leading
                // blank lines and skips overlong lines, which no block holds).
                let contentDigester = SHA256Digester()
                // How to read the stream again from its start, when it breaks the lateness bound: a
                // file is opened again; a pipe that may have to be read twice is copied as it is
                // read (one trace per run: windows close early only then); nil: it cannot be.
                var readAgain: (@Sendable () throws(TraceInputError) -> TraceStream)?
                // The last byte of the content, for a line format's note on a file cut short.
                var ending: (@Sendable () -> UInt8?)?
                if TraceStream.shouldStream(path: path) {
                    let raw = try TraceStream(path: path)
                    let isRegular = path != "-"
                        && (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
                    if isRegular {
                        readAgain = { () throws(TraceInputError) -> TraceStream in try TraceStream(path: path) }
                    } else if paths.count == 1, evaluator.mayReadTwice, let copy = PipeCopy(displayPath: displayPath) {
                        raw.copyStoredBytes = { copy.append($0) }
                        readAgain = { () throws(TraceInputError) -> TraceStream in try copy.reopen() }
                    }
                    // Sees a compressed file's bytes only (a plain stream's are its content).
                    let digester = SHA256Digester()
                    raw.storedBytes = { digester.update($0) }
                    storedDigests.append((sources.count, raw, digester))
                    let reader = LineBlockReader(stream: raw, blockSize: evaluator.blockSize, maximumLine: evaluator.maximumLine)
                    let last = LastByte()
                    reader.contentObserver = { bytes in
                        contentDigester.update(bytes)
                        last.observe(bytes)
                    }
                    ending = { last.value }
                    stream = reader
                }
                let start = try stream?.prefix()
                let input = stream == nil ? try TraceInput(path: path) : nil
                if let input {
                    let last = input.bytes.last
                    ending = { last }
                }
                let head = start ?? input?.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
                let format = formatOverride ?? TraceFormatDetection.detect(bytes: head, path: path, maximumLine: evaluator.maximumLine)
                if formatOverride == nil, format == .jsonl || format == .csv, let summary = TraceFormatDetection.summaryKind(bytes: head) {
                    return .failure(ToolDiagnostics.output("SLA0602", "trace `\(path)` is \(summary.what)", help: summary.help, exit: .inputError, colored: colored))
                }
                if let ending, format == .jsonl || format == .csv { endings.append((displayPath, ending)) }
                if let stream, !format.isAdapter {
                    var source = TraceSource(stream: stream, format: format, displayPath: displayPath, digester: contentDigester)
                    if let readAgain {
                        let blockSize = evaluator.blockSize, maximumLine = evaluator.maximumLine
                        source.reopen = { () throws(TraceInputError) -> LineBlockReader in
                            LineBlockReader(stream: try readAgain(), blockSize: blockSize, maximumLine: maximumLine)
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
                return .failure(ToolDiagnostics.output("SLA0601", "cannot read trace `\(path)`: \(error.message)", exit: .inputError, colored: colored))
            }
        }
        return .success((sources, storedDigests, endings))
    }

    /// `run` before stale outputs are removed: the evaluation, the verdict and the reports.
    private static func judgeAndWrite(_ options: Options, colored: Bool) -> CommandOutput {
        // A bad key is found before any trace is read: 2 when it is not a key, 3 when it cannot be read.
        var signingKey: ReportSigningKey?
        if let path = options.signKeyPath {
            do { signingKey = try ReportSigningKey.load(path: path) } catch {
                return ToolDiagnostics.output("SLA0803", error.description, exit: error.exitCode, colored: colored)
            }
        }
        let result: EvaluationResult
        let notices = NoticeList()
        switch evaluate(options, colored: colored, notices: notices) {
        case .failure(var output):
            output.standardError = notices.text + output.standardError
            return output
        case .success(let r): result = r
        }

        // Nothing judged is never green: a trace with no accepted record is an input error.
        let emptyTraces = options.allowEmpty ? [] : emptyTraceProblems(result, termStart: result.contract.termStart, termEnd: result.contract.termEnd)
        var inputProblems = emptyTraces
        // Engines cannot number CSV rows (line 0): such a record is located by its id.
        func located(_ r: RejectedRecord) -> String {
            r.line > 0 || r.id == nil ? "\(r.path):\(r.line): \(r.reason)" : "\(r.path) (id `\(r.id ?? "")`): \(r.reason)"
        }
        if options.strict && result.rejectedTotal > 0 {
            let first = result.rejected.prefix(10).map(located)
            inputProblems.append(ToolDiagnostics.error("SLA0605", "\(result.rejectedTotal) record\(result.rejectedTotal == 1 ? " was" : "s were") rejected and `--strict` is set",
                                                       notes: first))
        }
        // A clause that judged nothing is named on standard error (and is a skipped test case in
        // JUnit); with `--strict` it fails the run: nothing measured is not compliance (docs/ci.md).
        // A trace with no accepted record is an error that already says why clauses judged
        // nothing, and with `--allow-empty` a run that accepted nothing is what was expected.
        let acceptedNothing = result.traces.allSatisfy { $0.accepted == 0 }
        let noData = emptyTraces.isEmpty && !(options.allowEmpty && acceptedNothing) ? result.clauses.filter { $0.verdict == .noData } : []
        if options.strict && !noData.isEmpty {
            let named = noData.map { "clause \($0.ref) `\($0.name)`: \(JUnitWriter.noDataMessage($0))" }
            inputProblems.append(ToolDiagnostics.error("SLA0609", "\(noData.count) clause\(noData.count == 1 ? " has" : "s have") no data and `--strict` is set",
                                                       help: "check the traces cover the clauses' scopes and term, or leave out `--strict`",
                                                       notes: named))
        } else {
            for clause in noData {
                notices.append("note: clause \(clause.ref) `\(clause.name)` judged nothing — \(JUnitWriter.noDataMessage(clause))\n")
            }
        }
        // Rejected records are counted in the report; a CI log should show them too, with the
        // first, rather than only as a number in the summary (every trace rejected whole is an
        // error above, which says why).
        if !options.strict, result.rejectedTotal > 0, emptyTraces.isEmpty, let first = result.rejected.first {
            notices.append("note: \(result.rejectedTotal) record\(result.rejectedTotal == 1 ? " was" : "s were") rejected (the report lists them when written; `--strict` fails the run on any); first: \(located(first))\n")
        }
        // Repeated ids (`--check-ids`) were only in the summary, which `--quiet` drops, and in the
        // report: a CI log shows them too. They count as records all the same (docs/reports.md).
        for trace in result.traces {
            guard let repeated = trace.repeatedIDs, repeated > 0 else { continue }
            notices.append("note: `\(trace.path)` has \(repeated) record\(repeated == 1 ? "" : "s") whose `id` an earlier record of the run already had (double-logged requests?); they are counted like any other; first: \(trace.repeatedIDExamples.prefix(3).map { "`\($0)`" }.joined(separator: ", "))\n")
        }
        if !inputProblems.isEmpty {
            return CommandOutput(standardOutput: options.quiet ? "" : Summary.render(result, verdict: "input error"),
                                 standardError: notices.text + ToolDiagnostics.render(inputProblems, colored: colored), exitCode: ExitCode.inputError)
        }

        var output = CommandOutput(standardError: notices.text)
        do {
            // The report carries its digest (and signature); the HTML page is rendered from the
            // sealed bytes, exactly as `slac render` would render the file.
            let timing = PhaseTiming()
            let generated = options.timestamp ? (options.now ?? Self.currentInstant()) : nil
            var writer = XMLReportWriter(windows: options.windows, generatedAt: generated, signer: options.signer)
            writer.jobs = max(1, options.jobs)
            let written = try writer.write(result)
            timing.mark("report")
            let insertion: IntegrityInsertion
            if let reportPath = options.reportPath {
                insertion = try OutputFile.writeSealedReport(written, signingKey: signingKey, to: reportPath)
            } else {
                insertion = try ReportIntegrity.integrityInsertion(written, signingKey: signingKey)
            }
            // The seal and the report's write, which overlap (`OutputFile.writeSealedReport`).
            timing.mark("write")
            timing.report()
            if let htmlPath = options.htmlPath {
                try OutputFile.write(try HTMLReportRenderer.render(insertion.sealed(written)).html, to: htmlPath)
            }
            if let junit = options.junitPath {
                try OutputFile.write(try JUnitWriter().write(result), to: junit)
            }
        } catch {
            // An unwritable output is an input/output error (3), not an invalid contract.
            let message = error is OutputFileError ? "cannot write \(error)" : "cannot write the report: \(error)"
            var failed = ToolDiagnostics.output("SLA0901", message, exit: .inputError, colored: colored)
            failed.standardError = notices.text + failed.standardError
            return failed
        }
        if !options.quiet { output.standardOutput = Summary.render(result) }
        output.exit = result.verdict == .breached ? ExitCode.breached : ExitCode.compliant
        Evaluator.freeInBackground(result)
        return output
    }
}

extension VerifyCommand {
    /// `--lateness`: `none`, or a whole number with a unit (`ms`, `s`, `min` or `m`, `h`), or a
    /// number of seconds; in nanoseconds (`none` is `.some(nil)`; nil when unreadable).
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
public final class NoticeList: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    public init() {}
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

extension VerifyCommand.StaleOutputs {
    /// The outputs one parsed command line names (the struct keeps its memberwise initialiser).
    init(_ options: VerifyCommand.Options) {
        self.init(reports: [options.reportPath].compactMap { $0 }, pages: [options.htmlPath].compactMap { $0 },
                  junits: [options.junitPath].compactMap { $0 }, suite: options.contractPath ?? options.planPath ?? "slac")
    }
}
