import CZstd
import Foundation
import SLACTestSupport
import Testing
@testable import SLACTrace

/// zstd traces (`.zst`, detected by content): read as a stream like gzip, frames concatenated,
/// a truncated file an input error.
@Suite struct ZstdTests {
    static let content = (0..<2_000).map { "{\"ts\":\"2026-03-01T00:00:\(String(format: "%02d", $0 % 60))Z\",\"id\":\"r\($0)\"}\n" }.joined()

    /// One zstd frame of `text` (level 3), made with libzstd so that tests need no `zstd` program.
    static func frame(_ text: String) -> [UInt8] {
        let input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let n = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { ZSTD_compress(out.baseAddress, out.count, $0.baseAddress, $0.count, 3) }
        }
        precondition(ZSTD_isError(n) == 0, "zstd compression failed")
        return Array(output.prefix(n))
    }

    static func readAll(_ path: String) throws -> String {
        let stream = try TraceStream(path: path)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try stream.read(into: $0.baseAddress!, capacity: $0.count) }
            if n == 0 { break }
            out += buffer.prefix(n)
        }
        #expect(stream.isZstd && stream.isCompressed)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func readsTheContent() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("t.jsonl.zst", Self.frame(Self.content))
        #expect(TraceStream.shouldStream(path: path))
        #expect(try Self.readAll(path) == Self.content)
    }

    @Test func concatenatedFramesAreOneContent() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("two.zst", Self.frame("a\n") + Self.frame("b\n"))
        #expect(try Self.readAll(path) == "a\nb\n")
    }

    @Test func truncatedFileIsAnInputError() throws {
        let dir = TemporaryDirectory()
        let whole = Self.frame(Self.content)
        let path = try dir.write("cut.zst", Array(whole.prefix(whole.count / 2)))
        #expect(throws: TraceInputError(path: path, message: "not a valid zstd stream: unexpected end of data (truncated file)")) {
            _ = try Self.readAll(path)
        }
    }

    @Test func zstNameWithoutZstdContentIsAnInputError() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("plain.jsonl.zst", "{\"ts\":\"2026-03-01T00:00:00Z\"}\n")
        #expect(throws: TraceInputError(path: path, message: "not a valid zstd stream: missing zstd frame header")) {
            let stream = try TraceStream(path: path)
            var byte: UInt8 = 0
            _ = try stream.read(into: &byte, capacity: 1)
        }
    }

    @Test func formatIsDetectedThroughTheExtension() {
        let bytes = Array("ts,id\n".utf8)
        let format = bytes.withUnsafeBytes { TraceFormatDetection.detect(bytes: $0, path: "t.csv.zst") }
        #expect(format == .csv)
    }

    /// `storedBytes` sees every stored byte of a compressed file, in order (its `file-sha256`),
    /// and nothing of a plain stream, whose stored bytes are its content (hashed once, as content).
    /// The compressed files are over a megabyte (the first read, which decides the format, takes
    /// at most 1 MiB; the rest comes through later reads), gzip in two members.
    @Test func storedBytesSeeCompressedFilesOnly() throws {
        let dir = TemporaryDirectory()
        // Lines of pseudo-random hex, which compress to about half: 3 MB of content.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let lines = (0..<40_000).map { i -> String in
            var hex = ""
            for _ in 0..<4 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                hex += String(state >> 1, radix: 16)
            }
            return "{\"ts\":\"2026-03-01T00:00:\(String(format: "%02d", i % 60))Z\",\"id\":\"\(hex)\"}\n"
        }
        let content = lines.joined()
        let half = lines.prefix(20_000).joined()
        let stored = Self.frame(content)
        #expect(stored.count > 1 << 20)
        let zst = try dir.write("t.jsonl.zst", stored)
        let plain = try dir.write("t.jsonl", content)
        let firstHalf = try dir.write("a.jsonl", half)
        let secondHalf = try dir.write("b.jsonl", String(content.dropFirst(half.count)))
        let gzipped = dir.url.appendingPathComponent("t.jsonl.gz").path
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c \"$0\" > \"$2\" && gzip -c \"$1\" >> \"$2\"", firstHalf, secondHalf, gzipped]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        let gzipBytes = try Array(Data(contentsOf: URL(fileURLWithPath: gzipped)))
        #expect(gzipBytes.count > 1 << 20)
        for (path, expected) in [(zst, stored), (gzipped, gzipBytes), (plain, [])] {
            let stream = try TraceStream(path: path)
            var seen: [UInt8] = []
            stream.storedBytes = { seen += $0 }
            var buffer = [UInt8](repeating: 0, count: 100_000)
            var read: [UInt8] = []
            while true {
                let n = try buffer.withUnsafeMutableBytes { try stream.read(into: $0.baseAddress!, capacity: $0.count) }
                if n == 0 { break }
                read += buffer.prefix(n)
            }
            let same = seen == expected, whole = read == Array(content.utf8)
            #expect(same, "\(path): \(seen.count) stored bytes seen, \(expected.count) expected")
            #expect(whole, "\(path): \(read.count) bytes of content read, \(content.utf8.count) expected")
        }
    }
}
