import SLACFields

/// Reads a JSON Lines adapter file: each non-blank line is one record, converted by `convert`;
/// a line that is not a JSON object, or that `convert` refuses, is rejected with its line number.
func readJSONLinesAdapter(_ bytes: UnsafeRawBufferPointer,
                          convert: (Int, [String: JSONValue]) throws(FieldError) -> CanonicalRecord) -> AdaptedTrace {
    let lines = LineSplitter.lines(bytes)
    var entries: [AdaptedTrace.Entry] = []
    entries.reserveCapacity(lines.count)
    for line in lines where !LineSplitter.isBlank(bytes, line.range) {
        let value: JSONValue
        do throws(JSONParseError) { value = try JSONParser.parse(bytes, range: line.range) } catch {
            entries.append(.rejected(RejectedLine(line: line.number, reason: "invalid JSON at column \(error.offset + 1): \(error.message)")))
            continue
        }
        guard case .object(let object) = value else {
            entries.append(.rejected(RejectedLine(line: line.number, reason: "a line must be a JSON object, not \(value.typeName)")))
            continue
        }
        do throws(FieldError) { entries.append(.record(try convert(line.number, object))) } catch {
            entries.append(.rejected(RejectedLine(line: line.number, reason: error.reason)))
        }
    }
    return AdaptedTrace(entries: entries, positions: lines.count)
}

/// Parses a whole-document JSON adapter file, or says why it cannot be read (exit code 3).
func parseJSONDocument(_ bytes: UnsafeRawBufferPointer, format: String, path: String) throws(TraceInputError) -> JSONValue? {
    if LineSplitter.isBlank(bytes, 0..<bytes.count) { return nil }
    var start = 0
    if hasByteOrderMark(bytes) { start = 3 }
    do throws(JSONParseError) { return try JSONParser.parse(bytes, range: start..<bytes.count) } catch {
        throw TraceInputError(path: path, message: "not a valid \(format) file: invalid JSON at byte \(start + error.offset + 1): \(error.message)")
    }
}

/// LLMPerf per-request results (`*_individual_responses.json`): a JSON array of objects.
///
/// Positions are 1-based array element indices. Latencies are seconds; token counts come from
/// LLMPerf's client-side tokenizer. A row with a non-null, non-empty `error_code` failed
/// (status `error:<code>`); such rows carry placeholders (`ttft_s: 0`, `end_to_end_latency_s: 0`,
/// `number_output_tokens: 1`), so in a failed row a zero latency is absent, and the output count
/// is absent when the request never completed (zero or absent e2e). Failed rows that did complete
/// (`-100`, "output too few tokens") keep their real timings and counts. There are no
/// timestamps: see `AdapterOptions.undatedTimestamp`.
enum LLMPerfAdapter {
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(TraceInputError) -> AdaptedTrace {
        guard let doc = try parseJSONDocument(bytes, format: "LLMPerf", path: path) else { return AdaptedTrace() }
        guard case .array(let items) = doc else {
            throw TraceInputError(path: path, message: "not a valid LLMPerf file: expected a JSON array of request objects, found \(doc.typeName)")
        }
        var entries: [AdaptedTrace.Entry] = []
        entries.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let position = i + 1
            do throws(FieldError) {
                guard case .object(let o) = item else { throw FieldError(reason: "not an object but \(item.typeName)") }
                entries.append(.record(try convert(o, position: position)))
            } catch {
                entries.append(.rejected(RejectedLine(line: position, reason: "element \(position): " + error.reason)))
            }
        }
        return AdaptedTrace(entries: entries, positions: items.count)
    }

    static func convert(_ o: [String: JSONValue], position: Int) throws(FieldError) -> CanonicalRecord {
        var r = CanonicalRecord(position: position)
        r.texts["id"] = "element \(position)"
        let failure = Convert.errorStatus(code: o["error_code"])
        r.texts["status"] = failure ?? "ok"
        let ttft = try Convert.metric(o["ttft_s"], "ttft_s", scale: 3)
        let e2e = try Convert.metric(o["end_to_end_latency_s"], "end_to_end_latency_s", scale: 3)
        let input = try Convert.metric(o["number_input_tokens"], "number_input_tokens", whole: true)
        let output = try Convert.metric(o["number_output_tokens"], "number_output_tokens", whole: true)
        r.numbers[CanonicalField.inputTokens.name] = input
        if failure == nil {
            r.numbers[CanonicalField.ttftMs.name] = ttft
            r.numbers[CanonicalField.e2eMs.name] = e2e
            r.numbers[CanonicalField.outputTokens.name] = output
        } else {
            let completed = (e2e ?? 0) > 0
            if let ttft, ttft > 0 { r.numbers[CanonicalField.ttftMs.name] = ttft }
            if completed {
                r.numbers[CanonicalField.e2eMs.name] = e2e
                r.numbers[CanonicalField.outputTokens.name] = output
            }
        }
        return r
    }
}

