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
    static func frame(_ text: String) -> [UInt8] { frame(Array(text.utf8), level: 3) }

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

    /// A stream may start with a skippable frame (`zstd -t` accepts it); it was read as plain
    /// text, and its compressed bytes rejected as records.
    @Test func aStreamStartingWithASkippableFrameIsZstd() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("skip-first.jsonl.zst", Self.skippable(Array(repeating: 1, count: 40)) + Self.frame(Self.content))
        #expect(TraceStream.shouldStream(path: path))
        #expect(try Self.readAll(path) == Self.content)
    }

    /// Not read as a stream (no zstd magic), a plain file named `.zst` is an error as for `.gz`;
    /// it was read as plain text.
    @Test func zstNameWithoutZstdContentIsAnInputErrorWhenMapped() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("plain.jsonl.zst", "{\"ts\":\"2026-03-01T00:00:00Z\"}\n")
        #expect(!TraceStream.shouldStream(path: path))
        #expect(throws: TraceInputError(path: path, message: "not a valid zstd stream: missing zstd frame header")) {
            _ = try TraceInput(path: path)
        }
        // A real zstd file is only digested through `TraceInput` (by the engines): no error.
        let real = try dir.write("real.jsonl.zst", Self.frame(Self.content))
        let skipFirst = try dir.write("skip.jsonl.zst", Self.skippable([1, 2, 3]) + Self.frame(Self.content))
        for path in [real, skipFirst] { #expect(throws: Never.self) { _ = try TraceInput(path: path) } }
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

    // MARK: Decoding straight into the caller's buffer (ZstdContentReader)

    /// A frame of `bytes` made with the given level and, when set, window (log 2), without the
    /// content size in the header when `contentSize` is false (so that the window is not the
    /// content's size).
    static func frame(_ bytes: [UInt8], level: Int32, windowLog: Int32? = nil, contentSize: Bool = true,
                      checksum: Bool = true) -> [UInt8] {
        let context = ZSTD_createCCtx()
        defer { ZSTD_freeCCtx(context) }
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        if let windowLog { _ = ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, windowLog) }
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, contentSize ? 1 : 0)
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0)
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count) + 1024)
        let n = output.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { source in
                var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
                var output = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                if !contentSize {
                    // A first call that does not end the frame leaves the length unknown: with the
                    // length known, libzstd would shrink the window to the content's size.
                    input.size = min(source.count, 1)
                    let rc = ZSTD_compressStream2(context, &output, &input, ZSTD_e_continue)
                    precondition(ZSTD_isError(rc) == 0, "zstd compression failed")
                    input.size = source.count
                }
                while true {
                    let rc = ZSTD_compressStream2(context, &output, &input, ZSTD_e_end)
                    precondition(ZSTD_isError(rc) == 0, "zstd compression failed")
                    if rc == 0 { return output.pos }
                }
            }
        }
        return Array(output.prefix(n))
    }

    /// A skippable frame (user data that decoders pass over).
    static func skippable(_ payload: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = [0x50, 0x2A, 0x4D, 0x18]
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { frame += $0 }
        return frame + payload
    }

    /// About `count` bytes of trace lines: pseudo-random ids (which compress to about half), and
    /// every so often a run of earlier lines again, from `distances` back, so that blocks refer
    /// to content far behind them (across the reader's calls).
    static func repetitiveContent(count: Int, distances: [Int], seed: UInt64) -> [UInt8] {
        var state = seed
        var out: [UInt8] = []
        out.reserveCapacity(count + 4096)
        var i = 0
        while out.count < count {
            i += 1
            state = state &* 6364136223846793005 &+ 1442695040888963407
            if i % 50 == 0, case let distance = distances[Int(state >> 40) % distances.count], out.count > distance {
                let start = out.count - distance
                out += out[start..<min(out.count, start + 3000)]
                continue
            }
            let hex = String(state >> 1, radix: 16)
            out += Array("{\"ts\":\"2026-03-01T00:00:\(String(format: "%02d", i % 60))Z\",\"id\":\"\(hex)\",\"n\":\(i)}\n".utf8)
        }
        return out
    }

    /// Reads a whole stream the way `pattern` says: the size of each read, where it writes, and
    /// whether the caller scribbles over its buffer after taking the bytes out (the decoder must
    /// never read back what it handed out earlier).
    enum ReadPattern: CustomStringConvertible {
        /// Reads of one size into the start of one buffer, scribbled over after each read.
        case fixed(Int)
        /// Reads of pseudo-random sizes from 1 to the bound, alternating between two buffers.
        case random(Int)
        /// A buffer filled read after read from where the last read ended (as the block reader
        /// fills its 8 MB buffers), then emptied but for a tail that moves to its front.
        case filling(Int)

        var description: String {
            switch self {
            case .fixed(let n): "fixed(\(n))"
            case .random(let n): "random(\(n))"
            case .filling(let n): "filling(\(n))"
            }
        }
    }

    static func read(_ path: String, _ pattern: ReadPattern, frames: ((direct: Int, streamed: Int)) -> Void = { _ in }) throws -> [UInt8] {
        let stream = try TraceStream(path: path)
        defer { frames(stream.zstdFrames) }
        var out: [UInt8] = []
        switch pattern {
        case .fixed(let size):
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let n = try stream.read(into: buffer, capacity: size)
                if n == 0 { break }
                out += UnsafeRawBufferPointer(start: buffer, count: n)
                buffer.initializeMemory(as: UInt8.self, repeating: 0xAA, count: size)
            }
        case .random(let bound):
            let buffers = [UnsafeMutableRawPointer.allocate(byteCount: bound, alignment: 16),
                           UnsafeMutableRawPointer.allocate(byteCount: bound, alignment: 16)]
            defer { for buffer in buffers { buffer.deallocate() } }
            var state: UInt64 = 42
            var k = 0
            while true {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let size = 1 + Int((state >> 33) % UInt64(bound))
                let buffer = buffers[k & 1]
                k += 1
                let n = try stream.read(into: buffer, capacity: size)
                if n == 0 { break }
                out += UnsafeRawBufferPointer(start: buffer, count: n)
                buffers[(k + 1) & 1].initializeMemory(as: UInt8.self, repeating: 0x55, count: bound)
            }
        case .filling(let capacity):
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            defer { buffer.deallocate() }
            var filled = 0
            while true {
                let n = try stream.read(into: buffer + filled, capacity: capacity - filled)
                if n == 0 { break }
                filled += n
                if filled == capacity {
                    // Hand out all but a tail of up to 1,000 bytes, which moves to the front.
                    let tail = min(1_000, capacity / 3)
                    out += UnsafeBufferPointer(start: buffer, count: filled - tail)
                    buffer.update(from: buffer + (filled - tail), count: tail)
                    (buffer + tail).initialize(repeating: 0xAA, count: capacity - tail)
                    filled = tail
                }
            }
            out += UnsafeBufferPointer(start: buffer, count: filled)
        }
        #expect(stream.isZstd)
        return out
    }

    static let patterns: [ReadPattern] = [
        .fixed(1), .fixed(4096), .fixed(131_071), .fixed(131_072), .fixed(1 << 20),
        .random(300_000), .filling(200_000), .filling(3 << 20),
    ]

    /// Frames decoded block by block into the caller's buffer (windows up to 8 MiB) and frames
    /// decoded by libzstd's streaming decoder (a 16 MiB window) give the content, whatever the
    /// sizes of the reads and whatever the caller does with its buffer between them. The content
    /// refers back up to 1.5 MB, across many reads; windows of 1 and 64 KiB have blocks smaller
    /// than 128 KiB.
    @Test(arguments: [(Int32(1), Int32?.none), (3, nil), (19, nil), (3, 10), (1, 16), (3, 23), (3, 24)])
    func decodesTheContentWhateverTheReads(level: Int32, windowLog: Int32?) throws {
        let content = Self.repetitiveContent(count: 3_000_000, distances: [200_000, 700_000, 1_500_000], seed: UInt64(level))
        let stored = Self.frame(content, level: level, windowLog: windowLog, contentSize: false)
        let dir = TemporaryDirectory()
        let path = try dir.write("t.jsonl.zst", stored)
        let streamed = (windowLog ?? 0) > 23
        for pattern in Self.patterns {
            let read = try Self.read(path, pattern) { frames in
                #expect(frames == (streamed ? (0, 1) : (1, 0)), "\(frames)")
            }
            #expect(read == content, "level \(level), window log \(windowLog.map(String.init) ?? "default"), \(pattern): \(read.count) bytes read, \(content.count) expected")
        }
    }

    /// Frames of both kinds, an empty frame, a frame with its content size in the header, one
    /// without a checksum and a skippable frame, concatenated: one content.
    @Test func mixedFramesAreOneContent() throws {
        let a = Self.repetitiveContent(count: 600_000, distances: [100_000], seed: 1)
        let b = Self.repetitiveContent(count: 900_000, distances: [300_000], seed: 2)
        let c = Array("{\"ts\":\"2026-03-01T00:00:00Z\"}\n".utf8)
        let stored = Self.frame(a, level: 1, contentSize: false) + Self.frame([], level: 3)
            + Self.skippable(Array(repeating: 7, count: 5_000)) + Self.frame(b, level: 5, windowLog: 24, contentSize: false)
            + Self.frame(c, level: 3) + Self.frame(b, level: 19, checksum: false) + Self.frame(a, level: 2)
        let dir = TemporaryDirectory()
        let path = try dir.write("mixed.zst", stored)
        for pattern in Self.patterns {
            let read = try Self.read(path, pattern) { frames in
                // The skippable frame and the one with a 16 MiB window are streamed.
                #expect(frames == (5, 2), "\(frames)")
            }
            #expect(read == a + b + c + b + a, "\(pattern)")
        }
    }

    /// A wrong checksum, a damaged block and a cut in the middle of a block are input errors, in
    /// frames of both kinds, never wrong content.
    @Test(arguments: [Int32?.none, 24])
    func damagedFramesAreInputErrors(windowLog: Int32?) throws {
        let content = Self.repetitiveContent(count: 1_000_000, distances: [100_000], seed: 3)
        let stored = Self.frame(content, level: 3, windowLog: windowLog, contentSize: false)
        let dir = TemporaryDirectory()
        var badChecksum = stored
        badChecksum[badChecksum.count - 1] ^= 0xFF
        var damaged = stored
        for k in stride(from: damaged.count / 3, to: damaged.count / 3 + 64, by: 1) { damaged[k] = 0xFF }
        let cut = Array(stored.prefix(stored.count / 2))
        for (name, bytes) in [("checksum", badChecksum), ("damaged", damaged), ("cut", cut)] {
            let path = try dir.write("\(name).zst", bytes)
            for pattern in [ReadPattern.fixed(4096), .filling(3 << 20)] {
                do {
                    let read = try Self.read(path, pattern)
                    Issue.record("\(name), \(pattern): \(read.count) bytes read, no error")
                } catch let error as TraceInputError {
                    #expect(error.message.hasPrefix("not a valid zstd stream: "), "\(name): \(error.message)")
                    if name == "cut" { #expect(error.message.hasSuffix("unexpected end of data (truncated file)")) }
                    if name == "checksum" { #expect(error.message.contains("checksum"), "\(error.message)") }
                }
            }
        }
    }

    /// A frame whose header states 589 bytes of content but whose blocks are empty, the last one
    /// too: libzstd's buffer-less API does not compare the sizes after an empty last block, the
    /// reader does (found by the `zstd` fuzz target; `Tests/Fuzz/regressions/zstd/`).
    @Test func contentSizeStatedInTheHeaderIsChecked() throws {
        // Magic, frame header (2-byte content size 0x014D + 256 = 589, 40 KiB window), two empty
        // raw blocks, an empty last raw block.
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x50, 0x2A, 0x4D, 0x01, 0, 0, 0, 0, 0, 0, 0x01, 0, 0]
        let dir = TemporaryDirectory()
        let path = try dir.write("size.zst", frame)
        #expect(throws: TraceInputError(path: path, message: "not a valid zstd stream: data corruption detected (the frame holds 0 bytes, its header says 589)")) {
            _ = try Self.read(path, .fixed(4096))
        }
    }
}
