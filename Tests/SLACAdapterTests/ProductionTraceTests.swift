import Foundation
import SLACTool
import SLACTrace
import Testing

@Suite("LMBench adapter", .enabled(if: tracesAvailable, missingTraces))
struct LMBenchTests {
    static let files = [
        "k8s/lmbenchmark-llama-3-1-70B/vllm/LMBench_sharegpt_output_1.csv",
        "k8s/lmbenchmark-llama-3-1-70B/vllm/LMBench_sharegpt_output_10.csv",
        "k8s/lmbenchmark-llama-3-1-70B/lmcache/LMBench_sharegpt_output_10.csv",
        "k8s/lmbenchmark-llama-3-1-70B/vllm/LMBench_short_input_qps10.csv",
        "k8s/lmbenchmark-llama-3-1-70B/vllm/LMBench_long_input_output_1.csv",
        "openshift/lmbenchmark/llama8B-all-2replicas/vllm/LMBench_short_input_qps10.0.csv",
        "openshift/lmbenchmark/llama8B-long-input-high-qps/vllm/LMBench_long_input_output_4.0.csv",
        "openshift/lmbenchmark/llama8B-long-input-high-qps/llm-d/LMBench_long_input_output_4.0.csv",
    ].map { "llm-d-lmbench/" + $0 }

    /// Each CSV through `slac verify`: the accounting equals the row count of a plain split,
    /// and the p95 end-to-end latency over the term equals a nearest rank over
    /// `(ttft + generation_time) × 1000` computed from the split.
    @Test(arguments: files)
    func everyFile(_ file: String) throws {
        let csv = try plainCSV(trace(file))
        let ttft = try #require(csv.header.firstIndex(of: "ttft"))
        let gen = try #require(csv.header.firstIndex(of: "generation_time"))
        let e2e = csv.rows.compactMap { r -> Double? in
            guard let a = Double(r[ttft]), let b = Double(r[gen]) else { return nil }
            return (a + b) * 1000
        }
        let run = try verify(contract: "lmbench", traces: [trace(file)])
        if csv.rows.isEmpty {
            // Header only (../shared/traces/PROVENANCE.md, section 4): nothing judged is an input error, never a green run.
            #expect(run.output.exitCode == 3 && run.report == nil)
            #expect(run.output.standardError.contains("holds no records"))
            return
        }
        let report = try #require(run.report)
        expectAccounting(report.traces[0], format: "lmbench", read: csv.rows.count, accepted: csv.rows.count)
        let observed = try report.clause("S.3").windows.first?.observed.flatMap(Double.init)
        #expect(close(observed, nearestRank(e2e, hundredths: 9500), relative: 1e-9), "\(file): \(String(describing: observed))")
    }

    @Test func floatTokenCountsAndEpochSeconds() throws {
        let file = trace("llm-d-lmbench/k8s/lmbenchmark-llama-3-1-70B/vllm/LMBench_short_input_qps10.csv")
        let scan = try scanFile(file)
        let csv = try plainCSV(file)
        #expect(scan.records.count == 1051)
        let first = scan.records[0]
        // `76.0,20.0,…,1746003449.2946029,…`: whole tokens, launch time to the exact ns.
        #expect(first.numbers[Slot.input] == 76 && first.numbers[Slot.output] == 20)
        #expect(csv.rows[0][6] == "1746003449.2946029" && first.timestamp == 1_746_003_449_294_602_900)
        #expect(first.numbers[Slot.ttft] == 106.77886009216309)
        // Rows are not sorted by launch time (../shared/traces/PROVENANCE.md, section 9) and that does not matter.
        #expect(zip(scan.records, scan.records.dropFirst()).contains { $0.timestamp > $1.timestamp })
    }

    @Test func secondsSumExactly() throws {
        // 0.1 + 0.2 s is 300 ms exactly (binary64 would give 300.00000000000006).
        let text = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n10,3,0.1,0.2,1700000000.5,1700000000.8\n10,2.5,0.1,0.2,1,2\n"
        let trace = try Array(text.utf8).withUnsafeBytes { try AdaptedTrace.parse($0, format: .lmbench, options: AdapterOptions()) }
        #expect(trace.records.first?.numbers["e2e_ms"] == 300)
        #expect(trace.records.first?.numbers["ttft_ms"] == 100)
        #expect(trace.records.first?.timestamp == 1_700_000_000_500_000_000)
        #expect(trace.rejections == [RejectedLine(line: 3, reason: "`generation_tokens` is not a whole number of tokens: `2.5`")])
    }
}

@Suite("Azure adapter", .enabled(if: tracesAvailable, missingTraces))
struct AzureTests {
    static let code = trace("azure-llm-inference-2023/AzureLLMInferenceTrace_code.csv")
    static let conv = trace("azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv")

