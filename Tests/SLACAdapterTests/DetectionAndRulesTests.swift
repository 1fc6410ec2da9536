import Foundation
import SLACReport
import SLACTool
import SLACTrace
import Testing

@Suite("Format detection and summaries", .enabled(if: tracesAvailable, missingTraces))
struct DetectionTests {
    static let expected: [(String, TraceFormat)] = [
        ("llmperf-leaderboard/individual/replicate_70b.json", .llmperf),
        ("aiperf-example/profile_export.jsonl", .aiperf),
        ("llm-d-lmbench/k8s/lmbenchmark-llama-3-1-70B/vllm/LMBench_sharegpt_output_1.csv", .lmbench),
        ("llm-d-lmbench/k8s/lmbenchmark-llama-3-1-70B/vllm/LMBench_long_input_output_1.csv", .lmbench),
        ("langfuse-framework-traces/beeai-2025-08-01.json", .langfuse),
        ("azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv", .azure),
        ("mooncake-fast25/conversation_trace.jsonl", .mooncake),
    ]

    @Test(arguments: expected.map(\.0))
    func detectedFromContent(_ file: String) throws {
        let input = try TraceInput(path: trace(file))
        let want = try #require(Self.expected.first { $0.0 == file }?.1)
        #expect(TraceFormatDetection.detect(bytes: input.bytes, path: trace(file)) == want)
        // Content decides, not the name.
        #expect(TraceFormatDetection.detect(bytes: input.bytes, path: "renamed.data") == want)
    }

    @Test func canonicalDetectionIsUnchanged() {
        func detect(_ text: String, _ path: String = "x") -> TraceFormat {
            Array(text.utf8).withUnsafeBytes { TraceFormatDetection.detect(bytes: $0, path: path) }
        }
        #expect(detect(#"{"ts":"2026-03-01T00:00:00Z","metadata":1,"metrics":2}"#) == .jsonl)
        #expect(detect(#"{"id":"r1","ts":1}"#) == .jsonl)
        #expect(detect("id,ts,tenant\n") == .csv)
        #expect(detect("id,tenant\n1,acme\n") == .csv)
        // A malformed first line with a comma, then a JSON object: JSON Lines.
        #expect(detect("garbage, line\n\n{\"id\":\"r1\"}\n") == .jsonl)
        #expect(detect("", "AzureLLMInferenceTrace_code.csv") == .azure)  // empty: the name breaks the tie
        #expect(detect("", "t.jsonl") == .jsonl)
    }

    /// Benchmark summaries are named for what they are (exit 3), not read as 80 rejected lines.
    @Test(arguments: ["llmperf-leaderboard/summary/groq_70b.json", "aiperf-example/profile_export_aiperf.json",
                      "aiperf-example/profile_export_aiperf.csv", "llm-d-lmbench/openshift/exp-7/vllm-2replicas/benchmark_2025-05-11_22-45-40.json"])
    func summariesAreNotTraces(_ file: String) throws {
        let run = try verify(contract: "llmperf", traces: [trace(file)])
        #expect(run.output.exitCode == 3 && run.report == nil)
        #expect(run.output.standardError.contains("summary"), "\(run.output.standardError)")
        #expect(run.output.standardError.contains("= help:"))
    }

    @Test func formatOverrideAndUnknownFormat() throws {
        let file = trace("llmperf-leaderboard/individual/groq_70b.json")
        let run = try verify(contract: "llmperf", traces: [file], format: "llmperf")
        #expect(run.report?.traces.first?.attributes["format"] == "llmperf")
        let bad = try verify(contract: "llmperf", traces: [file], format: "vllm")
        #expect(bad.output.exitCode == 2 && bad.output.standardError.contains("`mooncake`"))
    }

