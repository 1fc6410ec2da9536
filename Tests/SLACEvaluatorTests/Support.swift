import Foundation
import SLACChecker
import SLACEvaluator
import SLACExact
import SLACMonitor
import SLACSyntax
import SLACTrace
import Testing
import SLACTestSupport

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

var recordingGoldens: Bool { ProcessInfo.processInfo.environment["SLAC_RECORD"] == "1" }

/// Draws for the trace and contract generators; every property test is reproducible from its seed.
extension SeededGenerator {
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &self)] }
    mutating func double(_ range: Range<Double>) -> Double { Double.random(in: range, using: &self) }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The evaluator tests' name for the shared scratch directory.
typealias TempDir = TemporaryDirectory

/// Checks a contract text, failing with the rendered diagnostics.
func checkContract(_ text: String, path: String = "gen.sla") throws -> CheckedContract {
    let source = SourceFile(path: path, text: text)
    let result = Checker.check(source)
    guard let c = result.contract else {
        throw TestFailure("contract does not check:\n" + DiagnosticRenderer(colored: false).render(result.diagnostics, in: source) + "\n" + text)
    }
    return c
}

func makePlan(_ contract: CheckedContract) -> MonitorPlan {
    MonitorCompiler.compile(contract, sourceSHA256: String(repeating: "0", count: 64), toolVersion: "test")
}

/// Runs the real evaluator on files.
func runEvaluator(_ plan: MonitorPlan, _ files: [(path: String, format: TraceFormat)], jobs: Int,
                  blockSize: Int? = nil, maximumLine: Int = LineLimit.standard) throws -> EvaluationResult {
    var evaluator = try Evaluator(plan: plan)
    if let blockSize { evaluator.blockSize = blockSize }
    evaluator.maximumLine = maximumLine
    var sources: [TraceSource] = []
    for f in files {
        let input = try TraceInput(path: f.path)
        sources.append(TraceSource(input: input, format: f.format, sha256: "sha-\(URL(fileURLWithPath: f.path).lastPathComponent)",
                                   displayPath: URL(fileURLWithPath: f.path).lastPathComponent))
    }
    return try evaluator.evaluate(sources, jobs: jobs)
}

/// A stand-in digest for streamed sources (the evaluator tests do not link a crypto library): the
/// byte count and FNV-1a of everything fed, so a test sees whether each content byte was digested
/// exactly once and in order.
final class CountingDigester: TraceDigester, @unchecked Sendable {
    private var count = 0
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func update(_ bytes: UnsafeRawBufferPointer) {
        count += bytes.count
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    }
    func finalize() -> String { "\(count)-\(String(hash, radix: 16))" }

    /// The digest `CountingDigester` gives for `bytes`.
    static func of(_ bytes: [UInt8]) -> String {
        let d = CountingDigester()
        bytes.withUnsafeBytes { d.update($0) }
        return d.finalize()
    }
}

/// Compresses `path` to `path.gz` with the system's gzip (keeping the original).
func gzip(_ path: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
    p.arguments = ["-k", "-f", "-6", path]
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw TestFailure("gzip failed on \(path)") }
    return path + ".gz"
}

/// Runs the real evaluator on files read as streams (as `slac verify` reads gzip files and
/// standard input), with blocks of `blockSize` bytes. The digests are `CountingDigester`'s; they
/// are checked against the uncompressed content of `contentOf` and replaced by the names
/// `runEvaluator` uses, so that the two results compare equal.
func runEvaluatorStreamed(_ plan: MonitorPlan, _ files: [(path: String, format: TraceFormat, contentOf: String)], jobs: Int,
                          blockSize: Int, maximumLine: Int = LineLimit.standard) throws -> EvaluationResult {
    let evaluator = try Evaluator(plan: plan)
    var sources: [TraceSource] = []
    for f in files {
        let reader = LineBlockReader(stream: try TraceStream(path: f.path), blockSize: blockSize, maximumLine: maximumLine)
        let digester = CountingDigester()
        reader.contentObserver = { digester.update($0) }
        _ = try reader.prefix()
        var source = TraceSource(stream: reader, format: f.format, displayPath: URL(fileURLWithPath: f.contentOf).lastPathComponent,
                                 digester: digester)
        // A file can be read again, as `slac verify` does for one out of time order (docs/formats.md, "Time order").
        let path = f.path
        source.reopen = { () throws(TraceInputError) -> LineBlockReader in
            LineBlockReader(stream: try TraceStream(path: path), blockSize: blockSize, maximumLine: maximumLine)
        }
        sources.append(source)
    }
    var result = try evaluator.evaluate(sources, jobs: jobs)
    for (i, f) in files.enumerated() {
        let content = Array(try Data(contentsOf: URL(fileURLWithPath: f.contentOf)))
        guard result.traces[i].sha256 == CountingDigester.of(content) else {
            throw TestFailure("streamed digest \(result.traces[i].sha256) is not that of the content of \(f.contentOf)")
        }
        result.traces[i].sha256 = "sha-\(URL(fileURLWithPath: f.contentOf).lastPathComponent)"
    }
    return result
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` for hand-written expectations (via Foundation, not the code under test).
func utc(_ text: String) -> Int64 {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    guard let d = f.date(from: text) else { fatalError("bad instant \(text)") }
    return Int64(d.timeIntervalSince1970.rounded()) * 1_000_000_000
}

func isoUTC(_ ns: Int64) -> String {
    let s = ns >= 0 ? ns / 1_000_000_000 : (ns - 999_999_999) / 1_000_000_000
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    let frac = ns - s * 1_000_000_000
    return f.string(from: Date(timeIntervalSince1970: TimeInterval(s))) + (frac != 0 ? "+\(frac)ns" : "")
}
