import Foundation
import SLACSyntax
import Testing

/// The productions of `Grammar/slac.ebnf`, read with a deliberately small parser: names on the
/// left of `::=`, and the names referenced on the right (outside literals and character classes).
struct EBNFGrammar {
    /// Production name → right-hand side, in file order.
    var productions: [(name: String, rhs: String)] = []
    var names: [String] { productions.map(\.name) }

    init(_ text: String) throws {
        // Drop /* ... */ comments (not nested).
        var stripped = ""
        var rest = Substring(text)
        while let open = rest.range(of: "/*") {
            stripped += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "*/") else { throw GrammarError.unterminatedComment }
            rest = rest[close.upperBound...]
        }
        stripped += rest
        for line in stripped.split(separator: "\n", omittingEmptySubsequences: false) {
            if let range = line.range(of: "::=") {
                let name = line[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw GrammarError.badName(String(line))
                }
                productions.append((name, String(line[range.upperBound...])))
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard !productions.isEmpty else { throw GrammarError.textBeforeFirstProduction(String(line)) }
                productions[productions.count - 1].rhs += "\n" + line
            }
        }
    }

    /// Names referenced by a right-hand side.
    static func references(_ rhs: String) -> [String] {
        let chars = Array(rhs)
        var i = 0
        var result: [String] = []
        while i < chars.count {
            let c = chars[i]
            if c == "'" || c == "\"" {
                i += 1
                while i < chars.count && chars[i] != c { i += 1 }
                i += 1
            } else if c == "[" {
                while i < chars.count && chars[i] != "]" { i += 1 }
                i += 1
            } else if c == "#" {
                i += 2
                while i < chars.count && chars[i].isHexDigit { i += 1 }
            } else if c.isLetter || c == "_" {
                var name = ""
                while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_") { name.append(chars[i]); i += 1 }
                result.append(name)
            } else {
                i += 1
            }
        }
        return result
    }

    enum GrammarError: Error { case unterminatedComment, badName(String), textBeforeFirstProduction(String) }
}

/// Where a snippet goes: a whole file, the body of a contract, or the body of a clause.
enum Snippet: Sendable {
    case file(String)
    case contractBody(String)
    case clauseBody(String)

    var text: String {
        switch self {
        case .file(let s): s
        case .contractBody(let s): contract(body: s)
        case .clauseBody(let s): contract(clause: s)
        }
    }
}

@Suite struct GrammarTests {
    static let grammarURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Grammar/slac.ebnf").standardized

    static func grammar() throws -> EBNFGrammar {
        try EBNFGrammar(String(contentsOf: grammarURL, encoding: .utf8))
    }

