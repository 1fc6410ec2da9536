import Foundation
@testable import SLACAudit
import SLACEvaluator
import SLACExact
import SLACReport
import SLACTool
import Testing

/// What a report states about its verdicts (issue 13): the clause's full definition and the
/// records each exclusion removed (item 7), coverage (8), people-rounded values with the exact
/// value on hover (9), trust cues, signer and timestamp, evidence naming its trace (11), and
/// repeated ids (4).
@Suite("What the report and page state (issue 13)", .serialized)
struct ReportContentTests {
    let sampleCSVPath = packageRoot.appendingPathComponent("Contracts/samples/acme-2026-03-14.csv").path

    struct Run {
        var output: CommandOutput
        var xml: String
        var html: String
        var root: ElementView { document.root! }
        let document: ParsedXML
    }

    /// `slac verify` on the sample contract (or `contract`) and `traces`, with report and page.
    func verify(_ traces: [String]? = nil, contract: String? = nil, expectExit: Int32 = 1,
                _ configure: (inout VerifyCommand.Options) -> Void = { _ in }) throws -> Run {
        let dir = TempDir()
        var options = VerifyCommand.Options(contractPath: contract ?? sampleContractPath, traces: traces ?? [sampleTracePath])
        options.reportPath = dir.path("report.xml")
        options.htmlPath = dir.path("report.html")
        options.quiet = true
        options.jobs = 2
        configure(&options)
        let output = VerifyCommand.run(options, colored: false)
        #expect(output.exitCode == expectExit, "\(output.standardError)")
        let xml = try Data(contentsOf: URL(fileURLWithPath: dir.path("report.xml")))
        let html = try Data(contentsOf: URL(fileURLWithPath: dir.path("report.html")))
        return Run(output: output, xml: text(Array(xml)), html: text(Array(html)), document: try SafeXML.parseReport(Array(xml)))
    }

    func clause(_ run: Run, _ ref: String) throws -> ElementView {
        try #require(run.root.children.first { $0.isReport("clause") && $0.attribute("ref") == ref })
    }

    // MARK: item 7, the clause's definition

    @Test("the report states each clause's scope, window, groups, minimum, objective, tiers, fee and exclusions")
    func clauseDefinition() throws {
        let run = try verify()
        let contract = try #require(run.root.firstChild("contract"))
        #expect(contract.attribute("fee") == "120000.00")
        #expect(contract.attribute("fee-currency") == "USD")
        let exclusions = contract.children.filter { $0.isReport("exclusion") }
        #expect(exclusions.map { $0.attribute("kind") } == ["maintenance", "requests"])
        #expect(exclusions[0].attribute("start") == "2026-03-14T02:00:00Z" && exclusions[0].attribute("end") == "2026-03-14T04:00:00Z")
        #expect(exclusions[1].attribute("where") == #"status = "error:429""#)
        // Contract/samples/README.md: 661 records in the window, 44 with 429 of which one lies in
        // it; each record counts under the first exclusion that removes it, so the sum is 704.
        #expect(exclusions.map { $0.attribute("removed") } == ["661", "43"])
        #expect(run.root.firstChild("trace")?.attribute("excluded") == "704")

        let d = try #require(try clause(run, "4.1").firstChild("definition"))
        #expect(d.attribute("scope") == #"status = "ok" and model in ["llama-3.1-70b", "llama-3.1-8b"]"#)
        #expect(d.attribute("window") == "5 minutes" && d.attribute("window-seconds") == "300")
        #expect(d.attribute("per") == "tenant")
        #expect(d.attribute("aggregate") == "p99(ttft)" && d.attribute("comparison") == "<=" && d.attribute("bound") == "800")
        #expect(d.attribute("unit") == "ms" && d.attribute("minimum") == "20")
        #expect(d.attribute("measure") == "attainment" && d.attribute("objective-comparison") == ">=")
        #expect(d.attribute("objective") == "0.995" && d.attribute("period") == "calendar-month")
        let tiers = d.children.filter { $0.isReport("tier") }
        let tierTexts: [String] = tiers.map { (tier: ElementView) -> String in
            let parts: [String] = ["percent", "of", "comparison", "threshold"].map { tier.attribute($0) ?? "?" }
            return "\(parts[0])% of \(parts[1]) when \(parts[2]) \(parts[3])"
        }
        #expect(tierTexts == ["25% of fee when < 0.99", "10% of fee when < 0.995"])
        let share = try #require(try clause(run, "4.2").firstChild("definition"))
        #expect(share.attribute("aggregate") == "share(decode_tps >= 30 tokens/s)" && share.attribute("bound") == "0.9")
        #expect(share.attribute("evidence-metric") == "decode_tps" && share.attribute("evidence-bound") == "30")
        #expect(try clause(run, "5.1").firstChild("definition")?.attribute("window") == "calendar day")
        #expect(try clause(run, "5.2").firstChild("definition")?.attribute("scope") == nil)
    }

