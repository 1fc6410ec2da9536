import SLACEvaluator
import SLACTestSupport
import Testing

/// `NumberFormatting.shortest` writes evidence values in reports: its text must not change. The
/// reference is the first implementation (string interpolation and `Character` operations),
/// kept here as it was.
@Suite("Shortest number text")
struct NumberFormattingTests {
    static func reference(_ d: Double) -> String {
        if d == 0 { return "0" }
        let s = "\(d)"
        guard let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
        }
        let exponent = Int(s[s.index(after: e)...]) ?? 0
        var mantissa = String(s[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        var frac = parts.count > 1 ? String(parts[1]) : ""
        if frac == "0" { frac = "" }
        let digits = intPart + frac
        let pointPosition = intPart.count + exponent
        var result: String
        if pointPosition <= 0 {
            result = "0." + String(repeating: "0", count: -pointPosition) + digits
        } else if pointPosition >= digits.count {
            result = digits + String(repeating: "0", count: pointPosition - digits.count)
        } else {
            let idx = digits.index(digits.startIndex, offsetBy: pointPosition)
            result = String(digits[..<idx]) + "." + String(digits[idx...])
        }
        return negative ? "-" + result : result
    }

    @Test("the same text as the reference for chosen and random values")
    func sameAsReference() {
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 53, 53.25, 312.5, 1e-5, 1.5e-7, 123456789012345680, 1e16, 1e22, 1e300,
                                -2.5e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, -.infinity,
                                0.1, 0.30000000000000004, 9007199254740993, 100, 1000000, 4120.0]
        var random = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            values.append(Double(bitPattern: random.next()))
            values.append(Double(random.next() % 100_000) / 10)
            values.append(Double(random.next() % 1_000_000_007) * 1e-9)
        }
        var differences: [String] = []
        for v in values where !v.isNaN {
            let got = NumberFormatting.shortest(v), want = Self.reference(v)
            if got != want { differences.append("\(v): \(got) vs \(want)") }
        }
        #expect(differences.isEmpty, Comment(rawValue: differences.prefix(10).joined(separator: "\n")))
        #expect(NumberFormatting.shortest(53) == "53" && NumberFormatting.shortest(312.5) == "312.5")
    }
}
