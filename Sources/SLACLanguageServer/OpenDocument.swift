import Foundation
import SLACLegalOps
import SLACSyntax

/// A document the client has open: its current text and what the front end made of it.
///
/// Every version is analysed once, when it arrives (diagnostics are published right away); hover,
/// completion, symbols and code actions then read the stored outcome instead of re-checking.
struct OpenDocument: Sendable {
    let uri: String
    private(set) var version: Int?
    private(set) var source: SourceFile
    private(set) var positions: TextPositions
    private(set) var outcome: ContractDiagnostics.Outcome

    init(uri: String, version: Int?, text: String, encoding: PositionEncoding) {
        self.uri = uri
        self.version = version
        let source = SourceFile(path: OpenDocument.displayPath(uri), text: text)
        self.source = source
        self.positions = TextPositions(text: text, encoding: encoding)
        self.outcome = ContractDiagnostics.check(source)
    }

    var text: String { source.text }

    /// Applies `didChange` events in order (each range refers to the text after the previous
    /// event, as LSP specifies), then analyses the result once.
    mutating func apply(_ changes: [TextDocumentContentChangeEvent], version: Int?) {
        var bytes = positions.bytes
        for change in changes {
            if let range = change.range {
                let index = TextPositions(bytes: bytes, encoding: positions.encoding)
                let start = index.offset(of: range.start)
                let end = max(start, index.offset(of: range.end))
                bytes.replaceSubrange(start..<end, with: Array(change.text.utf8))
            } else {
                bytes = Array(change.text.utf8)
            }
        }
        self = OpenDocument(uri: uri, version: version ?? self.version, text: String(decoding: bytes, as: UTF8.self), encoding: positions.encoding)
    }

    /// The file path of a `file://` URI for diagnostics' text (the URI itself otherwise).
    static func displayPath(_ uri: String) -> String {
        guard uri.hasPrefix("file://") else { return uri }
        let path = String(uri.dropFirst("file://".count))
        return path.removingPercentEncoding ?? path
    }
}
