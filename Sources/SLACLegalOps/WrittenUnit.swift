import SLACChecker
import SLACExact
import SLACSyntax

/// The unit a clause's bound was written in, so that values are shown to the reader in the
/// clause's own terms (`750 ms`, `50M tokens`, `2.4k tokens/min`) rather than only canonical ones.
struct WrittenUnit: Sendable, Hashable {
    /// The unit as written (`ms`, `%`, `tokens/min`); the canonical unit when none was written.
    var text: String
    /// canonical value = written value × factor.
    var factor: Rational
    /// `%` is glued to its number.
    var glued: Bool
    /// The magnitude suffix the bound used (`M` in `50M tokens`) and its scale.
    var suffix: Character?
    var scale: Rational
    /// A rate bound on a count (`1k requests/min`): the canonical value is a count per window.
    var perWindow: Bool

    /// The unit of the bound of `clause` as its `require` wrote it.
    init(clause: CheckedClause, require: RequireSyntax?) {
        let dimension = clause.aggregate.dimension
        text = dimension.canonicalUnit
        factor = .one
        glued = false
        suffix = nil
        scale = .one
        perWindow = false
        if dimension == .ratio {
            text = "%"; factor = Rational(1, 100); glued = true
        }
        guard case .quantity(let q)? = require?.bound else { return }
        if let s = q.number.suffix {
            suffix = s
            scale = s == "k" ? Rational(1000) : s == "M" ? Rational(1_000_000) : Rational(1_000_000_000)
        }
        guard let unit = q.unit, dimension != .ratio, let def = UnitTable.units[unit.text] else { return }
        text = unit.text
        if def.dimension == dimension {
            factor = def.factor
        } else if case .fixed(let ns) = clause.window {
            // A rate bound on `count` or a token `sum`: the checker multiplied by the window length.
            factor = def.factor * Rational(BigInt(Int(ns)), BigInt(1_000_000_000))
            perWindow = true
        }
    }

    /// A canonical value in this unit: `750 ms`, `50M tokens`; `signed` adds `+`/`−`.
    func format(_ canonical: Rational, signed: Bool = false) -> String {
        var value = canonical / factor
        var sign = ""
        if signed {
            sign = value.signum < 0 ? "−" : "+"
            if value.signum < 0 { value = Rational.zero - value }
        }
        var digits = Wording.number(value)
        if let suffix, value.signum != 0, Wording.terminates(value / scale) {
            digits = Wording.number(value / scale, grouped: false) + String(suffix)
        }
        return sign + digits + (glued ? text : " " + text)
    }
}
