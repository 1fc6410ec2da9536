import SLACAudit

/// `report`: what `slac verify-report` does with a report file: the safe XML reader, the
/// integrity check (C14N digest, signature), and, for `--recompute`, the run's recorded settings and
/// the comparison with the report the inputs give (here: the input on both sides; the two need
/// not match, since `compare` ignores the integrity element on the untrusted side only).
enum ReportTarget {
    static func run(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        _ = try? ReportIntegrity.check(bytes)
        _ = try? ReportComparison.recordedRun(of: bytes)
        _ = try? ReportComparison.compare(report: bytes, expected: bytes)
    }
}
