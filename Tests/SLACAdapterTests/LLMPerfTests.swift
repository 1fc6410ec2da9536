import Foundation
import SLACTool
import SLACTrace
import Testing

@Suite("LLMPerf adapter", .enabled(if: tracesAvailable, missingTraces))
struct LLMPerfTests {
    static let files = ["anyscale_13b", "anyscale_70b", "anyscale_7b", "bedrock_13b", "bedrock_70b", "fireworks_13b", "fireworks_70b",
                        "fireworks_7b", "groq_70b", "lepton_13b", "lepton_70b", "lepton_7b", "perplexity_70b", "replicate_13b",
                        "replicate_70b", "replicate_7b", "together_13b", "together_70b", "together_7b"]

    static func path(_ name: String) -> String { trace("llmperf-leaderboard/individual/\(name).json") }

    /// Every individual file: one record per array element, none rejected; status and the
    /// placeholder rule checked against Foundation's reading of the same file.
    @Test(arguments: files)
    func everyFileReadsEveryElement(_ name: String) throws {
        let rows = try #require(try foundationJSON(Self.path(name)) as? [[String: Any]])
        let scan = try scanFile(Self.path(name))
        #expect(scan.format == .llmperf)
        #expect(scan.count == rows.count && scan.records.count == rows.count && scan.rejected.isEmpty)
        for (row, rec) in zip(rows, scan.records) {
            let failed = !(row["error_code"] is NSNull || row["error_code"] == nil)
            #expect((rec.texts[Slot.status] == "ok") == !failed)
            #expect(close(rec.numbers[Slot.input], number(row["number_input_tokens"])))
            if !failed {
                #expect(close(rec.numbers[Slot.ttft], number(row["ttft_s"]).map { $0 * 1000 }))
                #expect(close(rec.numbers[Slot.e2e], number(row["end_to_end_latency_s"]).map { $0 * 1000 }))
                #expect(rec.numbers[Slot.output] == number(row["number_output_tokens"]))
            } else if number(row["end_to_end_latency_s"]) == 0 {
                // Placeholders of a request that never completed are absent, not 0 ms / 1 token.
                #expect(rec.numbers[Slot.ttft].isNaN && rec.numbers[Slot.e2e].isNaN && rec.numbers[Slot.output].isNaN)
            }
        }
    }

    @Test func errorCodesAndPlaceholders() throws {
        // ../shared/traces/PROVENANCE.md, section 1: lepton_* 130/150 rate-limited, bedrock_13b 97 "-100", together_13b one -1.
        let lepton = try scanFile(Self.path("lepton_7b"))
        #expect(lepton.records.filter { $0.texts[Slot.status] == "error:429" }.count == 130)
        #expect(lepton.records.filter { !$0.numbers[Slot.ttft].isNaN }.count == 20)
        let bedrock = try scanFile(Self.path("bedrock_13b"))
        let short = bedrock.records.filter { $0.texts[Slot.status] == "error:-100" }
        #expect(short.count == 97)
        // "-100" rows completed: their real timings and counts stay.
        #expect(short.allSatisfy { !$0.numbers[Slot.e2e].isNaN && !$0.numbers[Slot.output].isNaN })
        let together = try scanFile(Self.path("together_13b"))
        #expect(together.records.filter { $0.texts[Slot.status] == "error:-1" }.count == 1)
        #expect(lepton.records.first?.texts[Slot.id] == "element 1")
    }

    /// p50 and p99 TTFT of the successful requests, as the report states them, against a
    /// nearest-rank computation over Foundation's parse of the file.
    @Test(arguments: ["anyscale_7b", "together_13b", "replicate_70b"])
    func reportedTTFTPercentiles(_ name: String) throws {
        let rows = try #require(try foundationJSON(Self.path(name)) as? [[String: Any]])
        let ok = rows.filter { $0["error_code"] is NSNull }
        let ttfts = ok.compactMap { number($0["ttft_s"]) }.map { $0 * 1000 }
        let run = try verify(contract: "llmperf", traces: [Self.path(name)])
        let report = try #require(run.report)
        expectAccounting(report.traces[0], format: "llmperf", read: rows.count, accepted: rows.count)
        let p50 = try report.clause("A.1").windows.first?.observed.flatMap(Double.init)
        let p99 = try report.clause("A.2").windows.first?.observed.flatMap(Double.init)
        #expect(close(p50, nearestRank(ttfts, hundredths: 5000)), "p50 \(String(describing: p50))")
        #expect(close(p99, nearestRank(ttfts, hundredths: 9900)), "p99 \(String(describing: p99))")
        // The success share is exactly ok / all.
        let share = try #require(try report.clause("A.4").windows.first)
        #expect(share.numerator == ok.count && share.denominator == rows.count)
    }

    @Test func timeWindowsAreAnInputError() throws {
        let run = try verify(contract: "aiperf", traces: [Self.path("anyscale_7b")])
        #expect(run.output.exitCode == 3)
        #expect(run.report == nil)
        #expect(run.output.standardError.contains("error[SLA0606]: clause `R.1` (ttft_p99) needs `ts` for its time windows, which `llmperf` traces do not carry"))
        #expect(run.output.standardError.contains("error[SLA0606]: clause `R.2` (chunk_gap_p99) needs `itl_ms`, which `llmperf` traces do not carry"))
    }

    @Test func withoutAnAssignedTimestampRecordsAreRejected() throws {
        let scan = try scanFile(Self.path("groq_70b"), options: AdapterOptions())
        #expect(scan.records.isEmpty && scan.rejected.count == 150)
        #expect(scan.rejected.first?.reason.contains("carry no timestamp") == true)
    }

    @Test func badElementsAreRejectedWithTheirIndex() throws {
        let text = #"[{"ttft_s":0.5,"end_to_end_latency_s":1,"number_input_tokens":10,"number_output_tokens":5,"error_code":null},"#
            + #" 7, {"ttft_s":-0.5}, {"number_output_tokens":2.5}, {"ttft_s":"fast"}]"#
        let bytes = Array(text.utf8)
        let trace = try bytes.withUnsafeBytes { try AdaptedTrace.parse($0, format: .llmperf, options: AdapterOptions()) }
        #expect(trace.records.count == 1 && trace.records[0].numbers["ttft_ms"] == 500)
        #expect(trace.rejections.map(\.line) == [2, 3, 4, 5])
        #expect(trace.rejections.map(\.reason) == ["element 2: not an object but a number", "element 3: `ttft_s` is negative: `-0.5`",
                                                  "element 4: `number_output_tokens` is not a whole number of tokens: `2.5`",
                                                  "element 5: `ttft_s` is not a number: a string"])
    }
}
