import Foundation
@testable import SLACEngines
import SLACEvaluator
import SLACExact
import SLACMonitor
import SLACTestSupport
@testable import SLACTool
import Testing

/// Differential tests (docs/engines.md, "Identical results"): the same contracts over the same
/// traces natively and through DuckDB and Spark give equal results, every figure, verdict,
/// credit and evidence id; only the trace provenance (paths, digests, format, engine) differs.
///
/// The engines' command-line tools must be installed (`.ci/run` installs them); without them the
/// tests are skipped locally and fail in CI, so a missing engine never passes silently.
enum Engines {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Engine tests run when `SLAC_ENGINES=1` (`.ci/run` sets it for a second, serial run after
    /// `swift test`: Spark's JVM takes both cores for minutes and would starve the timing-sensitive
    /// tests of the main run). With it set, a missing engine fails rather than skips.
    static var enabled: Bool { ProcessInfo.processInfo.environment["SLAC_ENGINES"] == "1" }
    static var duckdb: Bool { enabled }
    static var spark: Bool { enabled }

    static func path(_ relative: String) -> String { packageRoot.appendingPathComponent(relative).path }

    static var contracts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path("Contracts"))) ?? []).filter { $0.hasSuffix(".sla") }.sorted().map { path("Contracts/" + $0) }
    }
    static var samples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path("Contracts/samples"))) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
            .map { path("Contracts/samples/" + $0) }
    }

    /// The result of a run, native or through an engine.
    static func run(contract: String, traces: [String], engine: SQLDialect?, input: SQLInputFormat? = nil,
                    checkIDs: Bool = false) -> Result<EvaluationResult, CommandOutput> {
        var options = VerifyCommand.Options(contractPath: contract, traces: traces)
        options.checkIDs = checkIDs
        options.allowEmpty = true
        options.engine = engine
        options.inputFormat = input
        options.sparkMaster = engine == .spark ? "local[2]" : nil
        return VerifyCommand.evaluate(options, colored: false)
    }

    /// A result without its provenance: what must be identical across accumulators.
    static func judged(_ r: EvaluationResult) -> EvaluationResult {
        var r = r
        r.engine = nil
        for t in r.traces.indices {
            r.traces[t].path = "trace \(t)"
            r.traces[t].sha256 = ""
            r.traces[t].format = ""
            r.traces[t].fileSHA256 = nil
        }
        for i in r.rejected.indices {
            r.rejected[i].path = ""
            // docs/engines.md: an engine says `invalid JSON` without the column.
            if r.rejected[i].reason.hasPrefix("invalid JSON") { r.rejected[i].reason = "invalid JSON" }
        }
        return r
    }

    static func compare(_ contract: String, _ traces: [String], engine: SQLDialect, engineTraces: [String]? = nil,
                        input: SQLInputFormat? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let native = run(contract: contract, traces: traces, engine: nil)
        let through = run(contract: contract, traces: engineTraces ?? traces, engine: engine, input: input)
        switch (native, through) {
        case (.success(let a), .success(let b)):
            let x = judged(a), y = judged(b)
            if x != y {
                Issue.record("\(engine.rawValue) differs from the native run on \((contract as NSString).lastPathComponent) × \(traces.map { ($0 as NSString).lastPathComponent }): \(firstDifference(x, y))",
                             sourceLocation: sourceLocation)
            }
            return a.clauses.reduce(0) { $0 + $1.windows.count }
        case (.failure(let e), _):
            Issue.record("native run failed: \(e.standardError)", sourceLocation: sourceLocation)
        case (_, .failure(let e)):
            Issue.record("\(engine.rawValue) run failed: \(e.standardError)", sourceLocation: sourceLocation)
        }
        return 0
    }

    /// Where the native result `a` and the engine's `b` first differ.
    static func firstDifference(_ a: EvaluationResult, _ b: EvaluationResult) -> String {
        SLACTestSupport.firstDifference(expected: a, actual: b, context: 6).map { "native/engine " + $0 } ?? "equal JSON forms"
    }

    /// A trace with the cases where engines and exact arithmetic part ways: rejected records of
    /// each kind, `-0`, whole-number floats, offsets, nanosecond fractions, nulls, CRLF, a
    /// daylight-saving change in Berlin, `itl_ms` arrays and statuses outside scope.
    static let hostileTrace = [
        #"{"id":"a1","ts":"2026-03-29T00:30:00Z","tenant":"acme","model":"m","status":"ok","input_tokens":10,"output_tokens":76.0,"ttft_ms":800,"e2e_ms":2000.5,"itl_ms":[1,2.5,0]}"#,
        #"{"id":"a2","ts":"2026-03-29T01:30:00.123456789+01:00","tenant":"acme","status":"ok","input_tokens":10,"output_tokens":2,"ttft_ms":800.0000000000001,"e2e_ms":900}"#,
        #"{"id":"a3","ts":"2026-03-29T03:30:00.5+0200","tenant":"acme","status":"error:500","input_tokens":0,"output_tokens":0,"ttft_ms":-0.0,"e2e_ms":0}"#,
        #"{"id":"a4","ts":1774740600123,"tenant":"globex","status":"ok","input_tokens":5,"output_tokens":1,"ttft_ms":0.1,"e2e_ms":0.30000000000000004}"#,
        #"{"id":"a5","ts":"2026-03-29T10:00:00Z","tenant":null,"status":"ok","output_tokens":300,"ttft_ms":1e-300,"e2e_ms":1e300}"#,
        #"{"id":"a6","ts":"2026-03-29T11:00:00Z","tenant":"${env:HOME}","status":"ok","output_tokens":3,"ttft_ms":5,"e2e_ms":50}"#,
        #"{"id":"b1","ts":"2026-03-29T10:00:00","tenant":"acme"}"#,
        #"{"id":"b2","ts":"2026-02-30T10:00:00Z","tenant":"acme"}"#,
        #"{"id":"b3","ts":"2026-03-29T10:00:00Z","tenant":"acme","ttft_ms":-5}"#,
        #"{"id":"b4","ts":"2026-03-29T10:00:00Z","tenant":"acme","output_tokens":7.5}"#,
        #"{"id":"b5","ts":"2026-03-29T10:00:00Z","tenant":"acme","ttft_ms":"12"}"#,
        #"{"id":"b6","tenant":"acme","ttft_ms":12}"#,
        #"{"id":"b7","ts":true,"tenant":"acme"}"#,
        #"{"id":"b8","ts":"2026-03-29T10:00:00Z","tenant":["x"]}"#,
        #"{"id":"b9","ts":"2026-03-29T10:00:00Z","itl_ms":"fast"}"#,
        #"{"id":"b10","ts":"2026-03-29T10:00:00Z","itl_ms":[1,-2]}"#,
        // Not JSON, though the engines' parsers read them (natively the line is invalid JSON).
        #"{"id":"b11","ts":"2026-03-29T10:00:00Z","tenant":"acme","ttft_ms":NaN}"#,
        #"{"id":"b12","ts":"2026-03-29T10:00:00Z","tenant":"acme","e2e_ms":-Infinity}"#,
        // A timestamp ending in a line break (Java's `$` matched before it, so Spark accepted it).
        #"{"id":"b13","ts":"2026-03-29T10:00:00Z\n","tenant":"acme"}"#,
        // Instants out of range: epoch micro- and nanoseconds by mistake, a year past 2262. The
        // engine computed `ts` for every row and one such record stopped DuckDB's whole run.
        #"{"id":"b14","ts":1774740600000000,"tenant":"acme"}"#,
        #"{"id":"b15","ts":1774740600000000000,"tenant":"acme"}"#,
        #"{"id":"b16","ts":"9999-12-31T23:59:59Z","tenant":"acme"}"#,
        // Rates over durations that underflow or overflow: undefined on both sides.
        #"{"id":"a8","ts":"2026-03-29T12:00:00Z","tenant":"acme","status":"ok","output_tokens":3,"ttft_ms":0,"e2e_ms":5e-324}"#,
        #"{"id":"a9","ts":"2026-03-29T12:00:01Z","tenant":"acme","status":"ok","output_tokens":3,"ttft_ms":0,"e2e_ms":1e-310}"#,
        "",
        #"{"id":"a6","ts":"2026-03-30T23:59:59.999999999Z","tenant":"acme","model":"m","status":"ok","input_tokens":9007199254740992,"output_tokens":3,"ttft_ms":4503599627370497,"e2e_ms":4503599627370498}"# + "\r",
        #"{"id":"a7","ts":"2027-03-30T00:00:00Z","tenant":"acme","status":"ok","ttft_ms":1}"#,
    ].joined(separator: "\n") + "\n"

    /// CSV cells the native CSV reader types specially: padded numbers, `+5`, a quoted empty
    /// text, text in a number field, a timestamp without offset, a negative and a fractional
    /// count, a leading zero (`03` is not a number).
    static let hostileCSV = """
        id,ts,tenant,status,input_tokens,output_tokens,ttft_ms,e2e_ms
        c1,2026-03-29T00:30:00Z,acme,ok,10,76.0,800,2000.5
        c2,2026-03-29T01:30:00Z,acme,ok,10,2,abc,900
        c3, 1774740600123 ,"",ok,+5,1, 12 ,30
        c4,2026-03-29T10:00:00,acme,ok,1,1,1,1
        c5,2026-03-29T10:00:00Z,,ok,,,-5,1
        c6,2026-03-29T11:00:00Z,globex,ok,7.5,1,1,1
        c7,2026-03-29T12:00:00Z,acme,ok,03,1,1,1
        c8,2026-03-29T12:00:00Z,"a ""b"" c",ok,1,1,1,1
        c9,2026-03-29T12:00:00Z,"multi
        line",ok,1,1,1,1

        """

    static let hostileContract = """
        contract "Hostile" {
            effective 2026-01-01 to 2027-01-01
            timezone  "Europe/Berlin"
            fee 1000.00 EUR per month
            exclude requests where status = "error:500"
            clause "1" p50 {
                every calendar day per tenant
                require p50(ttft) <= 800 ms
                objective 99% of windows per calendar month
                credit 10% of fee when attainment < 99%
            }
            clause "2" sums {
                every 1 hour per tenant, model
                require sum(total_tokens) <= 100 tokens
            }
            clause "3" means {
                every calendar week
                require mean(e2e) <= 1 s
            }
            clause "4" gaps {
                every calendar day
                require max(itl) < 2.5 ms
            }
            clause "5" shares {
                scope status = "ok"
                every calendar day per tenant
                require share(decode_tps >= 30 tokens/s) >= 90%
            }
            clause "6" mins {
                every 5 minutes
                require min(e2e_tps) >= 1 tokens/s
            }
            // `spark-sql` substitutes `${…}` in the script, in strings too.
            clause "7" dollars {
                scope tenant in ["${env:HOME}", "${slac_input}"]
                every calendar day
                require max(ttft) <= 1 ms
            }
        }
        """
}

