import SLACFields

/// OpenTelemetry spans in OTLP/JSON (`resourceSpans` → `scopeSpans` → `spans`) with GenAI
/// semantic-convention attributes (`gen_ai.*`).
///
/// A file holds one export request, or several (one per line, as the collector's file exporter
/// writes them). Records are the spans with at least one `gen_ai.*` attribute (HTTP, database or
/// framework spans are not inference requests and are not counted), except agent and tool spans
/// (`gen_ai.operation.name` `invoke_agent`, `create_agent`, `execute_tool`): an agent run or a
/// tool call is not a request to a model, and counting it made an agent trace's counts, error
/// shares and latencies those of whole agent runs; positions are 1-based span
/// indices over the whole file. When a client span and a server span describe the same request
/// (the client's `gen_ai.response.id` is the server's `gen_ai.request.id`, or the server span is
/// the client span's child), they form one record, so a request is not counted twice: the
/// server's measurements win, the client fills what the server lacks (chunk timing), and a
/// failure on either side is the record's status (a server span without a status reads as `ok`,
/// which must not hide the client's error).
///
/// Conversions: span times are decimal strings of ns that exceed binary64, read as Int64;
/// `intValue` is a string (`"17"`); vLLM's `gen_ai.latency.*` and the conventions'
/// `gen_ai.response.time_to_first_chunk` are seconds; chunk events
/// (`gen_ai.content.completion.chunk`) give TTFT (first chunk − span start) when no attribute
/// does, and ITL (gaps between consecutive chunks); status code 2 (`STATUS_CODE_ERROR`) is a
/// failure, `error:<error.type>` when the span says which.
enum OTLPAdapter {
    /// One GenAI span, converted, with what the join needs.
    struct Span {
        var position: Int
        var traceId: String
        var spanId: String
        var parentSpanId: String
        /// 2 server, 3 client (OTLP `SpanKind`), 0 when unknown.
        var kind: Int
        var requestId: String?
        var responseId: String?
        var result: Result<CanonicalRecord, FieldError>
    }

    static let chunkEventNames: Set<String> = ["gen_ai.content.completion.chunk", "gen_ai.completion.chunk", "gen_ai.choice.chunk"]

    /// GenAI operations that are not requests to a model (the semantic conventions' agent and
    /// tool spans).
    static let nonRequestOperations: Set<String> = ["invoke_agent", "create_agent", "execute_tool"]

    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(TraceInputError) -> AdaptedTrace {
        var start = 0
        if hasByteOrderMark(bytes) { start = 3 }
        let documents: [(offset: Int, value: JSONValue)]
        do throws(JSONParseError) { documents = try JSONParser.parseSequence(bytes, range: start..<bytes.count) } catch {
            throw TraceInputError(path: path, message: "not a valid OTLP/JSON file: invalid JSON at byte \(start + error.offset + 1): \(error.message)")
        }
        var spans: [Span] = []
        var position = 0
        for doc in documents {
            guard case .array(let resourceSpans)? = doc.value["resourceSpans"] else {
                throw TraceInputError(path: path, message: "not a valid OTLP/JSON file: expected an object with `resourceSpans`")
            }
            for rs in resourceSpans {
                let resource = attributes(rs["resource"]?["attributes"])
                let scopes = (rs["scopeSpans"] ?? rs["instrumentationLibrarySpans"])?.arrayValue ?? []
                for scope in scopes {
                    for span in scope["spans"]?.arrayValue ?? [] {
                        position += 1
                        guard case .object(let s) = span else {
                            spans.append(Span(position: position, traceId: "", spanId: "", parentSpanId: "", kind: 0,
                                              result: .failure(FieldError(reason: "not an object but \(span.typeName)"))))
                            continue
                        }
                        let attrs = attributes(s["attributes"])
                        guard attrs.keys.contains(where: { $0.hasPrefix("gen_ai.") }) else { continue }
                        if let operation = attrs["gen_ai.operation.name"].flatMap(Convert.text), nonRequestOperations.contains(operation) { continue }
                        spans.append(Span(position: position, traceId: Convert.text(s["traceId"]) ?? "",
                                          spanId: Convert.text(s["spanId"]) ?? "", parentSpanId: Convert.text(s["parentSpanId"]) ?? "",
                                          kind: spanKind(s["kind"]), requestId: attrs["gen_ai.request.id"].flatMap(Convert.text),
                                          responseId: attrs["gen_ai.response.id"].flatMap(Convert.text),
                                          result: Result { () throws(FieldError) in try convert(s, attrs: attrs, resource: resource, position: position) }))
                    }
                }
            }
        }
        return AdaptedTrace(entries: join(spans), positions: position)
    }

