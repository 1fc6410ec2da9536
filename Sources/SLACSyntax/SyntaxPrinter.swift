/// Prints syntax back as contract text in its one canonical spelling: single spaces around
/// operators and keywords, none inside parentheses, `%` glued to its number, lists as `[a, b]`.
///
/// `slac fmt` lays items out with it, and `diff` and the analysis quote requirements with it, so
/// the same requirement always reads the same way whatever spacing the file used.
package enum SyntaxPrinter {
    /// A one-line string with the lexer's four escapes; other characters are kept as they are.
    package static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A string literal; a `"""` block is printed over several lines, its text indented four
    /// spaces past `indent` (the indentation of the line the block opens on).
    package static func string(_ literal: StringLiteral, indent: Int) -> String {
        guard literal.isBlock else { return quoted(literal.value) }
        let pad = String(repeating: " ", count: indent + 4)
        var out = "\"\"\"\n"
        if !literal.value.isEmpty {
            for line in literal.value.split(separator: "\n", omittingEmptySubsequences: false) {
                out += line.isEmpty ? "\n" : pad + line + "\n"
            }
        }
        return out + pad + "\"\"\""
    }

    package static func number(_ n: NumberLiteral) -> String { n.digits + (n.suffix.map { String($0) } ?? "") }

    package static func quantity(_ q: QuantitySyntax) -> String {
        guard let unit = q.unit else { return number(q.number) }
        return unit.text == "%" ? number(q.number) + "%" : number(q.number) + " " + unit.text
    }

    package static func operand(_ o: OperandSyntax) -> String {
        switch o {
        case .name(let i): i.name
        case .string(let s): quoted(s.value)
        case .quantity(let q): quantity(q)
        case .missing: ""
        }
    }

    package static func predicate(_ p: PredicateSyntax) -> String {
        switch p {
        case .and(let a, let b, _): predicate(a) + " and " + predicate(b)
        case .or(let a, let b, _): predicate(a) + " or " + predicate(b)
        case .not(let a, _): "not " + predicate(a)
        case .parenthesized(let a, _): "(" + predicate(a) + ")"
        case .comparison(let l, let op, let r, _, _): operand(l) + " " + op.rawValue + " " + operand(r)
        case .membership(let l, let negated, let values, _):
            operand(l) + (negated ? " not in [" : " in [") + values.map(operand).joined(separator: ", ") + "]"
        case .operand(let o): operand(o)
        case .missing: ""
        }
    }

    package static func aggregate(_ a: AggregateSyntax) -> String {
        guard let arguments = a.arguments else { return a.function.name }
        let parts = arguments.map { argument -> String in
            switch argument {
            case .operand(let o): operand(o)
            case .predicate(let p): predicate(p)
            }
        }
        return a.function.name + "(" + parts.joined(separator: ", ") + ")"
    }

    /// `p99(ttft) <= 800 ms`: the requirement without its keyword.
    package static func requirement(_ r: RequireSyntax) -> String {
        aggregate(r.aggregate) + " " + r.comparison.rawValue + " " + operand(r.bound)
    }

    /// The keyword (`every` or `over`) and the rest of a window item.
    package static func window(_ w: WindowClauseSyntax) -> (keyword: String, rest: String) {
        let groups = w.groupBy.isEmpty ? "" : " per " + w.groupBy.map(\.name).joined(separator: ", ")
        switch w.window {
        case .fixed(let q): return ("every", quantity(q) + groups)
        case .calendar(let unit): return ("every", "calendar " + unit.name + groups)
        case .term: return ("over", "term" + groups)
        }
    }

    /// An exclusion without its `exclude` keyword.
    package static func exclusion(_ e: ExclusionSyntax) -> String {
        switch e {
        case .maintenance(let from, let to, let asUptime, _): "maintenance from " + from.text + " to " + to.text + (asUptime ? " as uptime" : "")
        case .requests(let p, _): "requests where " + predicate(p)
        }
    }

    package static func period(_ p: PeriodSyntax?) -> String {
        switch p {
        case .calendarMonth?: " per calendar month"
        case .calendarQuarter?: " per calendar quarter"
        case .calendarYear?: " per calendar year"
        case .term?: " per term"
        case nil: ""
        }
    }

    package static func objective(_ o: ObjectiveSyntax) -> String {
        if let op = o.measureComparison { return "measure " + op.rawValue + " " + quantity(o.percent) }
        return quantity(o.percent) + " of windows" + period(o.period)
    }

    package static func credit(_ c: CreditSyntax) -> String {
        quantity(c.percent) + " of " + c.base.rawValue + " when " + (c.onMeasure ? "measure " : "attainment ")
            + c.comparison.rawValue + " " + quantity(c.threshold)
    }

    /// `mean per calendar month`: a `measure` item without its keyword.
    package static func measure(_ m: MeasureSyntax) -> String {
        m.kind.name + period(m.period)
    }

    /// `100%`, `met` or `breached`: an `empty` item without its keyword.
    package static func empty(_ e: EmptySyntax) -> String {
        switch e.value {
        case .quantity(let q): quantity(q)
        case .met: "met"
        case .breached: "breached"
        }
    }

    /// `after 5 consecutive breached windows`: a `downtime` item without its keyword.
    package static func downtime(_ d: DowntimeSyntax) -> String {
        "after " + number(d.count) + " consecutive breached windows"
    }

    /// `0.60 USD per 1M input_tokens [where CONDITION]`: a `price` header without its keyword.
    package static func price(amount: NumberLiteral, currency: Identifier, per: NumberLiteral, field: Identifier, condition: PredicateSyntax?) -> String {
        number(amount) + " " + currency.name + " per " + number(per) + " " + field.name + (condition.map { " where " + predicate($0) } ?? "")
    }
}