extension Engines {
    /// Dotted custom fields in a condition, a group and a price's condition.
    static let dottedContract = """
        contract "Dotted" {
            effective 2026-03-01 to 2026-04-01
            price 2.00 USD per 1M input_tokens where gen_ai.request.model = "big"
            price 1.00 USD per 1M input_tokens
            clause "1" fast {
                scope gen_ai.operation.name != "embeddings"
                every 1 hour per gen_ai.system
                require max(ttft) <= 150 ms
                objective 99% of windows per calendar month
                credit 10% of charges when attainment < 99%
            }
        }

        """

    static let dottedTrace = """
        {"id":"d1","ts":"2026-03-02T10:00:00Z","gen_ai.system":"openai","gen_ai.operation.name":"chat","gen_ai.request.model":"big","input_tokens":1000000,"ttft_ms":120}
        {"id":"d2","ts":"2026-03-02T10:05:00Z","gen_ai.system":"openai","gen_ai.operation.name":"chat","gen_ai.request.model":"small","input_tokens":3000000,"ttft_ms":180}
        {"id":"d3","ts":"2026-03-02T11:00:00Z","gen_ai.system":"anthropic","gen_ai.operation.name":"chat","input_tokens":500000,"ttft_ms":90}
        {"id":"d4","ts":"2026-03-02T11:30:00Z","gen_ai.system":"anthropic","gen_ai.operation.name":"embeddings","input_tokens":700000,"ttft_ms":900}
        {"id":"d5","ts":"2026-03-02T12:00:00Z","gen_ai":{"system":"nested"},"gen_ai.operation.name":"chat","input_tokens":10,"ttft_ms":100}

        """
}

