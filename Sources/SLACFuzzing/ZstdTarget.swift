#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZstd
import SLACTrace

/// `zstd`: the reader of zstd traces (`TraceStream`, which decodes frames straight into the
/// caller's buffer and keeps its own copy of the window, docs/formats.md "Compressed input")
/// against libzstd's own streaming decoder, on a temporary file.
///
/// Byte 0 is the mode, the rest the payload:
/// - bits 0–1: 0 the payload compressed as one frame; 1 as two frames, the second without a
///   checksum; 2 compressed and then damaged (a byte flipped, at a place the payload's length
///   picks); 3 the payload as it is after the zstd magic bytes (frames made by hand);
/// - bits 2–3: compression level 1, 3, 9 or 19;
/// - bits 4–5: the reads: 100 bytes; 131,071 bytes; a 1 MiB buffer filled read after read from
///   where the last one ended; sizes from 1 to 2,000, changing every read (payloads are a few KB);
/// - bit 6: a window of 1 KiB (log 10), so that blocks refer back across reads even in a small
///   payload; bit 7: a 16 MiB window (log 24), which libzstd's streaming decoder decodes.
///
/// For what libzstd compressed (modes 0 and 1), both must give the payload. Otherwise (damaged or
/// hand-made frames): content the reader gives is the content of libzstd's streaming decoder or,
/// for a frame without a checksum whose blocks refer back further than its window (where libzstd's
/// own decoders differ), of its one-shot decoder; the reader may reject such a frame.
enum ZstdTarget {
    static func run(_ data: UnsafeRawBufferPointer) {
        guard let mode = data.first else { return }
        let payload = Array(data[1...])
        let level: Int32 = [1, 3, 9, 19][Int((mode >> 2) & 3)]
        let windowLog: Int32? = mode & 0x80 != 0 ? 24 : mode & 0x40 != 0 ? 10 : nil
        var file: [UInt8]
        switch mode & 3 {
        case 0: file = compress(payload, level: level, windowLog: windowLog, checksum: true)
        case 1:
            let half = payload.count / 2
            file = compress(Array(payload[..<half]), level: level, windowLog: windowLog, checksum: true)
                + compress(Array(payload[half...]), level: level, windowLog: windowLog, checksum: false)
        case 2:
            file = compress(payload, level: level, windowLog: windowLog, checksum: mode & 0x40 == 0)
            if file.count > 4 { file[4 + payload.count % (file.count - 4)] ^= 0x5A }
        default: file = [0x28, 0xB5, 0x2F, 0xFD] + payload
        }
        if file.isEmpty { return }  // libzstd refused the parameters
        let path = StreamTarget.scratchPath + ".zst"
        guard StreamTarget.store(file, at: path) else { return }
        defer { unlink(path) }

        let reference = decodeWithLibzstd(file)
        let read: Result<[UInt8], TraceInputError>
        do throws(TraceInputError) {
            read = .success(try readThroughStream(path, pattern: Int((mode >> 4) & 3)))
        } catch { read = .failure(error) }

        let compressedByLibzstd = mode & 3 < 2
        switch (read, reference) {
        case (.success(let a), .success(let b)):
            // A damaged or hand-made frame without a checksum may refer back further than its
            // window; the reader then gives what libzstd's one-shot decoder gives (ZstdContentReader).
            if a != b && (compressedByLibzstd || decodeWholeWithLibzstd(file) != a) {
                FuzzFinding.fail(.zstd, "the reader gives \(a.count) bytes, libzstd \(b.count)")
            }
            if compressedByLibzstd && a != payload { FuzzFinding.fail(.zstd, "the reader gives \(a.count) bytes of a \(payload.count)-byte payload") }
        case (.success(let a), .failure):
            if compressedByLibzstd || decodeWholeWithLibzstd(file) != a {
                FuzzFinding.fail(.zstd, "the reader gives \(a.count) bytes where libzstd's decoder fails")
            }
        case (.failure(let e), .success):
            if compressedByLibzstd { FuzzFinding.fail(.zstd, "the reader fails (\(e.message)) on what libzstd compressed") }
        case (.failure(let e), .failure):
            if !e.message.hasPrefix("not a valid zstd stream: ") { FuzzFinding.fail(.zstd, "an error not worded as such: \(e.message)") }
        }
    }

