import Foundation
import SLACChecker
import SLACSyntax
import Testing
import SLACTestSupport

/// Mutations of a valid contract: token and byte edits, garbage, and pathological shapes.
struct Mutator {
    let original: [UInt8]
    /// Token spans of the original (end of file excluded).
    let tokens: [Span]

    init(_ text: String) {
        original = Array(text.utf8)
        tokens = Lexer.tokenize(text).tokens.filter { $0.kind != .endOfFile }.map(\.span)
    }

    static let vocabulary: [String] = [
        "contract", "clause", "require", "every", "over", "term", "per", "scope", "text", "minimum", "objective", "credit",
        "exclude", "maintenance", "requests", "where", "from", "to", "of", "fee", "when", "attainment", "windows", "calendar",
        "month", "day", "week", "and", "or", "not", "in", "(", ")", "[", "]", "{", "}", ",", "%", "/", "=", "==", "!=", "<",
        "<=", ">", ">=", "\"", "\"\"\"", "//", "p99", "p99.9", "p0", "share", "count", "percentile", "sum", "ttft", "itl",
        "tps", "status", "800", "0", "1.5M", "99.5%", "2026-02-30", "2026-01-01T00:00:00", "ms", "tokens/min", "\n", "\t",
        "!", "&&", "\\", "\u{0}", "é", "\u{FEFF}", "9999999999999999999999999", "1e5", "-", "@", "#",
    ]

    func randomByteRange(_ rng: inout SeededGenerator, maxLength: Int = 64) -> Range<Int> {
        let start = Int.random(in: 0...original.count, using: &rng)
        let length = Int.random(in: 0...maxLength, using: &rng)
        return start..<min(original.count, start + length)
    }

