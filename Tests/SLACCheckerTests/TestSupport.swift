import Foundation
import SLACChecker
import SLACSyntax
import SLACTestSupport
import Testing

/// The repository's example contracts (`Contracts/*.sla`), found from this file's path.
enum ExampleContracts {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Contracts", isDirectory: true).standardized

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".sla") }.sorted()
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }
}

/// Checks `marked` and expects exactly the given error and warning codes, each starting at its marker.
func assertDiagnostics(_ marked: String, _ expected: [(String, marker: String)], sourceLocation: SourceLocation = #_sourceLocation) {
    let source = MarkedSource(marked)
    let file = SourceFile(path: "test.sla", text: source.text)
    let actual = Checker.check(file).diagnostics.sortedForDisplay
    func describe(_ d: Diagnostic) -> String {
        let l = file.location(of: d.span.start)
        return "\(d.code) at \(l.line):\(l.column) (byte \(d.span.start)): \(d.message)"
    }
    #expect(actual.count == expected.count,
            Testing.Comment(rawValue: "expected \(expected.count), got:\n" + actual.map(describe).joined(separator: "\n")),
            sourceLocation: sourceLocation)
    for (d, e) in zip(actual, expected) {
        #expect(d.code.rawValue == e.0, "\(describe(d))", sourceLocation: sourceLocation)
        #expect(source.markers[e.marker] == d.span.start, "\(describe(d)); marker \(e.marker) at \(source.markers[e.marker] ?? -1)",
                sourceLocation: sourceLocation)
        expectHouseStyle(d, in: file, sourceLocation: sourceLocation)
    }
}

/// A contract around the given clause items (and extra header lines).
func contract(clause body: String, header: String = "") -> String {
    "contract \"T\" {\n    effective 2026-01-01 to 2027-01-01\n\(header)\n    clause \"1\" c {\n\(body)\n    }\n}\n"
}

/// Checks a one-clause contract that must be valid and returns the checked clause.
func checkedClause(_ body: String, header: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws -> CheckedClause {
    let checked = try checkedContract(contract(clause: body, header: header), sourceLocation: sourceLocation)
    return try #require(checked.clauses.first, sourceLocation: sourceLocation)
}

/// Checks a contract that must be valid.
func checkedContract(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CheckedContract {
    let result = Checker.check(SourceFile(path: "test.sla", text: text))
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map { "\($0.code) \($0.message)" })", sourceLocation: sourceLocation)
    return try #require(result.contract, sourceLocation: sourceLocation)
}
