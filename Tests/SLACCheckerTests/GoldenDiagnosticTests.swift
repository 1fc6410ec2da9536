import Foundation
import SLACChecker
import SLACSyntax
import SLACTestSupport
import Testing

/// One invalid contract of `Golden/invalid`: its name and where its first error must be.
///
/// The expected code and location are kept here, not only in the `.expected` file, so that a
/// regression in a diagnostic's location fails even after someone re-records the golden files
/// without reading them.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    var name: String
    var code: String
    var line: Int
    var column: Int
    init(_ name: String, _ code: String, _ line: Int, _ column: Int) {
        self.name = name
        self.code = code
        self.line = line
        self.column = column
    }
    var testDescription: String { name }
}

/// Golden diagnostics: every `Golden/invalid/NAME.sla` is checked and rendered without colour,
/// and the output must equal `NAME.expected` byte for byte.
///
/// To re-record after an intended change: `SLAC_RECORD=1 swift test --filter GoldenDiagnosticTests`,
/// then read every changed `.expected` file before committing it.
@Suite struct GoldenDiagnosticTests {
    static let cases: [GoldenCase] = [
        GoldenCase("aggregate-of-text-field", "SLA0211", 6, 21),
        GoldenCase("bound-without-unit", "SLA0203", 6, 30),
        GoldenCase("clause-item-in-header", "SLA0112", 3, 5),
        GoldenCase("clause-not-closed", "SLA0110", 4, 5),
        GoldenCase("contract-not-closed", "SLA0110", 1, 1),
        GoldenCase("count-with-argument", "SLA0211", 6, 17),
        GoldenCase("credit-above-100", "SLA0303", 9, 19),
        GoldenCase("credit-not-monotone", "SLA0304", 10, 9),
        GoldenCase("credit-same-threshold", "SLA0316", 10, 9),
        GoldenCase("credit-threshold-above-100", "SLA0303", 9, 48),
        GoldenCase("credits-without-fee", "SLA0308", 8, 9),
        GoldenCase("credits-without-monthly-objective", "SLA0307", 9, 9),
        GoldenCase("double-equals", "SLA0107", 5, 24),
        GoldenCase("duplicate-clause-name", "SLA0210", 9, 18),
        GoldenCase("duplicate-group-field", "SLA0213", 5, 49),
        GoldenCase("duplicate-header", "SLA0313", 4, 5),
        GoldenCase("duplicate-require", "SLA0313", 7, 9),
        GoldenCase("empty-term", "SLA0306", 2, 5),
        GoldenCase("fee-not-a-currency", "SLA0315", 3, 23),
        GoldenCase("fee-too-many-decimals", "SLA0315", 3, 15),
        GoldenCase("field-typo-warning-and-error", "SLA0204", 8, 20),
        GoldenCase("group-by-metric", "SLA0213", 5, 39),
        GoldenCase("header-item-in-clause", "SLA0111", 5, 9),
        GoldenCase("instant-without-offset", "SLA0310", 4, 30),
        GoldenCase("invalid-date", "SLA0310", 2, 15),
        GoldenCase("itl-in-scope", "SLA0209", 5, 35),
        GoldenCase("itl-in-share", "SLA0209", 6, 23),
        GoldenCase("maintenance-empty", "SLA0317", 4, 5),
        GoldenCase("maintenance-outside-term", "SLA0305", 4, 5),
        GoldenCase("metric-compared-with-text", "SLA0216", 5, 25),
        GoldenCase("minimum-not-whole", "SLA0318", 7, 17),
        GoldenCase("missing-contract-keyword", "SLA0110", 1, 1),
        GoldenCase("missing-require", "SLA0312", 4, 18),
        GoldenCase("missing-term", "SLA0314", 1, 10),
        GoldenCase("missing-window", "SLA0312", 4, 18),
        GoldenCase("mixed-dimensions", "SLA0204", 6, 40),
        GoldenCase("nested-too-deeply", "SLA0116", 5, 217),
        GoldenCase("no-clause", "SLA0312", 1, 10),
        GoldenCase("no-contract", "SLA0113", 1, 1),
        GoldenCase("number-runs-into-unit", "SLA0104", 6, 30),
        GoldenCase("objective-above-100", "SLA0302", 7, 19),
        GoldenCase("objective-period-shorter-than-window", "SLA0309", 7, 34),
        GoldenCase("objective-without-percent", "SLA0203", 7, 19),
        GoldenCase("over-without-term", "SLA0110", 5, 17),
        GoldenCase("percentile-above-100", "SLA0208", 6, 34),
        GoldenCase("percentile-p0", "SLA0208", 6, 17),
        GoldenCase("percentile-rank-with-unit", "SLA0217", 6, 37),
        GoldenCase("rate-bound-needs-fixed-window", "SLA0218", 6, 29),
        GoldenCase("several-errors", "SLA0311", 4, 5),
        GoldenCase("share-bound-not-percentage", "SLA0203", 6, 41),
        GoldenCase("share-of-non-condition", "SLA0207", 6, 23),
        GoldenCase("syntax-recovery", "SLA0110", 2, 26),
        GoldenCase("text-after-block-opening", "SLA0105", 5, 14),
        GoldenCase("text-after-contract", "SLA0114", 9, 1),
        GoldenCase("text-block-indentation", "SLA0106", 7, 1),
        GoldenCase("text-field-compared-with-number", "SLA0212", 5, 26),
        GoldenCase("text-less-than", "SLA0212", 5, 23),
        GoldenCase("tps-ambiguous", "SLA0202", 6, 23),
        GoldenCase("unexpected-character-semicolon", "SLA0101", 2, 39),
        GoldenCase("unexpected-character", "SLA0101", 5, 31),
        GoldenCase("unknown-aggregate", "SLA0206", 6, 17),
        GoldenCase("unknown-calendar-window", "SLA0115", 5, 26),
        GoldenCase("unknown-clause-item", "SLA0111", 6, 9),
        GoldenCase("unknown-contract-item", "SLA0112", 3, 5),
        GoldenCase("unknown-escape", "SLA0103", 5, 23),
        GoldenCase("unknown-metric", "SLA0201", 6, 21),
        GoldenCase("unknown-time-zone", "SLA0311", 3, 5),
        GoldenCase("time-zone-abbreviation", "SLA0311", 3, 5),
        GoldenCase("unknown-unit", "SLA0205", 6, 34),
        GoldenCase("unterminated-string", "SLA0102", 3, 15),
        GoldenCase("unterminated-text-block", "SLA0105", 5, 14),
        GoldenCase("window-zero", "SLA0301", 5, 17),
    ]

