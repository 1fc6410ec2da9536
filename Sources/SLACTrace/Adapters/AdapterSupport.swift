#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why one record of an adapter format was rejected (becomes a `RejectedLine` reason).
struct FieldError: Error {
    var reason: String
}

/// Conversions shared by the adapters, each raising the reasons of the canonical reader's rules
/// (docs/formats.md: metrics non-negative numbers, token counts whole).
enum Convert {
    /// The decimal value of a JSON field: nil when absent or null; a JSON number; a string holding
    /// a number only when `allowString` (OTLP writes 64-bit integers as strings).
    static func decimal(_ value: JSONValue?, _ source: String, allowString: Bool = false) throws(FieldError) -> DecimalText? {
        guard let value else { return nil }
        switch value {
        case .null: return nil
        case .number(let text):
            guard let d = DecimalText(text) else { throw FieldError(reason: "`\(source)` is not a number: `\(text)`") }
            return d
        case .string(let text) where allowString:
            guard let d = DecimalText(text) else { throw FieldError(reason: "`\(source)` is not a number: \(quotedText(text))") }
            return d
        default:
            throw FieldError(reason: "`\(source)` is not a number: \(value.typeName)")
        }
    }

    /// A canonical metric from a decimal in the source unit: × 10^`scale` with one rounding;
    /// must be non-negative and finite, and whole when `whole` (token counts).
    static func metric(_ d: DecimalText, _ source: String, scale: Int = 0, whole: Bool = false) throws(FieldError) -> Double {
        if d.negative { throw FieldError(reason: "`\(source)` is negative: `\(d.text)`") }
        if whole && !d.isWhole { throw FieldError(reason: "`\(source)` is not a whole number of tokens: `\(d.text)`") }
        guard let v = d.double(scale: scale) else { throw FieldError(reason: "`\(source)` is too large: `\(d.text)`") }
        return v
    }

    /// A metric from a JSON field (nil when absent or null).
    static func metric(_ value: JSONValue?, _ source: String, scale: Int = 0, whole: Bool = false,
                       allowString: Bool = false) throws(FieldError) -> Double? {
        guard let d = try decimal(value, source, allowString: allowString) else { return nil }
        return try metric(d, source, scale: scale, whole: whole)
    }

    /// A duration between two instants (ns) in ms, rounded once (exact for spans under 104 days);
    /// a negative duration is an error, named after the two source fields.
    static func milliseconds(from start: Int64, to end: Int64, _ source: String) throws(FieldError) -> Double {
        let (d, o) = end.subtractingReportingOverflow(start)
        if o { throw FieldError(reason: "\(source) is out of range") }
        if d < 0 { throw FieldError(reason: "\(source) is negative (the end is before the start)") }
        return Double(d) / 1_000_000
    }

    /// A text field: strings as they are; numbers and booleans as their literal text.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: s
        case .number(let n)?: n
        case .bool(let b)?: b ? "true" : "false"
        default: nil
        }
    }

    /// An error code as status text: `error:429` (whole numbers without a fraction: `429.0` → 429).
    static func errorStatus(code: JSONValue?) -> String? {
        switch code {
        case nil, .null?: return nil
        case .string(let s)?: return s.isEmpty ? nil : "error:" + s
        case .number(let n)?:
            if let d = DecimalText(n), d.isWhole, let i = d.floorInteger() { return "error:\(i)" }
            return "error:" + n
        case .bool(let b)?: return b ? "error" : nil
        default: return "error"
        }
    }
}

/// User text in backticks for a reason, cut after 64 characters, control characters escaped.
func quotedText(_ s: String) -> String {
    let bytes = Array(s.utf8)
    return bytes.withUnsafeBufferPointer { b in
        guard let base = b.baseAddress else { return "``" }
        return quoted(base, 0, b.count)
    }
}

/// The lines of a byte buffer, for the line-based adapter formats.
struct LineSplitter {
    /// One physical line: its 1-based number and byte range without the line break (and without
    /// a CR before it).
    struct Line {
        var number: Int
        var range: Range<Int>
    }

