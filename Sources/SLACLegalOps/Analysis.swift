import SLACChecker
import SLACExact
import SLACSyntax

/// Checks beyond types: a contract can be well-typed and still promise something impossible,
/// promise the same thing twice, measure nothing, or owe credits while compliant. These are
/// warnings (`slac check` still exits 0): the file may mean what the parties signed, but a reader
/// should look again. Each warning points at the text and, with a note, at the other clause.
///
/// Codes (stable, the house style of docs/language.md, "Diagnostics"):
/// - `SLA0410` two requirements that no window can both meet
/// - `SLA0411` a clause implied by another (redundant)
/// - `SLA0412` a condition no request can satisfy (scope, `share`, exclusion)
/// - `SLA0413` a credit tier that can never apply
/// - `SLA0414` a credit tier that applies while the clause meets its objective
/// - `SLA0415` maintenance exclusions that cover the whole term
/// - `SLA0416` a quota below what a per-window minimum adds up to when traffic is continuous
/// - `SLA0417` clauses not compared with each other (more than 500 clauses)
/// - `SLA0418` a clause grouped by request id
package enum ContractAnalysis {
    /// The analysis warnings of a checked contract, in source order.
    package static func warnings(for contract: CheckedContract, syntax: ContractSyntax?) -> [Diagnostic] {
        guard let syntax else { return [] }
        var analysis = Run(contract: contract, syntax: syntax)
        analysis.run()
        return analysis.warnings.sortedForDisplay
    }

    /// The analysis warnings of a loaded document.
    package static func warnings(for document: ContractDocument) -> [Diagnostic] {
        warnings(for: document.contract, syntax: document.syntax)
    }
}

/// One clause with the syntax pieces the warnings point at.
///
/// A class: every pair of clauses is compared, and copying the struct's many fields for each of
/// the n² pairs cost more than the comparisons themselves on long contracts.
private final class AnalysedClause {
    let checked: CheckedClause
    let parts: ClauseParts
    let span: Span
    var requireSpan: Span { parts.require?.span ?? span }
    var name: String { checked.name }
    init(checked: CheckedClause, parts: ClauseParts, span: Span) {
        self.checked = checked
        self.parts = parts
        self.span = span
    }
}

private struct Run {
    let contract: CheckedContract
    let syntax: ContractSyntax
    let contractParts: ContractParts
    var clauses: [AnalysedClause] = []
    var warnings: [Diagnostic] = []
    /// Known answers of `equivalent(_:_:)`.
    private var equivalences: [[CheckedPredicate?]: Bool] = [:]
    /// `PredicateLogic.canonical` of each condition, computed once: with a scope of its own per
    /// clause (`model = "m17"`), every pair is new to `equivalences`, and canonicalising both
    /// conditions again for each pair took 55 % of checking a 200-clause contract.
    private var canonicals: [CheckedPredicate: CheckedPredicate] = [:]

    init(contract: CheckedContract, syntax: ContractSyntax) {
        self.contract = contract
        self.syntax = syntax
        self.contractParts = ContractParts(syntax)
        for c in contract.clauses {
            let clauseSyntax = contractParts.clauses.first { $0.span == c.anchor.span }
            clauses.append(AnalysedClause(checked: c, parts: ClauseParts(clauseSyntax), span: clauseSyntax?.name.span ?? c.anchor.span))
        }
    }

    mutating func run() {
        conditions()
        credits()
        maintenance()
        groupingByID()
        // Every pair of clauses: quadratic, so a contract of thousands of generated clauses took
        // seconds to minutes (2,000 identical clauses: 11.7 s and 1.8 GB in a release build, one
        // warning per pair; 2,000 distinct scopes: 11.1 s; with the limit 0.06 s and 0.09 s).
        // Real agreements have tens of clauses; past the limit the pairs are left out, and said so.
        guard clauses.count <= Self.pairLimit else {
            warn("SLA0417", clauses[Self.pairLimit].span,
                 "clauses were not compared with each other: the contract has \(clauses.count) clauses, more than \(Self.pairLimit)",
                 help: "contradictory and redundant clauses (SLA0410, SLA0411) are looked for in contracts of up to \(Self.pairLimit) clauses; split the contract to have them checked")
            return
        }
        for i in clauses.indices {
            for j in clauses.indices where j > i {
                pair(clauses[i], clauses[j])
            }
        }
    }