@Suite(.serialized) struct EngineDifferentialTests {
    @Test(.enabled(if: Engines.duckdb)) func everyContractOnEverySampleThroughDuckDB() {
        var cases = 0, windows = 0
        for contract in Engines.contracts {
            for trace in Engines.samples {
                windows += Engines.compare(contract, [trace], engine: .duckdb)
                cases += 1
            }
        }
        #expect(cases >= 40)
        print("engine differential: duckdb, \(cases) contract × trace cases, \(windows) windows compared")
    }

    @Test(.enabled(if: Engines.duckdb)) func hostileRecordsThroughDuckDB() throws {
        let dir = TemporaryDirectory()
        let trace = try dir.write("hostile.jsonl", Engines.hostileTrace)
        let contract = try dir.write("hostile.sla", Engines.hostileContract)
        #expect(Engines.compare(contract, [trace], engine: .duckdb) > 0)
        // The native evaluator rejects what it should: the differential is not vacuous.
        if case .success(let r) = Engines.run(contract: contract, traces: [trace], engine: nil) {
            #expect(r.rejectedTotal == 16)
            #expect(r.traces[0].outsideTerm == 1)
        }
    }

    /// CSV through DuckDB: the sample and cells the native CSV reader types specially (padded
    /// numbers, `+5`, quoted empty text, text in a number field). DuckDB cannot number CSV rows,
    /// so rejected records are located by id: compared by reason and id.
    @Test(.enabled(if: Engines.duckdb)) func csvThroughDuckDB() throws {
        let dir = TemporaryDirectory()
        let contract = Engines.path("Contracts/acme-schedule-b.sla")
        #expect(Engines.compare(contract, [Engines.path("Contracts/samples/acme-2026-03-14.csv")], engine: .duckdb) > 0)
        let csv = try dir.write("h.csv", Engines.hostileCSV)
        let native = try #require(try? Engines.run(contract: contract, traces: [csv], engine: nil).get())
        let engine = try #require(try? Engines.run(contract: contract, traces: [csv], engine: .duckdb).get())
        #expect(native.rejectedTotal == 5)
        #expect(native.rejected.map(\.reason) == engine.rejected.map(\.reason))
        #expect(engine.rejected.map(\.id) == ["c2", "c4", "c5", "c6", "c7"])
        var x = Engines.judged(native), y = Engines.judged(engine)
        x.rejected = []
        y.rejected = []
        #expect(x == y, "\(Engines.firstDifference(x, y))")
        // A header-only file between two others gives the engine no row: its numbers still go to
        // the right files (they were shifted: the empty file's name and digest over the next
        // file's figures).
        let sample = try String(contentsOfFile: Engines.path("Contracts/samples/acme-2026-03-14.csv"), encoding: .utf8).split(separator: "\n")
        try FileManager.default.createDirectory(atPath: dir.path("d"), withIntermediateDirectories: true)
        let a = try dir.write("d/a.csv", sample[0..<2000].joined(separator: "\n") + "\n")
        let b = try dir.write("d/b.csv", String(sample[0]) + "\n")
        let c = try dir.write("d/c.csv", ([sample[0]] + sample[2000...]).joined(separator: "\n") + "\n")
        let split = try #require(try? Engines.run(contract: contract, traces: [a, b, c], engine: nil).get())
        let folder = try #require(try? Engines.run(contract: contract, traces: [dir.path("d")], engine: .duckdb).get())
        #expect(folder.traces.map(\.accepted) == split.traces.map(\.accepted) && split.traces[1].read == 0, "\(folder.traces)")
        #expect(Engines.judged(split) == Engines.judged(folder), "\(Engines.firstDifference(Engines.judged(split), Engines.judged(folder)))")
    }

