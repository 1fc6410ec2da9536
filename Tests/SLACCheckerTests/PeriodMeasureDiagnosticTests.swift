import SLACChecker
import SLACExact
import SLACSyntax
import SLACTestSupport
import Testing

/// The checker's rules for period measures, prices and credits of the charges, and the
/// diagnostics a new user met (docs/language.md, "Diagnostics"), pinned with markers.
@Suite struct PeriodMeasureDiagnosticTests {
    static let fee = "    fee 100.00 USD per month"
    static let price = "    price 0.60 USD per 1M input_tokens"

    @Test func valueAndRequireTogether() {
        assertDiagnostics(contract(clause: """
            every 5 minutes
            require share(status = "ok") >= 99%
            1️⃣value share(status = "ok")
            measure mean
            objective measure >= 99%
            """), [("SLA0320", marker: "1️⃣")])
    }

    @Test func meanNeedsValueAndValueNeedsMean() {
        assertDiagnostics(contract(clause: """
            every 5 minutes
            require share(status = "ok") >= 99%
            measure 1️⃣mean per calendar month
            objective measure >= 99%
            """), [("SLA0321", marker: "1️⃣")])
        assertDiagnostics(contract(clause: """
            every 5 minutes
            1️⃣value share(status = "ok")
            measure uptime
            objective measure >= 99%
            """), [("SLA0321", marker: "1️⃣")])
    }

    @Test func downtimeNeedsUptimeAndAWholeCount() {
        assertDiagnostics(contract(clause: """
            every 1 minute
            require share(status = "ok") >= 95%
            1️⃣downtime after 5 consecutive breached windows
            objective 99% of windows
            """), [("SLA0323", marker: "1️⃣")])
        assertDiagnostics(contract(clause: """
            every 1 minute
            require share(status = "ok") >= 95%
            downtime after 1️⃣0 consecutive breached windows
            measure uptime
            objective measure >= 99%
            """), [("SLA0323", marker: "1️⃣")])
    }

    @Test func emptyMustFitTheMeasure() {
        assertDiagnostics(contract(clause: """
            every 5 minutes
            value share(status = "ok")
            empty 1️⃣met
            measure mean
            objective measure >= 99%
            """), [("SLA0324", marker: "1️⃣")])
        assertDiagnostics(contract(clause: """
            every 1 minute
            require share(status = "ok") >= 95%
            empty 1️⃣100%
            measure uptime
            objective measure >= 99%
            """), [("SLA0324", marker: "1️⃣")])
    }

    @Test func measureNeedsAnObjectiveOnIt() {
        assertDiagnostics(contract(clause: """
            every 1 minute
            require share(status = "ok") >= 95%
            1️⃣measure uptime per calendar month
            """), [("SLA0325", marker: "1️⃣")])
        assertDiagnostics(contract(clause: """
            every 1 minute
            require share(status = "ok") >= 95%
            measure uptime per calendar month
            objective 1️⃣99% of windows
            """), [("SLA0325", marker: "1️⃣")])
    }

    @Test func creditDirectionsAndBases() {
        // Tiers point against the objective; `=` is no tier.
        assertDiagnostics(contract(clause: """
            every 1 minute
            require share(status = "ok") >= 95%
            measure uptime per calendar month
            objective measure >= 99%
            credit 10% of fee when measure 1️⃣> 99%
            """, header: Self.fee), [("SLA0326", marker: "1️⃣")])
        // Charges need a price.
        assertDiagnostics(contract(clause: """
            every 5 minutes
            value share(status = "ok")
            empty 100%
            measure mean per calendar month
            objective measure >= 99.9%
            credit 10% of 1️⃣charges when measure < 99.9%
            """), [("SLA0327", marker: "1️⃣")])
        // Credits of the fee need monthly periods.
        assertDiagnostics(contract(clause: """
            every 5 minutes
            value share(status = "ok")
            empty 100%
            measure mean per calendar quarter
            objective measure >= 99.9%
            1️⃣credit 10% of fee when measure < 99.9%
            """, header: Self.fee), [("SLA0307", marker: "1️⃣")])
    }

