import Foundation
import SLACChecker
import SLACExact
import SLACSyntax

/// One difference in meaning between two versions of a contract.
package struct ContractChange: Sendable, Hashable {
    /// The kinds of change `slac diff` reports; tests and tools match on them, so they are stable.
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        case headerChanged, termChanged, timezoneChanged, feeChanged
        case exclusionAdded, exclusionRemoved
        /// The same exclusions in another order, or one repeated: verdicts and credits stay, but a
        /// record is counted under the first exclusion that matches it, so the report's
        /// per-exclusion counts change.
        case exclusionOrderChanged
        /// A maintenance interval now (or no longer) counted as uptime (`as uptime`).
        case exclusionChanged
        case clauseAdded, clauseRemoved, clauseRenamed, clauseRefChanged
        case textChanged
        case requirementChanged, comparisonChanged, boundTightened, boundLoosened, boundChanged
        case scopeNarrowed, scopeWidened, scopeChanged
        case windowChanged, groupsChanged, minimumChanged
        case objectiveTightened, objectiveLoosened, objectivePeriodChanged
        case creditTierAdded, creditTierRemoved, creditTierChanged
        /// A `price` line added, removed or changed (it changes every credit of the charges).
        case priceChanged
        /// The period measure (kind, `empty`, `downtime after`) or the objective's comparison.
        case measureChanged
    }

    /// `contract`, or the clause as `clause 4.1 `name`` (the new version's ref and name).
    package var subject: String
    package var kind: Kind
    package var message: String
}

