import Foundation
import SLACChecker
import SLACEvaluator
import SLACExact
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

    /// `BST` was read as Bangladesh (UTC+6), `IST` as Kolkata: abbreviations are refused, tz
    /// database names in capitals (`EST`, `CET`) and links (`US/Pacific`) are not.
    @Test("time-zone abbreviations are not time zones")
    func abbreviations() {
        // `EST`, `MST`, `HST`: tz names, but a fixed offset all year, not New York's time.
        for name in ["BST", "IST", "PST", "CST", "JST", "AEST", "CEST", "EST", "MST", "HST"] { #expect(ZoneRules(identifier: name) == nil, "\(name)") }
        for name in ["UTC", "GMT", "CET", "US/Pacific", "Europe/London", "Etc/GMT+2", "EST5EDT"] { #expect(ZoneRules(identifier: name) != nil, "\(name)") }
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

/// Where a zone's change skips or repeats midnight, a calendar day starts at the first instant of
/// its local date, on a whole second (found by an audit against `zdump`).
@Suite("Calendar days where midnight is skipped or repeated")
struct MidnightChangeTests {
    func start(_ zone: String, _ year: Int, _ month: Int, _ day: Int) throws -> String {
        let rules = try #require(ZoneRules(identifier: zone))
        return isoUTC(rules.startOfDay(CivilTime.days(year: year, month: month, day: day)))
    }

    @Test("clocks forward over midnight: the day starts at the change, on the second")
    func skippedMidnight() throws {
        // Liberia left its −0:44:30 offset for GMT at 1972-01-07T00:44:30Z: local 00:00 → 00:44:30.
        #expect(try start("Africa/Monrovia", 1972, 1, 7) == "1972-01-07T00:44:30Z")
        #expect(try start("Africa/Monrovia", 1972, 1, 6) == "1972-01-06T00:44:30Z")
        // Kiribati's Line Islands skipped 1979-10-01 local midnight when moving to +14.
        let kiritimati = try start("Pacific/Kiritimati", 1979, 10, 1)
        #expect(!kiritimati.contains("."), "\(kiritimati)")
    }

    @Test("clocks back across midnight: the day starts at the first midnight")
    func repeatedMidnight() throws {
        // Amman, 2021-10-29: at 01:00 (+03) clocks went back to 00:00 (+02); 00:00 happened twice.
        #expect(try start("Asia/Amman", 2021, 10, 29) == "2021-10-28T21:00:00Z")
        #expect(try start("Asia/Amman", 2021, 10, 30) == "2021-10-29T22:00:00Z")
        // Havana, 2026-11-01: at 01:00 (−04) clocks go back to 00:00 (−05).
        #expect(try start("America/Havana", 2026, 11, 1) == "2026-11-01T04:00:00Z")
        // An ordinary day is local midnight.
        #expect(try start("Europe/Berlin", 2026, 10, 25) == "2026-10-24T22:00:00Z")
        #expect(try start("America/New_York", 2026, 3, 8) == "2026-03-08T05:00:00Z")
    }

    @Test("an instant that reads the day before after clocks went back at 00:01 is in the window that has begun")
    func clocksBackAfterMidnight() throws {
        // St. John's, 2005-10-30: at 00:01 NDT (02:31Z) clocks went back to 23:01 NST; Oct 30
        // began at 02:30Z, and 02:31Z–03:30Z reads Oct 29 again.
        let zone = try #require(ZoneRules(identifier: "America/St_Johns"))
        let oct30 = CivilTime.days(year: 2005, month: 10, day: 30)
        #expect(isoUTC(zone.startOfDay(oct30)) == "2005-10-30T02:30:00Z")
        let ts = try #require(CivilTime.parseInstant("2005-10-30T03:00:00Z"))
        #expect(zone.localDay(atNanos: ts) == oct30 - 1)
        let (s, e) = CalendarWindows.bounds(.calendarDay, zone: zone, containing: ts)
        #expect(s <= ts && ts < e, "\(isoUTC(s)) – \(isoUTC(e))")
        #expect(isoUTC(s) == "2005-10-30T02:30:00Z")
        let (ws, we) = CalendarWindows.bounds(.calendarWeek, zone: zone, containing: ts)
        #expect(ws <= ts && ts < we)
        let (ms, me) = CalendarWindows.bounds(.calendarMonth, zone: zone, containing: ts)
        #expect(ms <= ts && ts < me)
    }

    @Test("every day of 1900–2030 in zones with such changes starts on a whole second, in order")
    func wholeSecondsInOrder() throws {
        for zone in ["Africa/Monrovia", "Pacific/Kiritimati", "Asia/Amman"] {
            let rules = try #require(ZoneRules(identifier: zone))
            var previous = Int64.min
            for day in CivilTime.days(year: 1900, month: 1, day: 2)..<CivilTime.days(year: 2031, month: 1, day: 1) {
                let s = rules.startOfDay(day)
                // A date the zone skipped (Kiritimati's 1994-12-31) starts where the next one
                // does: its window is empty.
                guard s % 1_000_000_000 == 0, s >= previous, rules.localDay(atNanos: s) >= day,
                      rules.localDay(atNanos: s - 1_000_000_000) < day else {
                    Issue.record("\(zone): day \(day) starts at \(isoUTC(s)), after \(isoUTC(previous))")
                    break
                }
                previous = s
            }
        }
    }
}
