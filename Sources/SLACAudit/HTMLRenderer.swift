import CLibXML2
import CLibXSLT
import Foundation
import SLACReport
import SLACSchemas

/// Why a report could not be rendered.
package enum RenderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The report is not readable (malformed, too large, not a report, invalid).
    case unreadable(ReportReadError)
    /// The stylesheet did not compile; `messages` are libxslt's.
    case stylesheet(messages: [String])
    /// The transformation failed; `messages` are libxslt's.
    case transform(messages: [String])
    /// A libxml2 call failed (allocation); `operation` names it.
    case libxml2(operation: String)

    /// One line for the CLI's error output.
    package var description: String {
        switch self {
        case .unreadable(let error): return error.description
        case .stylesheet(let messages): return "the HTML stylesheet does not compile: " + messages.joined(separator: "; ")
        case .transform(let messages): return "rendering the report failed: " + (messages.isEmpty ? "unknown libxslt error" : messages.joined(separator: "; "))
        case .libxml2(let operation): return "libxml2 failed while rendering (\(operation))"
        }
    }
}

/// Renders a report (docs/reports.md) as one self-contained HTML page through libxslt and the bundled
/// stylesheet (`Schemas/slac-report-html.xsl`). The report is untrusted: it is read with `SafeXML`, checked against
/// the report schema, its integrity checked, annotated with pre-computed chart data in a
/// transient copy, then transformed with every libxslt file and network access forbidden.
package enum HTMLReportRenderer {
    /// The HTML page for `xml`, a report as written by `slac verify`, and the integrity check the
    /// page shows (so commands can warn about a report that was changed after sealing).
    package static func render(_ xml: [UInt8]) throws(RenderError) -> RenderedReport {
        try render(xml, stylesheet: bundledStylesheet.get())
    }

    /// Renders with a given compiled stylesheet (the tests use their own to probe the sandbox).
    static func render(_ xml: [UInt8], stylesheet: CompiledStylesheet) throws(RenderError) -> RenderedReport {
        let document: ParsedXML
        do { document = try SafeXML.parseReport(xml) } catch { throw .unreadable(error) }
        let integrity = ReportIntegrity.check(document, trustedKey: nil)
        do { try RenderAnnotation.annotate(document, integrity: integrity) } catch let error as RenderError { throw error } catch {
            throw .libxml2(operation: "annotate")
        }
        return RenderedReport(html: try stylesheet.transform(document), integrity: integrity)
    }

    /// The bundled stylesheet, parsed safely and compiled once per process.
    static let bundledStylesheet: Result<CompiledStylesheet, RenderError> = Result { () throws(RenderError) in
        try CompiledStylesheet(BundledFiles.reportStylesheet)
    }
}

/// A rendered page and the integrity check made while rendering it.
package struct RenderedReport: Sendable {
    /// The UTF-8 HTML page.
    package var html: [UInt8]
    /// The digest and signature check (against the embedded key only); nil if libxml2 could
    /// not canonicalise the report.
    package var integrity: IntegrityCheck?
}

/// libxslt has process-wide state (the generic error handler, the security defaults), so every
/// compilation and transformation in slac runs under this lock.
private let libxsltLock = NSLock()

/// Runs `body` holding `libxsltLock` (typed throws pass through, unlike `NSLock.withLock`).
private func locked<T>(_ body: () throws(RenderError) -> T) throws(RenderError) -> T {
    libxsltLock.lock()
    defer { libxsltLock.unlock() }
    return try body()
}

/// Runs `body` with libxslt's and libxml2's generic errors routed into a fresh buffer.
private func collectingMessages<T>(_ body: (UnsafeMutablePointer<slac_xml_error_target>) throws(RenderError) -> T) throws(RenderError) -> (T, MessageBuffer) {
    let buffer = MessageBuffer()
    let result: T = try withExtendedLifetime(buffer) { () throws(RenderError) -> T in
        var target = slac_xml_error_target(sink: appendMessage, user: Unmanaged.passUnretained(buffer).toOpaque())
        return try withUnsafeMutablePointer(to: &target) { (pointer) throws(RenderError) -> T in
            slac_xslt_set_generic_error_target(pointer)
            slac_xml_set_generic_error_target(pointer)
            defer {
                slac_xslt_set_generic_error_target(nil)
                slac_xml_set_generic_error_target(nil)
            }
            return try body(pointer)
        }
    }
    return (result, buffer)
}

