import Crypto
import Foundation
import SLACChecker
import SLACEvaluator
import SLACMonitor
import SLACReport
import SLACSyntax
import SLACTrace

/// Hex SHA-256, used for contract sources and trace files in reports and plans.
public enum Digest {
    public static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { sha256Hex($0) }
    }

    /// SHA-256 of a trace, block by block, releasing each block's pages after hashing it so
    /// that digesting a large memory-mapped file does not grow the resident set.
    @Sendable public static func sha256Hex(_ input: TraceInput) -> String {
        var hasher = SHA256()
        let bytes = input.bytes
        let block = 8 << 20
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + block)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            input.releasePages(offset..<end)
            offset = end
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
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
        public var format: String?
        public var windows: WindowSelection = .breached
        public var strict = false
        public var jobs = 1
        public var quiet = false
        public init(contractPath: String? = nil, planPath: String? = nil, traces: [String]) {
            self.contractPath = contractPath
            self.planPath = planPath
            self.traces = traces
        }
    }

    public static func run(_ options: Options, colored: Bool) -> CommandOutput {
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

        let evaluator: Evaluator
        do { evaluator = try Evaluator(plan: plan) } catch {
            return CommandOutput(standardError: "error: \(error)\n", exitCode: ExitCode.invalidContract)
        }
        var sources: [TraceSource] = []
        for path in options.traces {
            do {
                let input = try TraceInput(path: path)
                let format = formatOverride ?? TraceFormatDetection.detect(bytes: input.bytes, path: path)
                sources.append(TraceSource(input: input, format: format, digest: Digest.sha256Hex,
                                           displayPath: path == "-" ? "<stdin>" : path))
            } catch {
                return CommandOutput(standardError: "error: cannot read trace `\(path)`: \(error.message)\n", exitCode: ExitCode.unreadableInput)
            }
        }
        let result: EvaluationResult
        do { result = try evaluator.evaluate(sources, jobs: max(1, options.jobs)) } catch {
            return CommandOutput(standardError: "error: \(error)\n", exitCode: ExitCode.unreadableInput)
        }

        var output = CommandOutput()
        do {
            let xml = try XMLReportWriter(windows: options.windows).write(result)
            if let reportPath = options.reportPath {
                try Data(xml).write(to: URL(fileURLWithPath: reportPath))
            }
            if let junit = options.junitPath {
                try Data(try JUnitWriter().write(result)).write(to: URL(fileURLWithPath: junit))
            }
        } catch {
            return CommandOutput(standardError: "error: cannot write the report: \(error)\n", exitCode: ExitCode.invalidContract)
        }
        if !options.quiet { output.standardOutput = Summary.render(result) }
        if options.strict && result.rejectedTotal > 0 {
            output.standardError += "error: \(result.rejectedTotal) record\(result.rejectedTotal == 1 ? " was" : "s were") rejected and `--strict` is set\n"
            for r in result.rejected.prefix(10) { output.standardError += "  \(r.path):\(r.line): \(r.reason)\n" }
            output.exitCode = ExitCode.unreadableInput
            return output
        }
        output.exitCode = result.verdict == .breached ? ExitCode.breached : ExitCode.compliant
        return output
    }
}

/// The short text summary `slac verify` prints for people; the XML report is the record.
enum Summary {
    static func render(_ r: EvaluationResult) -> String {
        var out = "contract \(r.contract.name)\(r.contract.id.map { " (\($0))" } ?? ""): \(r.verdict.rawValue)\n"
        for t in r.traces {
            out += "  trace \(t.path) [\(t.format)]: read \(t.read), accepted \(t.accepted), rejected \(t.rejected), outside term \(t.outsideTerm), excluded \(t.excluded)\n"
        }
        for c in r.clauses {
            out += "  clause \(c.ref) \(c.name): \(c.verdict.rawValue) — windows met \(c.windowsMet), breached \(c.windowsBreached), insufficient \(c.windowsInsufficient)"
            if !c.credits.isEmpty {
                out += "; credits " + c.credits.map { "\($0.amountText) \($0.currency)" }.joined(separator: ", ")
            }
            out += "\n"
        }
        return out
    }
}
