import SLACFields

/// One source field of a format and the canonical field it becomes.
package struct FieldMapping: Sendable, Equatable {
    /// The field as the tool writes it (a JSON path, CSV column or OTLP attribute).
    package var source: String
    /// The canonical field (docs/formats.md), or `—` when the source is dropped.
    package var canonical: String
    /// The unit conversion or rule, e.g. `s → ms (× 1000, exact decimal)`.
    package var conversion: String

    /// Creates a mapping row (source, canonical field, conversion), as the tables list them.
    package init(_ source: String, _ canonical: String, _ conversion: String) {
        self.source = source
        self.canonical = canonical
        self.conversion = conversion
    }
}

/// What a trace format carries, so that a contract needing a field the format lacks is an input
/// error before evaluation (not a silently empty result), and so that `slac formats` and
/// `docs/formats.md` describe every mapping from one source.
package struct FormatDescription: Sendable, Equatable {
    /// How a record's `line` counts.
    package enum PositionUnit: String, Sendable {
        case line, element, span, observation
    }

    /// The format described.
    package var format: TraceFormat
    /// The tool or dataset that writes it.
    package var title: String
    /// File layout in one line.
    package var layout: String
    /// What `line` in a rejection or record means.
    package var positionUnit: PositionUnit
    /// Canonical and extra fields the format can provide; nil: any field (canonical formats).
    package var fields: Set<String>?
    /// Whether any attribute of the source is also a text field by its own name (OTLP).
    package var attributeFields: Bool
    /// Whether records carry `ts`.
    package var hasTimestamps: Bool
    /// Whether `ts` needs `--epoch` (relative timestamps).
    package var needsEpoch: Bool
    /// How detection recognises it.
    package var detection: String
    /// Source field → canonical field, with the conversion, in table order.
    package var mappings: [FieldMapping]
    /// Source data that has no canonical field and is not read.
    package var dropped: [String]

    /// Whether records of this format can carry `field` (`ts` included).
    package func provides(_ field: String) -> Bool {
        if field == "ts" { return hasTimestamps }
        guard let fields else { return true }
        if fields.contains(field) { return true }
        return attributeFields && !FormatDescription.canonicalFields.contains(field)
    }

    /// The canonical record fields (docs/formats.md).
    package static let canonicalFields: Set<String> = ["id", "ts", "tenant", "model", "region", "status", CanonicalField.inputTokens.name,
                                                      CanonicalField.outputTokens.name, CanonicalField.ttftMs.name, CanonicalField.e2eMs.name, CanonicalField.itlMs.name, CanonicalField.energyJ.name]
}

extension TraceFormat {
    /// The description of this format (fields, conversions, detection).
    package var formatDescription: FormatDescription { FormatCatalog.description(of: self) }

    /// Whether the format's timestamps count from the trace's start (Mooncake), so that reading
    /// it needs `--epoch` and its report records the epoch.
    package var needsEpoch: Bool { isAdapter && formatDescription.needsEpoch }
}

