import SLACEvaluator
import SLACExact

/// Writes JUnit XML (`--junit`) so that any CI system shows breached clauses as failed tests
/// (SPEC §7): one suite per contract, one test case per clause, a failure listing the worst
/// breached windows and the periods below objective. Deterministic like the XML report.
public struct JUnitWriter: Sendable {
    /// At most this many windows are listed per failure; CI logs are read by people.
    public static let maximumListedWindows = 10

    /// A JUnit writer; it has no options.
    public init() {}

    /// The UTF-8 JUnit document, with XML declaration, indented by two spaces.
    public func write(_ result: EvaluationResult) throws -> [UInt8] {
        let clauses = result.clauses
        let failures = clauses.filter { $0.verdict == .breached }.count
        let skipped = clauses.filter { $0.verdict == .noData }.count
        let className = result.contract.id ?? result.contract.name
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
                    for clause in clauses {
                        try out.element("testcase", ["classname": className, "name": "\(clause.ref) \(clause.name)"]) {
                            switch clause.verdict {
                            case .compliant:
                                break
                            case .noData:
                                try out.element("skipped", ["message": "no data"])
                            case .breached:
                                try out.textElement("failure", [
                                    "message": Self.failureMessage(clause),
                                    "type": "breached",
                                ], text: Self.failureText(clause))
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
    public func writeError(suite: String, message: String, details: String) throws -> [UInt8] {
        try XMLOutput.document { out in
            try out.element("testsuites", ["name": "slac", "tests": "1", "failures": "0", "errors": "1", "skipped": "0"]) {
                try out.element("testsuite", ["name": suite, "tests": "1", "failures": "0", "errors": "1", "skipped": "0"]) {
                    try out.element("testcase", ["classname": suite, "name": "input"]) {
                        try out.textElement("error", ["message": message, "type": "input-error"], text: details)
                    }
                }
            }
        }
    }

    static func failureMessage(_ clause: ClauseResult) -> String {
        let judged = clause.windowsMet + clause.windowsBreached
        var message = "clause \(clause.ref) \(clause.name) breached: \(clause.windowsBreached) of \(judged) judged windows breached"
        let below = clause.periods.filter { $0.verdict == .breached }.count
        if below > 0 { message += ", \(below) period\(below == 1 ? "" : "s") below objective" }
        return message
    }

    static func failureText(_ clause: ClauseResult) -> String {
        var lines = ["requirement: \(clause.requirement)"]
        let breached = clause.windows.filter { $0.verdict == .breached }
        let worst = worstFirst(breached, requirement: clause.requirement).prefix(maximumListedWindows)
        if !worst.isEmpty {
            lines.append(breached.count > worst.count
                ? "worst \(worst.count) of \(breached.count) breached windows:"
                : "breached windows (worst first):")
            for window in worst {
                var line = "  \(CivilTime.format(window.start)) .. \(CivilTime.format(window.end))"
                if !window.key.isEmpty { line += " " + describe(window.key) }
                if let observed = window.observed {
                    line += ": observed \(observed.text) \(observed.unit)"
                } else {
                    line += ": no observed value"
                }
                line += " vs \(clause.requirement) (\(window.count) records"
                if !window.evidence.isEmpty {
                    line += "; evidence " + window.evidence.map(\.id).joined(separator: ", ")
                }
                line += ")"
                lines.append(line)
            }
        }
        let below = clause.periods.filter { $0.verdict == .breached }
        if !below.isEmpty {
            lines.append("periods below objective:")
            for period in below {
                var line = "  \(CivilTime.format(period.start)) .. \(CivilTime.format(period.end))"
                if !period.key.isEmpty { line += " " + describe(period.key) }
                line += ": attainment \(period.attainmentText ?? "none") < objective \(period.objectiveText)"
                line += " (\(period.met) met, \(period.breached) breached)"
                lines.append(line)
            }
        }
        if !clause.credits.isEmpty {
            lines.append("credits due:")
            for credit in clause.credits {
                lines.append("  \(CivilTime.format(credit.start)) .. \(CivilTime.format(credit.end)): \(credit.percentText)% of fee = \(credit.amountText) \(credit.currency)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `tenant=acme, model=x`; a field the records lacked prints as `(absent)`.
    static func describe(_ key: [GroupKeyPart]) -> String {
        key.map { "\($0.field)=\($0.value ?? "(absent)")" }.joined(separator: ", ")
    }

    /// Which observed values are worse, read from the requirement's top-level comparison: a
    /// `<`/`<=` bound is breached by large values, a `>`/`>=` bound by small ones.
    enum Badness: Equatable { case higher, lower, unknown }

    static func badness(of requirement: String) -> Badness {
        var depth = 0
        var inString = false
        var found: Badness = .unknown
        let characters = Array(requirement)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if inString {
                if character == "\"" { inString = false }
            } else {
                switch character {
                case "\"": inString = true
                case "(", "[": depth += 1
                case ")", "]": depth = max(0, depth - 1)
                case "<" where depth == 0: found = .higher
                case ">" where depth == 0: found = .lower
                case "=" where depth == 0 && (index == 0 || !"<>!".contains(characters[index - 1])): found = .unknown
                case "!" where depth == 0: found = .unknown
                default: break
                }
            }
            index += 1
        }
        return found
    }

    /// Breached windows, worst first by exact observed value; ties and unknown directions keep
    /// the evaluator's order (start, then group key), so the listing is deterministic.
    static func worstFirst(_ windows: [WindowResult], requirement: String) -> [WindowResult] {
        let direction = badness(of: requirement)
        guard direction != .unknown else { return windows }
        let ranked = windows.enumerated().map { (offset: $0.offset, window: $0.element, value: exactValue($0.element.observed)) }
        return ranked.sorted { a, b in
            switch (a.value, b.value) {
            case let (x?, y?) where x != y:
                return direction == .higher ? x > y : x < y
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
