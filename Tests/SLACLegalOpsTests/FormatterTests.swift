import Foundation
import SLACChecker
import SLACLegalOps
import SLACSyntax
import SLACTool
import Testing
import SLACTestSupport

/// `slac fmt`: canonical layout, idempotence, meaning preservation, comments.
@Suite struct FormatterTests {
    static let contracts = Paths.contractNames

    @Test func everyExampleContractIsListed() {
        #expect(FormatterTests.contracts.count >= 8)
        #expect(FormatterTests.contracts.contains("acme-schedule-b.sla"))
    }

    /// The first example of docs/language.md is already in canonical form.
    @Test func specExampleIsCanonical() {
        let source = Paths.contract("acme-schedule-b.sla")
        #expect(formatted(source) == source.text)
    }

    /// A contract saved with a byte order mark was rejected (SLA0101); now it checks, and `fmt`
    /// keeps the mark so that `fmt --check` passes on the editor's file.
    @Test func byteOrderMarkIsAcceptedAndKept() throws {
        let text = "\u{FEFF}" + Paths.contract("acme-schedule-b.sla").text
        let source = SourceFile(path: "bom.sla", text: text)
        #expect(Parser.parse(source).diagnostics.isEmpty)
        #expect(formatted(source) == text)
        let output = CheckCommand.run(paths: [try writeTemporary(text)], format: .text, colored: false)
        #expect(output.exitCode == 0, "\(output.standardError)")
    }

