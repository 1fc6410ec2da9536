import Foundation
import SLACTool
import SLACTestSupport
import Testing

/// What a report states about how it was made must be true, or flagged (an audit's findings).
@Suite struct ReportStatementTests {
    static let contract = ExitCodeTests.contract
    static let sample = ExitCodeTests.sample

    func slac(_ arguments: [String]) throws -> ExitCodeTests.Run { try ExitCodeTests.slac(arguments) }

    func sha256(_ path: String) throws -> String {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        shell.arguments = [path]
        let out = Pipe()
        shell.standardOutput = out
        try shell.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        return String(text.prefix(64))
    }

    /// An edited plan kept stating the contract's digest, and the report never said a plan was
    /// used; a plan without clauses passed with `tests="0"`.
    @Test func aReportJudgedFromAPlanSaysSo() throws {
        let dir = TemporaryDirectory()
        let plan = dir.url.appendingPathComponent("p.json").path
        #expect(try slac(["compile", Self.contract, "-o", plan]).status == 0)
        let report = dir.url.appendingPathComponent("r.xml").path, page = dir.url.appendingPathComponent("r.html").path
        let run = try slac(["verify", "--plan", plan, Self.sample, "--quiet", "--report", report, "--html", page])
        #expect(run.status == 1, "\(run.stderr)")
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(xml.contains("plan-sha256=\"\(try sha256(plan))\""))
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("<th>Judged from a plan</th>"))
        let check = try slac(["verify-report", report])
        #expect(check.status == 0 && check.stdout.contains("plan       the report was judged from a compiled plan"), "\(check.stdout)")
        // Recomputed from the contract itself, it holds, with a note.
        let recompute = try slac(["verify-report", report, "--recompute", "--contract", Self.contract, Self.sample])
        #expect(recompute.status == 0, "\(recompute.stdout)")
        #expect(recompute.stdout.contains("note       the report was judged from a compiled plan"), "\(recompute.stdout)")
        // A report made from the contract states no plan.
        #expect(try slac(["verify", "--contract", Self.contract, Self.sample, "--quiet", "--report", report]).status == 1)
        #expect(!(try String(contentsOfFile: report, encoding: .utf8)).contains("plan-sha256"))

        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plan))) as? [String: Any])
        object["clauses"] = [Any]()
        let empty = dir.url.appendingPathComponent("empty.json")
        try JSONSerialization.data(withJSONObject: object).write(to: empty)
        let none = try slac(["verify", "--plan", empty.path, Self.sample, "--quiet"])
        #expect(none.status == 2 && none.stderr.contains("error[SLA0702]") && none.stderr.contains("no clause"), "\(none.stderr)")
    }

    /// A signed report with its signature stripped still read "names `Alice` as its signer".
    @Test func aSignerWithoutASignatureFails() throws {
        let dir = TemporaryDirectory()
        let key = dir.url.appendingPathComponent("k").path
        #expect(try slac(["keygen", "--out", key]).status == 0)
        let report = dir.url.appendingPathComponent("r.xml").path
        #expect(try slac(["verify", "--contract", Self.contract, Self.sample, "--quiet", "--report", report,
                          "--sign-key", key + ".key", "--signer", "Alice"]).status == 1)
        #expect(try slac(["verify-report", report]).status == 0)
        var xml = try String(contentsOfFile: report, encoding: .utf8)
        for name in ["signature-algorithm", "public-key", "signature"] {
            let range = try #require(xml.range(of: " \(name)=\"[^\"]*\"", options: .regularExpression))
            xml.removeSubrange(range)
        }
        try xml.write(toFile: report, atomically: true, encoding: .utf8)
        let check = try slac(["verify-report", report])
        #expect(check.status == 1, "\(check.stdout)")
        #expect(check.stdout.contains("signature  FAIL  the report names a signer but carries no signature"), "\(check.stdout)")
        let page = dir.url.appendingPathComponent("r.html").path
        _ = try slac(["render", report, "-o", page])
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("integrity-failed"))
        #expect(html.contains("<span class=\"bad\">FAILED</span>: the report names a signer but carries no signature"))
    }
}
