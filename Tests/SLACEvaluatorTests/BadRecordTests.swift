import Foundation
import SLACChecker
import SLACEvaluator
import SLACMonitor
import SLACTool
import SLACTrace
import Testing

/// Record accounting (docs/language.md, "Record accounting"; docs/formats.md, "Bad records") with malformed input, JSON Lines and CSV.
@Suite("Bad records are counted, listed and never dropped")
struct BadRecordTests {
    static let contractText = """
        contract "Accounting" {
            effective 2026-03-01 to 2026-04-01
            timezone "UTC"
            exclude requests where status = "error:429"
            clause "1" ttft {
                every 1 hour per tenant
                require p99(ttft) <= 800 ms
            }
            clause "2" tokens {
                every calendar day
                require sum(total_tokens) <= 1M tokens
            }
            clause "3" grid {
                every 100 ns
                require count >= 1 requests
            }
        }
        """

    /// JSON Lines: CRLF endings, blank lines, no final newline and every kind of bad line.
    static let jsonl = [
        "{\"id\":\"a\",\"ts\":\"2026-03-14T05:00:00Z\",\"tenant\":\"acme\",\"input_tokens\":76.0,\"output_tokens\":10,\"ttft_ms\":100,\"e2e_ms\":500}\r",  // 1 ok (76.0 is 76)
        "{\"id\":\"b\",\"ts\":\"2026-03-14T05:00:01Z\",\"tenant\":\"acme\",\"input_tokens\":76.5}\r",  // 2 not whole
        "   ",                                                                                       // 3 blank
        "{\"id\":\"c\",\"tenant\":\"acme\",\"ttft_ms\":5}",                                           // 4 missing ts
        "{\"id\":\"d\",\"ts\":\"2026-03-14T05:00:02Z\",\"ttft_ms\":-1}",                              // 5 negative
        "{\"id\":\"e\",\"ts\":\"2026-03-14T05:00:03Z\",\"e2e_ms\":\"abc\"}",                          // 6 not a number
        "{\"id\":\"f\",\"ts\":\"2026-03-14T05:00:04.1234567Z\",\"tenant\":\"acme\",\"ttft_ms\":50}",  // 7 ok, 7 digits
        "{\"id\":\"g\",\"ts\":\"2026-03-14T05:00:05\",\"ttft_ms\":50}",                               // 8 no offset
        "{\"id\":\"h\",\"ts\":\"2025-03-14T05:00:05Z\",\"ttft_ms\":50}",                              // 9 outside the term
        "\r",                                                                                        // 10 blank (CR only)
        "{\"id\":\"i\",\"ts\":1773464400000,\"tenant\":\"globex\",\"ttft_ms\":50}",                   // 11 ok, epoch ms
        "{\"id\":\"j\",\"ts\":\"2026-03-14T05:00:06Z\",\"ttft_ms\":50,",                              // 12 invalid JSON
        "{\"id\":\"k\",\"ts\":\"2026-03-14T05:00:07Z\"}",                                             // 13 ok, no metrics
        "{\"id\":\"l\",\"ts\":\"2026-03-14T05:00:08Z\",\"status\":\"error:429\",\"ttft_ms\":9000}",   // 14 ok, excluded
        "",                                                                                          // 15 blank
        "{\"id\":\"m\",\"ts\":\"2026-03-14T05:00:09+01:00\",\"tenant\":\"acme\",\"ttft_ms\":800,\"input_tokens\":5,\"output_tokens\":7}",  // 16 ok, no final newline
    ].joined(separator: "\n")

    static let jsonlRejected: [(Int, String)] = [(2, "whole"), (4, "missing `ts`"), (5, "negative"), (6, "not a number"),
                                                 (8, "offset"), (12, "JSON")]