    static let recording = ProcessInfo.processInfo.environment["SLAC_RECORD"] == "1"

    /// The golden directory as copied into the test bundle.
    static func bundleDirectory() throws -> URL {
        let base = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
        return base.appendingPathComponent("Golden/invalid", isDirectory: true)
    }

    /// The golden directory in the source tree, where recording writes.
    static let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/invalid", isDirectory: true)

    @Test func tableListsEveryGoldenFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.bundleDirectory().path)
        let contracts = Set(files.filter { $0.hasSuffix(".sla") }.map { String($0.dropLast(4)) })
        let expectations = Set(files.filter { $0.hasSuffix(".expected") }.map { String($0.dropLast(9)) })
        let table = Set(Self.cases.map(\.name))
        #expect(Self.cases.count == table.count, "a case is listed twice")
        #expect(contracts.count >= 35)
        #expect(contracts.subtracting(table).isEmpty, "golden files without a table entry: \(contracts.subtracting(table).sorted())")
        #expect(table.subtracting(contracts).isEmpty, "table entries without a golden file: \(table.subtracting(contracts).sorted())")
        if !Self.recording {
            #expect(contracts == expectations, "each NAME.sla needs NAME.expected: \(contracts.symmetricDifference(expectations).sorted())")
        }
    }

    @Test(arguments: cases)
    func golden(_ golden: GoldenCase) throws {
        let directory = try Self.bundleDirectory()
        let text = try String(contentsOf: directory.appendingPathComponent("\(golden.name).sla"), encoding: .utf8)
        let source = SourceFile(path: "\(golden.name).sla", text: text)
        let result = Checker.check(source)
        let rendered = DiagnosticRenderer(colored: false).render(result.diagnostics, in: source)

        #expect(result.contract == nil, "an invalid contract must not check")
        let first = try #require(result.diagnostics.first { $0.severity == .error }, "no error reported")
        let location = source.location(of: first.span.start)
        #expect(first.code.rawValue == golden.code)
        #expect("\(location.line):\(location.column)" == "\(golden.line):\(golden.column)", "first error `\(first.message)`")
        for diagnostic in result.diagnostics {
            expectHouseStyle(diagnostic, in: source)
        }

        if Self.recording {
            let url = Self.sourceDirectory.appendingPathComponent("\(golden.name).expected")
            try rendered.write(to: url, atomically: true, encoding: .utf8)
        } else {
            let expected = try String(contentsOf: directory.appendingPathComponent("\(golden.name).expected"), encoding: .utf8)
            #expect(rendered == expected, "\(firstDifference(expected: expected, actual: rendered) ?? "")")
        }
    }
}

/// The house style of diagnostics (docs/language.md, "Diagnostics"): lowercase message without a final period, user text in backticks (not
/// checked: it is a matter of reading), a help line, a span inside the file, a stable code.
func expectHouseStyle(_ d: Diagnostic, in source: SourceFile, sourceLocation: SourceLocation = #_sourceLocation) {
    let code = d.code.rawValue
    #expect(code.count == 7 && code.hasPrefix("SLA") && code.dropFirst(3).allSatisfy(\.isNumber),
            "code `\(code)`", sourceLocation: sourceLocation)
    let first = d.message.first
    #expect(first == "`" || first?.isLowercase == true, "message starts with a capital: \(d.message)", sourceLocation: sourceLocation)
    #expect(!d.message.hasSuffix("."), "message ends with a period: \(d.message)", sourceLocation: sourceLocation)
    #expect(!d.message.contains("\n"), "message spans lines: \(d.message)", sourceLocation: sourceLocation)
    #expect(d.help?.isEmpty == false, "no help line: \(code) \(d.message)", sourceLocation: sourceLocation)
    if let help = d.help {
        #expect(!help.hasSuffix("."), "help ends with a period: \(help)", sourceLocation: sourceLocation)
    }
    for span in [d.span] + d.notes.map(\.span) {
        #expect(span.start >= 0 && span.start <= span.end && span.end <= source.utf8.count,
                "span \(span) outside the file (\(source.utf8.count) bytes)", sourceLocation: sourceLocation)
    }
    for note in d.notes {
        #expect(note.message.first?.isLowercase == true || note.message.first == "`", "note: \(note.message)", sourceLocation: sourceLocation)
    }
}

