import SLACExact

/// The clock the HTML page shows its times on: the contract's time zone when it names one other
/// than UTC, else UTC (docs/reports.md, "The HTML page").
///
/// A Berlin contract's months run from Berlin midnight to Berlin midnight; printed in UTC they read
/// "2026-08-31 22:00 – 2026-09-30 22:00", which an auditor takes for the wrong month. The report
/// itself keeps UTC instants (they are what is signed and compared); only the page converts them.
struct PageClock: Sendable {
    /// nil: UTC.
    let zone: ZoneRules?

    static let utc = PageClock(zone: nil)

    init(zone: ZoneRules?) { self.zone = zone }

    /// The clock of a contract's `timezone` attribute; UTC when it is absent, UTC itself or not a
    /// zone this machine knows (the page then says UTC, which stays true).
    init(timezone: String?) {
        guard let timezone, timezone != "UTC", timezone != "Etc/UTC", let zone = ZoneRules(identifier: timezone) else {
            self.init(zone: nil)
            return
        }
        self.init(zone: zone)
    }

    /// How the page names the clock: `UTC` or the zone's identifier (`Europe/Berlin`).
    var name: String { zone?.identifier ?? "UTC" }

    /// The offset from UTC in effect at `nanos`, in seconds.
    func offsetSeconds(at nanos: Int64) -> Int { zone?.offsetSeconds(atNanos: nanos) ?? 0 }

    /// The instant's reading on this clock, as nanoseconds of a UTC-like timeline (for formatting
    /// with `CivilTime` and for placing round local times).
    func local(_ nanos: Int64) -> Int64 {
        let (shifted, overflow) = nanos.addingReportingOverflow(Int64(offsetSeconds(at: nanos)) * CivilTime.nanosPerSecond)
        return overflow ? nanos : shifted
    }

    /// The instant at which this clock reads `local` (the earlier one when it reads it twice, the
    /// end of the gap when it never does): good enough to place an axis tick.
    func instant(readingLocal local: Int64) -> Int64 {
        guard zone != nil else { return local }
        let first = local - Int64(offsetSeconds(at: local)) * CivilTime.nanosPerSecond
        return local - Int64(offsetSeconds(at: first)) * CivilTime.nanosPerSecond
    }

    /// When clocks go back, an hour of local times is read twice; such a time gets its offset
    /// (`02:30 UTC+02:00`) so that the two are told apart.
    func isRepeated(_ nanos: Int64) -> Bool {
        guard zone != nil else { return false }
        let offset = offsetSeconds(at: nanos)
        let reach = 3 * 3600 * CivilTime.nanosPerSecond
        let later = offsetSeconds(at: nanos &+ reach), earlier = offsetSeconds(at: nanos &- reach)
        // Before a change back by Δ: repeated when the change comes within Δ.
        if later < offset, offsetSeconds(at: nanos &+ Int64(offset - later) * CivilTime.nanosPerSecond) < offset { return true }
        // After a change back by Δ: repeated when the change was within Δ.
        if earlier > offset, offsetSeconds(at: nanos &- Int64(earlier - offset) * CivilTime.nanosPerSecond) > offset { return true }
        return false
    }

    /// An instant as the page prints it: `2026-09-01 00:00` (seconds and fraction only when not
    /// zero), with the offset when the local time is read twice.
    func text(_ nanos: Int64) -> (date: String, time: String) {
        let full = CivilTime.format(local(nanos))  // 2026-09-01T00:00:00Z or …:07.25Z
        let date = String(full.prefix(10))
        var time = String(full.dropFirst(11).dropLast())
        if time.count == 8, time.hasSuffix(":00") { time = String(time.prefix(5)) }
        return (date, time + repeatedOffset(nanos))
    }

    /// ` UTC+02:00` when the local time at `nanos` is read twice, else empty.
    func repeatedOffset(_ nanos: Int64) -> String {
        isRepeated(nanos) ? " " + Self.offsetText(offsetSeconds(at: nanos)) : ""
    }

    /// `UTC+02:00`, `UTC−03:30`.
    static func offsetText(_ seconds: Int) -> String {
        let magnitude = abs(seconds)
        let hours = magnitude / 3600, minutes = magnitude / 60 % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "UTC\(seconds < 0 ? "−" : "+")\(two(hours)):\(two(minutes))"
    }
}
