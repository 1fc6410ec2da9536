import Foundation
import SLACChecker
import SLACExact
import SLACSyntax
import SLACFields

/// Running text with code spans, rendered later as Markdown, HTML or plain text.
///
/// Keeping code apart from prose (instead of backticks inside strings) lets every renderer escape
/// user text correctly: a field value containing a backtick or `<` cannot break the output.
package struct Prose: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// A run of prose, or a piece of contract text that renderers set in code type.
    package enum Part: Sendable, Hashable {
        case text(String)
        case code(String)
    }
    /// The runs in reading order.
    package var parts: [Part]

    /// Prose from runs (renderers merge nothing; adjacent text runs are fine).
    package init(parts: [Part]) { self.parts = parts }
    package init(stringLiteral value: String) { parts = [.text(value)] }
    package init(stringInterpolation: StringInterpolation) { parts = stringInterpolation.parts }

    /// Lets `"the bound \(code: text)"` build prose with code spans in place.
    package struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        package init(literalCapacity: Int, interpolationCount: Int) {}
        package mutating func appendLiteral(_ literal: String) { if !literal.isEmpty { parts.append(.text(literal)) } }
        package mutating func appendInterpolation(_ text: String) { parts.append(.text(text)) }
        package mutating func appendInterpolation(code: String) { parts.append(.code(code)) }
        package mutating func appendInterpolation(_ prose: Prose) { parts += prose.parts }
    }

    /// Concatenation, for sentences assembled from parts.
    package static func + (a: Prose, b: Prose) -> Prose { Prose(parts: a.parts + b.parts) }

    /// Joins with a separator, `and`/`or` before the last item (`a, b and c`).
    static func list(_ items: [Prose], conjunction: String) -> Prose {
        guard let last = items.last else { return "" }
        if items.count == 1 { return last }
        var out = Prose(parts: [])
        for (i, item) in items.dropLast().enumerated() {
            if i > 0 { out = out + ", " }
            out = out + item
        }
        return out + " \(conjunction) " + last
    }

    /// Plain text, code in backticks (for the terminal and diagnostics).
    package var plainText: String {
        parts.map { part in
            switch part {
            case .text(let t): t
            case .code(let c): "`" + c + "`"
            }
        }.joined()
    }
}

/// How slac states numbers, units, metrics, conditions and windows in English, for `explain`,
/// `diff` and the analysis warnings (one wording, so the three tools agree).
enum Wording {
    // MARK: numbers

    /// True when the decimal expansion of `r` terminates.
    static func terminates(_ r: Rational) -> Bool {
        var d = r.denominator
        for p in [2, 5] {
            let prime = BigInt(p)
            while d != .one && d.floorDivided(by: prime).remainder.isZero { d = d.floorDivided(by: prime).quotient }
        }
        return d == .one
    }

    /// `1234567.5` → `1,234,567.5`; a non-terminating value is rounded to 12 significant digits
    /// and marked `≈`.
    static func number(_ r: Rational, grouped: Bool = true) -> String {
        let text = r.decimalString(significantDigits: 12, maxFractionDigits: 40)
        let shown = grouped ? group(text) : text
        return terminates(r) ? shown : "≈" + shown
    }

