/// Recognises the adapter formats from the start of a file (docs/formats.md: the format is detected when
/// `--format` is not given, and the report names it).
///
/// Only the first line (at most `probeLimit` bytes) is looked at, so detection stays cheap on
/// large canonical traces.
enum AdapterDetection {
    static let probeLimit = 1 << 20

    /// For input whose first non-blank byte (at `start`) is `{`: an adapter format, or nil
    /// (canonical JSON Lines). `lineEnd` is the end of the first line.
    static func object(_ bytes: UnsafeRawBufferPointer, start: Int, lineEnd: Int) -> TraceFormat? {
        let end = min(lineEnd, start + probeLimit)
        if end == lineEnd, case .object(let o)? = try? JSONParser.parse(bytes, range: start..<end) {
            if o["ts"] != nil { return nil }
            if o["resourceSpans"] != nil { return .otlp }
            if o["observations"] != nil { return .langfuse }
            if o["metadata"] != nil && o["metrics"] != nil { return .aiperf }
            if o["timestamp"] != nil && o["input_length"] != nil && o["output_length"] != nil { return .mooncake }
            return nil
        }
        // A pretty-printed or very long document: its first key decides.
        switch firstKey(bytes, start: start) {
        case "resourceSpans": return .otlp
        case "trace", "observations": return .langfuse
        default: return nil
        }
    }

    /// For input whose first non-blank byte is `[`: LLMPerf, Langfuse or OTLP from the keys in the
    /// first `probeLimit` bytes, or nil.
    static func array(_ bytes: UnsafeRawBufferPointer, start: Int) -> TraceFormat? {
        let end = min(bytes.count, start + 64 << 10)
        let prefix = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        if prefix.contains("\"ttft_s\"") || prefix.contains("\"end_to_end_latency_s\"") { return .llmperf }
        if prefix.contains("\"resourceSpans\"") { return .otlp }
        if prefix.contains("\"observations\"") || prefix.contains("\"GENERATION\"") { return .langfuse }
        return nil
    }

    /// For a CSV header: Azure or LMBench from its column names, or nil.
    static func csvHeader(_ names: [String]) -> TraceFormat? {
        let set = Set(names)
        if set.isSuperset(of: AzureAdapter.required) { return .azure }
        if set.isSuperset(of: ["prompt_tokens", "generation_tokens", "ttft", "generation_time"]) { return .lmbench }
        return nil
    }

    /// The tie-breaker when the content decides nothing (empty input): well-known file names.
    static func byName(_ path: String) -> TraceFormat? {
        let name = (path.split(separator: "/").last.map(String.init) ?? path).lowercased()
        if name.hasPrefix("azurellminferencetrace") && name.contains(".csv") { return .azure }
        if name.hasPrefix("lmbench_") && name.contains(".csv") { return .lmbench }
        if name.hasPrefix("profile_export") && name.contains(".jsonl") { return .aiperf }
        return nil
    }

    /// The first key of the object starting at `start` (a `{`), if it is a plain string.
    static func firstKey(_ bytes: UnsafeRawBufferPointer, start: Int) -> String? {
        var i = start + 1
        let n = min(bytes.count, start + 4096)
        while i < n && (bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D) { i += 1 }
        guard i < n, bytes[i] == UInt8(ascii: "\"") else { return nil }
        var j = i + 1
        while j < n && bytes[j] != UInt8(ascii: "\"") && bytes[j] != UInt8(ascii: "\\") { j += 1 }
        guard j < n, bytes[j] == UInt8(ascii: "\"") else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(i + 1)..<j]), as: UTF8.self)
    }
}

extension TraceFormatDetection {
    /// When `bytes` is a benchmark *summary* (aggregate statistics of a run, not per-request
    /// records), what it is and where the per-request records are; nil otherwise.
    ///
    /// Tools write summaries next to their per-request files (LLMPerf `summary/*.json`, AIPerf
    /// `profile_export_aiperf.{json,csv}`, vLLM `benchmark_serving` results). Read as a trace they
    /// would only give a page of rejected lines, so `slac verify` says what they are instead.
    /// Only the first MiB is examined.
    package static func summaryKind(bytes: UnsafeRawBufferPointer) -> (what: String, help: String)? {
        guard bytes.count > 0 else { return nil }
        var i = 0
        if hasByteOrderMark(bytes) { i = 3 }
        while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D) { i += 1 }
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "{") {
            let end = min(bytes.count, i + AdapterDetection.probeLimit)
            guard case .object(let o)? = try? JSONParser.parse(bytes, range: i..<end) else { return nil }
            if o["num_concurrent_requests"] != nil && o.keys.contains(where: { $0.hasPrefix("results_") }) {
                return ("an LLMPerf summary (aggregate statistics, no per-request records)",
                        "the per-request results are LLMPerf's `*_individual_responses.json` files (`individual/` in the leaderboard); read them with `--format llmperf`")
            }
            if o["records"] != nil && o["input_config"] != nil {
                return ("an AIPerf summary (`profile_export_aiperf.json`, aggregate statistics)",
                        "the per-request records are in `profile_export.jsonl` next to it (`--format aiperf`)")
            }
            if o["mean_ttft_ms"] != nil || o["p99_ttft_ms"] != nil {
                return ("a vLLM `benchmark_serving` summary (aggregate statistics, no per-request records)",
                        "verify per-request traces instead, e.g. the LMBench CSVs of the same run (`--format lmbench`)")
            }
            return nil
        }
        let lineEnd = (i..<min(bytes.count, i + 4096)).first { bytes[$0] == 0x0A } ?? min(bytes.count, i + 4096)
        let header = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<lineEnd]), as: UTF8.self)
        let cells = header.split(separator: ",").map { String($0).trimmingBlanks() }
        if cells.first == "Metric" && (cells.contains("p99") || cells.contains("avg") || cells.contains("Value")) {
            return ("an AIPerf summary CSV (aggregate statistics)",
                    "the per-request records are in `profile_export.jsonl` next to it (`--format aiperf`)")
        }
        return nil
    }
}
