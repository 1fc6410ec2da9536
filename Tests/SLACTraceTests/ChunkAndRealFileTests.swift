import Foundation
import SLACTestSupport
import Testing
@testable import SLACTrace

@Suite("Chunks and generated traces")
struct ChunkAndRealFileTests {
    /// A mix of good, bad, blank, CRLF and quoted-newline lines, without a final newline.
    static let mixedJSONL = (0..<500).map { i -> String in
        switch i % 9 {
        case 0: return ""
        case 1: return #"{"ts":"2026-03-01T00:00:00Z","ttft_ms":-1}"#
        case 2: return #"{"ts":"2026-03-01T00:00:0\#(i % 10)+01:00","tenant":"t\#(i % 5)","itl_ms":[\#(i),1]}"# + "\r"
        case 3: return "   "
        default: return #"{"id":"r\#(i)","ts":\#(1_772_323_200_000 + i),"input_tokens":\#(i),"ttft_ms":\#(i).5,"tenant":"t\#(i % 3)"}"#
        }
    }.joined(separator: "\n")

    static let mixedCSV = "id,ts,tenant,ttft_ms,itl_ms\n" + (0..<500).map { i -> String in
        switch i % 7 {
        case 0: return ""
        case 1: return "r\(i),2026-03-01T00:00:00Z,\"multi\nline \"\"\(i)\"\"\",\(i),\"[1,2]\""
        case 2: return "r\(i),2026-03-01T00:00:00Z,t,-1,"
        case 3: return "r\(i),2026-03-01T00:00:00Z,t\r"
        default: return "r\(i),\(1_772_323_200_000 + i),\"t\(i % 4)\",\(i).25,"
        }
    }.joined(separator: "\n")

    @Test(arguments: [TraceFormat.jsonl, .csv])
    func chunkedScansEqualOneScan(_ format: TraceFormat) throws {
        let text = format == .jsonl ? Self.mixedJSONL : Self.mixedCSV
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBytes { raw in
            let whole = try scanChunked(bytes: raw, format: format, request: fullRequest, chunks: 1)
            #expect(whole.records.count > 100 && whole.rejects.count > 50)
            // Chunks cover the input, each starts a line (outside quotes for CSV), and together
            // they give one scan's records.
            func check(_ ranges: [Range<Int>], _ label: String) throws {
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == raw.count)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$0.isEmpty })
                for range in ranges.dropFirst() { #expect(raw[range.lowerBound - 1] == UInt8(ascii: "\n")) }
                let r = try scanChunked(bytes: raw, format: format, request: fullRequest, ranges: ranges)
                #expect(sameRecords(r.records, whole.records), "\(label)")
                #expect(r.rejects == whole.rejects)
                #expect(r.lines == whole.lines && r.count == whole.count)
            }
            for chunks in [2, 3, 4, 7, 16, 64, 1000, 100_000] {
                let ranges = TraceScanner.chunkBoundaries(bytes: raw, count: chunks, format: format)
                #expect(ranges.count <= chunks)
                try check(ranges, "\(chunks) chunks")
            }
            // The detecting overload agrees with the explicit one.
            #expect(TraceScanner.chunkBoundaries(bytes: raw, count: 5) == TraceScanner.chunkBoundaries(bytes: raw, count: 5, format: format))

