/// The libFuzzer targets of slac (issue 15). Each target is a function over arbitrary bytes that
/// returns normally for every input: inputs the code under test rejects are fine, a trap is a
/// defect. Where two code paths must agree (a whole scan and a chunked scan, a stream and a whole
/// read, an encoded plan and its decoding), a disagreement is reported with `FuzzFinding.fail`,
/// which traps, so that libFuzzer saves the input.
///
/// The same functions run in the normal build: `Tests/SLACFuzzTests` replays the seed corpus and
/// every saved input of `Tests/Fuzz/regressions/<target>/` through them. `scripts/fuzz.sh` links
/// them into the libFuzzer binary (`Fuzz/Entry`).
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// Contract front end: lex, parse, check, compile to a monitor plan, encode and decode the
    /// plan, build an evaluator from it.
    case contract
    /// `slac verify --plan`: `MonitorPlan.decode`, then the evaluator's plan validation.
    case plan
    /// The canonical JSON Lines reader (`TraceScanner`), whole and in chunks.
    case jsonl
    /// The canonical CSV reader (header and rows), whole and in chunks.
    case csv
    /// The adapters; the first byte picks the format (see `AdapterTarget.formats`).
    case adapter
    /// `TraceStream` + `LineBlockReader` (gzip inflation, line blocking, the line limit); the
    /// first byte picks the mode (see `StreamTarget`).
    case stream
    /// The zstd reader (frames decoded straight into the caller's buffer) against libzstd's own
    /// streaming decoder; the first byte picks the mode (see `ZstdTarget`).
    case zstd
    /// `slac verify-report`: safe XML reading, the integrity check, the report comparison.
    case report

    /// What the target covers, for `scripts/fuzz.sh --list`.
    package var summary: String {
        switch self {
        case .contract: "contract source -> Parser.parse, Checker.check, MonitorCompiler, plan round trip, Evaluator(plan:)"
        case .plan: "plan JSON -> MonitorPlan.decode, Evaluator(plan:) (what verify --plan validates)"
        case .jsonl: "canonical JSON Lines -> TraceScanner (whole scan == chunked scan)"
        case .csv: "canonical CSV -> CSVHeader, TraceScanner (whole scan == chunked scan)"
        case .adapter: "byte 0 = format (llmperf aiperf lmbench otlp langfuse azure mooncake), rest -> adapter + scanner"
        case .stream: "byte 0 = mode (raw/gzip/2 members/truncated, CSV, block size, line limit), rest -> TraceStream + LineBlockReader == TraceInput, scan of blocks == scan of whole"
        case .zstd: "byte 0 = mode (one/two frames/damaged/hand-made, level, read sizes, window 1 KiB/16 MiB), rest -> TraceStream == libzstd's streaming decoder"
        case .report: "report XML -> SafeXML, ReportIntegrity.check, ReportComparison (verify-report)"
        }
    }

    /// Runs the target on one input; it returns normally for every input.
    package func run(_ data: UnsafeRawBufferPointer) {
        switch self {
        case .contract: ContractTarget.run(data)
        case .plan: PlanTarget.run(data)
        case .jsonl: ScannerTarget.run(data, format: .jsonl)
        case .csv: ScannerTarget.run(data, format: .csv)
        case .adapter: AdapterTarget.run(data)
        case .stream: StreamTarget.run(data)
        case .zstd: ZstdTarget.run(data)
        case .report: ReportTarget.run(data)
        }
    }

    /// Runs the target on bytes held in an array (for tests and replay).
    package func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { run($0) }
    }
}

/// A disagreement between two code paths that must agree: a defect, reported by trapping.
enum FuzzFinding {
    static func fail(_ target: FuzzTarget, _ message: String) -> Never {
        fatalError("fuzz target `\(target.rawValue)`: \(message)")
    }
}
