import SLACFields

/// Settings an adapter needs beyond the bytes of a trace.
///
/// They travel with each trace (`TraceSource.adapterOptions`) to the scanner the evaluator builds
/// for it. (A task-local value was used before: worker threads of the evaluator did not inherit
/// it and silently read with the defaults.)
package struct AdapterOptions: Sendable, Equatable {
    /// The instant (ns since the Unix epoch) that relative timestamps count from: Mooncake traces
    /// carry milliseconds since the trace start, so they cannot be placed in time without it
    /// (`--epoch INSTANT`).
    package var epoch: Int64?
    /// The `ts` given to records of formats without timestamps (LLMPerf): `slac verify` sets the
    /// contract's term start, after checking that every clause uses `over term` windows, so the
    /// records are inside the term and fall into the one term window. Nil: such records are
    /// rejected, since placing them anywhere else would be invented.
    package var undatedTimestamp: Int64?

    /// Creates options; both settings default to absent.
    package init(epoch: Int64? = nil, undatedTimestamp: Int64? = nil) {
        self.epoch = epoch
        self.undatedTimestamp = undatedTimestamp
    }

    /// Parses an `--epoch` argument: an RFC 3339 instant with an offset
    /// (`2024-05-01T00:00:00Z`), or a date (`2024-05-01`), meaning midnight UTC.
    package static func parseInstant(_ text: String) -> Int64? {
        var t = text.trimmingBlanks()
        if t.utf8.count == 10 { t += "T00:00:00Z" }
        return TimestampText.instant(t, assumeUTC: false)
    }
}

/// One record as an adapter produced it: canonical fields by name, in canonical units.
///
/// Kept apart from `TraceRecord` (whose slots depend on the plan) so that a trace is parsed once
/// and projected onto any field request; field names are the canonical ones (docs/formats.md) plus the extra text
/// fields a format documents (e.g. `user_id` for LMBench).
package struct CanonicalRecord: Sendable, Equatable {
    /// 1-based position in the input: a line number for line-based formats (CSV header = line 1),
    /// else the index of the element, span or observation (the format's `positionUnit`).
    package var position: Int
    /// `ts` in ns since the Unix epoch; nil for formats without timestamps.
    package var timestamp: Int64?
    /// Text fields (`id`, `tenant`, `model`, `region`, `status`, and documented extras).
    package var texts: [String: String]
    /// Numeric fields (`input_tokens`, `output_tokens`, `ttft_ms`, `e2e_ms`, `energy_j`).
    package var numbers: [String: Double]
    /// `itl_ms`: gaps between consecutive output chunks, ms.
    package var itl: [Double]?

    /// Creates an empty record at `position`.
    package init(position: Int, timestamp: Int64? = nil, texts: [String: String] = [:], numbers: [String: Double] = [:], itl: [Double]? = nil) {
        self.position = position
        self.timestamp = timestamp
        self.texts = texts
        self.numbers = numbers
        self.itl = itl
    }
}

