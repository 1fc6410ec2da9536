import CLibXML2
import SLACExact

/// Adds what the stylesheet needs but XSLT 1.0 computes badly or slowly, as elements and
/// attributes in the namespace `urn:slac:render:1` (prefix `v`), to a transient parsed copy of a
/// report: per clause the aggregated chart and copies of the worst breached windows; per period
/// the attainment and objective as exact percentages; for the report the verdict counts, the
/// credit totals per currency and the integrity check. The report file itself is never changed.
enum RenderAnnotation {
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
        try root.forEachChild("clause") { clause in
            clauseCount += 1
            counts[clause.attribute("verdict") ?? "", default: 0] += 1
            // A period measure: shown as a percentage when a ratio, else with its unit; the worst
            // one (lowest for a `>=`/`>` objective, highest otherwise) goes in the overview.
            var worstMeasure: (value: Rational, text: String)?
            clause.forEachChild("period") { period in
                if let text = period.attribute("attainment"), let percent = percentText(text) {
                    setAttribute(period.pointer, ns, "attainment-percent", percent)
                }
                let unit = period.attribute("unit")
                let ratio = unit == nil || unit == "ratio"
                if let text = period.attribute("objective") {
                    if ratio, let percent = percentText(text) {
                        setAttribute(period.pointer, ns, "objective-percent", percent)
                    } else if let unit {
                        setAttribute(period.pointer, ns, "objective-percent", text + " " + unit)
                    }
                }
                if let text = period.attribute("measure"), let value = Rational(decimal: text) {
                    let shown = ratio ? (percentText(text).map { $0 + "%" } ?? text) : text + " " + (unit ?? "")
                    setAttribute(period.pointer, ns, "measure-display", shown)
                    let lowIsWorse = (period.attribute("objective-comparison") ?? ">=").hasPrefix(">")
                    if let current = worstMeasure, lowIsWorse ? current.value <= value : current.value >= value { return }
                    worstMeasure = (value, shown)
                }
            }
            if let worstMeasure { setAttribute(clause.pointer, ns, "worst-measure", worstMeasure.text) }
            clause.forEachChild("credit") { credit in
                guard let currency = credit.attribute("currency"), let amount = credit.attribute("amount"),
                      let value = Rational(decimal: amount) else { return }
                let digits = amount.split(separator: ".").dropFirst().first?.count ?? 0
                let previous = credits[currency] ?? (.zero, 0)
                credits[currency] = (previous.sum + value, max(previous.digits, digits))
            }
            listedWindows += try annotateClause(clause, document: document, ns: ns)
        }
        let summary = try newChild(root.pointer, ns, "summary")
        setAttribute(summary, nil, "clauses", String(clauseCount))
        for (verdict, count) in counts.sorted(by: { $0.key < $1.key }) { setAttribute(summary, nil, verdict, String(count)) }
        setAttribute(summary, nil, "listed-windows", String(listedWindows))
        for currency in credits.keys.sorted() {
            guard let total = credits[currency] else { continue }
            let element = try newChild(summary, ns, "credit-total")
            setAttribute(element, nil, "currency", currency)
            setAttribute(element, nil, "amount", Rational.fixed(total.sum, fractionDigits: total.digits))
        }
        if let integrity { try annotateIntegrity(integrity, root: root.pointer, ns: ns) }
    }

    /// The chart and the worst windows of one clause; returns the number of listed windows.
    private static func annotateClause(_ clause: ElementView, document: ParsedXML, ns: xmlNsPtr) throws -> Int {
        let bound = clause.firstChild("requirement").flatMap { RequirementBound.parse($0.text) }
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
            default: kind = .insufficient
            }
            windows.append(ChartWindow(start: start, end: end, value: value, kind: kind))
            guard kind == .breached else { return }
            let severity = severityOf(value, bound: bound)
            if worst.count < worstWindows || severity > (worst.last?.severity ?? -.infinity) {
                let at = worst.firstIndex { severity > $0.severity } ?? worst.count
                worst.insert((severity, window.pointer, value), at: at)
                if worst.count > worstWindows { worst.removeLast() }
            }
        }
        let chartUnit = unit ?? bound?.unit ?? ""
        let chart = ChartData(windows: windows, unit: chartUnit, bound: bound)
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
                let display = windowUnit == "ratio" ? (percentText(observed).map { $0 + "%" } ?? observed) : observed + " " + windowUnit
                setAttribute(copy, ns, "observed-display", display)
            }
            if let value = entry.value, let b = bound, b.unit == nil || b.unit == chartUnit, b.direction != .none {
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

    /// How far a breached value lies beyond the bound, in the breaching direction; larger is worse.
    private static func severityOf(_ value: Double?, bound: RequirementBound?) -> Double {
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
        setAttribute(element, nil, "holds", check.holds ? "yes" : "no")
    }

    /// A decimal fraction as a percentage, exactly (`0.9931` → `99.31`); nil for other text.
    static func percentText(_ decimal: String) -> String? {
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