    static let csv = [
        "id,ts,tenant,status,input_tokens,output_tokens,ttft_ms,e2e_ms\r",
        "a,2026-03-14T05:00:00Z,acme,ok,76.0,10,100,500\r",             // 2 ok
        "b,2026-03-14T05:00:01Z,acme,ok,76.5,10,100,500\r",             // 3 not whole
        "\r",                                                            // 4 blank
        "c,,acme,ok,1,1,5,6",                                            // 5 missing ts
        "d,2026-03-14T05:00:02Z,acme,ok,1,1,-1,6",                       // 6 negative
        "e,2026-03-14T05:00:03Z,acme,ok,1,1,5,abc",                      // 7 not a number
        "f,2026-03-14T05:00:04.1234567Z,acme,ok,,,50,",                  // 8 ok, missing fields
        "g,2026-03-14T05:00:05,acme,ok,1,1,50,60",                       // 9 no offset
        "h,2025-03-14T05:00:05Z,acme,ok,1,1,50,60",                      // 10 outside the term
        "i,1773464400000,globex,,1,1,50,60",                             // 11 ok, epoch ms, status absent
        "j,2026-03-14T05:00:06Z,acme,ok,1,1",                            // 12 too few cells
        "k,2026-03-14T05:00:07Z,acme,ok,,,,",                            // 13 ok, no metrics
        "",                                                              // 14 blank
        "l,2026-03-14T05:00:08Z,acme,error:429,1,1,9000,9500",           // 15 ok, excluded
        "m,2026-03-14T05:00:09+01:00,acme,ok,5,7,800,900",               // 16 ok, no final newline
    ].joined(separator: "\n")

    static let csvRejected: [(Int, String)] = [(3, "whole"), (5, "missing `ts`"), (6, "negative"), (7, "not a number"),
                                               (9, "offset"), (12, "cells")]

    func check(_ text: String, format: TraceFormat, rejected expected: [(Int, String)], accepted: Int, outside: Int) throws {
        let dir = TempDir()
        let path = try dir.file("bad.\(format.rawValue)", text)
        let contract = try checkContract(Self.contractText)
        for jobs in [1, 2, 3, 7] {
            let result = try runEvaluator(makePlan(contract), [(path, format)], jobs: jobs)
            let t = try #require(result.traces.first)
            #expect(t.read == t.accepted + t.rejected + t.outsideTerm)
            #expect(t.read == expected.count + accepted + outside, "jobs \(jobs)")
            #expect(t.rejected == expected.count)
            #expect(t.accepted == accepted)
            #expect(t.outsideTerm == outside)
            #expect(t.excluded == 1)
            #expect(result.rejectedTotal == expected.count)
            #expect(result.rejected.map(\.line) == expected.map(\.0), "jobs \(jobs)")
            for (r, e) in zip(result.rejected, expected) {
                #expect(r.reason.contains(e.1), "line \(r.line): reason `\(r.reason)` should mention \(e.1)")
                #expect(r.reason == r.reason.trimmingCharacters(in: .whitespaces) && !r.reason.hasSuffix("."), "house style: \(r.reason)")
                #expect(r.path == "bad.\(format.rawValue)")
            }
            // The reference reader agrees on the record accounting and on the rejected lines.
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let ref = ReferenceEvaluator(contract: contract).evaluate([format == .csv ? RefReader.csv(data) : RefReader.jsonl(data)])
            let diffs = differences(result, ref, contract: contract)
            #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
            // 7 fractional digits: 05:00:04.1234567 lands in the 100 ns window starting at .1234567.
            let grid = result.clauses[2].windows.map(\.start)
            #expect(grid.contains(utc("2026-03-14T05:00:04Z") + 123_456_700))
            // Epoch milliseconds: 1773464400000 ms is 2026-03-14T05:00:00Z.
            #expect(result.clauses[0].windows.contains { $0.key.first?.value == "globex" && $0.start == utc("2026-03-14T05:00:00Z") })
            // `+01:00` is an hour earlier in UTC: 04:00:09Z.
            #expect(grid.contains(utc("2026-03-14T04:00:09Z")))
        }
    }

