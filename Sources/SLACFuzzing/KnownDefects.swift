/// Inputs that reach defects of issue 15 which are being fixed on main: the fuzz targets skip
/// them by default (`skippingKnownDefects`), so that a run keeps finding new defects instead of
/// the same one. Remove each test here once its fix has landed.
///
/// - Contract dates outside about 1677–2262 trap in `CivilTime` / `ZoneRules.startOfDay`
///   (the instant leaves the Int64 nanosecond range).
/// - `Rational.doubleBracket` spins when the bound, or its numerator or denominator, is near
///   or beyond 1e308 (the approximation starts at the largest double and steps one ulp at a time).
/// - Quadratic diagnostics on long lines: not filtered; `scripts/fuzz.sh` keeps inputs short
///   (`-max_len`), where it costs milliseconds.
public enum KnownDefects {
    /// Years a contract date may have without reaching the `CivilTime` defect (with a margin).
    static let safeYears = 1680...2260
    /// Longest run of decimal digits that cannot reach the `doubleBracket` defect (with units
    /// scaling a number by up to about 10^12, 280 digits stay below 1e308).
    static let longestSafeDigitRun = 280

    /// Whether `bytes` contains a `YYYY-MM-DD` date (not preceded by a digit) whose year is
    /// outside `safeYears`.
    public static func hasUnsafeDate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        guard n >= 10 else { return false }
        func digit(_ i: Int) -> Int? {
            let b = bytes[i]
            return b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil
        }
        for i in 0...(n - 10) {
            if i > 0, digit(i - 1) != nil { continue }
            guard let a = digit(i), let b = digit(i + 1), let c = digit(i + 2), let d = digit(i + 3),
                  bytes[i + 4] == UInt8(ascii: "-"), digit(i + 5) != nil, digit(i + 6) != nil,
                  bytes[i + 7] == UInt8(ascii: "-"), digit(i + 8) != nil, digit(i + 9) != nil else { continue }
            if !safeYears.contains(a * 1000 + b * 100 + c * 10 + d) { return true }
        }
        return false
    }

    /// Whether `bytes` contains a run of more than `longestSafeDigitRun` decimal digits.
    public static func hasHugeNumber(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var run = 0
        for b in bytes {
            if b >= 0x30 && b <= 0x39 {
                run += 1
                if run > longestSafeDigitRun { return true }
            } else {
                run = 0
            }
        }
        return false
    }
}
