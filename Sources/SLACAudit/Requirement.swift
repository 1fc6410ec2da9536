import SLACChecker
import SLACExact

/// The bound of a clause as far as a chart needs it, read back from the report's
/// `<requirement>` text (`p99(ttft) <= 800 ms`, `share(status = "ok") >= 99.9%`). The report
/// carries the requirement only as written, so the renderer recovers the comparison and converts
/// the bound to the observed value's canonical unit with the checker's unit table. For drawing
/// only: verdicts come from the report, never from this approximation.
struct RequirementBound: Sendable, Equatable {
    /// Which side of the bound breaches.
    enum Direction: String, Sendable { case upper, lower, none }

    /// The aggregate, left of the comparison (`p99(ttft)`).
    var aggregate: String
    /// `<=`, `<`, `>=`, `>`, `=` or `!=`, as written.
    var comparison: String
    /// The bound as written (`800 ms`).
    var writtenBound: String
    /// The bound in `unit` (`800`, or `0.999` for `99.9%`).
    var value: Double
    /// The canonical unit of the bound (`ms`, `ratio`, …); nil for a plain number.
    var unit: String?

    /// An upper bound breaches above the line, a lower bound below it.
    var direction: Direction {
        switch comparison {
        case "<", "<=": return .upper
        case ">", ">=": return .lower
        default: return .none
        }
    }

    /// Reads the last top-level comparison of `text` and the quantity after it; nil when the
    /// text does not end in a number with a known unit (the chart is then drawn without a bound).
    static func parse(_ text: String) -> RequirementBound? {
        let scalars = Array(text.unicodeScalars)
        var depth = 0
        var inString = false
        var found: (index: Int, length: Int)?
        var index = 0
        while index < scalars.count {
            let c = scalars[index]
            if inString {
                if c == "\\" { index += 2; continue }
                if c == "\"" { inString = false }
            } else {
                switch c {
                case "\"": inString = true
                case "(", "[": depth += 1
                case ")", "]": depth -= 1
                case "<", ">", "=", "!":
                    guard depth == 0 else { break }
                    let twoChar = index + 1 < scalars.count && scalars[index + 1] == "="
                    if c == "!" && !twoChar { break }
                    found = (index, twoChar ? 2 : 1)
                    if twoChar { index += 1 }
                default: break
                }
            }
            index += 1
        }
        guard let found else { return nil }
        let comparison = String(String.UnicodeScalarView(scalars[found.index..<found.index + found.length]))
        let head = String(String.UnicodeScalarView(scalars[..<found.index])).trimmingSpaces
        let tail = String(String.UnicodeScalarView(scalars[(found.index + found.length)...])).trimmingSpaces
        return quantity(tail).map { RequirementBound(aggregate: head, comparison: comparison, writtenBound: tail, value: $0.value, unit: $0.unit) }
    }

    /// `800 ms` → (800, ms); `50M tokens` → (5e7, tokens); `99.9%` → (0.999, ratio); `1.5 s` → (1500, ms).
    private static func quantity(_ text: String) -> (value: Double, unit: String?)? {
        var digits = ""
        var rest = Substring(text)
        while let c = rest.first, c.isASCII, c.isNumber || c == "." { digits.append(c); rest = rest.dropFirst() }
        // Exact until the end (99.9% is 0.999, not 99.9 × 0.01), like the checker.
        guard !digits.isEmpty, var value = Rational(decimal: digits) else { return nil }
        if let suffix = rest.first, "kMB".contains(suffix), rest.dropFirst().first.map({ !($0.isLetter || $0 == "_") }) ?? true {
            value = value * Rational(suffix == "k" ? 1000 : suffix == "M" ? 1_000_000 : 1_000_000_000)
            rest = rest.dropFirst()
        }
        let unitText = String(rest).trimmingSpaces
        if unitText.isEmpty { return (value.approximateDouble, nil) }
        guard let unit = UnitTable.units[unitText] else { return nil }
        return ((value * unit.factor).approximateDouble, unit.dimension.canonicalUnit)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
