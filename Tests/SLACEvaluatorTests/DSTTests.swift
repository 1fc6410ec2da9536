import Foundation
import SLACChecker
import SLACEvaluator
import SLACMonitor
import SLACTrace
import SLACTestSupport
import Testing

/// Calendar windows across daylight-saving changes, against UTC instants computed by hand.
@Suite("Calendar windows across daylight-saving changes")
struct DSTTests {
    static func contract(zone: String) -> String {
        """
        contract "DST \(zone)" {
            effective 2026-01-01 to 2027-01-01
            timezone "\(zone)"
            clause "1" days {
                every calendar day
                require count >= 1 requests
            }
            clause "2" weeks {
                every calendar week
                require count >= 1 requests
            }
            clause "3" months {
                every calendar month
                require count >= 1 requests
            }
            clause "4" hours {
                every 1 hour
                require count >= 1 requests
            }
            clause "5" weekly_by_month {
                every calendar week
                require count >= 2 requests
                objective 50% of windows per calendar month
            }
        }
        """
    }

    /// Evaluates records at the given instants (one JSON Lines record each, in reverse order).
    func evaluate(zone: String, instants: [String]) throws -> (EvaluationResult, RefResult, CheckedContract) {
        let dir = TempDir()
        var lines: [String] = []
        for (i, t) in instants.enumerated().reversed() {
            lines.append("{\"id\":\"r\(i)\",\"ts\":\"\(t)\",\"tenant\":\"acme\",\"ttft_ms\":100}")
        }
        let path = try dir.file("dst.jsonl", lines.joined(separator: "\n") + "\n")
        let contract = try checkContract(Self.contract(zone: zone))
        let result = try runEvaluator(makePlan(contract), [(path, .jsonl)], jobs: 2)
        let reference = ReferenceEvaluator(contract: contract).evaluate([RefReader.jsonl(try Data(contentsOf: URL(fileURLWithPath: path)))])
        let diffs = differences(result, reference, contract: contract)
        #expect(diffs.isEmpty, Testing.Comment(rawValue: diffs.joined(separator: "\n")))
        return (result, reference, contract)
    }

    struct Expected: CustomStringConvertible {
        var start: String
        var end: String
        var count: Int
        var description: String { "[\(start), \(end)) ×\(count)" }
    }

    func windows(_ r: EvaluationResult, clause: Int) -> [String] {
        r.clauses[clause].windows.map { "[\(isoUTC($0.start)), \(isoUTC($0.end))) ×\($0.count)" }
    }

    func expect(_ r: EvaluationResult, clause: Int, _ expected: [Expected], sourceLocation: SourceLocation = #_sourceLocation) {
        let want = expected.map { "[\(isoUTC(utc($0.start))), \(isoUTC(utc($0.end)))) ×\($0.count)" }
        #expect(windows(r, clause: clause) == want, sourceLocation: sourceLocation)
    }

    @Test("America/New_York: 2026-03-08 is 23 hours, 2026-11-01 is 25 hours")
    func newYork() throws {
        let instants = [
            "2026-03-08T04:59:59.999Z",  // Sat 03-07 23:59:59.999 EST
            "2026-03-08T05:00:00Z",      // Sun 03-08 00:00 EST
            "2026-03-08T06:59:59Z",      // 01:59:59 EST, just before the jump
            "2026-03-08T07:00:00Z",      // 03:00 EDT
            "2026-03-09T03:59:59.999Z",  // Sun 23:59:59.999 EDT
            "2026-03-09T04:00:00Z",      // Mon 03-09 00:00 EDT
            "2026-11-01T03:59:59Z",      // Sat 10-31 23:59:59 EDT
            "2026-11-01T04:00:00Z",      // Sun 11-01 00:00 EDT
            "2026-11-01T05:30:00Z",      // 01:30 EDT (first pass)
            "2026-11-01T06:30:00Z",      // 01:30 EST (second pass)
            "2026-11-02T04:59:59Z",      // Sun 23:59:59 EST
            "2026-11-02T05:00:00Z",      // Mon 11-02 00:00 EST
        ]
        let (r, _, _) = try evaluate(zone: "America/New_York", instants: instants)
        expect(r, clause: 0, [
            Expected(start: "2026-03-07T05:00:00Z", end: "2026-03-08T05:00:00Z", count: 1),
            Expected(start: "2026-03-08T05:00:00Z", end: "2026-03-09T04:00:00Z", count: 4),  // 23 h
            Expected(start: "2026-03-09T04:00:00Z", end: "2026-03-10T04:00:00Z", count: 1),
            Expected(start: "2026-10-31T04:00:00Z", end: "2026-11-01T04:00:00Z", count: 1),
            Expected(start: "2026-11-01T04:00:00Z", end: "2026-11-02T05:00:00Z", count: 4),  // 25 h
            Expected(start: "2026-11-02T05:00:00Z", end: "2026-11-03T05:00:00Z", count: 1),
        ])
        expect(r, clause: 1, [
            Expected(start: "2026-03-02T05:00:00Z", end: "2026-03-09T04:00:00Z", count: 5),  // 167 h
            Expected(start: "2026-03-09T04:00:00Z", end: "2026-03-16T04:00:00Z", count: 1),
            Expected(start: "2026-10-26T04:00:00Z", end: "2026-11-02T05:00:00Z", count: 5),  // 169 h
            Expected(start: "2026-11-02T05:00:00Z", end: "2026-11-09T05:00:00Z", count: 1),
        ])
        expect(r, clause: 2, [
            Expected(start: "2026-03-01T05:00:00Z", end: "2026-04-01T04:00:00Z", count: 6),
            Expected(start: "2026-10-01T04:00:00Z", end: "2026-11-01T04:00:00Z", count: 1),
            Expected(start: "2026-11-01T04:00:00Z", end: "2026-12-01T05:00:00Z", count: 5),
        ])
        let day = r.clauses[0].windows[1]
        #expect(day.end - day.start == 23 * 3_600_000_000_000)
        #expect(r.clauses[0].windows[4].end - r.clauses[0].windows[4].start == 25 * 3_600_000_000_000)
        // Fixed windows stay on the epoch grid: 05:30Z and 06:30Z are different hours.
        #expect(windows(r, clause: 3).contains("[\(isoUTC(utc("2026-11-01T05:00:00Z"))), \(isoUTC(utc("2026-11-01T06:00:00Z")))) ×1"))
    }

