import CLibXML2
import Foundation
@testable import SLACEvaluator
import SLACExact

/// An element of a parsed document, copied out of libxml2 so tests can query it freely.
struct Element {
    var name: String
    var namespace: String?
    var attributes: [String: String]
    var attributeNames: [String]
    var children: [Element]
    /// The concatenated text content of the element and its descendants.
    var text: String

    func descendants(named name: String) -> [Element] {
        var found: [Element] = []
        for child in children {
            if child.name == name { found.append(child) }
            found += child.descendants(named: name)
        }
        return found
    }

    func children(named name: String) -> [Element] { children.filter { $0.name == name } }
}

enum ParseFailure: Error { case notWellFormed }

/// Parses with libxml2 exactly as the brief requires: network off, no entity substitution.
func parseXML(_ bytes: [UInt8]) throws -> Element {
    let document = bytes.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
            xmlReadMemory($0, Int32(buffer.count), nil, nil, Int32(XML_PARSE_NONET.rawValue))
        }
    }
    guard let document, let root = xmlDocGetRootElement(document) else { throw ParseFailure.notWellFormed }
    defer { xmlFreeDoc(document) }
    return convert(root, document: document)
}

private func convert(_ node: xmlNodePtr, document: xmlDocPtr) -> Element {
    var attributes: [String: String] = [:]
    var names: [String] = []
    var attribute = node.pointee.properties
    while let current = attribute {
        let name = String(cString: current.pointee.name)
        let raw = xmlNodeListGetString(document, current.pointee.children, 1)
        attributes[name] = raw.map { String(cString: $0) } ?? ""
        if let raw { slac_xmlFree(raw) }
        names.append(name)
        attribute = current.pointee.next
    }
    var children: [Element] = []
    var child = node.pointee.children
    while let current = child {
        if current.pointee.type == XML_ELEMENT_NODE { children.append(convert(current, document: document)) }
        child = current.pointee.next
    }
    let content = xmlNodeGetContent(node)
    let text = content.map { String(cString: $0) } ?? ""
    if let content { slac_xmlFree(content) }
    return Element(
        name: String(cString: node.pointee.name),
        namespace: node.pointee.ns.map { String(cString: $0.pointee.href) },
        attributes: attributes, attributeNames: names, children: children, text: text)
}

/// The package root, found from this file's path (tests run without resources).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func readBytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }

var recording: Bool { ProcessInfo.processInfo.environment["SLAC_RECORD"] == "1" }

// MARK: - Fixtures

func instant(_ text: String) -> Int64 { CivilTime.parseInstant(text)! }

let hexDigest = String(repeating: "0123456789abcdef", count: 4)

func contract(id: String? = "ACME-MSA-2026-014", version: String? = "3.2", name: String = "Acme Enterprise Inference Agreement") -> ContractIdentity {
    ContractIdentity(name: name, id: id, version: version, sha256: hexDigest, timezone: "UTC",
                     termStart: instant("2026-01-01T00:00:00Z"), termEnd: instant("2027-01-01T00:00:00Z"))
}

let march = (start: instant("2026-03-01T00:00:00Z"), end: instant("2026-04-01T00:00:00Z"))

/// Every clause compliant; the contract has no id or version.
func compliantResult() -> EvaluationResult {
    let key = [GroupKeyPart(field: "tenant", value: "acme")]
    let windows = (0..<3).map { k in
        WindowResult(start: march.start + Int64(k) * 3_600_000_000_000, end: march.start + Int64(k + 1) * 3_600_000_000_000,
                     key: key, count: 40 + k, observed: ObservedValue(text: "0.975", unit: "ratio", approximate: 0.975),
                     verdict: .met, evidence: [])
    }
    let clause = ClauseResult(
        ref: "4.2", name: "decode_floor",
        text: "In each hour at least 90% of successful requests decode at 30 tokens per second or faster.",
        requirement: "share(decode_tps >= 30 tokens/s) >= 90%",
        bound: RequirementBound(comparison: ">=", value: "0.9", unit: "ratio", worse: .lower), verdict: .compliant,
        windowsMet: 3, windowsBreached: 0, windowsInsufficient: 0,
        periods: [PeriodResult(start: march.start, end: march.end, key: key, met: 3, breached: 0,
                               attainment: Rational(1), attainmentText: "1", objectiveText: "1", verdict: .compliant)],
        credits: [], windows: windows)
    return EvaluationResult(
        toolVersion: "0.1.0", contract: contract(id: nil, version: nil),
        traces: [TraceAccounting(path: "traces/run.jsonl", format: "jsonl", sha256: hexDigest, read: 123, accepted: 123, excluded: 3)],
        clauses: [clause], rejected: [], rejectedTotal: 0, verdict: .compliant)
}

