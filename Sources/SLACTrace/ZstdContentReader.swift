#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZstd

/// Decodes the content of a zstd trace (one frame after another: `cat a.zst b.zst` is one content)
/// straight into the caller's buffer.
///
/// Why not just `ZSTD_decompressStream`: it decodes each block into a window buffer of its own and
/// copies it out, a `memmove` of every byte of content. On the zstd copy of the 1 GB benchmark
/// trace that copy was 0.11 s of the reading thread's 1.32 s (perf, two jobs).
///
/// Here, a frame whose window is at most `directWindowLimit` (every level up to 19 without
/// `--long`) is decoded with libzstd's buffer-less API, block by block, into the caller's buffer.
/// A block may refer back up to a window's length of content, which may lie in memory the caller
/// has since reused, so the reader keeps its own copy of the last window of content (`history`)
/// and hands it to libzstd (`ZSTD_insertBlock`) before the first block of every call: the
/// caller's earlier buffers are never read again. That copy is one window a call, at most: 0.5 MB
/// for `zstd -1` against 8 MB a call from the reader of blocks (docs/formats.md, "Compressed
/// input").
///
/// Other frames (larger windows, skippable frames, anything that does not parse as a frame header)
/// go through `ZSTD_decompressStream`, which also gives the error for what is not zstd.
/// Frame checksums are verified either way.
///
/// A damaged frame without a checksum whose blocks refer back further than its window (which no
/// encoder writes) may be read or rejected depending on the sizes of the reads: within one call
/// the reference can reach the content decoded earlier in that call. When it is read, the content
/// is what libzstd's one-shot decoder (`ZSTD_decompressDCtx`) gives; the `zstd` fuzz target
/// checks that.
final class ZstdContentReader {
    // Used by one thread at a time (the reader of a trace).

    /// Frames with a larger window are decoded by `ZSTD_decompressStream`. 8 MiB is the window of
    /// levels 17–19; the copy of the history then costs as much as the copy it saves.
    static let directWindowLimit = 8 << 20
    private static let inputCapacity = 1 << 20
    private static let truncated = "unexpected end of data (truncated file)"

    private let path: String
    /// Reads more stored bytes (read(2), which also shows them to the stream's `storedBytes`);
    /// 0 at the end of the input.
    private let readInput: (UnsafeMutableRawPointer, Int) throws(TraceInputError) -> Int
    private let input: UnsafeMutablePointer<UInt8>
    /// Unconsumed stored bytes: `input[inputStart..<inputEnd]`.
    private var inputStart = 0
    private var inputEnd = 0
    private var inputEnded = false

    private enum Frame {
        /// Between frames: the input may end here.
        case between
        /// A frame decoded block by block into the caller's buffer.
        case direct
        /// A frame decoded by `ZSTD_decompressStream`.
        case streamed
    }
    private var frame = Frame.between
    /// Frames begun so far in each way (for tests).
    private(set) var directFrames = 0
    private(set) var streamedFrames = 0

    private var streamContext: OpaquePointer?
    private var directContext: OpaquePointer?
    /// The current direct frame's window and largest block.
    private var window = 0
    private var blockSizeMax = 0
    /// The current frame's content size as its header states it (nil: not stated), and the bytes
    /// decoded so far. libzstd's buffer-less API checks the size after a last block that holds
    /// bytes, but not after an empty one, and neither does its streaming decoder when it goes
    /// block by block (both found by the `zstd` fuzz target), so the reader checks it.
    private var statedContentSize: UInt64?
    private var frameDecoded: UInt64 = 0
    /// The blocks of the current streamed frame, followed through the stored bytes it consumes.
    private var streamedBlocks: BlockWalk?
    /// The last `window` bytes of the current direct frame's content, `history[historyStart..<
    /// historyEnd]`, in a buffer of twice the window so that appending rarely moves it.
    private var history: UnsafeMutablePointer<UInt8>?
    private var historyCapacity = 0
    private var historyStart = 0
    private var historyEnd = 0
    /// Where libzstd believes the content it decoded last ends (its `previousDstEnd`), so that
    /// steps that write nothing are given that place and do not look like a jump.
    private var decodedEnd: UnsafeMutableRawPointer?
    /// A block decoded when the caller's room was smaller than a block: `scratch[pendingStart..<
    /// pendingEnd]` is still to be handed out.
    private let scratch: UnsafeMutablePointer<UInt8>
    private var pendingStart = 0
    private var pendingEnd = 0