    /// The most clauses whose pairs are compared (125,000 pairs).
    static let pairLimit = 500

    private mutating func warn(_ code: DiagnosticCode, _ span: Span, _ message: String, help: String, notes: [DiagnosticNote] = []) {
        warnings.append(.warning(code, at: span, message, help: help, notes: notes))
    }

    // MARK: SLA0418 grouping by request id

    /// `per id` makes a group of every request: each window holds one record, and a month of
    /// traffic makes millions of groups (`slac verify` stops past 5 million windows × groups).
    /// It is almost always meant as `per tenant` or another field, so it is said at `check` time.
    private mutating func groupingByID() {
        for c in clauses where c.checked.groupBy.contains("id") {
            let span = c.parts.window?.groupBy.first { $0.name == "id" }?.span ?? c.parts.window?.span ?? c.span
            warn("SLA0418", span, "clause `\(c.name)` is measured separately per `id`: every request is a group of its own",
                 help: "each window then holds one request, and a long trace makes millions of groups (`slac verify` stops past 5 million windows × groups); group by the field the contract means, such as `per tenant`")
        }
    }

    // MARK: SLA0412 conditions that never hold

    private mutating func conditions() {
        for (i, p) in contract.exclusions.requests.enumerated() {
            let s = i < contractParts.requestExclusions.count ? contractParts.requestExclusions[i] : nil
            unsatisfiable(p, syntax: s?.predicate, span: s?.span, what: "the exclusion `\(Wording.slac(p))`",
                          consequence: "it never excludes a request; check the condition against the contract text")
        }
        for c in clauses {
            if let scope = c.checked.scope {
                unsatisfiable(scope, syntax: c.parts.scope, span: c.parts.scope?.span ?? c.span, what: "the scope of clause `\(c.name)`",
                              consequence: "the clause never measures a request, so every window is missing and it can never be breached or met")
            }
            if case .share(let p) = c.checked.aggregate {
                var shareSyntax: PredicateSyntax?
                if case .predicate(let s)? = c.parts.require?.aggregate.arguments?.first { shareSyntax = s }
                unsatisfiable(p, syntax: shareSyntax, span: shareSyntax?.span ?? c.requireSpan, what: "the condition of `share` in clause `\(c.name)`",
                              consequence: "the share is 0% in every window")
            }
            for (i, p) in c.checked.exclusions.requests.enumerated() {
                let s = i < c.parts.requestExclusions.count ? c.parts.requestExclusions[i] : nil
                unsatisfiable(p, syntax: s?.predicate, span: s?.span ?? c.span, what: "the exclusion `\(Wording.slac(p))` of clause `\(c.name)`",
                              consequence: "it never excludes a request; check the condition against the contract text")
            }
        }
    }

    private mutating func unsatisfiable(_ p: CheckedPredicate, syntax: PredicateSyntax?, span: Span?, what: String, consequence: String) {
        let spanned = SpannedPredicate(p, syntax: syntax)
        guard let conflict = PredicateLogic.contradiction(spanned) else { return }
        let primary = syntax?.span ?? span ?? Span(0, 0)
        let leaves = conflict.map { "`\(Wording.slac($0.leaf))`" }
        let reason: String
        if conflict.count == 1, case .metric(let m, _, _) = conflict[0].leaf, PredicateLogic.isNonNegative(m) {
            reason = "\(leaves[0]) can never hold: `\(m.rawValue)` is never negative"
        } else if conflict.count == 1 {
            reason = "\(leaves[0]) can never hold"
        } else if conflict.count == 2 {
            reason = "\(leaves[0]) and \(leaves[1]) cannot both hold for one request"
        } else {
            reason = leaves.joined(separator: ", ") + " cannot all hold for one request"
        }
        var notes: [DiagnosticNote] = []
        if conflict.count == 2 {
            for (k, l) in conflict.enumerated() {
                if let s = l.span, s != primary { notes.append(DiagnosticNote(span: s, message: k == 0 ? "this condition" : "conflicts with this condition")) }
            }
        }
        warn("SLA0412", primary, "\(what) can never be true", help: "\(reason); \(consequence)", notes: notes)
    }

