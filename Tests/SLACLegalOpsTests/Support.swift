import Foundation
import SLACChecker
import SLACLegalOps
import SLACSyntax
import Testing
import SLACTestSupport

/// Where the repository and this test target live, found from this file's path so that tests
/// run from any working directory and golden files are re-recorded into the source tree.
enum Paths {
    static let testDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = testDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let contracts = root.appendingPathComponent("Contracts")
    static let fixtures = testDirectory.appendingPathComponent("Fixtures")
    static let golden = testDirectory.appendingPathComponent("Golden")

    /// The example contracts, by file name, sorted.
    static var contractNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: contracts.path)) ?? []).filter { $0.hasSuffix(".sla") }.sorted()
    }

    static func contract(_ name: String) -> SourceFile {
        let text = (try? String(contentsOf: contracts.appendingPathComponent(name), encoding: .utf8)) ?? ""
        return SourceFile(path: "Contracts/" + name, text: text)
    }

    static func fixture(_ name: String) -> SourceFile {
        let text = (try? String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)) ?? ""
        return SourceFile(path: "Tests/SLACLegalOpsTests/Fixtures/" + name, text: text)
    }
}

/// Golden files: compared byte for byte; re-recorded with `SLAC_RECORD=1 swift test --filter SLACLegalOpsTests`.
enum Golden {
    static var recording: Bool { GoldenFile.recording }

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        GoldenFile.check(actual, name, in: Paths.golden, sourceLocation: sourceLocation)
    }
}

/// Loads a contract that must be valid.
func document(_ source: SourceFile, sourceLocation: SourceLocation = #_sourceLocation) throws -> ContractDocument {
    switch ContractDocument.load(source) {
    case .success(let d): return d
    case .failure(let invalid):
        let text = DiagnosticRenderer().render(invalid.diagnostics, in: source)
        Issue.record("contract is invalid:\n\(text)", sourceLocation: sourceLocation)
        throw invalid
    }
}

func document(_ text: String, path: String = "test.sla", sourceLocation: SourceLocation = #_sourceLocation) throws -> ContractDocument {
    try document(SourceFile(path: path, text: text), sourceLocation: sourceLocation)
}

/// The canonical text of a file that must have no syntax errors.
func formatted(_ source: SourceFile, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    switch ContractFormatter.format(source) {
    case .success(let text): return text
    case .failure(let invalid):
        Issue.record("syntax errors:\n\(DiagnosticRenderer().render(invalid.diagnostics, in: source))", sourceLocation: sourceLocation)
        return ""
    }
}

/// Re-lays out a valid contract at random without changing its meaning: random spaces, tabs and
/// line breaks between tokens wherever the grammar allows them (a unit stays on its number's line,
/// a comment ends its line), header and clause items shuffled (exclusions, `price` lines and
/// clauses keep their relative order, which the checked contract records), comments carried along
/// with the items.
enum Relayout {
    private enum Piece {
        case token(Token)
        case comment(SLACSyntax.Comment)
        var span: Span {
            switch self {
            case .token(let t): t.span
            case .comment(let c): c.span
            }
        }
    }