/// AIPerf / GenAI-Perf per-request records (`profile_export.jsonl`): one JSON object per line.
///
/// `metadata.timestamp_ns` is the request's start in epoch ns; metrics are `{value, unit}` and
/// converted by their stated unit (`ns`, `us`, `ms`, `s`/`sec`). Output tokens are
/// `output_sequence_length` (answer plus reasoning tokens: `output_token_count` is missing when
/// all output was reasoning). A non-null `error` makes the status `error:<code>`.
enum AIPerfAdapter {
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(TraceInputError) -> AdaptedTrace {
        readJSONLinesAdapter(bytes) { (line, o) throws(FieldError) in try convert(o, line: line) }
    }

    /// The decimal exponent that turns a value in `unit` into ms.
    static func millisecondScale(_ unit: String) -> Int? {
        switch unit {
        case "ns": -6
        case "us", "µs": -3
        case "ms": 0
        case "s", "sec", "seconds": 3
        default: nil
        }
    }

    static func convert(_ o: [String: JSONValue], line: Int) throws(FieldError) -> CanonicalRecord {
        var r = CanonicalRecord(position: line)
        guard let metadata = o["metadata"]?.objectValue else { throw FieldError(reason: "missing `metadata`") }
        guard let tsText = try Convert.decimal(metadata["timestamp_ns"], "metadata.timestamp_ns") else {
            throw FieldError(reason: "missing `metadata.timestamp_ns`")
        }
        guard !tsText.negative, let ts = tsText.floorInteger() else {
            throw FieldError(reason: "`metadata.timestamp_ns` is outside the supported range: `\(tsText.text)`")
        }
        r.timestamp = ts
        r.texts["id"] = Convert.text(metadata["x_request_id"]) ?? "line \(line)"
        for (source, field) in [("conversation_id", "conversation_id"), ("turn_index", "turn_index"),
                                ("worker_id", "worker_id"), ("credit_phase", "credit_phase")] {
            if let v = Convert.text(metadata[source]) { r.texts[field] = v }
        }
        if let error = o["error"], !error.isNull {
            r.texts["status"] = Convert.errorStatus(code: error["code"]) ?? Convert.text(error["type"]).map { "error:" + $0 } ?? "error"
        } else {
            r.texts["status"] = "ok"
        }
        let metrics = o["metrics"]?.objectValue ?? [:]
        func entry(_ name: String) throws(FieldError) -> (value: JSONValue, unit: String)? {
            guard let m = metrics[name], !m.isNull else { return nil }
            guard let value = m["value"] else { throw FieldError(reason: "`metrics.\(name)` has no `value`") }
            if value.isNull { return nil }
            return (value, m["unit"]?.stringValue ?? "")
        }
        func duration(_ name: String) throws(FieldError) -> Double? {
            guard let e = try entry(name) else { return nil }
            guard let scale = millisecondScale(e.unit) else { throw FieldError(reason: "`metrics.\(name)` has unknown unit \(quotedText(e.unit))") }
            return try Convert.metric(e.value, "metrics.\(name)", scale: scale)
        }
        func tokens(_ name: String) throws(FieldError) -> Double? {
            guard let e = try entry(name) else { return nil }
            return try Convert.metric(e.value, "metrics.\(name)", whole: true)
        }
        r.numbers[CanonicalField.ttftMs.name] = try duration("ttft")
        r.numbers[CanonicalField.e2eMs.name] = try duration("request_latency")
        r.numbers[CanonicalField.inputTokens.name] = try tokens("input_sequence_length")
        if let osl = try tokens("output_sequence_length") {
            r.numbers[CanonicalField.outputTokens.name] = osl
        } else if let answer = try tokens("output_token_count") {
            r.numbers[CanonicalField.outputTokens.name] = answer + (try tokens("reasoning_token_count") ?? 0)
        }
        if let e = try entry("inter_chunk_latency") {
            guard let scale = millisecondScale(e.unit) else {
                throw FieldError(reason: "`metrics.inter_chunk_latency` has unknown unit \(quotedText(e.unit))")
            }
            guard case .array(let items) = e.value else { throw FieldError(reason: "`metrics.inter_chunk_latency` is not an array of numbers") }
            var gaps: [Double] = []
            gaps.reserveCapacity(items.count)
            for item in items {
                guard let g = try Convert.metric(item, "metrics.inter_chunk_latency", scale: scale) else {
                    throw FieldError(reason: "`metrics.inter_chunk_latency` is not an array of numbers")
                }
                gaps.append(g)
            }
            r.itl = gaps
        }
        return r
    }
}