/// A whole adapter-format trace, parsed: every record or rejection, in input order.
package struct AdaptedTrace: Sendable, Equatable {
    /// One input record: converted, or rejected with its position and reason (docs/formats.md: never
    /// silently dropped).
    package enum Entry: Sendable, Equatable {
        case record(CanonicalRecord)
        case rejected(RejectedLine)
    }

    /// The records in input order.
    package var entries: [Entry]
    /// Positions the input spans (physical lines, or elements), reported as the scan's `lines`.
    package var positions: Int

    /// Creates a trace from its entries.
    package init(entries: [Entry] = [], positions: Int = 0) {
        self.entries = entries
        self.positions = positions
    }

    /// The converted records (rejections left out), for tests and tools.
    package var records: [CanonicalRecord] {
        entries.compactMap { if case .record(let r) = $0 { r } else { nil } }
    }

    /// The rejections.
    package var rejections: [RejectedLine] {
        entries.compactMap { if case .rejected(let r) = $0 { r } else { nil } }
    }

    /// Parses `bytes` as `format` (an adapter format). Throws when the input as a whole cannot be
    /// read (not JSON at all, no header, Mooncake without an epoch), which is exit code 3.
    package static func parse(_ bytes: UnsafeRawBufferPointer, format: TraceFormat, options: AdapterOptions,
                             path: String = "") throws(TraceInputError) -> AdaptedTrace {
        switch format {
        case .jsonl, .csv:
            throw TraceInputError(path: path, message: "`\(format.rawValue)` is read by the canonical scanner, not an adapter")
        case .llmperf: return try LLMPerfAdapter.parse(bytes, path: path)
        case .aiperf: return try AIPerfAdapter.parse(bytes, path: path)
        case .lmbench: return try LMBenchAdapter.parse(bytes, path: path)
        case .otlp: return try OTLPAdapter.parse(bytes, path: path)
        case .langfuse: return try LangfuseAdapter.parse(bytes, path: path)
        case .azure: return try AzureAdapter.parse(bytes, path: path)
        case .mooncake: return try MooncakeAdapter.parse(bytes, epoch: options.epoch, path: path)
        }
    }

    /// Feeds the records to `accept` and `reject` as `TraceScanner.scan` does: the same reused
    /// `TraceRecord` with the slots of `request`, line numbers shifted so that position 1 is
    /// `firstLine`. Records without `ts` get `undatedTimestamp`, or are rejected without it.
    func feed(request: TraceFieldRequest, firstLine: Int, undatedTimestamp: Int64?, formatName: String,
              accept: (TraceRecord) -> Void, reject: (RejectedLine) -> Void) -> (lines: Int, records: Int) {
        var record = TraceRecord(request: request)
        let shift = firstLine - 1
        for entry in entries {
            switch entry {
            case .rejected(let r):
                reject(RejectedLine(line: r.line + shift, reason: r.reason))
            case .record(let c):
                guard let ts = c.timestamp ?? undatedTimestamp else {
                    reject(RejectedLine(line: c.position + shift,
                                        reason: "`\(formatName)` records carry no timestamp and none was assigned (only `over term` clauses can use them)"))
                    continue
                }
                record.line = c.position + shift
                record.timestamp = ts
                for (i, name) in request.numericFields.enumerated() { record.numbers[i] = c.numbers[name] ?? .nan }
                for (i, name) in request.textFields.enumerated() { record.texts[i] = c.texts[name] }
                for (i, name) in request.listFields.enumerated() { record.lists[i] = name == CanonicalField.itlMs.name ? c.itl : nil }
                accept(record)
            }
        }
        return (positions, entries.count)
    }
}

extension String {
    /// The text without leading and trailing white space (space, tab, CR, LF).
    func trimmingBlanks() -> String {
        let blank: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// Timestamps as the adapters meet them in text.
enum TimestampText {
    /// An RFC 3339 date-time (any fractional digits) to ns since the epoch. With `assumeUTC`, a
    /// text without an offset (Azure's `2023-11-16 18:17:03.9799600`) is read as UTC.
    static func instant(_ text: String, assumeUTC: Bool) -> Int64? {
        var bytes = Array(text.trimmingBlanks().utf8)
        func parse(_ b: [UInt8]) -> RFC3339.Result {
            b.withUnsafeBufferPointer { buf in
                guard let base = buf.baseAddress else { return .malformed }
                var cache = RFC3339.MinuteCache()
                return RFC3339.parse(base, 0, buf.count, cache: &cache)
            }
        }
        // RFC3339.parse reads the first 16 bytes as two words only after checking length ≥ 19.
        switch parse(bytes) {
        case .ok(let ns): return ns
        case .noOffset where assumeUTC:
            bytes.append(UInt8(ascii: "Z"))
            if case .ok(let ns) = parse(bytes) { return ns }
            return nil
        default: return nil
        }
    }
}
