#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON number as scanned from the bytes: up to 19 significant decimal digits and a decimal
/// exponent, kept exact so that both binary64 conversion and epoch-millisecond timestamps (which
/// need exact nanoseconds) can be derived from it.

struct ScannedNumber {
    /// The first (at most 19) significant digits as an integer.
    var mantissa: UInt64 = 0
    /// value = ±mantissa × 10^exponent (+ dropped digits).
    var exponent: Int = 0
    /// Whether a minus sign was present.
    var negative = false
    /// Whether a non-zero significant digit was dropped beyond the 19th.
    var droppedNonZero = false
    /// Whether a `.` fraction or exponent part was present (the literal was not a plain integer).
    var hasFractionOrExponent = false
    /// Offsets of the number's text in the buffer.
    var start = 0
    var end = 0
}


enum NumberParsing {
    /// Exact powers of ten representable in binary64 (10^0 … 10^22), Clinger's fast path.

    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Integer powers of ten 10^0 … 10^19.

    static let integerPowersOfTen: [UInt64] = {
        var r: [UInt64] = []
        var v: UInt64 = 1
        for i in 0...19 {
            r.append(v)
            if i < 19 { v &*= 10 }
        }
        return r
    }()

    /// Scans a number with the strict JSON grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    /// starting at `p`. Returns nil when the bytes do not form a number (the caller reports where).
    @inline(always)
    static func scan(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, allowPlus: Bool = false) -> ScannedNumber? {
        var n = ScannedNumber()
        n.start = start
        var i = start
        if i < end && base[i] == UInt8(ascii: "-") {
            n.negative = true
            i += 1
        } else if allowPlus && i < end && base[i] == UInt8(ascii: "+") {
            i += 1
        }
        guard i < end else { return nil }
        var m: UInt64 = 0
        var sig = 0
        var exp = 0
        var c = base[i] &- 48
        if c == 0 {
            i += 1
        } else if c <= 9 {
            // Integer part: up to 19 digits go straight into the mantissa.
            repeat {
                if sig < 19 {
                    m = m &* 10 &+ UInt64(c)
                    sig += 1
                } else {
                    exp += 1
                    if c != 0 { n.droppedNonZero = true }
                }
                i += 1
                if i >= end { break }
                c = base[i] &- 48
            } while c <= 9
        } else {
            return nil
        }
        if i < end && base[i] == UInt8(ascii: ".") {
            n.hasFractionOrExponent = true
            i += 1
            let fracStart = i
            while i < end {
                c = base[i] &- 48
                if c > 9 { break }
                if m == 0 && c == 0 {
                    exp -= 1
                } else if sig < 19 {
                    m = m &* 10 &+ UInt64(c)
                    sig += 1
                    exp -= 1
                } else if c != 0 {
                    n.droppedNonZero = true
                }
                i += 1
            }
            if i == fracStart { return nil }
        }
        if i < end && (base[i] | 0x20) == UInt8(ascii: "e") {
            n.hasFractionOrExponent = true
            i += 1
            var eneg = false
            if i < end && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) {
                eneg = base[i] == UInt8(ascii: "-")
                i += 1
            }
            let eStart = i
            var e = 0
            while i < end {
                c = base[i] &- 48
                if c > 9 { break }
                if e < 100_000 { e = e * 10 + Int(c) }
                i += 1
            }
            if i == eStart { return nil }
            exp += eneg ? -e : e
        }
        n.mantissa = m
        n.exponent = exp
        n.end = i
        return n
    }

    /// The nearest binary64 value (correctly rounded, ties to even), or nil when it overflows to
    /// infinity. Fast path: mantissa ≤ 2^53 and |exponent| ≤ 22 need one exact-operand multiply or
    /// divide, which IEEE-754 rounds correctly; everything else goes to the C library's `strtod`
    /// (correctly rounded in glibc) in the C locale.
    @inline(always)
    static func double(_ n: ScannedNumber, _ base: UnsafePointer<UInt8>) -> Double? {
        if n.mantissa == 0 && !n.droppedNonZero { return n.negative ? -0.0 : 0.0 }
        if !n.droppedNonZero && n.mantissa <= (1 << 53) && n.exponent >= -22 && n.exponent <= 22 {
            var d = Double(n.mantissa)
            if n.exponent < 0 {
                d /= powersOfTen[-n.exponent]
            } else if n.exponent > 0 {
                d *= powersOfTen[n.exponent]
            }
            return n.negative ? -d : d
        }
        return slowDouble(base + n.start, n.end - n.start)
    }


    nonisolated(unsafe) static let cLocale: locale_t? = newlocale(Int32(1) << LC_NUMERIC, "C", nil)

    /// `strtod` on a NUL-terminated copy of the number's text, in the C locale (so that a
    /// process-wide `setlocale` cannot change the decimal point). Texts longer than 800 bytes are
    /// first shortened to 780 significant digits plus a sticky digit, which rounds identically
    /// (binary64 needs at most 767 significant digits) and keeps hostile inputs linear.
    @inline(never)
    static func slowDouble(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        if count > 800 { return shortened(p, count).withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return nil }
            return slowDouble(base, b.count)
        } }
        let value: Double = withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buf in
            guard let b = buf.baseAddress else { return .nan }
            UnsafeMutableRawPointer(b).copyMemory(from: p, byteCount: count)
            b[count] = 0
            let old = cLocale.map { uselocale($0) }
            defer { if let old { _ = uselocale(old) } }
            return strtod(b, nil)
        }
        return value.isFinite ? value : nil
    }

    /// Rewrites a (grammatical) long number as `[-]0.DIGITS[1]eEXP` with at most 780 significant
    /// digits; the trailing `1` stands for any dropped non-zero digits.
    static func shortened(_ p: UnsafePointer<UInt8>, _ count: Int) -> [UInt8] {
        var digits: [UInt8] = []
        digits.reserveCapacity(782)
        var exponent = 0          // value = 0.DIGITS × 10^exponent
        var sticky = false
        var i = 0
        var negative = false
        if i < count && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
            negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        var seenPoint = false
        while i < count {
            let c = p[i]
            if c == UInt8(ascii: ".") {
                seenPoint = true
            } else if c &- 48 <= 9 {
                if digits.isEmpty && c == UInt8(ascii: "0") {
                    if seenPoint { exponent -= 1 }
                } else {
                    if digits.count < 780 { digits.append(c) } else if c != UInt8(ascii: "0") { sticky = true }
                    if !seenPoint { exponent += 1 }
                }
            } else {
                break
            }
            i += 1
        }
        var e = 0
        if i < count && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var eneg = false
            if i < count && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
                eneg = p[i] == UInt8(ascii: "-")
                i += 1
            }
            while i < count && p[i] &- 48 <= 9 {
                if e < 100_000_000 { e = e * 10 + Int(p[i] &- 48) }
                i += 1
            }
            if eneg { e = -e }
        }
        if digits.isEmpty { return Array((negative ? "-0" : "0").utf8) }
        if sticky { digits.append(UInt8(ascii: "1")) }
        return Array((negative ? "-0." : "0.").utf8) + digits + Array("e\(exponent + e)".utf8)
    }

    /// Epoch milliseconds (exact decimal) to nanoseconds, rounding toward negative infinity below
    /// one nanosecond; nil when outside the Int64 nanosecond range (years 1677–2262).

    static func epochMillisecondsToNanoseconds(_ n: ScannedNumber) -> Int64? {
        let m = n.mantissa
        if m == 0 { return (n.negative && n.droppedNonZero) ? -1 : 0 }
        let k = n.exponent + 6
        var magnitude: UInt64
        var inexact = n.droppedNonZero
        if k >= 0 {
            if k > 19 { return nil }
            let (r, o) = m.multipliedReportingOverflow(by: integerPowersOfTen[k])
            if o { return nil }
            magnitude = r
        } else {
            if -k > 19 {
                magnitude = 0
                inexact = true
            } else {
                let p = integerPowersOfTen[-k]
                magnitude = m / p
                if m % p != 0 { inexact = true }
            }
        }
        if n.negative {
            if inexact { magnitude &+= 1 }
            if magnitude > UInt64(Int64.max) { return nil }
            return -Int64(magnitude)
        }
        if magnitude > UInt64(Int64.max) { return nil }
        return Int64(magnitude)
    }
}
