import Foundation
import SLACEvaluator
import Testing

/// Evidence is the worst records, worst first: lowest first for lower bounds, highest first for
/// upper bounds, and for `share` the records farthest from passing (found by an auditor: clause 4.2
/// of the sample listed the failing records closest to 30 tokens/s, not the slowest).
extension EdgeCaseTests {
    /// Ten records in one day with ttft 100, 200, … 1000 ms and decode_tps (9 tokens over e2e − ttft).
    static let tenRecords: [String] = (1...10).map { i in
        let ttft = Double(i) * 100
        let e2e = ttft + 100 * Double(i)  // decode_tps = 9 / (0.1 i) = 90 / i tokens/s
        return "{\"id\":\"r\(i)\",\"ts\":\"2026-03-01T00:00:0\(i - 1)Z\",\"ttft_ms\":\(ttft),\"e2e_ms\":\(e2e),\"output_tokens\":10}"
    }

    func evidence(_ require: String) throws -> [String] {
        let (r, diffs) = try run("effective 2026-01-01 to 2027-01-01", "clause \"1\" c { every 1 day\n require \(require) }", Self.tenRecords)
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
        let window = try #require(r.clauses[0].windows.first)
        #expect(window.verdict == .breached, "\(require)")
        return window.evidence.map(\.id)
    }

    @Test("evidence is worst first for every direction and aggregate kind")
    func evidenceDirections() throws {
        // share that must be high, lower bound inside: the slowest failing records first.
        #expect(try evidence("share(decode_tps >= 30 tokens/s) >= 90%") == ["r10", "r9", "r8", "r7", "r6"])
        // share that must be high, upper bound inside: the slowest first.
        #expect(try evidence("share(ttft <= 300 ms) >= 90%") == ["r10", "r9", "r8", "r7", "r6"])
        // share that must be low: the records that satisfy the condition, farthest inside first.
        #expect(try evidence("share(ttft >= 500 ms) <= 10%") == ["r10", "r9", "r8", "r7", "r6"])
        #expect(try evidence("share(decode_tps < 20 tokens/s) < 10%") == ["r10", "r9", "r8", "r7", "r6"])
        // under `not`, the operator turns round.
        #expect(try evidence("share(not (ttft > 300 ms)) >= 90%") == ["r10", "r9", "r8", "r7", "r6"])
        // share without a metric comparison: ties, by id.
        #expect(try evidence("share(status = \"error\") >= 90%") == ["r1", "r10", "r2", "r3", "r4"])
        // upper bounds: highest first; lower bounds: lowest first.
        #expect(try evidence("p99(ttft) <= 500 ms") == ["r10", "r9", "r8", "r7", "r6"])
        #expect(try evidence("max(ttft) < 500 ms") == ["r10", "r9", "r8", "r7", "r6"])
        #expect(try evidence("mean(ttft) <= 100 ms") == ["r10", "r9", "r8", "r7", "r6"])
        #expect(try evidence("sum(ttft) <= 1 s") == ["r10", "r9", "r8", "r7", "r6"])
        #expect(try evidence("min(decode_tps) >= 30 tokens/s") == ["r10", "r9", "r8", "r7", "r6"])
        #expect(try evidence("p50(decode_tps) > 100 tokens/s") == ["r10", "r9", "r8", "r7", "r6"])
        #expect(try evidence("min(ttft) >= 500 ms") == ["r1", "r2", "r3", "r4", "r5"])
        #expect(try evidence("mean(decode_tps) <= 1 tokens/s") == ["r1", "r2", "r3", "r4", "r5"])
    }
}
