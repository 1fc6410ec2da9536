import Crypto
import Foundation
import SLACTool
import SLACTestSupport
import Testing

/// A compressed trace carries two digests: `sha256` of its content and `file-sha256` of the file
/// as stored, so that `sha256sum trace.jsonl.gz` can be checked against the report.
@Suite struct CompressedDigestTests {
    static func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    static func attribute(_ name: String, in xml: String) -> String? {
        guard let range = xml.range(of: " \(name)=\"") else { return nil }
        return String(xml[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test func gzipTraceHasBothDigests() throws {
        let dir = TemporaryDirectory()
        let plain = try Data(contentsOf: URL(fileURLWithPath: ExitCodeTests.sample))
        let gz = try dir.gzipCopy(of: ExitCodeTests.sample)
        let stored = try Data(contentsOf: URL(fileURLWithPath: gz))

        for jobs in [1, 2] {
            let report = dir.url.appendingPathComponent("r\(jobs).xml").path
            var options = VerifyCommand.Options(contractPath: ExitCodeTests.contract, traces: [gz])
            options.reportPath = report
            options.quiet = true
            options.jobs = jobs
            #expect(VerifyCommand.run(options, colored: false).exitCode == 1)
            let xml = try String(contentsOfFile: report, encoding: .utf8)
            let trace = try #require(xml.range(of: "<trace ").map { String(xml[$0.lowerBound...].prefix { $0 != ">" }) })
            #expect(Self.attribute("sha256", in: trace) == Self.hex(plain))
            #expect(Self.attribute("file-sha256", in: trace) == Self.hex(stored))
        }

        // A plain trace has one digest: its content is its file.
        let report = dir.url.appendingPathComponent("plain.xml").path
        var options = VerifyCommand.Options(contractPath: ExitCodeTests.contract, traces: [ExitCodeTests.sample])
        options.reportPath = report
        options.quiet = true
        _ = VerifyCommand.run(options, colored: false)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(!xml.contains("file-sha256"))
    }
}
