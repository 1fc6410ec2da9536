@testable import SLACEvaluator
import SLACTestSupport
import Testing

/// `WindowState.addEvidence` keeps the worst `evidenceLimit` records, worst first. It was
/// rewritten without `Array.insert`; the reference here is the first version, kept as it was.
@Suite("Evidence lists")
struct EvidenceListTests {
    struct ReferenceList {
        var evidence: [Evidence] = []
        var threshold = -Double.infinity
        mutating func add(_ e: Evidence) {
            if evidence.count == WindowState.evidenceLimit {
                guard let last = evidence.last, Evidence.worse(e, last) else { return }
                evidence.removeLast()
            }
            var i = evidence.count
            while i > 0 && Evidence.worse(e, evidence[i - 1]) { i -= 1 }
            evidence.insert(e, at: i)
            if evidence.count == WindowState.evidenceLimit, let last = evidence.last { threshold = last.score }
        }
    }

    @Test("the same list and threshold as the reference, with ties in score, id and trace", arguments: [UInt64(1), 2, 3, 4])
    func sameAsReference(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<300 {
            var window = WindowState(end: 0)
            var reference = ReferenceList()
            let count = Int(random.next() % 20)
            for _ in 0..<count {
                // Few distinct scores, ids and traces, so that ties are common.
                let score = Double(Int(random.next() % 5)) - 2
                let e = Evidence(score: score, value: score * 10, id: "r\(random.next() % 4)", trace: Int32(random.next() % 2))
                // Callers ask first (`admitsEvidence`), as the clause does.
                if window.admitsEvidence(score: e.score) { window.addEvidence(e) }
                if e.score >= reference.threshold { reference.add(e) }
            }
            #expect(window.evidence == reference.evidence)
            #expect(window.evidenceThreshold == reference.threshold)
        }
    }
}