/// The descriptions of all formats, in `TraceFormat.allCases` order.
package enum FormatCatalog {
    /// Every format's description, for `slac formats` and the docs.
    package static var all: [FormatDescription] { TraceFormat.allCases.map(description(of:)) }

    /// The description of `format`: one place for what it carries and how it converts, so that
    /// the missing-information check, `slac formats` and `docs/formats.md` cannot disagree.
    package static func description(of format: TraceFormat) -> FormatDescription {
        switch format {
        case .jsonl:
            return FormatDescription(
                format: .jsonl, title: "canonical JSON Lines (docs/formats.md)", layout: "one JSON object per line",
                positionUnit: .line, fields: nil, attributeFields: false, hasTimestamps: true, needsEpoch: false,
                detection: "first non-blank byte `{` (and no adapter's keys)",
                mappings: [FieldMapping("any key", "the field of that name", "no conversion: values are in canonical units (`ts` RFC 3339 or epoch ms)")], dropped: [])
        case .csv:
            return FormatDescription(
                format: .csv, title: "canonical CSV (docs/formats.md)", layout: "RFC 4180 CSV, header row naming the fields",
                positionUnit: .line, fields: nil, attributeFields: false, hasTimestamps: true, needsEpoch: false,
                detection: "a header row with a `ts` column",
                mappings: [FieldMapping("any column", "the field of that name", "no conversion: values are in canonical units")], dropped: [])
        case .llmperf:
            return FormatDescription(
                format: .llmperf, title: "LLMPerf per-request results", layout: "a JSON array of request objects",
                positionUnit: .element,
                fields: ["id", "status", CanonicalField.inputTokens.name, CanonicalField.outputTokens.name, CanonicalField.ttftMs.name, CanonicalField.e2eMs.name], attributeFields: false,
                hasTimestamps: false, needsEpoch: false,
                detection: "a JSON array whose objects have `ttft_s` / `end_to_end_latency_s`",
                mappings: [
                    FieldMapping("(element index)", "id", "`element N` (LLMPerf has no request id)"),
                    FieldMapping("error_code", "status", "null or empty → `ok`; else `error:<code>` (`429.0` → `error:429`)"),
                    FieldMapping("ttft_s", CanonicalField.ttftMs.name, "s → ms (exact decimal × 1000); in failed rows 0 is a placeholder → absent"),
                    FieldMapping("end_to_end_latency_s", CanonicalField.e2eMs.name, "s → ms; in failed rows 0 is a placeholder → absent"),
                    FieldMapping("number_input_tokens", CanonicalField.inputTokens.name, "whole tokens (client-side tokenizer)"),
                    FieldMapping("number_output_tokens", CanonicalField.outputTokens.name, "whole tokens; absent in failed rows that never completed (placeholder `1`)"),
                    FieldMapping("(none)", "ts", "no timestamps: only `over term` clauses can run; records are placed at the term start"),
                ],
                dropped: ["inter_token_latency_s (a per-request mean, not chunk gaps)", "request_output_throughput_token_per_s (derivable: use `e2e_tps`)",
                          "number_total_tokens (derivable: `total_tokens`)", "error_msg", "GEN_TEXT"])
        case .aiperf:
            return FormatDescription(
                format: .aiperf, title: "AIPerf / GenAI-Perf `profile_export.jsonl`", layout: "one JSON object per line (`metadata`, `metrics`, `error`)",
                positionUnit: .line,
                fields: ["id", "status", CanonicalField.inputTokens.name, CanonicalField.outputTokens.name, CanonicalField.ttftMs.name, CanonicalField.e2eMs.name, CanonicalField.itlMs.name,
                         "conversation_id", "turn_index", "worker_id", "credit_phase"], attributeFields: false,
                hasTimestamps: true, needsEpoch: false,
                detection: "first line an object with `metadata` and `metrics`",
                mappings: [
                    FieldMapping("metadata.timestamp_ns", "ts", "epoch ns, exact (Int64)"),
                    FieldMapping("metadata.x_request_id", "id", "as is"),
                    FieldMapping("error", "status", "null → `ok`; else `error:<code>` (e.g. `error:499`)"),
                    FieldMapping("metrics.ttft", CanonicalField.ttftMs.name, "by its `unit` (ms as is; ns, us, s converted exactly)"),
                    FieldMapping("metrics.request_latency", CanonicalField.e2eMs.name, "by its `unit`"),
                    FieldMapping("metrics.inter_chunk_latency", CanonicalField.itlMs.name, "list, by its `unit` (chunk gaps from the 2nd chunk on)"),
                    FieldMapping("metrics.input_sequence_length", CanonicalField.inputTokens.name, "whole tokens"),
                    FieldMapping("metrics.output_sequence_length", CanonicalField.outputTokens.name, "whole tokens, answer + reasoning (else `output_token_count` + `reasoning_token_count`)"),
                    FieldMapping("metadata.conversation_id, turn_index, worker_id, credit_phase", "same names", "text, for `per` and `exclude requests where credit_phase = \"warmup\"`"),
                ],
                dropped: ["metrics.ttst, inter_token_latency, output_token_throughput_per_user (derivable)", "metrics.reasoning_token_count (inside output_tokens)",
                          "metrics.min_request_timestamp, max_response_timestamp", "error.message", "metadata.x_correlation_id, record_processor_id"])
        case .lmbench:
            return FormatDescription(
                format: .lmbench, title: "LMBench (LMCache benchmark) per-request CSV", layout: "CSV with a header row",
                positionUnit: .line,
                fields: ["id", CanonicalField.inputTokens.name, CanonicalField.outputTokens.name, CanonicalField.ttftMs.name, CanonicalField.e2eMs.name, "user_id", "question_id"], attributeFields: false,
                hasTimestamps: true, needsEpoch: false,
                detection: "a CSV header with `prompt_tokens`, `generation_tokens`, `ttft`, `generation_time`",
                mappings: [
                    FieldMapping("launch_time", "ts", "float epoch s → ns (exact decimal, below 1 ns toward the past)"),
                    FieldMapping("(line number)", "id", "`line N` (no request id)"),
                    FieldMapping("ttft", CanonicalField.ttftMs.name, "s → ms (exact decimal)"),
                    FieldMapping("ttft + generation_time", CanonicalField.e2eMs.name, "s → ms, summed exactly (generation time runs from first to last token)"),
                    FieldMapping("prompt_tokens", CanonicalField.inputTokens.name, "whole tokens (`76.0` is 76)"),
                    FieldMapping("generation_tokens", CanonicalField.outputTokens.name, "whole tokens"),
                    FieldMapping("user_id, question_id", "same names", "text (multi-round files only)"),
                ],
                dropped: ["finish_time (= launch_time + e2e)", "status: LMBench writes finished requests only; no status is carried"])
        case .otlp:
            return FormatDescription(
                format: .otlp, title: "OpenTelemetry GenAI spans (OTLP/JSON)", layout: "`resourceSpans` → `scopeSpans` → `spans`, one or more export requests",
                positionUnit: .span,
                fields: ["id", "tenant", "model", "region", "status", CanonicalField.inputTokens.name, CanonicalField.outputTokens.name, CanonicalField.ttftMs.name, CanonicalField.e2eMs.name, CanonicalField.itlMs.name], attributeFields: true,
                hasTimestamps: true, needsEpoch: false,
                detection: "an object with `resourceSpans`",
                mappings: [
                    FieldMapping("startTimeUnixNano", "ts", "decimal string of ns → Int64, exact"),
                    FieldMapping("gen_ai.latency.e2e (vLLM)", CanonicalField.e2eMs.name, "s → ms; else endTimeUnixNano − startTimeUnixNano (ns → ms)"),
                    FieldMapping("gen_ai.latency.time_to_first_token (vLLM)", CanonicalField.ttftMs.name, "s → ms; else gen_ai.response.time_to_first_chunk (s); else first chunk event − span start"),
                    FieldMapping("events named gen_ai.content.completion.chunk", CanonicalField.itlMs.name, "gaps between consecutive chunk times (ns → ms)"),
                    FieldMapping("gen_ai.usage.input_tokens (or prompt_tokens)", CanonicalField.inputTokens.name, "`intValue` string or number, whole"),
                    FieldMapping("gen_ai.usage.output_tokens (or completion_tokens)", CanonicalField.outputTokens.name, "`intValue` string or number, whole"),
                    FieldMapping("status.code", "status", "2 / `STATUS_CODE_ERROR` → `error:<error.type>` (or `error`); else `ok`; of a joined client and server span, the failure if either failed"),
                    FieldMapping("gen_ai.response.id / gen_ai.request.id / spanId", "id", "first present"),
                    FieldMapping("gen_ai.response.model / gen_ai.request.model", "model", "first present"),
                    FieldMapping("cloud.region (span or resource)", "region", "as is"),
                    FieldMapping("tenant (span or resource attribute)", "tenant", "as is, when an instrumentation sets it (the conventions define no tenant)"),
                    FieldMapping("any other span or resource attribute", "its key", "text (e.g. `per gen_ai.system`)"),
                ],
                dropped: ["non-GenAI spans (no `gen_ai.*` attribute): not requests, not counted",
                          "agent and tool spans (`gen_ai.operation.name` `invoke_agent`, `create_agent`, `execute_tool`): an agent run or tool call is not a request to a model, not counted",
                          "a client span joined to its server span (same request) is merged, not counted twice",
                          "other events, links, array attributes beyond their text"])
        case .langfuse:
            return FormatDescription(
                format: .langfuse, title: "Langfuse trace export", layout: "`{trace, observations}`, an array of those, or an array of observations",
                positionUnit: .observation,
                fields: ["id", "model", "status", CanonicalField.inputTokens.name, CanonicalField.outputTokens.name, CanonicalField.ttftMs.name, CanonicalField.e2eMs.name,
                         "trace_id", "name", "environment", "level", "user_id", "session_id"], attributeFields: false,
                hasTimestamps: true, needsEpoch: false,
                detection: "an object with `observations` (or first key `trace`)",
                mappings: [
                    FieldMapping("observations[type=GENERATION]", "(record)", "other observation types are not requests and are not counted"),
                    FieldMapping("startTime", "ts", "RFC 3339 → ns"),
                    FieldMapping("endTime − startTime", CanonicalField.e2eMs.name, "ns → ms (the `latency` field is s in some exports, ms in others: not used)"),
                    FieldMapping("completionStartTime − startTime", CanonicalField.ttftMs.name, "ns → ms; null → absent"),
                    FieldMapping("usageDetails.input", CanonicalField.inputTokens.name, "whole tokens; without `usageDetails`: `usage.input` or `inputUsage`"),
                    FieldMapping("usageDetails.output", CanonicalField.outputTokens.name, "whole tokens; absent when `usageDetails` lacks it (`outputUsage: 0` is not a count then)"),
                    FieldMapping("level", "status", "`ERROR` → `error`; else `ok`"),
                    FieldMapping("id", "id", "observation id"),
                    FieldMapping("model", "model", "as is"),
                    FieldMapping("traceId, name, environment, level, trace.userId, trace.sessionId", "trace_id, name, environment, level, user_id, session_id", "text"),
                ],
                dropped: ["latency, timeToFirstToken (unit differs between exports; recomputed from times)", "costDetails and *Cost (money is not a trace metric)",
                          "input, output, metadata, modelParameters", "trace.latency"])
        case .azure:
            return FormatDescription(
                format: .azure, title: "Azure LLM inference trace (Azure Public Dataset)", layout: "CSV `TIMESTAMP,ContextTokens,GeneratedTokens`",
                positionUnit: .line,
                fields: ["id", CanonicalField.inputTokens.name, CanonicalField.outputTokens.name], attributeFields: false,
                hasTimestamps: true, needsEpoch: false,
                detection: "a CSV header `TIMESTAMP,ContextTokens,GeneratedTokens`",
                mappings: [
                    FieldMapping("TIMESTAMP", "ts", "`YYYY-MM-DD HH:MM:SS.fffffff` without offset → UTC, 100 ns kept exactly"),
                    FieldMapping("(line number)", "id", "`line N` (no request id)"),
                    FieldMapping("ContextTokens", CanonicalField.inputTokens.name, "whole tokens"),
                    FieldMapping("GeneratedTokens", CanonicalField.outputTokens.name, "whole tokens"),
                ],
                dropped: ["nothing: the trace has no latencies, status, tenant or model (clauses on them are input errors)"])
        case .mooncake:
            return FormatDescription(
                format: .mooncake, title: "Mooncake / Kimi arrival trace (FAST'25)", layout: "one JSON object per line",
                positionUnit: .line,
                fields: ["id", CanonicalField.inputTokens.name, CanonicalField.outputTokens.name], attributeFields: false,
                hasTimestamps: true, needsEpoch: true,
                detection: "first line an object with `timestamp`, `input_length`, `output_length`",
                mappings: [
                    FieldMapping("timestamp", "ts", "ms since the trace start + `--epoch INSTANT` (required) → ns"),
                    FieldMapping("(line number)", "id", "`line N` (no request id)"),
                    FieldMapping("input_length", CanonicalField.inputTokens.name, "whole tokens"),
                    FieldMapping("output_length", CanonicalField.outputTokens.name, "whole tokens"),
                ],
                dropped: ["hash_ids (prefix-cache blocks of 512 tokens)"])
        }
    }

    /// The text `slac formats` prints: per format, its layout, detection and field mappings.
    package static func render() -> String {
        var out = ""
        for d in all {
            out += "\(d.format.rawValue) — \(d.title)\n"
            out += "  layout:    \(d.layout) (record position: \(d.positionUnit.rawValue))\n"
            out += "  detected:  \(d.detection)\n"
            if !d.hasTimestamps { out += "  note:      records have no timestamps; only `over term` clauses can run\n" }
            if d.needsEpoch { out += "  note:      needs `--epoch INSTANT` (timestamps are relative to the trace start)\n" }
            let width = d.mappings.map { $0.source.count }.max() ?? 0
            for m in d.mappings {
                out += "  " + m.source + String(repeating: " ", count: max(1, width - m.source.count + 1)) + "→ \(m.canonical): \(m.conversion)\n"
            }
            for x in d.dropped { out += "  dropped:   \(x)\n" }
            out += "\n"
        }
        return out
    }
}
