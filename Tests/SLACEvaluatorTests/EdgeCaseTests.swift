import Foundation
import SLACChecker
import SLACEvaluator
import SLACTrace
import SLACTestSupport
import Testing

/// Hand-made inputs at the edges of docs/language.md and docs/fuzzing.md, each compared with the reference too.
@Suite("Edge cases of windows, groups and values")
struct EdgeCaseTests {
    func run(_ header: String, _ clauses: String, _ lines: [String], jobs: Int = 2) throws -> (EvaluationResult, [String]) {
        let dir = TempDir()
        let path = try dir.file("t.jsonl", lines.joined(separator: "\n") + "\n")
        let contract = try checkContract("contract \"Edge\" {\n\(header)\n\(clauses)\n}\n")
        let result = try runEvaluator(makePlan(contract), [(path, .jsonl)], jobs: jobs)
        let reference = ReferenceEvaluator(contract: contract).evaluate([RefReader.jsonl(try Data(contentsOf: URL(fileURLWithPath: path)))])
        return (result, differences(result, reference, contract: contract))
    }

    func days(_ r: EvaluationResult) -> [String] {
        r.clauses[0].windows.map { "\(isoUTC($0.start)) \(isoUTC($0.end)) \($0.count)" }
    }

    func day(_ s: String, _ e: String, _ n: Int) -> String { "\(isoUTC(utc(s))) \(isoUTC(utc(e))) \(n)" }

    /// A term starting at Kolkata midnight (18:30Z) has an hourly window from 18:00Z that starts
    /// before it: that window counts in the term's first month, not in the month before (found
    /// by an audit: a breached window there made a February period, and a credit, outside the term).
    @Test("a window that starts before the term counts in the first period")
    func windowBeforeTheTermCountsInTheFirstPeriod() throws {
        var lines = ["{\"id\":\"r0\",\"ts\":\"2026-02-28T18:40:00Z\",\"ttft_ms\":900}"]
        for h in 1..<200 {
            let ts = utc("2026-02-28T18:10:00Z") + Int64(h) * 3_600_000_000_000
            lines.append("{\"id\":\"r\(h)\",\"ts\":\"\(isoUTC(ts))\",\"ttft_ms\":100}")
        }
        let (r, diffs) = try run("effective 2026-03-01 to 2027-03-01\ntimezone \"Asia/Kolkata\"\nfee 1000.00 USD per month",
                                 "clause \"1\" hourly { every 1 hour\n require p99(ttft) <= 800 ms\n objective 99% of windows per calendar month\n credit 10% of fee when attainment < 99% }",
                                 lines)
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
        let clause = r.clauses[0]
        #expect(clause.periods.map { isoUTC($0.start) } == [isoUTC(utc("2026-02-28T18:30:00Z"))])
        #expect(clause.periods.map { "\($0.met)/\($0.breached)" } == ["199/1"])
        #expect(clause.verdict == .compliant && clause.credits.isEmpty)
    }

    /// A record that several exclusions match is counted under the first in source order, also
    /// when a request condition is written before a maintenance interval (it used to be counted
    /// under the interval).
    @Test("exclusion counts follow the source order")
    func exclusionCountsFollowTheSourceOrder() throws {
        let lines = ["{\"id\":\"a\",\"ts\":\"2026-03-14T03:00:00Z\",\"status\":\"error:429\"}",
                     "{\"id\":\"b\",\"ts\":\"2026-03-14T03:10:00Z\"}",
                     "{\"id\":\"c\",\"ts\":\"2026-03-14T05:00:00Z\",\"status\":\"error:429\"}",
                     "{\"id\":\"d\",\"ts\":\"2026-03-14T05:10:00Z\"}"]
        for jobs in [1, 2] {
            let (r, diffs) = try run("effective 2026-01-01 to 2027-01-01\nexclude requests where status = \"error:429\"\n"
                                     + "exclude maintenance from 2026-03-14T02:00:00Z to 2026-03-14T04:00:00Z",
                                     "clause \"1\" c { every 1 hour\n require count <= 5 requests }", lines, jobs: jobs)
            #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
            // Listed maintenance first; `a` is counted under the condition written first.
            #expect(r.exclusions.map { "\($0.kind) \($0.removed)" } == ["maintenance 1", "requests 2"])
        }
    }

