import Foundation
import SLACChecker
import SLACEvaluator
import SLACExact

/// Digits of a plain decimal text: (exact value, significant digits, fraction digits), nil if not plain.
func parsePlainDecimal(_ text: String) -> (value: Rational, significant: Int, fraction: Int)? {
    var s = Substring(text)
    var negative = false
    if s.hasPrefix("-") { negative = true; s = s.dropFirst() }
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
    let fraction = parts.count == 2 ? String(parts[1]) : ""
    if parts.count == 2 && fraction.isEmpty { return nil }
    let digits = String(parts[0]) + fraction
    guard let n = BigInt(decimal: digits) else { return nil }
    let significant = digits.drop { $0 == "0" }.count
    let v = Rational(negative ? -n : n, BigInt.powerOfTen(fraction.count))
    return (v, significant, fraction.count)
}

/// docs/language.md, "What a report states": a sum or count that is whole prints as an integer; a ratio or mean with at least 12
/// significant digits (correctly rounded at the last printed digit).
func exactTextProblem(_ text: String, _ value: Rational) -> String? {
    if value.isInteger {
        return text == value.numerator.description ? nil : "printed `\(text)`, expected the integer \(value.numerator)"
    }
    guard let p = parsePlainDecimal(text) else { return "printed `\(text)`, not a plain decimal" }
    if p.value == value { return nil }
    // Correct to 12 significant digits: within half a unit of the 12th digit of the value.
    let magnitude = value < Rational(0) ? Rational(0) - value : value
    var e = 0
    while magnitude >= tenTo(e + 1) { e += 1 }
    while magnitude < tenTo(e) { e -= 1 }
    let diff = p.value < value ? value - p.value : p.value - value
    if Rational(2) * diff > tenTo(e - 11) {
        return "printed `\(text)` for \(value) (≈ \(value.decimalString(significantDigits: 20))): not correct to 12 significant digits"
    }
    return nil
}

func tenTo(_ n: Int) -> Rational {
    n >= 0 ? Rational(BigInt.powerOfTen(n)) : Rational(BigInt.one, BigInt.powerOfTen(-n))
}

/// docs/language.md, "What a report states": a percentile, min or max prints as the record's value: the shortest decimal that
/// reads back as the same binary64 number, without exponent.
func doubleTextProblem(_ text: String, _ value: Double, bound: Rational? = nil) -> String? {
    guard let p = parsePlainDecimal(text) else { return "printed `\(text)` for \(value): not a plain decimal" }
    guard Double(text) == value else { return "printed `\(text)`, expected the value \(value)" }
    // Where the shortest form would read as the bound while the value is not the bound, more
    // digits are printed (any number, as long as they show the side).
    if let bound, parsePlainDecimal("\(value)")?.value == bound, Rational(exactly: value) != bound {
        return p.value == bound ? "printed `\(text)`, which reads as the bound \(bound) though the value is not" : nil
    }
    // Shortest: as many significant digits as Swift's shortest round-trip description.
    var d = "\(value)"
    if let e = d.firstIndex(where: { $0 == "e" || $0 == "E" }) { d = String(d[..<e]) }
    var digits = d.filter(\.isNumber).drop { $0 == "0" }
    while digits.hasSuffix("0") { digits = digits.dropLast() }
    var printed = text.filter(\.isNumber).drop { $0 == "0" }
    if text.contains(".") { while printed.hasSuffix("0") { printed = printed.dropLast() } } else { while printed.hasSuffix("0") { printed = printed.dropLast() } }
    if printed.count > max(1, digits.count) || (text.contains(".") && text.hasSuffix("0")) {
        return "printed `\(text)` for \(value): not the shortest form (\(p.significant) significant digits)"
    }
    return nil
}

func keyText(_ key: [String?]) -> String { "[" + key.map { $0 ?? "∅" }.joined(separator: ",") + "]" }

