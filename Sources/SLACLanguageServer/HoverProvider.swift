import Foundation
import SLACChecker
import SLACExact
import SLACLegalOps
import SLACSyntax

/// Hover texts: what a metric measures, how an aggregate is computed, what a clause checks (the
/// `slac explain` text), what a quantity is in canonical units, and a time zone's offsets.
///
/// Answers come from the same wording as `slac explain` (`Glossary`, `ContractExplainer`), so the
/// editor and the command line never describe the language differently.
enum HoverProvider {
    static func hover(in document: OpenDocument, at position: Position, now: Date) -> Hover? {
        let offset = document.positions.offset(of: position)
        let tokens = Lexer.tokenize(document.text).tokens.filter { $0.kind != .endOfFile && $0.kind != .invalid }
        guard let i = tokenIndex(in: tokens, at: offset) else { return nil }
        let token = tokens[i]
        func answer(_ markdown: String, _ span: Span) -> Hover {
            Hover(contents: MarkupContent(kind: "markdown", value: markdown), range: document.positions.range(of: span))
        }
        let next = i + 1 < tokens.count ? tokens[i + 1] : nil
        let previous = i > 0 ? tokens[i - 1] : nil

        // A clause's name or reference: the explanation of the clause.
        if let syntax = document.outcome.parsed.syntax {
            for case .clause(let c) in syntax.items where c.name.span == token.span || c.ref.span == token.span {
                return answer(clauseText(c, in: document), token.span)
            }
        }
        switch token.kind {
        case .identifier:
            // `count` without parentheses is the aggregate only right after `require` or `value`;
            // elsewhere (`scope count = "x"`) it is a custom field of the trace.
            let countAggregate = token.value == "count" && ["require", "value"].contains(previous?.value ?? "")
            if next?.kind == .leftParen || countAggregate, previous.map({ !($0.kind == .identifier && $0.value == "clause") }) ?? true,
               let text = Glossary.aggregate(token.value, metric: aggregateMetric(tokens, after: i) ?? .ttft) {
                return answer(text, token.span)
            }
            if let metric = Metric(rawValue: token.value) { return answer(Glossary.metric(metric), token.span) }
            if let q = quantity(tokens, around: i, bytes: document.positions.bytes) { return answer(q.text, q.span) }
        case .number, .percent, .slash:
            if let q = quantity(tokens, around: i, bytes: document.positions.bytes) { return answer(q.text, q.span) }
        case .string:
            if previous?.kind == .identifier && previous?.value == "timezone", let text = timeZoneText(token.value, now: now) {
                return answer(text, token.span)
            }
        default: break
        }
        return nil
    }

    /// The token under the cursor, or the one that ends right at it (the cursor after a word).
    static func tokenIndex(in tokens: [Token], at offset: Int) -> Int? {
        if let i = tokens.firstIndex(where: { $0.span.start <= offset && offset < $0.span.end }) { return i }
        return tokens.lastIndex { $0.span.end == offset }
    }

    /// For `p99(ttft)`, the metric argument, so that the text names it.
    private static func aggregateMetric(_ tokens: [Token], after i: Int) -> Metric? {
        guard i + 2 < tokens.count, tokens[i + 1].kind == .leftParen, tokens[i + 2].kind == .identifier else { return nil }
        return Metric(rawValue: tokens[i + 2].value)
    }

    // MARK: clauses

