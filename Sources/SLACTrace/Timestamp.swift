/// RFC 3339 date-time parsing by hand (no DateFormatter: this runs once per record).

enum RFC3339 {
    /// Outcome of parsing a `ts` text; the failure cases become reject reasons.
    
    enum Result {
        case ok(Int64)
        /// Date and time are valid but there is no `Z` / `±HH:MM` (the instant would be ambiguous).
        case noOffset
        /// Not of the form `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
        case malformed
        /// Well-formed but not a real date or time (month 13, February 30, hour 25).
        case invalidDate
        /// Outside the Int64 nanosecond range (years 1677–2262).
        case outOfRange
    }

    /// Days from 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    @inline(__always)
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    @inline(__always)
    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The last validated `YYYY-MM-DDTHH:MM` prefix (16 bytes as two words) and its seconds since
    /// the epoch: consecutive records mostly share the minute, so the date part is parsed once.
    struct MinuteCache {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var seconds: Int64 = 0
        var valid = false
    }

    /// Parses `YYYY-MM-DD(T|t| )HH:MM:SS[.fraction](Z|z|±HH:MM|±HHMM)` to nanoseconds since the
    /// epoch. Fractions of any length are accepted; digits beyond nanoseconds are truncated.
    /// Leap second `:60` is rejected as an invalid time (as Go and most log tools do).
    static func parse(_ b: UnsafePointer<UInt8>, _ start: Int, _ end: Int, cache: inout MinuteCache) -> Result {
        let n = end - start
        guard n >= 19 else { return .malformed }
        let p = b + start
        let w0 = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let w1 = UnsafeRawPointer(p).loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        if cache.valid && w0 == cache.w0 && w1 == cache.w1 {
            return parseSeconds(p, n, minuteSeconds: cache.seconds)
        }
        @inline(__always) func d(_ i: Int) -> Int { Int(p[i] &- 48) }
        @inline(__always) func isDigit(_ i: Int) -> Bool { p[i] &- 48 <= 9 }
        guard isDigit(0), isDigit(1), isDigit(2), isDigit(3), p[4] == UInt8(ascii: "-"),
              isDigit(5), isDigit(6), p[7] == UInt8(ascii: "-"), isDigit(8), isDigit(9),
              p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: "t") || p[10] == UInt8(ascii: " "),
              isDigit(11), isDigit(12), p[13] == UInt8(ascii: ":"), isDigit(14), isDigit(15)
        else { return .malformed }
        let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
        let month = d(5) * 10 + d(6)
        let day = d(8) * 10 + d(9)
        let hour = d(11) * 10 + d(12)
        let minute = d(14) * 10 + d(15)
        guard month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 else {
            return .invalidDate
        }
        let seconds = Int64(daysFromCivil(year, month, day)) * 86_400 + Int64(hour * 3600 + minute * 60)
        cache = MinuteCache(w0: w0, w1: w1, seconds: seconds, valid: true)
        return parseSeconds(p, n, minuteSeconds: seconds)
    }

    /// Parses `:SS[.fraction]offset` from index 16 of a timestamp whose first 16 bytes are a valid
    /// `YYYY-MM-DDTHH:MM` worth `minuteSeconds`.
    @inline(__always)
    static func parseSeconds(_ p: UnsafePointer<UInt8>, _ n: Int, minuteSeconds: Int64) -> Result {
        // `:SS.mmmZ`, the common form, as one word: its five digits and three fixed bytes checked
        // together (bytes little-endian; a digit byte b is 0x30...0x39 when b & 0xF0 and
        // (b + 6) & 0xF0 are both 0x30). Anything else takes the general path below.
        if n == 24 {
            let w = UnsafeRawPointer(p).loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            let fixed: UInt64 = 0xFF00_0000_FF00_00FF, fixedBytes: UInt64 = 0x5A00_0000_2E00_003A  // 'Z' '.' ':'
            let digits: UInt64 = 0x00FF_FFFF_00FF_FF00, high: UInt64 = 0x00F0_F0F0_00F0_F000, zeros: UInt64 = 0x0030_3030_0030_3000
            let v = w & digits
            if w & fixed == fixedBytes && v & high == zeros && (v &+ 0x0006_0606_0006_0600) & high == zeros {
                @inline(__always) func digit(_ k: UInt64) -> Int { Int(truncatingIfNeeded: (w >> (8 * k)) & 0xF) }
                let second = digit(1) * 10 + digit(2)
                if second <= 59 {
                    let fraction = (digit(4) * 100 + digit(5) * 10 + digit(6)) * 1_000_000
                    let (ns, o1) = (minuteSeconds + Int64(second)).multipliedReportingOverflow(by: 1_000_000_000)
                    let (total, o2) = ns.addingReportingOverflow(Int64(fraction))
                    if !o1 && !o2 { return .ok(total) }
                }
            }
        }
        return parseSecondsInGeneral(p, n, minuteSeconds: minuteSeconds)
    }

    /// `parseSeconds` without the fast path (tests compare the two).
    static func parseSecondsInGeneral(_ p: UnsafePointer<UInt8>, _ n: Int, minuteSeconds: Int64) -> Result {
        @inline(__always) func d(_ i: Int) -> Int { Int(p[i] &- 48) }
        @inline(__always) func isDigit(_ i: Int) -> Bool { p[i] &- 48 <= 9 }
        guard p[16] == UInt8(ascii: ":"), isDigit(17), isDigit(18) else { return .malformed }
        let second = d(17) * 10 + d(18)
        var i = 19
        var fraction = 0
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            var digits = 0
            while i < n && isDigit(i) {
                if digits < 9 {
                    fraction = fraction * 10 + d(i)
                    digits += 1
                }
                i += 1
            }
            if i == fracStart { return .malformed }
            while digits < 9 {
                fraction *= 10
                digits += 1
            }
        }
        var offsetSeconds = 0
        if i == n { return second <= 59 ? .noOffset : .invalidDate }
        let c = p[i]
        if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
            i += 1
        } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            i += 1
            // ±HH:MM or ±HHMM
            guard n - i >= 4, isDigit(i), isDigit(i + 1) else { return .malformed }
            let oh = d(i) * 10 + d(i + 1)
            i += 2
            if p[i] == UInt8(ascii: ":") { i += 1 }
            guard n - i >= 2, isDigit(i), isDigit(i + 1) else { return .malformed }
            let om = d(i) * 10 + d(i + 1)
            i += 2
            guard oh <= 23, om <= 59 else { return .invalidDate }
            offsetSeconds = (oh * 60 + om) * 60
            if c == UInt8(ascii: "-") { offsetSeconds = -offsetSeconds }
        } else {
            return .malformed
        }
        guard i == n else { return .malformed }
        guard second <= 59 else { return .invalidDate }
        let seconds = minuteSeconds + Int64(second - offsetSeconds)
        let (ns, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if o1 { return .outOfRange }
        let (total, o2) = ns.addingReportingOverflow(Int64(fraction))
        if o2 { return .outOfRange }
        return .ok(total)
    }
}
