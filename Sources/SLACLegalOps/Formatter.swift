import SLACSyntax

/// `slac fmt`: prints a contract in its one canonical layout, so that two lawyers' edits of the
/// same agreement differ only where the agreement does.
///
/// The layout (the first example of docs/language.md is in it already):
/// - four spaces per level; one item per line; items in a canonical order: header items (`id`,
///   `version`, `provider`, `customer`, `effective`, `timezone`, `fee`), then contract exclusions,
///   then clauses; inside a clause `text`, `scope`, `every`/`over`, `require`, `minimum`,
///   `objective`, `credit`, `exclude` (credits and exclusions keep their order among themselves);
/// - header keywords padded to one column past the longest header keyword; clause keywords other
///   than `text` padded to one column past the longest of the clause;
/// - exactly one blank line between the header, the exclusions and each clause; inside a group
///   a blank line the author left between items is kept (at most one);
/// - comments are kept: a comment on its own line stays above the item it precedes; a comment at
///   the end of an item's last line stays there, aligned at column 47 (or three spaces after the
///   code), consecutive ones in a shared column; a comment that sat inside an item spread over
///   several lines moves above that item, since the item is joined onto one line;
/// - text blocks keep their text, re-indented four spaces past their line.
///
/// Formatting never changes meaning (the checked contract before and after is equal) and is
/// idempotent. Only files without syntax errors are formatted.
package enum ContractFormatter {
    /// The 0-based column where trailing comments start unless the code is longer.
    package static let commentColumn = 46

    /// The canonical text of `source`, or its syntax errors.
    package static func format(_ source: SourceFile) -> Result<String, InvalidContract> {
        format(Parser.parse(source))
    }

    /// The canonical text of a parsed file, or its syntax errors.
    package static func format(_ parsed: ParsedContract) -> Result<String, InvalidContract> {
        guard let syntax = parsed.syntax, !parsed.diagnostics.containsErrors else {
            return .failure(InvalidContract(source: parsed.source, diagnostics: parsed.diagnostics))
        }
        var layout = Layout(source: parsed.source, syntax: syntax, comments: parsed.comments)
        // A byte order mark the editor wrote stays, so that `fmt --check` does not fail every
        // file that editor saves.
        let mark = parsed.source.text.utf8.starts(with: [0xEF, 0xBB, 0xBF]) ? "\u{FEFF}" : ""
        return .success(mark + layout.render())
    }
}

/// A comment on a line of its own, and whether a blank line preceded it.
private struct CommentLine {
    var text: String
    var blankBefore: Bool
}

/// One unit of output: a header or clause item, a clause's or the contract's opening line or
/// closing brace. Comments attach to nodes.
private struct Node {
    enum Kind {
        case contractOpen
        case header(HeaderSyntax)
        case contractExclusion(ExclusionSyntax)
        case clauseOpen(clause: Int)
        case clauseItem(ClauseItemSyntax, clause: Int)
        case clauseClose(clause: Int)
        case contractClose
    }
    var kind: Kind
    var span: Span
    var leading: [CommentLine] = []
    /// Comments from inside a multi-line item; printed after `leading`, above the item.
    var inner: [CommentLine] = []
    var trailing: String?
    var blankBefore = false
}

/// Whether a blank line goes before a node's first output line.
private enum BlankRule { case never, always, preserve }

/// A line of output before comment alignment.
private struct OutputLine {
    var code: String
    var comment: String?
    /// Text-block content is never followed by a comment and is printed as is.
    var isBlank: Bool { code.isEmpty && comment == nil }
}

private struct Layout {
    let source: SourceFile
    let syntax: ContractSyntax
    let bytes: [UInt8]
    var nodes: [Node] = []
    var fileTrailing: [CommentLine] = []
    var clauses: [ClauseSyntax] = []
    var lines: [OutputLine] = []

    init(source: SourceFile, syntax: ContractSyntax, comments: [Comment]) {
        self.source = source
        self.syntax = syntax
        self.bytes = Array(source.text.utf8)
        let tokens = Lexer.tokenize(source.text).tokens.filter { $0.kind != .endOfFile && $0.kind != .invalid }
        buildNodes(tokens: tokens)
        attach(comments: comments, tokens: tokens)
    }

    // MARK: nodes and comments

