/// The kinds of token in a contract file. Keywords are contextual: the lexer yields identifiers and
/// the parser decides, so a trace field may be called `model` or `region` without quoting.
package enum TokenKind: Sendable, Hashable {
    case identifier
    /// A `"..."` string; `Token.value` holds the decoded text.
    case string
    /// A `"""` block; `Token.value` holds the text with the closing delimiter's indentation stripped.
    case textBlock
    /// A decimal number, possibly with a magnitude suffix `k`, `M` or `B` (kept in `Token.suffix`).
    case number
    /// `YYYY-MM-DD`.
    case date
    /// `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`.
    case instant
    case leftBrace, rightBrace, leftParen, rightParen, leftBracket, rightBracket
    case comma, percent, slash
    case equal, notEqual, less, lessEqual, greater, greaterEqual
    case endOfFile
    /// Bytes that form no token; the lexer has already reported them.
    case invalid
}

/// A token with its span; `value` is the decoded text for strings and blocks, else the source text.
package struct Token: Sendable, Hashable {
    package var kind: TokenKind
    package var span: Span
    package var value: String
    /// Magnitude suffix of a number (`k`, `M`, `B`), if any.
    package var suffix: Character?

    package init(kind: TokenKind, span: Span, value: String, suffix: Character? = nil) {
        self.kind = kind
        self.span = span
        self.value = value
        self.suffix = suffix
    }
}

/// A `//` comment, kept so that `slac fmt` can preserve it.
package struct Comment: Sendable, Hashable {
    package var span: Span
    package var text: String
}

