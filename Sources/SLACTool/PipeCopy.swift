#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SLACTrace

/// A copy of a piped trace (standard input, a named pipe) in a temporary file, written as the trace
/// is read, so that a trace that breaks the lateness bound can be evaluated again from its start
/// like a file (docs/formats.md, "Time order"). The copy holds the bytes as they arrive (a gzip or
/// zstd stream stays compressed) and is removed when the run ends.
///
/// Why a copy and not keeping every window's values for pipes: memory would then grow with the
/// trace for every percentile contract read from a pipe, where the copy costs disk space only.
/// When the copy cannot be written (no space), it is dropped; the run goes on, and only a trace
/// that then breaks the bound fails, saying why.
final class PipeCopy: @unchecked Sendable {
    // Written by the trace's reading thread only; read again after the scan has ended.
    let path: String
    private var fd: Int32
    private var failure: String?
    private let displayPath: String

    /// A new empty copy in the temporary folder (`TMPDIR`), or nil when none can be made.
    init?(displayPath: String) {
        var template = Array((FileManager.default.temporaryDirectory.path + "/slac-pipe-XXXXXX").utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard opened >= 0 else { return nil }
        fd = opened
        path = String(cString: template)
        self.displayPath = displayPath
    }

    deinit {
        if fd >= 0 { close(fd) }
        unlink(path)
    }

    /// Appends stored bytes; after a failed write the copy is dropped and nothing more is written.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, var base = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = write(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                close(fd)
                fd = -1
                unlink(path)
                return
            }
            base += n
            left -= n
        }
    }

    /// The copy as a stream from its start; fails when the copy could not be written.
    func reopen() throws(TraceInputError) -> TraceStream {
        if let failure {
            throw TraceInputError(path: displayPath, message: "cannot be read twice: its copy in the temporary folder could not be written (\(failure)); "
                + "pass `--lateness none`, or a larger bound, or the trace as a file")
        }
        return try TraceStream(path: path)
    }
}