    /// A record that several exclusions match is counted under the first in source order, in the
    /// engine's SQL as natively, also when a request condition comes before a maintenance window.
    @Test(.enabled(if: Engines.duckdb)) func exclusionSourceOrderThroughDuckDB() throws {
        let dir = TemporaryDirectory()
        let contract = try dir.write("order.sla", """
            contract "Order" {
                effective 2026-01-01 to 2027-01-01
                exclude requests where status = "error:429"
                exclude maintenance from 2026-03-14T02:00:00Z to 2026-03-14T04:00:00Z
                exclude requests where model = "llama-3.1-8b"
                clause "1" c {
                    exclude requests where tenant = "globex"
                    exclude maintenance from 2026-03-14T05:00:00Z to 2026-03-14T06:00:00Z
                    every 1 hour per tenant
                    require count <= 500 requests
                }
            }

            """)
        let sample = Engines.path("Contracts/samples/acme-2026-03-14.jsonl")
        #expect(Engines.compare(contract, [sample], engine: .duckdb) > 0)
        let native = try #require(try? Engines.run(contract: contract, traces: [sample], engine: nil).get())
        // Records in the maintenance window with status `error:429` count under the condition.
        #expect(native.exclusions.count == 3 && native.exclusions[1].kind == "requests" && native.exclusions[1].removed > 0)
    }

    /// The same content twice is a usage error through an engine as natively, found before the
    /// engine runs; two blank files are not "the same trace".
    @Test(.enabled(if: Engines.duckdb)) func theSameTraceTwiceThroughDuckDB() throws {
        let dir = TemporaryDirectory()
        let sample = Engines.path("Contracts/samples/acme-2026-03-14.jsonl")
        let copy = try dir.write("copy.jsonl", try String(contentsOfFile: sample, encoding: .utf8))
        let contract = Engines.path("Contracts/acme-schedule-b.sla")
        guard case .failure(let twice) = Engines.run(contract: contract, traces: [sample, copy], engine: .duckdb) else {
            Issue.record("the same trace twice was accepted")
            return
        }
        #expect(twice.exitCode == 2 && twice.standardError.hasPrefix("error[SLA0509]: the same trace twice: "), "\(twice.standardError)")
        let b1 = try dir.write("b1.jsonl", "\n"), b2 = try dir.write("b2.jsonl", "\n")
        #expect((try? Engines.run(contract: contract, traces: [sample, b1, b2], engine: .duckdb).get()) != nil)
    }

    /// What the DuckDB script cannot read is refused before it runs (exit 2), not left to fail
    /// inside the engine: a compressed trace ("not valid UTF-8" from DuckDB before).
    @Test(.enabled(if: Engines.duckdb)) func compressedTracesAreRefusedForDuckDB() throws {
        let dir = TemporaryDirectory()
        let sample = Engines.path("Contracts/samples/acme-2026-03-14.jsonl")
        let contract = Engines.path("Contracts/acme-schedule-b.sla")
        let gz = dir.url.appendingPathComponent("t.jsonl.gz").path
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c '\(sample)' > '\(gz)'"]
        try gzip.run()
        gzip.waitUntilExit()
        try #require(gzip.terminationStatus == 0)
        let zst = try dir.write("t.jsonl.zst", "")
        try Data([0x28, 0xB5, 0x2F, 0xFD, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: zst))
        for (path, kind) in [(gz, "gzip"), (zst, "zstd")] {
            guard case .failure(let out) = Engines.run(contract: contract, traces: [path], engine: .duckdb) else {
                Issue.record("a \(kind) trace was given to DuckDB")
                continue
            }
            #expect(out.exitCode == 2 && out.standardError.hasPrefix("error[SLA1005]: "), "\(out.standardError)")
            #expect(out.standardError.contains("is \(kind)-compressed"), "\(out.standardError)")
        }
    }

    /// DuckDB read the header of a CSV file with a blank line first as a record; it is refused.
    @Test(.enabled(if: Engines.duckdb)) func csvWithABlankFirstLineIsRefusedForDuckDB() throws {
        let dir = TemporaryDirectory()
        let contract = Engines.path("Contracts/acme-schedule-b.sla")
        let csv = try dir.write("blank.csv", "\r\nid,ts,status,ttft_ms\na,2026-03-14T00:00:00Z,ok,100\n")
        guard case .failure(let out) = Engines.run(contract: contract, traces: [csv], engine: .duckdb) else {
            Issue.record("a CSV file with a blank first line was given to DuckDB")
            return
        }
        #expect(out.exitCode == 2 && out.standardError.hasPrefix("error[SLA1005]: "), "\(out.standardError)")
        #expect(out.standardError.contains("blank line before its CSV header"), "\(out.standardError)")
    }

