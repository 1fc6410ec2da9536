import SLACChecker
import SLACExact
import SLACSyntax

/// What `slac explain` says about a contract: for each clause its legal text and, next to it, what
/// slac will check, in plain English, so a lawyer can compare the two line by line.
package struct Explanation: Sendable, Hashable {
    /// One labelled statement, optionally with a list under it.
    package struct Fact: Sendable, Hashable {
        package var label: String
        package var body: Prose
        package var items: [Prose]
        init(_ label: String, _ body: Prose, items: [Prose] = []) {
            self.label = label
            self.body = body
            self.items = items
        }
    }

    /// One clause: its reference, name, legal wording and the facts about it.
    package struct Clause: Sendable, Hashable {
        package var ref: String
        package var name: String
        package var legalText: String
        package var facts: [Fact]
    }

    package var title: String
    /// Facts about the whole contract (empty when one clause was asked for).
    package var facts: [Fact]
    package var clauses: [Clause]
}

/// Builds explanations from checked contracts and renders them as Markdown or HTML.
///
/// Everything it states comes from the checked contract (what slac will actually evaluate); the
/// syntax is used only to quote what was written, so a mismatch between the two is visible.
package enum ContractExplainer {

    /// The explanation of the whole contract, or of the clause named `clause` (its name or ref).
    package static func explain(_ document: ContractDocument, clause: String? = nil) -> Explanation {
        let contract = document.contract
        let parts = ContractParts(document.syntax)
        var clauses = contract.clauses
        if let clause { clauses = clauses.filter { $0.name == clause || $0.ref == clause } }
        return Explanation(title: contract.name,
                           facts: clause == nil ? contractFacts(contract, parts: parts) : [],
                           clauses: clauses.map { explainClause($0, document: document, parts: parts) })
    }

    // MARK: contract

    private static func contractFacts(_ c: CheckedContract, parts: ContractParts) -> [Explanation.Fact] {
        var facts: [Explanation.Fact] = []
        var ident: [Prose] = []
        if let id = c.id { ident.append("identifier \(code: id)") }
        if let version = c.version { ident.append("version \(code: version)") }
        if !ident.isEmpty { facts.append(.init("Identification", Prose.list(ident, conjunction: "and"))) }
        var parties: [Prose] = []
        if let p = c.provider { parties.append("\(p) (provider)") }
        if let cu = c.customer { parties.append("\(cu) (customer)") }
        if !parties.isEmpty { facts.append(.init("Parties", Prose.list(parties, conjunction: "and"))) }
        var term: Prose = "from \(Wording.instant(c.termStart)) (included) to \(Wording.instant(c.termEnd)) (excluded)"
        if let e = parts.effective {
            term = term + ", written \(code: "effective " + e.from.text + " to " + e.to.text)"
            if e.from.kind == .date || e.to.kind == .date { term = term + " (a date means midnight in the contract time zone)" }
        }
        facts.append(.init("Term", term))
        facts.append(.init("Time zone", "\(code: c.timezone): calendar days, weeks and months and the months of objectives and credits are taken in it; fixed-length windows are not"))
        if let fee = c.fee, let amount = Wording.feeAmount(fee) {
            // Only where some credit is a share of it: the usage-charges credits are not.
            let bases = Set(c.clauses.flatMap { $0.credits.map(\.base) })
            let role: Prose = bases.contains(.fee) ? (bases.contains(.charges) ? "credits of the fee are percentages of it (the others, of the usage charges)" : "service credits are percentages of it")
                : bases.isEmpty ? "no clause here carries a service credit" : "no credit here is a share of it: every credit is a share of the usage charges"
            facts.append(.init("Fee", "\(Wording.money(amount, currency: fee.currency, minorUnitDigits: fee.minorUnitDigits)) per month; " + role))
        } else if c.prices.isEmpty {
            facts.append(.init("Fee", "none stated, so no clause can carry service credits"))
        } else {
            facts.append(.init("Fee", "none stated: service credits can only be shares of the usage charges"))
        }
        if !c.prices.isEmpty {
            let items: [Prose] = c.prices.map { "\(code: "price " + $0.text)" }
            facts.append(.init("Usage prices", "the usage charges of a group in a period are the exact sum, over its accepted requests in the period that no exclusion removes (scope and minimum do not apply: it is what was billed), of price × token count, rounded once half-to-even to \(Wording.minorUnitName(c.prices[0].currency)) (the currency's minor unit); a request without the field adds nothing" + (c.prices.contains { $0.condition != nil } ? ". A request's tokens of a field take the first of that field's prices, in this order, whose condition holds for it (a condition that cannot be decided, for a request without the field it reads, does not hold); when none holds, they add nothing:" : ":"), items: items))
        }
        let exclusions = exclusionItems(c.exclusions, syntax: parts.exclusions, contract: c)
        facts.append(.init("Excluded from every clause", exclusions.isEmpty ? "nothing" : "before any clause looks at a request, these are set aside (and counted as excluded):", items: exclusions))
        facts.append(.init("Clauses", "\(String(c.clauses.count)) clause\(c.clauses.count == 1 ? "" : "s"), explained below"))
        return facts
    }

    private static func exclusionItems(_ e: CheckedExclusions, syntax: [ExclusionSyntax], contract: CheckedContract) -> [Prose] {
        var items: [Prose] = []
        let maintenanceSyntax = syntax.compactMap { s -> ExclusionSyntax? in if case .maintenance = s { return s } else { return nil } }
        let requestSyntax = syntax.compactMap { s -> ExclusionSyntax? in if case .requests = s { return s } else { return nil } }
        for (i, m) in e.maintenance.enumerated() {
            var item: Prose = "requests arriving during maintenance from \(Wording.instant(m.start)) (included) to \(Wording.instant(m.end)) (excluded)"
            if m.asUptime { item = item + ", whose time an uptime measure counts as up (it stays in the period)" }
            if i < maintenanceSyntax.count { item = item + ", written \(code: "exclude " + SyntaxPrinter.exclusion(maintenanceSyntax[i]))" }
            items.append(item)
        }
        for (i, p) in e.requests.enumerated() {
            var item: Prose = "requests where " + Wording.predicate(p)
            if i < requestSyntax.count { item = item + ", written \(code: "exclude " + SyntaxPrinter.exclusion(requestSyntax[i]))" }
            items.append(item)
        }
        return items
    }

    // MARK: clauses

    private static func explainClause(_ clause: CheckedClause, document: ContractDocument, parts: ContractParts) -> Explanation.Clause {
        let contract = document.contract
        let syntax = ClauseParts(document.syntax(of: clause))
        var facts: [Explanation.Fact] = []
        facts.append(.init("Requirement as written", "\(code: clause.requirementText)"))

        // What is measured.
        switch clause.aggregate {
        case .count: facts.append(.init("Measured", "the number of requests"))
        case .share(let p): facts.append(.init("Measured", "for each request, whether \(code: Wording.slac(p)) holds: " + Wording.predicate(p)))
        default:
            if let m = clause.aggregate.metric {
                facts.append(.init("Measured", Wording.metric(m) + ". A request for which it is absent or undefined contributes no value (it still counts toward the minimum sample)"))
            }
        }

        // Which requests.
        if let scope = clause.scope {
            let written = syntax.scope.map(SyntaxPrinter.predicate) ?? Wording.slac(scope)
            facts.append(.init("Requests in scope", "those for which the scope \(code: written) holds: " + Wording.predicate(scope)
                                + Wording.undecided(scope, "is not in scope")))
        } else {
            facts.append(.init("Requests in scope", "every request that is not excluded (the clause has no scope)"))
        }
        let contractWide = exclusionItems(contract.exclusions, syntax: parts.exclusions, contract: contract).map { "(whole contract) " + $0 }
        let own = exclusionItems(clause.exclusions, syntax: syntax.exclusions, contract: contract).map { "(this clause only) " + $0 }
        if contractWide.isEmpty && own.isEmpty {
            facts.append(.init("Excluded first", "nothing"))
        } else {
            facts.append(.init("Excluded first", "before the scope is applied, these requests are set aside:", items: contractWide + own))
        }

        // Windows and groups.
        facts.append(.init("Windows", Wording.window(clause.window, contract: contract) + ", " + Wording.groups(clause.groupBy)
                            + ". A window exists only when it holds at least one in-scope request"))

        // Statistic and bound.
        facts.append(.init("Statistic", Wording.statistic(clause.aggregate)))
        let unit = WrittenUnit(clause: clause, require: syntax.require)
        let asWritten = syntax.require.map { SyntaxPrinter.operand($0.bound) } ?? unit.format(clause.bound)
        let canonical: String
        switch clause.aggregate.dimension {
        case .ratio: canonical = "the fraction \(Wording.number(clause.bound))"
        case .requests, .tokens:
            canonical = Wording.canonical(clause.bound, clause.aggregate.dimension) + (unit.perWindow ? " per window" : "")
        default: canonical = Wording.canonical(clause.bound, clause.aggregate.dimension)
        }
        if clause.windowsAreValued {
            facts.append(.init("Window value", "each window with enough in-scope requests gets the statistic as its value; windows are not judged one by one, their values are averaged (see the measure)"))
        } else {
            facts.append(.init("Bound", "the statistic must be \(Wording.comparison(clause.comparison)) \(unit.format(clause.bound)) (written \(code: asWritten); in canonical units \(canonical)). A judged window where this holds is met; otherwise it is breached"))
        }

        // Minimum sample.
        let judged = clause.windowsAreValued ? "valued" : "judged"
        var minimum: Prose = clause.minimumRequests > 0
            ? "a window with fewer than \(Wording.number(Rational(clause.minimumRequests))) in-scope requests is insufficient and is not \(judged)"
            : "none: every window with an in-scope request is \(judged)"
        if clause.aggregate.metric != nil { minimum = minimum + "; a window where no request has a defined value is insufficient as well" }
        if case .share(let condition) = clause.aggregate, !Wording.undecidableNames(in: condition).isEmpty {
            minimum = minimum + "; a window where the condition cannot be decided for any in-scope request (it reads a value they lack) is insufficient as well"
        }
        facts.append(.init("Minimum sample", minimum))

        // Objective, or the period measure and its objective.
        let who: Prose = clause.groupBy.isEmpty ? "" : " and " + Wording.groups(clause.groupBy)
        let period = Wording.period(clause.objective.period, contract: contract)
        let bound = Wording.measureBound(clause.objective.bound, clause: clause)
        let objectiveWords = "\(Wording.comparison(clause.objective.comparison)) \(bound)"
        if let measure = clause.measure {
            let grid: Prose = "the intervals of the grid are the clause's windows (\(Wording.windowShort(clause.window))) that start in the period (or, for the first period, before it) and lie at least partly inside the term and outside maintenance, whether or not they hold a request"
            let measured: Prose
            switch measure.kind {
            case .mean:
                let empty: Prose
                if case .value(let e)? = measure.empty {
                    empty = "an interval without a value (no in-scope request\(clause.minimumRequests > 0 ? ", fewer than the minimum" : "") or no defined statistic) counts as \(Wording.measureBound(e, clause: clause))"
                } else {
                    empty = "an interval without a value does not count (the mean is over the intervals with one)"
                }
                measured = "the mean, over every interval of \(period), of the windows' values; " + empty + "; " + grid
            case .uptime:
                let down: Prose = measure.downtimeAfter > 1
                    ? "a breached interval is down only within a run of at least \(String(measure.downtimeAfter)) consecutive breached intervals (a run continues across period boundaries and ends at a gap in the grid)"
                    : "every breached interval is down"
                let empty: Prose = measure.empty == .breached ? "an interval without a verdict counts as breached" : "an interval without a verdict counts as met (up)"
                let upMaintenance = (contract.exclusions.maintenance + clause.exclusions.maintenance).contains(where: \.asUptime)
                measured = "uptime: the share of the grid's time in \(period) that is not down, exactly; " + down + "; " + empty + "; " + grid
                    + (upMaintenance ? ", counted for its time inside the term and outside the maintenance taken out of the period; maintenance counted as uptime stays in the grid and is never down (an interval partly inside it is down, when breached, for the rest of its time, and continues a run; one wholly inside it ends a run)" : ", counted for its time inside the term and outside maintenance")
            case .attainment:
                let empty: Prose = measure.empty == .breached ? "breached" : "met"
                measured = "attainment over every interval of \(period): met intervals ÷ all intervals of the grid, an interval without a verdict counting as \(empty); " + grid
            }
            facts.append(.init("Measure", measured + (clause.groupBy.isEmpty ? "" : "; computed " + Wording.groups(clause.groupBy))))
            facts.append(.init("Objective", "the clause is compliant when the measure of every (period, group) that exists is \(objectiveWords); a group exists in a period when it has an in-scope request there, or a window with one that starts there; when no (period, group) has a measure, the clause has no data (neither compliant nor breached)"))
        } else {
            let objective: Prose
            switch (clause.objective.period, syntax.objective == nil) {
            case (_, true):
                objective = "none written, so every judged window over the whole term must be met (an objective of 100% of windows per term); attainment is met windows ÷ judged windows"
            case (.term, false):
                objective = "attainment (met windows ÷ judged windows) is computed over the whole term\(who); the clause is compliant when it is \(objectiveWords)"
            default:
                objective = "attainment (met windows ÷ judged windows) is computed for \(period)\(who); the clause is compliant when every such attainment is \(objectiveWords) (a window belongs to the \(Wording.periodUnit(clause.objective.period)) in which it starts)"
            }
            facts.append(.init("Objective", objective + "; when no window is judged at all, the clause has no data (neither compliant nor breached)"))
        }

        // Credits.
        if !clause.credits.isEmpty {
            var items: [Prose] = []
            let onMeasure = clause.measure != nil || syntax.credits.contains(where: \.onMeasure)
            for tier in clause.credits.reversed() {
                let what: Prose = onMeasure ? "measure \(Wording.comparison(tier.comparison)) \(Wording.measureBound(tier.threshold, clause: clause))"
                    : "attainment below \(Wording.percent(tier.threshold))"
                var item: Prose
                switch tier.base {
                case .fee:
                    item = what + ": \(Wording.number(tier.percent))% of the monthly fee"
                    if let fee = contract.fee, let amount = Wording.creditAmount(percent: tier.percent, fee: fee) { item = item + " = \(amount)" }
                case .charges:
                    item = what + ": \(Wording.number(tier.percent))% of the group's usage charges in the period"
                }
                items.append(item)
            }
            let worst = clause.credits.first?.lowerIsWorse ?? true ? "lowest" : "highest"
            if clause.credits.first?.base == .charges {
                facts.append(.init("Service credits", "for each period and each group, the group's measure selects one tier, paid on that group's usage charges of the period; the tiers do not add up (when several apply, only the one with the worst bound counts); the charges and the credit are each rounded once half-to-even to the currency's minor unit:", items: items))
            } else {
                facts.append(.init("Service credits", "for each calendar month, the \(worst) \(onMeasure ? "measure" : "attainment") among the month's groups selects one tier; the tiers do not add up (when several apply, only the one with the \(onMeasure ? "worst bound" : "lowest threshold") counts); amounts are rounded half-to-even to the currency's minor unit:", items: items))
            }
        } else {
            facts.append(.init("Service credits", "none"))
        }
        return Explanation.Clause(ref: clause.ref, name: clause.name, legalText: clause.text, facts: facts)
    }

    // MARK: Markdown

    /// GitHub-flavoured Markdown: a section per clause, the legal text quoted above the facts.
    package static func markdown(_ e: Explanation) -> String {
        var out = "# " + escapeMarkdown(e.title) + "\n"
        if !e.facts.isEmpty {
            out += "\n" + e.facts.map(markdownFact).joined()
        }
        for c in e.clauses {
            out += "\n## Clause " + escapeMarkdown(c.ref) + " " + markdownCode(c.name) + "\n\n"
            out += "**Contract text**\n\n"
            if c.legalText.isEmpty {
                out += "> *(the clause has no text)*\n"
            } else {
                for line in c.legalText.split(separator: "\n", omittingEmptySubsequences: false) {
                    out += line.isEmpty ? ">\n" : "> " + escapeMarkdown(String(line)) + "\n"
                }
            }
            out += "\n**What slac checks**\n\n"
            out += c.facts.map(markdownFact).joined()
        }
        return out
    }

    /// A fact's body as a sentence: a final period unless it introduces a list.
    private static func sentence(_ p: Prose) -> Prose {
        guard case .text(let last)? = p.parts.last, last.hasSuffix(":") || last.hasSuffix(".") else { return p + "." }
        return p
    }

    private static func markdownFact(_ f: Explanation.Fact) -> String {
        var out = "- **" + escapeMarkdown(f.label) + ":** " + markdown(sentence(f.body)) + "\n"
        for item in f.items { out += "  - " + markdown(item) + "\n" }
        return out
    }

    static func markdown(_ p: Prose) -> String {
        p.parts.map { part in
            switch part {
            case .text(let t): escapeMarkdown(t)
            case .code(let c): markdownCode(c)
            }
        }.joined()
    }

    /// Backslash-escapes the characters Markdown would read as formatting.
    static func escapeMarkdown(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\`*_[]<>|#".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// A code span whose fence is longer than any run of backticks inside.
    static func markdownCode(_ code: String) -> String {
        var longest = 0, run = 0
        for c in code { run = c == "`" ? run + 1 : 0; longest = max(longest, run) }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = code.hasPrefix("`") || code.hasSuffix("`") ? " " : ""
        return fence + pad + code.replacingOccurrences(of: "\n", with: " ") + pad + fence
    }

    // MARK: HTML

    /// A self-contained HTML page (inline style, no scripts): the legal text and the facts side by side.
    package static func html(_ e: Explanation) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(escapeHTML(e.title))</title>
            <style>
            body { font-family: Georgia, serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
            code { font-family: Menlo, Consolas, monospace; font-size: 0.9em; background: #f3f3f3; padding: 0 0.2em; }
            .clause { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; border-top: 1px solid #ccc; padding-top: 1rem; }
            .clause h2 { grid-column: 1 / 3; margin: 0; }
            blockquote { white-space: pre-wrap; margin: 0; padding-left: 1rem; border-left: 3px solid #888; }
            dt { font-weight: bold; margin-top: 0.6rem; }
            dd { margin-left: 1rem; }
            </style>
            </head>
            <body>
            <h1>\(escapeHTML(e.title))</h1>

            """
        if !e.facts.isEmpty {
            out += "<dl>\n" + e.facts.map(htmlFact).joined() + "</dl>\n"
        }
        for c in e.clauses {
            out += "<section class=\"clause\" id=\"clause-\(escapeHTML(c.name))\">\n"
            out += "<h2>Clause \(escapeHTML(c.ref)) <code>\(escapeHTML(c.name))</code></h2>\n"
            out += "<div>\n<h3>Contract text</h3>\n"
            out += c.legalText.isEmpty ? "<p><em>(the clause has no text)</em></p>\n" : "<blockquote>\(escapeHTML(c.legalText))</blockquote>\n"
            out += "</div>\n<div>\n<h3>What slac checks</h3>\n<dl>\n" + c.facts.map(htmlFact).joined() + "</dl>\n</div>\n</section>\n"
        }
        return out + "</body>\n</html>\n"
    }

    private static func htmlFact(_ f: Explanation.Fact) -> String {
        var out = "<dt>\(escapeHTML(f.label))</dt>\n<dd>\(html(sentence(f.body)))"
        if !f.items.isEmpty {
            out += "\n<ul>\n" + f.items.map { "<li>\(html($0))</li>\n" }.joined() + "</ul>\n"
        }
        return out + "</dd>\n"
    }

    private static func html(_ p: Prose) -> String {
        p.parts.map { part in
            switch part {
            case .text(let t): escapeHTML(t)
            case .code(let c): "<code>" + escapeHTML(c) + "</code>"
            }
        }.joined()
    }

    /// Escapes text for element content and quoted attributes; control characters become U+FFFD.
    static func escapeHTML(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
