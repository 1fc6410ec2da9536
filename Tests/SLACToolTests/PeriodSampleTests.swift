import Crypto
import Foundation
import SLACChecker
import SLACEvaluator
import SLACExact
import SLACMonitor
import SLACReport
import SLACSyntax
import SLACTool
import SLACTrace
import Testing

/// The period-measure samples of `Contracts/samples/` (written by `make_period_samples.py`): each
/// sample gives, under its example contract, the measures and credits computed by hand in
/// `Contracts/samples/README.md`. The expected figures below are the README's, not slac's.
@Suite("The period-measure samples")
struct PeriodSampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Checks the contract and runs the evaluator on the sample (JSON Lines).
    static func evaluate(contract: String, trace: String, jobs: Int = 2) throws -> EvaluationResult {
        let contractSource = SourceFile(path: contract, text: try String(contentsOfFile: path(contract), encoding: .utf8))
        let checked = Checker.check(contractSource)
        guard let checkedContract = checked.contract else {
            throw Failure(description: DiagnosticRenderer(colored: false).render(checked.diagnostics, in: contractSource))
        }
        #expect(checked.diagnostics.isEmpty, "\(contract) has diagnostics")
        let plan = MonitorCompiler.compile(checkedContract, sourceSHA256: String(repeating: "0", count: 64), toolVersion: "test")
        let evaluator = try Evaluator(plan: plan)
        let input = try TraceInput(path: path(trace))
        let traceSource = TraceSource(input: input, format: .jsonl, sha256: "sample", displayPath: trace)
        return try evaluator.evaluate([traceSource], jobs: jobs)
    }

    /// Nanoseconds since the epoch of `YYYY-MM-DDTHH:MM:SSZ` (via Foundation, not the code under test).
    static func utc(_ text: String) -> Int64 {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        guard let d = f.date(from: text) else { fatalError("bad instant \(text)") }
        return Int64(d.timeIntervalSince1970.rounded()) * 1_000_000_000
    }

    static func group(_ parts: [GroupKeyPart]?) -> String {
        (parts ?? []).map { "\($0.field)=\($0.value ?? "-")" }.joined(separator: ",")
    }

    static let minute: Int64 = 60_000_000_000

    // MARK: error-rate-uptime

    @Test("error-rate-uptime: mean of the five-minute error rates per region, credits of the region's charges")
    func errorRateUptime() throws {
        let result = try Self.evaluate(contract: "Contracts/error-rate-uptime.sla", trace: "Contracts/samples/error-rate-uptime-2026-06.jsonl")
        let t = try #require(result.traces.first)
        #expect((t.read, t.accepted, t.rejected, t.outsideTerm, t.excluded) == (2493, 2493, 0, 0, 24))
        #expect(result.clauses.count == 1)
        let clause = try #require(result.clauses.first)
        #expect(clause.verdict == .breached)
        #expect(clause.windowsValued == 427 + 470 + 366)
        #expect(clause.chargesCurrency == "USD")

        // One period per region, June 2026, 8,640 intervals each; sorted by region.
        let june = (Self.utc("2026-06-01T00:00:00Z"), Self.utc("2026-07-01T00:00:00Z"))
        #expect(clause.periods.map { Self.group($0.key) } == ["region=ap-south-1", "region=eu-west-1", "region=us-east-1"])
        for p in clause.periods {
            #expect((p.start, p.end) == june)
            #expect(p.measure?.kind == "mean")
            #expect(p.measure?.unit == "ratio")
            #expect(p.measure?.intervals == 8640)
            #expect(p.measure?.down == 0)
            #expect(p.measure?.gridStart == nil && p.measure?.gridEnd == nil)
        }
        #expect(clause.periods.map(\.attainment) == [Rational(14399, 14400), Rational(7121, 7200), Rational(599, 600)])
        #expect(clause.periods.map { $0.measure?.empty } == [8640 - 366, 8640 - 470, 8640 - 427])
        #expect(clause.periods.map(\.verdict) == [.compliant, .breached, .breached])
        #expect(clause.periods.map(\.chargesText) == ["7.21", "9.94", "23.45"])

        // 25% of eu-west-1's 9.94 = 2.485 → 2.48; 10% of us-east-1's 23.45 = 2.345 → 2.34 (half to even).
        #expect(clause.credits.map { Self.group($0.key) } == ["region=eu-west-1", "region=us-east-1"])
        #expect(clause.credits.map(\.percentText) == ["25", "10"])
        #expect(clause.credits.map(\.chargesText) == ["9.94", "23.45"])
        #expect(clause.credits.map(\.amountText) == ["2.48", "2.34"])
        #expect(clause.credits.allSatisfy { $0.currency == "USD" && $0.start == june.0 && $0.end == june.1 })
        #expect(result.verdict == .breached)
    }

    // MARK: downtime-minutes

    @Test("downtime-minutes: only runs of five breached minutes are down, across the month boundary, not across maintenance")
    func downtimeMinutes() throws {
        let result = try Self.evaluate(contract: "Contracts/downtime-minutes.sla", trace: "Contracts/samples/downtime-minutes-2026-09.jsonl")
        let t = try #require(result.traces.first)
        #expect((t.read, t.accepted, t.rejected, t.outsideTerm, t.excluded) == (1251, 1251, 0, 0, 32))
        let clause = try #require(result.clauses.first)
        #expect(clause.verdict == .breached)
        #expect((clause.windowsMet, clause.windowsBreached, clause.windowsInsufficient) == (720, 48, 0))

        #expect(clause.periods.map(\.start) == [Self.utc("2026-08-01T00:00:00Z"), Self.utc("2026-09-01T00:00:00Z")])
        #expect(clause.periods.map(\.end) == [Self.utc("2026-09-01T00:00:00Z"), Self.utc("2026-10-01T00:00:00Z")])
        #expect(clause.periods.allSatisfy { $0.key.isEmpty && $0.measure?.kind == "uptime" })
        // August: 44,640 minutes, 2 down (the start of a run of 6 that ends in September).
        // September: 43,200 minutes less 120 of maintenance, 4 + 5 + 7 + 12 = 28 down.
        #expect(clause.periods.map(\.attainment) == [Rational(22319, 22320), Rational(10763, 10770)])
        #expect(clause.periods.map { $0.measure?.intervals } == [44640, 43080])
        #expect(clause.periods.map { $0.measure?.down } == [2, 28])
        #expect(clause.periods.map { $0.measure?.empty } == [44637, 42315])
        #expect(clause.periods.map { $0.measure?.gridNanoseconds } == [44640 * Self.minute, 43080 * Self.minute])
        #expect(clause.periods.map { $0.measure?.downNanoseconds } == [2 * Self.minute, 28 * Self.minute])
        #expect(clause.periods.map { "\($0.met)/\($0.breached)" } == ["1/2", "719/46"])
        #expect(clause.periods.map(\.verdict) == [.compliant, .breached])

        // 10% of the 25,000.00 USD fee for September; nothing for August.
        #expect(clause.credits.count == 1)
        let credit = try #require(clause.credits.first)
        #expect((credit.start, credit.end) == (Self.utc("2026-09-01T00:00:00Z"), Self.utc("2026-10-01T00:00:00Z")))
        #expect((credit.percentText, credit.amountText, credit.currency) == ("10", "2500.00", "USD"))
        #expect(credit.key == nil && credit.chargesText == nil)

        // The bursts, as breached windows: S (2 + 4), A 4, B 5, C 3 + 2, D 7 + 3, E 3 + 3, F 12.
        let breached = clause.windows.filter { $0.verdict == .breached }
        #expect(breached.count == 48)
        #expect(breached.allSatisfy { $0.end - $0.start == Self.minute && $0.count == 10 })
        // Minute D 06:07 has exactly 5% errors and is met; minute E 16:03 has no window at all.
        let d = try #require(clause.windows.first { $0.start == Self.utc("2026-09-17T06:07:00Z") })
        #expect(d.verdict == .met && d.count == 20 && d.observed?.numerator == 19 && d.observed?.denominator == 20)
        #expect(!clause.windows.contains { $0.start == Self.utc("2026-09-22T16:03:00Z") })
        #expect(result.verdict == .breached)
    }

    @Test("maintenance-as-uptime: maintenance stays in the month and is up")
    func maintenanceAsUptime() throws {
        let result = try Self.evaluate(contract: "Contracts/maintenance-as-uptime.sla", trace: "Contracts/samples/maintenance-as-uptime-2026-06.jsonl")
        let t = try #require(result.traces.first)
        #expect((t.read, t.accepted, t.rejected, t.outsideTerm, t.excluded) == (1269, 1269, 0, 0, 124))
        let clause = try #require(result.clauses.first)
        #expect((clause.windowsMet, clause.windowsBreached) == (715, 43))
        // June: all 43,200 minutes (maintenance `as uptime` is not taken out), 30 + 13 down.
        #expect(clause.periods.map(\.attainment) == [Rational(43157, 43200)])
        #expect(clause.periods.map { $0.measure?.intervals } == [43200])
        #expect(clause.periods.map { $0.measure?.down } == [43])
        #expect(clause.periods.map { $0.measure?.gridNanoseconds } == [43200 * Self.minute])
        #expect(clause.verdict == .compliant && clause.credits.isEmpty)
        #expect(result.exclusions.map(\.asUptime) == [true, true] && result.exclusions.first?.removed == 124)
    }

    // MARK: provisioned-throughput-tps

    @Test("provisioned-throughput-tps: decode floors per model (monthly credits of the fee), TTFT per quarter")
    func provisionedThroughput() throws {
        let result = try Self.evaluate(contract: "Contracts/provisioned-throughput-tps.sla",
                                       trace: "Contracts/samples/provisioned-throughput-tps-2026-05.jsonl")
        let t = try #require(result.traces.first)
        #expect((t.read, t.accepted, t.rejected, t.outsideTerm, t.excluded) == (1922, 1922, 0, 0, 5))
        #expect(result.clauses.map(\.name) == ["decode_rate_405b", "decode_rate_8b", "first_token_latency"])
        let may = (Self.utc("2026-05-01T00:00:00Z"), Self.utc("2026-06-01T00:00:00Z"))

        // 4.1: 48 hours, one quiet (12 requests: insufficient), 2 breached → 45/47, 10% of 36,000.00.
        let c41 = result.clauses[0]
        #expect((c41.windowsMet, c41.windowsBreached, c41.windowsInsufficient) == (45, 2, 1))
        #expect(c41.verdict == .breached)
        let p41 = try #require(c41.periods.first)
        #expect(c41.periods.count == 1)
        #expect((p41.start, p41.end) == may)
        #expect(p41.attainment == Rational(45, 47))
        #expect(p41.measure == nil, "measure attainment without empty is plain window attainment")
        let breached = c41.windows.filter { $0.verdict == .breached }
        #expect(breached.map(\.start) == [Self.utc("2026-05-13T09:00:00Z"), Self.utc("2026-05-13T10:00:00Z")])
        #expect(breached.map { "\($0.observed?.numerator ?? 0)/\($0.observed?.denominator ?? 0)" } == ["19/20", "20/22"])
        let insufficient = c41.windows.filter { $0.verdict == .insufficient }
        #expect(insufficient.map(\.start) == [Self.utc("2026-05-13T03:00:00Z")])
        #expect(insufficient.map(\.count) == [12])
        #expect(c41.credits.map(\.percentText) == ["10"])
        #expect(c41.credits.map(\.amountText) == ["3600.00"])
        #expect(c41.credits.map(\.start) == [may.0])
        #expect(c41.credits.map(\.end) == [may.1])
        #expect(c41.credits.allSatisfy { $0.key == nil && $0.currency == "USD" })

        // 4.2: every hour met.
        let c42 = result.clauses[1]
        #expect((c42.windowsMet, c42.windowsBreached, c42.windowsInsufficient) == (48, 0, 0))
        #expect(c42.periods.map(\.attainment) == [Rational(1)])
        #expect(c42.credits.isEmpty)
        #expect(c42.verdict == .compliant)

        // 4.3: the second quarter of 2026 has 2,184 hours; empty hours count as met.
        let c43 = result.clauses[2]
        #expect(c43.periods.map { Self.group($0.key) } == ["model=llama-3.1-405b", "model=llama-3.1-8b"])
        for p in c43.periods {
            #expect((p.start, p.end) == (Self.utc("2026-04-01T00:00:00Z"), Self.utc("2026-07-01T00:00:00Z")))
            #expect(p.measure?.kind == "attainment")
            #expect(p.measure?.intervals == 2184)
        }
        #expect(c43.periods.map(\.attainment) == [Rational(2183, 2184), Rational(727, 728)])
        #expect(c43.periods.map { $0.measure?.empty } == [2137, 2136])
        #expect(c43.periods.map { "\($0.met)/\($0.breached)" } == ["46/1", "45/3"])
        #expect(c43.periods.map(\.verdict) == [.compliant, .breached])
        #expect(c43.credits.isEmpty)
        #expect(c43.verdict == .breached)
        // p95 of 20 values is the 19th: one slow first token (405b, 12 May 09:00) leaves the hour met.
        let oneSlow = try #require(c43.windows.first { $0.start == Self.utc("2026-05-12T09:00:00Z") && Self.group($0.key) == "model=llama-3.1-405b" })
        #expect(oneSlow.verdict == .met)
        #expect(result.verdict == .breached)
    }

    // MARK: the README

    /// The README states the hand-computed figures and the files' digests; they must stay those
    /// of the committed files (regenerating the samples means redoing the computation).
    @Test func readmeStatesTheseFigures() throws {
        let readme = try String(contentsOfFile: Self.path("Contracts/samples/README.md"), encoding: .utf8)
        for figure in ["**599/600**", "**7121/7200**", "**14399/14400**", "**23.45**", "**9.94**", "**7.21**", "**2.34 USD**", "**2.48 USD**",
                       "**22319/22320**", "**10763/10770**", "**28**", "**2,500.00 USD**",
                       "45/47 = **95.745%**", "**3,600.00 USD**", "**2183/2184**", "**727/728**", "**2,184**", "**43157/43200**", "**43,200**"] {
            #expect(readme.contains(figure), "README does not state \(figure)")
        }
        for name in ["error-rate-uptime-2026-06.jsonl", "downtime-minutes-2026-09.jsonl", "provisioned-throughput-tps-2026-05.jsonl",
                     "maintenance-as-uptime-2026-06.jsonl"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: Self.path("Contracts/samples/" + name)))
            let hex = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            #expect(readme.contains("| `\(name)` | "), "README does not list \(name)")
            #expect(readme.contains("`\(hex)`"), "README does not state the SHA-256 of \(name) (\(hex))")
        }
    }

    /// `slac verify` writes the same figures into the report.
    @Test func reportCarriesTheFigures() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slac-period-samples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(contract: String, trace: String, expected: [String])] = [
            ("error-rate-uptime", "error-rate-uptime-2026-06", [
                "measure-kind=\"mean\" measure=\"0.998333333333\"", "intervals=\"8640\" empty=\"8213\"", "charges=\"23.45\"",
                "percent=\"25\" amount=\"2.48\" currency=\"USD\" of=\"charges\" charges=\"9.94\"",
                "percent=\"10\" amount=\"2.34\" currency=\"USD\" of=\"charges\" charges=\"23.45\"",
            ]),
            ("downtime-minutes", "downtime-minutes-2026-09", [
                "measure-kind=\"uptime\" measure=\"0.999350046425\"", "intervals=\"43080\" empty=\"42315\" down=\"28\"",
                "grid-seconds=\"2584800\" down-seconds=\"1680\"", "percent=\"10\" amount=\"2500.00\" currency=\"USD\"",
            ]),
            ("provisioned-throughput-tps", "provisioned-throughput-tps-2026-05", [
                "attainment=\"0.957446808511\"", "percent=\"10\" amount=\"3600.00\" currency=\"USD\"",
                "measure-kind=\"attainment\" measure=\"0.998626373626\"", "intervals=\"2184\" empty=\"2136\"",
            ]),
        ]
        for c in cases {
            let report = dir.appendingPathComponent(c.contract + ".xml").path
            var options = VerifyCommand.Options(contractPath: Self.path("Contracts/\(c.contract).sla"),
                                                traces: [Self.path("Contracts/samples/\(c.trace).jsonl")])
            options.reportPath = report
            options.windows = WindowSelection.none
            options.quiet = true
            let out = VerifyCommand.run(options, colored: false)
            #expect(out.exitCode == 1, "\(c.contract): \(out.standardError)")
            let text = try String(contentsOfFile: report, encoding: .utf8)
            for e in c.expected {
                #expect(text.contains(e), "\(c.contract): the report lacks \(e)")
            }
        }
    }
}
