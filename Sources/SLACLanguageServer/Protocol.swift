/// The subset of the Language Server Protocol 3.17 that `slac lsp` speaks.
///
/// Only the fields the server reads or writes are modelled; unknown fields of client messages are
/// ignored by `Codable`, so clients that send more (as every real client does) are understood.

/// A JSON-RPC request id: a number or a string (LSP allows both).
package enum RequestID: Sendable, Hashable, Codable, CustomStringConvertible {
    case number(Int)
    case string(String)

    package init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let n = try? container.decode(Int.self) { self = .number(n) } else { self = .string(try container.decode(String.self)) }
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let n): try container.encode(n)
        case .string(let s): try container.encode(s)
        }
    }

    /// Reads an id from a decoded message; nil when it is neither a number nor a string.
    init?(_ value: JSONValue) {
        switch value {
        case .int(let n): self = .number(n)
        case .string(let s): self = .string(s)
        default: return nil
        }
    }

    package var description: String {
        switch self {
        case .number(let n): String(n)
        case .string(let s): s
        }
    }
}

/// JSON-RPC and LSP error codes the server sends.
package enum ErrorCode {
    package static let parseError = -32700
    package static let invalidRequest = -32600
    package static let methodNotFound = -32601
    package static let invalidParams = -32602
    package static let internalError = -32603
    package static let serverNotInitialized = -32002
    package static let requestCancelled = -32800
}

/// The `error` member of a failed response.
package struct ResponseError: Sendable, Hashable, Codable, Error {
    package var code: Int
    package var message: String
    package init(code: Int, message: String) {
        self.code = code
        self.message = message
    }
}

/// A zero-based line and character offset; what "character" counts is the negotiated
/// position encoding (UTF-16 code units unless the client asked for UTF-8).
package struct Position: Sendable, Hashable, Codable, Comparable {
    package var line: Int
    package var character: Int
    package init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }
    package static func < (a: Position, b: Position) -> Bool { (a.line, a.character) < (b.line, b.character) }
}

/// A half-open range of positions.
package struct TextRange: Sendable, Hashable, Codable {
    package var start: Position
    package var end: Position
    package init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }
}

/// A range in a document: where a note of a diagnostic points.
package struct Location: Sendable, Hashable, Codable {
    package var uri: String
    package var range: TextRange
}

/// Names a document by URI; the server keys open documents by it.
package struct TextDocumentIdentifier: Sendable, Hashable, Codable {
    package var uri: String
}

/// A document as `didOpen` sends it: the full text and its version.
package struct TextDocumentItem: Sendable, Hashable, Codable {
    package var uri: String
    package var languageId: String?
    package var version: Int?
    package var text: String
}

/// A document and the version a change produces (echoed in the published diagnostics, so a client can drop stale ones).
package struct VersionedTextDocumentIdentifier: Sendable, Hashable, Codable {
    package var uri: String
    package var version: Int?
}

/// One change of `didChange`: with a range, an incremental edit; without, the whole new text.
package struct TextDocumentContentChangeEvent: Sendable, Hashable, Codable {
    package var range: TextRange?
    package var text: String
}

/// `textDocument/didOpen`.
package struct DidOpenParams: Sendable, Codable {
    package var textDocument: TextDocumentItem
}

/// `textDocument/didChange`: the events apply in order.
package struct DidChangeParams: Sendable, Codable {
    package var textDocument: VersionedTextDocumentIdentifier
    package var contentChanges: [TextDocumentContentChangeEvent]
}

/// `textDocument/didClose`: the server forgets the text and clears its diagnostics.
package struct DidCloseParams: Sendable, Codable {
    package var textDocument: TextDocumentIdentifier
}

/// Hover and completion: a document and a position in it.
package struct TextDocumentPositionParams: Sendable, Codable {
    package var textDocument: TextDocumentIdentifier
    package var position: Position
}

/// Formatting and document symbols: a whole document (formatting options are ignored: the layout is canonical).
package struct DocumentParams: Sendable, Codable {
    package var textDocument: TextDocumentIdentifier
}

/// `$/cancelRequest`.
package struct CancelParams: Sendable, Codable {
    package var id: RequestID
}

/// `initialize` params: only the position encodings the client supports matter to this server.
package struct InitializeParams: Sendable, Codable {
    package struct General: Sendable, Codable {
        package var positionEncodings: [String]?
    }
    package struct Capabilities: Sendable, Codable {
        package var general: General?
    }
    package var capabilities: Capabilities?
}

/// A note of a diagnostic (e.g. where a duplicate was first given).
package struct DiagnosticRelatedInformation: Sendable, Hashable, Codable {
    package var location: Location
    package var message: String
}