    @Test func prices() {
        assertDiagnostics(contract(clause: "every 1 hour\nrequire count <= 5", header: "    price 1 USD per 1M 1️⃣ttft"), [("SLA0328", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire count <= 5",
                                   header: "    price 1 USD per 1M input_tokens\n    price 2 USD per 1M 1️⃣total_tokens"), [("SLA0328", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire count <= 5",
                                   header: Self.fee + "\n    price 1 1️⃣EUR per 1M input_tokens"), [("SLA0328", marker: "1️⃣")])
    }

    /// Prices per model: a field may have several prices with conditions; the one without a
    /// condition comes last, and a field whose every price has one is warned of.
    @Test func pricesWithConditions() throws {
        let clause = "every 1 hour\nrequire count <= 5"
        // Several prices of a field, each with a condition, then one for every other record: clean.
        let clean = contract(clause: clause, header: """
                price 3 USD per 1M input_tokens where model = "large"
                price 15 USD per 1M output_tokens where model = "large"
                price 0.25 USD per 1M input_tokens where model in ["small", "tiny"] or input_tokens > 200000
                price 1 USD per 1M input_tokens
                price 2 USD per 1M output_tokens
            """)
        let result = Checker.check(SourceFile(path: "t", text: clean))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.message))")
        let checked = try checkedContract(clean)
        // In field order; within a field, in the contract's order (the first that holds applies).
        #expect(checked.prices.map(\.field) == [.inputTokens, .inputTokens, .inputTokens, .outputTokens, .outputTokens])
        #expect(checked.prices.map(\.perToken) == [Rational(3, 1_000_000), Rational(1, 4_000_000), Rational(1, 1_000_000),
                                                  Rational(15, 1_000_000), Rational(2, 1_000_000)])
        #expect(checked.prices.map { $0.condition != nil } == [true, true, false, true, false])
        #expect(checked.prices[0].condition == .text(field: "model", equal: true, value: "large"))
        #expect(checked.prices[1].text == "0.25 USD per 1M input_tokens where model in [\"small\", \"tiny\"] or input_tokens > 200000")
        // A price after the field's price for every record is never used.
        assertDiagnostics(contract(clause: clause, header: """
                price 1 USD per 1M input_tokens
                price 3 USD per 1M 1️⃣input_tokens where model = "large"
            """), [("SLA0328", marker: "1️⃣")])
        assertDiagnostics(contract(clause: clause, header: """
                price 3 USD per 1M input_tokens where model = "large"
                price 1 USD per 1M input_tokens
                price 2 USD per 1M 1️⃣input_tokens
            """), [("SLA0328", marker: "1️⃣")])
        // `total_tokens` with another field stays an error, conditions or not.
        assertDiagnostics(contract(clause: clause, header: """
                price 1 USD per 1M total_tokens
                price 2 USD per 1M 1️⃣input_tokens where model = "small"
            """), [("SLA0328", marker: "1️⃣")])
        // Every price of a field has a condition: the tokens of other records are not charged.
        assertDiagnostics(contract(clause: clause, header: """
                price 3 USD per 1M 1️⃣input_tokens where model = "large"
                price 1 USD per 1M input_tokens where model = "small"
            """), [("SLA0420", marker: "1️⃣")])
        // The same condition twice for a field: the second is never used.
        assertDiagnostics(contract(clause: clause, header: """
                price 3 USD per 1M input_tokens where model = "large"
                price 2 USD per 1M input_tokens where 1️⃣model = "large"
                price 1 USD per 1M input_tokens
            """), [("SLA0328", marker: "1️⃣")])
        // The price's text (reports, `explain`, `diff`) keeps strings exactly and leaves out comments
        // and line breaks.
        let spaced = try checkedContract(contract(clause: clause, header: """
                price 3 USD per 1M input_tokens where model = "big  model" // the large one
                    or model = "x"
                price 1 USD per 1M input_tokens
            """))
        #expect(spaced.prices.map(\.text) == ["3 USD per 1M input_tokens where model = \"big  model\" or model = \"x\"", "1 USD per 1M input_tokens"])
        // Both fields without a price for every record: a warning for each.
        assertDiagnostics(contract(clause: clause, header: """
                price 3 USD per 1M 1️⃣input_tokens where model = "large"
                price 9 USD per 1M 2️⃣output_tokens where model = "large"
            """), [("SLA0420", marker: "1️⃣"), ("SLA0420", marker: "2️⃣")])
        // After an error in the prices, no warning about what they leave unpriced.
        assertDiagnostics(contract(clause: clause, header: """
                price 1 USD per 1M total_tokens where model = "large"
                price 2 USD per 1M 1️⃣input_tokens
            """), [("SLA0328", marker: "1️⃣")])
        // The condition is checked like any other (a list metric cannot be compared).
        assertDiagnostics(contract(clause: clause, header: """
                price 3 USD per 1M input_tokens where 1️⃣itl > 5 ms
                price 1 USD per 1M input_tokens
            """), [("SLA0209", marker: "1️⃣")])
    }

    /// `ts` and the fields behind metrics (`ttft_ms`) were read as custom text fields: natively
    /// their raw text was compared, while the engines, which load them as times and numbers,
    /// failed on the SQL.
    @Test func timeAndMetricFieldsAreNotText() {
        assertDiagnostics(contract(clause: "scope 1️⃣ts = \"2026-03-02T00:01:00Z\"\nevery 1 hour\nrequire count <= 5"), [("SLA0201", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "scope 1️⃣ttft_ms in [\"5\"]\nevery 1 hour\nrequire count <= 5"), [("SLA0201", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire share(2️⃣energy_j != \"0\") >= 5%"), [("SLA0201", marker: "2️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour per tenant, 1️⃣ts\nrequire count <= 5"), [("SLA0213", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire count <= 5", header: """
                price 3 USD per 1M input_tokens where 1️⃣e2e_ms = "5"
                price 1 USD per 1M input_tokens
            """), [("SLA0201", marker: "1️⃣")])
    }

    /// A newcomer's mistakes in a price's condition get messages that say what to write.
    @Test func mistakesInAPriceCondition() {
        let clause = "every 1 hour\nrequire count <= 5"
        // A swapped pair of letters is a likely typo of `model` (one edit, not two).
        let typo = Checker.check(SourceFile(path: "t", text: contract(clause: clause, header: """
                price 3 USD per 1M input_tokens where modle = "large"
                price 1 USD per 1M input_tokens
            """))).diagnostics
        #expect(typo.map(\.code.rawValue) == ["SLA0401"])
        #expect(typo.first?.help?.contains("`model`") == true)
        // `if` for `where`: one error, with the fix, and the condition still read.
        let word = Checker.check(SourceFile(path: "t", text: contract(clause: clause, header: """
                price 3 USD per 1M input_tokens if model = "large"
                price 1 USD per 1M input_tokens
            """))).diagnostics
        #expect(word.map(\.code.rawValue) == ["SLA0110"])
        #expect(word.first?.fix?.replacement == "where")
        // An unquoted value: the help quotes it.
        let unquoted = Checker.check(SourceFile(path: "t", text: contract(clause: clause, header: """
                price 3 USD per 1M input_tokens where model = large
                price 1 USD per 1M input_tokens
            """))).diagnostics
        #expect(unquoted.first?.help?.contains("`model = \"large\"`") == true, "\(unquoted.map(\.help))")
        // The gaps behind `itl` are aggregated, not compared.
        let gaps = Checker.check(SourceFile(path: "t", text: contract(clause: "scope itl_ms = \"5\"\n" + clause))).diagnostics
        #expect(gaps.map(\.code.rawValue) == ["SLA0201"] && gaps.first?.help?.contains("require p99(itl)") == true)
    }

    @Test func priceIsExactPerToken() throws {
        let checked = try checkedContract(contract(clause: "every 1 hour\nrequire count <= 5", header: Self.price))
        #expect(checked.prices.first?.perToken == Rational(6, 10_000_000))
        #expect(checked.prices.first?.field == .inputTokens)
    }

    /// `share(...) >= 150%` and `p50(ttft) < 0 ms` passed `check`: no window can meet them.
    @Test func boundsNoValueCanMeetOrEveryValueMeets() {
        assertDiagnostics(contract(clause: "every 1 hour\nrequire share(status = \"ok\") >= 1️⃣150%"), [("SLA0330", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire p50(ttft) < 1️⃣0 ms"), [("SLA0330", marker: "1️⃣")])
        assertDiagnostics(contract(clause: "every 1 hour\nrequire share(status = \"ok\") <= 1️⃣100%"), [("SLA0330", marker: "1️⃣")])
        // `tpot` is negative for a record whose e2e is below its ttft: bounds at 0 mean something.
        for requirement in ["min(tpot) >= 0 ms", "p50(tpot) < 0 ms", "max(tpot) <= 0 ms"] {
            let result = Checker.check(SourceFile(path: "t", text: contract(clause: "every 1 hour\nrequire \(requirement)")))
            #expect(result.diagnostics.isEmpty, "\(requirement): \(result.diagnostics.map(\.message))")
        }
    }

    /// Currencies are ISO 4217's: `XYZ` has the shape of a code but is none (it used to pass, and
    /// be rounded to two decimals); `XPF` has no decimals, `CLF` four.
    @Test func currenciesAreISO4217Codes() {
        func codes(_ fee: String) -> [String] {
            let text = "contract \"C\" {\n    effective 2026-01-01 to 2027-01-01\n    fee \(fee) per month\n}\n"
            return Checker.check(SourceFile(path: "t", text: text)).diagnostics.map(\.code.rawValue).filter { $0 != "SLA0312" }  // no clauses
        }
        #expect(codes("100 XYZ") == ["SLA0315"])
        #expect(codes("100 XAU") == ["SLA0315"])
        #expect(codes("100 XPF") == [])
        #expect(codes("100.5 XPF") == ["SLA0315"])
        #expect(codes("100.1234 CLF") == [])
        #expect(codes("100.12 BHD") == [])
    }

    /// `0,8 s` said "write `0 ms`"; it is a decimal comma.
    /// Legal text often writes end dates inclusively; the term's end is excluded, so `to
    /// 2026-12-31` leaves out the last day. A warning with the fix, on the last day of any month.
    @Test func anEndDateOnTheLastDayOfAMonthIsQuestioned() {
        for (end, next) in [("2026-12-31", "2027-01-01"), ("2028-02-29", "2028-03-01"), ("2026-06-30", "2026-07-01")] {
            let text = "contract \"T\" {\n    effective 2026-01-01 to 1️⃣\(end)\n    clause \"1\" c {\n        every 5 minutes\n        require p99(ttft) <= 800 ms\n    }\n}\n"
            assertDiagnostics(text, [("SLA0419", marker: "1️⃣")])
            let result = Checker.check(SourceFile(path: "t.sla", text: MarkedSource(text).text))
            #expect(result.diagnostics.first?.fix?.replacement == next)
            #expect(result.diagnostics.first?.help == "the end date is excluded: if the agreement runs through \(end), write `to \(next)`")
        }
        // The first of a month, an instant, or a day that is not the last: no warning.
        for end in ["2027-01-01", "2026-12-31T00:00:00Z", "2026-12-30"] {
            let text = "contract \"T\" {\n    effective 2026-01-01 to \(end)\n    clause \"1\" c {\n        every 5 minutes\n        require p99(ttft) <= 800 ms\n    }\n}\n"
            #expect(Checker.check(SourceFile(path: "t.sla", text: text)).diagnostics.isEmpty, "\(end)")
        }
    }

    @Test func decimalComma() {
        assertDiagnostics(contract(clause: "every 1 hour\nrequire p99(ttft) <= 1️⃣0,8 s"), [("SLA0104", marker: "1️⃣")])
        let result = Checker.check(SourceFile(path: "t", text: contract(clause: "every 1 hour\nrequire p99(ttft) <= 0,8 s")))
        #expect(result.diagnostics.first?.help == "numbers use a decimal point: write `0.8 s`")
    }

    /// `every 3 months` said "write a unit of duration such as `ms`".
    @Test func monthsAreCalendarWindows() {
        assertDiagnostics(contract(clause: "every 3 1️⃣months\nrequire count <= 5"), [("SLA0205", marker: "1️⃣")])
        let result = Checker.check(SourceFile(path: "t", text: contract(clause: "every 3 months\nrequire count <= 5")))
        #expect(result.diagnostics.first?.help == "write `every calendar quarter`")
    }

    /// One `+` gave four cascading errors.
    @Test func arithmeticIsOneError() {
        assertDiagnostics(contract(clause: "every 1 hour\nrequire sum(input_tokens 1️⃣+ output_tokens) <= 5M tokens"), [("SLA0108", marker: "1️⃣")])
        let result = Checker.check(SourceFile(path: "t", text: contract(clause: "every 1 hour\nrequire sum(input_tokens + output_tokens) <= 5M tokens")))
        #expect(result.diagnostics.first?.help?.contains("total_tokens") == true)
    }

    /// The trap of the issue: monthly windows with credit tiers on window attainment.
    @Test func monthlyWindowsWithAttainmentCreditsWarn() {
        assertDiagnostics(contract(clause: """
            every calendar month
            require share(status = "ok") >= 99.9%
            objective 99% of windows per calendar month
            1️⃣credit 10% of fee when attainment < 99%
            """, header: Self.fee), [("SLA0403", marker: "1️⃣")])
    }

    @Test func unreachableTierWarns() {
        assertDiagnostics(contract(clause: """
            every 5 minutes
            value share(status = "ok")
            empty 100%
            measure mean per calendar month
            objective measure >= 99.9%
            credit 10% of fee when measure < 99.9%
            1️⃣credit 100% of fee when measure < 0%
            """, header: Self.fee), [("SLA0402", marker: "1️⃣")])
    }

    /// The short forms mean exactly attainment with `objective measure >= P%`.
    @Test func shortFormsNormalise() throws {
        let short = try checkedClause("every 1 hour\nrequire count <= 5\nobjective 99% of windows per calendar month")
        let long = try checkedClause("every 1 hour\nrequire count <= 5\nmeasure attainment per calendar month\nobjective measure >= 99%")
        #expect(short == long)
        #expect(short.measure == nil)
    }
}
