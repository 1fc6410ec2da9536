import CLibXML2
import Foundation
import SLACSchemas

// The one reader of untrusted XML in slac (reports, the bundled schema and stylesheet): SLACReport
// validates with it, SLACAudit renders and verifies with it (reports are untrusted input: docs/fuzzing.md).

/// Why a report given to `slac render` or `slac verify-report` could not be read. Reports are
/// untrusted input (docs/fuzzing.md): each problem gets one clear message, with a line where libxml2
/// gives one, and the CLI maps every case to exit code 2 (a malformed report).
package enum ReportReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The input is larger than `SafeXML.maximumSize`; refused before parsing.
    case tooLarge(size: Int, limit: Int)
    /// The bytes are not well-formed XML; `message` is libxml2's, with a line number.
    case notWellFormed(message: String)
    /// The document has a `<!DOCTYPE>`; reports never do, and refusing it keeps entity
    /// declarations (billion laughs, external entities) out entirely.
    case documentType
    /// Well-formed XML, but not a slac report (wrong root element or namespace).
    case notAReport(found: String)
    /// A slac report that the bundled XSD rejects; `messages` are the schema errors.
    case invalid(messages: [String])

    /// One line (or a few) for the CLI's error output.
    package var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read `\(path)`: \(reason)"
        case .tooLarge(let size, let limit):
            return "the report is \(size) bytes, more than the \(limit >> 20) MiB slac reads; refusing to parse it"
        case .notWellFormed(let message):
            return "the report is not well-formed XML: \(message)"
        case .documentType:
            return "the report has a document type declaration (<!DOCTYPE>); slac reports never have one, and it is refused so that no entity is expanded or loaded"
        case .notAReport(let found):
            return "not a slac report: the root element is \(found), expected <report xmlns=\"\(XMLReportWriter.namespace)\">"
        case .invalid(let messages):
            let shown = messages.prefix(5).joined(separator: "; ")
            let more = messages.count > 5 ? " (and \(messages.count - 5) more)" : ""
            return "the report does not match the report schema: \(shown)\(more)"
        }
    }
}