    /// Found by a differential audit: traces given out of path order, two spellings of `é`, a CSV
    /// with a `filename` column and a row over 2 MB, a file name with a glob character, fields
    /// differing only in case, and standard input.
    @Test(.enabled(if: Engines.duckdb)) func auditedDifferencesThroughDuckDB() throws {
        let dir = TemporaryDirectory()
        let contract = try dir.write("c.sla", """
            contract "Audit" {
                effective 2026-01-01 to 2027-01-01
                clause "1" grouped { every 1 hour per tenant
                    require max(ttft) <= 500 ms }
                clause "2" scoped { scope tenant = "d\u{E9}"
                    every 1 hour
                    require max(ttft) <= 500 ms }
            }
            """)
        func line(_ id: String, _ second: Int, _ tenant: String, _ ttft: Int) -> String {
            "{\"id\":\"\(id)\",\"ts\":\"2026-03-01T00:00:\(second < 10 ? "0" : "")\(second)Z\",\"tenant\":\"\(tenant)\",\"ttft_ms\":\(ttft)}"
        }
        let b = try dir.write("b.jsonl", [line("b1", 1, "d\u{E9}", 100), line("b2", 2, "de\u{301}", 900)].joined(separator: "\n") + "\n")
        let a = try dir.write("a.jsonl", [line("a1", 3, "x", 900), line("a2", 4, "d\u{E9}", 200)].joined(separator: "\n") + "\n")
        #expect(Engines.compare(contract, [b, a], engine: .duckdb) > 0)
        let glob = try dir.write("t[1].jsonl", line("g1", 5, "y", 700) + "\n")
        _ = try dir.write("t1.jsonl", line("h1", 6, "z", 100) + "\n")
        #expect(Engines.compare(contract, [glob], engine: .duckdb) > 0)
        // A CSV with its own `filename` column and a 2.4 MB `itl_ms` cell.
        let itl = Engines.path("Contracts/streaming-itl.sla")
        let list = "[" + Array(repeating: "1.5", count: 600_000).joined(separator: ",") + "]"
        let csv = try dir.write("f.csv", "id,ts,tenant,filename,output_tokens,ttft_ms,e2e_ms,itl_ms\nr1,2026-06-01T00:00:00Z,t,x.txt,3,100,900,\"\(list)\"\n")
        // `compare` records any difference between the two runs, or a failure of either.
        _ = Engines.compare(itl, [csv], engine: .duckdb)
        // Refused before the engine runs, never judged on one of the two fields.
        let cased = try dir.write("cased.sla", """
            contract "Case" {
                effective 2026-01-01 to 2027-01-01
                clause "1" c { every 1 hour per TENANT
                    require max(ttft) <= 500 ms }
            }
            """)
        guard case .failure(let refused) = Engines.run(contract: cased, traces: [a], engine: .duckdb) else {
            Issue.record("fields differing only in case were judged through DuckDB")
            return
        }
        #expect(refused.standardError.contains("SLA1004") && refused.standardError.contains("differ only in case"), "\(refused.standardError)")
        guard case .failure(let stdin) = Engines.run(contract: contract, traces: ["-"], engine: .duckdb) else {
            Issue.record("standard input was given to DuckDB")
            return
        }
        #expect(stdin.standardError.contains("an engine reads files, not standard input"))
    }

    /// `--check-ids` through DuckDB: two traces sharing ids, and ids repeated within one.
    @Test(.enabled(if: Engines.duckdb)) func repeatedIDsThroughDuckDB() throws {
        let dir = TemporaryDirectory()
        let lines = try String(contentsOfFile: Engines.path("Contracts/samples/acme-2026-03-14.jsonl"), encoding: .utf8).split(separator: "\n")
        let a = try dir.write("a.jsonl", (lines[0..<300] + lines[19..<25]).joined(separator: "\n") + "\n")
        let b = try dir.write("b.jsonl", lines[249..<400].joined(separator: "\n") + "\n")
        let contract = Engines.path("Contracts/acme-schedule-b.sla")
        let native = try #require(try? Engines.run(contract: contract, traces: [a, b], engine: nil, checkIDs: true).get())
        let engine = try #require(try? Engines.run(contract: contract, traces: [a, b], engine: .duckdb, checkIDs: true).get())
        #expect(native.traces.map(\.repeatedIDs) == [6, 51])
        #expect(Engines.judged(native) == Engines.judged(engine), "\(Engines.firstDifference(Engines.judged(native), Engines.judged(engine)))")
    }

    /// A generated trace (the benchmark generator in `../shared/bench`, when it is there; the
    /// committed sample otherwise) natively, and as Parquet written by DuckDB itself (`ts` then a
    /// TIMESTAMP column) through the engine.
    @Test(.enabled(if: Engines.duckdb)) func generatedTraceAndParquetThroughDuckDB() throws {
        let dir = TemporaryDirectory()
        let generator = Engines.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/gen_traces.py").path
        var trace = Engines.path("Contracts/samples/acme-2026-03-14.jsonl")
        if FileManager.default.fileExists(atPath: generator) {
            trace = dir.path("generated.jsonl")
            let gen = Process()
            gen.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            gen.arguments = ["python3", generator, "--records", "20000", "--tenants", "7", "--seed", "11", "--out", trace]
            try gen.run()
            gen.waitUntilExit()
            try #require(gen.terminationStatus == 0, "the bench generator at ../shared/bench ran")
        } else {
            print("../shared/bench is missing: the Parquet case uses the committed sample trace")
        }
        let contract = Engines.path("Benchmarks/peers-evaluation.sla")
        #expect(Engines.compare(contract, [trace], engine: .duckdb) > 0)
        let parquet = dir.path("generated.parquet")
        let write = EngineRun(executable: try #require(EngineRun.find("duckdb")), arguments: [":memory:"],
                              standardInput: "COPY (SELECT * FROM read_json('\(trace)', format = 'newline_delimited')) TO '\(parquet)' (FORMAT parquet);")
        #expect(write.run().status == 0)
        for contract in [contract, Engines.path("Contracts/acme-schedule-b.sla")] {
            #expect(Engines.compare(contract, [trace], engine: .duckdb, engineTraces: [parquet]) > 0)
        }
    }

