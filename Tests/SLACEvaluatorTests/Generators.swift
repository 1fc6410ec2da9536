import Foundation
import SLACChecker
import SLACExact
import SLACSyntax
import SLACTestSupport

// MARK: - traces

/// A raw field value as the generator writes it.
enum RawValue {
    case string(String)
    case number(String)  // written as is (e.g. `76.0`, `893.6`)
    case null
    case list([String])
}

/// One generated record (or a deliberately bad line).
struct GenRecord {
    var ts: Int64
    var fields: [(String, RawValue)]
    /// When set, the line is written verbatim instead of from `fields` (a malformed record).
    var badLine: String?
}

enum TraceGenerator {
    static let tenants = ["acme", "globex", "initech", "umbrella", "hooli"]
    static let models = ["llama-3.1-70b", "llama-3.1-8b", "qwen2.5-72b", "llama-3.1-405b"]
    static let regions = ["eu-west-1", "us-east-1", "ap-northeast-1"]
    static let statuses = ["error:429", "error:500", "timeout", "error:503"]

    /// Bursts of traffic (UTC) around month ends and daylight-saving changes, each with a dense core.
    static let bursts: [(String, String)] = [
        ("2026-02-28T18:00:00Z", "2026-03-01T08:00:00Z"),
        ("2026-03-07T22:00:00Z", "2026-03-08T10:00:00Z"),
        ("2026-03-14T00:00:00Z", "2026-03-14T06:00:00Z"),
        ("2026-03-28T20:00:00Z", "2026-03-29T04:00:00Z"),
        ("2026-03-31T18:00:00Z", "2026-04-01T06:00:00Z"),
        ("2026-04-04T12:00:00Z", "2026-04-05T02:00:00Z"),
    ]

    /// Instants on or next to window, day, term and maintenance boundaries in the test zones.
    static let specialInstants: [String] = [
        "2026-03-01T00:00:00Z", "2026-02-28T23:00:00Z", "2026-03-01T05:00:00Z", "2026-02-28T18:30:00Z",
        "2026-02-28T13:00:00Z", "2026-03-01T06:00:00Z", "2026-03-08T05:00:00Z", "2026-03-08T07:00:00Z",
        "2026-03-09T04:00:00Z", "2026-03-08T06:00:00Z", "2026-03-08T07:30:00Z", "2026-03-14T02:00:00Z",
        "2026-03-14T04:00:00Z", "2026-03-28T23:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T22:00:00Z",
        "2026-03-31T22:00:00Z", "2026-04-01T00:00:00Z", "2026-04-01T04:00:00Z", "2026-03-31T13:00:00Z",
        "2026-04-04T13:00:00Z", "2026-04-04T15:00:00Z", "2026-04-05T13:30:00Z", "2026-03-30T00:00:00Z",
        "2026-03-23T00:00:00Z", "2026-03-22T23:00:00Z", "2026-03-02T05:00:00Z", "2026-03-01T18:30:00Z",
    ]

