import SLACChecker
import SLACExact
import SLACMonitor
import SLACSyntax
import Testing

/// `MonitorPlan.validated()`: one test per rule. Each starts from a plan compiled from a valid
/// contract (which validates), breaks one thing, and expects that rule's message.
@Suite struct PlanRuleTests {
    static let source = """
        contract "Rules" {
            effective 2026-01-01 to 2027-01-01
            fee       1000.00 USD per month
            price     0.60 USD per 1M input_tokens
            exclude maintenance from 2026-03-14T02:00:00Z to 2026-03-14T04:00:00Z
            clause "1" latency {
                every     5 minutes per tenant
                require   p99(ttft) <= 800 ms
                minimum   20 requests
                objective 99.5% of windows per calendar month
                credit    10% of fee when attainment < 99.5%
                credit    25% of fee when attainment < 99%
            }
            clause "2" uptime {
                every     5 minutes per region
                value     share(status = "ok")
                empty     100%
                measure   mean per calendar month
                objective measure >= 99.9%
                credit    10% of charges when measure < 99.9%
            }
            clause "3" downtime {
                every     1 minute
                require   share(status = "ok") >= 95%
                downtime  after 5 consecutive breached windows
                measure   uptime per calendar month
                objective measure >= 99.95%
            }
        }
        """

    func plan() throws -> MonitorPlan { makePlan(try checkContract(Self.source)) }

    func expectRefused(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ edit: (inout MonitorPlan) -> Void) throws {
        var p = try plan()
        edit(&p)
        do {
            _ = try p.validated()
            Issue.record("the edited plan was accepted; expected `\(fragment)`", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("the monitor plan is inconsistent"), sourceLocation: sourceLocation)
        }
    }

    @Test func compiledPlanIsValid() throws {
        let validated = try plan().validated()
        #expect(validated.fee == Rational(1000))
        #expect(validated.zone.identifier == "UTC")
    }

    @Test func contractRules() throws {
        try expectRefused("unknown time zone") { $0.contract.timezone = "Mars/Olympus" }
        try expectRefused("term ends before it starts") { $0.contract.termEnd = $0.contract.termStart }
        try expectRefused("is not an amount") { $0.contract.feeAmount = "lots" }
        try expectRefused("not a currency code") { $0.contract.feeCurrency = "usd" }
        try expectRefused("amount without a currency") { $0.contract.feeCurrency = nil }
        try expectRefused("maintenance window is empty") { $0.exclusions.maintenance[0].end = $0.exclusions.maintenance[0].start }
        try expectRefused("do not list every field") { $0.fields.numeric.removeAll { $0 == "ttft_ms" } }
    }

    @Test func priceRules() throws {
        try expectRefused("not a token field") { $0.contract.prices?[0].field = .ttft }
        try expectRefused("different currencies") { $0.contract.prices?[0].currency = "EUR" }
        try expectRefused("is not valid") { $0.contract.prices?[0].perToken = Rational(-1) }
        try expectRefused("has no price") { $0.contract.prices = nil }
        // Per-model prices: only in a version 3 plan, never after the field's price for every record.
        try expectRefused("need format version 3") { $0.contract.prices?[0].condition = .text(field: "model", equal: true, value: "a") }
        try expectRefused("after its price for every record") {
            $0.formatVersion = 3
            $0.contract.prices?.append(CheckedPrice(field: .inputTokens, perToken: Rational(1), text: "1 USD per 1 input_tokens where model = \"a\"",
                                                    currency: "USD", minorUnitDigits: 2, condition: .text(field: "model", equal: true, value: "a")))
            $0.fields.text.append("model")
        }
        try expectRefused("do not list every field") {
            $0.formatVersion = 3
            $0.contract.prices?[0].condition = .text(field: "model", equal: true, value: "a")
        }
    }

    /// Conditions the checker would not write: a metric's or the time's field compared as text
    /// (the engines' SQL fails on it), the list metric `itl` against a bound, an empty list.
    @Test func conditionRules() throws {
        try expectRefused("compares the metric `ttft` as text") { $0.clauses[0].scope = .text(field: "ttft", equal: true, value: "5") }
        try expectRefused("compares `ts` as text") {
            $0.exclusions.requests = [.textIn(field: "ts", values: ["2026-03-01T00:00:00Z"], negated: false)]
            $0.fields.text.append("ts")
        }
        try expectRefused("list metric `itl`") { $0.clauses[1].aggregate = .share(.metric(.itl, .less, Rational(1))) }
        try expectRefused("an empty list") { $0.clauses[0].scope = .textIn(field: "tenant", values: [], negated: false) }
    }

    @Test func clauseRules() throws {
        try expectRefused("window of 0 ns") { $0.clauses[0].window = .fixed(nanoseconds: 0) }
        try expectRefused("percentile 101") { $0.clauses[0].aggregate = .percentile(.ttft, q: Rational(101)) }
        try expectRefused("minimum of -1") { $0.clauses[0].minimumRequests = -1 }
        try expectRefused("objective of 3/2") { $0.clauses[0].objective.bound = Rational(3, 2) }
        try expectRefused("compares its objective with `=`") { $0.clauses[0].objective.comparison = .equal }
        try expectRefused("window longer than its period") { $0.clauses[0].window = .calendarYear }
    }

    @Test func creditRules() throws {
        try expectRefused("outside 0 to 100") { $0.clauses[0].credits[0].percent = Rational(150) }
        try expectRefused("threshold outside 0 to 1") { $0.clauses[0].credits[0].threshold = Rational(2) }
        try expectRefused("points the wrong way") { $0.clauses[0].credits[0].comparison = .greater }
        try expectRefused("not monotone") { $0.clauses[0].credits[0].percent = Rational(1) }
        try expectRefused("without monthly periods") { $0.clauses[0].objective.period = .term }
        try expectRefused("plan has no fee") {
            $0.contract.feeAmount = nil
            $0.contract.feeCurrency = nil
        }
    }

    @Test func measureRules() throws {
        try expectRefused("does not average them") { $0.clauses[1].measure = nil }
        try expectRefused("its windows are judged") { $0.clauses[1].valued = nil }
        try expectRefused("downtime after 0 windows") { $0.clauses[2].measure?.downtimeAfter = 0 }
        try expectRefused("a value its measure cannot use") { $0.clauses[2].measure?.empty = .value(.one) }
    }
}
