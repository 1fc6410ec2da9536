import Foundation
import SLACTestSupport
import Testing
@testable import SLACTrace

@Suite("Inputs and detection")
struct InputTests {
    static let lines = (1...300).map {
        #"{"id":"r-\#($0)","ts":"2026-03-01T00:00:\#(String(format: "%02d", $0 % 60)).5Z","tenant":"t\#($0 % 7)","ttft_ms":\#($0).25}"#
    }.joined(separator: "\n") + "\n"

    @Test func mappedFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.path("trace.jsonl")
        try Self.lines.write(toFile: path, atomically: true, encoding: .utf8)
        let input = try TraceInput(path: path)
        #expect(!input.isGzip)
        #expect(Array(input.bytes) == Array(Self.lines.utf8))
        #expect(TraceFormatDetection.detect(bytes: input.bytes, path: path) == .jsonl)
    }

    @Test func gzipRoundTripAndConcatenatedMembers() throws {
        let dir = TemporaryDirectory()
        let path = dir.path("trace.jsonl")
        try Self.lines.write(toFile: path, atomically: true, encoding: .utf8)
        try run("/usr/bin/gzip", ["-k", "-9", path])
        let gz = try TraceInput(path: path + ".gz")
        #expect(gz.isGzip)
        #expect(Array(gz.bytes) == Array(Self.lines.utf8))
        #expect(TraceFormatDetection.detect(bytes: gz.bytes, path: path + ".gz") == .jsonl)

        // Two members back to back (`cat a.gz b.gz`), read as their concatenation.
        let member = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        let double = dir.path("double.gz")
        try (member + member).write(to: URL(fileURLWithPath: double))
        let both = try TraceInput(path: double)
        #expect(Array(both.bytes) == Array((Self.lines + Self.lines).utf8))

        // Gzip detected by magic bytes, whatever the name.
        let misnamed = dir.path("trace.data")
        try member.write(to: URL(fileURLWithPath: misnamed))
        let detected = try TraceInput(path: misnamed)
        #expect(detected.isGzip)
        #expect(Array(detected.bytes) == Array(Self.lines.utf8))
    }

    @Test func gzipErrors() throws {
        let dir = TemporaryDirectory()
        let path = dir.path("trace.jsonl")
        try Self.lines.write(toFile: path, atomically: true, encoding: .utf8)
        try run("/usr/bin/gzip", ["-9", path])
        let member = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))

        let truncated = dir.path("truncated.gz")
        try member.prefix(member.count / 2).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: TraceInputError(path: truncated, message: "not a valid gzip stream: unexpected end of data (truncated file)")) {
            _ = try TraceInput(path: truncated)
        }
        var corruptBytes = member
        for i in 20..<60 { corruptBytes[i] ^= 0x5A }
        let corrupt = dir.path("corrupt.gz")
        try corruptBytes.write(to: URL(fileURLWithPath: corrupt))
        do {
            _ = try TraceInput(path: corrupt)
            Issue.record("corrupt gzip was accepted")
        } catch {
            #expect(error.message.hasPrefix("not a valid gzip stream: "))
        }
        let trailing = dir.path("trailing.gz")
        try (member + Data("junk".utf8)).write(to: URL(fileURLWithPath: trailing))
        #expect(throws: TraceInputError(path: trailing, message: "not a valid gzip stream: trailing data after gzip member")) {
            _ = try TraceInput(path: trailing)
        }
        let notGzip = dir.path("plain.jsonl.gz")
        try Self.lines.write(toFile: notGzip, atomically: true, encoding: .utf8)
        #expect(throws: TraceInputError(path: notGzip, message: "not a valid gzip stream: missing gzip header")) {
            _ = try TraceInput(path: notGzip)
        }
    }

    @Test func fileErrors() throws {
        let dir = TemporaryDirectory()
        let missing = dir.path("missing.jsonl")
        #expect(throws: TraceInputError(path: missing, message: "no such file")) { _ = try TraceInput(path: missing) }
        #expect(throws: TraceInputError(path: dir.url.path, message: "is a directory")) { _ = try TraceInput(path: dir.url.path) }
        #expect(TraceInputError(path: "a", message: "no such file").description == "a: no such file")
        if getuid() != 0 {
            let locked = dir.path("locked.jsonl")
            try "x".write(toFile: locked, atomically: true, encoding: .utf8)
            chmod(locked, 0)
            #expect(throws: TraceInputError(path: locked, message: "permission denied")) { _ = try TraceInput(path: locked) }
        }
    }

    @Test func emptyFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.path("empty.jsonl")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let input = try TraceInput(path: path)
        #expect(input.bytes.count == 0)
        let scanner = try TraceScanner(format: .jsonl, request: fullRequest, bytes: input.bytes)
        let r = scanner.scan(input.bytes, range: 0..<0, firstLine: 1, accept: { _ in }, reject: { _ in })
        #expect(r.lines == 0 && r.records == 0)
        #expect(TraceScanner.chunkBoundaries(bytes: input.bytes, count: 4) == [0..<0])
    }

    @Test func pipeIsReadToTheEnd() throws {
        let dir = TemporaryDirectory()
        let path = dir.path("trace.jsonl")
        try Self.lines.write(toFile: path, atomically: true, encoding: .utf8)
        // A FIFO is not a regular file: it is read, not mapped.
        let fifo = dir.path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat '\(path)' > '\(fifo)'"]
        try writer.run()
        let input = try TraceInput(path: fifo)
        writer.waitUntilExit()
        #expect(Array(input.bytes) == Array(Self.lines.utf8))
    }

    @Test func detection() {
        func detect(_ text: String, _ path: String) -> TraceFormat {
            Array(text.utf8).withUnsafeBytes { TraceFormatDetection.detect(bytes: $0, path: path) }
        }
        #expect(detect("{\"ts\":1}\n", "x.csv") == .jsonl)
        #expect(detect("\u{FEFF}  \n{\"ts\":1}\n", "x") == .jsonl)
        #expect(detect("id,ts,tenant\n", "x.jsonl") == .csv)
        #expect(detect("ts\n1\n", "-") == .csv)
        #expect(detect("", "x.csv") == .csv)
        #expect(detect("", "x.csv.gz") == .csv)
        #expect(detect("", "x.ndjson") == .jsonl)
        #expect(detect("", "-") == .jsonl)
        #expect(detect("garbage\n", "x.jsonl.gz") == .jsonl)
        #expect(detect("a,b\n", "x") == .csv)
    }
}
