import Foundation
import SLACTool
import Testing

/// `slac check --format sarif`: SARIF 2.1.0 that code-scanning tools accept.
@Suite struct SARIFTests {
    private func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func sarifHasTheRequiredFields() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slac-sarif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let broken = try write("contract \"X\" {\n    effective 2026-01-01 to 2027-01-01\n    clause \"1\" c {\n        every 1 hour\n        require p99(ttft) <= 800\n    }\n}\n", "broken.sla", in: dir)
        let warned = try write("""
            contract "W" {
                effective 2026-01-01 to 2027-01-01
                clause "1" a {
                    every   5 minutes
                    require p99(ttft) <= 800 ms
                }
                clause "2" b {
                    every   5 minutes
                    require p99(ttft) <= 900 ms
                }
            }

            """, "warned.sla", in: dir)
        let output = CheckCommand.run(paths: [broken, warned, dir.appendingPathComponent("missing.sla").path], format: .sarif, colored: false)
        #expect(output.exitCode == 2)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        #expect(json["version"] as? String == "2.1.0")
        #expect((json["$schema"] as? String)?.contains("sarif-schema-2.1.0") == true)
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "slac")
        #expect(driver["version"] as? String == SlacVersion.current)
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ruleIDs = rules.compactMap { $0["id"] as? String }
        #expect(Set(ruleIDs).count == ruleIDs.count, "one rule per code")
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(Set(results.compactMap { $0["ruleId"] as? String }) == Set(ruleIDs))
        #expect(Set(ruleIDs) == ["SLA0203", "SLA0411", "SLA0001"])
        for r in results {
            #expect(["error", "warning", "note"].contains(r["level"] as? String ?? ""))
            let message = (r["message"] as? [String: Any])?["text"] as? String
            #expect(message.map { !$0.isEmpty } == true)
            let location = try #require((r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            #expect((location["artifactLocation"] as? [String: Any])?["uri"] is String)
            let region = try #require(location["region"] as? [String: Any])
            for key in ["startLine", "startColumn", "endLine", "endColumn"] { #expect(region[key] is Int, "\(key)") }
        }
        let unit = try #require(results.first { $0["ruleId"] as? String == "SLA0203" })
        #expect(unit["level"] as? String == "error")
        let region = try #require(((unit["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 5 && region["startColumn"] as? Int == 30)
        #expect(region["endLine"] as? Int == 5 && region["endColumn"] as? Int == 33)
        let redundant = try #require(results.first { $0["ruleId"] as? String == "SLA0411" })
        #expect(redundant["level"] as? String == "warning")
        #expect((redundant["relatedLocations"] as? [[String: Any]])?.count == 1)
    }

    @Test func cleanContractsGiveAnEmptyRun() throws {
        let path = Paths.contracts.appendingPathComponent("acme-schedule-b.sla").path
        let output = CheckCommand.run(paths: [path], format: .sarif, colored: false)
        #expect(output.exitCode == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        #expect((run["results"] as? [Any])?.isEmpty == true)
        #expect((((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [Any])?.isEmpty == true)
    }
}