/// Turns contract bytes into tokens. Never fails: bad bytes become diagnostics and `.invalid`
/// tokens, so the parser can go on and report every error of the file in one run.
package struct Lexer {
    private let bytes: [UInt8]
    private var position = 0
    package private(set) var diagnostics: [Diagnostic] = []
    package private(set) var comments: [Comment] = []
    /// Invalid characters before this offset (the rest of a line already reported) are not reported again.
    private var invalidReportedUntil = 0

    package init(_ text: String) { self.bytes = Array(text.utf8) }

    package static func tokenize(_ text: String) -> (tokens: [Token], comments: [Comment], diagnostics: [Diagnostic]) {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .endOfFile { break }
        }
        return (tokens, lexer.comments, lexer.diagnostics)
    }

    /// Whether a line ends at byte `i` (`SourceFile.isLineBreak`: LF, or a lone CR as classic
    /// Mac OS wrote it; LSP counts both).
    private func isLineBreak(_ i: Int) -> Bool { SourceFile.isLineBreak(bytes, at: i) }

    private func peek(_ offset: Int = 0) -> UInt8? {
        let i = position + offset
        return i < bytes.count ? bytes[i] : nil
    }

    private static func isDigit(_ b: UInt8?) -> Bool { b.map { $0 >= 48 && $0 <= 57 } ?? false }
    private static func isIdentifierStart(_ b: UInt8?) -> Bool {
        guard let b else { return false }
        return (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == UInt8(ascii: "_")
    }
    private static func isIdentifierContinue(_ b: UInt8?) -> Bool { isIdentifierStart(b) || isDigit(b) }

    private func text(_ start: Int, _ end: Int) -> String { String(decoding: bytes[start..<end], as: UTF8.self) }

    package mutating func next() -> Token {
        skipTrivia()
        guard let byte = peek() else {
            return Token(kind: .endOfFile, span: Span(bytes.count, bytes.count), value: "")
        }
        let start = position
        func single(_ kind: TokenKind, _ length: Int = 1) -> Token {
            position += length
            return Token(kind: kind, span: Span(start, position), value: text(start, position))
        }
        switch byte {
        case UInt8(ascii: "{"): return single(.leftBrace)
        case UInt8(ascii: "}"): return single(.rightBrace)
        case UInt8(ascii: "("): return single(.leftParen)
        case UInt8(ascii: ")"): return single(.rightParen)
        case UInt8(ascii: "["): return single(.leftBracket)
        case UInt8(ascii: "]"): return single(.rightBracket)
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: "%"): return single(.percent)
        case UInt8(ascii: "/"): return single(.slash)
        case UInt8(ascii: "+"), UInt8(ascii: "*"): return lexArithmetic()
        case UInt8(ascii: "="):
            if peek(1) == UInt8(ascii: "=") {
                diagnostics.append(.error("SLA0107", at: Span(start, start + 2), "`==` is not an operator",
                                          help: "write `=` to compare for equality",
                                          fix: DiagnosticFix(span: Span(start, start + 2), replacement: "=")))
                return single(.equal, 2)
            }
            return single(.equal)
        case UInt8(ascii: "!"):
            if peek(1) == UInt8(ascii: "=") { return single(.notEqual, 2) }
            diagnostics.append(.error("SLA0101", at: Span(start, start + 1), "unexpected character `!`",
                                      help: "write `!=` for inequality or `not` to negate a condition"))
            return single(.invalid)
        case UInt8(ascii: "&") where peek(1) == UInt8(ascii: "&"), UInt8(ascii: "|") where peek(1) == UInt8(ascii: "|"):
            // `&&` and `||`: report once, then read them as `and` / `or` so parsing goes on.
            let word = byte == UInt8(ascii: "&") ? "and" : "or"
            diagnostics.append(.error("SLA0101", at: Span(start, start + 2), "unexpected `\(text(start, start + 2))`",
                                      help: "write `\(word)` to combine conditions",
                                      fix: DiagnosticFix(span: Span(start, start + 2), replacement: word)))
            position += 2
            return Token(kind: .identifier, span: Span(start, position), value: word)
        case UInt8(ascii: "<"):
            if peek(1) == UInt8(ascii: "=") { return single(.lessEqual, 2) }
            return single(.less)
        case UInt8(ascii: ">"):
            if peek(1) == UInt8(ascii: "=") { return single(.greaterEqual, 2) }
            return single(.greater)
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"") { return lexTextBlock() }
            return lexString()
        default:
            if Lexer.isDigit(byte) { return lexNumberOrTime() }
            if Lexer.isIdentifierStart(byte) { return lexIdentifier() }
            return lexInvalid()
        }
    }

    private mutating func skipTrivia() {
        // A UTF-8 byte order mark at the very start (Notepad and some Windows editors write one)
        // is not text; traces accept it too.
        if position == 0 && peek() == 0xEF && peek(1) == 0xBB && peek(2) == 0xBF { position = 3 }
        while let b = peek() {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                position += 1
            } else if b == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "/") {
                let start = position
                while position < bytes.count, !isLineBreak(position) { position += 1 }
                var end = position
                if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                comments.append(Comment(span: Span(start, end), text: text(start, end)))
            } else {
                return
            }
        }
    }

    /// `a + b` or `a * b`: arithmetic is not part of the language. One error, and the operator
    /// with its right operand is skipped, so `sum(input_tokens + output_tokens)` does not cascade
    /// into "expected `)`" errors; the sum of input and output tokens is the metric `total_tokens`.
    private mutating func lexArithmetic() -> Token {
        let start = position
        let op = text(start, start + 1)
        position += 1
        // The left operand: the identifier just before, on the same line.
        var l = start - 1
        while l >= 0 && (bytes[l] == UInt8(ascii: " ") || bytes[l] == UInt8(ascii: "\t")) { l -= 1 }
        let leftEnd = l + 1
        while l >= 0 && Lexer.isIdentifierContinue(bytes[l]) { l -= 1 }
        let left = text(l + 1, leftEnd)
        // The right operand is skipped with the operator.
        while let b = peek(), b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { position += 1 }
        let rightStart = position
        while let b = peek(), Lexer.isIdentifierContinue(b) || b == UInt8(ascii: ".") { position += 1 }
        let right = text(rightStart, position)
        let tokens: Set<String> = ["input_tokens", "output_tokens"]
        if op == "+" && left != right && tokens.contains(left) && tokens.contains(right) {
            diagnostics.append(.error("SLA0108", at: Span(start, start + 1), "arithmetic is not part of the contract language",
                                      help: "write `total_tokens`, the metric for input plus output tokens",
                                      fix: DiagnosticFix(span: Span(l + 1, position), replacement: "total_tokens")))
        } else {
            diagnostics.append(.error("SLA0108", at: Span(start, start + 1), "arithmetic is not part of the contract language",
                                      help: "compare one metric or field with a value; derived values are metrics of their own, such as `total_tokens`, `tpot`, `decode_tps` and `e2e_tps`"))
        }
        return Token(kind: .invalid, span: Span(start, position), value: text(start, position))
    }

    /// Whether `b` can begin a token (or trivia), so that a run of invalid characters stops there.
    private static func beginsToken(_ b: UInt8) -> Bool {
        isDigit(b) || isIdentifierStart(b) || " \t\r\n{}()[],%/=!<>\"&|+*".utf8.contains(b)
    }

    private mutating func lexInvalid() -> Token {
        let start = position
        // Consume whole UTF-8 sequences so the message shows the characters; a run of invalid
        // characters (`@@@`, a pasted binary blob) is one diagnostic, not one per character.
        var count = 0
        repeat {
            position += 1
            while let b = peek(), b & 0xC0 == 0x80 { position += 1 }
            count += 1
        } while peek().map { !Lexer.beginsToken($0) } ?? false
        let shown = text(start, position)
        let printable = shown.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && $0.value != 0xFFFD }
        let display: String
        if printable {
            display = "`\(shown.unicodeScalars.count > 24 ? String(shown.unicodeScalars.prefix(24)) + "…" : shown)`"
        } else {
            let scalar = shown.unicodeScalars.first { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0xFFFD } ?? " "
            let hex = String(scalar.value, radix: 16, uppercase: true)
            display = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        // One such error per line: a line of `a:a:a:…` is one mistake repeated, and reporting each
        // run reprinted the line once per run (24 KB of it took 18 s and 434 MB of output).
        if start >= invalidReportedUntil {
            diagnostics.append(.error("SLA0101", at: Span(start, position), "unexpected character\(count > 1 && printable ? "s" : "") \(display)",
                                      help: "contract text outside strings uses letters, digits, operators and `//` comments"))
            var end = position
            while end < bytes.count && !isLineBreak(end) { end += 1 }
            invalidReportedUntil = end
        }
        return Token(kind: .invalid, span: Span(start, position), value: shown)
    }

    private mutating func lexIdentifier() -> Token {
        let start = position
        while Lexer.isIdentifierContinue(peek()) { position += 1 }
        // Dotted field names (`gen_ai.request.model`) and percentile names (`p99.9`).
        while peek() == UInt8(ascii: ".") {
            let word = text(start, position)
            let isPercentileName = word.count > 1 && word.first == "p" && word.dropFirst().allSatisfy(\.isNumber) && !word.contains(".")
            if isPercentileName && Lexer.isDigit(peek(1)) {
                position += 1
                while Lexer.isDigit(peek()) { position += 1 }
            } else if Lexer.isIdentifierStart(peek(1)) {
                position += 1
                while Lexer.isIdentifierContinue(peek()) { position += 1 }
            } else {
                break
            }
        }
        return Token(kind: .identifier, span: Span(start, position), value: text(start, position))
    }

    private mutating func lexNumberOrTime() -> Token {
        let start = position
        // Dates and instants start with four digits and a dash.
        if (0..<4).allSatisfy({ Lexer.isDigit(peek($0)) }) && peek(4) == UInt8(ascii: "-") && Lexer.isDigit(peek(5)) {
            return lexTime()
        }
        while Lexer.isDigit(peek()) { position += 1 }
        if peek() == UInt8(ascii: ".") && Lexer.isDigit(peek(1)) {
            position += 1
            while Lexer.isDigit(peek()) { position += 1 }
        }
        let numberEnd = position
        var suffix: Character?
        if let b = peek(), b == UInt8(ascii: "k") || b == UInt8(ascii: "M") || b == UInt8(ascii: "B"),
           !Lexer.isIdentifierContinue(peek(1)) {
            suffix = Character(Unicode.Scalar(b))
            position += 1
        }
        if Lexer.isIdentifierStart(peek()) {
            // `800ms`: a unit glued to its number.
            let unitStart = position
            while Lexer.isIdentifierContinue(peek()) { position += 1 }
            let unit = text(unitStart, position)
            diagnostics.append(.error("SLA0104", at: Span(start, position), "number `\(text(start, position))` runs into `\(unit)`",
                                      help: "put a space between the number and its unit: `\(text(start, unitStart)) \(unit)`"))
            position = unitStart
        }
        return Token(kind: .number, span: Span(start, position), value: text(start, numberEnd), suffix: suffix)
    }

    private mutating func lexTime() -> Token {
        let start = position
        while let b = peek(), Lexer.isDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ":") || b == UInt8(ascii: ".")
                || b == UInt8(ascii: "T") || b == UInt8(ascii: "Z") || b == UInt8(ascii: "+") {
            position += 1
        }
        let value = text(start, position)
        let kind: TokenKind = value.contains("T") ? .instant : .date
        return Token(kind: kind, span: Span(start, position), value: value)
    }

    private mutating func lexString() -> Token {
        let start = position
        position += 1
        var value: [UInt8] = []
        while true {
            guard let b = peek(), !isLineBreak(position) else {
                diagnostics.append(.error("SLA0102", at: Span(start, position), "unterminated string",
                                          help: "close the string with `\"` on the same line, or use a `\"\"\"` block for several lines"))
                return Token(kind: .string, span: Span(start, position), value: String(decoding: value, as: UTF8.self))
            }
            position += 1
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                if let decoded = lexEscape(escapeStart: position - 1) { value.append(contentsOf: decoded) }
            } else {
                value.append(b)
            }
        }
        return Token(kind: .string, span: Span(start, position), value: String(decoding: value, as: UTF8.self))
    }

    /// Decodes the escape after a backslash; reports unknown escapes.
    private mutating func lexEscape(escapeStart: Int) -> [UInt8]? {
        guard let e = peek() else { return nil }
        position += 1
        switch e {
        case UInt8(ascii: "\""): return [e]
        case UInt8(ascii: "\\"): return [e]
        case UInt8(ascii: "n"): return [10]
        case UInt8(ascii: "t"): return [9]
        default:
            diagnostics.append(.error("SLA0103", at: Span(escapeStart, position), "unknown escape `\\\(Character(Unicode.Scalar(e)))`",
                                      help: "strings know `\\\"`, `\\\\`, `\\n` and `\\t`"))
            return nil
        }
    }

    /// A `"""` block: the opening delimiter ends its line; the closing delimiter stands on a line
    /// of its own, and its indentation is removed from every line (as in Swift).
    private mutating func lexTextBlock() -> Token {
        let start = position
        position += 3
        // Rest of the opening line must be blank.
        while let b = peek(), b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { position += 1 }
        if peek() == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n") { position += 1 }
        var firstLine: String?
        var lines: [(start: Int, end: Int)] = []
        if peek() == nil {
            diagnostics.append(.error("SLA0105", at: Span(start, start + 3), "unterminated text block",
                                      help: "close the block with `\"\"\"` on a line of its own"))
            return Token(kind: .textBlock, span: Span(start, position), value: "")
        }
        if !isLineBreak(position) {
            // Report, then read the rest of the line as the block's first line and go on, so the
            // closing `"""` still ends the block.
            diagnostics.append(.error("SLA0105", at: Span(start, start + 3), "text after the opening `\"\"\"` of a text block",
                                      help: "start the block's text on the line after `\"\"\"`"))
            let lineEnd = (position..<bytes.count).first(where: isLineBreak) ?? bytes.count
            let quote = UInt8(ascii: "\"")
            if let q = (position..<max(position, lineEnd - 2)).first(where: { bytes[$0] == quote && bytes[$0 + 1] == quote && bytes[$0 + 2] == quote }) {
                // `"""one line"""`: the block closes on its opening line.
                position = q + 3
                return Token(kind: .textBlock, span: Span(start, position), value: text(start + 3, q))
            }
            firstLine = text(position, lineEnd)
            position = lineEnd
            if peek() == nil {
                diagnostics.append(.error("SLA0105", at: Span(start, start + 3), "unterminated text block",
                                          help: "close the block with `\"\"\"` on a line of its own"))
                return Token(kind: .textBlock, span: Span(start, position), value: firstLine ?? "")
            }
        }
        position += 1
        while true {
            let lineStart = position
            while position < bytes.count, !isLineBreak(position) { position += 1 }
            var lineEnd = position
            if lineEnd > lineStart && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            // Closing delimiter: only whitespace, then `"""`.
            var k = lineStart
            while k < lineEnd && (bytes[k] == UInt8(ascii: " ") || bytes[k] == UInt8(ascii: "\t")) { k += 1 }
            if k + 3 <= lineEnd && bytes[k] == UInt8(ascii: "\"") && bytes[k + 1] == UInt8(ascii: "\"") && bytes[k + 2] == UInt8(ascii: "\"") {
                position = k + 3
                let indentation = Array(bytes[lineStart..<k])
                return Token(kind: .textBlock, span: Span(start, position), value: joined(firstLine, stripIndentation(lines, indentation)))
            }
            lines.append((lineStart, lineEnd))
            if peek() == nil {
                diagnostics.append(.error("SLA0105", at: Span(start, start + 3), "unterminated text block",
                                          help: "close the block with `\"\"\"` on a line of its own"))
                return Token(kind: .textBlock, span: Span(start, position), value: joined(firstLine, stripIndentation(lines, [])))
            }
            position += 1
        }
    }

    private func joined(_ first: String?, _ rest: String) -> String {
        guard let first else { return rest }
        return rest.isEmpty ? first : first + "\n" + rest
    }

    private mutating func stripIndentation(_ lines: [(start: Int, end: Int)], _ indentation: [UInt8]) -> String {
        var out: [String] = []
        for line in lines {
            let content = Array(bytes[line.start..<line.end])
            // As in Swift: an empty line stays empty; every other line, even one of blanks only,
            // must start with the closing delimiter's indentation, which is removed.
            if content.isEmpty {
                out.append("")
            } else if content.starts(with: indentation) {
                out.append(String(decoding: content[indentation.count...], as: UTF8.self))
            } else {
                diagnostics.append(.error("SLA0106", at: Span(line.start, line.end),
                                          "line in a text block is indented less than its closing `\"\"\"`",
                                          help: "indent every line of the block at least as far as the closing delimiter"))
                out.append(String(decoding: content, as: UTF8.self).trimmingLeadingBlanks)
            }
        }
        return out.joined(separator: "\n")
    }
}

extension String {
    fileprivate var trimmingLeadingBlanks: String {
        String(drop(while: { $0 == " " || $0 == "\t" }))
    }
}
