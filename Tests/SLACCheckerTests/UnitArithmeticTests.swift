import Foundation
import SLACChecker
import SLACExact
import SLACSyntax
import Testing

/// Units convert exactly to canonical units (docs/language.md, "Units and numbers"): durations to ms, rates to per second,
/// percentages to fractions, energy to J, windows to nanoseconds, money to Decimal.
@Suite struct UnitArithmeticTests {
    func bound(_ require: String, every window: String = "every 5 minutes") throws -> Rational {
        try checkedClause("\(window)\nrequire \(require)").bound
    }

    @Test func secondsEqualMilliseconds() throws {
        let a = try checkedClause("every 5 minutes\nrequire p99(ttft) <= 0.8 s")
        let b = try checkedClause("every 5 minutes\nrequire p99(ttft) <= 800 ms")
        #expect(a.bound == b.bound)
        #expect(a.bound == Rational(800))
        #expect(a.aggregate == b.aggregate)
        // Spelled-out units.
        #expect(try bound("p99(ttft) <= 0.8 seconds") == Rational(800))
        #expect(try bound("max(e2e) <= 10 min") == Rational(600_000))
        #expect(try bound("max(e2e) <= 1 minute") == Rational(60_000))
        #expect(try bound("max(e2e) <= 2 h") == Rational(7_200_000))
        #expect(try bound("max(e2e) <= 1 day") == Rational(86_400_000))
        #expect(try bound("p99(ttft) <= 1 second") == Rational(1000))
    }

    @Test func microAndNanoseconds() throws {
        #expect(try bound("percentile(tpot, 90) <= 40000 us") == Rational(40))
        #expect(try bound("mean(tpot) <= 25M ns") == Rational(25))
        #expect(try bound("mean(tpot) <= 1 ns") == Rational(1, 1_000_000))
        #expect(try bound("mean(tpot) <= 1 us") == Rational(1, 1000))
        #expect(try checkedClause("every 1500 us\nrequire count <= 5").window == .fixed(nanoseconds: 1_500_000))
        #expect(try checkedClause("every 1 ns\nrequire count <= 5").window == .fixed(nanoseconds: 1))
    }

    @Test func magnitudeSuffixes() throws {
        #expect(try bound("sum(total_tokens) <= 1.5M tokens") == Rational(1_500_000))
        #expect(try bound("sum(total_tokens) <= 50M tokens") == Rational(50_000_000))
        #expect(try bound("sum(total_tokens) <= 2B tokens") == Rational(2_000_000_000))
        #expect(try bound("sum(total_tokens) <= 200k tokens") == Rational(200_000))
        #expect(try bound("sum(total_tokens) <= 1500000") == Rational(1_500_000))
        #expect(try checkedClause("every 1 hour\nrequire count <= 5\nminimum 1k requests").minimumRequests == 1000)
    }

    @Test func tokenRatesPerMinuteBecomePerSecond() throws {
        #expect(try bound("p50(decode_tps) >= 60 tokens/min") == Rational(1))
        #expect(try bound("p50(decode_tps) >= 10 tokens/min") == Rational(1, 6))
        #expect(try bound("p50(decode_tps) >= 2.4k tokens/min") == Rational(40))
        #expect(try bound("mean(e2e_tps) >= 30 tokens/s") == Rational(30))
        #expect(try bound("mean(e2e_tps) >= 7200 tokens/h") == Rational(2))
        // 60 tokens/min and 1 token/s are the same bound.
        #expect(try bound("p50(decode_tps) >= 60 tokens/min") == bound("p50(decode_tps) >= 1 token/s"))
    }

    @Test func percentagesAreExactFractions() throws {
        let clause = try checkedClause("""
            every 5 minutes
            require share(status = "ok") >= 99.5%
            objective 99.5% of windows per calendar month
            credit 10% of fee when attainment < 99.5%
            credit 25% of fee when attainment < 99%
            """, header: "fee 100.00 USD per month")
        #expect(clause.bound == Rational(199, 200))
        #expect(clause.objective.bound == Rational(199, 200))
        #expect(clause.objective.period == .calendarMonth)
        // Tiers sorted by threshold ascending; percent of the fee in [0, 100].
        #expect(clause.credits.map(\.percent) == [Rational(25), Rational(10)])
        #expect(clause.credits.map(\.threshold) == [Rational(99, 100), Rational(199, 200)])
        #expect(try bound("share(status = \"ok\") >= 99.9%") == Rational(999, 1000))
        #expect(try bound("share(status = \"ok\") >= 100%") == .one)
        #expect(try bound("share(status = \"ok\") <= 0%") == .zero)
        let perTerm = try checkedClause("every 1 hour\nrequire count <= 5\nobjective 99% of windows per term").objective
        #expect(perTerm.bound == Rational(99, 100) && perTerm.period == .term)
    }

    @Test func windows() throws {
        #expect(try checkedClause("every 5 minutes\nrequire count <= 5").window == .fixed(nanoseconds: 300_000_000_000))
        #expect(try checkedClause("every 1 hour\nrequire count <= 5").window == .fixed(nanoseconds: 3_600_000_000_000))
        #expect(try checkedClause("every 7 days\nrequire count <= 5").window == .fixed(nanoseconds: 604_800_000_000_000))
        #expect(try checkedClause("every 0.5 s\nrequire count <= 5").window == .fixed(nanoseconds: 500_000_000))
        #expect(try checkedClause("every calendar day\nrequire count <= 5").window == .calendarDay)
        #expect(try checkedClause("every calendar week\nrequire count <= 5").window == .calendarWeek)
        #expect(try checkedClause("every calendar month\nrequire count <= 5").window == .calendarMonth)
        let term = try checkedClause("over term per tenant, model\nrequire count <= 5")
        #expect(term.window == .term)
        #expect(term.groupBy == ["tenant", "model"])
    }

