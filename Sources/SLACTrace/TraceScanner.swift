#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The header row of a CSV trace, parsed once per file and shared by the scanners of all chunks.
package struct CSVHeader: Sendable, Equatable, Hashable {
    /// Column names in file order (surrounding blanks trimmed).
    package var columns: [String]
    /// Byte offset just past the header row's line break: where data rows start.
    package var endOffset: Int
    /// Physical lines up to and including the header row (1 unless blank lines precede it), for
    /// callers that number lines themselves.
    package var lineCount: Int

    /// Creates a header from known values (for adapters and tests).
    package init(columns: [String], endOffset: Int, lineCount: Int) {
        self.columns = columns
        self.endOffset = endOffset
        self.lineCount = lineCount
    }

    /// Parses the header row at the start of `bytes` (after an optional UTF-8 byte order mark and
    /// blank lines). An empty input yields a header with no columns (a trace with no records).
    /// Throws when the header has no `ts` column, repeats a column, or is malformed, because then
    /// no row could be read; also when it, or a blank row before it, is longer than
    /// `maximumLine` (`LineLimit`): a stream's prefix holds no more of such a row, so a mapped file
    /// stops there too.
    package init(bytes: UnsafeRawBufferPointer, path: String = "", maximumLine: Int = LineLimit.standard) throws(TraceInputError) {
        guard let raw = bytes.baseAddress, bytes.count > 0 else {
            self.init(columns: [], endOffset: 0, lineCount: 0)
            return
        }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var pos = hasByteOrderMark(base, n) ? 3 : 0
        var lines = 0
        while pos < n {
            let row = CSVRows.rowEnd(base, pos, n)
            if row.end - pos > maximumLine { throw TraceInputError(path: path, message: LineLimit.headerReason(maximumLine)) }
            lines += 1 + row.inner
            var contentEnd = row.end
            if contentEnd > pos && base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            var k = pos
            while k < contentEnd && (base[k] == 0x20 || base[k] == 0x09 || base[k] == 0x0D) { k += 1 }
            let next = min(row.end + 1, n)
            if k == contentEnd {
                pos = next
                continue
            }
            switch CSVRows.splitHeader(base, pos, contentEnd) {
            case .failure(let e):
                throw TraceInputError(path: path, message: "csv header is malformed: " + e.reason)
            case .success(let names):
                var seen = Set<String>()
                for name in names where !seen.insert(name).inserted {
                    throw TraceInputError(path: path, message: "csv header has duplicate column `\(name)`")
                }
                guard seen.contains("ts") else {
                    throw TraceInputError(path: path, message: "csv header has no `ts` column")
                }
                self.init(columns: names, endOffset: next, lineCount: lines)
                return
            }
        }
        self.init(columns: [], endOffset: n, lineCount: lines)
    }
}

@inline(__always)
func hasByteOrderMark(_ base: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    n >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF
}

/// `hasByteOrderMark` of a buffer (the one check of a UTF-8 byte order mark, wherever input starts).
func hasByteOrderMark(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let base = bytes.baseAddress else { return false }
    return hasByteOrderMark(base.assumingMemoryBound(to: UInt8.self), bytes.count)
}

