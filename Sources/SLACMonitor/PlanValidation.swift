import SLACChecker
import SLACExact
import SLACSyntax
import SLACFields

/// A monitor plan that passed `MonitorPlan.validated()`: the only form the evaluator runs.
///
/// A plan is a file (`slac compile -o plan.json`, `slac verify --plan`), so it is input like any
/// other and may have been edited by hand or by a tool. Validation happens once, here where the
/// plan is defined, with the checker's own rules, so that the evaluator never meets a plan a
/// contract could not have produced and never has to guess (an unparsable fee used to yield no
/// credits, silently).
package struct ValidatedPlan: Sendable {
    package let plan: MonitorPlan
    /// The contract's time zone.
    package let zone: ZoneRules
    /// The monthly fee, exact, when the contract has one.
    package let fee: Rational?

    fileprivate init(plan: MonitorPlan, zone: ZoneRules, fee: Rational?) {
        self.plan = plan
        self.zone = zone
        self.fee = fee
    }
}

extension MonitorPlan {
    /// Checks every rule a plan compiled from a valid contract satisfies (docs/language.md,
    /// "Diagnostics", states the same rules for contracts); the first broken one is the error.
    package func validated() throws(PlanError) -> ValidatedPlan {
        func inconsistent(_ what: String) -> PlanError { .inconsistent(what) }
        guard let zone = ZoneRules(identifier: contract.timezone) else { throw inconsistent("unknown time zone `\(contract.timezone)`") }
        guard contract.termStart < contract.termEnd else { throw inconsistent("its term ends before it starts") }
        let termLength = contract.termEnd.subtractingReportingOverflow(contract.termStart)
        guard !termLength.overflow, termLength.partialValue <= CivilTime.longestTermNanoseconds else {
            throw inconsistent("its term is longer than 250 years")
        }

        var fee: Rational?
        switch (contract.feeAmount, contract.feeCurrency) {
        case (nil, nil): break
        case (let amount?, let currency?):
            guard let value = Rational(decimal: amount), value.signum >= 0 else { throw inconsistent("the fee `\(amount)` is not an amount") }
            guard CurrencyTable.isCode(currency) else { throw inconsistent("the fee's currency `\(currency)` is not a currency code") }
            guard (0...4).contains(contract.feeMinorUnitDigits ?? 2) else { throw inconsistent("the fee's minor unit has \(contract.feeMinorUnitDigits ?? 0) digits") }
            fee = value
        default: throw inconsistent("the fee has an amount without a currency or a currency without an amount")
        }
        let prices = contract.prices ?? []
        var pricedFields = Set<Metric>(), pricedForEveryRecord = Set<Metric>()
        for price in prices {
            guard [.inputTokens, .outputTokens, .totalTokens].contains(price.field) else { throw inconsistent("a price is on `\(price.field.rawValue)`, not a token field") }
            // After a field's price without a condition, another of that field is never used.
            guard !pricedForEveryRecord.contains(price.field) else { throw inconsistent("`\(price.field.rawValue)` has a price after its price for every record") }
            pricedFields.insert(price.field)
            if price.condition == nil { pricedForEveryRecord.insert(price.field) }
            guard price.perToken.signum >= 0, CurrencyTable.isCode(price.currency), (0...4).contains(price.minorUnitDigits) else {
                throw inconsistent("the price `\(price.text)` is not valid")
            }
            guard price.currency == (contract.feeCurrency ?? prices[0].currency) else { throw inconsistent("prices and fee are in different currencies") }
        }
        if pricedFields.contains(.totalTokens) && pricedFields.count > 1 { throw inconsistent("`total_tokens` is priced with another token field") }

        if formatVersion < MonitorPlan.conditionsFormatVersion && usesVersion3 {
            throw inconsistent("it uses maintenance `as uptime` or a price with a condition, which need format version \(MonitorPlan.conditionsFormatVersion)")
        }
        // Conditions as the checker allows them: an edited plan must not compare a metric's
        // number as text (which the engines' SQL cannot run) or a list of gaps with a bound.
        var conditions = exclusions.requests + prices.compactMap(\.condition)
        for c in clauses {
            conditions += c.exclusions.requests + (c.scope.map { [$0] } ?? [])
            if case .share(let p) = c.aggregate { conditions.append(p) }
        }
        for condition in conditions {
            if let problem = Self.conditionProblem(condition) { throw inconsistent("a condition \(problem)") }
        }
        let needed = PlanFields.needed(exclusions: exclusions, clauses: clauses, prices: prices)
        guard fields.covers(needed) else {
            throw inconsistent("its `fields` do not list every field its clauses read")
        }
        for m in exclusions.maintenance where m.start >= m.end { throw inconsistent("a maintenance window is empty") }
        if !Self.orderIsValid(exclusions) { throw inconsistent("its exclusions' `maintenanceBefore` does not give a source order") }

        for c in clauses {
            func clause(_ what: String) -> PlanError { inconsistent("clause `\(c.ref)` \(what)") }
            if case .fixed(let length) = c.window, length <= 0 { throw clause("has a window of \(length) ns") }
            if case .percentile(_, let q) = c.aggregate, q.signum <= 0 || q > Rational(100) { throw clause("asks for percentile \(q)") }
            guard (0...1_000_000_000).contains(c.minimumRequests) else { throw clause("has a minimum of \(c.minimumRequests) requests") }
            for m in c.exclusions.maintenance where m.start >= m.end { throw clause("has an empty maintenance window") }
            if !Self.orderIsValid(c.exclusions) { throw clause("has exclusions whose `maintenanceBefore` does not give a source order") }
            let objectiveOp = c.objective.comparison
            guard objectiveOp != .equal && objectiveOp != .notEqual else { throw clause("compares its objective with `\(objectiveOp.rawValue)`") }
            let kind = c.measure?.kind ?? .attainment
            let ratio = kind != .mean || c.aggregate.dimension == .ratio
            if ratio && (c.objective.bound.signum < 0 || c.objective.bound > .one) {
                throw clause("has an objective of \(c.objective.bound), outside 0 to 1")
            }
            let valued = c.valued ?? false
            if valued != (kind == .mean) { throw clause(valued ? "gives windows values but does not average them" : "averages values but its windows are judged") }
            if let measure = c.measure {
                guard measure.downtimeAfter >= 1 else { throw clause("counts downtime after \(measure.downtimeAfter) windows") }
                if measure.downtimeAfter > 1 && kind != .uptime { throw clause("counts downtime without measuring uptime") }
                switch (measure.empty, kind) {
                case (.value?, .mean), (.met?, .attainment), (.breached?, .attainment), (.met?, .uptime), (.breached?, .uptime), (nil, _): break
                default: throw clause("gives empty intervals a value its measure cannot use")
                }
            }
            if Checker.window(c.window, isLongerThan: c.objective.period) { throw clause("has a window longer than its period") }
            let expectLower = objectiveOp == .greaterEqual || objectiveOp == .greater
            for tier in c.credits {
                guard tier.comparison != .equal && tier.comparison != .notEqual, tier.lowerIsWorse == expectLower else {
                    throw clause("has a credit tier that points the wrong way")
                }
                guard tier.percent.signum >= 0 && tier.percent <= Rational(100) else { throw clause("credits \(tier.percent)%, outside 0 to 100") }
                if ratio && (tier.threshold.signum < 0 || tier.threshold > .one) { throw clause("has a credit threshold outside 0 to 1") }
                switch tier.base {
                case .fee:
                    guard fee != nil else { throw clause("credits a share of the fee, but the plan has no fee") }
                    guard c.objective.period == .calendarMonth else { throw clause("credits a share of the fee without monthly periods") }
                case .charges:
                    guard !prices.isEmpty else { throw clause("credits a share of the charges, but the plan has no price") }
                }
            }
            if Set(c.credits.map(\.base)).count > 1 { throw clause("credits both the fee and the charges") }
            // Worst bound first, and a worse bound never pays less.
            for (worse, milder) in zip(c.credits, c.credits.dropFirst()) {
                let ordered = expectLower ? worse.threshold < milder.threshold : worse.threshold > milder.threshold
                guard ordered, worse.percent >= milder.percent else { throw clause("has credit tiers out of order or not monotone") }
            }
        }
        return ValidatedPlan(plan: self, zone: zone, fee: fee)
    }

