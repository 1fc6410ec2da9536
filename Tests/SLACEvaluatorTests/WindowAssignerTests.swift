@testable import SLACEvaluator
import SLACChecker
import SLACExact
import SLACTestSupport
import Testing

/// `WindowAssigner` caches the last fixed window and coverage cell (a 64-bit division per record
/// and clause was measurable): whatever order instants come in, the answer must be the division's.
@Suite("Window and cell assignment")
struct WindowAssignerTests {
    static let lengths: [Int64] = [1, 7, 300 * CivilTime.nanosPerSecond, 3_600 * CivilTime.nanosPerSecond, CivilTime.nanosPerDay]

    /// Instants around the epoch and near both ends of the range, then a walk back and forth
    /// across window boundaries, as records out of order by a little arrive.
    static func instants(_ length: Int64) -> [Int64] {
        var out: [Int64] = [0, -1, 1, -length, -length - 1, length, length - 1, Int64.max, Int64.max - 1, Int64.min, Int64.min + 1,
                            Int64.max - length, Int64.min + length, 0, Int64.max, 0, Int64.min]
        var random = SeededGenerator(seed: UInt64(truncatingIfNeeded: length))
        var t: Int64 = -3 * length
        for _ in 0..<2_000 {
            let step = Int64(truncatingIfNeeded: random.next() % UInt64(max(1, length))) - length / 3
            t = t.addingReportingOverflow(step).partialValue
            out.append(t)
        }
        return out
    }

    @Test("fixed windows and cells equal floor division for any order of instants", arguments: lengths)
    func agreesWithDivision(length: Int64) {
        let zone = ZoneRules(identifier: "UTC")!
        var assigner = WindowAssigner(window: .fixed(nanoseconds: length), zone: zone, termStart: Int64.min, termEnd: Int64.max)
        for ts in Self.instants(length) {
            let k = CivilTime.floorDiv(ts, length)
            let window = assigner.assign(ts)
            #expect(window.start == k &* length && window.end == k &* length &+ length, "ts \(ts), length \(length)")
            #expect(assigner.cell(ts, length: length) == k &* length, "ts \(ts), length \(length)")
        }
    }
}
