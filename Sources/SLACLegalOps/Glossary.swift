import SLACChecker
import SLACExact

/// Short explanations of the language's vocabulary (metrics, aggregates, quantities) in the same
/// words `slac explain` uses, for an editor's hover.
///
/// The wording lives in one place (`Wording`); this is its public face, so that the language
/// server never paraphrases the contract language differently from `explain`.
package enum Glossary {
    /// What a metric measures, with its formula and its canonical unit, in Markdown.
    package static func metric(_ m: Metric) -> String {
        let unit: String
        switch m.dimension {
        case .duration: unit = "milliseconds (`ms`); any duration unit may be written, e.g. `0.8 s`"
        case .tokens: unit = "tokens"
        case .tokenRate: unit = "tokens per second (`tokens/s`); `tokens/min` and `tokens/h` convert exactly"
        case .energy: unit = "joules (`J`); `kJ`, `Wh` and `kWh` convert exactly"
        default: unit = "`" + m.dimension.canonicalUnit + "`"
        }
        return "**\(m.rawValue)**: " + ContractExplainer.markdown(Wording.metric(m)) + ".\n\nCanonical unit: " + unit
    }

    /// The aggregate functions a `require` line may use, in the order completion offers them.
    package static let aggregateNames = ["p50", "p90", "p95", "p99", "p99.9", "percentile", "mean", "min", "max", "sum", "count", "share"]

    /// How an aggregate function is computed (nearest rank, exact sum, ...), in Markdown; nil for
    /// a name that is not an aggregate. A percentile name such as `p97.5` is read as the checker does.
    package static func aggregate(_ name: String, metric: Metric = .ttft) -> String? {
        let checked: CheckedAggregate
        switch name {
        case "mean": checked = .mean(metric)
        case "min": checked = .min(metric)
        case "max": checked = .max(metric)
        case "sum": checked = .sum(metric)
        case "count": checked = .count
        case "share":
            return "**share(CONDITION)**: the share of requests for which the condition holds: the number of in-scope requests "
                + "where it is true, divided by the number where it is true or false (a request for which it is neither true nor false, "
                + "which can happen only when a field is absent or a metric undefined, is left out of both counts; a request without `status` has status \"ok\"). Compared with a percentage, e.g. "
                + "`share(status = \"ok\") >= 99.9%`"
        case "percentile":
            return "**percentile(METRIC, Q)**: the Q-th percentile by nearest rank: the n defined values of a window are sorted "
                + "ascending and the value at rank ⌈Q/100·n⌉ is taken (rank counted from 1, computed exactly, no interpolation). "
                + "`percentile(ttft, 99)` is `p99(ttft)`"
        default:
            guard name.count > 1, name.first == "p", let q = Rational(decimal: name.dropFirst()),
                  q.signum > 0, q <= Rational(100) else { return nil }
            checked = .percentile(metric, q: q)
        }
        let call = name == "count" ? "count" : name + "(METRIC)"
        return "**\(call)**: " + ContractExplainer.markdown(Wording.statistic(checked))
    }

    /// A value in the canonical unit of its dimension, as `explain` writes it (`800 ms`, `99.5%`).
    package static func canonical(_ value: Rational, _ dimension: SLACChecker.Dimension) -> String {
        Wording.canonical(value, dimension)
    }
}