/// Parsing of untrusted XML (reports, and slac's own stylesheet) with libxml2, locked down:
/// no network, no entity substitution, no DTD loading, no XInclude, no "huge" mode, a refusing
/// external-entity loader, any `<!DOCTYPE>` refused, and the input size capped.
package enum SafeXML {
    /// The largest report slac parses (256 MiB). A report listing every window of a busy year is
    /// far below this; anything larger is refused before libxml2 sees it.
    package static let maximumSize = 256 << 20

    /// The parser options: errors are collected (not printed), the network is off, and nothing
    /// that loads or expands entities (`NOENT`, `DTDLOAD`, `XINCLUDE`, `HUGE`) is set.
    package static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

    /// Reads a file into memory, refusing it before reading when it exceeds `maximumSize`.
    package static func readFile(path: String, limit: Int = maximumSize) throws(ReportReadError) -> [UInt8] {
        let url = URL(fileURLWithPath: path)
        // A folder opens for reading, and seeking to its end gives a size of 2^63 - 1.
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw .unreadable(path: path, reason: "it is a folder, not a file")
        }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied or not a regular file" : "no such file"
            throw .unreadable(path: path, reason: reason)
        }
        defer { try? handle.close() }
        do {
            let size = try handle.seekToEnd()
            if size > UInt64(limit) { throw ReportReadError.tooLarge(size: Int(clamping: size), limit: limit) }
            try handle.seek(toOffset: 0)
            // Read one byte more than allowed, so a file that grows while being read is still caught.
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            if data.count > limit { throw ReportReadError.tooLarge(size: data.count, limit: limit) }
            return [UInt8](data)
        } catch let error as ReportReadError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
    }

    /// Installs, once per process, an external-entity loader that refuses every URL, so that no
    /// libxml2 or libxslt code path in slac can open a file or a socket on a document's behalf.
    package static let refusingLoaderInstalled: Bool = {
        xmlSetExternalEntityLoader(refuseExternalEntity)
        return true
    }()

    /// Parses `bytes` into a document owned by the returned value. The size limit, the options
    /// above and the `<!DOCTYPE>` refusal apply; the root is not checked (see `parseReport`).
    package static func parse(_ bytes: [UInt8], limit: Int = maximumSize) throws(ReportReadError) -> ParsedXML {
        _ = refusingLoaderInstalled
        guard bytes.count <= limit, bytes.count <= Int(Int32.max) else { throw .tooLarge(size: bytes.count, limit: limit) }
        guard !bytes.isEmpty else { throw .notWellFormed(message: "the document is empty") }
        guard let context = xmlNewParserCtxt() else { throw .notWellFormed(message: "cannot create an XML parser") }
        defer { xmlFreeParserCtxt(context) }
        // Stop at the document type declaration, before any entity declaration is read.
        context.pointee.sax.pointee.internalSubset = stopAtDocumentType
        // Some libxml2 errors (encodings, I/O) bypass the parser context and go to the generic
        // handler, which prints to stderr; collect them instead (the handler is per thread).
        let generic = MessageBuffer()
        let document: xmlDocPtr? = withExtendedLifetime(generic) {
            var target = slac_xml_error_target(sink: appendMessage, user: Unmanaged.passUnretained(generic).toOpaque())
            return withUnsafeMutablePointer(to: &target) { pointer in
                slac_xml_set_generic_error_target(pointer)
                defer { slac_xml_set_generic_error_target(nil) }
                return bytes.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress.flatMap { base in
                        base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                            xmlCtxtReadMemory(context, chars, Int32(buffer.count), nil, nil, options)
                        }
                    }
                }
            }
        }
        let stoppedAtDocumentType = context.pointee.errNo == Int32(XML_ERR_USER_STOP.rawValue)
        if let document, context.pointee.wellFormed != 0, !stoppedAtDocumentType {
            let owned = ParsedXML(document)
            if document.pointee.intSubset != nil || document.pointee.extSubset != nil { throw .documentType }
            return owned
        }
        if let document { xmlFreeDoc(document) }
        if stoppedAtDocumentType { throw .documentType }
        if let error = xmlCtxtGetLastError(context) { throw .notWellFormed(message: describeError(error.pointee)) }
        throw .notWellFormed(message: generic.messages.first ?? "the document is not well-formed")
    }

    /// Parses a report: `parse`, then the root must be `<report>` in the report namespace, and the
    /// document must be valid against the bundled XSD (`Schemas/slac-report-1.xsd`), checked on the
    /// parsed document rather than re-read.
    package static func parseReport(_ bytes: [UInt8], validate: Bool = true) throws(ReportReadError) -> ParsedXML {
        let document = try parse(bytes)
        guard let root = document.root else { throw .notAReport(found: "missing") }
        let name = root.name
        let namespace = root.namespace
        guard name == "report", namespace == XMLReportWriter.namespace else {
            throw .notAReport(found: "<\(name)>" + (namespace.map { " in namespace \($0)" } ?? " without a namespace"))
        }
        if validate {
            guard let schema = compiledReportSchema else { throw .invalid(messages: ["the bundled report schema does not compile"]) }
            let messages = schema.validate(document)
            if !messages.isEmpty { throw .invalid(messages: messages) }
        }
        return document
    }

    /// The bundled report XSD, compiled once per process.
    package static let compiledReportSchema: CompiledSchema? = try? CompiledSchema(BundledFiles.reportSchema)

    /// `line N: message` (libxml2's message without its trailing newline).
    package static func describeError(_ error: xmlError) -> String {
        var message = error.message.map { String(cString: $0) } ?? "unknown error"
        while let last = message.last, last.isWhitespace { message.removeLast() }
        return error.line > 0 ? "line \(error.line): \(message)" : message
    }
}