            // Weighted chunks (the evaluator's last chunks are smaller): sizes follow the weights,
            // within a line or a quoted multi-line cell.
            let weights: [Double] = [4, 4, 2, 1, 0.5, 0.5]
            let weighted = TraceScanner.chunkBoundaries(bytes: raw, weights: weights, format: format)
            #expect(weighted.count == weights.count)
            try check(weighted, "weighted")
            let total = weights.reduce(0, +)
            for (range, weight) in zip(weighted, weights) {
                let share = Double(raw.count) * weight / total
                #expect(abs(Double(range.count) - share) < 400, "\(range.count) bytes for a share of \(share)")
            }
            if format == .jsonl {
                // Equal weights, read independently: chunk i starts at the first line start at or
                // after i fifths of the input.
                var starts = [0]
                for i in 1..<5 {
                    let target = max(raw.count * i / 5, (starts.last ?? 0) + 1)
                    guard let lineFeed = (target - 1..<raw.count).first(where: { raw[$0] == UInt8(ascii: "\n") }),
                          lineFeed + 1 < raw.count else { break }
                    starts.append(lineFeed + 1)
                }
                #expect(TraceScanner.chunkBoundaries(bytes: raw, weights: [1, 1, 1, 1, 1], format: format).map(\.lowerBound) == starts)
            }
        }
    }

    static func generate(_ format: String, into dir: TemporaryDirectory) throws -> String {
        let path = dir.path("gen.\(format)")
        let status = try run("/usr/bin/env", ["python3", ChunkAndRealFileTests.generator, "--records", "2000", "--tenants", "5",
                                              "--seed", "1", "--format", format, "--out", path])
        #expect(status == 0)
        return path
    }

    /// The shared bench generator, found relative to the package root (`../shared/bench`).
    static let generator = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/bench/gen_traces.py").standardized.path
    static let generatorAvailable = FileManager.default.fileExists(atPath: generator)

    @Test(.enabled(if: generatorAvailable))
    func generatedJSONLMatchesFoundation() throws {
        let dir = TemporaryDirectory()
        let path = try Self.generate("jsonl", into: dir)
        let input = try TraceInput(path: path)
        #expect(TraceFormatDetection.detect(bytes: input.bytes, path: path) == .jsonl)
        let scanner = try TraceScanner(format: .jsonl, request: fullRequest, bytes: input.bytes)
        var records: [TraceRecord] = []
        var rejects: [RejectedLine] = []
        let r = scanner.scan(input.bytes, range: 0..<input.bytes.count, firstLine: 1,
                             accept: { records.append($0) }, reject: { rejects.append($0) })
        #expect(rejects.isEmpty)
        #expect(r.lines == 2000 && r.records == 2000 && records.count == 2000)

        // Independent parse: JSONSerialization, ISO8601DateFormatter and Double(String) on the number text.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for (i, line) in text.split(separator: "\n").enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let rec = records[i]
            #expect(rec.line == i + 1)
            #expect(rec.texts[0] == object["id"] as? String)
            #expect(rec.texts[1] == object["tenant"] as? String)
            #expect(rec.texts[2] == object["status"] as? String)
            #expect(rec.texts[3] == object["model"] as? String)
            #expect(rec.texts[4] == object["region"] as? String)
            let tsText = try #require(object["ts"] as? String)
            let date = try #require(formatter.date(from: tsText))
            #expect(rec.timestamp / 1_000_000 == Int64((date.timeIntervalSince1970 * 1000).rounded()))
            for (slot, key) in fullRequest.numericFields.enumerated() {
                let number = try #require(object[key] as? NSNumber)
                #expect(rec.numbers[slot] == number.doubleValue, "line \(i + 1) \(key)")
            }
        }
    }

    @Test(.enabled(if: generatorAvailable))
    func generatedCSVMatchesJSONL() throws {
        let dir = TemporaryDirectory()
        let jsonPath = try Self.generate("jsonl", into: dir)
        let csvPath = try Self.generate("csv", into: dir)
        let json = try TraceInput(path: jsonPath)
        let csv = try TraceInput(path: csvPath)
        #expect(TraceFormatDetection.detect(bytes: csv.bytes, path: csvPath) == .csv)
        let a = try scanChunked(bytes: json.bytes, format: .jsonl, request: fullRequest, chunks: 3)
        let b = try scanChunked(bytes: csv.bytes, format: .csv, request: fullRequest, chunks: 3)
        #expect(a.rejects.isEmpty && b.rejects.isEmpty)
        #expect(a.records.count == 2000 && b.records.count == 2000)
        // Same values; CSV line numbers are one higher (header).
        let shifted = b.records.map { var r = $0; r.line -= 1; return r }
        #expect(sameRecords(a.records, shifted))
    }

    /// Deterministic mutations of valid input (bytes flipped, inserted, deleted): the scanner must
    /// neither crash nor hang, account for every non-blank line, and agree with itself chunked.
    @Test(arguments: [TraceFormat.jsonl, .csv])
    func mutatedInputIsHandled(_ format: TraceFormat) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        let alphabet = Array("{}[]\",:\\-+.eE0123456789 \t\r\nabtnuxZT\u{0}\u{ff}".utf8)
        let original = Array((format == .jsonl ? Self.mixedJSONL : Self.mixedCSV).utf8)
        for _ in 0..<40 {
            var bytes = original
            for _ in 0..<60 {
                let at = next() % bytes.count
                switch next() % 3 {
                case 0: bytes[at] = alphabet[next() % alphabet.count]
                case 1: bytes.insert(alphabet[next() % alphabet.count], at: at)
                default: bytes.remove(at: at)
                }
            }
            try bytes.withUnsafeBytes { raw in
                guard let scanner = try? TraceScanner(format: format, request: fullRequest, bytes: raw) else { return }
                _ = scanner
                let whole = try scanChunked(bytes: raw, format: format, request: fullRequest, chunks: 1)
                #expect(whole.records.count + whole.rejects.count == whole.count)
                let split = try scanChunked(bytes: raw, format: format, request: fullRequest, chunks: 5)
                #expect(sameRecords(split.records, whole.records))
                #expect(split.rejects == whole.rejects)
                #expect(split.lines == whole.lines)
                #expect(whole.lines == bytes.split(separator: 10, omittingEmptySubsequences: false).count - (bytes.last == 10 ? 1 : 0))
            }
        }
    }
}