    @Test("America/Santiago: midnight skipped (day starts 01:00) and repeated (25-hour day)")
    func santiago() throws {
        let (r, diffs) = try run("effective 2026-01-01 to 2027-01-01\ntimezone \"America/Santiago\"",
                                 "clause \"1\" d { every calendar day\n require count >= 1 requests }", [
            "{\"id\":\"a\",\"ts\":\"2026-04-05T02:59:59Z\"}",  // 04-04 23:59:59 -03
            "{\"id\":\"b\",\"ts\":\"2026-04-05T03:30:00Z\"}",  // 04-04 23:30 -04 (repeated hour)
            "{\"id\":\"c\",\"ts\":\"2026-04-05T04:00:00Z\"}",  // 04-05 00:00 -04
            "{\"id\":\"d\",\"ts\":\"2026-09-06T03:59:59Z\"}",  // 09-05 23:59:59 -04
            "{\"id\":\"e\",\"ts\":\"2026-09-06T04:00:00Z\"}",  // 09-06 01:00 -03 (00:00 does not exist)
        ])
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
        #expect(days(r) == [
            day("2026-04-04T03:00:00Z", "2026-04-05T04:00:00Z", 2),  // 25 h
            day("2026-04-05T04:00:00Z", "2026-04-06T04:00:00Z", 1),
            day("2026-09-05T04:00:00Z", "2026-09-06T04:00:00Z", 1),
            day("2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z", 1),  // 23 h
        ])
    }

    @Test("Australia/Lord_Howe: a half-hour change makes a 24.5-hour day")
    func lordHowe() throws {
        let (r, diffs) = try run("effective 2026-01-01 to 2027-01-01\ntimezone \"Australia/Lord_Howe\"",
                                 "clause \"1\" d { every calendar day\n require count >= 1 requests }", [
            "{\"id\":\"a\",\"ts\":\"2026-04-04T13:00:00Z\"}",  // 04-05 00:00 +11
            "{\"id\":\"b\",\"ts\":\"2026-04-05T13:29:59Z\"}",  // 04-05 23:59:59 +10:30
            "{\"id\":\"c\",\"ts\":\"2026-04-05T13:30:00Z\"}",  // 04-06 00:00 +10:30
        ])
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
        #expect(days(r) == [
            day("2026-04-04T13:00:00Z", "2026-04-05T13:30:00Z", 2),
            day("2026-04-05T13:30:00Z", "2026-04-06T13:30:00Z", 1),
        ])
    }

    @Test("group keys with control characters do not collide")
    func groupKeyCollision() throws {
        // (tenant "x\0\u{2}y", no model) and (tenant "x", model "y\0\u{1}") are different groups.
        let (r, diffs) = try run("effective 2026-01-01 to 2027-01-01",
                                 "clause \"1\" g { every 1 hour per tenant, model\n require count <= 1 requests }", [
            "{\"id\":\"a\",\"ts\":\"2026-03-14T05:00:00Z\",\"tenant\":\"x\\u0000\\u0002y\"}",
            "{\"id\":\"b\",\"ts\":\"2026-03-14T05:00:01Z\",\"tenant\":\"x\",\"model\":\"y\\u0000\\u0001\"}",
        ])
        #expect(r.traces.first?.accepted == 2)
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
        #expect(r.clauses[0].windows.count == 2)
        #expect(r.clauses[0].verdict == .compliant)
    }

    @Test("a token total that overflows binary64 is not silently dropped from a quota")
    func hugeTokenCounts() throws {
        // input + output = 2e308 overflows to +inf in binary64: the day's sum is over any quota.
        let (r, _) = try run("effective 2026-01-01 to 2027-01-01",
                             "clause \"1\" q { every calendar day\n require sum(total_tokens) <= 50M tokens }", [
            "{\"id\":\"a\",\"ts\":\"2026-03-14T05:00:00Z\",\"input_tokens\":1e308,\"output_tokens\":1e308}",
            "{\"id\":\"b\",\"ts\":\"2026-03-14T06:00:00Z\",\"input_tokens\":10,\"output_tokens\":10}",
        ])
        let t = try #require(r.traces.first)
        let w = r.clauses[0].windows.first
        // The reader rejects a count above 2^53 (it could not be a whole number in binary64, and
        // the sum would overflow); the record is listed, and the day holds only the other one.
        #expect(t.rejected == 1)
        #expect(r.rejected.first?.line == 1)
        #expect(w?.observed?.text == "20")
        #expect(w?.verdict == .met)
    }

    @Test("more than 100 rejected lines: the first 100 listed, all counted, independent of jobs")
    func manyRejected() throws {
        var lines: [String] = []
        for i in 0..<400 {
            lines.append(i % 3 == 0 ? "{\"id\":\"bad\(i)\",\"ts\":\"2026-03-14T05:00:00Z\",\"ttft_ms\":-\(i + 1)}"
                                    : "{\"id\":\"ok\(i)\",\"ts\":\"2026-03-14T05:00:00Z\",\"ttft_ms\":\(i)}")
        }
        var first: EvaluationResult?
        for jobs in [1, 2, 3, 7] {
            let (r, diffs) = try run("effective 2026-01-01 to 2027-01-01", "clause \"1\" c { every 1 hour\n require max(ttft) <= 1 s }", lines, jobs: jobs)
            #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
            #expect(r.rejectedTotal == 134)
            #expect(r.traces.first?.rejected == 134)
            #expect(r.rejected.count == 100)
            #expect(r.rejected.map(\.line) == Array(stride(from: 1, through: 298, by: 3)))
            if let first { #expect(r == first, "jobs \(jobs)") } else { first = r }
        }
    }

    @Test("grouping by status: an absent status is the group `ok`")
    func groupByStatus() throws {
        let (r, diffs) = try run("effective 2026-01-01 to 2027-01-01", "clause \"1\" s { every 1 hour per status\n require count >= 1 requests }", [
            "{\"id\":\"a\",\"ts\":\"2026-03-14T05:00:00Z\"}",
            "{\"id\":\"b\",\"ts\":\"2026-03-14T05:00:01Z\",\"status\":\"ok\"}",
            "{\"id\":\"c\",\"ts\":\"2026-03-14T05:00:02Z\",\"status\":null}",
            "{\"id\":\"d\",\"ts\":\"2026-03-14T05:00:03Z\",\"status\":\"timeout\"}",
        ])
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
        #expect(r.clauses[0].windows.map { "\($0.key.first?.value ?? "∅") \($0.count)" } == ["ok 3", "timeout 1"])
    }

    @Test("term and maintenance boundaries are half-open")
    func halfOpen() throws {
        let (r, diffs) = try run("""
            effective 2026-03-01T00:00:00Z to 2026-04-01T00:00:00Z
            exclude maintenance from 2026-03-14T02:00:00Z to 2026-03-14T04:00:00Z
            """, "clause \"1\" c { every calendar month\n require count >= 1 requests }", [
            "{\"id\":\"a\",\"ts\":\"2026-02-28T23:59:59.999999999Z\"}",  // outside
            "{\"id\":\"b\",\"ts\":\"2026-03-01T00:00:00Z\"}",            // inside
            "{\"id\":\"c\",\"ts\":\"2026-03-14T01:59:59.999Z\"}",        // inside
            "{\"id\":\"d\",\"ts\":\"2026-03-14T02:00:00Z\"}",            // excluded
            "{\"id\":\"e\",\"ts\":\"2026-03-14T03:59:59.999Z\"}",        // excluded
            "{\"id\":\"f\",\"ts\":\"2026-03-14T04:00:00Z\"}",            // inside
            "{\"id\":\"g\",\"ts\":\"2026-03-31T23:59:59.999Z\"}",        // inside
            "{\"id\":\"h\",\"ts\":\"2026-04-01T00:00:00Z\"}",            // outside
        ])
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
        let t = try #require(r.traces.first)
        #expect((t.read, t.accepted, t.outsideTerm, t.excluded) == (8, 6, 2, 2))
        #expect(r.clauses[0].windows.first?.count == 4)
    }
}

