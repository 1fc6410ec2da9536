import Foundation
import SLACChecker
import SLACEvaluator
import SLACSyntax
import Testing

/// Finite but huge values: sums and means near the end of the double range once spun forever
/// (found by fuzzing: `sum(energy)` over 0.5 and 1e308). Each case is compared with the reference.
extension EdgeCaseTests {
    @Test("Sums and means near the largest double finish and are exact", .timeLimit(.minutes(1)))
    func hugeSumsAndMeans() throws {
        let header = "effective 2026-01-01 to 2027-01-01"
        let (energy, energyDiffs) = try run(header, "clause \"1\" e { every 1 day\n require sum(energy) <= 250 kWh }", [
            "{\"id\":\"a\",\"ts\":\"2026-03-01T00:00:00Z\",\"energy_j\":0.5}",
            "{\"id\":\"b\",\"ts\":\"2026-03-01T00:00:01Z\",\"energy_j\":1e308}",
        ])
        #expect(energyDiffs.isEmpty, Testing.Comment(rawValue: energyDiffs.joined(separator: "\n")))
        #expect(energy.clauses[0].windows.map(\.verdict) == [.breached])

        let (tpot, tpotDiffs) = try run(header, "clause \"1\" t { every 1 day\n require mean(tpot) <= 50 ms }", [
            "{\"id\":\"a\",\"ts\":\"2026-03-01T00:00:00Z\",\"ttft_ms\":10,\"e2e_ms\":1e300,\"output_tokens\":3}",
            "{\"id\":\"b\",\"ts\":\"2026-03-01T00:00:01Z\",\"ttft_ms\":10,\"e2e_ms\":200.5,\"output_tokens\":3}",
        ])
        #expect(tpotDiffs.isEmpty, Testing.Comment(rawValue: tpotDiffs.joined(separator: "\n")))
        #expect(tpot.clauses[0].windows.map(\.verdict) == [.breached])

        // Two values whose double sum overflows: the exact sum is still a value, above any bound.
        let (big, bigDiffs) = try run(header, "clause \"1\" b { every 1 day\n require sum(energy) <= 250 kWh }", [
            "{\"id\":\"a\",\"ts\":\"2026-03-01T00:00:00Z\",\"energy_j\":1.7e308}",
            "{\"id\":\"b\",\"ts\":\"2026-03-01T00:00:01Z\",\"energy_j\":1.7e308}",
        ])
        #expect(bigDiffs.isEmpty, Testing.Comment(rawValue: bigDiffs.joined(separator: "\n")))
        #expect(big.clauses[0].windows.map(\.verdict) == [.breached])

        // The same with a fraction beside them: printing the sum never finished (found by an
        // audit of the engines, whose trace of hostile numbers this is a part of).
        let (fraction, fractionDiffs) = try run(header, "clause \"1\" s { every 1 day\n require sum(ttft) <= 0.3 ms }", [
            "{\"id\":\"a\",\"ts\":\"2026-03-01T00:00:00Z\",\"ttft_ms\":1.7976931348623158e308}",
            "{\"id\":\"b\",\"ts\":\"2026-03-01T00:00:01Z\",\"ttft_ms\":17976931348623157e292}",
            "{\"id\":\"c\",\"ts\":\"2026-03-01T00:00:02Z\",\"ttft_ms\":0.1}",
            "{\"id\":\"d\",\"ts\":\"2026-03-01T00:00:03Z\",\"ttft_ms\":2.4703282292062328e-324}",
        ])
        #expect(fractionDiffs.isEmpty, Testing.Comment(rawValue: fractionDiffs.joined(separator: "\n")))
        #expect(fraction.clauses[0].windows.map(\.verdict) == [.breached])
        #expect(fraction.clauses[0].windows.first?.observed?.text.hasPrefix("35953862697246314") == true)
    }
}

