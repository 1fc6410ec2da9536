import Foundation
import SLACLanguageServer
import Testing
import SLACTestSupport

/// Random incremental edits (inserting and deleting umlauts, CJK, emoji and newlines at random
/// character boundaries) against a model that edits through `String.UTF16View`, and random
/// requests at arbitrary, also invalid, positions: the texts agree and nothing traps.
@Suite struct RandomEditTests {
    /// The UTF-16 position of a UTF-16 offset in `text`.
    func position(ofUTF16 offset: Int, in text: String) -> (Int, Int) {
        let units = Array(text.utf16)
        var line = 0, lineStart = 0
        for i in 0..<offset where units[i] == 10 { line += 1; lineStart = i + 1 }
        return (line, offset - lineStart)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomEditsKeepTheTextInStep(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var client = ScriptedClient()
        let uri = "file:///tmp/random.sla"
        var model = Paths.text("Contracts/acme-schedule-b.sla")
        _ = client.open(uri, model)
        let pieces = ["ü", "日本", "😀", "\n", " ms", "p99(", "\"", "}", "👩‍👩‍👧", "x"]
        for version in 2..<150 {
            // A random range on character (grapheme) boundaries, so no surrogate pair is split.
            let characters = model.count
            let a = Int.random(in: 0...characters, using: &random), b = min(characters, a + Int.random(in: 0...3, using: &random))
            let startIndex = model.index(model.startIndex, offsetBy: a), endIndex = model.index(model.startIndex, offsetBy: b)
            let startUnits = model.utf16.distance(from: model.startIndex, to: startIndex)
            let endUnits = model.utf16.distance(from: model.startIndex, to: endIndex)
            let (sl, sc) = position(ofUTF16: startUnits, in: model), (el, ec) = position(ofUTF16: endUnits, in: model)
            let insert = Int.random(in: 0..<3, using: &random) == 0 ? "" : pieces[Int.random(in: 0..<pieces.count, using: &random)]
            model.replaceSubrange(startIndex..<endIndex, with: insert)
            client.notify("textDocument/didChange", [
                "textDocument": ["uri": uri, "version": version],
                "contentChanges": [["range": ["start": ScriptedClient.position(sl, sc), "end": ScriptedClient.position(el, ec)], "text": insert]],
            ])
            #expect(client.server.text(of: uri) == model, "seed \(seed), version \(version)")
            if client.server.text(of: uri) != model { return }
            // Requests anywhere, also past the ends of lines and of the file.
            let line = Int.random(in: -1...45, using: &random), column = Int.random(in: -1...90, using: &random)
            _ = client.hover(uri, line, column)
            _ = client.completion(uri, line, column)
            let range: [String: Any] = ["start": ScriptedClient.position(line, column), "end": ScriptedClient.position(line + 1, 0)]
            _ = client.request("textDocument/codeAction", ["textDocument": ["uri": uri], "range": range, "context": ["diagnostics": [Any]()]])
            _ = client.request("textDocument/documentSymbol", ["textDocument": ["uri": uri]])
        }
        let formatted = client.request("textDocument/formatting", ["textDocument": ["uri": uri], "options": [String: Any]()])
        #expect(formatted["result"] is [Any])
    }
}
