import SLACSyntax
import SLACTestSupport
import Testing

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