    static func records(seed: UInt64, count: Int, badLines: Bool, bursts: [(String, String)] = bursts,
                        wide: (String, String) = ("2026-02-20T00:00:00Z", "2026-04-10T00:00:00Z"),
                        outages: [(String, String)] = []) -> [GenRecord] {
        var g = SeededGenerator(mixing: seed)
        var out: [GenRecord] = []
        out.reserveCapacity(count + 64)
        let burstRanges = bursts.map { (utc($0.0), utc($0.1)) }
        let wide = (utc(wide.0), utc(wide.1))
        for i in 0..<count {
            var ts: Int64
            let roll = g.double(0..<1)
            if roll < 0.03 {
                ts = Int64.random(in: wide.0..<wide.1, using: &g)
            } else if roll < 0.06 {
                let base = utc(g.pick(specialInstants))
                ts = base + g.pick([0, 0, 0, -1_000_000, 1_000_000, -1, 1, -100, 300_000_000_000])
            } else {
                let (s, e) = g.pick(burstRanges)
                if g.chance(0.5) {
                    // Dense 40-minute core, two thirds into the burst.
                    let core = s + (e - s) * 2 / 3
                    ts = Int64.random(in: core..<(core + 2_400_000_000_000), using: &g)
                } else {
                    ts = Int64.random(in: s..<e, using: &g)
                }
            }
            // Most timestamps at millisecond resolution; some finer (100 ns, 1 ns).
            let res = g.pick([1_000_000, 1_000_000, 1_000_000, 1_000_000_000, 100, 1] as [Int64])
            ts = ts - ((ts % res) + res) % res
            out.append(record(index: i + 1, ts: ts, res: res, g: &g))
        }
        // Outages: three records a minute, most of them failing with `error:503` (runs of
        // breached windows for `downtime after N`).
        for (from, to) in outages {
            let (s, e) = (utc(from), utc(to))
            for _ in 0..<(Int((e - s) / 60_000_000_000) * 3) {
                var ts = Int64.random(in: s..<e, using: &g)
                ts -= ts % 1_000_000
                var r = record(index: out.count + 1, ts: ts, res: 1_000_000, g: &g)
                r.fields.removeAll { $0.0 == "status" }
                r.fields.append(("status", .string(g.chance(0.6) ? "error:503" : "ok")))
                out.append(r)
            }
        }
        if badLines {
            let bad = [
                "{\"id\":\"bad-neg\",\"ts\":\"2026-03-14T05:00:00Z\",\"tenant\":\"acme\",\"ttft_ms\":-5}",
                "{\"id\":\"bad-nots\",\"tenant\":\"acme\",\"ttft_ms\":5}",
                "{\"id\":\"bad-str\",\"ts\":\"2026-03-14T05:00:00Z\",\"e2e_ms\":\"abc\"}",
                "{\"id\":\"bad-frac\",\"ts\":\"2026-03-14T05:00:00Z\",\"output_tokens\":76.5}",
                "{\"id\":\"bad-offset\",\"ts\":\"2026-03-14T05:00:00\",\"ttft_ms\":5}",
                "{\"id\":\"bad-json\",\"ts\":",
                "[1,2,3]",
            ]
            for b in bad {
                out.append(GenRecord(ts: utc("2026-03-14T05:00:00Z") + Int64(g.int(0...100)) * 1_000_000_000, fields: [], badLine: b))
            }
        }
        // Log-write order: sorted by arrival plus a jitter of up to 3 s (so lines are out of order).
        let keyed = out.map { ($0.ts + Int64(g.int(0...3000)) * 1_000_000, $0) }
        return keyed.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func fmt(_ d: Double) -> String {
        let s = "\(d)"
        return s
    }

    static func record(index: Int, ts: Int64, res: Int64, g: inout SeededGenerator) -> GenRecord {
        var f: [(String, RawValue)] = []
        f.append(("id", .string(String(format: "r-%07d", index))))
        f.append(("ts", tsValue(ts, res: res, g: &g)))
        if !g.chance(0.02) { f.append(("tenant", .string(g.pick(tenants)))) }
        if !g.chance(0.01) { f.append(("model", .string(g.pick(models)))) }
        if !g.chance(0.03) { f.append(("region", .string(g.pick(regions)))) }
        let s = g.double(0..<1)
        if s < 0.05 {
            // absent: reads as "ok"
        } else if s < 0.06 {
            f.append(("status", .null))
        } else if s < 0.16 {
            f.append(("status", .string(g.pick(statuses))))
        } else {
            f.append(("status", .string("ok")))
        }
        if g.chance(0.6) { f.append(("delivery", .string(g.chance(0.8) ? "stream" : "batch"))) }

        // Latencies and token counts, with values exactly on bounds of the contract generator.
        var input: String? = String(g.int(1...4000))
        if g.chance(0.03) { input = "\(g.int(1...4000)).0" }
        if g.chance(0.02) { input = nil }
        var output: Int? = g.chance(0.1) ? g.pick([0, 1, 2]) : g.int(3...1200)
        var ttft: Double? = (g.double(200..<20000) * g.double(0.05..<1)).rounded() / 10
        var e2e: Double?
        if let t = ttft, let o = output {
            e2e = ((t + Double(o) * g.double(2..<60)) * 10).rounded() / 10
        }
        switch g.int(0...40) {
        case 0: ttft = 800
        case 1: ttft = 800.0000000000001
        case 2: ttft = 799.9999999999999
        case 3: output = 21; ttft = 193.6; e2e = 893.6
        case 4: output = 22; ttft = 100; e2e = 800
        case 5: output = 31; ttft = 0; e2e = 1000
        case 6: output = 30; ttft = 12.5; e2e = 1000
        case 7: e2e = ttft  // e2e == ttft
        case 8: if let t = ttft { e2e = max(0, t - 10) }  // e2e < ttft
        case 9: ttft = nil
        case 10: e2e = nil
        case 11: output = nil
        case 12: ttft = 193.6; e2e = 893.6
        case 13: output = 2; ttft = 35; e2e = 70
        case 14: output = 34; ttft = 0; e2e = 1100      // decode_tps 29.999999999999996 (30 in another order)
        case 15: output = 33; ttft = 10; e2e = 1100     // e2e_tps 29.999999999999996
        case 16: output = 4; ttft = 0.9; e2e = 105.9    // tpot 35 (35.00000000000001 in another order)
        case 17: output = 1; ttft = 10; e2e = 6000      // e2e_tps 0.16666666666666666 < 10 tokens/min
        default: break
        }
        if let input { f.append(("input_tokens", .number(input))) }
        if let output { f.append(("output_tokens", .number(g.chance(0.05) ? "\(output).0" : String(output)))) }
        if g.chance(0.01) { f.append(("ttft_ms", .null)) } else if let ttft { f.append(("ttft_ms", .number(fmt(ttft)))) }
        if let e2e { f.append(("e2e_ms", .number(fmt(e2e)))) }
        if g.chance(0.1) { f.append(("energy_j", .number(String(g.int(0...900))))) }
        if g.chance(0.25) {
            let n = g.int(0...6)
            f.append(("itl_ms", .list((0..<n).map { _ in g.chance(0.1) ? "35" : fmt((g.double(5..<200) * 10).rounded() / 10) })))
        }
        if g.chance(0.3) { f.shuffle(using: &g) }
        return GenRecord(ts: ts, fields: f)
    }

    static func tsValue(_ ts: Int64, res: Int64, g: inout SeededGenerator) -> RawValue {
        let seconds = ReferenceEvaluator.floorDiv(ts, 1_000_000_000)
        let nanos = ts - seconds * 1_000_000_000
        if res >= 1_000_000 && g.chance(0.05) { return .number(String(ts / 1_000_000)) }
        // Rendered with an offset in some records (same instant).
        let offset = g.pick([0, 0, 0, 0, 3600, 7200, -18000, -14400, 19800, 39600])
        let local = seconds + Int64(offset)
        let days = Int(ReferenceEvaluator.floorDiv(local, 86400))
        let sod = Int(local - Int64(days) * 86400)
        let (y, m, d) = civil(days)
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, sod / 3600, sod / 60 % 60, sod % 60)
        switch res {
        case 1_000_000_000: if g.chance(0.5) { text += ".000" }
        case 1_000_000: text += String(format: ".%03d", nanos / 1_000_000)
        case 100: text += String(format: ".%07d", nanos / 100)
        default: text += String(format: ".%09d", nanos)
        }
        if offset == 0 {
            text += g.chance(0.9) ? "Z" : "+00:00"
        } else {
            let a = abs(offset)
            text += (offset < 0 ? "-" : "+") + String(format: "%02d:%02d", a / 3600, a / 60 % 60)
        }
        return .string(text)
    }

