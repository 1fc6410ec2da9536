import Foundation
import SLACTestSupport
import Testing

/// Issue 15, defect 4, at the real scale: a record 300 MB long was accepted from a file and made the
/// same trace fail from standard input or gzip ("a line is longer than 256 MB", exit 3). Now it is
/// a rejected record with the same line and reason from a file, a pipe into standard input and a
/// gzip file, and the other records are judged (docs/formats.md, "Line length"). The smaller cases
/// (blank lines, CSV rows, detection) run with a small limit in `LineLimitTests`.
@Suite struct LineLimitScaleTests {
    @Test("a 300 MB line is a rejected record from a file, standard input and gzip", .timeLimit(.minutes(2)))
    func realScale() throws {
        let dir = TemporaryDirectory()
        let trace = dir.url.appendingPathComponent("long.jsonl").path
        #expect(FileManager.default.createFile(atPath: trace, contents: nil))
        let file = try #require(FileHandle(forWritingAtPath: trace))
        let record = { (i: Int) in Data(#"{"id":"r\#(i)","ts":"2026-03-14T05:00:00Z","ttft_ms":300}"#.utf8 + [0x0A]) }
        file.write(record(1))
        file.write(Data(#"{"id":"r2","ts":"2026-03-14T05:00:00Z","note":""#.utf8))
        let megabyte = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<300 { file.write(megabyte) }
        file.write(Data(#""}"#.utf8 + [0x0A]))
        file.write(record(3))
        try file.close()
        let compressed = trace + ".gz"
        let slac = try ExitCodeTests.executable().path
        let contract = try dir.write("c.sla", """
            contract "x" {
                effective 2026-01-01 to 2027-01-01
                clause "1" c {
                    every   1 hour
                    require p99(ttft) <= 800 ms
                }
            }
            """)
        func shell(_ script: String, _ arguments: [String]) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", script] + arguments
            p.standardInput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        #expect(try shell(#"gzip -1 -c "$0" > "$1""#, [trace, compressed]) == 0)
        var reports: [String] = []
        for (name, script) in [("file", #""$0" verify --contract "$1" "$2" --report "$3" --quiet"#),
                               ("stdin", #"cat "$2" | "$0" verify --contract "$1" - --report "$3" --quiet"#),
                               ("gzip", #""$0" verify --contract "$1" "$2.gz" --report "$3" --quiet"#)] {
            let report = dir.url.appendingPathComponent("\(name).xml").path
            #expect(try shell(script, [slac, contract, trace, report]) == 0, "\(name): compliant, not an input error")
            let xml = try String(contentsOfFile: report, encoding: .utf8)
            #expect(xml.contains(#"read="3" accepted="2" rejected="1""#), "\(name)")
            #expect(xml.contains(#"line="2" reason="line is longer than 256 MB""#), "\(name)")
            reports.append(xml)
        }
        // The same content digest from all three.
        let digests = reports.map { $0.firstMatch(of: /sha256="[0-9a-f]{64}"/).map { String($0.output) } }
        #expect(digests.allSatisfy { $0 != nil && $0 == digests[0] })
    }
}
