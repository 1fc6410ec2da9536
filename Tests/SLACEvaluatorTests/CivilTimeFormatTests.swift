import Foundation
@testable import SLACExact
import Testing

/// Reports print instants with `CivilTime.format`; its digit-buffer path must print what the
/// padded-pieces path and Foundation print.
@Suite("Formatting of instants")
struct CivilTimeFormatTests {
    @Test("the fast path equals the padded path and Foundation's ISO 8601 text", arguments: 0..<4)
    func agrees(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 99)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        for k in 0..<5_000 {
            // Years 1678–2261 (the Int64 nanosecond range), some on whole seconds, some not.
            let seconds = Int64(rng.int(-9_200_000_000...9_200_000_000))
            let fraction: Int64 = k % 3 == 0 ? 0 : (k % 3 == 1 ? Int64(rng.int(0...999)) * 1_000_000 : Int64(rng.int(0...999_999_999)))
            let nanos = seconds * 1_000_000_000 + fraction
            let text = CivilTime.format(nanos)
            #expect(text == CivilTime.paddedFormat(nanos), "\(nanos)")
            if fraction == 0 {
                #expect(text == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))), "\(nanos)")
            }
        }
        #expect(CivilTime.format(0) == "1970-01-01T00:00:00Z")
        #expect(CivilTime.format(-1) == "1969-12-31T23:59:59.999999999Z")
        #expect(CivilTime.format(1_500_000_000) == "1970-01-01T00:00:01.5Z")
    }
}
