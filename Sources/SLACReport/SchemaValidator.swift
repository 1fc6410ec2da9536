import SLACSchemas

/// Why a schema could not be loaded.
package enum SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The XSD bytes are not a usable schema; `messages` are libxml2's, with line numbers.
    case invalidSchema(messages: [String])

    /// One line for the CLI's error output, with every libxml2 message.
    package var description: String {
        switch self {
        case .invalidSchema(let messages):
            return "invalid XML schema: " + (messages.isEmpty ? "unknown error" : messages.joined(separator: "; "))
        }
    }
}

/// Validates report documents against an XSD (normally the bundled report schema), so tests,
/// `slac verify-report` and auditors' tooling agree on what a well-formed report is.
///
/// Documents are read with `SafeXML.parse` (no network, no entities, no `<!DOCTYPE>`, size cap;
/// docs/fuzzing.md), and libxml2's messages are collected instead of being printed to stderr.
package struct SchemaValidator {
    private let schema: CompiledSchema

    /// The report schema shipped with slac (`Schemas/slac-report-1.xsd`), embedded in the
    /// binary so that the CLI needs no resource bundle.
    package static var bundledSchema: [UInt8] { BundledFiles.reportSchema }

    /// A validator for the bundled report schema.
    package static func bundled() throws -> SchemaValidator {
        try SchemaValidator(xsdBytes: bundledSchema)
    }

    /// Compiles the schema once; `validate` can then be called any number of times.
    package init(xsdBytes: [UInt8]) throws {
        schema = try CompiledSchema(xsdBytes)
    }

    /// Error messages (`line N: message`), empty when the document is well-formed and valid.
    package func validate(_ xml: [UInt8]) -> [String] {
        let document: ParsedXML
        do { document = try SafeXML.parse(xml) } catch {
            switch error {
            case .notWellFormed(let message): return [message]
            default: return [error.description]
            }
        }
        return schema.validate(document)
    }
}
