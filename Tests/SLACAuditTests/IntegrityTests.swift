import Crypto
import Foundation
@testable import SLACAudit
import SLACReport
import SLACTool
import SLACTestSupport
import Testing

@Suite("Integrity: digest, signature, keys")
struct IntegrityTests {
    /// The sample report, sealed and signed with a fresh key.
    func signed() throws -> (xml: String, key: ReportSigningKey) {
        let key = ReportSigningKey()
        return (text(try sampleReport(signingKey: key)), key)
    }

    @Test("slac verify seals its report; the digest is SHA-256 of the exclusive C14N without <integrity>")
    func sealedByVerify() throws {
        let xml = text(try sampleReport())
        let line = try #require(xml.components(separatedBy: "\n").first { $0.contains("<integrity ") })
        #expect(line.hasPrefix("  <integrity algorithm=\"sha256-exc-c14n\" digest=\""))
        #expect(xml.hasSuffix("/>\n</report>\n"))
        // Valid against the shipped schema, integrity included.
        #expect(try SchemaValidator.bundled().validate(Array(xml.utf8)).isEmpty)
        let check = try ReportIntegrity.check(Array(xml.utf8))
        #expect(check.digest == .matches && check.signature == .absent && check.holds)
        // Independently: the digest of the canonical form of the unsealed bytes.
        let document = try SafeXML.parse(Array(unsealed(xml).utf8))
        let digest = try #require(ReportIntegrity.canonicalDigest(document))
        #expect(line.contains("digest=\"\(ReportIntegrity.hex(digest))\""))
        #expect(check.computedDigest == ReportIntegrity.hex(digest))
    }