    @Test(.enabled(if: Engines.duckdb)) func judgingTheOutputOfTheCompiledScriptByHand() throws {
        // What a data engineer does: compile, run the script with the engine, judge the folder.
        let dir = TemporaryDirectory()
        let contract = Engines.path("Contracts/acme-schedule-b.sla")
        let trace = Engines.path("Contracts/samples/acme-2026-03-14.jsonl")
        let script = try dir.write("acme.sql", CompileCommand.runSQL(contractPath: contract, dialect: .duckdb, input: .jsonl, output: nil, colored: false).standardOutput)
        let out = dir.path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let run = EngineRun(executable: try #require(EngineRun.find("duckdb")), arguments: ["-bail", ":memory:"],
                            standardInput: "SET VARIABLE slac_input = ['\(trace)'];\nSET VARIABLE slac_output = '\(out)';\n.read \(script)\n")
        #expect(run.run().status == 0)
        var options = VerifyCommand.Options(contractPath: contract, traces: [])
        options.aggregatesPath = out
        let judged = try #require(try? VerifyCommand.evaluate(options, colored: false).get())
        let native = try #require(try? Engines.run(contract: contract, traces: [trace], engine: nil).get())
        #expect(Engines.judged(judged) == Engines.judged(native))
        #expect(judged.traces[0].sha256 == "not computed")
        #expect(judged.engine?.name == "duckdb")
        // Another contract's output is refused, not judged.
        var wrong = VerifyCommand.Options(contractPath: Engines.path("Contracts/tenant-quotas.sla"), traces: [])
        wrong.aggregatesPath = out
        guard case .failure(let refused) = VerifyCommand.evaluate(wrong, colored: false) else {
            Issue.record("the output of another contract was judged")
            return
        }
        #expect(refused.standardError.contains("another contract"))
        // A copy that lost rows of a kind, or the counts the script writes last, is refused:
        // read as it is, the lost windows would never have existed.
        func refusal(_ change: (String) throws -> Void) throws -> String {
            let copy = dir.path("copy-\(UUID().uuidString)")
            try FileManager.default.copyItem(atPath: out, toPath: copy)
            try change(copy)
            var options = VerifyCommand.Options(contractPath: contract, traces: [])
            options.aggregatesPath = copy
            guard case .failure(let refused) = VerifyCommand.evaluate(options, colored: false) else { return "judged" }
            return refused.standardError
        }
        let cut = try refusal { copy in
            let windows = copy + "/windows.jsonl"
            let lines = try String(contentsOfFile: windows, encoding: .utf8).split(separator: "\n")
            try (lines.dropLast().joined(separator: "\n") + "\n").write(toFile: windows, atomically: true, encoding: .utf8)
        }
        #expect(cut.contains("`windows` holds") && cut.contains("a file is missing or cut short"), "\(cut)")
        let unfinished = try refusal { copy in try FileManager.default.removeItem(atPath: copy + "/counts.jsonl") }
        #expect(unfinished.contains("has no `counts.jsonl` or `counts/`"), "\(unfinished)")
    }

    /// Spark starts slowly (about 20 s), so all cases run as one `spark-sql` invocation: each
    /// case's script with its input and output paths filled in, one after the other.
    @Test(.enabled(if: Engines.spark), .timeLimit(.minutes(10))) func contractsThroughSparkLocalMode() throws {
        let dir = TemporaryDirectory()
        let hostile = try dir.write("hostile.jsonl", Engines.hostileTrace)
        let hostileContract = try dir.write("hostile.sla", Engines.hostileContract)
        let acme = Engines.path("Contracts/samples/acme-2026-03-14.jsonl")
        let cases: [(contract: String, trace: String)] = [
            (Engines.path("Contracts/acme-schedule-b.sla"), acme),
            (Engines.path("Contracts/error-rate-uptime.sla"), Engines.path("Contracts/samples/error-rate-uptime-2026-06.jsonl")),
            // Per-model prices, on a trace of three models (one priced at the general rate).
            (Engines.path("Contracts/error-rate-uptime.sla"), acme),
            (Engines.path("Contracts/downtime-minutes.sla"), Engines.path("Contracts/samples/downtime-minutes-2026-09.jsonl")),
            (Engines.path("Contracts/provisioned-throughput-tps.sla"), Engines.path("Contracts/samples/provisioned-throughput-tps-2026-05.jsonl")),
            (Engines.path("Contracts/berlin-calendar.sla"), acme),
            (Engines.path("Contracts/streaming-itl.sla"), acme),
            (hostileContract, hostile),
            (try dir.write("dotted.sla", Engines.dottedContract), try dir.write("dotted.jsonl", Engines.dottedTrace)),
            (Engines.path("Contracts/acme-schedule-b.sla"), try dir.write("h.csv", Engines.hostileCSV)),
        ]
        var batch = "SET spark.sql.ansi.enabled=false;\n"
        var plans: [MonitorPlan] = []
        for (k, c) in cases.enumerated() {
            let plan = try #require(try? PlanBuilding.plan(contractPath: c.contract, colored: false).get())
            plans.append(plan)
            let script = try SQLScript(try plan.validated(), dialect: .spark, input: c.trace.hasSuffix(".csv") ? .csv : .jsonl).text()
            batch += script.replacingOccurrences(of: "${slac_input}", with: c.trace)
                .replacingOccurrences(of: "${slac_output}", with: "file://" + dir.path("out\(k)")) + "\n"
        }
        let file = try dir.write("batch.sql", batch)
        let sparkSQL = try #require(ProcessInfo.processInfo.environment["SPARK_HOME"]).appending("/bin/spark-sql")
        let outcome = EngineRun(executable: sparkSQL, arguments: ["--master", "local[2]", "-f", file], standardInput: nil,
                                 workingDirectory: dir.url.path).run()
        try #require(outcome.status == 0, "spark-sql failed: \(outcome.standardError.suffix(2000))")
        var windows = 0
        for (k, c) in cases.enumerated() {
            let evaluator = try Evaluator(plan: plans[k])
            let judged = try evaluator.judge(engineOutput: dir.path("out\(k)"), traces: [EngineTrace(path: c.trace, format: "jsonl", sha256: "")], sqlSHA256: nil)
            let native = try #require(try? Engines.run(contract: c.contract, traces: [c.trace], engine: nil).get())
            var x = Engines.judged(native), y = Engines.judged(judged)
            // Spark does not number lines: its rejected records are located by id, listed by id.
            #expect(x.rejected.map(\.reason).sorted() == y.rejected.map(\.reason).sorted())
            #expect(y.rejected.allSatisfy { $0.line == 0 })
            x.rejected = []
            y.rejected = []
            #expect(x == y, "spark differs on \((c.contract as NSString).lastPathComponent): \(Engines.firstDifference(x, y))")
            #expect(judged.engine?.name == "spark")
            windows += native.clauses.reduce(0) { $0 + $1.windows.count }
        }
        print("engine differential: spark local[2], \(cases.count) contract × trace cases in one invocation, \(windows) windows compared")
    }