    /// One mutated file for mutation number `n`.
    func mutate(_ n: Int, _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        let token = tokens[Int.random(in: 0..<tokens.count, using: &rng)]
        let range = token.start..<token.end
        switch n % 12 {
        case 0:  // delete a token
            bytes.removeSubrange(range)
        case 1:  // duplicate a token
            bytes.insert(contentsOf: original[range], at: range.upperBound)
        case 2:  // swap two tokens
            let other = tokens[Int.random(in: 0..<tokens.count, using: &rng)]
            let (a, b) = token.start < other.start ? (token, other) : (other, token)
            guard a.end <= b.start else { break }
            bytes = Array(original[..<a.start]) + original[b.start..<b.end] + original[a.end..<b.start] + original[a.start..<a.end] + original[b.end...]
        case 3:  // delete a byte range
            bytes.removeSubrange(randomByteRange(&rng))
        case 4:  // duplicate a byte range
            let r = randomByteRange(&rng, maxLength: 400)
            bytes.insert(contentsOf: original[r], at: r.upperBound)
        case 5:  // insert random bytes (any value: invalid UTF-8, NUL, controls)
            let at = Int.random(in: 0...bytes.count, using: &rng)
            bytes.insert(contentsOf: (0..<Int.random(in: 1...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
        case 6:  // replace a range with ASCII garbage
            let garbage = (0..<Int.random(in: 1...80, using: &rng)).map { _ in UInt8.random(in: 9...126, using: &rng) }
            bytes.replaceSubrange(randomByteRange(&rng), with: garbage)
        case 7:  // truncate
            bytes = Array(original[..<Int.random(in: 0...original.count, using: &rng)])
        case 8:  // replace a token with another token of the file
            let other = tokens[Int.random(in: 0..<tokens.count, using: &rng)]
            bytes.replaceSubrange(range, with: original[other.start..<other.end])
        case 9:  // insert a word of the language (or a troublesome one) at a token boundary
            let word = Mutator.vocabulary[Int.random(in: 0..<Mutator.vocabulary.count, using: &rng)]
            bytes.insert(contentsOf: Array((Bool.random(using: &rng) ? " " + word + " " : word).utf8), at: range.upperBound)
        case 10:  // replace a token with a word of the language
            let word = Mutator.vocabulary[Int.random(in: 0..<Mutator.vocabulary.count, using: &rng)]
            bytes.replaceSubrange(range, with: Array(word.utf8))
        default:  // several edits at once
            for k in 0..<Int.random(in: 2...6, using: &rng) {
                let once = Mutator(String(decoding: bytes, as: UTF8.self))
                guard !once.tokens.isEmpty else { break }
                _ = k
                bytes = once.mutate(Int.random(in: 0..<11, using: &rng), &rng)
            }
        }
        return bytes
    }

    /// Pathological inputs: very long lines, very deep nesting.
    func pathological(_ rng: inout SeededGenerator) -> [(String, [UInt8])] {
        func insert(_ text: String, afterToken word: String) -> [UInt8] {
            // After the first `scope` or `require` when there is one, else at a random token.
            let source = String(decoding: original, as: UTF8.self)
            let at = source.range(of: word).map { source.utf8.distance(from: source.startIndex, to: $0.upperBound) }
                ?? tokens[Int.random(in: 0..<tokens.count, using: &rng)].end
            var bytes = original
            bytes.insert(contentsOf: Array(text.utf8), at: at)
            return bytes
        }
        let n = 10_000
        let long = 100_000
        let position = tokens[Int.random(in: 0..<tokens.count, using: &rng)].end
        func at(_ text: String) -> [UInt8] { var b = original; b.insert(contentsOf: Array(text.utf8), at: position); return b }
        return [
            ("parentheses", insert(" " + String(repeating: "(", count: n) + "status = \"ok\"" + String(repeating: ")", count: n), afterToken: "scope")),
            ("unclosed parentheses", insert(" " + String(repeating: "(", count: n), afterToken: "require share")),
            ("not", insert(" " + String(repeating: "not ", count: n) + "status = \"ok\" and", afterToken: "scope")),
            ("and chain", insert(" " + String(repeating: "status = \"ok\" and ", count: n), afterToken: "scope")),
            ("or chain", insert(" " + String(repeating: "ttft < 1 ms or ", count: n), afterToken: "require share(")),
            ("long list", insert(" model in [" + String(repeating: "\"m\", ", count: n) + "\"m\"] and", afterToken: "scope")),
            ("long identifier", at(" " + String(repeating: "a", count: long) + " ")),
            ("long number", at(" " + String(repeating: "9", count: long) + " ")),
            ("long decimal", insert(" 0." + String(repeating: "1", count: long) + " ms", afterToken: "require p99(ttft) <=")),
            ("long string", at(" \"" + String(repeating: "x", count: long) + "\" ")),
            ("long unterminated string", at(" \"" + String(repeating: "\\n", count: long / 2))),
            ("long comment", at(" //" + String(repeating: "/", count: long) + "\n")),
            ("long garbage line", at(String(repeating: "@", count: long))),
            ("long spaces", at(String(repeating: " ", count: long))),
            ("many lines", at(String(repeating: "\n", count: long))),
            ("many braces", at(String(repeating: "{", count: n))),
            ("many closing braces", at(String(repeating: "}", count: n))),
            ("many clauses", at(String(repeating: "clause \"x\" x { every 1 hour require count <= 5 }\n", count: 1000))),
            ("long time zone", insert(" timezone \"" + String(repeating: "Europe/", count: long / 7) + "\"\n", afterToken: "{")),
            ("long unit", insert(" 5 " + String(repeating: "m", count: long), afterToken: "every")),
            ("huge window", insert(" 99999999999999999999999999999999 days", afterToken: "every")),
            ("huge percentile", insert(" percentile(ttft, 1" + String(repeating: "0", count: 5000) + ")", afterToken: "require")),
            ("long text block", insert(" \"\"\"\n" + String(repeating: "    line\n", count: n) + "    \"\"\"\n", afterToken: "text")),
            ("deep text block indentation", insert(" \"\"\"\n" + String(repeating: " ", count: long) + "x\n" + String(repeating: " ", count: long) + "\"\"\"\n", afterToken: "text")),
        ]
    }
}

/// docs/fuzzing.md: no contract text crashes the checker or makes it hang. Every mutation of every
/// example contract must give either a checked contract or at least one error, with every span
/// inside the file; rendering the diagnostics must work too.
@Suite struct RobustnessTests {
    static let mutationsPerContract = 420

    static func verify(_ bytes: [UInt8], label: String) {
        let source = SourceFile(path: "fuzz.sla", text: String(decoding: bytes, as: UTF8.self))
        let result = Checker.check(source)
        let size = source.utf8.count
        if result.contract == nil {
            #expect(result.diagnostics.containsErrors, "\(label): no contract and no error")
        } else {
            #expect(!result.diagnostics.containsErrors, "\(label): a contract despite errors")
        }
        for d in result.diagnostics {
            let spans = [d.span] + d.notes.map(\.span)
            if !spans.allSatisfy({ $0.start >= 0 && $0.start <= $0.end && $0.end <= size }) {
                Issue.record("\(label): \(d.code) span \(d.span) outside 0..<\(size): \(d.message)")
            }
            if d.help == nil && d.severity == .error { Issue.record("\(label): \(d.code) has no help: \(d.message)") }
        }
        // Rendering must not trap either (spans inside multi-byte characters, long lines).
        if size < 20_000 { _ = DiagnosticRenderer(colored: false).render(result.diagnostics, in: source) }
    }

    @Test(.timeLimit(.minutes(2)), arguments: ExampleContracts.names)
    func mutatedContracts(_ name: String) throws {
        let mutator = Mutator(try ExampleContracts.text(name))
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: name.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) }))
        for n in 0..<Self.mutationsPerContract {
            let bytes = mutator.mutate(n, &rng)
            Self.verify(bytes, label: "\(name) mutation \(n)")
        }
    }

    @Test(.timeLimit(.minutes(2)), arguments: ExampleContracts.names)
    func pathologicalContracts(_ name: String) throws {
        let mutator = Mutator(try ExampleContracts.text(name))
        var rng = SeededGenerator(seed: 42)
        for (label, bytes) in mutator.pathological(&rng) {
            Self.verify(bytes, label: "\(name) \(label)")
        }
    }

    @Test func enoughMutations() {
        #expect(ExampleContracts.names.count * Self.mutationsPerContract >= 3000)
    }

    @Test func randomGarbageFiles() {
        var rng = SeededGenerator(seed: 7)
        for n in 0..<300 {
            let length = Int.random(in: 0...300, using: &rng)
            let ascii = n % 2 == 0
            let bytes = (0..<length).map { _ in ascii ? UInt8.random(in: 9...126, using: &rng) : UInt8.random(in: 0...255, using: &rng) }
            Self.verify(bytes, label: "garbage \(n)")
            Self.verify(Array("contract \"g\" {\n".utf8) + bytes + Array("\n}".utf8), label: "garbage in contract \(n)")
        }
    }
}
