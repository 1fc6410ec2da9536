import SLACExact
import SLACSyntax

/// Readable JSON for the parts of a checked contract that monitor plans carry (the synthesised
/// coding of enums with unlabelled payloads wrote `_0`, `_1`):
/// `{"and": [P, Q]}`, `{"not": P}`, `{"metric": {"metric": "ttft", "op": "<=", "bound": "800"}}`,
/// `{"text": {"field": "status", "equal": true, "value": "ok"}}`,
/// `{"in": {"field": "model", "values": [...], "negated": false}}`;
/// aggregates as `{"function": "percentile", "metric": "ttft", "q": "99"}`, `{"function": "share", "condition": P}`.
extension CheckedPredicate: Codable {
    private enum Key: String, CodingKey { case and, or, not, metric, text, `in` }
    private enum Field: String, CodingKey { case metric, op, bound, field, equal, value, values, negated }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard let key = c.allKeys.first, c.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a condition has exactly one key"))
        }
        switch key {
        case .and, .or:
            let parts = try c.decode([CheckedPredicate].self, forKey: key)
            guard parts.count == 2 else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "`\(key.rawValue)` takes two conditions"))
            }
            self = key == .and ? .and(parts[0], parts[1]) : .or(parts[0], parts[1])
        case .not:
            self = .not(try c.decode(CheckedPredicate.self, forKey: .not))
        case .metric:
            let f = try c.nestedContainer(keyedBy: Field.self, forKey: .metric)
            self = .metric(try f.decode(Metric.self, forKey: .metric), try f.decode(ComparisonOperator.self, forKey: .op),
                           try f.decode(Rational.self, forKey: .bound))
        case .text:
            let f = try c.nestedContainer(keyedBy: Field.self, forKey: .text)
            self = .text(field: try f.decode(String.self, forKey: .field), equal: try f.decode(Bool.self, forKey: .equal),
                         value: try f.decode(String.self, forKey: .value))
        case .in:
            let f = try c.nestedContainer(keyedBy: Field.self, forKey: .in)
            self = .textIn(field: try f.decode(String.self, forKey: .field), values: try f.decode([String].self, forKey: .values),
                           negated: try f.decode(Bool.self, forKey: .negated))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .and(let a, let b): try c.encode([a, b], forKey: .and)
        case .or(let a, let b): try c.encode([a, b], forKey: .or)
        case .not(let a): try c.encode(a, forKey: .not)
        case .metric(let m, let op, let bound):
            var f = c.nestedContainer(keyedBy: Field.self, forKey: .metric)
            try f.encode(m, forKey: .metric)
            try f.encode(op, forKey: .op)
            try f.encode(bound, forKey: .bound)
        case .text(let field, let equal, let value):
            var f = c.nestedContainer(keyedBy: Field.self, forKey: .text)
            try f.encode(field, forKey: .field)
            try f.encode(equal, forKey: .equal)
            try f.encode(value, forKey: .value)
        case .textIn(let field, let values, let negated):
            var f = c.nestedContainer(keyedBy: Field.self, forKey: .in)
            try f.encode(field, forKey: .field)
            try f.encode(values, forKey: .values)
            try f.encode(negated, forKey: .negated)
        }
    }
}

