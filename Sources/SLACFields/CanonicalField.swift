/// The fields of a canonical trace record (docs/formats.md, "Canonical records"): the one table
/// of their names and kinds. The trace readers, the adapters, the plan's field list, the
/// evaluator's slots and the checker's metrics all read it, so a field is spelled once.
///
/// Any other field a contract names (`per customer_tier`, `scope gpu = "a100"`) is a custom
/// field, read by name.
package enum CanonicalField: String, CaseIterable, Sendable, Hashable {
    case id, ts, tenant, model, region, status
    case inputTokens = "input_tokens"
    case outputTokens = "output_tokens"
    case ttftMs = "ttft_ms"
    case e2eMs = "e2e_ms"
    case energyJ = "energy_j"
    case itlMs = "itl_ms"

    /// How a field is read.
    package enum Kind: Sendable, Hashable {
        case text
        /// The arrival instant (RFC 3339 or epoch milliseconds).
        case timestamp
        /// A binary64 number.
        case number
        /// A binary64 number that must be whole (token counts: `76.0` is 76, `76.5` is rejected).
        case wholeNumber
        /// A list of numbers (the gaps between output chunks, in ms).
        case gaps
    }

    package var kind: Kind {
        switch self {
        case .id, .tenant, .model, .region, .status: .text
        case .ts: .timestamp
        case .inputTokens, .outputTokens: .wholeNumber
        case .ttftMs, .e2eMs, .energyJ: .number
        case .itlMs: .gaps
        }
    }

    /// The name in trace files and plans.
    package var name: String { rawValue }

    /// The text fields, in canonical order.
    package static let textFields: [CanonicalField] = allCases.filter { $0.kind == .text }
}
