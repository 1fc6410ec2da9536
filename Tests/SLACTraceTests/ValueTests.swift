import Foundation
import Testing
@testable import SLACTrace

@Suite("Timestamps")
struct TimestampTests {
    func timestamp(_ json: String) throws -> Int64? {
        let r = try scan(#"{"ts":\#(json)}"#, request: TraceFieldRequest())
        return r.records.first?.timestamp
    }

    @Test func fractionalDigits() throws {
        #expect(try timestamp(#""2026-03-01T00:00:00Z""#) == epochNanos(2026, 3, 1))
        #expect(try timestamp(#""2026-03-01T00:00:00.1Z""#) == epochNanos(2026, 3, 1, nanos: 100_000_000))
        #expect(try timestamp(#""2026-03-01T00:00:00.1234567Z""#) == epochNanos(2026, 3, 1, nanos: 123_456_700))
        #expect(try timestamp(#""2026-03-01T00:00:00.123456789Z""#) == epochNanos(2026, 3, 1, nanos: 123_456_789))
        // Beyond nanoseconds: truncated.
        #expect(try timestamp(#""2026-03-01T00:00:00.1234567899999Z""#) == epochNanos(2026, 3, 1, nanos: 123_456_789))
    }

    @Test func offsetsAndSeparators() throws {
        let utc = epochNanos(2026, 3, 1, 10, 30, 0)
        #expect(try timestamp(#""2026-03-01T12:30:00+02:00""#) == utc)
        #expect(try timestamp(#""2026-03-01T05:00:00-05:30""#) == utc)
        #expect(try timestamp(#""2026-03-01T12:30:00+0200""#) == utc)
        #expect(try timestamp(#""2026-03-01t10:30:00z""#) == utc)
        #expect(try timestamp(#""2026-03-01 10:30:00Z""#) == utc)
        #expect(try timestamp(#""2026-03-01T00:30:00-10:00""#) == utc)
        #expect(try timestamp(#""2026-02-28T23:59:59.999+00:00""#) == epochNanos(2026, 2, 28, 23, 59, 59, nanos: 999_000_000))
    }

    @Test func calendarEdges() throws {
        #expect(try timestamp(#""2024-02-29T00:00:00Z""#) == epochNanos(2024, 2, 29))
        #expect(try timestamp(#""2023-02-29T00:00:00Z""#) == nil)
        #expect(try timestamp(#""2000-02-29T00:00:00Z""#) == epochNanos(2000, 2, 29))
        #expect(try timestamp(#""1900-02-29T00:00:00Z""#) == nil)
        #expect(try timestamp(#""1970-01-01T00:00:00Z""#) == 0)
        #expect(try timestamp(#""1969-12-31T23:59:59.5Z""#) == -500_000_000)
        #expect(try timestamp(#""2026-04-31T00:00:00Z""#) == nil)
        #expect(try timestamp(#""2026-12-31T23:59:60Z""#) == nil)
    }

    @Test func epochMilliseconds() throws {
        let base = epochNanos(2026, 3, 1, nanos: 123_000_000)
        #expect(try timestamp("1772323200123") == base)
        #expect(try timestamp("1772323200123.5") == base + 500_000)
        #expect(try timestamp("1772323200123.000001") == base + 1)
        #expect(try timestamp("1772323200123.0000019") == base + 1)  // below 1 ns: truncated
        #expect(try timestamp("1.772323200123e12") == base)
        #expect(try timestamp("0") == 0)
        #expect(try timestamp("-1.5") == -1_500_000)
        #expect(try timestamp("-0.0000001") == -1)  // toward negative infinity
    }
}

@Suite("Numbers")
struct NumberTests {
    /// Texts that exercise the fast path, the slow path and the boundaries.
    static let texts = [
        "0", "-0", "1", "76", "76.0", "312.5", "4120.0", "0.1", "0.2", "0.3", "1e23", "8.5e-3", "123456789012345",
        "1234567890123456", "12345678901234567", "123456789012345678901234567890", "9007199254740993",
        "9007199254740992", "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9e-324", "5e-324",
        "1.7976931348623157e308", "0.30000000000000004", "3.141592653589793238462643383279", "1e22", "1e-22",
        "123.456e5", "1E+2", "1e-400", "0.000000000000000000000000000000000001", "2.5e-5",
        "18446744073709551615", "18446744073709551616", "100000000000000000000000",
        "0.1000000000000000055511151231257827021181583404541015625",
        "7.038531e-26", "1448997445238699", "2.2250738585072012e-308", "179769313486231580793728971405301e276",
        "1.00000000000000011102230246251565404236316680908203125", "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126", "4503599627370496.5", "4503599627370497.5",
    ]

