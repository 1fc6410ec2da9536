import CLibXML2
import Crypto
import Foundation
@testable import SLACAudit
@testable import SLACEvaluator
import SLACExact
import SLACReport
import SLACTool
import Testing
import SLACTestSupport

/// The one-pass canonical form used when sealing must equal libxml2's exclusive C14N, which
/// `verify-report` uses; where the two could differ, the fast path must decline.
@Suite("Canonical form of written reports")
struct WriterCanonicalFormTests {
    /// libxml2's exclusive canonical form of `xml`.
    func libxml2Canonical(_ xml: [UInt8]) -> [UInt8]? {
        guard let document = try? SafeXML.parse(xml) else { return nil }
        var output: UnsafeMutablePointer<xmlChar>?
        let length = xmlC14NDocDumpMemory(document.pointer, nil, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, &output)
        guard length >= 0, let output else { return nil }
        defer { slac_xmlFree(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    /// Pieces of user text that exercise every escaping rule of both serialisations.
    static let pieces = ["a", "acme", " ", "<", ">", "&", "\"", "'", "]]>", "]]", "\t", "\n", "\r", "\r\n", "\u{1}", "\u{0}",
                         "\u{7F}", "\u{85}", "é", "Zürich", "—", "≤", "🚀", "\u{FFFE}", "\u{FFFF}", "\u{FFFD}", "&amp;", "&#10;",
                         "%", "=", "/>", "<!--", "-->", "<![CDATA[", "?>", "xmlns=\"x\"", "\u{2028}", "\u{E000}"]

    static func randomText(_ rng: inout SeededGenerator) -> String {
        var s = ""
        for _ in 0..<Int(rng.next() % 7) { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
        return s
    }

    static func randomResult(_ seed: UInt64) -> EvaluationResult {
        var rng = SeededGenerator(seed: seed)
        func t() -> String { randomText(&rng) }
        func key() -> [GroupKeyPart] {
            (0..<Int(rng.next() % 3)).map { _ in GroupKeyPart(field: t(), value: rng.next() % 4 == 0 ? nil : t()) }
        }
        let start: Int64 = 1_772_323_200_000_000_000
        var clauses: [ClauseResult] = []
        for c in 0..<Int(1 + rng.next() % 3) {
            let windows = (0..<Int(rng.next() % 5)).map { k in
                WindowResult(start: start + Int64(k) * 300_000_000_000, end: start + Int64(k + 1) * 300_000_000_000, key: key(),
                             count: Int(rng.next() % 1000),
                             observed: rng.next() % 5 == 0 ? nil : ObservedValue(text: t(), unit: t(), approximate: 1,
                                                                                  numerator: rng.next() % 2 == 0 ? 3 : nil,
                                                                                  denominator: rng.next() % 2 == 0 ? 4 : nil),
                             verdict: [.met, .breached, .insufficient][Int(rng.next() % 3)],
                             evidence: (0..<Int(rng.next() % 3)).map { _ in EvidenceRecord(id: t(), value: t()) })
            }
            clauses.append(ClauseResult(
                ref: "\(c)" + t(), name: t(), text: t(), requirement: t(),
                bound: RequirementBound(comparison: t(), value: t(), unit: t(), worse: .higher), verdict: .breached,
                windowsMet: 1, windowsBreached: 2, windowsInsufficient: 3,
                periods: [PeriodResult(start: start, end: start + 1, key: key(), met: 1, breached: 2, attainment: Rational(1, 3),
                                       attainmentText: rng.next() % 2 == 0 ? nil : t(), objectiveText: t(), verdict: .breached)],
                credits: rng.next() % 2 == 0 ? [] : [CreditResult(start: start, end: start + 1, percentText: t(), amountText: t(), currency: t())],
                windows: windows))
        }
        return EvaluationResult(
            toolVersion: "0.1.0" + t(),
            contract: ContractIdentity(name: t(), id: rng.next() % 2 == 0 ? nil : t(), version: t(), sha256: t(), timezone: t(),
                                       termStart: start, termEnd: start + 86_400_000_000_000),
            traces: [TraceAccounting(path: t(), format: t(), sha256: t(), read: 3, accepted: 2, rejected: 1)],
            clauses: clauses,
            rejected: (0..<Int(rng.next() % 3)).map { _ in RejectedRecord(path: t(), line: 7, reason: t()) },
            rejectedTotal: 2, verdict: .breached)
    }

    @Test("equals libxml2's exclusive C14N on written reports with hostile text", arguments: 0..<200)
    func equalsLibxml2(seed: Int) throws {
        let result = Self.randomResult(UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        for windows in [WindowSelection.all, .breached] {
            let xml = try XMLReportWriter(windows: windows, generatedAt: seed % 2 == 0 ? nil : 1_772_323_200_000_000_000).write(result)
            let reference = try #require(libxml2Canonical(xml), "libxml2 must read the writer's output")
            let fast = try #require(WriterCanonicalForm.canonical(xml, parts: 1), "the fast path must accept the writer's output")
            #expect(fast == reference, "\(String(decoding: fast, as: UTF8.self))\n---\n\(String(decoding: reference, as: UTF8.self))")
            for parts in [2, 3, 4, 7, 16] {
                #expect(WriterCanonicalForm.canonical(xml, parts: parts) == reference, "\(parts) parts")
            }
        }
    }

    @Test("a sealed report written by slac verifies with libxml2's canonical form")
    func sealedSampleVerifies() throws {
        let sealed = try sampleReport()
        let check = try ReportIntegrity.check(sealed)
        #expect(check.digest == .matches)
        let xml = Array(unsealed(text(sealed)).utf8)
        #expect(WriterCanonicalForm.canonical(xml) == libxml2Canonical(xml))
    }

    /// Changes that take a written report outside the writer's subset: the fast path declines,
    /// and sealing still works (through libxml2) and verifies, or fails as before.
    static let outsideSubset: [(String, String)] = [
        ("<contract ", "<!-- a comment --><contract "),
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.0\"?>"),
        ("tool-version=\"\(SlacVersion.current)\"", "tool-version='\(SlacVersion.current)'"),
        ("<text>", "<text><![CDATA[<x>]]>"),
        ("<text>", "<text>a\r\nb "),
        ("<text>", "<text>&#x1;"),
        ("<text>", "<text>\u{1}"),
        ("<contract ", "<contract xmlns=\"urn:slac:report:1\" "),
        ("<contract ", "<contract xmlns:p=\"urn:x\" p:a=\"1\" "),
        ("<contract ", "<contract a=\"x\ty\" "),
        ("<contract ", "<contract a=\"1\" a=\"2\" "),
    ]

    @Test("documents outside the writer's subset fall back to libxml2", arguments: outsideSubset.indices)
    func outsideSubsetFallsBack(index: Int) throws {
        let (from, to) = Self.outsideSubset[index]
        let written = unsealed(text(try sampleReport()))
        let changed = try #require(written.range(of: from).map { written.replacingCharacters(in: $0, with: to) })
        let xml = Array(changed.utf8)
        #expect(WriterCanonicalForm.canonical(xml) == nil)
        if libxml2Canonical(xml) != nil {
            let sealed = try ReportIntegrity.seal(xml)
            // slac never writes a comment; one in a report fails the check (docs/reports.md).
            let expected: IntegrityCheck.DigestStatus = to.contains("<!--") ? .uncovered(what: "a comment") : .matches
            #expect(try ReportIntegrity.check(sealed).digest == expected)
        } else {
            #expect(throws: SealError.self) { try ReportIntegrity.seal(xml) }
        }
    }

    @Test("documents near libxml2's parser limits are left to libxml2")
    func parserLimits() throws {
        let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report xmlns=\"urn:slac:report:1\""
        // Values up to 9,000,000 bytes: accepted, and libxml2 reads them to the same canonical form.
        let large = Array((head + " a=\"" + String(repeating: "x", count: 8_000_000) + "\">" + String(repeating: "y", count: 8_000_000) + "</report>\n").utf8)
        let fast = try #require(WriterCanonicalForm.canonical(large))
        #expect(fast == libxml2Canonical(large))
        // Past that, or nested deeper than 200 elements: declined.
        let longValue = Array((head + " a=\"" + String(repeating: "x", count: 9_500_000) + "\"/>\n").utf8)
        #expect(WriterCanonicalForm.canonical(longValue) == nil)
        let longText = Array((head + ">" + String(repeating: "y", count: 9_500_000) + "</report>\n").utf8)
        #expect(WriterCanonicalForm.canonical(longText) == nil)
        let deep = Array((head + ">" + String(repeating: "<a>", count: 210) + String(repeating: "</a>", count: 210) + "</report>\n").utf8)
        #expect(WriterCanonicalForm.canonical(deep) == nil)
        let shallow = Array((head + ">" + String(repeating: "<a>", count: 150) + String(repeating: "</a>", count: 150) + "</report>\n").utf8)
        #expect(WriterCanonicalForm.canonical(shallow) == libxml2Canonical(shallow))
    }

    /// Canonical forms longer than the document: empty elements become start and end tags, and
    /// `>` in text becomes `&gt;`, so the output buffer grows past its first size (1.125 times
    /// the input), and still equals libxml2's.
    @Test("canonical forms longer than the document")
    func longerThanTheDocument() throws {
        let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report xmlns=\"urn:slac:report:1\">"
        let empties = Array((head + String(repeating: "<a/>", count: 10_000) + "</report>\n").utf8)
        let fast = try #require(WriterCanonicalForm.canonical(empties))
        #expect(fast.count > empties.count * 3 / 2)
        #expect(fast == libxml2Canonical(empties))
        let arrows = Array((head + "<t>" + String(repeating: ">", count: 20_000) + "</t></report>\n").utf8)
        #expect(WriterCanonicalForm.canonical(arrows) == libxml2Canonical(arrows))
    }

    @Test("an already sealed report is refused, as before")
    func sealedTwice() throws {
        let sealed = try sampleReport()
        #expect(WriterCanonicalForm.canonical(sealed) == nil)
        #expect(throws: SealError.alreadySealed) { try ReportIntegrity.seal(sealed) }
    }

    /// Documents whose indentation says nothing true about their nesting, or whose root closes
    /// early, or that end with an integrity element: cut where the layout suggests, the parts
    /// must not join, and the answer is that of one scan (which libxml2 agrees with when it
    /// accepts).
    static let misleadingLayouts = [
        "<a>\n  <b>\n  <c/>\n  </b>\n  <d/>\n</a>",
        "<a>\n    <b/>\n    <c>\n      <d/>\n    </c>\n</a>\n  <e/>",
        "<a/>\n  <b/>\n  <c/>",
        "<x>text\n  <y>more\n    <z>deep</z>\n  </y>\n</x>\n  <w/>",
        "<p>\n  <q>\n    <r/>\n  </q>\n</p>\n  <integrity digest=\"x\"/>\n",
        "<p>\n  <q>\n    <r/>\n  </q>\n  <s/>\n</p>\n  <t/>\n  <integrity digest=\"x\"/>",
        "<m>\n  <n>\n  </m>\n  </n>",
        "\n  <u>\n  </u>",
        // 150 elements open where the layout says one: scanned alone, the part after the cut
        // would stay below the depth limit that the whole document goes past.
        // The part after it is cut again where the layout is right, so that the parts join.
        String(repeating: "<a>", count: 150) + "\n  <b>" + String(repeating: "<c>", count: 60) + String(repeating: "</c>", count: 60)
            + "</b>\n" + String(repeating: " ", count: 302) + "<d/>" + String(repeating: "</a>", count: 150),
    ]

    @Test("cuts in misleading layouts fall back to one scan", arguments: misleadingLayouts.indices)
    func misleadingLayoutsFallBack(index: Int) throws {
        let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report xmlns=\"urn:slac:report:1\">"
        for ending in ["</report>\n", "\n</report>", "</report>\n  <after/>"] {
            let xml = Array((head + Self.misleadingLayouts[index] + ending).utf8)
            let whole = WriterCanonicalForm.canonical(xml, parts: 1)
            if let whole { #expect(whole == libxml2Canonical(xml)) }
            for parts in 2...12 {
                #expect(WriterCanonicalForm.canonical(xml, parts: parts) == whole, "\(parts) parts")
            }
        }
    }

    /// A report large enough to be scanned in parts by default (1 MB and more), sealed and
    /// checked with libxml2.
    @Test("a report of several megabytes seals in parts to libxml2's digest")
    func largeReportInParts() throws {
        var result = Self.randomResult(7)
        let start: Int64 = 1_772_323_200_000_000_000
        result.clauses[0].windows = (0..<12_000).map { k in
            WindowResult(start: start + Int64(k) * 300_000_000_000, end: start + Int64(k + 1) * 300_000_000_000,
                         key: [GroupKeyPart(field: "tenant", value: "acme-\(k % 50)")], count: k,
                         observed: ObservedValue(text: "\(k).5", unit: "ms", approximate: 1), verdict: .breached,
                         evidence: (0..<5).map { EvidenceRecord(id: "r-\(k)-\($0)", value: "\($0)") })
        }
        let xml = try XMLReportWriter(windows: .all).write(result)
        #expect(xml.count > 1 << 20)
        let reference = try #require(libxml2Canonical(xml))
        #expect(WriterCanonicalForm.canonical(xml) == reference)
        #expect(WriterCanonicalForm.digest(xml) == Array(SHA256.hash(data: reference)))
        // The integrity element carries libxml2's digest (the random texts are not schema-valid,
        // so `ReportIntegrity.check`, which validates first, is not the judge here).
        let hex = Array(SHA256.hash(data: reference)).map { String(format: "%02x", $0) }.joined()
        let insertion = try ReportIntegrity.integrityInsertion(xml)
        #expect(String(decoding: insertion.bytes, as: UTF8.self).contains("digest=\"\(hex)\""))
    }

    @Test("mutated reports: whenever the fast path accepts, libxml2 agrees", arguments: 0..<20)
    func mutations(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 77)
        let xml = try XMLReportWriter(windows: .all).write(Self.randomResult(UInt64(seed)))
        let alphabet = Array("<>&\"'/=; \t\r\n#x0a;é]!?-:".utf8) + [0x00, 0x80, 0xC3, 0xFF]
        var accepted = 0
        for _ in 0..<100 {
            var mutated = xml
            for _ in 0..<Int(1 + rng.next() % 3) {
                let at = Int(rng.next() % UInt64(mutated.count))
                switch rng.next() % 3 {
                case 0: mutated[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: mutated.remove(at: at)
                default: mutated.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                }
            }
            let fast = WriterCanonicalForm.canonical(mutated, parts: 1)
            if let fast {
                accepted += 1
                #expect(fast == libxml2Canonical(mutated), "\(String(decoding: mutated, as: UTF8.self))")
            }
            // Scanned in parts, whatever the cuts land on: the same answer as in one piece.
            for parts in [2, 3, 5, 9] {
                #expect(WriterCanonicalForm.canonical(mutated, parts: parts) == fast, "\(parts) parts: \(String(decoding: mutated, as: UTF8.self))")
            }
        }
        // Most single-byte changes land in text or values and stay inside the subset.
        #expect(accepted >= 5, "only \(accepted) of 100 mutations were compared")
    }
}