    /// Total tokens of the hour (over the term) and per clock hour, against a plain CSV split
    /// grouped by the `YYYY-MM-DD HH` prefix of the timestamp text.
    @Test(arguments: [code, conv])
    func tokensOfTheHour(_ file: String) throws {
        let csv = try plainCSV(file)
        #expect(csv.header == ["TIMESTAMP", "ContextTokens", "GeneratedTokens"])
        var total = 0
        var byHour: [String: Int] = [:]
        var byMinute: [String: Int] = [:]
        for r in csv.rows {
            let t = (Int(r[1]) ?? 0) + (Int(r[2]) ?? 0)
            total += t
            byHour[String(r[0].prefix(13)), default: 0] += t
            byMinute[String(r[0].prefix(16)), default: 0] += 1
        }
        let run = try verify(contract: "azure", traces: [file])
        let report = try #require(run.report)
        expectAccounting(report.traces[0], format: "azure", read: csv.rows.count, accepted: csv.rows.count)
        #expect(try report.clause("U.4").windows.first?.observed == "\(total)")
        let hours = try report.clause("U.2").windows
        #expect(hours.count == byHour.count)
        for w in hours {
            // window start `2023-11-16T18:00:00Z` ↔ text prefix `2023-11-16 18`
            let key = w.start.prefix(10) + " " + w.start.dropFirst(11).prefix(2)
            #expect(w.observed == byHour[String(key)].map { "\($0)" }, "hour \(w.start)")
        }
        let minutes = try report.clause("U.1").windows
        #expect(minutes.count == byMinute.count)
        for w in minutes {
            let key = w.start.prefix(10) + " " + w.start.dropFirst(11).prefix(5)
            #expect(w.count == byMinute[String(key)], "minute \(w.start)")
        }
    }

    @Test func sevenFractionalDigitsCRLFAndNoFinalNewline() throws {
        let scan = try scanFile(Self.code)
        #expect(scan.format == .azure && scan.records.count == 8819 && scan.rejected.isEmpty)
        // First row `2023-11-16 18:17:03.9799600,4808,10`, read as UTC.
        #expect(scan.records[0].timestamp == 1_700_158_623_979_960_000)
        #expect(scan.records[0].numbers[Slot.input] == 4808 && scan.records[0].numbers[Slot.output] == 10)
        #expect(scan.records[0].texts[Slot.id] == "line 2" && scan.records.last?.texts[Slot.id] == "line 8820")
        // The last row has no line break after it and is still read (`…19:14:19.9280160,549,173`).
        #expect(scan.records.last?.numbers[Slot.input] == 549 && scan.records.last?.numbers[Slot.output] == 173)
    }

    @Test func latencyClausesAreInputErrors() throws {
        let run = try verify(contract: "lmbench", traces: [Self.code])
        #expect(run.output.exitCode == 3 && run.report == nil)
        let err = run.output.standardError
        #expect(err.contains("error[SLA0606]: clause `S.1` (ttft_p99) needs `ttft_ms`, which `azure` traces do not carry"))
        #expect(err.contains("error[SLA0606]: clause `S.2` (decode_rate) needs `e2e_ms`, which `azure` traces do not carry"))
        #expect(err.contains("was read as `azure`"))
    }
}

@Suite("Mooncake adapter", .enabled(if: tracesAvailable, missingTraces))
struct MooncakeTests {
    static let conversation = trace("mooncake-fast25/conversation_trace.jsonl")
    static let synthetic = trace("mooncake-fast25/synthetic_trace.jsonl")

    @Test(arguments: [(conversation, 12031), (synthetic, 3993)])
    func countsAndTokens(_ file: String, _ expected: Int) throws {
        let rows = try foundationJSONLines(file)
        #expect(rows.count == expected)
        let outputTotal = rows.compactMap { ($0["output_length"] as? NSNumber)?.intValue }.reduce(0, +)
        let firstMinute = rows.filter { (($0["timestamp"] as? NSNumber)?.intValue ?? -1) < 60_000 }.count
        let run = try verify(contract: "mooncake", traces: [file], epoch: "2024-06-01T00:00:00Z")
        let report = try #require(run.report)
        expectAccounting(report.traces[0], format: "mooncake", read: expected, accepted: expected)
        #expect(try report.clause("M.4").windows.first?.observed == "\(outputTotal)")
        let arrivals = try report.clause("M.1").windows
        #expect(arrivals.first?.start == "2024-06-01T00:00:00Z")
        #expect(arrivals.first?.count == firstMinute)
        #expect(arrivals.map(\.count).reduce(0, +) == expected)
    }

    @Test func epochIsRequired() throws {
        let run = try verify(contract: "mooncake", traces: [Self.synthetic])
        #expect(run.output.exitCode == 3 && run.report == nil)
        #expect(run.output.standardError.contains("`mooncake` trace, whose timestamps are milliseconds since the trace start"))
        #expect(run.output.standardError.contains("pass `--epoch INSTANT`"))
        // The scanner alone says the same when no epoch is bound.
        let input = try TraceInput(path: Self.synthetic)
        #expect(throws: TraceInputError.self) {
            _ = try TraceScanner(format: .mooncake, request: allFields, bytes: input.bytes, options: AdapterOptions())
        }
        let bad = try verify(contract: "mooncake", traces: [Self.synthetic], epoch: "yesterday")
        #expect(bad.output.exitCode == 2 && bad.output.standardError.contains("`--epoch` is not an instant"))
    }

    @Test func epochAsADate() throws {
        let scan = try scanFile(Self.synthetic, options: AdapterOptions(epoch: AdapterOptions.parseInstant("2024-06-01")))
        #expect(scan.records.first?.timestamp == 1_717_200_000_000_000_000)
        #expect(AdapterOptions.parseInstant("2024-06-01T02:00:00+02:00") == 1_717_200_000_000_000_000)
        #expect(AdapterOptions.parseInstant("2024-06-01T00:00:00") == nil)  // no offset: ambiguous
    }
}
