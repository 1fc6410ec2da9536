/// The subset of the Language Server Protocol 3.17 that `slac lsp` speaks.
///
/// Only the fields the server reads or writes are modelled; unknown fields of client messages are
/// ignored by `Codable`, so clients that send more (as every real client does) are understood.

/// A JSON-RPC request id: a number or a string (LSP allows both).
public enum RequestID: Sendable, Hashable, Codable, CustomStringConvertible {
    case number(Int)
    case string(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let n = try? container.decode(Int.self) { self = .number(n) } else { self = .string(try container.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
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

    public var description: String {
        switch self {
        case .number(let n): String(n)
        case .string(let s): s
        }
    }
}

/// JSON-RPC and LSP error codes the server sends.
public enum ErrorCode {
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    public static let serverNotInitialized = -32002
    public static let requestCancelled = -32800
}

/// The `error` member of a failed response.
public struct ResponseError: Sendable, Hashable, Codable, Error {
    public var code: Int
    public var message: String
    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }
}

/// A zero-based line and character offset; what "character" counts is the negotiated
/// position encoding (UTF-16 code units unless the client asked for UTF-8).
public struct Position: Sendable, Hashable, Codable, Comparable {
    public var line: Int
    public var character: Int
    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }
    public static func < (a: Position, b: Position) -> Bool { (a.line, a.character) < (b.line, b.character) }
}

/// A half-open range of positions.
public struct TextRange: Sendable, Hashable, Codable {
    public var start: Position
    public var end: Position
    public init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }
}

/// A range in a document: where a note of a diagnostic points.
public struct Location: Sendable, Hashable, Codable {
    public var uri: String
    public var range: TextRange
}

/// Names a document by URI; the server keys open documents by it.
public struct TextDocumentIdentifier: Sendable, Hashable, Codable {
    public var uri: String
}

/// A document as `didOpen` sends it: the full text and its version.
public struct TextDocumentItem: Sendable, Hashable, Codable {
    public var uri: String
    public var languageId: String?
    public var version: Int?
    public var text: String
}

/// A document and the version a change produces (echoed in the published diagnostics, so a client can drop stale ones).
public struct VersionedTextDocumentIdentifier: Sendable, Hashable, Codable {
    public var uri: String
    public var version: Int?
}

/// One change of `didChange`: with a range, an incremental edit; without, the whole new text.
public struct TextDocumentContentChangeEvent: Sendable, Hashable, Codable {
    public var range: TextRange?
    public var text: String
}

/// `textDocument/didOpen`.
public struct DidOpenParams: Sendable, Codable {
    public var textDocument: TextDocumentItem
}

/// `textDocument/didChange`: the events apply in order.
public struct DidChangeParams: Sendable, Codable {
    public var textDocument: VersionedTextDocumentIdentifier
    public var contentChanges: [TextDocumentContentChangeEvent]
}

/// `textDocument/didClose`: the server forgets the text and clears its diagnostics.
public struct DidCloseParams: Sendable, Codable {
    public var textDocument: TextDocumentIdentifier
}

/// Hover and completion: a document and a position in it.
public struct TextDocumentPositionParams: Sendable, Codable {
    public var textDocument: TextDocumentIdentifier
    public var position: Position
}

/// Formatting and document symbols: a whole document (formatting options are ignored: the layout is canonical).
public struct DocumentParams: Sendable, Codable {
    public var textDocument: TextDocumentIdentifier
}

/// `$/cancelRequest`.
public struct CancelParams: Sendable, Codable {
    public var id: RequestID
}

/// `initialize` params: only the position encodings the client supports matter to this server.
public struct InitializeParams: Sendable, Codable {
    public struct General: Sendable, Codable {
        public var positionEncodings: [String]?
    }
    public struct Capabilities: Sendable, Codable {
        public var general: General?
    }
    public var capabilities: Capabilities?
}

/// A note of a diagnostic (e.g. where a duplicate was first given).
public struct DiagnosticRelatedInformation: Sendable, Hashable, Codable {
    public var location: Location
    public var message: String
}

