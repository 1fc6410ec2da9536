import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SLACEvaluator
import SLACTool
import SLACTrace
import Testing

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The shared real traces (PROVENANCE.md): `$SLAC_SHARED_DIR/traces` when set, else next to the
/// package (`../shared/traces`). No machine's absolute path is named here.
let tracesRoot: String = {
    if let shared = ProcessInfo.processInfo.environment["SLAC_SHARED_DIR"], !shared.isEmpty { return shared + "/traces" }
    return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/traces").path
}()

/// Whether the real traces are present; tests that need them are skipped with this reason otherwise.
let tracesAvailable = FileManager.default.fileExists(atPath: tracesRoot + "/PROVENANCE.md")
let missingTraces = Comment(rawValue: "the shared traces folder (../shared/traces) is missing: real-file adapter tests skipped")

func trace(_ relative: String) -> String { tracesRoot + "/" + relative }
func contract(_ name: String) -> String { packageRoot.appendingPathComponent("Contracts/formats/\(name).sla").path }
func fixture(_ name: String) -> String { packageRoot.appendingPathComponent("Tests/SLACAdapterTests/Fixtures/otlp/\(name)").path }

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

// MARK: - independent computations (not through slac)

/// Nearest-rank percentile, written independently of slac's: sort, take the value at
/// 1-based rank ⌈q·n/100⌉ computed in integers (q given in hundredths of a percent).
func nearestRank(_ values: [Double], hundredths q: Int) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let rank = max(1, (q * sorted.count + 9999) / 10000)
    return sorted[rank - 1]
}

/// A JSON file through Foundation.
func foundationJSON(_ path: String) throws -> Any {
    try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path)), options: [.fragmentsAllowed])
}

/// A JSON Lines file through Foundation, one object per non-blank line.
func foundationJSONLines(_ path: String) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap { line in
        let t = line.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        return try JSONSerialization.jsonObject(with: Data(t.utf8)) as? [String: Any]
    }
}

/// A CSV without quotes split by hand: header and rows of cells (CR stripped).
func plainCSV(_ path: String) throws -> (header: [String], rows: [[String]]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
    lines.removeAll { $0.isEmpty }
    guard let first = lines.first else { return ([], []) }
    return (first.components(separatedBy: ","), lines.dropFirst().map { $0.components(separatedBy: ",") })
}

func number(_ any: Any?) -> Double? {
    if let n = any as? NSNumber { return n.doubleValue }
    if let d = any as? Double { return d }
    if let i = any as? Int { return Double(i) }
    return nil
}

/// Equal within a few ulps: the independent routes round through binary64 differently
/// (e.g. `ttft_s * 1000` versus slac's exact decimal shift).
func close(_ a: Double?, _ b: Double?, relative: Double = 1e-12) -> Bool {
    guard let a, let b else { return false }
    return abs(a - b) <= relative * max(abs(a), abs(b), 1e-300)
}

// MARK: - running slac

/// Scans a trace file with the adapter of `format` (or the detected one): records and rejections.
func scanFile(_ path: String, format: TraceFormat? = nil, options: AdapterOptions = AdapterOptions(undatedTimestamp: 0))
    throws -> (format: TraceFormat, records: [TraceRecord], rejected: [RejectedLine], lines: Int, count: Int) {
    let input = try TraceInput(path: path)
    let f = format ?? TraceFormatDetection.detect(bytes: input.bytes, path: path)
    let scanner = try TraceScanner(format: f, request: allFields, bytes: input.bytes, path: path, options: options)
    var records: [TraceRecord] = []
    var rejected: [RejectedLine] = []
    let r = scanner.scan(input.bytes, range: 0..<input.bytes.count, firstLine: 1,
                         accept: { records.append($0) }, reject: { rejected.append($0) })
    return (f, records, rejected, r.lines, r.records)
}

/// Every canonical field, in fixed slots.
let allFields = TraceFieldRequest(numericFields: ["input_tokens", "output_tokens", "ttft_ms", "e2e_ms", "energy_j"],
                                  textFields: ["id", "tenant", "model", "region", "status"], listFields: ["itl_ms"])
enum Slot {
    static let input = 0, output = 1, ttft = 2, e2e = 3
    static let id = 0, tenant = 1, model = 2, region = 3, status = 4
}