    // MARK: SLA0413, SLA0414 credits

    /// A tier applies while the clause is compliant when some value of the measure both meets the
    /// objective and satisfies the tier. Tiers always point away from the objective (the checker's
    /// `SLA0326`), so that is a comparison of the two bounds in the tier's direction, in the
    /// measure's canonical unit. A tier no measure can reach on a ratio (below 0%, above 100%) is
    /// the checker's `SLA0402`; here only a tier below zero on a measure that is never negative.
    private mutating func credits() {
        for c in clauses where !c.checked.credits.isEmpty {
            let objective = c.checked.objective
            let kind = c.checked.measure?.kind ?? .attainment
            let dimension: Dimension = kind == .mean ? c.checked.aggregate.dimension : .ratio
            let what = kind == .mean ? "the measure" : kind.rawValue
            let unit = WrittenUnit(clause: c.checked, require: c.parts.require)
            func format(_ value: Rational) -> String { dimension == .ratio ? Wording.percent(value) : unit.format(value) }
            for credit in c.checked.credits {
                let span = credit.anchor.span.isEmpty ? c.span : credit.anchor.span
                if dimension != .ratio, let metric = c.checked.aggregate.metric, PredicateLogic.isNonNegative(metric),
                   credit.threshold.signum < 0 || (credit.threshold.signum == 0 && credit.comparison == .less) {
                    warn("SLA0413", span, "credit tier of clause `\(c.name)` can never apply",
                         help: "\(what) is never below 0 (`\(metric.rawValue)` is never negative), so this tier is never due; give it the threshold the contract text states")
                    continue
                }
                let T = credit.threshold, O = objective.bound
                let overlaps: Bool
                switch (objective.comparison, credit.comparison) {
                case (.greaterEqual, .lessEqual): overlaps = T >= O
                case (.greaterEqual, .less), (.greater, .less), (.greater, .lessEqual): overlaps = T > O
                case (.lessEqual, .greaterEqual): overlaps = T <= O
                case (.lessEqual, .greater), (.less, .greater), (.less, .greaterEqual): overlaps = T < O
                default: overlaps = false
                }
                guard overlaps else { continue }
                let notes = c.parts.objective.map { [DiagnosticNote(span: $0.span, message: "the objective is \(what) \(Wording.comparison(objective.comparison)) \(format(O))")] } ?? []
                warn("SLA0414", span, "clause `\(c.name)` owes a credit while it meets its objective",
                     help: "this tier applies when \(what) is \(Wording.comparison(credit.comparison)) \(format(T)), and the clause is compliant when it is \(Wording.comparison(objective.comparison)) \(format(O)): a period where both hold owes a credit on a compliant clause; align the threshold with the objective",
                     notes: notes)
            }
        }
    }

    // MARK: SLA0415 maintenance covering the term

    private func covers(_ intervals: [MaintenanceInterval]) -> Bool {
        var reached = contract.termStart
        for i in intervals.sorted(by: { $0.start < $1.start }) {
            if i.start > reached { return false }
            reached = max(reached, i.end)
            if reached >= contract.termEnd { return true }
        }
        return reached >= contract.termEnd
    }

    private mutating func maintenance() {
        let effectiveNote = contractParts.effective.map { [DiagnosticNote(span: $0.span, message: "the term is \(Wording.instant(contract.termStart)) to \(Wording.instant(contract.termEnd))")] } ?? []
        if covers(contract.exclusions.maintenance) {
            warn("SLA0415", contractParts.maintenanceSpans.first ?? syntax.name.span, "maintenance exclusions cover the whole term",
                 help: "every request of the term falls in a maintenance window, so no clause ever measures anything; check the dates against the contract text",
                 notes: effectiveNote)
            return
        }
        for c in clauses where !c.checked.exclusions.maintenance.isEmpty {
            if covers(contract.exclusions.maintenance + c.checked.exclusions.maintenance) {
                warn("SLA0415", c.parts.maintenanceSpans.first ?? c.span, "maintenance exclusions of clause `\(c.name)` cover the whole term",
                     help: "with the contract's own maintenance windows, every request of the term is excluded from this clause, so it never measures anything",
                     notes: effectiveNote)
            }
        }
    }