/// `slac diff`: compares two checked contracts, so that layout, comments, unit spellings
/// (`0.8 s` vs `800 ms`) and item order make no difference, and reports each change in meaning
/// in the clause's own units.
package enum ContractDiff {
    /// Every change from `old` to `new`: contract header and exclusions first, then clauses in the
    /// new order, then removed clauses.
    package static func compare(_ old: ContractDocument, _ new: ContractDocument) -> [ContractChange] {
        var changes = compareHeader(old.contract, new.contract)
        changes += compareExclusions(old.contract.exclusions, new.contract.exclusions, subject: "contract")

        var unmatchedOld = old.contract.clauses
        var pairs: [(CheckedClause?, CheckedClause)] = []
        for n in new.contract.clauses {
            if let i = unmatchedOld.firstIndex(where: { $0.name == n.name }) {
                pairs.append((unmatchedOld.remove(at: i), n))
            } else {
                pairs.append((nil, n))
            }
        }
        for (k, pair) in pairs.enumerated() where pair.0 == nil {
            if let i = unmatchedOld.firstIndex(where: { $0.ref == pair.1.ref }) { pairs[k].0 = unmatchedOld.remove(at: i) }
        }
        for (o, n) in pairs {
            let subject = "clause \(n.ref) `\(n.name)`"
            guard let o else {
                changes.append(ContractChange(subject: subject, kind: .clauseAdded,
                                              message: "clause added: `\(n.requirementText)` \(Wording.windowShort(n.window))"))
                continue
            }
            changes += compareClause(o, n, old: old, new: new, subject: subject)
        }
        for o in unmatchedOld {
            changes.append(ContractChange(subject: "clause \(o.ref) `\(o.name)`", kind: .clauseRemoved,
                                          message: "clause removed: it required `\(o.requirementText)` \(Wording.windowShort(o.window))"))
        }
        return changes
    }

    /// The changes as text, grouped by subject; "no semantic difference" when there are none.
    package static func render(_ changes: [ContractChange], oldPath: String, newPath: String) -> String {
        guard !changes.isEmpty else { return "no semantic difference between \(oldPath) and \(newPath)\n" }
        var out = "--- \(oldPath)\n+++ \(newPath)\n"
        var subjects: [String] = []
        for c in changes where !subjects.contains(c.subject) { subjects.append(c.subject) }
        for s in subjects {
            out += s + ":\n"
            for c in changes where c.subject == s { out += "  - " + c.message + "\n" }
        }
        out += "\(changes.count) change\(changes.count == 1 ? "" : "s")\n"
        return out
    }

    // MARK: header

    private static func compareHeader(_ o: CheckedContract, _ n: CheckedContract) -> [ContractChange] {
        var changes: [ContractChange] = []
        func text(_ label: String, _ a: String?, _ b: String?) {
            guard a != b else { return }
            let message: String
            switch (a, b) {
            case (let x?, let y?): message = "\(label) changed from \(SyntaxPrinter.quoted(x)) to \(SyntaxPrinter.quoted(y))"
            case (nil, let y?): message = "\(label) added: \(SyntaxPrinter.quoted(y))"
            case (let x?, nil): message = "\(label) removed (was \(SyntaxPrinter.quoted(x)))"
            default: return
            }
            changes.append(ContractChange(subject: "contract", kind: .headerChanged, message: message))
        }
        text("name", o.name, n.name)
        text("`id`", o.id, n.id)
        text("`version`", o.version, n.version)
        text("`provider`", o.provider, n.provider)
        text("`customer`", o.customer, n.customer)
        // In days, hours and minutes: a move of an hour is "1 hour", not "≈0.0416666666667 days",
        // and one across a time zone change "89 days 22 hours".
        func span(_ nanos: Int64) -> String {
            var parts: [String] = []
            var rest = nanos
            for (size, name) in [(CivilTime.nanosPerDay, "day"), (3_600_000_000_000, "hour"), (60_000_000_000, "minute")] where rest >= size {
                let n = rest / size
                rest %= size
                parts.append("\(Wording.number(Rational(BigInt(Int(n))))) \(name)\(n == 1 ? "" : "s")")
            }
            if rest > 0 || parts.isEmpty { parts.append(Wording.duration(nanoseconds: rest)) }
            return parts.joined(separator: " ")
        }
        if o.termStart != n.termStart {
            let delta = n.termStart - o.termStart
            changes.append(ContractChange(subject: "contract", kind: .termChanged,
                                          message: "term start moved from \(Wording.instant(o.termStart)) to \(Wording.instant(n.termStart)) (term \(delta < 0 ? "extended" : "shortened") by \(span(abs(delta))))"))
        }
        if o.termEnd != n.termEnd {
            let delta = n.termEnd - o.termEnd
            changes.append(ContractChange(subject: "contract", kind: .termChanged,
                                          message: "term end moved from \(Wording.instant(o.termEnd)) to \(Wording.instant(n.termEnd)) (term \(delta > 0 ? "extended" : "shortened") by \(span(abs(delta))))"))
        }
        if o.timezone != n.timezone {
            // Two names for one clock over the term (`UTC`, `Etc/UTC`; Berlin and Paris) move
            // nothing: said so, rather than "move with it".
            let same = o.termStart == n.termStart && o.termEnd == n.termEnd
                && ZoneComparison.sameOffsets(o.timezone, n.timezone, from: o.termStart, to: o.termEnd)
            changes.append(ContractChange(subject: "contract", kind: .timezoneChanged,
                                          message: same
                                            ? "time zone changed from `\(o.timezone)` to `\(n.timezone)`, which keep the same UTC offsets throughout the term: calendar windows, objective months and dates do not move"
                                            : "time zone changed from `\(o.timezone)` to `\(n.timezone)`: calendar windows, objective months and dates in the term move with it"))
        }
        switch (o.fee, n.fee) {
        case (let a?, let b?) where a != b:
            if a.currency != b.currency, let x = Wording.feeAmount(a), let y = Wording.feeAmount(b) {
                changes.append(ContractChange(subject: "contract", kind: .feeChanged,
                                              message: "fee changed from \(Wording.money(x, currency: a.currency, minorUnitDigits: a.minorUnitDigits)) to \(Wording.money(y, currency: b.currency, minorUnitDigits: b.minorUnitDigits)) per month"))
            } else if let x = Wording.feeAmount(a), let y = Wording.feeAmount(b) {
                let delta = y - x
                let sign = delta.signum < 0 ? "−" : "+"
                let magnitude = delta.signum < 0 ? Rational.zero - delta : delta
                changes.append(ContractChange(subject: "contract", kind: .feeChanged,
                                              message: "fee \(y > x ? "raised" : "lowered") from \(Wording.money(x, currency: a.currency, minorUnitDigits: a.minorUnitDigits)) to \(Wording.money(y, currency: b.currency, minorUnitDigits: b.minorUnitDigits)) per month (\(sign)\(Wording.money(magnitude, currency: b.currency, minorUnitDigits: b.minorUnitDigits))); every credit amount changes with it"))
            }
        case (nil, let b?):
            let amount = Wording.feeAmount(b).map { Wording.money($0, currency: b.currency, minorUnitDigits: b.minorUnitDigits) } ?? b.currency
            changes.append(ContractChange(subject: "contract", kind: .feeChanged, message: "fee added: \(amount) per month"))
        case (let a?, nil):
            let amount = Wording.feeAmount(a).map { Wording.money($0, currency: a.currency, minorUnitDigits: a.minorUnitDigits) } ?? a.currency
            changes.append(ContractChange(subject: "contract", kind: .feeChanged, message: "fee removed (was \(amount) per month)"))
        default: break
        }
        // A price is the same price when its field and its condition are (per-model prices).
        func same(_ a: CheckedPrice, _ b: CheckedPrice) -> Bool { a.field == b.field && a.condition == b.condition }
        for price in n.prices {
            if let before = o.prices.first(where: { same($0, price) }) {
                guard before.perToken != price.perToken || before.currency != price.currency else { continue }
                changes.append(ContractChange(subject: "contract", kind: .priceChanged,
                                              message: "price of `\(price.field.rawValue)` changed from `\(before.text)` to `\(price.text)`; every credit of the charges changes with it"))
            } else {
                changes.append(ContractChange(subject: "contract", kind: .priceChanged, message: "price added: `\(price.text)`"))
            }
        }
        for price in o.prices where !n.prices.contains(where: { same($0, price) }) {
            changes.append(ContractChange(subject: "contract", kind: .priceChanged, message: "price removed (was `\(price.text)`)"))
        }
        // The first price whose condition holds applies: the order of a field's prices matters,
        // for two prices whose conditions can hold for one request (not `model = "a"` and
        // `model = "b"`).
        for field in [Metric.inputTokens, .outputTokens, .totalTokens] {
            let before = o.prices.filter { price in price.field == field && n.prices.contains { same($0, price) } }.map(\.condition)
            let after = n.prices.filter { price in price.field == field && o.prices.contains { same($0, price) } }.map(\.condition)
            var swapped = false
            for i in before.indices {
                for j in before.indices where j > i {
                    guard let a = before[i], let b = before[j], let ai = after.firstIndex(of: a), let bi = after.firstIndex(of: b), bi < ai else { continue }
                    if PredicateLogic.contradiction(SpannedPredicate(.and(a, b), syntax: nil)) == nil { swapped = true }
                }
            }
            if swapped {
                changes.append(ContractChange(subject: "contract", kind: .priceChanged,
                                              message: "the prices of `\(field.rawValue)` are in another order; a request that several of their conditions hold for takes the first, so its price may change"))
            }
        }
        return changes
    }

    private static func compareExclusions(_ o: CheckedExclusions, _ n: CheckedExclusions, subject: String) -> [ContractChange] {
        var changes: [ContractChange] = []
        // The same time and the same requests excluded, in other pieces (one interval split in two,
        // two conditions merged with `or`): only the per-exclusion counts change.
        // Time removed and time counted as up are compared apart: the same interval turned
        // `as uptime` can change every uptime figure.
        let sameTime = Set(o.maintenance) != Set(n.maintenance)
            && merged(o.maintenance.filter { !$0.asUptime }) == merged(n.maintenance.filter { !$0.asUptime })
            && merged(o.maintenance.filter(\.asUptime)) == merged(n.maintenance.filter(\.asUptime))
        let matched = n.requests.allSatisfy { p in o.requests.contains { PredicateLogic.equivalent($0, p) } }
            && o.requests.allSatisfy { p in n.requests.contains { PredicateLogic.equivalent($0, p) } }
        let sameRequests = !matched && !o.requests.isEmpty && !n.requests.isEmpty
            && PredicateLogic.equivalent(o.requests.dropFirst().reduce(o.requests[0]) { .or($0, $1) },
                                         n.requests.dropFirst().reduce(n.requests[0]) { .or($0, $1) })
        if sameTime || sameRequests {
            let what = [sameTime ? "the same maintenance time" : nil, sameRequests ? "the same requests" : nil].compactMap { $0 }.joined(separator: " and ")
            // The loops below then report only what else changed (the reorder check is moot).
            changes.append(ContractChange(subject: subject, kind: .exclusionOrderChanged,
                                          message: "exclusions split or merged: \(what) excluded as before, in other pieces, so only the report's count for each exclusion can change (verdicts and credits do not)"))
        }
        // The same interval turned `as uptime` or back: one change, not a removal and an addition.
        func toggled(_ m: MaintenanceInterval, in other: [MaintenanceInterval]) -> Bool {
            !other.contains(m) && other.contains { $0.start == m.start && $0.end == m.end && $0.asUptime != m.asUptime }
        }
        for m in n.maintenance where !sameTime && toggled(m, in: o.maintenance) {
            changes.append(ContractChange(subject: subject, kind: .exclusionChanged,
                                          message: m.asUptime
                                            ? "maintenance \(Wording.instant(m.start)) to \(Wording.instant(m.end)) now counts as uptime: its time stays in the period and is up (it was taken out of the period)"
                                            : "maintenance \(Wording.instant(m.start)) to \(Wording.instant(m.end)) no longer counts as uptime: its time is taken out of the period (it stayed in it, as up)"))
        }
        for m in n.maintenance where !sameTime && !o.maintenance.contains(m) && !toggled(m, in: o.maintenance) {
            changes.append(ContractChange(subject: subject, kind: .exclusionAdded,
                                          message: "maintenance exclusion added: \(Wording.instant(m.start)) to \(Wording.instant(m.end))\(m.asUptime ? ", its time counted as uptime" : "")"))
        }
        for m in o.maintenance where !sameTime && !n.maintenance.contains(m) && !toggled(m, in: n.maintenance) {
            changes.append(ContractChange(subject: subject, kind: .exclusionRemoved,
                                          message: "maintenance exclusion removed: \(Wording.instant(m.start)) to \(Wording.instant(m.end))\(m.asUptime ? ", its time counted as uptime" : "")"))
        }
        for p in n.requests where !sameRequests && !o.requests.contains(where: { PredicateLogic.equivalent($0, p) }) {
            changes.append(ContractChange(subject: subject, kind: .exclusionAdded,
                                          message: "exclusion added: requests where `\(Wording.slac(p))`"))
        }
        for p in o.requests where !sameRequests && !n.requests.contains(where: { PredicateLogic.equivalent($0, p) }) {
            changes.append(ContractChange(subject: subject, kind: .exclusionRemoved,
                                          message: "exclusion removed: requests where `\(Wording.slac(p))`"))
        }
        if changes.isEmpty && !sameOrder(o, n) {
            changes.append(ContractChange(subject: subject, kind: .exclusionOrderChanged,
                                          message: "exclusions reordered or repeated: a request is counted under the first exclusion that matches it, so the report's count for each exclusion can change (verdicts and credits do not)"))
        }
        return changes
    }

    /// Maintenance intervals as the time they cover: sorted, overlapping and touching ones joined.
    private static func merged(_ intervals: [MaintenanceInterval]) -> [[Int64]] {
        var out: [[Int64]] = []
        for m in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = out.last, m.start <= last[1] {
                out[out.count - 1][1] = max(last[1], m.end)
            } else {
                out.append([m.start, m.end])
            }
        }
        return out
    }

    /// The same exclusions in the same source order, each equivalent to its counterpart.
    private static func sameOrder(_ o: CheckedExclusions, _ n: CheckedExclusions) -> Bool {
        let a = o.sourceOrder, b = n.sourceOrder
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.maintenance(let i), .maintenance(let j)): if o.maintenance[i] != n.maintenance[j] { return false }
            case (.requests(let i), .requests(let j)): if !PredicateLogic.equivalent(o.requests[i], n.requests[j]) { return false }
            default: return false
            }
        }
        return true
    }

    // MARK: clauses

    private static func compareClause(_ o: CheckedClause, _ n: CheckedClause, old: ContractDocument, new: ContractDocument,
                                      subject: String) -> [ContractChange] {
        var changes: [ContractChange] = []
        func add(_ kind: ContractChange.Kind, _ message: String) { changes.append(ContractChange(subject: subject, kind: kind, message: message)) }
        let oldSyntax = ClauseParts(old.syntax(of: o)), newSyntax = ClauseParts(new.syntax(of: n))

        if o.name != n.name { add(.clauseRenamed, "renamed from `\(o.name)` to `\(n.name)`") }
        if o.ref != n.ref { add(.clauseRefChanged, "reference changed from \(o.ref) to \(n.ref)") }
        if o.text != n.text { add(.textChanged, "legal text changed: " + textDifference(o.text, n.text)) }

        changes += compareRequirement(o, n, oldSyntax: oldSyntax, newSyntax: newSyntax, subject: subject)
        if let scope = compareScope(o.scope, n.scope, oldText: oldSyntax.scope.map(SyntaxPrinter.predicate), newText: newSyntax.scope.map(SyntaxPrinter.predicate)) {
            add(scope.0, scope.1)
        }
        if o.window != n.window, !Self.sameWindows(o.window, n.window, old: old.contract, new: new.contract) {
            add(.windowChanged, "window changed from \(Wording.windowShort(o.window)) to \(Wording.windowShort(n.window))")
        }
        if Set(o.groupBy) != Set(n.groupBy) {
            func per(_ g: [String]) -> String { g.isEmpty ? "no grouping" : "per " + g.joined(separator: ", ") }
            var detail: [String] = []
            let added = n.groupBy.filter { !o.groupBy.contains($0) }, removed = o.groupBy.filter { !n.groupBy.contains($0) }
            if !added.isEmpty { detail.append("now separately for each " + added.map { "`\($0)`" }.joined(separator: ", ")) }
            if !removed.isEmpty { detail.append("no longer separately for each " + removed.map { "`\($0)`" }.joined(separator: ", ")) }
            add(.groupsChanged, "grouping changed from \(per(o.groupBy)) to \(per(n.groupBy)) (\(detail.joined(separator: "; ")))")
        }
        // A window exists only where a request is in scope, so `minimum 1` is no minimum at all.
        if max(o.minimumRequests, 1) != max(n.minimumRequests, 1) {
            add(.minimumChanged, "minimum sample \(n.minimumRequests > o.minimumRequests ? "raised" : "lowered") from \(Wording.number(Rational(o.minimumRequests))) to \(Wording.number(Rational(n.minimumRequests))) requests per window")
        }
        if effectiveMeasure(o) != effectiveMeasure(n) || o.windowsAreValued != n.windowsAreValued {
            add(.measureChanged, "measure changed from \(measureWords(o)) to \(measureWords(n))")
        }
        if o.objective.comparison != n.objective.comparison {
            // With the bound too when it moved (it was left out: `>= 99.9%` → `> 95%` read as a
            // change of comparison alone, and the verdict flipped).
            func objective(_ c: CheckedClause) -> String {
                let bound = o.measure == nil && n.measure == nil ? Wording.percent(c.objective.bound) + " of windows" : Wording.measureBound(c.objective.bound, clause: c)
                return Wording.comparison(c.objective.comparison) + " " + bound
            }
            add(.measureChanged, o.objective.bound == n.objective.bound
                ? "objective changed from \(Wording.comparison(o.objective.comparison)) to \(Wording.comparison(n.objective.comparison))"
                : "objective changed from \(objective(o)) to \(objective(n))")
        } else if o.objective.bound != n.objective.bound {
            let up = n.objective.bound > o.objective.bound
            let stricter = up == (n.objective.comparison == .greaterEqual || n.objective.comparison == .greater)
            if o.measure == nil && n.measure == nil {
                add(up ? .objectiveTightened : .objectiveLoosened,
                    "objective \(up ? "raised" : "lowered") from \(Wording.percent(o.objective.bound)) to \(Wording.percent(n.objective.bound)) of windows (\(up ? "stricter" : "more lenient"))")
            } else {
                add(stricter ? .objectiveTightened : .objectiveLoosened,
                    "objective \(up ? "raised" : "lowered") from \(Wording.measureBound(o.objective.bound, clause: o)) to \(Wording.measureBound(n.objective.bound, clause: n)) (\(stricter ? "stricter" : "more lenient"))")
            }
        }
        if o.objective.period != n.objective.period {
            func period(_ p: CheckedObjective.Period) -> String { "per " + Checker.periodName(p) }
            add(.objectivePeriodChanged, "\(o.measure == nil && n.measure == nil ? "objective" : "measure") period changed from \(period(o.objective.period)) to \(period(n.objective.period))")
        }
        changes += compareCredits(o, n, oldFee: old.contract.fee, newFee: new.contract.fee, subject: subject)
        changes += compareExclusions(o.exclusions, n.exclusions, subject: subject)
        return changes
    }

    private static func compareRequirement(_ o: CheckedClause, _ n: CheckedClause, oldSyntax: ClauseParts, newSyntax: ClauseParts,
                                           subject: String) -> [ContractChange] {
        var changes: [ContractChange] = []
        func add(_ kind: ContractChange.Kind, _ message: String) { changes.append(ContractChange(subject: subject, kind: kind, message: message)) }
        let oldText = oldSyntax.require.map(SyntaxPrinter.requirement) ?? o.requirementText
        let newText = newSyntax.require.map(SyntaxPrinter.requirement) ?? n.requirementText
        guard o.aggregate.dimension == n.aggregate.dimension else {
            add(.requirementChanged, "requirement changed from `\(oldText)` to `\(newText)`")
            return changes
        }
        // A `value` clause's windows have no bound (its `>= 0` is a placeholder): from or to one,
        // the requirement is new or gone, not a bound "tightened from 0%".
        if o.windowsAreValued != n.windowsAreValued {
            add(.requirementChanged, o.windowsAreValued
                ? "windows now judged by `\(newText)`; they were only valued (`\(oldText)`), with no bound"
                : "windows now only valued (`\(newText)`), with no bound; they were judged by `\(oldText)`")
            return changes
        }
        // On a whole-number statistic (a count, a token statistic) `< 601`, `< 600.5` and
        // `<= 600.9` are all `<= 600`: each bound as the inclusive whole-number bound it means.
        func whole(_ c: CheckedClause) -> (ComparisonOperator, Rational) {
            guard Self.isWhole(c.aggregate) else { return (c.comparison, c.bound) }
            let floor = Rational(c.bound.floor)
            let ceiling = floor == c.bound ? floor : floor + Rational(1)
            switch c.comparison {
            case .lessEqual: return (.lessEqual, floor)
            case .less: return (.lessEqual, ceiling - Rational(1))
            case .greaterEqual: return (.greaterEqual, ceiling)
            case .greater: return (.greaterEqual, floor + Rational(1))
            default: return (c.comparison, c.bound)
            }
        }
        let (oCmp, oBound) = whole(o), (nCmp, nBound) = whole(n)
        // Where a bound was read as the whole-number bound it means, the message also quotes the
        // requirements as written: `< 600` changed reads "599", which is not in either contract.
        let reread = (oCmp, oBound) != (o.comparison, o.bound) || (nCmp, nBound) != (n.comparison, n.bound)
        let asWritten = reread ? " (a whole number; as written `\(oldText)`, now `\(newText)`)" : ""
        let oldUnit = WrittenUnit(clause: o, require: oldSyntax.require), newUnit = WrittenUnit(clause: n, require: newSyntax.require)
        let upper: Set<ComparisonOperator> = [.less, .lessEqual], lower: Set<ComparisonOperator> = [.greater, .greaterEqual]
        let sameDirection = (upper.contains(oCmp) && upper.contains(nCmp)) || (lower.contains(oCmp) && lower.contains(nCmp))

        // `max` and `p100` (likewise `min` and `p0`) are one statistic spelled two ways, and a
        // share of two equivalent conditions is one share (`status = "ok"`, `status in ["ok"]`).
        let sameStatistic = o.aggregate == n.aggregate
            || (StatisticOrder.atMost(o.aggregate, n.aggregate) && StatisticOrder.atMost(n.aggregate, o.aggregate))
            || Self.equivalentShares(o.aggregate, n.aggregate)
        if !sameStatistic {
            var message = "statistic changed from \(Wording.statisticShort(o.aggregate).plainText) to \(Wording.statisticShort(n.aggregate).plainText)"
            if sameDirection && oBound == nBound && oCmp == nCmp {
                let up = upper.contains(nCmp)
                if StatisticOrder.atMost(n.aggregate, o.aggregate) && StatisticOrder.atMost(o.aggregate, n.aggregate) == false {
                    message += up ? " (looser: the new statistic is never above the old one)" : " (stricter: the new statistic is never above the old one)"
                } else if StatisticOrder.atMost(o.aggregate, n.aggregate) {
                    message += up ? " (stricter: the new statistic is never below the old one)" : " (looser: the new statistic is never below the old one)"
                }
            }
            add(.requirementChanged, message + "; requirement was `\(oldText)`, now `\(newText)`")
            if oCmp == nCmp && oBound == nBound { return changes }
        }
        if oCmp != nCmp {
            var message = "comparison changed from `\(oCmp.rawValue)` to `\(nCmp.rawValue)`"
            if sameDirection && oBound == nBound {
                let strictNow = nCmp == .less || nCmp == .greater
                message += strictNow ? " (stricter: the bound itself no longer meets the requirement)" : " (looser: the bound itself now meets the requirement)"
            } else if !sameDirection {
                message += "; requirement was `\(oldText)`, now `\(newText)`"
            }
            add(.comparisonChanged, message + (sameDirection ? asWritten : ""))
        }
        guard oBound != nBound else { return changes }
        let window = o.window == n.window || (!oldUnit.perWindow && !newUnit.perWindow)
        let delta = window ? " (\(newUnit.format(nBound - oBound, signed: true)))" : ""
        let from = oldUnit.format(oBound), to = newUnit.format(nBound)
        if sameDirection && sameStatistic {
            let tighter = upper.contains(nCmp) ? nBound < oBound : nBound > oBound
            if from == to {
                // A rate bound (`1k requests/min`) under a changed window: the rate reads the same,
                // the count each window allows does not.
                let unit = n.aggregate.dimension.canonicalUnit
                add(tighter ? .boundTightened : .boundLoosened,
                    "bound \(tighter ? "tightened" : "loosened") from \(Wording.number(oBound)) to \(Wording.number(nBound)) \(unit) a window (\(to) over \(Wording.windowShort(n.window)), was over \(Wording.windowShort(o.window)))")
            } else {
                add(tighter ? .boundTightened : .boundLoosened, "bound \(tighter ? "tightened" : "loosened") from \(from) to \(to)\(delta)\(asWritten)")
            }
        } else {
            add(.boundChanged, "bound changed from \(from) to \(to)\(delta)\(asWritten)")
        }
        return changes
    }

    /// `calendar day` and `1 day` (or `24 hours`) give the same windows when both contracts' clocks
    /// are UTC throughout the term: calendar days then start at the epoch-aligned midnights.
    static func sameWindows(_ a: CheckedWindow, _ b: CheckedWindow, old: CheckedContract, new: CheckedContract) -> Bool {
        let day: Int64 = 86_400_000_000_000
        let pair = [a, b]
        guard pair.contains(.calendarDay), pair.contains(.fixed(nanoseconds: day)) else { return false }
        return ZoneComparison.sameOffsets(old.timezone, "UTC", from: old.termStart, to: old.termEnd)
            && ZoneComparison.sameOffsets(new.timezone, "UTC", from: new.termStart, to: new.termEnd)
    }

    /// Statistics whose values are whole numbers: a count of requests, and a token count's sum,
    /// extremes or percentile (nearest rank picks a value).
    static func isWhole(_ aggregate: CheckedAggregate) -> Bool {
        switch aggregate {
        case .count: return true
        case .sum(let m), .min(let m), .max(let m), .percentile(let m, _): return PredicateLogic.isWhole(m)
        default: return false
        }
    }

    /// Two shares of conditions that hold for the same records.
    static func equivalentShares(_ a: CheckedAggregate, _ b: CheckedAggregate) -> Bool {
        guard case .share(let p) = a, case .share(let q) = b else { return false }
        return PredicateLogic.equivalent(p, q)
    }

    /// Narrowed when the new scope implies the old one, widened when the old implies the new.
    static func compareScope(_ o: CheckedPredicate?, _ n: CheckedPredicate?, oldText: String?, newText: String?) -> (ContractChange.Kind, String)? {
        if PredicateLogic.equivalent(o, n) { return nil }
        let shown = { (t: String?, p: CheckedPredicate?) -> String in t.map { "`\($0)`" } ?? (p.map { "`\(Wording.slac($0))`" } ?? "every request") }
        let from = shown(oldText, o), to = shown(newText, n)
        var details: [String] = []
        let oc = PredicateLogic.conjuncts(o), nc = PredicateLogic.conjuncts(n)
        // List changes of the same field.
        for case .textIn(let f, let newValues, let negated) in nc {
            guard let oldValues = oc.lazy.compactMap({ c -> [String]? in
                if case .textIn(f, let v, negated) = c { return v } else { return nil }
            }).first, !(oldValues.count == newValues.count && zip(oldValues, newValues).allSatisfy { $0.sameBytes($1) }) else { continue }
            // By bytes, as conditions compare texts.
            let gained = newValues.filter { v in !oldValues.contains { $0.sameBytes(v) } }
            let lost = oldValues.filter { v in !newValues.contains { $0.sameBytes(v) } }
            let list = negated ? "`\(f) not in` list" : "`\(f)` list"
            if !gained.isEmpty { details.append("\(list) gained " + gained.map(SyntaxPrinter.quoted).joined(separator: ", ")) }
            if !lost.isEmpty { details.append("\(list) lost " + lost.map(SyntaxPrinter.quoted).joined(separator: ", ")) }
        }
        let listFields = Set(nc.compactMap { c -> String? in if case .textIn(let f, _, _) = c { return f } else { return nil } })
        for c in nc where !oc.contains(c) {
            if case .textIn(let f, _, _) = c, oc.contains(where: { if case .textIn(f, _, _) = $0 { true } else { false } }) { continue }
            details.append("now also requires `\(Wording.slac(c))`")
        }
        for c in oc where !nc.contains(c) {
            if case .textIn(let f, _, _) = c, listFields.contains(f) { continue }
            details.append("no longer requires `\(Wording.slac(c))`")
        }
        // Two texts that read the same but are other code points (`é` and `e` with a combining
        // accent): said, or the change would look like none.
        // (The conditions differ, so texts equal to Swift differ in their code points.)
        if from == to {
            details.append("the texts look alike but are written with other Unicode code points (such as `é` as one character, or as `e` and a combining accent), which conditions tell apart")
        }
        let suffix = details.isEmpty ? "" : " (" + details.joined(separator: "; ") + ")"
        if PredicateLogic.implies(n, o) { return (.scopeNarrowed, "scope narrowed from \(from) to \(to)\(suffix)") }
        if PredicateLogic.implies(o, n) { return (.scopeWidened, "scope widened from \(from) to \(to)\(suffix)") }
        return (.scopeChanged, "scope changed from \(from) to \(to)\(suffix)")
    }

    /// `attainment of windows`, `mean of the window values (empty intervals count as 100%)`, …
    /// The measure as evaluated: uptime without `empty` counts empty intervals as met, so
    /// `empty met` there changes nothing.
    private static func effectiveMeasure(_ c: CheckedClause) -> CheckedMeasure? {
        guard var m = c.measure else { return nil }
        if m.kind == .uptime && m.empty == nil { m.empty = .met }
        return m
    }

    private static func measureWords(_ c: CheckedClause) -> String {
        guard let m = c.measure else { return "attainment of windows" }
        var words: String
        switch m.kind {
        case .attainment: words = "attainment over every interval"
        case .mean: words = "mean of the window values"
        case .uptime: words = "uptime"
        }
        switch m.empty {
        case .value(let v)?: words += " (an interval without a value counts as \(Wording.measureBound(v, clause: c)))"
        case .met?: words += " (an interval without a verdict counts as met)"
        case .breached?: words += " (an interval without a verdict counts as breached)"
        case nil: break
        }
        if m.kind == .uptime && m.downtimeAfter > 1 { words += ", down only after \(m.downtimeAfter) consecutive breached windows" }
        return words
    }

    private static func compareCredits(_ oc: CheckedClause, _ nc: CheckedClause, oldFee: Fee?, newFee: Fee?, subject: String) -> [ContractChange] {
        let o = oc.credits, n = nc.credits
        var changes: [ContractChange] = []
        func amount(_ tier: CheckedCredit, _ fee: Fee?) -> String {
            guard tier.base == .fee, let fee, let a = Wording.creditAmount(percent: tier.percent, fee: fee) else { return "" }
            return " (\(a))"
        }
        // The short form keeps its historical wording; measures say what they compare.
        func when(_ tier: CheckedCredit, _ clause: CheckedClause) -> String {
            if clause.measure == nil && tier.comparison == .less { return "attainment < \(Wording.percent(tier.threshold))" }
            return "measure \(tier.comparison.rawValue) \(Wording.measureBound(tier.threshold, clause: clause))"
        }
        func same(_ a: CheckedCredit, _ b: CheckedCredit) -> Bool { a.threshold == b.threshold && a.comparison == b.comparison }
        // A tier whose threshold moved (same credit, same direction) reads as one change, not as
        // a tier removed and another added: pair the unmatched tiers of equal credit in order.
        var movedFrom: [Int: CheckedCredit] = [:]   // index in `n` → the old tier it replaces
        var pairedOld: Set<Int> = []
        for (i, tier) in n.enumerated() where !o.contains(where: { same($0, tier) }) {
            if let j = o.indices.first(where: { j in !pairedOld.contains(j) && !n.contains(where: { same($0, o[j]) })
                                                && o[j].percent == tier.percent && o[j].base == tier.base && o[j].comparison == tier.comparison }) {
                movedFrom[i] = o[j]
                pairedOld.insert(j)
            }
        }
        for (i, tier) in n.enumerated().reversed() {
            if let before = movedFrom[i] {
                changes.append(ContractChange(subject: subject, kind: .creditTierChanged,
                                              message: "credit of \(Wording.number(tier.percent))% of \(tier.base.rawValue)\(amount(tier, newFee)) now due when \(when(tier, nc)), was when \(when(before, oc))\(amount(before, oldFee) == amount(tier, newFee) ? "" : amount(before, oldFee).replacingOccurrences(of: " (", with: " (then "))"))
                continue
            }
            if let before = o.first(where: { same($0, tier) }) {
                guard before.percent != tier.percent || before.base != tier.base else { continue }
                changes.append(ContractChange(subject: subject, kind: .creditTierChanged,
                                              message: "credit when \(when(tier, nc)) \(tier.percent > before.percent ? "raised" : (tier.percent < before.percent ? "lowered" : "changed")) from \(Wording.number(before.percent))% of \(before.base.rawValue)\(amount(before, oldFee)) to \(Wording.number(tier.percent))% of \(tier.base.rawValue)\(amount(tier, newFee))"))
            } else {
                changes.append(ContractChange(subject: subject, kind: .creditTierAdded,
                                              message: "credit tier added: \(Wording.number(tier.percent))% of \(tier.base.rawValue)\(amount(tier, newFee)) when \(when(tier, nc))"))
            }
        }
        for (j, tier) in o.enumerated().reversed() where !n.contains(where: { same($0, tier) }) && !pairedOld.contains(j) {
            changes.append(ContractChange(subject: subject, kind: .creditTierRemoved,
                                          message: "credit tier removed: \(Wording.number(tier.percent))% of \(tier.base.rawValue)\(amount(tier, oldFee)) when \(when(tier, oc))"))
        }
        return changes
    }

    private static func textDifference(_ a: String, _ b: String) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false), y = b.split(separator: "\n", omittingEmptySubsequences: false)
        var i = 0
        while i < x.count && i < y.count && x[i] == y[i] { i += 1 }
        func clip(_ s: Substring?) -> String {
            guard let s else { return "(nothing)" }
            let t = s.trimmingBlanks
            return "“" + (t.count > 70 ? String(t.prefix(69)) + "…" : t) + "”"
        }
        // Lines that differ only in blanks at their ends read the same once clipped: say so.
        if i < x.count, i < y.count, x[i].trimmingBlanks == y[i].trimmingBlanks {
            return "line \(i + 1) changed only in spaces or tabs at its start or end (\(clip(y[i])))"
        }
        return "line \(i + 1) was \(clip(i < x.count ? x[i] : nil)), now \(clip(i < y.count ? y[i] : nil))"
    }
}