/// An LSP diagnostic. `data` carries the structured fix (`Diagnostic.fix`) so that a code action
/// request can apply it without recomputing anything.
package struct LSPDiagnostic: Sendable, Hashable, Codable {
    package var range: TextRange
    /// 1 error, 2 warning, 3 information, 4 hint.
    package var severity: Int
    package var code: String
    package var source: String
    package var message: String
    package var relatedInformation: [DiagnosticRelatedInformation]?
    package var data: FixData?
}

/// The edit a quick fix makes, stored in a diagnostic's `data`.
package struct FixData: Sendable, Hashable, Codable {
    package var range: TextRange
    package var newText: String
}

/// `textDocument/publishDiagnostics`: all diagnostics of one document version, replacing the previous ones.
package struct PublishDiagnosticsParams: Sendable, Codable {
    package var uri: String
    package var version: Int?
    package var diagnostics: [LSPDiagnostic]
}

/// A replacement of a range, for formatting and quick fixes.
package struct TextEdit: Sendable, Hashable, Codable {
    package var range: TextRange
    package var newText: String
}

/// Hover text; always Markdown, the format `slac explain` writes.
package struct MarkupContent: Sendable, Hashable, Codable {
    package var kind: String
    package var value: String
}

/// A hover answer and the range it describes (the client highlights it).
package struct Hover: Sendable, Hashable, Codable {
    package var contents: MarkupContent
    package var range: TextRange?
}

/// A completion item; `insertTextFormat` 2 marks a snippet (`p99($1)`).
package struct CompletionItem: Sendable, Hashable, Codable {
    package var label: String
    /// 14 keyword, 3 function, 6 variable, 11 unit, 12 value, 15 snippet.
    package var kind: Int
    package var detail: String?
    package var insertText: String?
    package var insertTextFormat: Int?
    /// Set when the text to replace is not the word before the cursor (`Europe/Ber`).
    package var textEdit: TextEdit?
    package var filterText: String?
    package init(label: String, kind: Int, detail: String? = nil, insertText: String? = nil, insertTextFormat: Int? = nil,
                textEdit: TextEdit? = nil, filterText: String? = nil) {
        self.label = label
        self.kind = kind
        self.detail = detail
        self.insertText = insertText
        self.insertTextFormat = insertTextFormat
        self.textEdit = textEdit
        self.filterText = filterText
    }
}

/// Completion answer; complete, so the client filters as the user types without asking again.
package struct CompletionList: Sendable, Hashable, Codable {
    package var isIncomplete: Bool
    package var items: [CompletionItem]
}

/// An outline entry: the contract, its clauses as children.
package struct DocumentSymbol: Sendable, Hashable, Codable {
    package var name: String
    package var detail: String?
    /// 3 namespace (the contract), 12 function (a clause), 7 property (a header item).
    package var kind: Int
    package var range: TextRange
    package var selectionRange: TextRange
    package var children: [DocumentSymbol]?
}

/// `textDocument/codeAction`: the range the user is at; the server uses its own diagnostics for it.
package struct CodeActionParams: Sendable, Codable {
    package struct Context: Sendable, Codable {
        package var diagnostics: [LSPDiagnostic]
    }
    package var textDocument: TextDocumentIdentifier
    package var range: TextRange
    package var context: Context
}

/// The edits of a quick fix, by document URI.
package struct WorkspaceEdit: Sendable, Hashable, Codable {
    package var changes: [String: [TextEdit]]
}

/// A quick fix the editor offers on a diagnostic.
package struct CodeAction: Sendable, Hashable, Codable {
    package var title: String
    package var kind: String
    package var diagnostics: [LSPDiagnostic]?
    package var isPreferred: Bool?
    package var edit: WorkspaceEdit
}

/// What the server tells the client it can do.
package struct ServerCapabilities: Sendable, Codable {
    package struct TextDocumentSync: Sendable, Codable {
        package var openClose: Bool
        /// 2: incremental.
        package var change: Int
    }
    package struct CompletionOptions: Sendable, Codable {
        package var triggerCharacters: [String]
    }
    package struct CodeActionOptions: Sendable, Codable {
        package var codeActionKinds: [String]
    }
    package var positionEncoding: String
    package var textDocumentSync: TextDocumentSync
    package var hoverProvider: Bool
    package var completionProvider: CompletionOptions
    package var documentFormattingProvider: Bool
    package var documentSymbolProvider: Bool
    package var codeActionProvider: CodeActionOptions
}

/// The server's name and version, shown by clients in logs.
package struct ServerInfo: Sendable, Codable {
    package var name: String
    package var version: String
}

/// The answer to `initialize`.
package struct InitializeResult: Sendable, Codable {
    package var capabilities: ServerCapabilities
    package var serverInfo: ServerInfo
}
