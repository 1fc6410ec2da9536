import SLACExact
import Testing
import SLACTestSupport

/// Doubles from every part of the binary64 range: hostile values, random bit patterns, and
/// neighbours of both.
func hostileDouble(_ rng: inout SeededGenerator) -> Double {
    let specials: [Double] = [
        0, -0.0, 0.1, 0.2, 0.3, 1, -1, 1e-300, -1e-300, 1e300, -1e300, 1e308, -1e308,
        .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, 9007199254740993, 9007199254740992, 9007199254740991, 0x1p960, -0x1p960,
        0x1p960.nextDown, 4.9e-324 * 3, 2.5e-308,
    ]
    switch rng.next() % 4 {
    case 0: return specials[Int(rng.next() % UInt64(specials.count))]
    case 1:
        // A random finite bit pattern (subnormals included).
        while true {
            let d = Double(bitPattern: rng.next())
            if d.isFinite { return d }
        }
    case 2:
        let s = specials[Int(rng.next() % UInt64(specials.count))]
        let d = rng.next() % 2 == 0 ? s.nextUp : s.nextDown
        return d.isFinite ? d : s
    default:
        return Double(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 60)) / 8
    }
}

@Suite struct ExactSumPropertyTests {
    /// The sum against the naive reference: every value turned into a fraction and added.
    @Test(arguments: 0..<200)
    func exactSumEqualsTheSumOfFractions(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        let count = Int(rng.next() % 40) + 1
        let values = (0..<count).map { _ in hostileDouble(&rng) }
        var sum = ExactSum()
        values.forEach { sum.add($0) }
        let reference = values.reduce(Rational.zero) { $0 + Rational(exactly: $1) }
        #expect(sum.exactValue == reference, "seed \(seed): \(values)")

        // Chunked and merged in another order: the same value.
        let cut = Int(rng.next() % UInt64(count + 1))
        var left = ExactSum(), right = ExactSum()
        values[..<cut].reversed().forEach { left.add($0) }
        values[cut...].forEach { right.add($0) }
        right.merge(left)
        #expect(right.exactValue == reference, "seed \(seed), cut \(cut)")
    }

    /// 0.5 + 1e308 spun forever in the bound comparison (a one-ulp walk from the largest double).
    @Test func hugeSumsAreExactAndQuick() {
        var sum = ExactSum()
        sum.add(0.5)
        sum.add(1e308)
        #expect(sum.exactValue == Rational(exactly: 0.5) + Rational(exactly: 1e308))
        let bracket = sum.exactValue.doubleBracket
        #expect(bracket.lower == 1e308 && bracket.upper == 1e308.nextUp)

        // Beyond the double range: still exact, and brackets saturate.
        var big = ExactSum()
        for _ in 0..<4 { big.add(.greatestFiniteMagnitude) }
        big.add(-1e-300)
        #expect(big.exactValue == Rational(exactly: .greatestFiniteMagnitude) * Rational(4) - Rational(exactly: 1e-300))
        #expect(big.exactValue.doubleBracket.lower == .greatestFiniteMagnitude)
        #expect(big.exactValue.doubleBracket.upper == .infinity)
    }
}

