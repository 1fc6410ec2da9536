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
    /// Where the bytes go until `close`: a temporary file beside the target, renamed over it
    /// then, so that a run killed while writing (a signal, a file-size limit) leaves the earlier
    /// state at `path`, never half a report or a page cut after its verdict. Nil when writing
    /// straight to `path`, which is then a device or pipe (`/dev/null`).
    private let staging: (temporary: String, target: String)?

    /// Starts the file; it appears at `path`, whole, on `close`.
    ///
    /// Missing folders on the way are created, as `mkdir -p` would: a CI job's first run writes
    /// `--report out/report.xml` before anything made `out/`, and failing there would leave the
    /// job without the JUnit file that says why (docs/ci.md). A symbolic link is written through:
    /// its target is replaced, the link stays.
    init(creating path: String) throws(OutputFileError) {
        self.path = path
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            // A device, a pipe (or a folder, which fails here with its own reason).
            staging = nil
            descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
            if descriptor < 0 { throw OutputFileError(path: path, errno: errno) }
            return
        }
        var target = path
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
        }
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).slac-\(getpid())-\(Self.nextSerial()).tmp"
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if descriptor < 0, errno == ENOENT, Self.createParentFolders(of: temporary) {
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        }
        if descriptor >= 0 {
            // A file being replaced keeps its permissions: a report kept private (`chmod 600`)
            // stays private, rather than getting the default mode of a new file.
            // The earlier output was usually removed before the trace was read
            // (`removeEarlier`), which remembered its permissions.
            var replaced = stat()
            if stat(target, &replaced) == 0, replaced.st_mode & S_IFMT == S_IFREG {
                _ = fchmod(descriptor, replaced.st_mode & 0o7777)
            } else if let mode = Self.removedModes.mode(of: path) {
                _ = fchmod(descriptor, mode)
            }
            staging = (temporary, target)
            self.descriptor = descriptor
            return
        }
        // A folder that takes no new file but holds a writable one (a report path prepared by
        // the CI system): written in place, as before outputs were staged.
        let code = errno
        staging = nil
        guard code == EACCES || code == EROFS || code == EPERM else { throw OutputFileError(path: path, errno: code) }
        self.descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        if self.descriptor < 0 { throw OutputFileError(path: path, errno: code) }
    }

    /// Temporary names of one process differ by this serial (several outputs are written at once).
    private static func nextSerial() -> Int {
        serialLock.lock()
        defer { serialLock.unlock() }
        serial += 1
        return serial
    }
    nonisolated(unsafe) private static var serial = 0
    private static let serialLock = NSLock()

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
        if descriptor >= 0 {
            _ = Glibc.close(descriptor)
            if let staging { unlink(staging.temporary) }
        }
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

    /// Closes the file and puts it in place; a failure here (a full disk on some file systems)
    /// is a failed write, and leaves nothing new at `path`.
    func close() throws(OutputFileError) {
        let fd = descriptor
        descriptor = -1
        if Glibc.close(fd) != 0 {
            let code = errno
            if let staging { unlink(staging.temporary) }
            throw OutputFileError(path: path, errno: code)
        }
        if let staging, rename(staging.temporary, staging.target) != 0 {
            let code = errno
            unlink(staging.temporary)
            throw OutputFileError(path: path, errno: code)
        }
    }

    /// Abandons the file: a report that could not be completed is not left behind (what was at
    /// `path` before is then removed by the caller, as on any run that judged nothing).
    func discard() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
        if let staging { unlink(staging.temporary) }
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
        guard unlink(path) == 0 else { return false }
        if kind == S_IFREG { removedModes.remember(info.st_mode & 0o7777, of: path) }
        return true
    }

    /// The permissions of the regular files this process removed, by path: the output written
    /// there later takes them back.
    private static let removedModes = RemovedModes()

    private final class RemovedModes: @unchecked Sendable {
        private let lock = NSLock()
        private var modes: [String: mode_t] = [:]

        func remember(_ mode: mode_t, of path: String) {
            lock.lock()
            modes[path] = mode
            lock.unlock()
        }

        func mode(of path: String) -> mode_t? {
            lock.lock()
            defer { lock.unlock() }
            return modes[path]
        }
    }

    /// The kinds of file slac writes, told apart by a marker near their start.
    enum Kind: String, Sendable {
        case report, page, junit, plan, script

        /// Found in every file of the kind slac writes, within `searched` bytes of its start (a
        /// report's namespace on its root element, the page's generator line, JUnit's root
        /// element, a plan's format name, which follows its clauses, a script's first comment).
        var marker: [UInt8] {
            switch self {
            case .report: return Array("urn:slac:report:1".utf8)
            case .page: return Array("<meta name=\"generator\" content=\"slac".utf8)
            case .junit: return Array("<testsuite".utf8)
            case .plan: return Array("\"slac-monitor-plan\"".utf8)
            case .script: return Array("-- slac ".utf8)
            }
        }

        var searched: Int { self == .plan ? 64 << 20 : 4096 }

        /// "a report", "a page", … for messages.
        var named: String {
            switch self {
            case .report: "a report"
            case .page: "a page"
            case .junit: "a JUnit file"
            case .plan: "a plan"
            case .script: "an SQL script"
            }
        }
    }

    /// Whether slac may write `kind` over whatever is at `path`: nothing, an empty file, a
    /// device or pipe, or a file of that kind. A run that judged nothing writes its JUnit error
    /// and removes earlier outputs only on these terms: `--junit key.pem`, or `--report trace.jsonl`
    /// beside a typo, once replaced or deleted the user's input.
    static func holdsNothingOrEarlier(_ path: String, kind: Kind) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return true }
        guard info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return true }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { _ = Glibc.close(descriptor) }
        var head = [UInt8](repeating: 0, count: min(kind.searched, Int(info.st_size)))
        var count = 0
        while count < head.count {
            let n = head.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return Glibc.read(descriptor, base + count, buffer.count - count)
            }
            if n <= 0 { break }
            count += n
        }
        guard count > 0 else { return false }
        let marker = kind.marker
        let bytes = head[..<count]
        guard bytes.count >= marker.count else { return false }
        for start in bytes.startIndex...(bytes.endIndex - marker.count) where bytes[start] == marker[0] {
            if bytes[start..<(start + marker.count)].elementsEqual(marker) { return true }
        }
        return false
    }

    /// Removes an earlier output of `kind` at `path` (see `holdsNothingOrEarlier`): nil when
    /// there is none or the file there is not one (it is left alone), else whether it was removed.
    @discardableResult
    static func removeEarlier(_ path: String, kind: Kind) -> Bool? {
        guard holdsNothingOrEarlier(path, kind: kind) else { return nil }
        return removeIfRegular(path)
    }

    /// The file identity (device and inode) of what `path` names, when it exists.
    static func identity(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino)"
    }

    /// The first output that would overwrite an input or another output of the same run (the
    /// same file by identity, or the same path when it does not exist yet): its path and an error
    /// message; nil when there is none. Devices (`/dev/null`) and `-` are never a collision.
    static func collision(outputs: [(option: String, path: String?)], inputs: [(what: String, path: String?)]) -> (path: String, message: String)? {
        func isDevice(_ path: String) -> Bool {
            var info = stat()
            return stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG && info.st_mode & S_IFMT != S_IFDIR
        }
        func key(_ path: String) -> String {
            identity(path) ?? URL(fileURLWithPath: path).standardizedFileURL.path
        }
        var seen: [String: String] = [:]
        for input in inputs {
            guard let path = input.path, path != "-", let id = identity(path) else { continue }
            seen[id] = seen[id] ?? "\(input.what) `\(path)`"
        }
        for output in outputs {
            guard let path = output.path, path != "-", !isDevice(path) else { continue }
            let id = key(path)
            if let earlier = seen[id] {
                return (path, "`\(output.option) \(path)` names the same file as \(earlier): writing it would destroy that")
            }
            seen[id] = "`\(output.option) \(path)`"
        }
        return nil
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
