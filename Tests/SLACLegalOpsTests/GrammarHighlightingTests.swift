import Foundation
import Testing

/// A small TextMate tokenizer (the subset editors rely on: `match`, `begin`/`end`, `patterns`,
/// `include` of repository entries and `$self`), enough to test `Grammar/slac.tmLanguage.json`
/// the way an editor would apply it, line by line.
struct TextMateGrammar {
    struct Rule {
        var name: String?
        var match: NSRegularExpression?
        var begin: NSRegularExpression?
        var end: NSRegularExpression?
        var patterns: [Int] = []
        var include: String?
    }

    enum GrammarError: Error { case invalid(String) }

    private(set) var rules: [Rule] = []
    private(set) var root: [Int] = []
    private(set) var repository: [String: Int] = [:]
    let scopeName: String

    init(data: Data) throws {
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw GrammarError.invalid("not an object") }
        scopeName = json["scopeName"] as? String ?? ""
        if let repo = json["repository"] as? [String: Any] {
            // Entries first, so includes can be resolved by name.
            for (key, value) in repo.sorted(by: { $0.key < $1.key }) {
                guard let dict = value as? [String: Any] else { throw GrammarError.invalid(key) }
                repository[key] = try add(dict)
            }
        }
        root = try (json["patterns"] as? [[String: Any]] ?? []).map { try add($0) }
    }

    private mutating func add(_ dict: [String: Any]) throws -> Int {
        func regex(_ key: String) throws -> NSRegularExpression? {
            guard let pattern = dict[key] as? String else { return nil }
            do { return try NSRegularExpression(pattern: pattern) } catch { throw GrammarError.invalid("bad regex \(pattern)") }
        }
        var rule = Rule(name: dict["name"] as? String, match: try regex("match"), begin: try regex("begin"), end: try regex("end"),
                        include: dict["include"] as? String)
        let index = rules.count
        rules.append(rule)
        rule.patterns = try (dict["patterns"] as? [[String: Any]] ?? []).map { try add($0) }
        rules[index].patterns = rule.patterns
        return index
    }

    /// Match and begin rules reachable from `ids`, includes and containers expanded in order.
    func expand(_ ids: [Int], depth: Int = 0) -> [Int] {
        guard depth < 20 else { return [] }
        var out: [Int] = []
        for id in ids {
            let rule = rules[id]
            if let include = rule.include {
                if include == "$self" { out += expand(root, depth: depth + 1) }
                else if include.hasPrefix("#"), let target = repository[String(include.dropFirst())] { out += expand([target], depth: depth + 1) }
            } else if rule.match != nil || rule.begin != nil {
                out.append(id)
            } else {
                out += expand(rule.patterns, depth: depth + 1)
            }
        }
        return out
    }

    /// For each line, the scope (innermost rule name) of each UTF-16 unit; nil where no rule matched.
    func tokenize(_ text: String) -> [[String?]] {
        var stack: [Int] = []
        var result: [[String?]] = []
        let options: NSRegularExpression.MatchingOptions = [.withoutAnchoringBounds, .withTransparentBounds]
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine) + "\n"
            let ns = line as NSString
            let length = ns.length
            var scopes = [String?](repeating: nil, count: length)
            func cover(_ from: Int, _ to: Int, _ name: String?) {
                guard let name else { return }
                for k in max(0, from)..<min(to, length) where scopes[k] == nil || scopes[k] == stack.last.flatMap({ rules[$0].name }) { scopes[k] = name }
            }
            var p = 0
            var guardCount = 0
            while p < length && guardCount < 10_000 {
                guardCount += 1
                let candidates = expand(stack.last.map { rules[$0].patterns } ?? root)
                var best: (id: Int, match: NSTextCheckingResult)?
                for id in candidates {
                    guard let regex = rules[id].match ?? rules[id].begin,
                          let m = regex.firstMatch(in: line, options: options, range: NSRange(location: p, length: length - p)) else { continue }
                    if best == nil || m.range.location < (best?.match.range.location ?? Int.max) { best = (id, m) }
                }
                let endMatch = stack.last.flatMap { rules[$0].end?.firstMatch(in: line, options: options, range: NSRange(location: p, length: length - p)) }
                if let e = endMatch, best == nil || e.range.location <= (best?.match.range.location ?? Int.max) {
                    let top = stack.removeLast()
                    cover(p, e.range.location + e.range.length, rules[top].name)
                    p = e.range.location + e.range.length
                    continue
                }
                guard let (id, m) = best else {
                    cover(p, length, stack.last.flatMap { rules[$0].name })
                    break
                }
                cover(p, m.range.location, stack.last.flatMap { rules[$0].name })
                let rule = rules[id]
                let outer = stack.last.flatMap { rules[$0].name }
                for k in m.range.location..<min(m.range.location + m.range.length, length) { scopes[k] = rule.name ?? outer ?? scopes[k] }
                if rule.begin != nil { stack.append(id) }
                p = m.range.location + max(m.range.length, rule.begin != nil ? m.range.length : 1)
                if m.range.length == 0 && rule.begin == nil { p = m.range.location + 1 }
            }
            result.append(scopes)
        }
        return result
    }
}

