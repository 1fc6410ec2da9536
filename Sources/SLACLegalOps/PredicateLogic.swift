import SLACFields
import SLACChecker
import SLACExact
import SLACSyntax

/// A leaf of a condition (a comparison, an equality or a list membership) with the span of the
/// text it came from, when known.
struct SpannedLeaf: Hashable {
    var leaf: CheckedPredicate
    var span: Span?
}

/// A checked condition whose leaves carry the spans of the syntax they came from, so that the
/// analysis can point at the two comparisons that contradict each other.
indirect enum SpannedPredicate: Hashable {
    case and(SpannedPredicate, SpannedPredicate)
    case or(SpannedPredicate, SpannedPredicate)
    case not(SpannedPredicate)
    case leaf(SpannedLeaf)

    /// Pairs the checked condition with its syntax. The checker drops parentheses and turns a
    /// metric list (`x in [1, 2]`) into `or`s; where the shapes differ, the leaves get the span of
    /// the nearest syntax node that still corresponds.
    init(_ checked: CheckedPredicate, syntax: PredicateSyntax?, fallback: Span? = nil) {
        var s = syntax
        while case .parenthesized(let inner, _)? = s { s = inner }
        let here = s?.span ?? fallback
        switch (checked, s) {
        case (.and(let a, let b), .and(let x, let y, _)?):
            self = .and(SpannedPredicate(a, syntax: x), SpannedPredicate(b, syntax: y))
        case (.or(let a, let b), .or(let x, let y, _)?):
            self = .or(SpannedPredicate(a, syntax: x), SpannedPredicate(b, syntax: y))
        case (.not(let a), .not(let x, _)?):
            self = .not(SpannedPredicate(a, syntax: x))
        case (.and(let a, let b), _):
            self = .and(SpannedPredicate(a, syntax: nil, fallback: here), SpannedPredicate(b, syntax: nil, fallback: here))
        case (.or(let a, let b), _):
            self = .or(SpannedPredicate(a, syntax: nil, fallback: here), SpannedPredicate(b, syntax: nil, fallback: here))
        case (.not(let a), _):
            self = .not(SpannedPredicate(a, syntax: nil, fallback: here))
        default:
            self = .leaf(SpannedLeaf(leaf: checked, span: here))
        }
    }
}

/// Reasoning about conditions under the three-valued logic of docs/language.md, "Conditions": a condition *holds* for
/// a record only when it is true (not false, not unknown). Kleene logic keeps De Morgan's laws, so
/// negations can be pushed to the leaves, where `not (ttft < 100 ms)` becomes `ttft >= 100 ms`.
enum PredicateLogic {
    /// Disjunctive normal forms larger than this are not analysed (no warning rather than a slow check).
    static let maxConjunctions = 256

    /// A leaf with the opposite truth value (both need the field or metric defined).
    static func negated(_ leaf: CheckedPredicate) -> CheckedPredicate {
        switch leaf {
        case .metric(let m, let op, let v):
            let flipped: ComparisonOperator
            switch op {
            case .less: flipped = .greaterEqual
            case .lessEqual: flipped = .greater
            case .greater: flipped = .lessEqual
            case .greaterEqual: flipped = .less
            case .equal: flipped = .notEqual
            case .notEqual: flipped = .equal
            }
            return .metric(m, flipped, v)
        case .text(let f, let equal, let v): return .text(field: f, equal: !equal, value: v)
        case .textIn(let f, let values, let n): return .textIn(field: f, values: values, negated: !n)
        case .not(let p): return p
        case .and(let a, let b): return .or(.not(a), .not(b))
        case .or(let a, let b): return .and(.not(a), .not(b))
        }
    }

    /// The conjunctions whose union is the condition (`nil` when too large to analyse).
    static func disjunctiveNormalForm(_ p: SpannedPredicate, negate: Bool = false) -> [[SpannedLeaf]]? {
        switch (p, negate) {
        case (.leaf(let l), false): return [[l]]
        case (.leaf(let l), true): return [[SpannedLeaf(leaf: negated(l.leaf), span: l.span)]]
        case (.not(let a), _): return disjunctiveNormalForm(a, negate: !negate)
        case (.or(let a, let b), false), (.and(let a, let b), true):
            guard let x = disjunctiveNormalForm(a, negate: negate), let y = disjunctiveNormalForm(b, negate: negate),
                  x.count + y.count <= maxConjunctions else { return nil }
            return x + y
        case (.and(let a, let b), false), (.or(let a, let b), true):
            guard let x = disjunctiveNormalForm(a, negate: negate), let y = disjunctiveNormalForm(b, negate: negate),
                  x.count * y.count <= maxConjunctions else { return nil }
            return x.flatMap { c in y.map { c + $0 } }
        }
    }

    /// Metrics that are never negative: the trace rejects negative raw values (docs/formats.md) and these
    /// are raw values or quotients of them.
    static func isNonNegative(_ m: Metric) -> Bool {
        switch m {
        case .ttft, .e2e, .inputTokens, .outputTokens, .totalTokens, .energy, .itl, .e2eTPS, .decodeTPS: true
        case .tpot: false
        }
    }

