import SLACEvaluator
import SLACReport

/// One way a report differs from what its inputs give.
package struct ReportDifference: Sendable, Equatable, CustomStringConvertible {
    /// Where: `clause 4.1 › window 2026-03-14T02:05:00Z tenant=acme`.
    package var location: String
    /// What: `observed is 812.5 in the report; the inputs give 812.4`.
    package var detail: String

    /// `location: detail`.
    package var description: String { "\(location): \(detail)" }
}

/// The result of comparing a report with the report its inputs give (`verify-report
/// --recompute`): the first differences in document order, and notes on what was deliberately
/// not compared (trace paths, tool version, generation time), so the auditor sees why.
package struct ReportComparison: Sendable, Equatable {
    /// The first differences found, at most the limit given to `compare`.
    package var differences: [ReportDifference]
    /// Whether the search stopped at the limit (there may be more).
    package var truncated: Bool
    /// Things that differ but are not figures (paths the traces were given under, tool version).
    package var notes: [String]
    /// Number of windows compared (listed in both).
    package var windowsCompared: Int
    /// Number of clauses compared.
    package var clausesCompared: Int
    /// Traces the report holds no digest of (judged from an engine's output alone): their figures
    /// were compared, but not that the given files are the ones the report was made from.
    package var tracesWithoutDigest: Int

    /// Whether every verdict and figure agrees.
    package var matches: Bool { differences.isEmpty }

    /// How a report's run was made, as far as the recomputation must make it alike: the window
    /// selection (`windows`; `breached` when absent, the writer's default), the repeated-id
    /// check (its traces carry `repeated-ids`), the `--epoch` its traces were placed from
    /// (Mooncake), and the signer it names. One parse of the report for all of them.
    package struct RecordedRun: Sendable, Equatable {
        package var windows: WindowSelection = .breached
        package var checksRepeatedIDs = false
        package var epoch: String?
        package var signer: String?
        /// The plan the report was judged from (`slac verify --plan`), by its SHA-256.
        package var planSHA256: String?
    }

    /// Reads `RecordedRun` from a report (untrusted; not validated against the schema).
    package static func recordedRun(of report: [UInt8]) throws(ReportReadError) -> RecordedRun {
        let document = try SafeXML.parseReport(report, validate: false)
        // Elements point into the document: it must live until they are read.
        return withExtendedLifetime(document) {
            var run = RecordedRun()
            guard let root = document.root else { return run }
            run.windows = root.attribute("windows").flatMap(WindowSelection.init(rawValue:)) ?? .breached
            run.signer = root.attribute("signer")
            run.planSHA256 = root.firstChild("contract")?.attribute("plan-sha256")
            for trace in root.children where trace.isReport("trace") {
                if trace.attribute("repeated-ids") != nil { run.checksRepeatedIDs = true }
                if run.epoch == nil { run.epoch = trace.attribute("epoch") }
            }
            return run
        }
    }

    /// Compares `report` (untrusted; its integrity element is ignored) with `expected`, the
    /// report the inputs give. Element by element in document order: every attribute and text,
    /// except `path` on traces and rejected records (the inputs may be given under other paths;
    /// their digests are compared), `tool-version` and `generated` (noted when they differ).
    package static func compare(report: [UInt8], expected: [UInt8], limit: Int = 20) throws(ReportReadError) -> ReportComparison {
        let left = try SafeXML.parseReport(report)
        let right = try SafeXML.parseReport(expected, validate: false)
        var comparer = Comparer(limit: limit)
        withExtendedLifetime((left, right)) {
            if let a = left.root, let b = right.root { comparer.compareRoot(a, b) }
        }
        return ReportComparison(differences: comparer.differences, truncated: comparer.truncated, notes: comparer.notes,
                                windowsCompared: comparer.windows, clausesCompared: comparer.clauses,
                                tracesWithoutDigest: comparer.uncheckedTraces)
    }
}

/// The walk behind `ReportComparison.compare`.
private struct Comparer {
    let limit: Int
    var differences: [ReportDifference] = []
    var truncated = false
    var notes: [String] = []
    var windows = 0
    var clauses = 0
    /// Traces whose digest the report does not hold.
    var uncheckedTraces = 0

    init(limit: Int) { self.limit = max(1, limit) }

    var full: Bool { differences.count >= limit }

    mutating func add(_ location: String, _ detail: String) {
        if full { truncated = true; return }
        differences.append(ReportDifference(location: location, detail: detail))
    }

