/// The exact sum of a multiset of finite doubles, as a short list of non-overlapping partials
/// (Shewchuk's algorithm, the one behind Python's `math.fsum`).
///
/// SPEC §5.5 requires `sum` and `mean` to be the exact sum of the binary64 values, independent of
/// order and chunking. The partials represent that sum with no rounding at all, usually in one to
/// three doubles, so a window's state stays small, and two states merge by adding the partials of
/// one into the other.
public struct ExactSum: Sendable, Equatable {
    /// Non-overlapping partials in increasing magnitude; their exact sum is the value.
    public private(set) var partials: [Double] = []
    /// Set when an intermediate overflowed (inputs near Double.greatestFiniteMagnitude).
    public private(set) var overflowed = false
    /// Fast path: the sum of integral values below 2^53 stays exact in a double.
    private var integralFast: Double = 0
    private var fastIsExact = true

    public init() {}

    public mutating func add(_ value: Double) {
        if fastIsExact {
            if value == value.rounded(.towardZero) && abs(value) < 9.007199254740992e15 {
                let s = integralFast + value
                if abs(s) < 9.007199254740992e15 { integralFast = s; return }
            }
            fastIsExact = false
            if integralFast != 0 { addPartial(integralFast) }
            integralFast = 0
        }
        addPartial(value)
    }

    private mutating func addPartial(_ value: Double) {
        var x = value
        var i = 0
        for j in 0..<partials.count {
            var y = partials[j]
            if abs(x) < abs(y) { swap(&x, &y) }
            let hi = x + y
            let lo = y - (hi - x)
            if !hi.isFinite { overflowed = true }
            if lo != 0 { partials[i] = lo; i += 1 }
            x = hi
        }
        partials.removeSubrange(i...)
        partials.append(x)
    }

    public mutating func merge(_ other: ExactSum) {
        if other.overflowed { overflowed = true }
        if other.fastIsExact && fastIsExact {
            let s = integralFast + other.integralFast
            if abs(s) < 9.007199254740992e15 { integralFast = s; return }
        }
        if other.fastIsExact { add(other.integralFast) } else {
            if other.integralFast != 0 { add(other.integralFast) }
            for p in other.partials { add(p) }
        }
    }

    /// The exact value (nil when an intermediate overflowed).
    public var exactValue: Rational? {
        if overflowed { return nil }
        var total = Rational(exactly: integralFast)
        for p in partials { total = total + Rational(exactly: p) }
        return total
    }
}
