import SLACEvaluator

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
            if !c.credits.isEmpty {
                out += "; credits " + c.credits.map { "\($0.amountText) \($0.currency)" }.joined(separator: ", ")
            }
            out += "\n"
        }
        return out
    }
}