@Suite struct RationalPropertyTests {
    /// The bracket is the tightest pair of doubles around the value.
    @Test(arguments: 0..<200)
    func doubleBracketIsTight(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 1_000)
        let a = hostileDouble(&rng), b = hostileDouble(&rng)
        let divisor = Int(rng.next() % 1_000) + 1
        let value = (Rational(exactly: a) + Rational(exactly: b)) / Rational(divisor)
        let (lower, upper) = value.doubleBracket
        if lower == upper {
            #expect(Rational(exactly: lower) == value)
            return
        }
        if lower.isFinite { #expect(Rational(exactly: lower) < value, "seed \(seed)") }
        if upper.isFinite { #expect(value < Rational(exactly: upper), "seed \(seed)") }
        if lower.isFinite && upper.isFinite { #expect(lower.nextUp == upper, "seed \(seed): \(lower) \(upper)") }
        #expect(lower.isFinite || upper == -.greatestFiniteMagnitude)
        #expect(upper.isFinite || lower == .greatestFiniteMagnitude)
    }

    /// Every finite double is its own bracket and its own approximate value.
    @Test(arguments: 0..<300)
    func doublesRoundTrip(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 7_000)
        let d = hostileDouble(&rng)
        let r = Rational(exactly: d)
        #expect(r.doubleBracket.lower == d && r.doubleBracket.upper == d)
        #expect(r.approximateDouble == d)
    }

    @Test(arguments: 0..<100)
    func fieldLaws(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 9_000)
        func r() -> Rational {
            Rational(BigInt(Int(truncatingIfNeeded: rng.next() >> 20)) - BigInt(1 << 40), BigInt(Int(rng.next() % 100_000) + 1))
        }
        let a = r(), b = r(), c = r()
        #expect(a + b == b + a)
        #expect((a + b) + c == a + (b + c))
        #expect(a * (b + c) == a * b + a * c)
        #expect(a - a == .zero)
        if b != .zero { #expect((a / b) * b == a) }
        #expect((a < b) != (b < a) || a == b)
    }

    @Test func decimalTextOfHugeAndTinyValues() {
        let huge = Rational(exactly: 1e308).decimalString(significantDigits: 3)
        #expect(huge.count == 309 && huge.hasPrefix("1000000000000000010979"))
        #expect(Rational(exactly: 0.1).decimalString(significantDigits: 12) == "0.1")
        #expect(Rational(1, 3).decimalString(significantDigits: 5) == "0.33333")
        let tiny = Rational(exactly: 5e-324).decimalString(significantDigits: 3)
        #expect(tiny == "0." + String(repeating: "0", count: 323) + "494")
        // Above the largest double with a fraction (a sum of two largest doubles and 0.1): the
        // first guess of its exponent was `Int.max × log10 2`, and the walk down never ended.
        let beyond = Rational(exactly: .greatestFiniteMagnitude) + Rational(exactly: .greatestFiniteMagnitude) + Rational(exactly: 0.1)
        let text = beyond.decimalString(significantDigits: 5)
        // Every digit of the whole part, as for 1e308 above.
        #expect(text.count == 309 && text.hasPrefix("359538626972463141629"), "\(text)")
        // Below the smallest double: the same digits as the exact expansion, rounded.
        let below = Rational(BigInt.one, BigInt.powerOfTen(400)) + Rational(BigInt.one, BigInt.powerOfTen(401)) * Rational(1, 3)
        #expect(below.decimalString(significantDigits: 3) == "0." + String(repeating: "0", count: 399) + "103")
    }
}

@Suite struct BigIntPropertyTests {
    @Test(arguments: 0..<200)
    func agreesWithInt64Arithmetic(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 20_000)
        let x = Int(Int32(truncatingIfNeeded: rng.next())), y = Int(Int32(truncatingIfNeeded: rng.next()))
        #expect(BigInt(x) + BigInt(y) == BigInt(x + y))
        #expect(BigInt(x) - BigInt(y) == BigInt(x - y))
        #expect(BigInt(x) * BigInt(y) == BigInt(x * y))
        #expect((BigInt(x) < BigInt(y)) == (x < y))
        if y > 0 {
            let (q, r) = BigInt(x).floorDivided(by: BigInt(y))
            var fq = x / y
            if x % y != 0 && (x < 0) != (y < 0) { fq -= 1 }
            #expect(q == BigInt(fq), "\(x) / \(y)")
            #expect(r == BigInt(x - fq * y))
        }
        #expect(BigInt(decimal: String(x)) == BigInt(x))
        #expect(BigInt(x).description == String(x))
        let shift = Int(rng.next() % 70)
        #expect(BigInt(x).shiftedLeft(shift) == BigInt(x) * BigInt.one.shiftedLeft(shift))
    }

