import Foundation
import SLACChecker
import SLACLegalOps
import SLACSyntax
import SLACTool
import Testing

/// `slac explain`: golden Markdown and HTML for every example, the exact statistic, escaping.
@Suite struct ExplainTests {
    static let contracts = Paths.contractNames

    private func stem(_ name: String) -> String { String(name.dropLast(4)) }

    @Test(arguments: contracts)
    func markdownGolden(_ name: String) throws {
        let d = try document(Paths.contract(name))
        Golden.check(ContractExplainer.markdown(ContractExplainer.explain(d)), "explain/" + stem(name) + ".md")
    }

    @Test(arguments: contracts)
    func htmlGolden(_ name: String) throws {
        let d = try document(Paths.contract(name))
        Golden.check(ContractExplainer.html(ContractExplainer.explain(d)), "explain/" + stem(name) + ".html")
    }

    /// Found by an audit of `explain`: statements that were false for some contracts.
    @Test func statementsTrueOfEveryContract() throws {
        let text = """
            contract "G" {
                effective 2026-01-01 to 2027-01-01
                timezone  "Australia/Lord_Howe"
                fee       1000 JPY per month
                price     1 JPY per 1k input_tokens
                clause "1" a {
                    scope     model = "a" or tenant = "t"
                    every     calendar day
                    require   p99(ttft) <= 800 ms
                    credit    10% of charges when attainment < 99%
                }
            }
            """
        let markdown = ContractExplainer.markdown(ContractExplainer.explain(try document(text)))
        // The fee is not the base of a credit of the charges.
        #expect(markdown.contains("no credit here is a share of it: every credit is a share of the usage charges"), "\(markdown)")
        #expect(!markdown.contains("service credits are percentages of it"))
        // Lord Howe's clocks change by half an hour: not "23 or 25 hours".
        #expect(markdown.contains("a day is longer or shorter by the change"))
        // JPY has no cents.
        #expect(markdown.contains("rounded once half-to-even to a whole JPY"))
        // With `or`, a request lacking one field may still be in scope.
        #expect(markdown.contains("neither true nor false, which can happen only when `model` or `tenant` is absent or undefined"), "\(markdown)")
        #expect(markdown.contains("the clause has no data (neither compliant nor breached)"))
    }

    @Test func oneClauseOfTheSpecExample() throws {
        let d = try document(Paths.contract("acme-schedule-b.sla"))
        let text = ContractExplainer.markdown(ContractExplainer.explain(d, clause: "interactive_ttft"))
        Golden.check(text, "explain/acme-schedule-b.interactive_ttft.md")
        #expect(text.contains("the value at rank ⌈0.99·n⌉ is taken"))
        #expect(text.contains("> The 99th percentile Time to First Token of successful requests, measured"))
        #expect(text.contains("at most 800 ms"))
        #expect(text.contains("10% of the monthly fee = 12,000.00 USD"))
        #expect(text.contains("25% of the monthly fee = 30,000.00 USD"))
        #expect(!text.contains("decode_floor"))
        // By reference too.
        #expect(ContractExplainer.explain(d, clause: "4.1").clauses.map(\.name) == ["interactive_ttft"])
    }

    @Test func boundsShowWrittenAndCanonicalUnits() throws {
        let d = try document(Paths.contract("energy-and-misc.sla"))
        let text = ContractExplainer.markdown(ContractExplainer.explain(d, clause: "sustained_decode_rate"))
        #expect(text.contains("at least 2.4k tokens/min (written `2.4k tokens/min`; in canonical units 40 tokens/s)"))
        let rate = ContractExplainer.markdown(ContractExplainer.explain(d, clause: "request_rate_ceiling"))
        #expect(rate.contains("in canonical units 1,000 requests per window"))
        let p999 = ContractExplainer.markdown(ContractExplainer.explain(d, clause: "long_tail_ttft"))
        #expect(p999.contains("⌈0.999·n⌉"))
        #expect(p999.contains("5,000 ms"))
    }

    @Test func statisticsAreStatedExactly() throws {
        let text = """
            contract "S" {
                effective 2026-01-01 to 2027-01-01
                clause "1" median { every 1 hour require p50(ttft) <= 1 s }
                clause "2" worst { every 1 hour require max(e2e) <= 10 min }
                clause "3" share { every 1 hour require share(decode_tps >= 30 tokens/s) >= 90% }
                clause "4" mean { every 1 hour require mean(tpot) <= 25 ms }
            }
            """
        let md = ContractExplainer.markdown(ContractExplainer.explain(try document(text)))
        #expect(md.contains("the 50th-percentile value (the median) by nearest rank"))
        #expect(md.contains("⌈0.5·n⌉"))
        #expect(md.contains("the largest defined value in the window"))
        #expect(md.contains("divided by the number where it is true or false"))
        #expect(md.contains("the exact sum of the n defined values of a window divided by n"))
        #expect(md.contains("in canonical units the fraction 0.9"))
    }

    @Test func htmlEscapesEverything() throws {
        let text = """
            contract "<script>alert('x')</script> & co" {
                effective 2026-01-01 to 2027-01-01
                clause "<1>" c {
                    text "Fees & <b>bold</b> \\"quoted\\""
                    scope   tenant = "<img src=x>"
                    every   1 hour
                    require count >= 1 requests
                }
            }
            """
        let html = ContractExplainer.html(ContractExplainer.explain(try document(text)))
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"))
        #expect(html.contains("Fees &amp; &lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script src") && !html.contains("http://") && !html.contains("<link"))
    }

    @Test func markdownEscapesUserText() throws {
        let text = """
            contract "A *bold* [link](x) `tick`" {
                effective 2026-01-01 to 2027-01-01
                clause "1" c {
                    text "Use *care* with <tags> | pipes"
                    scope   tenant = "a`b"
                    every   1 hour
                    require count >= 1 requests
                }
            }
            """
        let md = ContractExplainer.markdown(ContractExplainer.explain(try document(text)))
        #expect(md.hasPrefix("# A \\*bold\\* \\[link\\](x) \\`tick\\`\n"))
        #expect(md.contains("> Use \\*care\\* with \\<tags\\> \\| pipes"))
        #expect(md.contains("``tenant = \"a`b\"``"))
    }

    @Test func commandFormatsAndErrors() throws {
        let path = Paths.contracts.appendingPathComponent("acme-schedule-b.sla").path
        let md = ExplainCommand.run(path: path, clause: "interactive_ttft", format: .markdown, colored: false)
        #expect(md.exitCode == 0 && md.standardOutput.hasPrefix("# Acme Enterprise Inference Agreement\n"))
        let html = ExplainCommand.run(path: path, clause: nil, format: .html, colored: false)
        #expect(html.exitCode == 0 && html.standardOutput.contains("<section class=\"clause\" id=\"clause-availability\">"))
        let unknown = ExplainCommand.run(path: path, clause: "interactive_tft", format: .markdown, colored: false)
        #expect(unknown.exitCode == 2)
        #expect(unknown.standardError.contains("did you mean `interactive_ttft`?"))
        let missing = ExplainCommand.run(path: "/nonexistent.sla", clause: nil, format: .markdown, colored: false)
        #expect(missing.exitCode == 3 && missing.standardError.contains("SLA0001"))
    }
}