    /// Civil date of days since 1970-01-01 (the generator's own arithmetic; the reference parses with Foundation).
    static func civil(_ z0: Int) -> (Int, Int, Int) {
        let comps = ReferenceEvaluator.gregorianUTC.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(z0) * 86400))
        return (comps.year!, comps.month!, comps.day!)
    }

    static func jsonValue(_ v: RawValue) -> String {
        switch v {
        case .string(let s): return "\"" + s + "\""
        case .number(let n): return n
        case .null: return "null"
        case .list(let l): return "[" + l.joined(separator: ",") + "]"
        }
    }

    static func jsonl(_ records: [GenRecord], crlfEvery: Int = 0, blankEvery: Int = 0) -> String {
        var out = ""
        for (i, r) in records.enumerated() {
            if blankEvery > 0 && i % blankEvery == blankEvery - 1 { out += "\n" }
            let line = r.badLine ?? ("{" + r.fields.map { "\"\($0.0)\":" + jsonValue($0.1) }.joined(separator: ",") + "}")
            out += line + (crlfEvery > 0 && i % crlfEvery == 0 ? "\r\n" : "\n")
        }
        return out
    }

    static let csvColumns = ["id", "ts", "tenant", "model", "region", "status", "delivery", "input_tokens", "output_tokens", "ttft_ms", "e2e_ms", "energy_j"]

    /// The same records as CSV (no `itl_ms`; bad JSON lines become a row with a bad cell).
    static func csv(_ records: [GenRecord]) -> String {
        var out = csvColumns.joined(separator: ",") + "\n"
        for r in records {
            if r.badLine != nil {
                out += "bad,2026-03-14T05:00:00Z,acme,m,r,ok,stream,1,2,-3,4\n"
                continue
            }
            var cells = [String](repeating: "", count: csvColumns.count)
            for (k, v) in r.fields {
                guard let idx = csvColumns.firstIndex(of: k) else { continue }
                switch v {
                case .string(let s): cells[idx] = s
                case .number(let n): cells[idx] = n
                case .null, .list: cells[idx] = ""
                }
            }
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }
}

extension ReferenceEvaluator {
    static let gregorianUTC: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()
}

// MARK: - contracts

/// A generated predicate, rendered to contract text, with the checked form it must produce.
indirect enum GenPredicate {
    case atom(String, CheckedPredicate)
    case and(GenPredicate, GenPredicate)
    case or(GenPredicate, GenPredicate)
    case not(GenPredicate)

    var text: String {
        switch self {
        case .atom(let t, _): return t
        case .and(let a, let b): return "(\(a.text) and \(b.text))"
        case .or(let a, let b): return "(\(a.text) or \(b.text))"
        case .not(let a): return "not (\(a.text))"
        }
    }

    var checked: CheckedPredicate {
        switch self {
        case .atom(_, let p): return p
        case .and(let a, let b): return .and(a.checked, b.checked)
        case .or(let a, let b): return .or(a.checked, b.checked)
        case .not(let a): return .not(a.checked)
        }
    }
}

struct GenClause {
    var text: String
    var expectedBound: Rational
    var expectedScope: CheckedPredicate?
    var expectedAggregate: CheckedAggregate
    var expectedWindow: CheckedWindow
    var expectedGroupBy: [String]
    var expectedMinimum: Int
    /// (fraction, period); (1, term) without an objective.
    var expectedObjective: (Rational, CheckedObjective.Period)
    /// (percent, threshold as a fraction), by threshold ascending.
    var expectedCredits: [(Rational, Rational)]
}

struct GenContract {
    var text: String
    var clauses: [GenClause]
}

enum ContractGenerator {
    static func r(_ s: String) -> Rational { Rational(decimal: s)! }

    static let textAtoms: [(String, CheckedPredicate)] = [
        ("status = \"ok\"", .text(field: "status", equal: true, value: "ok")),
        ("status != \"ok\"", .text(field: "status", equal: false, value: "ok")),
        ("model in [\"llama-3.1-70b\", \"llama-3.1-8b\"]", .textIn(field: "model", values: ["llama-3.1-70b", "llama-3.1-8b"], negated: false)),
        ("model not in [\"qwen2.5-72b\"]", .textIn(field: "model", values: ["qwen2.5-72b"], negated: true)),
        ("tenant = \"acme\"", .text(field: "tenant", equal: true, value: "acme")),
        ("tenant in [\"acme\", \"globex\", \"hooli\"]", .textIn(field: "tenant", values: ["acme", "globex", "hooli"], negated: false)),
        ("region != \"us-east-1\"", .text(field: "region", equal: false, value: "us-east-1")),
        ("delivery = \"stream\"", .text(field: "delivery", equal: true, value: "stream")),
    ]