    /// Pairs client and server spans of the same request into one record; the others stay.
    static func join(_ spans: [Span]) -> [AdaptedTrace.Entry] {
        var serverByRequest: [String: Int] = [:]
        var serverByParent: [String: Int] = [:]
        for (i, s) in spans.enumerated() where s.kind == 2 {
            if let r = s.requestId, !r.isEmpty { serverByRequest[r] = serverByRequest[r] ?? i }
            if !s.parentSpanId.isEmpty { serverByParent[s.traceId + "/" + s.parentSpanId] = serverByParent[s.traceId + "/" + s.parentSpanId] ?? i }
        }
        var partner: [Int: Int] = [:]  // client → server
        var taken = Set<Int>()
        for (i, s) in spans.enumerated() where s.kind == 3 {
            var server = s.responseId.flatMap { serverByRequest[$0] }
            if server == nil { server = serverByParent[s.traceId + "/" + s.spanId] }
            if let j = server, !taken.contains(j) {
                partner[i] = j
                taken.insert(j)
            }
        }
        var entries: [AdaptedTrace.Entry] = []
        for (i, s) in spans.enumerated() where !taken.contains(i) {
            var result = s.result
            if let j = partner[i] {
                result = merge(server: spans[j].result, client: s.result, position: s.position)
            }
            switch result {
            case .success(let r): entries.append(.record(r))
            case .failure(let e): entries.append(.rejected(RejectedLine(line: s.position, reason: "span \(s.position): " + e.reason)))
            }
        }
        return entries
    }

    static func merge(server: Result<CanonicalRecord, FieldError>, client: Result<CanonicalRecord, FieldError>,
                      position: Int) -> Result<CanonicalRecord, FieldError> {
        switch (server, client) {
        case (.failure(let e), _), (_, .failure(let e)): return .failure(e)
        case (.success(var s), .success(let c)):
            s.position = position
            for (k, v) in c.numbers where s.numbers[k] == nil { s.numbers[k] = v }
            for (k, v) in c.texts where s.texts[k] == nil { s.texts[k] = v }
            if s.itl == nil { s.itl = c.itl }
            if s.timestamp == nil { s.timestamp = c.timestamp }
            if let clientStatus = c.texts["status"], clientStatus != "ok", s.texts["status"] ?? "ok" == "ok" {
                s.texts["status"] = clientStatus
            }
            return .success(s)
        }
    }

    static func spanKind(_ v: JSONValue?) -> Int {
        switch v {
        case .number(let n)?: Int(n) ?? 0
        case .string(let s)?: ["SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2, "SPAN_KIND_CLIENT": 3,
                               "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5][s] ?? 0
        default: 0
        }
    }

    /// OTLP `KeyValue` list → key to the inner `AnyValue` payload (`stringValue`, `intValue`, …).
    static func attributes(_ list: JSONValue?) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for kv in list?.arrayValue ?? [] {
            guard let key = kv["key"]?.stringValue, let any = kv["value"]?.objectValue else { continue }
            if let v = any["stringValue"] ?? any["intValue"] ?? any["doubleValue"] ?? any["boolValue"] {
                out[key] = v
            } else if let arr = any["arrayValue"]?["values"]?.arrayValue {
                // Keep scalar arrays as a comma-separated text (e.g. finish reasons).
                let parts = arr.compactMap { element -> JSONValue? in
                    guard let o = element.objectValue else { return nil }
                    if let v = o["stringValue"] ?? o["intValue"] { return v }
                    return o["doubleValue"] ?? o["boolValue"]
                }.compactMap(Convert.text)
                out[key] = .string(parts.joined(separator: ","))
            }
        }
        return out
    }

    static func nanos(_ v: JSONValue?, _ source: String) throws(FieldError) -> Int64? {
        guard let d = try Convert.decimal(v, source, allowString: true) else { return nil }
        guard !d.negative, d.isWhole, let ns = d.floorInteger() else {
            throw FieldError(reason: "`\(source)` is not a whole number of ns in range: `\(d.text)`")
        }
        return ns
    }