    // MARK: SLA0410, SLA0411, SLA0416 pairs of clauses

    private enum Side { case upper, lower }

    /// The bounds a requirement puts on its statistic (`=` bounds it on both sides).
    private static func sides(_ op: ComparisonOperator) -> [(Side, strict: Bool)] {
        switch op {
        case .less: [(.upper, true)]
        case .lessEqual: [(.upper, false)]
        case .greater: [(.lower, true)]
        case .greaterEqual: [(.lower, false)]
        case .equal: [(.upper, false), (.lower, false)]
        case .notEqual: []
        }
    }

    /// Same requests: equivalent scopes and the same clause exclusions.
    private mutating func sameRequests(_ a: CheckedClause, _ b: CheckedClause) -> Bool {
        a.exclusions == b.exclusions && equivalent(a.scope, b.scope)
    }

    /// `PredicateLogic.equivalent`, computed once per pair of conditions. Every pair of clauses is
    /// compared, but a contract repeats a few scopes and conditions: on a 2,000-line contract
    /// (200 clauses, the language server's benchmark) this took the analysis from 150 ms to a
    /// fraction of it, where proving the same two conditions equivalent again dominated.
    private mutating func equivalent(_ p: CheckedPredicate?, _ q: CheckedPredicate?) -> Bool {
        if p == q { return true }
        if let known = equivalences[[p, q]] { return known }
        let result = PredicateLogic.equivalent(p, q) { canonical($0) }
        equivalences[[p, q]] = result
        equivalences[[q, p]] = result
        return result
    }

    private mutating func canonical(_ p: CheckedPredicate) -> CheckedPredicate {
        if let known = canonicals[p] { return known }
        let form = PredicateLogic.canonical(p)
        canonicals[p] = form
        return form
    }

    private mutating func pair(_ x: AnalysedClause, _ y: AnalysedClause) {
        let a = x.checked, b = y.checked
        // A `value` clause has no requirement (its `>= 0` is a placeholder): it conflicts with
        // nothing and implies nothing.
        guard !a.windowsAreValued, !b.windowsAreValued else { return }
        guard sameRequests(a, b), Set(a.groupBy) == Set(b.groupBy) else { return }
        if a.window == b.window {
            if contradiction(x, y) || contradiction(y, x) { return }
            if !redundancy(implying: x, implied: y) { _ = redundancy(implying: y, implied: x) }
        } else {
            volume(x, y)
        }
    }

    /// `lowerClause` keeps a statistic L at least `a`, `upperClause` keeps U at most `b`, and L is
    /// never above U: impossible when `a` exceeds `b`.
    private mutating func contradiction(_ lowerClause: AnalysedClause, _ upperClause: AnalysedClause) -> Bool {
        let l = lowerClause.checked, u = upperClause.checked
        let statisticsMatch: Bool
        switch (l.aggregate, u.aggregate) {
        case (.share(let p), .share(let q)): statisticsMatch = equivalent(p, q)
        default: statisticsMatch = StatisticOrder.atMost(l.aggregate, u.aggregate)
        }
        guard statisticsMatch else { return false }
        for (side1, strict1) in Run.sides(l.comparison) where side1 == .lower {
            for (side2, strict2) in Run.sides(u.comparison) where side2 == .upper {
                guard l.bound > u.bound || (l.bound == u.bound && (strict1 || strict2)) else { continue }
                let lowerText = lowerClause.parts.require.map(SyntaxPrinter.requirement) ?? l.requirementText
                let upperText = upperClause.parts.require.map(SyntaxPrinter.requirement) ?? u.requirementText
                let order: String
                if l.aggregate == u.aggregate {
                    order = "the same statistic cannot be both"
                } else {
                    order = "\(Wording.statisticShort(l.aggregate).plainText) is never above \(Wording.statisticShort(u.aggregate).plainText), so they cannot be both"
                }
                let (first, second) = lowerClause.span.start > upperClause.span.start ? (lowerClause, upperClause) : (upperClause, lowerClause)
                // Said of windows, not of the clauses: with objectives below 100%, or windows that
                // only one of them judges, both clauses may still meet their objectives.
                warn("SLA0410", first.requireSpan, "clauses `\(second.name)` and `\(first.name)` conflict: no window can meet both",
                     help: "on the same requests, windows and groups, `\(lowerText)` and `\(upperText)` conflict: \(order) \(Wording.comparison(l.comparison)) \(WrittenUnit(clause: l, require: lowerClause.parts.require).format(l.bound)) and \(Wording.comparison(u.comparison)) \(WrittenUnit(clause: u, require: upperClause.parts.require).format(u.bound)); every window that both judge breaches one of them",
                     notes: [DiagnosticNote(span: second.requireSpan, message: "conflicts with this requirement of clause `\(second.name)`")])
                return true
            }
        }
        return false
    }

