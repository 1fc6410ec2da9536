import SLACExact

/// Numbers rounded for people on the HTML page (the exact value goes in a hover title beside
/// them), with one rule that rounding never breaks: a rounded value reads on the same side of the
/// bound it is judged against as the exact value, and equal to it only when the exact value is
/// (`0.30000000000000002` against `<= 0.3` shows as `0.30000000000000002 ms`, not `0.3 ms`; an
/// attainment of 0.99499 against 99.5% as `99.499%`, not `99.5%`). Likewise a percentage reads as
/// 0% or 100% only when it is exactly that.
enum PeopleNumbers {
    /// `value` (a decimal as the report prints it) in `unit` for people: a ratio as a percentage,
    /// other units after the number. `bound` is a decimal in the same unit (a fraction for ratios).
    /// Text that is not a decimal (an exact fraction `n/d`) is returned as it is.
    static func display(_ value: String, unit: String?, bound: String? = nil) -> String {
        guard let exact = Rational(decimal: value) else { return value + (unit.map { $0 == "ratio" ? "" : " " + $0 } ?? "") }
        let boundValue = bound.flatMap { Rational(decimal: $0) }
        if unit == "ratio" {
            let percent = exact * Rational(100)
            return number(percent, bound: boundValue.map { $0 * Rational(100) }, percent: true) + "%"
        }
        let text = number(exact, bound: boundValue, percent: false)
        guard let unit, !unit.isEmpty else { return text }
        return text + " " + unit
    }

    /// A percentage in [0, 1] as people read it (`1.4%`, `0.13%`, `99.2%`), never 0% or 100%
    /// unless exact.
    static func percent(_ fraction: Rational) -> String {
        number(fraction * Rational(100), bound: nil, percent: true) + "%"
    }

    /// The rounded number: how many decimals depends on the magnitude; more are added while the
    /// rounded value would read differently from the exact one against the bound (or the ends of
    /// a percentage scale).
    static func number(_ exact: Rational, bound: Rational?, percent: Bool) -> String {
        if exact.isInteger { return grouped(exact.numerator.description) }
        let magnitude = exact.signum < 0 ? Rational(0) - exact : exact
        var decimals: Int
        if percent {
            decimals = magnitude >= Rational(10) ? 1 : significantDecimals(magnitude, digits: 2)
        } else if magnitude >= Rational(100) {
            decimals = 1
        } else if magnitude >= Rational(1) {
            decimals = 2
        } else {
            decimals = significantDecimals(magnitude, digits: 3)
        }
        func misleading(_ shown: Rational) -> Bool {
            if let bound, sign(shown, bound) != sign(exact, bound) { return true }
            if percent && (shown == Rational(100) || shown.signum == 0) && shown != exact { return true }
            return false
        }
        while decimals < 60 {
            let text = Rational.fixed(exact, fractionDigits: decimals)
            if let shown = Rational(decimal: text), !misleading(shown) { return grouped(trimmed(text)) }
            decimals += 1
        }
        return grouped(trimmed(exact.decimalString(significantDigits: 60, maxFractionDigits: 60)))
    }

    /// Decimals that show `digits` significant digits of a positive value below 10.
    private static func significantDecimals(_ magnitude: Rational, digits: Int) -> Int {
        guard magnitude.signum > 0 else { return 0 }
        var decimals = digits - 1
        var scaled = magnitude
        while scaled < Rational(1) && decimals < 40 {
            scaled = scaled * Rational(10)
            decimals += 1
        }
        return decimals
    }

    private static func sign(_ a: Rational, _ b: Rational) -> Int { a < b ? -1 : (a == b ? 0 : 1) }

    /// Trailing zeros of the fraction removed (`12.50` → `12.5`, `3.0` → `3`).
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = text
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// Thousands separators in the integer part (`2,119.5`, `12,500`; `812.4` stays).
    static func grouped(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = String(parts[0])
        guard integer.count >= 4, integer.allSatisfy(\.isNumber) else { return text }
        var out = ""
        for (i, c) in integer.enumerated() {
            if i > 0 && (integer.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        if parts.count == 2 { out += "." + parts[1] }
        return (negative ? "-" : "") + out
    }

    /// Money as written (`30000.00`) with separators (`30,000.00`); the digits are kept.
    static func money(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = String(parts[0])
        guard !integer.isEmpty, integer.allSatisfy(\.isNumber) else { return text }
        var out = ""
        for (i, c) in integer.enumerated() {
            if i > 0 && (integer.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        if parts.count == 2 { out += "." + parts[1] }
        return (negative ? "-" : "") + out
    }

    /// A duration in seconds for people: `45 s`, `12 min`, `10.4 h`, `744 h`.
    static func duration(seconds: Rational) -> String {
        if seconds < Rational(60) { return trimmed(Rational.fixed(seconds, fractionDigits: seconds < Rational(1) ? 3 : 0)) + " s" }
        if seconds < Rational(3600) { return trimmed(Rational.fixed(seconds / Rational(60), fractionDigits: 0)) + " min" }
        let hours = seconds / Rational(3600)
        return grouped(trimmed(Rational.fixed(hours, fractionDigits: hours < Rational(100) ? 1 : 0))) + " h"
    }
}
