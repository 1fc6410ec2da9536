import Foundation
import SLACLanguageServer
import Testing

/// JSON-RPC robustness and the lifecycle: nothing a client sends stops the server.
@Suite struct ProtocolTests {
    func code(_ reply: [String: Any]?) -> Int? { (reply?["error"] as? [String: Any])?["code"] as? Int }

    @Test func malformedMessagesGetErrorsAndTheServerKeepsServing() {
        var client = ScriptedClient()
        let cases: [(String, Int)] = [
            ("{not json", -32700),
            ("", -32700),
            ("[1, 2]", -32600),
            ("42", -32600),
            (#"{"jsonrpc": "2.0", "id": 7}"#, -32600),
            (#"{"jsonrpc": "1.0", "id": 8, "method": "shutdown"}"#, -32600),
            (#"{"jsonrpc": "2.0", "id": {"a": 1}, "method": "shutdown"}"#, -32600),
            (#"{"jsonrpc": "2.0", "id": 9, "method": "textDocument/unknownThing", "params": {}}"#, -32601),
            (#"{"jsonrpc": "2.0", "id": 10, "method": "textDocument/hover", "params": {"textDocument": 3}}"#, -32602),
        ]
        for (raw, expected) in cases {
            let replies = client.send(raw: Data(raw.utf8))
            #expect(replies.count == 1, "\(raw)")
            #expect(code(replies.first) == expected, "\(raw)")
        }
        // Invalid JSON gets a null id; a request whose id was readable gets its id back.
        #expect(client.send(raw: Data("{".utf8)).first?["id"] is NSNull)
        #expect(client.send(raw: Data(#"{"jsonrpc": "2.0", "id": 9, "method": "nope"}"#.utf8)).first?["id"] as? Int == 9)
        // Malformed notifications are not answered.
        #expect(client.send(raw: Data(#"{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"x": 1}}"#.utf8)).isEmpty)
        // And the next request still works.
        _ = client.open("file:///tmp/a.sla", Paths.text("Contracts/acme-schedule-b.sla"))
        let symbols = client.request("textDocument/documentSymbol", ["textDocument": ["uri": "file:///tmp/a.sla"]])
        #expect((symbols["result"] as? [Any])?.count == 1)
    }

    @Test func cancelledRequestGetsRequestCancelled() {
        var server = LanguageServer()
        _ = server.handle(ScriptedClient.data(["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": ["capabilities": [:] as [String: Any]]]))
        let hover = ScriptedClient.data(["jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
                                         "params": ["textDocument": ["uri": "file:///x.sla"], "position": ["line": 0, "character": 0]]])
        let cancel = ScriptedClient.data(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": 2]])
        let symbols = ScriptedClient.data(["jsonrpc": "2.0", "id": 3, "method": "textDocument/documentSymbol", "params": ["textDocument": ["uri": "file:///x.sla"]]])
        let replies = server.handle(batch: [hover, cancel, symbols]).map(ScriptedClient.object)
        #expect(replies.count == 2)
        #expect(replies[0]["id"] as? Int == 2 && code(replies[0]) == -32800)
        #expect(replies[1]["id"] as? Int == 3 && replies[1]["result"] is [Any])
        // A cancel for an answered request changes nothing.
        #expect(server.handle(batch: [cancel]).isEmpty)
    }

    @Test func lifecycle() {
        var server = LanguageServer()
        let early = server.handle(ScriptedClient.data(["jsonrpc": "2.0", "id": 1, "method": "textDocument/documentSymbol", "params": ["textDocument": ["uri": "x"]]]))
        #expect(code(early.first.map(ScriptedClient.object)) == -32002)
        _ = server.handle(ScriptedClient.data(["jsonrpc": "2.0", "id": 2, "method": "initialize", "params": [:] as [String: Any]]))
        #expect(server.state == .running)
        let shutdown = server.handle(ScriptedClient.data(["jsonrpc": "2.0", "id": 3, "method": "shutdown"])).map(ScriptedClient.object)
        #expect(shutdown.first?["result"] is NSNull && shutdown.first?.keys.contains("result") == true)
        let after = server.handle(ScriptedClient.data(["jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": [:] as [String: Any]]))
        #expect(code(after.first.map(ScriptedClient.object)) == -32600)
        _ = server.handle(ScriptedClient.data(["jsonrpc": "2.0", "method": "exit"]))
        #expect(server.exitCode == 0)

        var abrupt = LanguageServer()
        _ = abrupt.handle(ScriptedClient.data(["jsonrpc": "2.0", "method": "exit"]))
        #expect(abrupt.exitCode == 1)
    }

    @Test func framingCutsMessagesFromPieces() {
        var framer = MessageFramer()
        let body = Data(#"{"jsonrpc":"2.0","method":"initialized","params":{"ü":"日本"}}"#.utf8)
        let framed = MessageFramer.frame(body) + Data("Content-Type: x\r\n\r\n".utf8) + MessageFramer.frame(body)
        var frames: [MessageFramer.Frame] = []
        for byte in framed {
            framer.append([byte])
            while let frame = framer.next() { frames.append(frame) }
        }
        #expect(frames == [.message(body), .malformedHeader("the header has no valid Content-Length"), .message(body)])
        // A corrupt length is refused at once, not buffered for (audit: 225 MB after 200 MB).
        var huge = MessageFramer()
        huge.append(Data("Content-Length: 4000000000\r\n\r\n".utf8) + Data(repeating: 32, count: 1000))
        #expect(huge.next() == .malformedHeader("Content-Length 4000000000 is more than the 64 MiB a message may hold"))
        // After a bad frame, the next good one is read (audit: one header without a length made
        // every later message an error, `exit` included, until the input closed). A body longer
        // than its length, a body shorter, a stray line, headers ended by LF alone.
        let good = MessageFramer.frame(body)
        let streams: [(Data, Int)] = [
            (Data("Content-Type: x\r\n\r\n".utf8) + body + good, 2),
            (Data("Content-Length: 10\r\n\r\n".utf8) + body + good, 2),
            (Data("Content-Length: \(body.count + 30)\r\n\r\n".utf8) + body + good + good, 2),
            (Data("garbage\n".utf8) + good, 1),
            (Data("Content-Length: \(body.count)\n\n".utf8) + body + good, 0),
        ]
        for (index, (stream, errors)) in streams.enumerated() {
            for piece in [1, 7, stream.count] {
                var resync = MessageFramer()
                var got: [MessageFramer.Frame] = []
                var at = 0
                while at < stream.count {
                    resync.append(stream[at..<min(stream.count, at + piece)])
                    at += piece
                    while let frame = resync.next() { got.append(frame) }
                }
                #expect(got.last == .message(body), "stream \(index) in pieces of \(piece): \(got)")
                let bad = got.filter { if case .malformedHeader = $0 { return true } else { return false } }.count
                let unusable = got.filter { if case .message(let m) = $0 { return m != body } else { return false } }.count
                #expect(bad + unusable == errors, "stream \(index) in pieces of \(piece): \(got)")
            }
        }
        var other = MessageFramer()
        other.append(Data("content-length:  2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8))
        #expect(other.next() == .message(Data("{}".utf8)))
        #expect(other.next() == nil)
    }
    /// Keystrokes that queued up while a large contract was analysed are analysed once, as one
    /// edit: one diagnostics notification, for the last version, and the request after them sees
    /// the final text.
    @Test func queuedEditsAreAnalysedOnce() {
        var client = ScriptedClient()
        let uri = "file:///t.sla"
        _ = client.open(uri, "contract \"A\" {\n}\n")
        func change(_ version: Int, _ text: String, line: Int, character: Int) -> Data {
            ScriptedClient.data(["jsonrpc": "2.0", "method": "textDocument/didChange", "params": [
                "textDocument": ["uri": uri, "version": version],
                "contentChanges": [["range": ["start": ScriptedClient.position(line, character), "end": ScriptedClient.position(line, character)], "text": text]],
            ] as [String: Any]])
        }
        let other = ScriptedClient.data(["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": ["textDocument": [
            "uri": "file:///u.sla", "languageId": "slac", "version": 1, "text": "contract \"U\" {\n}\n"]]])
        let batch = [change(2, "x", line: 0, character: 10), change(3, "y", line: 0, character: 11), change(4, "z", line: 0, character: 12),
                     other, change(5, "!", line: 0, character: 13),
                     ScriptedClient.data(["jsonrpc": "2.0", "id": 99, "method": "textDocument/documentSymbol", "params": ["textDocument": ["uri": uri]]])]
        let replies = client.server.handle(batch: batch).map(ScriptedClient.object)
        let published = replies.filter { $0["method"] as? String == "textDocument/publishDiagnostics" }.compactMap { $0["params"] as? [String: Any] }
        #expect(published.map { $0["uri"] as? String } == [uri, "file:///u.sla", uri])
        #expect(published.map { $0["version"] as? Int } == [4, 1, 5])
        let symbols = replies.first { ($0["id"] as? Int) == 99 }?["result"] as? [[String: Any]]
        // The text is the four edits applied in order (inside the contract's name).
        #expect(symbols?.first?["name"] as? String == "xyz!A", "\(String(describing: symbols))")
    }
    /// Found by an audit: an empty document had another code than `slac check` gives an empty
    /// file, and `contract "" {…}` gave a symbol with an empty name, which LSP forbids.
    @Test func emptyDocumentsAndUnnamedContracts() {
        var client = ScriptedClient()
        for text in ["", "  \n\t\r\n"] {
            #expect(client.open("file:///e.sla", text).map { $0["code"] as? String } == ["SLA0003"])
        }
        #expect(client.open("file:///c.sla", "// only a comment\n").map { $0["code"] as? String } == ["SLA0113"])
        _ = client.open("file:///n.sla", "contract \"\" {\n    effective 2026-01-01 to 2027-01-01\n    clause \"1\" a {\n        over term\n        require count <= 10 requests\n    }\n}\n")
        let symbols = client.request("textDocument/documentSymbol", ["textDocument": ["uri": "file:///n.sla"]])["result"] as? [[String: Any]]
        #expect(symbols?.first?["name"] as? String == "(unnamed contract)")
    }
}