/// `Grammar/slac.tmLanguage.json` highlights every character of every example contract.
@Suite struct GrammarHighlightingTests {
    static let grammarURL = Paths.root.appendingPathComponent("Grammar/slac.tmLanguage.json")

    private func grammar() throws -> TextMateGrammar {
        try TextMateGrammar(data: try Data(contentsOf: GrammarHighlightingTests.grammarURL))
    }

    @Test func grammarIsWellFormed() throws {
        let g = try grammar()
        #expect(g.scopeName == "source.slac")
        #expect(!g.root.isEmpty)
        // Every include names an existing repository entry.
        for rule in g.rules {
            if let include = rule.include, include != "$self" {
                #expect(g.repository[String(include.dropFirst())] != nil, "missing \(include)")
            }
        }
    }

    @Test(arguments: Paths.contractNames)
    func everyCharacterOfExampleContractsIsScoped(_ name: String) throws {
        let g = try grammar()
        let text = Paths.contract(name).text
        let scopes = g.tokenize(text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" as NSString }
        var unmatched: [String] = []
        for (n, (line, lineScopes)) in zip(lines, scopes).enumerated() {
            for k in 0..<line.length {
                let c = line.character(at: k)
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { continue }
                if lineScopes[k] == nil { unmatched.append("\(name):\(n + 1):\(k + 1) `\(line.substring(with: NSRange(location: k, length: 1)))`") }
            }
        }
        #expect(unmatched.isEmpty, "unscoped text: \(unmatched.prefix(10))")
    }

    /// The scope of the first occurrence of `needle` on the line holding it.
    private func scope(of needle: String, in text: String) throws -> String? {
        let g = try grammar()
        let scopes = g.tokenize(text)
        for (line, lineScopes) in zip(text.split(separator: "\n", omittingEmptySubsequences: false), scopes) {
            let ns = String(line) as NSString
            let r = ns.range(of: needle)
            if r.location != NSNotFound { return lineScopes[r.location] }
        }
        return nil
    }

    @Test func tokensGetTheRightScopes() throws {
        let text = Paths.contract("acme-schedule-b.sla").text
        #expect(try scope(of: "// Acme", in: text) == "comment.line.double-slash.slac")
        #expect(try scope(of: "effective", in: text) == "keyword.other.header.slac")
        #expect(try scope(of: "2026-01-01", in: text) == "constant.other.date.slac")
        #expect(try scope(of: "2026-03-14T02", in: text) == "constant.other.instant.slac")
        #expect(try scope(of: "over each five-minute", in: text) == "string.quoted.triple.slac")
        #expect(try scope(of: "\"ACME", in: text) == "string.quoted.double.slac")
        #expect(try scope(of: "p99", in: text) == "support.function.aggregate.slac")
        #expect(try scope(of: "<=", in: text) == "keyword.operator.comparison.slac")
        #expect(try scope(of: "800 ms", in: text) == "meta.quantity.slac")
        #expect(try scope(of: "50M tokens", in: text) == "meta.quantity.slac")
        #expect(try scope(of: "interactive_ttft", in: text) == "meta.clause.header.slac")
        #expect(try scope(of: "USD", in: text) == "support.constant.currency.slac")
        #expect(try scope(of: "decode_tps", in: text) == "support.variable.metric.slac")
        #expect(try scope(of: "scope", in: text) == "keyword.control.clause.slac")
        #expect(try scope(of: "and model", in: text) == "keyword.operator.logical.slac")
    }

    /// Found by an audit: `==` looked like a valid comparison, `&&` had no scope, a dotted field
    /// starting with a keyword or field was split, and `id` as a field looked like the header.
    @Test func errorsLookLikeErrorsAndFieldsLikeFields() throws {
        let text = """
            contract "T" {
                id "X-1"
                clause "1" a {
                    scope request.kind = "x" and status.code == "y" && id = "z"
                    every 5 minutes per id
                }
            }
            """
        #expect(try scope(of: "==", in: text) == "invalid.illegal.operator.slac")
        #expect(try scope(of: "&&", in: text) == "invalid.illegal.operator.slac")
        #expect(try scope(of: "request.kind", in: text) == "variable.other.slac")
        #expect(try scope(of: "status.code", in: text) == "variable.other.slac")
        #expect(try scope(of: "id \"X-1", in: text) == "keyword.other.header.slac")
        #expect(try scope(of: "id = ", in: text) == "variable.other.field.slac")
    }

    /// The characters no rule scopes (blanks aside), as `name:line:column`.
    private func unscoped(_ text: String, name: String) throws -> [String] {
        let scopes = try grammar().tokenize(text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" as NSString }
        var unmatched: [String] = []
        for (n, (line, lineScopes)) in zip(lines, scopes).enumerated() {
            for k in 0..<line.length {
                let c = line.character(at: k)
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { continue }
                if lineScopes[k] == nil { unmatched.append("\(name):\(n + 1):\(k + 1) `\(line.substring(with: NSRange(location: k, length: 1)))`") }
            }
        }
        return unmatched
    }

    /// Items of period measures and charges (docs/language.md, "Period measures").
    static let periodMeasures = #"""
        contract "Nimbus Inference Service Level Agreement" {
            fee       20000.00 USD per month
            price     0.60 USD per 1M input_tokens
            clause "2.1" region_uptime {
                every     5 minutes per region
                value     share(status not in ["error:500", "error:503"])
                empty     100%
                measure   mean per calendar month
                objective measure >= 99.9%
                credit    10% of charges when measure < 99.9%
            }
            clause "2.2" downtime {
                every     calendar quarter
                require   share(status = "ok") >= 95%
                empty     met
                downtime  after 5 consecutive breached windows
                measure   uptime per calendar year
                objective measure >= 99.95%
            }
        }
        """#

    @Test func periodMeasureItemsGetTheRightScopes() throws {
        let text = Self.periodMeasures
        #expect(try unscoped(text, name: "periodMeasures").isEmpty)
        #expect(try scope(of: "price", in: text) == "keyword.other.header.slac")
        #expect(try scope(of: "0.60 USD", in: text) == "meta.quantity.slac")
        #expect(try scope(of: "USD per 1M", in: text) == "support.constant.currency.slac")
        #expect(try scope(of: "1M input", in: text) == "meta.quantity.slac")
        #expect(try scope(of: "input_tokens", in: text) == "support.variable.metric.slac")
        #expect(try scope(of: "value     share", in: text) == "keyword.control.clause.slac")
        #expect(try scope(of: "empty     100%", in: text) == "keyword.control.clause.slac")
        #expect(try scope(of: "100%", in: text) == "meta.quantity.slac")
        #expect(try scope(of: "measure   mean", in: text) == "keyword.control.clause.slac")
        #expect(try scope(of: "mean per calendar", in: text) == "keyword.other.slac")
        #expect(try scope(of: "charges when", in: text) == "keyword.other.slac")
        #expect(try scope(of: "downtime  after", in: text) == "keyword.control.clause.slac")
        #expect(try scope(of: "after 5", in: text) == "keyword.other.slac")
        #expect(try scope(of: "5 consecutive", in: text) == "meta.quantity.slac")
        #expect(try scope(of: "consecutive breached", in: text) == "keyword.other.slac")
        #expect(try scope(of: "breached windows", in: text) == "keyword.other.slac")
        #expect(try scope(of: "uptime per", in: text) == "keyword.other.slac")
        #expect(try scope(of: "quarter", in: text) == "keyword.other.slac")
        #expect(try scope(of: "year", in: text) == "keyword.other.slac")
        // A clause may be called `downtime`; the header rule names it.
        #expect(try scope(of: "downtime {", in: text) == "meta.clause.header.slac")
        #expect(try scope(of: "met", in: "        empty     met") == "keyword.other.slac")
        // `mean` is an aggregate before `(` and a measure elsewhere.
        #expect(try scope(of: "mean", in: "        require mean(ttft) <= 1 s") == "support.function.aggregate.slac")
    }

    /// Every complete contract of the language reference (its ```slac blocks) is highlighted too.
    @Test func everyCharacterOfTheReferenceContractsIsScoped() throws {
        let url = Paths.root.appendingPathComponent("docs/language.md")
        let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        var blocks: [(line: Int, text: String)] = []
        var current: (line: Int, body: [String])?
        for (i, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var block = current {
                if trimmed.hasPrefix("```") {
                    blocks.append((line: block.line, text: block.body.joined(separator: "\n")))
                    current = nil
                } else {
                    block.body.append(line)
                    current = block
                }
            } else if trimmed == "```slac" {
                current = (line: i + 1, body: [])
            }
        }
        #expect(blocks.count >= 2)
        for block in blocks {
            let unmatched = try unscoped(block.text, name: "docs/language.md block at line \(block.line)")
            #expect(unmatched.isEmpty, "unscoped text: \(unmatched.prefix(10))")
        }
    }

    @Test func unknownTextIsReportedAsUnscoped() throws {
        // The coverage test would notice text the grammar does not know.
        let scopes = try grammar().tokenize("contract \"X\" { @ }")
        let at = ("contract \"X\" { @ }" as NSString).range(of: "@").location
        #expect(scopes[0][at] == nil)
    }
}