    /// Every adapter's report is valid against the shipped XSD (Schemas/slac-report-1.xsd).
    @Test(arguments: [("llmperf", "llmperf-leaderboard/individual/bedrock_70b.json", nil), ("aiperf", "aiperf-example/profile_export.jsonl", nil),
                      ("lmbench", "llm-d-lmbench/k8s/lmbenchmark-llama-3-1-70B/vllm/LMBench_short_input_qps10.csv", nil),
                      ("langfuse", "langfuse-framework-traces/beeai-2025-08-01.json", nil),
                      ("azure", "azure-llm-inference-2023/AzureLLMInferenceTrace_code.csv", nil),
                      ("mooncake", "mooncake-fast25/synthetic_trace.jsonl", "2024-06-01")] as [(String, String, String?)])
    func reportsAreSchemaValid(_ contractName: String, _ file: String, _ epoch: String?) throws {
        let run = try verify(contract: contractName, traces: [trace(file)], epoch: epoch)
        let xml = try #require(run.xml)
        #expect(try SchemaValidator.bundled().validate(Array(xml)) == [])
        #expect(run.report?.traces.first?.attributes["format"] == contractName)
    }

    /// Adapter formats are one chunk: more jobs give the same report bytes.
    @Test func jobsDoNotChangeTheReport() throws {
        let files = [trace("azure-llm-inference-2023/AzureLLMInferenceTrace_code.csv")]
        let one = try verify(contract: "azure", traces: files, jobs: 1)
        let four = try verify(contract: "azure", traces: files, jobs: 4)
        #expect(one.xml != nil && one.xml == four.xml)
    }
}

@Suite("Adapter building blocks")
struct BuildingBlockTests {
    func dec(_ s: String) throws -> DecimalText {
        guard let d = DecimalText(s) else { throw TestFailure("`\(s)` did not parse") }
        return d
    }

    @Test func decimalShiftsAreExact() throws {
        #expect(try dec("1.005").double(scale: 3) == 1005)
        #expect(1.005 * 1000 != 1005)  // why the shift matters
        #expect(try dec("1745998832.0758657").floorInteger(scale: 9) == 1_745_998_832_075_865_700)
        #expect(try dec("-1.0000000001").floorInteger(scale: 9) == -1_000_000_001)
        #expect(try dec("76.0").isWhole && !(try dec("76.5").isWhole))
        #expect(try dec("1e-05").double(scale: 3) == 0.01)
        #expect(try dec("99999999999999999999").floorInteger() == nil)  // beyond Int64
        let sum = try dec("0.1") + dec("0.2")
        #expect(sum.double(scale: 3) == 300 && sum.text == "0.3")
        for bad in ["", "-", ".", "1e", "nan", "inf", "1.2.3", "0x10"] { #expect(DecimalText(bad) == nil, "\(bad)") }
    }

    @Test func jsonParserIsStrictAndBounded() {
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(#"{"a":1,"a":2}"#) }
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse("[01]") }
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(#"{"a":"\x"}"#) }
        // Hostile nesting is an error, not a stack overflow (docs/fuzzing.md).
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(String(repeating: "[", count: 100_000)) }
        #expect((try? JSONParser.parse(#"{"t":"1759522419154568925","u":"\ud83d\ude00"}"#)) == .object(["t": .string("1759522419154568925"), "u": .string("😀")]))
        #expect((try? JSONParser.parse("1759522419154568925")) == .number("1759522419154568925"))
    }

    @Test func unreadableAdapterInputIsAnInputError() {
        for (text, format) in [("[1,2", TraceFormat.llmperf), ("{\"observations\": 3}", .langfuse), ("{\"spans\":[]}", .otlp),
                               ("TIMESTAMP,Tokens\n", .azure)] {
            let bytes = Array(text.utf8)
            #expect(throws: TraceInputError.self, "\(format)") {
                _ = try bytes.withUnsafeBytes { try AdaptedTrace.parse($0, format: format, options: AdapterOptions()) }
            }
        }
    }

    @Test func everyFormatIsDescribed() {
        let text = FormatsCommand.run().standardOutput
        for f in TraceFormat.allCases {
            #expect(text.contains("\(f.rawValue) — "), "\(f)")
            #expect(!f.formatDescription.mappings.isEmpty)
        }
        #expect(TraceFormat.llmperf.formatDescription.provides("ts") == false)
        #expect(TraceFormat.otlp.formatDescription.provides("gen_ai.system"))
        #expect(!TraceFormat.azure.formatDescription.provides("ttft_ms"))
        #expect(TraceFormat.jsonl.formatDescription.provides("anything"))
    }
}
