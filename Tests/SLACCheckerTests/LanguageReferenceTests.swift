import Foundation
import SLACChecker
import SLACSyntax
import Testing

/// The language reference, `docs/language.md`, and its fenced blocks. Complete contracts are
/// fenced as ```slac and must be valid; fragments are fenced as ```text.
enum LanguageReference {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/language.md").standardized

    /// A fenced block of the reference.
    struct Block: Sendable, CustomTestStringConvertible {
        /// The 1-based line of the opening fence in `docs/language.md`.
        var line: Int
        /// The word after the opening backticks (`slac`, `text`, ...), empty when there is none.
        var info: String
        /// The lines between the fences, without the fence's indentation.
        var text: String
        /// False when the file ends before the closing fence.
        var closed: Bool
        var testDescription: String { "docs/language.md:\(line)" }
    }

    static func text() throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    /// Every fenced block of `markdown`, in order. A fence is a line that starts, after spaces,
    /// with three backticks; the closing fence holds backticks only.
    static func blocks(in markdown: String) -> [Block] {
        var blocks: [Block] = []
        var current: (line: Int, info: String, indent: Int, body: [String])?
        for (i, raw) in markdown.components(separatedBy: "\n").enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            let indent = line.prefix(while: { $0 == " " }).count
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var pending = current {
                if trimmed.hasPrefix("```") && trimmed.allSatisfy({ $0 == "`" }) {
                    blocks.append(Block(line: pending.line, info: pending.info, text: pending.body.joined(separator: "\n"), closed: true))
                    current = nil
                } else {
                    pending.body.append(String(line.dropFirst(min(pending.indent, indent))))
                    current = pending
                }
            } else if trimmed.hasPrefix("```") {
                let info = String(trimmed.drop(while: { $0 == "`" })).trimmingCharacters(in: .whitespaces)
                current = (line: i + 1, info: info, indent: indent, body: [])
            }
        }
        if let pending = current {
            blocks.append(Block(line: pending.line, info: pending.info, text: pending.body.joined(separator: "\n"), closed: false))
        }
        return blocks
    }

    /// The complete contracts of the reference (empty when the file cannot be read; the suite's
    /// first test then fails).
    static var contractBlocks: [Block] {
        ((try? text()).map { blocks(in: $0) } ?? []).filter { $0.info == "slac" }
    }
}

/// Every complete contract in `docs/language.md` checks without errors, so the reference never
/// shows a contract that slac would refuse.
@Suite struct LanguageReferenceTests {
    @Test func theReferenceHoldsCompleteContracts() throws {
        let blocks = LanguageReference.blocks(in: try LanguageReference.text())
        let contracts = blocks.filter { $0.info == "slac" }
        #expect(contracts.count >= 2, "docs/language.md shows its complete contracts in ```slac blocks")
        // The window-objective example and the measured-periods example are both there.
        #expect(contracts.contains { $0.text.contains("objective") && $0.text.contains("of windows") })
        #expect(contracts.contains { $0.text.contains("price") && $0.text.contains("measure") })
        for block in blocks {
            #expect(block.closed, "docs/language.md:\(block.line): the block is not closed")
            #expect(!block.info.isEmpty,
                    "docs/language.md:\(block.line): name the block's language (```slac for a complete contract, ```text for a fragment)")
        }
    }

    @Test(arguments: LanguageReference.contractBlocks)
    func contractChecksWithoutErrors(_ block: LanguageReference.Block) {
        // Blank lines in front of the contract keep the line numbers of docs/language.md in the
        // rendered diagnostics.
        let source = SourceFile(path: "docs/language.md", text: String(repeating: "\n", count: block.line) + block.text)
        let result = Checker.check(source)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty,
                "the ```slac block at docs/language.md:\(block.line) does not check:\n\(DiagnosticRenderer().render(result.diagnostics, in: source))")
        #expect(result.contract != nil, "the ```slac block at docs/language.md:\(block.line) gives no checked contract")
    }
}