    @Test func energy() throws {
        #expect(try bound("sum(energy) <= 1 kWh") == Rational(3_600_000))
        #expect(try bound("sum(energy) <= 250 kWh") == Rational(900_000_000))
        #expect(try bound("mean(energy) <= 1.8k J") == Rational(1800))
        #expect(try bound("mean(energy) <= 2 kJ") == Rational(2000))
        #expect(try bound("mean(energy) <= 1 Wh") == Rational(3600))
    }

    @Test func requestRatesBecomeCountsPerWindow() throws {
        #expect(try bound("count <= 1k requests/min", every: "every 1 minute") == Rational(1000))
        #expect(try bound("count <= 1k requests/min", every: "every 5 minutes") == Rational(5000))
        #expect(try bound("count <= 1k requests/min", every: "every 30 s") == Rational(500))
        #expect(try bound("count <= 10 requests/s", every: "every 1 minute") == Rational(600))
        #expect(try bound("count <= 600 requests", every: "every 1 minute") == Rational(600))
        #expect(try bound("count <= 600", every: "every 1 minute") == Rational(600))
        #expect(try bound("sum(total_tokens) <= 100 tokens/s", every: "every 1 minute") == Rational(6000))
    }

    @Test func feeIsDecimal() throws {
        let usd = try checkedContract(contract(clause: "every 1 hour\nrequire count <= 5", header: "fee 120000.00 USD per month"))
        #expect(usd.fee?.amount == Decimal(string: "120000.00")!)
        #expect(usd.fee?.currency == "USD" && usd.fee?.minorUnitDigits == 2)
        let cents = try checkedContract(contract(clause: "every 1 hour\nrequire count <= 5", header: "fee 0.10 EUR per month"))
        #expect(cents.fee?.amount == Decimal(string: "0.1")!)
        let yen = try checkedContract(contract(clause: "every 1 hour\nrequire count <= 5", header: "fee 1.2M JPY per month"))
        #expect(yen.fee?.amount == Decimal(1_200_000))
        #expect(yen.fee?.currency == "JPY" && yen.fee?.minorUnitDigits == 0)
        let none = try checkedContract(contract(clause: "every 1 hour\nrequire count <= 5"))
        #expect(none.fee == nil)
    }

    @Test func termAndTimeZones() throws {
        let utc = try checkedContract(contract(clause: "every 1 hour\nrequire count <= 5"))
        #expect(utc.termStart == 1_767_225_600_000_000_000)
        #expect(utc.timezone == "UTC")
        // Dates are midnights in the contract time zone: Berlin is UTC+1 in January.
        let berlin = try checkedContract(contract(clause: "every 1 hour\nrequire count <= 5", header: "timezone \"Europe/Berlin\""))
        #expect(berlin.termStart == utc.termStart - 3_600_000_000_000)
        #expect(berlin.termEnd == utc.termEnd - 3_600_000_000_000)
        // Instants carry their own offset whatever the time zone.
        let instants = try checkedContract("""
            contract "T" {
                effective 2026-01-01T00:00:00+01:00 to 2026-06-01T00:00:00.25Z
                timezone "Europe/Berlin"
                clause "1" c { every 1 hour require count <= 5 }
            }
            """)
        #expect(instants.termStart == berlin.termStart)
        #expect(instants.termEnd == 1_780_272_000_000_000_000 + 250_000_000)  // 2026-06-01T00:00:00.25Z
    }

    @Test func metricBoundsInConditions() throws {
        let clause = try checkedClause("""
            scope ttft <= 0.8 s and input_tokens > 8k tokens and decode_tps >= 120 tokens/min and not e2e > 2 min
            every 1 hour
            require count <= 5
            """)
        #expect(clause.scope == .and(.and(.and(.metric(.ttft, .lessEqual, Rational(800)),
                                               .metric(.inputTokens, .greater, Rational(8000))),
                                          .metric(.decodeTPS, .greaterEqual, Rational(2))),
                                     .not(.metric(.e2e, .greater, Rational(120_000)))))
        // `x > bound` written the other way round flips the operator.
        let flipped = try checkedClause("scope 800 ms >= ttft\nevery 1 hour\nrequire count <= 5")
        #expect(flipped.scope == .metric(.ttft, .lessEqual, Rational(800)))
    }

    @Test func aggregatesAndPercentiles() throws {
        #expect(try checkedClause("every 1 hour\nrequire p99.9(ttft) <= 5 s").aggregate == .percentile(.ttft, q: Rational(999, 10)))
        #expect(try checkedClause("every 1 hour\nrequire percentile(ttft, 95) <= 5 s").aggregate == .percentile(.ttft, q: Rational(95)))
        #expect(try checkedClause("every 1 hour\nrequire percentile(ttft, 99.99%) <= 5 s").aggregate == .percentile(.ttft, q: Rational(9999, 100)))
        #expect(try checkedClause("every 1 hour\nrequire p100(ttft) <= 5 s").aggregate == .percentile(.ttft, q: Rational(100)))
        #expect(try checkedClause("every 1 hour\nrequire p50(itl) <= 40 ms").aggregate == .percentile(.itl, q: Rational(50)))
        #expect(try checkedClause("every 1 hour\nrequire count() <= 5").aggregate == .count)
    }
}
