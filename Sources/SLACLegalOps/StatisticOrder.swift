import SLACChecker
import SLACExact

/// The order between statistics of the same values that holds in every window: the minimum is
/// never above a percentile, a lower percentile never above a higher one, the mean lies between
/// the minimum and the maximum. `diff` uses it to tell tighter from looser requirements and the
/// analysis to find requirements that contradict or imply each other.
enum StatisticOrder {
    private enum Rank: Equatable {
        case min, max, mean
        case percentile(Rational)
    }

    private static func rank(_ a: CheckedAggregate) -> (Metric, Rank)? {
        switch a {
        case .min(let m): (m, .min)
        case .max(let m): (m, .max)
        case .mean(let m): (m, .mean)
        case .percentile(let m, let q): (m, q == Rational(100) ? .max : .percentile(q))
        default: nil
        }
    }

    /// True when, over the values of any one window, `a` is never above `b`.
    static func atMost(_ a: CheckedAggregate, _ b: CheckedAggregate) -> Bool {
        if a == b { return true }
        guard let (ma, ra) = rank(a), let (mb, rb) = rank(b), ma == mb else { return false }
        switch (ra, rb) {
        case (.min, _), (_, .max): return true
        case (.percentile(let x), .percentile(let y)): return x <= y
        default: return ra == rb
        }
    }
}
