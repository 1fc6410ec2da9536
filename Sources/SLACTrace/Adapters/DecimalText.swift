/// An exact decimal number read from a trace's text, for unit conversions without rounding.
///
/// Adapters convert seconds to milliseconds and epoch seconds to nanoseconds. Multiplying a
/// binary64 value by 1000 rounds twice (`1.005 * 1000` is `1004.9999999999999`), which can move a
/// value across a contract bound; shifting the decimal exponent of the text and rounding once
/// gives the binary64 value nearest to the exact converted quantity (docs/language.md, "Exactness").
package struct DecimalText: Sendable, Equatable {
    /// Whether a minus sign was present.
    package var negative: Bool
    /// Significant digits (ASCII), without leading zeros; empty for zero.
    package var digits: [UInt8]
    /// value = ±digits × 10^exponent.
    package var exponent: Int
    /// The number as written (blanks trimmed), for reject reasons.
    package var text: String

    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` (also `.5` and `5.`, as Python and CSV
    /// writers produce them), blanks around it allowed. Nil for anything else (`nan`, `inf`, ``).
    package init?(_ text: some StringProtocol) {
        var bytes = Array(text.utf8)[...]
        while let f = bytes.first, f == 0x20 || f == 0x09 { bytes = bytes.dropFirst() }
        while let l = bytes.last, l == 0x20 || l == 0x09 || l == 0x0D { bytes = bytes.dropLast() }
        let written = String(decoding: bytes, as: UTF8.self)
        var negative = false
        if let f = bytes.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
            negative = f == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var exponent = 0
        var sawDigit = false
        var seenPoint = false
        while let c = bytes.first {
            if c == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
            } else if c >= 0x30 && c <= 0x39 {
                sawDigit = true
                if !(digits.isEmpty && c == 0x30) { digits.append(c) }
                if seenPoint { exponent -= 1 }
            } else {
                break
            }
            bytes = bytes.dropFirst()
        }
        guard sawDigit else { return nil }
        if let c = bytes.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var eneg = false
            if let s = bytes.first, s == UInt8(ascii: "-") || s == UInt8(ascii: "+") {
                eneg = s == UInt8(ascii: "-")
                bytes = bytes.dropFirst()
            }
            guard !bytes.isEmpty else { return nil }
            var e = 0
            for c in bytes {
                guard c >= 0x30 && c <= 0x39 else { return nil }
                if e < 1_000_000 { e = e * 10 + Int(c - 0x30) }
            }
            bytes = bytes[bytes.endIndex...]
            exponent += eneg ? -e : e
        }
        guard bytes.isEmpty else { return nil }
        // Trailing zeros of the digits move into the exponent (exact, keeps `isWhole` simple).
        while let l = digits.last, l == 0x30 {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty { exponent = 0 }
        self.negative = negative && !digits.isEmpty
        self.digits = digits
        self.exponent = exponent
        self.text = written
    }

    init(negative: Bool, digits: [UInt8], exponent: Int) {
        self.negative = negative
        self.digits = digits
        self.exponent = exponent
        var t = digits.isEmpty ? "0" : String(decoding: digits, as: UTF8.self)
        if !digits.isEmpty && exponent > 0 { t += String(repeating: "0", count: exponent) }
        if !digits.isEmpty && exponent < 0 {
            let k = -exponent
            if t.count > k {
                t.insert(".", at: t.index(t.endIndex, offsetBy: -k))
            } else {
                t = "0." + String(repeating: "0", count: k - t.count) + t
            }
        }
        self.text = (negative && !digits.isEmpty ? "-" : "") + t
    }

    /// An exact integer (e.g. a nanosecond count).
    package init(_ value: Int64) {
        var digits = Array(String(value.magnitude).utf8)
        var exponent = 0
        while let l = digits.last, l == 0x30 {
            digits.removeLast()
            exponent += 1
        }
        self.init(negative: value < 0, digits: digits, exponent: digits.isEmpty ? 0 : exponent)
    }

    /// Whether the value is zero.
    package var isZero: Bool { digits.isEmpty }

    /// Whether the value is a whole number (`76.0` is; token counts must be, docs/language.md, "Exactness").
    package var isWhole: Bool { digits.isEmpty || exponent >= 0 }

    /// The binary64 value nearest to this value × 10^`scale` (one correctly rounded conversion);
    /// nil when it overflows to infinity.
    package func double(scale: Int = 0) -> Double? {
        if digits.isEmpty { return negative ? -0.0 : 0.0 }
        let e = exponent + scale
        if e > 400 { return nil }
        if e < -1200 { return negative ? -0.0 : 0.0 }
        let text = (negative ? "-" : "") + String(decoding: digits, as: UTF8.self) + "e\(e)"
        guard let d = Double(text), d.isFinite else { return nil }
        return d
    }

    /// ⌊value × 10^`scale`⌋ as an integer (e.g. epoch seconds to nanoseconds with `scale: 9`,
    /// digits below one nanosecond truncated toward the past); nil outside Int64.
    package func floorInteger(scale: Int = 0) -> Int64? {
        if digits.isEmpty { return 0 }
        let e = exponent + scale
        var magnitude: Int64 = 0
        var dropped = false
        let keep = e >= 0 ? digits.count : digits.count + e
        for (i, c) in digits.enumerated() {
            if i < keep {
                let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(c - 0x30))
                if o1 || o2 { return nil }
                magnitude = a
            } else if c != 0x30 {
                dropped = true
            }
        }
        if e > 0 {
            for _ in 0..<e {
                let (m, o) = magnitude.multipliedReportingOverflow(by: 10)
                if o { return nil }
                magnitude = m
            }
        }
        if negative {
            return dropped ? -magnitude - 1 : -magnitude
        }
        return magnitude
    }

    /// The exact sum of two non-negative decimals (e.g. LMBench `ttft + generation_time`).
    package static func + (a: DecimalText, b: DecimalText) -> DecimalText {
        precondition(!a.negative && !b.negative, "only non-negative sums are needed")
        if a.isZero { return b }
        if b.isZero { return a }
        let e = min(a.exponent, b.exponent)
        let x = a.digits + Array(repeating: 0x30, count: a.exponent - e)
        let y = b.digits + Array(repeating: 0x30, count: b.exponent - e)
        var out: [UInt8] = []
        var carry: UInt8 = 0
        var i = x.count - 1, j = y.count - 1
        while i >= 0 || j >= 0 || carry > 0 {
            var s = carry
            if i >= 0 { s += x[i] - 0x30 }
            if j >= 0 { s += y[j] - 0x30 }
            out.append(0x30 + s % 10)
            carry = s / 10
            i -= 1
            j -= 1
        }
        var digits = Array(out.reversed())
        var exponent = e
        while let l = digits.last, l == 0x30 {
            digits.removeLast()
            exponent += 1
        }
        return DecimalText(negative: false, digits: digits, exponent: exponent)
    }
}
