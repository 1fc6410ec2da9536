import CLibXML2
import Crypto
import Foundation
import SLACReport

/// Why a report could not be sealed.
package enum SealError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The report already ends with an integrity element.
    case alreadySealed
    /// libxml2 could not canonicalise the document.
    case canonicalisation
    /// The bytes are not a report slac can seal.
    case unreadable(ReportReadError)
    /// The signature could not be computed.
    case signing(String)

    /// One line for the CLI's error output.
    package var description: String {
        switch self {
        case .alreadySealed: return "the report already carries an integrity element"
        case .canonicalisation: return "libxml2 could not canonicalise the report"
        case .unreadable(let error): return error.description
        case .signing(let reason): return "cannot sign the report: \(reason)"
        }
    }
}

/// The outcome of checking a report's `<integrity>` element (docs/reports.md): what was recomputed, what
/// the report claims, and whether the two agree. A value, so commands and the HTML page can show
/// the same account.
package struct IntegrityCheck: Sendable, Equatable {
    /// How the digest compared.
    package enum DigestStatus: Sendable, Equatable {
        /// The recorded digest equals the recomputed one.
        case matches
        /// The content was changed after sealing.
        case differs
        /// The report has no integrity element.
        case absent
        /// The integrity element names an algorithm slac does not know.
        case unsupported(algorithm: String)
        /// The integrity element lacks a usable `digest`.
        case incomplete
        /// The digest matches, but the report holds content it does not cover (`what`: a comment,
        /// or anything in the integrity element besides its attributes), which a reader or another
        /// tool could take for part of the report. slac writes neither.
        case uncovered(what: String)
    }

    /// How the signature checked out.
    package enum SignatureStatus: Sendable, Equatable {
        /// The report is not signed.
        case absent
        /// Valid for `publicKey`; `trusted` when that key was given by the verifier (`--public-key`)
        /// rather than only read from the report itself.
        case valid(publicKey: String, trusted: Bool)
        /// The signature does not verify with `publicKey` (altered digest, signature or key).
        case invalid(publicKey: String)
        /// The report was signed with `embedded`, not with the key the verifier trusts.
        case wrongKey(embedded: String, expected: String)
        /// The verifier gave a key, but the report is not signed.
        case missing(expected: String)
        /// Signature attributes are present but unusable; `reason` says which.
        case malformed(reason: String)
    }

    /// The SHA-256 (hex) of the exclusive canonical form without the integrity element.
    package var computedDigest: String
    /// The digest the report records, if any.
    package var recordedDigest: String?
    /// The digest comparison.
    package var digest: DigestStatus
    /// The signature check.
    package var signature: SignatureStatus

    /// Whether the report is intact and, if signed or a key was given, the signature holds.
    package var holds: Bool {
        guard digest == .matches else { return false }
        switch signature {
        case .absent, .valid: return true
        case .invalid, .wrongKey, .missing, .malformed: return false
        }
    }
}