    /// Every physical line (a final line without a line break included; an empty input has none).
    static func lines(_ bytes: UnsafeRawBufferPointer) -> [Line] {
        guard let raw = bytes.baseAddress, bytes.count > 0 else { return [] }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var out: [Line] = []
        var pos = hasByteOrderMark(base, n) ? 3 : 0
        var number = 0
        while pos < n {
            let nl = memchr(base + pos, 0x0A, n - pos).map { UnsafeRawPointer($0) - raw } ?? n
            number += 1
            var e = nl
            if e > pos && base[e - 1] == 0x0D { e -= 1 }
            out.append(Line(number: number, range: pos..<e))
            pos = nl + 1
        }
        return out
    }

    /// Whether `range` holds only blanks (a blank line is not a record, as in canonical JSON Lines).
    static func isBlank(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        range.allSatisfy { bytes[$0] == 0x20 || bytes[$0] == 0x09 || bytes[$0] == 0x0D }
    }
}

/// A small RFC 4180 CSV reader for the adapter formats (Azure, LMBench): rows of cells with
/// their line numbers; quotes and `""` escapes; CRLF or LF; a final row without a line break.
struct SimpleCSV {
    struct Row {
        /// 1-based physical line where the row starts.
        var line: Int
        var cells: [String]
    }

    /// A data row, or the reason it could not be split.
    enum Outcome {
        case row(Row)
        case rejected(RejectedLine)
    }

    /// The header (first non-blank row) and the data rows; blank rows are skipped. `physicalLines`
    /// counts every line, for the scan's `lines`.
    static func read(_ bytes: UnsafeRawBufferPointer) throws(FieldError) -> (header: Row?, rows: [Outcome], physicalLines: Int) {
        guard let raw = bytes.baseAddress, bytes.count > 0 else { return (nil, [], 0) }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var pos = hasByteOrderMark(base, n) ? 3 : 0
        var line = 0
        var header: Row?
        var rows: [Outcome] = []
        while pos < n {
            line += 1
            let rowLine = line
            var cells: [String] = []
            var cell: [UInt8] = []
            var inQuotes = false
            var quotedCell = false
            var bad: String?
            var blank = true
            while pos < n {
                let c = base[pos]
                if inQuotes {
                    if c == UInt8(ascii: "\"") {
                        if pos + 1 < n && base[pos + 1] == UInt8(ascii: "\"") {
                            cell.append(c)
                            pos += 2
                            continue
                        }
                        inQuotes = false
                        pos += 1
                        continue
                    }
                    if c == 0x0A { line += 1 }
                    cell.append(c)
                    pos += 1
                    continue
                }
                if c == 0x0A { break }
                if c == UInt8(ascii: ",") {
                    cells.append(String(decoding: cell, as: UTF8.self))
                    cell.removeAll(keepingCapacity: true)
                    quotedCell = false
                    blank = false
                    pos += 1
                    continue
                }
                if c == UInt8(ascii: "\"") {
                    if cell.isEmpty && !quotedCell {
                        inQuotes = true
                        quotedCell = true
                        blank = false
                    } else if bad == nil {
                        bad = "stray quote inside an unquoted cell"
                    }
                    pos += 1
                    continue
                }
                if c == 0x0D && (pos + 1 == n || base[pos + 1] == 0x0A) {
                    pos += 1
                    continue
                }
                if c != 0x20 && c != 0x09 { blank = false }
                cell.append(c)
                pos += 1
            }
            pos += 1  // past the line break (or the end)
            if inQuotes && bad == nil { bad = "unterminated quoted cell" }
            if blank && cells.isEmpty { continue }
            cells.append(String(decoding: cell, as: UTF8.self))
            let trimmed = cells.map { $0.trimmingBlanks() }
            if header == nil {
                if let bad { throw FieldError(reason: "csv header is malformed: " + bad) }
                header = Row(line: rowLine, cells: trimmed)
                continue
            }
            if let bad {
                rows.append(.rejected(RejectedLine(line: rowLine, reason: bad)))
            } else {
                rows.append(.row(Row(line: rowLine, cells: trimmed)))
            }
        }
        return (header, rows, line)
    }
}
