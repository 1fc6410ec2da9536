import CLibXML2

/// Why a schema could not be loaded.
public enum SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The XSD bytes are not a usable schema; `messages` are libxml2's, with line numbers.
    case invalidSchema(messages: [String])

    /// One line for the CLI's error output, with every libxml2 message.
    public var description: String {
        switch self {
        case .invalidSchema(let messages):
            return "invalid XML schema: " + (messages.isEmpty ? "unknown error" : messages.joined(separator: "; "))
        }
    }
}

/// Validates report documents against an XSD (normally the bundled report schema), so tests,
/// `slac verify-report` and auditors' tooling agree on what a well-formed report is.
///
/// Documents are parsed without network access, entity substitution, DTD loading or XInclude
/// (docs/fuzzing.md), and libxml2's messages are collected instead of being printed to stderr.
public struct SchemaValidator {
    private let storage: Storage

    /// The report schema shipped with slac (`Schemas/slac-report-1.xsd`), embedded in the
    /// binary so that the CLI needs no resource bundle.
    public static var bundledSchema: [UInt8] { Array(ReportSchema.xsd.utf8) }

    /// A validator for the bundled report schema.
    public static func bundled() throws -> SchemaValidator {
        try SchemaValidator(xsdBytes: bundledSchema)
    }

    /// Compiles the schema once; `validate` can then be called any number of times.
    public init(xsdBytes: [UInt8]) throws {
        let collector = MessageCollector()
        guard let document = parseDocument(xsdBytes, collector: collector) else {
            throw SchemaError.invalidSchema(messages: collector.messages)
        }
        guard let parserContext = xmlSchemaNewDocParserCtxt(document) else {
            xmlFreeDoc(document)
            throw SchemaError.invalidSchema(messages: ["cannot create a schema parser"])
        }
        defer { xmlSchemaFreeParserCtxt(parserContext) }
        let schema: xmlSchemaPtr? = withExtendedLifetime(collector) {
            let box = Unmanaged.passUnretained(collector).toOpaque()
            xmlSchemaSetParserStructuredErrors(parserContext, collectStructuredError, box)
            return xmlSchemaParse(parserContext)
        }
        guard let schema, collector.messages.isEmpty else {
            if let schema { xmlSchemaFree(schema) }
            xmlFreeDoc(document)
            throw SchemaError.invalidSchema(messages: collector.messages.isEmpty ? ["cannot compile the schema"] : collector.messages)
        }
        storage = Storage(schema: schema, document: document)
    }

    /// Error messages (`line N: message`), empty when the document is well-formed and valid.
    public func validate(_ xml: [UInt8]) -> [String] {
        let collector = MessageCollector()
        guard let document = parseDocument(xml, collector: collector) else {
            return collector.messages.isEmpty ? ["the document cannot be parsed"] : collector.messages
        }
        defer { xmlFreeDoc(document) }
        guard let context = xmlSchemaNewValidCtxt(storage.schema) else {
            return ["cannot create a schema validation context"]
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let status: Int32 = withExtendedLifetime(collector) {
            let box = Unmanaged.passUnretained(collector).toOpaque()
            xmlSchemaSetValidStructuredErrors(context, collectStructuredError, box)
            return xmlSchemaValidateDoc(context, document)
        }
        if status != 0 && collector.messages.isEmpty {
            return ["the document is not valid (libxml2 status \(status))"]
        }
        return collector.messages
    }

    /// Owns the compiled schema and the schema document it may point into; freed together.
    private final class Storage {
        let schema: xmlSchemaPtr
        let document: xmlDocPtr
        init(schema: xmlSchemaPtr, document: xmlDocPtr) {
            self.schema = schema
            self.document = document
        }
        deinit {
            xmlSchemaFree(schema)
            xmlFreeDoc(document)
        }
    }
}

/// The class box the C error callback appends to through its `userData` pointer.
final class MessageCollector {
    var messages: [String] = []
}

/// Receives libxml2's structured errors; a plain C function because a capturing Swift closure
/// cannot be a C function pointer. The collector arrives through `userData`.
private let collectStructuredError: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    let collector = Unmanaged<MessageCollector>.fromOpaque(userData).takeUnretainedValue()
    collector.messages.append(describe(error.pointee))
}

/// `line N: message` (the message without libxml2's trailing newline).
func describe(_ error: xmlError) -> String {
    var message = error.message.map { String(cString: $0) } ?? "unknown error"
    while let last = message.last, last.isWhitespace { message.removeLast() }
    return error.line > 0 ? "line \(error.line): \(message)" : message
}

/// Parses XML safely: no network, no entity substitution, no DTD loading, no XInclude; errors go
/// to the parser context (not stderr) and the first fatal one is reported.
func parseDocument(_ bytes: [UInt8], collector: MessageCollector) -> xmlDocPtr? {
    guard bytes.count <= Int(Int32.max) else {
        collector.messages.append("the document is too large")
        return nil
    }
    guard let context = xmlNewParserCtxt() else {
        collector.messages.append("cannot create an XML parser")
        return nil
    }
    defer { xmlFreeParserCtxt(context) }
    let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
    let document = bytes.withUnsafeBufferPointer { buffer in
        buffer.baseAddress.flatMap { base in
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                xmlCtxtReadMemory(context, chars, Int32(buffer.count), nil, nil, options)
            }
        }
    }
    if document == nil || context.pointee.wellFormed == 0 {
        if let error = xmlCtxtGetLastError(context) {
            collector.messages.append(describe(error.pointee))
        } else {
            collector.messages.append("the document is not well-formed XML")
        }
        if let document { xmlFreeDoc(document) }
        return nil
    }
    return document
}
