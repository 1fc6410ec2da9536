import SLACSyntax
import Testing

/// Source text with position markers (`1️⃣`, `2️⃣`, ...) in the style of swift-syntax's `assertParse`.
struct MarkedSource {
    /// The text without its markers.
    var text: String
    /// Byte offset in `text` of each marker.
    var markers: [String: Int]

    init(_ marked: String) {
        var text = ""
        var markers: [String: Int] = [:]
        var offset = 0
        for character in marked {
            if MarkedSource.isMarker(character) {
                let name = String(character)
                precondition(markers[name] == nil, "marker \(name) used twice")
                markers[name] = offset
            } else {
                text.append(character)
                offset += character.utf8.count
            }
        }
        self.text = text
        self.markers = markers
    }

    /// A keycap emoji: a digit, U+FE0F, U+20E3.
    static func isMarker(_ c: Character) -> Bool {
        let scalars = Array(c.unicodeScalars)
        return scalars.count == 3 && ("0"..."9").contains(Character(scalars[0])) && scalars[1].value == 0xFE0F && scalars[2].value == 0x20E3
    }
}

/// Wraps clause items into a minimal contract (markers survive the wrapping).
func contract(clause body: String) -> String {
    "contract \"T\" {\n    effective 2026-01-01 to 2027-01-01\n    clause \"1\" c {\n" + body + "\n    }\n}\n"
}

/// Wraps contract items into a minimal contract.
func contract(body: String) -> String {
    "contract \"T\" {\n" + body + "\n}\n"
}

func parse(_ text: String) -> ParsedContract {
    Parser.parse(SourceFile(path: "test.sla", text: text))
}

/// Parses `marked` and checks that its syntax diagnostics are exactly `expected`, each starting at
/// its marker's byte offset (in source order).
func assertDiagnostics(_ marked: String, _ expected: [(String, marker: String)],
                       sourceLocation: SourceLocation = #_sourceLocation) {
    let source = MarkedSource(marked)
    let parsed = parse(source.text)
    let actual = parsed.diagnostics.sortedForDisplay
    let file = SourceFile(path: "test.sla", text: source.text)
    func describe(_ d: Diagnostic) -> String {
        let l = file.location(of: d.span.start)
        return "\(d.code) at \(l.line):\(l.column) (byte \(d.span.start)): \(d.message)"
    }
    #expect(actual.count == expected.count,
            Testing.Comment(rawValue: "expected \(expected.count) diagnostics, got \(actual.count):\n" + actual.map(describe).joined(separator: "\n")),
            sourceLocation: sourceLocation)
    for (d, e) in zip(actual, expected) {
        guard let offset = source.markers[e.marker] else {
            fail("no marker \(e.marker) in the source", sourceLocation: sourceLocation)
            continue
        }
        #expect(d.code.rawValue == e.0, "\(describe(d))", sourceLocation: sourceLocation)
        #expect(d.span.start == offset, "\(describe(d)); marker \(e.marker) is at byte \(offset)", sourceLocation: sourceLocation)
        #expect(d.span.end <= source.text.utf8.count, sourceLocation: sourceLocation)
        #expect(d.help != nil, "no help: \(describe(d))", sourceLocation: sourceLocation)
    }
    for marker in source.markers.keys where !expected.contains(where: { $0.marker == marker }) {
        fail("marker \(marker) is not used by any expected diagnostic", sourceLocation: sourceLocation)
    }
}

/// Records a failure with a computed message.
func fail(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    Issue.record(Testing.Comment(rawValue: message), sourceLocation: sourceLocation)
}
