#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CIsal

/// read(2), named apart from `TraceStream.read(into:capacity:)`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// The content of a trace read front to back: gzip files inflated as they are read, standard
/// input, pipes. Nothing is held whole, so memory stays flat in the trace length (docs/formats.md): a
/// month of gzip-compressed traces is tens of GB once inflated, more than a CI machine has.
///
/// Plain regular files are memory-mapped by `TraceInput` instead (they can be split into chunks
/// for several cores); `shouldStream(path:)` tells the two apart. Errors are the same as
/// `TraceInput`'s: `no such file`, `is a directory`, `not a valid gzip stream: …`.
package final class TraceStream: @unchecked Sendable {
    // Used by one thread at a time (the reader of a trace); not shared concurrently.

    /// The path as given (`-` for standard input).
    package let path: String
    /// Whether the content is gzip-compressed (known after the first read).
    package private(set) var isGzip = false
    /// Whether the content is zstd-compressed (known after the first read).
    package private(set) var isZstd = false
    /// Whether the content is compressed (gzip or zstd): its stored bytes are not its content.
    package var isCompressed: Bool { isGzip || isZstd }

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
    /// gzip: ISA-L's inflate state (large, so allocated once), nil until gzip is detected.
    /// Measured on the 1 GB benchmark trace (gzip -6, 119 MB): igzip inflates it in 0.73–1.14 s,
    /// libdeflate (whole-buffer) in 1.7 s, zlib in 3.4 s; zstd -3 decodes its copy in 1.2 s.
    private var inflater: UnsafeMutablePointer<inflate_state>?
    private var memberEnded = false
    /// zstd: the decoder of its frames, which reads the stored bytes itself (`readSome`).
    private var zstd: ZstdContentReader?
    /// zstd frames decoded straight into the caller's buffer and frames decoded by libzstd's
    /// streaming decoder so far (for tests).
    var zstdFrames: (direct: Int, streamed: Int) { (zstd?.directFrames ?? 0, zstd?.streamedFrames ?? 0) }

    /// Whether `path` is read as a stream: standard input, anything that is not a regular file, or
    /// a regular file that starts with the gzip magic bytes. Unreadable paths answer false, so that
    /// `TraceInput` reports the error.
    package static func shouldStream(path: String) -> Bool {
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
        var magic: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 4, 0) }
        let gzip = n >= 2 && magic.0 == 0x1f && magic.1 == 0x8b
        let zstd = n == 4 && isZstdMagic(magic.0, magic.1, magic.2, magic.3)
        return gzip || zstd
    }

    /// Whether four bytes open a zstd stream: a frame (`28 B5 2F FD`) or a skippable frame
    /// (`5x 2A 4D 18`), which a stream may start with (`zstd -t` accepts it).
    static func isZstdMagic(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) -> Bool {
        (b0, b1, b2, b3) == (0x28, 0xB5, 0x2F, 0xFD) || (b0 & 0xF0 == 0x50 && (b1, b2, b3) == (0x2A, 0x4D, 0x18))
    }

    /// Opens `path` (`-` is standard input) for reading.
    package init(path: String) throws(TraceInputError) {
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
        if let inflater {
            inflater.deinitialize(count: 1)
            inflater.deallocate()
        }
        if ownsDescriptor { close(fd) }
        raw.deallocate()
    }

    private func fail(_ message: String) -> TraceInputError {
        TraceInputError(path: path, message: "not a valid gzip stream: " + message)
    }

    /// Sees every byte as stored, before inflating, in order (on the reading thread), of a
    /// compressed stream only: the `file-sha256` of a compressed trace, which `sha256sum
    /// trace.jsonl.gz` reproduces. (A plain stream's stored bytes are its content, whose digest is
    /// made anyway; hashing them twice cost a second SHA-256 of every byte read from a pipe.)
    package var storedBytes: ((UnsafeRawBufferPointer) -> Void)?

    /// Sees every byte as stored, compressed or not, in order (on the reading thread): a copy of a
    /// piped trace, to read it again when it breaks the lateness bound (docs/formats.md, "Time
    /// order").
    package var copyStoredBytes: ((UnsafeRawBufferPointer) -> Void)?

    /// read(2) into `buffer`, retrying when interrupted; 0 at the end of the input. Shows the bytes
    /// to `storedBytes` once the stream is known to be compressed (`start` hands over the bytes it
    /// read to decide).
    private func readSome(into buffer: UnsafeMutableRawPointer, capacity: Int) throws(TraceInputError) -> Int {
        while true {
            let n = systemRead(fd, buffer, capacity)
            if n > 0, isCompressed, let storedBytes { storedBytes(UnsafeRawBufferPointer(start: buffer, count: n)) }
            if n > 0, let copyStoredBytes { copyStoredBytes(UnsafeRawBufferPointer(start: buffer, count: n)) }
            if n >= 0 { return n }
            let e = errno
            if e == EINTR { continue }
            if e == EISDIR { throw TraceInputError(path: path, message: "is a directory") }
            throw TraceInputError(path: path, message: "read error: " + TraceInput.systemMessage(e))
        }
    }

    /// Reads the first bytes and decides between gzip, zstd and plain content.
    private func start() throws(TraceInputError) {
        started = true
        rawCount = 0
        // Four bytes decide; a pipe may deliver them in separate reads.
        while rawCount < 4 && !rawEnded {
            let n = try readSome(into: raw + rawCount, capacity: TraceStream.rawCapacity - rawCount)
            if n == 0 { rawEnded = true } else { rawCount += n }
        }
        if rawCount >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
            // ISA-L ignores the reserved header flags; zlib, RFC 1952 and the whole-file reader
            // refuse them (found by the `stream` fuzz target).
            if rawCount >= 4 && raw[3] & Self.reservedGzipFlags != 0 { throw fail("unknown header flags set") }
            isGzip = true
            let state = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
            state.initialize(to: inflate_state())
            isal_inflate_init(state)
            state.pointee.crc_flag = UInt32(ISAL_GZIP)
            state.pointee.next_in = raw
            state.pointee.avail_in = UInt32(rawCount)
            inflater = state
        } else if rawCount >= 4 && Self.isZstdMagic(raw[0], raw[1], raw[2], raw[3]) {
            isZstd = true
            zstd = ZstdContentReader(path: path, initial: UnsafeRawBufferPointer(start: raw, count: rawCount)) {
                [unowned self] (buffer: UnsafeMutableRawPointer, capacity: Int) throws(TraceInputError) -> Int in
                try self.readSome(into: buffer, capacity: capacity)
            }
        }
        // The bytes read to decide were not shown to `storedBytes` (it sees compressed streams only).
        if isCompressed, rawCount > 0, let storedBytes { storedBytes(UnsafeRawBufferPointer(start: raw, count: rawCount)) }
        if isCompressed || rawCount == 0 { return }
        if let error = Self.compressedByNameOnly(path) { throw error }
    }

    /// The error for content that is not compressed in a file whose name says it is (`.gz`,
    /// `.zst`), nil for other names: such a file is an input error, never read as plain text
    /// (docs/formats.md, "Compressed input"). Both readers, this one and `TraceInput`, ask here.
    static func compressedByNameOnly(_ path: String) -> TraceInputError? {
        if path.hasSuffix(".gz") { return TraceInputError(path: path, message: "not a valid gzip stream: missing gzip header") }
        if path.hasSuffix(".zst") { return TraceInputError(path: path, message: "not a valid zstd stream: missing zstd frame header") }
        return nil
    }

    /// Reads up to `capacity` bytes of content into `buffer`; 0 means the content has ended.
    package func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws(TraceInputError) -> Int {
        precondition(capacity > 0, "a read needs room")
        if !started { try start() }
        if finished { return 0 }
        if let zstd {
            let n = try zstd.read(into: buffer, capacity: capacity)
            if n == 0 { finished = true }
            return n
        }
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
        guard let state = inflater else { return 0 }
        while true {
            if memberEnded {
                try nextMember()
                if finished { return 0 }
            }
            if state.pointee.avail_in == 0 {
                guard try available(1) else { throw fail("unexpected end of data (truncated file)") }
            }
            let room = min(capacity, 1 << 30)
            state.pointee.next_out = buffer.assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_out = UInt32(room)
            let rc = isal_inflate(state)
            // ISA-L leaves the vector registers' upper halves in use, which slowed the SHA-256 of
            // what it inflated by a third (CIsal's shim.h has the figures).
            slac_clear_upper_vector_state()
            let produced = room - Int(state.pointee.avail_out)
            if rc < 0 || rc == ISAL_NEED_DICT { throw fail(Self.describe(rc)) }
            if state.pointee.block_state == ISAL_BLOCK_FINISH { memberEnded = true }
            if produced > 0 { return produced }
        }
    }

    /// Bits 5–7 of a gzip member's FLG byte, which RFC 1952 reserves (they must be 0).
    private static let reservedGzipFlags: UInt8 = 0xE0

    /// zlib's wording for ISA-L's error codes, so messages read as before.
    private static func describe(_ rc: Int32) -> String {
        switch rc {
        case ISAL_INVALID_BLOCK: "invalid block type"
        case ISAL_INVALID_SYMBOL: "invalid code"
        case ISAL_INVALID_LOOKBACK: "invalid distance too far back"
        case ISAL_INVALID_WRAPPER: "incorrect header check"
        case ISAL_UNSUPPORTED_METHOD: "unknown compression method"
        case ISAL_INCORRECT_CHECKSUM: "incorrect data check"
        case ISAL_NEED_DICT: "a preset dictionary is needed"
        default: "error \(rc)"
        }
    }

    /// Whether at least `count` unconsumed compressed bytes can be had, reading more (after moving
    /// the ones zlib has not consumed to the front of `raw`) when fewer are buffered.
    private func available(_ count: Int) throws(TraceInputError) -> Bool {
        guard let state = inflater else { return false }
        while Int(state.pointee.avail_in) < count {
            let held = Int(state.pointee.avail_in)
            if held > 0, let next = state.pointee.next_in, next != raw {
                raw.update(from: next, count: held)
                state.pointee.next_in = raw  // never left pointing at bytes the move overwrote
            }
            if rawEnded { return false }
            let n = try readSome(into: raw + held, capacity: TraceStream.rawCapacity - held)
            if n == 0 {
                rawEnded = true
                return false
            }
            state.pointee.next_in = raw
            state.pointee.avail_in = UInt32(held + n)
            rawCount = held + n
        }
        return true
    }

    /// After a gzip member: the end of the content (zero padding is tolerated), or another member
    /// (concatenated gzip, as `cat a.gz b.gz` makes); anything else is an error.
    private func nextMember() throws(TraceInputError) {
        guard let state = inflater else { throw fail("internal state") }
        var sawPadding = false
        while true {
            if state.pointee.avail_in == 0 {
                guard try available(1) else {
                    finished = true
                    return
                }
            }
            guard let next = state.pointee.next_in else { throw fail("internal state") }
            if next[0] != 0 { break }
            sawPadding = true
            state.pointee.next_in = next + 1
            state.pointee.avail_in -= 1
        }
        // Another member starts with the gzip magic bytes 1f 8b (as the whole-input reader requires).
        guard !sawPadding, try available(2), let next = state.pointee.next_in, next[0] == 0x1f, next[1] == 0x8b else {
            throw fail("trailing data after gzip member")
        }
        if try available(4), let flags = state.pointee.next_in?[3], flags & Self.reservedGzipFlags != 0 {
            throw fail("unknown header flags set")
        }
        guard let start = state.pointee.next_in else { throw fail("internal state") }
        let pending = (start, state.pointee.avail_in)
        isal_inflate_reset(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
        state.pointee.next_in = pending.0
        state.pointee.avail_in = pending.1
        memberEnded = false
    }
}