    @Test("JSON Lines: CRLF, blank lines, no final newline, bad values")
    func jsonLines() throws {
        try check(Self.jsonl, format: .jsonl, rejected: Self.jsonlRejected, accepted: 6, outside: 1)
    }

    @Test("CSV: CRLF, blank lines, no final newline, bad values")
    func csvFile() throws {
        try check(Self.csv, format: .csv, rejected: Self.csvRejected, accepted: 6, outside: 1)
    }

    @Test("76.0 is the token count 76")
    func wholeFloats() throws {
        let dir = TempDir()
        let path = try dir.file("t.jsonl", Self.jsonl)
        let contract = try checkContract(Self.contractText)
        let result = try runEvaluator(makePlan(contract), [(path, .jsonl)], jobs: 1)
        // Day total: record a (76 + 10) and record m (5 + 7); the others lack a token count.
        let day = try #require(result.clauses[1].windows.first)
        #expect(day.observed?.text == "98")
    }

    func verify(_ options: VerifyCommand.Options) -> CommandOutput { VerifyCommand.run(options, colored: false) }

    @Test("--strict turns rejected records into exit code 3; without it they are counted")
    func strict() throws {
        let dir = TempDir()
        let contractPath = try dir.file("c.sla", Self.contractText)
        for (name, text) in [("bad.jsonl", Self.jsonl), ("bad.csv", Self.csv)] {
            let trace = try dir.file(name, text)
            var options = VerifyCommand.Options(contractPath: contractPath, traces: [trace])
            options.quiet = true
            let lenient = verify(options)
            #expect(lenient.exitCode == 0 || lenient.exitCode == 1, "\(lenient.standardError)")
            options.strict = true
            let strict = verify(options)
            #expect(strict.exitCode == 3)
            #expect(strict.standardError.contains("6 records were rejected"), "\(strict.standardError)")
            #expect(strict.standardError.contains("--strict"))
            // Both reports and stderr point at the lines.
            #expect(strict.standardError.contains("\(trace):\(name.hasSuffix("csv") ? 3 : 2):"), "\(strict.standardError)")
        }
        // A clean trace passes --strict.
        let clean = try dir.file("clean.jsonl", "{\"id\":\"a\",\"ts\":\"2026-03-14T05:00:00Z\",\"tenant\":\"acme\",\"ttft_ms\":100,\"input_tokens\":1,\"output_tokens\":1}\n")
        var options = VerifyCommand.Options(contractPath: contractPath, traces: [clean])
        options.strict = true
        options.quiet = true
        #expect(verify(options).exitCode == 0)
    }

    @Test("an unreadable trace is exit code 3 with a clear message")
    func unreadable() throws {
        let dir = TempDir()
        let contractPath = try dir.file("c.sla", Self.contractText)
        let missing = dir.path("does-not-exist.jsonl")
        var options = VerifyCommand.Options(contractPath: contractPath, traces: [missing])
        options.quiet = true
        let out = verify(options)
        #expect(out.exitCode == 3)
        #expect(out.standardError.contains("cannot read trace"), "\(out.standardError)")
        #expect(out.standardError.contains(missing), "\(out.standardError)")
        #expect(out.standardOutput.isEmpty)

        // A directory is not a trace either.
        options.traces = [dir.url.path]
        let directory = verify(options)
        #expect(directory.exitCode == 3, "\(directory.standardError)")
        #expect(directory.standardError.contains(dir.url.path))

        // A corrupt gzip stream.
        let gz = try dir.file("broken.jsonl.gz", bytes: [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xFF, 0xFF, 0x00])
        options.traces = [gz]
        let broken = verify(options)
        #expect(broken.exitCode == 3, "\(broken.standardError)")
        #expect(broken.standardError.contains("broken.jsonl.gz"), "\(broken.standardError)")
    }
}