    static let metricAtoms: [(String, CheckedPredicate)] = [
        ("ttft <= 800 ms", .metric(.ttft, .lessEqual, r("800"))),
        ("ttft < 0.8 s", .metric(.ttft, .less, r("800"))),
        ("ttft > 193.6 ms", .metric(.ttft, .greater, r("193.6"))),
        ("decode_tps >= 30 tokens/s", .metric(.decodeTPS, .greaterEqual, r("30"))),
        ("decode_tps >= 1800 tokens/min", .metric(.decodeTPS, .greaterEqual, r("30"))),
        ("e2e_tps > 30 tokens/s", .metric(.e2eTPS, .greater, r("30"))),
        ("e2e_tps >= 10 tokens/min", .metric(.e2eTPS, .greaterEqual, Rational(1, 6))),
        ("tpot <= 35 ms", .metric(.tpot, .lessEqual, r("35"))),
        ("output_tokens > 1 tokens", .metric(.outputTokens, .greater, r("1"))),
        ("total_tokens >= 1k tokens", .metric(.totalTokens, .greaterEqual, r("1000"))),
        ("e2e >= 893.6 ms", .metric(.e2e, .greaterEqual, r("893.6"))),
        ("e2e = 893.6 ms", .metric(.e2e, .equal, r("893.6"))),
        ("input_tokens != 76 tokens", .metric(.inputTokens, .notEqual, r("76"))),
        ("energy <= 500 J", .metric(.energy, .lessEqual, r("500"))),
    ]

    static func predicate(_ g: inout SeededGenerator, depth: Int = 0, metrics: Bool = true) -> GenPredicate {
        let roll = g.int(0...9)
        if depth >= 2 || roll < 5 {
            let pool = metrics ? textAtoms + metricAtoms : textAtoms
            let a = g.pick(pool)
            return .atom(a.0, a.1)
        }
        switch roll {
        case 5, 6: return .and(predicate(&g, depth: depth + 1, metrics: metrics), predicate(&g, depth: depth + 1, metrics: metrics))
        case 7, 8: return .or(predicate(&g, depth: depth + 1, metrics: metrics), predicate(&g, depth: depth + 1, metrics: metrics))
        default: return .not(predicate(&g, depth: depth + 1, metrics: metrics))
        }
    }

    static let durationMetrics = ["ttft", "e2e", "tpot", "itl"]
    static let tokenMetrics = ["total_tokens", "input_tokens", "output_tokens"]
    static let rateMetrics = ["decode_tps", "e2e_tps"]

    static let durationBounds: [(String, String)] = [("800 ms", "800"), ("0.8 s", "800"), ("193.6 ms", "193.6"), ("1.5 s", "1500"),
                                                     ("35 ms", "35"), ("2 s", "2000"), ("250 ms", "250"), ("30 s", "30000")]
    static let bigDurationBounds: [(String, String)] = [("5 min", "300000"), ("1 h", "3600000"), ("90 s", "90000")]
    static let tokenBounds: [(String, String)] = [("1000 tokens", "1000"), ("2.5k tokens", "2500"), ("400 tokens", "400"), ("21 tokens", "21")]
    static let bigTokenBounds: [(String, String)] = [("50k tokens", "50000"), ("1M tokens", "1000000"), ("250k tokens", "250000")]
    static let rateBounds: [(String, Rational)] = [("30 tokens/s", Rational(30)), ("25 tokens/s", Rational(25)), ("10 tokens/min", Rational(1, 6)),
                                                   ("1800 tokens/min", Rational(30)), ("45.5 tokens/s", Rational(91, 2))]
    static let ratioBounds: [(String, String)] = [("90%", "0.9"), ("99.9%", "0.999"), ("50%", "0.5"), ("95.5%", "0.955"), ("100%", "1"), ("0%", "0")]

    static func checkedWindow(_ text: String, _ fixed: Int64?) -> CheckedWindow {
        if let fixed { return .fixed(nanoseconds: fixed) }
        switch text {
        case "every calendar day": return .calendarDay
        case "every calendar week": return .calendarWeek
        case "every calendar month": return .calendarMonth
        default: return .term
        }
    }

    static func percent(_ text: String) -> Rational { r(String(text.dropLast())) / Rational(100) }

    static let windows: [(String, Int64?)] = [
        ("every 1 minute", 60_000_000_000), ("every 5 minutes", 300_000_000_000), ("every 1 hour", 3_600_000_000_000),
        ("every 90 seconds", 90_000_000_000), ("every 15 min", 900_000_000_000),
        ("every calendar day", nil), ("every calendar week", nil), ("every calendar month", nil), ("over term", nil),
    ]

    static let zones = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe"]
    static let terms = [
        "effective 2026-03-01 to 2026-04-01",
        "effective 2026-02-01 to 2026-05-01",
        "effective 2026-03-01T06:00:00Z to 2026-04-05T00:00:00+11:00",
        "effective 2026-01-01 to 2027-01-01",
    ]
    static let fees = ["fee 1234.56 USD per month", "fee 1002.00 USD per month", "fee 100000 JPY per month", "fee 999.99 EUR per month"]

    static func contract(seed: UInt64, clauseCount: Int) -> GenContract {
        var g = SeededGenerator(mixing: seed ^ 0xC0FFEE)
        var text = "// generated, seed \(seed)\ncontract \"Generated \(seed)\" {\n"
        text += "    id \"GEN-\(seed)\"\n"
        text += "    \(g.pick(terms))\n"
        text += "    timezone \"\(g.pick(zones))\"\n"
        text += "    \(g.pick(fees))\n"
        if g.chance(0.6) { text += "    exclude maintenance from 2026-03-14T02:00:00Z to 2026-03-14T04:00:00Z\n" }
        if g.chance(0.5) { text += "    exclude requests where status = \"error:429\"\n" }
        var clauses: [GenClause] = []
        for i in 0..<clauseCount {
            let c = clause(index: i, g: &g)
            text += c.text
            clauses.append(c)
        }
        text += "}\n"
        return GenContract(text: text, clauses: clauses)
    }

