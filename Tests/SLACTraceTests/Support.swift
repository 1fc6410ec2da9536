import Foundation
import SLACTestSupport
@testable import SLACTrace

/// The canonical request used by most tests.
let fullRequest = TraceFieldRequest(
    numericFields: ["input_tokens", "output_tokens", "ttft_ms", "e2e_ms"],
    textFields: ["id", "tenant", "status", "model", "region"],
    listFields: ["itl_ms"])

/// Result of scanning a whole buffer.
struct ScanResult {
    var records: [TraceRecord] = []
    var rejects: [RejectedLine] = []
    var lines = 0
    var count = 0
}

/// Scans `text` (whole) in `format` and collects copies of the records.
func scan(_ text: String, format: TraceFormat = .jsonl, request: TraceFieldRequest = fullRequest) throws -> ScanResult {
    try scan(bytes: Array(text.utf8), format: format, request: request)
}

func scan(bytes: [UInt8], format: TraceFormat = .jsonl, request: TraceFieldRequest = fullRequest) throws -> ScanResult {
    try bytes.withUnsafeBytes { raw in
        let scanner = try TraceScanner(format: format, request: request, bytes: raw)
        var result = ScanResult()
        let r = scanner.scan(raw, range: 0..<raw.count, firstLine: 1,
                             accept: { result.records.append($0) },
                             reject: { result.rejects.append($0) })
        result.lines = r.lines
        result.count = r.records
        return result
    }
}

/// Scans in `chunks` pieces (line numbers fixed up the way a parallel caller would) and returns
/// the same shape as one scan.
func scanChunked(bytes raw: UnsafeRawBufferPointer, format: TraceFormat, request: TraceFieldRequest, chunks: Int) throws -> ScanResult {
    try scanChunked(bytes: raw, format: format, request: request, ranges: TraceScanner.chunkBoundaries(bytes: raw, count: chunks, format: format))
}

/// Scans the given chunks in order, as `scanChunked(bytes:format:request:chunks:)` does.
func scanChunked(bytes raw: UnsafeRawBufferPointer, format: TraceFormat, request: TraceFieldRequest, ranges: [Range<Int>]) throws -> ScanResult {
    let scanner = try TraceScanner(format: format, request: request, bytes: raw)
    var result = ScanResult()
    for range in ranges {
        var records: [TraceRecord] = []
        var rejects: [RejectedLine] = []
        let r = scanner.scan(raw, range: range, firstLine: 1, accept: { records.append($0) }, reject: { rejects.append($0) })
        let offset = result.lines
        result.records += records.map { var c = $0; c.line += offset; return c }
        result.rejects += rejects.map { RejectedLine(line: $0.line + offset, reason: $0.reason) }
        result.lines += r.lines
        result.count += r.records
    }
    return result
}

/// Nanoseconds since the epoch for a UTC calendar instant (independent of the parser under test).
func epochNanos(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0, nanos: Int64 = 0) -> Int64 {
    var c = DateComponents()
    c.calendar = Calendar(identifier: .gregorian)
    c.timeZone = TimeZone(identifier: "UTC")
    c.year = y; c.month = mo; c.day = d; c.hour = h; c.minute = mi; c.second = s
    let seconds = Int64(c.date!.timeIntervalSince1970.rounded())
    return seconds * 1_000_000_000 + nanos
}

/// Bit-exact equality that treats NaN as equal to NaN (absent values).
func sameNumber(_ a: Double, _ b: Double) -> Bool {
    (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
}

func sameRecords(_ a: [TraceRecord], _ b: [TraceRecord]) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
        guard x.line == y.line, x.timestamp == y.timestamp, x.texts == y.texts, x.lists == y.lists,
              x.numbers.count == y.numbers.count,
              zip(x.numbers, y.numbers).allSatisfy({ sameNumber($0, $1) }) else { return false }
    }
    return true
}

/// Runs a program and returns its exit status.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
}
