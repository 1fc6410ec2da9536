import SLACSyntax
import SLACTestSupport
import Testing

/// Syntax diagnostics pinned to their exact position with markers (`1️⃣`): the marker stands
/// where the diagnostic's span must start.
@Suite struct ParserDiagnosticTests {
    @Test func markersAreStrippedAndMeasuredInBytes() {
        let s = MarkedSource("ä1️⃣b2️⃣")
        #expect(s.text == "äb")
        #expect(s.markers == ["1️⃣": 2, "2️⃣": 3])
    }

    @Test func missingComparisonInRequire() {
        assertDiagnostics(contract(clause: """
                every   5 minutes
                require p99(ttft) 1️⃣800 ms
            """), [("SLA0110", marker: "1️⃣")])
    }

    @Test func doubleEqualsIsReportedAndReadAsEquals() {
        assertDiagnostics(contract(clause: """
                scope   status 1️⃣== "ok" and model = "m"
                every   5 minutes
                require p99(ttft) <= 800 ms
            """), [("SLA0107", marker: "1️⃣")])
    }

    /// Suggestions are text that parses: the clause reference keeps its escapes, and the
    /// attainment threshold is the one written (it was always 99.5%).
    @Test func suggestionsQuoteTheSourceAsWritten() {
        let ref = parse(contract(body: "    clause \"<4.1&\\\"]]>\" ttft_<x> {\n        every 5 minutes\n        require p99(ttft) <= 800 ms\n    }"))
        #expect(ref.diagnostics.first?.help == "write `clause \"<4.1&\\\"]]>\" ttft_ {`", "\(ref.diagnostics)")
        // An unquoted reference: the suggestion quotes it and keeps the name (it said `"4.1" some_name`).
        let unquoted = parse(contract(body: "    clause 1.1 ttft_p95 {\n        every 5 minutes\n        require p99(ttft) <= 800 ms\n    }"))
        #expect(unquoted.diagnostics.first?.help == "write `clause \"1.1\" ttft_p95 {`", "\(unquoted.diagnostics)")
        let tier = parse(contract(clause: "every 5 minutes\nrequire p99(ttft) <= 800 ms\nobjective 99% of windows per calendar month\ncredit 10% of fee when attainment <= 98%"))
        #expect(tier.diagnostics.first { $0.code == "SLA0326" }?.help == "write `when attainment < 98%`, or `when measure <= 98%` with a `measure`")
    }

    /// Control characters from the source (an escape sequence in a string) never reach the
    /// terminal: they are shown as U+FFFD, one column each.
    @Test func controlCharactersAreNotPrinted() {
        let text = contract(body: "    provider \"Nimbus\u{1B}]0;pwned\u{07}\" x\n")
        let parsed = parse(text)
        let rendered = DiagnosticRenderer().render(parsed.diagnostics, in: SourceFile(path: "esc.sla", text: text))
        #expect(!parsed.diagnostics.isEmpty)
        #expect(!rendered.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(rendered)")
        #expect(rendered.contains("Nimbus\u{FFFD}]0;pwned\u{FFFD}"))
    }

    @Test func unknownClauseItemSuggestsRequire() {
        assertDiagnostics(contract(clause: """
                every    5 minutes
                1️⃣requires p99(ttft) <= 800 ms
            """), [("SLA0111", marker: "1️⃣")])
        let parsed = parse(contract(clause: "every 5 minutes\nrequires p99(ttft) <= 800 ms"))
        #expect(parsed.diagnostics.first?.help == "did you mean `require`?")
    }

    @Test func unterminatedStringStopsAtEndOfLine() {
        assertDiagnostics(contract(body: """
                provider  1️⃣"Nimbus Cloud Inc.
                customer  "Acme"
            """), [("SLA0102", marker: "1️⃣")])
    }

    @Test func unterminatedTextBlockIsReportedOnce() {
        assertDiagnostics(contract(clause: """
                text 1️⃣\"""
                    The wording
                every 5 minutes
            """).replacingOccurrences(of: "\n    }\n}\n", with: "\n"), [("SLA0105", marker: "1️⃣")])
    }

    @Test func textBlockLineIndentedLessThanClosingDelimiter() {
        assertDiagnostics(contract(clause: """
                text \"""
                    first line
            1️⃣      second line
                    \"""
            """), [("SLA0106", marker: "1️⃣")])
    }

    @Test func lineOfBlanksShorterThanTheIndentation() {
        // Swift rejects it too ("insufficient indentation of line in multi-line string literal").
        assertDiagnostics(contract(clause: "text \"\"\"\n        a\n1️⃣    \n        b\n        \"\"\""),
                          [("SLA0106", marker: "1️⃣")])
    }

    @Test func textAfterOpeningDelimiter() {
        assertDiagnostics(contract(clause: """
                text 1️⃣\"""first line
                    second line
                    \"""
                every 5 minutes
            """), [("SLA0105", marker: "1️⃣")])
    }

    @Test func doubleAmpersandIsReadAsAnd() {
        assertDiagnostics(contract(clause: """
                scope   status = "ok" 1️⃣&& model = "m" 2️⃣|| region = "eu"
            """), [("SLA0101", marker: "1️⃣"), ("SLA0101", marker: "2️⃣")])
    }

    @Test func unexpectedCharacters() {
        assertDiagnostics(contract(body: """
                id "x"1️⃣;
                version 2️⃣@"1"
                customer 3️⃣€ "c"
            """), [("SLA0101", marker: "1️⃣"), ("SLA0101", marker: "2️⃣"), ("SLA0101", marker: "3️⃣")])
    }