/// A compiled XSD and the schema document it points into, freed together. A compiled libxml2
/// schema is read-only and may be shared by validation contexts on several threads.
package final class CompiledSchema: @unchecked Sendable {
    private let schema: xmlSchemaPtr
    private let document: ParsedXML

    /// Parses `xsd` with `SafeXML.parse` and compiles it.
    package init(_ xsd: [UInt8]) throws(SchemaError) {
        let document: ParsedXML
        do { document = try SafeXML.parse(xsd) } catch { throw .invalidSchema(messages: [error.description]) }
        guard let context = xmlSchemaNewDocParserCtxt(document.pointer) else { throw .invalidSchema(messages: ["cannot create a schema parser"]) }
        defer { xmlSchemaFreeParserCtxt(context) }
        let collector = SchemaMessages()
        let schema: xmlSchemaPtr? = withExtendedLifetime(collector) {
            xmlSchemaSetParserStructuredErrors(context, collectSchemaError, Unmanaged.passUnretained(collector).toOpaque())
            return xmlSchemaParse(context)
        }
        guard let schema, collector.messages.isEmpty else {
            if let schema { xmlSchemaFree(schema) }
            throw .invalidSchema(messages: collector.messages.isEmpty ? ["cannot compile the schema"] : collector.messages)
        }
        self.schema = schema
        self.document = document
    }

    deinit { xmlSchemaFree(schema) }

    /// Schema errors (`line N: message`) of a parsed document; empty when valid.
    package func validate(_ target: ParsedXML) -> [String] {
        guard let context = xmlSchemaNewValidCtxt(schema) else { return ["cannot create a schema validation context"] }
        defer { xmlSchemaFreeValidCtxt(context) }
        let collector = SchemaMessages()
        let status: Int32 = withExtendedLifetime((collector, document)) {
            xmlSchemaSetValidStructuredErrors(context, collectSchemaError, Unmanaged.passUnretained(collector).toOpaque())
            return xmlSchemaValidateDoc(context, target.pointer)
        }
        if status != 0 && collector.messages.isEmpty { return ["the document is not valid (libxml2 status \(status))"] }
        return collector.messages
    }
}

/// Schema messages, appended to by `collectSchemaError`; at most 100 are kept.
private final class SchemaMessages {
    var messages: [String] = []
}

/// libxml2's structured error callback for schema parsing and validation.
private let collectSchemaError: xmlStructuredErrorFunc = { user, error in
    guard let user, let error else { return }
    let collector = Unmanaged<SchemaMessages>.fromOpaque(user).takeUnretainedValue()
    if collector.messages.count < 100 { collector.messages.append(SafeXML.describeError(error.pointee)) }
}

/// The external-entity loader: refuses every URL (returns no input), whatever the caller's options.
private let refuseExternalEntity: xmlExternalEntityLoader = { _, _, _ in nil }

/// SAX `internalSubset` callback: a `<!DOCTYPE>` stops the parser on the spot.
private let stopAtDocumentType: internalSubsetSAXFunc = { context, _, _, _ in
    guard let context else { return }
    xmlStopParser(context.assumingMemoryBound(to: xmlParserCtxt.self))
}

/// Owns one libxml2 document and frees it when the last copy of the reference goes away. A class
/// because the document is a C resource with one owner; it never leaves this module.
package final class ParsedXML {
    package let pointer: xmlDocPtr
    private var owned = true

    package init(_ pointer: xmlDocPtr) { self.pointer = pointer }
    deinit { if owned { xmlFreeDoc(pointer) } }

    /// Hands the document to a new owner (libxslt keeps a compiled stylesheet's document).
    package func releaseOwnership() { owned = false }

    /// The root element.
    package var root: ElementView? { xmlDocGetRootElement(pointer).map(ElementView.init) }
}

