import SLACAudit

/// `report`: what `slac verify-report` does with a report file: the safe XML reader, the
/// integrity check (C14N digest, signature), and, for `--recompute`, the window selection and
/// the comparison with another report (here: the report itself, which must match).
enum ReportTarget {
    static func run(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        _ = try? ReportIntegrity.check(bytes)
        _ = try? ReportComparison.windowSelection(of: bytes)
        if let comparison = try? ReportComparison.compare(report: bytes, expected: bytes), !comparison.matches {
            FuzzFinding.fail(.report, "a report differs from itself: \(comparison.differences.map(\.description))")
        }
    }
}
