import Foundation
import SLACExact
import Testing
import SLACTestSupport

/// Reports print instants with `CivilTime.format`; it must print what Foundation's ISO 8601
/// formatter prints for the seconds, followed by the nanoseconds without trailing zeros.
@Suite("Formatting of instants")
struct CivilTimeFormatTests {
    @Test("agrees with Foundation over the whole Int64 nanosecond range", arguments: 0..<4)
    func agrees(seed: Int) {
        var rng = SeededGenerator(mixing: UInt64(seed) &+ 99)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        for k in 0..<5_000 {
            // Years 1678–2261 (the Int64 nanosecond range), some on whole seconds, some not.
            let seconds = Int64(rng.int(-9_200_000_000...9_200_000_000))
            let fraction: Int64 = k % 3 == 0 ? 0 : (k % 3 == 1 ? Int64(rng.int(0...999)) * 1_000_000 : Int64(rng.int(0...999_999_999)))
            var digits = fraction == 0 ? "" : "." + String(String(fraction + 1_000_000_000).dropFirst())
            while digits.hasSuffix("0") { digits.removeLast() }
            let whole = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(CivilTime.format(seconds * 1_000_000_000 + fraction) == String(whole.dropLast()) + digits + "Z", "\(seconds) s + \(fraction) ns")
        }
        #expect(CivilTime.format(0) == "1970-01-01T00:00:00Z")
        #expect(CivilTime.format(-1) == "1969-12-31T23:59:59.999999999Z")
        #expect(CivilTime.format(1_500_000_000) == "1970-01-01T00:00:01.5Z")
        #expect(CivilTime.format(.min) == "1677-09-21T00:12:43.145224192Z")
        #expect(CivilTime.format(.max) == "2262-04-11T23:47:16.854775807Z")
    }
}