/// A borrowed view of an element node; valid while its document lives.
package struct ElementView {
    package let pointer: xmlNodePtr

    package init(pointer: xmlNodePtr) { self.pointer = pointer }

    /// The local name.
    package var name: String { String(cString: pointer.pointee.name) }

    /// The namespace URI, if any.
    package var namespace: String? { pointer.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } } }

    /// Whether this is the report-namespace element `local`.
    package func isReport(_ local: String) -> Bool {
        guard pointer.pointee.type == XML_ELEMENT_NODE, let ns = pointer.pointee.ns, let href = ns.pointee.href else { return false }
        return xmlStrEqual(pointer.pointee.name, local) != 0 && xmlStrEqual(href, XMLReportWriter.namespace) != 0
    }

    /// The value of an unqualified attribute. Reads the attribute's text node directly when it
    /// has exactly one (always, for parsed documents), without libxml2's copy.
    package func attribute(_ name: String) -> String? {
        var property = pointer.pointee.properties
        while let current = property {
            if current.pointee.ns == nil, xmlStrEqual(current.pointee.name, name) != 0 {
                if let child = current.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE,
                   let content = child.pointee.content {
                    return String(cString: content)
                }
                guard let value = xmlGetNoNsProp(pointer, name) else { return "" }
                defer { slac_xmlFree(value) }
                return String(cString: value)
            }
            property = current.pointee.next
        }
        return nil
    }

    /// The value of an attribute in namespace `namespace` (the renderer's own annotations).
    package func attribute(_ name: String, namespace: String) -> String? {
        guard let value = xmlGetNsProp(pointer, name, namespace) else { return nil }
        defer { slac_xmlFree(value) }
        return String(cString: value)
    }

    /// Attribute names and values, in document order (unqualified attributes only, which is all
    /// the report format uses; qualified ones are prefixed with their namespace URI in braces).
    package var attributes: [(name: String, value: String)] {
        var result: [(String, String)] = []
        var attribute = pointer.pointee.properties
        while let current = attribute {
            var name = String(cString: current.pointee.name)
            if let ns = current.pointee.ns, let href = ns.pointee.href { name = "{\(String(cString: href))}" + name }
            let raw = xmlNodeListGetString(pointer.pointee.doc, current.pointee.children, 1)
            result.append((name, raw.map { String(cString: $0) } ?? ""))
            if let raw { slac_xmlFree(raw) }
            attribute = current.pointee.next
        }
        return result
    }

    /// The concatenated text of the element.
    package var text: String {
        guard let content = xmlNodeGetContent(pointer) else { return "" }
        defer { slac_xmlFree(content) }
        return String(cString: content)
    }

    /// Element children, in order.
    package var children: [ElementView] {
        var result: [ElementView] = []
        var child = pointer.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(ElementView(pointer: current)) }
            child = current.pointee.next
        }
        return result
    }

    /// Calls `body` for each element child in the report namespace named `local`, without
    /// building an array (clauses can hold hundreds of thousands of windows).
    package func forEachChild(_ local: String, _ body: (ElementView) throws -> Void) rethrows {
        var child = pointer.pointee.children
        while let current = child {
            let node = ElementView(pointer: current)
            if node.isReport(local) { try body(node) }
            child = current.pointee.next
        }
    }

    /// The first report-namespace child named `local`.
    package func firstChild(_ local: String) -> ElementView? {
        var child = pointer.pointee.children
        while let current = child {
            let node = ElementView(pointer: current)
            if node.isReport(local) { return node }
            child = current.pointee.next
        }
        return nil
    }
}

/// Collects libxml2's and libxslt's generic messages, which arrive in pieces through the shim's
/// C callback.
package final class MessageBuffer {
    package var text = ""
    package init() {}
    /// Complete messages, one per line, without empty lines.
    package var messages: [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}

/// The shim's non-variadic sink: appends a formatted piece to the `MessageBuffer` behind `user`.
package let appendMessage: slac_xml_message_sink = { user, text in
    guard let user, let text else { return }
    let buffer = Unmanaged<MessageBuffer>.fromOpaque(user).takeUnretainedValue()
    if buffer.text.utf8.count < 64 << 10 { buffer.text += String(cString: text) }
}