    static func clause(index: Int, g: inout SeededGenerator) -> GenClause {
        var body = "    clause \"\(index + 1).\(g.int(0...9))\" c\(index) {\n"
        if g.chance(0.5) { body += "        text \"Generated clause \(index).\"\n" }
        var expectedScope: CheckedPredicate?
        if g.chance(0.7) {
            let p = predicate(&g)
            body += "        scope \(p.text)\n"
            expectedScope = p.checked
        }
        let (windowText, fixedLength) = g.pick(windows)
        let groups = g.pick(["", " per tenant", " per tenant, model", " per region", " per delivery", " per model", " per status", " per region, delivery"])
        body += "        \(windowText)\(groups)\n"
        let groupBy = groups.isEmpty ? [] : groups.dropFirst(5).components(separatedBy: ", ")
        // Aggregate and bound.
        var expectedAggregate = CheckedAggregate.count
        let agg: String
        var boundText: String
        var bound: Rational
        var op = g.pick(["<=", "<=", "<", ">=", ">", "=", "!="])
        switch g.int(0...11) {
        case 0...5:
            let kind = g.pick(["p50", "p99", "p99.9", "percentile95", "percentile33.3", "percentile100", "mean", "min", "max", "sum"])
            let family = g.int(0...2)
            let metric = g.pick(family == 0 ? durationMetrics : family == 1 ? tokenMetrics : rateMetrics)
            let usesSum = kind == "sum" && family != 2
            let m = Metric(rawValue: metric)!
            switch kind {
            case "percentile95": agg = "percentile(\(metric), 95)"; expectedAggregate = .percentile(m, q: Rational(95))
            case "percentile33.3": agg = "percentile(\(metric), 33.3)"; expectedAggregate = .percentile(m, q: Rational(333, 10))
            case "percentile100": agg = "percentile(\(metric), 100)"; expectedAggregate = .percentile(m, q: Rational(100))
            case "p50": agg = "p50(\(metric))"; expectedAggregate = .percentile(m, q: Rational(50))
            case "p99": agg = "p99(\(metric))"; expectedAggregate = .percentile(m, q: Rational(99))
            case "p99.9": agg = "p99.9(\(metric))"; expectedAggregate = .percentile(m, q: Rational(999, 10))
            case "mean": agg = "mean(\(metric))"; expectedAggregate = .mean(m)
            case "min": agg = "min(\(metric))"; expectedAggregate = .min(m)
            case "max": agg = "max(\(metric))"; expectedAggregate = .max(m)
            default:
                agg = family == 2 ? "max(\(metric))" : "sum(\(metric))"
                expectedAggregate = family == 2 ? .max(m) : .sum(m)
            }
            switch family {
            case 0:
                let b = g.pick(usesSum ? bigDurationBounds : durationBounds)
                boundText = b.0; bound = r(b.1)
            case 1:
                if usesSum, let L = fixedLength, g.chance(0.3) {
                    boundText = "100k tokens/min"; bound = Rational(100_000, 60) * Rational(Int(L / 1_000_000_000))
                } else {
                    let b = g.pick(usesSum ? bigTokenBounds : tokenBounds)
                    boundText = b.0; bound = r(b.1)
                }
            default:
                let b = g.pick(rateBounds)
                boundText = b.0; bound = b.1
            }
        case 6, 7:
            agg = "count"
            if let L = fixedLength, g.chance(0.3) {
                boundText = "10 requests/min"; bound = Rational(10, 60) * Rational(Int(L / 1_000_000_000))
            } else {
                let n = g.pick([5, 20, 100, 1000])
                boundText = "\(n) requests"; bound = Rational(n)
            }
        default:
            let p = predicate(&g)
            agg = "share(\(p.text))"
            expectedAggregate = .share(p.checked)
            let b = g.pick(ratioBounds)
            boundText = b.0; bound = r(b.1)
            // A share is in [0%, 100%]: `<= 100%` always holds and `> 100%` never does, which the
            // checker rejects (SLA0330); at the ends use the comparisons that can go either way.
            if b.0 == "100%" && (op == "<=" || op == ">") { op = ">=" }
            if b.0 == "0%" && (op == ">=" || op == "<") { op = "<=" }
        }
        body += "        require \(agg) \(op) \(boundText)\n"
        var minimum = 0
        if g.chance(0.5) {
            minimum = g.pick([2, 3, 10, 20])
            body += "        minimum \(minimum) requests\n"
        }
        let isTerm = windowText == "over term"
        let objectiveRoll = g.int(0...3)
        var monthly = false
        var objective = (Rational(1), CheckedObjective.Period.term)
        if objectiveRoll == 1 && !isTerm {
            monthly = true
            let p = g.pick(["90%", "95%", "99.5%", "50%", "100%", "0%"])
            body += "        objective \(p) of windows per calendar month\n"
            objective = (percent(p), .calendarMonth)
        } else if objectiveRoll == 2 {
            let p = g.pick(["90%", "66.6%", "50%"])
            body += "        objective \(p) of windows per term\n"
            objective = (percent(p), .term)
        } else if objectiveRoll == 3 {
            let p = g.pick(["90%", "75%"])
            body += "        objective \(p) of windows\n"
            objective = (percent(p), .term)
        }
        var credits: [(Rational, Rational)] = []
        if monthly && g.chance(0.7) {
            let first = g.pick(["0.25%", "10%", "12.5%"])
            body += "        credit \(first) of fee when attainment < 99.5%\n"
            credits.append((r(String(first.dropLast())), Rational(995, 1000)))
            if g.chance(0.6) {
                let second = g.pick(["25%", "33.3%"])
                body += "        credit \(second) of fee when attainment < 90%\n"
                credits.insert((r(String(second.dropLast())), Rational(9, 10)), at: 0)
            }
        }
        switch g.int(0...5) {
        case 0: body += "        exclude maintenance from 2026-03-08T06:00:00Z to 2026-03-08T07:30:00Z\n"
        case 1: body += "        exclude requests where output_tokens < 2 tokens\n"
        case 2: body += "        exclude requests where region = \"us-east-1\"\n"
        default: break
        }
        body += "    }\n"
        return GenClause(text: body, expectedBound: bound, expectedScope: expectedScope, expectedAggregate: expectedAggregate,
                         expectedWindow: checkedWindow(windowText, fixedLength), expectedGroupBy: groupBy, expectedMinimum: minimum,
                         expectedObjective: objective, expectedCredits: credits)
    }
}

