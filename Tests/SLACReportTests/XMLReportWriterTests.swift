import Foundation
import SLACEvaluator
@testable import SLACReport
import SLACTestSupport
import Testing

@Suite struct XMLReportWriterTests {
    let validator: SchemaValidator

    init() throws { validator = try SchemaValidator.bundled() }

    @Test func compliantReportParsesAndValidates() throws {
        let bytes = try XMLReportWriter().write(compliantResult())
        #expect(validator.validate(bytes) == [])
        let root = try parseXML(bytes)
        #expect(root.name == "report")
        #expect(root.namespace == "urn:slac:report:1")
        #expect(root.attributes["tool-version"] == "0.1.0")
        #expect(root.attributes["verdict"] == "compliant")
        #expect(root.attributes["generated"] == nil)
        let contract = try #require(root.children(named: "contract").first)
        #expect(contract.attributes["id"] == nil)
        #expect(contract.attributes["version"] == nil)
        #expect(contract.attributes["term-start"] == "2026-01-01T00:00:00Z")
        let trace = try #require(root.children(named: "trace").first)
        #expect(trace.attributes["read"] == "123")
        #expect(trace.attributes["excluded"] == "3")
        #expect(trace.attributes["outside-term"] == "0")
        let clause = try #require(root.children(named: "clause").first)
        #expect(clause.children.map(\.name) == ["text", "requirement", "period"])
        #expect(clause.children(named: "requirement").first?.text == "share(decode_tps >= 30 tokens/s) >= 90%")
        #expect(root.descendants(named: "window").isEmpty)
    }

    /// Prices per model: each `<price>` in the order that decides which applies, a condition in
    /// `where`, none on the price of every record; valid against the schema.
    @Test func pricesWithConditions() throws {
        var result = compliantResult()
        result.contract.prices = [
            PriceTerm(field: "input_tokens", perToken: "0.000003", currency: "USD", text: "3.00 USD per 1M input_tokens where model = \"large\"",
                      condition: "model = \"large\""),
            PriceTerm(field: "input_tokens", perToken: "0.000001", currency: "USD", text: "1.00 USD per 1M input_tokens"),
        ]
        let bytes = try XMLReportWriter().write(result)
        #expect(validator.validate(bytes) == [])
        let prices = try #require(try parseXML(bytes).children(named: "contract").first).children(named: "price")
        #expect(prices.map { $0.attributes["where"] } == ["model = \"large\"", nil])
        #expect(prices.map { $0.attributes["per-token"] } == ["0.000003", "0.000001"])
        // A period's charges with what they are made of.
        var period = try #require(result.clauses[0].periods.first)
        period.chargesText = "3.00"
        period.billed = [BilledTokens(price: 1, field: "input_tokens", tokensText: "1000000")]
        result.clauses[0].periods = [period]
        result.clauses[0].chargesCurrency = "USD"
        let withPeriod = try XMLReportWriter().write(result)
        #expect(validator.validate(withPeriod) == [])
        let billed = try parseXML(withPeriod).descendants(named: "billed")
        #expect(billed.map { [$0.attributes["price"], $0.attributes["field"], $0.attributes["tokens"]] } == [["1", "input_tokens", "1000000"]])
    }