extension Substring {
    fileprivate var trimmingBlanks: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

/// Whether two time zones keep the same UTC offset at every instant of a term.
enum ZoneComparison {
    /// Compared at the start, at every offset change of either zone within the term, and once a
    /// day (a safety net for changes Foundation does not list as daylight-saving transitions).
    static func sameOffsets(_ a: String, _ b: String, from start: Int64, to end: Int64) -> Bool {
        if a == b { return true }
        guard let za = TimeZone(identifier: a), let zb = TimeZone(identifier: b) else { return false }
        let first = Date(timeIntervalSince1970: Double(start) / 1e9), last = Date(timeIntervalSince1970: Double(end) / 1e9)
        func agree(_ d: Date) -> Bool { za.secondsFromGMT(for: d) == zb.secondsFromGMT(for: d) }
        guard agree(first) else { return false }
        var t = first
        while true {
            let candidates = [za.nextDaylightSavingTimeTransition(after: t), zb.nextDaylightSavingTimeTransition(after: t)].compactMap { $0 }
            guard let next = candidates.min(), next < last else { break }
            guard agree(next) else { return false }
            t = next
        }
        // Terms of up to 50 years are sampled daily; longer ones rest on the transitions.
        guard last.timeIntervalSince(first) <= 50 * 366 * 86_400 else { return true }
        var d = first
        while d < last {
            guard agree(d) else { return false }
            d = d.addingTimeInterval(86_400)
        }
        return true
    }
}
