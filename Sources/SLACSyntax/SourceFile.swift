/// A contract source: its name for display, its bytes, and a line table built lazily for display.
package struct SourceFile: Sendable, Hashable {
    /// The path as the user gave it (used in `file:line:col`).
    package let path: String
    /// The UTF-8 text.
    package let text: String
    /// Byte offset of the start of each line.
    package let lineStarts: [Int]
    /// The UTF-8 bytes, kept so that locating a diagnostic does not copy the file.
    private let bytes: [UInt8]
    /// For columns on long lines.
    private let counts: CharacterCounts

    package init(path: String, text: String) {
        self.path = path
        self.text = text
        let bytes = Array(text.utf8)
        self.lineStarts = SourceFile.lineStarts(bytes)
        self.bytes = bytes
        self.counts = CharacterCounts(bytes)
    }

    package var utf8: String.UTF8View { text.utf8 }

    /// Byte offsets where lines start. A line ends with LF, CRLF or a lone CR (classic Mac OS),
    /// the three line endings of the Language Server Protocol, so that positions agree with
    /// editors on every file.
    package static func lineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        for i in bytes.indices where isLineBreak(bytes, at: i) { starts.append(i + 1) }
        return starts
    }

    /// Whether a line ends at byte `i`: a line feed, or a carriage return not followed by one.
    /// The one rule for the lexer, the diagnostics and the language server.
    package static func isLineBreak(_ bytes: [UInt8], at i: Int) -> Bool {
        guard i < bytes.count else { return false }
        return bytes[i] == UInt8(ascii: "\n") || (bytes[i] == UInt8(ascii: "\r") && (i + 1 == bytes.count || bytes[i + 1] != UInt8(ascii: "\n")))
    }

    /// 1-based line and column of a byte offset; the column counts Unicode scalars, as editors do.
    package func location(of offset: Int) -> (line: Int, column: Int) {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let lineStart = lineStarts[low]
        let clamped = min(max(offset, lineStart), bytes.count)
        return (low + 1, counts.scalars(bytes, from: lineStart, to: clamped) + 1)
    }

    /// The text of a 1-based line without its terminator.
    package func line(_ number: Int) -> String {
        guard number >= 1 && number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] : bytes.count
        while end > start && (bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r")) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The source text of a span.
    package func slice(_ span: Span) -> String {
        let s = min(max(span.start, 0), bytes.count), e = min(max(span.end, s), bytes.count)
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }
}

/// Counts characters between two byte offsets of a UTF-8 text without scanning from the line's
/// start: the counts before every 256-byte block are kept, so a count costs at most two partial
/// blocks. A 0.9 MB contract on one line with 32,000 diagnostics took 58 s to locate them (each
/// location decoded the line up to its offset); the language server's UTF-16 positions likewise.
package struct CharacterCounts: Sendable, Hashable {
    static let blockShift = 8
    /// Unicode scalars (lead bytes) before each block's first byte.
    private let scalarsBefore: [Int]
    /// Scalars outside the Basic Multilingual Plane (4-byte sequences, two UTF-16 units) before each block.
    private let astralBefore: [Int]

    package init(_ bytes: [UInt8]) {
        var scalars: [Int] = [0], astral: [Int] = [0]
        scalars.reserveCapacity(bytes.count >> Self.blockShift + 1)
        var s = 0, a = 0
        for (i, byte) in bytes.enumerated() {
            if i > 0 && i & ((1 << Self.blockShift) - 1) == 0 {
                scalars.append(s)
                astral.append(a)
            }
            if byte & 0xC0 != 0x80 { s += 1 }
            if byte >= 0xF0 { a += 1 }
        }
        scalarsBefore = scalars
        astralBefore = astral
    }

    /// Scalars and astral scalars whose first byte lies before `offset`.
    private func before(_ bytes: [UInt8], _ offset: Int) -> (scalars: Int, astral: Int) {
        let block = min(offset >> Self.blockShift, scalarsBefore.count - 1)
        var s = scalarsBefore[block], a = astralBefore[block]
        var i = block << Self.blockShift
        while i < offset {
            let byte = bytes[i]
            if byte & 0xC0 != 0x80 { s += 1 }
            if byte >= 0xF0 { a += 1 }
            i += 1
        }
        return (s, a)
    }

    /// Unicode scalars starting in `[from, to)` (a scalar cut by `to` counts).
    package func scalars(_ bytes: [UInt8], from: Int, to: Int) -> Int {
        guard to > from else { return 0 }
        return before(bytes, to).scalars - before(bytes, from).scalars
    }

    /// UTF-16 code units of the scalars starting in `[from, to)`.
    package func utf16Units(_ bytes: [UInt8], from: Int, to: Int) -> Int {
        guard to > from else { return 0 }
        let end = before(bytes, to), start = before(bytes, from)
        return (end.scalars - start.scalars) + (end.astral - start.astral)
    }
}