    @Test func startsWithDeclarationAndIndentsByTwoSpaces() throws {
        let text = String(decoding: try XMLReportWriter().write(breachedResult()), as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report xmlns=\"urn:slac:report:1\" tool-version=\"0.1.0\" verdict=\"breached\""))
        #expect(text.contains("\n  <contract "))
        #expect(text.contains("\n    <text>"))
        #expect(text.contains("\n      <key field=\"tenant\" value=\"acme\"/>"))
        #expect(text.contains("<requirement>p99(ttft) &lt;= 800 ms</requirement>"))
        #expect(text.hasSuffix("</report>\n"))
    }

    @Test(arguments: WindowSelection.allCases)
    func windowSelectionListsTheRightWindows(selection: WindowSelection) throws {
        let result = breachedResult()
        let bytes = try XMLReportWriter(windows: selection).write(result)
        #expect(validator.validate(bytes) == [])
        let root = try parseXML(bytes)
        #expect(root.attributes["windows"] == selection.rawValue)
        let clauses = root.children(named: "clause")
        #expect(clauses.count == 3)
        let ttft = clauses[0].children(named: "window")
        switch selection {
        case .all:
            #expect(ttft.count == 16)
            #expect(clauses[1].children(named: "window").count == 1)
            #expect(ttft.filter { $0.attributes["verdict"] == "insufficient" }.count == 2)
        case .breached:
            #expect(ttft.count == 12)
            #expect(ttft.allSatisfy { $0.attributes["verdict"] == "breached" })
            #expect(clauses[1].children(named: "window").isEmpty)
        case .none:
            #expect(root.descendants(named: "window").isEmpty)
        }
        // Counts cover every window whatever the selection.
        #expect(clauses[0].attributes["windows-met"] == "2")
        #expect(clauses[0].attributes["windows-breached"] == "12")
        #expect(clauses[0].attributes["windows-insufficient"] == "2")
        // Evidence only under breached windows, two records each.
        let evidence = root.descendants(named: "evidence")
        #expect(evidence.count == (selection == .none ? 0 : 24))
        #expect(!evidence.contains { $0.attributes["id"] == "never-written" })
    }

    @Test func writesClauseDetailsPeriodsCreditsAndRejected() throws {
        let root = try parseXML(try XMLReportWriter(windows: .all).write(breachedResult()))
        let clauses = root.children(named: "clause")
        let ttft = clauses[0]
        #expect(ttft.attributes["ref"] == "4.1")
        #expect(ttft.attributes["verdict"] == "breached")
        #expect(ttft.children(named: "text").first?.text.contains("\nover each five-minute interval") == true)
        let period = try #require(ttft.children(named: "period").first)
        #expect(period.attributes["attainment"] == "0.142857142857")
        #expect(period.attributes["objective"] == "0.995")
        #expect(period.attributes["start"] == "2026-03-01T00:00:00Z")
        #expect(period.attributes["end"] == "2026-04-01T00:00:00Z")
        #expect(period.children(named: "key").first?.attributes == ["field": "tenant", "value": "acme"])
        let credit = try #require(ttft.children(named: "credit").first)
        #expect(credit.attributes == ["start": "2026-03-01T00:00:00Z", "end": "2026-04-01T00:00:00Z",
                                      "percent": "25", "amount": "30000.00", "currency": "USD"])
        let windows = ttft.children(named: "window")
        #expect(windows[1].attributeNames == ["start", "end", "count", "observed", "unit", "verdict"])
        #expect(windows[1].attributes["start"] == "2026-03-01T00:00:00Z")
        #expect(windows[1].attributes["end"] == "2026-03-01T00:05:00Z")
        #expect(windows[1].attributes["observed"] == "1480.5")
        #expect(windows[1].children.map(\.name) == ["key", "evidence", "evidence"])
        // An insufficient window without a value has neither observed nor unit.
        #expect(windows[10].attributes["observed"] == nil)
        #expect(windows[10].attributes["unit"] == nil)
        // A nil group value is a key without `value`.
        let nilKey = try #require(clauses[1].children(named: "window").first?.children(named: "key").first)
        #expect(nilKey.attributes == ["field": "tenant"])
        // The no-data clause: no attainment on its period.
        let noData = clauses[2]
        #expect(noData.attributes["verdict"] == "no-data")
        #expect(noData.children(named: "period").first?.attributes["attainment"] == nil)
        #expect(noData.children(named: "period").first?.children.isEmpty == true)
        // Rejected records after the clauses, with the total on the root.
        #expect(root.children.map(\.name).suffix(2) == ["rejected", "rejected"])
        #expect(root.children(named: "rejected").first?.attributes == ["path": "traces/2026-03.jsonl", "line": "17", "reason": "missing `ts`"])
        #expect(root.attributes["rejected-total"] == "3")
        #expect(root.children(named: "trace").count == 2)
    }

    @Test func outputIsDeterministic() throws {
        for selection in WindowSelection.allCases {
            let first = try XMLReportWriter(windows: selection).write(breachedResult())
            let second = try XMLReportWriter(windows: selection).write(breachedResult())
            #expect(first == second)
        }
        let hostileFirst = try XMLReportWriter().write(hostileResult())
        #expect(hostileFirst == (try XMLReportWriter().write(hostileResult())))
    }

    @Test func generationTimeOnlyWhenAsked() throws {
        let bytes = try XMLReportWriter(generatedAt: instant("2026-04-02T10:11:12.5Z")).write(compliantResult())
        #expect(validator.validate(bytes) == [])
        #expect(try parseXML(bytes).attributes["generated"] == "2026-04-02T10:11:12.5Z")
    }

    @Test func fractionalInstantsAreValid() throws {
        var result = breachedResult()
        result.clauses[0].windows[1].start += 123_456_789
        let bytes = try XMLReportWriter().write(result)
        #expect(validator.validate(bytes) == [])
        #expect(try parseXML(bytes).descendants(named: "window").first?.attributes["start"] == "2026-03-01T00:00:00.123456789Z")
    }

    @Test func hostileStringsRoundTripWithForbiddenCharactersReplaced() throws {
        let result = hostileResult()
        let bytes = try XMLReportWriter(windows: .all).write(result)
        #expect(validator.validate(bytes) == [])
        // No forbidden character reaches the bytes: no C0 controls except tab/LF/CR, no U+FFFE/U+FFFF.
        #expect(!bytes.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.unicodeScalars.contains { $0.value == 0xFFFE || $0.value == 0xFFFF })

        let root = try parseXML(bytes)
        #expect(root.attributes["tool-version"] == "0.1.0-" + hostileSanitized)
        let contract = try #require(root.children(named: "contract").first)
        #expect(contract.attributes["name"] == "name " + hostileSanitized)
        #expect(contract.attributes["id"] == hostileSanitized)
        #expect(contract.attributes["version"] == hostileSanitized)
        #expect(root.children(named: "trace").first?.attributes["path"] == "/tmp/" + hostileSanitized + ".jsonl")
        let clause = try #require(root.children(named: "clause").first)
        #expect(clause.attributes["ref"] == hostileSanitized)
        #expect(clause.children(named: "text").first?.text == String(repeating: "long text " + hostileSanitized + " ", count: 20_000))
        #expect(clause.children(named: "requirement").first?.text == "p99(ttft) <= 800 ms " + hostileSanitized)
        let window = clause.children(named: "window")[1]
        #expect(window.attributes["unit"] == "ms" + hostileSanitized)
        #expect(window.children(named: "key").first?.attributes == ["field": "tenant" + hostileSanitized, "value": hostileSanitized])
        #expect(window.children(named: "evidence").first?.attributes == ["id": hostileSanitized, "value": "1e-05"])
        #expect(root.children(named: "rejected").first?.attributes["reason"] == "bad line: " + hostileSanitized)
    }

    @Test func sanitizerKeepsAllowedCharacters() {
        #expect(xmlSafe("plain") == "plain")
        #expect(xmlSafe("a\u{0}b\u{1F}c\u{FFFE}d\u{FFFF}e") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e")
        #expect(xmlSafe("\t\n\r \u{7F}\u{FFFD}\u{10FFFF}👩‍👩‍👧") == "\t\n\r \u{7F}\u{FFFD}\u{10FFFF}👩‍👩‍👧")
    }

    @Test func goldenBreachedReport() throws {
        let golden = packageRoot.appendingPathComponent("Tests/SLACReportTests/Golden/breached-report.xml")
        let actual = try XMLReportWriter().write(breachedResult())
        if recording {
            try Data(actual).write(to: golden)
            return
        }
        let expected = try readBytes(golden)
        if let difference = firstDifference(expected: expected, actual: actual) {
            let written = FileManager.default.temporaryDirectory.appendingPathComponent("breached-report.actual.xml")
            try? Data(actual).write(to: written)
            Issue.record("""
                golden report differs from \(golden.path)
                \(difference)
                actual output written to \(written.path); diff them, and if the change is intended \
                re-record with `SLAC_RECORD=1 swift test --filter SLACReportTests`
                """)
        }
        #expect(validator.validate(expected) == [])
    }
}
