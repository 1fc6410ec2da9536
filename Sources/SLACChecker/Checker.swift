import Foundation
import SLACExact
import SLACSyntax
import SLACFields

/// The result of checking: the checked contract when there are no errors, and every diagnostic.
package struct CheckResult: Sendable {
    package var contract: CheckedContract?
    package var diagnostics: [Diagnostic]
}

/// Stage 2 of the pipeline: resolves names, units and dimensions (docs/language.md, "Diagnostics") and produces a
/// `CheckedContract` in canonical units. Reports every error it finds, never only the first.
package struct Checker {
    private let source: SourceFile
    private var diagnostics: [Diagnostic] = []
    /// Spans of syntax errors: an item that failed to parse is not reported again as missing.
    private var syntaxErrorSpans: [Span] = []

    private init(source: SourceFile) { self.source = source }

    /// Parses and checks a source file in one call.
    package static func check(_ source: SourceFile) -> CheckResult {
        check(Parser.parse(source))
    }

    /// Checks a parsed contract. Syntax errors are kept; checking goes on over what parsed, so one
    /// run reports all the file's errors.
    package static func check(_ parsed: ParsedContract) -> CheckResult {
        var checker = Checker(source: parsed.source)
        checker.diagnostics = parsed.diagnostics
        checker.syntaxErrorSpans = parsed.diagnostics.filter { $0.severity == .error }.map(\.span)
        guard let syntax = parsed.syntax else { return CheckResult(contract: nil, diagnostics: checker.diagnostics.sortedForDisplay) }
        let contract = checker.checkContract(syntax)
        let all = checker.diagnostics.sortedForDisplay
        return CheckResult(contract: all.containsErrors ? nil : contract, diagnostics: all)
    }

    /// True when a syntax error lies in `span` (and, with `outside`, in none of those spans).
    private func hasSyntaxError(in span: Span, outside excluded: [Span] = []) -> Bool {
        syntaxErrorSpans.contains { e in
            e.start >= span.start && e.start <= span.end && !excluded.contains { e.start >= $0.start && e.start < $0.end }
        }
    }

    private mutating func error(_ code: DiagnosticCode, _ span: Span, _ message: String, help: String? = nil, notes: [DiagnosticNote] = [],
                                fix: DiagnosticFix? = nil) {
        diagnostics.append(.error(code, at: span, message, help: help, notes: notes, fix: fix))
    }

    // MARK: contract

    private mutating func checkContract(_ syntax: ContractSyntax) -> CheckedContract? {
        var texts: [String: (String, Span)] = [:]
        var effective: (from: TimePointSyntax, to: TimePointSyntax, span: Span)?
        var fee: Fee?
        var feeSpan: Span?
        var contractExclusionSyntax: [ExclusionSyntax] = []
        // Where each header's quoted value is, for fixes that rewrite only the value.
        var valueSpans: [String: Span] = [:]
        var clauseSyntax: [ClauseSyntax] = []
        var priceSyntax: [PriceSyntax] = []

        for item in syntax.items {
            switch item {
            case .header(.text(let keyword, let value, let span)):
                if let first = texts[keyword.name] {
                    error("SLA0313", keyword.span, "`\(keyword.name)` is given twice",
                          help: "keep one `\(keyword.name)` line", notes: [DiagnosticNote(span: first.1, message: "first given here")])
                } else {
                    texts[keyword.name] = (value.value, span)
                    valueSpans[keyword.name] = value.span
                }
            case .header(.effective(let from, let to, let span)):
                if let first = effective {
                    error("SLA0313", span, "`effective` is given twice", help: "keep one `effective` line",
                          notes: [DiagnosticNote(span: first.span, message: "first given here")])
                } else {
                    effective = (from, to, span)
                }
            case .header(.fee(let amount, let currency, let span)):
                if let first = feeSpan {
                    error("SLA0313", span, "`fee` is given twice", help: "keep one `fee` line",
                          notes: [DiagnosticNote(span: first, message: "first given here")])
                    continue
                }
                feeSpan = span
                fee = checkFee(amount: amount, currency: currency)
            case .header(.price(let amount, let currency, let per, let field, let condition, let span)):
                priceSyntax.append(PriceSyntax(amount: amount, currency: currency, per: per, field: field, condition: condition, span: span))
            case .exclusion(let e):
                contractExclusionSyntax.append(e)
            case .clause(let c):
                clauseSyntax.append(c)
            }
        }
        let prices = checkPrices(priceSyntax, fee: fee)

        // Time zone first: dates in the term and in exclusions depend on it.
        var zone = ZoneRules(identifier: "UTC")
        if let (tzName, tzSpan) = texts["timezone"] {
            if let z = ZoneRules(identifier: tzName) { zone = z } else if ZoneRules.isAbbreviation(tzName) {
                let fixed: [String: (offset: String, hours: Int, place: String)] = [
                    "EST": ("−05:00", 5, "America/New_York"), "MST": ("−07:00", 7, "America/Denver"), "HST": ("−10:00", 10, "Pacific/Honolulu"),
                ]
                if let f = fixed[tzName] {
                    error("SLA0311", tzSpan, "`\(tzName)` is a fixed UTC\(f.offset) all year, without daylight saving",
                          help: "for the time of a place write its IANA name, such as `\(f.place)`; for a fixed offset write `Etc/GMT+\(f.hours)` (the sign is reversed there)")
                } else {
                    let example = TimeZone.abbreviationDictionary[tzName].map { "`\($0)`" } ?? "`Europe/London` or `Australia/Sydney`"
                    error("SLA0311", tzSpan, "`\(tzName)` is a time-zone abbreviation, not a time zone",
                          help: "an abbreviation can mean several zones (`BST` is British Summer Time and Bangladesh Standard Time): write the IANA name of the place (Region/City), such as \(example)")
                }
            } else {
                let suggestion = Spelling.closest(to: tzName, among: TimeZone.knownTimeZoneIdentifiers)
                error("SLA0311", tzSpan, "unknown time zone `\(tzName)`",
                      help: suggestion.map { "did you mean `\($0)`?" } ?? "write an IANA name such as `Europe/Berlin` or `UTC`",
                      fix: suggestion.map { DiagnosticFix(span: valueSpans["timezone"] ?? tzSpan, replacement: "\"\($0)\"") })
            }
        }

        var termStart: Int64?
        var termEnd: Int64?
        if let effective {
            termStart = timePoint(effective.from, zone: zone)
            termEnd = timePoint(effective.to, zone: zone)
            if let s = termStart, let e = termEnd, e <= s {
                error("SLA0306", effective.span, "the effective term is empty",
                      help: "the term is half-open `[start, end)`: its end must come after its start")
            } else if let s = termStart, let e = termEnd, e.subtractingReportingOverflow(s).partialValue > CivilTime.longestTermNanoseconds
                        || e.subtractingReportingOverflow(s).overflow {
                error("SLA0306", effective.span, "the effective term is longer than 250 years",
                      help: "slac measures terms of up to 250 years; split a longer agreement into several contracts")
            }
            // `to 2026-12-31` written as the last day of the term: the end is excluded, so that
            // day is not in the term. Legal text often writes end dates inclusively.
            // Not beside an error of the term, nor where the next day is past the dates slac
            // supports (2199-12-31 is the last).
            if effective.to.kind == .date, let s = termStart, let e = termEnd, e > s,
               !e.subtractingReportingOverflow(s).overflow, e - s <= CivilTime.longestTermNanoseconds {
                let parts = effective.to.text.split(separator: "-").compactMap { Int($0) }
                if parts.count == 3, parts[1] >= 1, parts[1] <= 12, parts[2] == CivilTime.daysInMonth(year: parts[0], month: parts[1]),
                   parts[0] < 2199 || parts[1] < 12 {
                    let next = parts[1] == 12 ? String(format: "%04d-01-01", parts[0] + 1) : String(format: "%04d-%02d-01", parts[0], parts[1] + 1)
                    diagnostics.append(.warning("SLA0419", at: effective.to.span,
                                                "the term ends at the start of \(effective.to.text), so that day is not in it",
                                                help: "the end date is excluded: if the agreement runs through \(effective.to.text), write `to \(next)`",
                                                fix: DiagnosticFix(span: effective.to.span, replacement: next)))
                }
            }
        } else if !hasSyntaxError(in: syntax.span, outside: clauseSyntax.map(\.span)) {
            error("SLA0314", syntax.name.span, "contract `\(syntax.name.value)` has no effective term",
                  help: "add `effective 2026-01-01 to 2027-01-01` to the header")
        }
        let term = (termStart != nil && termEnd != nil) ? (termStart ?? 0, termEnd ?? 0) : nil

        let exclusions = checkExclusions(contractExclusionSyntax, zone: zone, term: term)

        var clauses: [CheckedClause] = []
        var names: [String: Span] = [:]
        if clauseSyntax.isEmpty && !hasSyntaxError(in: syntax.span) {
            error("SLA0312", syntax.name.span, "contract `\(syntax.name.value)` has no clause",
                  help: "add a `clause \"REF\" name { ... }` with a `require`")
        }
        for c in clauseSyntax {
            if let first = names[c.name.name] {
                error("SLA0210", c.name.span, "clause name `\(c.name.name)` is already used",
                      help: "give each clause a unique name", notes: [DiagnosticNote(span: first, message: "first used here")])
            } else {
                names[c.name.name] = c.name.span
            }
            if let checked = checkClause(c, zone: zone, term: term, hasFee: fee != nil, hasPrices: !prices.isEmpty || !priceSyntax.isEmpty) { clauses.append(checked) }
        }

        guard let term, let zone else { return nil }
        return CheckedContract(name: syntax.name.value, id: texts["id"]?.0, version: texts["version"]?.0,
                               provider: texts["provider"]?.0, customer: texts["customer"]?.0,
                               termStart: term.0, termEnd: term.1, timezone: zone.identifier, fee: fee, prices: prices,
                               exclusions: exclusions, clauses: clauses)
    }

    private mutating func checkFee(amount: NumberLiteral, currency: Identifier) -> Fee? {
        guard CurrencyTable.isCode(currency.name) else {
            error("SLA0315", currency.span, "`\(currency.name)` is not an ISO 4217 currency code",
                  help: "write an ISO 4217 code such as `USD` or `EUR`")
            return nil
        }
        guard let value = number(amount), value.signum >= 0, let decimal = Decimal(string: Rational.fixed(value, fractionDigits: 6)) else {
            error("SLA0215", amount.span, "fee amount `\(amount.digits)` is not a valid amount", help: "write the monthly fee, e.g. `120000.00`")
            return nil
        }
        let digits = CurrencyTable.minorUnitDigits(currency.name)
        if value.roundedHalfEven(fractionDigits: digits) != value {
            error("SLA0315", amount.span, "fee `\(amount.digits)` has more decimals than `\(currency.name)` allows",
                  help: "`\(currency.name)` has \(digits) decimal place\(digits == 1 ? "" : "s")")
        }
        return Fee(amount: decimal, currency: currency.name, minorUnitDigits: digits)
    }

    /// One `price` line as parsed.
    private struct PriceSyntax {
        var amount: NumberLiteral
        var currency: Identifier
        var per: NumberLiteral
        var field: Identifier
        var condition: PredicateSyntax?
        var span: Span
    }

    /// `price AMOUNT CUR per N FIELD [where CONDITION]` lines: token fields only, `total_tokens`
    /// alone, in one currency (the fee's when there is a fee). A field may have several prices
    /// with conditions (one per model); a record's tokens take the first whose condition holds, so
    /// a price without a condition can only be its field's last (docs/language.md, "price").
    private mutating func checkPrices(_ items: [PriceSyntax], fee: Fee?) -> [CheckedPrice] {
        var result: [CheckedPrice] = []
        var seen: [Metric: Span] = [:]
        // The price of each field without a condition: any later price of that field is never used.
        var unconditional: [Metric: Span] = [:]
        // Each field's conditions so far: a repeated one is never used.
        var conditions: [Metric: [(CheckedPredicate, Span)]] = [:]
        let diagnosticsBefore = diagnostics.count
        let tokenFields: [Metric] = [.inputTokens, .outputTokens, .totalTokens]
        for item in items {
            let (amount, currency, per, field) = (item.amount, item.currency, item.per, item.field)
            guard let metric = Metric(rawValue: field.name), tokenFields.contains(metric) else {
                let suggestion = Spelling.closest(to: field.name, among: tokenFields.map(\.rawValue))
                error("SLA0328", field.span, "`\(field.name)` is not a token field", help: suggestion.map { "did you mean `\($0)`?" }
                      ?? "prices are per `input_tokens`, `output_tokens` or `total_tokens`")
                continue
            }
            if let first = unconditional[metric] {
                error("SLA0328", field.span, item.condition == nil ? "`\(field.name)` has two prices" : "this price of `\(field.name)` is never used",
                      help: item.condition == nil ? "keep one `price` line per field, or give each a condition (`where model = \"...\"`)"
                            : "a record's tokens take the first price of their field whose condition holds, and the price before this one has no condition: move this line above it",
                      notes: [DiagnosticNote(span: first, message: "priced here for every record")])
                continue
            }
            if metric == .totalTokens ? seen.keys.contains(where: { $0 != .totalTokens }) : seen[.totalTokens] != nil {
                error("SLA0328", field.span, "`total_tokens` is priced together with `input_tokens` or `output_tokens`",
                      help: "price `total_tokens` alone, or `input_tokens` and `output_tokens` separately (a token would be charged twice)")
                continue
            }
            seen[metric] = seen[metric] ?? field.span
            if item.condition == nil { unconditional[metric] = field.span }
            var condition: CheckedPredicate?
            if let c = item.condition {
                guard let checked = checkPredicate(c, context: .price) else { continue }
                // The same condition again: the first price with it always wins.
                if let first = conditions[metric]?.first(where: { $0.0 == checked }) {
                    error("SLA0328", c.span, "this price of `\(field.name)` is never used: an earlier price of it has the same condition",
                          help: "a record's tokens take the first price of their field whose condition holds: keep one of the two lines",
                          notes: [DiagnosticNote(span: first.1, message: "the same condition here")])
                    continue
                }
                conditions[metric, default: []].append((checked, c.span))
                condition = checked
            }
            guard CurrencyTable.isCode(currency.name) else {
                error("SLA0315", currency.span, "`\(currency.name)` is not an ISO 4217 currency code", help: "write an ISO 4217 code such as `USD` or `EUR`")
                continue
            }
            let expected = fee?.currency ?? result.first?.currency
            if let expected, expected != currency.name {
                error("SLA0328", currency.span, "the price is in `\(currency.name)`, but \(fee != nil ? "the fee" : "another price") is in `\(expected)`",
                      help: "write every price in `\(expected)`")
                continue
            }
            guard let value = number(amount), value.signum >= 0 else {
                error("SLA0215", amount.span, "price `\(amount.digits)` is not a valid amount", help: "write e.g. `price 0.60 USD per 1M input_tokens`")
                continue
            }
            guard let n = number(per), n.isInteger, n.signum > 0 else {
                error("SLA0328", per.span, "a price is per a whole number of tokens", help: "write e.g. `per 1M input_tokens` or `per 1000 input_tokens`")
                continue
            }
            // In the canonical spelling: a condition's strings exactly, without comments or line breaks.
            let text = SyntaxPrinter.price(amount: amount, currency: currency, per: per, field: field, condition: item.condition)
            result.append(CheckedPrice(field: metric, perToken: value / n, text: text, currency: currency.name,
                                       minorUnitDigits: CurrencyTable.minorUnitDigits(currency.name), condition: condition))
        }
        // A field whose every price has a condition leaves the tokens of other records unpriced
        // (not said after an error in the prices: fixing it may change which fields are priced).
        let pricesAreClean = diagnostics.count == diagnosticsBefore
        for metric in tokenFields where seen[metric] != nil && unconditional[metric] == nil && pricesAreClean {
            guard let span = seen[metric] else { continue }
            diagnostics.append(.warning("SLA0420", at: span, "no price of `\(metric.rawValue)` holds for every record: the tokens of records that no condition holds for add nothing to the charges",
                    help: "end the prices of `\(metric.rawValue)` with one without `where`, for every other record (`price 0 ... per 1M \(metric.rawValue)` if they are free)"))
        }
        // In field order, so that the order of `price` lines of different fields is layout, not
        // meaning; within a field the order is the contract's (the first price that holds applies).
        return result.enumerated().sorted {
            ((tokenFields.firstIndex(of: $0.element.field) ?? 0), $0.offset) < ((tokenFields.firstIndex(of: $1.element.field) ?? 0), $1.offset)
        }.map(\.element)
    }

    /// A date is local midnight in the contract time zone; an instant carries its own offset.
    private mutating func timePoint(_ t: TimePointSyntax, zone: ZoneRules?) -> Int64? {
        switch t.kind {
        case .date:
            guard let d = CivilTime.parseDate(t.text) else {
                error("SLA0310", t.span, "`\(t.text)` is not a valid date", help: "write a date as `YYYY-MM-DD`, e.g. `2026-01-01`")
                return nil
            }
            guard CivilTime.supportedYears.contains(d.year) else {
                outOfRange(t); return nil
            }
            let day = CivilTime.days(year: d.year, month: d.month, day: d.day)
            return (zone ?? ZoneRules(identifier: "UTC"))?.startOfDay(day)
        case .instant:
            if t.text.count >= 4, let year = Int(t.text.prefix(4)), !CivilTime.supportedYears.contains(year) {
                outOfRange(t); return nil
            }
            guard let v = CivilTime.parseInstant(t.text) else {
                var help = t.text.count == 19 ? "add a UTC offset, e.g. `\(t.text)Z`" : "write an instant as `2026-03-14T02:00:00Z` or with an offset such as `+01:00`"
                // In a contract on another clock, the offset of that clock at that local time:
                // `Z` would move a local maintenance window by hours.
                if t.text.count == 19, let zone, zone.identifier != "UTC", zone.identifier != "Etc/UTC",
                   let reading = CivilTime.parseInstant(t.text + "Z") {
                    // The offsets in use around that reading under which it is a real time: one;
                    // two where clocks go back (the time is read twice); none where they go forward.
                    let hour = 3600 * CivilTime.nanosPerSecond
                    let candidates = Set([-18, 0, 18].map { zone.offsetSeconds(atNanos: reading + Int64($0) * hour) })
                    let valid = candidates.filter { zone.offsetSeconds(atNanos: reading - Int64($0) * CivilTime.nanosPerSecond) == $0 }.sorted(by: >)
                    func written(_ offset: Int) -> String {
                        let hours = abs(offset) / 3600, minutes = abs(offset) / 60 % 60
                        return "`\(t.text)\(offset < 0 ? "-" : "+")\(hours < 10 ? "0" : "")\(hours):\(minutes < 10 ? "0" : "")\(minutes)`"
                    }
                    switch valid.count {
                    case 0: help = "add a UTC offset: on the contract's clock (\(zone.identifier)) that time does not exist (clocks go forward over it); `\(t.text)Z` is UTC"
                    case 1: help = "add the UTC offset: on the contract's clock (\(zone.identifier)) that time is \(written(valid[0])); `\(t.text)Z` is UTC"
                    default: help = "add a UTC offset: on the contract's clock (\(zone.identifier)) that time happens twice (clocks go back), first as \(written(valid[0])), then as \(written(valid[1])); `\(t.text)Z` is UTC"
                    }
                }
                error("SLA0310", t.span, "`\(t.text)` is not a valid instant", help: help)
                return nil
            }
            return v
        }
    }

    private mutating func outOfRange(_ t: TimePointSyntax) {
        let years = CivilTime.supportedYears
        error("SLA0319", t.span, "`\(t.text)` is outside the supported range of dates",
              help: "slac reads dates and instants from \(years.lowerBound)-01-01 to \(years.upperBound)-12-31")
    }

    private mutating func checkExclusions(_ items: [ExclusionSyntax], zone: ZoneRules?, term: (Int64, Int64)?) -> CheckedExclusions {
        var result = CheckedExclusions()
        var before: [Int] = []
        for item in items {
            switch item {
            case .maintenance(let from, let to, let asUptime, let span):
                let start = timePoint(from, zone: zone), end = timePoint(to, zone: zone)
                guard let s = start, let e = end else { continue }
                if e <= s {
                    error("SLA0317", span, "maintenance window is empty", help: "its end must come after its start")
                    continue
                }
                if let term, s < term.0 || e > term.1 {
                    error("SLA0305", span, "maintenance window lies outside the effective term",
                          help: "the term is `\(CivilTime.format(term.0))` to `\(CivilTime.format(term.1))`; move the window inside it")
                    continue
                }
                result.maintenance.append(MaintenanceInterval(start: s, end: e, asUptime: asUptime))
            case .requests(let p, _):
                if let checked = checkPredicate(p, context: .exclusion) {
                    result.requests.append(checked)
                    before.append(result.maintenance.count)
                }
            }
        }
        // Only when a condition comes before an interval: otherwise the default order is the source's.
        if before.contains(where: { $0 < result.maintenance.count }) { result.maintenanceBefore = before }
        return result
    }

    // MARK: clauses

    private mutating func checkClause(_ c: ClauseSyntax, zone: ZoneRules?, term: (Int64, Int64)?, hasFee: Bool, hasPrices: Bool) -> CheckedClause? {
        var text: (String, Span)?
        var scope: (PredicateSyntax, Span)?
        var window: WindowClauseSyntax?
        var require: RequireSyntax?
        var minimum: (QuantitySyntax, Span)?
        var objective: ObjectiveSyntax?
        var credits: [CreditSyntax] = []
        var exclusionSyntax: [ExclusionSyntax] = []
        var value: ValueSyntax?
        var empty: EmptySyntax?
        var measure: MeasureSyntax?
        var downtime: DowntimeSyntax?

        func duplicate(_ what: String, _ span: Span, first: Span) -> Diagnostic {
            if what == "window" {
                return .error("SLA0313", at: span, "clause `\(c.name.name)` has more than one window",
                              help: "a clause has one `every ...` or `over term`; keep one",
                              notes: [DiagnosticNote(span: first, message: "first given here")])
            }
            return .error("SLA0313", at: span, "clause `\(c.name.name)` has more than one `\(what)`",
                          help: what == "require" ? "a clause has one `require`; split the requirements into separate clauses" : "keep one `\(what)`",
                          notes: [DiagnosticNote(span: first, message: "first given here")])
        }
        for item in c.items {
            switch item {
            case .text(let t, let span):
                if let first = text { diagnostics.append(duplicate("text", span, first: first.1)) } else { text = (t.value, span) }
            case .scope(let p, let span):
                if let first = scope { diagnostics.append(duplicate("scope", span, first: first.1)) } else { scope = (p, span) }
            case .window(let w):
                if let first = window { diagnostics.append(duplicate("window", w.span, first: first.span)) } else { window = w }
            case .require(let r):
                if let first = require { diagnostics.append(duplicate("require", r.span, first: first.span)) } else { require = r }
            case .minimum(let q, let span):
                if let first = minimum { diagnostics.append(duplicate("minimum", span, first: first.1)) } else { minimum = (q, span) }
            case .objective(let o):
                if let first = objective { diagnostics.append(duplicate("objective", o.span, first: first.span)) } else { objective = o }
            case .credit(let cr):
                credits.append(cr)
            case .exclusion(let e):
                exclusionSyntax.append(e)
            case .value(let v):
                if let first = value { diagnostics.append(duplicate("value", v.span, first: first.span)) } else { value = v }
            case .empty(let e):
                if let first = empty { diagnostics.append(duplicate("empty", e.span, first: first.span)) } else { empty = e }
            case .measure(let m):
                if let first = measure { diagnostics.append(duplicate("measure", m.span, first: first.span)) } else { measure = m }
            case .downtime(let d):
                if let first = downtime { diagnostics.append(duplicate("downtime", d.span, first: first.span)) } else { downtime = d }
            }
        }

        let checkedScope = scope.flatMap { checkPredicate($0.0, context: .scope) }
        let exclusions = checkExclusions(exclusionSyntax, zone: zone, term: term)

        // Window.
        var checkedWindow: CheckedWindow?
        var groupBy: [String] = []
        if let window {
            checkedWindow = checkWindow(window.window)
            var seen: [String: Span] = [:]
            for g in window.groupBy {
                if let first = seen[g.name] {
                    error("SLA0213", g.span, "`\(g.name)` appears twice after `per`", help: "group by each field once",
                          notes: [DiagnosticNote(span: first, message: "first used here")])
                    continue
                }
                seen[g.name] = g.span
                if g.name == "tps" {
                    error("SLA0202", g.span, "`tps` is ambiguous", help: "group by a text field such as `tenant`, `model` or `region`")
                } else if let m = Metric(rawValue: g.name) {
                    error("SLA0213", g.span, "cannot group by the metric `\(m.rawValue)`",
                          help: "group by a text field such as `tenant`, `model` or `region`")
                } else if let (message, _) = Self.notAComparableField(g.name) {
                    error("SLA0213", g.span, message, help: "group by a text field such as `tenant`, `model` or `region`")
                } else if let typo = typoOfKnownName(g.name) {
                    diagnostics.append(.warning("SLA0401", at: g.span, "`\(g.name)` is not a canonical field; it is read as a custom trace field",
                                                help: "did you mean `\(typo)`? if `\(g.name)` is a field of your traces, ignore this warning",
                                                fix: DiagnosticFix(span: g.span, replacement: typo)))
                    groupBy.append(g.name)
                } else {
                    groupBy.append(g.name)
                }
            }
        } else if !hasSyntaxError(in: c.span) {
            error("SLA0312", c.name.span, "clause `\(c.name.name)` has no window",
                  help: "add `every 5 minutes`, `every calendar month` or `over term`")
        }

        // Requirement, or value.
        var aggregate: CheckedAggregate?
        var bound: Rational?
        if let require {
            aggregate = checkAggregate(require.aggregate)
            if let aggregate {
                bound = checkBound(require.bound, for: aggregate, window: checkedWindow)
                if let bound { checkBoundIsMeaningful(bound, require: require, aggregate: aggregate) }
            }
            if let value {
                error("SLA0320", value.span, "clause `\(c.name.name)` has both `require` and `value`",
                      help: "a window is either judged (`require`) or given a value (`value` with `measure mean`); keep one")
            }
        } else if let value {
            aggregate = checkAggregate(value.aggregate)
            bound = .zero
        } else if !hasSyntaxError(in: c.span) {
            error("SLA0312", c.name.span, "clause `\(c.name.name)` has no `require`",
                  help: "add a requirement such as `require p99(ttft) <= 800 ms`, or `value …` with `measure mean`")
        }
        let windowsAreValued = require == nil && value != nil

        // Minimum.
        var minimumRequests = 0
        if let (q, _) = minimum {
            if let v = number(q.number) {
                if let unit = q.unit, UnitTable.units[unit.text]?.dimension != .requests {
                    error("SLA0204", unit.span, "`minimum` counts requests, not `\(unit.text)`", help: "write `minimum \(source.slice(q.number.span)) requests`",
                          fix: DiagnosticFix(span: unit.span, replacement: "requests"))
                } else if !v.isInteger || v.signum < 0 || (v.numerator.intValue ?? Int.max) > 1_000_000_000 {
                    error("SLA0318", q.span, "`minimum` must be a whole number of requests",
                          help: "write a whole number such as `minimum 20 requests`")
                } else {
                    minimumRequests = v.numerator.intValue ?? 0
                }
            }
        }

        // Measure: its kind, period and what an empty interval counts as.
        let kind: CheckedMeasure.Kind?
        switch measure?.kind.name {
        case nil: kind = (value != nil ? .mean : .attainment)
        case "attainment": kind = .attainment
        case "mean": kind = .mean
        case "uptime": kind = .uptime
        default: kind = nil  // reported by the parser
        }
        if let measure, let kind {
            if kind == .mean && value == nil {
                error("SLA0321", measure.kind.span, "`measure mean` needs a `value`",
                      help: require != nil ? "the mean is over the windows' values: replace `require …` with `value AGGREGATE` (e.g. `value share(status = \"ok\")`)"
                          : "add e.g. `value share(status = \"ok\")`")
            }
            if kind != .mean && require == nil, let value {
                error("SLA0321", value.span, "a `value` is averaged: it needs `measure mean`",
                      help: "write `measure mean per calendar month`, or judge windows with `require` for `measure \(kind.rawValue)`")
            } else if kind != .mean && require == nil && !hasSyntaxError(in: c.span) {
                error("SLA0322", measure.kind.span, "`measure \(kind.rawValue)` needs a `require`",
                      help: "\(kind.rawValue) counts judged windows: add a requirement such as `require share(status = \"ok\") >= 95%`")
            }
        }
        if let downtime, kind != .uptime {
            error("SLA0323", downtime.span, "`downtime` needs `measure uptime`",
                  help: "downtime runs are part of uptime: add `measure uptime per calendar month`")
        }
        var downtimeAfter = 1
        if let downtime, let n = number(downtime.count) {
            if let i = n.numerator.intValue, n.isInteger, i >= 1, i <= 1_000_000 { downtimeAfter = i } else {
                error("SLA0323", downtime.count.span, "`downtime after` needs a whole number of windows from 1 to 1000000",
                      help: "write e.g. `downtime after 5 consecutive breached windows`")
            }
        }
        var checkedEmpty: CheckedEmpty?
        if let empty, let kind {
            switch empty.value {
            case .met(let span), .breached(let span):
                if kind == .mean {
                    error("SLA0324", span, "`empty met` and `empty breached` give verdicts, but `measure mean` averages values",
                          help: "give an empty interval a value, e.g. `empty 100%`")
                } else {
                    if case .met = empty.value { checkedEmpty = .met } else { checkedEmpty = .breached }
                }
            case .quantity(let q):
                if kind != .mean {
                    error("SLA0324", q.span, "`measure \(kind.rawValue)` counts verdicts, so an empty interval is `met` or `breached`",
                          help: "write `empty met` or `empty breached`")
                } else if let aggregate, let v = measureQuantity(q, dimension: aggregate.dimension, role: "the `empty` value") {
                    checkedEmpty = .value(v)
                }
            }
        }
        let measureDimension: Dimension = kind == .mean ? (aggregate?.dimension ?? .ratio) : .ratio
        let usesMeasure = measure != nil || value != nil || empty != nil || objective?.measureComparison != nil

        // Objective.
        var checkedObjective = CheckedObjective(bound: .one, period: .term)
        var period: CheckedObjective.Period = .term
        if let p = measure?.period ?? objective?.period { period = Checker.period(p) }
        if let objective {
            if let op = objective.measureComparison {
                if op == .equal || op == .notEqual {
                    error("SLA0326", objective.measureOperatorSpan ?? objective.span, "an objective compares with `>=`, `>`, `<=` or `<`, not `\(op.rawValue)`",
                          help: "write e.g. `objective measure >= 99.9%`")
                } else if let b = measureQuantity(objective.percent, dimension: measureDimension, role: "the objective") {
                    checkedObjective = CheckedObjective(bound: b, period: period, comparison: op)
                }
            } else {
                if let kind, kind != .attainment {
                    error("SLA0325", objective.percent.span, "`objective … of windows` is about window attainment, but the clause measures \(kind.rawValue)",
                          help: "write `objective measure >= \(source.slice(objective.percent.span))`")
                }
                if let f = percentage(objective.percent, what: "objective", code: "SLA0302") {
                    checkedObjective = CheckedObjective(bound: f, period: period)
                }
                if let mp = measure?.period, let op = objective.period, mp != op {
                    error("SLA0325", objective.periodSpan ?? objective.span, "the objective's period differs from the measure's",
                          help: "give the period once, on the `measure` line")
                }
            }
        } else if (measure != nil || value != nil) && !hasSyntaxError(in: c.span) {
            error("SLA0325", measure?.span ?? value?.span ?? c.name.span, "clause `\(c.name.name)` has a measure but no objective",
                  help: kind == .mean || kind == .uptime ? "add e.g. `objective measure >= 99.9%`" : "add e.g. `objective measure >= 99.5%`")
        }
        if period != .term, let w = checkedWindow, Checker.window(w, isLongerThan: period) {
            let written = objective?.periodSpan ?? measure?.periodSpan ?? objective?.span ?? c.name.span
            error("SLA0309", written, "\(measure?.periodSpan != nil ? "measure" : "objective") period `per \(Checker.periodName(period))` is shorter than the clause's window",
                  help: "use `per term`, or a window of at most a calendar \(Checker.periodName(period).replacingOccurrences(of: "calendar ", with: ""))")
        }

        // Credits.
        var checkedCredits: [CheckedCredit] = []
        if !credits.isEmpty {
            let bases = Set(credits.map(\.base))
            if bases.contains(.fee) && period != .calendarMonth {
                // The objective suggested is where the tiers start (`when attainment < 99%` → 99%),
                // never a number the contract does not state.
                let highestTier = credits.filter { !$0.onMeasure && $0.threshold.unit?.text == "%" }
                    .max { (Double($0.threshold.number.digits) ?? 0) < (Double($1.threshold.number.digits) ?? 0) }
                let objective = highestTier.map { "`objective \($0.threshold.number.digits)% of windows per calendar month`" }
                    ?? "`objective P% of windows per calendar month`, with the attainment the contract promises as P,"
                error("SLA0307", credits.first { $0.base == .fee }?.span ?? credits[0].span,
                      usesMeasure ? "credits of the fee need monthly periods" : "credits need a monthly objective",
                      help: usesMeasure ? "the fee is monthly: write `measure \(kind?.rawValue ?? "attainment") per calendar month`, or credit a share of the charges"
                          : "add \(objective) to clause `\(c.name.name)`")
            }
            if bases.contains(.fee) && !hasFee {
                error("SLA0308", credits[0].span, "credits are a percentage of the fee, but the contract has no `fee`",
                      help: "add `fee 120000.00 USD per month` to the contract header")
            }
            if bases.contains(.charges) && !hasPrices {
                error("SLA0327", credits.first { $0.base == .charges }?.baseSpan ?? credits[0].span, "credits of the charges need a `price`",
                      help: "add e.g. `price 0.60 USD per 1M input_tokens` to the contract header")
            }
            if bases.count > 1 {
                error("SLA0326", credits.first { $0.base == .charges }?.baseSpan ?? credits[0].span, "the credit tiers of a clause mix the fee and the charges",
                      help: "credit the same base in every tier of a clause")
            }
            // Tiers point the opposite way to the objective (`measure >= 99.9%` → `measure < …`).
            let objectiveOp = checkedObjective.comparison
            let expectLower = objectiveOp == .greaterEqual || objectiveOp == .greater
            var bySpan: [(CheckedCredit, Span)] = []
            for cr in credits {
                if cr.onMeasure == false, let kind, kind != .attainment {
                    error("SLA0325", cr.operatorSpan, "`when attainment` is about window attainment, but the clause measures \(kind.rawValue)",
                          help: "write `when measure \(cr.comparison.rawValue) \(source.slice(cr.threshold.span))`")
                    continue
                }
                if cr.comparison == .equal || cr.comparison == .notEqual {
                    error("SLA0326", cr.operatorSpan, "a credit tier compares with `<`, `<=`, `>` or `>=`, not `\(cr.comparison.rawValue)`",
                          help: "write e.g. `when measure < 99.9%`")
                    continue
                }
                let lower = cr.comparison == .less || cr.comparison == .lessEqual
                if lower != expectLower {
                    error("SLA0326", cr.operatorSpan, "credit tiers point the same way as the objective",
                          help: expectLower ? "the objective asks for a high measure (`\(objectiveOp.rawValue)`): a credit applies when the measure is low, e.g. `when measure < …`"
                              : "the objective asks for a low measure (`\(objectiveOp.rawValue)`): a credit applies when the measure is high, e.g. `when measure > …`")
                    continue
                }
                guard let p = percentage(cr.percent, what: "credit", code: "SLA0303") else { continue }
                let t: Rational?
                if cr.onMeasure {
                    t = measureQuantity(cr.threshold, dimension: measureDimension, role: "the credit threshold")
                } else {
                    t = percentage(cr.threshold, what: "credit threshold", code: "SLA0303")
                }
                guard let t else { continue }
                bySpan.append((CheckedCredit(percent: p * Rational(100), threshold: t, comparison: cr.comparison,
                                             base: cr.base == .fee ? .fee : .charges, anchor: SourceAnchor(span: cr.span)), cr.span))
            }
            // Worst bound first: ascending thresholds for `<` tiers, descending for `>` tiers.
            bySpan.sort { expectLower ? $0.0.threshold < $1.0.threshold : $0.0.threshold > $1.0.threshold }
            // The short forms keep their historical wording.
            let onAttainment = !usesMeasure
            for i in bySpan.indices.dropFirst() {
                let (worse, worseSpan) = bySpan[i - 1], (milder, milderSpan) = bySpan[i]
                if worse.threshold == milder.threshold {
                    error("SLA0316", milderSpan, onAttainment ? "two credit tiers apply below the same attainment" : "two credit tiers apply at the same bound",
                          help: "give each tier a different threshold", notes: [DiagnosticNote(span: worseSpan, message: "the other tier")])
                } else if worse.percent < milder.percent {
                    error("SLA0304", worseSpan, "credit tiers are not monotone",
                          help: onAttainment ? "a lower attainment must never earn a smaller credit: this tier applies below a lower attainment than the other but pays less"
                              : "a worse measure must never earn a smaller credit: this tier applies to a worse measure than the other but pays less",
                          notes: [DiagnosticNote(span: milderSpan, message: onAttainment ? "the tier that pays more at a higher attainment" : "the tier that pays more for a better measure")])
                }
            }
            checkedCredits = bySpan.map(\.0)
            if measureDimension == .ratio {
                for (tier, span) in bySpan where !Checker.canApply(tier) {
                    diagnostics.append(.warning("SLA0402", at: span, "this credit tier can never apply",
                                                help: "a share lies between 0% and 100%; no measure is \(tier.comparison.rawValue) \((tier.threshold * Rational(100)).decimalString())%"))
                }
            }
            if (kind == nil || kind == .attainment) && checkedEmpty == nil, let w = checkedWindow, !checkedCredits.isEmpty,
               Checker.window(w, fills: period) {
                // For a statistic of the whole month (`p95(ttft)`), tiers on how far it is from the
                // bound are what contracts mean; for a share, a share of good time or requests.
                let help: String
                switch aggregate {
                case .share?:
                    help = "to credit a share of good time or of good requests, use `every 5 minutes` with `measure mean` or `measure uptime per calendar month`"
                default:
                    help = "to pay tiers by how far the month's statistic is from the bound, write `value` instead of `require`, `measure mean per calendar month` (one window a month: its mean is the month's value), `objective measure …` and `credit … when measure …` (docs/language.md, \"A monthly percentile with credit tiers\")"
                }
                diagnostics.append(.warning("SLA0403", at: credits[0].span,
                                            "each period holds one window per group, so its attainment is 0% or 100% and a breach pays the largest tier",
                                            help: help))
            }
        }

        guard let checkedWindow, let aggregate, let bound else { return nil }
        guard require != nil || value != nil else { return nil }
        let requirementText: String
        if let require {
            requirementText = source.slice(Span(require.aggregate.span.start, require.bound.span.end))
        } else if let value {
            requirementText = "value " + source.slice(value.aggregate.span)
        } else {
            return nil
        }
        var checkedMeasure: CheckedMeasure?
        if let kind, !(kind == .attainment && checkedEmpty == nil) {
            checkedMeasure = CheckedMeasure(kind: kind, empty: checkedEmpty, downtimeAfter: downtimeAfter)
        }
        return CheckedClause(ref: c.ref.value, name: c.name.name, text: text?.0 ?? "", writtenRequirement: WrittenText(text: requirementText),
                             scope: checkedScope, window: checkedWindow, groupBy: groupBy, aggregate: aggregate,
                             comparison: require?.comparison ?? .greaterEqual, bound: bound, minimumRequests: minimumRequests,
                             objective: checkedObjective, credits: checkedCredits, measure: checkedMeasure,
                             windowsAreValued: windowsAreValued, exclusions: exclusions,
                             anchor: SourceAnchor(span: c.span))
    }

    static func period(_ p: PeriodSyntax) -> CheckedObjective.Period {
        switch p {
        case .calendarMonth: .calendarMonth
        case .calendarQuarter: .calendarQuarter
        case .calendarYear: .calendarYear
        case .term: .term
        }
    }

    /// `calendar month`, `calendar quarter`, `calendar year` or `term`.
    package static func periodName(_ p: CheckedObjective.Period) -> String {
        switch p {
        case .calendarMonth: "calendar month"
        case .calendarQuarter: "calendar quarter"
        case .calendarYear: "calendar year"
        case .term: "term"
        }
    }

    /// Whether a window can be longer than the shortest period of its kind (a window that
    /// starts in one period may end in the next; more than one period is a mistake).
    package static func window(_ w: CheckedWindow, isLongerThan period: CheckedObjective.Period) -> Bool {
        let day = CivilTime.nanosPerDay
        let shortest: Int64
        switch period {
        case .term: return false
        case .calendarMonth: shortest = 28 * day
        case .calendarQuarter: shortest = 90 * day
        case .calendarYear: shortest = 365 * day
        }
        switch w {
        case .term: return true
        case .fixed(let ns): return ns > shortest
        case .calendarDay, .calendarWeek, .calendarMonth: return false
        case .calendarQuarter: return period == .calendarMonth
        case .calendarYear: return period != .calendarYear
        }
    }

    /// Whether each period holds at most one window per group (window attainment is then 0% or 100%).
    static func window(_ w: CheckedWindow, fills period: CheckedObjective.Period) -> Bool {
        switch (w, period) {
        case (.term, _): return true
        case (.calendarMonth, .calendarMonth), (.calendarQuarter, .calendarQuarter),
             (.calendarYear, _): return true
        case (.fixed(let ns), .calendarMonth): return ns >= 28 * CivilTime.nanosPerDay
        default: return false
        }
    }

    /// Whether a tier on a ratio measure (in [0, 1]) can ever apply.
    static func canApply(_ tier: CheckedCredit) -> Bool {
        switch tier.comparison {
        case .less: tier.threshold.signum > 0
        case .lessEqual: tier.threshold.signum >= 0
        case .greater: tier.threshold < .one
        case .greaterEqual: tier.threshold <= .one
        case .equal, .notEqual: true
        }
    }

    /// A measure's bound, `empty` value or credit threshold in the measure's canonical unit: a
    /// percentage for ratios (attainment, uptime, a mean of shares), else a quantity with a unit.
    private mutating func measureQuantity(_ q: QuantitySyntax, dimension: Dimension, role: String) -> Rational? {
        if dimension == .ratio { return percentage(q, what: role, code: "SLA0303") }
        return quantity(q, expecting: dimension, role: role)
    }

    /// A bound that no value can meet, or that every value meets, is a mistake in the contract
    /// (`share(…) >= 150%`, `p50(ttft) < 0 ms`). Values are at least 0; shares at most 100%.
    /// `tpot` is the exception: (e2e − ttft) / (output_tokens − 1) is negative for a record whose
    /// end-to-end time is below its TTFT (a clock or logging fault a clause may want to catch), so
    /// its aggregates have no lower limit.
    private mutating func checkBoundIsMeaningful(_ bound: Rational, require: RequireSyntax, aggregate: CheckedAggregate) {
        if aggregate.metric == .tpot { return }
        let upper: Rational? = aggregate.dimension == .ratio ? .one : nil
        let op = require.comparison
        var never = false, always = false
        switch op {
        case .less: never = bound.signum <= 0; always = upper.map { bound > $0 } ?? false
        case .lessEqual: never = bound.signum < 0; always = upper.map { bound >= $0 } ?? false
        case .greater: never = upper.map { bound >= $0 } ?? false; always = bound.signum < 0
        case .greaterEqual: never = upper.map { bound > $0 } ?? false; always = bound.signum <= 0
        case .equal: never = bound.signum < 0 || (upper.map { bound > $0 } ?? false)
        case .notEqual: always = bound.signum < 0 || (upper.map { bound > $0 } ?? false)
        }
        guard never || always else { return }
        let range = upper == nil ? "a value is never below 0" : "a share lies between 0% and 100%"
        let written = source.slice(Span(require.aggregate.span.start, require.bound.span.end))
        error("SLA0330", require.bound.span, never ? "no window can meet `\(written)`" : "every window meets `\(written)`",
              help: "\(range); check the bound and the comparison")
    }

    private mutating func checkWindow(_ w: WindowSyntax) -> CheckedWindow? {
        switch w {
        case .term: return .term
        case .calendar(let unit):
            switch unit.name {
            case "day": return .calendarDay
            case "week": return .calendarWeek
            case "month": return .calendarMonth
            case "quarter": return .calendarQuarter
            case "year": return .calendarYear
            default: return nil  // reported by the parser
            }
        case .fixed(let q):
            // `every 3 months`: months, quarters and years differ in length; calendar windows are meant.
            if let unit = q.unit, let calendar = Checker.calendarSpellings[unit.text] {
                let n = q.number.digits
                var help = "months, quarters and years differ in length: write `every calendar month`, `every calendar quarter` or `every calendar year`, or a fixed duration such as `30 days`"
                switch (calendar, n) {
                case ("month", "1"): help = "write `every calendar month`"
                case ("month", "3"), ("quarter", "1"): help = "write `every calendar quarter`"
                case ("month", "12"), ("year", "1"): help = "write `every calendar year`"
                case ("week", "1"): help = "write `every calendar week` (Monday to Monday), or `every 7 days`"
                default: break
                }
                error("SLA0205", unit.span, "`\(unit.text)` is not a fixed duration", help: help)
                return nil
            }
            guard let value = quantity(q, expecting: .duration, role: "the window length") else { return nil }
            let nanos = value * Rational(1_000_000)
            guard nanos.signum > 0 else {
                error("SLA0301", q.span, "window length must be positive", help: "write a positive duration such as `5 minutes`")
                return nil
            }
            guard nanos.isInteger, let ns = nanos.numerator.intValue, ns <= 366 * Int(CivilTime.nanosPerDay) * 100 else {
                error("SLA0301", q.span, "window length `\(source.slice(q.span))` is not a whole number of nanoseconds or is too long",
                      help: "write a duration between `1 ns` and a few years")
                return nil
            }
            return .fixed(nanoseconds: Int64(ns))
        }
    }

    // MARK: numbers and units

    /// Longest number literal, in digits: more is never meant, and exact arithmetic on a
    /// 100,000-digit literal would take minutes (docs/fuzzing.md).
    static let maxDigits = 30

    private mutating func number(_ n: NumberLiteral) -> Rational? {
        if n.digits.count(where: \.isNumber) > Checker.maxDigits {
            error("SLA0104", n.span, "number `\(n.digits.prefix(12))…` has more than \(Checker.maxDigits) digits",
                  help: "write a number with at most \(Checker.maxDigits) digits, using `k`, `M` or `B` for large ones")
            return nil
        }
        guard let base = Rational(decimal: n.digits) else {
            error("SLA0104", n.span, "`\(n.digits)` is not a number", help: "write a decimal number such as `800` or `0.8`")
            return nil
        }
        switch n.suffix {
        case "k": return base * Rational(1000)
        case "M": return base * Rational(1_000_000)
        case "B": return base * Rational(1_000_000_000)
        default: return base
        }
    }

    /// A percentage quantity (`99.5%`) as a fraction in [0, 1].
    private mutating func percentage(_ q: QuantitySyntax, what: String, code: DiagnosticCode) -> Rational? {
        guard let v = number(q.number) else { return nil }
        guard let unit = q.unit, unit.text == "%" else {
            error("SLA0203", q.span, "\(what) `\(source.slice(q.span))` has no `%`", help: "write `\(source.slice(q.number.span))%`",
                  fix: DiagnosticFix(span: q.span, replacement: source.slice(q.number.span) + "%"))
            return nil
        }
        let f = v * UnitTable.units["%", default: UnitDefinition(dimension: .ratio, factor: Rational(1, 100))].factor
        if f.signum < 0 || f > .one {
            error(code, q.span, "\(what) `\(source.slice(q.span))` is outside 0% to 100%", help: "write a percentage between `0%` and `100%`")
            return nil
        }
        return f
    }

    /// A quantity converted to the canonical unit of `dimension`.
    private mutating func quantity(_ q: QuantitySyntax, expecting dimension: Dimension, role: String) -> Rational? {
        guard let v = number(q.number) else { return nil }
        guard let unit = q.unit else {
            if dimension == .tokens || dimension == .requests { return v }
            // A window is minutes long far more often than milliseconds (`every 5` → `5 minutes`).
            let unit = role == "the window length" ? "minutes" : dimension.exampleUnit
            error("SLA0203", q.span, "\(role) has no unit",
                  help: "write `\(source.slice(q.span)) \(unit)`",
                  fix: DiagnosticFix(span: q.span, replacement: source.slice(q.span) + " " + unit))
            return nil
        }
        guard let def = UnitTable.units[unit.text] else {
            reportUnknownUnit(unit, expecting: dimension)
            return nil
        }
        guard def.dimension == dimension else {
            error("SLA0204", unit.span, "\(role) must be \(dimension.phrase), but `\(unit.text)` is a unit of \(def.dimension.rawValue)",
                  help: "write \(dimension.phrase) such as `\(source.slice(q.number.span)) \(dimension.exampleUnit)`")
            return nil
        }
        return v * def.factor
    }

    /// Calendar units written as durations (`every 3 months`), and the calendar window they name.
    private static let calendarSpellings: [String: String] = [
        "month": "month", "months": "month", "quarter": "quarter", "quarters": "quarter",
        "year": "year", "years": "year", "week": "week", "weeks": "week",
    ]

    /// Spellings people write that are not units of the language, and the unit they mean.
    private static let unitAliases: [String: String] = [
        "msec": "ms", "msecs": "ms", "millisecond": "ms", "milliseconds": "ms", "usec": "us", "microsecond": "us",
        "microseconds": "us", "nanosecond": "ns", "nanoseconds": "ns", "sec": "s", "secs": "s", "mins": "min",
        "hr": "h", "hrs": "h", "tok": "tokens", "toks": "tokens", "req": "requests", "reqs": "requests",
        "kwh": "kWh", "KWh": "kWh", "j": "J", "wh": "Wh", "percent": "%",
    ]

    private mutating func reportUnknownUnit(_ unit: UnitSyntax, expecting dimension: Dimension?) {
        // `tokens/sec`: resolve each side of a rate separately.
        let parts = unit.text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let aliased = parts.map { Checker.unitAliases[$0] ?? $0 }.joined(separator: "/")
        if aliased != unit.text, UnitTable.units[aliased] != nil {
            error("SLA0205", unit.span, "unknown unit `\(unit.text)`", help: "did you mean `\(aliased)`?",
                  fix: DiagnosticFix(span: unit.span, replacement: aliased))
        } else if let s = Spelling.closest(to: unit.text, among: UnitTable.spellings) {
            error("SLA0205", unit.span, "unknown unit `\(unit.text)`", help: "did you mean `\(s)`?",
                  fix: DiagnosticFix(span: unit.span, replacement: s))
        } else {
            let examples = dimension.map { "a unit of \($0.rawValue) such as `\($0.exampleUnit)`" } ?? "a unit such as `ms`, `tokens` or `%`"
            error("SLA0205", unit.span, "unknown unit `\(unit.text)`", help: "write \(examples)")
        }
    }

    // MARK: names

    private static let knownNames: [String] = Metric.allCases.map(\.rawValue) + canonicalTextFields

    /// A name that is probably a misspelling of a metric or canonical field.
    private func typoOfKnownName(_ name: String) -> String? {
        if Checker.knownNames.contains(name) { return nil }
        if name.hasSuffix("_ms"), let m = Metric(rawValue: String(name.dropLast(3))) { return m.rawValue }
        return Spelling.closest(to: name, among: Checker.knownNames)
    }

    private enum NameKind {
        case metric(Metric)
        case textField(String)
    }

    /// Resolves a name used in a condition or aggregate; reports `tps` and likely typos.
    /// `valueIsText`: the name is compared with strings, so an unknown name is a custom trace field
    /// (docs/language.md, "Records and fields": any other field by name); a near-miss of a known name is then only a warning.
    private mutating func resolveName(_ id: Identifier, allowText: Bool, valueIsText: Bool = false) -> NameKind? {
        if id.name == "tps" {
            error("SLA0202", id.span, "`tps` is ambiguous",
                  help: "write `decode_tps` (output tokens after the first per second of decoding) or `e2e_tps` (output tokens per second of the whole request)")
            return nil
        }
        if let m = Metric(rawValue: id.name) { return .metric(m) }
        if canonicalTextFields.contains(id.name) { return .textField(id.name) }
        if let (message, help) = Self.notAComparableField(id.name) {
            error("SLA0201", id.span, message, help: help)
            return nil
        }
        if let typo = typoOfKnownName(id.name) {
            if allowText && valueIsText {
                diagnostics.append(.warning("SLA0401", at: id.span, "`\(id.name)` is not a canonical field; it is read as a custom trace field",
                                            help: "did you mean `\(typo)`? if `\(id.name)` is a field of your traces, ignore this warning",
                                            fix: DiagnosticFix(span: id.span, replacement: typo)))
                return .textField(id.name)
            }
            error("SLA0201", id.span, "unknown metric or field `\(id.name)`", help: "did you mean `\(typo)`?",
                  fix: DiagnosticFix(span: id.span, replacement: typo))
            return nil
        }
        if allowText { return .textField(id.name) }
        error("SLA0201", id.span, "unknown metric `\(id.name)`",
              help: "metrics are " + Metric.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))
        return nil
    }

    /// A canonical trace field that is neither text nor a metric (`ts`, `ttft_ms`): it was read
    /// as a custom text field, which compared the raw text of a time or number natively and
    /// failed in the engines, which load these fields as times and numbers.
    private static func notAComparableField(_ name: String) -> (message: String, help: String)? {
        guard let field = CanonicalField(rawValue: name), field.kind != .text else { return nil }
        if field == .ts {
            return ("`ts` is the request's time, which conditions and groups cannot use",
                    "time is taken by the clause's window (`every calendar day`) and by `exclude maintenance from START to END`; prices hold for the whole term (a price change is a new contract version with its own term)")
        }
        let metric = Metric.allCases.first { $0.traceFields == [field] }
        guard let metric else { return ("`\(name)` is a trace field behind a metric; conditions and groups use the metric", "use the metric") }
        if metric.isList {
            return ("`\(name)` is the trace field behind the metric `\(metric.rawValue)`, a list of gaps per request, which conditions and groups cannot use",
                    "aggregate it in `require`, e.g. `require p99(\(metric.rawValue)) <= 120 ms`")
        }
        return ("`\(name)` is the trace field behind the metric `\(metric.rawValue)`; conditions and groups use the metric",
                "compare the metric with its unit, e.g. `\(metric.rawValue) <= 800 \(metric.dimension.exampleUnit)`")
    }

    // MARK: predicates

    private enum PredicateContext {
        case scope, exclusion, share, price
        var name: String {
            switch self {
            case .scope: "`scope`"
            case .exclusion: "`exclude requests where`"
            case .share: "`share`"
            case .price: "`price ... where`"
            }
        }
    }

    private mutating func checkPredicate(_ p: PredicateSyntax, context: PredicateContext) -> CheckedPredicate? {
        switch p {
        case .and(let a, let b, _):
            let x = checkPredicate(a, context: context), y = checkPredicate(b, context: context)
            guard let x, let y else { return nil }
            return .and(x, y)
        case .or(let a, let b, _):
            let x = checkPredicate(a, context: context), y = checkPredicate(b, context: context)
            guard let x, let y else { return nil }
            return .or(x, y)
        case .not(let a, _):
            return checkPredicate(a, context: context).map { .not($0) }
        case .parenthesized(let a, _):
            return checkPredicate(a, context: context)
        case .missing:
            return nil
        case .operand(let o):
            if case .name(let id) = o, id.name == "itl" {
                error("SLA0209", id.span, "`itl` is a list of gaps per request and cannot be used as a condition",
                      help: "aggregate it, e.g. `require p99(itl) <= 120 ms`")
            } else if context == .share {
                error("SLA0207", o.span, "`share` needs a condition, but `\(source.slice(o.span))` is not one",
                      help: "write a condition such as `share(\(source.slice(o.span)) <= 800 ms)` or `share(status = \"ok\")`")
            } else {
                error("SLA0214", o.span, "`\(source.slice(o.span))` is not a condition",
                      help: "write a comparison such as `status = \"ok\"`")
            }
            return nil
        case .membership(let lhs, let negated, let values, let span):
            guard case .name(let id) = lhs else {
                error("SLA0214", lhs.span, "the left side of `in` must be a field", help: "write e.g. `model in [\"a\", \"b\"]`")
                return nil
            }
            let allStrings = !values.isEmpty && values.allSatisfy { if case .string = $0 { true } else { false } }
            guard let kind = resolveName(id, allowText: true, valueIsText: allStrings) else { return nil }
            switch kind {
            case .textField(let field):
                var strings: [String] = []
                for v in values {
                    guard case .string(let s) = v else {
                        error("SLA0212", v.span, "`\(field)` is text, but `\(source.slice(v.span))` is not a string",
                              help: "quote the value: `\"\(source.slice(v.span))\"`")
                        return nil
                    }
                    strings.append(s.value)
                }
                if strings.isEmpty {
                    error("SLA0214", span, "the list after `in` is empty", help: "list at least one value")
                    return nil
                }
                return .textIn(field: field, values: strings, negated: negated)
            case .metric(let m):
                if m.isList { listMisuse(id, context: context); return nil }
                var result: CheckedPredicate?
                for v in values {
                    guard let b = metricBound(v, metric: m) else { return nil }
                    let eq = CheckedPredicate.metric(m, .equal, b)
                    result = result.map { .or($0, eq) } ?? eq
                }
                guard let r = result else {
                    error("SLA0214", span, "the list after `in` is empty", help: "list at least one value")
                    return nil
                }
                return negated ? .not(r) : r
            }
        case .comparison(let lhs, let op, let rhs, let opSpan, _):
            var name: Identifier
            var value: OperandSyntax
            var op = op
            switch (lhs, rhs) {
            case (.name(let id), _):
                if case .name(let other) = rhs, resolveLiteralName(other) == nil {
                    error("SLA0214", opSpan, "a condition compares a field with a value, not two fields",
                          help: Metric(rawValue: id.name) != nil ? "compare `\(id.name)` with a number and its unit"
                              : "compare `\(id.name)` with a string: quote the value, `\(id.name) \(op.rawValue) \"\(other.name)\"`")
                    return nil
                }
                name = id; value = rhs
            case (_, .name(let id)):
                name = id; value = lhs; op = op.flipped
            default:
                error("SLA0214", lhs.span.union(rhs.span), "a condition must compare a field or metric",
                      help: "write e.g. `status = \"ok\"` or `ttft <= 800 ms`")
                return nil
            }
            let valueIsText: Bool
            if case .string = value { valueIsText = true } else { valueIsText = false }
            guard let kind = resolveName(name, allowText: true, valueIsText: valueIsText) else { return nil }
            switch kind {
            case .textField(let field):
                guard case .string(let s) = value else {
                    if case .missing = value { return nil }
                    error("SLA0212", value.span, "`\(field)` is text, but `\(source.slice(value.span))` is not a string",
                          help: canonicalTextFields.contains(field) ? "quote the value: `\"\(source.slice(value.span))\"`"
                              : "`\(field)` is not a metric; metrics are " + Metric.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))
                    return nil
                }
                guard op == .equal || op == .notEqual else {
                    error("SLA0212", opSpan, "text can only be compared with `=` and `!=`", help: "use `=`, `!=`, `in` or `not in` with `\(field)`")
                    return nil
                }
                return .text(field: field, equal: op == .equal, value: s.value)
            case .metric(let m):
                if m.isList { listMisuse(name, context: context); return nil }
                guard let b = metricBound(value, metric: m) else { return nil }
                return .metric(m, op, b)
            }
        }
    }

    /// `status = ok` written without quotes parses as two names; recognise the right side as a value.
    private func resolveLiteralName(_ id: Identifier) -> String? {
        Metric(rawValue: id.name) != nil || canonicalTextFields.contains(id.name) ? id.name : nil
    }

    private mutating func listMisuse(_ id: Identifier, context: PredicateContext) {
        error("SLA0209", id.span, "`itl` is a list of gaps per request and cannot be used in \(context.name)",
              help: "aggregate it in `require`, e.g. `require p99(itl) <= 120 ms`")
    }

    private mutating func metricBound(_ value: OperandSyntax, metric: Metric) -> Rational? {
        switch value {
        case .quantity(let q):
            return quantity(q, expecting: metric.dimension, role: "the bound for `\(metric.rawValue)`")
        case .string(let s):
            error("SLA0216", s.span, "`\(metric.rawValue)` is \(metric.dimension.phrase), but `\"\(s.value)\"` is text",
                  help: "compare with a number such as `\(metric.dimension == .duration ? "800 ms" : "30 \(metric.dimension.exampleUnit)")`")
            return nil
        case .name(let id):
            error("SLA0214", id.span, "a condition compares a metric with a value, not with `\(id.name)`",
                  help: "write a number with its unit, e.g. `\(metric.rawValue) <= 800 \(metric.dimension.exampleUnit)`")
            return nil
        case .missing:
            return nil
        }
    }

    // MARK: aggregates

    private static let aggregateNames = ["percentile", "mean", "min", "max", "sum", "count", "share", "p50", "p90", "p95", "p99", "p99.9"]

    private mutating func checkAggregate(_ a: AggregateSyntax) -> CheckedAggregate? {
        let f = a.function.name
        let args = a.arguments ?? []

        func metricArgument(_ arg: AggregateArgumentSyntax?) -> Metric? {
            guard let arg else {
                error("SLA0211", a.span, "`\(f)` needs a metric", help: "write e.g. `\(f)(ttft)`")
                return nil
            }
            guard case .operand(.name(let id)) = arg else {
                if case .predicate = arg {
                    error("SLA0211", arg.span, "`\(f)` aggregates a metric, not a condition",
                          help: "to count the records where a condition holds, write `share(\(source.slice(arg.span)))`")
                } else {
                    error("SLA0211", arg.span, "`\(f)` needs a metric such as `ttft`, not `\(source.slice(arg.span))`",
                          help: "metrics are " + Metric.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))
                }
                return nil
            }
            guard let kind = resolveName(id, allowText: false) else { return nil }
            switch kind {
            case .metric(let m): return m
            case .textField(let field):
                error("SLA0211", id.span, "`\(field)` is a text field and cannot be aggregated by `\(f)`",
                      help: "aggregate a metric such as `ttft`, or use `share(\(field) = \"...\")`")
                return nil
            }
        }

        func expectArity(_ n: Int) -> Bool {
            if args.count != n {
                error("SLA0211", a.span, "`\(f)` takes \(n) argument\(n == 1 ? "" : "s"), but \(args.count) \(args.count == 1 ? "is" : "are") given",
                      help: n == 1 ? "write `\(f)(METRIC)`" : "write `percentile(METRIC, Q)`, e.g. `percentile(ttft, 95)`")
                return false
            }
            return true
        }

        // pQ(x)
        if f.count > 1, f.count <= Checker.maxDigits + 2, f.first == "p", f.dropFirst().allSatisfy({ $0.isNumber || $0 == "." }),
           let q = Rational(decimal: f.dropFirst()) {
            guard a.arguments != nil, expectArity(1) else {
                if a.arguments == nil { error("SLA0211", a.span, "`\(f)` needs a metric", help: "write `\(f)(ttft)`") }
                return nil
            }
            let m = metricArgument(args.first)
            guard checkPercentileRank(q, span: a.function.span) else { return nil }
            return m.map { .percentile($0, q: q) }
        }
        switch f {
        case "count":
            if let args = a.arguments, !args.isEmpty {
                error("SLA0211", a.span, "`count` takes no argument", help: "write `count` to count in-scope requests, or `share(...)` for a fraction")
                return nil
            }
            return .count
        case "share":
            guard expectArity(1), let arg = args.first else { return nil }
            switch arg {
            case .predicate(let p):
                return checkPredicate(p, context: .share).map { .share($0) }
            case .operand(let o):
                if case .name(let id) = o, id.name == "itl" {
                    listMisuse(id, context: .share)
                } else {
                    error("SLA0207", o.span, "`share` needs a condition, but `\(source.slice(o.span))` is not one",
                          help: "write a condition such as `share(status = \"ok\")` or `share(decode_tps >= 30 tokens/s)`")
                }
                return nil
            }
        case "percentile":
            guard expectArity(2) else { return nil }
            let m = metricArgument(args[0])
            guard case .operand(.quantity(let qs)) = args[1], let q = number(qs.number) else {
                error("SLA0211", args[1].span, "the second argument of `percentile` must be a number such as `95`",
                      help: "write `percentile(METRIC, Q)` with Q in (0, 100], e.g. `percentile(ttft, 95)`")
                return nil
            }
            if let unit = qs.unit, unit.text != "%" {
                error("SLA0217", unit.span, "a percentile rank takes no unit, but `\(unit.text)` is given",
                      help: "write `percentile(\(m?.rawValue ?? "ttft"), \(source.slice(qs.number.span)))`")
                return nil
            }
            guard checkPercentileRank(q, span: qs.span) else { return nil }
            return m.map { .percentile($0, q: q) }
        case "mean", "min", "max", "sum":
            guard a.arguments != nil else {
                error("SLA0211", a.span, "`\(f)` needs a metric", help: "write `\(f)(ttft)`")
                return nil
            }
            guard expectArity(1), let m = metricArgument(args.first) else { return nil }
            switch f {
            case "mean": return .mean(m)
            case "min": return .min(m)
            case "max": return .max(m)
            default: return .sum(m)
            }
        default:
            let aliases = ["avg": "mean", "average": "mean", "median": "p50", "total": "sum", "ratio": "share", "fraction": "share"]
            let suggestion = aliases[f] ?? Spelling.closest(to: f, among: Checker.aggregateNames)
            error("SLA0206", a.function.span, "unknown aggregate `\(f)`",
                  help: suggestion.map { "did you mean `\($0)`?" } ?? "aggregates are `pQ(x)`, `percentile(x, q)`, `mean`, `min`, `max`, `sum`, `count` and `share`")
            return nil
        }
    }

    private mutating func checkPercentileRank(_ q: Rational, span: Span) -> Bool {
        if q.signum <= 0 || q > Rational(100) {
            error("SLA0208", span, "percentile `\(q.decimalString())` is outside (0, 100]", help: "a percentile is above 0 and at most 100, e.g. `p99` or `p99.9`")
            return false
        }
        return true
    }

    /// The bound of `require` in the aggregate's canonical unit. A rate bound on `count` or a token
    /// `sum` over fixed windows is converted to a count per window (`1k requests/min` over 5-minute
    /// windows is 5000 requests).
    private mutating func checkBound(_ bound: OperandSyntax, for aggregate: CheckedAggregate, window: CheckedWindow?) -> Rational? {
        let dimension = aggregate.dimension
        switch bound {
        case .quantity(let q):
            if dimension == .ratio {
                guard let unit = q.unit else {
                    // `0.999` is most likely meant as a fraction: suggest the percentage it stands for.
                    let fraction = (q.number.digits.count > Checker.maxDigits ? nil : Rational(decimal: q.number.digits)).flatMap { $0.signum > 0 && $0 <= .one && q.number.suffix == nil ? $0 : nil }
                    // The quick fix is the help's suggestion (as for objectives and credits).
                    let percent = fraction.map { ($0 * Rational(100)).decimalString() + "%" } ?? source.slice(q.span) + "%"
                    error("SLA0203", q.span, "the bound has no unit",
                          help: fraction.map { _ in "a share is a percentage: write `\(percent)` for the fraction `\(q.number.digits)`" }
                              ?? "a share is a percentage: write `\(percent)`",
                          fix: DiagnosticFix(span: q.span, replacement: percent))
                    return nil
                }
                guard unit.text == "%" else {
                    error("SLA0204", unit.span, "`share` is a ratio, but `\(unit.text)` is not a percentage",
                          help: "write a percentage such as `99.9%`")
                    return nil
                }
                guard let v = number(q.number) else { return nil }
                return v * Rational(1, 100)
            }
            // Rates of counts over fixed windows.
            if let unit = q.unit, let def = UnitTable.units[unit.text],
               (def.dimension == .requestRate && dimension == .requests) || (def.dimension == .tokenRate && dimension == .tokens && aggregate.metric.map { if case .sum = aggregate { return $0.dimension == .tokens } else { return false } } == true) {
                guard case .fixed(let ns)? = window, let v = number(q.number) else {
                    error("SLA0218", unit.span, "a rate bound `\(unit.text)` needs a fixed window such as `every 1 minute`",
                          help: "write the bound as a count per window, e.g. `\(source.slice(q.number.span)) \(dimension.exampleUnit)`")
                    return nil
                }
                // rate (per second) × window length (seconds)
                return v * def.factor * Rational(BigInt(Int(ns)), BigInt(1_000_000_000))
            }
            return quantity(q, expecting: dimension, role: "the bound")
        case .string(let s):
            error("SLA0216", s.span, "the requirement compares \(dimension.phrase) with text `\"\(s.value)\"`",
                  help: "write a number with a unit, e.g. `\(dimension == .duration ? "800 ms" : "100 \(dimension.exampleUnit)")`")
            return nil
        case .name(let id):
            error("SLA0214", id.span, "the bound must be a number, not `\(id.name)`", help: "write a number with its unit, e.g. `800 ms`")
            return nil
        case .missing:
            return nil
        }
    }
}