/// An LSP diagnostic. `data` carries the structured fix (`Diagnostic.fix`) so that a code action
/// request can apply it without recomputing anything.
public struct LSPDiagnostic: Sendable, Hashable, Codable {
    public var range: TextRange
    /// 1 error, 2 warning, 3 information, 4 hint.
    public var severity: Int
    public var code: String
    public var source: String
    public var message: String
    public var relatedInformation: [DiagnosticRelatedInformation]?
    public var data: FixData?
}

/// The edit a quick fix makes, stored in a diagnostic's `data`.
public struct FixData: Sendable, Hashable, Codable {
    public var range: TextRange
    public var newText: String
}

/// `textDocument/publishDiagnostics`: all diagnostics of one document version, replacing the previous ones.
public struct PublishDiagnosticsParams: Sendable, Codable {
    public var uri: String
    public var version: Int?
    public var diagnostics: [LSPDiagnostic]
}

/// A replacement of a range, for formatting and quick fixes.
public struct TextEdit: Sendable, Hashable, Codable {
    public var range: TextRange
    public var newText: String
}

/// Hover text; always Markdown, the format `slac explain` writes.
public struct MarkupContent: Sendable, Hashable, Codable {
    public var kind: String
    public var value: String
}

/// A hover answer and the range it describes (the client highlights it).
public struct Hover: Sendable, Hashable, Codable {
    public var contents: MarkupContent
    public var range: TextRange?
}

/// A completion item; `insertTextFormat` 2 marks a snippet (`p99($1)`).
public struct CompletionItem: Sendable, Hashable, Codable {
    public var label: String
    /// 14 keyword, 3 function, 6 variable, 11 unit, 12 value, 15 snippet.
    public var kind: Int
    public var detail: String?
    public var insertText: String?
    public var insertTextFormat: Int?
    /// Set when the text to replace is not the word before the cursor (`Europe/Ber`).
    public var textEdit: TextEdit?
    public var filterText: String?
    public init(label: String, kind: Int, detail: String? = nil, insertText: String? = nil, insertTextFormat: Int? = nil,
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
public struct CompletionList: Sendable, Hashable, Codable {
    public var isIncomplete: Bool
    public var items: [CompletionItem]
}

/// An outline entry: the contract, its clauses as children.
public struct DocumentSymbol: Sendable, Hashable, Codable {
    public var name: String
    public var detail: String?
    /// 3 namespace (the contract), 12 function (a clause), 7 property (a header item).
    public var kind: Int
    public var range: TextRange
    public var selectionRange: TextRange
    public var children: [DocumentSymbol]?
}

/// `textDocument/codeAction`: the range the user is at; the server uses its own diagnostics for it.
public struct CodeActionParams: Sendable, Codable {
    public struct Context: Sendable, Codable {
        public var diagnostics: [LSPDiagnostic]
    }
    public var textDocument: TextDocumentIdentifier
    public var range: TextRange
    public var context: Context
}

/// The edits of a quick fix, by document URI.
public struct WorkspaceEdit: Sendable, Hashable, Codable {
    public var changes: [String: [TextEdit]]
}

/// A quick fix the editor offers on a diagnostic.
public struct CodeAction: Sendable, Hashable, Codable {
    public var title: String
    public var kind: String
    public var diagnostics: [LSPDiagnostic]?
    public var isPreferred: Bool?
    public var edit: WorkspaceEdit
}

/// What the server tells the client it can do.
public struct ServerCapabilities: Sendable, Codable {
    public struct TextDocumentSync: Sendable, Codable {
        public var openClose: Bool
        /// 2: incremental.
        public var change: Int
    }
    public struct CompletionOptions: Sendable, Codable {
        public var triggerCharacters: [String]
    }
    public struct CodeActionOptions: Sendable, Codable {
        public var codeActionKinds: [String]
    }
    public var positionEncoding: String
    public var textDocumentSync: TextDocumentSync
    public var hoverProvider: Bool
    public var completionProvider: CompletionOptions
    public var documentFormattingProvider: Bool
    public var documentSymbolProvider: Bool
    public var codeActionProvider: CodeActionOptions
}

/// The server's name and version, shown by clients in logs.
public struct ServerInfo: Sendable, Codable {
    public var name: String
    public var version: String
}

/// The answer to `initialize`.
public struct InitializeResult: Sendable, Codable {
    public var capabilities: ServerCapabilities
    public var serverInfo: ServerInfo
}