    /// Token counts are whole numbers.
    static func isWhole(_ m: Metric) -> Bool { m == .inputTokens || m == .outputTokens || m == .totalTokens }

    /// The field or metric a leaf constrains.
    static func subject(_ leaf: CheckedPredicate) -> String? {
        switch leaf {
        case .metric(let m, _, _): "metric:" + m.rawValue
        case .text(let f, _, _), .textIn(let f, _, _): "field:" + f
        default: nil
        }
    }

    /// True when some record makes every leaf true (leaves on different subjects are independent).
    static func isSatisfiable(_ leaves: [CheckedPredicate]) -> Bool {
        var bySubject: [String: [CheckedPredicate]] = [:]
        for l in leaves {
            guard let s = subject(l) else { return true }
            bySubject[s, default: []].append(l)
        }
        return bySubject.values.allSatisfy { group in
            if case .metric(let m, _, _) = group[0] { return metricSatisfiable(m, group) }
            return textSatisfiable(group)
        }
    }

    private static func textSatisfiable(_ leaves: [CheckedPredicate]) -> Bool {
        // By bytes, as conditions compare texts (`ExactText`).
        var allowed: Set<ExactText>?
        var excluded: Set<ExactText> = []
        for l in leaves {
            switch l {
            case .text(_, true, let v): allowed = (allowed ?? [ExactText(text: v)]).intersection([ExactText(text: v)])
            case .text(_, false, let v): excluded.insert(ExactText(text: v))
            case .textIn(_, let values, false):
                let set = Set(values.map { ExactText(text: $0) })
                allowed = (allowed ?? set).intersection(set)
            case .textIn(_, let values, true): excluded.formUnion(values.map { ExactText(text: $0) })
            default: break
            }
        }
        guard let allowed else { return true }
        return !allowed.subtracting(excluded).isEmpty
    }

    private static func metricSatisfiable(_ metric: Metric, _ leaves: [CheckedPredicate]) -> Bool {
        var low: (value: Rational, strict: Bool)? = isNonNegative(metric) ? (.zero, false) : nil
        var high: (value: Rational, strict: Bool)?
        var points: Set<Rational> = []
        var holes: Set<Rational> = []
        func raise(_ v: Rational, _ strict: Bool) {
            if let l = low, l.value > v || (l.value == v && l.strict) { return }
            low = (v, strict)
        }
        func lower(_ v: Rational, _ strict: Bool) {
            if let h = high, h.value < v || (h.value == v && h.strict) { return }
            high = (v, strict)
        }
        for l in leaves {
            guard case .metric(_, let op, let v) = l else { continue }
            switch op {
            case .less: lower(v, true)
            case .lessEqual: lower(v, false)
            case .greater: raise(v, true)
            case .greaterEqual: raise(v, false)
            case .equal: points.insert(v)
            case .notEqual: holes.insert(v)
            }
        }
        func inside(_ v: Rational) -> Bool {
            if let l = low, v < l.value || (v == l.value && l.strict) { return false }
            if let h = high, v > h.value || (v == h.value && h.strict) { return false }
            if isWhole(metric) && !v.isInteger { return false }
            return !holes.contains(v)
        }
        if points.count > 1 { return false }
        if let p = points.first { return inside(p) }
        guard let l = low, let h = high else { return true }
        if isWhole(metric) {
            // Whole numbers in [lo, hi]: more of them than holes.
            let first = l.strict ? l.value.floor + .one : l.value.ceiling
            let last = h.strict ? h.value.ceiling - .one : h.value.floor
            if last < first { return false }
            let count = last - first + .one
            let holesInside = holes.filter { $0.isInteger && $0 >= Rational(first) && $0 <= Rational(last) }.count
            return count > BigInt(holesInside)
        }
        if l.value < h.value { return true }
        return l.value == h.value && !l.strict && !h.strict && !holes.contains(l.value)
    }

    /// For an unsatisfiable conjunction, a smallest set of its leaves (one or two) that is already
    /// unsatisfiable, to show the reader; the whole conjunction if no small set is.
    static func conflict(in conjunction: [SpannedLeaf]) -> [SpannedLeaf] {
        for l in conjunction where !isSatisfiable([l.leaf]) { return [l] }
        for i in conjunction.indices {
            for j in conjunction.indices where j > i && !isSatisfiable([conjunction[i].leaf, conjunction[j].leaf]) {
                return [conjunction[i], conjunction[j]]
            }
        }
        return conjunction
    }

    /// When no record satisfies the condition: the leaves that conflict in its first conjunction.
    /// `nil` when the condition can hold (or is too large to tell).
    static func contradiction(_ p: SpannedPredicate) -> [SpannedLeaf]? {
        guard let dnf = disjunctiveNormalForm(p), !dnf.isEmpty else { return nil }
        guard dnf.allSatisfy({ !isSatisfiable($0.map(\.leaf)) }) else { return nil }
        return conflict(in: dnf[0])
    }

