import Foundation
import Testing
@testable import SLACTrace

/// The one-word path of `RFC3339.parseSeconds` (`:SS.mmmZ`) agrees with the general one on every
/// single-byte change of the eight bytes it reads, and on seconds and fractions of every value.
@Suite struct TimestampFastPathTests {
    static func describe(_ r: RFC3339.Result) -> String {
        switch r {
        case .ok(let v): "ok \(v)"
        case .noOffset: "no offset"
        case .malformed: "malformed"
        case .invalidDate: "invalid date"
        case .outOfRange: "out of range"
        }
    }

    static func both(_ bytes: [UInt8], minute: Int64) -> (String, String) {
        bytes.withUnsafeBufferPointer { b in
            let p = b.baseAddress!
            return (describe(RFC3339.parseSeconds(p, b.count, minuteSeconds: minute)),
                    describe(RFC3339.parseSecondsInGeneral(p, b.count, minuteSeconds: minute)))
        }
    }

    @Test func everyByteOfTheWord() {
        let valid = Array("2026-03-01T12:34:56.789Z".utf8)
        for minute: Int64 in [1_772_368_440, 9_223_372_036 - 30, -9_223_372_036 + 10] {
            for position in 16..<24 {
                for value in 0...255 {
                    var bytes = valid
                    bytes[position] = UInt8(value)
                    let (fast, general) = Self.both(bytes, minute: minute)
                    #expect(fast == general, "byte \(position) = \(value), minute \(minute)")
                }
            }
        }
        for second in 0...99 {
            for ms in stride(from: 0, through: 999, by: 37) {
                let text = "2026-03-01T12:34:" + String(format: "%02d.%03dZ", second, ms)
                let (fast, general) = Self.both(Array(text.utf8), minute: 1_772_368_440)
                #expect(fast == general, "\(text)")
            }
        }
    }
}
