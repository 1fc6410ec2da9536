#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import SLACTrace

/// `stream`: the streamed reader of gzip files and pipes (`TraceStream` + `LineBlockReader`)
/// against the whole-file reader (`TraceInput`), on a temporary file.
///
/// Byte 0 is the mode, the rest the payload:
/// - bits 0–1: 0 the payload as it is (raw gzip or plain), 1 gzip-compressed, 2 compressed as two
///   gzip members, 3 compressed and then damaged (bit 7: last 4 bytes cut, else a middle byte flipped);
/// - bit 2: CSV line blocking (rows may hold quoted line breaks) instead of JSON Lines;
/// - bits 3–5: block size 64 << k bytes; bit 6: the file name ends in `.gz`.
///
/// Both readers must agree: the same content, or both an error. The blocks must be whole lines
/// (rows), their concatenation the content, and the prefix a prefix of it.
enum StreamTarget {
    static func run(_ data: UnsafeRawBufferPointer) {
        guard let mode = data.first else { return }
        let payload = Array(data[1...])
        var file: [UInt8]
        switch mode & 3 {
        case 0: file = payload
        case 1: file = gzip(payload)
        case 2: file = gzip(Array(payload[..<(payload.count / 2)])) + gzip(Array(payload[(payload.count / 2)...]))
        default:
            file = gzip(payload)
            if mode & 0x80 != 0 { file.removeLast(min(4, file.count)) } else if !file.isEmpty { file[file.count / 2] ^= 0x55 }
        }
        let csv = mode & 4 != 0
        let blockSize = 64 << Int((mode >> 3) & 7)
        let path = scratchPath + (mode & 0x40 != 0 ? ".gz" : ".trace")
        guard store(file, at: path) else { return }
        defer { unlink(path) }

        let whole: Result<[UInt8], TraceInputError>
        do throws(TraceInputError) {
            let input = try TraceInput(path: path)
            whole = .success(Array(input.bytes))
        } catch { whole = .failure(error) }

        let streamed: Result<[UInt8], TraceInputError>
        do throws(TraceInputError) {
            let reader = LineBlockReader(stream: try TraceStream(path: path), blockSize: blockSize, maximumLine: 1 << 24)
            reader.setFormat(csv ? .csv : .jsonl)
            let prefix = Array(try reader.prefix())
            var blocks: [[UInt8]] = []
            while let block = try reader.next() {
                if block.isEmpty { FuzzFinding.fail(.stream, "an empty block") }
                blocks.append(Array(block))
            }
            var quotes = 0
            for block in blocks.dropLast() {
                if block.last != 0x0A { FuzzFinding.fail(.stream, "a block that is not the last ends inside a line") }
                quotes += block.reduce(0) { $0 + ($1 == UInt8(ascii: "\"") ? 1 : 0) }
                if csv && quotes % 2 != 0 { FuzzFinding.fail(.stream, "a CSV block ends inside a quoted cell") }
            }
            let content = blocks.flatMap { $0 }
            if !content.starts(with: prefix) { FuzzFinding.fail(.stream, "the prefix is not a prefix of the content") }
            streamed = .success(content)
        } catch { streamed = .failure(error) }

        switch (whole, streamed) {
        case (.success(let a), .success(let b)):
            if a != b { FuzzFinding.fail(.stream, "the stream gives \(b.count) bytes, the whole read \(a.count)") }
        case (.failure, .failure):
            break
        case (.success(let a), .failure(let e)):
            FuzzFinding.fail(.stream, "the whole read gives \(a.count) bytes, the stream fails: \(e.message)")
        case (.failure(let e), .success(let b)):
            FuzzFinding.fail(.stream, "the stream gives \(b.count) bytes, the whole read fails: \(e.message)")
        }
    }

    /// A file name for this process (`/dev/shm` when it exists, so nothing reaches a disk).
    static let scratchPath: String = {
        var st = stat()
        let directory = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp"
        return "\(directory)/slac-fuzz-stream-\(getpid())"
    }()

    private static func store(_ bytes: [UInt8], at path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { return false }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                buffer.baseAddress.map { write(fd, $0 + offset, buffer.count - offset) } ?? -1
            }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// `bytes` as one gzip member (zlib, default level).
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                let rc = deflate(&stream, Z_FINISH)
                return rc == Z_STREAM_END ? outBuffer.count - Int(stream.avail_out) : -1
            }
        }
        return produced < 0 ? [] : Array(output[..<produced])
    }
}
