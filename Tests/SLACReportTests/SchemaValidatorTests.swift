import Foundation
@testable import SLACReport
import Testing

@Suite struct SchemaValidatorTests {
    let schemaFile = packageRoot.appendingPathComponent("Schemas/slac-report-1.xsd")

    /// SwiftPM embeds the file at build time (`.embedInCode`): the bytes the CLI validates with are the file's.
    @Test func embeddedSchemaIsTheShippedFile() throws {
        #expect(SchemaValidator.bundledSchema == (try readBytes(schemaFile)))
    }

    @Test func shippedSchemaCompiles() throws {
        _ = try SchemaValidator(xsdBytes: try readBytes(schemaFile))
    }

    @Test func wrongVerdictIsReported() throws {
        let validator = try SchemaValidator.bundled()
        let valid = String(decoding: try XMLReportWriter().write(breachedResult()), as: UTF8.self)
        let invalid = valid.replacingOccurrences(of: "<report xmlns=\"urn:slac:report:1\" tool-version=\"0.1.0\" verdict=\"breached\"",
                                                 with: "<report xmlns=\"urn:slac:report:1\" tool-version=\"0.1.0\" verdict=\"failed\"")
        #expect(invalid != valid)
        let errors = validator.validate(Array(invalid.utf8))
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("line 2: ") == true)
        #expect(errors.first?.contains("verdict") == true)
    }

    @Test(arguments: [
        ("window verdict", "verdict=\"met\"", "verdict=\"ok\""),
        ("count", "count=\"300\"", "count=\"-1\""),
        ("instant", "start=\"2026-03-01T00:00:00Z\"", "start=\"2026-03-01 00:00\""),
        ("attainment above 1", "attainment=\"1\"", "attainment=\"1.5\""),
        ("missing attribute", " windows-met=\"2\"", ""),
        ("unknown element", "<requirement>", "<bogus/><requirement>"),
    ])
    func coreStructureIsStrict(label: String, valid: String, invalid: String) throws {
        let validator = try SchemaValidator.bundled()
        let text = String(decoding: try XMLReportWriter(windows: .all).write(breachedResult()), as: UTF8.self)
        let broken = text.replacingOccurrences(of: valid, with: invalid)
        #expect(broken != text, "\(label): pattern not found")
        #expect(!validator.validate(Array(broken.utf8)).isEmpty, "\(label) accepted")
    }

    @Test func extraAttributesAndTrailingIntegrityAreAllowed() throws {
        let validator = try SchemaValidator.bundled()
        let text = String(decoding: try XMLReportWriter(windows: .all).write(breachedResult()), as: UTF8.self)
        let extended = text
            .replacingOccurrences(of: "<window ", with: "<window chart-max=\"1\" ")
            .replacingOccurrences(of: "</report>", with: """
                <integrity algorithm="sha256"><digest>abc</digest><signature xmlns="http://www.w3.org/2000/09/xmldsig#">x</signature></integrity>
                </report>
                """)
        #expect(validator.validate(Array(extended.utf8)) == [])
        let twice = text.replacingOccurrences(of: "</report>", with: "<integrity/><integrity/></report>")
        #expect(!validator.validate(Array(twice.utf8)).isEmpty)
    }

    @Test func malformedDocumentsGiveMessagesNotCrashes() throws {
        let validator = try SchemaValidator.bundled()
        #expect(validator.validate([]).count == 1)
        #expect(validator.validate(Array("<report xmlns=\"urn:slac:report:1\"".utf8)).count == 1)
        #expect(validator.validate(Array("<other/>".utf8)).count == 1)
        // External entities are neither substituted nor fetched.
        let entity = """
            <?xml version="1.0"?>
            <!DOCTYPE report [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <report xmlns="urn:slac:report:1" tool-version="&x;" verdict="compliant"><contract name="n" sha256="\(hexDigest)"/></report>
            """
        let errors = validator.validate(Array(entity.utf8))
        #expect(!errors.contains { $0.contains("root:") })
    }

    @Test func invalidSchemasThrow() {
        #expect(throws: SchemaError.self) { try SchemaValidator(xsdBytes: Array("not xml".utf8)) }
        #expect(throws: SchemaError.self) {
            try SchemaValidator(xsdBytes: Array("""
                <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="nope"/></xs:schema>
                """.utf8))
        }
    }
}
