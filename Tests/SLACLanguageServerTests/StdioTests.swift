import Foundation
import Testing

/// `slac lsp` as an editor runs it: a process with pipes. Skipped when the executable has not been
/// built (`swift build` builds it; `swift test` alone may not).
@Suite struct StdioTests {
    static var executable: URL? {
        let candidates = ["debug", "release"].map { Paths.root.appendingPathComponent(".build/\($0)/slac") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func frame(_ json: String) -> Data {
        Data("Content-Length: \(json.utf8.count)\r\n\r\n\(json)".utf8)
    }

    @Test(.enabled(if: executable != nil, "build the slac executable first"), .timeLimit(.minutes(1)))
    func sessionOverPipes() throws {
        let process = Process()
        process.executableURL = StdioTests.executable
        process.arguments = ["lsp"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var bytes = Data()
        bytes += StdioTests.frame(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#)
        bytes += Data("Content-Length: 5\r\n\r\n{oops".utf8)
        bytes += Data("X-Nothing: 1\r\n\r\n".utf8)
        bytes += StdioTests.frame(#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#)
        bytes += StdioTests.frame(#"{"jsonrpc":"2.0","method":"exit"}"#)
        input.fileHandleForWriting.write(bytes)
        // The server ends on `exit`; the replies are then read from the pipe as they are, not
        // up to its end of file: a child process of a test running beside this one may hold a
        // copy of the pipe's write end, and waiting for end of file once hung this test for the
        // whole run in CI.
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        var replies = Data()
        let reading = output.fileHandleForReading
        while !String(decoding: replies, as: UTF8.self).contains(#"{"id":2,"jsonrpc":"2.0","result":null}"#) {
            let more = reading.availableData
            if more.isEmpty { break }
            replies += more
        }
        #expect(process.terminationStatus == 0)
        let text = String(decoding: replies, as: UTF8.self)
        let bodies = text.components(separatedBy: "\r\n\r\n").dropFirst().map { $0.components(separatedBy: "Content-Length").first ?? "" }
        #expect(bodies.count == 4)
        #expect(bodies.first?.contains(#""positionEncoding":"utf-16""#) == true)
        #expect(bodies.filter { $0.contains("-32700") }.count == 2)
        #expect(bodies.last == #"{"id":2,"jsonrpc":"2.0","result":null}"#)
    }
}
