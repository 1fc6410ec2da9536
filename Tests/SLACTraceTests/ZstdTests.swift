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
    @Test func storedBytesSeeCompressedFilesOnly() throws {
        let dir = TemporaryDirectory()
        let stored = Self.frame(Self.content) + Self.frame("{\"ts\":\"2026-03-01T00:01:00Z\"}\n")
        let zst = try dir.write("t.jsonl.zst", stored)
        let plain = try dir.write("t.jsonl", Self.content)
        let gzipped = dir.url.appendingPathComponent("t.jsonl.gz").path
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c \"$0\" > \"$1\"", plain, gzipped]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        for (path, expected) in [(zst, stored), (gzipped, try Array(Data(contentsOf: URL(fileURLWithPath: gzipped)))), (plain, [])] {
            let stream = try TraceStream(path: path)
            var seen: [UInt8] = []
            stream.storedBytes = { seen += $0 }
            var buffer = [UInt8](repeating: 0, count: 1000)
            var content: [UInt8] = []
            while true {
                let n = try buffer.withUnsafeMutableBytes { try stream.read(into: $0.baseAddress!, capacity: $0.count) }
                if n == 0 { break }
                content += buffer.prefix(n)
            }
            let same = seen == expected, startsRight = content.starts(with: Array(Self.content.utf8))
            #expect(same, "\(path): \(seen.count) stored bytes seen, \(expected.count) expected")
            #expect(startsRight, "\(path)")
        }
    }
}