/// Every difference between the evaluator's result and the reference's, as readable lines.
func differences(_ actual: EvaluationResult, _ ref: RefResult, contract: CheckedContract, compareRejectedLines: Bool = true) -> [String] {
    var out: [String] = []
    if actual.traces.count != ref.accounting.count { out.append("trace count \(actual.traces.count) vs \(ref.accounting.count)") }
    for (t, (a, r)) in zip(actual.traces, ref.accounting).enumerated() {
        let got = RefAccounting(read: a.read, accepted: a.accepted, rejected: a.rejected, outsideTerm: a.outsideTerm, excluded: a.excluded)
        if got != r { out.append("trace \(t) accounting: evaluator \(got), reference \(r)") }
        if a.read != a.accepted + a.rejected + a.outsideTerm { out.append("trace \(t): read != accepted + rejected + outside-term") }
    }
    if compareRejectedLines {
        let gotLines = actual.rejected.map(\.line)
        let refLines = Array(ref.rejectedLines.flatMap { $0 }.prefix(100))
        if gotLines != refLines { out.append("rejected lines: evaluator \(gotLines), reference \(refLines)") }
    }
    if actual.verdict.rawValue != ref.verdict { out.append("contract verdict: evaluator \(actual.verdict.rawValue), reference \(ref.verdict)") }
    for (i, (a, r)) in zip(actual.clauses, ref.clauses).enumerated() {
        let c = contract.clauses[i]
        let label = "clause \(c.ref) [\(c.requirementText)]"
        if a.verdict.rawValue != r.verdict { out.append("\(label): verdict evaluator \(a.verdict.rawValue), reference \(r.verdict)") }
        let met = r.windows.filter { $0.verdict == "met" }.count
        let breached = r.windows.filter { $0.verdict == "breached" }.count
        let insufficient = r.windows.filter { $0.verdict == "insufficient" }.count
        if (a.windowsMet, a.windowsBreached, a.windowsInsufficient) != (met, breached, insufficient) {
            out.append("\(label): window counts evaluator \(a.windowsMet)/\(a.windowsBreached)/\(a.windowsInsufficient), reference \(met)/\(breached)/\(insufficient)")
        }
        if a.windows.count != r.windows.count {
            out.append("\(label): \(a.windows.count) windows, reference \(r.windows.count)")
        }
        // Windows in the same order: by start, then group key.
        for (w, rw) in zip(a.windows, r.windows) {
            let key = w.key.map(\.value)
            let where_ = "\(label) window \(isoUTC(rw.start)) \(keyText(rw.key))"
            if w.start != rw.start || key != rw.key {
                out.append("\(label): window order/identity evaluator \(isoUTC(w.start)) \(keyText(key)), reference \(isoUTC(rw.start)) \(keyText(rw.key))")
                break
            }
            if w.end != rw.end { out.append("\(where_): end evaluator \(isoUTC(w.end)), reference \(isoUTC(rw.end))") }
            if w.count != rw.count { out.append("\(where_): count evaluator \(w.count), reference \(rw.count)") }
            if w.verdict.rawValue != rw.verdict { out.append("\(where_): verdict evaluator \(w.verdict.rawValue) (observed \(w.observed?.text ?? "none")), reference \(rw.verdict) (\(String(describing: rw.observed)))") }
            switch (w.observed, rw.observed) {
            case (nil, nil): break
            case (let o?, nil): out.append("\(where_): evaluator observed \(o.text), reference has no value")
            case (nil, let ro?): out.append("\(where_): evaluator has no value, reference \(ro)")
            case (let o?, .double(let d)?):
                if let p = doubleTextProblem(o.text, d, bound: c.bound) { out.append("\(where_): \(p)") }
            case (let o?, .exact(let q)?):
                if let p = exactTextProblem(o.text, q) { out.append("\(where_): \(p)") }
                if q != c.bound, parsePlainDecimal(o.text)?.value == c.bound {
                    out.append("\(where_): printed `\(o.text)`, which reads as the bound though the exact value \(q) is not")
                }
            }
            if w.verdict != .breached && !w.evidence.isEmpty { out.append("\(where_): evidence on a window that is not breached") }
            if w.evidence.count > 5 { out.append("\(where_): more than 5 evidence records") }
            if w.verdict == .breached && rw.verdict == "breached" {
                if case .share = c.aggregate {
                    let want = rw.shareEvidence.prefix(5).map { "\($0.id)=\($0.value)" }
                    let got = w.evidence.map { "\($0.id)=\(Double($0.value).map { "\($0)" } ?? $0.value)" }
                    if got != want { out.append("\(where_): share evidence \(got), expected the records farthest from passing \(want)") }
                } else if c.aggregate != .count {
                    let want = rw.candidates.prefix(5).map { "\($0.id)=\($0.value)" }
                    let got = w.evidence.map { "\($0.id)=\(Double($0.value).map { "\($0)" } ?? $0.value)" }
                    if got != want { out.append("\(where_): evidence \(got), expected the worst records \(want)") }
                }
            }
        }
        let valued = r.windows.filter { $0.verdict == "valued" }.count
        if a.windowsValued != (c.windowsAreValued ? valued : nil) {
            out.append("\(label): valued windows evaluator \(a.windowsValued.map(String.init) ?? "none"), reference \(c.windowsAreValued ? String(valued) : "none")")
        }
        if c.measure != nil && a.objectiveComparison != c.objective.comparison.rawValue {
            out.append("\(label): objective comparison evaluator \(a.objectiveComparison ?? "none"), expected \(c.objective.comparison.rawValue)")
        }
        let creditsCharges = c.credits.first?.base == .charges
        if creditsCharges && a.chargesCurrency != contract.prices.first?.currency {
            out.append("\(label): charges currency evaluator \(a.chargesCurrency ?? "none"), expected \(contract.prices.first?.currency ?? "none")")
        }
        out += periodDifferences(a, r, clause: c, label: label)
        out += creditDifferences(a, r, clause: c, contract: contract, label: label)
    }
    return out
}

