import Foundation
import SLACTool
import Testing

/// The VS Code extension in `editors/vscode` is not built here (no npm), so its manifest is
/// checked for what the server relies on, and its grammar copy against the original.
@Suite struct EditorExtensionTests {
    static let folder = Paths.root.appendingPathComponent("editors/vscode")

    @Test func grammarCopyIsTheRepositoryGrammar() throws {
        let original = try Data(contentsOf: Paths.root.appendingPathComponent("Grammar/slac.tmLanguage.json"))
        let copy = try Data(contentsOf: EditorExtensionTests.folder.appendingPathComponent("syntaxes/slac.tmLanguage.json"))
        #expect(copy == original, "copy Grammar/slac.tmLanguage.json to editors/vscode/syntaxes/")
    }

    @Test func manifestDeclaresTheLanguageAndTheServerPath() throws {
        let data = try Data(contentsOf: EditorExtensionTests.folder.appendingPathComponent("package.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let contributes = try #require(manifest["contributes"] as? [String: Any])
        let language = (contributes["languages"] as? [[String: Any]])?.first
        #expect(language?["id"] as? String == "slac")
        #expect(language?["extensions"] as? [String] == [".sla"])
        let grammar = (contributes["grammars"] as? [[String: Any]])?.first
        #expect(grammar?["path"] as? String == "./syntaxes/slac.tmLanguage.json")
        let properties = (contributes["configuration"] as? [String: Any])?["properties"] as? [String: Any]
        #expect((properties?["slac.path"] as? [String: Any])?["default"] as? String == "slac")
        #expect((manifest["dependencies"] as? [String: Any])?["vscode-languageclient"] != nil)
        let source = try String(contentsOf: EditorExtensionTests.folder.appendingPathComponent("src/extension.ts"), encoding: .utf8)
        #expect(source.contains("args: ['lsp']"))
        // The extension is released with slac (its grammar follows the language): same version.
        #expect(manifest["version"] as? String == SlacVersion.current)
    }
}
