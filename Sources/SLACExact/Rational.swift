/// An exact rational number in lowest terms (denominator > 0).
///
/// Bounds, percentages, shares and attainments are exact fractions in slac (docs/language.md, "Exactness"): `0.8 s`
/// is exactly 800 ms and `10 tokens/min` is exactly 1/6 token/s, which no decimal or binary
/// floating-point type can hold.
package struct Rational: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let numerator: BigInt
    package let denominator: BigInt

    package init(_ numerator: BigInt, _ denominator: BigInt = .one) {
        precondition(!denominator.isZero, "zero denominator")
        if let ni = numerator.intValue, let di = denominator.intValue {
            // Both fit a machine word: reduce in machine words. BigInt's long division took about
            // 31,000 instructions a value (callgrind: most of a report's `seconds` attributes).
            let g = Rational.wordGCD(ni.magnitude, di.magnitude)
            let n = BigInt(UInt64(ni.magnitude / g)), d = BigInt(UInt64(di.magnitude / g))
            self.numerator = (ni < 0) != (di < 0) ? -n : n
            self.denominator = d
            return
        }
        var n = numerator, d = denominator
        if d.isNegative { n = -n; d = -d }
        let g = Rational.gcd(n.magnitude, d)
        if g != .one {
            let twos = g.trailingZeroBitCount
            if twos == g.bitWidth - 1 {
                // A power of two, as for every sum of doubles: a shift, not a long division.
                n = n.shiftedRight(twos)
                d = d.shiftedRight(twos)
            } else {
                n = n.floorDivided(by: g).quotient
                d = d.floorDivided(by: g).quotient
            }
        }
        self.numerator = n
        self.denominator = d
    }

    package init(_ value: Int) { self.init(BigInt(value)) }
    package init(_ numerator: Int, _ denominator: Int) { self.init(BigInt(numerator), BigInt(denominator)) }

    /// The exact value of a finite double.
    package init(exactly value: Double) {
        precondition(value.isFinite, "non-finite double has no exact rational value")
        if value == 0 { self.init(0); return }
        let exponentBits = Int(value.exponentBitPattern)
        var mantissa = value.significandBitPattern
        let exponent: Int
        if exponentBits == 0 { exponent = -1074 } else { mantissa |= 1 << 52; exponent = exponentBits - 1075 }
        let m = value.sign == .minus ? -BigInt(mantissa) : BigInt(mantissa)
        if exponent >= 0 { self.init(m.shiftedLeft(exponent)) } else { self.init(m, BigInt.one.shiftedLeft(-exponent)) }
    }

    /// Parses a decimal literal such as `800`, `0.8`, `99.95` or `1e-3` exactly.
    package init?(decimal text: some StringProtocol) {
        var s = Substring(text)
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(s[s.index(after: e)...]), abs(x) < 10_000 else { return nil }
            exponent = x
            s = s[..<e]
        }
        var digits = String(s)
        if let dot = s.firstIndex(of: ".") {
            let fraction = s[s.index(after: dot)...]
            exponent -= fraction.count
            digits = String(s[..<dot]) + fraction
        }
        guard let integer = BigInt(decimal: digits) else { return nil }
        if exponent >= 0 { self.init(integer * BigInt.powerOfTen(exponent)) } else { self.init(integer, BigInt.powerOfTen(-exponent)) }
    }

    package static let zero = Rational(0)
    package static let one = Rational(1)

    /// Euclid on machine words; 1 when both are zero (a divisor for reduction).
    private static func wordGCD(_ a: UInt, _ b: UInt) -> UInt {
        var p = a, q = b
        while q != 0 { (p, q) = (q, p % q) }
        return p == 0 ? 1 : p
    }

    private static func gcd(_ a: BigInt, _ b: BigInt) -> BigInt {
        if let xi = a.intValue, let yi = b.intValue { return BigInt(UInt64(wordGCD(xi.magnitude, yi.magnitude))) }
        let g = BigInt.greatestCommonDivisor(a, b)
        return g.isZero ? .one : g
    }

    package var isInteger: Bool { denominator == .one }
    package var signum: Int { numerator.signum }

    package static func + (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
    }
    package static func - (a: Rational, b: Rational) -> Rational { a + Rational(-b.numerator, b.denominator) }
    package static func * (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.numerator, a.denominator * b.denominator)
    }
    package static func / (a: Rational, b: Rational) -> Rational {
        precondition(!b.numerator.isZero, "division by zero")
        return Rational(a.numerator * b.denominator, a.denominator * b.numerator)
    }

    package static func < (a: Rational, b: Rational) -> Bool {
        a.numerator * b.denominator < b.numerator * a.denominator
    }

    /// -1, 0 or 1 as the exact value of `value` is below, equal to or above `self`.
    package func compare(double value: Double) -> Int {
        if value == .infinity { return 1 }
        if value == -.infinity { return -1 }
        let x = Rational(exactly: value)
        return x < self ? -1 : (x == self ? 0 : 1)
    }

    /// The largest double <= self and the smallest double >= self (equal when self is a double).
    ///
    /// With these a per-record comparison `x >= bound` is exactly `x >= bracket.upper`, one
    /// floating-point comparison with no rounding error.
    package var doubleBracket: (lower: Double, upper: Double) {
        var approx = nearbyDouble
        if !approx.isFinite {
            approx = signum < 0 ? -Double.greatestFiniteMagnitude : Double.greatestFiniteMagnitude
        }
        // `nearbyDouble` is within a few units in the last place, so each walk takes a step or two.
        var lower = approx
        while lower.isFinite && compare(double: lower) > 0 { lower = lower.nextDown }
        while lower.nextUp.isFinite && compare(double: lower.nextUp) <= 0 { lower = lower.nextUp }
        if compare(double: lower) == 0 { return (lower, lower) }
        if compare(double: lower) > 0 { return (-.infinity, lower) }
        return (lower, lower.nextUp)
    }

    /// A double within a few units in the last place of the value (infinite beyond the finite range).
    ///
    /// Computed from a 55-bit integer quotient and the binary exponent, never from decimal text:
    /// dividing two decimal conversions overflowed for values near `Double.greatestFiniteMagnitude`
    /// (0.5 + 1e308 has a numerator above the double range), and the bracket then walked one unit in
    /// the last place at a time from the largest double: about 10^15 steps, a hang.
    var nearbyDouble: Double {
        if numerator.isZero { return 0 }
        let magnitude = numerator.magnitude
        // q = floor(|n| * 2^shift / d) has 55 or 56 significant bits.
        let shift = 55 - (magnitude.bitWidth - denominator.bitWidth)
        let quotient = shift >= 0
            ? magnitude.shiftedLeft(shift).floorDivided(by: denominator).quotient
            : magnitude.floorDivided(by: denominator.shiftedLeft(-shift)).quotient
        guard let q = quotient.intValue else { return numerator.isNegative ? -.infinity : .infinity }
        // Scaling by a power of two is exact in the normal range; it saturates to 0 or infinity
        // outside it, which the bracket's walk then corrects.
        let value = Double(sign: .plus, exponent: -shift, significand: Double(q))
        return numerator.isNegative ? -value : value
    }

    /// The nearest double (ties to even are not needed here: used for display and charts only).
    package var approximateDouble: Double {
        let (l, u) = doubleBracket
        if l == u { return l }
        let dl = self - Rational(exactly: l.isFinite ? l : -Double.greatestFiniteMagnitude)
        let du = Rational(exactly: u.isFinite ? u : Double.greatestFiniteMagnitude) - self
        return dl <= du ? l : u
    }

    /// Exact decimal text when the expansion terminates within `maxFractionDigits`; otherwise
    /// rounded half-to-even to `significantDigits` significant digits.
    package func decimalString(significantDigits: Int = 12, maxFractionDigits: Int = 40) -> String {
        // Terminating expansion: denominator of the form 2^a 5^b.
        var d = denominator
        var twos = 0, fives = 0
        while d.floorDivided(by: BigInt(2)).remainder.isZero && !d.isZero && d != .one { d = d.floorDivided(by: BigInt(2)).quotient; twos += 1 }
        while d.floorDivided(by: BigInt(5)).remainder.isZero && d != .one { d = d.floorDivided(by: BigInt(5)).quotient; fives += 1 }
        if d == .one && max(twos, fives) <= maxFractionDigits {
            return Rational.fixed(self, fractionDigits: max(twos, fives))
        }
        // Round to significant digits: find the decimal exponent of the magnitude.
        let magnitude = Rational(numerator.magnitude, denominator)
        var exponent = 0  // magnitude in [10^exponent, 10^(exponent+1))
        // Only a first guess (the loops below make the exponent exact): of word-sized terms, a
        // division of doubles; `approximateDouble` rounds exactly, at about 55,000 instructions.
        let approx: Double
        if let n = magnitude.numerator.intValue, let d = magnitude.denominator.intValue {
            approx = Double(n) / Double(d)
        } else {
            approx = magnitude.approximateDouble
        }
        if approx.isNormal && approx.isFinite {
            exponent = Int((approx.log10Approx).rounded(.down))
        } else {
            // Beyond the doubles (a sum above the largest, once an endless walk down from
            // `Int.max × log10 2`; or below the smallest, a walk of hundreds of steps): from the
            // bit widths, within one or two of the answer.
            let bits = magnitude.numerator.bitWidth - magnitude.denominator.bitWidth
            exponent = Int((Double(bits) * 0.30102999566398120).rounded(.down))
        }
        while magnitude < Rational.tenToThe(exponent) { exponent -= 1 }
        while magnitude >= Rational.tenToThe(exponent + 1) { exponent += 1 }
        let fractionDigits = max(0, significantDigits - 1 - exponent)
        var text = Rational.fixed(self, fractionDigits: fractionDigits)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    private static func tenToThe(_ n: Int) -> Rational {
        n >= 0 ? Rational(BigInt.powerOfTen(n)) : Rational(.one, BigInt.powerOfTen(-n))
    }

    /// Rounds half-to-even to `fractionDigits` decimals and prints without exponent.
    package static func fixed(_ value: Rational, fractionDigits: Int) -> String {
        let scaled = value.numerator * BigInt.powerOfTen(fractionDigits)
        var (q, r) = scaled.floorDivided(by: value.denominator)
        // half-to-even on the floor quotient
        let twice = r.shiftedLeft(1)
        if twice > value.denominator || (twice == value.denominator && q.floorDivided(by: BigInt(2)).remainder != .zero) {
            q = q + .one
        }
        let negative = q.isNegative
        var digits = q.magnitude.description
        if fractionDigits > 0 {
            if digits.count <= fractionDigits { digits = String(repeating: "0", count: fractionDigits - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -fractionDigits))
        }
        return negative ? "-" + digits : digits
    }

    /// Rounded half-to-even to an integer number of units of 10^-fractionDigits, as a rational.
    package func roundedHalfEven(fractionDigits: Int) -> Rational {
        Rational(decimal: Rational.fixed(self, fractionDigits: fractionDigits)) ?? self
    }

    /// Smallest integer >= self.
    package var ceiling: BigInt {
        let (q, r) = numerator.floorDivided(by: denominator)
        return r.isZero ? q : q + .one
    }

    /// Largest integer <= self.
    package var floor: BigInt { numerator.floorDivided(by: denominator).quotient }

    package var description: String {
        denominator == .one ? numerator.description : "\(numerator)/\(denominator)"
    }
}

extension Double {
    fileprivate var log10Approx: Double {
        // Avoids Foundation: log10 via the binary exponent is close enough for a starting guess.
        Double(self.exponent) * 0.30102999566398120
    }
}

/// Fractions serialise as `"n/d"` (or `"n"`), exactly, in monitor plans.
extension Rational: Codable {
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let parts = text.split(separator: "/")
        guard let n = parts.first.flatMap({ BigInt(decimal: $0) }),
              let d = parts.count == 2 ? BigInt(decimal: parts[1]) : BigInt.one, !d.isZero else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a fraction: \(text)"))
        }
        self.init(n, d)
    }
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