    /// `slac verify --engine spark` end to end (the command line's own path handling), over two
    /// traces: a directory argument, traces numbered in path order.
    @Test(.enabled(if: Engines.spark), .timeLimit(.minutes(5))) func verifyWithTheSparkEngine() throws {
        let dir = TemporaryDirectory()
        let lines = try String(contentsOfFile: Engines.path("Contracts/samples/acme-2026-03-14.jsonl"), encoding: .utf8).split(separator: "\n")
        try FileManager.default.createDirectory(atPath: dir.path("traces"), withIntermediateDirectories: true)
        let a = try dir.write("traces/a.jsonl", lines[0..<3000].joined(separator: "\n") + "\n")
        let b = try dir.write("traces/b.jsonl", lines[3000...].joined(separator: "\n") + "\n")
        // An empty file between them: Spark gives it no row, and its number must not shift b's
        // figures under its name.
        let empty = try dir.write("traces/a0.jsonl", "")
        let contract = Engines.path("Contracts/acme-schedule-b.sla")
        let native = try #require(try? Engines.run(contract: contract, traces: [a, empty, b], engine: nil).get())
        let spark = try #require(try? Engines.run(contract: contract, traces: [dir.path("traces")], engine: .spark).get())
        #expect(Engines.judged(native) == Engines.judged(spark), "\(Engines.firstDifference(Engines.judged(native), Engines.judged(spark)))")
        #expect(spark.traces.map(\.sha256) == native.traces.map(\.sha256))
        #expect(spark.traces.map(\.read) == [3000, 0, lines.count - 3000])
        // A single path is not read as a glob: `t[1].jsonl` is that file, not `t1.jsonl`.
        try FileManager.default.createDirectory(atPath: dir.path("glob"), withIntermediateDirectories: true)
        _ = try dir.write("glob/t1.jsonl", lines[0..<10].joined(separator: "\n") + "\n")
        let bracketed = try dir.write("glob/t[1].jsonl", lines[3000...].joined(separator: "\n") + "\n")
        let one = try #require(try? Engines.run(contract: contract, traces: [bracketed], engine: .spark).get())
        #expect(one.traces.map(\.read) == [lines.count - 3000], "\(one.traces)")
    }
}

/// The exact transport of doubles out of an engine: significand and exponent, summed as
/// DECIMAL(38,0) per exponent, recombined exactly (docs/engines.md, "Exact sums").
struct ExactTransportTests {
    static let hostile: [Double] = [
        0.1, 0.2, 0.30000000000000004, 1e-300, 1e300, -1e300, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
        0, 9007199254740993, 9007199254740992, 9007199254740991, 1.7976931348623157e308, 4503599627370497.5, 0.5, 3,
        -0.1, 123456.789, 1.0000000000000002, 0.9999999999999999,
    ]

