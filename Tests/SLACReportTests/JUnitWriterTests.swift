@testable import SLACEvaluator
@testable import SLACReport
import Testing

@Suite struct JUnitWriterTests {
    @Test func breachedContractHasOneFailurePerBreachedClause() throws {
        let bytes = try JUnitWriter().write(breachedResult())
        #expect(bytes == (try JUnitWriter().write(breachedResult())))
        let root = try parseXML(bytes)
        #expect(root.name == "testsuites")
        let suites = root.children(named: "testsuite")
        #expect(suites.count == 1)
        let suite = suites[0]
        #expect(suite.attributes["name"] == "Acme Enterprise Inference Agreement")
        #expect(suite.attributes["tests"] == "3")
        #expect(suite.attributes["failures"] == "1")
        #expect(suite.attributes["skipped"] == "1")
        let cases = suite.children(named: "testcase")
        #expect(cases.map { $0.attributes["name"] } == ["4.1 interactive_ttft", "4.2 decode_floor", "5.2 availability"])
        // The trace is part of each test's id, so runs over different files never share one.
        let traces = breachedResult().traces
        #expect(traces.count == 2)
        let label = traces.map(\.path).joined(separator: ", ")
        #expect(cases.allSatisfy { $0.attributes["classname"] == "ACME-MSA-2026-014 [\(label)]" })
        let properties = suite.children(named: "properties").first?.children(named: "property") ?? []
        #expect(properties.map { $0.attributes["value"] } == traces.map { "\($0.path) sha256:\($0.sha256)" })
        #expect(cases[1].children.isEmpty)
        #expect(cases[2].children(named: "skipped").first?.attributes["message"] == "no data: no in-scope record")

        let failure = try #require(cases[0].children(named: "failure").first)
        #expect(failure.attributes["type"] == "breached")
        #expect(failure.attributes["message"] == "clause 4.1 interactive_ttft breached: 12 of 14 judged windows breached, 2 periods below objective")
        let lines = failure.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "requirement: p99(ttft) <= 800 ms")
        #expect(lines.contains("worst 10 of 12 breached windows:"))
        let windowLines = lines.filter { $0.contains(" ms vs ") }
        #expect(windowLines.count == 10)
        // Worst first: observed values descend for a `<=` bound.
        let observed = windowLines.compactMap { line -> Double? in
            guard let range = line.range(of: "observed ") else { return nil }
            return Double(line[range.upperBound...].prefix { $0 != " " })
        }
        #expect(observed.count == 10)
        #expect(observed == observed.sorted(by: >))
        #expect(windowLines[0].contains("tenant=") && windowLines[0].contains(" ms vs p99(ttft) <= 800 ms (") && windowLines[0].contains("evidence r-1"))
        #expect(lines.contains("periods below objective:"))
        #expect(lines.contains("  2026-03-01T00:00:00Z .. 2026-04-01T00:00:00Z tenant=acme: attainment 0.142857142857 < objective 0.995 (1 met, 6 breached)"))
        #expect(lines.contains("  2026-03-01T00:00:00Z .. 2026-04-01T00:00:00Z: 25% of fee = 30000.00 USD"))
    }

    @Test func compliantContractHasNoFailures() throws {
        let root = try parseXML(try JUnitWriter().write(compliantResult()))
        let suite = try #require(root.children(named: "testsuite").first)
        #expect(suite.attributes["failures"] == "0")
        // Without a contract id the class name is the contract name.
        #expect(suite.children(named: "testcase").first?.attributes["classname"] == "Acme Enterprise Inference Agreement [traces/run.jsonl]")
        #expect(root.descendants(named: "failure").isEmpty)
        #expect(root.descendants(named: "skipped").isEmpty)
    }

    @Test func noDataSaysWhyWithCounts() {
        var clause = breachedResult().clauses[2]
        clause.windowsInsufficient = 3
        #expect(JUnitWriter.noDataMessage(clause).hasPrefix("insufficient data: 3 windows had in-scope records"))
        clause.windowsInsufficient = 0
        #expect(JUnitWriter.noDataMessage(clause) == "no data: no in-scope record")
    }

    /// Issue 13: with several traces the same id can come from each; the failure names the trace.
    @Test func evidenceNamesItsTraceWhenThereAreSeveral() {
        var clause = breachedResult().clauses[0]
        let index = clause.windows.firstIndex { $0.verdict == .breached }!
        clause.windows[index].evidence = [EvidenceRecord(id: "r-0003346", value: "1161.8", trace: 0),
                                          EvidenceRecord(id: "r-0003346", value: "1161.8", trace: 1)]
        let traces = [TraceAccounting(path: "acme.jsonl", format: "jsonl", sha256: ""),
                      TraceAccounting(path: "acme.csv", format: "csv", sha256: "")]
        #expect(JUnitWriter.failureText(clause, traces: traces).contains("evidence r-0003346 (acme.jsonl), r-0003346 (acme.csv)"))
        #expect(JUnitWriter.failureText(clause, traces: [traces[0]]).contains("evidence r-0003346, r-0003346"))
    }

    @Test func ratiosReadAsPercentagesWithTheExactValueBeside() {
        #expect(JUnitWriter.people(ObservedValue(text: "0.353333333333333", unit: "ratio", approximate: 0.353333333333333)) == "35.3% (0.353333333333333)")
        #expect(JUnitWriter.people(ObservedValue(text: "0.5", unit: "ratio", approximate: 0.5)) == "50%")
        #expect(JUnitWriter.people(ObservedValue(text: "812.4", unit: "ms", approximate: 812.4)) == "812.4 ms")
        let labels = (1...5).map { TraceAccounting(path: "t\($0).jsonl", format: "jsonl", sha256: "") }
        #expect(JUnitWriter.traceLabel(labels) == "t1.jsonl, t2.jsonl, t3.jsonl and 2 more")
    }

    @Test func hostileStringsStayWellFormed() throws {
        let bytes = try JUnitWriter().write(hostileResult())
        #expect(!bytes.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
        let root = try parseXML(bytes)
        #expect(root.descendants(named: "testsuite").first?.attributes["name"] == "name " + hostileSanitized)
        #expect(root.descendants(named: "failure").count == 1)
    }

    @Test func lowerIsWorseForFloors() {
        func window(_ text: String) -> WindowResult {
            WindowResult(start: 0, end: 1, key: [], count: 1, observed: ObservedValue(text: text, unit: "ratio", approximate: 0), verdict: .breached, evidence: [])
        }
        let ordered = JUnitWriter.worstFirst([window("0.8"), window("0.5"), window("0.85"), window("0.5")], worse: .lower)
        #expect(ordered.compactMap { $0.observed?.text } == ["0.5", "0.5", "0.8", "0.85"])
        let unordered = JUnitWriter.worstFirst([window("0.8"), window("0.5")], worse: nil)
        #expect(unordered.compactMap { $0.observed?.text } == ["0.8", "0.5"])
    }
}