    /// With `comments`, a `// cN` comment is also put between tokens now and then (never between
    /// a number and its unit); each is numbered so a test can find them all in the output.
    static func relayout(_ source: SourceFile, seed: UInt64, comments: Bool = false) -> String {
        var rng = SeededGenerator(seed: seed)
        let parsed = Parser.parse(source)
        let lexed = Lexer.tokenize(source.text)
        var pieces: [Piece] = lexed.tokens.filter { $0.kind != .endOfFile }.map { .token($0) } + lexed.comments.map { .comment($0) }
        pieces.sort { $0.span.start < $1.span.start }
        guard let syntax = parsed.syntax else { return source.text }

        /// Kinds whose relative order must stay: 0 free, 1 exclusions (maintenance and request
        /// conditions together: a record several match is counted under the first), 3 clauses,
        /// 4 prices (the checked contract lists them in source order).
        func kind(_ item: ContractItemSyntax) -> Int {
            switch item {
            case .header(.price): 4
            case .header: 0
            case .exclusion(.maintenance): 1
            case .exclusion(.requests): 1
            case .clause: 3
            }
        }
        func kind(_ item: ClauseItemSyntax) -> Int {
            switch item {
            case .exclusion(.maintenance): 1
            case .exclusion(.requests): 1
            default: 0
            }
        }
        func permutation(_ kinds: [Int]) -> [Int] {
            var order = Array(kinds.indices).shuffled(using: &rng)
            for k in 1...4 {
                let slots = order.indices.filter { kinds[order[$0]] == k }
                let originals = kinds.indices.filter { kinds[$0] == k }
                for (slot, original) in zip(slots, originals) { order[slot] = original }
            }
            return order
        }
        /// Pieces of a body, items permuted; each item takes the comments before it.
        func arrange(_ body: [Piece], items: [Span], order: [Int], inner: (Int, [Piece]) -> [Piece]) -> [Piece] {
            var groups = Array(repeating: [Piece](), count: items.count)
            var tail: [Piece] = []
            for p in body {
                if let i = items.firstIndex(where: { p.span.start < $0.end }) { groups[i].append(p) } else { tail.append(p) }
            }
            return order.flatMap { inner($0, groups[$0]) } + tail
        }
        let open = pieces.firstIndex { if case .token(let t) = $0, t.kind == .leftBrace { true } else { false } } ?? 0
        let close = pieces.lastIndex { if case .token(let t) = $0, t.kind == .rightBrace { true } else { false } } ?? pieces.count - 1
        let contractItems = syntax.items
        let arranged = arrange(Array(pieces[(open + 1)..<close]), items: contractItems.map(\.span),
                               order: permutation(contractItems.map(kind))) { index, group in
            guard case .clause(let clause) = contractItems[index] else { return group }
            let o = group.firstIndex { if case .token(let t) = $0, t.kind == .leftBrace { true } else { false } } ?? 0
            let c = group.lastIndex { if case .token(let t) = $0, t.kind == .rightBrace { true } else { false } } ?? group.count - 1
            guard o < c else { return group }
            let body = arrange(Array(group[(o + 1)..<c]), items: clause.items.map(\.span), order: permutation(clause.items.map(kind))) { $1 }
            return Array(group[...o]) + body + Array(group[c...])
        }
        let all = Array(pieces[...open]) + arranged + Array(pieces[close...])

        let bytes = Array(source.text.utf8)
        func text(_ p: Piece) -> String { String(decoding: bytes[p.span.start..<p.span.end], as: UTF8.self) }
        func line(_ offset: Int) -> Int { source.location(of: offset).line }
        let anywhere = [" ", "  ", "\t", "\n", "\n    ", "\n\n  ", " \t ", "\n\t\t"]
        let sameLine = [" ", "  ", "\t", " \t"]
        var out = ""
        var insertedComments = 0
        for (i, p) in all.enumerated() {
            if i > 0 {
                let previous = all[i - 1]
                if case .comment = previous {
                    out += "\n" + String(repeating: " ", count: Int.random(in: 0...8, using: &rng))
                } else if case .token(let a) = previous, a.kind == .number, case .token(let b) = p, b.kind == .identifier || b.kind == .percent {
                    // A unit is read only on its number's line; a word on the next line is not a unit.
                    out += line(a.span.start) == line(b.span.start) ? sameLine.randomElement(using: &rng) ?? " " : "\n  "
                } else {
                    out += anywhere.randomElement(using: &rng) ?? " "
                    if comments && Int.random(in: 0..<4, using: &rng) == 0 {
                        out += "// c\(insertedComments)\n"
                        insertedComments += 1
                    }
                }
            }
            out += text(p)
        }
        return out + "\n"
    }
}
