import Foundation
import SLACChecker
import SLACExact
import SLACSyntax
import Testing

/// Inputs that once crashed or hung the contract front end (found by fuzzing); each stays here.
@Suite struct HostileInputRegressionTests {
    /// `2262-04-12` as a term end trapped with an arithmetic overflow in `ZoneRules.startOfDay`.
    @Test func termEndBeyondTheInstantRangeIsADiagnostic() {
        assertDiagnostics("""
            contract "T" {
                effective 2026-01-01 to 1️⃣2262-04-12
                clause "1" c { every 1 hour require count <= 5 }
            }
            """, [("SLA0319", marker: "1️⃣")])
    }

    /// `9999-01-01T00:00:00Z` trapped in `CivilTime.parseInstant`.
    @Test func maintenanceInstantBeyondTheRangeIsADiagnostic() {
        assertDiagnostics("""
            contract "T" {
                effective 2026-01-01 to 2027-01-01
                exclude maintenance from 1️⃣9999-01-01T00:00:00Z to 2️⃣9999-01-02T00:00:00Z
                clause "1" c { every 1 hour require count <= 5 }
            }
            """, [("SLA0319", marker: "1️⃣"), ("SLA0319", marker: "2️⃣")])
        assertDiagnostics("""
            contract "T" {
                effective 1️⃣0001-01-01 to 2027-01-01
                clause "1" c { every 1 hour require count <= 5 }
            }
            """, [("SLA0319", marker: "1️⃣")])
    }

    @Test func theEdgesOfTheSupportedRangeCheck() throws {
        // Each edge in a term of at most 250 years (a longer term is SLA0306: spans of time are
        // Int64 nanoseconds, which end at 292 years).
        // (Not ending on 2149-12-31: a last day of a month is `SLA0419`, a warning.)
        for term in ["1900-01-01 to 2149-12-30", "1950-01-01 to 2199-12-31"] {
            let checked = try checkedContract("""
                contract "T" {
                    effective \(term)
                    timezone "Europe/Berlin"
                    clause "1" c { every calendar month require count <= 5 }
                }
                """)
            #expect(checked.termStart < checked.termEnd)
        }
        assertDiagnostics("""
            contract "T" {
                1️⃣effective 1900-01-01 to 2199-12-31
                clause "1" c { every 1 hour require count <= 5 }
            }
            """, [("SLA0306", marker: "1️⃣")])
    }

    @Test func parseInstantNeverTraps() {
        #expect(CivilTime.parseInstant("9999-12-31T23:59:59.999999999Z") == nil)
        #expect(CivilTime.parseInstant("0001-01-01T00:00:00Z") == nil)
        #expect(CivilTime.parseInstant("2262-04-11T23:47:16.854775807Z") == Int64.max)
        #expect(CivilTime.parseInstant("2262-04-11T23:47:16.854775808Z") == nil)
    }

    /// `contract "x" {` and one line of `a:` repeated 12,000 times took 18.6 s and wrote 434 MB:
    /// each error reprinted the whole line. Now one error per bad line, and the line is cut.
    @Test func oneLongBadLineGivesFewShortDiagnostics() {
        let text = "contract \"x\" {\n" + String(repeating: "a:", count: 12_000) + "\n"
        let file = SourceFile(path: "long.sla", text: text)
        let diagnostics = Checker.check(file).diagnostics
        #expect(diagnostics.count <= 3, "\(diagnostics.map(\.message))")
        let rendered = DiagnosticRenderer().render(diagnostics, in: file)
        #expect(rendered.utf8.count < 4_000, "rendered \(rendered.utf8.count) bytes")
        #expect(rendered.contains("…"))
    }

    /// Thousands of bad lines: the first errors are drawn, the rest counted.
    @Test func manyErrorsAreCappedWhenRendered() {
        let text = "contract \"x\" {\n" + String(repeating: "@\n", count: 5_000) + "}\n"
        let file = SourceFile(path: "many.sla", text: text)
        let diagnostics = Checker.check(file).diagnostics
        #expect(diagnostics.count >= 5_000)
        let rendered = DiagnosticRenderer().render(diagnostics, in: file)
        #expect(rendered.contains("more diagnostics not shown"))
        #expect(rendered.contains("many.sla: \(diagnostics.count) errors"))
        #expect(rendered.components(separatedBy: "error[").count - 1 == DiagnosticRenderer.limitPerFile)
    }

    /// The caret of a long line's window still points at the offending text.
    @Test func caretInALongLineWindow() throws {
        let text = "contract \"x\" {\n    id \"" + String(repeating: "y", count: 500) + "\" @\n}\n"
        let file = SourceFile(path: "caret.sla", text: text)
        let diagnostics = Checker.check(file).diagnostics.filter { $0.code.rawValue == "SLA0101" }
        let d = try #require(diagnostics.first)
        let rendered = DiagnosticRenderer().render(d, in: file)
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        guard let sourceLine = lines.first(where: { $0.hasPrefix("2 | ") }),
              let caretLine = lines.first(where: { $0.contains("^") }) else {
            Issue.record("no snippet in\n\(rendered)"); return
        }
        let caretOffset = Array(caretLine).firstIndex(of: "^") ?? -1
        #expect(Array(sourceLine)[caretOffset] == "@", "\(rendered)")
        #expect(sourceLine.count < 140)
    }
}