    /// What is wrong with a condition that the checker would not have written, or nil.
    static func conditionProblem(_ p: CheckedPredicate) -> String? {
        func textField(_ field: String) -> String? {
            if field.isEmpty { return "compares a field without a name" }
            if Metric(rawValue: field) != nil { return "compares the metric `\(field)` as text" }
            if let canonical = CanonicalField(rawValue: field), canonical.kind != .text { return "compares `\(field)` as text" }
            return nil
        }
        switch p {
        case .and(let a, let b), .or(let a, let b): return conditionProblem(a) ?? conditionProblem(b)
        case .not(let a): return conditionProblem(a)
        case .metric(let m, _, _): return m.isList ? "compares the list metric `\(m.rawValue)` with a bound" : nil
        case .text(let field, _, _): return textField(field)
        case .textIn(let field, let values, _): return values.isEmpty ? "has an empty list" : textField(field)
        }
    }
}

extension MonitorPlan {
    /// Whether `maintenanceBefore`, when present, has one count per request condition, each within
    /// the intervals and none smaller than the one before (a source order a contract could have).
    static func orderIsValid(_ e: CheckedExclusions) -> Bool {
        guard let before = e.maintenanceBefore else { return true }
        guard before.count == e.requests.count else { return false }
        var last = 0
        for b in before {
            guard b >= last && b <= e.maintenance.count else { return false }
            last = b
        }
        return true
    }
}
