/// Which fields a monitor plan needs.
///
/// The reader parses only these (plus `ts`, which every record needs, and the validation of the
/// canonical metric fields, which must not depend on the contract so that the record accounting,
/// docs/language.md, "Record accounting", is the same for every plan). Each array's index is the
/// slot of that field in `TraceRecord`.
package struct TraceFieldRequest: Sendable, Equatable, Hashable {
    /// Fields read as binary64 numbers, e.g. the token counts and `ttft_ms`;
    /// field `numericFields[i]` lands in `TraceRecord.numbers[i]`.
    package var numericFields: [String]
    /// Fields read as text, e.g. `["id", "tenant", "status", "model"]`; field `textFields[i]` lands in
    /// `TraceRecord.texts[i]`.
    package var textFields: [String]
    /// Fields read as arrays of numbers, e.g. `["itl_ms"]`; field `listFields[i]` lands in
    /// `TraceRecord.lists[i]`.
    package var listFields: [String]
    /// A text field read only to be cited now and then (the record `id` in a report's evidence),
    /// or nil. The JSON reader may leave its value in the input instead of making a string of it
    /// for every line; `TraceRecord.text(_:)` reads it when asked, during the visit. Nothing else
    /// may read this field's slot from `TraceRecord.texts`.
    package var deferredTextField: String?

    /// Creates a request; the order of each array fixes the record slots.
    package init(numericFields: [String] = [], textFields: [String] = [], listFields: [String] = [],
                 deferredTextField: String? = nil) {
        self.numericFields = numericFields
        self.textFields = textFields
        self.listFields = listFields
        self.deferredTextField = deferredTextField
    }

    /// The slot of `deferredTextField`, or -1 (also when the field is requested twice: the
    /// second slot is a copy of the first, made from `texts`).
    package var deferredTextSlot: Int {
        guard let field = deferredTextField, textFields.count(where: { $0 == field }) == 1 else { return -1 }
        return textFields.firstIndex(of: field) ?? -1
    }
}

/// One decoded record.
///
/// The scanner reuses one instance per scan, overwriting the slots for every line, so that no
/// allocation happens per record; a visitor must copy out what it keeps (keeping the whole record
/// is allowed but makes the next line copy its arrays).
package struct TraceRecord: Sendable {
    /// 1-based physical line number in the input (for CSV the header is line 1), so rejections and
    /// evidence can point at the exact place in the file.
    package var line: Int
    /// `ts` in nanoseconds since the Unix epoch (UTC); the arrival instant windows are assigned by.
    package var timestamp: Int64
    /// One value per `TraceFieldRequest.numericFields` slot; `Double.nan` when absent or null, because
    /// an absent metric contributes no value (docs/language.md, "Metrics") and NaN never occurs in accepted input.
    package var numbers: [Double]
    /// One value per `TraceFieldRequest.textFields` slot; `nil` when absent or null (`status` is
    /// `"ok"` when absent, docs/formats.md).
    package var texts: [String?]
    /// One value per `TraceFieldRequest.listFields` slot; `nil` when absent or null.
    package var lists: [[Double]?]
    /// Where the value of the deferred text slot (`TraceFieldRequest.deferredTextField`) lies in
    /// the input when the reader left it there (`deferredEnd >= deferredStart`; -1 otherwise,
    /// and the value is in `texts`). Valid only during the visit: the input may move after it.
    package var deferredSlot = -1
    package var deferredStart = 0
    package var deferredEnd = -1
    nonisolated(unsafe) package var deferredBase: UnsafePointer<UInt8>?

    /// The text in `slot`, reading a deferred value from the input. Call it during the visit only.
    /// Callgrind, 300,000 benchmark records, one job: making the `id` string of every line cost
    /// about 230 instructions a record (of 5,170); evidence reads a few ids per window.
    @inline(__always)
    package func text(_ slot: Int) -> String? {
        if slot == deferredSlot, deferredEnd >= deferredStart, let base = deferredBase {
            return String(decoding: UnsafeBufferPointer(start: base + deferredStart, count: deferredEnd - deferredStart), as: UTF8.self)
        }
        return texts[slot]
    }

    /// Creates an empty record with the slots of `request` (all values absent), e.g. for tests or for
    /// evaluators that build records themselves.
    package init(request: TraceFieldRequest) {
        self.init(line: 0, timestamp: 0,
                  numbers: Array(repeating: .nan, count: request.numericFields.count),
                  texts: Array(repeating: nil, count: request.textFields.count),
                  lists: Array(repeating: nil, count: request.listFields.count))
    }

    /// Creates a record from explicit values (memberwise), so tests and adapters can construct records.
    package init(line: Int, timestamp: Int64, numbers: [Double], texts: [String?], lists: [[Double]?]) {
        self.line = line
        self.timestamp = timestamp
        self.numbers = numbers
        self.texts = texts
        self.lists = lists
    }
}

/// A line the reader refused (docs/formats.md, "Bad records"): reported with its line number and reason, never
/// silently dropped.
package struct RejectedLine: Sendable, Equatable, Hashable {
    /// 1-based physical line number of the rejected line (relative to the `firstLine` given to `scan`).
    package var line: Int
    /// Why it was rejected, in the house style: lowercase, no final period, user text in backticks.
    package var reason: String

    /// Creates a rejection; used by the scanner and by adapters that reject records themselves.
    package init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// The trace formats the reader understands; the report names the one used (docs/formats.md).
///
/// `jsonl` and `csv` are canonical and read by the byte-level scanner; the others are adapters
/// for files that real inference tools write (`Adapters/`, `docs/formats.md`), parsed whole and
/// converted to canonical records with explicit units.
package enum TraceFormat: String, Sendable, CaseIterable {
    /// Canonical JSON Lines: one JSON object per line.
    case jsonl
    /// RFC 4180 CSV with a header row naming the canonical fields.
    case csv
    /// LLMPerf per-request JSON (a JSON array of request objects).
    case llmperf
    /// AIPerf / GenAI-Perf `profile_export.jsonl`.
    case aiperf
    /// LMBench (LMCache benchmark) per-request CSV.
    case lmbench
    /// OpenTelemetry GenAI spans in OTLP/JSON.
    case otlp
    /// Langfuse trace exports (GENERATION observations).
    case langfuse
    /// Azure LLM inference trace CSV (token counts only).
    case azure
    /// Mooncake JSONL arrival traces (token counts, timestamps relative to the trace start).
    case mooncake

    /// Whether an adapter reads this format (parsed whole, off the canonical hot path).
    package var isAdapter: Bool { self != .jsonl && self != .csv }
}