/// What `LineBlockReader.next()` hands out: whole lines, after the lines the reader consumed just
/// before them without handing them out.
package struct LineBlock {
    /// Physical lines just before `bytes` that the reader consumed without handing them out: the
    /// leading blank lines `prefix()` dropped (first block only) and lines longer than the limit.
    package var skippedLines: Int
    /// Set when the last of the skipped lines is a line (CSV row) longer than the reader's
    /// `maximumLine` that is not blank: a rejected record (docs/formats.md, "Line length").
    package var oversized: OversizedLine?
    /// Whether `bytes` begins the content (a byte order mark or a CSV header may follow), as the
    /// first block does unless its first line was skipped.
    package var startsContent: Bool
    /// Whole lines (rows); the last block's may lack a final line break. Valid until the next call
    /// to `next()`.
    package var bytes: UnsafeRawBufferPointer
}

/// A line (CSV row) a stream reader skipped because it is longer than the limit.
package struct OversizedLine: Sendable, Equatable {
    /// Physical lines it spans: 1, more for a CSV row with quoted line breaks.
    package var lines: Int
    /// Why it is rejected (`LineLimit.reason`), the same words a mapped file's scan gives.
    package var reason: String

    package init(lines: Int, reason: String) {
        self.lines = lines
        self.reason = reason
    }
}

