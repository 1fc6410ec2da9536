import Foundation
import SLACTestSupport
import Testing
@testable import SLACTrace

/// Issue 15, defect 4: one rule for lines longer than the limit on every input path. A 300 MB
/// record was accepted from a mapped file and ended a gzip or standard-input run with "a line is
/// longer than 256 MB"; 300 MB of blank lines before one record did the same from gzip, though no
/// line was long. Now a line longer than the limit is a rejected record wherever it comes from,
/// blank lines never count, and the file, the stream and the gzip stream scan alike
/// (docs/formats.md, "Line length"). The limit is 4096 bytes here, so that the inputs stay small.
@Suite("Line length limit")
struct LineLimitTests {
    static let limit = 4096

    /// What one scan gives: lines, accepted record lines, rejections (line, reason), or the error.
    struct Outcome: Equatable, CustomStringConvertible {
        var lines = 0
        var accepted: [Int] = []
        var rejected: [RejectedLine] = []
        var error: String?
        var description: String {
            error.map { "error: \($0)" } ?? "\(lines) lines, accepted \(accepted), rejected \(rejected.map { "\($0.line): \($0.reason)" })"
        }
    }

    /// The whole input, mapped (as `slac verify` reads a plain file).
    static func mapped(_ path: String, _ format: TraceFormat) throws -> Outcome {
        let input = try TraceInput(path: path)
        var outcome = Outcome()
        do throws(TraceInputError) {
            let scanner = try TraceScanner(format: format, request: fullRequest, bytes: input.bytes, maximumLine: limit)
            outcome.lines = scanner.scan(input.bytes, range: 0..<input.bytes.count, firstLine: 1,
                                         accept: { outcome.accepted.append($0.line) }, reject: { outcome.rejected.append($0) }).lines
        } catch { outcome.error = error.message }
        return outcome
    }

    /// The input read as a stream (as standard input, pipes and gzip files are), in blocks of
    /// `blockSize`; also checks that the content observer saw every byte of the content.
    static func streamed(_ path: String, _ format: TraceFormat, blockSize: Int, content: [UInt8]) throws -> Outcome {
        let reader = LineBlockReader(stream: try TraceStream(path: path), blockSize: blockSize, maximumLine: limit)
        var seen: [UInt8] = []
        reader.contentObserver = { seen.append(contentsOf: $0) }
        var outcome = Outcome()
        _ = try reader.prefix()
        reader.setFormat(format)
        do throws(TraceInputError) {
            let scanner = try TraceScanner(format: format, request: fullRequest, bytes: try reader.prefix(), maximumLine: limit)
            while let block = try reader.next() {
                if let oversized = block.oversized {
                    outcome.rejected.append(RejectedLine(line: outcome.lines + block.skippedLines - oversized.lines + 1, reason: oversized.reason))
                }
                outcome.lines += block.skippedLines
                outcome.lines += scanner.scan(block.bytes, range: 0..<block.bytes.count, firstLine: outcome.lines + 1,
                                              atInputStart: block.startsContent,
                                              accept: { outcome.accepted.append($0.line) }, reject: { outcome.rejected.append($0) }).lines
            }
            #expect(seen == content, "the content observer sees all the content, \(seen.count) of \(content.count) bytes")
        } catch { outcome.error = error.message }
        return outcome
    }

    static let record = #"{"ts":"2026-03-01T00:00:00Z","ttft_ms":1}"#
    static let long = #"{"ts":"2026-03-01T00:00:00Z","note":""# + String(repeating: "x", count: 10_000) + #""}"#
    static let blanks = String(repeating: "\n", count: 9_000) + String(repeating: " \r\n\t\n", count: 3_000)

    /// Inputs that were refused from a stream, or read differently from a file, before the rule.
    static let cases: [(name: String, format: TraceFormat, text: String)] = [
        ("a long record between records", .jsonl, [record, long, record].joined(separator: "\n") + "\n"),
        ("a long first record", .jsonl, long + "\n" + record + "\n"),
        ("a long last record without a line feed", .jsonl, record + "\n" + long),
        ("two long records in a row", .jsonl, [record, long, long, record].joined(separator: "\n")),
        ("a byte order mark and a long first record", .jsonl, "\u{FEFF}" + long + "\n" + record),
        ("many blank lines, then a record", .jsonl, blanks + record + "\n"),
        ("a byte order mark, many blank lines, a record", .jsonl, "\u{FEFF}" + blanks + record + "\n" + record),
        ("blank lines, then a long record", .jsonl, blanks + long + "\n" + record + "\n"),
        ("a long blank line", .jsonl, record + "\n" + String(repeating: " ", count: 10_000) + "\n" + record + "\n"),
        ("a long line of spaces, then a record", .jsonl, record + "\n" + String(repeating: " ", count: 10_000) + record + "\n" + record),
        ("a CSV row made long by an unmatched quote", .csv,
         "ts,ttft_ms\n2026-03-01T00:00:00Z,\"1\n" + String(repeating: "2026-03-01T00:00:00Z,2\n", count: 2_000)),
        ("a long CSV row with quoted line breaks", .csv,
         "ts,note\n2026-03-01T00:00:00Z,a\n2026-03-01T00:00:00Z,\"" + String(repeating: "x\n", count: 3_000) + "\"\n2026-03-01T00:00:00Z,b\n"),
        ("many blank lines, then a CSV header", .csv, blanks + "ts,ttft_ms\n2026-03-01T00:00:00Z,1\n"),
        ("a CSV header longer than the limit", .csv, "ts," + String(repeating: "c", count: 10_000) + "\n2026-03-01T00:00:00Z,1\n"),
    ]