extension CheckedAggregate: Codable {
    private enum Key: String, CodingKey { case function, metric, q, condition }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let function = try c.decode(String.self, forKey: .function)
        switch function {
        case "count": self = .count
        case "share": self = .share(try c.decode(CheckedPredicate.self, forKey: .condition))
        case "percentile": self = .percentile(try c.decode(Metric.self, forKey: .metric), q: try c.decode(Rational.self, forKey: .q))
        case "mean": self = .mean(try c.decode(Metric.self, forKey: .metric))
        case "min": self = .min(try c.decode(Metric.self, forKey: .metric))
        case "max": self = .max(try c.decode(Metric.self, forKey: .metric))
        case "sum": self = .sum(try c.decode(Metric.self, forKey: .metric))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown aggregate `\(function)`"))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .count: try c.encode("count", forKey: .function)
        case .share(let p):
            try c.encode("share", forKey: .function)
            try c.encode(p, forKey: .condition)
        case .percentile(let m, let q):
            try c.encode("percentile", forKey: .function)
            try c.encode(m, forKey: .metric)
            try c.encode(q, forKey: .q)
        case .mean(let m), .min(let m), .max(let m), .sum(let m):
            let name: String
            switch self {
            case .mean: name = "mean"
            case .min: name = "min"
            case .max: name = "max"
            default: name = "sum"
            }
            try c.encode(name, forKey: .function)
            try c.encode(m, forKey: .metric)
        }
    }
}

/// `{"fraction": "0.995", "period": "calendar-month"}`, with `"comparison"` only when it is not
/// `>=`, so that plans of contracts without period measures keep their bytes. The key stays
/// `fraction` (the bound's name before period measures) so that compiled plans keep reading.
extension CheckedObjective: Codable {
    private enum Key: String, CodingKey { case fraction, period, comparison }
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(bound: try c.decode(Rational.self, forKey: .fraction), period: try c.decode(Period.self, forKey: .period),
                  comparison: try c.decodeIfPresent(ComparisonOperator.self, forKey: .comparison) ?? .greaterEqual)
    }
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(bound, forKey: .fraction)
        try c.encode(period, forKey: .period)
        if comparison != .greaterEqual { try c.encode(comparison, forKey: .comparison) }
    }
}

/// `{"percent": "10", "threshold": "0.995"}`, with `"comparison"` when not `<` and `"base"` when
/// not `fee`.
extension CheckedCredit: Codable {
    private enum Key: String, CodingKey { case percent, threshold, comparison, base }
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(percent: try c.decode(Rational.self, forKey: .percent), threshold: try c.decode(Rational.self, forKey: .threshold),
                  comparison: try c.decodeIfPresent(ComparisonOperator.self, forKey: .comparison) ?? .less,
                  base: try c.decodeIfPresent(Base.self, forKey: .base) ?? .fee)
    }
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(percent, forKey: .percent)
        try c.encode(threshold, forKey: .threshold)
        if comparison != .less { try c.encode(comparison, forKey: .comparison) }
        if base != .fee { try c.encode(base, forKey: .base) }
    }
}

/// `{"kind": "mean", "empty": {"value": "1"}, "downtimeAfter": 1}`; `empty` is `{"value": V}`,
/// `"met"` or `"breached"`.
extension CheckedMeasure: Codable {
    private enum Key: String, CodingKey { case kind, empty, downtimeAfter }
    private enum EmptyKey: String, CodingKey { case value }
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let kind = try c.decode(Kind.self, forKey: .kind)
        var empty: CheckedEmpty?
        if let word = try? c.decode(String.self, forKey: .empty) {
            switch word {
            case "met": empty = .met
            case "breached": empty = .breached
            default:
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "`empty` is `met`, `breached` or a value"))
            }
        } else if c.contains(.empty) {
            let v = try c.nestedContainer(keyedBy: EmptyKey.self, forKey: .empty)
            empty = .value(try v.decode(Rational.self, forKey: .value))
        }
        self.init(kind: kind, empty: empty, downtimeAfter: try c.decodeIfPresent(Int.self, forKey: .downtimeAfter) ?? 1)
    }
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(kind, forKey: .kind)
        switch empty {
        case .none: break
        case .met: try c.encode("met", forKey: .empty)
        case .breached: try c.encode("breached", forKey: .empty)
        case .value(let v):
            var n = c.nestedContainer(keyedBy: EmptyKey.self, forKey: .empty)
            try n.encode(v, forKey: .value)
        }
        try c.encode(downtimeAfter, forKey: .downtimeAfter)
    }
}
