#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// read(2), named apart from `TraceStream.read(into:capacity:)`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// The content of a trace read front to back: gzip files inflated as they are read, standard
/// input, pipes. Nothing is held whole, so memory stays flat in the trace length (README.md, "Commands"): a
/// month of gzip-compressed traces is tens of GB once inflated, more than a CI machine has.
///
/// Plain regular files are memory-mapped by `TraceInput` instead (they can be split into chunks
/// for several cores); `shouldStream(path:)` tells the two apart. Errors are the same as
/// `TraceInput`'s: `no such file`, `is a directory`, `not a valid gzip stream: …`.
public final class TraceStream: @unchecked Sendable {
    // Used by one thread at a time (the reader of a trace); not shared concurrently.

    /// The path as given (`-` for standard input).
    public let path: String
    /// Whether the content is gzip-compressed (known after the first read).
    public private(set) var isGzip = false

    private let fd: Int32
    private let ownsDescriptor: Bool
    private let raw: UnsafeMutablePointer<UInt8>
    private static let rawCapacity = 1 << 20
    private var rawCount = 0
    private var rawEnded = false
    private var started = false
    private var finished = false
    /// Plain content: bytes of `raw` not yet handed out (read while sniffing for gzip).
    private var plainOffset = 0
    private var zstream = z_stream()
    private var zlibReady = false
    private var memberEnded = false

