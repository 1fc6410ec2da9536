import Foundation
import SLACTrace
import Testing

/// The trace reader and the reference (Foundation's JSONSerialization) read the same numbers:
/// docs/language.md, "Exactness": every number is the nearest binary64 value.
@Suite("Trace reader numbers agree with Foundation")
struct ReaderAgreementTests {
    @Test("every generated number reads as the same binary64 value", arguments: [UInt64(3), 10, 40])
    func numbers(seed: UInt64) throws {
        let dir = TempDir()
        let records = TraceGenerator.records(seed: seed, count: 3000, badLines: false)
        let path = try dir.file("n.jsonl", TraceGenerator.jsonl(records))
        let fields = ["input_tokens", "output_tokens", "ttft_ms", "e2e_ms", "energy_j"]
        let request = TraceFieldRequest(numericFields: fields, textFields: ["id"], listFields: ["itl_ms"])
        let input = try TraceInput(path: path)
        let scanner = try TraceScanner(format: .jsonl, request: request, bytes: input.bytes, path: path)
        var got: [Int: ([Double], [Double]?, Int64)] = [:]
        _ = scanner.scan(input.bytes, range: 0..<input.bytes.count, firstLine: 1, accept: { r in
            got[r.line] = (r.numbers, r.lists[0], r.timestamp)
        }, reject: { _ in })
        let reference = RefReader.jsonl(try Data(contentsOf: URL(fileURLWithPath: path)))
        var problems: [String] = []
        for r in reference.records {
            guard let (numbers, list, ts) = got[r.line] else { problems.append("line \(r.line) not accepted"); continue }
            if ts != r.ts { problems.append("line \(r.line): ts \(ts) vs \(r.ts)") }
            for (i, f) in fields.enumerated() {
                let want = r.numbers[f]
                let have = numbers[i].isNaN ? nil : numbers[i]
                if want != have { problems.append("line \(r.line): `\(f)` reader \(have.map { "\($0)" } ?? "absent"), Foundation \(want.map { "\($0)" } ?? "absent")") }
            }
            if (list ?? []) != (r.itl ?? []) { problems.append("line \(r.line): itl_ms reader \(list ?? []), Foundation \(r.itl ?? [])") }
        }
        #expect(problems.isEmpty, Testing.Comment(rawValue: "\(problems.count) differences:\n" + problems.prefix(20).joined(separator: "\n")))
    }
}
