#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// open(2) for reading, named apart from `PatientOpen.open`.
private func systemOpen(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_CLOEXEC)
}

/// open(2) for reading that explains itself when it blocks.
///
/// Opening a named pipe blocks until a writer opens the other end. That is what `cat` does too,
/// but a CI job stuck there for an hour says nothing; after a second this writes on standard
/// error what slac is waiting for, once, and carries on waiting.
enum PatientOpen {
    /// How long an open may block before slac says what it is waiting for.
    static let announceAfter: DispatchTimeInterval = .seconds(1)

    static func open(_ path: String) -> Int32 {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFIFO else {
            return systemOpen(path)
        }
        let announcement = DispatchWorkItem {
            let text = "slac: waiting for a writer on the named pipe `\(path)` (nothing has opened it for writing yet)\n"
            _ = text.withCString { write(2, $0, strlen($0)) }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + announceAfter, execute: announcement)
        let fd = systemOpen(path)
        announcement.cancel()
        return fd
    }
}
