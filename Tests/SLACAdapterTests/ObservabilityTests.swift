import Foundation
import SLACReport
import SLACTool
import SLACTrace
import Testing

@Suite("Langfuse adapter", .enabled(if: tracesAvailable, missingTraces))
struct LangfuseTests {
    static let files = ["openai-agents-2025-09-30.json", "beeai-2025-08-01.json", "google-vertex-tools-langchain-2025-09-19.json"]
        .map { trace("langfuse-framework-traces/" + $0) }

    /// GENERATION observations only; e2e from start/end times (Foundation's ISO 8601 parser),
    /// input tokens from `usageDetails` (or the flattened field when an export has none).
    @Test(arguments: files)
    func generationsMatchFoundation(_ file: String) throws {
        let doc = try #require(try foundationJSON(file) as? [String: Any])
        let observations = try #require(doc["observations"] as? [[String: Any]])
        let generations = observations.filter { $0["type"] as? String == "GENERATION" }
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let scan = try scanFile(file)
        #expect(scan.format == .langfuse)
        #expect(scan.records.count == generations.count && scan.rejected.isEmpty && scan.lines == observations.count)
        for (g, rec) in zip(generations, scan.records) {
            let startText = try #require(g["startTime"] as? String)
            let endText = try #require(g["endTime"] as? String)
            let start = try #require(iso.date(from: startText))
            let end = try #require(iso.date(from: endText))
            // Foundation's Date keeps ~0.1 µs; the exports have whole milliseconds.
            #expect(rec.numbers[Slot.e2e] == (end.timeIntervalSince(start) * 1000).rounded())
            #expect(rec.numbers[Slot.ttft].isNaN)  // completionStartTime is null in every export
            let usage = g["usageDetails"] as? [String: Any]
            let input = usage != nil ? number(usage?["input"]) : number(g["inputUsage"])
            #expect(rec.numbers[Slot.input] == input ?? .nan || (rec.numbers[Slot.input].isNaN && input == nil))
            #expect(rec.texts[Slot.model] == g["model"] as? String && rec.texts[Slot.id] == g["id"] as? String)
        }
    }

    @Test func latencyUnitDiffersButDurationsDoNot() throws {
        // The vertex export writes `latency: 1.874` (seconds), the others milliseconds (1150): slac
        // ignores the field and gets 1874 ms and 1150 ms from the times.
        let vertex = try scanFile(Self.files[2])
        #expect(vertex.records.map { $0.numbers[Slot.e2e] } == [1874])
        #expect(vertex.records[0].numbers[Slot.input] == 1200 && vertex.records[0].numbers[Slot.output] == 15)
        let agents = try scanFile(Self.files[0])
        #expect(agents.records.map { $0.numbers[Slot.e2e] } == [1150, 1036])
        // beeai: usage is input-only; `outputUsage: 0` there is not a count.
        let bee = try scanFile(Self.files[1])
        #expect(bee.records.allSatisfy { $0.numbers[Slot.output].isNaN })
    }

    @Test func reportSumsInputTokensPerModelAndDay() throws {
        var expected: [String: Int] = [:]
        for file in Self.files {
            let doc = try #require(try foundationJSON(file) as? [String: Any])
            for g in (doc["observations"] as? [[String: Any]] ?? []) where g["type"] as? String == "GENERATION" {
                let usage = g["usageDetails"] as? [String: Any]
                let input = Int(number(usage != nil ? usage?["input"] : g["inputUsage"]) ?? 0)
                let day = String((g["startTime"] as? String ?? "").prefix(10))
                expected["\(g["model"] as? String ?? "")|\(day)", default: 0] += input
            }
        }
        let run = try verify(contract: "langfuse", traces: Self.files)
        let report = try #require(run.report)
        #expect(run.output.exitCode == 0)
        for (t, n) in zip(report.traces, [2, 5, 1]) { expectAccounting(t, format: "langfuse", read: n, accepted: n) }
        let windows = try report.clause("L.2").windows
        #expect(windows.count == expected.count)
        for w in windows {
            #expect(w.observed == expected["\(w.keys["model"] ?? "")|\(w.start.prefix(10))"].map { "\($0)" }, "\(w.keys) \(w.start)")
        }
    }

    @Test func formatCheckNamesOnlyTheMissingFields() throws {
        // Langfuse can carry TTFT (completionStartTime), these exports just leave it null: the
        // format check passes and the clause has no judged window.
        let run = try verify(contract: "otlp", traces: [Self.files[0]])
        #expect(run.output.exitCode == 3)  // `otlp.sla` groups by `tenant`, which Langfuse lacks
        #expect(run.output.standardError.contains("clause `C.4` (daily_tokens) needs `tenant`, which `langfuse` traces do not carry"))
        #expect(!run.output.standardError.contains("`C.1`"))
    }
}

