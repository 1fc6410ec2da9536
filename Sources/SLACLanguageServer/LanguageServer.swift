import Foundation
import SLACLegalOps
import SLACSyntax

/// The language server as a value: a JSON-RPC message in, the messages to send back out.
///
/// It does no I/O, so tests drive it message by message and compare replies exactly; the stdio
/// loop (`StdioTransport`) only frames bytes. Nothing a client sends can make it trap: a message
/// that is not JSON, not JSON-RPC, or has params of the wrong shape gets an error response
/// (-32700, -32600, -32602), an unknown method -32601, and the server keeps serving.
package struct LanguageServer: Sendable {
    /// Where the server is in the LSP lifecycle.
    package enum State: Sendable, Equatable {
        case uninitialized
        case running
        case shutDown
        /// After `exit`: 0 when `shutdown` came first, 1 otherwise (as LSP specifies).
        case exited(Int32)
    }

    package private(set) var state: State = .uninitialized
    /// The negotiated position encoding (UTF-16 until `initialize` says otherwise).
    package private(set) var encoding: PositionEncoding = .utf16
    var documents: [String: OpenDocument] = [:]
    /// Requests the client cancelled before they were answered.
    private var cancelled: Set<RequestID> = []
    /// The time the time-zone hover describes; fixed in tests.
    let now: @Sendable () -> Date
    /// The version `initialize` reports: slac's own (`slac --version`), given by the command,
    /// since this module does not depend on the tool's.
    let version: String

    package init(version: String = "unknown", now: @escaping @Sendable () -> Date = { Date() }) {
        self.version = version
        self.now = now
    }

    /// The current text of an open document (what the edits so far produced), for tests and tools.
    package func text(of uri: String) -> String? { documents[uri]?.text }

    /// The exit code once the client sent `exit`.
    package var exitCode: Int32? {
        if case .exited(let code) = state { return code }
        return nil
    }

    // MARK: messages in, messages out

    /// Handles messages that arrived together: a `$/cancelRequest` among them cancels a request
    /// before it in the same batch (which is then answered with -32800) — the stdio loop passes
    /// everything that is waiting, so a cancel that overtook its request's processing takes effect.
    package mutating func handle(batch: [Data]) -> [Data] {
        // Only messages that can be cancels are decoded twice (a slash may be written `\/` in JSON).
        let marker = Data("cancelRequest".utf8)
        for message in batch where message.range(of: marker) != nil {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: message),
                  value["method"]?.stringValue == "$/cancelRequest",
                  let id = value["params"]?["id"].flatMap(RequestID.init) else { continue }
            cancelled.insert(id)
        }
        var out: [Data] = []
        for message in LanguageServer.mergingEdits(batch) {
            out += handle(message)
            if exitCode != nil { break }
        }
        cancelled.removeAll()
        return out
    }

    /// The batch with each run of adjacent `didChange` notifications for one document merged into
    /// one (their changes in order, the last version), so that a burst of keystrokes that waited
    /// while a large contract was analysed is analysed once, not once per keystroke: at 0.7 s per
    /// analysis, 20 keystrokes gave their diagnostics after 14 s and held up every hover behind them.
    /// Diagnostics of the versions in between are never published; those of the last one are.
    static func mergingEdits(_ batch: [Data]) -> [Data] {
        let marker = Data("didChange".utf8)
        guard batch.count > 1, batch.filter({ $0.range(of: marker) != nil }).count > 1 else { return batch }
        var out: [Data] = []
        // The run being merged: its decoded message, document and changes so far.
        var run: (first: Data, object: [String: JSONValue], uri: String, changes: [JSONValue], count: Int)?
        func flush() {
            guard let current = run else { return }
            run = nil
            if current.count == 1 {
                out.append(current.first)
                return
            }
            var object = current.object
            if case .object(var params)? = object["params"] {
                params["contentChanges"] = .array(current.changes)
                object["params"] = .object(params)
            }
            if let merged = try? JSONEncoder().encode(JSONValue.object(object)) { out.append(merged) }
        }
        for message in batch {
            guard message.range(of: marker) != nil,
                  case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: message),
                  object["method"]?.stringValue == "textDocument/didChange", object["id"] == nil,
                  let uri = object["params"]?["textDocument"]?["uri"]?.stringValue,
                  case .array(let changes)? = object["params"]?["contentChanges"] else {
                flush()
                out.append(message)
                continue
            }
            if var current = run, current.uri == uri {
                current.changes += changes
                // The last version, and its text document identifier.
                if case .object(var params)? = current.object["params"], let document = object["params"]?["textDocument"] {
                    params["textDocument"] = document
                    current.object["params"] = .object(params)
                }
                current.count += 1
                run = current
            } else {
                flush()
                run = (message, object, uri, changes, 1)
            }
        }
        flush()
        return out
    }

    /// Handles one message (the JSON body, without the `Content-Length` header).
    package mutating func handle(_ message: Data) -> [Data] {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: message) else {
            return [LanguageServer.errorResponse(id: nil, code: ErrorCode.parseError, "the message is not valid JSON")]
        }
        guard case .object(let object) = value else {
            return [LanguageServer.errorResponse(id: nil, code: ErrorCode.invalidRequest, "a message must be a JSON object (batches are not used by LSP)")]
        }
        let rawID = object["id"]
        let id = rawID.flatMap(RequestID.init)
        if rawID != nil && rawID != .null && id == nil {
            return [LanguageServer.errorResponse(id: nil, code: ErrorCode.invalidRequest, "the id must be a number or a string")]
        }
        guard object["jsonrpc"]?.stringValue == "2.0" else {
            return [LanguageServer.errorResponse(id: id, code: ErrorCode.invalidRequest, "`jsonrpc` must be \"2.0\"")]
        }
        guard let method = object["method"]?.stringValue else {
            // A response to a request of ours; the server sends none, so there is nothing to match.
            if object["result"] != nil || object["error"] != nil { return [] }
            return [LanguageServer.errorResponse(id: id, code: ErrorCode.invalidRequest, "the message has no method")]
        }
        let params = object["params"] ?? .null
        if let id {
            if cancelled.remove(id) != nil {
                return [LanguageServer.errorResponse(id: id, code: ErrorCode.requestCancelled, "the request was cancelled")]
            }
            do {
                return [try request(method, params: params, id: id)]
            } catch let error as ResponseError {
                return [LanguageServer.errorResponse(id: id, code: error.code, error.message)]
            } catch {
                return [LanguageServer.errorResponse(id: id, code: ErrorCode.invalidParams, "invalid params for `\(method)`: \(LanguageServer.describe(error))")]
            }
        }
        // Notifications are never answered, even when malformed (JSON-RPC 2.0 specification, section 4.1).
        return (try? notification(method, params: params)) ?? []
    }

    // MARK: requests

    private mutating func request(_ method: String, params: JSONValue, id: RequestID) throws -> Data {
        switch state {
        case .uninitialized where method != "initialize":
            throw ResponseError(code: ErrorCode.serverNotInitialized, message: "the server is not initialized: send `initialize` first")
        case .running where method == "initialize":
            throw ResponseError(code: ErrorCode.invalidRequest, message: "the server is already initialized")
        case .shutDown, .exited:
            throw ResponseError(code: ErrorCode.invalidRequest, message: "the server is shut down")
        default: break
        }
        switch method {
        case "initialize":
            let p = try params.decode(InitializeParams.self)
            encoding = PositionEncoding.negotiate(offered: p.capabilities?.general?.positionEncodings)
            state = .running
            return LanguageServer.response(id: id, result: InitializeResult(capabilities: capabilities, serverInfo: ServerInfo(name: "slac", version: version)))
        case "shutdown":
            state = .shutDown
            return LanguageServer.response(id: id, result: JSONValue.null)
        case "textDocument/hover":
            let p = try params.decode(TextDocumentPositionParams.self)
            return LanguageServer.response(id: id, result: document(p.textDocument.uri).map { HoverProvider.hover(in: $0, at: p.position, now: now()) } ?? nil)
        case "textDocument/completion":
            let p = try params.decode(TextDocumentPositionParams.self)
            let items = document(p.textDocument.uri).map { CompletionProvider.items(in: $0, at: p.position) } ?? []
            return LanguageServer.response(id: id, result: CompletionList(isIncomplete: false, items: items))
        case "textDocument/formatting":
            let p = try params.decode(DocumentParams.self)
            return LanguageServer.response(id: id, result: document(p.textDocument.uri).map(DocumentFeatures.formatting) ?? [])
        case "textDocument/documentSymbol":
            let p = try params.decode(DocumentParams.self)
            return LanguageServer.response(id: id, result: document(p.textDocument.uri).map(DocumentFeatures.symbols) ?? [])
        case "textDocument/codeAction":
            let p = try params.decode(CodeActionParams.self)
            return LanguageServer.response(id: id, result: document(p.textDocument.uri).map { DocumentFeatures.codeActions(in: $0, range: p.range) } ?? [])
        default:
            throw ResponseError(code: ErrorCode.methodNotFound, message: "unknown method `\(method)`")
        }
    }

    /// The open document at `uri`; nil (an empty answer) for one the client never opened.
    private func document(_ uri: String) -> OpenDocument? { documents[uri] }

    private var capabilities: ServerCapabilities {
        ServerCapabilities(
            positionEncoding: encoding.rawValue,
            textDocumentSync: .init(openClose: true, change: 2),
            hoverProvider: true,
            completionProvider: .init(triggerCharacters: ["(", "\"", " "]),
            documentFormattingProvider: true,
            documentSymbolProvider: true,
            codeActionProvider: .init(codeActionKinds: ["quickfix"]))
    }

    // MARK: notifications

    private mutating func notification(_ method: String, params: JSONValue) throws -> [Data] {
        if method == "exit" {
            state = .exited(state == .shutDown ? 0 : 1)
            return []
        }
        guard state == .running else { return [] }
        switch method {
        case "textDocument/didOpen":
            let p = try params.decode(DidOpenParams.self)
            let document = OpenDocument(uri: p.textDocument.uri, version: p.textDocument.version, text: p.textDocument.text, encoding: encoding)
            documents[p.textDocument.uri] = document
            return [publishDiagnostics(document)]
        case "textDocument/didChange":
            let p = try params.decode(DidChangeParams.self)
            guard var document = documents[p.textDocument.uri] else { return [] }
            document.apply(p.contentChanges, version: p.textDocument.version)
            documents[p.textDocument.uri] = document
            return [publishDiagnostics(document)]
        case "textDocument/didClose":
            let p = try params.decode(DidCloseParams.self)
            documents[p.textDocument.uri] = nil
            return [LanguageServer.notification("textDocument/publishDiagnostics", PublishDiagnosticsParams(uri: p.textDocument.uri, version: nil, diagnostics: []))]
        default:
            // `initialized`, `$/cancelRequest` (handled per batch), `$/setTrace`, settings changes...
            return []
        }
    }

    private func publishDiagnostics(_ document: OpenDocument) -> Data {
        LanguageServer.notification("textDocument/publishDiagnostics",
                                    PublishDiagnosticsParams(uri: document.uri, version: document.version,
                                                             diagnostics: DiagnosticConversion.convert(document.outcome.diagnostics, in: document)))
    }

    // MARK: encoding

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        // Sorted keys: replies are byte-for-byte reproducible, so recorded sessions can be compared.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private struct Response<Result: Encodable>: Encodable {
        var id: RequestID?
        var result: Result?
        var error: ResponseError?
        enum CodingKeys: String, CodingKey { case jsonrpc, id, result, error }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode("2.0", forKey: .jsonrpc)
            if let id { try c.encode(id, forKey: .id) } else { try c.encodeNil(forKey: .id) }
            if let error { try c.encode(error, forKey: .error) } else if let result { try c.encode(result, forKey: .result) } else { try c.encodeNil(forKey: .result) }
        }
    }

    private struct Notification<Params: Encodable>: Encodable {
        var jsonrpc = "2.0"
        var method: String
        var params: Params
    }

    static func response<R: Encodable>(id: RequestID, result: R?) -> Data {
        encode(Response(id: id, result: result, error: nil))
    }

    /// An error response; `id` nil when the request's id could not be read (JSON-RPC sends null).
    package static func errorResponse(id: RequestID?, code: Int, _ message: String) -> Data {
        encode(Response<JSONValue>(id: id, result: nil, error: ResponseError(code: code, message: message)))
    }

    static func notification<P: Encodable>(_ method: String, _ params: P) -> Data {
        encode(Notification(method: method, params: params))
    }

    private static func encode<T: Encodable>(_ value: T) -> Data {
        // The protocol types always encode; should one ever fail, the client gets an internal error instead of silence.
        (try? encoder.encode(value)) ?? Data(#"{"error":{"code":-32603,"message":"the reply could not be encoded"},"id":null,"jsonrpc":"2.0"}"#.utf8)
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing `\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))`"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            return "unexpected value at `\(context.codingPath.map(\.stringValue).joined(separator: "."))`"
        default:
            return "\(error)"
        }
    }
}
