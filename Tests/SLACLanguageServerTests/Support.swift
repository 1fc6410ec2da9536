import Foundation
import SLACLanguageServer
import Testing
import SLACTestSupport

/// Where the repository and this test target live, found from this file's path so that tests run
/// from any working directory and golden files are re-recorded into the source tree.
enum Paths {
    static let testDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = testDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let contracts = root.appendingPathComponent("Contracts")
    static let fixtures = testDirectory.appendingPathComponent("Fixtures")
    static let golden = testDirectory.appendingPathComponent("Golden")
    static let invalidContracts = root.appendingPathComponent("Tests/SLACCheckerTests/Golden/invalid")

    /// `.sla` files of a directory, as paths relative to the repository root, sorted.
    static func contracts(in directory: URL, relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".sla") }.sorted().map { relative + "/" + $0 }
    }

    static func text(_ relativePath: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)) ?? ""
    }
}

/// Golden files: compared byte for byte; re-recorded with `SLAC_RECORD=1 swift test --filter SLACLanguageServerTests`.
enum Golden {
    static var recording: Bool { GoldenFile.recording }

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        GoldenFile.check(actual, name, in: Paths.golden, sourceLocation: sourceLocation)
    }
}

/// A scripted LSP client: builds messages, feeds them to a `LanguageServer` and decodes replies.
struct ScriptedClient {
    var server: LanguageServer
    private var nextID = 1
    /// Every notification the server sent, in order.
    var notifications: [[String: Any]] = []

    /// A fixed instant (2026-03-01T12:00:00Z) so that time-zone hovers are reproducible.
    static let fixedNow = Date(timeIntervalSince1970: 1_772_366_400)

    init(positionEncodings: [String]? = nil, initialize: Bool = true) {
        server = LanguageServer(now: { ScriptedClient.fixedNow })
        if initialize {
            var capabilities: [String: Any] = [:]
            if let positionEncodings { capabilities["general"] = ["positionEncodings": positionEncodings] }
            _ = request("initialize", ["processId": NSNull(), "rootUri": NSNull(), "capabilities": capabilities])
            notify("initialized", [:])
        }
    }

    static func data(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    static func object(_ data: Data) -> [String: Any] {
        ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
    }

    /// Sends raw bytes; returns the decoded replies.
    mutating func send(raw: Data) -> [[String: Any]] {
        let replies = server.handle(raw).map(ScriptedClient.object)
        notifications += replies.filter { $0["id"] == nil }
        return replies
    }

    /// Sends a request and returns its response (the reply with its id).
    @discardableResult
    mutating func request(_ method: String, _ params: [String: Any]) -> [String: Any] {
        let id = nextID
        nextID += 1
        let replies = send(raw: ScriptedClient.data(["jsonrpc": "2.0", "id": id, "method": method, "params": params]))
        return replies.first { ($0["id"] as? Int) == id } ?? [:]
    }

    /// Sends a notification and returns what the server sent (e.g. published diagnostics).
    @discardableResult
    mutating func notify(_ method: String, _ params: [String: Any]) -> [[String: Any]] {
        send(raw: ScriptedClient.data(["jsonrpc": "2.0", "method": method, "params": params]))
    }

    /// Opens a document and returns the diagnostics published for it.
    mutating func open(_ uri: String, _ text: String, version: Int = 1) -> [[String: Any]] {
        let replies = notify("textDocument/didOpen", ["textDocument": ["uri": uri, "languageId": "slac", "version": version, "text": text]])
        return diagnostics(in: replies)
    }

    func diagnostics(in replies: [[String: Any]]) -> [[String: Any]] {
        let published = replies.first { $0["method"] as? String == "textDocument/publishDiagnostics" }
        return ((published?["params"] as? [String: Any])?["diagnostics"] as? [[String: Any]]) ?? []
    }

    static func position(_ line: Int, _ character: Int) -> [String: Any] { ["line": line, "character": character] }

    mutating func hover(_ uri: String, _ line: Int, _ character: Int) -> String? {
        let response = request("textDocument/hover", ["textDocument": ["uri": uri], "position": ScriptedClient.position(line, character)])
        return ((response["result"] as? [String: Any])?["contents"] as? [String: Any])?["value"] as? String
    }

    mutating func completion(_ uri: String, _ line: Int, _ character: Int) -> [[String: Any]] {
        let response = request("textDocument/completion", ["textDocument": ["uri": uri], "position": ScriptedClient.position(line, character)])
        return ((response["result"] as? [String: Any])?["items"] as? [[String: Any]]) ?? []
    }
}

/// A range as `[startLine, startCharacter, endLine, endCharacter]`, for compact comparisons.
func flatRange(_ value: Any?) -> [Int] {
    guard let range = value as? [String: Any], let start = range["start"] as? [String: Any], let end = range["end"] as? [String: Any] else { return [] }
    return [start["line"], start["character"], end["line"], end["character"]].map { ($0 as? Int) ?? -1 }
}

/// The 0-based line and UTF-16 column of a UTF-8 byte offset, computed independently of the
/// server (through `String.UTF16View`), to check its conversion.
func utf16Position(of offset: Int, in text: String) -> (line: Int, character: Int) {
    let bytes = Array(text.utf8)
    let prefix = String(decoding: bytes[0..<min(offset, bytes.count)], as: UTF8.self)
    let lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
    return (lines.count - 1, lines.last.map { $0.utf16.count } ?? 0)
}