    @Test(arguments: 0..<50)
    func largeProductsDivideBack(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 30_000)
        var a = BigInt.one, b = BigInt.one
        for _ in 0..<Int(rng.next() % 8 + 1) { a = a * BigInt(UInt64(rng.next() >> 1)) }
        for _ in 0..<Int(rng.next() % 8 + 1) { b = b * BigInt(UInt64(rng.next() >> 1)) + BigInt.one }
        let (q, r) = (a * b + BigInt(7)).floorDivided(by: b)
        #expect(q == a)
        #expect(r == BigInt(7) || b <= BigInt(7))
    }
}

/// Dividing by a divisor of one machine word goes limb by limb; it must give what the binary long
/// division gives, for dividends of any width and sign, and divisors of one and two limbs.
@Suite struct WordDivisionPropertyTests {
    @Test(arguments: 0..<300)
    func wordDivisionAgreesWithBinaryDivision(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 40_000)
        var dividend = BigInt(Int(Int64(bitPattern: rng.next())))
        for _ in 0..<Int(rng.next() % 6) { dividend = dividend * BigInt(UInt64(rng.next())) + BigInt(UInt64(rng.next() % 1000)) }
        let divisors: [UInt64] = [1, 2, 5, 10, 1_000_000_000, UInt64(UInt32.max), UInt64(UInt32.max) + 1, UInt64.max,
                                  rng.next() >> (rng.next() % 64), rng.next() | 1]
        for d in divisors where d > 0 {
            let divisor = BigInt(d)
            let fast = dividend.floorDivided(by: divisor), bitwise = dividend.floorDividedBitwise(by: divisor)
            #expect(fast.quotient == bitwise.quotient && fast.remainder == bitwise.remainder, "\(dividend) / \(d)")
            #expect(fast.quotient * divisor + fast.remainder == dividend)
            #expect(!fast.remainder.isNegative && fast.remainder < divisor)
        }
    }

    /// Fractions of machine integers are reduced in machine words; the result must be the fraction
    /// reduced through wide integers (a numerator 2^64 away from the same value is wide).
    @Test(arguments: 0..<200)
    func smallFractionsReduceAsWideOnes(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 50_000)
        let scale = [1, 2, 10, 1_000_000_000, Int(rng.next() % 100_000) + 1][Int(rng.next() % 5)]
        let n = Int(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 63)) / scale * scale
        var d = Int(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 63))
        if d == 0 { d = -7 }
        let small = Rational(n, d)
        // The reference reduces with BigInt's gcd and its binary long division, which the word
        // path does not use.
        let g = BigInt.greatestCommonDivisor(BigInt(n).magnitude, BigInt(d).magnitude)
        let sign = (n < 0) != (d < 0) && n != 0
        let numerator = BigInt(n).magnitude.floorDividedBitwise(by: g).quotient
        #expect(small.numerator == (sign ? -numerator : numerator), "\(n) / \(d)")
        #expect(small.denominator == BigInt(d).magnitude.floorDividedBitwise(by: g).quotient, "\(n) / \(d)")
        #expect(!small.denominator.isNegative)
        #expect(Rational(0, d) == Rational.zero)
        #expect(Rational(Int.min, 2) == Rational(BigInt(Int.min), BigInt(2)))
    }
}

/// Issue 15: the fast path's flag is folded into its double (NaN once left), so that a window's
/// state is 8 bytes smaller with a million groups; equality must still see two sums off the fast
/// path as equal.
@Suite struct ExactSumLayoutTests {
    @Test func threeWordsAndEquality() {
        #expect(MemoryLayout<ExactSum>.size == 24)
        var a = ExactSum(), b = ExactSum()
        for v in [0.5, 3, 1e300] {
            a.add(v)
            b.add(v)
        }
        #expect(a == b)
        #expect(a.exactValue == b.exactValue)
        var c = ExactSum()
        c.add(0.5)
        #expect(a != c)
        var fast = ExactSum(), slow = ExactSum()
        fast.add(2)
        slow.add(2.5)
        slow.add(-0.5)
        #expect(fast.exactValue == slow.exactValue)
        #expect(fast != slow, "one is on the fast path, the other not")
        // Merging a fast sum into a slow one and the other way give the same value.
        var x = fast, y = slow
        x.merge(slow)
        y.merge(fast)
        #expect(x.exactValue == y.exactValue && x.exactValue == Rational(4))
    }
}