/// A breached ttft clause (12 breached, 2 met, 2 insufficient windows over two tenants, credits,
/// evidence), a compliant share clause with a nil group value, a no-data clause, rejected records.
func breachedResult() -> EvaluationResult {
    let fiveMinutes: Int64 = 300_000_000_000
    var windows: [WindowResult] = []
    var met = 0, breached = 0, insufficient = 0
    for k in 0..<8 {
        for tenant in ["acme", "globex"] {
            let start = march.start + Int64(k) * fiveMinutes
            let index = windows.count
            let verdict: WindowVerdict
            var observed: ObservedValue? = nil
            var evidence: [EvidenceRecord] = []
            switch index {
            case 3:
                verdict = .insufficient  // below the minimum, value still known
                observed = ObservedValue(text: "950.25", unit: "ms", approximate: 950.25)
            case 10:
                verdict = .insufficient  // no defined value
            case 0, 7:
                verdict = .met
                observed = ObservedValue(text: "612.5", unit: "ms", approximate: 612.5)
                evidence = [EvidenceRecord(id: "never-written", value: "612.5")]
            default:
                verdict = .breached
                let value = 800 + 97 * ((index * 7) % 16) + index
                observed = ObservedValue(text: "\(value).5", unit: "ms", approximate: Double(value) + 0.5)
                evidence = [EvidenceRecord(id: "r-\(1000 + index)", value: "\(value + 300).5"),
                            EvidenceRecord(id: "r-\(2000 + index)", value: "\(value + 100)")]
            }
            switch verdict {
            case .met: met += 1
            case .breached: breached += 1
            case .insufficient: insufficient += 1
            case .valued: preconditionFailure("the fixture makes no valued window")
            }
            windows.append(WindowResult(start: start, end: start + fiveMinutes, key: [GroupKeyPart(field: "tenant", value: tenant)],
                                        count: verdict == .insufficient ? 7 : 20 + index, observed: observed, verdict: verdict, evidence: evidence))
        }
    }
    let ttft = ClauseResult(
        ref: "4.1", name: "interactive_ttft",
        text: "The 99th percentile Time to First Token of successful requests, measured\nover each five-minute interval, shall not exceed 800 milliseconds.",
        requirement: "p99(ttft) <= 800 ms",
        bound: RequirementBound(comparison: "<=", value: "800", unit: "ms", worse: .higher), verdict: .breached,
        windowsMet: met, windowsBreached: breached, windowsInsufficient: insufficient,
        periods: [
            PeriodResult(start: march.start, end: march.end, key: [GroupKeyPart(field: "tenant", value: "acme")], met: 1, breached: 6,
                         attainment: Rational(1, 7), attainmentText: "0.142857142857", objectiveText: "0.995", verdict: .breached),
            PeriodResult(start: march.start, end: march.end, key: [GroupKeyPart(field: "tenant", value: "globex")], met: 1, breached: 6,
                         attainment: Rational(1, 7), attainmentText: "0.142857142857", objectiveText: "0.995", verdict: .breached),
        ],
        credits: [CreditResult(start: march.start, end: march.end, percentText: "25", amountText: "30000.00", currency: "USD")],
        windows: windows)
    let share = ClauseResult(
        ref: "4.2", name: "decode_floor",
        text: "In each hour at least 90% of successful requests decode at 30 tokens per second or faster.",
        requirement: "share(decode_tps >= 30 tokens/s) >= 90%",
        bound: RequirementBound(comparison: ">=", value: "0.9", unit: "ratio", worse: .lower), verdict: .compliant,
        windowsMet: 1, windowsBreached: 0, windowsInsufficient: 0,
        periods: [PeriodResult(start: instant("2026-01-01T00:00:00Z"), end: instant("2027-01-01T00:00:00Z"),
                               key: [GroupKeyPart(field: "tenant", value: nil)], met: 1, breached: 0,
                               attainment: Rational(1), attainmentText: "1", objectiveText: "1", verdict: .compliant)],
        credits: [],
        windows: [WindowResult(start: march.start, end: march.start + 3_600_000_000_000, key: [GroupKeyPart(field: "tenant", value: nil)],
                               count: 300, observed: ObservedValue(text: "0.953333333333", unit: "ratio", approximate: 0.953333333333),
                               verdict: .met, evidence: [])])
    let availability = ClauseResult(
        ref: "5.2", name: "availability", text: "", requirement: "share(status = \"ok\") >= 99.9%",
        bound: RequirementBound(comparison: ">=", value: "0.999", unit: "ratio", worse: .lower), verdict: .noData,
        windowsMet: 0, windowsBreached: 0, windowsInsufficient: 0,
        periods: [PeriodResult(start: instant("2026-01-01T00:00:00Z"), end: instant("2027-01-01T00:00:00Z"), key: [], met: 0, breached: 0,
                               attainment: nil, attainmentText: nil, objectiveText: "1", verdict: .noData)],
        credits: [], windows: [])
    return EvaluationResult(
        toolVersion: "0.1.0", contract: contract(),
        traces: [
            TraceAccounting(path: "traces/2026-03.jsonl", format: "jsonl", sha256: hexDigest, read: 1000, accepted: 990, rejected: 2, outsideTerm: 8, excluded: 12),
            TraceAccounting(path: "traces/extra.csv.gz", format: "csv", sha256: String(hexDigest.reversed()), read: 11, accepted: 10, rejected: 1, outsideTerm: 0, excluded: 0),
        ],
        clauses: [ttft, share, availability],
        rejected: [
            RejectedRecord(path: "traces/2026-03.jsonl", line: 17, reason: "missing `ts`"),
            RejectedRecord(path: "traces/2026-03.jsonl", line: 18, reason: "negative `ttft_ms`: -3"),
        ],
        rejectedTotal: 3, verdict: .breached)
}

