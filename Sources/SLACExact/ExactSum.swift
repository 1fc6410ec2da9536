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
public struct ExactSum: Sendable, Equatable {
    /// Non-overlapping partials of the values below 2^960 in magnitude, increasing; their exact
    /// sum is that part of the value.
    public private(set) var partials: [Double] = []
    /// Non-overlapping partials of the values of magnitude 2^960 or more, each scaled by 2^-100.
    public private(set) var largePartials: [Double] = []
    /// Fast path: the sum of integral values below 2^53 stays exact in a double.
    private var integralFast: Double = 0
    private var fastIsExact = true

    /// Values at or above this magnitude go to `largePartials`.
    private static let largeThreshold = 0x1p960
    private static let largeScale = 0x1p-100

    public init() {}

    public mutating func add(_ value: Double) {
        precondition(value.isFinite, "only finite values are summed")
        if fastIsExact {
            if value == value.rounded(.towardZero) && abs(value) < 9.007199254740992e15 {
                let s = integralFast + value
                if abs(s) < 9.007199254740992e15 { integralFast = s; return }
            }
            fastIsExact = false
            if integralFast != 0 { ExactSum.addPartial(integralFast, to: &partials) }
            integralFast = 0
        }
        if abs(value) >= ExactSum.largeThreshold {
            ExactSum.addPartial(value * ExactSum.largeScale, to: &largePartials)
        } else {
            ExactSum.addPartial(value, to: &partials)
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

    public mutating func merge(_ other: ExactSum) {
        if other.fastIsExact && fastIsExact {
            let s = integralFast + other.integralFast
            if abs(s) < 9.007199254740992e15 { integralFast = s; return }
        }
        if other.integralFast != 0 { add(other.integralFast) }
        if !other.fastIsExact || !other.partials.isEmpty || !other.largePartials.isEmpty {
            if fastIsExact {
                fastIsExact = false
                if integralFast != 0 { ExactSum.addPartial(integralFast, to: &partials) }
                integralFast = 0
            }
            for p in other.partials { ExactSum.addPartial(p, to: &partials) }
            for p in other.largePartials { ExactSum.addPartial(p, to: &largePartials) }
        }
    }

    /// The exact value.
    public var exactValue: Rational {
        var total = Rational(exactly: integralFast)
        for p in partials { total = total + Rational(exactly: p) }
        if !largePartials.isEmpty {
            var large = Rational.zero
            for p in largePartials { large = large + Rational(exactly: p) }
            total = total + large * Rational(BigInt.one.shiftedLeft(100))
        }
        return total
    }
}