    /// A reader of the zstd content in `initial` (the stored bytes read so far) followed by what
    /// `readInput` reads.
    init(path: String, initial: UnsafeRawBufferPointer,
         readInput: @escaping (UnsafeMutableRawPointer, Int) throws(TraceInputError) -> Int) {
        precondition(initial.count <= Self.inputCapacity, "the first read fits the input buffer")
        self.path = path
        self.readInput = readInput
        input = .allocate(capacity: Self.inputCapacity)
        if let base = initial.baseAddress, initial.count > 0 {
            input.update(from: base.assumingMemoryBound(to: UInt8.self), count: initial.count)
        }
        inputEnd = initial.count
        scratch = .allocate(capacity: Int(ZSTD_BLOCKSIZE_MAX))
    }

    deinit {
        if let streamContext { ZSTD_freeDCtx(streamContext) }
        if let directContext { ZSTD_freeDCtx(directContext) }
        history?.deallocate()
        input.deallocate()
        scratch.deallocate()
    }

    private func failure(_ message: String) -> TraceInputError {
        TraceInputError(path: path, message: "not a valid zstd stream: " + message)
    }

    private func failure(code: Int) -> TraceInputError {
        failure(String(cString: ZSTD_getErrorName(code)).lowercased())
    }

    /// Decodes content into `buffer`; 0 at the end of the content (which may come only between
    /// frames).
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws(TraceInputError) -> Int {
        precondition(capacity > 0, "a read needs room")
        if pendingStart < pendingEnd { return handOutPending(buffer, capacity) }
        while true {
            let produced: Int
            switch frame {
            case .between:
                guard try startFrame() else { return 0 }
                continue
            case .direct: produced = try readDirect(into: buffer, capacity: capacity)
            case .streamed: produced = try readStreamed(into: buffer, capacity: capacity)
            }
            if produced > 0 { return produced }
        }
    }

    private func handOutPending(_ buffer: UnsafeMutableRawPointer, _ capacity: Int) -> Int {
        let n = min(capacity, pendingEnd - pendingStart)
        buffer.copyMemory(from: scratch + pendingStart, byteCount: n)
        pendingStart += n
        return n
    }

    /// Makes at least `count` unconsumed bytes available, reading more (after moving the
    /// unconsumed ones to the front); false when the input ends first.
    private func available(_ count: Int) throws(TraceInputError) -> Bool {
        precondition(count <= Self.inputCapacity, "a step fits the input buffer")
        if inputEnd - inputStart >= count { return true }
        if inputStart > 0 {
            let held = inputEnd - inputStart
            if held > 0 { input.update(from: input + inputStart, count: held) }
            inputStart = 0
            inputEnd = held
        }
        while inputEnd < count && !inputEnded {
            let n = try readInput(input + inputEnd, Self.inputCapacity - inputEnd)
            if n == 0 { inputEnded = true } else { inputEnd += n }
        }
        return inputEnd >= count
    }

    /// The decompression context in `slot`, created on first use.
    private func made(_ slot: inout OpaquePointer?) throws(TraceInputError) -> OpaquePointer {
        if let slot { return slot }
        guard let context = ZSTD_createDCtx() else { throw failure("cannot initialise zstd") }
        slot = context
        return context
    }

