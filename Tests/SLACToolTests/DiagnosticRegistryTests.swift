import Foundation
import SLACSyntax
import Testing

/// The registry of diagnostic codes (`DiagnosticRegistry`), docs/diagnostics.md and the sources
/// agree: one code, one meaning, every code that slac can print is listed.
@Suite struct DiagnosticRegistryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every match of `pattern` in `text`.
    static func matches(_ pattern: String, in text: String) throws -> [[String]] {
        let regex = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (0..<match.numberOfRanges).map { i in Range(match.range(at: i), in: text).map { String(text[$0]) } ?? "" }
        }
    }

    @Test func docsListTheRegistryExactly() throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/diagnostics.md"), encoding: .utf8)
        let rows = try Self.matches(#"^\| `(SLA\d{4})` \| (\w+) \| (.*) \|$"#, in: page).map { row in
            "\(row[1]) \(row[2]) \(row[3].replacingOccurrences(of: "\\|", with: "|"))"
        }
        let registry = DiagnosticRegistry.entries.map { "\($0.code) \($0.severity.rawValue) \($0.meaning)" }
        #expect(rows == registry, "docs/diagnostics.md and DiagnosticRegistry differ")
    }

    @Test func oneMeaningPerCode() {
        let codes = DiagnosticRegistry.entries.map(\.code.rawValue)
        #expect(Set(codes).count == codes.count, "a code is registered twice")
        #expect(codes == codes.sorted())
    }

    @Test func everyCodeInTheSourcesAndDocsIsRegistered() throws {
        let registered = Set(DiagnosticRegistry.entries.map(\.code.rawValue))
        var used: [String: String] = [:]
        for folder in ["Sources", "docs"] {
            let directory = Self.root.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            for file in files where ["swift", "md"].contains(file.pathExtension) && file.lastPathComponent != "DiagnosticRegistry.swift" {
                let text = try String(contentsOf: file, encoding: .utf8)
                for match in try Self.matches(#"SLA\d{4}"#, in: text) { used[match[0]] = file.lastPathComponent }
            }
        }
        #expect(used.count > 90, "the scan found too few codes: \(used.count)")
        for (code, file) in used.sorted(by: { $0.key < $1.key }) {
            #expect(registered.contains(code), "\(code) (used in \(file)) is not in DiagnosticRegistry")
        }
    }
}
