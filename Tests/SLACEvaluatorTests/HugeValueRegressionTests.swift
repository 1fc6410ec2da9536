import Foundation
import SLACEvaluator
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
