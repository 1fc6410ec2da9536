/// Recursive-descent parser for the grammar in `Grammar/slac.ebnf`.
///
/// Error recovery: when an item does not parse, the parser reports it and skips to the next token
/// that begins a line and can begin an item (or to a closing brace), so one mistake does not hide
/// the rest of the file.
package struct Parser {
    private let source: SourceFile
    private var tokens: [Token]
    private var index = 0
    private var diagnostics: [Diagnostic] = []
    private let lineStartTokens: Set<Int>
    /// True when an unterminated `"""` block ran to the end of the file: the braces it swallowed
    /// are not reported again as unclosed.
    private var blockRanToEnd = false

    static let contractKeywords: [String] = ["id", "version", "provider", "customer", "effective", "timezone", "fee", "price", "exclude", "clause"]
    static let clauseKeywords: [String] = ["text", "scope", "every", "over", "require", "value", "minimum", "empty", "measure", "downtime",
                                           "objective", "credit", "exclude"]

    package static func parse(_ source: SourceFile) -> ParsedContract {
        let lexed = Lexer.tokenize(source.text)
        var parser = Parser(source: source, tokens: lexed.tokens)
        parser.diagnostics = lexed.diagnostics
        let lastToken = lexed.tokens.last { $0.kind != .endOfFile }
        parser.blockRanToEnd = lastToken.map { t in
            t.kind == .textBlock && lexed.diagnostics.contains { $0.code == "SLA0105" && $0.span.start == t.span.start && t.span.end == source.utf8.count }
        } ?? false
        let syntax = parser.parseFile()
        return ParsedContract(source: source, syntax: syntax, comments: lexed.comments, diagnostics: parser.diagnostics)
    }

    private init(source: SourceFile, tokens: [Token]) {
        self.source = source
        // Invalid tokens were reported by the lexer; the parser does not see them.
        self.tokens = tokens.filter { $0.kind != .invalid }
        let bytes = Array(source.text.utf8)
        var starts = Set<Int>()
        for (i, t) in self.tokens.enumerated() {
            var k = t.span.start - 1
            while k >= 0 && (bytes[k] == UInt8(ascii: " ") || bytes[k] == UInt8(ascii: "\t")) { k -= 1 }
            if k < 0 || bytes[k] == UInt8(ascii: "\n") || bytes[k] == UInt8(ascii: "\r") { starts.insert(i) }
        }
        self.lineStartTokens = starts
    }

    // MARK: token helpers

    private var current: Token { tokens[index] }
    private func peek(_ offset: Int = 1) -> Token { tokens[min(index + offset, tokens.count - 1)] }
    private var atEnd: Bool { current.kind == .endOfFile }

    @discardableResult
    private mutating func advance() -> Token {
        let t = current
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    private func isKeyword(_ word: String) -> Bool { current.kind == .identifier && current.value == word }

    private static func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfFile: return "end of file"
        case .string: return "string `\"\(token.value.prefix(40))\"`"
        case .textBlock: return "text block"
        default: return "`\(token.value.prefix(40))`"
        }
    }

    private mutating func expected(_ what: String, help: String? = nil) {
        diagnostics.append(.error("SLA0110", at: current.span, "expected \(what), found \(Parser.describe(current))", help: help))
    }

    /// Consumes the keyword or reports it and returns false.
    private mutating func expectKeyword(_ word: String, help: String? = nil) -> Bool {
        if isKeyword(word) { advance(); return true }
        expected("`\(word)`", help: help)
        return false
    }

    private mutating func expect(_ kind: TokenKind, _ what: String, help: String? = nil) -> Token? {
        if current.kind == kind { return advance() }
        expected(what, help: help)
        return nil
    }

    /// Skips to a line-starting keyword from `keywords` or a closing brace at the current level.
    private mutating func recover(to keywords: [String]) {
        var depth = 0
        if !atEnd { advance() }
        while !atEnd {
            if depth == 0 && lineStartTokens.contains(index) && current.kind == .identifier && keywords.contains(current.value) { return }
            switch current.kind {
            case .leftBrace: depth += 1
            case .rightBrace:
                if depth == 0 { return }
                depth -= 1
            default: break
            }
            advance()
        }
    }

    private func lastSpanEnd() -> Int { index > 0 ? tokens[index - 1].span.end : 0 }

    // MARK: file and contract

    private mutating func parseFile() -> ContractSyntax? {
        // Blank text is an empty file, as `slac check` says of one on disk (the language server
        // said SLA0113 for an empty document, the CLI SLA0003).
        if atEnd, source.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            diagnostics.append(.error("SLA0003", at: Span(0, 0), "the file is empty",
                                      help: "a contract file starts with `contract \"NAME\" {`"))
            return nil
        }
        if atEnd {
            diagnostics.append(.error("SLA0113", at: Span(0, 0), "the file holds no contract",
                                      help: "a contract file starts with `contract \"NAME\" {`"))
            return nil
        }
        guard isKeyword("contract") else {
            expected("`contract`", help: "a contract file starts with `contract \"NAME\" {`")
            // Try to find a `contract` keyword later in the file.
            while !atEnd && !isKeyword("contract") { advance() }
            if atEnd { return nil }
            return parseFile()
        }
        let contract = parseContract()
        if !atEnd {
            diagnostics.append(.error("SLA0114", at: current.span, "unexpected \(Parser.describe(current)) after the end of the contract",
                                      help: "a file holds one contract; check that its braces are balanced"))
        }
        return contract
    }

    private mutating func parseContract() -> ContractSyntax {
        let start = advance().span.start  // `contract`
        let name = parseStringLiteral(what: "the contract's name in quotes", help: "a contract file starts with `contract \"NAME\" {`") ?? StringLiteral("", span: current.span)
        var items: [ContractItemSyntax] = []
        guard expect(.leftBrace, "`{`", help: "a contract file starts with `contract \"NAME\" {`") != nil else {
            return ContractSyntax(name: name, items: items, span: Span(start, lastSpanEnd()))
        }
        while !atEnd && current.kind != .rightBrace {
            let before = index
            if let item = parseContractItem() { items.append(item) }
            if index == before { recover(to: Parser.contractKeywords) }
        }
        if current.kind == .rightBrace { advance() } else if !blockRanToEnd {
            diagnostics.append(.error("SLA0110", at: Span(start, start + 8), "contract is not closed",
                                      help: "add `}` at the end of the contract"))
        }
        return ContractSyntax(name: name, items: items, span: Span(start, lastSpanEnd()))
    }

    private mutating func parseContractItem() -> ContractItemSyntax? {
        guard current.kind == .identifier else {
            expected("a contract item such as `clause`, `exclude` or `effective`",
                     help: "a contract holds header items (`id`, `version`, `provider`, `customer`, `effective`, `timezone`, `fee`, `price`), `exclude` and `clause`")
            return nil
        }
        let keyword = Identifier(current.value, span: current.span)
        switch keyword.name {
        case "id", "version", "provider", "customer", "timezone":
            advance()
            guard let value = parseStringLiteral(what: "a string after `\(keyword.name)`", help: "write the value in quotes, e.g. `\(keyword.name) \"...\"`") else { recover(to: Parser.contractKeywords); return nil }
            return .header(.text(keyword: keyword, value: value, span: keyword.span.union(value.span)))
        case "effective":
            advance()
            guard let from = parseTimePoint(), expectKeyword("to", help: "write `effective START to END`"), let to = parseTimePoint() else {
                recover(to: Parser.contractKeywords); return nil
            }
            return .header(.effective(from: from, to: to, span: keyword.span.union(to.span)))
        case "fee":
            advance()
            guard let amountToken = expect(.number, "an amount after `fee`", help: "write e.g. `fee 120000.00 USD per month`") else {
                recover(to: Parser.contractKeywords); return nil
            }
            let amount = NumberLiteral(digits: amountToken.value, suffix: amountToken.suffix, span: amountToken.span)
            guard let currencyToken = expect(.identifier, "a currency code", help: "write an ISO 4217 code such as `USD` or `EUR`") else {
                recover(to: Parser.contractKeywords); return nil
            }
            guard expectKeyword("per", help: "fees are monthly: write `per month`") else {
                recover(to: Parser.contractKeywords); return nil
            }
            if current.kind == .identifier, let months = ["year": 12, "annum": 12, "quarter": 3][current.value] {
                // A yearly or quarterly fee: the error says how to write it as monthly, and the
                // fee is kept, so that credits of it do not also read "the contract has no fee".
                let monthly = Parser.monthlyAmount(amountToken.value, dividedBy: months)
                diagnostics.append(.error("SLA0110", at: current.span, "expected `month`, found `\(current.value)`: fees are monthly",
                                          help: monthly.map { "write the monthly fee: `fee \($0) \(currencyToken.value) per month` is \(amountToken.value) a \(months == 12 ? "year" : "quarter")" }
                                            ?? "write the monthly fee (the \(months == 12 ? "yearly" : "quarterly") fee divided by \(months)) with `per month`"))
                advance()
            } else if current.kind == .identifier, ["week", "day", "hour", "minute"].contains(current.value) {
                // A weekly or daily fee is no fixed share of a month: the contract says how a
                // month is billed, and that amount is the fee. Kept, as above.
                diagnostics.append(.error("SLA0110", at: current.span, "expected `month`, found `\(current.value)`: fees are monthly",
                                          help: "write the fee of a month as the contract bills it, with `per month` (a \(current.value)'s fee is not a fixed share of a month)"))
                advance()
            } else if !expectKeyword("month", help: "fees are monthly: write `per month`") {
                recover(to: Parser.contractKeywords); return nil
            }
            return .header(.fee(amount: amount, currency: Identifier(currencyToken.value, span: currencyToken.span),
                                span: keyword.span.union(tokens[index - 1].span)))
        case "price":
            advance()
            let shape = "write e.g. `price 0.60 USD per 1M input_tokens`"
            guard let amountToken = expect(.number, "an amount after `price`", help: shape) else {
                recover(to: Parser.contractKeywords); return nil
            }
            let amount = NumberLiteral(digits: amountToken.value, suffix: amountToken.suffix, span: amountToken.span)
            guard let currencyToken = expect(.identifier, "a currency code", help: "write an ISO 4217 code such as `USD` or `EUR`") else {
                recover(to: Parser.contractKeywords); return nil
            }
            guard expectKeyword("per", help: shape), let perToken = expect(.number, "a number of tokens after `per`", help: shape) else {
                recover(to: Parser.contractKeywords); return nil
            }
            guard let fieldToken = expect(.identifier, "a token field after the number", help: shape) else {
                recover(to: Parser.contractKeywords); return nil
            }
            let per = NumberLiteral(digits: perToken.value, suffix: perToken.suffix, span: perToken.span)
            // `where CONDITION`: the price of the records the condition holds for (a model's price).
            var condition: PredicateSyntax?
            if isKeyword("where") {
                advance()
                condition = parsePredicate()
            } else if ["if", "when", "for"].contains(where: isKeyword), !lineStartTokens.contains(index) {
                // `price ... if model = "x"`: read as meant, with the word to write.
                diagnostics.append(.error("SLA0110", at: current.span, "expected `where`, found `\(current.value)`",
                                          help: "a price's condition follows `where`: `price 3.00 USD per 1M input_tokens where model = \"large\"`",
                                          fix: DiagnosticFix(span: current.span, replacement: "where")))
                advance()
                condition = parsePredicate()
            }
            let end = condition?.span ?? fieldToken.span
            return .header(.price(amount: amount, currency: Identifier(currencyToken.value, span: currencyToken.span), per: per,
                                  field: Identifier(fieldToken.value, span: fieldToken.span), condition: condition, span: keyword.span.union(end)))
        case "exclude":
            guard let e = parseExclusion(recoverTo: Parser.contractKeywords) else { return nil }
            return .exclusion(e)
        case "clause":
            guard let c = parseClause() else { return nil }
            return .clause(c)
        default:
            let suggestion = Spelling.closest(to: keyword.name, among: Parser.contractKeywords + Parser.clauseKeywords.filter { $0 != "exclude" })
            var help = "a contract holds header items (`id`, `version`, `provider`, `customer`, `effective`, `timezone`, `fee`, `price`), `exclude` and `clause`"
            if let s = suggestion { help = "did you mean `\(s)`?" }
            if Parser.clauseKeywords.contains(keyword.name) {
                help = "`\(keyword.name)` belongs inside a `clause { ... }`"
            }
            diagnostics.append(.error("SLA0112", at: keyword.span, "unknown contract item `\(keyword.name)`", help: help))
            recover(to: Parser.contractKeywords)
            return nil
        }
    }

    private mutating func parseStringLiteral(what: String, help: String) -> StringLiteral? {
        if current.kind == .string { let t = advance(); return StringLiteral(t.value, span: t.span) }
        if current.kind == .textBlock { let t = advance(); return StringLiteral(t.value, span: t.span, isBlock: true) }
        expected(what, help: help)
        return nil
    }

    private mutating func parseTimePoint() -> TimePointSyntax? {
        switch current.kind {
        case .date: let t = advance(); return TimePointSyntax(kind: .date, text: t.value, span: t.span)
        case .instant: let t = advance(); return TimePointSyntax(kind: .instant, text: t.value, span: t.span)
        default:
            expected("a date or an instant", help: "write a date `2026-01-01` or an instant `2026-03-14T02:00:00Z`")
            return nil
        }
    }

    private mutating func parseExclusion(recoverTo keywords: [String]) -> ExclusionSyntax? {
        let start = advance().span.start  // `exclude`
        if isKeyword("maintenance") {
            advance()
            guard expectKeyword("from", help: "write `exclude maintenance from START to END`"), let from = parseTimePoint(),
                  expectKeyword("to", help: "write `exclude maintenance from START to END`"), let to = parseTimePoint() else {
                recover(to: keywords); return nil
            }
            // `as uptime`: the time counts as up (cloud SLAs: "maintenance is not downtime").
            if isKeyword("as") {
                advance()
                guard expectKeyword("uptime", help: "write `exclude maintenance from START to END as uptime`: its time then counts as up") else {
                    recover(to: keywords); return nil
                }
                return .maintenance(from: from, to: to, asUptime: true, span: Span(start, tokens[index - 1].span.end))
            }
            return .maintenance(from: from, to: to, asUptime: false, span: Span(start, to.span.end))
        }
        if isKeyword("requests") || isKeyword("request") {
            advance()
            guard expectKeyword("where", help: "write `exclude requests where CONDITION`") else { recover(to: keywords); return nil }
            let predicate = parsePredicate()
            return .requests(predicate, span: Span(start, predicate.span.end))
        }
        expected("`maintenance` or `requests` after `exclude`",
                 help: "write `exclude maintenance from START to END` or `exclude requests where CONDITION`")
        recover(to: keywords)
        return nil
    }

    // MARK: clauses

    private mutating func parseClause() -> ClauseSyntax? {
        let start = advance().span.start  // `clause`
        // An unquoted reference (`clause 1.1 ttft_p95 {`): the suggestion quotes what was written.
        var refHelp = "write `clause \"4.1\" some_name {`"
        if current.kind == .number || current.kind == .identifier, !source.slice(current.span).contains("\"") {
            let name = peek().kind == .identifier ? peek().value : "some_name"
            refHelp = "write `clause \"\(source.slice(current.span))\" \(name) {`"
        }
        guard let ref = parseStringLiteral(what: "the clause's reference in quotes, e.g. `\"4.1\"`", help: refHelp) else {
            recover(to: Parser.contractKeywords); return nil
        }
        guard current.kind == .identifier else {
            // The reference as written, escapes included, so that the suggestion parses.
            expected("the clause's name", help: "write `clause \(source.slice(ref.span)) some_name {`")
            recover(to: Parser.contractKeywords); return nil
        }
        let nameToken = advance()
        let name = Identifier(nameToken.value, span: nameToken.span)
        guard expect(.leftBrace, "`{` to open the clause", help: "write `clause \(source.slice(ref.span)) \(name.name) {`") != nil else { recover(to: Parser.contractKeywords); return nil }
        var items: [ClauseItemSyntax] = []
        while !atEnd && current.kind != .rightBrace {
            if isKeyword("clause") && lineStartTokens.contains(index) {
                diagnostics.append(.error("SLA0110", at: Span(start, nameToken.span.end), "clause `\(name.name)` is not closed",
                                          help: "add `}` before the next clause"))
                return ClauseSyntax(ref: ref, name: name, items: items, span: Span(start, lastSpanEnd()))
            }
            let before = index
            if let item = parseClauseItem() { items.append(item) }
            if index == before { recover(to: Parser.clauseKeywords + ["clause"]) }
        }
        if current.kind == .rightBrace { advance() } else if !blockRanToEnd {
            diagnostics.append(.error("SLA0110", at: Span(start, nameToken.span.end), "clause `\(name.name)` is not closed",
                                      help: "add `}` at the end of the clause"))
        }
        return ClauseSyntax(ref: ref, name: name, items: items, span: Span(start, lastSpanEnd()))
    }

    private mutating func parseClauseItem() -> ClauseItemSyntax? {
        let sync = Parser.clauseKeywords + ["clause"]
        guard current.kind == .identifier else {
            expected("a clause item such as `require`, `every` or `scope`",
                     help: "a clause holds `text`, `scope`, `every` or `over term`, `require` or `value`, `minimum`, `empty`, `measure`, `downtime`, `objective`, `credit` and `exclude`")
            return nil
        }
        let keyword = current
        switch keyword.value {
        case "text":
            advance()
            guard let text = parseStringLiteral(what: "the clause's legal text as a string or `\"\"\"` block",
                                                 help: "write `text \"...\"`, or `text \"\"\"` followed by the wording on the next lines") else { recover(to: sync); return nil }
            return .text(text, span: keyword.span.union(text.span))
        case "scope":
            advance()
            let predicate = parsePredicate()
            return .scope(predicate, span: keyword.span.union(predicate.span))
        case "every", "over":
            return parseWindowClause().map { .window($0) }
        case "require":
            return parseRequire().map { .require($0) }
        case "value":
            advance()
            guard let aggregate = parseAggregate() else { recover(to: sync); return nil }
            return .value(ValueSyntax(aggregate: aggregate, span: keyword.span.union(aggregate.span)))
        case "empty":
            advance()
            let shape = "write `empty 100%`, `empty met` or `empty breached`"
            if isKeyword("met") || isKeyword("breached") {
                let word = advance()
                let value: EmptySyntax.Value = word.value == "met" ? .met(word.span) : .breached(word.span)
                return .empty(EmptySyntax(value: value, span: keyword.span.union(word.span)))
            }
            guard let q = parseQuantity(what: "a value, `met` or `breached` after `empty`", help: shape) else { recover(to: sync); return nil }
            return .empty(EmptySyntax(value: .quantity(q), span: keyword.span.union(q.span)))
        case "measure":
            advance()
            let shape = "write `measure mean per calendar month`, `measure uptime per calendar month` or `measure attainment per term`"
            guard current.kind == .identifier else { expected("`attainment`, `mean` or `uptime` after `measure`", help: shape); recover(to: sync); return nil }
            let kindToken = advance()
            let kind = Identifier(kindToken.value, span: kindToken.span)
            if !["attainment", "mean", "uptime"].contains(kind.name) {
                var help = "a measure is `attainment`, `mean` or `uptime`"
                if let s = Spelling.closest(to: kind.name, among: ["attainment", "mean", "uptime"]) { help = "did you mean `\(s)`?" }
                diagnostics.append(.error("SLA0117", at: kind.span, "unknown measure `\(kind.name)`", help: help))
            }
            var period: PeriodSyntax?
            var periodSpan: Span?
            if isKeyword("per") {
                guard let (p, span) = parsePeriod(help: "measure periods are `per calendar month`, `per calendar quarter`, `per calendar year` or `per term`") else {
                    recover(to: sync); return nil
                }
                period = p
                periodSpan = span
            }
            return .measure(MeasureSyntax(kind: kind, period: period, periodSpan: periodSpan, span: keyword.span.union(tokens[index - 1].span)))
        case "downtime":
            advance()
            let shape = "write `downtime after 5 consecutive breached windows`"
            guard expectKeyword("after", help: shape), let n = expect(.number, "a number of windows after `after`", help: shape),
                  expectKeyword("consecutive", help: shape), expectKeyword("breached", help: shape), expectKeyword("windows", help: shape) else {
                recover(to: sync); return nil
            }
            return .downtime(DowntimeSyntax(count: NumberLiteral(digits: n.value, suffix: n.suffix, span: n.span),
                                            span: keyword.span.union(tokens[index - 1].span)))
        case "minimum":
            advance()
            guard let q = parseQuantity(what: "a number of requests after `minimum`", help: "write e.g. `minimum 20 requests`") else { recover(to: sync); return nil }
            return .minimum(q, span: keyword.span.union(q.span))
        case "objective":
            return parseObjective().map { .objective($0) }
        case "credit":
            return parseCredit().map { .credit($0) }
        case "exclude":
            return parseExclusion(recoverTo: sync).map { .exclusion($0) }
        default:
            var help = "a clause holds `text`, `scope`, `every` or `over term`, `require` or `value`, `minimum`, `empty`, `measure`, `downtime`, `objective`, `credit` and `exclude`"
            if let s = Spelling.closest(to: keyword.value, among: Parser.clauseKeywords) { help = "did you mean `\(s)`?" }
            if Parser.contractKeywords.contains(keyword.value) && keyword.value != "exclude" {
                help = "`\(keyword.value)` belongs in the contract header, outside the clause"
            }
            diagnostics.append(.error("SLA0111", at: keyword.span, "unknown clause item `\(keyword.value)`", help: help))
            recover(to: sync)
            return nil
        }
    }

    private mutating func parseWindowClause() -> WindowClauseSyntax? {
        let sync = Parser.clauseKeywords + ["clause"]
        let keyword = advance()
        let window: WindowSyntax
        if keyword.value == "over" {
            guard isKeyword("term") else {
                expected("`term` after `over`", help: "write `over term` for one window spanning the whole term")
                recover(to: sync); return nil
            }
            window = .term(keyword.span.union(advance().span))
        } else if isKeyword("calendar") {
            let c = advance()
            guard current.kind == .identifier else {
                expected("`day`, `week`, `month`, `quarter` or `year` after `calendar`", help: Parser.calendarWindowsHelp); recover(to: sync); return nil
            }
            let unit = advance()
            if !["day", "week", "month", "quarter", "year"].contains(unit.value) {
                var help = Parser.calendarWindowsHelp
                if let s = Spelling.closest(to: unit.value, among: ["day", "week", "month", "quarter", "year"]) { help = "did you mean `calendar \(s)`?" }
                diagnostics.append(.error("SLA0115", at: unit.span, "unknown calendar window `\(unit.value)`", help: help))
            }
            window = .calendar(Identifier(unit.value, span: c.span.union(unit.span)))
        } else {
            guard let q = parseQuantity(what: "a window length such as `5 minutes` or `calendar day`",
                                        help: "write `every 5 minutes`, `every calendar month` or `over term`") else { recover(to: sync); return nil }
            window = .fixed(q)
        }
        var groups: [Identifier] = []
        if isKeyword("per") {
            advance()
            repeat {
                if current.kind == .comma { advance() }
                guard current.kind == .identifier else {
                    expected("a field name after `per`", help: "write e.g. `per tenant` or `per tenant, model`")
                    recover(to: sync)
                    break
                }
                let t = advance()
                groups.append(Identifier(t.value, span: t.span))
            } while current.kind == .comma
        }
        return WindowClauseSyntax(window: window, groupBy: groups, span: keyword.span.union(tokens[index - 1].span))
    }

    private mutating func parseRequire() -> RequireSyntax? {
        let sync = Parser.clauseKeywords + ["clause"]
        let keyword = advance()
        guard let aggregate = parseAggregate() else { recover(to: sync); return nil }
        guard let (op, opSpan) = parseComparisonOperator() else {
            expected("a comparison such as `<=` after `\(source.slice(aggregate.span))`",
                     help: "write e.g. `require \(source.slice(aggregate.span)) <= BOUND`")
            recover(to: sync); return nil
        }
        let bound = parseOperand()
        if case .missing = bound { recover(to: sync); return nil }
        return RequireSyntax(aggregate: aggregate, comparison: op, operatorSpan: opSpan, bound: bound,
                             span: keyword.span.union(bound.span))
    }

    private mutating func parseAggregate() -> AggregateSyntax? {
        guard current.kind == .identifier else {
            expected("an aggregate such as `p99(ttft)`, `share(...)` or `count`",
                     help: "aggregates are `pQ(x)`, `percentile(x, q)`, `mean`, `min`, `max`, `sum`, `count` and `share`")
            return nil
        }
        let nameToken = advance()
        let function = Identifier(nameToken.value, span: nameToken.span)
        guard current.kind == .leftParen else {
            return AggregateSyntax(function: function, arguments: nil, span: function.span)
        }
        advance()
        var arguments: [AggregateArgumentSyntax] = []
        if current.kind != .rightParen {
            repeat {
                if current.kind == .comma { advance() }
                // `share` takes a condition; other aggregates take operands.
                let predicate = parsePredicate()
                if case .operand(let o) = predicate { arguments.append(.operand(o)) } else { arguments.append(.predicate(predicate)) }
            } while current.kind == .comma
        }
        guard let close = expect(.rightParen, "`)`", help: "close the `(` after `\(function.name)`") else { return nil }
        return AggregateSyntax(function: function, arguments: arguments, span: function.span.union(close.span))
    }

    static let calendarWindowsHelp = "calendar windows are `calendar day`, `calendar week`, `calendar month`, `calendar quarter` and `calendar year`"

    /// `per calendar month|quarter|year` or `per term`, at `per`.
    private mutating func parsePeriod(help: String) -> (PeriodSyntax, Span)? {
        let per = advance()
        if isKeyword("calendar") {
            advance()
            let period: PeriodSyntax
            if isKeyword("month") { period = .calendarMonth } else if isKeyword("quarter") { period = .calendarQuarter } else if isKeyword("year") {
                period = .calendarYear
            } else {
                expected("`month`, `quarter` or `year` after `calendar`", help: help)
                return nil
            }
            return (period, per.span.union(advance().span))
        }
        if isKeyword("term") { return (.term, per.span.union(advance().span)) }
        expected("`calendar month`, `calendar quarter`, `calendar year` or `term` after `per`", help: help)
        return nil
    }

    private mutating func parseObjective() -> ObjectiveSyntax? {
        let sync = Parser.clauseKeywords + ["clause"]
        let keyword = advance()
        if isKeyword("measure") {
            let shape = "write e.g. `objective measure >= 99.9%`"
            advance()
            guard let (op, opSpan) = parseComparisonOperator() else { expected("a comparison such as `>=` after `measure`", help: shape); recover(to: sync); return nil }
            guard let bound = parseQuantity(what: "the objective's bound, e.g. `99.9%`", help: shape) else { recover(to: sync); return nil }
            return ObjectiveSyntax(percent: bound, period: nil, periodSpan: nil, measureComparison: op, measureOperatorSpan: opSpan,
                                   span: keyword.span.union(bound.span))
        }
        guard let percent = parseQuantity(what: "a percentage such as `99.5%`, or `measure`",
                                          help: "write `objective 99.5% of windows` or `objective measure >= 99.9%`") else { recover(to: sync); return nil }
        guard expectKeyword("of", help: "write `objective 99.5% of windows`"), expectKeyword("windows", help: "write `objective 99.5% of windows`") else {
            recover(to: sync); return nil
        }
        var period: ObjectiveSyntax.Period?
        var periodSpan: Span?
        if isKeyword("per") {
            guard let (p, span) = parsePeriod(help: "objective periods are `per calendar month`, `per calendar quarter`, `per calendar year` or `per term`") else {
                recover(to: sync); return nil
            }
            period = p
            periodSpan = span
        }
        return ObjectiveSyntax(percent: percent, period: period, periodSpan: periodSpan, span: keyword.span.union(tokens[index - 1].span))
    }

    /// `amount` (decimal digits) divided by `months`, when that is a whole number of cents.
    static func monthlyAmount(_ amount: String, dividedBy months: Int) -> String? {
        let parts = amount.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard parts.count <= 2, fraction.count <= 2, parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
              let whole = Int(parts[0].isEmpty ? "0" : String(parts[0])), whole < 1 << 40,
              let cents = Int(fraction + String(repeating: "0", count: 2 - fraction.count)) else { return nil }
        let total = whole * 100 + cents
        guard total % months == 0 else { return nil }
        let monthly = total / months
        return "\(monthly / 100)." + String(monthly % 100 + 100).dropFirst()
    }

    private mutating func parseCredit() -> CreditSyntax? {
        let sync = Parser.clauseKeywords + ["clause"]
        let keyword = advance()
        let shape = "write `credit 10% of fee when attainment < 99.5%`, or in a clause with a `measure`, `credit 10% of fee when measure < 99.9%` (`of charges` for a share of the usage charges)"
        guard let percent = parseQuantity(what: "a percentage of the fee or of the charges", help: shape),
              expectKeyword("of", help: shape) else { recover(to: sync); return nil }
        guard isKeyword("fee") || isKeyword("charges") else { expected("`fee` or `charges`", help: shape); recover(to: sync); return nil }
        let baseToken = advance()
        let base: CreditSyntax.Base = baseToken.value == "fee" ? .fee : .charges
        guard expectKeyword("when", help: shape) else { recover(to: sync); return nil }
        let onMeasure: Bool
        if isKeyword("measure") { onMeasure = true } else if isKeyword("attainment") { onMeasure = false } else if current.kind == .identifier,
            ["uptime", "mean", "downtime"].contains(current.value) {
            // `when uptime < 99.9%`, as an SLA says it: the clause's measure is called `measure`
            // here, whatever it computes (the help once suggested `attainment`, another error).
            diagnostics.append(.error("SLA0110", at: current.span, "expected `attainment` or `measure` after `when`, found `\(current.value)`",
                                      help: "a credit tier names the clause's measure as `measure`, whatever it computes: write `when measure`",
                                      fix: DiagnosticFix(span: current.span, replacement: "measure")))
            advance()
            onMeasure = true
            guard let (op, opSpan) = parseComparisonOperator(),
                  let threshold = parseQuantity(what: "the measure's bound", help: shape) else { recover(to: sync); return nil }
            return CreditSyntax(percent: percent, base: base, baseSpan: baseToken.span, onMeasure: onMeasure, comparison: op, operatorSpan: opSpan,
                                threshold: threshold, span: keyword.span.union(threshold.span))
        } else {
            expected("`attainment` or `measure` after `when`", help: shape); recover(to: sync); return nil
        }
        advance()
        guard let (op, opSpan) = parseComparisonOperator() else { expected("a comparison such as `<`", help: shape); recover(to: sync); return nil }
        guard let threshold = parseQuantity(what: onMeasure ? "the measure's bound" : "an attainment percentage", help: shape) else { recover(to: sync); return nil }
        if !onMeasure && op != .less {
            // The threshold as written: the help once always suggested 99.5%.
            let written = source.slice(threshold.span)
            diagnostics.append(.error("SLA0326", at: opSpan, "the short form `when attainment` takes `<`",
                                      help: "write `when attainment < \(written)`, or `when measure \(op.rawValue) \(written)` with a `measure`"))
        }
        return CreditSyntax(percent: percent, base: base, baseSpan: baseToken.span, onMeasure: onMeasure, comparison: op, operatorSpan: opSpan,
                            threshold: threshold, span: keyword.span.union(threshold.span))
    }

    // MARK: quantities and operands

    /// NUMBER [unit]. Units: `%`, or an identifier optionally followed by `/ identifier`.
    private mutating func parseQuantity(what: String, help: String) -> QuantitySyntax? {
        guard current.kind == .number else { expected(what, help: help); return nil }
        let n = advance()
        var number = NumberLiteral(digits: n.value, suffix: n.suffix, span: n.span)
        // `0,8 s`: a decimal comma. One error that says so, and the number read as `0.8`.
        if current.kind == .comma, current.span.start == n.span.end, peek().kind == .number, peek().span.start == current.span.end,
           n.suffix == nil {
            advance()
            let fraction = advance()
            let written = n.value + "," + fraction.value + (fraction.suffix.map { String($0) } ?? "")
            let meant = n.value + "." + fraction.value + (fraction.suffix.map { String($0) } ?? "")
            let nextUnit = current.kind == .identifier && !lineStartTokens.contains(index) ? " " + current.value : ""
            diagnostics.append(.error("SLA0104", at: n.span.union(fraction.span), "`\(written)` is not a number",
                                      help: "numbers use a decimal point: write `\(meant)\(nextUnit)`",
                                      fix: DiagnosticFix(span: n.span.union(fraction.span), replacement: meant)))
            number = NumberLiteral(digits: n.value + "." + fraction.value, suffix: fraction.suffix, span: n.span.union(fraction.span))
        }
        let unit = parseUnit()
        return QuantitySyntax(number: number, unit: unit, span: unit.map { number.span.union($0.span) } ?? number.span)
    }

    private mutating func parseUnit() -> UnitSyntax? {
        if current.kind == .percent { let t = advance(); return UnitSyntax("%", span: t.span) }
        guard current.kind == .identifier else { return nil }
        let word = current.value
        // Keywords that may follow a quantity are not units.
        if ["per", "of", "and", "or", "to", "when", "in", "not"].contains(word) { return nil }
        // An identifier directly after a number on the same line is its unit; the checker validates it.
        if lineStartTokens.contains(index) { return nil }
        if Parser.clauseKeywords.contains(word) || Parser.contractKeywords.contains(word) { return nil }
        let first = advance()
        if current.kind == .slash, peek().kind == .identifier {
            advance()
            let second = advance()
            return UnitSyntax("\(first.value)/\(second.value)", span: first.span.union(second.span))
        }
        return UnitSyntax(first.value, span: first.span)
    }

    private mutating func parseOperand() -> OperandSyntax {
        switch current.kind {
        case .identifier:
            let t = advance()
            return .name(Identifier(t.value, span: t.span))
        case .string:
            let t = advance()
            return .string(StringLiteral(t.value, span: t.span))
        case .number:
            if let q = parseQuantity(what: "a number", help: "write a number such as `800`") { return .quantity(q) }
            return .missing(current.span)
        default:
            expected("a field, a string or a number", help: "write e.g. `status = \"ok\"` or `ttft <= 800 ms`")
            return .missing(Span(current.span.start, current.span.start))
        }
    }

    private mutating func parseComparisonOperator() -> (ComparisonOperator, Span)? {
        let op: ComparisonOperator
        switch current.kind {
        case .equal: op = .equal
        case .notEqual: op = .notEqual
        case .less: op = .less
        case .lessEqual: op = .lessEqual
        case .greater: op = .greater
        case .greaterEqual: op = .greaterEqual
        default: return nil
        }
        return (op, advance().span)
    }

    // MARK: predicates

    /// Nesting limit: deeper input is reported instead of exhausting the stack.
    private static let maxDepth = 200
    private var depth = 0
    /// Set when a too-deep condition was skipped: the enclosing levels do not report their
    /// missing `)` again. Cleared when the outermost condition ends.
    private var abandonedNesting = false

    package mutating func parsePredicate() -> PredicateSyntax {
        depth += 1
        defer {
            if depth == 1 { abandonedNesting = false }
            depth -= 1
        }
        if depth > Parser.maxDepth {
            diagnostics.append(.error("SLA0116", at: current.span, "condition is nested too deeply",
                                      help: "conditions may nest at most \(Parser.maxDepth) levels"))
            abandonedNesting = true
            // Skip the rest of this nesting: to the unmatched `)`, or to the next item or `}`.
            var d = 0
            while !atEnd && current.kind != .rightBrace && !startsItem {
                if current.kind == .leftParen { d += 1 }
                if current.kind == .rightParen { if d == 0 { break }; d -= 1 }
                advance()
            }
            return .missing(current.span)
        }
        return parseChain("or") { $0.parseAnd() }
    }

    private mutating func parseAnd() -> PredicateSyntax {
        parseChain("and") { $0.parseNot() }
    }

    /// `operand (word operand)*`, left-associative. Each link deepens the tree by one level, so a
    /// chain counts towards the nesting limit like parentheses do (every later stage walks the tree
    /// recursively); past the limit the rest of the chain is read, reported once, and dropped.
    private mutating func parseChain(_ word: String, _ operand: (inout Parser) -> PredicateSyntax) -> PredicateSyntax {
        var left = operand(&self)
        let outer = depth
        defer { depth = outer }
        while isKeyword(word) {
            let keyword = advance()
            depth += 1
            if depth > Parser.maxDepth {
                diagnostics.append(.error("SLA0116", at: keyword.span, "condition is too long",
                                          help: "a condition may join at most \(Parser.maxDepth) parts with `and`, `or` and parentheses; use `in [...]` for lists of values"))
                depth = outer
                while true {
                    _ = operand(&self)
                    guard isKeyword(word) else { break }
                    advance()
                }
                return left
            }
            let right = operand(&self)
            left = word == "or" ? .or(left, right, span: left.span.union(right.span)) : .and(left, right, span: left.span.union(right.span))
        }
        return left
    }

    /// True when the current token begins a line and a contract or clause item.
    private var startsItem: Bool {
        lineStartTokens.contains(index) && current.kind == .identifier
            && (Parser.clauseKeywords.contains(current.value) || Parser.contractKeywords.contains(current.value))
    }

    private mutating func parseNot() -> PredicateSyntax {
        if isKeyword("not") {
            let keyword = advance()
            depth += 1
            defer { depth -= 1 }
            if depth > Parser.maxDepth { return parsePredicate() }
            let inner = parseNot()
            return .not(inner, span: keyword.span.union(inner.span))
        }
        return parsePrimary()
    }

    private mutating func parsePrimary() -> PredicateSyntax {
        if current.kind == .leftParen {
            let open = advance()
            let inner = parsePredicate()
            if abandonedNesting && current.kind != .rightParen { return .parenthesized(inner, span: open.span.union(inner.span)) }
            guard let close = expect(.rightParen, "`)`", help: "close the `(` opened at line \(source.location(of: open.span.start).line)") else { return .parenthesized(inner, span: open.span.union(inner.span)) }
            return .parenthesized(inner, span: open.span.union(close.span))
        }
        let lhs = parseOperand()
        if case .missing(let s) = lhs { return .missing(s) }
        if isKeyword("in") || (isKeyword("not") && peek().kind == .identifier && peek().value == "in") {
            var negated = false
            if isKeyword("not") { advance(); negated = true }
            advance()  // in
            guard expect(.leftBracket, "`[` to start a list", help: "write e.g. `model in [\"a\", \"b\"]`") != nil else { return .missing(lhs.span) }
            var values: [OperandSyntax] = []
            while current.kind != .rightBracket && !atEnd {
                let v = parseOperand()
                if case .missing = v { break }
                values.append(v)
                if current.kind == .comma { advance() } else { break }
            }
            guard let close = expect(.rightBracket, "`]` to end the list", help: "separate values with `,` and end the list with `]`") else { return .membership(lhs, negated: negated, values, span: lhs.span) }
            return .membership(lhs, negated: negated, values, span: lhs.span.union(close.span))
        }
        guard let (op, opSpan) = parseComparisonOperator() else { return .operand(lhs) }
        let rhs = parseOperand()
        return .comparison(lhs, op, rhs, operatorSpan: opSpan, span: lhs.span.union(rhs.span))
    }
}

/// Did-you-mean suggestions by edit distance.
package enum Spelling {
    /// The candidate closest to `word` when it is close enough to be a plausible typo.
    package static func closest(to word: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        let lowered = word.lowercased()
        let length = lowered.count
        for c in candidates where c != word {
            let allowed = max(1, min(length, c.count) / 3)
            // The distance is at least the difference in length: skip hopeless candidates cheaply
            // (a 100k-character name must not cost a quadratic comparison with every time zone).
            guard abs(length - c.count) <= allowed else { continue }
            let d = distance(lowered, c.lowercased())
            guard d <= allowed else { continue }
            if let b = best, b.1 <= d { continue }
            best = (c, d)
        }
        return best?.0
    }

    /// Edits from `a` to `b`, where swapping two neighbouring letters is one edit (optimal string
    /// alignment): `modle` is one edit from `model`, the commonest typo, which plain edit distance
    /// counted as two and so suggested nothing (found by a newcomer's check).
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var beforePrevious: [Int] = []
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var row = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                    row[j] = min(row[j], beforePrevious[j - 2] + 1)
                }
            }
            beforePrevious = previous
            previous = row
        }
        return previous[y.count]
    }
}
