import CLibXML2
import Foundation
@testable import SLACAudit
import SLACReport
import SLACTestSupport
import Testing

@Suite("Reading untrusted reports")
struct SafetyTests {
    static let billionLaughs = """
    <?xml version="1.0"?>
    <!DOCTYPE report [
      <!ENTITY lol "lol">
      <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
      <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
      <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
      <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
      <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
      <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
      <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
      <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
      <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
    ]>
    <report xmlns="urn:slac:report:1" tool-version="&lol9;" verdict="compliant"><contract name="&lol9;" sha256="\(String(repeating: "0", count: 64))"/></report>
    """

    /// A file whose content must never appear anywhere.
    static func secretFile() throws -> (TempDir, String) {
        let dir = TempDir()
        let path = dir.path("secret.txt")
        try "TOP-SECRET-CONTENT".write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    static func xxe(_ systemID: String) -> String {
        """
        <?xml version="1.0"?>
        <!DOCTYPE report [<!ENTITY x SYSTEM "\(systemID)">]>
        <report xmlns="urn:slac:report:1" tool-version="&x;" verdict="compliant"><contract name="&x;" sha256="\(String(repeating: "0", count: 64))"/></report>
        """
    }

    @Test("billion laughs is refused at once, by every entry point")
    func billionLaughs() throws {
        let bytes = Array(Self.billionLaughs.utf8)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: ReportReadError.documentType) { try SafeXML.parse(bytes) }
            #expect(throws: RenderError.unreadable(.documentType)) { try HTMLReportRenderer.render(bytes) }
            #expect(throws: ReportReadError.documentType) { try ReportIntegrity.check(bytes) }
            #expect(throws: SealError.unreadable(.documentType)) { try ReportIntegrity.seal(bytes) }
        }
        #expect(elapsed < .seconds(5))
    }

    @Test("external entities (file and network) load nothing", arguments: ["file", "http", "ftp", "dtd"])
    func externalEntities(_ kind: String) throws {
        let (dir, secret) = try Self.secretFile()
        defer { withExtendedLifetime(dir) {} }
        let document: String
        switch kind {
        case "file": document = Self.xxe("file://" + secret)
        case "http": document = Self.xxe("http://127.0.0.1:9/secret")
        case "ftp": document = Self.xxe("ftp://127.0.0.1:9/secret")
        default: document = "<!DOCTYPE report SYSTEM \"file://\(secret)\"><report xmlns=\"urn:slac:report:1\"/>"
        }
        let bytes = Array(document.utf8)
        #expect(throws: ReportReadError.documentType) { try SafeXML.parse(bytes) }
        do {
            let rendered = try HTMLReportRenderer.render(bytes)
            Issue.record("rendered: \(text(rendered.html).prefix(200))")
        } catch {
            #expect(!"\(error)".contains("TOP-SECRET"))
        }
    }

    @Test("the refusing entity loader holds even for a careless caller that asks libxml2 to load")
    func refusingLoader() throws {
        let (dir, secret) = try Self.secretFile()
        defer { withExtendedLifetime(dir) {} }
        _ = SafeXML.refusingLoaderInstalled
        let bytes = Array(Self.xxe("file://" + secret).utf8)
        // NOENT | DTDLOAD: substitute entities and load external DTDs, the unsafe options.
        let options = Int32(XML_PARSE_NOENT.rawValue | XML_PARSE_DTDLOAD.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { xmlReadMemory($0, Int32(buffer.count), nil, nil, options) }
            }
        }
        defer { if let document { xmlFreeDoc(document) } }
        if let document, let root = xmlDocGetRootElement(document), let value = xmlGetProp(root, "tool-version") {
            defer { slac_xmlFree(value) }
            #expect(!String(cString: value).contains("TOP-SECRET"))
        }
    }

    @Test("inputs above the size limit are refused before parsing")
    func sizeLimit() throws {
        let dir = TempDir()
        let path = dir.path("big.xml")
        let bytes = [UInt8](repeating: UInt8(ascii: " "), count: 4096)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: ReportReadError.tooLarge(size: 4096, limit: 1024)) { try SafeXML.readFile(path: path, limit: 1024) }
        #expect(throws: ReportReadError.tooLarge(size: 4096, limit: 1024)) { try SafeXML.parse(bytes, limit: 1024) }
        #expect(ReportReadError.tooLarge(size: 300 << 20, limit: SafeXML.maximumSize).description.contains("256 MiB"))
        #expect(throws: ReportReadError.unreadable(path: dir.path("none.xml"), reason: "no such file")) {
            try SafeXML.readFile(path: dir.path("none.xml"))
        }
    }

    static let garbageInputs: [String: String] = [
        "deep nesting": String(repeating: "<a>", count: 100_000),
        "control bytes": "\u{0}\u{1}\u{2}",
        "non-character": "<report xmlns=\"urn:slac:report:1\">\u{FFFE}</report>",
        "unknown encoding": "<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?><report/>",
        "xinclude": "<report xmlns=\"urn:slac:report:1\"><xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\"/></report>",
        "empty": "",
    ]

    @Test("deeply nested and garbage input give errors, not crashes", arguments: garbageInputs.keys.sorted())
    func garbage(_ name: String) {
        let input = Self.garbageInputs[name] ?? ""
        #expect(throws: RenderError.self) { try HTMLReportRenderer.render(Array(input.utf8)) }
    }

    @Test("the stylesheet sandbox forbids reading files and the network from XSLT")
    func stylesheetSandbox() throws {
        let (dir, secret) = try Self.secretFile()
        defer { withExtendedLifetime(dir) {} }
        for source in ["file://" + secret, secret, "http://127.0.0.1:9/x.xml"] {
            let xsl = """
            <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
              <xsl:output method="text"/>
              <xsl:template match="/">[<xsl:value-of select="document('\(source)')"/>]</xsl:template>
            </xsl:stylesheet>
            """
            let stylesheet = try CompiledStylesheet(Array(xsl.utf8))
            let report = try sampleReport(windows: .none)
            if let error = renderError(report, stylesheet: stylesheet) {
                #expect(!error.description.contains("TOP-SECRET"))
            } else {
                let rendered = try HTMLReportRenderer.render(report, stylesheet: stylesheet)
                #expect(!text(rendered.html).contains("TOP-SECRET"))
            }
        }
        // Writing a file from a stylesheet (EXSLT/libxslt document extension) is refused too.
        let target = dir.path("written.txt")
        let writer = """
        <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:exsl="http://exslt.org/common" extension-element-prefixes="exsl">
          <xsl:template match="/"><exsl:document href="\(target)" method="text">owned</exsl:document><out/></xsl:template>
        </xsl:stylesheet>
        """
        if let stylesheet = try? CompiledStylesheet(Array(writer.utf8)) {
            _ = try? HTMLReportRenderer.render(try sampleReport(windows: .none), stylesheet: stylesheet)
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("stylesheet errors are collected through the vsnprintf shim, not printed")
    func stylesheetErrors() {
        let broken = Array("""
            <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
              <xsl:template match="/"><xsl:value-of select="1 +"/></xsl:template>
            </xsl:stylesheet>
            """.utf8)
        var compileError: RenderError?
        do { _ = try CompiledStylesheet(broken) } catch { compileError = error }
        guard case .stylesheet(let messages)? = compileError else {
            Issue.record("a broken stylesheet compiled or gave another error: \(String(describing: compileError))")
            return
        }
        #expect(!messages.isEmpty)
        #expect(messages.joined(separator: " ").contains("could not compile select expression '1 +'"), "\(messages)")
        let xsl = """
            <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
              <xsl:template match="/"><xsl:message terminate="yes">stop <xsl:value-of select="name(*)"/></xsl:message></xsl:template>
            </xsl:stylesheet>
            """
        guard let stylesheet = try? CompiledStylesheet(Array(xsl.utf8)), let report = try? sampleReport(windows: .none) else {
            Issue.record("the terminating stylesheet did not compile")
            return
        }
        guard case .transform(let transformMessages)? = renderError(report, stylesheet: stylesheet) else {
            Issue.record("a terminating stylesheet produced output")
            return
        }
        #expect(transformMessages.contains { $0.contains("stop report") }, "\(transformMessages)")
    }
}
