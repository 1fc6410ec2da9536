import SLACExact
import SLACReport

/// The bound of a clause as a chart draws it, read from the attributes of the report's
/// `<definition>` (`comparison`, `bound` in the canonical `unit`, `worse`): the evaluator states
/// the requirement's meaning there, so nothing re-reads the written requirement. For drawing
/// only: verdicts come from the report, never from this approximation.
struct ChartBound: Sendable, Equatable {
    /// Which side of the bound breaches.
    enum Direction: String, Sendable { case upper, lower, none }

    /// The aggregate (`p99(ttft)`).
    var aggregate: String?
    /// `<=`, `<`, `>=`, `>`, `=` or `!=`.
    var comparison: String
    /// The exact bound as the report gives it (`800`, `0.999`).
    var exact: String
    /// The bound in `unit`, for drawing.
    var value: Double
    /// The canonical unit of the bound (`ms`, `ratio`, …).
    var unit: String
    var direction: Direction

    /// The bound of a clause's definition; nil when the definition has none (the chart is then
    /// drawn without a bound). Reports written before `worse` existed state the side by the
    /// comparison alone.
    init?(definition: ElementView) {
        guard definition.attribute("valued") != "true",
              let comparison = definition.attribute("comparison"), let exact = definition.attribute("bound"),
              let unit = definition.attribute("unit"), let value = Self.approximate(exact) else { return nil }
        self.aggregate = definition.attribute("aggregate")
        self.comparison = comparison
        self.exact = exact
        self.value = value
        self.unit = unit
        switch definition.attribute("worse") ?? Self.worse(of: comparison) {
        case "higher": direction = .upper
        case "lower": direction = .lower
        default: direction = .none
        }
    }

    /// Which values breach a comparison, for reports without `worse`.
    private static func worse(of comparison: String) -> String? {
        switch comparison {
        case "<", "<=": "higher"
        case ">", ">=": "lower"
        default: nil
        }
    }

    /// A decimal or an exact fraction `n/d` (the report's two forms of an exact number) as a double.
    private static func approximate(_ text: String) -> Double? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let first = parts.first, let numerator = Rational(decimal: first) else { return nil }
        if parts.count == 1 { return numerator.approximateDouble }
        guard parts.count == 2, let denominator = Rational(decimal: parts[1]), denominator.signum != 0 else { return nil }
        return (numerator / denominator).approximateDouble
    }
}