    /// Every window that meets `implying` meets `implied`, both judge the same windows, and
    /// `implied` adds no credit: `implied` can only fail when `implying` does.
    private mutating func redundancy(implying x: AnalysedClause, implied y: AnalysedClause) -> Bool {
        let a = x.checked, b = y.checked
        guard b.credits.isEmpty else { return false }
        // Only plain window attainment compares window by window: uptime (`downtime after`),
        // `empty` and means judge periods otherwise, and an objective of `>` at the same bound is
        // not implied by `>=`.
        guard a.measure == nil, b.measure == nil, a.objective.comparison == .greaterEqual,
              b.objective.comparison == .greaterEqual else { return false }
        let judged = a.minimumRequests <= b.minimumRequests
        let attainment = a.objective.bound == .one
            || (a.minimumRequests == b.minimumRequests && a.objective.period == b.objective.period && b.objective.bound <= a.objective.bound)
        guard judged && attainment else { return false }
        var implied = false
        for (sa, strictA) in Run.sides(a.comparison) {
            for (sb, strictB) in Run.sides(b.comparison) where sa == sb {
                let order: Bool
                switch (a.aggregate, b.aggregate) {
                case (.share(let p), .share(let q)): order = equivalent(p, q)
                default: order = sa == .upper ? StatisticOrder.atMost(b.aggregate, a.aggregate) : StatisticOrder.atMost(a.aggregate, b.aggregate)
                }
                guard order else { continue }
                let boundOK = sa == .upper
                    ? (a.bound < b.bound || (a.bound == b.bound && (!strictB || strictA)))
                    : (a.bound > b.bound || (a.bound == b.bound && (!strictB || strictA)))
                if boundOK && Run.sides(b.comparison).count == 1 { implied = true }
            }
        }
        guard implied else { return false }
        let aText = x.parts.require.map(SyntaxPrinter.requirement) ?? a.requirementText
        let bText = y.parts.require.map(SyntaxPrinter.requirement) ?? b.requirementText
        warn("SLA0411", y.requireSpan, "clause `\(y.name)` is implied by clause `\(x.name)`",
             help: "on the same requests, windows and groups, every window that meets `\(aText)` also meets `\(bText)`, so clause `\(y.name)` can only be breached when clause `\(x.name)` is; remove it, or check its bound against the contract text",
             notes: [DiagnosticNote(span: x.requireSpan, message: "implied by this requirement of clause `\(x.name)`")])
        return true
    }

    // MARK: windows of different lengths

    /// The shortest and longest a window can be, in nanoseconds, and whether its boundaries fall
    /// on every boundary of a fixed window that divides 15 minutes (time zone offsets are whole
    /// quarter hours, so calendar windows are aligned to such windows).
    private func extent(_ w: CheckedWindow) -> (min: Int64, max: Int64, calendar: Bool)? {
        let hour: Int64 = 3_600_000_000_000, day = CivilTime.nanosPerDay
        let shifts: Int64 = contract.timezone == "UTC" || contract.timezone == "Etc/UTC" ? 0 : hour
        switch w {
        case .fixed(let ns): return (ns, ns, false)
        case .calendarDay: return (day - shifts, day + shifts, true)
        case .calendarWeek: return (7 * day - shifts, 7 * day + shifts, true)
        case .calendarMonth: return (28 * day - shifts, 31 * day + shifts, true)
        case .calendarQuarter: return (90 * day - shifts, 92 * day + shifts, true)
        case .calendarYear: return (365 * day - shifts, 366 * day + shifts, true)
        case .term: return (contract.termEnd - contract.termStart, contract.termEnd - contract.termStart, true)
        }
    }