    @Test(.enabled(if: Engines.duckdb)) func hostileDoublesRoundTripAndSumExactlyThroughDuckDB() throws {
        let contract = try #require(try? PlanBuilding.plan(contractPath: Engines.path("Contracts/acme-schedule-b.sla"), colored: false).get())
        let script = SQLScript(try contract.validated(), dialect: .duckdb, input: .jsonl)
        let values = Self.hostile.map { "(CAST('\($0)' AS DOUBLE))" }.joined(separator: ", ")
        let source = "SELECT v FROM (VALUES \(values)) AS t(v)"
        let query = """
            COPY (SELECT v_m, v_e FROM (\(script.decomposed(source, "v", "v")))) TO '/dev/stdout' (FORMAT csv, HEADER false);
            COPY (SELECT v_e, CAST(sum(CAST(v_m AS DECIMAL(38,0))) AS VARCHAR) FROM (\(script.decomposed(source, "v", "v"))) GROUP BY v_e) TO '/dev/stdout' (FORMAT csv, HEADER false);
            """
        let duckdb = try #require(EngineRun.find("duckdb"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: duckdb)
        process.arguments = [":memory:", "-c", query]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let rows = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        try #require(rows.count > Self.hostile.count)
        for (i, x) in Self.hostile.enumerated() {
            let m = try #require(Int64(rows[i][0])), e = try #require(Int(rows[i][1]))
            let back = Double(sign: .plus, exponent: e - 52, significand: Double(m.magnitude)) * (m < 0 ? -1 : 1)
            #expect(back == x && back.sign == (x == 0 ? .plus : x.sign), "\(x) came back as \(back)")
        }
        var engineSum = ExactSum()
        for row in rows.dropFirst(Self.hostile.count) {
            engineSum.add(integer: try #require(BigInt(decimal: row[1])), binaryExponent: try #require(Int(row[0])) - 52)
        }
        var exact = ExactSum()
        for x in Self.hostile { exact.add(x) }
        #expect(engineSum.exactValue == exact.exactValue)
    }

    @Test("the script's header names the contract's id and version, and contract text cannot end a comment line")
    func scriptHeader() throws {
        let contract = try #require(try? PlanBuilding.plan(contractPath: Engines.path("Benchmarks/peers-evaluation.sla"), colored: false).get())
        let script = SQLScript(try contract.validated(), dialect: .duckdb, input: .jsonl)
        let header = script.header()
        #expect(header.contains("-- contract Benchmark: peer evaluation (BENCH-PEERS-1 v1), sha256 "), "\(header)")
        #expect(!header.contains("Optional("))
        #expect(script.comment("a\rDROP TABLE x;\nb\u{2028}c\u{0}") == "a DROP TABLE x; b c ")
    }

    /// Dotted custom fields (`gen_ai.system`, as OpenTelemetry names attributes) were refused by
    /// both engines (the script names a column after each field). They are top-level keys, as
    /// natively: a nested `{"gen_ai": {"system": …}}` is not the field.
    @Test(.enabled(if: Engines.duckdb)) func dottedFieldsThroughDuckDB() throws {
        let dir = TemporaryDirectory()
        let contract = try dir.write("dotted.sla", Engines.dottedContract)
        let trace = try dir.write("dotted.jsonl", Engines.dottedTrace)
        #expect(Engines.compare(contract, [trace], engine: .duckdb) > 0)
        let native = try #require(try? Engines.run(contract: contract, traces: [trace], engine: nil).get())
        // The groups are the flat keys' values; the nested object's record has none. Charges
        // (scope does not apply to them): openai 2.00 + 3.00, anthropic 0.50 + 0.70.
        let clause = native.clauses[0]
        #expect(Set(clause.periods.map { $0.key.first?.value }) == ["openai", "anthropic", nil])
        #expect(Dictionary(uniqueKeysWithValues: clause.periods.map { ($0.key.first?.value ?? "-", $0.chargesText ?? "") })
                == ["openai": "5.00", "anthropic": "1.20", "-": "0.00"])
        #expect(clause.windowsBreached == 1 && clause.windowsMet == 2)
    }

    /// What cannot make a column name is refused before the engine runs: two fields whose column
    /// names would be the same (`a.b` and `a_dot_b`), and, in an edited plan, a name with other
    /// characters than letters, digits, `_` and dots.
    @Test func fieldsWithoutAColumnNameAreRefused() throws {
        let dir = TemporaryDirectory()
        let contract = try dir.write("same.sla", """
            contract "Same" {
                effective 2026-03-01 to 2026-04-01
                clause "1" fast {
                    scope a.b = "x" and a_dot_b = "y"
                    every 1 hour
                    require max(ttft) <= 150 ms
                }
            }

            """)
        let plan = try #require(try? PlanBuilding.plan(contractPath: contract, colored: false).get())
        for dialect in [SQLDialect.duckdb, .spark] {
            #expect(throws: SQLCompileError.self) { _ = try SQLScript(try plan.validated(), dialect: dialect, input: .jsonl).text() }
        }
        var edited = plan
        edited.clauses[0].scope = .text(field: "x\"y", equal: true, value: "1")
        edited.fields.text = (edited.fields.text + ["x\"y"]).sorted()
        #expect(throws: SQLCompileError.self) { _ = try SQLScript(try edited.validated(), dialect: .duckdb, input: .jsonl).text() }
        #expect(SQLScript.columnName("gen_ai.system") == "gen_ai_dot_system" && SQLScript.sparkPath("gen_ai.system") == "$['gen_ai.system']")
        #expect(SQLScript.isPlainName("finish_reason") && !SQLScript.isPlainName("gen_ai.system") && !SQLScript.isPlainName("2fa"))
    }

    @Test func bigIntegersAddExactly() throws {
        var sum = ExactSum()
        sum.add(integer: try #require(BigInt(decimal: "340282366920938463463374607431768211455")), binaryExponent: 900)
        sum.add(integer: try #require(BigInt(decimal: "-3")), binaryExponent: -1074)
        let expected = Rational(try #require(BigInt(decimal: "340282366920938463463374607431768211455")).shiftedLeft(900))
            - Rational(BigInt(3), BigInt.one.shiftedLeft(1074))
        #expect(sum.exactValue == expected)
    }
}