    /// At a frame boundary: chooses how to decode the next frame; false at the end of the input.
    private func startFrame() throws(TraceInputError) -> Bool {
        guard try available(1) else { return false }
        _ = try available(Int(ZSTD_FRAMEHEADERSIZE_MAX))
        var header = ZSTD_frameHeader()
        let rc = ZSTD_getFrameHeader(&header, input + inputStart, inputEnd - inputStart)
        if rc == 0, header.frameType == ZSTD_frame, header.windowSize <= UInt64(Self.directWindowLimit) {
            let context = try made(&directContext)
            let begun = ZSTD_decompressBegin(context)
            if ZSTD_isError(begun) != 0 { throw failure(code: begun) }
            window = max(1, Int(header.windowSize))
            blockSizeMax = max(1, Int(header.blockSizeMax))
            if historyCapacity < 2 * window {
                history?.deallocate()
                // One byte more than used: a caller's buffer then never starts right where the
                // history ends, which libzstd would take for a continuation of it.
                history = .allocate(capacity: 2 * window + 1)
                historyCapacity = 2 * window
            }
            historyStart = 0
            historyEnd = 0
            statedContentSize = header.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN ? nil : header.frameContentSize
            frameDecoded = 0
            decodedEnd = nil  // ZSTD_decompressBegin forgets the previous content
            frame = .direct
            directFrames += 1
        } else {
            _ = try made(&streamContext)
            // The streaming decoder checks the stated size only when it decodes a frame in one
            // go (the caller's room holds all of it); block by block it misses it after an empty
            // last block, as the buffer-less API does (found by the `zstd` fuzz target: a
            // hand-made frame stating 256 bytes, window 15 MiB, holding none). So the reader
            // checks it here too.
            statedContentSize = rc == 0 && header.frameType == ZSTD_frame && header.frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN
                ? header.frameContentSize : nil
            frameDecoded = 0
            streamedBlocks = rc == 0 && header.frameType == ZSTD_frame
                ? BlockWalk(skip: Int(header.headerSize), checksum: header.checksumFlag != 0) : nil
            frame = .streamed
            streamedFrames += 1
        }
        return true
    }

    /// Decodes blocks of a direct frame into `buffer` while a whole block fits; a block that does
    /// not fit goes through `scratch`. Returns the bytes produced (0 when only headers were read
    /// or the frame ended).
    private func readDirect(into buffer: UnsafeMutableRawPointer, capacity: Int) throws(TraceInputError) -> Int {
        guard let context = directContext, let history else { throw failure("internal state") }
        var produced = 0
        var historyGiven = false
        while true {
            let step = ZSTD_nextSrcSizeToDecompress(context)
            if step == 0 {
                // The frame (its checksum included) is complete; the next one starts afresh.
                try checkStatedSize()
                frame = .between
                return produced
            }
            guard step <= Self.inputCapacity else { throw failure("corrupted block detected") }
            // Bytes already decoded are handed out before waiting for more input (a pipe).
            if produced > 0 && inputEnd - inputStart < step { break }
            guard try available(step) else { throw failure(Self.truncated) }
            let kind = ZSTD_nextInputType(context)
            if kind == ZSTDnit_blockHeader, step == 3, !BlockWalk.acceptable(input + inputStart) {
                throw failure(BlockWalk.emptyCompressedBlock)
            }
            guard kind == ZSTDnit_block || kind == ZSTDnit_lastBlock else {
                // A header or a checksum: nothing is written, so libzstd is shown the place where
                // its content ends, not a jump.
                let rc = ZSTD_decompressContinue(context, decodedEnd, 0, input + inputStart, step)
                if ZSTD_isError(rc) != 0 { throw failure(code: rc) }
                inputStart += step
                continue
            }
            // A block that does not fit goes to the next call, or through `scratch` if it is first.
            let inScratch = capacity - produced < blockSizeMax
            if inScratch && produced > 0 { break }
            if !historyGiven {
                // The caller may have reused the memory of earlier calls: the window comes from
                // the reader's copy (the caller's buffer becomes its continuation).
                historyGiven = true
                if historyEnd > historyStart {
                    _ = ZSTD_insertBlock(context, history + historyStart, historyEnd - historyStart)
                    decodedEnd = UnsafeMutableRawPointer(history + historyEnd)
                }
            }
            let target = inScratch ? UnsafeMutableRawPointer(scratch) : buffer + produced
            let room = inScratch ? Int(ZSTD_BLOCKSIZE_MAX) : capacity - produced
            let rc = ZSTD_decompressContinue(context, target, room, input + inputStart, step)
            if ZSTD_isError(rc) != 0 { throw failure(code: rc) }
            inputStart += step
            decodedEnd = target + rc
            frameDecoded += UInt64(rc)
            if inScratch {
                remember(scratch, rc)
                pendingStart = 0
                pendingEnd = rc
                return handOutPending(buffer, capacity)
            }
            produced += rc
        }
        remember(buffer.assumingMemoryBound(to: UInt8.self), produced)
        return produced
    }

