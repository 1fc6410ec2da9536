import Foundation

/// A progress line on standard error for long runs: bytes done, records/s and ETA, redrawn at
/// most ten times a second. Only used when standard error is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let totalBytes: Int?
    private var bytes = 0
    private var records = 0
    private let started = DispatchTime.now().uptimeNanoseconds
    private var lastDraw: UInt64 = 0
    private let lock = NSLock()

    init(totalBytes: Int?) { self.totalBytes = totalBytes.map { max(1, $0) } }

    func advance(bytes b: Int, records r: Int) {
        lock.lock()
        defer { lock.unlock() }
        bytes += b
        records += r
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 100_000_000 else { return }
        lastDraw = now
        draw(now: now)
    }

    private func draw(now: UInt64) {
        let seconds = max(0.001, Double(now - started) / 1e9)
        guard let totalBytes else {
            let line = String(format: "\r%.0f MB  %.0f records/s ", Double(bytes) / 1e6, Double(records) / seconds)
            StandardStream.error(line)
            return
        }
        let fraction = min(1, Double(bytes) / Double(totalBytes))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = Double(records) / seconds
        let eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0
        let line = String(format: "\r[%@] %5.1f%%  %.0f MB  %.0f records/s  ETA %.0f s ", bar, fraction * 100, Double(bytes) / 1e6, rate, eta)
        StandardStream.error(line)
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        StandardStream.error("\r\u{1B}[2K")
    }
}