/// Chooses the format of a trace input (docs/formats.md: `--format` or detected; the report names it).
package enum TraceFormatDetection {
    /// Detects the format from the content, with the path's name as a tie-breaker.
    ///
    /// The first non-blank byte (after a UTF-8 byte order mark) `{` means JSON Lines, unless the
    /// first line (or first key) is an adapter format's (`resourceSpans` → OTLP, `observations` →
    /// Langfuse, `metadata`+`metrics` → AIPerf, `timestamp`+`input_length` → Mooncake); `[` with
    /// LLMPerf, OTLP or Langfuse keys means that format; a first line that is a CSV header with a
    /// `ts` column means CSV, with Azure's or LMBench's columns that format. Otherwise (empty
    /// input, or neither) well-known file names (`AzureLLMInferenceTrace*`, `LMBench_*`,
    /// `profile_export*.jsonl`), then the extension decide (`.jsonl`, `.ndjson`, `.csv`, also under
    /// `.gz`), then a comma in the first line (CSV), else JSON Lines, whose per-line reasons
    /// explain best what is wrong.
    ///
    /// Only what a stream's prefix holds decides, so that a trace is detected alike from a file and
    /// from a pipe or gzip (`LineBlockReader.prefix()`): blank lines are skipped unless one is longer
    /// than `maximumLine` (detection stops there), and of the first non-blank line only its first
    /// `maximumLine + 1` bytes are read.
    package static func detect(bytes: UnsafeRawBufferPointer, path: String, maximumLine: Int = LineLimit.standard) -> TraceFormat {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) } else if name.hasSuffix(".zst") { name.removeLast(4) }
        let byExtension: TraceFormat? = name.hasSuffix(".csv") ? .csv
            : (name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") || name.hasSuffix(".json")) ? .jsonl : nil
        guard let raw = bytes.baseAddress, bytes.count > 0 else { return AdapterDetection.byName(path) ?? byExtension ?? .jsonl }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var i = hasByteOrderMark(base, n) ? 3 : 0
        var lineStart = i
        while i < n && (base[i] == 0x20 || base[i] == 0x09 || base[i] == 0x0A || base[i] == 0x0D) {
            if i - lineStart > maximumLine { i = n; break }
            i += 1
            if base[i - 1] == 0x0A { lineStart = i }
        }
        if i >= n || i - lineStart > maximumLine { return AdapterDetection.byName(path) ?? byExtension ?? .jsonl }
        let window = min(n, lineStart + maximumLine + 1)
        let lineEnd = memchr(base + i, 0x0A, window - i).map { UnsafeRawPointer($0) - raw } ?? window
        // Adapter formats are recognised from the first line (or the first key of a document).
        if base[i] == UInt8(ascii: "{") { return AdapterDetection.object(bytes, start: i, lineEnd: lineEnd) ?? .jsonl }
        if base[i] == UInt8(ascii: "["), let adapted = AdapterDetection.array(bytes, start: i) { return adapted }
        if case .success(let names) = CSVRows.splitHeader(base, i, lineEnd > i && base[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd) {
            if names.contains("ts") { return .csv }
            if let adapted = AdapterDetection.csvHeader(names) { return adapted }
        }
        if let named = AdapterDetection.byName(path) { return named }
        if let byExtension { return byExtension }
        guard memchr(base + i, Int32(UInt8(ascii: ",")), lineEnd - i) != nil else { return .jsonl }
        // A first line with a comma reads as a CSV header, unless the next line is a JSON object:
        // then it is JSON Lines whose first record is malformed (that record is rejected, the
        // rest read), not a CSV file whose header lacks `ts` (nothing read at all).
        var next = lineEnd + 1
        while next < n && (base[next] == 0x20 || base[next] == 0x09 || base[next] == 0x0D || base[next] == 0x0A) { next += 1 }
        return next < n && base[next] == UInt8(ascii: "{") ? .jsonl : .csv
    }
}