    /// Whether `path` is read as a stream: standard input, anything that is not a regular file, or
    /// a regular file that starts with the gzip magic bytes. Unreadable paths answer false, so that
    /// `TraceInput` reports the error.
    public static func shouldStream(path: String) -> Bool {
        if path == "-" { return true }
        // `stat` first: opening a named pipe here and closing it again would cut off its writer.
        var st = stat()
        if stat(path, &st) != 0 { return false }
        let mode = st.st_mode & S_IFMT
        if mode == S_IFDIR { return false }
        if mode != S_IFREG { return true }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return false }
        defer { close(fd) }
        var magic: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 2, 0) }
        return n == 2 && magic.0 == 0x1f && magic.1 == 0x8b
    }

    /// Opens `path` (`-` is standard input) for reading.
    public init(path: String) throws(TraceInputError) {
        self.path = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
        } else {
            let opened = PatientOpen.open(path)
            if opened < 0 { throw TraceInputError(path: path, message: TraceInput.systemMessage(errno)) }
            var st = stat()
            if fstat(opened, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR {
                close(opened)
                throw TraceInputError(path: path, message: "is a directory")
            }
            fd = opened
            ownsDescriptor = true
        }
        raw = .allocate(capacity: TraceStream.rawCapacity)
    }

    deinit {
        if zlibReady { inflateEnd(&zstream) }
        if ownsDescriptor { close(fd) }
        raw.deallocate()
    }

    private func fail(_ message: String) -> TraceInputError {
        TraceInputError(path: path, message: "not a valid gzip stream: " + message)
    }

    /// Sees every byte as stored, before inflating, in order (on the reading thread): the
    /// `file-sha256` of a compressed trace, which `sha256sum trace.jsonl.gz` reproduces.
    public var storedBytes: ((UnsafeRawBufferPointer) -> Void)?

    /// read(2) into `buffer`, retrying when interrupted; 0 at the end of the input.
    private func readSome(into buffer: UnsafeMutableRawPointer, capacity: Int) throws(TraceInputError) -> Int {
        while true {
            let n = systemRead(fd, buffer, capacity)
            if n > 0, let storedBytes { storedBytes(UnsafeRawBufferPointer(start: buffer, count: n)) }
            if n >= 0 { return n }
            let e = errno
            if e == EINTR { continue }
            if e == EISDIR { throw TraceInputError(path: path, message: "is a directory") }
            throw TraceInputError(path: path, message: "read error: " + TraceInput.systemMessage(e))
        }
    }

    /// Reads the first bytes and decides between gzip and plain content.
    private func start() throws(TraceInputError) {
        started = true
        rawCount = 0
        // Two bytes decide; a pipe may deliver them in separate reads.
        while rawCount < 2 && !rawEnded {
            let n = try readSome(into: raw + rawCount, capacity: TraceStream.rawCapacity - rawCount)
            if n == 0 { rawEnded = true } else { rawCount += n }
        }
        if rawCount >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
            isGzip = true
            let rc = inflateInit2_(&zstream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard rc == Z_OK else { throw TraceInputError(path: path, message: "cannot initialise zlib (\(rc))") }
            zlibReady = true
            zstream.next_in = raw
            zstream.avail_in = uInt(rawCount)
        } else if path.hasSuffix(".gz") && rawCount > 0 {
            throw fail("missing gzip header")
        }
    }

    /// Reads up to `capacity` bytes of content into `buffer`; 0 means the content has ended.
    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws(TraceInputError) -> Int {
        precondition(capacity > 0, "a read needs room")
        if !started { try start() }
        if finished { return 0 }
        if !isGzip {
            if plainOffset < rawCount {
                let n = min(capacity, rawCount - plainOffset)
                buffer.copyMemory(from: raw + plainOffset, byteCount: n)
                plainOffset += n
                return n
            }
            let n = try readSome(into: buffer, capacity: capacity)
            if n == 0 { finished = true }
            return n
        }
        while true {
            if memberEnded {
                try nextMember()
                if finished { return 0 }
            }
            if zstream.avail_in == 0 {
                guard try available(1) else { throw fail("unexpected end of data (truncated file)") }
            }
            zstream.next_out = buffer.assumingMemoryBound(to: Bytef.self)
            zstream.avail_out = uInt(min(capacity, 1 << 30))
            let rc = CZlib.inflate(&zstream, Z_NO_FLUSH)
            let produced = min(capacity, 1 << 30) - Int(zstream.avail_out)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                if produced > 0 { return produced }
            case Z_STREAM_END:
                memberEnded = true
                if produced > 0 { return produced }
            case Z_MEM_ERROR:
                throw TraceInputError(path: path, message: "out of memory while inflating")
            default:
                let detail = zstream.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw fail(detail.lowercased())
            }
        }
    }

    /// Whether at least `count` unconsumed compressed bytes can be had, reading more (after moving
    /// the ones zlib has not consumed to the front of `raw`) when fewer are buffered.
    private func available(_ count: Int) throws(TraceInputError) -> Bool {
        while Int(zstream.avail_in) < count {
            let held = Int(zstream.avail_in)
            if held > 0, let next = zstream.next_in, next != raw { raw.update(from: next, count: held) }
            if rawEnded { return false }
            let n = try readSome(into: raw + held, capacity: TraceStream.rawCapacity - held)
            if n == 0 {
                rawEnded = true
                return false
            }
            zstream.next_in = raw
            zstream.avail_in = uInt(held + n)
            rawCount = held + n
        }
        return true
    }

    /// After a gzip member: the end of the content (zero padding is tolerated), or another member
    /// (concatenated gzip, as `cat a.gz b.gz` makes); anything else is an error.
    private func nextMember() throws(TraceInputError) {
        var sawPadding = false
        while true {
            if zstream.avail_in == 0 {
                guard try available(1) else {
                    finished = true
                    return
                }
            }
            guard let next = zstream.next_in else { throw fail("internal state") }
            if next[0] != 0 { break }
            sawPadding = true
            zstream.next_in = next + 1
            zstream.avail_in -= 1
        }
        // Another member starts with the gzip magic bytes 1f 8b (as the whole-input reader requires).
        guard !sawPadding, try available(2), let next = zstream.next_in, next[0] == 0x1f, next[1] == 0x8b else {
            throw fail("trailing data after gzip member")
        }
        let rc = inflateReset(&zstream)
        if rc != Z_OK { throw fail("cannot reset zlib (\(rc))") }
        memberEnded = false
    }
}

/// Cuts a `TraceStream` into blocks of whole lines (for CSV, whole rows: a line break inside a
/// quoted cell does not end a row), so that each block can be scanned on its own and the blocks
/// together give exactly the records of one scan of the whole content.
///
/// A block is about `blockSize` bytes; a line longer than that grows the buffer. The bytes of a
/// block are valid until the next call to `next()`.
public final class LineBlockReader: @unchecked Sendable {
    // Used by one thread at a time.

    /// The stream being read.
    public let stream: TraceStream
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var filled = 0
    /// Length of the block handed out last (removed from the front on the next call).
    private var served = 0
    private var ended = false
    private var format = TraceFormat.jsonl
    /// CSV: bytes of `buffer` whose quotes have been counted, the parity there, and the end of
    /// the last row break found outside quotes (0: none yet).
    private var parityScanned = 0
    private var inQuotes = false
    private var lastRowEnd = 0
    /// Blocks handed out so far (the prefix must be read before the first).
    private var blockCount = 0

