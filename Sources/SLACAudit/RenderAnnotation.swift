import CLibXML2
import SLACExact
import SLACReport

/// Adds what the stylesheet needs but XSLT 1.0 computes badly or slowly, as elements and
/// attributes in the namespace `urn:slac:render:1` (prefix `v`), to a transient parsed copy of a
/// report: per clause the aggregated chart and copies of the worst breached windows; per period
/// the attainment and objective as exact percentages; for the report the verdict counts, the
/// credit totals per currency and the integrity check. The report file itself is never changed.
package enum RenderAnnotation {
    /// The annotation namespace; never written to a report.
    static let namespace = "urn:slac:render:1"
    /// Breached windows listed in each clause's evidence table.
    static let worstWindows = 10

    static func annotate(_ document: ParsedXML, integrity: IntegrityCheck?) throws {
        guard let root = document.root, let ns = xmlNewNs(root.pointer, namespace, "v") else { return }
        var counts = ["compliant": 0, "breached": 0, "no-data": 0]
        var clauseCount = 0
        var listedWindows = 0
        var credits: [String: (sum: Rational, digits: Int)] = [:]
        var tracePaths: [String] = []
        root.forEachChild("trace") { trace in tracePaths.append(trace.attribute("path") ?? "") }
        // The contract's maintenance windows, shaded in every clause's chart as agreed time off
        // rather than as a gap in the data.
        let contractMaintenance = root.firstChild("contract").map(maintenanceIntervals) ?? []
        let clock = PageClock(timezone: root.firstChild("contract")?.attribute("timezone"))
        if let contract = root.firstChild("contract"), let fee = contract.attribute("fee") {
            setAttribute(contract.pointer, ns, "fee-display", PeopleNumbers.money(fee))
        }
        // Verdicts and credits resting on little data: (clause index, the element, its coverage).
        var thinCoverage: [(clause: Int, clauseElement: ElementView, element: ElementView, coverage: Rational)] = []
        try root.forEachChild("clause") { clause in
            clauseCount += 1
            counts[clause.attribute("verdict") ?? "", default: 0] += 1
            let definition = clause.firstChild("definition")
            if let definition { annotateDefinition(definition, ns: ns) }
            if let coverage = clause.firstChild("coverage") {
                if let text = coverage.attribute("covered-seconds"), let value = Rational(decimal: text) {
                    setAttribute(coverage.pointer, ns, "covered-display", PeopleNumbers.duration(seconds: value))
                }
                if let text = coverage.attribute("cell-seconds"), let value = Rational(decimal: text) {
                    setAttribute(coverage.pointer, ns, "cell-display", PeopleNumbers.duration(seconds: value))
                }
            }
            thinCoverage += annotateCoverage(clause, index: clauseCount, definition: definition, ns: ns)
            // A period measure: shown as a percentage when a ratio, else with its unit; the worst
            // one (lowest for a `>=`/`>` objective, highest otherwise) goes in the overview.
            var worstMeasure: (value: Rational, text: String)?
            var worstAttainment: (value: Rational, text: String, exact: String)?
            clause.forEachChild("period") { period in
                let objective = period.attribute("objective")
                if let text = period.attribute("attainment"), let percent = percentText(text) {
                    setAttribute(period.pointer, ns, "attainment-percent", percent)
                    setAttribute(period.pointer, ns, "attainment-display", PeopleNumbers.display(text, unit: "ratio", bound: objective))
                    if let value = Rational(decimal: text), worstAttainment.map({ value < $0.value }) ?? true {
                        worstAttainment = (value, PeopleNumbers.display(text, unit: "ratio", bound: objective), percent + "%")
                    }
                }
                let unit = period.attribute("unit")
                let ratio = unit == nil || unit == "ratio"
                if let charges = period.attribute("charges") { setAttribute(period.pointer, ns, "charges-display", PeopleNumbers.money(charges)) }
                if let text = objective {
                    if ratio, let percent = percentText(text) {
                        setAttribute(period.pointer, ns, "objective-percent", percent)
                    } else if let unit {
                        setAttribute(period.pointer, ns, "objective-percent", text + " " + unit)
                    }
                    setAttribute(period.pointer, ns, "objective-display", exactDisplay(text, unit: ratio ? "ratio" : unit))
                }
                if let text = period.attribute("measure"), let value = Rational(decimal: text) {
                    let shown = PeopleNumbers.display(text, unit: ratio ? "ratio" : unit, bound: objective)
                    setAttribute(period.pointer, ns, "measure-display", shown)
                    setAttribute(period.pointer, ns, "measure-exact", ratio ? (percentText(text).map { $0 + "%" } ?? text) : text + " " + (unit ?? ""))
                    let lowIsWorse = (period.attribute("objective-comparison") ?? ">=").hasPrefix(">")
                    if let current = worstMeasure, lowIsWorse ? current.value <= value : current.value >= value { return }
                    worstMeasure = (value, shown)
                }
            }
            if let worstMeasure { setAttribute(clause.pointer, ns, "worst-measure", worstMeasure.text) }
            if let worstAttainment {
                setAttribute(clause.pointer, ns, "worst-attainment", worstAttainment.text)
                setAttribute(clause.pointer, ns, "worst-attainment-exact", worstAttainment.exact)
            }
            clause.forEachChild("credit") { credit in
                annotateCredit(credit, definition: definition, ns: ns)
                guard let currency = credit.attribute("currency"), let amount = credit.attribute("amount"),
                      let value = Rational(decimal: amount) else { return }
                let digits = amount.split(separator: ".").dropFirst().first?.count ?? 0
                let previous = credits[currency] ?? (.zero, 0)
                credits[currency] = (previous.sum + value, max(previous.digits, digits))
            }
            let maintenance = contractMaintenance + (definition.map(maintenanceIntervals) ?? [])
            listedWindows += try annotateClause(clause, document: document, definition: definition, tracePaths: tracePaths,
                                                maintenance: maintenance, clock: clock, ns: ns)
        }
        let summary = try newChild(root.pointer, ns, "summary")
        setAttribute(summary, nil, "clauses", String(clauseCount))
        for (verdict, count) in counts.sorted(by: { $0.key < $1.key }) { setAttribute(summary, nil, verdict, String(count)) }
        setAttribute(summary, nil, "listed-windows", String(listedWindows))
        setAttribute(summary, nil, "clock", clock.name)
        for currency in credits.keys.sorted() {
            guard let total = credits[currency] else { continue }
            let element = try newChild(summary, ns, "credit-total")
            setAttribute(element, nil, "currency", currency)
            setAttribute(element, nil, "amount", Rational.fixed(total.sum, fractionDigits: total.digits))
            setAttribute(element, nil, "display", PeopleNumbers.money(Rational.fixed(total.sum, fractionDigits: total.digits)))
        }
        try annotateTraces(root, summary: summary, ns: ns)
        for thin in thinCoverage {
            let warning = try newChild(summary, ns, "thin-coverage")
            let e = thin.element
            setAttribute(warning, nil, "clause", String(thin.clause))
            setAttribute(warning, nil, "ref", thin.clauseElement.attribute("ref") ?? "")
            setAttribute(warning, nil, "name", thin.clauseElement.attribute("name") ?? "")
            setAttribute(warning, nil, "kind", e.name)
            for name in ["start", "end", "amount", "currency", "verdict"] {
                if let value = e.attribute(name) { setAttribute(warning, nil, name, value) }
            }
            if let amount = e.attribute("amount") { setAttribute(warning, nil, "amount-display", PeopleNumbers.money(amount)) }
            for name in ["coverage-display", "coverage-percent", "covered-display", "period-display"] {
                if let value = e.attribute(name, namespace: namespace) { setAttribute(warning, nil, name, value) }
            }
            let keys = e.children.filter { $0.isReport("key") }.map { "\($0.attribute("field") ?? "") = \($0.attribute("value") ?? "(absent)")" }
            if !keys.isEmpty { setAttribute(warning, nil, "group", keys.joined(separator: ", ")) }
        }
        if let integrity { try annotateIntegrity(integrity, root: root.pointer, ns: ns) }
        if clock.zone != nil { try annotateLocalTimes(root, summary: summary, clock: clock, ns: ns) }
    }

    /// Attributes holding instants that the page prints.
    private static let instantAttributes: Set<String> = ["start", "end", "term-start", "term-end", "first-record", "last-record",
                                                          "from", "to", "first", "last"]

    /// For a contract with a time zone, each instant the page prints, on the contract's clock:
    /// `<v:instant utc="2026-08-31T22:00:00Z" date="2026-09-01" time="00:00"/>`, which the
    /// stylesheet's `instant` and `range` templates look up by key. The report's windows are
    /// skipped but for the ranked copies of the worst, which are all the page lists; so is `generated`,
    /// which the page quotes in UTC as the signed part states it.
    private static func annotateLocalTimes(_ root: ElementView, summary: xmlNodePtr, clock: PageClock, ns: xmlNsPtr) throws {
        var seen: Set<String> = []
        var instants: [(text: String, nanos: Int64)] = []
        func visit(_ element: ElementView) {
            if element.isReport("window"), element.attribute("rank", namespace: namespace) == nil { return }
            for (name, value) in element.attributes where instantAttributes.contains(name) {
                guard !seen.contains(value), let nanos = CivilTime.parseInstant(value) else { continue }
                seen.insert(value)
                instants.append((value, nanos))
            }
            for child in element.children { visit(child) }
        }
        visit(root)
        let table = try newChild(summary, ns, "instants")
        for instant in instants {
            let element = try newChild(table, ns, "instant")
            let local = clock.text(instant.nanos)
            setAttribute(element, nil, "utc", instant.text)
            setAttribute(element, nil, "date", local.date)
            setAttribute(element, nil, "time", local.time)
        }
    }

    /// Below this coverage a period's verdict or credit is flagged at the top of the page.
    static let thinCoverage = Rational(1, 2)

    /// Coverage texts of the clause's periods and credits (`10.4 h of 744 h`, `1.4%`); returns the
    /// credits, or else the breached periods, whose coverage is thin (the lowest first per clause).
    private static func annotateCoverage(_ clause: ElementView, index: Int, definition: ElementView?, ns: xmlNsPtr)
        -> [(clause: Int, clauseElement: ElementView, element: ElementView, coverage: Rational)] {
        var thinCredits: [(Rational, ElementView)] = []
        var thinPeriods: [(Rational, ElementView)] = []
        var thinCompliant: [(Rational, ElementView)] = []
        var lowest: (Rational, String)?
        for name in ["period", "credit"] {
            clause.forEachChild(name) { element in
                guard let coveredText = element.attribute("covered-seconds"), let covered = Rational(decimal: coveredText),
                      let periodText = element.attribute("period-seconds"), let period = Rational(decimal: periodText),
                      period.signum > 0 else { return }
                let coverage = covered / period
                let percent = PeopleNumbers.percent(coverage)
                setAttribute(element.pointer, ns, "coverage-percent", percent)
                setAttribute(element.pointer, ns, "covered-display", PeopleNumbers.duration(seconds: covered))
                setAttribute(element.pointer, ns, "period-display", PeopleNumbers.duration(seconds: period))
                setAttribute(element.pointer, ns, "coverage-display",
                             "\(PeopleNumbers.duration(seconds: covered)) of \(PeopleNumbers.duration(seconds: period)) (\(percent))")
                if coverage < thinCoverage {
                    setAttribute(element.pointer, ns, "thin", "yes")
                    if name == "credit" { thinCredits.append((coverage, element)) }
                    if name == "period" && element.attribute("verdict") == "breached" { thinPeriods.append((coverage, element)) }
                    if name == "period" && element.attribute("verdict") == "compliant" { thinCompliant.append((coverage, element)) }
                }
                if name == "period", lowest.map({ coverage < $0.0 }) ?? true { lowest = (coverage, percent) }
            }
        }
        if let lowest {
            setAttribute(clause.pointer, ns, "lowest-coverage", lowest.1)
            if lowest.0 < thinCoverage { setAttribute(clause.pointer, ns, "thin", "yes") }
        }
        // Every credit; else the worst breached period; else, for a compliant clause, its compliant
        // period with the least data: a pass judged on a few minutes of a month is the case an
        // auditor most needs to see, and it once went unflagged.
        let chosen = !thinCredits.isEmpty ? thinCredits
            : !thinPeriods.isEmpty ? Array(thinPeriods.sorted { $0.0 < $1.0 }.prefix(1))
            : clause.attribute("verdict") == "compliant" ? Array(thinCompliant.sorted { $0.0 < $1.0 }.prefix(1)) : []
        return chosen.map { (index, clause, $0.1, $0.0) }
    }

    /// People's forms of the definition's bounds: the window bound, the objective and the tiers'
    /// thresholds (percentages for ratios).
    private static func annotateDefinition(_ definition: ElementView, ns: xmlNsPtr) {
        let unit = definition.attribute("unit")
        if let bound = definition.attribute("bound") {
            setAttribute(definition.pointer, ns, "bound-display", exactDisplay(bound, unit: unit))
        }
        let measureUnit = definition.attribute("measure") == "mean" ? unit : "ratio"
        if let objective = definition.attribute("objective") {
            setAttribute(definition.pointer, ns, "objective-display", exactDisplay(objective, unit: measureUnit))
        }
        if let empty = definition.attribute("empty") {
            let word = empty == "met" || empty == "breached"
            setAttribute(definition.pointer, ns, "empty-display", word ? empty : exactDisplay(empty, unit: unit))
        }
        definition.forEachChild("tier") { tier in
            if let threshold = tier.attribute("threshold") {
                setAttribute(tier.pointer, ns, "threshold-display", exactDisplay(threshold, unit: measureUnit))
            }
        }
    }

    /// People's forms of a credit's figures: the amount and fee with separators, the measure that
    /// chose the tier and the tier's threshold (percentages for ratios).
    private static func annotateCredit(_ credit: ElementView, definition: ElementView?, ns: xmlNsPtr) {
        if let amount = credit.attribute("amount") { setAttribute(credit.pointer, ns, "amount-display", PeopleNumbers.money(amount)) }
        if let fee = credit.attribute("fee") { setAttribute(credit.pointer, ns, "fee-display", PeopleNumbers.money(fee)) }
        if let charges = credit.attribute("charges") { setAttribute(credit.pointer, ns, "charges-display", PeopleNumbers.money(charges)) }
        let measureKind = definition?.attribute("measure") ?? "attainment"
        let unit = measureKind == "mean" ? definition?.attribute("unit") : "ratio"
        let threshold = credit.attribute("tier-threshold")
        if let measure = credit.attribute("measure") {
            setAttribute(credit.pointer, ns, "measure-display", PeopleNumbers.display(measure, unit: unit, bound: threshold))
            setAttribute(credit.pointer, ns, "measure-exact", unit == "ratio" ? (percentText(measure).map { $0 + "%" } ?? measure) : measure)
        }
        if let threshold { setAttribute(credit.pointer, ns, "threshold-display", exactDisplay(threshold, unit: unit)) }
        if let worst = credit.firstChild("worst") {
            let keys = worst.children.filter { $0.isReport("key") }.map { "\($0.attribute("field") ?? "") \($0.attribute("value") ?? "(absent)")" }
            if !keys.isEmpty { setAttribute(credit.pointer, ns, "worst-group", keys.joined(separator: ", ")) }
        }
    }

    /// The data's range over all traces, for the banner (`2026-03-14 00:00 – 12:21 UTC, 12.4 h`).
    private static func annotateTraces(_ root: ElementView, summary: xmlNodePtr, ns: xmlNsPtr) throws {
        var first: Int64?, last: Int64?
        root.forEachChild("trace") { trace in
            if let text = trace.attribute("first-record"), let t = CivilTime.parseInstant(text) { first = min(first ?? t, t) }
            if let text = trace.attribute("last-record"), let t = CivilTime.parseInstant(text) { last = max(last ?? t, t) }
        }
        guard let first, let last else { return }
        let element = try newChild(summary, ns, "data-range")
        setAttribute(element, nil, "first", CivilTime.format(first))
        setAttribute(element, nil, "last", CivilTime.format(last))
        setAttribute(element, nil, "span", PeopleNumbers.duration(seconds: Rational(Int(last - first), 1_000_000_000)))
    }

    /// The maintenance exclusions among `parent`'s children (the contract's, or a clause's
    /// definition's), as instants.
    private static func maintenanceIntervals(_ parent: ElementView) -> [(Int64, Int64)] {
        var intervals: [(Int64, Int64)] = []
        parent.forEachChild("exclusion") { exclusion in
            guard exclusion.attribute("kind") == "maintenance",
                  let s = exclusion.attribute("start").flatMap(CivilTime.parseInstant),
                  let e = exclusion.attribute("end").flatMap(CivilTime.parseInstant), e > s else { return }
            intervals.append((s, e))
        }
        return intervals
    }

    /// The chart and the worst windows of one clause; returns the number of listed windows.
    private static func annotateClause(_ clause: ElementView, document: ParsedXML, definition: ElementView?, tracePaths: [String],
                                       maintenance: [(Int64, Int64)], clock: PageClock, ns: xmlNsPtr) throws -> Int {
        let bound = definition.flatMap(ChartBound.init(definition:))
        var windows: [ChartWindow] = []
        var unit: String?
        // The worst breached windows so far, worst first: (how far beyond the bound, node).
        var worst: [(severity: Double, node: xmlNodePtr, value: Double?)] = []
        clause.forEachChild("window") { window in
            guard let startText = window.attribute("start"), let start = CivilTime.parseInstant(startText),
                  let endText = window.attribute("end"), let end = CivilTime.parseInstant(endText) else { return }
            let value = window.attribute("observed").flatMap(Double.init)
            if unit == nil { unit = window.attribute("unit") }
            let kind: ChartWindow.Kind
            switch window.attribute("verdict") {
            case "met": kind = .met
            case "breached": kind = .breached
            case "valued": kind = .valued
            default: kind = .insufficient
            }
            windows.append(ChartWindow(start: start, end: end, value: value, kind: kind, text: window.attribute("observed")))
            guard kind == .breached else { return }
            let severity = severityOf(value, bound: bound)
            if worst.count < worstWindows || severity > (worst.last?.severity ?? -.infinity) {
                let at = worst.firstIndex { severity > $0.severity } ?? worst.count
                worst.insert((severity, window.pointer, value), at: at)
                if worst.count > worstWindows { worst.removeLast() }
            }
        }
        let chartUnit = unit ?? bound?.unit ?? ""
        // The chart spans the data's range (the covered cells), not only the listed windows, and
        // shades the time without in-scope records.
        var dataIntervals: [(Int64, Int64)] = []
        var dataRange: (Int64, Int64)?
        if let coverage = clause.firstChild("coverage") {
            coverage.forEachChild("data") { data in
                guard let s = data.attribute("start").flatMap(CivilTime.parseInstant),
                      let e = data.attribute("end").flatMap(CivilTime.parseInstant), e > s else { return }
                dataIntervals.append((s, e))
            }
            let firstRecord = coverage.attribute("first-record").flatMap(CivilTime.parseInstant)
            let lastRecord = coverage.attribute("last-record").flatMap(CivilTime.parseInstant)
            if let s = dataIntervals.first?.0 ?? firstRecord, let e = coverage.attribute("intervals-omitted") == nil
                ? (dataIntervals.last?.1 ?? lastRecord.map { $0 + 1 }) : lastRecord.map({ $0 + 1 }) {
                dataRange = (s, e)
            }
            if coverage.attribute("intervals-omitted") != nil { dataIntervals = [] }
        }
        let chart = ChartData(windows: windows, unit: chartUnit, bound: bound, range: dataRange, data: dataIntervals,
                              maintenance: maintenance, clock: clock)
        let element = try newChild(clause.pointer, ns, "chart")
        let attributes: [(String, String?)] = [
            ("listed", String(chart.listed)), ("valued", String(chart.valued)), ("columns", String(chart.columns)),
            ("windows-per-column", String(chart.windowsPerColumn)),
            ("from", chart.listed > 0 ? CivilTime.format(chart.firstStart) : nil),
            ("to", chart.listed > 0 ? CivilTime.format(chart.lastEnd) : nil),
            ("unit", chartUnit), ("axis-unit", chartUnit == "ratio" ? "%" : chartUnit),
            ("width", ChartData.px(ChartData.width)), ("height", ChartData.px(ChartData.height)),
            ("plot-left", ChartData.px(ChartData.plotLeft)), ("plot-top", ChartData.px(ChartData.plotTop)),
            ("plot-right", ChartData.px(ChartData.plotLeft + ChartData.plotWidth)),
            ("plot-bottom", ChartData.px(ChartData.plotTop + ChartData.plotHeight)),
            ("plot-width", ChartData.px(ChartData.plotWidth)), ("plot-height", ChartData.px(ChartData.plotHeight)),
            ("strip-breached-y", ChartData.px(ChartData.breachedStripY)),
            ("strip-insufficient-y", ChartData.px(ChartData.insufficientStripY)),
            ("strip-height", ChartData.px(ChartData.stripHeight)),
            ("x-label-y", ChartData.px(ChartData.xLabelY)),
            ("bound-y", chart.boundY.map(ChartData.px)), ("bound-label", chart.boundLabel),
            ("direction", bound?.direction.rawValue), ("aggregate", bound?.aggregate),
            ("clipped", String(chart.clipped)), ("clipped-above", chart.clippedAbove), ("clipped-maximum", chart.clippedMaximum),
            ("gaps", chart.gaps > 0 ? String(chart.gaps) : nil),
            ("maintenance", chart.maintenance > 0 ? String(chart.maintenance) : nil),
        ]
        for case let (name, value?) in attributes { setAttribute(element, nil, name, value) }
        for tick in chart.yTicks {
            let t = try newChild(element, ns, "ytick")
            setAttribute(t, nil, "y", ChartData.px(tick.position))
            setAttribute(t, nil, "label", tick.label)
        }
        for tick in chart.xTicks {
            let t = try newChild(element, ns, "xtick")
            setAttribute(t, nil, "x", ChartData.px(tick.position))
            setAttribute(t, nil, "label", tick.label)
        }
        for path in chart.paths {
            let p = try newChild(element, ns, "path")
            setAttribute(p, nil, "layer", path.layer)
            setAttribute(p, nil, "d", path.d)
        }
        for column in chart.hover {
            let c = try newChild(element, ns, "column")
            setAttribute(c, nil, "x", ChartData.px(column.x))
            setAttribute(c, nil, "width", ChartData.px(column.width))
            setAttribute(c, nil, "title", column.title)
        }
        let worstElement = try newChild(clause.pointer, ns, "worst")
        for (rank, entry) in worst.enumerated() {
            guard let copy = xmlDocCopyNode(entry.node, document.pointer, 1) else { continue }
            xmlAddChild(worstElement, copy)
            setAttribute(copy, ns, "rank", String(rank + 1))
            let view = ElementView(pointer: copy)
            if let observed = view.attribute("observed") {
                let windowUnit = view.attribute("unit") ?? chartUnit
                let exact = windowUnit == "ratio" ? (percentText(observed).map { $0 + "%" } ?? observed) : observed + " " + windowUnit
                setAttribute(copy, ns, "observed-exact", exact)
                let sameUnit = definition?.attribute("unit") == windowUnit
                setAttribute(copy, ns, "observed-display",
                             PeopleNumbers.display(observed, unit: windowUnit, bound: sameUnit ? definition?.attribute("bound") : nil))
            }
            annotateEvidence(view, definition: definition, tracePaths: tracePaths, ns: ns)
            // How far beyond the bound, exactly when the report gives both in one unit.
            if let observed = view.attribute("observed").flatMap({ Rational(decimal: $0) }),
               let exactBound = definition?.attribute("bound").flatMap({ Rational(decimal: $0) }),
               definition?.attribute("unit") == (view.attribute("unit") ?? chartUnit), let b = bound, b.direction != .none {
                let excess = b.direction == .upper ? observed - exactBound : exactBound - observed
                let ratio = chartUnit == "ratio"
                let shown = PeopleNumbers.number(ratio ? excess * Rational(100) : excess, bound: Rational(0), percent: false)
                setAttribute(copy, ns, "beyond-bound", (b.direction == .upper ? "+" : "−") + shown + (ratio ? " pp" : " " + chartUnit))
            } else if let value = entry.value, let b = bound, b.unit == chartUnit, b.direction != .none {
                let excess = b.direction == .upper ? value - b.value : b.value - value
                let text = chartUnit == "ratio"
                    ? ChartData.format(excess * 100, unit: "", step: 0) + " pp"
                    : ChartData.format(excess, unit: chartUnit, step: 0)
                setAttribute(copy, ns, "beyond-bound", (b.direction == .upper ? "+" : "−") + text)
            }
        }
        setAttribute(worstElement, nil, "breached", clause.attribute("windows-breached") ?? "0")
        return windows.count
    }

    /// Each evidence value for people in the metric's unit (exact value and trace path beside it).
    private static func annotateEvidence(_ window: ElementView, definition: ElementView?, tracePaths: [String], ns: xmlNsPtr) {
        let unit = definition?.attribute("evidence-unit")
        let metric = definition?.attribute("evidence-metric")
        // A record's value is judged against the record condition of a share; against the clause's
        // bound otherwise, when it has the same unit.
        let bound = definition?.attribute("evidence-bound")
            ?? (definition?.attribute("unit") == unit ? definition?.attribute("bound") : nil)
        window.forEachChild("evidence") { evidence in
            if metric != nil, let value = evidence.attribute("value") {
                setAttribute(evidence.pointer, ns, "display", PeopleNumbers.display(value, unit: unit, bound: bound))
                setAttribute(evidence.pointer, ns, "exact", value + (unit.map { " " + $0 } ?? ""))
            }
            if let t = evidence.attribute("trace").flatMap(Int.init), t >= 1, t <= tracePaths.count {
                setAttribute(evidence.pointer, ns, "trace-path", tracePaths[t - 1])
            }
        }
    }

    /// How far a breached value lies beyond the bound, in the breaching direction; larger is worse.
    private static func severityOf(_ value: Double?, bound: ChartBound?) -> Double {
        guard let value, value.isFinite else { return -.infinity }
        switch (bound?.direction, bound?.value) {
        case (.upper?, let b?): return value - b
        case (.lower?, let b?): return b - value
        default: return value
        }
    }

    private static func annotateIntegrity(_ check: IntegrityCheck, root: xmlNodePtr, ns: xmlNsPtr) throws {
        let element = try newChild(root, ns, "integrity-check")
        setAttribute(element, nil, "computed", check.computedDigest)
        let digest: String
        switch check.digest {
        case .matches: digest = "matches"
        case .differs: digest = "differs"
        case .absent: digest = "absent"
        case .unsupported: digest = "unsupported"
        case .incomplete: digest = "incomplete"
        case .uncovered(let what):
            digest = "uncovered"
            setAttribute(element, nil, "uncovered", what)
        }
        setAttribute(element, nil, "digest", digest)
        let signature: String
        switch check.signature {
        case .absent: signature = "absent"
        case .valid: signature = "valid"
        case .invalid: signature = "invalid"
        case .wrongKey: signature = "wrong-key"
        case .missing: signature = "missing"
        case .malformed: signature = "malformed"
        }
        setAttribute(element, nil, "signature", signature)
        // Why an unusable signature fails (a signer named without a signature: the table said
        // "not signed" under a FAILED banner, with nothing to say why).
        if case .malformed(let reason) = check.signature { setAttribute(element, nil, "signature-problem", reason) }
        setAttribute(element, nil, "holds", check.holds ? "yes" : "no")
        // A signature checked against the key the report embeds proves only that whoever holds that
        // key signed it: the page says it is not independently trusted.
        if case .valid(_, let trusted) = check.signature { setAttribute(element, nil, "trusted", trusted ? "yes" : "no") }
        // Sealed but not intact: every figure on the page is untrustworthy.
        setAttribute(element, nil, "failed", check.digest != .absent && !check.holds ? "yes" : "no")
    }

    /// A bound the contract states, exactly: a ratio as a percentage (`0.995` → `99.5%`), other
    /// values with their unit. Contract terms are never rounded.
    package static func exactDisplay(_ text: String, unit: String?) -> String {
        if unit == "ratio", let percent = percentText(text) { return percent + "%" }
        guard let unit, !unit.isEmpty, unit != "ratio" else { return text }
        return text + " " + unit
    }

    /// A comparison as people read it (`<=` → `≤`); `<`, `>` and `=` as written.
    package static func comparisonSymbol(_ comparison: String) -> String {
        ["<=": "≤", ">=": "≥", "!=": "≠"][comparison] ?? comparison
    }

    /// A decimal fraction as a percentage, exactly (`0.9931` → `99.31`); nil for other text.
    package static func percentText(_ decimal: String) -> String? {
        let parts = decimal.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        let padded = fraction + String(repeating: "0", count: max(0, 2 - fraction.count))
        var integer = String(whole) + padded.prefix(2)
        var rest = String(padded.dropFirst(2))
        while integer.count > 1 && integer.hasPrefix("0") { integer.removeFirst() }
        while rest.hasSuffix("0") { rest.removeLast() }
        return rest.isEmpty ? integer : integer + "." + rest
    }

    private static func newChild(_ parent: xmlNodePtr, _ ns: xmlNsPtr, _ name: String) throws -> xmlNodePtr {
        guard let child = xmlNewChild(parent, ns, name, nil) else { throw RenderError.libxml2(operation: "xmlNewChild") }
        return child
    }

    /// Sets an attribute; the value is stored as text (never parsed for entities).
    private static func setAttribute(_ node: xmlNodePtr, _ ns: xmlNsPtr?, _ name: String, _ value: String) {
        xmlNewNsProp(node, ns, name, value)
    }
}