    /// How many whole short windows (length `s`) always lie inside a long window, and how many
    /// short windows can overlap one.
    private func windowCounts(short s: Int64, long: CheckedWindow) -> (inside: Int64, overlapping: Int64)? {
        guard let e = extent(long), s > 0, s < e.min else { return nil }
        let aligned: Bool
        switch long {
        case .fixed(let l): aligned = l % s == 0
        case .term: aligned = false
        default: aligned = (15 * 60_000_000_000) % s == 0
        }
        let inside = aligned ? e.min / s : max(0, e.min / s - 1)
        let overlapping = aligned ? (e.max + s - 1) / s : (e.max + s - 1) / s + 1
        return (inside, overlapping)
    }

    /// A per-short-window minimum against a per-long-window maximum of the same volume (`sum` of
    /// a non-negative metric, or `count`), and the reverse.
    private mutating func volume(_ x: AnalysedClause, _ y: AnalysedClause) {
        let a = x.checked, b = y.checked
        guard a.aggregate == b.aggregate else { return }
        switch a.aggregate {
        case .count: break
        case .sum(let m) where PredicateLogic.isNonNegative(m): break
        default: return
        }
        for (short, long) in [(x, y), (y, x)] {
            guard case .fixed(let s) = short.checked.window, let counts = windowCounts(short: s, long: long.checked.window) else { continue }
            for (shortSide, shortStrict) in Run.sides(short.checked.comparison) {
                for (longSide, longStrict) in Run.sides(long.checked.comparison) where shortSide != longSide {
                    let sb = short.checked.bound, lb = long.checked.bound
                    let shortText = short.parts.require.map(SyntaxPrinter.requirement) ?? short.checked.requirementText
                    let longText = long.parts.require.map(SyntaxPrinter.requirement) ?? long.checked.requirementText
                    let shortUnit = WrittenUnit(clause: short.checked, require: short.parts.require)
                    let longUnit = WrittenUnit(clause: long.checked, require: long.parts.require)
                    let longName = long.checked.window == .term ? "term" : Wording.windowShort(long.checked.window).replacingOccurrences(of: "every ", with: "")
                    let (first, second) = short.span.start > long.span.start ? (short, long) : (long, short)
                    if shortSide == .lower {
                        // Continuous traffic: the long window holds at least `inside` short windows.
                        let implied = sb * Rational(BigInt(Int(counts.inside)))
                        guard counts.inside > 0, implied > lb || (implied == lb && (shortStrict || longStrict)) else { continue }
                        warn("SLA0416", first.requireSpan, "clauses `\(second.name)` and `\(first.name)` conflict whenever traffic is continuous",
                             help: "`\(shortText)` in each of the \(Wording.number(Rational(BigInt(Int(counts.inside))))) windows of \(Wording.duration(nanoseconds: s)) in a \(longName) adds up to at least \(longUnit.format(implied)), but `\(longText)` allows at most \(longUnit.format(lb)); one of them is breached whenever traffic is continuous",
                             notes: [DiagnosticNote(span: second.requireSpan, message: "conflicts with this requirement of clause `\(second.name)`")])
                        return
                    } else {
                        // Each short window holds at most `sb`; the long window overlaps at most
                        // `overlapping` of them. Hard only when every short window is judged.
                        let most = sb * Rational(BigInt(Int(counts.overlapping)))
                        guard short.checked.minimumRequests <= 1, most < lb || (most == lb && (shortStrict || longStrict)) else { continue }
                        warn("SLA0410", first.requireSpan, "clauses `\(second.name)` and `\(first.name)` conflict: no \(longName) can meet both",
                             help: "`\(shortText)` allows at most \(shortUnit.format(sb)) in each window of \(Wording.duration(nanoseconds: s)), at most \(longUnit.format(most)) in a \(longName), but `\(longText)` requires at least \(longUnit.format(lb)); every judged \(longName) breaches one of them",
                             notes: [DiagnosticNote(span: second.requireSpan, message: "conflicts with this requirement of clause `\(second.name)`")])
                        return
                    }
                }
            }
        }
    }
}
