import SLACAudit
import SLACEvaluator
import SLACExact

/// The short text summary `slac verify` prints for people; the XML report is the record.
enum Summary {
    /// The summary; `verdict` replaces the contract's verdict when the run judged nothing.
    static func render(_ r: EvaluationResult, verdict: String? = nil) -> String {
        var out = "contract \(r.contract.name)\(r.contract.id.map { " (\($0))" } ?? ""): \(verdict ?? r.verdict.rawValue)\n"
        for t in r.traces {
            out += "  trace \(t.path) [\(t.format)]: read \(t.read), accepted \(t.accepted), rejected \(t.rejected), outside term \(t.outsideTerm), excluded \(t.excluded)"
            if let repeated = t.repeatedIDs, repeated > 0 {
                out += ", repeated ids \(repeated) (" + t.repeatedIDExamples.prefix(3).joined(separator: ", ") + (repeated > 3 ? ", …)" : ")")
            }
            out += "\n"
        }
        for c in r.clauses {
            if let valued = c.windowsValued {
                out += "  clause \(c.ref) \(c.name): \(c.verdict.rawValue) — windows valued \(valued), insufficient \(c.windowsInsufficient)"
            } else {
                out += "  clause \(c.ref) \(c.name): \(c.verdict.rawValue) — windows met \(c.windowsMet), breached \(c.windowsBreached), insufficient \(c.windowsInsufficient)"
            }
            // The period that decides the verdict, against the objective: "compliant — windows
            // met 1, breached 2" alone read as a contradiction under an uptime objective.
            if let worst = worstPeriod(c), let text = worst.attainmentText {
                let unit = worst.measure?.unit ?? "ratio"
                let symbol = RenderAnnotation.comparisonSymbol(c.objectiveComparison ?? ">=")
                let shown = { (text: String) in RenderAnnotation.exactDisplay(text, unit: unit) }
                out += "; worst \(worst.measure?.kind ?? "attainment") \(shown(text)) (objective \(symbol) \(shown(worst.objectiveText)))"
            }
            if !c.credits.isEmpty {
                let currencies = Set(c.credits.map(\.currency))
                // Several periods' credits each name their period ("credits 1234 JPY, 1234 JPY"
                // said nothing of which months), in dates on the contract's clock.
                let periods = Set(c.credits.map { [$0.start, $0.end] }).count > 1
                let zone = ZoneRules(identifier: r.contract.timezone)
                out += "; credits " + c.credits.map { credit in
                    let group = credit.key.map { " " + $0.map { "\($0.field)=\($0.value ?? "(absent)")" }.joined(separator: ",") } ?? ""
                    let period = periods ? " for \(localDate(credit.start, zone)) – \(localDate(credit.end, zone))" : ""
                    return "\(credit.amountText) \(credit.currency)\(group)\(period)"
                }.joined(separator: ", ")
                let amounts = c.credits.compactMap { Rational(decimal: $0.amountText) }
                if c.credits.count > 1, currencies.count == 1, let currency = currencies.first, amounts.count == c.credits.count {
                    let digits = c.credits[0].amountText.split(separator: ".").dropFirst().first?.count ?? 0
                    out += " (total \(Rational.fixed(amounts.reduce(Rational(0), +), fractionDigits: digits)) \(currency))"
                }
            }
            out += "\n"
        }
        return out
    }

    /// The date of an instant on the contract's clock (`YYYY-MM-DD`; UTC without a zone).
    static func localDate(_ nanos: Int64, _ zone: ZoneRules?) -> String {
        let offset = Int64(zone?.offsetSeconds(atNanos: nanos) ?? 0) * CivilTime.nanosPerSecond
        return String(CivilTime.format(nanos + offset).prefix(10))
    }

    /// The period furthest on the wrong side of the objective (the lowest measure under `>=`,
    /// the highest under `<=`); nil when no period has a measure.
    static func worstPeriod(_ c: ClauseResult) -> PeriodResult? {
        let valued = c.periods.filter { $0.attainment != nil }
        let upper = (c.objectiveComparison ?? ">=").hasPrefix("<")
        return valued.min { a, b in
            guard let x = a.attainment, let y = b.attainment else { return false }
            return upper ? x > y : x < y
        }
    }

}
