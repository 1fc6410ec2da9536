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
public enum PatientOpen {
    /// How long an open may block before slac says what it is waiting for.
    public static let announceAfter: DispatchTimeInterval = .seconds(1)

    /// Opens `path` read-only; if it is a named pipe and the open blocks longer than
    /// `announceAfter`, `announce` is called once with a sentence saying what slac waits for.
    public static func open(_ path: String, announce: @escaping @Sendable (String) -> Void = PatientOpen.writeToStandardError) -> Int32 {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFIFO else {
            return systemOpen(path)
        }
        let announcement = DispatchWorkItem {
            announce("slac: waiting for a writer on the named pipe `\(path)` (nothing has opened it for writing yet)\n")
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + announceAfter, execute: announcement)
        let fd = systemOpen(path)
        announcement.cancel()
        return fd
    }

    /// The default announcement: straight to file descriptor 2, unbuffered.
    public static func writeToStandardError(_ text: String) {
        _ = text.withCString { write(2, $0, strlen($0)) }
    }
}