    /// A reader handing out blocks of about `blockSize` bytes.
    /// The longest line (CSV row) a stream may hold, so that hostile input gives a clear error
    /// instead of exhausting memory (docs/fuzzing.md). An unmatched quote early in a CSV makes the rest of
    /// the file one row; a mapped file needs no such limit, as it is never copied.
    public let maximumLine: Int

    /// A reader handing out blocks of about `blockSize` bytes, with lines of at most `maximumLine`.
    public init(stream: TraceStream, blockSize: Int = 8 << 20, maximumLine: Int = 256 << 20) {
        self.stream = stream
        capacity = max(64, blockSize)
        self.maximumLine = max(capacity, maximumLine)
        buffer = .allocate(capacity: capacity + 1)
    }

    deinit { buffer.deallocate() }

    /// Sets how rows end (CSV rows may contain quoted line breaks); call before `next()`.
    public func setFormat(_ format: TraceFormat) { self.format = format }

    /// The first bytes of the content (at least one block, and at least through the end of the
    /// first non-blank line unless the content ends first), for format detection and the CSV
    /// header; nothing is consumed. The first block handed out then contains the whole header
    /// row, however many blank lines precede it.
    public func prefix() throws(TraceInputError) -> UnsafeRawBufferPointer {
        precondition(blockCount == 0 && served == 0, "the prefix is read before the first block")
        while !ended {
            if filled == capacity {
                if firstLineComplete() { break }
                try grow()
            }
            let n = try stream.read(into: buffer + filled, capacity: capacity - filled)
            if n == 0 { ended = true } else { filled += n }
        }
        return UnsafeRawBufferPointer(start: buffer, count: filled)
    }

    /// Whether the buffer holds a line break after its first non-blank byte (a UTF-8 byte order
    /// mark counts as blank).
    private func firstLineComplete() -> Bool {
        var k = filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0
        while k < filled && (buffer[k] == 0x20 || buffer[k] == 0x09 || buffer[k] == 0x0D || buffer[k] == 0x0A) { k += 1 }
        return k < filled && memchr(buffer + k, 0x0A, filled - k) != nil
    }

    /// The next block of whole lines (the last one may lack a final line break), or nil at the end.
    public func next() throws(TraceInputError) -> UnsafeRawBufferPointer? {
        if served > 0 {
            let rest = filled - served
            if rest > 0 { (buffer).update(from: buffer + served, count: rest) }
            filled = rest
            parityScanned = max(0, parityScanned - served)
            lastRowEnd = 0
            served = 0
        }
        while true {
            if !ended && filled < capacity {
                let n = try stream.read(into: buffer + filled, capacity: capacity - filled)
                if n == 0 { ended = true } else { filled += n }
                continue
            }
            if ended {
                guard filled > 0 else { return nil }
                return serve(filled)
            }
            let cut = cutPoint()
            if cut > 0 { return serve(cut) }
            try grow()  // one line longer than the buffer
        }
    }

    private func serve(_ count: Int) -> UnsafeRawBufferPointer {
        served = count
        blockCount += 1
        return UnsafeRawBufferPointer(start: buffer, count: count)
    }

    /// The end of the last whole line (row) in the buffer, 0 when there is none.
    private func cutPoint() -> Int {
        if format != .csv {
            var k = filled - 1
            while k >= 0 && buffer[k] != 0x0A { k -= 1 }
            return k + 1
        }
        var k = parityScanned
        while k < filled {
            let b = buffer[k]
            if b == UInt8(ascii: "\"") { inQuotes.toggle() } else if b == 0x0A && !inQuotes { lastRowEnd = k + 1 }
            k += 1
        }
        parityScanned = filled
        return lastRowEnd
    }

    private func grow() throws(TraceInputError) {
        guard capacity < maximumLine else {
            let limit = maximumLine >= 1 << 20 ? "\(maximumLine >> 20) MB" : "\(maximumLine) bytes"
            throw TraceInputError(path: stream.path, message: "a line is longer than \(limit)"
                + (format == .csv ? " (in CSV, an unmatched quote makes the rest of the file one row)" : ""))
        }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2 + 1)
        bigger.update(from: buffer, count: filled)
        buffer.deallocate()
        buffer = bigger
        capacity *= 2
    }
}
