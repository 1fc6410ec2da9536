import Foundation
import SLACLanguageServer
import SLACLegalOps
import SLACSyntax
import Testing

@Suite struct FeatureTests {
    let uri = "file:///tmp/acme.sla"
    let acme = Paths.text("Contracts/acme-schedule-b.sla")

    /// 0-based line and UTF-16 column of the first occurrence of `needle` (plus `shift` units).
    func position(of needle: String, in text: String, shift: Int = 0) -> (Int, Int) {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let r = line.range(of: needle) { return (i, line[..<r.lowerBound].utf16.count + shift) }
        }
        Issue.record("`\(needle)` not found")
        return (0, 0)
    }

    // MARK: hover

    @Test func hoverOnAnAggregateSaysHowItIsComputed() throws {
        var client = ScriptedClient()
        _ = client.open(uri, acme)
        let (line, column) = position(of: "p99(ttft)", in: acme, shift: 1)
        let textReply = client.hover(uri, line, column)
        let text = try #require(textReply)
        #expect(text.contains("nearest rank"))
        #expect(text.contains("p99"))
    }

    @Test func hoverOnAMetricShowsItsFormulaAndUnit() throws {
        var client = ScriptedClient()
        _ = client.open(uri, acme)
        let (line, column) = position(of: "decode_tps >=", in: acme, shift: 2)
        let textReply = client.hover(uri, line, column)
        let text = try #require(textReply)
        #expect(text.contains("output_tokens"))
        #expect(text.contains("tokens/s"))
    }

    @Test func hoverOnAClauseNameShowsTheExplanation() throws {
        var client = ScriptedClient()
        _ = client.open(uri, acme)
        let (line, column) = position(of: "interactive_ttft", in: acme, shift: 3)
        let textReply = client.hover(uri, line, column)
        let text = try #require(textReply)
        // The same wording as `slac explain --clause interactive_ttft`.
        let document = try #require(try? ContractDocument.load(SourceFile(path: "acme", text: acme)).get())
        let explained = ContractExplainer.markdown(ContractExplainer.explain(document, clause: "interactive_ttft"))
        #expect(text.contains("Clause 4.1"))
        #expect(text.contains("What slac checks"))
        #expect(explained.contains(String(text.split(separator: "\n").last ?? "")))
    }

    @Test func hoverOnAQuantityShowsItsCanonicalValue() throws {
        var client = ScriptedClient()
        let text = acme.replacingOccurrences(of: "800 ms", with: "0.8 s")
        _ = client.open(uri, text)
        let (line, column) = position(of: "0.8 s", in: text, shift: 4)
        let hoverReply = client.hover(uri, line, column)
        let hover = try #require(hoverReply)
        #expect(hover.hasPrefix("`0.8 s` = 800 ms"))
    }

    @Test func hoverOnATimeZoneShowsItsOffsetAndNextChange() throws {
        var client = ScriptedClient()
        let text = acme.replacingOccurrences(of: "\"UTC\"", with: "\"Europe/Berlin\"")
        _ = client.open(uri, text)
        let (line, column) = position(of: "Europe/Berlin", in: text, shift: 2)
        let hoverReply = client.hover(uri, line, column)
        let hover = try #require(hoverReply)
        // 2026-03-01 is winter time; summer time starts on 2026-03-29 at 01:00 UTC.
        #expect(hover.contains("now UTC+01:00"))
        #expect(hover.contains("2026-03-29T01:00:00Z, to UTC+02:00"))
    }

    // MARK: completion

    @Test func completionAfterRequireOffersAggregateSnippets() {
        var client = ScriptedClient()
        let text = acme.replacingOccurrences(of: "require   p99(ttft) <= 800 ms", with: "require ")
        _ = client.open(uri, text)
        let (line, column) = position(of: "require ", in: text, shift: 8)
        let items = client.completion(uri, line, column)
        let inserts = items.compactMap { $0["insertText"] as? String }
        #expect(inserts.contains { $0.hasPrefix("p99(") })
        #expect(inserts.contains { $0.hasPrefix("share(") })
        #expect(items.first { ($0["insertText"] as? String)?.hasPrefix("p99(") == true }?["insertTextFormat"] as? Int == 2)
    }

    @Test func completionByContext() {
        var client = ScriptedClient()
        let text = """
        contract "c" {
            timezone "Europe/Ber
            fee 100.00 
            clause "1" a {
                require p99(
                every 5 
                
            }
            
        }
        """
        _ = client.open(uri, text)
        func labels(_ line: Int, _ column: Int) -> [String] { client.completion(uri, line, column).compactMap { $0["label"] as? String } }
        let zones = client.completion(uri, 1, 24)
        #expect(zones.contains { $0["label"] as? String == "Europe/Berlin" })
        // The zone replaces the partial name after the quote, `/` included.
        #expect(flatRange((zones.first { $0["label"] as? String == "Europe/Berlin" }?["textEdit"] as? [String: Any])?["range"]) == [1, 14, 1, 24])
        #expect(labels(2, 15).contains("EUR"))
        #expect(labels(4, 20).contains("ttft"))
        #expect(!labels(4, 20).contains("status"))
        #expect(labels(5, 17).contains("minutes"))
        #expect(!labels(5, 17).contains("tokens"))
        #expect(labels(6, 8).contains("require"))
        #expect(labels(8, 4).contains("clause"))
    }

    // MARK: formatting, symbols, quick fixes

    @Test func formattingGivesTheOutputOfSlacFmt() throws {
        let unformatted = Paths.text("Contracts/tenant-quotas.sla")
            .replacingOccurrences(of: "\n    ", with: "\n  ")
            .replacingOccurrences(of: "require ", with: "require     ")
        var client = ScriptedClient()
        _ = client.open(uri, unformatted)
        let response = client.request("textDocument/formatting", ["textDocument": ["uri": uri], "options": ["tabSize": 4, "insertSpaces": true]])
        let edits = try #require(response["result"] as? [[String: Any]])
        #expect(edits.count == 1)
        let expected = try ContractFormatter.format(SourceFile(path: "x", text: unformatted)).get()
        #expect(expected != unformatted)
        #expect(edits.first?["newText"] as? String == expected)
        let lines = unformatted.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(flatRange(edits.first?["range"]) == [0, 0, lines.count - 1, lines.last.map { $0.utf16.count } ?? 0])
        // Applying it leaves nothing to format.
        client.notify("textDocument/didChange", ["textDocument": ["uri": uri, "version": 2], "contentChanges": [["text": expected]]])
        let again = client.request("textDocument/formatting", ["textDocument": ["uri": uri], "options": ["tabSize": 4, "insertSpaces": true]])
        #expect((again["result"] as? [Any])?.isEmpty == true)
    }

    @Test func documentSymbolsAreTheContractAndItsClauses() throws {
        var client = ScriptedClient()
        _ = client.open(uri, acme)
        let response = client.request("textDocument/documentSymbol", ["textDocument": ["uri": uri]])
        let symbols = try #require(response["result"] as? [[String: Any]])
        #expect(symbols.first?["name"] as? String == "Acme Enterprise Inference Agreement")
        let clauses = (symbols.first?["children"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(clauses == ["4.1 interactive_ttft", "4.2 decode_floor", "5.1 daily_quota", "5.2 availability"])
    }

    @Test func quickFixAddsTheMissingUnit() throws {
        var client = ScriptedClient()
        let text = acme.replacingOccurrences(of: "<= 800 ms", with: "<= 800")
        let diagnostics = client.open(uri, text)
        #expect(diagnostics.count == 1)
        let range = try #require(diagnostics.first?["range"] as? [String: Any])
        let response = client.request("textDocument/codeAction", ["textDocument": ["uri": uri], "range": range, "context": ["diagnostics": diagnostics]])
        let actions = try #require(response["result"] as? [[String: Any]])
        #expect(actions.first?["title"] as? String == "Replace `800` with `800 ms`")
        let changes = ((actions.first?["edit"] as? [String: Any])?["changes"] as? [String: Any])?[uri] as? [[String: Any]]
        let edit = try #require(changes?.first)
        // Applying the edit gives back the valid contract.
        client.notify("textDocument/didChange", ["textDocument": ["uri": uri, "version": 2], "contentChanges": [["range": edit["range"] ?? [:], "text": edit["newText"] ?? ""]]])
        #expect(client.server.text(of: uri) == acme)
        #expect(client.diagnostics(in: Array(client.notifications.suffix(1))).isEmpty)
    }

    /// `require share(…) >= 99.9` showed "write `99.9%`" without the quick fix objectives had.
    @Test(arguments: [("99.9", "99.9%"), ("0.999", "99.9%")])
    func quickFixForAShareBoundWithoutPercent(written: String, fixed: String) throws {
        var client = ScriptedClient()
        let text = acme.replacingOccurrences(of: "share(status = \"ok\") >= 99.9%", with: "share(status = \"ok\") >= \(written)")
        #expect(text != acme)
        let diagnostics = client.open(uri, text)
        let range = try #require(diagnostics.first?["range"] as? [String: Any])
        let response = client.request("textDocument/codeAction", ["textDocument": ["uri": uri], "range": range, "context": ["diagnostics": diagnostics]])
        #expect((response["result"] as? [[String: Any]])?.first?["title"] as? String == "Replace `\(written)` with `\(fixed)`")
    }

    @Test func quickFixForAMisspelledUnit() throws {
        var client = ScriptedClient()
        let text = acme.replacingOccurrences(of: "30 tokens/s", with: "30 tokens/sec")
        let diagnostics = client.open(uri, text)
        let range = try #require(diagnostics.first?["range"] as? [String: Any])
        let response = client.request("textDocument/codeAction", ["textDocument": ["uri": uri], "range": range, "context": ["diagnostics": diagnostics]])
        #expect((response["result"] as? [[String: Any]])?.first?["title"] as? String == "Replace `tokens/sec` with `tokens/s`")
    }

    // MARK: incremental sync

    @Test func incrementalEditOnALineWithUmlautAndJapanese() {
        for encoding in ["utf-16", "utf-8"] {
            var client = ScriptedClient(positionEncodings: [encoding])
            let line = "        text \"Prüfung 日本 😀 the latency\""
            let text = "contract \"x\" {\n    clause \"1\" a {\n\(line)\n    }\n}\n"
            _ = client.open(uri, text)
            // Replace `latency` (the line's 7 last characters before the quote) with `Latenz`.
            let prefix = line.components(separatedBy: "latency")[0]
            let start = encoding == "utf-16" ? prefix.utf16.count : prefix.utf8.count
            client.notify("textDocument/didChange", [
                "textDocument": ["uri": uri, "version": 2],
                "contentChanges": [
                    ["range": ["start": ScriptedClient.position(2, start), "end": ScriptedClient.position(2, start + 7)], "text": "Latenz"],
                    // A second event in the same notification applies to the result of the first.
                    ["range": ["start": ScriptedClient.position(2, start + 6), "end": ScriptedClient.position(2, start + 6)], "text": " ü"],
                ],
            ])
            #expect(client.server.text(of: uri) == text.replacingOccurrences(of: "the latency", with: "the Latenz ü"), "\(encoding)")
        }
    }

    @Test func utf8IsNegotiatedWhenOffered() {
        var server = LanguageServer()
        let reply = server.handle(ScriptedClient.data(["jsonrpc": "2.0", "id": 1, "method": "initialize",
                                                       "params": ["capabilities": ["general": ["positionEncodings": ["utf-8", "utf-16"]]]]]))
        let capabilities = (ScriptedClient.object(reply[0])["result"] as? [String: Any])?["capabilities"] as? [String: Any]
        #expect(capabilities?["positionEncoding"] as? String == "utf-8")
        #expect(server.encoding == .utf8)
    }
    /// A unit on the next line is not the number's unit (the parser says SLA0203); the hover
    /// said "`5 minutes` = 300,000 ms" across the line break. The help suggests minutes for a
    /// window (it suggested `5 ms`).
    @Test func aQuantityEndsAtItsLine() {
        var client = ScriptedClient()
        let uri = "file:///q.sla"
        let diagnostics = client.open(uri, "contract \"X\" {\n    effective 2026-01-01 to 2027-01-01\n    clause \"1\" a {\n        every 5\n minutes\n        require p99(ttft) <= 800 ms\n    }\n}\n")
        #expect((diagnostics.first?["message"] as? String)?.contains("write `5 minutes`") == true, "\(diagnostics)")
        _ = client.open(uri, "contract \"X\" {\n    effective 2026-01-01 to 2027-01-01\n    clause \"1\" a {\n        every 5\n minutes\n        require p99(ttft) <= 800 ms\n    }\n}\n")
        #expect(client.hover(uri, 3, 14) == nil)
        #expect(client.hover(uri, 5, 30)?.hasPrefix("`800 ms` = 800 ms") == true, "\(String(describing: client.hover(uri, 5, 30)))")
    }
    /// Completions that led to errors (an audit): `itl` in a condition, units after a price,
    /// withdrawn currencies, a tab losing the context, and keywords inside legal text.
    @Test func completionsThatLeadToErrorsAreNotOffered() {
        var client = ScriptedClient()
        let uri = "file:///c.sla"
        let text = """
            contract "C" {
                effective 2026-01-01 to 2027-01-01
                price 0.60 \("")
                price 0.60 USD per 1M \("")
                fee 100 \("")
                clause "1" a {
                    text \"\"\"
                        The p
                        \"\"\"
                    scope \("")
                    require share(\("")
                    require\tp
                }
            }

            """
        _ = client.open(uri, text)
        func labels(_ line: Int, _ character: Int) -> [String] { client.completion(uri, line, character).compactMap { $0["label"] as? String } }
        #expect(labels(2, 15).contains("EUR") && !labels(2, 15).contains("ms"))
        #expect(labels(3, 26) == ["input_tokens", "output_tokens", "total_tokens"])
        #expect(labels(4, 12).contains("USD") && !labels(4, 12).contains("VEF"))
        #expect(labels(7, 17).isEmpty)
        #expect(labels(9, 14).contains("ttft") && !labels(9, 14).contains("itl"))
        #expect(labels(10, 22).contains("status") && !labels(10, 22).contains("itl"))
        #expect(labels(11, 17).contains("p99(") && !labels(11, 17).contains("scope"))
    }
    /// A price's own numbers take no unit, but its condition's do; after `where`, the token
    /// fields of the price's `per` are not offered again.
    @Test func unitsInsideAPriceCondition() {
        var client = ScriptedClient()
        let uri = "file:///p.sla"
        _ = client.open(uri, "contract \"X\" {\n    effective 2026-01-01 to 2027-01-01\n    price 2 USD per 1M output_tokens where ttft > 800 \n    price 2 USD per 1M \n}\n")
        func labels(_ line: Int, _ character: Int) -> [String] { client.completion(uri, line, character).compactMap { $0["label"] as? String } }
        #expect(labels(2, 54).contains("ms"), "\(labels(2, 54))")
        #expect(!labels(2, 54).contains("input_tokens"))
        #expect(labels(3, 23) == ["input_tokens", "output_tokens", "total_tokens"])
    }
    /// "`10 tokens/min` = ≈0.166666666667 tokens/s" stood next to "no rounding happens".
    @Test func aRoundedQuantityGivesItsExactFraction() {
        var client = ScriptedClient()
        let uri = "file:///r.sla"
        _ = client.open(uri, "contract \"X\" {\n    effective 2026-01-01 to 2027-01-01\n    clause \"1\" a {\n        every 5 minutes\n        require sum(total_tokens) <= 10 tokens/min\n    }\n}\n")
        let hover = client.hover(uri, 4, 38)
        #expect(hover?.contains("(exactly 1/6 tokens/s)") == true, "\(String(describing: hover))")
    }
    /// A custom field named `count` in a scope got the hover of the `count` aggregate.
    @Test func countIsTheAggregateOnlyAfterRequire() {
        var client = ScriptedClient()
        let uri = "file:///n.sla"
        _ = client.open(uri, "contract \"X\" {\n    effective 2026-01-01 to 2027-01-01\n    clause \"1\" a {\n        scope count = \"x\"\n        every 5 minutes\n        require count <= 10 requests\n    }\n}\n")
        #expect(client.hover(uri, 3, 15)?.contains("**count**") != true, "\(String(describing: client.hover(uri, 3, 15)))")
        #expect(client.hover(uri, 5, 17)?.contains("**count**") == true, "\(String(describing: client.hover(uri, 5, 17)))")
    }
}