    private mutating func buildNodes(tokens: [Token]) {
        func firstBrace(after offset: Int) -> Int {
            // Bisect to the first token at `offset`, then look on (a scan from the start per
            // clause was quadratic).
            var i = Self.firstIndex(in: tokens) { $0.span.start >= offset }
            while i < tokens.count {
                if tokens[i].kind == .leftBrace { return tokens[i].span.end }
                i += 1
            }
            return offset
        }
        nodes.append(Node(kind: .contractOpen, span: Span(syntax.span.start, firstBrace(after: syntax.name.span.end))))
        for item in syntax.items {
            switch item {
            case .header(let h): nodes.append(Node(kind: .header(h), span: h.span))
            case .exclusion(let e): nodes.append(Node(kind: .contractExclusion(e), span: e.span))
            case .clause(let c):
                let index = clauses.count
                clauses.append(c)
                nodes.append(Node(kind: .clauseOpen(clause: index), span: Span(c.span.start, firstBrace(after: c.name.span.end))))
                for i in c.items { nodes.append(Node(kind: .clauseItem(i, clause: index), span: i.span)) }
                nodes.append(Node(kind: .clauseClose(clause: index), span: Span(max(c.span.start, c.span.end - 1), c.span.end)))
            }
        }
        nodes.append(Node(kind: .contractClose, span: Span(max(syntax.span.start, syntax.span.end - 1), syntax.span.end)))
        for i in nodes.indices { nodes[i].blankBefore = startsLine(nodes[i].span.start) && blankLineBefore(nodes[i].span.start) }
    }

    /// The node whose span holds `offset` (nodes do not overlap and cover every token).
    private func node(containing offset: Int) -> Int? {
        var low = 0, high = nodes.count - 1, found: Int?
        while low <= high {
            let mid = (low + high) / 2
            if nodes[mid].span.start <= offset { found = mid; low = mid + 1 } else { high = mid - 1 }
        }
        return found
    }

    private func line(_ offset: Int) -> Int { source.location(of: offset).line }

    private func startsLine(_ offset: Int) -> Bool {
        var k = offset - 1
        while k >= 0 && (bytes[k] == UInt8(ascii: " ") || bytes[k] == UInt8(ascii: "\t")) { k -= 1 }
        return k < 0 || bytes[k] == UInt8(ascii: "\n") || bytes[k] == UInt8(ascii: "\r")
    }

