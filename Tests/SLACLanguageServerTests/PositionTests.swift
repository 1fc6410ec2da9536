import SLACLanguageServer
import SLACLegalOps
import SLACSyntax
import Testing

/// UTF-8 byte offsets (the spans) against LSP positions in UTF-16 and UTF-8.
@Suite struct PositionTests {
    // "ü" is 2 bytes / 1 UTF-16 unit, "日" 3 / 1, "😀" 4 / 2 (a surrogate pair).
    let text = "a\nxü日😀z\r\nlast"

    @Test func utf16PositionsOfEveryCharacter() {
        let p = TextPositions(text: text, encoding: .utf16)
        // line 1 starts at byte 2: x(2) ü(3..4) 日(5..7) 😀(8..11) z(12) \r(13) \n(14)
        #expect(p.position(of: 2) == Position(line: 1, character: 0))
        #expect(p.position(of: 3) == Position(line: 1, character: 1))
        #expect(p.position(of: 5) == Position(line: 1, character: 2))
        #expect(p.position(of: 8) == Position(line: 1, character: 3))
        #expect(p.position(of: 12) == Position(line: 1, character: 5))
        #expect(p.position(of: 15) == Position(line: 2, character: 0))
        #expect(p.endPosition == Position(line: 2, character: 4))
        for offset in [2, 3, 5, 8, 12, 13, 15, 19] {
            #expect(p.offset(of: p.position(of: offset)) == offset, "round trip of byte \(offset)")
        }
    }

    @Test func utf8PositionsAreByteColumns() {
        let p = TextPositions(text: text, encoding: .utf8)
        #expect(p.position(of: 12) == Position(line: 1, character: 10))
        #expect(p.offset(of: Position(line: 1, character: 6)) == 8)
        // Inside 日: back to its first byte.
        #expect(p.offset(of: Position(line: 1, character: 4)) == 5)
    }

    @Test func positionsInsideASurrogatePairOrACharacterClamp() {
        let p = TextPositions(text: text, encoding: .utf16)
        // Character 4 is between the two halves of 😀: its start.
        #expect(p.offset(of: Position(line: 1, character: 4)) == 8)
        // A byte offset inside 日 counts as 日's start.
        #expect(p.position(of: 6) == Position(line: 1, character: 2))
    }

    @Test func positionsPastTheEndClamp() {
        let p = TextPositions(text: text, encoding: .utf16)
        // Past the end of line 1: before its `\r\n`.
        #expect(p.offset(of: Position(line: 1, character: 99)) == 13)
        #expect(p.offset(of: Position(line: 9, character: 0)) == text.utf8.count)
        #expect(p.offset(of: Position(line: -1, character: 3)) == 0)
    }

    /// LSP's three line endings: LF, CRLF and a lone CR (a file from classic Mac OS once was one
    /// line, every diagnostic on line 0).
    @Test func aLoneCarriageReturnEndsALine() {
        let p = TextPositions(text: "ab\rcd\r\nef\r\rg", encoding: .utf16)
        #expect(p.lineStarts == [0, 3, 7, 10, 11])
        #expect(p.position(of: 3) == Position(line: 1, character: 0))
        #expect(p.position(of: 7) == Position(line: 2, character: 0))
        #expect(p.position(of: 11) == Position(line: 4, character: 0))
        // Past the end of each line: before its terminator.
        #expect(p.offset(of: Position(line: 0, character: 9)) == 2)
        #expect(p.offset(of: Position(line: 1, character: 9)) == 5)
        #expect(p.offset(of: Position(line: 3, character: 9)) == 10)
        #expect(SourceFile(path: "t", text: "ab\rcd\r\nef\r\rg").lineStarts == p.lineStarts)
    }

    /// A contract saved with lone CRs: comments end at them, diagnostics land on their lines, and
    /// `slac check` and the editor agree.
    @Test func contractWithClassicMacLineEndings() {
        let lines = ["contract \"T\" {  // a comment", "    effective 2026-01-01 to 2027-01-01", "    clause \"1\" c {",
                     "        every 5 minutes", "        require p99(ttft) <= 800 mss", "    }", "}"]
        let source = SourceFile(path: "cr.sla", text: lines.joined(separator: "\r") + "\r")
        let diagnostics = ContractDiagnostics.check(source).diagnostics
        #expect(diagnostics.count == 1, "\(diagnostics)")
        let start = diagnostics.first?.span.start ?? 0
        #expect(source.location(of: start).line == 5)
        #expect(TextPositions(text: source.text, encoding: .utf16).position(of: start).line == 4)
    }

    @Test func negotiation() {
        #expect(PositionEncoding.negotiate(offered: nil) == .utf16)
        #expect(PositionEncoding.negotiate(offered: ["utf-16"]) == .utf16)
        #expect(PositionEncoding.negotiate(offered: ["utf-32", "utf-8", "utf-16"]) == .utf8)
    }

    @Test func agreesWithSwiftUTF16ViewOnEveryOffsetOfAMixedText() {
        let mixed = "contract \"Prüfung\" {\n    // 日本語のコメント 🇩🇪 👩‍👩‍👧\n    id \"ü\"\n}\n"
        let p = TextPositions(text: mixed, encoding: .utf16)
        var offset = 0
        for scalar in mixed.unicodeScalars {
            let expected = utf16Position(of: offset, in: mixed)
            #expect(p.position(of: offset) == Position(line: expected.line, character: expected.character))
            #expect(p.offset(of: p.position(of: offset)) == offset)
            offset += String(scalar).utf8.count
        }
    }
    /// Positions come from counts kept per 256-byte block (a 1 MB line with thousands of
    /// diagnostics took minutes): they equal a count from the line's start, for the server's
    /// UTF-16 positions and the CLI's columns, at every offset of texts with long mixed lines.
    @Test(arguments: 0..<4) func blockCountsEqualCountingFromTheLineStart(seed: Int) {
        var generator = SplitMix(seed: UInt64(seed))
        let pieces = ["a", "é", "日", "😀", " ", "\n", "\r\n", "\r", "xyz", "Ω"]
        var text = ""
        for _ in 0..<3000 { text += pieces[Int(generator.next() % UInt64(seed == 0 ? 5 : pieces.count))] }
        let bytes = Array(text.utf8)
        let positions = TextPositions(bytes: bytes, encoding: .utf16)
        let source = SourceFile(path: "t.sla", text: text)
        for offset in 0...bytes.count {
            let line = positions.line(of: offset)
            let start = positions.lineStarts[line]
            var units = 0, i = start
            while i < offset {
                // The naive count: a character's length from its lead byte.
                let length = bytes[i] >= 0xF0 ? 4 : bytes[i] >= 0xE0 ? 3 : bytes[i] >= 0xC0 ? 2 : 1
                if i + length > offset { break }
                units += length == 4 ? 2 : 1
                i += length
            }
            #expect(positions.position(of: offset) == Position(line: line, character: units), "offset \(offset)")
            if offset == bytes.count || bytes[offset] & 0xC0 != 0x80 {
                let scalars = String(decoding: bytes[start..<offset], as: UTF8.self).unicodeScalars.count
                #expect(source.location(of: offset) == (line + 1, scalars + 1), "offset \(offset)")
            }
        }
    }
}

/// A small deterministic generator for the tests above.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
