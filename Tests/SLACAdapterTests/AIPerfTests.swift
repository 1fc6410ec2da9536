import Foundation
import SLACTool
import SLACTrace
import Testing

@Suite("AIPerf adapter", .enabled(if: tracesAvailable, missingTraces))
struct AIPerfTests {
    static let path = trace("aiperf-example/profile_export.jsonl")

    /// 100 records (89 ok, 11 cancelled with 499), each field against Foundation's parse.
    @Test func recordsMatchFoundation() throws {
        let rows = try foundationJSONLines(Self.path)
        let scan = try scanFile(Self.path)
        #expect(scan.format == .aiperf)
        #expect(rows.count == 100 && scan.records.count == 100 && scan.rejected.isEmpty)
        #expect(scan.records.filter { $0.texts[Slot.status] == "ok" }.count == 89)
        #expect(scan.records.filter { $0.texts[Slot.status] == "error:499" }.count == 11)
        for (row, rec) in zip(rows, scan.records) {
            let metadata = try #require(row["metadata"] as? [String: Any])
            let metrics = row["metrics"] as? [String: Any] ?? [:]
            func value(_ k: String) -> Any? { (metrics[k] as? [String: Any])?["value"] }
            // timestamp_ns exceeds binary64: compare the exact integer with Foundation's Int64 when it kept one.
            if let ns = (metadata["timestamp_ns"] as? NSNumber)?.int64Value { #expect(rec.timestamp == ns) }
            #expect(rec.texts[Slot.id] == metadata["x_request_id"] as? String)
            #expect(close(rec.numbers[Slot.ttft], number(value("ttft"))) || (rec.numbers[Slot.ttft].isNaN && value("ttft") == nil))
            #expect(close(rec.numbers[Slot.e2e], number(value("request_latency"))) || (rec.numbers[Slot.e2e].isNaN && value("request_latency") == nil))
            // Output tokens = output_sequence_length (answer + reasoning), even where output_token_count is missing.
            #expect(rec.numbers[Slot.output] == number(value("output_sequence_length")) || (rec.numbers[Slot.output].isNaN && value("output_sequence_length") == nil))
            let gaps = (value("inter_chunk_latency") as? [Any])?.compactMap(number)
            #expect(rec.lists[0]?.count == gaps?.count)
        }
        // ../shared/traces/PROVENANCE.md, section 9: output_token_count is missing in 59 of the 89 ok rows; slac still has a count for all 89.
        let okRows = rows.filter { $0["error"] == nil || $0["error"] is NSNull }
        #expect(okRows.filter { ($0["metrics"] as? [String: Any])?["output_token_count"] == nil }.count == 59)
        #expect(scan.records.filter { $0.texts[Slot.status] == "ok" && !$0.numbers[Slot.output].isNaN }.count == 89)
    }

    /// The pooled p99 of inter-chunk gaps over successful requests, from the report, against a
    /// nearest-rank over every gap Foundation reads.
    @Test func pooledP99ITL() throws {
        let rows = try foundationJSONLines(Self.path)
        var gaps: [Double] = []
        var ttfts: [Double] = []
        for row in rows where row["error"] == nil || row["error"] is NSNull {
            let metrics = try #require(row["metrics"] as? [String: Any])
            gaps += ((metrics["inter_chunk_latency"] as? [String: Any])?["value"] as? [Any] ?? []).compactMap(number)
            if let t = number((metrics["ttft"] as? [String: Any])?["value"]) { ttfts.append(t) }
        }
        let run = try verify(contract: "aiperf", traces: [Self.path])
        let report = try #require(run.report)
        #expect(run.output.exitCode == 0)
        expectAccounting(report.traces[0], format: "aiperf", read: 100, accepted: 100)
        #expect(report.traces[0].attributes["excluded"] == "11")
        let itl = try report.clause("R.2").windows.first?.observed.flatMap(Double.init)
        #expect(close(itl, nearestRank(gaps, hundredths: 9900)), "p99 itl \(String(describing: itl)) over \(gaps.count) gaps")
        // The run spans one minute window: its p99 TTFT over the 89 successful requests.
        let windows = try report.clause("R.1").windows
        #expect(windows.map(\.count).reduce(0, +) == 89)
        if windows.count == 1 {
            #expect(close(windows[0].observed.flatMap(Double.init), nearestRank(ttfts, hundredths: 9900)))
        }
    }

    @Test func unitsAreConvertedByTheirLabel() throws {
        let line = #"{"metadata":{"x_request_id":"r1","timestamp_ns":1759522419154568925},"metrics":{"ttft":{"value":0.25,"unit":"s"},"request_latency":{"value":1500000,"unit":"us"},"inter_chunk_latency":{"value":[20000000,30000000],"unit":"ns"},"input_sequence_length":{"value":10,"unit":"tokens"},"output_token_count":{"value":4,"unit":"tokens"},"reasoning_token_count":{"value":3,"unit":"tokens"}},"error":null}"#
            + "\n" + #"{"metadata":{"timestamp_ns":1},"metrics":{"ttft":{"value":1,"unit":"fortnights"}}}"#
        let bytes = Array(line.utf8)
        let trace = try bytes.withUnsafeBytes { try AdaptedTrace.parse($0, format: .aiperf, options: AdapterOptions()) }
        let r = try #require(trace.records.first)
        #expect(r.timestamp == 1_759_522_419_154_568_925)
        #expect(r.numbers["ttft_ms"] == 250 && r.numbers["e2e_ms"] == 1500 && r.itl == [20, 30])
        #expect(r.numbers["output_tokens"] == 7)
        #expect(trace.rejections.first?.reason == "`metrics.ttft` has unknown unit `fortnights`")
    }
}
