#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private let quote = UInt8(ascii: "\"")

/// One cell of a CSV row: its raw content range, whether it was quoted, whether it contains `""`.
struct CSVCell {
    var start = 0
    var end = 0
    var quoted = false
    var escaped = false
}

enum CSVRows {
    /// Finds the end of the row starting at `from`: the first `\n` outside quotes (quote parity
    /// counted from the row start, the same rule `chunkBoundaries` uses from the file start, so that
    /// chunked and sequential scans split rows identically). Returns the index of that `\n` (or
    /// `end`), the number of newlines inside quotes, and whether the row contains a quote.
    @inline(__always)
    static func rowEnd(_ base: UnsafePointer<UInt8>, _ from: Int, _ end: Int) -> (end: Int, inner: Int, hasQuotes: Bool) {
        var i = from
        var inQuotes = false
        var inner = 0
        var hasQuotes = false
        while true {
            let nl = memchr(base + i, 0x0A, end - i).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? end
            if !inQuotes && memchr(base + i, Int32(quote), nl - i) == nil { return (nl, inner, hasQuotes) }
            // The row has a quote by now (this line's, or the one that opened the quotes).
            hasQuotes = true
            if QuoteParity.isOdd(base, i, nl) { inQuotes.toggle() }
            if !inQuotes || nl >= end { return (nl, inner, hasQuotes) }
            inner += 1
            i = nl + 1
        }
    }

    /// Splits a header row into trimmed names (allocating; used once per file).
    static func splitHeader(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Result<[String], LineError> {
        var names: [String] = []
        var i = start
        while true {
            var j = i
            while j < end && (base[j] == 0x20 || base[j] == 0x09) { j += 1 }
            if j < end && base[j] == quote {
                var bytes: [UInt8] = []
                var k = j + 1
                var closed = false
                while k < end {
                    if base[k] == quote {
                        if k + 1 < end && base[k + 1] == quote {
                            bytes.append(quote)
                            k += 2
                            continue
                        }
                        closed = true
                        k += 1
                        break
                    }
                    bytes.append(base[k])
                    k += 1
                }
                guard closed else { return .failure(LineError(reason: "unterminated quoted cell")) }
                while k < end && (base[k] == 0x20 || base[k] == 0x09) { k += 1 }
                names.append(String(decoding: bytes, as: UTF8.self))
                if k >= end { break }
                guard base[k] == UInt8(ascii: ",") else {
                    return .failure(LineError(reason: "unexpected \(describeByte(base[k])) after quoted cell \(names.count)"))
                }
                i = k + 1
            } else {
                var k = i
                while k < end && base[k] != UInt8(ascii: ",") {
                    if base[k] == quote {
                        return .failure(LineError(reason: "unexpected `\"` in unquoted cell \(names.count + 1)"))
                    }
                    k += 1
                }
                var s = i
                var t = k
                while s < t && (base[s] == 0x20 || base[s] == 0x09) { s += 1 }
                while t > s && (base[t - 1] == 0x20 || base[t - 1] == 0x09) { t -= 1 }
                names.append(String(decoding: UnsafeBufferPointer(start: base + s, count: t - s), as: UTF8.self))
                if k >= end { break }
                i = k + 1
            }
        }
        return .success(names)
    }
}

extension RecordDecoder {
    /// Splits the row `[start, end)` (without its line break) into `cells` (capacity `columns`) and
    /// checks the cell count; `hasQuotes` false allows the plain comma split.
    @inline(__always)
    mutating func splitRow(_ start: Int, _ end: Int, hasQuotes: Bool, _ cells: UnsafeMutablePointer<CSVCell>, _ columns: Int) throws(LineError) {
        var col = 0
        var i = start
        if !hasQuotes {
            var cellStart = i
            // Eight bytes at a time: exact per-byte comma test (no borrow between bytes).
            let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            while i + 8 <= end {
                let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) ^ 0x2C2C_2C2C_2C2C_2C2C
                var commas = ~(((x & low7) &+ low7) | x | low7)
                while commas != 0 {
                    let at = i + (commas.trailingZeroBitCount >> 3)
                    if col < columns { cells[col] = CSVCell(start: cellStart, end: at) }
                    col += 1
                    cellStart = at + 1
                    commas &= commas &- 1
                }
                i += 8
            }
            while i < end {
                if base[i] == UInt8(ascii: ",") {
                    if col < columns { cells[col] = CSVCell(start: cellStart, end: i) }
                    col += 1
                    cellStart = i + 1
                }
                i += 1
            }
            if col < columns { cells[col] = CSVCell(start: cellStart, end: end) }
            col += 1
        } else {
            while true {
                var j = i
                while j < end && (base[j] == 0x20 || base[j] == 0x09) { j += 1 }
                if j < end && base[j] == quote {
                    var k = j + 1
                    var escaped = false
                    var close = -1
                    while k < end {
                        if base[k] == quote {
                            if k + 1 < end && base[k + 1] == quote {
                                escaped = true
                                k += 2
                                continue
                            }
                            close = k
                            break
                        }
                        k += 1
                    }
                    guard close >= 0 else { throw LineError(reason: "unterminated quoted cell \(col + 1)") }
                    if col < columns { cells[col] = CSVCell(start: j + 1, end: close, quoted: true, escaped: escaped) }
                    col += 1
                    k = close + 1
                    while k < end && (base[k] == 0x20 || base[k] == 0x09) { k += 1 }
                    if k >= end { break }
                    guard base[k] == UInt8(ascii: ",") else {
                        throw LineError(reason: "unexpected \(describeByte(base[k])) after quoted cell \(col)")
                    }
                    i = k + 1
                    if i >= end {
                        if col < columns { cells[col] = CSVCell(start: end, end: end) }
                        col += 1
                        break
                    }
                } else {
                    var k = i
                    while k < end && base[k] != UInt8(ascii: ",") {
                        if base[k] == quote { throw LineError(reason: "unexpected `\"` in unquoted cell \(col + 1)") }
                        k += 1
                    }
                    if col < columns { cells[col] = CSVCell(start: i, end: k) }
                    col += 1
                    if k >= end { break }
                    i = k + 1
                    if i >= end {
                        if col < columns { cells[col] = CSVCell(start: end, end: end) }
                        col += 1
                        break
                    }
                }
            }
        }
        if col != columns { throw LineError(reason: "expected \(columns) cells, found \(col)") }
    }