    @Test(arguments: texts)
    func matchesSwiftParser(_ text: String) throws {
        let request = TraceFieldRequest(numericFields: ["x"])
        let r = try scan(#"{"ts":"2026-03-01T00:00:00Z","x":\#(text)}"#, request: request)
        let value = try #require(r.records.first?.numbers.first)
        let expected = try #require(Double(text))
        #expect(value.bitPattern == expected.bitPattern, "\(text): \(value) vs \(expected)")
        // The same number as a CSV cell.
        let c = try scan("ts,x\n2026-03-01T00:00:00Z,\(text)\n", format: .csv, request: request)
        #expect(c.records.first?.numbers.first?.bitPattern == expected.bitPattern)
    }

    @Test func randomDecimalsMatchSwiftParser() throws {
        var generator = SystemRandomNumberGenerator()
        var texts: [String] = []
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...22, using: &generator)
            var s = ""
            for i in 0..<digits { s.append(String(Int.random(in: (i == 0 ? 1 : 0)...9, using: &generator))) }
            let point = Int.random(in: 0...digits, using: &generator)
            if max(1, point) < digits { s.insert(".", at: s.index(s.startIndex, offsetBy: max(1, point))) }
            if Bool.random(using: &generator) { s += "e\(Int.random(in: -330...310, using: &generator))" }
            texts.append(s)
        }
        // Random doubles printed shortest-round-trip and with 17 digits.
        for _ in 0..<5000 {
            let d = Double(bitPattern: UInt64.random(in: 0...0x7FEF_FFFF_FFFF_FFFF, using: &generator))
            texts.append("\(d)")
            texts.append(String(format: "%.16e", d))
        }
        let request = TraceFieldRequest(numericFields: ["x"])
        let lines = texts.map { #"{"ts":"2026-03-01T00:00:00Z","x":\#($0)}"# }.joined(separator: "\n")
        let r = try scan(lines, request: request)
        #expect(r.count == texts.count)
        var byLine: [Int: Double] = [:]
        for rec in r.records { byLine[rec.line] = rec.numbers[0] }
        for reject in r.rejects {
            // Only overflow may be rejected, and only where Swift's parser gives infinity.
            #expect(reject.reason.hasSuffix("is out of range"))
            #expect(Double(texts[reject.line - 1])?.isInfinite == true)
        }
        var mismatches = 0
        for (i, t) in texts.enumerated() {
            guard let v = byLine[i + 1], let e = Double(t) else { continue }
            if v.bitPattern != e.bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}

@Suite("Long numbers")
struct LongNumberTests {
    /// 2^-1075 written out exactly: half the smallest subnormal, a rounding tie.
    static let halfMinSubnormalDigits = "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125"

    static var texts: [String] {
        let zeros = String(repeating: "0", count: 1200)
        let half = halfMinSubnormalDigits
        return [
            half + "e-324",
            half + zeros + "e-324",                 // a tie: rounds to even (0)
            half + zeros + "1e-324",                // just above the tie: 5e-324
            "1." + zeros + "1",
            "0." + zeros + "123e1203",
            "-" + String(repeating: "7", count: 900) + "e-600",
            String(repeating: "1", count: 300) + "." + String(repeating: "2", count: 1000),
        ]
    }

    @Test func longTextsMatchSwiftParser() throws {
        let request = TraceFieldRequest(numericFields: ["x"])
        for text in Self.texts {
            let r = try scan(#"{"ts":"2026-03-01T00:00:00Z","x":\#(text)}"#, request: request)
            let expected = try #require(Double(text))
            #expect(r.records.first?.numbers.first?.bitPattern == expected.bitPattern, "\(text.prefix(40))…")
        }
        let huge = try scan(#"{"ts":"2026-03-01T00:00:00Z","x":\#(String(repeating: "9", count: 2000))}"#, request: request)
        #expect(huge.rejects.first?.reason.hasSuffix("in `x` is out of range") == true)
    }

    @Test func controlCharactersInReasonsAreEscaped() throws {
        let r = try scan("ts,ttft_ms\n2026-03-01T00:00:00Z,\"a\u{1}b\"\n", format: .csv)
        #expect(r.rejects.first?.reason == "`ttft_ms` is not a number: `a\\u{1}b`")
    }
}