    static let specExample = #"""
        // Acme / Nimbus inference agreement, schedule B
        contract "Acme Enterprise Inference Agreement" {
            effective 2026-01-01 to 2027-01-01        // half-open: [start, end)
            clause "5.2" availability {
                every   calendar month
                require share(status = "ok") >= 99.9%
            }
        }
        """#

    /// Every production of the grammar and contract text that exercises it. Each snippet must
    /// parse with no diagnostic; a production without a snippet fails the test.
    static let exercises: [String: [Snippet]] = [
        "File": [.file(specExample)],
        "Contract": [.file("contract \"Empty\" {}"), .file("contract \"\"\"\n    Block name\n    \"\"\" {\n}")],
        "ContractItem": [.contractBody("id \"A-1\"\nexclude requests where status = \"error:429\"\nclause \"1\" c { every 1 hour require count <= 5 }")],
        "HeaderItem": [.contractBody("version \"3.2\"\neffective 2026-01-01 to 2027-01-01\nfee 120000.00 USD per month\nprice 0.60 USD per 1M input_tokens")],
        "TextHeader": [.contractBody("id \"ACME\"\nversion \"3.2\"\nprovider \"Nimbus\"\ncustomer \"Acme\"\ntimezone \"Europe/Berlin\"")],
        "Effective": [.contractBody("effective 2026-01-01 to 2027-01-01"),
                      .contractBody("effective 2026-01-01T00:00:00+01:00 to 2027-01-01T00:00:00+01:00")],
        "TimePoint": [.contractBody("effective 2026-04-01 to 2027-04-01T00:00:00Z")],
        "Fee": [.contractBody("fee 120000.00 USD per month")],
        "Price": [.contractBody("price 0.60 USD per 1M input_tokens\nprice 2.40 USD per 1M output_tokens"),
                  .contractBody("price 0.075 USD per 1000 total_tokens"),
                  .contractBody("price 3 USD per 1M input_tokens where model = \"large\" or input_tokens > 200k\nprice 1 USD per 1M input_tokens")],
        "CurrencyCode": [.contractBody("fee 42000 EUR per month")],
        "Exclusion": [.contractBody("exclude maintenance from 2026-03-14T02:00:00Z to 2026-03-14T04:00:00Z\nexclude requests where status = \"x\""),
                      .clauseBody("exclude requests where finish_reason = \"cancelled\"")],
        "Maintenance": [.contractBody("exclude maintenance from 2026-10-25T01:00:00+02:00 to 2026-10-25T03:30:00+01:00")],
        "RequestExclusion": [.contractBody("exclude requests where status = \"a\"\nexclude request where tenant = \"b\"")],
        "Clause": [.contractBody("clause \"4.1\" interactive_ttft {\n every 5 minutes\n require p99(ttft) <= 800 ms\n}")],
        "ClauseItem": [.clauseBody("""
            text "t"
            scope status = "ok"
            every 5 minutes
            require p99(ttft) <= 800 ms
            minimum 20 requests
            objective 99.5% of windows per calendar month
            credit 10% of fee when attainment < 99.5%
            exclude maintenance from 2026-11-07T01:00:00Z to 2026-11-07T06:00:00Z
            """), .clauseBody("""
            every 1 minute
            value share(status = "ok")
            empty 100%
            measure mean per calendar month
            downtime after 5 consecutive breached windows
            objective measure >= 99.9%
            credit 10% of charges when measure < 99.9%
            """)],
        "TextItem": [.clauseBody("text \"In each hour ...\""), .clauseBody("text \"\"\"\n    Line one\n    \"\"\"")],
        "Scope": [.clauseBody("scope status = \"ok\" and model in [\"a\", \"b\"]")],
        "WindowItem": [.clauseBody("every 5 minutes per tenant"), .clauseBody("over term per model"), .clauseBody("over term")],
        "Window": [.clauseBody("every 1 hour"), .clauseBody("every calendar week")],
        "CalendarUnit": [.clauseBody("every calendar day"), .clauseBody("every calendar week"), .clauseBody("every calendar month"),
                         .clauseBody("every calendar quarter"), .clauseBody("every calendar year")],
        "GroupBy": [.clauseBody("every calendar day per tenant, model, region")],
        "Require": [.clauseBody("require sum(total_tokens) <= 50M tokens")],
        "Value": [.clauseBody("value share(status not in [\"error:500\", \"error:503\"])"), .clauseBody("value p95(ttft)")],
        "Aggregate": [.clauseBody("require count <= 600 requests"), .clauseBody("require p99.9(ttft) <= 5 seconds"),
                      .clauseBody("require share(status = \"ok\") >= 99.9%"), .clauseBody("require mean(e2e_tps) >= 1.2k tokens/min")],
        "AggregateArguments": [.clauseBody("require percentile(tpot, 90) <= 40000 us")],
        "Minimum": [.clauseBody("minimum 1k requests")],
        "Empty": [.clauseBody("empty 100%"), .clauseBody("empty 0 ms"), .clauseBody("empty met"), .clauseBody("empty breached")],
        "Measure": [.clauseBody("measure mean per calendar month"), .clauseBody("measure uptime"), .clauseBody("measure attainment per term")],
        "Downtime": [.clauseBody("downtime after 5 consecutive breached windows"), .clauseBody("downtime after 1 consecutive breached windows")],
        "Objective": [.clauseBody("objective 99% of windows"), .clauseBody("objective 97% of windows per calendar month"),
                      .clauseBody("objective measure >= 99.9%"), .clauseBody("objective measure <= 2 s")],
        "ObjectivePeriod": [.clauseBody("objective 99% of windows per term"), .clauseBody("objective 99% of windows per calendar month"),
                            .clauseBody("measure uptime per calendar quarter")],
        "PeriodUnit": [.clauseBody("measure mean per calendar month"), .clauseBody("measure mean per calendar quarter"),
                       .clauseBody("objective 99% of windows per calendar year")],
        "Credit": [.clauseBody("credit 25% of fee when attainment < 99%"), .clauseBody("credit 10% of charges when measure < 99.9%"),
                   .clauseBody("credit 15% of fee when measure > 4 s"), .clauseBody("credit 5% of charges when attainment < 99%")],
        "Predicate": [.clauseBody("scope status = \"error:429\" or tenant = \"loadtest\"")],
        "Conjunction": [.clauseBody("scope status = \"ok\" and output_tokens > 1 tokens and region = \"eu\"")],
        "Negation": [.clauseBody("scope not (priority = \"a\" or priority = \"b\")"), .clauseBody("scope not not status = \"ok\"")],
        "Primary": [.clauseBody("scope (status = \"ok\")"), .clauseBody("scope model not in [\"x\"]"), .clauseBody("require share(decode_tps) >= 1%")],
        "List": [.clauseBody("scope model in [\"a\"]"), .clauseBody("scope model in [\"a\", \"b\",]"), .clauseBody("scope model in []")],
        "Operand": [.clauseBody("scope tenant = \"t\" and ttft <= 800 ms and gen_ai.request.model != \"m\"")],
        "ComparisonOperator": [.clauseBody("scope a = \"1\" and b != \"2\" and ttft < 1 s and ttft <= 2 s and e2e > 3 s and e2e >= 4 s")],
        "Quantity": [.clauseBody("scope ttft <= 800 ms and input_tokens > 8192"), .clauseBody("require share(status = \"ok\") >= 99.9%")],
        "Unit": [.clauseBody("require p50(decode_tps) >= 2.4k tokens/min"), .clauseBody("require sum(energy) <= 250 kWh"),
                 .clauseBody("objective 99.5% of windows")],
        "UnitName": [.clauseBody("require mean(tpot) <= 25M ns")],
        "UnitStopWord": [.clauseBody("every 5 minutes per tenant"), .clauseBody("scope input_tokens > 8 and ttft < 1 s or e2e > 2 s"),
                         .clauseBody("scope input_tokens not in [1, 2]"), .clauseBody("credit 10% of fee when attainment < 99%")],
        "ItemKeyword": [.clauseBody("require count <= 600 minimum 20 requests"), .clauseBody("every 5 minutes\nrequire count <= 5"),
                        .clauseBody("require count <= 600 measure uptime")],
        "StringLiteral": [.clauseBody("text \"one line\""), .clauseBody("text \"\"\"\n        block\n        \"\"\"")],
        "String": [.contractBody("id \"ACME-MSA-2026-014\"")],
        "Escape": [.contractBody(#"id "quote \" backslash \\ newline \n tab \t""#)],
        "TextBlock": [.clauseBody("text \"\"\"\n            The 99th percentile\n\n              indented more\n            \"\"\"")],
        "TextLine": [.clauseBody("text \"\"\"\n    a line with \"quotes\" and \"\"\" inside\n    \"\"\"")],
        "Identifier": [.clauseBody("scope gen_ai.request.model = \"m\"\nrequire p99.9(ttft) <= 5 s")],
        "Word": [.clauseBody("scope finish_reason = \"stop\"")],
        "PercentileName": [.clauseBody("require p99.9(ttft) <= 5 seconds")],
        "Number": [.clauseBody("require sum(total_tokens) <= 1.5B tokens"), .clauseBody("require p99(ttft) <= 0.8 s")],
        "Magnitude": [.clauseBody("scope input_tokens > 1k and output_tokens < 2M and total_tokens < 3B")],
        "Date": [.contractBody("effective 2026-01-01 to 2027-01-01")],
        "Instant": [.contractBody("exclude maintenance from 2026-03-14T02:00:00Z to 2026-03-14T04:00:00.5-05:00")],
        "Digit": [.contractBody("fee 0123456789 USD per month")],
        "Blank": [.file("contract\t\"Tabs\"\t{\t}")],
        "LineBreak": [.file("contract \"CRLF\" {\r\n    id \"x\"\r\n}\r\n"),
                      .file("contract \"CRLF block\" {\r\n    id \"\"\"\r\n        x\r\n        \"\"\"\r\n}\r\n")],
        "Whitespace": [.file("\n\n  contract \"W\"   {\n\n}\n\n")],
        "Comment": [.file("// leading\ncontract \"C\" { // trailing\n// alone\n}\n// final")],
    ]

    @Test func referencedProductionsAreDefined() throws {
        let grammar = try Self.grammar()
        let defined = Set(grammar.names)
        #expect(defined.count == grammar.names.count, "a production is defined twice")
        #expect(grammar.productions.count >= 40)
        for production in grammar.productions {
            let references = EBNFGrammar.references(production.rhs)
            #expect(!production.rhs.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "`\(production.name)` is empty")
            for name in references where !defined.contains(name) {
                fail("`\(production.name)` refers to `\(name)`, which is not defined")
            }
        }
    }

    /// The rules docs/language.md quotes in its Grammar section are the EBNF's, word for word
    /// (its `Price` rule lacked `where` after the EBNF had it; found by a newcomer's check).
    @Test func rulesQuotedInTheLanguageReferenceAreTheGrammars() throws {
        let grammar = try Self.grammar()
        let rules = Dictionary(grammar.productions.map { ($0.name, $0.rhs) }, uniquingKeysWith: { a, _ in a })
        let page = try String(contentsOf: Self.grammarURL.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/language.md"), encoding: .utf8)
        let section = try #require(page.components(separatedBy: "\n## Grammar\n").last)
        let block = try #require(section.components(separatedBy: "```text\n").dropFirst().first?.components(separatedBy: "```").first)
        let quoted = try EBNFGrammar(block)
        #expect(quoted.productions.count >= 8)
        func words(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        for production in quoted.productions {
            #expect(rules[production.name].map(words) == words(production.rhs), "`\(production.name)` differs from Grammar/slac.ebnf")
        }
    }

    @Test func everyProductionIsReachable() throws {
        let grammar = try Self.grammar()
        let rules = Dictionary(grammar.productions.map { ($0.name, EBNFGrammar.references($0.rhs)) }, uniquingKeysWith: { a, _ in a })
        // Trivia may appear between any two tokens, so it is a root of its own.
        var reached: Set<String> = []
        var pending = ["File", "Whitespace", "Comment"]
        while let name = pending.popLast() {
            guard reached.insert(name).inserted else { continue }
            pending += rules[name] ?? []
        }
        #expect(Set(grammar.names).subtracting(reached).isEmpty, "unreachable: \(Set(grammar.names).subtracting(reached).sorted())")
    }

    @Test func everyProductionHasADocComment() throws {
        let text = try String(contentsOf: Self.grammarURL, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        for (i, line) in lines.enumerated() where line.contains("::=") {
            let previous = lines[..<i].last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
            #expect(previous.trimmingCharacters(in: .whitespaces).hasSuffix("*/"), "no comment before: \(line)")
        }
    }

    @Test func everyProductionIsExercised() throws {
        let grammar = try Self.grammar()
        for name in grammar.names where (Self.exercises[name] ?? []).isEmpty {
            fail("production `\(name)` has no exercising snippet")
        }
        for name in Self.exercises.keys where !grammar.names.contains(name) {
            fail("snippet table names `\(name)`, which is not a production")
        }
    }

    @Test(arguments: exercises.keys.sorted())
    func snippetsParseCleanly(_ production: String) {
        for snippet in Self.exercises[production] ?? [] {
            let parsed = parse(snippet.text)
            #expect(parsed.syntax != nil, "\(production): no contract in\n\(snippet.text)")
            #expect(parsed.diagnostics.isEmpty, "\(production): \(parsed.diagnostics.map { "\($0.code) \($0.message)" }) in\n\(snippet.text)")
        }
    }
}
