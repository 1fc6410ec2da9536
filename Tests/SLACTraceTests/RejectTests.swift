import Testing
@testable import SLACTrace

@Suite("Rejected lines")
struct RejectTests {
    static let ok = #"{"ts":"2026-03-01T00:00:00Z","ttft_ms":1}"#

    /// Each bad line with the reason it must get; lines are interleaved with good ones so that the
    /// line numbers are checked too.
    static let cases: [(String, String)] = [
        ("not json", "invalid JSON at column 1: unexpected `n`"),
        ("[1,2]", "not a JSON object"),
        (#"{"ts":"2026-03-01T00:00:00Z""#, "invalid JSON: unexpected end of line"),
        (#"{"ts":"2026-03-01T00:00:00Z",}"#, "invalid JSON at column 30: unexpected `}`"),
        (#"{"ts":"2026-03-01T00:00:00Z"} x"#, "invalid JSON at column 31: unexpected `x` after the object"),
        (#"{"ts":"2026-03-01T00:00:00Z","a":"x"#, "invalid JSON: unterminated string"),
        (#"{"ts":"2026-03-01T00:00:00Z","a":"\q"}"#, "invalid JSON at column 35: invalid escape `\\q`"),
        (#"{"ts":"2026-03-01T00:00:00Z","a":NaN}"#, "invalid JSON at column 34: unexpected `N`"),
        (#"{"ts":"2026-03-01T00:00:00Z","a":01}"#, "invalid JSON at column 35: unexpected `1`"),
        ("{}", "missing `ts`"),
        (#"{"ts":null}"#, "missing `ts`"),
        (#"{"ts":"2026-03-01T00:00:00"}"#, "timestamp `2026-03-01T00:00:00` has no UTC offset"),
        (#"{"ts":"2026-03-01T00:00:00.5"}"#, "timestamp `2026-03-01T00:00:00.5` has no UTC offset"),
        (#"{"ts":"2026-13-01T00:00:00Z"}"#, "timestamp `2026-13-01T00:00:00Z` is not a valid date and time"),
        (#"{"ts":"2026-02-30T00:00:00Z"}"#, "timestamp `2026-02-30T00:00:00Z` is not a valid date and time"),
        (#"{"ts":"2026-03-01T24:00:00Z"}"#, "timestamp `2026-03-01T24:00:00Z` is not a valid date and time"),
        (#"{"ts":"2026-03-01"}"#, "timestamp `2026-03-01` is not an RFC 3339 date-time"),
        (#"{"ts":"yesterday"}"#, "timestamp `yesterday` is not an RFC 3339 date-time"),
        (#"{"ts":"3000-01-01T00:00:00Z"}"#, "timestamp `3000-01-01T00:00:00Z` is out of range"),
        (#"{"ts":true}"#, "`ts` must be an RFC 3339 string or a number of epoch milliseconds"),
        (#"{"ts":1e300}"#, "timestamp `1e300` is out of range"),
        (#"{"ts":"2026-03-01T00:00:00Z","ttft_ms":"fast"}"#, "`ttft_ms` is not a number: `\"fast\"`"),
        (#"{"ts":"2026-03-01T00:00:00Z","e2e_ms":"12"}"#, "`e2e_ms` is not a number: `\"12\"`"),
        (#"{"ts":"2026-03-01T00:00:00Z","ttft_ms":-1.5}"#, "`ttft_ms` is negative: `-1.5`"),
        (#"{"ts":"2026-03-01T00:00:00Z","input_tokens":true}"#, "`input_tokens` is not a number: `true`"),
        (#"{"ts":"2026-03-01T00:00:00Z","output_tokens":[1]}"#, "`output_tokens` is not a number: `[1]`"),
        (#"{"ts":"2026-03-01T00:00:00Z","output_tokens":12.25}"#, "`output_tokens` is not a whole number: `12.25`"),
        (#"{"ts":"2026-03-01T00:00:00Z","energy_j":-2}"#, "`energy_j` is negative: `-2`"),
        (#"{"ts":"2026-03-01T00:00:00Z","ttft_ms":1e400}"#, "number `1e400` in `ttft_ms` is out of range"),
        (#"{"ts":"2026-03-01T00:00:00Z","ts":"2026-03-01T00:00:00Z"}"#, "duplicate key `ts`"),
        (#"{"ts":"2026-03-01T00:00:00Z","foo":1,"foo":2}"#, "duplicate key `foo`"),
        (#"{"ts":"2026-03-01T00:00:00Z","itl_ms":[1,-2]}"#, "`itl_ms` has a negative value: `-2`"),
        (#"{"ts":"2026-03-01T00:00:00Z","itl_ms":"1,2"}"#, "`itl_ms` is not an array of numbers"),
        (#"{"ts":"2026-03-01T00:00:00Z","itl_ms":[1,"2"]}"#, "`itl_ms` is not an array of numbers"),
        (#"{"ts":"2026-03-01T00:00:00Z","itl_ms":5}"#, "`itl_ms` is not an array of numbers"),
        (#"{"ts":"2026-03-01T00:00:00Z","tenant":{"a":1}}"#, "`tenant` is not a string"),
        (#"{"ts":"2026-03-01T00:00:00Z","region":[]}"#, "`region` is not a string"),
    ]

    @Test func eachReasonWithItsLineNumber() throws {
        var lines: [String] = []
        for (bad, _) in Self.cases {
            lines.append(Self.ok)
            lines.append(bad)
        }
        // Canonical metrics are validated even when the request does not ask for them.
        for request in [fullRequest, TraceFieldRequest()] {
            let r = try scan(lines.joined(separator: "\n") + "\n", request: request)
            #expect(r.records.count == Self.cases.count)
            #expect(r.count == 2 * Self.cases.count)
            #expect(r.lines == 2 * Self.cases.count)
            #expect(r.records.map(\.line) == Array(stride(from: 1, to: 2 * Self.cases.count, by: 2)))
            #expect(r.rejects.count == Self.cases.count)
            for (i, reject) in r.rejects.enumerated() where i < Self.cases.count {
                #expect(reject.line == 2 * i + 2)
                #expect(reject.reason == Self.cases[i].1, "line: \(Self.cases[i].0)")
            }
        }
    }

    @Test func requestedNonCanonicalNumbersMustBeNumeric() throws {
        let request = TraceFieldRequest(numericFields: ["gpu_util"], textFields: ["notes"])
        let r = try scan("""
            {"ts":"2026-03-01T00:00:00Z","gpu_util":"high"}
            {"ts":"2026-03-01T00:00:00Z","gpu_util":-0.5,"notes":{"x":1}}
            {"ts":"2026-03-01T00:00:00Z","gpu_util":-0.5,"notes":"fine"}
            {"ts":"2026-03-01T00:00:00Z","other":"high"}
            """, request: request)
        #expect(r.rejects == [RejectedLine(line: 1, reason: "`gpu_util` is not a number: `\"high\"`"),
                              RejectedLine(line: 2, reason: "`notes` is not a string")])
        #expect(r.records.map(\.line) == [3, 4])
        #expect(r.records[0].numbers == [-0.5])
    }

    @Test func longUserTextIsShortened() throws {
        let long = String(repeating: "x", count: 500)
        let r = try scan(#"{"ts":"\#(long)"}"#)
        let reason = try #require(r.rejects.first?.reason)
        #expect(reason == "timestamp `" + String(repeating: "x", count: 64) + "…` is not an RFC 3339 date-time")
    }
}
