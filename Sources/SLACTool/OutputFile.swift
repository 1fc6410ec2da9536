import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SLACAudit
import SLACEvaluator

/// A file `slac` writes (a report, a page, a JUnit file), through POSIX calls.
///
/// Why not `Data.write(to:)`: a sealed report is written in parts without first being copied
/// into one buffer (`writeSealedReport`), and a failure reads "cannot write the report `r.xml`:
/// No such file or directory" rather than a Foundation error dump.
final class OutputFile: @unchecked Sendable {
    let path: String
    private var descriptor: Int32

    /// Creates the file, or empties it if it exists (as `Data.write(to:)` did: not atomic).
    ///
    /// Missing folders on the way are created, as `mkdir -p` would: a CI job's first run writes
    /// `--report out/report.xml` before anything made `out/`, and failing there would leave the
    /// job without the JUnit file that says why (docs/ci.md).
    init(creating path: String) throws(OutputFileError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        if descriptor < 0 {
            let code = errno
            guard code == ENOENT, Self.createParentFolders(of: path) else { throw OutputFileError(path: path, errno: code) }
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
            if descriptor < 0 { throw OutputFileError(path: path, errno: errno) }
        }
    }

    /// Creates the folders `path` lies in; false when there were none to create or that failed
    /// (the first `open`'s reason then stands).
    private static func createParentFolders(of path: String) -> Bool {
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) else { return false }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            return true
        } catch {
            return false
        }
    }

    deinit {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    /// Writes all of `bytes` (a write may take only part of them, or be interrupted).
    func write(_ bytes: ArraySlice<UInt8>) throws(OutputFileError) {
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                guard let base = buffer.baseAddress else { return nil }
                let n = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        if let failure { throw OutputFileError(path: path, errno: failure) }
    }

    func write(_ bytes: [UInt8]) throws(OutputFileError) {
        try write(bytes[...])
    }

    /// Closes the file; a failure here (a full disk on some file systems) is a failed write.
    func close() throws(OutputFileError) {
        let fd = descriptor
        descriptor = -1
        if Glibc.close(fd) != 0 { throw OutputFileError(path: path, errno: errno) }
    }

    /// Closes and removes the file: a report that could not be completed is not left behind.
    func discard() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
        _ = Self.removeIfRegular(path)
    }

    /// Removes `path` when it is a regular file (or a symbolic link, which alone is removed):
    /// nil when there is no such file, else whether it was removed. Never a device, pipe or
    /// socket: `--report /dev/null` on a run that judged nothing once removed `/dev/null` itself
    /// (as root, in a container).
    @discardableResult
    static func removeIfRegular(_ path: String) -> Bool? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFLNK else { return nil }
        return unlink(path) == 0
    }

    /// Writes `bytes` to a new (or emptied) file at `path`.
    static func write(_ bytes: [UInt8], to path: String) throws(OutputFileError) {
        let file = try OutputFile(creating: path)
        do {
            try file.write(bytes)
            try file.close()
        } catch {
            file.discard()
            throw error
        }
    }
}

/// A file that could not be written: its path and the system's reason.
struct OutputFileError: Error, CustomStringConvertible {
    let path: String
    let reason: String

    init(path: String, errno code: Int32) {
        self.path = path
        reason = String(cString: strerror(code))
    }

    var description: String { "`\(path)`: \(reason)" }
}

extension OutputFile {
    /// Seals `written` (a report from `XMLReportWriter`) and writes it to `path`; returns where
    /// the integrity element went, for whoever needs the sealed bytes (the HTML page).
    ///
    /// The bytes before the integrity element are written on another thread while the digest
    /// is computed: on the 1 GB benchmark trace the report is 7.3 MB, and writing it took about
    /// 20 ms of one core after the seal, with the other core idle (perf, two jobs). A report
    /// whose seal fails is removed, not left without its integrity element.
    static func writeSealedReport(_ written: [UInt8], signingKey: ReportSigningKey?, to path: String) throws -> IntegrityInsertion {
        let file = try OutputFile(creating: path)
        guard let at = ReportIntegrity.insertionPoint(written) else {
            file.discard()
            // Not a report the writer made: `integrityInsertion` gives the reason.
            return try ReportIntegrity.integrityInsertion(written, signingKey: signingKey)
        }
        let outcome = WriteOutcome()
        let writing = Evaluator.startWorkers(1, niceness: 0) { _ in
            do throws(OutputFileError) { try file.write(written[..<at]) } catch { outcome.error = error }
        }
        let insertion: IntegrityInsertion
        do {
            insertion = try ReportIntegrity.integrityInsertion(written, signingKey: signingKey)
        } catch {
            writing.wait()
            file.discard()
            throw error
        }
        writing.wait()
        do {
            if let error = outcome.error { throw error }
            precondition(insertion.offset == at, "the integrity element goes where the report was split")
            try file.write(insertion.bytes)
            try file.write(written[at...])
            try file.close()
        } catch {
            file.discard()
            throw error
        }
        return insertion
    }
}

/// The background write's failure, read after the wait.
private final class WriteOutcome: @unchecked Sendable {
    var error: OutputFileError?
}