    @Test("the digest ignores serialisation details that C14N removes")
    func canonicalFormIgnoresSyntax() throws {
        let xml = text(try sampleReport())
        let restyled = xml.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: "")
            .replacingOccurrences(of: "<key field=\"tenant\" value=\"acme\"/>", with: "<key value='acme' field='tenant'></key>")
        #expect(restyled != xml)
        #expect(try ReportIntegrity.check(Array(restyled.utf8)).holds)
    }

    @Test("a signed report verifies: the signature is checked with Ed25519, not compared")
    func signatureVerifies() throws {
        let (xml, key) = try signed()
        let check = try ReportIntegrity.check(Array(xml.utf8), trustedKey: key.publicKey)
        #expect(check.holds)
        #expect(check.signature == .valid(publicKey: key.publicKey.base64, trusted: true))
        // Without a trusted key: valid, but flagged as checked against the embedded key only.
        #expect(try ReportIntegrity.check(Array(xml.utf8)).signature == .valid(publicKey: key.publicKey.base64, trusted: false))
        // Verify the embedded signature independently with swift-crypto.
        let attributes = try #require(xml.components(separatedBy: "\n").first { $0.contains("<integrity ") })
        func attribute(_ name: String) throws -> String {
            let start = try #require(attributes.range(of: " \(name)=\""))
            let end = try #require(attributes.range(of: "\"", range: start.upperBound..<attributes.endIndex))
            return String(attributes[start.upperBound..<end.lowerBound])
        }
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: try attribute("public-key"))))
        let signature = try #require(Data(base64Encoded: try attribute("signature")))
        let digest = try #require(ReportIntegrity.bytes(hex: try attribute("digest")))
        #expect(publicKey.isValidSignature(signature, for: Data(digest)))
        // Ed25519 is deterministic, but the check never relies on bytes: a second signature of the
        // same digest verifies too.
        #expect(publicKey.isValidSignature(try key.signature(for: Data(digest)), for: Data(digest)))
    }

    /// Tampering that must be detected: (label, edit).
    static let tampering: [(String, @Sendable (String) -> String)] = [
        ("an observed value", { $0.replacingOccurrences(of: "observed=\"2119.5\"", with: "observed=\"799.5\"") }),
        ("a verdict attribute", { $0.replacingOccurrences(of: "verdict=\"breached\" windows-met=\"70\"", with: "verdict=\"compliant\" windows-met=\"70\"") }),
        ("a credit amount", { $0.replacingOccurrences(of: "amount=\"30000.00\"", with: "amount=\"0.00\"") }),
        ("a dropped window", { xml in
            guard let start = xml.range(of: "    <window "), let end = xml.range(of: "    </window>\n", range: start.upperBound..<xml.endIndex) else { return xml }
            return String(xml[..<start.lowerBound]) + String(xml[end.upperBound...])
        }),
        ("the legal text", { $0.replacingOccurrences(of: "shall not exceed 800 milliseconds", with: "shall not exceed 900 milliseconds") }),
        ("the trace digest", { xml in
            guard let range = xml.range(of: "sha256=\"10a6") else { return xml }
            return xml.replacingCharacters(in: range, with: "sha256=\"20a6")
        }),
    ]

    @Test("editing the content is detected (digest), signed or not", arguments: 0..<tampering.count)
    func tamperedContent(_ index: Int) throws {
        let (label, edit) = Self.tampering[index]
        for signedReport in [false, true] {
            let (original, key) = signedReport ? try signed() : (text(try sampleReport()), ReportSigningKey())
            let altered = edit(original)
            #expect(altered != original, "the edit of \(label) changed nothing")
            let check = try ReportIntegrity.check(Array(altered.utf8), trustedKey: signedReport ? key.publicKey : nil)
            #expect(check.digest == .differs, "\(label)")
            #expect(!check.holds, "\(label)")
            if signedReport {
                // The signature still covers the recorded digest; the content no longer does.
                #expect(check.signature == .valid(publicKey: key.publicKey.base64, trusted: true))
            }
        }
    }

    /// What the digest does not cover: the audit's forged "CORRECTION" comment and a forged clause
    /// inside `<integrity>` passed `verify-report --public-key --require-signature` with exit 0.
    @Test("a comment, or anything inside <integrity>, fails a report whose digest and signature match")
    func uncoveredContentFails() throws {
        let (xml, key) = try signed()
        let edits: [(String, String, String)] = [
            ("a comment", "<clause ", "<!-- CORRECTION by the auditor: clause 4.1 is compliant --><clause "),
            ("a comment", "</report>\n", "</report><!-- appended -->\n"),
            ("content inside the integrity element", "\"/>\n</report>", "\"><clause xmlns=\"urn:slac:report:1\" ref=\"4.1\" verdict=\"compliant\"/></integrity>\n</report>"),
            ("content inside the integrity element", "\"/>\n</report>", "\">void</integrity>\n</report>"),
            ("an attribute `note` on the integrity element", "<integrity ", "<integrity note=\"4.1 is compliant\" "),
        ]
        for (what, target, replacement) in edits {
            let range = try #require(xml.range(of: target))
            let altered = xml.replacingCharacters(in: range, with: replacement)
            let check = try ReportIntegrity.check(Array(altered.utf8), trustedKey: key.publicKey)
            #expect(check.digest == .uncovered(what: what), "\(replacement)")
            #expect(check.signature == .valid(publicKey: key.publicKey.base64, trusted: true))
            #expect(!check.holds)
        }
        #expect(try ReportIntegrity.check(Array(xml.utf8), trustedKey: key.publicKey).holds)
    }

    @Test("re-sealing altered content with the digest updated is caught by the signature")
    func digestUpdatedWithoutKey() throws {
        let (xml, key) = try signed()
        let altered = unsealed(xml).replacingOccurrences(of: "observed=\"2119.5\"", with: "observed=\"799.5\"")
        let forgedDigest = ReportIntegrity.hex(try #require(ReportIntegrity.canonicalDigest(try SafeXML.parse(Array(altered.utf8)))))
        let originalDigest = try #require(xml.range(of: "digest=\"")).upperBound
        let recorded = String(xml[originalDigest...].prefix(64))
        let forged = xml.replacingOccurrences(of: "observed=\"2119.5\"", with: "observed=\"799.5\"")
            .replacingOccurrences(of: recorded, with: forgedDigest)
        let check = try ReportIntegrity.check(Array(forged.utf8), trustedKey: key.publicKey)
        #expect(check.digest == .matches)
        #expect(check.signature == .invalid(publicKey: key.publicKey.base64))
        #expect(!check.holds)
    }

    @Test("swapping the embedded key, or re-signing with another key, is detected")
    func swappedKey() throws {
        let (xml, key) = try signed()
        let other = ReportSigningKey()
        // The key replaced, signature kept: the signature no longer verifies.
        let swapped = xml.replacingOccurrences(of: key.publicKey.base64, with: other.publicKey.base64)
        #expect(try ReportIntegrity.check(Array(swapped.utf8)).signature == .invalid(publicKey: other.publicKey.base64))
        // Re-signed by someone else: consistent in itself, but not the key the auditor trusts.
        let resigned = try ReportIntegrity.seal(Array(unsealed(xml).utf8), signingKey: other)
        #expect(try ReportIntegrity.check(resigned).holds)  // only the embedded key: not independently trusted
        let check = try ReportIntegrity.check(resigned, trustedKey: key.publicKey)
        #expect(check.signature == .wrongKey(embedded: other.publicKey.base64, expected: key.publicKey.base64))
        #expect(!check.holds)
    }

    @Test("changing the signature is detected")
    func changedSignature() throws {
        let (xml, key) = try signed()
        let start = try #require(xml.range(of: "signature=\"")).upperBound
        let first = xml[start]
        let altered = xml.replacingCharacters(in: start...start, with: first == "A" ? "B" : "A")
        let check = try ReportIntegrity.check(Array(altered.utf8), trustedKey: key.publicKey)
        #expect(check.signature == .invalid(publicKey: key.publicKey.base64))
        let removed = xml.replacingOccurrences(of: " signature=\"", with: " signature-gone=\"")
        #expect(try ReportIntegrity.check(Array(removed.utf8)).signature == .malformed(reason: "the signature is missing or not 64 bytes of base64"))
        // An unsigned report when the auditor expects a signature.
        let unsigned = try ReportIntegrity.check(try sampleReport(), trustedKey: key.publicKey)
        #expect(unsigned.signature == .missing(expected: key.publicKey.base64) && !unsigned.holds)
    }

    @Test("a report cannot be sealed twice")
    func sealTwice() throws {
        #expect(throws: SealError.alreadySealed) { try ReportIntegrity.seal(try sampleReport()) }
    }

    @Test("keygen writes a 0600 private key and a public key that sign and verify")
    func keygenRoundTrip() throws {
        let dir = TempDir()
        let prefix = dir.path("signer")
        let out = KeygenCommand.run(prefix: prefix)
        #expect(out.exitCode == 0, "\(out.standardError)")
        let attributes = try FileManager.default.attributesOfItem(atPath: prefix + ".key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let privatePEM = try String(contentsOfFile: prefix + ".key", encoding: .utf8)
        #expect(privatePEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let key = try ReportSigningKey.load(path: prefix + ".key")
        let publicKey = try ReportPublicKey.load(prefix + ".pub")
        #expect(key.publicKey == publicKey)
        #expect(out.standardOutput.contains(publicKey.base64))
        // The .pub is a standard SubjectPublicKeyInfo: its last 32 bytes are the raw key.
        let message = Data("digest".utf8)
        #expect(publicKey.isValidSignature(try key.signature(for: message), for: message))
        // Never overwrite; a public key is not accepted as a signing key.
        #expect(KeygenCommand.run(prefix: prefix).exitCode == 2)
        #expect(throws: KeyFileError.self) { try ReportSigningKey.load(path: prefix + ".pub") }
        // The base64 form embedded in reports is accepted as --public-key too.
        #expect(try ReportPublicKey.load(publicKey.base64) == publicKey)
    }

    @Test("slac verify --sign-key and slac verify-report: exit 0 intact, 1 altered or wrong key, 2 malformed")
    func verifyReportCommand() throws {
        let dir = TempDir()
        #expect(KeygenCommand.run(prefix: dir.path("k")).exitCode == 0)
        #expect(KeygenCommand.run(prefix: dir.path("other")).exitCode == 0)
        var options = VerifyCommand.Options(contractPath: sampleContractPath, traces: [sampleTracePath])
        options.reportPath = dir.path("report.xml")
        options.htmlPath = dir.path("report.html")
        options.signKeyPath = dir.path("k.key")
        options.quiet = true
        #expect(VerifyCommand.run(options, colored: false).exitCode == 1)  // the sample is breached
        #expect(FileManager.default.fileExists(atPath: dir.path("report.html")))

        func verify(_ path: String, key: String? = nil) -> CommandOutput {
            var o = VerifyReportCommand.Options(reportPath: path)
            o.publicKey = key
            return VerifyReportCommand.run(o, colored: false)
        }
        let trusted = verify(dir.path("report.xml"), key: dir.path("k.pub"))
        #expect(trusted.exitCode == 0, "\(trusted.standardOutput)\(trusted.standardError)")
        #expect(trusted.standardOutput.contains("signature  ok") && trusted.standardOutput.contains("(the key you gave)"))
        let embedded = verify(dir.path("report.xml"))
        #expect(embedded.exitCode == 0)
        #expect(embedded.standardOutput.contains("NOT independently trusted"))
        #expect(verify(dir.path("report.xml"), key: dir.path("other.pub")).exitCode == 1)

        let xml = try String(contentsOfFile: dir.path("report.xml"), encoding: .utf8)
        let altered = xml.replacingOccurrences(of: "excluded=\"704\"", with: "excluded=\"705\"")
        #expect(altered != xml)
        try altered.write(toFile: dir.path("altered.xml"), atomically: true, encoding: .utf8)
        let result = verify(dir.path("altered.xml"), key: dir.path("k.pub"))
        #expect(result.exitCode == 1)
        #expect(result.standardOutput.contains("digest     FAIL"))
        // A forged comment: the digest matches, the report still fails, and the signature line
        // does not claim the content changed.
        try xml.replacingOccurrences(of: "<clause ", with: "<!-- CORRECTION: 4.1 is compliant --><clause ")
            .write(toFile: dir.path("commented.xml"), atomically: true, encoding: .utf8)
        let commented = verify(dir.path("commented.xml"), key: dir.path("k.pub"))
        #expect(commented.exitCode == 1)
        #expect(commented.standardOutput.contains("digest     FAIL  the digest matches, but the report holds a comment"), "\(commented.standardOutput)")
        #expect(commented.standardOutput.contains("which does not cover what was added"), "\(commented.standardOutput)")

        try "<report".write(toFile: dir.path("broken.xml"), atomically: true, encoding: .utf8)
        #expect(verify(dir.path("broken.xml")).exitCode == 2)
        // A report that cannot be read at all is 3, one that is not a valid report 2.
        #expect(verify(dir.path("missing.xml")).exitCode == 3)
        // A key file that is missing cannot be read: 3, like any input file.
        #expect(verify(dir.path("report.xml"), key: dir.path("nokey.pub")).exitCode == 3)
        // A bad signing key is a usage error before any trace is read.
        options.signKeyPath = dir.path("k.pub")
        #expect(VerifyCommand.run(options, colored: false).exitCode == 2)

        // --require-signature: an unsigned report fails; a signed one passes.
        options.signKeyPath = nil
        options.reportPath = dir.path("unsigned.xml")
        #expect(VerifyCommand.run(options, colored: false).exitCode == 1)
        var required = VerifyReportCommand.Options(reportPath: dir.path("unsigned.xml"))
        #expect(VerifyReportCommand.run(required, colored: false).exitCode == 0)
        required.requireSignature = true
        let unsigned = VerifyReportCommand.run(required, colored: false)
        #expect(unsigned.exitCode == 1)
        #expect(unsigned.standardOutput.contains("signature  FAIL  the report is not signed"))
        // (The failed run above removed report.xml: exit 2 leaves no stale report behind.)
        #expect(!FileManager.default.fileExists(atPath: dir.path("report.xml")))
        options.signKeyPath = dir.path("k.key")
        options.reportPath = dir.path("signed.xml")
        #expect(VerifyCommand.run(options, colored: false).exitCode == 1)
        required.reportPath = dir.path("signed.xml")
        #expect(VerifyReportCommand.run(required, colored: false).exitCode == 0)
    }

    @Test("slac render writes the page; exit 2 on a malformed report; warns on a failed integrity check")
    func renderCommand() throws {
        let dir = TempDir()
        let xml = text(try sampleReport())
        try xml.write(toFile: dir.path("r.xml"), atomically: true, encoding: .utf8)
        let out = RenderCommand.run(reportPath: dir.path("r.xml"), outputPath: dir.path("r.html"))
        #expect(out.exitCode == 0 && out.standardError.isEmpty)
        #expect(try String(contentsOfFile: dir.path("r.html"), encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        try xml.replacingOccurrences(of: "observed=\"2119.5\"", with: "observed=\"19.5\"").write(toFile: dir.path("t.xml"), atomically: true, encoding: .utf8)
        let tampered = RenderCommand.run(reportPath: dir.path("t.xml"), outputPath: nil)
        #expect(tampered.exitCode == 0 && tampered.standardError.contains("fails its integrity check"))
        #expect(tampered.standardOutput.contains("DOES NOT MATCH"))
        try "<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>".write(toFile: dir.path("d.xml"), atomically: true, encoding: .utf8)
        #expect(RenderCommand.run(reportPath: dir.path("d.xml"), outputPath: nil).exitCode == 2)
    }
}
