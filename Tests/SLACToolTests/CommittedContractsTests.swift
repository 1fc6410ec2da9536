import Foundation
import SLACTool
import Testing

/// Every contract committed in the repository (examples, format contracts, benchmarks) checks
/// clean and is already in `slac fmt`'s layout, so the examples teach the canonical style.
@Suite struct CommittedContractsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    static var paths: [String] {
        ["Contracts", "Contracts/formats", "Benchmarks"].flatMap { folder -> [String] in
            let dir = root.appendingPathComponent(folder)
            return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
                .filter { $0.hasSuffix(".sla") }.sorted().map { dir.appendingPathComponent($0).path }
        }
    }

    @Test func thereAreContracts() {
        #expect(Self.paths.count >= 15)
    }

    @Test func allCheckWithoutDiagnostics() {
        let output = CheckCommand.run(paths: Self.paths, format: .text, colored: false)
        #expect(output.exitCode == 0)
        #expect(output.standardError == "", "\(output.standardError)")
    }

    @Test func allAreFormatted() {
        let output = FmtCommand.run(paths: Self.paths, check: true, colored: false)
        #expect(output.exitCode == 0, "\(output.standardOutput)\(output.standardError)")
    }
}
