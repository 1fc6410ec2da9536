import SLACTrace
import SLACFields

/// What a scan produced, compared between a whole scan and a chunked one.
struct ScanSummary: Equatable {
    var lines = 0
    var records = 0
    var accepted: [Int] = []
    var rejected: [RejectedLine] = []

    /// A hash of a record (line, timestamp, bit patterns of numbers, texts, lists); equal within
    /// one process for equal records.
    static func key(_ r: TraceRecord) -> Int {
        var h = Hasher()
        h.combine(r.line)
        h.combine(r.timestamp)
        for x in r.numbers { h.combine(x.bitPattern) }
        // `text(_:)`: a deferred `id` is read from the input (during the visit, as here).
        for i in r.texts.indices { h.combine(r.text(i)) }
        for l in r.lists { h.combine(l.map { $0.map(\.bitPattern) }) }
        return h.finalize()
    }
}

/// Fields requested from the readers: every canonical field, an attribute field, and one
/// field asked for twice (the scanner's alias slots).
let fuzzRequest = TraceFieldRequest(
    numericFields: [CanonicalField.inputTokens.name, CanonicalField.outputTokens.name, CanonicalField.ttftMs.name, CanonicalField.e2eMs.name, CanonicalField.energyJ.name, "gpu_util", CanonicalField.ttftMs.name],
    textFields: ["id", "tenant", "model", "region", "status", "gen_ai.request.model"],
    listFields: [CanonicalField.itlMs.name])

/// `jsonl` and `csv`: the canonical readers, on their own and split into chunks as
/// `slac verify --jobs N` does; both must give the same records and rejections.
enum ScannerTarget {
    static func run(_ data: UnsafeRawBufferPointer, format: TraceFormat) {
        let target: FuzzTarget = format == .csv ? .csv : .jsonl
        guard let scanner = try? TraceScanner(format: format, request: fuzzRequest, bytes: data, path: "fuzz") else { return }
        let whole = scan(scanner, data, ranges: [0..<data.count])
        if format == .jsonl {
            // `id` left in the input until asked for (as for evidence) must read the same.
            var deferredRequest = fuzzRequest
            deferredRequest.deferredTextField = "id"
            if let deferred = try? TraceScanner(format: format, request: deferredRequest, bytes: data, path: "fuzz"),
               scan(deferred, data, ranges: [0..<data.count]) != whole {
                FuzzFinding.fail(target, "leaving `id` in the input gives other records than reading it")
            }
        }
        for count in [2, 3] {
            let ranges = TraceScanner.chunkBoundaries(bytes: data, count: count, format: format)
            guard ranges.first?.lowerBound == 0, ranges.last?.upperBound == data.count,
                  zip(ranges, ranges.dropFirst()).allSatisfy({ $0.upperBound == $1.lowerBound }) else {
                FuzzFinding.fail(target, "chunk boundaries \(ranges) do not cover 0..<\(data.count)")
            }
            let chunked = scan(scanner, data, ranges: ranges)
            if chunked != whole {
                FuzzFinding.fail(target, "\(count) chunks \(ranges) give \(chunked.records) records / \(chunked.lines) lines, one scan \(whole.records) / \(whole.lines)")
            }
        }
    }

    static func scan(_ scanner: TraceScanner, _ data: UnsafeRawBufferPointer, ranges: [Range<Int>]) -> ScanSummary {
        var summary = ScanSummary()
        for range in ranges {
            let (lines, records) = scanner.scan(data, range: range, firstLine: summary.lines + 1,
                                                accept: { summary.accepted.append(ScanSummary.key($0)) },
                                                reject: { summary.rejected.append($0) })
            summary.lines += lines
            summary.records += records
        }
        return summary
    }
}

/// `adapter`: the first byte picks an adapter format, the rest is the document.
enum AdapterTarget {
    /// The formats in the order of the selector byte (modulo their count).
    static let formats: [TraceFormat] = [.llmperf, .aiperf, .lmbench, .otlp, .langfuse, .azure, .mooncake]
    /// The epoch and undated timestamp given to adapters that need them (2024-01-01T00:00:00Z).
    static let options = AdapterOptions(epoch: 1_704_067_200_000_000_000, undatedTimestamp: 1_704_067_200_000_000_000)

    static func run(_ data: UnsafeRawBufferPointer) {
        guard let selector = data.first else { return }
        let format = formats[Int(selector) % formats.count]
        let document = UnsafeRawBufferPointer(rebasing: data[1...])
        // Detection and the summary-file check run on every input `slac verify` reads.
        _ = TraceFormatDetection.detect(bytes: document, path: "fuzz")
        _ = TraceFormatDetection.summaryKind(bytes: document)
        guard let scanner = try? TraceScanner(format: format, request: fuzzRequest, bytes: document, path: "fuzz", options: options) else { return }
        _ = ScannerTarget.scan(scanner, document, ranges: TraceScanner.chunkBoundaries(bytes: document, count: 2, format: format))
    }
}