    @Test func aRunOfInvalidCharactersIsOneDiagnostic() {
        assertDiagnostics(contract(body: "id \"x\" 1️⃣@@@@@@@@\n 2️⃣\u{1}\u{2}\n 3️⃣é\n version \"1\""),
                          [("SLA0101", marker: "1️⃣"), ("SLA0101", marker: "2️⃣"), ("SLA0101", marker: "3️⃣")])
        let messages = parse(contract(body: "id \"x\" @@@\n \u{0}\n " + String(repeating: "#", count: 100))).diagnostics.map(\.message)
        #expect(messages == ["unexpected characters `@@@`", "unexpected character U+0000",
                             "unexpected characters `" + String(repeating: "#", count: 24) + "…`"])
    }

    /// After one report of invalid characters, the rest of that line is not reported again: a
    /// line of `a:a:a:…` is one mistake, and reporting each `:` reprinted the line thousands of times.
    @Test func invalidCharactersAreReportedOncePerLine() {
        assertDiagnostics(contract(body: "id \"x\" 1️⃣@@@ \u{0} ###\n version 2️⃣@\"1\""),
                          [("SLA0101", marker: "1️⃣"), ("SLA0101", marker: "2️⃣")])
    }

    @Test func numberGluedToItsUnit() {
        assertDiagnostics(contract(clause: """
                require p99(ttft) <= 1️⃣800ms
            """), [("SLA0104", marker: "1️⃣")])
    }

    @Test func unknownEscape() {
        assertDiagnostics(contract(body: #"""
                id "a 1️⃣\q b"
            """#), [("SLA0103", marker: "1️⃣")])
    }

    @Test func unknownCalendarWindow() {
        assertDiagnostics(contract(clause: """
                every calendar 1️⃣fortnight
            """), [("SLA0115", marker: "1️⃣")])
    }

    @Test func unknownContractItemSuggestsCustomer() {
        assertDiagnostics(contract(body: """
                1️⃣customr "Acme"
                id "x"
            """), [("SLA0112", marker: "1️⃣")])
    }

    @Test func severalSyntaxErrorsAreAllReported() {
        assertDiagnostics("""
            contract "T" {
                effective 2026-01-01 1️⃣2027-01-01
                fee       1000.00 USD per 2️⃣year
                clause "1" a {
                    require p99(ttft) 3️⃣800 ms
                    minimum 4️⃣requests
                }
                clause "2" b {
                    require share(status = "ok" 5️⃣>= 99.9%
                }
                6️⃣bogus item
            }
            """, [("SLA0110", marker: "1️⃣"), ("SLA0110", marker: "2️⃣"), ("SLA0110", marker: "3️⃣"),
                  ("SLA0110", marker: "4️⃣"), ("SLA0110", marker: "5️⃣"), ("SLA0112", marker: "6️⃣")])
    }

    @Test func fileWithoutContract() {
        assertDiagnostics("1️⃣// only a comment\n", [("SLA0113", marker: "1️⃣")])
        assertDiagnostics("1️⃣agreement \"x\" {}", [("SLA0110", marker: "1️⃣")])
    }

    @Test func textAfterTheContract() {
        assertDiagnostics("contract \"T\" {}\n1️⃣}\n", [("SLA0114", marker: "1️⃣")])
    }

    @Test func unclosedClauseBeforeTheNextClause() {
        assertDiagnostics("""
            contract "T" {
                1️⃣clause "1" a {
                    every 5 minutes
                clause "2" b {
                    every 1 hour
                }
            }
            """, [("SLA0110", marker: "1️⃣")])
    }

    @Test func unclosedContract() {
        assertDiagnostics("1️⃣contract \"T\" {\n    id \"x\"\n", [("SLA0110", marker: "1️⃣")])
    }

    @Test func conditionNestedTooDeeply() {
        // The error points at the first parenthesis past the limit.
        let open = String(repeating: "(", count: 200), close = String(repeating: ")", count: 201)
        let text = contract(clause: "scope \(open)1️⃣(status = \"ok\"\(close)\nevery 5 minutes")
        assertDiagnostics(text, [("SLA0116", marker: "1️⃣")])
    }

    @Test func unclosedDeepNestingIsReportedOnce() {
        // The skipped nesting ends at the next item; the enclosing levels do not each report a `)`.
        let open = String(repeating: "(", count: 200)
        assertDiagnostics(contract(clause: "scope \(open)1️⃣(((status = \"ok\"\nevery 5 minutes\nrequire count <= 5"),
                          [("SLA0116", marker: "1️⃣")])
    }

    @Test func overlongChainIsReportedOnce() {
        // Each `and` deepens the tree like a parenthesis: 200 parts are fine, the 200th `and` is not.
        let fine = String(repeating: "status = \"ok\" and ", count: 199) + "status = \"ok\""
        assertDiagnostics(contract(clause: "scope \(fine)\nevery 5 minutes"), [])
        assertDiagnostics(contract(clause: "scope \(fine) 1️⃣and model = \"m\" or region = \"r\" and x = \"y\"\nevery 5 minutes"),
                          [("SLA0116", marker: "1️⃣")])
    }

    @Test func badGroupFieldIsReportedOnce() {
        assertDiagnostics(contract(clause: """
                every 5 minutes per 1️⃣"tenant", model
                require count <= 5
            """), [("SLA0110", marker: "1️⃣")])
    }

    @Test func overWithoutTerm() {
        assertDiagnostics(contract(clause: """
                over 1️⃣calendar month
            """), [("SLA0110", marker: "1️⃣")])
    }

    @Test func creditShape() {
        assertDiagnostics(contract(clause: """
                credit 10% of fee when attainment 1️⃣<= 99%
            """), [("SLA0326", marker: "1️⃣")])
    }
}
