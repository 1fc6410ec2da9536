import SLACSyntax
import Testing

/// The shape of the syntax tree: what the parser hands to the checker and the formatter.
@Suite struct ASTShapeTests {
    /// The first example of docs/language.md ("Two complete contracts"), verbatim.
    static let specExample = #"""
        // Acme / Nimbus inference agreement, schedule B
        contract "Acme Enterprise Inference Agreement" {
            id        "ACME-MSA-2026-014"
            version   "3.2"
            provider  "Nimbus Cloud Inc."
            customer  "Acme Corp."
            effective 2026-01-01 to 2027-01-01        // half-open: [start, end)
            timezone  "UTC"                           // IANA name; calendar windows use it
            fee       120000.00 USD per month

            exclude maintenance from 2026-03-14T02:00:00Z to 2026-03-14T04:00:00Z
            exclude requests where status = "error:429"   // customer over its rate limit

            clause "4.1" interactive_ttft {
                text """
                    The 99th percentile Time to First Token of successful requests, measured
                    over each five-minute interval, shall not exceed 800 milliseconds.
                    """
                scope     status = "ok" and model in ["llama-3.1-70b", "llama-3.1-8b"]
                every     5 minutes per tenant
                require   p99(ttft) <= 800 ms
                minimum   20 requests
                objective 99.5% of windows per calendar month
                credit    10% of fee when attainment < 99.5%
                credit    25% of fee when attainment < 99%
            }

            clause "4.2" decode_floor {
                text "In each hour at least 90% of successful requests decode at 30 tokens per second or faster."
                scope   status = "ok"
                every   1 hour per tenant
                require share(decode_tps >= 30 tokens/s) >= 90%
            }

            clause "5.1" daily_quota {
                text "Each tenant may consume at most 50 million tokens per calendar day."
                every   calendar day per tenant
                require sum(total_tokens) <= 50M tokens
            }

            clause "5.2" availability {
                every   calendar month
                require share(status = "ok") >= 99.9%
            }
        }
        """#

    static func parseClean(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ContractSyntax {
        let parsed = parse(text)
        #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics.map(\.message))", sourceLocation: sourceLocation)
        return try #require(parsed.syntax, sourceLocation: sourceLocation)
    }

    static func clauses(_ c: ContractSyntax) -> [ClauseSyntax] {
        c.items.compactMap { if case .clause(let x) = $0 { x } else { nil } }
    }

    static func window(_ c: ClauseSyntax) -> WindowClauseSyntax? {
        for item in c.items { if case .window(let w) = item { return w } }
        return nil
    }

    static func require(_ c: ClauseSyntax) -> RequireSyntax? {
        for item in c.items { if case .require(let r) = item { return r } }
        return nil
    }

    static func text(_ c: ClauseSyntax) -> StringLiteral? {
        for item in c.items { if case .text(let t, _) = item { return t } }
        return nil
    }

    /// A compact rendering of a window for comparisons.
    static func describe(_ w: WindowSyntax) -> String {
        switch w {
        case .fixed(let q): "every \(q.number.digits)\(q.number.suffix.map(String.init) ?? "") \(q.unit?.text ?? "")"
        case .calendar(let unit): "calendar \(unit.name)"
        case .term: "term"
        }
    }

    @Test func specExampleHasFourClauses() throws {
        let contract = try Self.parseClean(Self.specExample)
        #expect(contract.name.value == "Acme Enterprise Inference Agreement")
        let clauses = Self.clauses(contract)
        #expect(clauses.map(\.ref.value) == ["4.1", "4.2", "5.1", "5.2"])
        #expect(clauses.map(\.name.name) == ["interactive_ttft", "decode_floor", "daily_quota", "availability"])
        #expect(clauses.map { Self.window($0).map { Self.describe($0.window) } } == [
            "every 5 minutes", "every 1 hour", "calendar day", "calendar month",
        ])
        #expect(clauses.map { Self.window($0)?.groupBy.map(\.name) } == [["tenant"], ["tenant"], ["tenant"], []])
        #expect(clauses.map { Self.require($0)?.aggregate.function.name } == ["p99", "share", "sum", "share"])
        #expect(clauses.map { Self.require($0)?.comparison } == [.lessEqual, .greaterEqual, .lessEqual, .greaterEqual])
        #expect(clauses[0].items.count == 8)
        #expect(Self.text(clauses[3]) == nil)

        // Header items and exclusions, in source order.
        var headers: [String] = []
        var exclusions = 0
        for item in contract.items {
            switch item {
            case .header(.text(let keyword, let value, _)): headers.append("\(keyword.name)=\(value.value)")
            case .header(.effective(let from, let to, _)): headers.append("effective=\(from.text)..\(to.text)")
            case .header(.fee(let amount, let currency, _)): headers.append("fee=\(amount.digits) \(currency.name)")
            case .header(.price(let amount, let currency, let per, let field, _, _)):
                headers.append("price=\(amount.digits) \(currency.name) per \(per.digits)\(per.suffix.map { String($0) } ?? "") \(field.name)")
            case .exclusion: exclusions += 1
            case .clause: break
            }
        }
        #expect(headers == ["id=ACME-MSA-2026-014", "version=3.2", "provider=Nimbus Cloud Inc.", "customer=Acme Corp.",
                            "effective=2026-01-01..2027-01-01", "timezone=UTC", "fee=120000.00 USD"])
        #expect(exclusions == 2)
    }

    @Test func specExampleTextBlockIsStrippedAsInSwift() throws {
        let clause = try #require(Self.clauses(Self.parseClean(Self.specExample)).first)
        let text = try #require(Self.text(clause))
        #expect(text.isBlock)
        #expect(text.value == "The 99th percentile Time to First Token of successful requests, measured\nover each five-minute interval, shall not exceed 800 milliseconds.")
    }

    @Test func specExampleRequirementShapes() throws {
        let clauses = Self.clauses(try Self.parseClean(Self.specExample))
        let r0 = try #require(Self.require(clauses[0]))
        guard case .operand(.name(let metric))? = r0.aggregate.arguments?.first, case .quantity(let bound) = r0.bound else {
            Issue.record("p99(ttft) <= 800 ms has the wrong shape"); return
        }
        #expect(metric.name == "ttft")
        #expect(bound.number.digits == "800" && bound.unit?.text == "ms")

        let r1 = try #require(Self.require(clauses[1]))
        guard case .predicate(.comparison(.name(let field), .greaterEqual, .quantity(let rate), _, _))? = r1.aggregate.arguments?.first else {
            Issue.record("share(decode_tps >= 30 tokens/s) has the wrong shape"); return
        }
        #expect(field.name == "decode_tps" && rate.unit?.text == "tokens/s")

        let r2 = try #require(Self.require(clauses[2]))
        guard case .quantity(let tokens) = r2.bound else { Issue.record("50M tokens"); return }
        #expect(tokens.number.digits == "50" && tokens.number.suffix == "M" && tokens.unit?.text == "tokens")

        // Scope of 4.1: status = "ok" and model in [...]
        var scope: PredicateSyntax?
        for item in clauses[0].items { if case .scope(let p, _) = item { scope = p } }
        guard case .and(.comparison(.name(let s), .equal, .string(let ok), _, _), .membership(.name(let m), false, let models, _), _)? = scope else {
            Issue.record("scope has the wrong shape"); return
        }
        #expect(s.name == "status" && ok.value == "ok" && m.name == "model")
        #expect(models.count == 2)
    }

    @Test func commentsAreCollected() throws {
        let parsed = parse(Self.specExample)
        #expect(parsed.comments.map(\.text) == [
            "// Acme / Nimbus inference agreement, schedule B",
            "// half-open: [start, end)",
            "// IANA name; calendar windows use it",
            "// customer over its rate limit",
        ])
        let source = SourceFile(path: "x", text: Self.specExample)
        for comment in parsed.comments { #expect(source.slice(comment.span) == comment.text) }
        // A comment ending in CRLF does not keep the carriage return.
        #expect(parse("// a\r\ncontract \"x\" {}").comments.map(\.text) == ["// a"])
        // `//` inside a string is not a comment.
        #expect(parse("contract \"http://x\" {}").comments.isEmpty)
    }

    @Test func textBlockIndentation() throws {
        func block(_ body: String) throws -> String {
            let c = try Self.parseClean(contract(clause: "        text \"\"\"\n" + body + "\n        every 1 hour"))
            return try #require(Self.clauses(c).first.flatMap(Self.text)).value
        }
        // Deeper indentation is kept, on lines of blanks too; empty lines stay empty (as in Swift,
        // where `"""\n    a\n      \n\n    b\n    """` is "a\n  \n\nb").
        #expect(try block("            a\n              b\n\n              \n            c\n            \"\"\"") == "a\n  b\n\n  \nc")
        // Closing delimiter at column 1: nothing is stripped.
        #expect(try block("  x\ny\n\"\"\"") == "  x\ny")
        // Tabs are indentation too, and must match exactly.
        #expect(try block("\t\tx\n\t\t\ty\n\t\t\"\"\"") == "x\n\ty")
        // Quotes inside the block.
        #expect(try block("    say \"hi\" and \"\"\" not closing\n    \"\"\"") == "say \"hi\" and \"\"\" not closing")
        // An empty block.
        #expect(try block("    \"\"\"") == "")
        // CRLF line ends are not part of the text.
        #expect(try block("    a\r\n    b\r\n    \"\"\"") == "a\nb")
    }

    @Test func stringEscapesAreDecoded() throws {
        let c = try Self.parseClean(contract(body: #"id "q\" b\\ n\n t\t""#))
        guard case .header(.text(_, let value, _))? = c.items.first else { Issue.record("no id"); return }
        #expect(value.value == "q\" b\\ n\n t\t")
        #expect(!value.isBlock)
    }

    @Test func magnitudeSuffixes() throws {
        let c = try Self.parseClean(contract(clause: "scope input_tokens > 1k and output_tokens < 2.5M and total_tokens <= 3B and e2e < 7 k"))
        var quantities: [String] = []
        func walk(_ p: PredicateSyntax) {
            switch p {
            case .and(let a, let b, _): walk(a); walk(b)
            case .comparison(_, _, .quantity(let q), _, _):
                quantities.append("\(q.number.digits)|\(q.number.suffix.map(String.init) ?? "-")|\(q.unit?.text ?? "-")")
            default: break
            }
        }
        for case .scope(let p, _) in Self.clauses(c)[0].items { walk(p) }
        // `7 k` is a number and a unit `k` (the checker rejects it), not a magnitude.
        #expect(quantities == ["1|k|-", "2.5|M|-", "3|B|-", "7|-|k"])
    }

    @Test func groupByOverTermAndCalendarWindows() throws {
        let c = try Self.parseClean(contract(body: """
                clause "a" a { every calendar day per tenant, model }
                clause "b" b { every calendar week }
                clause "c" c { every calendar month per region }
                clause "d" d { over term }
                clause "e" e { over term per tenant, model, gen_ai.system }
                clause "f" f { every 15 minutes per tenant }
            """))
        let windows = Self.clauses(c).map { Self.window($0) }
        #expect(windows.map { $0.map { Self.describe($0.window) } } == [
            "calendar day", "calendar week", "calendar month", "term", "term", "every 15 minutes",
        ])
        #expect(windows.map { $0?.groupBy.map(\.name) ?? [] } == [
            ["tenant", "model"], [], ["region"], [], ["tenant", "model", "gen_ai.system"], ["tenant"],
        ])
    }

    @Test func clauseLevelExclusions() throws {
        let c = try Self.parseClean(contract(clause: """
                every 5 minutes
                exclude requests where finish_reason = "cancelled"
                exclude maintenance from 2026-11-07T01:00:00Z to 2026-11-07T06:00:00+01:00
            """))
        let items = Self.clauses(c)[0].items
        var kinds: [String] = []
        for case .exclusion(let e) in items {
            switch e {
            case .requests(.comparison(.name(let f), .equal, .string(let v), _, _), _): kinds.append("requests \(f.name)=\(v.value)")
            case .maintenance(let from, let to, let asUptime, _): kinds.append("maintenance \(from.kind) \(from.text) \(to.kind) \(to.text)" + (asUptime ? " as uptime" : ""))
            default: kinds.append("?")
            }
        }
        #expect(kinds == ["requests finish_reason=cancelled",
                          "maintenance instant 2026-11-07T01:00:00Z instant 2026-11-07T06:00:00+01:00"])
    }

    @Test func predicatePrecedence() throws {
        let c = try Self.parseClean(contract(clause: "scope a = \"1\" or b = \"2\" and not not c = \"3\" or model not in [\"x\",]"))
        func shape(_ p: PredicateSyntax) -> String {
            switch p {
            case .or(let a, let b, _): "or(\(shape(a)), \(shape(b)))"
            case .and(let a, let b, _): "and(\(shape(a)), \(shape(b)))"
            case .not(let a, _): "not(\(shape(a)))"
            case .parenthesized(let a, _): "(\(shape(a)))"
            case .comparison(.name(let n), _, _, _, _): n.name
            case .membership(.name(let n), let negated, let values, _): "\(n.name) \(negated ? "not in" : "in") \(values.count)"
            default: "?"
            }
        }
        for case .scope(let p, _) in Self.clauses(c)[0].items {
            #expect(shape(p) == "or(or(a, and(b, not(not(c)))), model not in 1)")
        }
    }

    @Test func dottedNamesAndPercentileNames() throws {
        let c = try Self.parseClean(contract(clause: "scope gen_ai.request.model = \"m\"\nrequire p99.9(ttft) <= 5 s"))
        let clause = Self.clauses(c)[0]
        #expect(Self.require(clause)?.aggregate.function.name == "p99.9")
        for case .scope(.comparison(.name(let n), _, _, _, _), _) in clause.items { #expect(n.name == "gen_ai.request.model") }
        // A dot not followed by a name part is not part of the name (and is reported).
        let lexed = Lexer.tokenize("tenant. p99.x p99.9.y")
        #expect(lexed.tokens.map(\.value) == ["tenant", ".", "p99.x", "p99.9.y", ""])
        #expect(lexed.diagnostics.map(\.code) == ["SLA0101"])
    }

    @Test func spansPointAtTheirText() throws {
        let text = Self.specExample
        let source = SourceFile(path: "x", text: text)
        let clauses = Self.clauses(try Self.parseClean(text))
        #expect(source.slice(clauses[0].name.span) == "interactive_ttft")
        #expect(source.slice(clauses[0].ref.span) == "\"4.1\"")
        let r = try #require(Self.require(clauses[0]))
        #expect(source.slice(r.span) == "require   p99(ttft) <= 800 ms")
        #expect(source.slice(r.aggregate.span) == "p99(ttft)")
        #expect(source.slice(r.operatorSpan) == "<=")
        #expect(source.slice(clauses[3].span).hasPrefix("clause \"5.2\" availability {"))
        #expect(source.slice(clauses[3].span).hasSuffix("}"))
    }
}
