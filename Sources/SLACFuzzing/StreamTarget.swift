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
/// - bits 3–5: block size 64 << k bytes; bit 6: the file name ends in `.gz`;
/// - bit 7 (modes 0–2): a line limit of half a block, so that lines are skipped and rejected.
///
/// Both readers must agree: the same content (as the reader's content observer sees it), or both
/// an error. The blocks must be whole lines (rows). And the line-length rule must be one rule
/// (docs/formats.md, "Line length"): scanning the blocks, with the lines the reader skipped
/// counted and its oversized lines rejected, gives the records, rejections and line count of one
/// scan of the whole content.
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
        let format: TraceFormat = mode & 4 != 0 ? .csv : .jsonl
        let blockSize = 64 << Int((mode >> 3) & 7)
        let maximumLine = mode & 0x80 != 0 && mode & 3 != 3 ? blockSize / 2 : 1 << 24
        let path = scratchPath + (mode & 0x40 != 0 ? ".gz" : ".trace")
        guard store(file, at: path) else { return }
        defer { unlink(path) }

        let whole: Result<[UInt8], TraceInputError>
        do throws(TraceInputError) {
            let input = try TraceInput(path: path)
            whole = .success(Array(input.bytes))
        } catch { whole = .failure(error) }

        var observed: [UInt8] = []
        var scanned: Result<ScanSummary, TraceInputError>?
        let streamed: Result<[UInt8], TraceInputError>
        do throws(TraceInputError) {
            let reader = LineBlockReader(stream: try TraceStream(path: path), blockSize: blockSize, maximumLine: maximumLine)
            reader.contentObserver = { observed.append(contentsOf: $0) }
            reader.setFormat(format)
            let prefix = try reader.prefix()
            let scanner: TraceScanner?
            do throws(TraceInputError) {
                scanner = try TraceScanner(format: format, request: fuzzRequest, bytes: prefix, path: "fuzz", maximumLine: maximumLine)
            } catch {
                scanner = nil
                scanned = .failure(error)
            }
            var summary = ScanSummary()
            // Per block: whether it ends inside a line, and inside quotes (checked for all but the last).
            var cuts: [(insideLine: Bool, insideQuotes: Bool)] = []
            while let block = try reader.next() {
                if block.bytes.isEmpty && block.skippedLines == 0 { FuzzFinding.fail(.stream, "an empty block") }
                let quotes = block.bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\"") ? 1 : 0) }
                cuts.append((block.bytes.last.map { $0 != 0x0A } ?? false, format == .csv && quotes % 2 != 0))
                if let oversized = block.oversized {
                    if oversized.lines > block.skippedLines { FuzzFinding.fail(.stream, "an oversized line of more lines than were skipped") }
                    summary.rejected.append(RejectedLine(line: summary.lines + block.skippedLines - oversized.lines + 1, reason: oversized.reason))
                    summary.records += 1
                }
                summary.lines += block.skippedLines
                guard let scanner else { continue }
                let (lines, records) = scanner.scan(block.bytes, range: 0..<block.bytes.count, firstLine: summary.lines + 1,
                                                    atInputStart: block.startsContent,
                                                    accept: { summary.accepted.append(ScanSummary.key($0)) },
                                                    reject: { summary.rejected.append($0) })
                summary.lines += lines
                summary.records += records
            }
            for cut in cuts.dropLast() {
                if cut.insideLine { FuzzFinding.fail(.stream, "a block that is not the last ends inside a line") }
                if cut.insideQuotes { FuzzFinding.fail(.stream, "a CSV block ends inside a quoted cell") }
            }
            if scanner != nil { scanned = .success(summary) }
            streamed = .success(observed)
        } catch { streamed = .failure(error) }

        switch (whole, streamed) {
        case (.success(let a), .success(let b)):
            if a != b { FuzzFinding.fail(.stream, "the stream gives \(b.count) bytes, the whole read \(a.count)") }
            compareScans(a, format: format, maximumLine: maximumLine, streamed: scanned)
        case (.failure, .failure):
            break
        case (.success(let a), .failure(let e)):
            FuzzFinding.fail(.stream, "the whole read gives \(a.count) bytes, the stream fails: \(e.message)")
        case (.failure(let e), .success(let b)):
            FuzzFinding.fail(.stream, "the stream gives \(b.count) bytes, the whole read fails: \(e.message)")
        }
    }

    /// One scan of the whole content against the scan of the blocks (or the CSV header error).
    static func compareScans(_ content: [UInt8], format: TraceFormat, maximumLine: Int, streamed: Result<ScanSummary, TraceInputError>?) {
        let expected: Result<ScanSummary, TraceInputError> = content.withUnsafeBytes { bytes in
            do throws(TraceInputError) {
                let scanner = try TraceScanner(format: format, request: fuzzRequest, bytes: bytes, path: "fuzz", maximumLine: maximumLine)
                return .success(ScannerTarget.scan(scanner, bytes, ranges: [0..<bytes.count]))
            } catch { return .failure(error) }
        }
        switch (expected, streamed) {
        case (.success(let a), .success(let b)):
            if a != b {
                FuzzFinding.fail(.stream, "the blocks scan to \(b.records) records (\(b.rejected.count) rejected) in \(b.lines) lines, "
                    + "the whole content to \(a.records) (\(a.rejected.count) rejected) in \(a.lines)")
            }
        case (.failure(let a), .failure(let b)):
            if a.message != b.message { FuzzFinding.fail(.stream, "the header fails as `\(b.message)` from the prefix, `\(a.message)` whole") }
        case (.success, .failure(let e)):
            FuzzFinding.fail(.stream, "the header fails from the prefix (\(e.message)), not from the whole content")
        case (.failure(let e), .success):
            FuzzFinding.fail(.stream, "the header fails from the whole content (\(e.message)), not from the prefix")
        case (_, nil):
            FuzzFinding.fail(.stream, "no scan of the blocks")
        }
    }

    /// A file name for this process (`/dev/shm` when it exists, so nothing reaches a disk).
    static let scratchPath: String = {
        var st = stat()
        let directory = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp"
        return "\(directory)/slac-fuzz-stream-\(getpid())"
    }()

    static func store(_ bytes: [UInt8], at path: String) -> Bool {
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
