#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// Why a trace input could not be read at all (exit code 3, docs/ci.md), as opposed to a bad line, which is
/// a `RejectedLine`.
package struct TraceInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path as the user gave it (`-` for standard input).
    package var path: String
    /// What went wrong, in the house style: lowercase, no final period, e.g. `no such file`.
    package var message: String

    /// Creates an error for `path`.
    package init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`, the form the command line prints.
    package var description: String { "\(path): \(message)" }
}

/// The whole content of one trace input in memory, so that the scanner can work on raw bytes and
/// cut them into blocks for several cores.
///
/// A regular file is memory-mapped (no copy); gzip data (detected by its magic bytes 1f 8b, also
/// when several members are concatenated) is inflated with zlib into one buffer; `-` reads standard
/// input to its end; other non-regular files (pipes, devices) are read to their end. The memory is
/// released when the instance goes away, so `bytes` must not outlive it.
package final class TraceInput: @unchecked Sendable {
    // Safe to share across threads: the storage is immutable after `init` and freed only in `deinit`.

    /// The path as given (`-` for standard input).
    package let path: String
    /// Whether the content was gzip-compressed (and has been inflated), for the report.
    package let isGzip: Bool

    private enum Storage {
        case empty
        case mapped(UnsafeMutableRawPointer, Int)
        case allocated(UnsafeMutableRawPointer, Int)
    }
    private let storage: Storage

    /// The content (inflated when the input was gzip); valid as long as this instance lives.
    package var bytes: UnsafeRawBufferPointer {
        switch storage {
        case .empty: return UnsafeRawBufferPointer(start: nil, count: 0)
        case .mapped(let p, let n), .allocated(let p, let n): return UnsafeRawBufferPointer(start: p, count: n)
        }
    }

    /// Opens and loads `path` (`-` means standard input).
    ///
    /// Throws a `TraceInputError` with a clear message: `no such file`, `is a directory`,
    /// `permission denied`, `not a valid gzip stream: …`, or the system's reason.
    package init(path: String) throws(TraceInputError) {
        self.path = path
        let raw: Storage
        if path == "-" {
            raw = try TraceInput.readAll(fd: 0, path: path)
        } else {
            raw = try TraceInput.load(path: path)
        }
        let rawBuffer: UnsafeRawBufferPointer
        switch raw {
        case .empty: rawBuffer = UnsafeRawBufferPointer(start: nil, count: 0)
        case .mapped(let p, let n), .allocated(let p, let n): rawBuffer = UnsafeRawBufferPointer(start: p, count: n)
        }
        let looksGzip = rawBuffer.count >= 2 && rawBuffer[0] == 0x1f && rawBuffer[1] == 0x8b
        if looksGzip {
            defer { TraceInput.release(raw) }
            storage = try TraceInput.inflate(rawBuffer, path: path)
            isGzip = true
        } else {
            // A zstd stream is read by `TraceStream`; here its bytes are only digested (by the
            // engines), so only content that is neither gzip nor zstd is refused by its name.
            let looksZstd = rawBuffer.count >= 4 && TraceStream.isZstdMagic(rawBuffer[0], rawBuffer[1], rawBuffer[2], rawBuffer[3])
            if rawBuffer.count > 0, !looksZstd, let error = TraceStream.compressedByNameOnly(path) {
                TraceInput.release(raw)
                throw error
            }
            storage = raw
            isGzip = false
        }
    }

    /// Reads the whole content of a streamed input into memory: for formats that are parsed as
    /// one document (adapters) when the input came compressed or through a pipe. A document has
    /// no line limit (`LineBlockReader.readAll`).
    package init(path: String, collecting reader: LineBlockReader) throws(TraceInputError) {
        self.path = path
        isGzip = reader.stream.isGzip
        var capacity = 1 << 16
        var count = 0
        guard let start = malloc(capacity) else { throw TraceInputError(path: path, message: "out of memory") }
        var buffer = start
        do throws(TraceInputError) {
            try reader.readAll { (piece) throws(TraceInputError) in
                if count + piece.count > capacity {
                    while count + piece.count > capacity { capacity *= 2 }
                    guard let grown = realloc(buffer, capacity) else {
                        throw TraceInputError(path: path, message: "out of memory")
                    }
                    buffer = grown
                }
                if let from = piece.baseAddress { (buffer + count).copyMemory(from: from, byteCount: piece.count) }
                count += piece.count
            }
        } catch {
            free(buffer)
            throw error
        }
        if count == 0 {
            free(buffer)
            storage = .empty
        } else {
            storage = .allocated(buffer, count)
        }
    }

    deinit { TraceInput.release(storage) }

    /// Tells the kernel this process is done with `range` of a memory-mapped file, so those pages
    /// leave its resident set (they stay in the page cache, and a later read faults them back in).
    /// Keeps peak memory flat in the file size when the scan proceeds block by block (issue 4:
    /// without it, mapping the 1 GB benchmark trace made the resident set 1.1 GiB).
    /// A no-op for inflated or standard-input content, which lives in the heap.
    package func releasePages(_ range: Range<Int>) {
        guard case .mapped(let p, let n) = storage else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound >= n ? n : range.upperBound / page * page
        guard end > start else { return }
        _ = madvise(p + start, end - start, Int32(MADV_DONTNEED))
    }

    private static func release(_ s: Storage) {
        switch s {
        case .empty: break
        case .mapped(let p, let n): munmap(p, n)
        case .allocated(let p, _): free(p)
        }
    }

    /// The user-facing reason for an `errno` (shared with `TraceStream`).
    static func systemMessage(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EISDIR: return "is a directory"
        case EACCES, EPERM: return "permission denied"
        case ENOTDIR: return "no such file (a parent is not a directory)"
        default:
            guard let s = strerror(code) else { return "error \(code)" }
            return String(cString: s).lowercased()
        }
    }

    private static func load(path: String) throws(TraceInputError) -> Storage {
        let fd = PatientOpen.open(path)
        if fd < 0 { throw TraceInputError(path: path, message: systemMessage(errno)) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw TraceInputError(path: path, message: systemMessage(errno)) }
        let mode = st.st_mode & S_IFMT
        if mode == S_IFDIR { throw TraceInputError(path: path, message: "is a directory") }
        guard mode == S_IFREG else { return try readAll(fd: fd, path: path) }
        let size = Int(st.st_size)
        if size == 0 { return .empty }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { return try readAll(fd: fd, path: path) }
        _ = madvise(p, size, MADV_WILLNEED)
        return .mapped(p, size)
    }

    /// Reads a descriptor to its end into a growing heap buffer (standard input, pipes).
    private static func readAll(fd: Int32, path: String) throws(TraceInputError) -> Storage {
        var capacity = 1 << 16
        var count = 0
        guard var buffer = malloc(capacity) else { throw TraceInputError(path: path, message: "out of memory") }
        while true {
            if count == capacity {
                capacity *= 2
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    throw TraceInputError(path: path, message: "out of memory")
                }
                buffer = grown
            }
            let n = read(fd, buffer + count, capacity - count)
            if n == 0 { break }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                free(buffer)
                if e == EISDIR { throw TraceInputError(path: path, message: "is a directory") }
                throw TraceInputError(path: path, message: "read error: " + systemMessage(e))
            }
            count += n
        }
        if count == 0 {
            free(buffer)
            return .empty
        }
        return .allocated(buffer, count)
    }

    /// Inflates one or more concatenated gzip members (windowBits 15+32: gzip or zlib header).
    private static func inflate(_ input: UnsafeRawBufferPointer, path: String) throws(TraceInputError) -> Storage {
        func fail(_ m: String) -> TraceInputError { TraceInputError(path: path, message: "not a valid gzip stream: " + m) }
        guard let inBase = input.baseAddress else { throw fail("empty") }
        var capacity = max(1 << 16, min(input.count &* 4, Int.max / 4))
        guard var out = malloc(capacity) else { throw TraceInputError(path: path, message: "out of memory") }
        var produced = 0
        var strm = z_stream()
        var rc = inflateInit2_(&strm, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            free(out)
            throw TraceInputError(path: path, message: "cannot initialise zlib (\(rc))")
        }
        defer { inflateEnd(&strm) }
        var consumed = 0          // input bytes handed to zlib so far (minus what it still holds)
        let maxChunk = 1 << 30
        while true {
            if strm.avail_in == 0 && consumed < input.count {
                let n = min(maxChunk, input.count - consumed)
                strm.next_in = UnsafeMutablePointer(mutating: inBase.advanced(by: consumed).assumingMemoryBound(to: Bytef.self))
                strm.avail_in = uInt(n)
                consumed += n
            }
            if produced == capacity {
                let newCapacity = capacity &* 2
                guard newCapacity > capacity, let grown = realloc(out, newCapacity) else {
                    free(out)
                    throw TraceInputError(path: path, message: "out of memory while inflating")
                }
                out = grown
                capacity = newCapacity
            }
            let room = min(capacity - produced, maxChunk)
            strm.next_out = (out + produced).assumingMemoryBound(to: Bytef.self)
            strm.avail_out = uInt(room)
            rc = CZlib.inflate(&strm, Z_NO_FLUSH)
            produced += room - Int(strm.avail_out)
            switch rc {
            case Z_OK:
                continue
            case Z_STREAM_END:
                // Another member may follow (concatenated gzip); zero padding is tolerated.
                let remainingStart = consumed - Int(strm.avail_in)
                var rest = remainingStart
                while rest < input.count && input[rest] == 0 { rest += 1 }
                if rest >= input.count {
                    if produced == 0 { free(out); return .empty }
                    return .allocated(out, produced)
                }
                guard rest == remainingStart, input.count - rest >= 2, input[rest] == 0x1f, input[rest + 1] == 0x8b else {
                    free(out)
                    throw fail("trailing data after gzip member")
                }
                rc = inflateReset(&strm)
                if rc != Z_OK { free(out); throw fail("cannot reset zlib (\(rc))") }
                strm.next_in = UnsafeMutablePointer(mutating: inBase.advanced(by: rest).assumingMemoryBound(to: Bytef.self))
                let n = min(maxChunk, input.count - rest)
                strm.avail_in = uInt(n)
                consumed = rest + n
            case Z_BUF_ERROR:
                if strm.avail_in == 0 && consumed >= input.count {
                    free(out)
                    throw fail("unexpected end of data (truncated file)")
                }
                continue
            case Z_MEM_ERROR:
                free(out)
                throw TraceInputError(path: path, message: "out of memory while inflating")
            default:
                let detail = strm.msg.map { String(cString: $0) } ?? "error \(rc)"
                free(out)
                throw fail(detail.lowercased())
            }
        }
    }
}
