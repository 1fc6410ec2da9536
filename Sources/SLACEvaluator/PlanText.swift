import SLACChecker
import SLACExact
import SLACMonitor
import SLACSyntax

/// A plan's clauses and exclusions written back as contract text, bounds in canonical units
/// (`ttft <= 800 ms`, `decode_tps >= 30 tokens/s`), for the clause definition in reports
/// (docs/reports.md, "Clause definition"). Made from the plan, so `verify --plan` writes the same.
enum PlanText {
    /// An exact number: the decimal when it terminates (`0.995`, `120000`), else the fraction.
    static func number(_ r: Rational) -> String {
        let text = r.decimalString(significantDigits: 40, maxFractionDigits: 40)
        return Rational(decimal: text) == r ? text : r.description
    }

    /// A condition as contract text (`status = "ok" and model in ["a", "b"]`).
    static func predicate(_ p: CheckedPredicate) -> String {
        func wrapped(_ q: CheckedPredicate, inside: String) -> String {
            switch (q, inside) {
            case (.or, "and"), (.and, "not"), (.or, "not"): "(" + predicate(q) + ")"
            default: predicate(q)
            }
        }
        switch p {
        case .metric(let m, let op, let v):
            return "\(m.rawValue) \(op.rawValue) \(number(v)) \(m.dimension.canonicalUnit)"
        case .text(let f, let equal, let v):
            return "\(f) \(equal ? "=" : "!=") \(SyntaxPrinter.quoted(v))"
        case .textIn(let f, let values, let negated):
            return "\(f) \(negated ? "not in" : "in") [\(values.map(SyntaxPrinter.quoted).joined(separator: ", "))]"
        case .and(let a, let b): return wrapped(a, inside: "and") + " and " + wrapped(b, inside: "and")
        case .or(let a, let b): return predicate(a) + " or " + predicate(b)
        case .not(let a): return "not " + wrapped(a, inside: "not")
        }
    }

    /// A window as the contract writes it after `every` (`5 minutes`, `calendar day`, `term`).
    static func window(_ w: CheckedWindow) -> String {
        switch w {
        case .fixed(let ns): duration(ns)
        case .calendarDay: "calendar day"
        case .calendarWeek: "calendar week"
        case .calendarMonth: "calendar month"
        case .calendarQuarter: "calendar quarter"
        case .calendarYear: "calendar year"
        case .term: "term"
        }
    }

    /// A length in the largest unit that divides it (`5 minutes`, `90 seconds`, `250 ms`).
    static func duration(_ ns: Int64) -> String {
        let units: [(Int64, String, String)] = [
            (86_400_000_000_000, "day", "days"), (3_600_000_000_000, "hour", "hours"), (60_000_000_000, "minute", "minutes"),
            (1_000_000_000, "second", "seconds"), (1_000_000, "ms", "ms"), (1_000, "µs", "µs"), (1, "ns", "ns"),
        ]
        for (length, one, many) in units where ns % length == 0 {
            let n = ns / length
            return "\(n) \(n == 1 ? one : many)"
        }
        return "\(ns) ns"
    }

    /// Nanoseconds as exact decimal seconds (`300`, `0.25`).
    static func seconds(_ ns: Int64) -> String {
        Rational(Int(ns), 1_000_000_000).decimalString(significantDigits: 30, maxFractionDigits: 9)
    }

    /// The aggregate as the requirement writes it (`p99(ttft)`, `share(decode_tps >= 30 tokens/s)`).
    static func aggregate(_ a: CheckedAggregate) -> String {
        switch a {
        case .percentile(let m, let q): "p\(number(q))(\(m.rawValue))"
        case .mean(let m): "mean(\(m.rawValue))"
        case .min(let m): "min(\(m.rawValue))"
        case .max(let m): "max(\(m.rawValue))"
        case .sum(let m): "sum(\(m.rawValue))"
        case .count: "count"
        case .share(let p): "share(\(predicate(p)))"
        }
    }

    /// Exclusions with the records each removed (`removed[i]` for exclusion i, maintenance
    /// intervals first, then request predicates: the order `CompiledExclusions.firstMatch` uses).
    static func exclusions(_ e: CheckedExclusions, removed: [Int]) -> [ExclusionResult] {
        func count(_ i: Int) -> Int { i < removed.count ? removed[i] : 0 }
        var out: [ExclusionResult] = []
        for (i, m) in e.maintenance.enumerated() {
            out.append(ExclusionResult(kind: "maintenance", start: m.start, end: m.end, removed: count(i), asUptime: m.asUptime ? true : nil))
        }
        for (i, p) in e.requests.enumerated() {
            out.append(ExclusionResult(kind: "requests", predicate: predicate(p), removed: count(e.maintenance.count + i)))
        }
        return out
    }

    /// What the requirement of a clause means: comparison, exact bound, unit and which side breaches.
    static func requirementBound(_ c: PlanClause) -> RequirementBound {
        var worse: WorseDirection?
        switch c.comparison {
        case .less, .lessEqual: worse = .higher
        case .greater, .greaterEqual: worse = .lower
        case .equal, .notEqual: worse = nil
        }
        if c.valued == true { worse = nil }
        return RequirementBound(comparison: c.comparison.rawValue, value: number(c.bound), unit: c.unit, worse: worse)
    }

    /// The full definition of a clause.
    static func definition(_ c: PlanClause, removed: [Int], evidenceMetric: Metric?,
                           evidenceCondition: (ComparisonOperator, Rational)?) -> ClauseDefinition {
        var windowSeconds: String?
        if case .fixed(let ns) = c.window { windowSeconds = seconds(ns) }
        let measureKind = c.measure?.kind.rawValue ?? "attainment"
        var empty: String?
        switch c.measure?.empty {
        case .met?: empty = "met"
        case .breached?: empty = "breached"
        case .value(let v)?: empty = number(v)
        case nil: empty = nil
        }
        let tiers = c.credits.map {
            CreditTier(percent: number($0.percent), base: $0.base.rawValue, comparison: $0.comparison.rawValue, threshold: number($0.threshold))
        }
        return ClauseDefinition(
            scope: c.scope.map(predicate), window: window(c.window), windowSeconds: windowSeconds, groupBy: c.groupBy,
            aggregate: aggregate(c.aggregate),
            minimumRequests: c.minimumRequests, measure: measureKind, objectiveComparison: c.objective.comparison.rawValue,
            objective: number(c.objective.bound), period: c.objective.period.rawValue, empty: empty,
            downtimeAfter: c.measure?.kind == .uptime ? c.measure?.downtimeAfter : nil, valued: c.valued ?? false,
            tiers: tiers, exclusions: exclusions(c.exclusions, removed: removed),
            evidenceMetric: evidenceMetric?.rawValue, evidenceUnit: evidenceMetric?.dimension.canonicalUnit,
            evidenceComparison: evidenceCondition?.0.rawValue, evidenceBound: evidenceCondition.map { number($0.1) })
    }
}