/// Text is compared by its bytes: `"é"` written as one code point and as `e` with a combining
/// accent are two values. Swift's `==` took them for one in conditions (and where states merged),
/// while groups kept them apart and the engines compared bytes (found by an audit).
extension EdgeCaseTests {
    @Test("two spellings of é are two values, in conditions and in groups, with any number of jobs", arguments: [1, 2])
    func unicodeSpellingsAreDistinct(jobs: Int) throws {
        let composed = "d\u{E9}", decomposed = "de\u{301}"
        #expect(composed == decomposed)  // as Swift compares them
        var lines: [String] = []
        for i in 0..<400 {
            let tenant = i % 2 == 0 ? composed : decomposed
            lines.append("{\"id\":\"r\(i)\",\"ts\":\"\(isoUTC(utc("2026-03-01T00:00:00Z") + Int64(i) * 1_000_000_000))\",\"tenant\":\"\(tenant)\",\"ttft_ms\":\(i % 2 == 0 ? 100 : 900)}")
        }
        let dir = TempDir()
        let path = try dir.file("t.jsonl", lines.joined(separator: "\n") + "\n")
        let contract = try checkContract("""
            contract "Edge" {
            effective 2026-01-01 to 2027-01-01
            clause "1" grouped { every 1 hour per tenant
             require max(ttft) <= 500 ms }
            clause "2" scoped { scope tenant = "\(composed)"
             every 1 hour
             require max(ttft) <= 500 ms }
            clause "3" listed { scope tenant in ["\(decomposed)"]
             every 1 hour
             require max(ttft) <= 500 ms }
            }
            """)
        // Small blocks: with two jobs the groups meet where the states of blocks merge.
        let r = try runEvaluator(makePlan(contract), [(path, .jsonl)], jobs: jobs, blockSize: 4096)
        #expect(r.clauses[0].windowsMet == 1 && r.clauses[0].windowsBreached == 1)
        // One spelling each: the composed one all at 100 ms (met), the other all at 900 ms.
        #expect((r.clauses[1].windowsMet, r.clauses[1].windowsBreached) == (1, 0))
        #expect((r.clauses[2].windowsMet, r.clauses[2].windowsBreached) == (0, 1))
        #expect(r.clauses[2].windows.map(\.count) == [200])
    }
}