/// Mooncake / Kimi arrival traces (FAST'25 release): one JSON object per line.
///
/// `timestamp` is milliseconds since the trace start, so the records need the trace start from
/// `--epoch`; `input_length` and `output_length` are token counts; `hash_ids` (prefix-cache
/// blocks) are dropped.
enum MooncakeAdapter {
    static func parse(_ bytes: UnsafeRawBufferPointer, epoch: Int64?, path: String) throws(TraceInputError) -> AdaptedTrace {
        guard let epoch else {
            throw TraceInputError(path: path, message: "`mooncake` timestamps are milliseconds since the trace start; pass `--epoch INSTANT` (the trace start, e.g. `--epoch 2024-05-01T00:00:00Z`)")
        }
        return readJSONLinesAdapter(bytes) { (line, o) throws(FieldError) in
            var r = CanonicalRecord(position: line)
            guard let t = try Convert.decimal(o["timestamp"], "timestamp") else { throw FieldError(reason: "missing `timestamp`") }
            if t.negative { throw FieldError(reason: "`timestamp` is negative: `\(t.text)`") }
            guard let offset = t.floorInteger(scale: 6), case let (ts, false) = epoch.addingReportingOverflow(offset) else {
                throw FieldError(reason: "`timestamp` is outside the supported range: `\(t.text)`")
            }
            r.timestamp = ts
            r.texts["id"] = "line \(line)"
            r.numbers[CanonicalField.inputTokens.name] = try Convert.metric(o["input_length"], "input_length", whole: true)
            r.numbers[CanonicalField.outputTokens.name] = try Convert.metric(o["output_length"], "output_length", whole: true)
            return r
        }
    }
}

/// Langfuse trace exports: `{"trace": …, "observations": [...]}`, an array of those, or an array
/// of observations.
///
/// Records are the `GENERATION` observations (spans, agents and tools are not inference requests
/// and are not counted); positions are 1-based observation indices over the whole document.
/// Latency comes from `startTime`/`endTime` because the `latency` field is seconds in some
/// exports and milliseconds in others; TTFT from `completionStartTime` (absent when null); usage
/// from `usageDetails` (`input`, `output`), or, only when an export has no `usageDetails` at all,
/// from `usage` or `inputUsage`/`outputUsage`. `level: ERROR` makes the status `error`.
enum LangfuseAdapter {
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(TraceInputError) -> AdaptedTrace {
        guard let doc = try parseJSONDocument(bytes, format: "Langfuse", path: path) else { return AdaptedTrace() }
        // (observation, its trace) in document order.
        var observations: [(JSONValue, [String: JSONValue])] = []
        func collect(_ v: JSONValue) throws(TraceInputError) {
            switch v {
            case .object(let o) where o["observations"] != nil:
                guard case .array(let list)? = o["observations"] else {
                    throw TraceInputError(path: path, message: "not a valid Langfuse export: `observations` is not an array")
                }
                let trace = o["trace"]?.objectValue ?? [:]
                for item in list { observations.append((item, trace)) }
            case .object(let o) where o["type"] != nil && o["startTime"] != nil:
                observations.append((v, [:]))
            case .array(let items):
                for item in items {
                    if case .array = item {
                        throw TraceInputError(path: path, message: "not a valid Langfuse export: nested arrays")
                    }
                    try collect(item)
                }
            default:
                throw TraceInputError(path: path, message: "not a valid Langfuse export: expected `observations` (a trace export) or an array of observations")
            }
        }
        try collect(doc)
        var entries: [AdaptedTrace.Entry] = []
        for (i, (item, trace)) in observations.enumerated() {
            let position = i + 1
            guard case .object(let o) = item else {
                entries.append(.rejected(RejectedLine(line: position, reason: "observation \(position): not an object but \(item.typeName)")))
                continue
            }
            guard o["type"]?.stringValue == "GENERATION" else { continue }
            do throws(FieldError) { entries.append(.record(try convert(o, trace: trace, position: position))) } catch {
                entries.append(.rejected(RejectedLine(line: position, reason: "observation \(position): " + error.reason)))
            }
        }
        return AdaptedTrace(entries: entries, positions: observations.count)
    }

