import Foundation
import SLACChecker
import SLACLegalOps
import SLACSyntax

/// Completion by context: the items of a contract or clause at the start of a line, aggregates
/// after `require`, metrics (and fields) inside an aggregate or condition, units after a number,
/// IANA time zones after `timezone`, ISO 4217 codes after a fee amount.
///
/// The context is read from the text of the line before the cursor and the braces before it, not
/// from the syntax tree: while a line is being typed it rarely parses.
enum CompletionProvider {
    static func items(in document: OpenDocument, at position: Position) -> [CompletionItem] {
        let p = document.positions
        let offset = p.offset(of: position)
        let lineStart = p.lineStarts[p.line(of: offset)]
        let prefix = String(decoding: p.bytes[lineStart..<offset], as: UTF8.self)
        // Inside a string or a text block nothing is offered (it is legal text, not contract syntax).
        if Lexer.tokenize(document.text).tokens.contains(where: {
            ($0.kind == .string || $0.kind == .textBlock) && $0.span.start < offset && offset < $0.span.end
        }) { return [] }
        let trimmed = prefix.drop { $0 == " " || $0 == "\t" }
        // Words are separated by spaces or tabs (`require<TAB>p` is `require` then `p`).
        let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let endsWithSpace = prefix.last == " " || prefix.last == "\t"
        let partial = endsWithSpace ? "" : (words.last ?? "")
        let first = words.first ?? ""

        // `timezone "Europe/Ber`: zone names, replacing the whole partial name (it contains `/`).
        if first == "timezone" && (words.count == 2 && !endsWithSpace || words.count == 1 && endsWithSpace) {
            let typed = words.count == 2 ? words[1] : ""
            let quoted = typed.hasPrefix("\"")
            let nameStart = offset - (quoted ? typed.utf8.count - 1 : typed.utf8.count)
            let range = TextRange(start: p.position(of: nameStart), end: position)
            return TimeZone.knownTimeZoneIdentifiers.sorted().map { zone in
                CompletionItem(label: zone, kind: 12, detail: "IANA time zone",
                               textEdit: TextEdit(range: range, newText: quoted ? zone : "\"\(zone)\""),
                               filterText: quoted ? zone : "\"\(zone)")
            }
        }
        // `fee 120000.00 U`, `price 0.60 U`: currency codes.
        if first == "fee" || first == "price", words.count >= 2, isNumber(words[1]), words.count == 2 && endsWithSpace || words.count == 3 && !endsWithSpace {
            return currencyCodes.map { CompletionItem(label: $0, kind: 12, detail: "ISO 4217 currency code") }
        }
        // `price 0.60 USD per 1M i`: the token fields a price can be on.
        if first == "price", words.contains("per"), !words.contains("where"), let last = endsWithSpace ? words.last : (words.count >= 2 ? words[words.count - 2] : nil), isNumber(last) {
            return ["input_tokens", "output_tokens", "total_tokens"].map { CompletionItem(label: $0, kind: 6, detail: "token field") }
        }
        // Inside the parentheses of an aggregate or a condition.
        if let function = openCall(in: prefix) {
            // `itl` is a list: only an aggregate over it makes sense, never a condition (SLA0209).
            if function == "share" { return conditionMetricItems + fieldItems }
            if Glossary.aggregate(function) != nil { return metricItems }
        }
        // `require p`: the aggregates.
        if first == "require" && (words.count == 1 && endsWithSpace || words.count == 2 && !endsWithSpace && !partial.contains("(")) {
            return aggregateItems
        }
        // A number followed by a space: its unit.
        if endsWithSpace ? words.last.map(isNumber) == true : (words.count >= 2 && isNumber(words[words.count - 2]) && partial.allSatisfy { $0.isLetter || $0 == "/" }) {
            // A fee's or price's own numbers take no unit; a price's condition does (`where ttft > 800 ms`).
            if first == "fee" || first == "price" && !words.contains("where") { return [] }
            if first == "every" { return unitItems(.duration) }
            if first == "minimum" { return unitItems(.requests) }
            return unitItems(nil)
        }
        // Conditions: after `scope`, `where`, `and`, `or`, `not`, `(`.
        let conditionStarts: Set<String> = ["scope", "where", "and", "or", "not"]
        if let before = endsWithSpace ? words.last : (words.count >= 2 ? words[words.count - 2] : nil), conditionStarts.contains(before) {
            return conditionMetricItems + fieldItems
        }
        if first == "every" && (words.count == 1 && endsWithSpace || words.count == 2 && !endsWithSpace) {
            return ["calendar day", "calendar week", "calendar month"].map { CompletionItem(label: $0, kind: 12, detail: "calendar window") }
                + [CompletionItem(label: "5 minutes", kind: 15, detail: "fixed window", insertText: "${1:5} ${2:minutes}", insertTextFormat: 2)]
        }
        // The start of an item: keywords of the enclosing block.
        if words.count <= 1 && !endsWithSpace || words.isEmpty {
            switch braceDepth(document.text, before: lineStart) {
            case 0: return [snippet("contract", "contract \"${1:Name}\" {\n\t$0\n}", "a contract")]
            case 1: return contractItems
            default: return clauseItems
            }
        }
        return []
    }