// MARK: - contracts with period measures (docs/language.md, "Period measures")

/// A generated clause with a period measure, prices or the new periods, with the checked form
/// it must produce.
struct GenMeasureClause {
    var text: String
    var expectedMeasure: CheckedMeasure?
    var expectedWindow: CheckedWindow
    var expectedPeriod: CheckedObjective.Period
    var expectedComparison: ComparisonOperator
    var expectedFraction: Rational
    /// (percent, threshold, comparison, base), worst bound first.
    var expectedCredits: [(Rational, Rational, ComparisonOperator, CheckedCredit.Base)]
    var expectedValued: Bool
}

struct GenMeasureContract {
    var text: String
    var clauses: [GenMeasureClause]
}

enum MeasureGenerator {
    static func r(_ s: String) -> Rational { Rational(decimal: s)! }
    static func percent(_ text: String) -> Rational { r(String(text.dropLast())) / Rational(100) }

    /// Traffic around the boundaries of months, quarters and years and the DST changes of the
    /// test zones, with outages (mostly failing minutes) across month ends, maintenance and DST.
    static let bursts: [(String, String)] = TraceGenerator.bursts + [
        ("2025-12-31T18:00:00Z", "2026-01-01T08:00:00Z"),
        ("2026-06-30T18:00:00Z", "2026-07-01T08:00:00Z"),
        ("2026-10-24T20:00:00Z", "2026-10-25T06:00:00Z"),
        ("2026-10-31T22:00:00Z", "2026-11-01T10:00:00Z"),
    ]
    static let outages: [(String, String)] = [
        ("2026-02-28T23:55:00Z", "2026-03-01T00:09:00Z"),
        ("2026-03-08T06:50:00Z", "2026-03-08T07:12:00Z"),
        ("2026-03-14T03:52:00Z", "2026-03-14T04:31:00Z"),
        ("2026-03-29T00:05:00Z", "2026-03-29T00:41:00Z"),
        ("2026-03-31T21:52:00Z", "2026-03-31T22:13:00Z"),
        ("2026-03-31T23:50:00Z", "2026-04-01T00:20:00Z"),
        ("2026-04-01T03:50:00Z", "2026-04-01T04:12:00Z"),
        ("2026-06-30T23:56:00Z", "2026-07-01T00:07:00Z"),
    ]

    static func records(seed: UInt64, count: Int) -> [GenRecord] {
        TraceGenerator.records(seed: seed, count: count, badLines: seed % 3 == 0, bursts: bursts,
                               wide: ("2025-12-20T00:00:00Z", "2026-07-05T00:00:00Z"), outages: outages)
    }

    /// Terms, and whether 1-minute windows are affordable for the reference over them.
    static let terms: [(text: String, short: Bool)] = [
        ("effective 2026-03-01 to 2026-04-01", true),
        ("effective 2026-02-01 to 2026-05-01", true),
        ("effective 2026-03-01T06:00:00Z to 2026-04-05T00:00:00+11:00", true),
        ("effective 2026-02-15T12:02:30Z to 2026-04-02T03:32:30Z", true),
        ("effective 2025-12-01 to 2026-07-01", false),
        ("effective 2026-01-01 to 2027-01-01", false),
    ]
    static let zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
    static let fees: [(String, String)] = [("fee 20000.00 USD per month", "USD"), ("fee 100000 JPY per month", "JPY"), ("fee 999.99 EUR per month", "EUR")]
    static let priceSets: [[String]] = [
        [],
        ["price 0.60 CUR per 1M input_tokens", "price 2.40 CUR per 1M output_tokens"],
        ["price 0.075 CUR per 1k total_tokens"],
        ["price 3 CUR per 7 input_tokens"],
        ["price 0.015 CUR per 1k output_tokens"],
        // Per-model prices: the first whose condition holds; some records have no model or no
        // price at all (the last set has no price for every record).
        ["price 3.00 CUR per 1M input_tokens where model = \"llama-3.1-70b\"", "price 15.00 CUR per 1M output_tokens where model = \"llama-3.1-70b\"",
         "price 0.25 CUR per 1M input_tokens where model in [\"llama-3.1-8b\", \"qwen2.5-72b\"] or input_tokens > 3000",
         "price 0.80 CUR per 1M input_tokens", "price 1.25 CUR per 1M output_tokens"],
        ["price 0.075 CUR per 1k total_tokens where not (tenant = \"acme\")", "price 0.01 CUR per 1k total_tokens where region in [\"eu-west-1\"]"],
    ]
    static let contractMaintenance = [
        "exclude maintenance from 2026-03-14T02:00:00Z to 2026-03-14T04:00:00Z",
        "exclude maintenance from 2026-03-29T00:02:30Z to 2026-03-29T00:17:30Z",
        "exclude maintenance from 2026-03-08T06:59:30Z to 2026-03-08T07:03:00Z",
    ]
    static let clauseMaintenance = [
        "exclude maintenance from 2026-03-14T03:00:00Z to 2026-03-14T05:07:00Z",
        "exclude maintenance from 2026-03-08T06:00:00Z to 2026-03-08T07:30:00Z",
        "exclude maintenance from 2026-03-29T00:20:20Z to 2026-03-29T00:20:40Z",
        "exclude maintenance from 2026-03-29T00:30:00Z to 2026-03-29T00:31:00Z",
    ]

