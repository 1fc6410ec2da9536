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
