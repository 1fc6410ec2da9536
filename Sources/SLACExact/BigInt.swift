/// A minimal arbitrary-precision signed integer.
///
/// slac compares observed binary64 values with decimal bounds *exactly* (docs/language.md, "Exactness"), and the exact
/// value of a double or of a sum of doubles can need hundreds of digits. Only what those comparisons
/// and the report's decimal printing need is implemented; it is not on the per-record hot path
/// (the evaluator turns bounds into double thresholds once, see `Rational.doubleBracket`).
package struct BigInt: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Magnitude, little-endian 32-bit limbs, no trailing zero limbs (zero is `[]`).
    fileprivate var limbs: [UInt32]
    /// Sign; never negative for zero.
    package private(set) var isNegative: Bool

    package static let zero = BigInt(limbs: [], negative: false)
    package static let one = BigInt(1)

    fileprivate init(limbs: [UInt32], negative: Bool) {
        var l = limbs
        while let last = l.last, last == 0 { l.removeLast() }
        self.limbs = l
        self.isNegative = l.isEmpty ? false : negative
    }

    package init(_ value: Int) {
        let magnitude = value.magnitude
        self.init(limbs: [UInt32(truncatingIfNeeded: magnitude), UInt32(truncatingIfNeeded: magnitude >> 32)],
                  negative: value < 0)
    }

    package init(_ value: UInt64) {
        self.init(limbs: [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)], negative: false)
    }

    package var isZero: Bool { limbs.isEmpty }
    package var signum: Int { isZero ? 0 : (isNegative ? -1 : 1) }
    package var magnitude: BigInt { BigInt(limbs: limbs, negative: false) }

    /// The value as an `Int` when it fits.
    package var intValue: Int? {
        if limbs.count > 2 { return nil }
        var m: UInt64 = 0
        for (i, l) in limbs.enumerated() { m |= UInt64(l) << (32 * UInt64(i)) }
        if isNegative {
            if m <= UInt64(Int.max) + 1 { return m == UInt64(Int.max) + 1 ? Int.min : -Int(m) }
            return nil
        }
        return m <= UInt64(Int.max) ? Int(m) : nil
    }

    /// Number of significant bits of the magnitude.
    package var bitWidth: Int {
        guard let last = limbs.last else { return 0 }
        return (limbs.count - 1) * 32 + (32 - last.leadingZeroBitCount)
    }

    // MARK: magnitude helpers

    private static func compareMagnitude(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        var i = a.count - 1
        while i >= 0 {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i -= 1
        }
        return 0
    }

    private static func addMagnitude(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result = [UInt32](repeating: 0, count: max(a.count, b.count) + 1)
        var carry: UInt64 = 0
        for i in 0..<result.count - 1 {
            let s = UInt64(i < a.count ? a[i] : 0) + UInt64(i < b.count ? b[i] : 0) + carry
            result[i] = UInt32(truncatingIfNeeded: s)
            carry = s >> 32
        }
        result[result.count - 1] = UInt32(carry)
        return result
    }

    /// a - b where |a| >= |b|.
    private static func subtractMagnitude(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result = a
        var borrow: Int64 = 0
        for i in 0..<a.count {
            var d = Int64(a[i]) - Int64(i < b.count ? b[i] : 0) - borrow
            if d < 0 { d += 1 << 32; borrow = 1 } else { borrow = 0 }
            result[i] = UInt32(d)
        }
        precondition(borrow == 0, "subtractMagnitude requires |a| >= |b|")
        return result
    }

    // MARK: arithmetic

    package static func + (a: BigInt, b: BigInt) -> BigInt {
        if a.isNegative == b.isNegative {
            return BigInt(limbs: addMagnitude(a.limbs, b.limbs), negative: a.isNegative)
        }
        let c = compareMagnitude(a.limbs, b.limbs)
        if c == 0 { return .zero }
        if c > 0 { return BigInt(limbs: subtractMagnitude(a.limbs, b.limbs), negative: a.isNegative) }
        return BigInt(limbs: subtractMagnitude(b.limbs, a.limbs), negative: b.isNegative)
    }

    package static prefix func - (a: BigInt) -> BigInt { BigInt(limbs: a.limbs, negative: !a.isNegative) }
    package static func - (a: BigInt, b: BigInt) -> BigInt { a + (-b) }

    package static func * (a: BigInt, b: BigInt) -> BigInt {
        if a.isZero || b.isZero { return .zero }
        var result = [UInt32](repeating: 0, count: a.limbs.count + b.limbs.count)
        for i in 0..<a.limbs.count {
            var carry: UInt64 = 0
            let ai = UInt64(a.limbs[i])
            for j in 0..<b.limbs.count {
                let t = ai * UInt64(b.limbs[j]) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            result[i + b.limbs.count] = UInt32(carry)
        }
        return BigInt(limbs: result, negative: a.isNegative != b.isNegative)
    }

    package static func += (a: inout BigInt, b: BigInt) { a = a + b }
    package static func *= (a: inout BigInt, b: BigInt) { a = a * b }

    /// Multiplies by 2^n (n >= 0).
    package func shiftedLeft(_ n: Int) -> BigInt {
        precondition(n >= 0)
        if isZero || n == 0 { return self }
        let limbShift = n / 32, bitShift = n % 32
        var result = [UInt32](repeating: 0, count: limbs.count + limbShift + 1)
        for i in 0..<limbs.count {
            let v = UInt64(limbs[i]) << UInt64(bitShift)
            result[i + limbShift] |= UInt32(truncatingIfNeeded: v)
            result[i + limbShift + 1] |= UInt32(truncatingIfNeeded: v >> 32)
        }
        return BigInt(limbs: result, negative: isNegative)
    }

    /// The number of trailing zero bits of the magnitude (0 for zero).
    package var trailingZeroBitCount: Int {
        guard let i = limbs.firstIndex(where: { $0 != 0 }) else { return 0 }
        return i * 32 + limbs[i].trailingZeroBitCount
    }

    /// The magnitude shifted right by `n` bits (truncating), with the sign kept.
    package func shiftedRight(_ n: Int) -> BigInt {
        precondition(n >= 0)
        if isZero || n == 0 { return self }
        return BigInt(limbs: BigInt.shiftRight(limbs, n), negative: isNegative)
    }

    private static func shiftRight(_ limbs: [UInt32], _ n: Int) -> [UInt32] {
        let limbShift = n / 32, bitShift = UInt32(n % 32)
        guard limbShift < limbs.count else { return [] }
        var result = [UInt32](repeating: 0, count: limbs.count - limbShift)
        for i in 0..<result.count {
            let low = limbs[i + limbShift] >> bitShift
            let high = bitShift == 0 || i + limbShift + 1 >= limbs.count ? 0 : limbs[i + limbShift + 1] << (32 - bitShift)
            result[i] = low | high
        }
        while let last = result.last, last == 0 { result.removeLast() }
        return result
    }

    /// The greatest common divisor of the magnitudes (Stein's binary algorithm; gcd(0, 0) = 0).
    ///
    /// Euclid's algorithm over the bitwise `floorDivided` took minutes on the fractions of a sum of
    /// doubles spread over the whole binary64 range (2,000-bit numerators); the binary algorithm needs
    /// only shifts and subtractions, at most one per bit.
    package static func greatestCommonDivisor(_ a: BigInt, _ b: BigInt) -> BigInt {
        if a.isZero { return b.magnitude }
        if b.isZero { return a.magnitude }
        let za = a.trailingZeroBitCount, zb = b.trailingZeroBitCount
        let common = min(za, zb)
        var x = shiftRight(a.limbs, za)
        var y = shiftRight(b.limbs, zb)
        // Both odd from here on.
        while true {
            let c = compareMagnitude(x, y)
            if c == 0 { break }
            if c < 0 { swap(&x, &y) }
            // x > y, both odd: x - y is even and non-zero.
            x = subtractMagnitude(x, y)
            while let last = x.last, last == 0 { x.removeLast() }
            let z = BigInt(limbs: x, negative: false).trailingZeroBitCount
            x = shiftRight(x, z)
        }
        return BigInt(limbs: x, negative: false).shiftedLeft(common)
    }

    /// 10^n.
    package static func powerOfTen(_ n: Int) -> BigInt {
        precondition(n >= 0)
        var result = BigInt.one
        var remaining = n
        let chunk = BigInt(UInt64(10_000_000_000_000_000_000 as UInt64))  // 10^19
        while remaining >= 19 { result *= chunk; remaining -= 19 }
        var small: UInt64 = 1
        for _ in 0..<remaining { small *= 10 }
        return result * BigInt(small)
    }

    /// Truncating division by a small positive divisor; returns quotient and remainder of the magnitude.
    package func quotientAndRemainder(dividingBy divisor: UInt32) -> (quotient: BigInt, remainder: UInt32) {
        precondition(divisor > 0)
        var result = limbs
        var remainder: UInt64 = 0
        var i = limbs.count - 1
        while i >= 0 {
            let cur = (remainder << 32) | UInt64(limbs[i])
            result[i] = UInt32(cur / UInt64(divisor))
            remainder = cur % UInt64(divisor)
            i -= 1
        }
        return (BigInt(limbs: result, negative: isNegative), UInt32(remainder))
    }

    /// Floor division and non-negative remainder for a positive divisor (schoolbook, bitwise).
    /// Used only for formatting and rounding, never per record.
    package func floorDivided(by divisor: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        precondition(!divisor.isZero && !divisor.isNegative, "divisor must be positive")
        if divisor.limbs.count <= 2 {
            // A divisor of one machine word: limb by limb from the top, each step one 128-by-64-bit
            // division (the remainder stays below the divisor, so each quotient limb fits 32 bits).
            // The binary long division below took about 31,000 instructions to divide by 10^9
            // (callgrind: most of a report's time went to printing exact values).
            let d = UInt64(divisor.limbs[0]) | (divisor.limbs.count == 2 ? UInt64(divisor.limbs[1]) << 32 : 0)
            var quotient = [UInt32](repeating: 0, count: limbs.count)
            var r: UInt64 = 0
            var i = limbs.count - 1
            while i >= 0 {
                let (q, rest) = d.dividingFullWidth((high: r >> 32, low: (r << 32) | UInt64(limbs[i])))
                quotient[i] = UInt32(truncatingIfNeeded: q)
                r = rest
                i -= 1
            }
            let q = BigInt(limbs: quotient, negative: false)
            if !isNegative { return (q, BigInt(r)) }
            if r == 0 { return (-q, .zero) }
            return (-(q + .one), divisor - BigInt(r))
        }
        return floorDividedBitwise(by: divisor)
    }

    /// `floorDivided(by:)` by binary long division, for any positive divisor (the path for
    /// divisors wider than a machine word; tests compare it with the word path).
    package func floorDividedBitwise(by divisor: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        precondition(!divisor.isZero && !divisor.isNegative, "divisor must be positive")
        var quotient = [UInt32](repeating: 0, count: limbs.count)
        var remainder = BigInt.zero
        var bit = bitWidth - 1
        while bit >= 0 {
            remainder = remainder.shiftedLeft(1)
            if (limbs[bit / 32] >> UInt32(bit % 32)) & 1 == 1 { remainder = remainder + .one }
            if BigInt.compareMagnitude(remainder.limbs, divisor.limbs) >= 0 {
                remainder = remainder - divisor
                quotient[bit / 32] |= 1 << UInt32(bit % 32)
            }
            bit -= 1
        }
        let q = BigInt(limbs: quotient, negative: false)
        if !isNegative { return (q, remainder) }
        if remainder.isZero { return (-q, .zero) }
        return (-(q + .one), divisor - remainder)
    }

    package static func < (a: BigInt, b: BigInt) -> Bool {
        if a.isNegative != b.isNegative { return a.isNegative }
        let c = compareMagnitude(a.limbs, b.limbs)
        return a.isNegative ? c > 0 : c < 0
    }

    /// Decimal digits of the value.
    package var description: String {
        if isZero { return "0" }
        var digits: [UInt8] = []
        var current = self.magnitude
        while !current.isZero {
            let (q, r) = current.quotientAndRemainder(dividingBy: 1_000_000_000)
            var chunk = r
            let isLast = q.isZero
            var count = 0
            while chunk > 0 || (!isLast && count < 9) {
                digits.append(UInt8(48 + chunk % 10))
                chunk /= 10
                count += 1
            }
            current = q
        }
        if isNegative { digits.append(UInt8(ascii: "-")) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    /// Parses an optionally signed decimal integer.
    package init?(decimal text: some StringProtocol) {
        var negative = false
        var body = Substring(text)
        if body.first == "-" { negative = true; body = body.dropFirst() } else if body.first == "+" { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var result = BigInt.zero
        let billion = BigInt(UInt64(1_000_000_000))
        var chunk: UInt64 = 0, chunkDigits = 0
        for ch in body.utf8 {
            chunk = chunk * 10 + UInt64(ch - 48)
            chunkDigits += 1
            if chunkDigits == 9 { result = result * billion + BigInt(chunk); chunk = 0; chunkDigits = 0 }
        }
        if chunkDigits > 0 {
            var scale: UInt64 = 1
            for _ in 0..<chunkDigits { scale *= 10 }
            result = result * BigInt(scale) + BigInt(chunk)
        }
        self = negative ? -result : result
    }
}