/// The parts of an XML report the tests look at.
struct Report {
    struct Trace { var attributes: [String: String] }
    struct Window { var start: String; var observed: String?; var count: Int; var verdict: String; var keys: [String: String]
        var numerator: Int?; var denominator: Int? }
    struct Clause { var ref: String; var verdict: String; var windows: [Window] }
    var verdict: String
    var traces: [Trace]
    var clauses: [String: Clause]
    var rejected: [(line: Int, reason: String)]

    func clause(_ ref: String) throws -> Clause {
        guard let c = clauses[ref] else { throw TestFailure("no clause \(ref) in the report") }
        return c
    }
}

/// Runs `slac verify` (the command function) and parses the XML report it writes.
func verify(contract name: String, traces: [String], format: String? = nil, epoch: String? = nil, jobs: Int = 1)
    throws -> (output: CommandOutput, report: Report?, xml: Data?) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slac-adapter-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let reportPath = dir.appendingPathComponent("report.xml").path
    var options = VerifyCommand.Options(contractPath: contract(name), traces: traces)
    options.reportPath = reportPath
    options.format = format
    options.epoch = epoch
    options.windows = .all
    options.jobs = jobs
    options.quiet = true
    let out = VerifyCommand.run(options, colored: false)
    guard let data = FileManager.default.contents(atPath: reportPath) else { return (out, nil, nil) }
    return (out, try parseReport(data), data)
}

func parseReport(_ data: Data) throws -> Report {
    let doc = try XMLDocument(data: data, options: [])
    guard let root = doc.rootElement() else { throw TestFailure("report has no root") }
    func attrs(_ e: XMLElement) -> [String: String] {
        var out: [String: String] = [:]
        for a in e.attributes ?? [] { if let n = a.name { out[n] = a.stringValue ?? "" } }
        return out
    }
    func children(_ e: XMLElement, _ name: String) -> [XMLElement] {
        (e.children ?? []).compactMap { $0 as? XMLElement }.filter { $0.localName == name }
    }
    var clauses: [String: Report.Clause] = [:]
    for c in children(root, "clause") {
        let a = attrs(c)
        let windows = children(c, "window").map { w -> Report.Window in
            let wa = attrs(w)
            var keys: [String: String] = [:]
            for k in children(w, "key") { let ka = attrs(k); keys[ka["field"] ?? ""] = ka["value"] }
            return Report.Window(start: wa["start"] ?? "", observed: wa["observed"], count: Int(wa["count"] ?? "") ?? -1,
                                 verdict: wa["verdict"] ?? "", keys: keys, numerator: wa["numerator"].flatMap { Int($0) },
                                 denominator: wa["denominator"].flatMap { Int($0) })
        }
        clauses[a["ref"] ?? ""] = Report.Clause(ref: a["ref"] ?? "", verdict: a["verdict"] ?? "", windows: windows)
    }
    let rejected = children(root, "rejected").map { e -> (Int, String) in
        let a = attrs(e)
        return (Int(a["line"] ?? "") ?? -1, a["reason"] ?? "")
    }
    return Report(verdict: attrs(root)["verdict"] ?? "", traces: children(root, "trace").map { Report.Trace(attributes: attrs($0)) },
                  clauses: clauses, rejected: rejected)
}

/// Checks the record accounting (docs/language.md, "Record accounting") of a report's trace element: read = accepted + rejected + outside term.
func expectAccounting(_ t: Report.Trace, format: String, read: Int, accepted: Int, rejected: Int = 0,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    let a = t.attributes
    #expect(a["format"] == format, sourceLocation: sourceLocation)
    #expect(a["read"] == "\(read)", sourceLocation: sourceLocation)
    #expect(a["accepted"] == "\(accepted)", sourceLocation: sourceLocation)
    #expect(a["rejected"] == "\(rejected)", sourceLocation: sourceLocation)
    let sum = (Int(a["accepted"] ?? "") ?? -1) + (Int(a["rejected"] ?? "") ?? -1) + (Int(a["outside-term"] ?? "") ?? -1)
    #expect(sum == Int(a["read"] ?? ""), "accounting adds up", sourceLocation: sourceLocation)
}