    /// The fields and metrics a condition mentions.
    static func subjects(_ p: CheckedPredicate) -> Set<String> {
        switch p {
        case .and(let a, let b), .or(let a, let b): subjects(a).union(subjects(b))
        case .not(let a): subjects(a)
        default: subject(p).map { [$0] } ?? []
        }
    }

    /// True when every record for which `p` holds also satisfies `q` (`nil` is the condition that
    /// always holds). `p` is taken apart into its disjunctive normal form: it holds exactly when one
    /// of its conjunctions of leaves does, and a conjunction holds only where every field and metric
    /// it mentions is defined. For each conjunction, `q` is narrowed to the disjuncts of its own
    /// normal form that mention only fields the conjunction needs (dropping disjuncts makes it
    /// stronger, and what is left is true or false wherever the conjunction holds, never unknown);
    /// then `conjunction and not q'` is refuted. Sound under three-valued logic; incomplete (false
    /// when it cannot tell). (It once gave up on any `or` or `not` in `p`, and `slac diff` called
    /// `model in ["a", "b"]` → `model = "a" or model = "b"` a widened scope.)
    static func implies(_ p: CheckedPredicate?, _ q: CheckedPredicate?) -> Bool {
        guard let q else { return true }
        if p == q { return true }
        // No condition (every request) is the one empty conjunction.
        guard let conjunctions = p.map({ disjunctiveNormalForm(SpannedPredicate($0, syntax: nil)) }) ?? [[]],
              let disjuncts = disjunctiveNormalForm(SpannedPredicate(q, syntax: nil)) else { return false }
        func and(_ leaves: [SpannedLeaf]) -> SpannedPredicate? {
            guard let first = leaves.first else { return nil }
            return leaves.dropFirst().reduce(SpannedPredicate.leaf(first)) { .and($0, .leaf($1)) }
        }
        for conjunction in conjunctions {
            let leaves = conjunction.map(\.leaf)
            // A conjunction no record satisfies implies anything.
            if !leaves.isEmpty && !isSatisfiable(leaves) { continue }
            // Every request has a `status` ("ok" when the trace has none: docs/formats.md).
            let defined = Set(leaves.compactMap(subject)).union(["field:" + CanonicalField.status.name])
            let kept = disjuncts.compactMap { d in d.allSatisfy({ subject($0.leaf).map(defined.contains) ?? false }) ? and(d) : nil }
            guard let first = kept.first else { return false }
            let narrowed = SpannedPredicate.not(kept.dropFirst().reduce(first) { .or($0, $1) })
            guard let dnf = disjunctiveNormalForm(and(conjunction).map { .and($0, narrowed) } ?? narrowed) else { return false }
            if dnf.contains(where: { isSatisfiable($0.map(\.leaf)) }) { return false }
        }
        return true
    }

    /// Two conditions that select the same records. `form` gives canonical forms (the analysis
    /// passes its cache of them).
    static func equivalent(_ p: CheckedPredicate?, _ q: CheckedPredicate?,
                           form: (CheckedPredicate) -> CheckedPredicate = canonical) -> Bool {
        if p == q { return true }
        if let p, let q, form(p) == form(q) { return true }
        return implies(p, q) && implies(q, p)
    }

    /// `p` with `and`/`or` operands flattened, sorted and without repeats, and `in` lists sorted:
    /// commutativity, associativity and idempotence hold in three-valued logic too, so two
    /// conditions with the same canonical form select the same records (`a or b` and `b or a`,
    /// which `implies` does not prove, since it gives up on `or`).
    static func canonical(_ p: CheckedPredicate) -> CheckedPredicate {
        func operands(_ q: CheckedPredicate, and: Bool) -> [CheckedPredicate] {
            switch q {
            case .and(let a, let b) where and: return operands(a, and: true) + operands(b, and: true)
            case .or(let a, let b) where !and: return operands(a, and: false) + operands(b, and: false)
            default: return [canonical(q)]
            }
        }
        func rebuilt(_ q: CheckedPredicate, and: Bool) -> CheckedPredicate {
            // Keys compared and ordered by their bytes (texts are: `ExactText`).
            var seen = Set<ExactText>()
            let sorted = operands(q, and: and)
                .map { (key: String(describing: $0), predicate: $0) }
                .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .filter { seen.insert(ExactText(text: $0.key)).inserted }
                .map(\.predicate)
            return sorted.dropFirst().reduce(sorted[0]) { and ? .and($0, $1) : .or($0, $1) }
        }
        switch p {
        case .and: return rebuilt(p, and: true)
        case .or: return rebuilt(p, and: false)
        case .not(let a): return .not(canonical(a))
        case .textIn(let field, let values, let negated):
            var seen = Set<ExactText>()
            let unique = values.filter { seen.insert(ExactText(text: $0)).inserted }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return .textIn(field: field, values: unique, negated: negated)
        default: return p
        }
    }

    /// The top-level conjuncts of a condition (`a and (b or c)` gives `a`, `b or c`).
    static func conjuncts(_ p: CheckedPredicate?) -> [CheckedPredicate] {
        guard let p else { return [] }
        if case .and(let a, let b) = p { return conjuncts(a) + conjuncts(b) }
        return [p]
    }
}