    @Test("the acme credit of 30,000.00 USD is recomputed from the report alone")
    func creditFromTheReportAlone() throws {
        let run = try verify()
        let fee = try #require(run.root.firstChild("contract")?.attribute("fee").flatMap { Rational(decimal: $0) })
        let c41 = try clause(run, "4.1")
        let definition = try #require(c41.firstChild("definition"))
        let credit = try #require(c41.firstChild("credit"))
        // The measure the tier was chosen by is the worst group's attainment, listed with it.
        let worstKey = try #require(credit.firstChild("worst")?.firstChild("key"))
        #expect(worstKey.attribute("value") == "acme")
        let period = try #require(c41.children.first { $0.isReport("period") && $0.firstChild("key")?.attribute("value") == "acme" })
        #expect(period.attribute("windows-met") == "62" && period.attribute("windows-breached") == "5")
        #expect(credit.attribute("measure") == period.attribute("attainment"))
        let measure = try #require(Rational(decimal: credit.attribute("measure") ?? ""))
        // The first tier that applies, in the listed order.
        let tier = try #require(definition.children.filter { $0.isReport("tier") }.first { tier in
            guard let threshold = Rational(decimal: tier.attribute("threshold") ?? "") else { return false }
            switch tier.attribute("comparison") {
            case "<": return measure < threshold
            case "<=": return measure <= threshold
            case ">": return measure > threshold
            default: return measure >= threshold
            }
        })
        let amount = fee * Rational(decimal: tier.attribute("percent") ?? "")! / Rational(100)
        #expect(Rational.fixed(amount, fractionDigits: 2) == "30000.00")
        #expect(credit.attribute("amount") == "30000.00")
        #expect(credit.attribute("fee") == "120000.00" && credit.attribute("tier-comparison") == "<" && credit.attribute("tier-threshold") == "0.99")
        // The page shows the same derivation.
        #expect(run.html.contains("25% × fee <span title=\"120000.00\">120,000.00</span> USD = 30,000.00 USD"))
        #expect(run.html.contains("<strong>25%</strong> of the fee"))
    }

    @Test("clause-level exclusions are counted, each record under the first exclusion that removes it")
    func clauseLevelExclusions() throws {
        let dir = TempDir()
        var source = try String(contentsOfFile: sampleContractPath, encoding: .utf8)
        source = source.replacingOccurrences(of: """
                every   1 hour per tenant
            """, with: """
                every   1 hour per tenant
                exclude maintenance from 2026-03-14T10:00:00Z to 2026-03-14T11:00:00Z
                exclude requests where tenant = "globex"
            """)
        let contract = dir.path("contract.sla")
        try source.write(toFile: contract, atomically: true, encoding: .utf8)
        let run = try verify(contract: contract)
        let exclusions = try #require(try clause(run, "4.2").firstChild("definition")).children.filter { $0.isReport("exclusion") }
        #expect(exclusions.map { $0.attribute("kind") } == ["maintenance", "requests"])

        // The same counts from the trace, independently: records past the contract's exclusions.
        let lines = try String(contentsOfFile: sampleTracePath, encoding: .utf8).split(separator: "\n")
        var inWindow = 0, globex = 0
        for line in lines {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let ts = try #require(record["ts"] as? String), status = record["status"] as? String ?? "ok"
            if ts >= "2026-03-14T02:00:00" && ts < "2026-03-14T04:00:00" || status == "error:429" { continue }
            if ts >= "2026-03-14T10:00:00" && ts < "2026-03-14T11:00:00" { inWindow += 1 } else if record["tenant"] as? String == "globex" { globex += 1 }
        }
        #expect(inWindow > 0 && globex > 0)
        #expect(exclusions.map { $0.attribute("removed") } == [String(inWindow), String(globex)])
        // The other clauses have no exclusions of their own.
        #expect(try clause(run, "4.1").firstChild("definition")?.children.contains { $0.isReport("exclusion") } == false)
        #expect(run.html.contains("(this clause only)"))
    }

    // MARK: item 8, coverage

    @Test("first and last record instants per trace and clause, and the share of each period with data")
    func coverage() throws {
        let run = try verify()
        let trace = try #require(run.root.firstChild("trace"))
        #expect(trace.attribute("first-record") == "2026-03-14T00:00:02.21Z")
        #expect(trace.attribute("last-record") == "2026-03-14T12:21:56.986Z")

        let c41 = try clause(run, "4.1")
        let coverage = try #require(c41.firstChild("coverage"))
        #expect(coverage.attribute("records") == "3917")
        #expect(coverage.attribute("first-record") == "2026-03-14T00:00:08.071Z")
        #expect(coverage.attribute("cell-seconds") == "300")
        // 5-minute windows with in-scope records: 00:00–02:00 and 04:00–12:25 (maintenance between).
        let stretches: [String] = coverage.children.filter { $0.isReport("data") }.map { (data: ElementView) -> String in
            (data.attribute("start") ?? "?") + " " + (data.attribute("end") ?? "?")
        }
        #expect(stretches == ["2026-03-14T00:00:00Z 2026-03-14T02:00:00Z", "2026-03-14T04:00:00Z 2026-03-14T12:25:00Z"])
        #expect(coverage.attribute("covered-seconds") == "37500")
        let acme = try #require(c41.children.first { $0.isReport("period") && $0.firstChild("key")?.attribute("value") == "acme" })
        #expect(acme.attribute("covered-seconds") == "37500" && acme.attribute("period-seconds") == "2678400")
        #expect(acme.attribute("coverage") == "0.0140009")
        let credit = try #require(c41.firstChild("credit"))
        #expect(credit.attribute("covered-seconds") == "37500" && credit.attribute("period-seconds") == "2678400")
        // Calendar-day windows are counted in hours: 00–02 and 04–13.
        let c51 = try #require(try clause(run, "5.1").firstChild("coverage"))
        #expect(c51.attribute("cell-seconds") == "3600" && c51.attribute("covered-seconds") == "39600")
    }

    /// A cell only partly inside maintenance is covered only outside it: the maintenance part was
    /// once counted whole, so a record at 10:01 beside maintenance from 10:02:30 covered 300 s.
    @Test("time in a maintenance interval is never covered, even in a cell that holds a record")
    func coverageLeavesMaintenanceOut() throws {
        let dir = TempDir()
        let contract = dir.path("c.sla")
        try Data("""
            contract "coverage-maintenance" {
                effective 2026-08-01 to 2026-09-01
                fee       1000.00 USD per month
                exclude maintenance from 2026-08-10T10:02:30Z to 2026-08-10T10:10:00Z
                clause "1" up {
                    every     5 minutes
                    require   share(status = "ok") >= 95%
                    measure   uptime per calendar month
                    objective measure >= 99.9%
                }
            }

            """.utf8).write(to: URL(fileURLWithPath: contract))
        let trace = dir.path("t.jsonl")
        try Data("""
            {"id":"a","ts":"2026-08-10T10:01:00Z","status":"ok"}
            {"id":"b","ts":"2026-08-10T10:12:00Z","status":"ok"}

            """.utf8).write(to: URL(fileURLWithPath: trace))
        let run = try verify([trace], contract: contract, expectExit: 0)
        let up = try clause(run, "1")
        let coverage = try #require(up.firstChild("coverage"))
        let stretches = coverage.children.filter { $0.isReport("data") }.map { "\($0.attribute("start") ?? "?") \($0.attribute("end") ?? "?")" }
        #expect(stretches == ["2026-08-10T10:00:00Z 2026-08-10T10:02:30Z", "2026-08-10T10:10:00Z 2026-08-10T10:15:00Z"])
        // 150 s before the maintenance, and the 5 minutes from 10:10 (the cell 10:05–10:10 is all maintenance).
        #expect(coverage.attribute("covered-seconds") == "450")
        let period = try #require(up.firstChild("period"))
        #expect(period.attribute("covered-seconds") == "450", "\(run.xml)")
    }

    @Test("the page makes a monthly credit resting on 10 hours of data obvious, and the chart spans the data")
    func thinCoverageOnThePage() throws {
        let run = try verify { $0.windows = .breached }
        let html = run.html
        #expect(html.contains("Verdicts and credits resting on little data"))
        let alert = try #require(html.range(of: "coverage-alert")).lowerBound
        let clauses = try #require(html.range(of: "<section id=\"clauses\"")).lowerBound
        #expect(alert < clauses, "the alert is in the banner, above everything else")
        #expect(html.contains("credit of <strong class=\"fig\" title=\"30000.00 USD\">30,000.00 USD</strong>"))
        #expect(html.contains("rests on data in <strong>10.4 h</strong> of the period's 744 h: <strong>1.4%</strong>"))
        // Listing only breached windows (08:35–09:15), the chart still spans the data's range.
        #expect(html.contains("2026-03-14 00:00 to 2026-03-14 12:25 UTC: the time axis spans the clause's data"))
        #expect(html.contains("no in-scope record (a gap in the data)"))
    }

    // MARK: item 9, numbers for people

    @Test("people-rounded values never read as the bound, nor as 0% or 100%, unless exact")
    func peopleNumbers() {
        #expect(PeopleNumbers.display("0.353333333333333", unit: "ratio") == "35.3%")
        #expect(PeopleNumbers.display("0.30000000000000002", unit: "ms", bound: "0.3") == "0.30000000000000002 ms")
        #expect(PeopleNumbers.display("0.99499", unit: "ratio", bound: "0.995") == "99.499%")
        #expect(PeopleNumbers.display("0.9999999", unit: "ratio") == "99.99999%")
        #expect(PeopleNumbers.display("0.0000004", unit: "ratio") == "0.00004%")
        #expect(PeopleNumbers.display("1", unit: "ratio") == "100%")
        #expect(PeopleNumbers.display("2119.5", unit: "ms") == "2,119.5 ms")
        #expect(PeopleNumbers.display("29.996", unit: "tokens/s", bound: "30") == "29.996 tokens/s")
        #expect(PeopleNumbers.display("29.7712", unit: "tokens/s", bound: "30") == "29.77 tokens/s")
        #expect(PeopleNumbers.display("3483020", unit: "tokens") == "3,483,020 tokens")
        #expect(PeopleNumbers.display("0.000012345", unit: "ms") == "0.0000123 ms")
        #expect(PeopleNumbers.money("120000.00") == "120,000.00")
        #expect(PeopleNumbers.percent(Rational(37500, 2_678_400)) == "1.4%")
        #expect(PeopleNumbers.duration(seconds: Rational(37500)) == "10.4 h")
    }

    @Test("evidence values carry units, every rounded value its exact value on hover, and a share its counts")
    func numbersOnThePage() throws {
        let html = try verify { $0.windows = .breached }.html
        #expect(html.contains("<span title=\"exact: 2119.5 ms\">2,119.5 ms</span>"))
        #expect(html.contains("<code><bdi>r-0003461</bdi></code>: <span class=\"fig\" title=\"exact: 2119.5 ms\">2,119.5 ms</span>"))
        #expect(html.contains("<code><bdi>r-0004175</bdi></code>: <span class=\"fig\" title=\"exact: 10.315308798832607 tokens/s\">10.32 tokens/s</span>"))
        // 81 requests in the window, the share over the 79 where decode_tps is defined.
        #expect(html.contains("3 of 79 met the condition; 2 undecided (no value), not counted"))
        #expect(html.contains("title=\"92.5373134328% = 62/(62 + 5) = 0.925373134328\">92.5%</span>"))
    }

    // MARK: item 11, trust cues

    @Test("a signature checked only against the embedded key is shown as not independently trusted")
    func embeddedKeyIsNotTrusted() throws {
        let key = ReportSigningKey()
        let html = text(try HTMLReportRenderer.render(try sampleReport(signingKey: key)).html)
        #expect(occurrences(of: "not independently trusted", in: html) >= 2)
        #expect(!html.contains("digest matches, signature valid</span>"))
    }

    @Test("when integrity fails, the page strikes the figures instead of showing a bold credit beside FAILED")
    func failedIntegrityStrikesFigures() throws {
        var xml = text(try sampleReport())
        xml = xml.replacingOccurrences(of: "amount=\"30000.00\"", with: "amount=\"3000.00\"")
        let html = text(try HTMLReportRenderer.render(Array(xml.utf8)).html)
        #expect(html.contains("<body class=\"integrity-failed\">"))
        #expect(html.contains("INTEGRITY CHECK FAILED."))
        #expect(html.contains("body.integrity-failed .fig"))
        // The headline credit is a struck figure, not a bare bold amount.
        #expect(html.contains("<strong class=\"fig\" title=\"3000.00 USD\">3,000.00 USD</strong>"))
        #expect(!html.contains("<strong>3000.00 USD</strong>"))
        // An intact report has no such class.
        let intact = text(try HTMLReportRenderer.render(try sampleReport()).html)
        #expect(!intact.contains("<body class=\"integrity-failed\">"))
    }

    @Test("--signer and --timestamp are recorded in the signed part; --signer needs --sign-key")
    func signerAndTimestamp() throws {
        let dir = TempDir()
        _ = KeygenCommand.run(prefix: dir.path("k"))
        let run = try verify { options in
            options.signKeyPath = dir.path("k.key")
            options.signer = "Jane Roe, Example Audit LLP"
            options.timestamp = true
            options.now = 1_773_446_400_123_000_000  // 2026-03-14T00:00:00.123Z
        }
        #expect(run.root.attribute("signer") == "Jane Roe, Example Audit LLP")
        #expect(run.root.attribute("generated") == "2026-03-14T00:00:00.123Z")
        let check = try ReportIntegrity.check(Array(run.xml.utf8))
        #expect(check.holds)
        // `verify-report` names the signer without `--recompute` too (read from the report; the
        // document once went away before its attribute was read, and printed garbage).
        try Data(run.xml.utf8).write(to: URL(fileURLWithPath: dir.path("signed.xml")))
        var reportCheck = VerifyReportCommand.Options(reportPath: dir.path("signed.xml"))
        reportCheck.publicKey = dir.path("k.pub")
        let checked = VerifyReportCommand.run(reportCheck, colored: false)
        #expect(checked.exitCode == 0, "\(checked.standardOutput)\(checked.standardError)")
        #expect(checked.standardOutput.contains("signer     the report names `Jane Roe, Example Audit LLP` as its signer"), "\(checked.standardOutput)")
        // Both are covered by the digest and signature: changing either breaks the seal.
        for (from, to) in [("Jane Roe", "John Doe"), ("00:00:00.123Z", "00:00:00.124Z")] {
            let edited = run.xml.replacingOccurrences(of: from, with: to)
            #expect(try ReportIntegrity.check(Array(edited.utf8)).digest == .differs)
        }
        #expect(run.html.contains("Jane Roe, Example Audit LLP (as the signed part of the report states it)"))

        var options = VerifyCommand.Options(contractPath: sampleContractPath, traces: [sampleTracePath])
        options.signer = "Jane Roe"
        options.quiet = true
        let unsigned = VerifyCommand.run(options, colored: false)
        #expect(unsigned.exitCode == 2)
        #expect(unsigned.standardError.contains("`--signer` names the holder of the signing key, but no `--sign-key` is given"))
        // Without --timestamp reports stay byte-identical across runs.
        #expect(try verify().root.attribute("generated") == nil)
    }

    @Test("evidence names the trace it came from when there are several, and only then")
    func evidenceNamesItsTrace() throws {
        let two = try verify([sampleTracePath, sampleCSVPath])
        let windows: [ElementView] = try clause(two, "4.1").children.filter { $0.isReport("window") }
        let evidence: [ElementView] = windows.flatMap { (w: ElementView) -> [ElementView] in w.children.filter { $0.isReport("evidence") } }
        let traceNumbers: [String] = evidence.map { $0.attribute("trace") ?? "none" }
        #expect(!traceNumbers.isEmpty)
        #expect(traceNumbers.allSatisfy { $0 == "1" || $0 == "2" })
        // The issue's case: r-0003346 once from each trace, no longer two unexplained copies.
        #expect(two.xml.contains("<evidence id=\"r-0003346\" value=\"1161.8\" trace=\"1\"/>"))
        #expect(two.xml.contains("<evidence id=\"r-0003346\" value=\"1161.8\" trace=\"2\"/>"))
        #expect(two.html.contains("title=\"trace 2: \(sampleCSVPath)\""))
        let one = try verify()
        #expect(!one.xml.contains(" trace=\""))
        #expect(!one.html.contains("class=\"trace-name\""))
    }

    // MARK: item 4, repeated ids

    @Test("records whose id repeats within a run are counted per trace, with the first ids, whatever the split")
    func repeatedIDs() throws {
        let run = try verify([sampleTracePath, sampleCSVPath]) { $0.checkIDs = true; $0.jobs = 1 }
        let traces = run.root.children.filter { $0.isReport("trace") }
        #expect(traces.map { $0.attribute("repeated-ids") } == ["0", "6000"])
        let listed: [String] = traces[1].children.filter { $0.isReport("repeated-id") }.map { $0.attribute("id") ?? "" }
        let first: [String] = ["r-0000001", "r-0000002", "r-0000003", "r-0000004", "r-0000005",
                               "r-0000006", "r-0000007", "r-0000008", "r-0000009", "r-0000010"]
        #expect(listed == first)
        #expect(run.html.contains("6,000 records of this trace repeat an id"))
        // The report does not depend on how the traces were split into chunks.
        let split = try verify([sampleTracePath, sampleCSVPath]) { $0.checkIDs = true; $0.jobs = 3 }
        #expect(split.xml == run.xml)

        // Repeats within one trace: ten lines logged twice, far apart.
        let dir = TempDir()
        let lines = try String(contentsOfFile: sampleTracePath, encoding: .utf8).split(separator: "\n")
        let doubled = lines + lines[100..<110]
        let path = dir.path("doubled.jsonl")
        try (doubled.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        for jobs in [1, 4] {
            let one = try verify([path]) { $0.checkIDs = true; $0.jobs = jobs }
            let trace = try #require(one.root.firstChild("trace"))
            #expect(trace.attribute("repeated-ids") == "10")
            let ids: [String] = trace.children.filter { $0.isReport("repeated-id") }.map { $0.attribute("id") ?? "" }
            let expected: [String] = (101...110).map { (n: Int) -> String in "r-0000" + String(n) }
            #expect(ids == expected)
        }
        // Off by default: the attribute is absent rather than a misleading 0.
        #expect(try verify([path]).root.firstChild("trace")?.attribute("repeated-ids") == nil)
    }

    @Test("verify-report --recompute reproduces a report made with --check-ids, --signer and --timestamp")
    func recomputeWithNewOptions() throws {
        let dir = TempDir()
        _ = KeygenCommand.run(prefix: dir.path("k"))
        var options = VerifyCommand.Options(contractPath: sampleContractPath, traces: [sampleTracePath, sampleCSVPath])
        options.reportPath = dir.path("r.xml")
        options.checkIDs = true
        options.signKeyPath = dir.path("k.key")
        options.signer = "Jane Roe"
        options.timestamp = true
        options.quiet = true
        #expect(VerifyCommand.run(options, colored: false).exitCode == 1)
        var check = VerifyReportCommand.Options(reportPath: dir.path("r.xml"))
        check.recompute = true
        check.contractPath = sampleContractPath
        check.traces = [sampleTracePath, sampleCSVPath]
        let out = VerifyReportCommand.run(check, colored: false)
        #expect(out.exitCode == 0, "\(out.standardOutput)\(out.standardError)")
        #expect(out.standardOutput.contains("names its signer `Jane Roe`"))
    }
}
