import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a `LanguageServer` over standard input and output: the only part of the server that does I/O.
///
/// A reader thread cuts frames out of standard input as they arrive; the main loop takes every
/// frame waiting, hands them to the server as one batch (so a `$/cancelRequest` that arrived while
/// an earlier message was processed cancels its request) and writes the replies. Standard output
/// carries protocol messages only.
package enum StdioTransport {
    /// Serves until `exit` or the end of input; returns the process's exit code (0 only after
    /// `shutdown` then `exit`, as LSP specifies).
    package static func run(_ server: LanguageServer = LanguageServer(), input: Int32 = 0, output: FileHandle = .standardOutput) -> Int32 {
        var server = server
        // A client that goes away must not kill the server mid-write with SIGPIPE; the write fails instead.
        signal(SIGPIPE, SIG_IGN)
        let inbox = Inbox()
        let reader = Thread { inbox.read(from: input) }
        reader.start()
        while true {
            let (frames, closed) = inbox.take()
            var batch: [Data] = []
            var replies: [Data] = []
            for frame in frames {
                switch frame {
                case .message(let body): batch.append(body)
                case .malformedHeader(let reason):
                    replies += server.handle(batch: batch)
                    batch = []
                    replies.append(LanguageServer.errorResponse(id: nil, code: ErrorCode.parseError, "malformed message header: \(reason)"))
                }
            }
            replies += server.handle(batch: batch)
            do {
                for reply in replies { try output.write(contentsOf: MessageFramer.frame(reply)) }
            } catch {
                return 1  // The client closed its end: nobody is left to serve.
            }
            if let code = server.exitCode { return code }
            if closed && frames.isEmpty { return 1 }
        }
    }

    /// Frames read from standard input, waiting for the main loop.
    private final class Inbox: @unchecked Sendable {
        // Guarded by `condition`.
        private let condition = NSCondition()
        private var frames: [MessageFramer.Frame] = []
        private var closed = false

        func read(from fd: Int32) {
            var framer = MessageFramer()
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                condition.lock()
                if n <= 0 {
                    closed = true
                } else {
                    framer.append(chunk[0..<n])
                    while let frame = framer.next() { frames.append(frame) }
                }
                condition.signal()
                condition.unlock()
                if n <= 0 { return }
            }
        }

        /// Waits for at least one frame (or the end of input) and takes everything waiting.
        func take() -> (frames: [MessageFramer.Frame], closed: Bool) {
            condition.lock()
            defer { condition.unlock() }
            while frames.isEmpty && !closed { condition.wait() }
            let taken = frames
            frames.removeAll()
            return (taken, closed)
        }
    }
}

/// read(2), named apart from `Inbox.read(from:)`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #else
    Darwin.read(fd, buffer, count)
    #endif
}