/// An observed value never reads as equal to the bound while the exact value decides the other way.
extension EdgeCaseTests {
    @Test("0.1 + 0.2 is not printed as 0.3 beside a breached `<= 0.3 ms`")
    func observedValueShowsItsSideOfTheBound() throws {
        let header = "effective 2026-01-01 to 2027-01-01"
        let (sum, sumDiffs) = try run(header, "clause \"1\" s { every 1 day\n require sum(ttft) <= 0.3 ms }", [
            "{\"id\":\"a\",\"ts\":\"2026-03-01T00:00:00Z\",\"ttft_ms\":0.1}",
            "{\"id\":\"b\",\"ts\":\"2026-03-01T00:00:01Z\",\"ttft_ms\":0.2}",
        ])
        #expect(sumDiffs.isEmpty, Testing.Comment(rawValue: sumDiffs.joined(separator: "\n")))
        let window = try #require(sum.clauses[0].windows.first)
        #expect(window.verdict == .breached)
        #expect(window.observed?.text == "0.30000000000000002", "\(String(describing: window.observed))")

        // A single record's value: the shortest form of 0.1 reads as the bound `0.1 ms`, the double is above it.
        let (maxRun, maxDiffs) = try run(header, "clause \"1\" m { every 1 day\n require max(ttft) <= 0.1 ms }", [
            "{\"id\":\"a\",\"ts\":\"2026-03-01T00:00:00Z\",\"ttft_ms\":0.1}",
        ])
        #expect(maxDiffs.isEmpty, Testing.Comment(rawValue: maxDiffs.joined(separator: "\n")))
        let w = try #require(maxRun.clauses[0].windows.first)
        #expect(w.verdict == .breached)
        #expect(w.observed?.text == "0.10000000000000001", "\(String(describing: w.observed))")

        // Far from the bound nothing changes.
        let (far, _) = try run(header, "clause \"1\" f { every 1 day\n require max(ttft) <= 5 ms }", [
            "{\"id\":\"a\",\"ts\":\"2026-03-01T00:00:00Z\",\"ttft_ms\":0.1}",
        ])
        #expect(far.clauses[0].windows.first?.observed?.text == "0.1")
    }
}

/// Terms near the end of Int64 nanoseconds (292 years): a 292-year term trapped on an overflow in
/// the coverage (found by an audit); terms are now at most 250 years (docs/language.md, "Term").
extension EdgeCaseTests {
    @Test("A 250-year term is evaluated; a longer one is refused, never a trap", .timeLimit(.minutes(1)))
    func longestTerm() throws {
        let (long, diffs) = try run("effective 1900-01-01 to 2149-12-31", "clause \"1\" d {\n over term\n require count <= 5 requests\n}",
                                    ["{\"id\":\"s0\",\"ts\":\"1912-01-01T00:16:08Z\"}"])
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
        #expect(long.clauses[0].windows.map(\.verdict) == [.met])
        for end in ["2192-05-01", "2199-12-31"] {
            let text = "contract \"z\" {\n effective 1900-01-01 to \(end)\n clause \"1\" d {\n over term\n require count <= 5 requests\n }\n}\n"
            let result = Checker.check(SourceFile(path: "z.sla", text: text))
            #expect(result.contract == nil)
            #expect(result.diagnostics.map(\.code.rawValue) == ["SLA0306"], "\(end)")
        }
    }
}

/// A derived rate over a duration that underflows (an `e2e_ms` of 5e-324 is 0 once divided by
/// 1000) or that overflows is undefined, as in the engines' SQL: `share` leaves the request
/// undecided and `max` leaves it out (found by an audit: natively the rate was infinite, counted
/// by `share` and ignored by `max`; DuckDB had it undefined, so the verdicts differed).
extension EdgeCaseTests {
    @Test("an infinite derived rate is undefined, the same for share and max")
    func infiniteRatesAreUndefined() throws {
        let header = "effective 2026-01-01 to 2027-01-01"
        let lines = [
            "{\"id\":\"a\",\"ts\":\"2026-03-01T00:00:00Z\",\"ttft_ms\":0,\"e2e_ms\":5e-324,\"output_tokens\":3}",
            "{\"id\":\"b\",\"ts\":\"2026-03-01T00:00:01Z\",\"ttft_ms\":0,\"e2e_ms\":1e-310,\"output_tokens\":3}",
            "{\"id\":\"c\",\"ts\":\"2026-03-01T00:00:02Z\",\"ttft_ms\":1000,\"e2e_ms\":2000,\"output_tokens\":2}",
        ]
        let (share, shareDiffs) = try run(header, "clause \"1\" s { every 1 hour\n require share(decode_tps >= 30 tokens/s) >= 50% }", lines)
        #expect(shareDiffs.isEmpty, Testing.Comment(rawValue: shareDiffs.joined(separator: "\n")))
        let window = try #require(share.clauses[0].windows.first)
        #expect(window.verdict == .breached, "only c decides: 1 token/s")
        let (e2e, e2eDiffs) = try run(header, "clause \"1\" s { every 1 hour\n require share(e2e_tps > 10 tokens/s) >= 50% }", lines)
        #expect(e2eDiffs.isEmpty, Testing.Comment(rawValue: e2eDiffs.joined(separator: "\n")))
        #expect(e2e.clauses[0].windows.first?.verdict == .breached)
        let (maximum, maxDiffs) = try run(header, "clause \"1\" m { every 1 hour\n require max(decode_tps) <= 5 tokens/s }", lines)
        #expect(maxDiffs.isEmpty, Testing.Comment(rawValue: maxDiffs.joined(separator: "\n")))
        let m = try #require(maximum.clauses[0].windows.first)
        #expect(m.verdict == .met && m.observed?.text == "1", "\(String(describing: m.observed))")
    }
}
