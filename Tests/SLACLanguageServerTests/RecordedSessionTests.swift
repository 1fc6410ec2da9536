import Foundation
import SLACLanguageServer
import Testing

/// A whole editing session replayed: `Fixtures/session.json` holds the client's messages (a
/// string element is sent as raw bytes, to include a malformed message), `Golden/session-replies.json`
/// every reply of the server, byte for byte, one message per line. Re-record with
/// `SLAC_RECORD=1 swift test --filter RecordedSessionTests` and review the diff.
@Suite struct RecordedSessionTests {
    @Test func replayedSessionMatchesTheRecording() throws {
        let data = try Data(contentsOf: Paths.fixtures.appendingPathComponent("session.json"))
        let messages = try #require(try JSONSerialization.jsonObject(with: data) as? [Any])
        var server = LanguageServer(now: { ScriptedClient.fixedNow })
        var replies: [String] = []
        for message in messages {
            let body: Data
            if let raw = message as? String {
                body = Data(raw.utf8)
            } else {
                body = try JSONSerialization.data(withJSONObject: message, options: [.sortedKeys])
            }
            replies += server.handle(body).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(server.exitCode == 0)
        Golden.check("[\n" + replies.joined(separator: ",\n") + "\n]\n", "session-replies.json")
    }
}