    static func instant(_ o: [String: JSONValue], _ key: String) throws(FieldError) -> Int64? {
        guard let v = o[key], !v.isNull else { return nil }
        guard let text = v.stringValue, let ns = TimestampText.instant(text, assumeUTC: false) else {
            throw FieldError(reason: "`\(key)` is not an RFC 3339 instant: \(quotedText(Convert.text(v) ?? v.typeName))")
        }
        return ns
    }

    static func convert(_ o: [String: JSONValue], trace: [String: JSONValue], position: Int) throws(FieldError) -> CanonicalRecord {
        var r = CanonicalRecord(position: position)
        guard let start = try instant(o, "startTime") else { throw FieldError(reason: "missing `startTime`") }
        r.timestamp = start
        if let end = try instant(o, "endTime") {
            r.numbers[CanonicalField.e2eMs.name] = try Convert.milliseconds(from: start, to: end, "`endTime` − `startTime`")
        }
        if let first = try instant(o, "completionStartTime") {
            r.numbers[CanonicalField.ttftMs.name] = try Convert.milliseconds(from: start, to: first, "`completionStartTime` − `startTime`")
        }
        if let details = o["usageDetails"], !details.isNull {
            guard case .object(let d) = details else { throw FieldError(reason: "`usageDetails` is not an object") }
            r.numbers[CanonicalField.inputTokens.name] = try Convert.metric(d["input"], "usageDetails.input", whole: true)
            r.numbers[CanonicalField.outputTokens.name] = try Convert.metric(d["output"], "usageDetails.output", whole: true)
        } else if let usage = o["usage"]?.objectValue {
            r.numbers[CanonicalField.inputTokens.name] = try Convert.metric(usage["input"] ?? usage["promptTokens"], "usage.input", whole: true)
            r.numbers[CanonicalField.outputTokens.name] = try Convert.metric(usage["output"] ?? usage["completionTokens"], "usage.output", whole: true)
        } else {
            r.numbers[CanonicalField.inputTokens.name] = try Convert.metric(o["inputUsage"], "inputUsage", whole: true)
            r.numbers[CanonicalField.outputTokens.name] = try Convert.metric(o["outputUsage"], "outputUsage", whole: true)
        }
        r.texts["id"] = Convert.text(o["id"]) ?? "observation \(position)"
        if let model = Convert.text(o["model"]) { r.texts["model"] = model }
        let level = Convert.text(o["level"]) ?? "DEFAULT"
        r.texts["status"] = level == "ERROR" ? "error" : "ok"
        r.texts["level"] = level
        if let v = Convert.text(o["traceId"]) ?? Convert.text(trace["id"]) { r.texts["trace_id"] = v }
        if let v = Convert.text(o["name"]) { r.texts["name"] = v }
        if let v = Convert.text(o["environment"]) ?? Convert.text(trace["environment"]) { r.texts["environment"] = v }
        if let v = Convert.text(trace["userId"]) { r.texts["user_id"] = v }
        if let v = Convert.text(trace["sessionId"]) { r.texts["session_id"] = v }
        return r
    }
}