    private static func clauseText(_ clause: ClauseSyntax, in document: OpenDocument) -> String {
        if let doc = document.outcome.document {
            let explanation = ContractExplainer.explain(doc, clause: clause.name.name)
            if !explanation.clauses.isEmpty {
                // Without the contract's title (one clause asked for: no contract facts): the hover is about this clause.
                var markdown = ContractExplainer.markdown(explanation)
                if let body = markdown.range(of: "\n## ") { markdown = String(markdown[body.upperBound...]) }
                return "### " + markdown
            }
        }
        var text = "**Clause \(clause.ref.value) `\(clause.name.name)`**"
        for case .text(let legal, _) in clause.items { text += "\n\n" + legal.value.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n") }
        return text + "\n\n*The explanation (`slac explain`) is shown once the contract checks without errors.*"
    }

    // MARK: quantities

    /// The quantity a token belongs to (`0.8 s`, `50M tokens`, `30 tokens/s`, `99.5%`) in canonical units.
    private static func quantity(_ tokens: [Token], around i: Int, bytes: [UInt8]) -> (text: String, span: Span)? {
        // A unit belongs to its number only on the same line, as the parser reads it (`every 5`
        // then `minutes` on the next line is a number without its unit, SLA0203).
        func sameLine(_ a: Token, _ b: Token) -> Bool {
            !bytes[min(a.span.end, bytes.count)..<min(b.span.start, bytes.count)].contains { $0 == 0x0A || $0 == 0x0D }
        }
        // Back to the number: at most three unit tokens (`tokens`, `/`, `s`) sit after it.
        var n = i
        while n > max(0, i - 3) && tokens[n].kind != .number { n -= 1 }
        guard tokens[n].kind == .number, let base = Rational(decimal: tokens[n].value) else { return nil }
        var value = base
        switch tokens[n].suffix {
        case "k": value = value * Rational(1000)
        case "M": value = value * Rational(1_000_000)
        case "B": value = value * Rational(1_000_000_000)
        default: break
        }
        var unit: String?, end = tokens[n].span.end
        if n + 1 < tokens.count {
            let u = tokens[n + 1]
            if u.kind == .percent, sameLine(tokens[n], u) {
                unit = "%"; end = u.span.end
            } else if u.kind == .identifier, sameLine(tokens[n], u), !["per", "of", "and", "or", "to", "when", "in", "not"].contains(u.value) {
                unit = u.value; end = u.span.end
                if n + 3 < tokens.count, tokens[n + 2].kind == .slash, tokens[n + 3].kind == .identifier,
                   sameLine(u, tokens[n + 2]), sameLine(tokens[n + 2], tokens[n + 3]) {
                    unit = u.value + "/" + tokens[n + 3].value; end = tokens[n + 3].span.end
                }
            }
        }
        let span = Span(tokens[n].span.start, end)
        guard span.start <= tokens[i].span.start && tokens[i].span.end <= span.end else { return nil }
        guard let unit, let definition = UnitTable.units[unit] else { return nil }
        let canonical = value * definition.factor
        let written = "`\(tokens[n].value)\(tokens[n].suffix.map(String.init) ?? "")\(unit == "%" ? "" : " ")\(unit)`"
        var text = "\(written) = \(Glossary.canonical(canonical, definition.dimension))"
        switch definition.dimension {
        case .ratio: text += " (the fraction \(canonical.decimalString()))"
        case .duration where canonical >= Rational(1000): text += " = \((canonical / Rational(1000)).decimalString()) s"
        default: break
        }
        // A value with no finite decimal (10 tokens/min is 1/6 tokens/s) is shown rounded with `≈`:
        // then the exact fraction is given, so the note on exactness stays true of what is shown.
        if text.contains("≈") { text += " (exactly \(canonical.description) \(definition.dimension.canonicalUnit))" }
        return (text + "\n\nExact: slac converts units with rational arithmetic, so no rounding happens.", span)
    }

    // MARK: time zones

    /// The zone's current UTC offset and its next daylight-saving change, from Foundation's copy
    /// of the IANA database (the one the checker and evaluator use).
    static func timeZoneText(_ identifier: String, now: Date) -> String? {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        let offset = zone.secondsFromGMT(for: now)
        var text = "**\(identifier)**: now UTC\(formatOffset(offset))"
        if let abbreviation = zone.abbreviation(for: now), !abbreviation.hasPrefix("GMT") { text += " (\(abbreviation))" }
        text += zone.isDaylightSavingTime(for: now) ? ", daylight-saving time" : ""
        if let change = zone.nextDaylightSavingTimeTransition(after: now) {
            let after = zone.secondsFromGMT(for: change)
            text += ".\n\nNext change: \(utcString(change)), to UTC\(formatOffset(after))."
        } else {
            text += ".\n\nNo daylight-saving change ahead."
        }
        return text + "\n\nCalendar windows (days, weeks, months) and dates in the contract are taken in this zone."
    }

    static func formatOffset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "−" : "+"
        let magnitude = abs(seconds)
        let hours = magnitude / 3600, minutes = (magnitude % 3600) / 60
        return sign + (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }

    private static func utcString(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
