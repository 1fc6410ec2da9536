import Foundation
import SLACChecker
import SLACExact
import SLACSyntax

// A deliberately naive reference implementation of the semantics in docs/language.md, written from
// that description and not from
// Sources/SLACEvaluator: it loads every record into memory (JSONSerialization + JSONDecoder for JSON Lines, a
// plain split for CSV), keeps every in-scope record of every window, and computes each aggregate
// the slow obvious way (full sort, exact rational sums, Foundation Calendar for calendar windows,
// Foundation Decimal for money).

// MARK: - records

/// One loaded record: its line, arrival instant and fields by name.
struct RefRecord {
    var line: Int
    var ts: Int64
    var texts: [String: String] = [:]
    var numbers: [String: Double] = [:]
    var itl: [Double]?
}

struct RefRejected: Equatable {
    var line: Int
    var reason: String
}

/// All records of one trace file.
struct RefTrace {
    var records: [RefRecord] = []
    var rejected: [RefRejected] = []
    /// Records read: accepted + rejected (blank lines are not records).
    var read: Int { records.count + rejected.count }
}

enum RefReader {
    static let metricFields: Set<String> = ["input_tokens", "output_tokens", "ttft_ms", "e2e_ms", "energy_j"]
    static let wholeFields: Set<String> = ["input_tokens", "output_tokens"]
    static let canonicalText: Set<String> = ["id", "tenant", "model", "region", "status"]