/// Digest and signature of reports: `seal` adds the trailing `<integrity>` element, `check`
/// recomputes and compares it.
///
/// The digest is SHA-256 over the exclusive XML canonical form (C14N 1.0 exclusive, without
/// comments, libxml2 `xmlC14NDocDumpMemory`) of the report with the integrity element and the
/// whitespace-only text node right before it removed, so it is independent of the XML
/// declaration, attribute quoting and order, and empty-element syntax, but changes with any
/// value. The signature is Ed25519 over the 32 raw digest bytes.
package enum ReportIntegrity {
    /// The `algorithm` attribute value.
    package static let algorithm = "sha256-exc-c14n"
    /// The `signature-algorithm` attribute value.
    package static let signatureAlgorithm = "ed25519"

    /// Returns `xml` (a report without integrity element, e.g. from `XMLReportWriter`) with
    /// `<integrity algorithm digest [signature-algorithm public-key signature]/>` as the last
    /// child of the root. The rest of the bytes are unchanged.
    package static func seal(_ xml: [UInt8], signingKey: ReportSigningKey? = nil) throws(SealError) -> [UInt8] {
        try integrityInsertion(xml, signingKey: signingKey).sealed(xml)
    }

    /// Where the integrity element goes into `xml`: before its last `</report>`. `slac verify`
    /// writes the bytes before that point while `integrityInsertion` computes the digest.
    package static func insertionPoint(_ xml: [UInt8]) -> Int? {
        lastIndex(of: Array("</report>".utf8), in: xml)
    }

    /// The integrity element of `xml` and where it goes (`seal` without building the sealed
    /// copy): a report of several megabytes is then written in three parts, with no copy.
    package static func integrityInsertion(_ xml: [UInt8], signingKey: ReportSigningKey? = nil) throws(SealError) -> IntegrityInsertion {
        let digest: [UInt8]
        if xml.count <= SafeXML.maximumSize,
           let fast = WriterCanonicalForm.digest(xml) {
            // The writer's own output: canonical form in one pass, in parts on several cores
            // (see `WriterCanonicalForm`).
            digest = fast
        } else {
            let document: ParsedXML
            do { document = try SafeXML.parse(xml) } catch { throw .unreadable(error) }
            guard let root = document.root, root.isReport("report") else {
                throw .unreadable(.notAReport(found: document.root.map { "<\($0.name)>" } ?? "missing"))
            }
            if trailingIntegrity(of: root) != nil { throw .alreadySealed }
            guard let libxml2Digest = canonicalDigest(document) else { throw .canonicalisation }
            digest = libxml2Digest
        }
        var element = "<integrity algorithm=\"\(algorithm)\" digest=\"\(hex(digest))\""
        if let signingKey {
            let signature: Data
            do { signature = try signingKey.signature(for: Data(digest)) } catch { throw .signing("\(error)") }
            element += " signature-algorithm=\"\(signatureAlgorithm)\" public-key=\"\(signingKey.publicKey.base64)\" signature=\"\(signature.base64EncodedString())\""
        }
        element += "/>"
        guard let at = insertionPoint(xml) else { throw .unreadable(.notAReport(found: "an empty <report/>")) }
        // Keep the writer's layout: the element on its own line, indented like the others.
        let insertion = at > 0 && xml[at - 1] == UInt8(ascii: "\n") ? "  " + element + "\n" : "\n  " + element
        return IntegrityInsertion(offset: at, bytes: Array(insertion.utf8))
    }

    /// Checks a report's integrity element. `trustedKey` is the verifier's own copy of the
    /// signer's public key; without it a signature is checked against the key the report embeds,
    /// which proves only that whoever holds that key signed it.
    package static func check(_ xml: [UInt8], trustedKey: ReportPublicKey? = nil) throws(ReportReadError) -> IntegrityCheck {
        let document = try SafeXML.parseReport(xml)
        guard let result = check(document, trustedKey: trustedKey) else {
            throw .notWellFormed(message: "libxml2 could not canonicalise the report")
        }
        return result
    }

    /// Checks a parsed report; the integrity element is detached while the digest is computed
    /// and appended again afterwards (the whitespace before it is dropped). nil when libxml2
    /// cannot canonicalise the document.
    static func check(_ document: ParsedXML, trustedKey: ReportPublicKey?) -> IntegrityCheck? {
        guard let root = document.root else { return nil }
        let integrity = trailingIntegrity(of: root)
        if let integrity {
            if let previous = integrity.pointer.pointee.prev, previous.pointee.type == XML_TEXT_NODE,
               xmlIsBlankNode(previous) != 0 {
                xmlUnlinkNode(previous)
                xmlFreeNode(previous)
            }
            xmlUnlinkNode(integrity.pointer)
        }
        let digest = canonicalDigest(document)
        if let integrity { xmlAddChild(root.pointer, integrity.pointer) }
        guard let digest else { return nil }
        let computed = hex(digest)
        let namesSigner = root.attribute("signer") != nil
        guard let integrity else {
            return IntegrityCheck(computedDigest: computed, recordedDigest: nil, digest: .absent,
                                  signature: trustedKey.map { .missing(expected: $0.base64) } ?? (namesSigner ? .malformed(reason: signerWithoutSignature) : .absent))
        }
        let recorded = integrity.attribute("digest")
        let digestStatus: IntegrityCheck.DigestStatus
        let declared = integrity.attribute("algorithm") ?? ""
        if declared != algorithm {
            digestStatus = .unsupported(algorithm: declared)
        } else if let recorded, recorded.count == 64, recorded.allSatisfy(\.isHexDigit) {
            if recorded.lowercased() != computed {
                digestStatus = .differs
            } else if let what = uncoveredContent(document, integrity: integrity) {
                digestStatus = .uncovered(what: what)
            } else {
                digestStatus = .matches
            }
        } else {
            digestStatus = .incomplete
        }
        return IntegrityCheck(computedDigest: computed, recordedDigest: recorded, digest: digestStatus,
                              signature: signatureStatus(integrity, recordedDigest: recorded, trustedKey: trustedKey, namesSigner: namesSigner))
    }

    /// slac records a signer (`--signer`) only beside a signature; a report that names one without
    /// a signature had it stripped (or the name added), and still read "names `Alice` as its signer".
    static let signerWithoutSignature = "the report names a signer but carries no signature (slac records a signer only with a signature: the signature was removed or the name added)"

    /// Checks the signature over the digest the report records (so a signature that holds over a
    /// digest that no longer matches the content shows the content was changed after signing).
    private static func signatureStatus(_ integrity: ElementView, recordedDigest: String?, trustedKey: ReportPublicKey?,
                                        namesSigner: Bool) -> IntegrityCheck.SignatureStatus {
        let signatureText = integrity.attribute("signature")
        let keyText = integrity.attribute("public-key")
        let declared = integrity.attribute("signature-algorithm")
        if signatureText == nil && keyText == nil && declared == nil {
            return trustedKey.map { .missing(expected: $0.base64) } ?? (namesSigner ? .malformed(reason: signerWithoutSignature) : .absent)
        }
        guard declared == signatureAlgorithm else {
            return .malformed(reason: "unknown signature algorithm `\(declared ?? "")`")
        }
        guard let keyText, let embedded = ReportPublicKey(base64: keyText) else {
            return .malformed(reason: "the embedded public key is missing or not a base64 Ed25519 key")
        }
        guard let signatureText, let signature = Data(base64Encoded: signatureText), signature.count == 64 else {
            return .malformed(reason: "the signature is missing or not 64 bytes of base64")
        }
        guard let recordedDigest, let digest = bytes(hex: recordedDigest), digest.count == 32 else {
            return .malformed(reason: "there is no digest to check the signature against")
        }
        if let trustedKey, trustedKey != embedded {
            return .wrongKey(embedded: embedded.base64, expected: trustedKey.base64)
        }
        let key = trustedKey ?? embedded
        return key.isValidSignature(signature, for: Data(digest))
            ? .valid(publicKey: key.base64, trusted: trustedKey != nil)
            : .invalid(publicKey: key.base64)
    }

    /// The attributes slac writes on the integrity element.
    static let integrityAttributes: Set<String> = ["algorithm", "digest", "signature-algorithm", "public-key", "signature"]

    /// Content of a report that its digest leaves out and slac never writes, described for the
    /// verifier; nil when there is none. The exclusive canonical form drops comments, and the
    /// integrity element is not digested, so both could carry unsigned text or forged elements
    /// (`<clause ref="4.1" verdict="compliant"/>` inside `<integrity>`) past a valid signature.
    static func uncoveredContent(_ document: ParsedXML, integrity: ElementView) -> String? {
        if integrity.pointer.pointee.children != nil {
            return "content inside the integrity element"
        }
        var attribute = integrity.pointer.pointee.properties
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            if current.pointee.ns != nil || !integrityAttributes.contains(name) {
                return "an attribute `\(name)` on the integrity element"
            }
            attribute = current.pointee.next
        }
        // Comments anywhere, before or after the root too (an explicit stack: reports nest a few
        // levels, but a hostile one may nest deeply).
        var stack: [xmlNodePtr] = []
        var node = document.pointer.pointee.children
        while let current = node {
            stack.append(current)
            node = current.pointee.next
        }
        while let current = stack.popLast() {
            if current.pointee.type == XML_COMMENT_NODE { return "a comment" }
            guard current.pointee.type == XML_ELEMENT_NODE else { continue }
            var child = current.pointee.children
            while let c = child {
                stack.append(c)
                child = c.pointee.next
            }
        }
        return nil
    }

    /// The report's trailing `<integrity>` element, if its last element child is one.
    static func trailingIntegrity(of root: ElementView) -> ElementView? {
        var node = root.pointer.pointee.last
        while let current = node, current.pointee.type != XML_ELEMENT_NODE { node = current.pointee.prev }
        guard let node else { return nil }
        let element = ElementView(pointer: node)
        return element.isReport("integrity") ? element : nil
    }

    /// SHA-256 of the document's exclusive canonical form, by libxml2.
    static func canonicalDigest(_ document: ParsedXML) -> [UInt8]? {
        var output: UnsafeMutablePointer<xmlChar>?
        let length = xmlC14NDocDumpMemory(document.pointer, nil, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, &output)
        guard length >= 0, let output else { return nil }
        defer { slac_xmlFree(output) }
        return Array(SHA256.hash(data: UnsafeRawBufferPointer(start: output, count: Int(length))))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.count - needle.count
        while index >= 0 {
            if haystack[index] == needle[0] && Array(haystack[index..<index + needle.count]) == needle { return index }
            index -= 1
        }
        return nil
    }
}

/// The integrity element of a report and the offset it goes in at: the sealed report is the
/// report's bytes before `offset`, then `bytes`, then the rest.
package struct IntegrityInsertion: Sendable, Equatable {
    package let offset: Int
    package let bytes: [UInt8]

    /// The sealed report as one array (`ReportIntegrity.seal`).
    package func sealed(_ xml: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(xml.count + bytes.count)
        out.append(contentsOf: xml[..<offset])
        out.append(contentsOf: bytes)
        out.append(contentsOf: xml[offset...])
        return out
    }
}
