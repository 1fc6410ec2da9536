import Foundation
@testable import SLACAudit
import SLACExact
import SLACReport
import SLACSchemas
import SLACTool
import SLACTestSupport
import Testing

@Suite("HTML rendering")
struct HTMLRenderingTests {
    let stylesheetFile = packageRoot.appendingPathComponent("Schemas/slac-report-html.xsl")
    let golden = packageRoot.appendingPathComponent("Tests/SLACAuditTests/Golden/sample.html")

    @Test("the embedded stylesheet is Schemas/slac-report-html.xsl (SwiftPM embeds it at build time)")
    func embeddedStylesheetIsTheFile() throws {
        #expect(BundledFiles.reportStylesheet == Array(try Data(contentsOf: stylesheetFile)))
    }

    @Test("golden page of the sample report (--windows all)")
    func goldenSample() throws {
        let html = text(try HTMLReportRenderer.render(try sampleReport()).html)
        if recording || !FileManager.default.fileExists(atPath: golden.path) {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(html.utf8).write(to: golden)
            if !recording { Issue.record("Golden/sample.html was missing and has been recorded; review it") }
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        if let difference = firstDifference(expected: expected, actual: html) {
            Issue.record("the page differs from Golden/sample.html (re-record with SLAC_RECORD=1): \(difference)")
        }
    }

    @Test("rendering is deterministic")
    func deterministic() throws {
        let report = try sampleReport()
        #expect(try HTMLReportRenderer.render(report).html == HTMLReportRenderer.render(report).html)
    }

    @Test("the page is self-contained: no script, no external resource, only namespace URLs")
    func selfContained() throws {
        for windows in WindowSelection.allCases {
            let html = text(try HTMLReportRenderer.render(try sampleReport(windows: windows)).html)
            #expect(!html.lowercased().contains("<script"))
            #expect(!html.lowercased().contains("javascript:"))
            #expect(!html.contains("<link"))
            #expect(!html.contains("<img"))
            #expect(!html.contains("@import"))
            #expect(!html.contains("url("))
            var rest = html
            for allowed in ["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml"] {
                rest = rest.replacingOccurrences(of: allowed, with: "")
            }
            #expect(!rest.contains("http://") && !rest.contains("https://"), "external reference in the page for --windows \(windows)")
        }
    }

    @Test("the page shows the verdict first, identity, accounting, every clause with chart and evidence")
    func content() throws {
        let html = text(try HTMLReportRenderer.render(try sampleReport()).html)
        let verdict = try #require(html.range(of: "BREACHED"))
        let clauses = try #require(html.range(of: "id=\"clauses\""))
        #expect(verdict.lowerBound < clauses.lowerBound)
        for expected in ["Acme Enterprise Inference Agreement", "ACME-MSA-2026-014", "Record accounting", sampleDisplayPath,
                         "interactive_ttft", "decode_floor", "daily_quota", "availability",
                         "p99(ttft) &lt;= 800 ms", "The 99th percentile Time to First Token", "30000.00 USD",
                         "bound ≤ 800 ms", "digest matches", "Worst breached windows"] {
            #expect(html.contains(expected), "missing: \(expected)")
        }
        // One chart per clause with listed windows (all four list windows with --windows all).
        #expect(occurrences(of: "<svg", in: html) == 4)
        // The evidence of the worst ttft window (2119.5 ms) is cited.
        #expect(html.contains("2119.5 ms"))
    }

    @Test("with the default --windows breached the page says which windows are drawn")
    func breachedOnlyNote() throws {
        let html = text(try HTMLReportRenderer.render(try sampleReport(windows: .breached)).html)
        #expect(html.contains("This report lists only breached windows"))
        // daily_quota has no breached window: no chart, and the page says why.
        #expect(html.contains("the report lists only breached windows (<code>--windows breached</code>, the default) and this clause has none. Run <code>slac verify</code> with <code>--windows all</code>"))
        #expect(occurrences(of: "<svg", in: html) == 3)
    }

    @Test("the contract's maintenance is shaded as maintenance in the charts, not as a gap in the data")
    func maintenanceShading() throws {
        let html = text(try HTMLReportRenderer.render(try sampleReport()).html)
        // The sample contract excludes 02:00–04:00; every clause's chart spans it.
        #expect(occurrences(of: "class=\"layer-maintenance\"", in: html) == 4)
        #expect(html.contains("maintenance (excluded by the contract)"))
        // In the five-minute chart of interactive_ttft the only time without in-scope records is
        // the maintenance, so it has no gap left (the day and month charts keep theirs: their
        // axes run past the data).
        let first = try #require(html.range(of: "<svg"))
        let end = try #require(html.range(of: "</svg>", range: first.upperBound..<html.endIndex))
        let chart = html[first.lowerBound..<end.upperBound]
        #expect(chart.contains("class=\"layer-maintenance\"") && !chart.contains("class=\"layer-nodata\""))
    }

    @Test("evidence lists keep each record whole, and the column says what it lists")
    func evidenceRecordsUnbroken() throws {
        let html = text(try HTMLReportRenderer.render(try sampleReport(windows: .breached)).html)
        #expect(html.contains("<span class=\"record\"><code>"))
        // availability's share of `status = "ok"` has ids without values; the ttft windows have both.
        #expect(html.contains("Worst records (id: value)"))
        #expect(html.contains("Worst records (id)"))
    }

    @Test("a measure clause's windows are valued, not met or breached, and the page says so")
    func measureClausePage() throws {
        let dir = TempDir()
        var options = VerifyCommand.Options(contractPath: packageRoot.appendingPathComponent("Contracts/error-rate-uptime.sla").path,
                                           traces: [packageRoot.appendingPathComponent("Contracts/samples/error-rate-uptime-2026-06.jsonl").path])
        options.reportPath = dir.path("report.xml")
        options.quiet = true
        let out = VerifyCommand.run(options, colored: false)
        #expect(out.exitCode == 1, "\(out.standardError)")
        let html = text(try HTMLReportRenderer.render(Array(try Data(contentsOf: URL(fileURLWithPath: dir.path("report.xml"))))).html)
        #expect(html.contains("1,263 valued"), "the overview shows the valued windows rather than 0 met, 0 breached")
        #expect(html.contains("this clause's windows are never breached one by one"))
        #expect(html.contains("None: under a measure, windows are not judged one by one"))
        #expect(!html.contains("No window was breached."))
        // Credits resting on little data name their group.
        #expect(html.contains("USD</strong> to <bdi>region = eu-west-1</bdi> for"))
        // Objectives read the same in every table.
        #expect(!html.contains("&gt;= 99.9%") && html.contains("≥ 99.9%"))
        // With every window listed, valued windows are drawn as such, not in the grey of
        // insufficient ones with the insufficient strip under them.
        options.windows = .all
        #expect(VerifyCommand.run(options, colored: false).exitCode == 1)
        let all = text(try HTMLReportRenderer.render(Array(try Data(contentsOf: URL(fileURLWithPath: dir.path("report.xml"))))).html)
        #expect(all.contains("class=\"layer-valued\"") && !all.contains("class=\"layer-strip-insufficient\""))
        #expect(all.contains("<span class=\"swatch valued\"></span>valued"))
    }

    /// The hover text of a chart column once printed `observed 0.3 ms` for a breached window of
    /// `sum(ttft) <= 0.3 ms` (0.1 + 0.2 in doubles), where the tables print the exact value.
    @Test("a chart's hover text never reads a breached value as the bound")
    func hoverTextKeepsTheExactValue() throws {
        let dir = TempDir()
        let contract = dir.path("sum.sla")
        try Data("""
            contract "Sum" {
                effective 2026-02-01 to 2026-03-01
                clause "1" total {
                    every 1 hour
                    require sum(ttft) <= 0.3 ms
                }
            }

            """.utf8).write(to: URL(fileURLWithPath: contract))
        let trace = dir.path("t.jsonl")
        try Data("""
            {"id":"a","ts":"2026-02-01T00:10:00Z","ttft_ms":0.1}
            {"id":"b","ts":"2026-02-01T00:20:00Z","ttft_ms":0.2}
            {"id":"c","ts":"2026-02-01T01:20:00Z","ttft_ms":0.1}

            """.utf8).write(to: URL(fileURLWithPath: trace))
        var options = VerifyCommand.Options(contractPath: contract, traces: [trace])
        options.reportPath = dir.path("r.xml")
        options.windows = .all
        options.quiet = true
        let out = VerifyCommand.run(options, colored: false)
        #expect(out.exitCode == 1, "\(out.standardError)")
        let html = text(try HTMLReportRenderer.render(Array(try Data(contentsOf: URL(fileURLWithPath: dir.path("r.xml"))))).html)
        #expect(html.contains("1 breached · observed 0.30000000000000002 ms</title>"), "\(html)")
        #expect(!html.contains("observed 0.3 ms</title>"))
        // Values away from the bound keep their short form.
        #expect(html.contains("1 met · observed 0.1 ms</title>"))
    }

    @Test("an uptime objective says which breached intervals are downtime")
    func downtimeWording() throws {
        let page = { (contract: String, trace: String) throws -> String in
            let dir = TempDir()
            var options = VerifyCommand.Options(contractPath: packageRoot.appendingPathComponent(contract).path,
                                               traces: [packageRoot.appendingPathComponent(trace).path])
            options.reportPath = dir.path("r.xml")
            options.quiet = true
            _ = VerifyCommand.run(options, colored: false)
            return text(try HTMLReportRenderer.render(Array(try Data(contentsOf: URL(fileURLWithPath: dir.path("r.xml"))))).html)
        }
        let runs = try page("Contracts/downtime-minutes.sla", "Contracts/samples/downtime-minutes-2026-09.jsonl")
        #expect(runs.contains("only runs of 5 or more breached intervals in a row are downtime"))
        #expect(!runs.contains("down after"))
    }

    /// A Berlin contract's September was printed "2026-08-31 22:00 – 2026-09-30 22:00", which
    /// reads as the wrong month; the page now prints times on the contract's clock.
    @Test("a contract with a time zone is shown on its clock; the hour clocks go back through carries offsets")
    func contractClock() throws {
        let dir = TempDir()
        let contract = dir.path("berlin.sla")
        try """
            contract "Berlin clock" {
                effective 2026-09-01 to 2026-12-01
                timezone  "Europe/Berlin"
                clause "1" fast {
                    every     5 minutes
                    require   percentile(ttft, 50) <= 100 ms
                }
                clause "2" monthly {
                    every     calendar month
                    require   share(status = "ok") >= 99%
                }
            }
            """.write(toFile: contract, atomically: true, encoding: .utf8)
        // Every other 5-minute window breached, from 01:30 CEST to 02:59 CET on 2026-10-25
        // (2026-10-24T23:30Z to 2026-10-25T02:00Z), all requests failed.
        var lines: [String] = []
        let start = try #require(CivilTime.parseInstant("2026-10-24T23:30:00Z"))
        for i in stride(from: 0, to: 150 * 60, by: 20) {
            let ts = CivilTime.format(start + Int64(i) * 1_000_000_000)
            lines.append(#"{"id":"r\#(i)","ts":"\#(ts)","status":"error","ttft_ms":\#((i / 300) % 2 == 0 ? 150 : 50)}"#)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.path("t.jsonl"), atomically: true, encoding: .utf8)
        var options = VerifyCommand.Options(contractPath: contract, traces: [dir.path("t.jsonl")])
        options.reportPath = dir.path("r.xml")
        options.quiet = true
        _ = VerifyCommand.run(options, colored: false)
        let xml = text(Array(try Data(contentsOf: URL(fileURLWithPath: dir.path("r.xml")))))
        // The report keeps UTC.
        #expect(xml.contains(#"start="2026-09-30T22:00:00Z" end="2026-10-31T23:00:00Z""#))
        let html = text(try HTMLReportRenderer.render(Array(xml.utf8)).html)
        #expect(html.contains("<td class=\"when\">2026-10-01 00:00 – 2026-11-01 00:00</td>"))
        #expect(!html.contains("2026-09-30 22:00"))
        #expect(html.contains("Times are on the contract's clock, Europe/Berlin"))
        #expect(html.contains("<th>Window (Europe/Berlin)</th>"))
        // Both readings of 02:00–02:05 are listed, told apart by their offsets.
        #expect(html.contains("2026-10-25 02:00 UTC+02:00 – 02:05 UTC+02:00"))
        #expect(html.contains("2026-10-25 02:00 UTC+01:00 – 02:05 UTC+01:00"))
        #expect(html.contains("2026-10-25 01:30 – 2026-10-25 01:35 Europe/Berlin · 1 window · 1 breached"))
        // The axis ticks: 02:00 twice, at two places, and the first tick carries its date.
        let ticks = html.components(separatedBy: "class=\"tick\" text-anchor=\"middle\">").dropFirst().map { $0.prefix { $0 != "<" } }
        #expect(ticks.prefix(6) == ["10-25 01:30", "02:00 UTC+02:00", "02:30 UTC+02:00", "02:00 UTC+01:00", "02:30 UTC+01:00", "03:00"])
    }

    @Test("the page's clock: offsets, repeated local times and local ranges")
    func pageClock() throws {
        let berlin = PageClock(timezone: "Europe/Berlin")
        #expect(berlin.name == "Europe/Berlin")
        #expect(PageClock(timezone: nil).name == "UTC" && PageClock(timezone: "Etc/UTC").zone == nil)
        #expect(PageClock(timezone: "Mars/Olympus").name == "UTC")
        func at(_ text: String) throws -> Int64 { try #require(CivilTime.parseInstant(text)) }
        #expect(berlin.text(try at("2026-07-01T10:00:00Z")) == ("2026-07-01", "12:00"))
        #expect(berlin.text(try at("2026-07-01T10:00:07.5Z")) == ("2026-07-01", "12:00:07.5"))
        // Clocks go back at 01:00Z on 2026-10-25: 02:00–03:00 local is read twice.
        #expect(!berlin.isRepeated(try at("2026-10-24T23:59:59Z")))
        #expect(berlin.text(try at("2026-10-25T00:00:00Z")) == ("2026-10-25", "02:00 UTC+02:00"))
        #expect(berlin.text(try at("2026-10-25T00:59:59Z")) == ("2026-10-25", "02:59:59 UTC+02:00"))
        #expect(berlin.text(try at("2026-10-25T01:00:00Z")) == ("2026-10-25", "02:00 UTC+01:00"))
        #expect(berlin.text(try at("2026-10-25T02:00:00Z")) == ("2026-10-25", "03:00"))
        // Clocks go forward at 01:00Z on 2026-03-29: nothing is read twice.
        #expect(berlin.text(try at("2026-03-29T01:00:00Z")) == ("2026-03-29", "03:00"))
        #expect(berlin.text(try at("2026-08-31T22:00:00Z")) == ("2026-09-01", "00:00"))
        #expect(PageClock.utc.text(try at("2026-03-14T02:05:00Z")) == ("2026-03-14", "02:05"))
        #expect(PageClock.offsetText(-12_600) == "UTC−03:30")
        // Month ticks fall on local month starts.
        let ticks = ChartData.monthTicks(from: try at("2026-08-31T22:00:00Z"), to: try at("2026-12-31T23:00:00Z"), clock: berlin)
        #expect(ticks.map(\.label) == ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"])
        // Weekly ticks fall on Mondays, where calendar weeks start (they fell on Thursdays).
        let weeks = ChartData.timeTicks(from: try at("2026-03-01T00:00:00Z"), to: try at("2026-04-26T00:00:00Z"))
        #expect(weeks.map(\.label) == ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30", "2026-04-06", "2026-04-13", "2026-04-20"])
    }

    @Test("hostile strings in a report come out as text")
    func hostileStrings() throws {
        var xml = unsealed(text(try sampleReport()))
        xml = xml.replacingOccurrences(of: "name=\"Acme Enterprise Inference Agreement\"",
                                       with: "name=\"&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;\"")
        let html = text(try HTMLReportRenderer.render(Array(xml.utf8)).html)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    /// A right-to-left override in a trace id once drew the next figures backwards ("sm 399,8").
    @Test("ids and group values from traces are isolated from the text around them")
    func bidirectionalIsolation() throws {
        var xml = unsealed(text(try sampleReport()))
        let id = try #require(xml.range(of: "<evidence id=\"")).upperBound
        xml.insert(contentsOf: "bidi\u{202E}", at: id)
        xml = xml.replacingOccurrences(of: "<key field=\"tenant\" value=\"acme\"/>", with: "<key field=\"tenant\" value=\"acme\u{202E}\"/>")
        #expect(xml.contains("value=\"acme\u{202E}\""))
        let html = text(try HTMLReportRenderer.render(Array(xml.utf8)).html)
        #expect(html.contains("<code><bdi>bidi\u{202E}"))
        #expect(html.contains("tenant = <bdi>acme\u{202E}</bdi>"))
        #expect(html.contains("code, bdi { unicode-bidi: isolate; }"))
    }

    @Test("a malformed or foreign document is refused with a clear error")
    func malformed() throws {
        guard case .unreadable(.notWellFormed(let message)) = renderError(Array("<report xmlns=\"urn:slac:report:1\">".utf8)) else {
            Issue.record("a truncated report was rendered or gave another error")
            return
        }
        #expect(message.hasPrefix("line 1: "))
        #expect(renderError(Array("<html/>".utf8)) == .unreadable(.notAReport(found: "<html> without a namespace")))
        let invalid = text(try sampleReport()).replacingOccurrences(of: "verdict=\"breached\"", with: "verdict=\"failed\"")
        guard case .unreadable(.invalid(let messages)) = renderError(Array(invalid.utf8)) else {
            Issue.record("an invalid report was rendered or gave another error")
            return
        }
        #expect(messages.first?.contains("verdict") == true)
    }

    @Test("the chart's bound is read from the definition's attributes, never from the written requirement")
    func chartBound() throws {
        func bound(_ attributes: String) throws -> ChartBound? {
            let document = try SafeXML.parse(Array("<definition aggregate=\"p99(ttft)\" \(attributes)/>".utf8))
            return ChartBound(definition: try #require(document.root))
        }
        let ttft = try bound(#"comparison="&lt;=" bound="800" unit="ms" worse="higher""#)
        #expect(ttft?.value == 800 && ttft?.unit == "ms" && ttft?.direction == .upper && ttft?.aggregate == "p99(ttft)")
        let share = try bound(#"comparison="&gt;=" bound="0.9" unit="ratio" worse="lower""#)
        #expect(share?.value == 0.9 && share?.exact == "0.9" && share?.direction == .lower)
        // Equality breaches on both sides; a report without `worse` states the side by its comparison.
        #expect(try bound(#"comparison="=" bound="5" unit="requests""#)?.direction == ChartBound.Direction.none)
        #expect(try bound(#"comparison="&lt;" bound="5" unit="requests""#)?.direction == .upper)
        #expect(try bound(#"comparison="&gt;=" bound="1/3" unit="tokens/s" worse="lower""#)?.value == 1.0 / 3)
        #expect(try bound(#"comparison="&gt;=" bound="0" unit="ms" valued="true""#) == nil)
        #expect(try bound(#"comparison="&lt;=" bound="many" unit="ms""#) == nil)
    }

    @Test("exact percentages from decimal fractions")
    func percentages() {
        #expect(RenderAnnotation.percentText("0.9931") == "99.31")
        #expect(RenderAnnotation.percentText("1") == "100")
        #expect(RenderAnnotation.percentText("0") == "0")
        #expect(RenderAnnotation.percentText("0.5") == "50")
        #expect(RenderAnnotation.percentText("0.142857142857") == "14.2857142857")
        #expect(RenderAnnotation.percentText("1e-5") == nil)
    }

    /// Two monthly windows over two months made three equal columns, and November's bar stood in
    /// the one from about 21 October: a column holding one window is drawn over its own time.
    @Test("a column holding one window is drawn over that window's time")
    func longWindowsOverTheirOwnSpans() throws {
        func at(_ text: String) throws -> Int64 { try #require(CivilTime.parseInstant(text)) }
        let october = ChartWindow(start: try at("2026-10-01T00:00:00Z"), end: try at("2026-11-01T00:00:00Z"), value: 0.995, kind: .met)
        let november = ChartWindow(start: try at("2026-11-01T00:00:00Z"), end: try at("2026-12-01T00:00:00Z"), value: 0.98, kind: .breached)
        let chart = ChartData(windows: [october, november], unit: "ratio", bound: nil)
        #expect(chart.hover.count == 2)
        let left = ChartData.plotLeft, width = ChartData.plotWidth
        let split = left + width * 31 / 61
        #expect(abs(chart.hover[0].x - left) < 0.01 && abs(chart.hover[0].width - (split - left)) < 0.01)
        #expect(abs(chart.hover[1].x - split) < 0.01 && abs(chart.hover[1].x + chart.hover[1].width - (left + width)) < 0.01)
        #expect(chart.hover[1].title.hasPrefix("2026-11-01 00:00 – 2026-12-01 00:00"))
        // Many windows a column: the grid's equal columns, as before.
        let step: Int64 = 300_000_000_000
        let many = (0..<10_000).map { i in
            ChartWindow(start: Int64(i) * step, end: Int64(i + 1) * step, value: Double(i % 7), kind: .met)
        }
        let dense = ChartData(windows: many, unit: "ms", bound: nil)
        #expect(dense.windowsPerColumn > 1)
        let widths = Set(dense.hover.map { ($0.width * 1000).rounded() })
        #expect(widths.count == 1)
    }
}