    /// Physical lines of a file: split at LF; a final LF does not start another line.
    static func lines(_ data: Data) -> [[UInt8]] {
        var out = [[UInt8]]()
        var current = [UInt8]()
        for b in data {
            if b == 0x0A { out.append(current); current = [] } else { current.append(b) }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    static func isBlank(_ line: [UInt8]) -> Bool { line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }

    static func jsonl(_ data: Data) -> RefTrace {
        var trace = RefTrace()
        for (i, raw) in lines(data).enumerated() {
            let lineNo = i + 1
            if isBlank(raw) { continue }
            switch jsonRecord(raw, line: lineNo) {
            case .success(let r): trace.records.append(r)
            case .failure(let why): trace.rejected.append(RefRejected(line: lineNo, reason: why.description))
            }
        }
        return trace
    }

    /// A JSON value decoded with `JSONDecoder`. (Foundation's `JSONSerialization` on Linux does not
    /// round 17-digit numbers to the nearest binary64 value, e.g. `124.69999999999999` reads as
    /// 124.7, which docs/language.md, "Exactness", forbids; `JSONDecoder` reads them correctly.)
    enum JSONValue: Decodable {
        case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
            else { self = .object(try c.decode([String: JSONValue].self)) }
        }
    }

    static func jsonRecord(_ raw: [UInt8], line: Int) -> Result<RefRecord, TestFailure> {
        // Validate with JSONSerialization (strict JSON), read the values with JSONDecoder.
        guard (try? JSONSerialization.jsonObject(with: Data(raw), options: [.fragmentsAllowed])) != nil,
              let value = try? JSONDecoder().decode(JSONValue.self, from: Data(raw)) else {
            return .failure(TestFailure("invalid JSON"))
        }
        guard case .object(let dict) = value else { return .failure(TestFailure("not a JSON object")) }
        var r = RefRecord(line: line, ts: 0)
        var haveTS = false
        for (key, value) in dict {
            if case .null = value { continue }
            if key == "ts" {
                switch value {
                case .string(let s):
                    guard let ns = parseRFC3339(s) else { return .failure(TestFailure("bad timestamp")) }
                    r.ts = ns
                case .number(let d):
                    guard d == d.rounded() else { return .failure(TestFailure("fractional epoch ms")) }
                    r.ts = Int64(d) * 1_000_000
                default:
                    return .failure(TestFailure("bad timestamp type"))
                }
                haveTS = true
                continue
            }
            if key == "itl_ms" {
                guard case .array(let a) = value else { return .failure(TestFailure("itl not a list")) }
                var gaps: [Double] = []
                for v in a {
                    guard case .number(let d) = v else { return .failure(TestFailure("itl not numbers")) }
                    guard d >= 0 else { return .failure(TestFailure("negative gap")) }
                    gaps.append(d)
                }
                r.itl = gaps
                continue
            }
            if metricFields.contains(key) {
                guard case .number(let d) = value else { return .failure(TestFailure("not a number")) }
                guard d >= 0 else { return .failure(TestFailure("negative")) }
                if wholeFields.contains(key) && d != d.rounded(.towardZero) { return .failure(TestFailure("not whole")) }
                r.numbers[key] = d
                continue
            }
            switch value {
            case .string(let s): r.texts[key] = s
            case .array, .object: if canonicalText.contains(key) { return .failure(TestFailure("text field is not a scalar")) }
            default: break
            }
        }
        guard haveTS else { return .failure(TestFailure("missing ts")) }
        if r.texts["status"] == nil { r.texts["status"] = "ok" }
        return .success(r)
    }

    /// CSV without quoted cells (what the generator writes): header on line 1.
    static func csv(_ data: Data) -> RefTrace {
        var trace = RefTrace()
        let all = lines(data)
        guard let headerLine = all.first else { return trace }
        let header = String(decoding: headerLine.filter { $0 != 0x0D }, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for (i, raw) in all.enumerated().dropFirst() {
            let lineNo = i + 1
            if isBlank(raw) { continue }
            var bytes = raw
            if bytes.last == 0x0D { bytes.removeLast() }
            let cells = String(decoding: bytes, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == header.count else {
                trace.rejected.append(RefRejected(line: lineNo, reason: "cell count")); continue
            }
            var r = RefRecord(line: lineNo, ts: 0)
            var haveTS = false
            var failure: String?
            for (name, cell) in zip(header, cells) {
                let trimmed = cell.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                if name == "ts" {
                    if trimmed.isEmpty { continue }
                    if trimmed.allSatisfy(\.isNumber) {
                        r.ts = Int64(trimmed)! * 1_000_000
                    } else if let ns = parseRFC3339(trimmed) {
                        r.ts = ns
                    } else { failure = "bad timestamp"; break }
                    haveTS = true
                } else if metricFields.contains(name) {
                    if trimmed.isEmpty { continue }
                    guard isPlainNumber(trimmed), let d = Double(trimmed) else { failure = "not a number"; break }
                    guard d >= 0 else { failure = "negative"; break }
                    if wholeFields.contains(name) && d != d.rounded(.towardZero) { failure = "not whole"; break }
                    r.numbers[name] = d
                } else if !cell.isEmpty {
                    r.texts[name] = cell
                }
            }
            if failure == nil && !haveTS { failure = "missing ts" }
            if let failure {
                trace.rejected.append(RefRejected(line: lineNo, reason: failure))
            } else {
                if r.texts["status"] == nil { r.texts["status"] = "ok" }
                trace.records.append(r)
            }
        }
        return trace
    }

    /// `-?digits[.digits][e±digits]` (a leading `+` allowed).
    static func isPlainNumber(_ s: String) -> Bool {
        var chars = Array(s.utf8)
        if chars.first == UInt8(ascii: "-") || chars.first == UInt8(ascii: "+") { chars.removeFirst() }
        var i = 0
        func digits() -> Int { let s = i; while i < chars.count && (48...57).contains(chars[i]) { i += 1 }; return i - s }
        guard digits() > 0 else { return false }
        if i < chars.count && chars[i] == UInt8(ascii: ".") { i += 1; guard digits() > 0 else { return false } }
        if i < chars.count && (chars[i] == UInt8(ascii: "e") || chars[i] == UInt8(ascii: "E")) {
            i += 1
            if i < chars.count && (chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == chars.count
    }

    static let utcCalendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()
    nonisolated(unsafe) static var dayCache: [String: Int64] = [:]
    static let cacheLock = NSLock()

    /// RFC 3339 with a mandatory offset, via Foundation's Gregorian calendar for the date part.
    static func parseRFC3339(_ s: String) -> Int64? {
        let u = Array(s.utf8)
        guard u.count >= 20 else { return nil }
        func num(_ from: Int, _ n: Int) -> Int? {
            var v = 0
            for k in from..<(from + n) { guard k < u.count, (48...57).contains(u[k]) else { return nil }; v = v * 10 + Int(u[k] - 48) }
            return v
        }
        guard let y = num(0, 4), u[4] == 45, let mo = num(5, 2), u[7] == 45, let d = num(8, 2),
              u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t") || u[10] == 32,
              let h = num(11, 2), u[13] == 58, let mi = num(14, 2), u[16] == 58, let se = num(17, 2),
              h < 24, mi < 60, se < 60 else { return nil }
        var i = 19
        var fracNanos: Int64 = 0
        if i < u.count && u[i] == UInt8(ascii: ".") {
            i += 1
            var digits = ""
            while i < u.count && (48...57).contains(u[i]) { digits.append(Character(UnicodeScalar(u[i]))); i += 1 }
            guard !digits.isEmpty else { return nil }
            let nine = (digits + "000000000").prefix(9)
            fracNanos = Int64(nine)!
        }
        guard i < u.count else { return nil }  // no offset: the instant would be ambiguous
        var offset = 0
        if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            i += 1
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            let sign = u[i] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = num(i + 1, 2) else { return nil }
            var j = i + 3
            if j < u.count && u[j] == 58 { j += 1 }
            guard let om = num(j, 2) else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            i = j + 2
        } else { return nil }
        guard i == u.count else { return nil }
        let dayKey = "\(y)-\(mo)-\(d)"
        cacheLock.lock()
        var midnight = dayCache[dayKey]
        cacheLock.unlock()
        if midnight == nil {
            let comps = DateComponents(year: y, month: mo, day: d, hour: 0, minute: 0, second: 0)
            guard let date = utcCalendar.date(from: comps) else { return nil }
            let back = utcCalendar.dateComponents([.year, .month, .day], from: date)
            guard back.year == y, back.month == mo, back.day == d else { return nil }  // Feb 30 etc.
            midnight = Int64(date.timeIntervalSince1970.rounded())
            cacheLock.lock()
            dayCache[dayKey] = midnight
            cacheLock.unlock()
        }
        let seconds = midnight! + Int64(h * 3600 + mi * 60 + se - offset)
        return seconds * 1_000_000_000 + fracNanos
    }
}

// MARK: - exact numbers

enum RefExact {
    /// The exact value of a finite binary64 number: mantissa × 2^exponent as a fraction.
    static func rational(_ v: Double) -> Rational {
        precondition(v.isFinite)
        if v == 0 { return Rational(0) }
        let (m, e) = decompose(v)
        return e >= 0 ? Rational(BigInt(m).shiftedLeft(e)) : Rational(BigInt(m), BigInt.one.shiftedLeft(-e))
    }

    /// v = m · 2^e with m an integer (normal numbers only, which is all the generator produces).
    static func decompose(_ v: Double) -> (Int, Int) {
        let e = Int(v.exponent) - 52
        let m = Int(v.significand * 4_503_599_627_370_496.0)  // 2^52, exact
        return (v < 0 ? -m : m, e)
    }

    /// Exact sum of doubles: integers aligned to the smallest exponent.
    static func sum(_ values: [Double]) -> Rational {
        let parts = values.filter { $0 != 0 }.map(decompose)
        guard let minExp = parts.map(\.1).min() else { return Rational(0) }
        var total = BigInt.zero
        for (m, e) in parts { total = total + BigInt(m).shiftedLeft(e - minExp) }
        return minExp >= 0 ? Rational(total.shiftedLeft(minExp)) : Rational(total, BigInt.one.shiftedLeft(-minExp))
    }

    /// A binary64 value against an exact bound; ±infinity lies beyond every bound.
    static func holds(_ lhs: Double, _ op: ComparisonOperator, _ rhs: Rational) -> Bool {
        if lhs.isInfinite {
            let above = lhs > 0
            switch op {
            case .less, .lessEqual: return !above
            case .greater, .greaterEqual: return above
            case .equal: return false
            case .notEqual: return true
            }
        }
        return holds(rational(lhs), op, rhs)
    }

    static func holds(_ lhs: Rational, _ op: ComparisonOperator, _ rhs: Rational) -> Bool {
        switch op {
        case .less: return lhs < rhs
        case .lessEqual: return lhs < rhs || lhs == rhs
        case .greater: return rhs < lhs
        case .greaterEqual: return rhs < lhs || lhs == rhs
        case .equal: return lhs == rhs
        case .notEqual: return lhs != rhs
        }
    }
}

// MARK: - results

enum RefObserved: Equatable {
    case double(Double)
    case exact(Rational)
}

struct RefWindow {
    var start: Int64
    var end: Int64
    var key: [String?]
    var count: Int
    var observed: RefObserved?
    var verdict: String  // met | breached | insufficient; valued | insufficient for a `value` clause
    /// Evidence candidates of a metric aggregate: (record id, the record's value; for `itl` its worst gap).
    var candidates: [(id: String, value: Double)] = []
    /// For `share(P)`: the records that pull the share the wrong way (P false when the share must
    /// be high, P true when it must be low), worst first: farthest from passing by the first
    /// metric comparison in P (0 without one), ties by id.
    var shareEvidence: [(id: String, value: Double)] = []
}

struct RefPeriod {
    var start: Int64
    var end: Int64
    var key: [String?]
    var met: Int
    var breached: Int
    /// Window attainment, or the period measure (whatever its kind) of a clause with `measure`.
    var attainment: Rational
    var verdict: String
    /// Set for a clause with a period measure (docs/language.md, "Period measures").
    var measure: RefMeasure? = nil
    /// The billed charges (rounded to the minor unit, as a scaled integer), for a clause with
    /// credits of the charges.
    var charges: RefMoney? = nil
}

struct RefCredit {
    var start: Int64
    var amount: Decimal
    var percent: Rational
    /// For a credit of the charges: the period's end, the group and the billed charges.
    var end: Int64? = nil
    var key: [String?]? = nil
    var charges: RefMoney? = nil
}

struct RefClause {
    var windows: [RefWindow]
    var periods: [RefPeriod]
    var credits: [RefCredit]
    var verdict: String  // compliant | breached | no-data
}

struct RefAccounting: Equatable {
    var read = 0, accepted = 0, rejected = 0, outsideTerm = 0, excluded = 0
}

struct RefResult {
    var accounting: [RefAccounting]
    var rejectedLines: [[Int]]
    var clauses: [RefClause]
    var verdict: String
}

// MARK: - the evaluator

struct ReferenceEvaluator {
    let contract: CheckedContract
    let calendar: Calendar

    init(contract: CheckedContract) {
        self.contract = contract
        var cal = Calendar(identifier: .iso8601)
        cal.timeZone = TimeZone(identifier: contract.timezone)!
        self.calendar = cal
    }

    // Metrics (docs/language.md, "Metrics") in the binary64 order of "Exactness"; nil when absent or undefined.
    func value(_ m: Metric, _ r: RefRecord) -> Double? {
        let n = r.numbers
        switch m {
        case .ttft: return n["ttft_ms"]
        case .e2e: return n["e2e_ms"]
        case .inputTokens: return n["input_tokens"]
        case .outputTokens: return n["output_tokens"]
        case .energy: return n["energy_j"]
        case .totalTokens:
            guard let i = n["input_tokens"], let o = n["output_tokens"] else { return nil }
            return i + o
        // A derived value that is not finite is undefined (docs/language.md, "Metrics").
        case .tpot:
            guard let o = n["output_tokens"], o > 1, let e = n["e2e_ms"], let t = n["ttft_ms"] else { return nil }
            let v = (e - t) / (o - 1)
            return v.isFinite ? v : nil
        case .decodeTPS:
            guard let o = n["output_tokens"], o > 1, let e = n["e2e_ms"], let t = n["ttft_ms"], e > t else { return nil }
            let v = (o - 1) / ((e - t) / 1000)
            return v.isFinite ? v : nil
        case .e2eTPS:
            guard let o = n["output_tokens"], let e = n["e2e_ms"], e > 0 else { return nil }
            let v = o / (e / 1000)
            return v.isFinite ? v : nil
        case .itl:
            return nil
        }
    }

    func text(_ field: String, _ r: RefRecord) -> String? { r.texts[field] }

    /// Three-valued logic as Swift `Bool?` (nil = unknown).
    /// The first metric comparison of a predicate, reading `and`/`or` left to right and turning
    /// the operator round under `not`.
    func firstComparison(_ p: CheckedPredicate) -> (metric: Metric, op: ComparisonOperator)? {
        switch p {
        case .and(let a, let b), .or(let a, let b): return firstComparison(a) ?? firstComparison(b)
        case .not(let a):
            guard let (m, op) = firstComparison(a) else { return nil }
            let flipped: [ComparisonOperator: ComparisonOperator] = [.less: .greaterEqual, .lessEqual: .greater, .greater: .lessEqual,
                                                                     .greaterEqual: .less, .equal: .notEqual, .notEqual: .equal]
            return (m, flipped[op] ?? op)
        case .metric(let m, let op, _): return (m, op)
        case .text, .textIn: return nil
        }
    }

    func truth(_ p: CheckedPredicate, _ r: RefRecord) -> Bool? {
        switch p {
        case .and(let a, let b):
            let x = truth(a, r), y = truth(b, r)
            if x == false || y == false { return false }
            if x == nil || y == nil { return nil }
            return true
        case .or(let a, let b):
            let x = truth(a, r), y = truth(b, r)
            if x == true || y == true { return true }
            if x == nil || y == nil { return nil }
            return false
        case .not(let a):
            return truth(a, r).map { !$0 }
        case .metric(let m, let op, let bound):
            guard let v = value(m, r) else { return nil }
            return RefExact.holds(v, op, bound)
        case .text(let field, let equal, let value):
            // Texts are equal when their bytes are (no Unicode normalization).
            guard let t = text(field, r) else { return nil }
            return (Array(t.utf8) == Array(value.utf8)) == equal
        case .textIn(let field, let values, let negated):
            guard let t = text(field, r) else { return nil }
            return values.contains { Array($0.utf8) == Array(t.utf8) } != negated
        }
    }

    func excluded(_ e: CheckedExclusions, _ r: RefRecord) -> Bool {
        if e.maintenance.contains(where: { r.ts >= $0.start && r.ts < $0.end }) { return true }
        return e.requests.contains { truth($0, r) == true }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }

    func calendarInterval(_ unit: Calendar.Component, containing ns: Int64) -> (Int64, Int64) {
        // Calendar boundaries are whole seconds, so the second containing the instant decides.
        let date = Date(timeIntervalSince1970: TimeInterval(Self.floorDiv(ns, 1_000_000_000)))
        guard let interval = calendar.dateInterval(of: unit, for: date) else { fatalError("no calendar interval") }
        let s = Int64(interval.start.timeIntervalSince1970.rounded())
        let e = Int64(interval.end.timeIntervalSince1970.rounded())
        return (s * 1_000_000_000, e * 1_000_000_000)
    }

    func window(_ w: CheckedWindow, _ ts: Int64) -> (Int64, Int64) {
        switch w {
        case .fixed(let length):
            let k = Self.floorDiv(ts, length)
            return (k * length, (k + 1) * length)
        case .term: return (contract.termStart, contract.termEnd)
        case .calendarDay: return calendarInterval(.day, containing: ts)
        case .calendarWeek: return calendarInterval(.weekOfYear, containing: ts)
        case .calendarMonth: return calendarInterval(.month, containing: ts)
        case .calendarQuarter: return calendarMonths(3, containing: ts)
        case .calendarYear: return calendarMonths(12, containing: ts)
        }
    }

    struct Bucket: Hashable {
        var start: Int64
        var key: [String?]
    }

    func evaluate(_ traces: [RefTrace]) -> RefResult {
        var accounting: [RefAccounting] = []
        var admitted: [RefRecord] = []
        for t in traces {
            var a = RefAccounting()
            a.read = t.read
            a.rejected = t.rejected.count
            for r in t.records {
                if r.ts < contract.termStart || r.ts >= contract.termEnd { a.outsideTerm += 1; continue }
                a.accepted += 1
                if excluded(contract.exclusions, r) { a.excluded += 1; continue }
                admitted.append(r)
            }
            accounting.append(a)
        }
        let clauses = contract.clauses.map { evaluate($0, admitted) }
        let verdict = clauses.contains { $0.verdict == "breached" } ? "breached" : "compliant"
        return RefResult(accounting: accounting, rejectedLines: traces.map { $0.rejected.map(\.line) }, clauses: clauses, verdict: verdict)
    }

    /// One clause over the records that passed the contract-level exclusions.
    func evaluate(_ c: CheckedClause, _ records: [RefRecord]) -> RefClause {
        let (windows, inScope) = judgedWindows(c, records)
        if c.measure != nil { return evaluateMeasure(c, windows: windows, inScope: inScope, admitted: records) }
        return evaluateAttainment(c, windows: windows, admitted: records)
    }

    /// The clause's windows (docs/language.md, "Windows" and "Window verdicts"), sorted by start then group, and its in-scope records.
    func judgedWindows(_ c: CheckedClause, _ records: [RefRecord]) -> ([RefWindow], [RefRecord]) {
        var inScope: [RefRecord] = []
        // Exclusions, then scope; then one bucket per (window, group).
        var buckets: [Bucket: (end: Int64, records: [RefRecord])] = [:]
        var cache: [(Int64, Int64)] = []
        for r in records {
            if excluded(c.exclusions, r) { continue }
            if let scope = c.scope, truth(scope, r) != true { continue }
            inScope.append(r)
            var bounds: (Int64, Int64)
            if let hit = cache.first(where: { r.ts >= $0.0 && r.ts < $0.1 }) {
                bounds = hit
            } else {
                bounds = window(c.window, r.ts)
                precondition(r.ts >= bounds.0 && r.ts < bounds.1, "window does not contain its record")
                switch c.window { case .fixed: break; default: cache.append(bounds) }
            }
            let key = c.groupBy.map { text($0, r) }
            buckets[Bucket(start: bounds.0, key: key), default: (bounds.1, [])].records.append(r)
        }
        var windows: [RefWindow] = []
        for (b, content) in buckets {
            let observed = aggregate(c.aggregate, content.records)
            var verdict = "insufficient"
            if c.windowsAreValued {
                if observed != nil && content.records.count >= c.minimumRequests { verdict = "valued" }
            } else if let observed, content.records.count >= c.minimumRequests {
                let holds: Bool
                switch observed {
                case .double(let d): holds = RefExact.holds(d, c.comparison, c.bound)
                case .exact(let q): holds = RefExact.holds(q, c.comparison, c.bound)
                }
                verdict = holds ? "met" : "breached"
            }
            var w = RefWindow(start: b.start, end: content.end, key: b.key, count: content.records.count, observed: observed, verdict: verdict)
            if verdict == "breached" {
                switch c.aggregate {
                case .share(let p):
                    let mustBeLow = c.comparison == .less || c.comparison == .lessEqual
                    let compared = firstComparison(p)
                    for r in content.records where truth(p, r) == mustBeLow {
                        let v = compared.flatMap { value($0.metric, r) } ?? 0
                        w.shareEvidence.append((r.texts["id"] ?? "", v))
                    }
                    // Records with `x >= b` false have small x; with it true (a share that must be
                    // low), large x. Either way the one farthest from passing comes first.
                    let lowerBoundInP = compared.map { $0.op == .greater || $0.op == .greaterEqual } ?? false
                    let largerFirst = compared == nil ? true : (mustBeLow ? lowerBoundInP : !lowerBoundInP)
                    w.shareEvidence.sort { a, b in a.value != b.value ? (largerFirst ? a.value > b.value : a.value < b.value) : a.id < b.id }
                case .count: break
                case .percentile(let m, _), .mean(let m), .min(let m), .max(let m), .sum(let m):
                    let upper = [ComparisonOperator.less, .lessEqual, .equal, .notEqual].contains(c.comparison)
                    for r in content.records {
                        if m == .itl {
                            guard let gaps = r.itl, !gaps.isEmpty else { continue }
                            w.candidates.append((r.texts["id"] ?? "", upper ? gaps.max()! : gaps.min()!))
                        } else if let v = value(m, r) {
                            w.candidates.append((r.texts["id"] ?? "", v))
                        }
                    }
                    // Worst first (largest for upper bounds, smallest for lower bounds), ties by id.
                    w.candidates.sort { a, b in a.value != b.value ? (upper ? a.value > b.value : a.value < b.value) : a.id < b.id }
                }
            }
            windows.append(w)
        }
        windows.sort { a, b in a.start != b.start ? a.start < b.start : keyLess(a.key, b.key) }
        return (windows, inScope)
    }

    /// Window attainment per (objective period, group) (docs/language.md, "Attainment"), its credits ("Credits") and, for
    /// credits of the charges, "Credits of charges".
    func evaluateAttainment(_ c: CheckedClause, windows: [RefWindow], admitted: [RefRecord]) -> RefClause {
        var periodCounts: [Bucket: (end: Int64, met: Int, breached: Int)] = [:]
        for w in windows where w.verdict != "insufficient" {
            // The period containing its start, the first one when it starts before the term.
            let (ps, pe) = periodBounds(c.objective.period, containing: max(w.start, contract.termStart))
            var entry = periodCounts[Bucket(start: ps, key: w.key), default: (pe, 0, 0)]
            if w.verdict == "met" { entry.met += 1 } else { entry.breached += 1 }
            periodCounts[Bucket(start: ps, key: w.key)] = entry
        }
        var periods: [RefPeriod] = []
        for (b, p) in periodCounts {
            let attainment = Rational(p.met, p.met + p.breached)
            let ok = RefExact.holds(attainment, c.objective.comparison, c.objective.bound)
            periods.append(RefPeriod(start: b.start, end: p.end, key: b.key, met: p.met, breached: p.breached,
                                     attainment: attainment, verdict: ok ? "compliant" : "breached"))
        }
        periods.sort { a, b in a.start != b.start ? a.start < b.start : keyLess(a.key, b.key) }
        let verdict = periods.isEmpty ? "no-data" : (periods.contains { $0.verdict == "breached" } ? "breached" : "compliant")

        let credits = self.credits(c, periods: &periods, admitted: admitted)
        return RefClause(windows: windows, periods: periods, credits: credits, verdict: verdict)
    }

    func aggregate(_ a: CheckedAggregate, _ records: [RefRecord]) -> RefObserved? {
        func values(_ m: Metric) -> [Double] {
            if m == .itl { return records.flatMap { $0.itl ?? [] } }
            return records.compactMap { value(m, $0) }
        }
        switch a {
        case .count:
            return .exact(Rational(records.count))
        case .share(let p):
            var yes = 0, no = 0
            for r in records {
                switch truth(p, r) {
                case true?: yes += 1
                case false?: no += 1
                case nil: break
                }
            }
            return yes + no == 0 ? nil : .exact(Rational(yes, yes + no))
        case .percentile(let m, let q):
            let sorted = values(m).sorted()
            guard !sorted.isEmpty else { return nil }
            // rank = ⌈q·n/100⌉ with q = a/b exactly: ⌈a·n / (100·b)⌉ in integers.
            let qa = q.numerator.intValue!, qb = q.denominator.intValue!
            let num = qa * sorted.count, den = 100 * qb
            let rank = (num + den - 1) / den
            return .double(sorted[rank - 1])
        case .min(let m):
            return values(m).min().map { .double($0) }
        case .max(let m):
            return values(m).max().map { .double($0) }
        case .sum(let m):
            let v = values(m)
            if v.contains(.infinity) { return .double(.infinity) }  // a binary64 overflow (e.g. total_tokens)
            return v.isEmpty ? nil : .exact(RefExact.sum(v))
        case .mean(let m):
            let v = values(m)
            if v.contains(.infinity) { return .double(.infinity) }
            return v.isEmpty ? nil : .exact(RefExact.sum(v) / Rational(v.count))
        }
    }
}

/// Group keys order: part by part, an absent value first, then by UTF-8 bytes.
func keyLess(_ a: [String?], _ b: [String?]) -> Bool {
    for (x, y) in zip(a, b) where x != y {
        guard let x else { return true }
        guard let y else { return false }
        return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
    }
    return a.count < b.count
}