    static func contract(seed: UInt64, clauseCount: Int) -> GenMeasureContract {
        var g = SeededGenerator(mixing: seed ^ 0x5EA5_0E11)
        let term = g.pick(terms)
        let (fee, currency) = g.pick(fees)
        let prices = g.pick(priceSets).map { $0.replacingOccurrences(of: "CUR", with: currency) }
        var text = "// generated with period measures, seed \(seed)\ncontract \"Measures \(seed)\" {\n"
        text += "    \(term.text)\n    timezone \"\(g.pick(zones))\"\n    \(fee)\n"
        for p in prices { text += "    \(p)\n" }
        // Some of it counted as uptime (its time stays in the grid, and is up).
        for m in contractMaintenance where g.chance(0.35) { text += "    \(m)\(g.chance(0.4) ? " as uptime" : "")\n" }
        if g.chance(0.4) { text += "    exclude requests where status = \"error:429\"\n" }
        var clauses: [GenMeasureClause] = []
        for i in 0..<clauseCount {
            let c = clause(index: i, g: &g, shortTerm: term.short, hasPrices: !prices.isEmpty)
            text += c.text
            clauses.append(c)
        }
        text += "}\n"
        return GenMeasureContract(text: text, clauses: clauses)
    }

    /// What a measure is a measure of: its text and checked form, its unit family, and the
    /// bounds an objective, a credit tier or an `empty` value may use.
    struct ValueKind {
        var aggregate: String
        var bounds: [(String, Rational)]
        var empties: [(String, Rational)]
    }

    static func valueKind(_ g: inout SeededGenerator) -> ValueKind {
        let ratioBounds = [("99.9%", r("0.999")), ("99%", r("0.99")), ("95%", r("0.95")), ("50%", r("0.5")), ("99.5%", r("0.995")), ("90%", r("0.9"))]
        let ratioEmpties = [("100%", Rational(1)), ("0%", Rational(0)), ("99.5%", r("0.995"))]
        switch g.int(0...9) {
        case 0...4:
            let p = g.pick([
                "status not in [\"error:500\", \"error:503\"]", "status = \"ok\"", "ttft <= 800 ms", "decode_tps >= 30 tokens/s",
            ] + [ContractGenerator.predicate(&g).text])
            return ValueKind(aggregate: "share(\(p))", bounds: ratioBounds, empties: ratioEmpties)
        case 5:
            return ValueKind(aggregate: g.pick(["p99(ttft)", "p50(ttft)", "mean(e2e)", "max(tpot)"]),
                             bounds: [("800 ms", Rational(800)), ("1.5 s", Rational(1500)), ("193.6 ms", r("193.6"))],
                             empties: [("0 ms", Rational(0)), ("800 ms", Rational(800))])
        case 6:
            return ValueKind(aggregate: "count", bounds: [("5 requests", Rational(5)), ("1 requests", Rational(1)), ("20 requests", Rational(20))],
                             empties: [("0 requests", Rational(0))])
        case 7:
            return ValueKind(aggregate: g.pick(["sum(output_tokens)", "mean(total_tokens)"]),
                             bounds: [("50k tokens", Rational(50000)), ("1000 tokens", Rational(1000))], empties: [("0 tokens", Rational(0))])
        default:
            return ValueKind(aggregate: g.pick(["max(decode_tps)", "p50(e2e_tps)"]),
                             bounds: [("30 tokens/s", Rational(30)), ("10 tokens/s", Rational(10))], empties: [("0 tokens/s", Rational(0))])
        }
    }

