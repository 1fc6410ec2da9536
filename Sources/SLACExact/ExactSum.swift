/// The exact sum of a multiset of finite doubles, as a short list of non-overlapping partials
/// (Shewchuk's algorithm, the one behind Python's `math.fsum`).
///
/// `sum` and `mean` are the exact sum of the binary64 values, independent of order and chunking
/// (docs/language.md, "Arithmetic"). The partials represent that sum with no rounding at all,
/// usually in one to three doubles, so a window's state stays small, and two states merge by adding
/// the partials of one into the other.
///
/// Shewchuk's algorithm needs every intermediate `x + y` to be finite. Values of magnitude 2^960
/// or more are therefore kept in a second list, each scaled by 2^-100 (exact for such values): the
/// sum of even 2^63 of them stays far below the double range, and so does the sum of the small
/// ones (each below 2^960). The two lists are combined exactly only when the value is asked for.
package struct ExactSum: Sendable, Equatable {
    /// Non-overlapping partials of the values below 2^960 in magnitude, increasing; their exact
    /// sum is that part of the value.
    package private(set) var partials: [Double] = []
    /// Non-overlapping partials of the values of magnitude 2^960 or more, each scaled by 2^-100.
    package private(set) var largePartials: [Double] = []
    /// Fast path: while every value is integral and the sum stays below 2^53, the sum, exact in
    /// one double; NaN once the fast path is left (the sum is then all in the partials). NaN
    /// rather than a separate flag keeps a window's state 8 bytes smaller: 24 bytes instead of 25
    /// padded to 32, measured with a million groups (issue 15).
    private var integralFast: Double = 0
    /// Whether the sum is still on the fast path.
    private var fastIsExact: Bool { !integralFast.isNaN }
    /// What the fast path holds: 0 once it is left.
    private var fastPart: Double { integralFast.isNaN ? 0 : integralFast }

    /// Values at or above this magnitude go to `largePartials`.
    private static let largeThreshold = 0x1p960
    private static let largeScale = 0x1p-100

    package init() {}

    package mutating func add(_ value: Double) {
        precondition(value.isFinite, "only finite values are summed")
        if fastIsExact {
            if value == value.rounded(.towardZero) && abs(value) < 9.007199254740992e15 {
                let s = integralFast + value
                if abs(s) < 9.007199254740992e15 { integralFast = s; return }
            }
            if integralFast != 0 { ExactSum.addPartial(integralFast, to: &partials) }
            integralFast = .nan
        }
        if abs(value) >= ExactSum.largeThreshold {
            ExactSum.addPartial(value * ExactSum.largeScale, to: &largePartials)
        } else {
            ExactSum.addPartial(value, to: &partials)
        }
    }

    /// Adds `significand · 2^binaryExponent` (significand below 2^53), exactly: how sums computed
    /// elsewhere (an engine's per-exponent integer sums, docs/engines.md) join a sum. Values of
    /// magnitude 2^960 or more go to the scaled list, so a value beyond the double range still adds.
    package mutating func add(significand: UInt64, binaryExponent: Int, negative: Bool) {
        precondition(significand < 1 << 53, "a significand has at most 53 bits")
        if significand == 0 { return }
        let width = 64 - significand.leadingZeroBitCount
        if binaryExponent + width > 960 {
            if fastIsExact {
                if integralFast != 0 { ExactSum.addPartial(integralFast, to: &partials) }
                integralFast = .nan
            }
            let scaled = Double(sign: negative ? .minus : .plus, exponent: binaryExponent - 100, significand: Double(significand))
            ExactSum.addPartial(scaled, to: &largePartials)
        } else {
            add(Double(sign: negative ? .minus : .plus, exponent: binaryExponent, significand: Double(significand)))
        }
    }

    /// Adds `integer · 2^binaryExponent` for an integer of any size, 52 bits at a time.
    package mutating func add(integer: BigInt, binaryExponent: Int) {
        var rest = integer.magnitude
        var shift = 0
        while !rest.isZero {
            let high = rest.shiftedRight(52)
            let low = rest - high.shiftedLeft(52)
            if let piece = low.intValue, piece > 0 {
                add(significand: UInt64(piece), binaryExponent: binaryExponent + shift, negative: integer.isNegative)
            }
            rest = high
            shift += 52
        }
    }

    private static func addPartial(_ value: Double, to partials: inout [Double]) {
        var x = value
        var i = 0
        for j in 0..<partials.count {
            var y = partials[j]
            if abs(x) < abs(y) { swap(&x, &y) }
            let hi = x + y
            let lo = y - (hi - x)
            // Each list's values are far enough below the double range (see above) that `hi` is
            // finite; were it not, the sum would be wrong, not just imprecise.
            precondition(hi.isFinite, "exact sum out of range")
            if lo != 0 { partials[i] = lo; i += 1 }
            x = hi
        }
        partials.removeSubrange(i...)
        partials.append(x)
    }

    package mutating func merge(_ other: ExactSum) {
        if other.fastIsExact && fastIsExact {
            let s = integralFast + other.integralFast
            if abs(s) < 9.007199254740992e15 { integralFast = s; return }
        }
        if other.fastPart != 0 { add(other.fastPart) }
        if !other.fastIsExact || !other.partials.isEmpty || !other.largePartials.isEmpty {
            if fastIsExact {
                if integralFast != 0 { ExactSum.addPartial(integralFast, to: &partials) }
                integralFast = .nan
            }
            for p in other.partials { ExactSum.addPartial(p, to: &partials) }
            for p in other.largePartials { ExactSum.addPartial(p, to: &largePartials) }
        }
    }

    /// Equal partials and the same fast-path state (the synthesized `==` would find two sums off the
    /// fast path unequal, NaN being unequal to itself).
    package static func == (a: ExactSum, b: ExactSum) -> Bool {
        a.partials == b.partials && a.largePartials == b.largePartials
            && (a.integralFast == b.integralFast || (a.integralFast.isNaN && b.integralFast.isNaN))
    }

    /// The exact value.
    package var exactValue: Rational {
        var total = Rational(exactly: fastPart)
        for p in partials { total = total + Rational(exactly: p) }
        if !largePartials.isEmpty {
            var large = Rational.zero
            for p in largePartials { large = large + Rational(exactly: p) }
            total = total + large * Rational(BigInt.one.shiftedLeft(100))
        }
        return total
    }
}