    /// True when the line above the one holding `offset` is empty or blank.
    private func blankLineBefore(_ offset: Int) -> Bool {
        let n = line(offset)
        guard n > 1 else { return false }
        return source.line(n - 1).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// The index of the first token (in source order) whose span satisfies `isAfter`, by
    /// bisection: searching the tokens from the start for each comment made a contract of 7,000
    /// commented clauses take seconds to format (quadratic).
    private static func firstIndex(in tokens: [Token], where isAfter: (Token) -> Bool) -> Int {
        var low = 0, high = tokens.count
        while low < high {
            let mid = (low + high) / 2
            if isAfter(tokens[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    private mutating func attach(comments: [Comment], tokens: [Token]) {
        for comment in comments.sorted(by: { $0.span.start < $1.span.start }) {
            var text = comment.text
            while let last = text.last, last == " " || last == "\t" { text.removeLast() }
            let commentLine = line(comment.span.start)
            let afterPrevious = Self.firstIndex(in: tokens) { $0.span.end > comment.span.start }
            let previous = afterPrevious > 0 ? tokens[afterPrevious - 1] : nil
            if let previous, line(max(previous.span.start, previous.span.end - 1)) == commentLine,
               let n = node(containing: previous.span.start) {
                if line(max(nodes[n].span.start, nodes[n].span.end - 1)) == commentLine && nodes[n].trailing == nil {
                    nodes[n].trailing = text
                } else {
                    nodes[n].inner.append(CommentLine(text: text, blankBefore: false))
                }
                continue
            }
            let blank = blankLineBefore(comment.span.start)
            let nextIndex = Self.firstIndex(in: tokens) { $0.span.start >= comment.span.end }
            guard nextIndex < tokens.count, case let next = tokens[nextIndex], let n = node(containing: next.span.start) else {
                fileTrailing.append(CommentLine(text: text, blankBefore: blank))
                continue
            }
            if next.span.start == nodes[n].span.start {
                nodes[n].leading.append(CommentLine(text: text, blankBefore: blank))
            } else {
                nodes[n].inner.append(CommentLine(text: text, blankBefore: false))
            }
        }
    }

    // MARK: output

    private mutating func emit(_ node: Node, indent: Int, code: String, rule: BlankRule) {
        let pad = String(repeating: " ", count: indent)
        var first = true
        func blank(_ flag: Bool) -> Bool {
            defer { first = false }
            guard first else { return flag }
            switch rule {
            case .never: return false
            case .always: return true
            case .preserve: return flag
            }
        }
        for c in node.leading + node.inner {
            if blank(c.blankBefore) { lines.append(OutputLine(code: "")) }
            lines.append(OutputLine(code: pad + c.text))
        }
        if blank(node.blankBefore) { lines.append(OutputLine(code: "")) }
        let codeLines = (pad + code).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, l) in codeLines.enumerated() {
            lines.append(OutputLine(code: l, comment: i == codeLines.count - 1 ? node.trailing : nil))
        }
    }

    mutating func render() -> String {
        // File comments and the opening line.
        guard let open = nodes.first, let close = nodes.last else { return "" }
        emit(open, indent: 0, code: "contract " + SyntaxPrinter.string(syntax.name, indent: 0) + " {", rule: .never)

        var headers: [Node] = [], exclusions: [Node] = [], clauseNodes: [[Node]] = []
        for node in nodes.dropFirst().dropLast() {
            switch node.kind {
            case .header: headers.append(node)
            case .contractExclusion: exclusions.append(node)
            case .clauseOpen: clauseNodes.append([node])
            case .clauseItem, .clauseClose: clauseNodes[clauseNodes.count - 1].append(node)
            case .contractOpen, .contractClose: break
            }
        }
        headers = stableSorted(headers) { Layout.headerRank($0) }
        var wroteItem = false
        func groupRule(_ isFirstOfGroup: Bool) -> BlankRule {
            defer { wroteItem = true }
            if !wroteItem { return .never }
            return isFirstOfGroup ? .always : .preserve
        }

        let headerWidth = (headers.map { Layout.headerKeyword($0).count }.max() ?? 0) + 1
        for (i, node) in headers.enumerated() {
            emit(node, indent: 4, code: headerCode(node, width: headerWidth), rule: groupRule(i == 0))
        }
        for (i, node) in exclusions.enumerated() {
            guard case .contractExclusion(let e) = node.kind else { continue }
            emit(node, indent: 4, code: "exclude " + SyntaxPrinter.exclusion(e), rule: groupRule(i == 0))
        }
        for group in clauseNodes {
            guard let clauseOpen = group.first, case .clauseOpen(let index) = clauseOpen.kind else { continue }
            let clause = clauses[index]
            emit(clauseOpen, indent: 4,
                 code: "clause " + SyntaxPrinter.string(clause.ref, indent: 4) + " " + clause.name.name + " {", rule: groupRule(true))
            var items = Array(group.dropFirst().filter { if case .clauseItem = $0.kind { true } else { false } })
            items = stableSorted(items) { Layout.itemRank($0) }
            let width = (items.compactMap { Layout.itemKeyword($0) }.map(\.count).max() ?? 0) + 1
            for (i, item) in items.enumerated() {
                emit(item, indent: 8, code: itemCode(item, width: width), rule: i == 0 ? .never : .preserve)
            }
            if let clauseClose = group.last, case .clauseClose = clauseClose.kind {
                emitClose(clauseClose, indent: 4, bodyEmpty: items.isEmpty)
            }
        }
        emitClose(close, indent: 0, bodyEmpty: !wroteItem)
        for c in fileTrailing {
            if c.blankBefore { lines.append(OutputLine(code: "")) }
            lines.append(OutputLine(code: c.text))
        }
        return aligned()
    }

    /// A closing brace: comments before it are printed one level deeper, then `}`.
    private mutating func emitClose(_ node: Node, indent: Int, bodyEmpty: Bool) {
        let inner = String(repeating: " ", count: indent + 4)
        for (i, c) in (node.leading + node.inner).enumerated() {
            if c.blankBefore && !(i == 0 && bodyEmpty) { lines.append(OutputLine(code: "")) }
            lines.append(OutputLine(code: inner + c.text))
        }
        lines.append(OutputLine(code: String(repeating: " ", count: indent) + "}", comment: node.trailing))
    }

    /// Aligns trailing comments of consecutive lines and joins the lines.
    private func aligned() -> String {
        var out: [String] = []
        var i = 0
        while i < lines.count {
            guard lines[i].comment != nil else { out.append(lines[i].code); i += 1; continue }
            var j = i
            while j < lines.count && lines[j].comment != nil { j += 1 }
            let longest = lines[i..<j].map { $0.code.unicodeScalars.count }.max() ?? 0
            let column = max(ContractFormatter.commentColumn, longest + 3)
            for line in lines[i..<j] {
                let gap = column - line.code.unicodeScalars.count
                out.append(line.code + String(repeating: " ", count: gap) + (line.comment ?? ""))
            }
            i = j
        }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: items

    private static let headerOrder = ["id", "version", "provider", "customer", "effective", "timezone", "fee", "price"]

    private static func headerKeyword(_ node: Node) -> String {
        guard case .header(let h) = node.kind else { return "" }
        switch h {
        case .text(let keyword, _, _): return keyword.name
        case .effective: return "effective"
        case .fee: return "fee"
        case .price: return "price"
        }
    }

    private static func headerRank(_ node: Node) -> Int {
        headerOrder.firstIndex(of: headerKeyword(node)) ?? headerOrder.count
    }

    private func headerCode(_ node: Node, width: Int) -> String {
        guard case .header(let h) = node.kind else { return "" }
        let keyword = Layout.headerKeyword(node)
        let padded = keyword + String(repeating: " ", count: max(1, width - keyword.count))
        switch h {
        case .text(_, let value, _): return padded + SyntaxPrinter.string(value, indent: 4)
        case .effective(let from, let to, _): return padded + from.text + " to " + to.text
        case .fee(let amount, let currency, _): return padded + SyntaxPrinter.number(amount) + " " + currency.name + " per month"
        case .price(let amount, let currency, let per, let field, let condition, _):
            return padded + SyntaxPrinter.price(amount: amount, currency: currency, per: per, field: field, condition: condition)
        }
    }

    private static func itemRank(_ node: Node) -> Int {
        guard case .clauseItem(let item, _) = node.kind else { return 99 }
        switch item {
        case .text: return 0
        case .scope: return 1
        case .window: return 2
        case .require, .value: return 3
        case .minimum: return 4
        case .empty: return 5
        case .downtime: return 6
        case .measure: return 7
        case .objective: return 8
        case .credit: return 9
        case .exclusion: return 10
        }
    }

    /// The padded keyword of a clause item; nil for `text`, which is never padded.
    private static func itemKeyword(_ node: Node) -> String? {
        guard case .clauseItem(let item, _) = node.kind else { return nil }
        switch item {
        case .text: return nil
        case .scope: return "scope"
        case .window(let w): return SyntaxPrinter.window(w).keyword
        case .require: return "require"
        case .minimum: return "minimum"
        case .objective: return "objective"
        case .credit: return "credit"
        case .exclusion: return "exclude"
        case .value: return "value"
        case .empty: return "empty"
        case .measure: return "measure"
        case .downtime: return "downtime"
        }
    }

    private func itemCode(_ node: Node, width: Int) -> String {
        guard case .clauseItem(let item, _) = node.kind else { return "" }
        func padded(_ keyword: String) -> String { keyword + String(repeating: " ", count: max(1, width - keyword.count)) }
        switch item {
        case .text(let t, _): return "text " + SyntaxPrinter.string(t, indent: 8)
        case .scope(let p, _): return padded("scope") + SyntaxPrinter.predicate(p)
        case .window(let w):
            let (keyword, rest) = SyntaxPrinter.window(w)
            // `over term` reads as one phrase: it is not split by the keyword column.
            if case .term = w.window { return keyword + " " + rest }
            return padded(keyword) + rest
        case .require(let r): return padded("require") + SyntaxPrinter.requirement(r)
        case .minimum(let q, _): return padded("minimum") + SyntaxPrinter.quantity(q)
        case .objective(let o): return padded("objective") + SyntaxPrinter.objective(o)
        case .credit(let c): return padded("credit") + SyntaxPrinter.credit(c)
        case .exclusion(let e): return padded("exclude") + SyntaxPrinter.exclusion(e)
        case .value(let v): return padded("value") + SyntaxPrinter.aggregate(v.aggregate)
        case .empty(let e): return padded("empty") + SyntaxPrinter.empty(e)
        case .measure(let m): return padded("measure") + SyntaxPrinter.measure(m)
        case .downtime(let d): return padded("downtime") + SyntaxPrinter.downtime(d)
        }
    }

    private func stableSorted(_ nodes: [Node], by rank: (Node) -> Int) -> [Node] {
        nodes.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }
}