    @Test("a file, a stream and a gzip stream read long lines alike", arguments: 0..<cases.count)
    func oneRule(index: Int) throws {
        let (name, format, text) = Self.cases[index]
        let dir = TemporaryDirectory()
        let path = dir.path("t." + format.rawValue)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        _ = try run("/usr/bin/gzip", ["-k", path])
        let content = Array(text.utf8)
        let expected = try Self.mapped(path, format)
        #expect(expected.error == nil || name.contains("header"), "\(name): \(expected)")
        for blockSize in [64, 1000, 1 << 16] {
            for file in [path, path + ".gz"] {
                let got = try Self.streamed(file, format, blockSize: blockSize, content: content)
                #expect(got == expected, "\(name), \(file.hasSuffix(".gz") ? "gzip" : "stream"), blocks of \(blockSize): \(got) but the file gives \(expected)")
            }
        }
    }

    @Test("the expected outcomes: what is rejected, what is skipped")
    func outcomes() throws {
        let dir = TemporaryDirectory()
        func outcome(_ text: String, _ format: TraceFormat) throws -> Outcome {
            let path = dir.path("t-\(UUID().uuidString).\(format.rawValue)")
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            return try Self.mapped(path, format)
        }
        let reason = "line is longer than 4096 bytes"
        #expect(try outcome(Self.cases[0].text, .jsonl) == Outcome(lines: 3, accepted: [1, 3], rejected: [RejectedLine(line: 2, reason: reason)]))
        #expect(try outcome(Self.cases[8].text, .jsonl) == Outcome(lines: 3, accepted: [1, 3]), "a blank line is never a record")
        #expect(try outcome(Self.cases[5].text, .jsonl) == Outcome(lines: 15_001, accepted: [15_001]))
        let csv = try outcome(Self.cases[10].text, .csv)
        #expect(csv.accepted.isEmpty && csv.rejected.count == 1 && csv.rejected.first?.line == 2)
        #expect(csv.rejected.first?.reason == "row is longer than 4096 bytes (an unmatched quote makes the rest of the file one row)")
        #expect(csv.lines == 2_003, "the header, the row's first line and its 2,001 quoted line breaks (the last ends the file)")
        #expect(try outcome(Self.cases[13].text, .csv).error == "csv header is longer than 4096 bytes")
        // Exactly the limit is a line; one byte more is not.
        let exact = #"{"ts":"2026-03-01T00:00:00Z","n":""#
        let fits = exact + String(repeating: "y", count: Self.limit - exact.utf8.count - 2) + #""}"#
        #expect(fits.utf8.count == Self.limit)
        #expect(try outcome(fits + "\n" + fits + "y\n", .jsonl) == Outcome(lines: 2, accepted: [1], rejected: [RejectedLine(line: 2, reason: reason)]))
        #expect(LineLimit.reason(LineLimit.standard, csv: false) == "line is longer than 256 MB")
    }

    @Test("format detection skips blank lines however many, and reads the same head from a file and a stream")
    func detection() throws {
        let dir = TemporaryDirectory()
        for (text, format) in [(Self.blanks + "ts,ttft_ms\n2026-03-01T00:00:00Z,1\n", TraceFormat.csv),
                               (Self.blanks + Self.record + "\n", .jsonl),
                               (Self.blanks + #"{"resourceSpans":[]}"#, .otlp)] {
            let path = dir.path("trace-\(UUID().uuidString)")
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            _ = try run("/usr/bin/gzip", ["-k", path])
            let input = try TraceInput(path: path)
            #expect(TraceFormatDetection.detect(bytes: input.bytes, path: path, maximumLine: Self.limit) == format)
            let reader = LineBlockReader(stream: try TraceStream(path: path + ".gz"), blockSize: 64, maximumLine: Self.limit)
            let head = try reader.prefix()
            #expect(head.count < 1_000, "the blank lines were dropped, not buffered")
            #expect(TraceFormatDetection.detect(bytes: head, path: path + ".gz", maximumLine: Self.limit) == format)
        }
        // A blank line longer than the limit ends the search, from a file as from a stream.
        let text = String(repeating: " ", count: 10_000) + "\n" + #"{"resourceSpans":[]}"#
        let path = try {
            let p = dir.path("long-blank")
            try text.write(toFile: p, atomically: false, encoding: .utf8)
            return p
        }()
        let input = try TraceInput(path: path)
        let reader = LineBlockReader(stream: try TraceStream(path: path), blockSize: 64, maximumLine: Self.limit)
        #expect(TraceFormatDetection.detect(bytes: input.bytes, path: path, maximumLine: Self.limit) == .jsonl)
        #expect(TraceFormatDetection.detect(bytes: try reader.prefix(), path: path, maximumLine: Self.limit) == .jsonl)
    }

    @Test("an adapter document read from a stream has no line limit and keeps its leading blank lines")
    func documentsAreWhole() throws {
        let dir = TemporaryDirectory()
        let text = Self.blanks + "[" + String(repeating: #"{"ttft_s":0.5},"#, count: 2_000) + #"{"ttft_s":1}]"#
        let path = dir.path("doc.json")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        _ = try run("/usr/bin/gzip", ["-k", path])
        let reader = LineBlockReader(stream: try TraceStream(path: path + ".gz"), blockSize: 64, maximumLine: Self.limit)
        _ = try reader.prefix()
        let whole = try TraceInput(path: path, collecting: reader)
        let bytes = Array(whole.bytes)
        #expect(bytes.count(where: { $0 == 0x0A }) == text.utf8.count(where: { $0 == 0x0A }), "the same lines")
        #expect(bytes.suffix(20_000) == Array(text.utf8).suffix(20_000))
    }
}