    static func convert(_ s: [String: JSONValue], attrs: [String: JSONValue], resource: [String: JSONValue],
                        position: Int) throws(FieldError) -> CanonicalRecord {
        var r = CanonicalRecord(position: position)
        // Every scalar attribute is a text field by its key (resource attributes first, the span's win).
        for (k, v) in resource { if let t = Convert.text(v) { r.texts[k] = t } }
        for (k, v) in attrs { if let t = Convert.text(v) { r.texts[k] = t } }
        guard let start = try nanos(s["startTimeUnixNano"], "startTimeUnixNano") else { throw FieldError(reason: "missing `startTimeUnixNano`") }
        r.timestamp = start
        let end = try nanos(s["endTimeUnixNano"], "endTimeUnixNano")
        if let e2e = try Convert.metric(attrs["gen_ai.latency.e2e"], "gen_ai.latency.e2e", scale: 3, allowString: true) {
            r.numbers[CanonicalField.e2eMs.name] = e2e
        } else if let end {
            r.numbers[CanonicalField.e2eMs.name] = try Convert.milliseconds(from: start, to: end, "`endTimeUnixNano` − `startTimeUnixNano`")
        }
        var chunkTimes: [Int64] = []
        for event in s["events"]?.arrayValue ?? [] {
            guard let name = event["name"]?.stringValue, chunkEventNames.contains(name) else { continue }
            guard let t = try nanos(event["timeUnixNano"], "events.timeUnixNano") else { continue }
            chunkTimes.append(t)
        }
        chunkTimes.sort()
        if let ttft = try Convert.metric(attrs["gen_ai.latency.time_to_first_token"], "gen_ai.latency.time_to_first_token", scale: 3, allowString: true) {
            r.numbers[CanonicalField.ttftMs.name] = ttft
        } else if let ttfc = try Convert.metric(attrs["gen_ai.response.time_to_first_chunk"], "gen_ai.response.time_to_first_chunk", scale: 3, allowString: true) {
            r.numbers[CanonicalField.ttftMs.name] = ttfc
        } else if let first = chunkTimes.first {
            r.numbers[CanonicalField.ttftMs.name] = try Convert.milliseconds(from: start, to: first, "first chunk event − `startTimeUnixNano`")
        }
        if chunkTimes.count >= 2 {
            var gaps: [Double] = []
            for k in 1..<chunkTimes.count {
                gaps.append(try Convert.milliseconds(from: chunkTimes[k - 1], to: chunkTimes[k], "chunk event gap"))
            }
            r.itl = gaps
        }
        r.numbers[CanonicalField.inputTokens.name] = try Convert.metric(attrs["gen_ai.usage.input_tokens"] ?? attrs["gen_ai.usage.prompt_tokens"],
                                                       attrs["gen_ai.usage.input_tokens"] != nil ? "gen_ai.usage.input_tokens" : "gen_ai.usage.prompt_tokens",
                                                       whole: true, allowString: true)
        r.numbers[CanonicalField.outputTokens.name] = try Convert.metric(attrs["gen_ai.usage.output_tokens"] ?? attrs["gen_ai.usage.completion_tokens"],
                                                        attrs["gen_ai.usage.output_tokens"] != nil ? "gen_ai.usage.output_tokens" : "gen_ai.usage.completion_tokens",
                                                        whole: true, allowString: true)
        let code: Int
        switch s["status"]?["code"] {
        case .number(let n)?: code = Int(n) ?? 0
        case .string(let t)?: code = t == "STATUS_CODE_ERROR" ? 2 : (t == "STATUS_CODE_OK" ? 1 : 0)
        default: code = 0
        }
        if code == 2 {
            let kind = attrs["error.type"].flatMap(Convert.text) ?? attrs["http.response.status_code"].flatMap(Convert.text)
            r.texts["status"] = kind.map { "error:" + $0 } ?? "error"
        } else {
            r.texts["status"] = "ok"
        }
        r.texts["id"] = attrs["gen_ai.response.id"].flatMap(Convert.text) ?? attrs["gen_ai.request.id"].flatMap(Convert.text)
            ?? Convert.text(s["spanId"]) ?? "span \(position)"
        if let model = (attrs["gen_ai.response.model"] ?? attrs["gen_ai.request.model"]).flatMap(Convert.text) { r.texts["model"] = model }
        if let region = (attrs["cloud.region"] ?? resource["cloud.region"]).flatMap(Convert.text) { r.texts["region"] = region }
        return r
    }
}
