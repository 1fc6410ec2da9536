import Foundation
import SLACTool
import SLACTestSupport
import Testing

extension TemporaryDirectory {
    /// A `gzip -c` copy of `path` in this directory, named after it with `.gz`.
    func gzipCopy(of path: String) throws -> String {
        let target = url.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent + ".gz").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -c \"$0\" > \"$1\"", path, target]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return target
    }
}

enum Examples {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Contracts", isDirectory: true).standardized
    static var paths: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".sla") }.sorted().map { directory.appendingPathComponent($0).path }
    }
}

/// `slac check`: exit codes, text and JSON output (docs/ci.md; README.md, "Commands"; docs/language.md, "Diagnostics").
@Suite struct CheckCommandTests {
    static let invalid = """
        contract "Bad" {
            effective 2026-01-01 to 2027-01-01
            clause "4.1" interactive_ttft {
                every   5 minutes
                require p99(ttft) <= 800
            }
        }

        """

    @Test func allExampleContractsCheck() {
        let paths = Examples.paths
        #expect(paths.count >= 8)
        let output = CheckCommand.run(paths: paths, format: .text, colored: false)
        #expect(output.exitCode == 0)
        #expect(output.standardOutput == "checked \(paths.count) contracts: no errors\n")
        #expect(output.standardError == "")
        for path in paths {
            let one = CheckCommand.run(paths: [path], format: .text, colored: false)
            #expect(one.exitCode == 0, "\(path): \(one.standardError)")
            #expect(one.standardOutput == "checked 1 contract: no errors\n")
        }
    }

    @Test func invalidContractExitsTwoWithRenderedDiagnostics() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("bad.sla", Self.invalid)
        let output = CheckCommand.run(paths: [path], format: .text, colored: false)
        #expect(output.exitCode == 2)
        #expect(output.standardOutput == "")
        #expect(output.standardError == """
            error[SLA0203]: the bound has no unit
             --> \(path):5:30
              |
            5 |         require p99(ttft) <= 800
              |                              ^^^
              = help: write `800 ms`

            \(path): 1 error

            """)
        // No colour codes unless asked for; with colour, ANSI escapes appear.
        #expect(!output.standardError.contains("\u{1B}["))
        #expect(CheckCommand.run(paths: [path], format: .text, colored: true).standardError.contains("\u{1B}[1;31merror[SLA0203]"))
    }

    @Test func oneInvalidFileAmongValidOnesFailsTheRun() throws {
        let dir = TemporaryDirectory()
        let bad = try dir.write("bad.sla", Self.invalid)
        let output = CheckCommand.run(paths: Examples.paths + [bad], format: .text, colored: false)
        #expect(output.exitCode == 2)
        #expect(output.standardError.contains("error[SLA0203]"))
        #expect(!output.standardError.contains("acme-schedule-b.sla"))
    }

    @Test func missingFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.url.appendingPathComponent("nope.sla").path
        let output = CheckCommand.run(paths: [path], format: .text, colored: false)
        // A file that cannot be read is 3 (docs/ci.md, "Other commands"); an invalid one is 2, and
        // wins when both occur.
        #expect(output.exitCode == 3)
        let bad = dir.url.appendingPathComponent("bad.sla").path
        try "contract \"X\" {\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(CheckCommand.run(paths: [path, bad], format: .text, colored: false).exitCode == 2)
        #expect(output.standardError.hasPrefix("error[SLA0001]: no such file `\(path)`\n  --> \(path)\n"))
        #expect(output.standardError.contains("   = help: "))
    }

    @Test func directory() throws {
        let dir = TemporaryDirectory()
        let output = CheckCommand.run(paths: [dir.url.path], format: .text, colored: false)
        #expect(output.exitCode == 3)
        #expect(output.standardError.hasPrefix("error[SLA0002]: "))
        #expect(output.standardError.contains("is a directory"))
    }

    @Test(arguments: ["", "   \n\t\r\n"])
    func emptyFile(_ content: String) throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("empty.sla", content)
        let output = CheckCommand.run(paths: [path], format: .text, colored: false)
        #expect(output.exitCode == 2)
        #expect(output.standardError.hasPrefix("error[SLA0003]: `\(path)` is empty"))
    }

    @Test func jsonOutputParses() throws {
        let dir = TemporaryDirectory()
        let bad = try dir.write("bad.sla", Self.invalid)
        let missing = dir.url.appendingPathComponent("missing.sla").path
        let output = CheckCommand.run(paths: [bad, missing], format: .json, colored: false)
        #expect(output.exitCode == 2)
        let json = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8))
        let entries = try #require(json as? [[String: Any]])
        #expect(entries.count == 2)
        let first = entries[0]
        #expect(first["code"] as? String == "SLA0203")
        #expect(first["file"] as? String == bad)
        #expect(first["severity"] as? String == "error")
        #expect(first["message"] as? String == "the bound has no unit")
        #expect(first["help"] as? String == "write `800 ms`")
        #expect(first["line"] as? Int == 5)
        #expect(first["column"] as? Int == 30)
        #expect(first["endLine"] as? Int == 5)
        #expect(first["endColumn"] as? Int == 33)
        #expect(first["byteOffset"] as? Int == Self.invalid.utf8.distance(from: Self.invalid.utf8.startIndex,
                                                                           to: Self.invalid.range(of: "800\n")!.lowerBound.samePosition(in: Self.invalid.utf8)!))
        #expect(first["byteLength"] as? Int == 3)
        #expect(entries[1]["code"] as? String == "SLA0001")
        for entry in entries {
            #expect(entry["code"] is String && entry["message"] is String)
        }
    }

    @Test func jsonOutputForValidContractsIsAnEmptyList() throws {
        let output = CheckCommand.run(paths: Examples.paths, format: .json, colored: false)
        #expect(output.exitCode == 0)
        let json = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8))
        #expect((json as? [Any])?.isEmpty == true)
    }

    @Test func jsonNotesCarryLocations() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("dup.sla", """
            contract "D" {
                effective 2026-01-01 to 2027-01-01
                clause "1" c { every 1 hour require count <= 5 }
                clause "2" c { every 1 hour require count <= 5 }
            }
            """)
        let output = CheckCommand.run(paths: [path], format: .json, colored: false)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]])
        let notes = try #require(entries.first?["notes"] as? [[String: Any]])
        #expect(entries.first?["code"] as? String == "SLA0210")
        #expect(notes.first?["line"] as? Int == 3)
        #expect(notes.first?["column"] as? Int == 16)
    }
}