/// A compiled stylesheet with its security preferences. Only used under `libxsltLock`.
final class CompiledStylesheet: @unchecked Sendable {
    private let stylesheet: xsltStylesheetPtr
    private let security: xsltSecurityPrefsPtr

    /// Parses `bytes` with `SafeXML` (never `xsltParseStylesheetFile`, which would read with
    /// libxslt's own options) and compiles it with `xsltParseStylesheetDoc`.
    init(_ bytes: [UInt8]) throws(RenderError) {
        let document: ParsedXML
        do { document = try SafeXML.parse(bytes) } catch { throw .stylesheet(messages: [error.description]) }
        guard let security = xsltNewSecurityPrefs() else { throw .libxml2(operation: "xsltNewSecurityPrefs") }
        // No file or network access of any kind from a transformation: `document()`,
        // `xsl:include`, `xsl:import` and extension elements that write are all refused.
        for option in [XSLT_SECPREF_READ_FILE, XSLT_SECPREF_WRITE_FILE, XSLT_SECPREF_CREATE_DIRECTORY,
                       XSLT_SECPREF_READ_NETWORK, XSLT_SECPREF_WRITE_NETWORK] {
            xsltSetSecurityPrefs(security, option, xsltSecurityForbid)
        }
        let (compiled, buffer): (xsltStylesheetPtr?, MessageBuffer) = try locked { () throws(RenderError) in
            try collectingMessages { _ throws(RenderError) in
                // On success the stylesheet owns the document and frees it with itself.
                let pointer = xsltParseStylesheetDoc(document.pointer)
                if pointer != nil { document.releaseOwnership() }
                return pointer
            }
        }
        guard let compiled, compiled.pointee.errors == 0 else {
            if let compiled { xsltFreeStylesheet(compiled) }
            xsltFreeSecurityPrefs(security)
            throw .stylesheet(messages: buffer.messages.isEmpty ? ["unknown error"] : buffer.messages)
        }
        stylesheet = compiled
        self.security = security
    }

    deinit {
        xsltFreeStylesheet(stylesheet)
        xsltFreeSecurityPrefs(security)
    }

    /// Applies the stylesheet to `document` and serialises the result with the stylesheet's
    /// `xsl:output` settings.
    func transform(_ document: ParsedXML) throws(RenderError) -> [UInt8] {
        try locked { () throws(RenderError) in
            let (output, buffer): ([UInt8]?, MessageBuffer) = try collectingMessages { target throws(RenderError) in
                guard let context = xsltNewTransformContext(stylesheet, document.pointer) else {
                    throw RenderError.libxml2(operation: "xsltNewTransformContext")
                }
                defer { xsltFreeTransformContext(context) }
                guard xsltSetCtxtSecurityPrefs(security, context) == 0 else {
                    throw RenderError.libxml2(operation: "xsltSetCtxtSecurityPrefs")
                }
                slac_xslt_set_transform_error_target(context, target)
                let result = xsltApplyStylesheetUser(stylesheet, document.pointer, nil, nil, nil, context)
                defer { if let result { xmlFreeDoc(result) } }
                guard let result, context.pointee.state == XSLT_STATE_OK else { return nil }
                var text: UnsafeMutablePointer<xmlChar>?
                var length: Int32 = 0
                guard xsltSaveResultToString(&text, &length, result, stylesheet) == 0 else { return nil }
                guard let text else { return [] }
                defer { slac_xmlFree(text) }
                return Array(UnsafeBufferPointer(start: text, count: Int(length)))
            }
            guard let output else { throw RenderError.transform(messages: buffer.messages) }
            return output
        }
    }
}