/// The canonical unit a period measure is printed in.
func measureUnit(_ c: CheckedClause) -> String {
    guard c.measure?.kind == .mean else { return "ratio" }
    switch c.aggregate.dimension {
    case .duration: return "ms"
    case .tokens: return "tokens"
    case .requests: return "requests"
    case .tokenRate: return "tokens/s"
    case .energy: return "J"
    default: return "ratio"
    }
}

func measureText(_ m: RefMeasure) -> String {
    var t = "\(m.kind) intervals \(m.intervals) empty \(m.empty) down \(m.down)"
    if let g = m.gridNanoseconds { t += " grid \(g) ns" }
    if let d = m.downNanoseconds { t += " down \(d) ns" }
    if let s = m.gridStart { t += " grid from \(isoUTC(s))" }
    if let e = m.gridEnd { t += " grid to \(isoUTC(e))" }
    return t
}

/// Periods: bounds, group, counts, the exact attainment or measure, its text, the measure's
/// counts and the billed charges.
func periodDifferences(_ a: ClauseResult, _ r: RefClause, clause c: CheckedClause, label: String) -> [String] {
    var out: [String] = []
    if a.periods.count != r.periods.count {
        out.append("\(label): \(a.periods.count) periods, reference \(r.periods.count): evaluator \(a.periods.map { "\(isoUTC($0.start)) \(keyText($0.key.map(\.value)))" }), reference \(r.periods.map { "\(isoUTC($0.start)) \(keyText($0.key))" })")
    }
    for (p, rp) in zip(a.periods, r.periods) {
        let key = p.key.map(\.value)
        let where_ = "\(label) period \(isoUTC(rp.start)) \(keyText(rp.key))"
        if p.start != rp.start || p.end != rp.end || key != rp.key || p.met != rp.met || p.breached != rp.breached
            || p.attainment != rp.attainment || p.verdict.rawValue != rp.verdict {
            out.append("\(label): period evaluator \(isoUTC(p.start))–\(isoUTC(p.end)) \(keyText(key)) \(p.met)/\(p.breached) \(p.attainment.map { "\($0)" } ?? "none") \(p.verdict.rawValue), reference \(isoUTC(rp.start))–\(isoUTC(rp.end)) \(keyText(rp.key)) \(rp.met)/\(rp.breached) \(rp.attainment) \(rp.verdict)")
        }
        if let text = p.attainmentText, let problem = exactTextProblem(text, rp.attainment) {
            out.append("\(where_): \(rp.measure == nil ? "attainment" : "measure") text: \(problem)")
        }
        if rp.measure != nil {
            if let text = p.attainmentText {
                if rp.attainment != c.objective.bound, parsePlainDecimal(text)?.value == c.objective.bound {
                    out.append("\(where_): measure printed `\(text)`, which reads as the objective though the exact value \(rp.attainment) is not")
                }
            } else {
                out.append("\(where_): no measure text")
            }
        }
        switch (p.measure, rp.measure) {
        case (nil, nil): break
        case (let m?, nil): out.append("\(where_): evaluator reports a measure (\(m.kind)) on a clause without one")
        case (nil, let rm?): out.append("\(where_): evaluator reports no measure, reference \(measureText(rm))")
        case (let m?, let rm?):
            let got = RefMeasure(kind: m.kind, intervals: m.intervals, empty: m.empty, down: m.down, gridNanoseconds: m.gridNanoseconds,
                                 downNanoseconds: m.downNanoseconds, gridStart: m.gridStart, gridEnd: m.gridEnd)
            if got != rm { out.append("\(where_): measure evaluator \(measureText(got)), reference \(measureText(rm))") }
            if m.unit != measureUnit(c) { out.append("\(where_): measure unit `\(m.unit)`, expected `\(measureUnit(c))`") }
        }
        if p.chargesText != rp.charges?.description {
            out.append("\(where_): charges evaluator \(p.chargesText ?? "none"), reference \(rp.charges?.description ?? "none")")
        }
    }
    return out
}

