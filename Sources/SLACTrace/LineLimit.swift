/// The longest line (CSV row) slac reads as a record, and what happens to a longer one: the same on
/// every input path (a mapped file, standard input, a pipe, gzip), see docs/formats.md, "Line length".
///
/// A stream has to hold a whole line in memory to hand it to the scanner, so without a limit one
/// unterminated line (or an unmatched CSV quote, which makes the rest of the file one row) would
/// exhaust memory. A mapped file needs no buffer, but it follows the same rule so that where a trace
/// comes from never changes its verdict (issue 15: a 300 MB line was accepted from a file and made
/// a gzip copy of the same trace fail).
///
/// The rule: a line's length is its bytes before the line feed (a CR before it counts; for the first
/// line, a UTF-8 byte order mark does not). A line longer than the limit is a rejected record, with
/// `reason`; the trace goes on. A blank line (only spaces, tabs and CRs) is never a record, whatever
/// its length, and blank lines never add to the length of the line after them. Only a CSV header
/// longer than the limit stops the trace (without a header no row can be read).
package enum LineLimit {
    /// 256 MB: far beyond any real record (a long prompt is kilobytes), small enough to buffer.
    package static let standard = 256 << 20

    /// The limit as people read it: `256 MB` for whole megabytes, else bytes (limits set by tests).
    package static func describe(_ limit: Int) -> String {
        limit >= 1 << 20 && limit % (1 << 20) == 0 ? "\(limit >> 20) MB" : "\(limit) bytes"
    }

    /// Why a line (CSV row) longer than `limit` is rejected.
    package static func reason(_ limit: Int, csv: Bool) -> String {
        csv ? "row is longer than \(describe(limit)) (an unmatched quote makes the rest of the file one row)"
            : "line is longer than \(describe(limit))"
    }

    /// Why a CSV trace whose header row is longer than `limit` cannot be read.
    package static func headerReason(_ limit: Int) -> String {
        "csv header is longer than \(describe(limit))"
    }

    /// Whether `base[from..<to]` holds only blanks (space, tab, CR): such a line is skipped, never
    /// a record, as the scanner skips it.
    @inline(__always)
    static func isBlank(_ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        var k = from
        while k < to {
            let b = base[k]
            if b != 0x20 && b != 0x09 && b != 0x0D { return false }
            k += 1
        }
        return true
    }
}