/// XML metacharacters, characters XML 1.0 forbids, NUL, emoji and very long text everywhere a
/// user-controlled string reaches the report.
let hostile = "<&\"'>]]>\u{01}\u{0}\u{1B}[31m\u{FFFE}\u{FFFF}\t\r\n🚀é\u{7F}\u{85}"

func hostileResult() -> EvaluationResult {
    var result = breachedResult()
    result.contract = contract(id: hostile, version: hostile, name: "name " + hostile)
    result.contract.timezone = "Europe/Zürich " + hostile
    result.traces[0].path = "/tmp/" + hostile + ".jsonl"
    result.traces[0].format = "jsonl" + hostile
    result.clauses[0].ref = hostile
    result.clauses[0].name = "n" + hostile
    result.clauses[0].text = String(repeating: "long text " + hostile + " ", count: 20_000)
    result.clauses[0].requirement = "p99(ttft) <= 800 ms " + hostile
    result.clauses[0].windows[1].key = [GroupKeyPart(field: "tenant" + hostile, value: hostile)]
    result.clauses[0].windows[1].evidence = [EvidenceRecord(id: hostile, value: "1e-05")]
    result.clauses[0].windows[1].observed?.unit = "ms" + hostile
    result.rejected[0].reason = "bad line: " + hostile
    result.toolVersion = "0.1.0-" + hostile
    return result
}

/// What the hostile string reads as after a round trip through a report.
let hostileSanitized = "<&\"'>]]>\u{FFFD}\u{FFFD}\u{FFFD}[31m\u{FFFD}\u{FFFD}\t\r\n🚀é\u{7F}\u{85}"