/// Cuts a `TraceStream` into blocks of whole lines (for CSV, whole rows: a line break inside a
/// quoted cell does not end a row), so that each block can be scanned on its own and the blocks
/// together give exactly the records of one scan of the whole content.
///
/// A block is about `blockSize` bytes; a longer line grows the buffer, up to the size that proves a
/// line longer than `maximumLine`. Such a line is skipped, not buffered: the block after it says
/// so (`LineBlock.oversized`) and the scan rejects it as a record, as it rejects the same line in
/// a mapped file (`LineLimit`). The bytes of a block are valid until the next call to `next()`.
package final class LineBlockReader: @unchecked Sendable {
    /// Memory from `malloc` holding a block (`takeBlock`): where it starts and its size.
    package typealias BlockMemory = (pointer: UnsafeMutablePointer<UInt8>, capacity: Int)

    // Used by one thread at a time.

    /// The stream being read.
    package let stream: TraceStream
    /// The longest line (CSV row) handed out as a line; a longer one is skipped and reported.
    package let maximumLine: Int
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The size of a block's buffer when no line is longer than a block (`capacity` before any
    /// line grew it).
    package let blockCapacity: Int
    /// The most the buffer grows to: a byte order mark, the line feed `prefix()` keeps and one
    /// byte more than `maximumLine`, so that a full buffer holding no line end proves that its
    /// first line is too long, and the prefix holds `maximumLine + 1` bytes of the first line.
    private let largestCapacity: Int
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
    /// JSON Lines: bytes of `buffer` known to hold no line feed, so that a line longer than a
    /// block is searched once, not once per read.
    private var lineFeedFree = 0
    /// Blocks handed out so far (the prefix must be read before the first).
    private var blockCount = 0
    /// Whether the buffer still begins the content: nothing served or skipped yet (the blank lines
    /// `prefix()` drops come after the byte order mark, which stays in place).
    private var atContentStart = true
    /// Leading blank lines `prefix()` dropped, reported with the first block.
    private var droppedLines = 0
    private var hasRead = false

    /// Sees every byte of content once, in order, as it is read from the stream: also the blank
    /// lines `prefix()` drops and the lines `next()` skips, which no block holds (the content's
    /// digest). Set it before the first read.
    package var contentObserver: ((UnsafeRawBufferPointer) -> Void)? {
        didSet { precondition(!hasRead, "the content observer is set before the first read") }
    }

    /// A reader handing out blocks of about `blockSize` bytes, with lines of at most `maximumLine`.
    package init(stream: TraceStream, blockSize: Int = 8 << 20, maximumLine: Int = LineLimit.standard) {
        self.stream = stream
        capacity = max(64, blockSize)
        blockCapacity = capacity
        self.maximumLine = max(1, maximumLine)
        largestCapacity = max(capacity, self.maximumLine + 5)
        buffer = LineBlockReader.reallocate(nil, capacity)
    }

    deinit { free(buffer) }

    /// Sets how rows end (CSV rows may contain quoted line breaks); call before `next()`.
    package func setFormat(_ format: TraceFormat) { self.format = format }

    /// Reads more content into the free room of the buffer; false at the end of the content.
    private func fill() throws(TraceInputError) -> Bool {
        let n = try stream.read(into: buffer + filled, capacity: capacity - filled)
        hasRead = true
        if n == 0 {
            ended = true
            return false
        }
        contentObserver?(UnsafeRawBufferPointer(start: buffer + filled, count: n))
        filled += n
        return true
    }

    /// 3 when the buffer begins the content with a UTF-8 byte order mark (not part of the first
    /// line), else 0.
    private var byteOrderMark: Int {
        atContentStart && hasByteOrderMark(buffer, filled) ? 3 : 0
    }

    /// The first bytes of the content (at least one block, and at least through the end of the
    /// first non-blank line, for CSV row, unless the content ends first or that line is longer
    /// than `maximumLine`, of which it then holds `maximumLine + 1` bytes), for format detection and
    /// the CSV header; nothing is consumed. Called again after `setFormat(.csv)`, it reads on to
    /// the end of the header row. Leading blank lines (each at most `maximumLine` long) are
    /// dropped as the buffer fills, so however many there are they take no room; they are
    /// counted (the first block's `skippedLines`) and one line feed is kept in their place, so the
    /// byte order mark keeps its place and a line after them does not read as the first.
    package func prefix() throws(TraceInputError) -> UnsafeRawBufferPointer {
        precondition(blockCount == 0 && served == 0, "the prefix is read before the first block")
        while !ended {
            if filled == capacity {
                if dropLeadingBlankLines() { continue }
                if firstLineComplete() || capacity == largestCapacity { break }
                grow()
            }
            _ = try fill()
        }
        return UnsafeRawBufferPointer(start: buffer, count: filled)
    }

    /// Drops the blank lines at the start of the buffer (after a byte order mark) except the line
    /// feed of the last one; stops at a blank line longer than `maximumLine`, which a mapped file's
    /// CSV header search and format detection also stop at. Whether anything was dropped.
    private func dropLeadingBlankLines() -> Bool {
        let start = byteOrderMark
        var lineStart = start
        var keep = -1  // the line feed ending the last droppable line
        var k = start
        while k < filled {
            let b = buffer[k]
            if b == 0x0A {
                if k - lineStart > maximumLine { break }
                keep = k
                lineStart = k + 1
            } else if b != 0x20 && b != 0x09 && b != 0x0D {
                break
            }
            k += 1
        }
        guard keep > start else { return false }
        var lines = 0
        for i in start..<keep where buffer[i] == 0x0A { lines += 1 }
        (buffer + start).update(from: buffer + keep, count: filled - keep)
        filled -= keep - start
        droppedLines += lines
        return true
    }

    /// Whether the buffer holds the end of the line that holds its first non-blank byte: its line
    /// feed, for CSV (once `setFormat(.csv)` is called) the first one outside quotes, so that the
    /// whole header row is there however many quoted line breaks it holds.
    private func firstLineComplete() -> Bool {
        var k = byteOrderMark
        while k < filled && (buffer[k] == 0x20 || buffer[k] == 0x09 || buffer[k] == 0x0D || buffer[k] == 0x0A) { k += 1 }
        guard k < filled else { return false }
        if format != .csv { return memchr(buffer + k, 0x0A, filled - k) != nil }
        var quoted = false
        return QuoteParity.firstRowBreak(buffer, k, filled, inQuotes: &quoted) != nil
    }

    /// The next block of whole lines, nil at the end. A block may hold no bytes when lines were
    /// skipped right before the end or before another skipped line.
    package func next() throws(TraceInputError) -> LineBlock? {
        if served > 0 { dropServed(into: buffer) }
        var skipped = droppedLines
        droppedLines = 0
        var oversized: OversizedLine?
        while true {
            if !ended && filled < capacity {
                _ = try fill()
                continue
            }
            if ended {
                if filled == 0 && skipped == 0 { return nil }
                return serve(filled, skipped, oversized)
            }
            let cut = cutPoint()
            if cut > 0 { return serve(cut, skipped, oversized) }
            if capacity < largestCapacity {
                grow()  // one line longer than the buffer
                continue
            }
            // A full buffer of the largest size holds no line end: its first line is too long.
            // One oversized line per block, so that it is the last of the skipped lines.
            if oversized != nil { return serve(0, skipped, oversized) }
            let line = try skipLongLine()
            skipped += line.lines
            if !line.blank { oversized = OversizedLine(lines: line.lines, reason: LineLimit.reason(maximumLine, csv: format == .csv)) }
        }
    }

    /// Removes the block served last from the front of the buffer: the bytes after it move to the
    /// start of `target` (the buffer itself, or a new one taking its place).
    private func dropServed(into target: UnsafeMutablePointer<UInt8>) {
        let rest = filled - served
        if rest > 0 { target.update(from: buffer + served, count: rest) }
        buffer = target
        filled = rest
        parityScanned = max(0, parityScanned - served)
        lastRowEnd = 0
        // A JSON Lines block ends at the last line feed of the buffer.
        lineFeedFree = format == .csv ? 0 : rest
        served = 0
        atContentStart = false
    }

    /// Takes the buffer holding the block `next()` returned last, so that its bytes stay valid
    /// while the reader reads on: the reader continues in `spare` (grown when smaller than its
    /// buffer), into which it moves the bytes after the block. The caller owns the returned
    /// memory (`free`, or hand it back later as a spare). Saves copying each block out of the
    /// reader when blocks are scanned on other threads (`BlockPipe`).
    package func takeBlock(giving spare: BlockMemory?) -> BlockMemory {
        precondition(served > 0, "a block was handed out")
        let taken = (pointer: buffer, capacity: capacity)
        // After a line longer than a block grew the buffer, the next one is of the block size
        // again when what is left fits: several threads hold blocks, and each at the grown size
        // (up to the line limit) would multiply memory.
        if capacity > blockCapacity && filled - served <= blockCapacity / 2 { capacity = blockCapacity }
        var target = spare?.pointer
        if let spare, spare.capacity != capacity {
            target = LineBlockReader.reallocate(spare.pointer, capacity)
        }
        dropServed(into: target ?? LineBlockReader.reallocate(nil, capacity))
        return taken
    }

    private func serve(_ count: Int, _ skipped: Int, _ oversized: OversizedLine?) -> LineBlock {
        served = count
        blockCount += 1
        return LineBlock(skippedLines: skipped, oversized: oversized, startsContent: atContentStart,
                         bytes: UnsafeRawBufferPointer(start: buffer, count: count))
    }

    /// The end of the last whole line (row) in the buffer, 0 when there is none.
    private func cutPoint() -> Int {
        if format != .csv {
            // memchr first: a line longer than a block is searched at memchr's speed, once.
            if lineFeedFree >= filled || memchr(buffer + lineFeedFree, 0x0A, filled - lineFeedFree) == nil {
                lineFeedFree = filled
                return 0
            }
            var k = filled - 1
            while buffer[k] != 0x0A { k -= 1 }
            return k + 1
        }
        var k = parityScanned
        while let rowBreak = QuoteParity.firstRowBreak(buffer, k, filled, inQuotes: &inQuotes) {
            lastRowEnd = rowBreak + 1
            k = rowBreak + 1
        }
        parityScanned = filled
        return lastRowEnd
    }

    /// Consumes the first line (row) of a full buffer that holds no end of it, through its end:
    /// the physical lines it spans and whether it is blank (then it is no record, as in a scan).
    private func skipLongLine() throws(TraceInputError) -> (lines: Int, blank: Bool) {
        let csv = format == .csv
        var blank = LineLimit.isBlank(buffer, byteOrderMark, filled)
        var lines = 1
        // CSV: no row ends in the buffer, so each of its line feeds is inside quotes; `inQuotes`
        // is the parity at its end (`cutPoint` counted every byte).
        var quoted = inQuotes
        if csv { for i in 0..<filled where buffer[i] == 0x0A { lines += 1 } }
        atContentStart = false
        filled = 0
        parityScanned = 0
        inQuotes = false
        lastRowEnd = 0
        lineFeedFree = 0
        while try fill() {
            var end = -1
            if csv {
                if let rowBreak = QuoteParity.firstRowBreak(buffer, 0, filled, inQuotes: &quoted) { end = rowBreak }
                // Every line feed before the row's end is inside quotes: one more physical line each.
                for i in 0..<(end >= 0 ? end : filled) where buffer[i] == 0x0A { lines += 1 }
            } else if let hit = memchr(buffer, 0x0A, filled) {
                end = UnsafeMutableRawPointer(hit) - UnsafeMutableRawPointer(buffer)
            }
            if blank { blank = LineLimit.isBlank(buffer, 0, end >= 0 ? end : filled) }
            if end >= 0 {
                let rest = filled - end - 1
                if rest > 0 { buffer.update(from: buffer + end + 1, count: rest) }
                filled = rest
                return (lines, blank)
            }
            filled = 0
        }
        return (lines, blank)
    }

    /// Doubles the buffer, or makes it the largest size when doubling twice would pass that (256
    /// MB to 256 MB + 5 bytes would hold both at once). `realloc` moves a large block by remapping
    /// its pages, so the old and new buffers are not both in memory (with a copy, a line just over
    /// the limit peaked at 556 MB; with realloc, at 290 MB).
    private func grow() {
        capacity = capacity * 4 > largestCapacity ? largestCapacity : capacity * 2
        buffer = LineBlockReader.reallocate(buffer, capacity)
    }

    private static func reallocate(_ buffer: UnsafeMutablePointer<UInt8>?, _ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        guard let memory = realloc(buffer, capacity) else { fatalError("out of memory for a buffer of \(capacity) bytes") }
        return memory.assumingMemoryBound(to: UInt8.self)
    }

    /// Hands out the whole content, not cut into lines, in pieces as it is read: for formats parsed
    /// as one document (adapters), which have no line limit. Leading blank lines `prefix()` dropped
    /// come back as bare line feeds (the same lines, so positions do not move; the content observer
    /// saw the original bytes). Call instead of `next()`.
    package func readAll(_ body: (UnsafeRawBufferPointer) throws(TraceInputError) -> Void) throws(TraceInputError) {
        precondition(blockCount == 0 && served == 0, "the whole content is read before any block")
        let mark = byteOrderMark
        try body(UnsafeRawBufferPointer(start: buffer, count: mark))
        if droppedLines > 0 {
            let feeds = UnsafeMutableRawBufferPointer.allocate(byteCount: min(droppedLines, 1 << 16), alignment: 1)
            defer { feeds.deallocate() }
            feeds.initializeMemory(as: UInt8.self, repeating: 0x0A)
            var left = droppedLines
            while left > 0 {
                let n = min(left, feeds.count)
                try body(UnsafeRawBufferPointer(start: feeds.baseAddress, count: n))
                left -= n
            }
            droppedLines = 0
        }
        try body(UnsafeRawBufferPointer(start: buffer + mark, count: filled - mark))
        filled = 0
        while try fill() {
            try body(UnsafeRawBufferPointer(start: buffer, count: filled))
            filled = 0
        }
        blockCount += 1
    }
}