@Suite("OTLP adapter (fixtures written from the GenAI semantic conventions)")
struct OTLPTests {
    @Test func clientAndServerSpansOfOneRequestAreOneRecord() throws {
        let path = fixture("vllm-and-client.json")
        let doc = try #require(try foundationJSON(path) as? [String: Any])
        // Independent: spans with a gen_ai.* attribute, via Foundation.
        var genAI = 0, all = 0
        for rs in doc["resourceSpans"] as? [[String: Any]] ?? [] {
            for ss in rs["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in ss["spans"] as? [[String: Any]] ?? [] {
                    all += 1
                    let keys = (span["attributes"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
                    if keys.contains(where: { $0.hasPrefix("gen_ai.") }) { genAI += 1 }
                }
            }
        }
        #expect(all == 5 && genAI == 4)
        let scan = try scanFile(path)
        #expect(scan.format == .otlp && scan.lines == 5)
        #expect(scan.records.count == genAI - 1 && scan.rejected.isEmpty)  // the joined pair counts once
        let a = scan.records[0]
        #expect(a.line == 2 && a.texts[Slot.id] == "cmpl-a")
        #expect(a.timestamp == 1_773_478_800_005_000_000)  // the server span's start (decimal string of ns)
        #expect(a.numbers[Slot.ttft] == 231 && a.numbers[Slot.e2e] == 1190)  // gen_ai.latency.* seconds → ms
        #expect(a.numbers[Slot.input] == 17 && a.numbers[Slot.output] == 5)  // intValue strings, old names
        #expect(a.lists[0] == [40, 45, 35, 50])  // gaps of the client's 5 chunk events
        #expect(a.texts[Slot.tenant] == "acme" && a.texts[Slot.region] == "eu-west-1" && a.texts[Slot.model] == "llama-3.1-8b")
        let b = scan.records[1]
        #expect(b.numbers[Slot.e2e] == 2500.000123 && b.numbers[Slot.ttft].isNaN && b.lists[0] == nil)
        #expect(b.numbers[Slot.input] == 1200 && b.numbers[Slot.output] == 300 && b.texts[Slot.model] == "llama-3.1-70b-instruct")
        let c = scan.records[2]
        #expect(c.texts[Slot.status] == "error:429" && c.numbers[Slot.input].isNaN)
    }

    /// Agent and tool spans carry `gen_ai.*` attributes but are no request to a model: counted,
    /// they made the agent run's 30 s the worst latency of the trace.
    @Test func agentAndToolSpansAreNotRequests() throws {
        let scan = try scanFile(fixture("agent-and-tool-spans.json"))
        #expect(scan.format == .otlp && scan.lines == 3 && scan.rejected.isEmpty)
        #expect(scan.records.count == 1)
        #expect(scan.records.first?.numbers[Slot.e2e] == 1000 && scan.records.first?.numbers[Slot.input] == 100)
    }

    /// A server span without a status reads as `ok`; joined to its failed client span, the
    /// request failed.
    @Test func aFailedClientSpanFailsTheJoinedRequest() throws {
        let scan = try scanFile(fixture("client-error-server-unset.json"))
        #expect(scan.records.count == 1 && scan.rejected.isEmpty)
        #expect(scan.records.first?.texts[Slot.status] == "error")
        #expect(scan.records.first?.numbers[Slot.ttft] == 200 && scan.records.first?.numbers[Slot.e2e] == 1000)  // the server's
    }

    @Test func collectorExportLines() throws {
        let scan = try scanFile(fixture("collector-export.jsonl"))
        #expect(scan.format == .otlp && scan.records.count == 4 && scan.rejected.isEmpty)
        #expect(scan.records.map { $0.numbers[Slot.ttft] }.prefix(3) == [350, 420, 300])  // time_to_first_chunk (s)
        #expect(scan.records.map { $0.numbers[Slot.e2e] } == [900, 1500, 700, 30])
        #expect(scan.records.map { $0.texts[Slot.status] } == ["ok", "ok", "ok", "error"])  // STATUS_CODE_ERROR
        #expect(scan.records.allSatisfy { $0.texts[Slot.region] == "us-east-1" })
    }

    @Test func badSpansAreRejectedWithTheirSpanIndex() throws {
        let scan = try scanFile(fixture("bad-spans.json"))
        #expect(scan.format == .otlp && scan.records.count == 1)
        #expect(scan.rejected == [
            RejectedLine(line: 2, reason: "span 2: `gen_ai.usage.input_tokens` is negative: `-3`"),
            RejectedLine(line: 3, reason: "span 3: missing `startTimeUnixNano`"),
            RejectedLine(line: 4, reason: "span 4: `gen_ai.usage.output_tokens` is not a whole number of tokens: `2.5`"),
        ])
    }

    @Test func verifyWithTheOTLPContract() throws {
        let files = ["vllm-and-client.json", "collector-export.jsonl", "bad-spans.json"].map(fixture)
        let run = try verify(contract: "otlp", traces: files)
        let report = try #require(run.report)
        #expect(try SchemaValidator.bundled().validate(Array(try #require(run.xml))) == [])
        expectAccounting(report.traces[0], format: "otlp", read: 3, accepted: 3)
        expectAccounting(report.traces[1], format: "otlp", read: 4, accepted: 4)
        expectAccounting(report.traces[2], format: "otlp", read: 4, accepted: 1, rejected: 3)
        #expect(report.traces[0].attributes["excluded"] == "1")  // error:429, excluded by the contract
        #expect(report.rejected.map(\.line) == [2, 3, 4])
        // Pooled median chunk gap of the hour 09:00: gaps 40, 45, 35, 50 → nearest rank 2 of 4 = 40.
        let itl = try report.clause("C.2").windows.first { $0.start == "2026-03-14T09:00:00Z" }
        #expect(itl?.observed == "40")
        // Daily tokens per tenant: acme 17 + 5 (the 429 is excluded), globex 1500, spans without a tenant grouped apart.
        let daily = try report.clause("C.4").windows
        #expect(daily.first { $0.keys["tenant"] == "acme" }?.observed == "22")
        #expect(daily.first { $0.keys["tenant"] == "globex" }?.observed == "1500")
    }
}
