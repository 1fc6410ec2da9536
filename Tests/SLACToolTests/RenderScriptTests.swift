import Foundation
import Testing

/// `scripts/render-report-png.sh` (issue 13): it finds slac in a release build when there is no
/// debug build, and the newer of the two when there are both. Run in a scratch copy of the
/// repository layout with stand-ins for slac and chromium, so that the test needs neither a
/// browser nor a particular build.
@Suite struct RenderScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    /// A scratch layout: `scripts/render-report-png.sh`, stand-in `slac` binaries under `.build`
    /// (each writes a page naming itself), and a stand-in `chromium` that copies the page to the
    /// screenshot path.
    struct Layout {
        let dir: URL
        func path(_ relative: String) -> String { dir.appendingPathComponent(relative).path }

        init(builds: [String]) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("slac-render-\(UUID().uuidString)")
            let fm = FileManager.default
            try fm.createDirectory(at: dir.appendingPathComponent("scripts"), withIntermediateDirectories: true)
            try fm.createDirectory(at: dir.appendingPathComponent("bin"), withIntermediateDirectories: true)
            try fm.copyItem(atPath: RenderScriptTests.root.appendingPathComponent("scripts/render-report-png.sh").path,
                            toPath: dir.appendingPathComponent("scripts/render-report-png.sh").path)
            for (index, build) in builds.enumerated() {
                try fm.createDirectory(at: dir.appendingPathComponent(".build/\(build)"), withIntermediateDirectories: true)
                // `slac render IN -o OUT`
                try write(".build/\(build)/slac", "#!/bin/sh\nprintf '<html>rendered by %s</html>' '\(build)' > \"$4\"\n")
                // Later builds are newer.
                let date = Date(timeIntervalSinceNow: Double(index - builds.count) * 60)
                try fm.setAttributes([.modificationDate: date], ofItemAtPath: path(".build/\(build)/slac"))
            }
            // chromium --... --screenshot=OUT file://PAGE: copies the page to OUT.
            try write("bin/chromium", """
                #!/bin/sh
                out=""; page=""
                for a in "$@"; do
                  case $a in --screenshot=*) out=${a#--screenshot=} ;; file://*) page=${a#file://} ;; esac
                done
                cp "$page" "$out"

                """)
            try write("report.xml", "<report/>")
        }

        func write(_ relative: String, _ content: String) throws {
            try content.write(toFile: path(relative), atomically: true, encoding: .utf8)
            if relative.hasSuffix("slac") || relative.hasSuffix("chromium") {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path(relative))
            }
        }

        /// Runs the script with a PATH holding only the stand-in browser and the system tools.
        func run() throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [path("scripts/render-report-png.sh"), path("report.xml"), path("out.png")]
            process.environment = ["PATH": path("bin") + ":/usr/bin:/bin", "HOME": dir.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }

    @Test("a release build alone is enough", arguments: [["release"], ["debug"], ["debug", "release"], ["release", "debug"]])
    func findsTheBuild(_ builds: [String]) throws {
        let layout = try Layout(builds: builds)
        defer { try? FileManager.default.removeItem(at: layout.dir) }
        let (status, output) = try layout.run()
        #expect(status == 0, "\(output)")
        // The newest build rendered the page.
        let page = try String(contentsOfFile: layout.path("out.png"), encoding: .utf8)
        #expect(page == "<html>rendered by \(builds.last!)</html>")
    }

    @Test("without any build or slac on PATH it says how to get one")
    func noBuild() throws {
        let layout = try Layout(builds: [])
        defer { try? FileManager.default.removeItem(at: layout.dir) }
        let (status, output) = try layout.run()
        #expect(status == 2)
        #expect(output.contains("no slac binary"))
    }
}