    mutating func compareRoot(_ a: ElementView, _ b: ElementView) {
        let reportVersion = a.attribute("tool-version"), inputsVersion = b.attribute("tool-version")
        if reportVersion != inputsVersion {
            notes.append("the report was written by slac \(reportVersion ?? "?"), this is slac \(inputsVersion ?? "?")")
        }
        if let signer = a.attribute("signer") {
            notes.append("the report names its signer `\(signer)` (a statement of the report, not a figure; the signature check above says whether the key holds)")
        }
        // Digests first: with another contract or other traces nothing else is meaningful.
        let contractA = a.firstChild("contract")?.attribute("sha256"), contractB = b.firstChild("contract")?.attribute("sha256")
        if contractA != contractB {
            add("contract", "the report was made from a contract with SHA-256 \(contractA ?? "absent"); the given contract has \(contractB ?? "absent")")
        }
        if let plan = a.firstChild("contract")?.attribute("plan-sha256") {
            notes.append("the report was judged from a compiled plan (SHA-256 \(plan.prefix(16))…), which states the contract's digest itself; recomputed from the contract given, the digest and every figure must agree")
        }
        let tracesA = a.children.filter { $0.isReport("trace") }, tracesB = b.children.filter { $0.isReport("trace") }
        // A report made by an engine (`<engine>`) is recomputed here by slac's own evaluator: the
        // figures must agree all the same (docs/engines.md), so they are compared and the engine
        // element is not. Judged from an engine's output alone (`--aggregates`), the report has
        // no digest of its traces ("not computed"): the figures can still be compared, but not
        // which files they came from, and the auditor is told so.
        if let engine = a.firstChild("engine"), b.firstChild("engine") == nil {
            notes.append("the report was made with the engine `\(engine.attribute("name") ?? "?")`; recomputed by slac's own evaluator, which must give the same figures")
        }
        for (index, pair) in zip(tracesA, tracesB).enumerated() {
            let digestA = pair.0.attribute("sha256"), digestB = pair.1.attribute("sha256")
            if digestA == EngineTrace.digestNotComputed {
                uncheckedTraces += 1
                notes.append("trace \(index + 1) (`\(pair.0.attribute("path") ?? "?")`) has no digest in the report (judged from an engine's output alone): its figures are compared, but not that the given trace is the file it was made from")
            } else if digestA != digestB {
                add("trace \(index + 1) (\(pair.0.attribute("path") ?? "?"))",
                    "the report's trace has SHA-256 \(digestA ?? "absent"); the given trace `\(pair.1.attribute("path") ?? "?")` has \(digestB ?? "absent")")
            }
            if pair.0.attribute("path") != pair.1.attribute("path") {
                notes.append("trace \(index + 1) is `\(pair.0.attribute("path") ?? "")` in the report and was given as `\(pair.1.attribute("path") ?? "")` (paths are not compared; digests are)")
            }
        }
        if tracesA.count != tracesB.count {
            add("report", "the report lists \(tracesA.count) trace(s); \(tracesB.count) were given")
        }
        if !differences.isEmpty { return }
        compare(a, b, location: "report")
    }

    mutating func compare(_ a: ElementView, _ b: ElementView, location: String) {
        if full { truncated = true; return }
        let name = a.name
        if name == "window" { windows += 1 }
        if name == "clause" { clauses += 1 }
        var ignored: Set<String> = []
        switch name {
        case "report": ignored = ["tool-version", "generated", "signer"]
        case "contract": ignored = ["plan-sha256"]
        case "trace" where a.attribute("sha256") == EngineTrace.digestNotComputed:
            // Only the accounting can be compared; the format is the engine loader's, not detected.
            ignored = ["path", "sha256", "file-sha256", "format"]
        case "trace", "rejected": ignored = ["path"]
        default: break
        }
        let attributesA = a.attributes, attributesB = b.attributes
        var valuesB: [String: String] = [:]
        for (key, value) in attributesB { valuesB[key] = value }
        var seen: Set<String> = []
        for (key, value) in attributesA where !ignored.contains(key) {
            seen.insert(key)
            let other = valuesB[key]
            if other != value {
                add(location, "\(key) is \(quoted(value)) in the report; the inputs give \(other.map(quoted) ?? "no \(key)")")
            }
        }
        for (key, value) in attributesB where !ignored.contains(key) && !seen.contains(key) {
            add(location, "the report has no \(key); the inputs give \(quoted(value))")
        }
        let childrenA = a.children.filter {
            !(name == "report" && ($0.isReport("integrity") || ($0.isReport("engine") && b.firstChild("engine") == nil)))
        }
        let childrenB = b.children
        if childrenA.isEmpty && childrenB.isEmpty {
            if a.text != b.text { add(location, "the text is \(quoted(clip(a.text))) in the report; the inputs give \(quoted(clip(b.text)))") }
            return
        }
        var order: [String] = []
        var groupsA: [String: [ElementView]] = [:], groupsB: [String: [ElementView]] = [:]
        for child in childrenA {
            if groupsA[child.name] == nil && groupsB[child.name] == nil { order.append(child.name) }
            groupsA[child.name, default: []].append(child)
        }
        for child in childrenB {
            if groupsA[child.name] == nil && groupsB[child.name] == nil { order.append(child.name) }
            groupsB[child.name, default: []].append(child)
        }
        // Counts before contents, so a dropped or added element is named first.
        for child in order {
            let countA = groupsA[child]?.count ?? 0, countB = groupsB[child]?.count ?? 0
            if countA != countB {
                add(location, "the report lists \(countA) <\(child)> element\(countA == 1 ? "" : "s"); the inputs give \(countB)")
            }
        }
        for child in order {
            for (index, pair) in zip(groupsA[child] ?? [], groupsB[child] ?? []).enumerated() {
                if full { truncated = true; return }
                compare(pair.0, pair.1, location: location == "report" ? label(pair.0, index) : location + " › " + label(pair.0, index))
            }
        }
    }

    /// How an element is named in a location: by its identifying attributes.
    func label(_ element: ElementView, _ index: Int) -> String {
        func keys() -> String {
            let parts = element.children.filter { $0.isReport("key") }.map { "\($0.attribute("field") ?? "")=\($0.attribute("value") ?? "(absent)")" }
            return parts.isEmpty ? "" : " " + parts.joined(separator: ",")
        }
        switch element.name {
        case "clause": return "clause \(element.attribute("ref") ?? String(index + 1))"
        case "window", "period": return "\(element.name) \(element.attribute("start") ?? "#\(index + 1)")\(keys())"
        case "credit": return "credit \(element.attribute("start") ?? "#\(index + 1)")"
        case "contract", "text", "requirement": return element.name
        default: return "\(element.name) \(index + 1)"
        }
    }

    func quoted(_ text: String) -> String { "`\(text)`" }

    func clip(_ text: String) -> String { text.count > 80 ? String(text.prefix(77)) + "…" : text }
}
