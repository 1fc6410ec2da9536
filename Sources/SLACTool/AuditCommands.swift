import Foundation
import SLACAudit
import SLACEvaluator
import SLACReport
import SLACSyntax

/// `slac render REPORT.xml [-o FILE.html]`: the auditor's HTML page of a report.
public enum RenderCommand {
    /// Renders `reportPath` (untrusted) to `outputPath`, or to standard output without one.
    /// Exit 0 when written, 2 when the report is malformed, 3 when the report cannot be read or
    /// the page cannot be written.
    public static func run(reportPath: String, outputPath: String?) -> CommandOutput {
        // `render r.xml -o r.xml` replaced the signed report with its page.
        if let collision = OutputFile.collision(outputs: [("-o", outputPath)], inputs: [("the report", reportPath)]) {
            return ToolDiagnostics.output("SLA0513", collision.message, help: "write the page to another file", exit: .invalidContract, colored: false)
        }
        if let outputPath, !OutputFile.holdsNothingOrEarlier(outputPath, kind: .page) {
            return ToolDiagnostics.output("SLA0513", "`-o \(outputPath)` would replace a file that is not a page slac wrote",
                                          help: "write the page to another file, or remove that one first if it may go", exit: .invalidContract, colored: false)
        }
        let bytes: [UInt8]
        do { bytes = try SafeXML.readFile(path: reportPath) } catch {
            return ToolDiagnostics.output("SLA0801", error.description, exit: error.exitCode, colored: false)
        }
        let rendered: RenderedReport
        do { rendered = try HTMLReportRenderer.render(bytes) } catch {
            let code: DiagnosticCode = if case .unreadable = error { "SLA0801" } else { "SLA0802" }
            return ToolDiagnostics.output(code, "`\(reportPath)`: \(error.description)", exit: .invalidContract, colored: false)
        }
        var output = CommandOutput()
        if let check = rendered.integrity, check.digest != .absent, !check.holds {
            let warning = Diagnostic.warning("SLA0805", at: Span(0, 0), "`\(reportPath)` fails its integrity check (the page says so)",
                                             help: "run `slac verify-report` for details")
            output.standardError += ToolDiagnostics.render([warning], colored: false)
        }
        if let outputPath {
            do { try OutputFile.write(rendered.html, to: outputPath) } catch {
                // An unwritable output is an input/output error (docs/ci.md: exit 3).
                return ToolDiagnostics.output("SLA0901", "cannot write \(error)", exit: .inputError, colored: false)
            }
        } else {
            output.standardOutput = String(decoding: rendered.html, as: UTF8.self)
        }
        return output
    }
}

/// `slac keygen --out PREFIX`: an Ed25519 key pair for signing reports.
public enum KeygenCommand {
    /// Writes `PREFIX.key` (mode 0600) and `PREFIX.pub`; exit 2 when either exists (nothing is
    /// overwritten), 3 when one cannot be written.
    public static func run(prefix: String) -> CommandOutput {
        do {
            let written = try KeyGeneration.generate(prefix: prefix)
            return CommandOutput(standardOutput: """
                wrote \(written.privatePath) (private key, mode 0600; keep it secret) and \(written.publicPath) (public key; give it to auditors)
                public key: \(written.publicKey.base64)

                """)
        } catch {
            let exit: ExitCode = if case .unwritable = error { .inputError } else { .invalidContract }
            return ToolDiagnostics.output("SLA0804", error.description, exit: exit, colored: false)
        }
    }
}

/// `slac verify-report REPORT.xml [--public-key KEY] [--recompute --contract C TRACE...]`.
///
/// Exit 0 when the digest (and the signature, when there is one or a key is given) holds and,
/// with `--recompute`, every verdict and figure is reproduced; 1 when the report was altered,
/// the signature or key does not match, or the figures differ; 2 on a malformed report or usage
/// errors; 3 when a trace cannot be read.
public enum VerifyReportCommand {
    /// What to check.
    public struct Options: Sendable {
        /// The report to check.
        public var reportPath: String
        /// The signer's public key as the auditor obtained it (a file or base64).
        public var publicKey: String?
        /// Re-run the evaluation and compare.
        public var recompute = false
        /// For `--recompute`: the contract the report was made from.
        public var contractPath: String?
        /// For `--recompute`: the traces the report was made from, in the report's order.
        public var traces: [String] = []
        /// For `--recompute`: the trace format when it cannot be detected.
        public var format: String?
        /// For `--recompute`: where relative timestamps start, for a report that does not record
        /// it (written before slac recorded `epoch` on its traces); else the report's own.
        public var epoch: String?
        /// For `--recompute`: parallel jobs (results do not depend on it).
        public var jobs = 1
        /// `--require-signature`: an unsigned report fails (exit 1) instead of passing on its
        /// digest alone, which anyone who changed it could recompute.
        public var requireSignature = false