    // MARK: context

    /// The function whose parenthesis is open at the end of the line, e.g. `p99` in `require p99(tt`.
    static func openCall(in prefix: String) -> String? {
        var depth = 0
        let scalars = Array(prefix.unicodeScalars)
        var i = scalars.count - 1
        while i >= 0 {
            let c = scalars[i]
            if c == ")" { depth += 1 } else if c == "(" {
                if depth == 0 {
                    var j = i - 1
                    while j >= 0 && scalars[j] == " " { j -= 1 }
                    var name = ""
                    while j >= 0, scalars[j].properties.isAlphabetic || ("0"..."9").contains(scalars[j]) || scalars[j] == "_" || scalars[j] == "." {
                        name = String(scalars[j]) + name
                        j -= 1
                    }
                    return name
                }
                depth -= 1
            }
            i -= 1
        }
        return nil
    }

    /// How many braces are open at `offset` (0 outside the contract, 1 in it, 2 in a clause).
    static func braceDepth(_ text: String, before offset: Int) -> Int {
        var depth = 0
        for token in Lexer.tokenize(text).tokens where token.span.end <= offset {
            if token.kind == .leftBrace { depth += 1 } else if token.kind == .rightBrace { depth = max(0, depth - 1) }
        }
        return depth
    }

    static func isNumber(_ word: String) -> Bool {
        var body = Substring(word)
        if let last = body.last, "kMB".contains(last) { body = body.dropLast() }
        return !body.isEmpty && body.first?.isNumber == true && body.allSatisfy { $0.isNumber || $0 == "." }
    }

    // MARK: items

    private static func snippet(_ label: String, _ body: String, _ detail: String) -> CompletionItem {
        CompletionItem(label: label, kind: 15, detail: detail, insertText: body, insertTextFormat: 2, filterText: label)
    }

    static let contractItems: [CompletionItem] = [
        snippet("id", "id ${1:\"ID\"}", "the contract's identifier"),
        snippet("version", "version ${1:\"1.0\"}", "the contract's version"),
        snippet("provider", "provider ${1:\"Provider\"}", "the provider"),
        snippet("customer", "customer ${1:\"Customer\"}", "the customer"),
        snippet("effective", "effective ${1:2026-01-01} to ${2:2027-01-01}", "the term, half-open [start, end)"),
        snippet("timezone", "timezone \"${1:UTC}\"", "the IANA time zone of calendar windows and dates"),
        snippet("fee", "fee ${1:1000.00} ${2:USD} per month", "the monthly fee service credits are a share of"),
        snippet("price", "price ${1:0.60} ${2:USD} per ${3:1M} ${4:input_tokens}", "a usage price: charges per token of a token field"),
        snippet("exclude maintenance", "exclude maintenance from ${1:2026-01-01T00:00:00Z} to ${2:2026-01-01T02:00:00Z}", "a maintenance window, excluded from every clause"),
        snippet("exclude maintenance as uptime", "exclude maintenance from ${1:2026-01-01T00:00:00Z} to ${2:2026-01-01T02:00:00Z} as uptime", "a maintenance window whose requests are excluded and whose time counts as up"),
        snippet("exclude requests", "exclude requests where ${1:status = \"error:429\"}", "requests excluded from every clause"),
        snippet("clause", "clause \"${1:1.1}\" ${2:name} {\n\ttext \"${3}\"\n\t${4:every 5 minutes}\n\trequire ${5:p99(ttft)} ${6:<=} ${7:800 ms}\n}", "a clause"),
    ]