    /// Thousands separators in the integer part of a decimal string (from four digits on).
    static func group(_ text: String) -> String {
        var sign = "", rest = Substring(text)
        if rest.hasPrefix("-") { sign = "−"; rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var integer = String(parts[0])
        if integer.count >= 4 {
            var out = ""
            for (i, c) in integer.reversed().enumerated() {
                if i > 0 && i % 3 == 0 { out.append(",") }
                out.append(c)
            }
            integer = String(out.reversed())
        }
        return sign + integer + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// A fraction as a percentage: `0.995` → `99.5%`.
    static func percent(_ fraction: Rational) -> String { number(fraction * Rational(100)) + "%" }

    /// The fee as an exact rational.
    static func feeAmount(_ fee: Fee) -> Rational? { Rational(decimal: "\(fee.amount)") }

    /// `12,000.00 USD`: a money amount rounded half-to-even to the currency's minor unit (docs/language.md, "Credits").
    static func money(_ amount: Rational, currency: String, minorUnitDigits: Int) -> String {
        group(Rational.fixed(amount, fractionDigits: minorUnitDigits)) + " " + currency
    }

    /// The credit a tier pays: `percent` of the monthly fee.
    static func creditAmount(percent: Rational, fee: Fee) -> String? {
        guard let amount = feeAmount(fee) else { return nil }
        return money(amount * percent / Rational(100), currency: fee.currency, minorUnitDigits: fee.minorUnitDigits)
    }

    // MARK: units

    /// A value in the canonical unit of a dimension (`800 ms`, `90%`, `40 tokens/s`).
    static func canonical(_ value: Rational, _ dimension: SLACChecker.Dimension) -> String {
        switch dimension {
        case .ratio: percent(value)
        case .tokens: number(value) + (value == .one ? " token" : " tokens")
        case .requests: number(value) + (value == .one ? " request" : " requests")
        default: number(value) + " " + dimension.canonicalUnit
        }
    }

    /// A duration in nanoseconds in the largest unit that divides it: `5 minutes`, `7 days`.
    static func duration(nanoseconds ns: Int64) -> String {
        let units: [(Int64, String)] = [(86_400_000_000_000, "day"), (3_600_000_000_000, "hour"), (60_000_000_000, "minute"),
                                        (1_000_000_000, "second"), (1_000_000, "millisecond"), (1000, "microsecond"), (1, "nanosecond")]
        for (size, name) in units where ns % size == 0 {
            let n = ns / size
            return "\(group(String(n))) \(name)\(n == 1 ? "" : "s")"
        }
        return "\(ns) nanoseconds"
    }

    static func instant(_ nanos: Int64) -> String { CivilTime.format(nanos) }

    /// The minor unit of a currency in words: "the cent" (2 digits), "a whole JPY" (0), "0.001 BHD" (3).
    static func minorUnitName(_ currency: String) -> Prose {
        switch CurrencyTable.minorUnitDigits(currency) {
        case 0: return "a whole \(currency)"
        case 2: return "the cent"
        case let digits: return "\(("0." + String(repeating: "0", count: max(0, digits - 1)) + "1")) \(currency)"
        }
    }

    // MARK: metrics and conditions

    /// The metric's name for a reader, with where it comes from in the trace.
    static func metric(_ m: Metric) -> Prose {
        switch m {
        case .ttft: "the time to first token (\(code: "ttft"), the trace field \(code: CanonicalField.ttftMs.name), in milliseconds)"
        case .e2e: "the end-to-end latency of the request (\(code: "e2e"), the trace field \(code: CanonicalField.e2eMs.name), in milliseconds)"
        case .inputTokens: "the number of input tokens of the request (\(code: CanonicalField.inputTokens.name))"
        case .outputTokens: "the number of output tokens of the request (\(code: CanonicalField.outputTokens.name))"
        case .totalTokens: "the total number of tokens of the request, input plus output (\(code: "total_tokens") = \(code: CanonicalField.inputTokens.name) + \(code: CanonicalField.outputTokens.name))"
        case .tpot: "the time per output token (\(code: "tpot") = (\(code: CanonicalField.e2eMs.name) − \(code: CanonicalField.ttftMs.name)) / (\(code: CanonicalField.outputTokens.name) − 1), in milliseconds; defined only for requests with more than one output token)"
        case .decodeTPS: "the decode rate (\(code: "decode_tps") = (\(code: CanonicalField.outputTokens.name) − 1) / ((\(code: CanonicalField.e2eMs.name) − \(code: CanonicalField.ttftMs.name)) / 1000), in tokens per second; defined only when the request has more than one output token and \(code: CanonicalField.e2eMs.name) > \(code: CanonicalField.ttftMs.name), and the rate is a finite number)"
        case .e2eTPS: "the end-to-end throughput (\(code: "e2e_tps") = \(code: CanonicalField.outputTokens.name) / (\(code: CanonicalField.e2eMs.name) / 1000), in tokens per second; defined when \(code: CanonicalField.e2eMs.name) > 0 and the rate is a finite number)"
        case .itl: "the inter-token latency (\(code: "itl")): the gaps between consecutive streamed chunks (the trace field \(code: CanonicalField.itlMs.name), in milliseconds); the gaps of all in-scope requests of a window are pooled into one list, and requests without chunk timing add none"
        case .energy: "the energy metered for the request (\(code: "energy"), the trace field \(code: CanonicalField.energyJ.name), in joules)"
        }
    }

    /// The operator in words: `at most`, `below`, ...
    static func comparison(_ op: ComparisonOperator) -> String {
        switch op {
        case .less: "below"
        case .lessEqual: "at most"
        case .greater: "above"
        case .greaterEqual: "at least"
        case .equal: "exactly"
        case .notEqual: "anything but"
        }
    }

    private static func quotedValue(_ v: String) -> Prose { "\(code: SyntaxPrinter.quoted(v))" }

    /// A checked condition in English; `and` binds tighter, mixed nesting gets parentheses.
    static func predicate(_ p: CheckedPredicate) -> Prose {
        switch p {
        case .metric(let m, let op, let v):
            return "\(code: m.rawValue) is \(comparison(op)) \(canonical(v, m.dimension))"
        case .text(let f, let equal, let v):
            return "\(code: f) is \(equal ? "" : "not ")" + quotedValue(v)
        case .textIn(let f, let values, let negated):
            let listed = Prose.list(values.map(quotedValue), conjunction: negated ? "nor" : "or")
            if values.count == 1 { return "\(code: f) is \(negated ? "not " : "")" + listed }
            if negated { return "\(code: f) is neither " + listed }
            return "\(code: f) is \(values.count > 2 ? "one of " : "")" + listed
        case .and:
            return Prose.list(PredicateLogic.conjuncts(p).map { c in
                if case .or = c { return "(" + predicate(c) + ")" }
                return predicate(c)
            }, conjunction: "and")
        case .or:
            var parts: [CheckedPredicate] = []
            func flatten(_ q: CheckedPredicate) { if case .or(let a, let b) = q { flatten(a); flatten(b) } else { parts.append(q) } }
            flatten(p)
            return Prose.list(parts.map { c in
                if case .and = c { return "(" + predicate(c) + ")" }
                return predicate(c)
            }, conjunction: "or")
        case .not(.or(let a, let b)):
            var parts: [CheckedPredicate] = []
            func flatten(_ q: CheckedPredicate) { if case .or(let x, let y) = q { flatten(x); flatten(y) } else { parts.append(q) } }
            flatten(a)
            flatten(b)
            return "neither " + Prose.list(parts.map { c in
                if case .and = c { return "(" + predicate(c) + ")" }
                return predicate(c)
            }, conjunction: "nor")
        case .not(let a):
            if case .and = a { return "it is not the case that (" + predicate(a) + ")" }
            return "it is not the case that " + predicate(a)
        }
    }

    /// A checked condition as contract text, bounds in canonical units (`input_tokens > 8192 tokens`).
    static func slac(_ p: CheckedPredicate) -> String {
        func wrapped(_ q: CheckedPredicate, inside: String) -> String {
            switch (q, inside) {
            case (.or, "and"), (.and, "not"), (.or, "not"): "(" + slac(q) + ")"
            default: slac(q)
            }
        }
        switch p {
        case .metric(let m, let op, let v):
            let unit = m.dimension == .ratio ? "%" : " " + m.dimension.canonicalUnit
            return "\(m.rawValue) \(op.rawValue) \(number(v, grouped: false))\(unit)"
        case .text(let f, let equal, let v): return "\(f) \(equal ? "=" : "!=") \(SyntaxPrinter.quoted(v))"
        case .textIn(let f, let values, let negated):
            return "\(f) \(negated ? "not in" : "in") [\(values.map(SyntaxPrinter.quoted).joined(separator: ", "))]"
        case .and(let a, let b): return wrapped(a, inside: "and") + " and " + wrapped(b, inside: "and")
        case .or(let a, let b): return slac(a) + " or " + slac(b)
        case .not(let a): return "not " + wrapped(a, inside: "not")
        }
    }

    /// The fields and metrics of a condition, for "requests where it cannot be decided".
    static func names(in p: CheckedPredicate) -> [String] {
        var out: [String] = []
        func walk(_ q: CheckedPredicate) {
            switch q {
            case .and(let a, let b), .or(let a, let b): walk(a); walk(b)
            case .not(let a): walk(a)
            case .metric(let m, _, _): if !out.contains(m.rawValue) { out.append(m.rawValue) }
            case .text(let f, _, _), .textIn(let f, _, _): if !out.contains(f) { out.append(f) }
            }
        }
        walk(p)
        return out
    }

    // MARK: windows and statistics

    /// `5-minute windows`, `calendar days in UTC`, ...: the window alone, for short messages.
    static func windowShort(_ w: CheckedWindow) -> String {
        switch w {
        case .fixed(let ns): "every " + duration(nanoseconds: ns)
        case .calendarDay: "every calendar day"
        case .calendarWeek: "every calendar week"
        case .calendarMonth: "every calendar month"
        case .calendarQuarter: "every calendar quarter"
        case .calendarYear: "every calendar year"
        case .term: "over the term"
        }
    }

    /// The window in full, as the reference semantics define it (docs/language.md, "Windows").
    static func window(_ w: CheckedWindow, contract: CheckedContract) -> Prose {
        let zone = contract.timezone
        let shifts = zone != "UTC" && zone != "Etc/UTC"
        switch w {
        case .fixed(let ns):
            let d = duration(nanoseconds: ns)
            return "consecutive windows of \(d) aligned to the Unix epoch in UTC, whatever the contract time zone: window k runs from k × \(d) after 1970-01-01T00:00:00Z (included) to (k + 1) × \(d) (excluded)"
        case .calendarDay:
            return "each calendar day in the contract time zone \(code: zone), from midnight to the next midnight local time" + (shifts ? " (on the days the clocks change, a day is longer or shorter by the change, e.g. 23 or 25 hours for a one-hour change; where the clocks skip midnight, the day starts when they resume)" : "")
        case .calendarWeek:
            return "each ISO calendar week in the contract time zone \(code: zone), from Monday 00:00 to the next Monday 00:00 local time"
        case .calendarMonth:
            return "each calendar month in the contract time zone \(code: zone), from the first day at 00:00 to the first day of the next month at 00:00 local time"
        case .calendarQuarter:
            return "each calendar quarter in the contract time zone \(code: zone) (starting 1 January, 1 April, 1 July and 1 October at 00:00 local time)"
        case .calendarYear:
            return "each calendar year in the contract time zone \(code: zone), from 1 January at 00:00 to the next 1 January at 00:00 local time"
        case .term:
            return "one window spanning the whole term, \(instant(contract.termStart)) (included) to \(instant(contract.termEnd)) (excluded)"
        }
    }

    /// `each calendar month in `UTC``, `the whole term`: a measurement period.
    static func period(_ p: CheckedObjective.Period, contract: CheckedContract) -> Prose {
        switch p {
        case .calendarMonth: "each calendar month in \(code: contract.timezone)"
        case .calendarQuarter: "each calendar quarter in \(code: contract.timezone)"
        case .calendarYear: "each calendar year in \(code: contract.timezone)"
        case .term: "the whole term"
        }
    }

    /// `month`, `quarter`, `year` or `term`.
    static func periodUnit(_ p: CheckedObjective.Period) -> String {
        switch p {
        case .calendarMonth: "month"
        case .calendarQuarter: "quarter"
        case .calendarYear: "year"
        case .term: "term"
        }
    }

    /// A measure's bound, `empty` value or credit threshold: a percentage for ratios, else the
    /// value in the canonical unit of the clause's statistic.
    static func measureBound(_ value: Rational, clause: CheckedClause) -> String {
        let dimension: SLACChecker.Dimension = clause.measure?.kind == .mean ? clause.aggregate.dimension : .ratio
        return dimension == .ratio ? percent(value) : canonical(value, dimension)
    }

    /// `separately for each `tenant``.
    static func groups(_ fields: [String]) -> Prose {
        if fields.isEmpty { return "over all in-scope requests together" }
        if fields.count == 1 { return "separately for each value of \(code: fields[0])" }
        return "separately for each combination of " + Prose.list(fields.map { "\(code: $0)" }, conjunction: "and")
    }

    /// `99th`, `99.9th`, `1st`, `22nd`.
    static func ordinal(_ q: Rational) -> String {
        let text = q.decimalString()
        guard q.isInteger, let n = q.numerator.intValue else { return text + "th" }
        let suffix: String
        switch (n % 10, n % 100) {
        case (1, let t) where t != 11: suffix = "st"
        case (2, let t) where t != 12: suffix = "nd"
        case (3, let t) where t != 13: suffix = "rd"
        default: suffix = "th"
        }
        return text + suffix
    }

    /// The aggregate in short: `the 99th percentile of `ttft``.
    static func statisticShort(_ a: CheckedAggregate) -> Prose {
        switch a {
        case .percentile(let m, let q): "the \(ordinal(q)) percentile of \(code: m.rawValue)"
        case .mean(let m): "the mean of \(code: m.rawValue)"
        case .min(let m): "the minimum of \(code: m.rawValue)"
        case .max(let m): "the maximum of \(code: m.rawValue)"
        case .sum(let m): "the sum of \(code: m.rawValue)"
        case .count: "the number of requests"
        case .share(let p): "the share of requests where \(code: slac(p))"
        }
    }

    /// The exact statistic (docs/language.md, "Exactness").
    static func statistic(_ a: CheckedAggregate) -> Prose {
        switch a {
        case .percentile(_, let q) where q == Rational(100):
            return "the largest value (the 100th percentile): the n defined values of a window are sorted ascending and the last is taken"
        case .percentile(_, let q):
            let fraction = (q / Rational(100)).decimalString()
            let median = q == Rational(50) ? " (the median)" : ""
            return "the \(ordinal(q))-percentile value\(median) by nearest rank: the n defined values of a window are sorted ascending and the value at rank ⌈\(fraction)·n⌉ is taken (rank counted from 1, computed exactly, no interpolation)"
        case .mean: return "the mean: the exact sum of the n defined values of a window divided by n"
        case .min: return "the smallest defined value in the window"
        case .max: return "the largest defined value in the window"
        case .sum: return "the exact sum of the defined values in the window"
        case .count: return "the number of in-scope requests in the window (every in-scope request counts, whether or not its metrics are defined)"
        case .share(let p):
            return "the share of requests for which " + predicate(p) + ": the number of in-scope requests where this is true, divided by the number where it is true or false" + undecided(p, "is left out of both counts")
        }
    }
}

extension Wording {
    /// The fields and metrics of `p` that a request may lack, so that `p` cannot be decided for
    /// it: all but `status`, which a request without it has as "ok".
    static func undecidableNames(in p: CheckedPredicate) -> [String] {
        names(in: p).filter { $0 != CanonicalField.status.name }
    }

    /// What happens to a request for which `p` cannot be decided, in parentheses (empty when it
    /// always can be). A request without `status` has status "ok" (docs/formats.md), so `status`
    /// never makes a condition undecided.
    static func undecided(_ p: CheckedPredicate, _ consequence: String) -> Prose {
        let fields = names(in: p)
        let undecidable = undecidableNames(in: p)
        let okNote: Prose = fields.contains("status") ? "a request without \(code: "status") has status \"ok\"" : ""
        guard !undecidable.isEmpty else { return fields.contains("status") ? " (\(okNote))" : "" }
        let list = Prose.list(undecidable.map { "\(code: $0)" }, conjunction: "or")
        let note: Prose = fields.contains("status") ? "; \(okNote)" : ""
        // "Only when": with `or`, a request lacking one field can still be decided by the other
        // side (`model = "a" or tenant = "t"` holds for a request with tenant "t" and no model).
        return " (a request for which it is neither true nor false, which can happen only when \(list) is absent or undefined, \(consequence)\(note))"
    }
}