        /// Options for checking `reportPath`'s integrity only.
        public init(reportPath: String) { self.reportPath = reportPath }
    }

    /// Runs the checks and prints one line per check.
    public static func run(_ options: Options, colored: Bool) -> CommandOutput {
        func invalid(_ code: DiagnosticCode, _ message: String) -> CommandOutput {
            ToolDiagnostics.output(code, message, exit: .invalidContract, colored: colored)
        }
        if options.recompute && (options.contractPath == nil || options.traces.isEmpty) {
            return invalid("SLA0510", "`--recompute` needs `--contract FILE` and the trace files the report was made from")
        }
        if !options.recompute && (options.contractPath != nil || !options.traces.isEmpty) {
            return invalid("SLA0510", "a contract and traces are only used with `--recompute`")
        }
        let bytes: [UInt8]
        do { bytes = try SafeXML.readFile(path: options.reportPath) } catch {
            return ToolDiagnostics.output("SLA0801", error.description, exit: error.exitCode, colored: colored)
        }
        var trustedKey: ReportPublicKey?
        if let argument = options.publicKey {
            do { trustedKey = try ReportPublicKey.load(argument) } catch {
                return ToolDiagnostics.output("SLA0803", error.description, exit: error.exitCode, colored: colored)
            }
        }
        let check: IntegrityCheck
        do { check = try ReportIntegrity.check(bytes, trustedKey: trustedKey) } catch {
            return invalid("SLA0801", "`\(options.reportPath)`: \(error.description)")
        }

        var out = "report     \(options.reportPath)\n"
        var failed = false
        let short = { (text: String) in text.count > 16 ? String(text.prefix(16)) + "…" : text }
        switch check.digest {
        case .matches:
            out += "digest     ok    \(ReportIntegrity.algorithm) \(check.computedDigest) matches the content\n"
        case .differs:
            failed = true
            out += "digest     FAIL  the report records \(check.recordedDigest ?? "?") but its content gives \(check.computedDigest): it was changed after sealing\n"
        case .absent:
            if !options.recompute { failed = true }
            out += "digest     \(options.recompute ? "none" : "FAIL")  the report carries no integrity element; its content gives \(check.computedDigest)\n"
        case .unsupported(let algorithm):
            failed = true
            out += "digest     FAIL  unknown digest algorithm `\(algorithm)`\n"
        case .incomplete:
            failed = true
            out += "digest     FAIL  the integrity element has no usable digest\n"
        case .uncovered(let what):
            failed = true
            out += "digest     FAIL  the digest matches, but the report holds \(what), which the digest does not cover and slac never writes: it was added after sealing\n"
        }
        switch check.signature {
        case .absent:
            if options.requireSignature {
                failed = true
                out += "signature  FAIL  the report is not signed, and `--require-signature` asks for a signature\n"
            } else {
                out += check.digest == .matches
                    ? "signature  none  the report is not signed: the digest shows it is unchanged since sealing, but anyone can recompute a digest\n"
                    : "signature  none  the report is not signed\n"
            }
        case .valid(let key, let trusted):
            out += "signature  ok    ed25519 by key \(key)"
            out += trusted ? " (the key you gave)"
                : " embedded in the report; this key is NOT independently trusted (anyone can re-sign with their own key); pass --public-key with the signer's key"
            switch check.digest {
            case .matches: out += "\n"
            case .uncovered: out += "; it covers the recorded digest, which does not cover what was added\n"
            default: out += "; it covers the recorded digest, which the content no longer matches\n"
            }
        case .invalid(let key):
            failed = true
            out += "signature  FAIL  the ed25519 signature does not verify with key \(short(key)) (signature, digest or key altered)\n"
        case .wrongKey(let embedded, let expected):
            failed = true
            out += "signature  FAIL  the report was signed with key \(embedded), not with the key you gave (\(expected))\n"
        case .missing(let expected):
            failed = true
            out += "signature  FAIL  the report is not signed, but you expected a signature by \(short(expected))\n"
        case .malformed(let reason):
            failed = true
            out += "signature  FAIL  \(reason)\n"
        }

        // The signer and plan the report names (with `--recompute` they are among the notes below).
        if !options.recompute, let recorded = try? ReportComparison.recordedRun(of: bytes) {
            if let signer = recorded.signer {
                out += "signer     the report names `\(signer.terminalSafe)` as its signer (a statement inside the signed part; the signature line says whether the key holds)\n"
            }
            if let plan = recorded.planSHA256 {
                out += "plan       the report was judged from a compiled plan (SHA-256 \(plan.prefix(16))…): its contract digest is the plan's statement; `--recompute --contract` checks it against the contract\n"
            }
        }
        var exitCode = failed ? ExitCode.breached : ExitCode.compliant
        if options.recompute, let contract = options.contractPath {
            switch recompute(bytes, contract: contract, options: options, colored: colored) {
            case .failure(let output):
                // An unusable contract or trace: the report could not be checked (exit 2 or 3).
                return CommandOutput(standardOutput: out, standardError: output.standardError, exitCode: output.exit)
            case .success(let comparison):
                for note in comparison.notes { out += "note       \(note)\n" }
                if comparison.matches {
                    let digests = comparison.tracesWithoutDigest == 0
                        ? "contract and \(options.traces.count) trace(s) match the report's digests"
                        : "the contract matches the report's digest (\(comparison.tracesWithoutDigest) of \(options.traces.count) trace(s) without a digest to match, see the notes)"
                    out += "recompute  ok    \(digests); every verdict and figure of \(comparison.clausesCompared) clause(s) and \(comparison.windowsCompared) listed window(s) is reproduced exactly\n"
                } else {
                    exitCode = ExitCode.breached
                    out += "recompute  FAIL  the report does not match what the inputs give; first differences:\n"
                    for difference in comparison.differences.prefix(10) { out += "  - \(difference)\n" }
                    if comparison.differences.count > 10 || comparison.truncated { out += "  - …\n" }
                }
            }
        }
        out += exitCode == ExitCode.compliant ? "result     the report holds\n" : "result     the report does NOT hold\n"
        return CommandOutput(standardOutput: out, exitCode: exitCode)
    }