    private func writeTemporary(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bom-\(UUID().uuidString).sla").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: contracts)
    func golden(_ name: String) {
        Golden.check(formatted(Paths.contract(name)), "fmt/" + name)
    }

    @Test(arguments: contracts)
    func exampleContractsAreCanonical(_ name: String) {
        let source = Paths.contract(name)
        #expect(formatted(source) == source.text, "fmt changes \(name)")
    }

    @Test(arguments: contracts)
    func idempotentAndMeaningPreserving(_ name: String) throws {
        let source = Paths.contract(name)
        let once = formatted(source)
        let twice = formatted(SourceFile(path: name, text: once))
        #expect(once == twice)
        let before = try document(source).contract
        let after = try document(SourceFile(path: name, text: once)).contract
        #expect(before == after)
    }

    @Test func messyFixtureGolden() throws {
        let source = Paths.fixture("messy.sla")
        let text = formatted(source)
        Golden.check(text, "fmt/messy.sla")
        #expect(formatted(SourceFile(path: "messy.sla", text: text)) == text)
        let before = try document(source).contract, after = try document(SourceFile(path: "messy.sla", text: text)).contract
        // The requirement was written `p99( ttft )<=800 ms`; the formatter respells it, which is
        // the one place the checked contract records spelling (`requirementText`).
        #expect(ContractDiff.compare(try document(source), try document(SourceFile(path: "messy.sla", text: text))).isEmpty)
        #expect(before.clauses.map(\.aggregate) == after.clauses.map(\.aggregate))
        #expect(after.clauses.first?.requirementText == "p99(ttft) <= 800 ms")
    }

    /// Random re-layouts of every example: whitespace and line breaks between tokens, shuffled
    /// items. Formatting them gives back exactly the checked contract of the original (the
    /// originals are canonical, so even the requirement's spelling comes back).
    @Test(arguments: contracts)
    func generatedLayouts(_ name: String) throws {
        let source = Paths.contract(name)
        let original = try document(source)
        for seed in UInt64(1)...12 {
            let text = Relayout.relayout(source, seed: seed &* 7919 &+ UInt64(name.count))
            let shuffled = SourceFile(path: "\(name)#\(seed)", text: text)
            let relaid = try document(shuffled)
            #expect(ContractDiff.compare(original, relaid).isEmpty, "seed \(seed): the re-layout changed the meaning")
            let once = formatted(shuffled)
            let reformatted = try document(SourceFile(path: "\(name)#\(seed)", text: once))
            #expect(reformatted.contract == original.contract, "seed \(seed): fmt changed the meaning")
            #expect(formatted(SourceFile(path: name, text: once)) == once, "seed \(seed): fmt is not idempotent")
        }
    }

    /// Comments put anywhere survive formatting, each exactly once, idempotently.
    @Test(arguments: contracts)
    func generatedComments(_ name: String) throws {
        let source = Paths.contract(name)
        let original = try document(source)
        for seed in UInt64(1)...6 {
            let text = Relayout.relayout(source, seed: seed &+ 1000, comments: true)
            var inserted = 0
            while text.contains("// c\(inserted)\n") { inserted += 1 }
            #expect(inserted > 5)
            let once = formatted(SourceFile(path: "\(name)#\(seed)", text: text))
            for k in 0..<inserted {
                let marker = "// c\(k)\n"
                #expect(once.components(separatedBy: marker).count == 2, "seed \(seed): comment c\(k) lost or duplicated")
            }
            #expect(formatted(SourceFile(path: name, text: once)) == once, "seed \(seed): not idempotent with comments")
            #expect(try document(SourceFile(path: name, text: once)).contract == original.contract)
        }
    }

    @Test func windowsLineEndingsBecomeUnix() {
        let source = Paths.contract("acme-schedule-b.sla")
        let crlf = SourceFile(path: "crlf.sla", text: source.text.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(formatted(crlf) == source.text)
    }

    /// Damaged files (tokens deleted or repeated at random) never crash the formatter; those that
    /// still parse format idempotently, and those that still check keep their meaning.
    @Test func damagedContractsNeverCrash() throws {
        var rng = SeededGenerator(seed: 42)
        var formattedCount = 0
        for name in FormatterTests.contracts {
            let source = Paths.contract(name)
            let tokens = Lexer.tokenize(source.text).tokens.filter { $0.kind != .endOfFile }
            let bytes = Array(source.text.utf8)
            for _ in 0..<25 {
                let a = Int.random(in: 0..<tokens.count, using: &rng)
                let b = min(tokens.count - 1, a + Int.random(in: 0..<3, using: &rng))
                let cut = Span(tokens[a].span.start, tokens[b].span.end)
                let repeatIt = Bool.random(using: &rng)
                let middle = repeatIt ? Array(bytes[cut.start..<cut.end]) + [32] + Array(bytes[cut.start..<cut.end]) : []
                let damaged = SourceFile(path: name, text: String(decoding: Array(bytes[..<cut.start]) + middle + Array(bytes[cut.end...]), as: UTF8.self))
                guard case .success(let once) = ContractFormatter.format(damaged) else { continue }
                formattedCount += 1
                let again = SourceFile(path: name, text: once)
                #expect(formatted(again) == once, "not idempotent after damaging \(name) at \(cut)")
                if case .success(let before) = ContractDocument.load(damaged), case .success(let after) = ContractDocument.load(again) {
                    #expect(ContractDiff.compare(before, after).isEmpty, "meaning changed after damaging \(name) at \(cut)")
                }
            }
        }
        #expect(formattedCount > 10)
    }

    @Test func relayoutReallyChangesTheText() {
        let source = Paths.contract("acme-schedule-b.sla")
        let a = Relayout.relayout(source, seed: 1), b = Relayout.relayout(source, seed: 2)
        #expect(a != source.text && b != a)
    }

    @Test func itemsAreReorderedCanonically() {
        let text = """
            contract "X" {
            fee 10.00 USD per month
            effective 2026-01-01 to 2027-01-01
            id "X-1"
            clause "1" c {
            minimum 5 requests
            require count >= 1 requests
            every 1 hour
            text "T"
            }
            }
            """
        let expected = """
            contract "X" {
                id        "X-1"
                effective 2026-01-01 to 2027-01-01
                fee       10.00 USD per month

                clause "1" c {
                    text "T"
                    every   1 hour
                    require count >= 1 requests
                    minimum 5 requests
                }
            }

            """
        #expect(formatted(SourceFile(path: "x.sla", text: text)) == expected)
    }

    @Test func commentsKeepTheirItems() {
        let text = """
            // file comment
            contract "X" { // opening
                // before effective

                effective 2026-01-01 to 2027-01-01 // after effective
                clause "1" c {
                    require count >= 1 requests // after require
                    // before every
                    every 1 hour
                    scope status = "ok" // inside scope
                        and model = "m"
                    // at the end of the clause
                } // after the clause
            }
            // after the contract
            """
        let expected = """
            // file comment
            contract "X" {                                // opening
                // before effective

                effective 2026-01-01 to 2027-01-01        // after effective

                clause "1" c {
                    // inside scope
                    scope   status = "ok" and model = "m"
                    // before every
                    every   1 hour
                    require count >= 1 requests           // after require
                    // at the end of the clause
                }                                         // after the clause
            }
            // after the contract

            """
        #expect(formatted(SourceFile(path: "x.sla", text: text)) == expected)
    }

    @Test func consecutiveTrailingCommentsShareAColumn() {
        let text = """
            contract "X" {
                effective 2026-01-01 to 2027-01-01 // a
                exclude requests where status = "error:429" or status = "error:503" // b
                exclude requests where status = "x" // c
                clause "1" c { every 1 hour
                require count >= 1 requests }
            }
            """
        let lines = formatted(SourceFile(path: "x.sla", text: text)).split(separator: "\n")
        let b = lines.first { $0.hasSuffix("// b") }, c = lines.first { $0.hasSuffix("// c") }
        let a = lines.first { $0.hasSuffix("// a") }
        #expect(a?.firstRange(of: "//")?.lowerBound.utf16Offset(in: a ?? "") == 46)
        let column = b.flatMap { $0.firstRange(of: "//")?.lowerBound.utf16Offset(in: $0) }
        #expect(column == c.flatMap { $0.firstRange(of: "//")?.lowerBound.utf16Offset(in: $0) })
        #expect(column == "    exclude requests where status = \"error:429\" or status = \"error:503\"".count + 3)
    }

    @Test func textBlocksAreReindented() {
        let text = """
            contract "X" {
            effective 2026-01-01 to 2027-01-01
            clause "1" c {
            text \"\"\"
              First line,
                indented line.

              Last line.
              \"\"\"
            every 1 hour
            require count >= 1 requests
            }
            }
            """
        let out = formatted(SourceFile(path: "x.sla", text: text))
        #expect(out.contains("""
                    text \"\"\"
                        First line,
                          indented line.

                        Last line.
                        \"\"\"
            """))
        let before = try? document(SourceFile(path: "x.sla", text: text)).contract.clauses.first?.text
        let after = try? document(SourceFile(path: "y.sla", text: out)).contract.clauses.first?.text
        #expect(before == after && before == "First line,\n  indented line.\n\nLast line.")
    }

    @Test func stringsAreRespelledWithTheirEscapes() throws {
        let text = "contract \"A \\\"quoted\\\"\\tname\" { effective 2026-01-01 to 2027-01-01\n clause \"1\" c { text \"tab\\there\" every 1 hour require count >= 1 requests } }"
        let out = formatted(SourceFile(path: "x.sla", text: text))
        #expect(out.hasPrefix("contract \"A \\\"quoted\\\"\\tname\" {\n"))
        #expect(try document(out).contract == document(text).contract)
    }

    @Test func syntaxErrorsAreNotFormatted() {
        let source = SourceFile(path: "bad.sla", text: "contract \"X\" {\n    effective 2026-01-01 to\n}\n")
        guard case .failure(let invalid) = ContractFormatter.format(source) else {
            Issue.record("a file with syntax errors was formatted")
            return
        }
        #expect(invalid.diagnostics.contains { $0.severity == .error })
    }

    @Test func checkErrorsAreStillFormatted() {
        // Type errors are the checker's business; the layout can still be fixed.
        let source = SourceFile(path: "typed.sla", text: "contract \"X\" { effective 2026-01-01 to 2027-01-01\nclause \"1\" c { every 1 hour require p99(ttft) <= 800 } }")
        guard case .success(let text) = ContractFormatter.format(source) else {
            Issue.record("not formatted")
            return
        }
        #expect(text.contains("        require p99(ttft) <= 800\n"))
    }

    // MARK: the command

    private func temporaryCopy(_ text: String, name: String = "c.sla") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slac-fmt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func commandRewritesInPlaceAndChecks() throws {
        let messy = Paths.fixture("messy.sla").text
        let path = try temporaryCopy(messy)
        let check = FmtCommand.run(paths: [path], check: true, colored: false)
        #expect(check.exitCode == 1)
        #expect(check.standardOutput.contains("not formatted: \(path)"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == messy, "--check must not write")

        let run = FmtCommand.run(paths: [path], check: false, colored: false)
        #expect(run.exitCode == 0)
        #expect(run.standardOutput.contains("formatted \(path)"))
        let rewritten = try String(contentsOfFile: path, encoding: .utf8)
        #expect(rewritten == formatted(Paths.fixture("messy.sla")))

        let again = FmtCommand.run(paths: [path], check: true, colored: false)
        #expect(again.exitCode == 0)
    }

    @Test func commandReportsSyntaxErrorsWithExit2() throws {
        let bad = try temporaryCopy("contract \"X\" {\n    effective 2026-01-01 to\n}\n", name: "bad.sla")
        let good = try temporaryCopy("contract \"X\" { effective 2026-01-01 to 2027-01-01 }\n")
        let output = FmtCommand.run(paths: [bad, good], check: false, colored: false)
        #expect(output.exitCode == 2)
        #expect(output.standardError.contains("error[SLA0110]"))
        #expect(output.standardOutput.contains("formatted \(good)"), "the valid file is still formatted")
        // A file that cannot be read is 3; a file with syntax errors beside it makes it 2.
        #expect(FmtCommand.run(paths: ["/nonexistent/x.sla"], check: true, colored: false).exitCode == 3)
        #expect(FmtCommand.run(paths: ["/nonexistent/x.sla", bad], check: true, colored: false).exitCode == 2)
    }
}
