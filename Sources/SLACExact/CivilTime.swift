import Foundation

/// Calendar arithmetic on the proleptic Gregorian calendar and IANA time zones, in nanoseconds
/// since the Unix epoch. Shared by the checker (effective terms, maintenance windows) and the
/// evaluator (calendar windows, objective periods), so both agree on every boundary.
package enum CivilTime {
    package static let nanosPerSecond: Int64 = 1_000_000_000
    package static let nanosPerDay: Int64 = 86_400 * 1_000_000_000

    /// The years a contract's dates and instants may name (docs/language.md, "Dates and instants").
    ///
    /// Instants are nanoseconds in an Int64, which spans 1677-09-21 to 2262-04-11; calendar windows
    /// and periods reach a year past a term's end. Whole centuries well inside that range keep
    /// every derived boundary representable, and no agreement needs more.
    package static let supportedYears: ClosedRange<Int> = 1900...2199

    /// The longest contract term: 250 years of 366 days. Spans of time are Int64 nanoseconds,
    /// which end at 292 years; a term of 1900–2199 would overflow them (found by an audit: a
    /// trap in the coverage of a 292-year term).
    package static let longestTermNanoseconds: Int64 = 250 * 366 * 86_400 * 1_000_000_000

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    package static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number.
    package static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Floor division for negative instants.
    package static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Parses `YYYY-MM-DD`.
    package static func parseDate(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m) else { return nil }
        return (y, m, d)
    }

    /// Parses an RFC 3339 instant with its offset (`Z` or `±hh:mm`) to nanoseconds since the epoch.
    package static func parseInstant(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
              let date = parseDate(String(decoding: bytes[0..<10], as: UTF8.self)) else { return nil }
        func two(_ i: Int) -> Int? {
            guard i + 1 < bytes.count, (48...57).contains(bytes[i]), (48...57).contains(bytes[i + 1]) else { return nil }
            return Int(bytes[i] - 48) * 10 + Int(bytes[i + 1] - 48)
        }
        guard let hh = two(11), bytes[13] == UInt8(ascii: ":"), let mm = two(14), bytes[16] == UInt8(ascii: ":"), let ss = two(17),
              hh < 24, mm < 60, ss < 60 else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < bytes.count, (48...57).contains(bytes[i]) {
                if digits < 9 { fraction = fraction * 10 + Int64(bytes[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in 0..<max(0, 9 - digits) { fraction *= 10 }
        }
        guard i < bytes.count else { return nil }
        var offsetSeconds = 0
        if bytes[i] == UInt8(ascii: "Z") || bytes[i] == UInt8(ascii: "z") {
            i += 1
        } else if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            let sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = two(i + 1), i + 3 < bytes.count, bytes[i + 3] == UInt8(ascii: ":"), let om = two(i + 4), oh < 24, om < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
            i += 6
        } else {
            return nil
        }
        guard i == bytes.count else { return nil }
        let seconds = Int64(days(year: date.year, month: date.month, day: date.day)) * 86_400 + Int64(hh * 3600 + mm * 60 + ss) - Int64(offsetSeconds)
        // Four-digit years reach beyond the nanosecond range of Int64 (1677–2262): not an instant here.
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: nanosPerSecond)
        guard !overflow else { return nil }
        let (nanos, overflow2) = scaled.addingReportingOverflow(fraction)
        return overflow2 ? nil : nanos
    }

    /// RFC 3339 in UTC with `Z`; fractional seconds only when present (trimmed), as reports print instants.
    package static func format(_ nanos: Int64) -> String {
        // The remainder first: `floorDiv(nanos, 10^9) * 10^9` overflows near Int64.min.
        let remainder = nanos % nanosPerSecond
        let fraction = Int(remainder < 0 ? remainder + nanosPerSecond : remainder)
        let seconds = nanos / nanosPerSecond - (remainder < 0 ? 1 : 0)
        let day = Int(floorDiv(seconds, 86_400))
        let secondOfDay = Int(seconds - Int64(day) * 86_400)
        let (y, m, d) = civil(days: day)
        // Int64 nanoseconds span the years 1677–2262: always four digits.
        precondition((0...9999).contains(y), "a year of four digits")
        // Digits written into one small buffer: reports format two instants per window, and
        // building the text from padded pieces allocated a string per piece.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(30)
        func digits(_ v: Int, _ n: Int) {
            var divisor = 1
            for _ in 1..<n { divisor *= 10 }
            var rest = v
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(y, 4); bytes.append(UInt8(ascii: "-")); digits(m, 2); bytes.append(UInt8(ascii: "-")); digits(d, 2)
        bytes.append(UInt8(ascii: "T")); digits(secondOfDay / 3600, 2); bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2); bytes.append(UInt8(ascii: ":")); digits(secondOfDay % 60, 2)
        if fraction != 0 {
            var f = fraction, width = 9
            while f % 10 == 0 { f /= 10; width -= 1 }
            bytes.append(UInt8(ascii: "."))
            digits(f, width)
        }
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// An IANA time zone with the two operations calendar windows need. Wraps Foundation's `TimeZone`
/// (the tz database) and caches nothing itself: callers cache window boundaries.
package struct ZoneRules: Sendable, Hashable {
    package let identifier: String
    private let zone: TimeZone

    package init?(identifier: String) {
        if Self.isAbbreviation(identifier) { return nil }
        if identifier == "UTC" || identifier == "Etc/UTC" {
            guard let utc = TimeZone(identifier: "UTC") else { return nil }
            self.zone = utc
        } else {
            guard let z = TimeZone(identifier: identifier), z.identifier == identifier || TimeZone.knownTimeZoneIdentifiers.contains(identifier) else { return nil }
            self.zone = z
        }
        self.identifier = identifier
    }

    /// The tz database's names written in capital letters alone: the rest of such names (`BST`,
    /// `IST`, `PST`, `CST`) are abbreviations, which Foundation resolves to one of the zones
    /// they may mean (`BST` to Asia/Dhaka, not London; `IST` to Kolkata, not Dublin), so a
    /// contract's term would silently start at another hour (found by an audit).
    /// `EST`, `MST` and `HST` are tz names too, but a fixed offset all year (no daylight saving),
    /// not the time of New York or Denver, so they are refused with the abbreviations.
    static let capitalNames: Set<String> = ["CET", "EET", "GB", "GMT", "MET", "NZ", "PRC", "ROC", "ROK", "UCT", "UTC", "WET"]

    /// Whether `identifier` is a time-zone abbreviation rather than a tz database name.
    package static func isAbbreviation(_ identifier: String) -> Bool {
        !identifier.isEmpty && identifier.utf8.count <= 5 && identifier.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
            && !capitalNames.contains(identifier)
    }

    /// UTC offset in seconds at an instant.
    package func offsetSeconds(atNanos nanos: Int64) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(CivilTime.floorDiv(nanos, CivilTime.nanosPerSecond))))
    }

    /// The civil day (days since 1970-01-01 in local time) containing an instant.
    package func localDay(atNanos nanos: Int64) -> Int {
        let local = CivilTime.floorDiv(nanos, CivilTime.nanosPerSecond) + Int64(offsetSeconds(atNanos: nanos))
        return Int(CivilTime.floorDiv(local, 86_400))
    }

    /// The first instant of a local civil day: the first instant whose local date is `day`
    /// (docs/language.md, "Calendar windows").
    ///
    /// That is local midnight when it exists; the earlier of the two when clocks go back across
    /// midnight (Asia/Amman, 2021-10-29, counts from the first); and the end of the gap when
    /// clocks go forward over it. Offsets and their changes are whole seconds, so the answer is a
    /// whole second. (Found by an audit: a bisection in steps of 3600/2^k s once stopped up to
    /// 0.88 s past a change, and the fixed point found only one of two midnights.)
    package func startOfDay(_ day: Int) -> Int64 {
        let nanos = CivilTime.nanosPerSecond
        let midnight = Int64(day) * 86_400
        func offset(_ second: Int64) -> Int64 { Int64(offsetSeconds(atNanos: second * nanos)) }
        func dayOf(_ second: Int64) -> Int { localDay(atNanos: second * nanos) }
        // Every offset in use lies within ±17 h, so `before` is on an earlier local day and
        // `after` on this day or later, whatever happens in between.
        let before = midnight - 17 * 3600, after = midnight + 17 * 3600
        // Most days: one offset all around, and midnight exists once (three lookups, no allocation).
        let early = offset(before), late = offset(after)
        if early == late, offset(midnight - early) == early { return (midnight - early) * nanos }
        // The offsets around midnight; a candidate `midnight - o` holds when `o` is in effect there.
        let seen = [early, late, offset(midnight - offset(midnight))]
        let offsets = Set(seen + seen.map { offset(midnight - $0) })
        if let first = offsets.filter({ offset(midnight - $0) == $0 }).map({ midnight - $0 }).min() { return first * nanos }
        // Midnight is skipped: the day starts where the clocks jump into it. Between `before`
        // (an earlier day) and `after`, whole seconds.
        var low = before, high = after
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if dayOf(mid) >= day { high = mid } else { low = mid }
        }
        return high * nanos
    }
}