/// Blank lines (and a byte order mark) before a CSV header: a chunk or block may start among them,
/// and the header must still be skipped, never read as a data row.
@Suite("CSV header after blank lines")
struct CSVPreambleTests {
    static func text(blankLines: Int, bom: Bool) -> String {
        (bom ? "\u{FEFF}" : "") + String(repeating: "\n", count: blankLines) + "ts,ttft_ms\n"
            + (0..<40).map { "2026-03-01T00:00:\(String(format: "%02d", $0))Z,\($0).5" }.joined(separator: "\n") + "\n"
    }

    @Test("chunked scans equal one scan", arguments: [0, 1, 10, 300])
    func chunked(blankLines: Int) throws {
        for bom in [false, true] {
            let bytes = Array(Self.text(blankLines: blankLines, bom: bom).utf8)
            try bytes.withUnsafeBytes { raw in
                let whole = try scanChunked(bytes: raw, format: .csv, request: fullRequest, chunks: 1)
                #expect(whole.records.count == 40 && whole.rejects.isEmpty)
                for chunks in [2, 3, 7, 16, 100] {
                    let r = try scanChunked(bytes: raw, format: .csv, request: fullRequest, chunks: chunks)
                    #expect(sameRecords(r.records, whole.records) && r.rejects == whole.rejects, "\(chunks) chunks, \(blankLines) blank lines")
                    #expect(r.lines == whole.lines)
                }
            }
        }
    }

    @Test("a stream's first block holds the header, however many blank lines precede it", arguments: [0, 10, 300])
    func streamed(blankLines: Int) throws {
        let dir = TemporaryDirectory()
        let path = dir.path("t.csv")
        try Self.text(blankLines: blankLines, bom: true).write(toFile: path, atomically: true, encoding: .utf8)
        let reader = LineBlockReader(stream: try TraceStream(path: path), blockSize: 64)
        let head = try reader.prefix()
        let scanner = try TraceScanner(format: .csv, request: fullRequest, bytes: head)
        #expect(scanner.header?.columns == ["ts", "ttft_ms"])
        reader.setFormat(.csv)
        var records = 0, rejects = 0, lines = 0
        while let block = try reader.next() {
            #expect(block.oversized == nil)
            lines += block.skippedLines
            let r = scanner.scan(block.bytes, range: 0..<block.bytes.count, firstLine: lines + 1, atInputStart: block.startsContent,
                                 accept: { _ in records += 1 }, reject: { _ in rejects += 1 })
            lines += r.lines
        }
        #expect(records == 40 && rejects == 0)
        #expect(lines == blankLines + 41)
    }
}