    /// Re-evaluates the inputs as the report's run was made (`RecordedRun`) and compares.
    private static func recompute(_ report: [UInt8], contract: String, options: Options, colored: Bool) -> Result<ReportComparison, CommandOutput> {
        let recorded: ReportComparison.RecordedRun
        do { recorded = try ReportComparison.recordedRun(of: report) } catch {
            return .failure(ToolDiagnostics.output("SLA0801", error.description, exit: .invalidContract, colored: colored))
        }
        var verify = VerifyCommand.Options(contractPath: contract, traces: options.traces)
        verify.checkIDs = recorded.checksRepeatedIDs
        verify.format = options.format
        verify.epoch = options.epoch ?? recorded.epoch
        verify.jobs = options.jobs
        verify.windows = recorded.windows
        let result: EvaluationResult
        switch VerifyCommand.evaluate(verify, colored: colored) {
        case .failure(let output): return .failure(output)
        case .success(let evaluated): result = evaluated
        }
        do {
            let expected = try XMLReportWriter(windows: recorded.windows).write(result)
            return .success(try ReportComparison.compare(report: report, expected: expected))
        } catch {
            return .failure(ToolDiagnostics.output("SLA0802", "\(error)", exit: .invalidContract, colored: colored))
        }
    }
}

extension KeyFileError {
    /// 3 when a key file cannot be read (missing, a folder, no permission), as for any input file;
    /// 2 when what it holds is not a key of the right kind (docs/ci.md, "Other commands").
    var exitCode: ExitCode {
        if case .unreadable = self { return .inputError }
        return .invalidContract
    }
}

extension ReportReadError {
    /// 3 when the report file cannot be read at all, 2 when what it holds is not a valid report
    /// (docs/ci.md, "Other commands").
    var exitCode: ExitCode {
        if case .unreadable = self { return .inputError }
        return .invalidContract
    }
}
