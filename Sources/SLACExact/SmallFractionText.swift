/// `Rational.decimalString` for a fraction of two machine integers, without big-number arithmetic.
///
/// Why: reports print every `share` window's observed value this way. Through `Rational` (BigInt
/// division and comparisons) it took 3.9 µs per window, 33 ms for the 8,400 hourly windows of the
/// 1 GB benchmark, all of it in the serial finish phase. The digits come from schoolbook long
/// division with `Int`, which gives the same quotient and remainder as the exact path, so the text
/// is identical (the tests compare both over many fractions).
package enum SmallFractionText {
    /// The same text as `Rational(numerator, denominator).decimalString(significantDigits:maxFractionDigits:)`,
    /// or nil when the fraction is outside the range this path handles (negative numerator,
    /// non-positive or very large denominator), so that callers fall back to `Rational`.
    package static func decimalString(numerator: Int, denominator: Int, significantDigits: Int,
                                     maxFractionDigits: Int) -> String? {
        guard numerator >= 0, denominator > 0, denominator <= Int.max / 20, significantDigits >= 1 else { return nil }
        let g = gcd(numerator, denominator)
        let n = numerator / g, d = denominator / g
        // A terminating expansion (denominator 2^a·5^b) is printed exactly when it is short enough.
        var rest = d, twos = 0, fives = 0
        while rest % 2 == 0 { rest /= 2; twos += 1 }
        while rest % 5 == 0 { rest /= 5; fives += 1 }
        if rest == 1 && max(twos, fives) <= maxFractionDigits {
            return fixed(n, d, fractionDigits: max(twos, fives))
        }
        // The decimal exponent of the value: the position of its first significant digit.
        let exponent: Int
        if n >= d {
            var digits = 0, q = n / d
            while q > 0 { digits += 1; q /= 10 }
            exponent = digits - 1
        } else {
            var k = 0, x = n
            repeat { x *= 10; k += 1 } while x < d
            exponent = -k
        }
        var text = fixed(n, d, fractionDigits: max(0, significantDigits - 1 - exponent))
        if text.utf8.contains(UInt8(ascii: ".")) {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `n/d` rounded half-to-even to `fractionDigits` decimals (`Rational.fixed`), n ≥ 0, d > 0.
    static func fixed(_ n: Int, _ d: Int, fractionDigits: Int) -> String {
        var whole = n / d
        var remainder = n % d
        var fraction = [UInt8](repeating: 0, count: fractionDigits)
        for k in 0..<fractionDigits {
            remainder *= 10
            fraction[k] = UInt8(remainder / d)
            remainder %= d
        }
        let lastIsOdd = fractionDigits > 0 ? fraction[fractionDigits - 1] % 2 == 1 : whole % 2 == 1
        if 2 * remainder > d || (2 * remainder == d && lastIsOdd) {
            var k = fractionDigits - 1
            while k >= 0 && fraction[k] == 9 { fraction[k] = 0; k -= 1 }
            if k >= 0 { fraction[k] += 1 } else { whole += 1 }
        }
        var text = String(whole)
        if fractionDigits > 0 {
            text += "."
            text += String(decoding: fraction.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
        }
        return text
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var a = a, b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a == 0 ? 1 : a
    }
}