    static func clause(index: Int, g: inout SeededGenerator, shortTerm: Bool, hasPrices: Bool) -> GenMeasureClause {
        var body = "    clause \"\(index + 1)\" m\(index) {\n"
        if g.chance(0.5) { body += "        text \"Generated measure clause \(index).\"\n" }
        if g.chance(0.4) { body += "        scope \(ContractGenerator.predicate(&g).text)\n" }

        // Period first: it limits the windows (no window longer than the period).
        let period = g.pick([CheckedObjective.Period.calendarMonth, .calendarMonth, .calendarQuarter, .calendarYear, .term])
        var windowChoices: [(String, CheckedWindow)] = [
            ("every 5 minutes", .fixed(nanoseconds: 300_000_000_000)), ("every 1 hour", .fixed(nanoseconds: 3_600_000_000_000)),
            ("every 60 minutes", .fixed(nanoseconds: 3_600_000_000_000)), ("every calendar day", .calendarDay), ("every calendar week", .calendarWeek),
        ]
        if shortTerm { windowChoices += [("every 1 minute", .fixed(nanoseconds: 60_000_000_000)), ("every 1 minute", .fixed(nanoseconds: 60_000_000_000))] }
        if period != .calendarMonth { windowChoices.append(("every calendar month", .calendarMonth)) }
        if period == .calendarYear || period == .term { windowChoices.append(("every calendar quarter", .calendarQuarter)) }
        if period == .term { windowChoices.append(("over term", .term)) }
        let (windowText, window) = g.pick(windowChoices)
        let fine = window == .fixed(nanoseconds: 60_000_000_000) || window == .fixed(nanoseconds: 300_000_000_000)
        let groups = fine ? g.pick(["", " per region", " per region"]) : g.pick(["", " per region", " per tenant", " per region, delivery", " per model"])
        body += "        \(windowText)\(groups)\n"

        let periodText: String
        switch period {
        case .calendarMonth: periodText = "per calendar month"
        case .calendarQuarter: periodText = "per calendar quarter"
        case .calendarYear: periodText = "per calendar year"
        case .term: periodText = g.chance(0.5) ? "per term" : ""
        }

        // The measure.
        var measure: CheckedMeasure?
        var valued = false
        var bounds: [(String, Rational)]
        var lowerIsBetterAllowed = false
        let kind = g.pick(["mean", "mean", "uptime", "uptime", "attainment", "plain"])
        // `objective P% of windows [per …]` and `when attainment < Q%`: window attainment.
        let shortForm = kind == "plain" && g.chance(0.5)
        switch kind {
        case "mean":
            let v = valueKind(&g)
            valued = true
            body += "        value \(v.aggregate)\n"
            var empty: CheckedEmpty?
            if g.chance(0.7) {
                let e = g.pick(v.empties)
                body += "        empty \(e.0)\n"
                empty = .value(e.1)
            }
            body += "        measure mean \(periodText)\n"
            measure = CheckedMeasure(kind: .mean, empty: empty)
            bounds = v.bounds
            lowerIsBetterAllowed = true
        default:
            let agg = g.pick([
                "share(status not in [\"error:500\", \"error:503\"]) >= 95%", "share(status = \"ok\") >= 90%",
                "share(status = \"ok\") >= 99.9%", "p99(ttft) <= 800 ms", "count >= 3 requests",
                "share(\(ContractGenerator.predicate(&g).text)) > 50%",
            ])
            body += "        require \(agg)\n"
            bounds = [("99.9%", r("0.999")), ("99%", r("0.99")), ("95%", r("0.95")), ("50%", r("0.5")), ("99.95%", r("0.9995")), ("90%", r("0.9"))]
            if kind == "uptime" {
                var empty: CheckedEmpty?
                if g.chance(0.5) {
                    let met = g.chance(0.7)
                    body += "        empty \(met ? "met" : "breached")\n"
                    empty = met ? .met : .breached
                }
                var after = 1
                if g.chance(0.7) {
                    after = g.pick([1, 2, 3, 5, 10])
                    body += "        downtime after \(after) consecutive breached windows\n"
                }
                body += "        measure uptime \(periodText)\n"
                measure = CheckedMeasure(kind: .uptime, empty: empty, downtimeAfter: after)
            } else if kind == "attainment" {
                let met = g.chance(0.6)
                body += "        empty \(met ? "met" : "breached")\n"
                if !periodText.isEmpty || g.chance(0.5) { body += "        measure attainment \(periodText)\n" }
                measure = CheckedMeasure(kind: .attainment, empty: met ? .met : .breached)
            } else if !periodText.isEmpty && !shortForm {
                // Window attainment without `empty`: the measure stays nil; the new periods,
                // comparisons and credits of the charges still apply.
                body += "        measure attainment \(periodText)\n"
            }
        }
        if g.chance(0.4) { body += "        minimum \(g.pick([2, 3, 5])) requests\n" }

        // Objective: mostly a high measure is good; a mean may ask for a low one.
        let lowIsGood = lowerIsBetterAllowed && g.chance(0.3)
        let objectiveOp: ComparisonOperator = shortForm ? .greaterEqual
            : lowIsGood ? g.pick([.lessEqual, .less]) : g.pick([.greaterEqual, .greaterEqual, .greater])
        var objectiveBound = g.pick(bounds)
        if shortForm {
            objectiveBound = g.pick([("95%", r("0.95")), ("90%", r("0.9")), ("99.5%", r("0.995")), ("50%", r("0.5"))])
            body += "        objective \(objectiveBound.0) of windows \(periodText)\n"
        } else {
            body += "        objective measure \(objectiveOp.rawValue) \(objectiveBound.0)\n"
        }

        // Credits: of the fee (monthly periods only) or of the charges (with prices).
        var credits: [(Rational, Rational, ComparisonOperator, CheckedCredit.Base)] = []
        var bases: [CheckedCredit.Base] = []
        if period == .calendarMonth { bases.append(.fee) }
        if hasPrices { bases += [.charges, .charges] }
        if !bases.isEmpty && g.chance(0.75) {
            let base = g.pick(bases)
            // Two or three distinct thresholds; the worse bound pays more.
            var picks = Array(Set((0..<g.int(1...3)).map { _ in g.pick(bounds).0 }))
            picks.sort { a, b in bounds.first { $0.0 == a }!.1 < bounds.first { $0.0 == b }!.1 }
            if lowIsGood { picks.reverse() }  // `>` tiers: the highest threshold is the worst
            let percents = ["100%", "50%", "25%", "10%", "5%", "2.5%"]
            var start = g.int(0...2)
            for t in picks {
                let op: ComparisonOperator = shortForm ? .less : lowIsGood ? g.pick([.greater, .greaterEqual]) : g.pick([.less, .lessEqual])
                let p = percents[min(start, percents.count - 1)]
                start += g.int(1...2)
                body += "        credit \(p) of \(base == .fee ? "fee" : "charges") when \(shortForm ? "attainment" : "measure") \(op.rawValue) \(t)\n"
                credits.append((r(String(p.dropLast())), bounds.first { $0.0 == t }!.1, op, base))
            }
        }
        switch g.int(0...6) {
        case 0, 1: body += "        \(g.pick(clauseMaintenance))\(g.chance(0.4) ? " as uptime" : "")\n"
        case 2: body += "        exclude requests where output_tokens < 2 tokens\n"
        case 3: body += "        exclude requests where region = \"us-east-1\"\n"
        default: break
        }
        body += "    }\n"
        return GenMeasureClause(text: body, expectedMeasure: measure, expectedWindow: window, expectedPeriod: period,
                                expectedComparison: objectiveOp, expectedFraction: objectiveBound.1, expectedCredits: credits,
                                expectedValued: valued)
    }
}
