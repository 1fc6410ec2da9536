import Foundation
import SLACChecker
import SLACEvaluator
import SLACTrace
import Testing
import SLACTestSupport

/// docs/language.md, "Exactness", on hand-made inputs: binary64 order of operations, exact bounds, exact ranks.
@Suite("Exact arithmetic at the bounds")
struct ExactnessTests {
    func run(_ clauses: String, _ lines: [String]) throws -> EvaluationResult {
        let dir = TempDir()
        let path = try dir.file("t.jsonl", lines.joined(separator: "\n") + "\n")
        let contract = try checkContract("""
            contract "Exact" {
                effective 2026-01-01 to 2027-01-01
            \(clauses)
            }
            """)
        let result = try runEvaluator(makePlan(contract), [(path, .jsonl)], jobs: 2)
        let reference = ReferenceEvaluator(contract: contract).evaluate([RefReader.jsonl(try Data(contentsOf: URL(fileURLWithPath: path)))])
        let diffs = differences(result, reference, contract: contract)
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
        return result
    }

    func line(_ tenant: String, _ i: Int = 0, out: Int, ttft: Double, e2e: Double, status: String = "ok") -> String {
        "{\"id\":\"\(tenant)-\(i)\",\"ts\":\"2026-03-14T05:00:00Z\",\"tenant\":\"\(tenant)\",\"status\":\"\(status)\",\"input_tokens\":1,\"output_tokens\":\(out),\"ttft_ms\":\(ttft),\"e2e_ms\":\(e2e)}"
    }

    @Test("derived metrics in the documented binary64 order, compared exactly with the bound")
    func derivedMetricOrder() throws {
        let result = try run("""
                clause "1" decode { every 1 hour per tenant
                    require share(decode_tps >= 30 tokens/s) >= 100% }
                clause "2" decode_min { every 1 hour per tenant
                    require min(decode_tps) >= 1800 tokens/min }
                clause "3" e2e_rate { every 1 hour per tenant
                    require min(e2e_tps) >= 30 tokens/s }
                clause "4" tpot { every 1 hour per tenant
                    require max(tpot) <= 35 ms }
                clause "5" slow_rate { every 1 hour per tenant
                    require min(e2e_tps) >= 10 tokens/min }
            """, [
                line("a", out: 34, ttft: 0, e2e: 1100),      // decode 33/1.1 = 29.999999999999996
                line("b", out: 31, ttft: 0, e2e: 1000),      // decode 30/1 = 30
                line("c", out: 33, ttft: 10, e2e: 1100),     // e2e_tps 33/1.1 = 29.999999999999996
                line("d", out: 4, ttft: 0.9, e2e: 105.9),    // tpot 105/3 = 35
                line("e", out: 1, ttft: 10, e2e: 6000),      // e2e_tps 1/6 as binary64 is below the exact 1/6
                line("f", out: 21, ttft: 193.6, e2e: 893.6), // decode 20/0.7 = 28.571428571428573
            ])
        func window(_ clause: Int, _ tenant: String) -> WindowResult? {
            result.clauses[clause].windows.first { $0.key.first?.value == tenant }
        }
        #expect(window(0, "a")?.observed?.text == "0")
        #expect(window(0, "a")?.verdict == .breached)
        #expect(window(0, "b")?.verdict == .met)
        #expect(window(0, "f")?.verdict == .breached)
        #expect(window(1, "a")?.observed?.text == "29.999999999999996")
        #expect(window(1, "a")?.verdict == .breached)
        #expect(window(1, "b")?.observed?.text == "30")
        #expect(window(1, "b")?.verdict == .met)
        #expect(window(2, "c")?.observed?.text == "29.999999999999996")
        #expect(window(2, "c")?.verdict == .breached)
        #expect(window(3, "d")?.observed?.text == "35")
        #expect(window(3, "d")?.verdict == .met)
        #expect(window(4, "e")?.observed?.text == "0.16666666666666666")
        #expect(window(4, "e")?.verdict == .breached)
        // output_tokens 1 has no decode rate: no value, so that window is insufficient.
        #expect(window(1, "e")?.observed == nil)
        #expect(window(1, "e")?.verdict == .insufficient)
    }

    @Test("nearest rank ⌈q·n/100⌉ computed exactly")
    func percentileRanks() throws {
        let sizes = [1, 2, 3, 10, 100, 200, 999, 1000, 1001]
        var g = SeededGenerator(mixing: 5)
        var lines: [String] = []
        for n in sizes {
            for v in (1...n).shuffled(using: &g) {
                lines.append("{\"id\":\"n\(n)-\(v)\",\"ts\":\"2026-03-14T05:00:00Z\",\"tenant\":\"n\(n)\",\"ttft_ms\":\(v)}")
            }
        }
        lines.shuffle(using: &g)
        let qs: [(String, Int, Int)] = [("p50(ttft)", 50, 1), ("p99(ttft)", 99, 1), ("p99.9(ttft)", 999, 10), ("percentile(ttft, 33.3)", 333, 10),
                                        ("percentile(ttft, 95)", 95, 1), ("percentile(ttft, 100)", 100, 1), ("percentile(ttft, 0.1)", 1, 10)]
        let clauses = qs.enumerated().map { "    clause \"\($0.offset)\" q\($0.offset) { over term per tenant\n        require \($0.element.0) <= 1 s }" }
        let result = try run(clauses.joined(separator: "\n"), lines)
        for (i, (_, a, b)) in qs.enumerated() {
            for n in sizes {
                let rank = (a * n + 100 * b - 1) / (100 * b)
                let w = result.clauses[i].windows.first { $0.key.first?.value == "n\(n)" }
                #expect(w?.observed?.text == String(rank), "\(qs[i].0) over n = \(n)")
            }
        }
        // The examples of docs/language.md, "Aggregates": 0.99 × 200 is exactly 198; p99.9 of 1000 values is the 999th.
        #expect(result.clauses[1].windows.first { $0.key.first?.value == "n200" }?.observed?.text == "198")
        #expect(result.clauses[2].windows.first { $0.key.first?.value == "n1000" }?.observed?.text == "999")
    }

    @Test("shares are exact fractions: 999/1000 meets 99.9%, 1997/2000 does not")
    func shares() throws {
        var lines: [String] = []
        for i in 0..<1000 { lines.append(line("a", i, out: 2, ttft: 1, e2e: 2, status: i == 0 ? "timeout" : "ok")) }
        for i in 0..<2000 { lines.append(line("b", i, out: 2, ttft: 1, e2e: 2, status: i < 3 ? "timeout" : "ok")) }
        let result = try run("""
                clause "1" availability { every calendar month per tenant
                    require share(status = "ok") >= 99.9% }
                clause "2" mean { every calendar month per tenant
                    require mean(ttft) <= 1 ms }
            """, lines)
        let a = try #require(result.clauses[0].windows.first { $0.key.first?.value == "a" })
        let b = try #require(result.clauses[0].windows.first { $0.key.first?.value == "b" })
        #expect(a.verdict == .met)
        #expect(a.observed?.text == "0.999")
        #expect(b.verdict == .breached)
        #expect(b.observed?.text == "0.9985")
        #expect(result.clauses[1].windows.allSatisfy { $0.observed?.text == "1" && $0.verdict == .met })
    }
}
