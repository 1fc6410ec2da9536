import SLACSyntax

/// What an LSP `Position.character` counts.
///
/// LSP 3.17 defaults to UTF-16 code units (what JavaScript strings index); a client may offer
/// `utf-8` in `general.positionEncodings`, which saves both sides a conversion. The server's
/// spans are UTF-8 byte offsets, so UTF-8 needs no conversion at all.
package enum PositionEncoding: String, Sendable, Hashable, Codable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"

    /// The encoding to use given what the client offered (UTF-8 only when offered).
    package static func negotiate(offered: [String]?) -> PositionEncoding {
        (offered ?? []).contains(PositionEncoding.utf8.rawValue) ? .utf8 : .utf16
    }
}

/// Converts between UTF-8 byte offsets (the spans of `SLACSyntax`) and LSP positions.
///
/// Built once per document version from its bytes. Lines end at `\n` (a `\r` before it belongs to
/// the terminator), as in `SourceFile`. Conversions clamp instead of failing: an LSP position past
/// the end of a line means the end of that line, one past the last line the end of the text, as
/// the specification asks; a byte offset inside a multi-byte character counts as that character's
/// start, so a UTF-16 position never splits a surrogate pair.
package struct TextPositions: Sendable {
    package let bytes: [UInt8]
    /// Byte offset of the start of each line.
    package let lineStarts: [Int]
    package let encoding: PositionEncoding
    /// For UTF-16 positions on long lines (a 1 MB line with thousands of diagnostics).
    private let counts: CharacterCounts

    package init(bytes: [UInt8], encoding: PositionEncoding) {
        self.bytes = bytes
        self.encoding = encoding
        self.counts = CharacterCounts(bytes)
        // LF, CRLF and a lone CR end lines, as the protocol says (the same table as the CLI's).
        self.lineStarts = SourceFile.lineStarts(bytes)
    }

    package init(text: String, encoding: PositionEncoding) {
        self.init(bytes: Array(text.utf8), encoding: encoding)
    }

    /// The 0-based line holding a byte offset.
    package func line(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Where line `line`'s content ends (before `\n`, `\r\n` or a lone `\r`).
    package func lineContentEnd(_ line: Int) -> Int {
        guard line + 1 < lineStarts.count else { return bytes.count }
        let terminator = lineStarts[line + 1] - 1
        let crlf = bytes[terminator] == UInt8(ascii: "\n") && terminator > lineStarts[line] && bytes[terminator - 1] == UInt8(ascii: "\r")
        return crlf ? terminator - 1 : terminator
    }

    /// The LSP position of a byte offset.
    package func position(of offset: Int) -> Position {
        let clamped = min(max(offset, 0), bytes.count)
        let line = line(of: clamped)
        let start = lineStarts[line]
        switch encoding {
        case .utf8:
            return Position(line: line, character: clamped - start)
        case .utf16:
            var end = clamped
            // Inside a character: its start.
            while end > start && end < bytes.count && bytes[end] & 0xC0 == 0x80 { end -= 1 }
            return Position(line: line, character: counts.utf16Units(bytes, from: start, to: end))
        }
    }

    /// The byte offset of an LSP position.
    package func offset(of position: Position) -> Int {
        if position.line < 0 { return 0 }
        if position.line >= lineStarts.count { return bytes.count }
        let start = lineStarts[position.line]
        let end = lineContentEnd(position.line)
        let character = max(position.character, 0)
        switch encoding {
        case .utf8:
            var offset = min(start + character, end)
            // Never inside a character: back to its start.
            while offset > start && offset < bytes.count && bytes[offset] & 0xC0 == 0x80 { offset -= 1 }
            return offset
        case .utf16:
            var units = 0, i = start
            while i < end {
                let length = TextPositions.sequenceLength(bytes[i])
                let width = length == 4 ? 2 : 1
                if units + width > character { break }  // the position is inside a surrogate pair: its start
                units += width
                i += length
            }
            return min(i, end)
        }
    }

    package func range(of span: Span) -> TextRange {
        TextRange(start: position(of: span.start), end: position(of: span.end))
    }

    /// The position just past the last character.
    package var endPosition: Position { position(of: bytes.count) }

    /// The length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte, so
    /// that scanning always advances).
    static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...0xF7: 4
        case 0xE0...0xEF: 3
        case 0xC0...0xDF: 2
        default: 1
        }
    }
}
