import Foundation
import SLACEvaluator
import SLACExact

/// Writes JUnit XML (`--junit`) so that any CI system shows breached clauses as failed tests
/// (docs/ci.md): one suite per contract, one test case per clause, a failure listing the worst
/// breached windows and the periods below objective. Deterministic like the XML report.
package struct JUnitWriter: Sendable {
    /// At most this many windows are listed per failure; CI logs are read by people.
    package static let maximumListedWindows = 10

    /// A JUnit writer; it has no options.
    package init() {}

    /// The UTF-8 JUnit document, with XML declaration, indented by two spaces.
    package func write(_ result: EvaluationResult) throws -> [UInt8] {
        let clauses = result.clauses
        let failures = clauses.filter { $0.verdict == .breached }.count
        let skipped = clauses.filter { $0.verdict == .noData }.count
        // The traces are part of each test's identity: CI systems key test history on
        // classname + name, and nineteen runs over nineteen files must not share one id.
        let className = (result.contract.id ?? result.contract.name) + " [\(Self.traceLabel(result.traces))]"
        return try XMLOutput.document { out in
            try out.element("testsuites", [
                "name": "slac",
                "tests": String(clauses.count),
                "failures": String(failures),
                "errors": "0",
                "skipped": String(skipped),
            ]) {
                try out.element("testsuite", [
                    "name": result.contract.name,
                    "tests": String(clauses.count),
                    "failures": String(failures),
                    "errors": "0",
                    "skipped": String(skipped),
                ]) {
                    try out.element("properties") {
                        for trace in result.traces {
                            try out.element("property", ["name": "trace", "value": "\(trace.path) sha256:\(trace.sha256)"])
                            if let repeated = trace.repeatedIDs, repeated > 0 {
                                try out.element("property", ["name": "repeated-ids", "value": "\(trace.path): \(repeated)"])
                            }
                        }
                    }
                    for clause in clauses {
                        try out.element("testcase", ["classname": className, "name": "\(clause.ref) \(clause.name)"]) {
                            switch clause.verdict {
                            case .compliant:
                                break
                            case .noData:
                                try out.element("skipped", ["message": Self.noDataMessage(clause)])
                            case .breached:
                                try out.textElement("failure", [
                                    "message": Self.failureMessage(clause),
                                    "type": "breached",
                                ], text: Self.failureText(clause, traces: result.traces))
                            }
                        }
                    }
                }
            }
        }
    }

    /// A JUnit document for a run that judged nothing because its input was unusable (exit 3) or
    /// its contract invalid (exit 2): one test case holding an `<error>`, so that CI shows a red
    /// build naming the problem instead of a stale or empty file that reads as green.
    /// `type` is `input-error` (exit 3) or `usage-error` (exit 2: an invalid contract, plan or
    /// command line).
    package func writeError(suite: String, message: String, details: String, type: String = "input-error") throws -> [UInt8] {
        try XMLOutput.document { out in
            try out.element("testsuites", ["name": "slac", "tests": "1", "failures": "0", "errors": "1", "skipped": "0"]) {
                try out.element("testsuite", ["name": suite, "tests": "1", "failures": "0", "errors": "1", "skipped": "0"]) {
                    try out.element("testcase", ["classname": suite, "name": "input"]) {
                        try out.textElement("error", ["message": message, "type": type], text: details)
                    }
                }
            }
        }
    }

    /// The traces of a run in a few words: the path of one, or the first names of several.
    static func traceLabel(_ traces: [TraceAccounting]) -> String {
        let names = traces.map(\.path)
        if names.count <= 3 { return names.joined(separator: ", ") }
        return names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
    }

    /// Why a clause judged nothing, with the counts.
    package static func noDataMessage(_ clause: ClauseResult) -> String {
        if clause.windowsInsufficient == 0 { return "no data: no in-scope record" }
        let n = clause.windowsInsufficient
        return "insufficient data: \(n) window\(n == 1 ? "" : "s") had in-scope records, none enough to judge (fewer than the clause's minimum, or no defined value)"
    }

    /// An observed value for people, with the exact figure beside it where rounding hides digits:
    /// a ratio as a percentage (`35.3% (0.353333333333333)`), other units as written.
    static func people(_ observed: ObservedValue) -> String {
        guard observed.unit == "ratio", observed.approximate.isFinite else { return "\(observed.text) \(observed.unit)" }
        let rounded = (observed.approximate * 1000).rounded() / 10
        let percent = rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
        // The exact value goes beside the percentage unless the percentage is exactly it.
        let exact = Rational(decimal: observed.text)
        if let exact, let shown = Rational(decimal: percent), exact * Rational(100) == shown { return percent + "%" }
        return percent + "% (\(observed.text))"
    }

    static func failureMessage(_ clause: ClauseResult) -> String {
        let judged = clause.windowsMet + clause.windowsBreached
        var message = "clause \(clause.ref) \(clause.name) breached: \(clause.windowsBreached) of \(judged) judged windows breached"
        if let valued = clause.windowsValued { message = "clause \(clause.ref) \(clause.name) breached: \(valued) windows valued" }
        let below = clause.periods.filter { $0.verdict == .breached }.count
        if below > 0 { message += ", \(below) period\(below == 1 ? "" : "s") below objective" }
        return message
    }

    /// The failure's text; with several traces, each evidence record names the trace it came from.
    static func failureText(_ clause: ClauseResult, traces: [TraceAccounting] = []) -> String {
        var lines = ["requirement: \(clause.requirement)"]
        let breached = clause.windows.filter { $0.verdict == .breached }
        let worst = worstFirst(breached, worse: clause.bound.worse).prefix(maximumListedWindows)
        if !worst.isEmpty {
            lines.append(breached.count > worst.count
                ? "worst \(worst.count) of \(breached.count) breached windows:"
                : "breached windows (worst first):")
            for window in worst {
                var line = "  \(CivilTime.format(window.start)) .. \(CivilTime.format(window.end))"
                if !window.key.isEmpty { line += " " + describe(window.key) }
                if let observed = window.observed {
                    line += ": observed \(people(observed))"
                } else {
                    line += ": no observed value"
                }
                line += " vs \(clause.requirement) (\(window.count) records"
                if !window.evidence.isEmpty {
                    line += "; evidence " + window.evidence.map { record in
                        guard traces.count > 1, let t = record.trace, t < traces.count else { return record.id }
                        return "\(record.id) (\(traces[t].path))"
                    }.joined(separator: ", ")
                }
                line += ")"
                lines.append(line)
            }
        }
        let below = clause.periods.filter { $0.verdict == .breached }
        if !below.isEmpty {
            lines.append(below.count > maximumListedWindows
                ? "periods below objective (the first \(maximumListedWindows) of \(below.count)):"
                : "periods below objective:")
            for period in below.prefix(maximumListedWindows) {
                var line = "  \(CivilTime.format(period.start)) .. \(CivilTime.format(period.end))"
                if !period.key.isEmpty { line += " " + describe(period.key) }
                if let m = period.measure {
                    let unit = m.unit == "ratio" ? "" : " " + m.unit
                    line += ": \(m.kind) \(period.attainmentText ?? "none")\(unit), objective \(clause.objectiveComparison ?? ">=") \(period.objectiveText)\(unit)"
                    line += " (\(m.intervals) intervals, \(m.empty) empty" + (m.kind == "uptime" ? ", \(m.down) down)" : ")")
                } else {
                    line += ": attainment \(period.attainmentText ?? "none") < objective \(period.objectiveText)"
                    line += " (\(period.met) met, \(period.breached) breached)"
                }
                lines.append(line)
            }
        }
        if !clause.credits.isEmpty {
            lines.append("credits due:")
            for credit in clause.credits {
                if let key = credit.key, let charges = credit.chargesText {
                    let group = key.isEmpty ? "" : " " + describe(key)
                    lines.append("  \(CivilTime.format(credit.start)) .. \(CivilTime.format(credit.end))\(group): \(credit.percentText)% of charges \(charges) = \(credit.amountText) \(credit.currency)")
                } else {
                    lines.append("  \(CivilTime.format(credit.start)) .. \(CivilTime.format(credit.end)): \(credit.percentText)% of fee = \(credit.amountText) \(credit.currency)")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `tenant=acme, model=x`; a field the records lacked prints as `(absent)`.
    static func describe(_ key: [GroupKeyPart]) -> String {
        key.map { "\($0.field)=\($0.value ?? "(absent)")" }.joined(separator: ", ")
    }

    /// Breached windows, worst first by exact observed value; ties and unknown directions keep
    /// the evaluator's order (start, then group key), so the listing is deterministic.
    static func worstFirst(_ windows: [WindowResult], worse: WorseDirection?) -> [WindowResult] {
        guard let worse else { return windows }
        let ranked = windows.enumerated().map { (offset: $0.offset, window: $0.element, value: exactValue($0.element.observed)) }
        return ranked.sorted { a, b in
            switch (a.value, b.value) {
            case let (x?, y?) where x != y:
                return worse == .higher ? x > y : x < y
            case (.some, .none): return true
            case (.none, .some): return false
            default: return a.offset < b.offset
            }
        }.map(\.window)
    }

    private static func exactValue(_ observed: ObservedValue?) -> Rational? {
        guard let observed else { return nil }
        if let exact = Rational(decimal: observed.text) { return exact }
        return observed.approximate.isFinite ? Rational(exactly: observed.approximate) : nil
    }
}