/// Credits: of the fee per month (the worst group's tier), or of each group's charges.
func creditDifferences(_ a: ClauseResult, _ r: RefClause, clause c: CheckedClause, contract: CheckedContract, label: String) -> [String] {
    var out: [String] = []
    let ofCharges = c.credits.first?.base == .charges
    let digits = ofCharges ? (contract.prices.first?.minorUnitDigits ?? 2) : (contract.fee?.minorUnitDigits ?? 2)
    let currency = ofCharges ? contract.prices.first?.currency : contract.fee?.currency
    func describe(_ cr: CreditResult) -> String {
        "\(isoUTC(cr.start)) \(cr.key.map { keyText($0.map(\.value)) } ?? "") \(cr.percentText)% \(cr.amountText)\(cr.chargesText.map { " of \($0)" } ?? "")"
    }
    func describe(_ rc: RefCredit) -> String {
        "\(isoUTC(rc.start)) \(rc.key.map(keyText) ?? "") \(rc.percent)% \(rc.amount)\(rc.charges.map { " of \($0)" } ?? "")"
    }
    guard a.credits.count == r.credits.count else {
        out.append("\(label): credits evaluator \(a.credits.map(describe)), reference \(r.credits.map(describe))")
        return out
    }
    for (cr, rc) in zip(a.credits, r.credits) {
        let fractionDigits = cr.amountText.split(separator: ".").dropFirst().first?.count ?? 0
        var same = cr.start == rc.start && Decimal(string: cr.amountText) == rc.amount && fractionDigits == digits && cr.currency == currency
            && Rational(decimal: cr.percentText) == rc.percent
        if let key = rc.key {
            same = same && cr.key?.map(\.value) == key && cr.end == rc.end && cr.chargesText == rc.charges?.description
        } else {
            same = same && cr.key == nil && cr.chargesText == nil
        }
        if !same {
            out.append("\(label): credit evaluator \(describe(cr)) \(cr.currency), reference \(describe(rc)) \(currency ?? "") (\(digits) decimals)")
        }
    }
    return out
}