    static let clauseItems: [CompletionItem] = [
        snippet("text", "text \"${1}\"", "the clause's legal wording"),
        snippet("scope", "scope ${1:status = \"ok\"}", "which requests the clause measures"),
        snippet("every", "every ${1:5 minutes}", "the window: a fixed length or `calendar day|week|month|quarter|year`"),
        snippet("over term", "over term", "one window spanning the whole term"),
        snippet("require", "require ${1:p99(ttft)} ${2:<=} ${3:800 ms}", "the requirement on each window"),
        snippet("minimum", "minimum ${1:20} requests", "fewer in-scope requests leave a window unjudged"),
        snippet("objective", "objective ${1:99.5}% of windows per ${2:calendar month}", "the share of windows that must be met"),
        snippet("credit", "credit ${1:10}% of fee when attainment < ${2:99.5}%", "a service-credit tier"),
        snippet("value", "value ${1:share(status = \"ok\")}", "each window gets a value, averaged by `measure mean`"),
        snippet("empty", "empty ${1:100%}", "what an interval without a value or verdict counts as"),
        snippet("measure", "measure ${1:mean} per ${2:calendar month}", "the period measure: attainment, mean or uptime"),
        snippet("downtime", "downtime after ${1:5} consecutive breached windows", "only runs of breached windows this long are down"),
        snippet("objective measure", "objective measure >= ${1:99.9}%", "the objective on the period measure"),
        snippet("credit of charges", "credit ${1:10}% of charges when measure < ${2:99.9}%", "a credit tier on the group's usage charges"),
        snippet("exclude requests", "exclude requests where ${1:status = \"error:429\"}", "requests this clause ignores"),
        snippet("exclude maintenance", "exclude maintenance from ${1:2026-01-01T00:00:00Z} to ${2:2026-01-01T02:00:00Z}", "a maintenance window for this clause"),
        snippet("exclude maintenance as uptime", "exclude maintenance from ${1:2026-01-01T00:00:00Z} to ${2:2026-01-01T02:00:00Z} as uptime", "a maintenance window for this clause whose time counts as up"),
    ]

    static let aggregateItems: [CompletionItem] = Glossary.aggregateNames.map { name in
        let detail: String
        switch name {
        case "count": return CompletionItem(label: "count", kind: 3, detail: "the number of in-scope requests", insertText: "count")
        case "share": detail = "the share of requests where a condition holds"
        case "percentile": detail = "a percentile by nearest rank"
        case "mean": detail = "exact mean"
        case "min", "max": detail = "the \(name == "min" ? "smallest" : "largest") value"
        case "sum": detail = "exact sum"
        default: detail = "the \(name.dropFirst())th percentile (nearest rank)"
        }
        let arguments = name == "share" ? "${1:status = \"ok\"}" : (name == "percentile" ? "${1:ttft}, ${2:95}" : "${1:ttft}")
        return CompletionItem(label: name + "(", kind: 3, detail: detail, insertText: "\(name)(\(arguments))", insertTextFormat: 2, filterText: name)
    }

    static let metricItems: [CompletionItem] = Metric.allCases.map {
        CompletionItem(label: $0.rawValue, kind: 6, detail: "metric (\($0.dimension.rawValue), \($0.dimension.canonicalUnit))")
    }

    /// The metrics a condition can compare: not the list `itl`.
    static let conditionMetricItems: [CompletionItem] = Metric.allCases.filter { !$0.isList }.map {
        CompletionItem(label: $0.rawValue, kind: 6, detail: "metric (\($0.dimension.rawValue), \($0.dimension.canonicalUnit))")
    }

    static let fieldItems: [CompletionItem] = canonicalTextFields.map {
        CompletionItem(label: $0, kind: 5, detail: "text field of every record")
    }

    static func unitItems(_ dimension: SLACChecker.Dimension?) -> [CompletionItem] {
        UnitTable.spellings.compactMap { spelling in
            guard let definition = UnitTable.units[spelling], dimension == nil || definition.dimension == dimension else { return nil }
            return CompletionItem(label: spelling, kind: 11, detail: definition.dimension.rawValue)
        }
    }

    /// ISO 4217 codes the checker accepts, from Foundation's locale data, with the common ones
    /// first (Foundation still lists withdrawn codes such as `VEF`, which the checker refuses).
    static let currencyCodes: [String] = {
        let common = ["USD", "EUR", "GBP", "JPY", "CHF", "CNY", "CAD", "AUD", "INR"]
        return common + Locale.commonISOCurrencyCodes.filter { !common.contains($0) && CurrencyTable.isCode($0) }.sorted()
    }()
}