    @Test("Europe/Berlin: 2026-03-29 is 23 hours, 2026-10-25 is 25 hours")
    func berlin() throws {
        let instants = [
            "2026-03-28T22:59:59Z",            // Sat 03-28 23:59:59 CET
            "2026-03-28T23:00:00Z",            // Sun 03-29 00:00 CET
            "2026-03-29T00:59:59.999+01:00",   // 01:59:59.999 CET, just before the jump
            "2026-03-29T03:00:00+02:00",       // 03:00 CEST
            "2026-03-29T21:59:59.999999999Z",  // Sun 23:59:59.999999999 CEST
            "2026-03-29T22:00:00Z",            // Mon 03-30 00:00 CEST
            "2026-10-24T21:59:59Z",            // Sat 10-24 23:59:59 CEST
            "2026-10-24T22:00:00Z",            // Sun 10-25 00:00 CEST
            "2026-10-25T02:30:00+02:00",       // 02:30 CEST (first pass)
            "2026-10-25T02:30:00+01:00",       // 02:30 CET (second pass)
            "2026-10-25T23:59:59+01:00",       // Sun 23:59:59 CET
            "2026-10-26T00:00:00+01:00",       // Mon 10-26 00:00 CET
        ]
        let (r, _, _) = try evaluate(zone: "Europe/Berlin", instants: instants)
        expect(r, clause: 0, [
            Expected(start: "2026-03-27T23:00:00Z", end: "2026-03-28T23:00:00Z", count: 1),
            Expected(start: "2026-03-28T23:00:00Z", end: "2026-03-29T22:00:00Z", count: 4),  // 23 h
            Expected(start: "2026-03-29T22:00:00Z", end: "2026-03-30T22:00:00Z", count: 1),
            Expected(start: "2026-10-23T22:00:00Z", end: "2026-10-24T22:00:00Z", count: 1),
            Expected(start: "2026-10-24T22:00:00Z", end: "2026-10-25T23:00:00Z", count: 4),  // 25 h
            Expected(start: "2026-10-25T23:00:00Z", end: "2026-10-26T23:00:00Z", count: 1),
        ])
        expect(r, clause: 1, [
            Expected(start: "2026-03-22T23:00:00Z", end: "2026-03-29T22:00:00Z", count: 5),  // 167 h
            Expected(start: "2026-03-29T22:00:00Z", end: "2026-04-05T22:00:00Z", count: 1),
            Expected(start: "2026-10-18T22:00:00Z", end: "2026-10-25T23:00:00Z", count: 5),  // 169 h
            Expected(start: "2026-10-25T23:00:00Z", end: "2026-11-01T23:00:00Z", count: 1),
        ])
        expect(r, clause: 2, [
            Expected(start: "2026-02-28T23:00:00Z", end: "2026-03-31T22:00:00Z", count: 6),
            Expected(start: "2026-09-30T22:00:00Z", end: "2026-10-31T23:00:00Z", count: 6),
        ])
    }

    @Test("a week window belongs to the objective month containing its start")
    func weekPeriods() throws {
        // Berlin week Mon 2026-06-29 starts 2026-06-28T22:00Z (June); its records are in July.
        let instants = ["2026-07-01T10:00:00Z", "2026-07-02T10:00:00Z", "2026-07-07T10:00:00Z"]
        let (r, _, _) = try evaluate(zone: "Europe/Berlin", instants: instants)
        let periods = r.clauses[4].periods.map { "\(isoUTC($0.start)) \(isoUTC($0.end)) \($0.met)/\($0.breached)" }
        #expect(periods == [
            "\(isoUTC(utc("2026-05-31T22:00:00Z"))) \(isoUTC(utc("2026-06-30T22:00:00Z"))) 1/0",
            "\(isoUTC(utc("2026-06-30T22:00:00Z"))) \(isoUTC(utc("2026-07-31T22:00:00Z"))) 0/1",
        ])
        #expect(r.clauses[4].verdict == .breached)
    }

    @Test("the term of a date-only contract starts at local midnight")
    func termInZone() throws {
        let contract = try checkContract("""
            contract "T" {
                effective 2026-03-29 to 2026-10-26
                timezone "Europe/Berlin"
                clause "1" c { every calendar day
                    require count >= 1 requests }
            }
            """)
        #expect(contract.termStart == utc("2026-03-28T23:00:00Z"))
        #expect(contract.termEnd == utc("2026-10-25T23:00:00Z"))
    }
}
