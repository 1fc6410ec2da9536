import Foundation
@testable import SLACAudit
import SLACReport
import SLACTool
import Testing
import SLACTestSupport

/// The package root, found from this file's path (tests run without resources).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `SLAC_RECORD=1` re-records golden files and regenerates the embedded stylesheet.
var recording: Bool { ProcessInfo.processInfo.environment["SLAC_RECORD"] == "1" }

let sampleContractPath = packageRoot.appendingPathComponent("Contracts/acme-schedule-b.sla").path
let sampleTracePath = packageRoot.appendingPathComponent("Contracts/samples/acme-2026-03-14.jsonl").path
/// How the sample trace is named in golden output, whatever the working directory.
let sampleDisplayPath = "Contracts/samples/acme-2026-03-14.jsonl"
let sampleContractDisplayPath = "Contracts/acme-schedule-b.sla"

/// `target` relative to the working directory (SwiftPM runs tests from the package root, but
/// the tests do not rely on it).
func relativeToWorkingDirectory(_ target: String) -> String {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.pathComponents
    let to = URL(fileURLWithPath: target).standardizedFileURL.pathComponents
    var common = 0
    while common < min(cwd.count, to.count) && cwd[common] == to[common] { common += 1 }
    let ups = Array(repeating: "..", count: cwd.count - common)
    return (ups + to[common...]).joined(separator: "/")
}

/// The audit tests' name for the shared scratch directory.
typealias TempDir = TemporaryDirectory

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Removes the trailing integrity element (and its line) that `slac verify` writes.
func unsealed(_ xml: String) -> String {
    guard let start = xml.range(of: "  <integrity "), let end = xml.range(of: "/>\n", range: start.upperBound..<xml.endIndex) else { return xml }
    return String(xml[..<start.lowerBound]) + String(xml[end.upperBound...])
}

/// Runs `slac verify` (the real command path) on the sample contract and trace and returns the
/// sealed report, with the trace named by its package-relative path.
func sampleReport(windows: WindowSelection = .all, signingKey: ReportSigningKey? = nil) throws -> [UInt8] {
    let dir = TempDir()
    let relativeTrace = relativeToWorkingDirectory(sampleTracePath)
    var options = VerifyCommand.Options(contractPath: relativeToWorkingDirectory(sampleContractPath), traces: [relativeTrace])
    options.reportPath = dir.path("report.xml")
    options.windows = windows
    options.jobs = 2
    options.quiet = true
    let out = VerifyCommand.run(options, colored: false)
    #expect(out.exitCode == 1, "\(out.standardError)")
    var xml = text(Array(try Data(contentsOf: URL(fileURLWithPath: dir.path("report.xml")))))
    if relativeTrace != sampleDisplayPath || signingKey != nil {
        // Another working directory: rename the trace and seal again, as slac would have.
        xml = unsealed(xml).replacingOccurrences(of: "path=\"\(relativeTrace)\"", with: "path=\"\(sampleDisplayPath)\"")
        return try ReportIntegrity.seal(Array(xml.utf8), signingKey: signingKey)
    }
    return Array(xml.utf8)
}

/// Counts occurrences of `needle` in `haystack`.
func occurrences(of needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}

/// A synthetic report with `windows` windows of a ttft clause over two tenants (every window
/// listed), written straight as XML so that the generator itself is fast.
func syntheticReport(windows count: Int) -> [UInt8] {
    var xml = """
    <?xml version="1.0" encoding="UTF-8"?>
    <report xmlns="urn:slac:report:1" tool-version="0.1.0" verdict="breached" windows="all" rejected-total="0">
      <contract name="Synthetic" sha256="\(String(repeating: "ab", count: 32))" timezone="UTC" term-start="2025-01-01T00:00:00Z" term-end="2027-01-01T00:00:00Z"/>
      <trace path="big.jsonl" format="jsonl" sha256="\(String(repeating: "cd", count: 32))" read="\(count * 30)" accepted="\(count * 30)" rejected="0" outside-term="0" excluded="0"/>
      <clause ref="4.1" name="interactive_ttft" verdict="breached" windows-met="0" windows-breached="0" windows-insufficient="0">
        <text>The 99th percentile TTFT shall not exceed 800 milliseconds.</text>
        <requirement>p99(ttft) &lt;= 800 ms</requirement>

    """
    xml.reserveCapacity(count * 200)
    let start: Int64 = 1_735_689_600  // 2025-01-01T00:00:00Z
    var met = 0, breached = 0, insufficient = 0
    var generator = SeededGenerator(seed: 42)
    for index in 0..<count {
        let slot = Int64(index / 2)
        let tenant = index % 2 == 0 ? "acme" : "globex"
        let from = CivilTimeText.format(start + slot * 300), to = CivilTimeText.format(start + slot * 300 + 300)
        let roll = generator.next() % 100
        let value = 300 + Double(generator.next() % 4000) / 10 + (roll < 3 ? 900 : 0)
        let verdict = roll < 3 ? "breached" : roll < 8 ? "insufficient" : "met"
        switch verdict {
        case "met": met += 1
        case "breached": breached += 1
        default: insufficient += 1
        }
        xml += "    <window start=\"\(from)\" end=\"\(to)\" count=\"\(verdict == "insufficient" ? 5 : 40)\" observed=\"\(value)\" unit=\"ms\" verdict=\"\(verdict)\">\n"
        xml += "      <key field=\"tenant\" value=\"\(tenant)\"/>\n"
        if verdict == "breached" { xml += "      <evidence id=\"r-\(index)\" value=\"\(value + 100)\"/>\n" }
        xml += "    </window>\n"
    }
    xml += "  </clause>\n</report>\n"
    xml = xml.replacingOccurrences(of: "windows-met=\"0\" windows-breached=\"0\" windows-insufficient=\"0\"",
                                   with: "windows-met=\"\(met)\" windows-breached=\"\(breached)\" windows-insufficient=\"\(insufficient)\"")
    return Array(xml.utf8)
}

/// RFC 3339 for whole seconds, without Foundation's date formatters (fast and locale-free).
enum CivilTimeText {
    static func format(_ seconds: Int64) -> String {
        let days = Int(seconds / 86_400), rest = Int(seconds % 86_400)
        // Civil-from-days (Howard Hinnant).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }
}

/// The error rendering `bytes` gives, or nil when it renders.
func renderError(_ bytes: [UInt8]) -> RenderError? {
    do {
        _ = try HTMLReportRenderer.render(bytes)
        return nil
    } catch {
        return error
    }
}

/// The error rendering `bytes` with `stylesheet` gives, or nil when it renders.
func renderError(_ bytes: [UInt8], stylesheet: CompiledStylesheet) -> RenderError? {
    do {
        _ = try HTMLReportRenderer.render(bytes, stylesheet: stylesheet)
        return nil
    } catch {
        return error
    }
}
