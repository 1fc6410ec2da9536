import Foundation
import SLACLegalOps
import SLACSyntax
import SLACTool
import Testing

/// What `slac check --format json` says about a file, decoded.
struct CheckedDiagnostic: Decodable {
    var code: String
    var severity: String
    var message: String
    var help: String?
    var byteOffset: Int
    var byteLength: Int
    var notes: [Note]
    struct Note: Decodable { var message: String }
}

/// An opened document gets exactly the diagnostics of `slac check`: for every example contract
/// and every invalid contract of the checker's golden tests, the same codes, severities, messages
/// and ranges (the byte ranges of `slac check --format json`, converted to UTF-16 independently).
@Suite struct DiagnosticsTests {
    static let files: [String] = Paths.contracts(in: Paths.contracts, relative: "Contracts")
        + Paths.contracts(in: Paths.contracts.appendingPathComponent("formats"), relative: "Contracts/formats")
        + Paths.contracts(in: Paths.invalidContracts, relative: "Tests/SLACCheckerTests/Golden/invalid")

    @Test func thereAreContractsToCompare() {
        #expect(DiagnosticsTests.files.filter { $0.hasPrefix("Contracts/") }.count >= 15)
        #expect(DiagnosticsTests.files.count > 60)
    }

    @Test(arguments: files)
    func sameDiagnosticsAsSlacCheck(_ path: String) throws {
        let text = Paths.text(path)
        let output = CheckCommand.run(paths: [Paths.root.appendingPathComponent(path).path], format: .json, colored: false)
        let expected = try JSONDecoder().decode([CheckedDiagnostic].self, from: Data(output.standardOutput.utf8))
        // Files that `slac check` rejects before parsing (empty, NUL bytes) are not editor documents.
        if expected.contains(where: { $0.code.hasPrefix("SLA00") }) { return }

        var client = ScriptedClient()
        let published = client.open("file:///contracts/\(path)", text)
        #expect(published.count == expected.count, "\(path): \(published.map { $0["code"] ?? "" }) vs \(expected.map(\.code))")
        for (lsp, check) in zip(published, expected) {
            #expect(lsp["code"] as? String == check.code)
            #expect(lsp["severity"] as? Int == (check.severity == "error" ? 1 : check.severity == "warning" ? 2 : 3))
            let message = check.message + (check.help.map { "\nhelp: " + $0 } ?? "")
            #expect(lsp["message"] as? String == message)
            let start = utf16Position(of: check.byteOffset, in: text), end = utf16Position(of: check.byteOffset + check.byteLength, in: text)
            #expect(flatRange(lsp["range"]) == [start.line, start.character, end.line, end.character], "\(path) \(check.code)")
            let related = (lsp["relatedInformation"] as? [[String: Any]]) ?? []
            #expect(related.map { $0["message"] as? String ?? "" } == check.notes.map(\.message))
        }
    }

    @Test func diagnosticsFollowEditsAndCloseClearsThem() {
        var client = ScriptedClient()
        let uri = "file:///tmp/edit.sla"
        let text = Paths.text("Contracts/acme-schedule-b.sla")
        #expect(client.open(uri, text).isEmpty)
        // `800 ms` → `800` on the line of clause 4.1's require.
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("p99(ttft) <= 800 ms") } ?? 0
        let column = text.split(separator: "\n", omittingEmptySubsequences: false)[line].utf16.count
        let replies = client.notify("textDocument/didChange", [
            "textDocument": ["uri": uri, "version": 2],
            "contentChanges": [["range": ["start": ScriptedClient.position(line, column - 3), "end": ScriptedClient.position(line, column)], "text": ""]],
        ])
        let diagnostics = client.diagnostics(in: replies)
        #expect(diagnostics.map { $0["code"] as? String } == ["SLA0203"])
        let published = replies.first?["params"] as? [String: Any]
        #expect(published?["version"] as? Int == 2)
        let closed = client.notify("textDocument/didClose", ["textDocument": ["uri": uri]])
        #expect(closed.count == 1 && client.diagnostics(in: closed).isEmpty)
    }

    @Test func notesBecomeRelatedInformation() {
        var client = ScriptedClient()
        let text = """
        contract "x" {
            id "a"
            id "b"
        }
        """
        let diagnostics = client.open("file:///tmp/twice.sla", text)
        let duplicate = diagnostics.first { $0["code"] as? String == "SLA0313" }
        let related = duplicate?["relatedInformation"] as? [[String: Any]]
        #expect(related?.first?["message"] as? String == "first given here")
        #expect(flatRange((related?.first?["location"] as? [String: Any])?["range"]) == [1, 4, 1, 10])
    }
}

/// The structured fixes behind the quick fixes: each names what its help line says, and applying
/// it removes its diagnostic (checked on every invalid contract of the checker's golden tests).
@Suite struct FixTests {
    static let files = Paths.contracts(in: Paths.invalidContracts, relative: "Tests/SLACCheckerTests/Golden/invalid")

    @Test func everyFixIsNamedByItsHelpAndRemovesItsDiagnostic() {
        var fixes = 0
        for path in FixTests.files {
            let source = SourceFile(path: path, text: Paths.text(path))
            for d in ContractDiagnostics.check(source).diagnostics {
                guard let fix = d.fix else { continue }
                fixes += 1
                let named = fix.replacement.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                #expect(d.help?.contains("`\(named)`") == true || d.help?.contains("\(named)`") == true, "\(path) \(d.code): \(d.help ?? "")")
                var bytes = Array(source.text.utf8)
                bytes.replaceSubrange(fix.span.start..<fix.span.end, with: Array(fix.replacement.utf8))
                let fixed = SourceFile(path: path, text: String(decoding: bytes, as: UTF8.self))
                let after = ContractDiagnostics.check(fixed).diagnostics
                #expect(!after.contains { $0.code == d.code && $0.span.start == d.span.start }, "\(path) \(d.code) still reported after its fix")
            }
        }
        #expect(fixes >= 5)
    }
}
