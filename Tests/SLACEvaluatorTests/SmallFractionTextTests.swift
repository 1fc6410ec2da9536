import SLACExact
import Testing
import SLACTestSupport

/// The machine-integer path for share values prints exactly what the exact `Rational` path prints.
@Suite("Decimal text of small fractions")
struct SmallFractionTextTests {
    func exact(_ n: Int, _ d: Int, _ significant: Int, _ maxFraction: Int) -> String {
        Rational(n, d).decimalString(significantDigits: significant, maxFractionDigits: maxFraction)
    }

    @Test("equals Rational.decimalString on edge cases")
    func edgeCases() {
        let cases: [(Int, Int)] = [(0, 1), (0, 7), (1, 1), (7, 7), (1, 2), (1, 3), (2, 3), (1, 7), (5, 8), (9, 10), (1, 1024),
                                   (1, 1 << 20), (1, 3 << 20), (999_999_999_999_999, 1_000_000_000_000_000),
                                   (99_999_999_999_999_999, 100_000_000_000_000_000), (1, 100_000_000_000_000_000),
                                   (2_807, 8_400), (4_395_952, 4_853_913), (3, 1), (22, 7), (1_000_001, 3), (123_456_789, 1_000)]
        for (n, d) in cases {
            for (significant, maxFraction) in [(15, 15), (12, 40), (1, 0), (3, 2)] {
                #expect(SmallFractionText.decimalString(numerator: n, denominator: d, significantDigits: significant,
                                                        maxFractionDigits: maxFraction) == exact(n, d, significant, maxFraction),
                        "\(n)/\(d) at \(significant) significant digits")
            }
        }
    }

    @Test("equals Rational.decimalString on random fractions", arguments: 0..<8)
    func random(seed: Int) {
        var rng = SeededGenerator(mixing: UInt64(seed))
        for _ in 0..<2_000 {
            let d = Int(rng.next() % (seed < 4 ? 10_000 : 1 << 40)) + 1
            let n = Int(rng.next() % UInt64(d * (rng.next() % 4 == 0 ? 3 : 1) + 1))
            #expect(SmallFractionText.decimalString(numerator: n, denominator: d, significantDigits: 15, maxFractionDigits: 15)
                    == exact(n, d, 15, 15), "\(n)/\(d)")
        }
    }

    @Test("declines what it does not handle")
    func declines() {
        #expect(SmallFractionText.decimalString(numerator: -1, denominator: 3, significantDigits: 15, maxFractionDigits: 15) == nil)
        #expect(SmallFractionText.decimalString(numerator: 1, denominator: 0, significantDigits: 15, maxFractionDigits: 15) == nil)
        #expect(SmallFractionText.decimalString(numerator: 1, denominator: Int.max, significantDigits: 15, maxFractionDigits: 15) == nil)
    }
}