    static func compress(_ bytes: [UInt8], level: Int32, windowLog: Int32?, checksum: Bool) -> [UInt8] {
        guard let context = ZSTD_createCCtx() else { return [] }
        defer { ZSTD_freeCCtx(context) }
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        if let windowLog { _ = ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, windowLog) }
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0)
        // The length left unknown (a first call that does not end the frame), so that the window
        // is the one asked for, not the payload's length.
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 0)
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count) + 1024)
        let n = output.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { source -> Int in
                var input = ZSTD_inBuffer(src: source.baseAddress, size: min(1, source.count), pos: 0)
                var sink = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                if ZSTD_isError(ZSTD_compressStream2(context, &sink, &input, ZSTD_e_continue)) != 0 { return 0 }
                input.size = source.count
                while true {
                    let rc = ZSTD_compressStream2(context, &sink, &input, ZSTD_e_end)
                    if ZSTD_isError(rc) != 0 { return 0 }
                    if rc == 0 { return sink.pos }
                }
            }
        }
        return Array(output.prefix(n))
    }

    /// libzstd's streaming decoder over the whole file: the content, or nil when it reports an
    /// error or the input ends inside a frame.
    static func decodeWithLibzstd(_ file: [UInt8]) -> Result<[UInt8], TraceInputError> {
        let failed = Result<[UInt8], TraceInputError>.failure(TraceInputError(path: "fuzz", message: "libzstd"))
        guard let context = ZSTD_createDCtx() else { return failed }
        defer { ZSTD_freeDCtx(context) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 17)
        return file.withUnsafeBytes { source in
            var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            var lastResult = 0
            repeat {
                let (rc, produced) = chunk.withUnsafeMutableBytes { out -> (Int, Int) in
                    var sink = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                    let rc = ZSTD_decompressStream(context, &sink, &input)
                    return (rc, sink.pos)
                }
                if ZSTD_isError(rc) != 0 { return failed }
                content += chunk[..<produced]
                lastResult = rc
                if produced == 0 && input.pos == input.size && rc != 0 { break }
            } while input.pos < input.size || lastResult != 0
            return lastResult == 0 ? .success(content) : failed
        }
    }

    /// libzstd's one-shot decoder (the whole output as history): the content, or nil when it fails
    /// or would be larger than 64 MiB.
    static func decodeWholeWithLibzstd(_ file: [UInt8]) -> [UInt8]? {
        file.withUnsafeBytes { source -> [UInt8]? in
            let bound = ZSTD_decompressBound(source.baseAddress, source.count)
            guard bound != ZSTD_CONTENTSIZE_ERROR, bound <= 64 << 20, let context = ZSTD_createDCtx() else { return nil }
            defer { ZSTD_freeDCtx(context) }
            var output = [UInt8](repeating: 0, count: max(1, Int(bound)))
            let n = output.withUnsafeMutableBytes {
                ZSTD_decompressDCtx(context, $0.baseAddress, $0.count, source.baseAddress, source.count)
            }
            return ZSTD_isError(n) != 0 ? nil : Array(output.prefix(n))
        }
    }

    /// The content as `TraceStream` reads it, in reads of the given pattern; the caller's memory
    /// is overwritten after each read (the reader must not read back what it handed out).
    static func readThroughStream(_ path: String, pattern: Int) throws(TraceInputError) -> [UInt8] {
        let stream = try TraceStream(path: path)
        let capacity = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var content: [UInt8] = []
        var filled = 0
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        while true {
            let room: Int
            let start: Int
            switch pattern {
            case 0: (start, room) = (0, 100)
            case 1: (start, room) = (0, 131_071)
            case 2: (start, room) = (filled, capacity - filled)
            default:
                state = state &* 6364136223846793005 &+ 1442695040888963407
                (start, room) = (0, 1 + Int((state >> 33) % 2_000))
            }
            let n = try stream.read(into: buffer + start, capacity: room)
            if n == 0 { break }
            if pattern == 2 {
                filled += n
                if filled == capacity {
                    content += UnsafeBufferPointer(start: buffer, count: filled)
                    buffer.update(repeating: 0xAA, count: capacity)
                    filled = 0
                }
            } else {
                content += UnsafeBufferPointer(start: buffer + start, count: n)
                (buffer + start).update(repeating: 0xAA, count: n)
            }
        }
        content += UnsafeBufferPointer(start: buffer, count: filled)
        if !stream.isZstd { throw TraceInputError(path: path, message: "not read as zstd") }
        return content
    }
}