    /// Removes `""` escapes of a quoted cell into `scratch`; returns the byte count.
    mutating func unescapeCSV(_ start: Int, _ end: Int) -> Int {
        ensureScratch(end - start + 1)
        var i = start
        var o = 0
        while i < end {
            scratch[o] = base[i]
            o += 1
            i += base[i] == quote ? 2 : 1
        }
        return o
    }

    /// Decodes the cells of one row into `rec` (`columnEntries[c]` is the key index of column c or -1).
    @inline(__always)
    mutating func decodeCSVCells(_ cells: UnsafeMutablePointer<CSVCell>, _ columnEntries: UnsafePointer<Int>, _ columns: Int,
                                 _ rec: inout TraceRecord) throws(LineError) {
        var c = 0
        while c < columns {
            let index = columnEntries[c]
            if index >= 0 { try decodeCSVCell(index, cells[c], &rec) }
            c += 1
        }
    }

    @inline(__always)
    mutating func decodeCSVCell(_ index: Int, _ cell: CSVCell, _ rec: inout TraceRecord) throws(LineError) {
        let e = keys.entries[index]
        if e.flags == 0 && e.numericSlot < 0 && e.textSlot < 0 && e.listSlot < 0 { return }
        let flags = FieldFlags(rawValue: e.flags)
        var src = base
        var s = cell.start
        var t = cell.end
        var srcReadable = readable
        if cell.escaped {
            let n = unescapeCSV(s, t)
            src = UnsafePointer(scratch)
            s = 0
            t = n
            srcReadable = 0
        }
        // Numbers and timestamps ignore surrounding blanks; text keeps them.
        var ts = s
        var te = t
        while ts < te && (src[ts] == 0x20 || src[ts] == 0x09) { ts += 1 }
        while te > ts && (src[te - 1] == 0x20 || src[te - 1] == 0x09) { te -= 1 }
        let empty = ts == te
        if flags.contains(.timestamp) {
            if empty { return }
            if let n = NumberParsing.scan(src, ts, te, allowPlus: true), n.end == te {
                try storeNumber(index, e, n, src, srcReadable, &rec)
                return
            }
            try storeTimestampText(src, ts, te)
            if e.textSlot >= 0 { setText(Int(e.textSlot), texts.string(slot: Int(e.textSlot), src, s, t, readable: srcReadable), &rec) }
            if e.numericSlot >= 0 { setNumber(Int(e.numericSlot), Double(pendingTimestamp) / 1e6, &rec) }
            return
        }
        if flags.contains(.metric) || e.numericSlot >= 0 {
            if empty { return }
            guard let n = NumberParsing.scan(src, ts, te, allowPlus: true), n.end == te else {
                throw LineError(reason: "`\(keys.name(index))` is not a number: \(quoted(src, s, t))")
            }
            try storeNumber(index, e, n, src, srcReadable, &rec)
            return
        }
        if flags.contains(.chunkGaps) || e.listSlot >= 0 {
            if empty { return }
            guard !cell.escaped, src[ts] == UInt8(ascii: "[") else { throw notAList(index) }
            var p = ts
            let savedLineStart = lineStart
            try decodeList(index, e, &p, te, &rec)
            lineStart = savedLineStart
            if p != te { throw notAList(index) }
            return
        }
        if e.textSlot >= 0 {
            if !cell.quoted && s == t { return }
            setText(Int(e.textSlot), texts.string(slot: Int(e.textSlot), src, s, t, readable: srcReadable), &rec)
        }
    }
}