    /// Appends content just decoded to the copy of the last window.
    private func remember(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) {
        guard let history, count > 0 else { return }
        if count >= window {
            history.update(from: bytes + (count - window), count: window)
            historyStart = 0
            historyEnd = window
            return
        }
        if historyEnd + count > historyCapacity {
            let keep = min(historyEnd - historyStart, window - count)
            history.update(from: history + (historyEnd - keep), count: keep)
            historyStart = 0
            historyEnd = keep
        }
        (history + historyEnd).update(from: bytes, count: count)
        historyEnd += count
        historyStart = max(historyStart, historyEnd - window)
    }

    /// At the end of a frame: its content has the size its header states, if it states one.
    private func checkStatedSize() throws(TraceInputError) {
        if let statedContentSize, statedContentSize != frameDecoded {
            throw failure("data corruption detected (the frame holds \(frameDecoded) bytes, its header says \(statedContentSize))")
        }
    }

    /// Decodes a frame with `ZSTD_decompressStream`, which keeps its own window and copies out.
    private func readStreamed(into buffer: UnsafeMutableRawPointer, capacity: Int) throws(TraceInputError) -> Int {
        guard let context = streamContext else { throw failure("internal state") }
        while true {
            if inputStart >= inputEnd {
                guard try available(1) else { throw failure(Self.truncated) }
            }
            var source = ZSTD_inBuffer(src: input + inputStart, size: inputEnd - inputStart, pos: 0)
            var output = ZSTD_outBuffer(dst: buffer, size: capacity, pos: 0)
            let rc = ZSTD_decompressStream(context, &output, &source)
            if ZSTD_isError(rc) != 0 { throw failure(code: rc) }
            if streamedBlocks?.walk(input + inputStart, source.pos) == false { throw failure(BlockWalk.emptyCompressedBlock) }
            inputStart += source.pos
            frameDecoded += UInt64(output.pos)
            if rc == 0 {
                try checkStatedSize()
                frame = .between
                return output.pos
            }
            if output.pos > 0 { return output.pos }
        }
    }
}

/// Follows a frame's blocks through its stored bytes, to refuse a compressed block of size 0:
/// libzstd decoding block by block (its buffer-less API, and its streaming decoder when the
/// caller's room is smaller than the frame) reads it as an empty block, while its one-shot decoder
/// rejects it (found by the `zstd` fuzz target: a single-segment frame of one such block).
private struct BlockWalk {
    static let emptyCompressedBlock = "corrupted block detected (a compressed block of size 0)"

    /// Bytes still to pass before the next block header (a header, a block's payload, a checksum).
    var skip: Int
    let checksum: Bool
    private var header: UInt32 = 0
    private var headerBytes = 0
    private var last = false
    private var ended = false

    init(skip: Int, checksum: Bool) {
        self.skip = skip
        self.checksum = checksum
    }

    /// Whether the 3-byte block header at `p` is one libzstd's one-shot decoder accepts.
    static func acceptable(_ p: UnsafePointer<UInt8>) -> Bool {
        acceptable(UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16)
    }

    private static func acceptable(_ header: UInt32) -> Bool {
        !((header >> 1) & 3 == 2 && header >> 3 == 0)
    }

    /// Passes `count` stored bytes at `p`; false at a block libzstd's one-shot decoder rejects.
    mutating func walk(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        while i < count && !ended {
            if skip > 0 {
                let n = min(skip, count - i)
                skip -= n
                i += n
                ended = skip == 0 && last
                continue
            }
            header |= UInt32(p[i]) << (8 * UInt32(headerBytes))
            headerBytes += 1
            i += 1
            guard headerBytes == 3 else { continue }
            guard Self.acceptable(header) else { return false }
            let kind = (header >> 1) & 3, size = Int(header >> 3)
            skip = kind == 1 ? 1 : size
            if header & 1 == 1 {
                skip += checksum ? 4 : 0
                last = true
                ended = skip == 0
            }
            header = 0
            headerBytes = 0
        }
        return true
    }
}
