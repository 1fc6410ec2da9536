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

    public init(from decoder: any Decoder) throws {
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

    public func encode(to encoder: any Encoder) throws {
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

    public init(from decoder: any Decoder) throws {
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

    public func encode(to encoder: any Encoder) throws {
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
