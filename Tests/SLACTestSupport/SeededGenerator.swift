/// SplitMix64: a small deterministic generator, so that a failing generated case can be replayed
/// from its seed. One copy for every test target (they each had their own).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public var state: UInt64

    /// Starts at `seed` itself: neighbouring seeds give overlapping, shifted sequences.
    public init(seed: UInt64) { state = seed }

    /// Mixes the seed first, so that neighbouring seeds do not give shifted copies of one sequence
    /// (the property tests of the evaluator run seeds 0, 1, 2, …).
    public init(mixing seed: UInt64) {
        var z = seed &+ 0x1234_5678_9ABC_DEF1
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        state = z ^ (z >> 33)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