/// Scans byte ranges of one trace into records: the reader's hot path.
///
/// A scanner is an immutable value, built once per input (for CSV from its header) and shared by
/// the threads that scan the chunks of `chunkBoundaries`; all mutable state of a scan lives inside
/// `scan`, so concurrent scans do not interfere.
///
/// Reading rules (docs/formats.md, "Canonical JSON Lines and CSV"), the same for JSON Lines and CSV:
/// - `ts` is an RFC 3339 date-time with an offset (`Z`, `±HH:MM`, also `±HHMM`; `T`, `t` or a space
///   between date and time; any number of fractional digits, truncated below 1 ns; second 60 is
///   invalid) or a number of epoch milliseconds (JSON number or numeric CSV cell; below 1 ns rounded
///   toward the past). Instants outside the Int64 nanosecond range (years 1677–2262) are rejected.
/// - Numbers are read as the nearest binary64 (correctly rounded; NaN, infinities and overflow are
///   rejected). The canonical metrics `input_tokens`, `output_tokens`, `ttft_ms`, `e2e_ms`,
///   `energy_j` must be non-negative numbers when present and not null (`-0` reads as 0), token
///   counts whole (`76.0` is 76), `itl_ms` an array of non-negative numbers: checked whether or not
///   the fields are requested, so that the accounting does not depend on the contract. Other
///   requested numeric fields must be numbers (negative allowed); unrequested unknown fields are
///   only checked to be well-formed JSON.
/// - A requested text field takes a string; a number or boolean gives its literal text (`76.0`,
///   `true`); an object or array is rejected (also for the canonical text fields). `status` absent
///   or null reads as `"ok"`. Invalid UTF-8 is not rejected: it becomes U+FFFD in the text, as do
///   unpaired `\u` surrogates.
/// - JSON Lines: a line is one object; keys must not repeat (top level); a UTF-8 byte order mark at
///   the start is skipped; lines with only blanks are skipped and are not records.
/// - CSV (RFC 4180): a header names the fields; `""` escapes; CRLF or LF; an unquoted empty cell is
///   absent (a quoted empty cell is an empty text); blanks around numbers and timestamps are
///   ignored, a leading `+` is allowed; rows must have as many cells as the header; `itl_ms` cells
///   hold a JSON array. Rows end at the first line break outside quotes by quote parity, which keeps
///   chunked scans identical to one scan; a stray quote inside an unquoted cell is rejected.
package struct TraceScanner: Sendable {
    /// The format of the bytes.
    package let format: TraceFormat
    /// The fields the records carry.
    package let request: TraceFieldRequest
    /// The CSV header (nil for JSON Lines).
    package let header: CSVHeader?
    let table: FieldTable
    /// For CSV: per column, the index of its field in `table.specs`, or -1 when the column is not
    /// a known field (skipped).
    let columnFields: [Int]
    /// Slots requested twice: (first slot, duplicate slot) pairs copied after each record.
    let numericAliases: [(Int, Int)]
    let textAliases: [(Int, Int)]
    let listAliases: [(Int, Int)]
    /// For adapter formats: the whole input, parsed and converted at creation (nil when created
    /// from a header only; `scan` then parses the bytes it is given).
    let adapted: AdaptedTrace?
    /// Adapter settings given at creation (`TraceSource.adapterOptions`).
    let adapterOptions: AdapterOptions
    /// The longest line (CSV row) read as a record; a longer one that is not blank is rejected
    /// (`LineLimit`), as a stream's reader rejects it.
    package var maximumLine = LineLimit.standard
    /// Whether JSON lines laid out like the line before them are read through that line's
    /// template (`RecordDecoder.decodeShapedLine`). Always on; off only for tests that compare
    /// the two paths.
    package var lineTemplates = true

    /// Creates a scanner for `bytes` in `format`; for CSV it reads the header from `bytes`, for an
    /// adapter format it parses the whole input (throwing when it cannot be read at all).
    /// `path` only labels errors; `options` matter for adapter formats only.
    /// `maximumLine` is the longest line (CSV row) read as a record (`LineLimit`).
    package init(format: TraceFormat, request: TraceFieldRequest, bytes: UnsafeRawBufferPointer, path: String = "",
                options: AdapterOptions = AdapterOptions(), maximumLine: Int = LineLimit.standard) throws(TraceInputError) {
        if format.isAdapter {
            let trace = try AdaptedTrace.parse(bytes, format: format, options: options, path: path)
            self.init(format: format, request: request, header: nil, adapted: trace, options: options)
            return
        }
        let header: CSVHeader? = format == .csv ? try CSVHeader(bytes: bytes, path: path, maximumLine: maximumLine) : nil
        self.init(format: format, request: request, header: header)
        self.maximumLine = maximumLine
    }

    /// Creates a scanner with an already parsed CSV header (nil or ignored for JSON Lines), so the
    /// header is parsed once and the scanner is built once for all chunks.
    package init(format: TraceFormat, request: TraceFieldRequest, header: CSVHeader?) {
        self.init(format: format, request: request, header: header, adapted: nil, options: AdapterOptions())
    }

    init(format: TraceFormat, request: TraceFieldRequest, header: CSVHeader?, adapted: AdaptedTrace?, options: AdapterOptions) {
        self.adapted = adapted
        self.adapterOptions = options
        self.format = format
        self.request = request
        self.header = format == .csv ? (header ?? CSVHeader(columns: [], endOffset: 0, lineCount: 0)) : nil
        let table = FieldTable(request: request)
        self.table = table
        if let h = self.header {
            columnFields = h.columns.map { table.index(of: $0) ?? -1 }
        } else {
            columnFields = []
        }
        func aliases(_ names: [String]) -> [(Int, Int)] {
            var first: [String: Int] = [:]
            var result: [(Int, Int)] = []
            for (i, n) in names.enumerated() {
                if let f = first[n] { result.append((f, i)) } else { first[n] = i }
            }
            return result
        }
        numericAliases = aliases(request.numericFields)
        textAliases = aliases(request.textFields)
        listAliases = aliases(request.listFields)
    }

    /// Splits `bytes` into at most `count` contiguous, non-empty ranges that start at line starts,
    /// of roughly equal size, for scanning on several cores. The format is detected from the content
    /// (quoted CSV line breaks need the CSV rule); see `chunkBoundaries(bytes:count:format:)`.
    package static func chunkBoundaries(bytes: UnsafeRawBufferPointer, count: Int) -> [Range<Int>] {
        chunkBoundaries(bytes: bytes, count: count, format: TraceFormatDetection.detect(bytes: bytes, path: ""))
    }

    /// Splits `bytes` into at most `count` contiguous, non-empty ranges covering all bytes (one
    /// empty range for empty input), each starting at a line start; for CSV never inside a quoted
    /// cell (by quote parity from the start of the input, the rule the row splitter uses), so that
    /// scanning the chunks gives exactly the records of one sequential scan.
    package static func chunkBoundaries(bytes: UnsafeRawBufferPointer, count: Int, format: TraceFormat) -> [Range<Int>] {
        chunkBoundaries(bytes: bytes, weights: Array(repeating: 1, count: max(1, count)), format: format)
    }

    /// Like `chunkBoundaries(bytes:count:format:)`, with chunk `i` about `weights[i]` parts of the
    /// input (weights are positive). Only equal weights are used now: the evaluator no longer cuts
    /// a mapped trace into chunks (several jobs share blocks in file order); the fuzz targets and
    /// tests compare chunked scans with one scan.
    static func chunkBoundaries(bytes: UnsafeRawBufferPointer, weights: [Double], format: TraceFormat) -> [Range<Int>] {
        precondition(weights.allSatisfy { $0 > 0 }, "chunk weights are positive")
        let n = bytes.count
        guard let raw = bytes.baseAddress, n > 0 else { return [0..<0] }
        // Adapter formats are parsed whole (a JSON document cannot be split at line starts).
        if format.isAdapter { return [0..<n] }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let k = max(1, weights.count)
        let totalWeight = weights.reduce(0, +)
        var weightBefore = 0.0
        let quoteAware = format == .csv && memchr(base, Int32(UInt8(ascii: "\"")), n) != nil
        var starts = [0]
        var parityFrom = 0       // quotes counted in [0, parityFrom)
        var inQuotes = false
        for i in 1..<k {
            weightBefore += weights[i - 1]
            let target = max(Int((Double(n) * weightBefore / totalWeight).rounded(.down)), (starts.last ?? 0) + 1)
            if target >= n { break }
            var from = target - 1
            if quoteAware {
                if QuoteParity.isOdd(base, parityFrom, from) { inQuotes.toggle() }
                parityFrom = from
            }
            var boundary = -1
            while from < n {
                guard let hit = memchr(base + from, 0x0A, n - from) else { break }
                let nl = UnsafeRawPointer(hit) - raw
                if quoteAware {
                    if QuoteParity.isOdd(base, from, nl) { inQuotes.toggle() }
                    parityFrom = nl + 1
                    if inQuotes {
                        from = nl + 1
                        continue
                    }
                }
                boundary = nl + 1
                break
            }
            if boundary < 0 || boundary >= n { break }
            if boundary > (starts.last ?? 0) { starts.append(boundary) }
        }
        var ranges: [Range<Int>] = []
        for (i, s) in starts.enumerated() {
            ranges.append(s..<(i + 1 < starts.count ? starts[i + 1] : n))
        }
        return ranges
    }

    /// Scans `range` of `bytes` (it must start at a line start, e.g. a range from
    /// `chunkBoundaries`, and `bytes` must be the whole input this scanner was made for).
    ///
    /// `firstLine` is the 1-based number of the range's first line; a caller scanning chunks in
    /// parallel may pass 1 and shift the line numbers afterwards by the `lines` of earlier chunks.
    /// A range starting at offset 0 skips a UTF-8 byte order mark and, for CSV, the header (which
    /// counts as a line). `accept` gets every valid record: the same `TraceRecord` instance,
    /// overwritten for each line and passed without a copy, so copy out what you keep. `reject`
    /// gets every bad line. Blank lines are skipped and are not records.
    /// Returns the number of physical lines in the range and the number of records
    /// (accepted + rejected).
    ///
    /// `atInputStart` says whether the range begins the input (byte order mark, CSV header); by
    /// default, whether it starts at offset 0. Blocks of a `LineBlockReader` each start at 0 of
    /// their own buffer, so only the first one passes true.
    package func scan(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, firstLine: Int, atInputStart: Bool? = nil,
                     accept: (TraceRecord) -> Void,
                     reject: (RejectedLine) -> Void) -> (lines: Int, records: Int) {
        guard let raw = bytes.baseAddress, !range.isEmpty else { return (0, 0) }
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the input")
        if format.isAdapter { return scanAdapted(bytes, range: range, firstLine: firstLine, accept: accept, reject: reject) }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        var decoder = RecordDecoder(base: base, readable: bytes.count, table: table, request: request)
        decoder.usesTemplates = lineTemplates
        var record = TraceRecord(request: request)
        if format == .jsonl {
            record.deferredSlot = request.deferredTextSlot
            record.deferredBase = base
        }
        // A range of a whole input may start inside the blank lines before a CSV header (chunks
        // split at any line), so by default the header is skipped wherever the range overlaps it;
        // blocks of a stream say explicitly whether they begin the input.
        if format == .csv { return scanCSV(&decoder, &record, range, firstLine, atInputStart ?? true, accept, reject) }
        return scanJSONLines(&decoder, &record, range, firstLine, atInputStart ?? (range.lowerBound == 0), accept, reject)
    }

    /// Adapter formats: the records parsed at creation (or, for a scanner made from a header only,
    /// parsed now from `range`, whose unreadable input then becomes one rejection at line 1).
    func scanAdapted(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, firstLine: Int,
                     accept: (TraceRecord) -> Void, reject: (RejectedLine) -> Void) -> (lines: Int, records: Int) {
        let trace: AdaptedTrace
        if let adapted, range == 0..<bytes.count {
            trace = adapted
        } else {
            do throws(TraceInputError) { trace = try AdaptedTrace.parse(UnsafeRawBufferPointer(rebasing: bytes[range]), format: format, options: adapterOptions) } catch {
                reject(RejectedLine(line: firstLine, reason: error.message))
                return (1, 1)
            }
        }
        return trace.feed(request: request, firstLine: firstLine, undatedTimestamp: adapterOptions.undatedTimestamp,
                          formatName: format.rawValue, accept: accept, reject: reject)
    }

    /// Copies duplicate-slot values (a field requested twice in one list).
    @inline(__always)
    func applyAliases(_ rec: inout TraceRecord) {
        for (a, b) in numericAliases { rec.numbers[b] = rec.numbers[a] }
        for (a, b) in textAliases { rec.texts[b] = rec.texts[a] }
        for (a, b) in listAliases { rec.lists[b] = rec.lists[a] }
    }

    private func scanJSONLines(_ decoder: inout RecordDecoder, _ record: inout TraceRecord, _ range: Range<Int>,
                               _ firstLine: Int, _ atStart: Bool, _ accept: (TraceRecord) -> Void,
                               _ reject: (RejectedLine) -> Void) -> (lines: Int, records: Int) {
        let base = decoder.base
        let end = range.upperBound
        var pos = range.lowerBound
        if atStart && hasByteOrderMark(base + pos, end - pos) { pos += 3 }
        var line = firstLine - 1
        var records = 0
        let hasAliases = !(numericAliases.isEmpty && textAliases.isEmpty && listAliases.isEmpty)
        let maximumLine = self.maximumLine
        while pos < end {
            line += 1
            // Most lines: the template reads the line and finds where it ends.
            let shapedEnd = decoder.decodeLineFindingEnd(pos, end, &record)
            if shapedEnd >= 0 && shapedEnd - pos <= maximumLine {
                records += 1
                record.line = line
                if hasAliases { applyAliases(&record) }
                accept(record)
                pos = shapedEnd + 1
                continue
            }
            let lineEnd = memchr(base + pos, 0x0A, end - pos).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? end
            if lineEnd - pos > maximumLine && !LineLimit.isBlank(base, pos, lineEnd) {
                records += 1
                reject(RejectedLine(line: line, reason: LineLimit.reason(maximumLine, csv: false)))
                pos = lineEnd + 1
                continue
            }
            do {
                if try decoder.decodeJSONLine(pos, lineEnd, &record) {
                    records += 1
                    record.line = line
                    if hasAliases { applyAliases(&record) }
                    accept(record)
                }
            } catch {
                records += 1
                reject(RejectedLine(line: line, reason: error.reason))
            }
            pos = lineEnd + 1
        }
        return (line - (firstLine - 1), records)
    }

    private func scanCSV(_ decoder: inout RecordDecoder, _ record: inout TraceRecord, _ range: Range<Int>,
                         _ firstLine: Int, _ atStart: Bool, _ accept: (TraceRecord) -> Void,
                         _ reject: (RejectedLine) -> Void) -> (lines: Int, records: Int) {
        let base = decoder.base
        let end = range.upperBound
        var pos = range.lowerBound
        var line = firstLine - 1
        var records = 0
        let header = self.header ?? CSVHeader(columns: [], endOffset: 0, lineCount: 0)
        if atStart && pos < header.endOffset {
            // The header row (and blank lines or a byte order mark before it) count as lines only.
            let stop = min(header.endOffset, end)
            var p = pos
            while p < stop {
                let row = CSVRows.rowEnd(base, p, stop)
                line += 1 + row.inner
                p = row.end + 1
            }
            pos = header.endOffset
            if pos >= end { return (line - (firstLine - 1), 0) }
        }
        let columns = header.columns.count
        let cells = UnsafeMutablePointer<CSVCell>.allocate(capacity: max(1, columns))
        cells.initialize(repeating: CSVCell(), count: max(1, columns))
        defer { cells.deallocate() }
        let columnEntries = UnsafeMutablePointer<Int>.allocate(capacity: max(1, columns))
        defer { columnEntries.deallocate() }
        for c in 0..<columns {
            // Columns with nothing to store or check are not even looked at (a CSV cell is always a
            // scalar, so the canonical text check cannot fail).
            let f = columnFields[c]
            let idle = f < 0 || (table.specs[f].numericSlot < 0 && table.specs[f].textSlot < 0 && table.specs[f].listSlot < 0
                && table.specs[f].flags.isSubset(of: [.canonicalText, .status]))
            columnEntries[c] = idle ? -1 : f
        }
        let hasAliases = !(numericAliases.isEmpty && textAliases.isEmpty && listAliases.isEmpty)
        let maximumLine = self.maximumLine
        while pos < end {
            let row = CSVRows.rowEnd(base, pos, end)
            line += 1
            let rowLine = line
            line += row.inner
            var contentEnd = row.end
            if contentEnd > pos && base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            var k = pos
            while k < contentEnd && (base[k] == 0x20 || base[k] == 0x09 || base[k] == 0x0D) { k += 1 }
            if k < contentEnd && row.end - pos > maximumLine {
                records += 1
                reject(RejectedLine(line: rowLine, reason: LineLimit.reason(maximumLine, csv: true)))
            } else if k < contentEnd {
                records += 1
                do throws(LineError) {
                    decoder.lineStart = pos
                    decoder.resetRecord(&record)
                    if row.hasQuotes && QuoteParity.isOdd(base, pos, contentEnd) {
                        throw LineError(reason: "unterminated quoted cell")
                    }
                    try decoder.splitRow(pos, contentEnd, hasQuotes: row.hasQuotes, cells, columns)
                    try decoder.decodeCSVCells(cells, columnEntries, columns, &record)
                    try decoder.finishRecord(&record)
                    record.line = rowLine
                    if hasAliases { applyAliases(&record) }
                    accept(record)
                } catch {
                    reject(RejectedLine(line: rowLine, reason: error.reason))
                }
            }
            pos = row.end + 1
        }
        return (line - (firstLine - 1), records)
    }
}
