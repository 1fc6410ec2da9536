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
package enum PatientOpen {
    /// How long an open may block before slac says what it is waiting for.
    package static let announceAfter: DispatchTimeInterval = .seconds(1)

    /// Opens `path` read-only; if it is a named pipe and the open blocks longer than
    /// `announceAfter`, `announce` is called once with a sentence saying what slac waits for.
    package static func open(_ path: String, announce: @escaping @Sendable (String) -> Void = PatientOpen.writeToStandardError) -> Int32 {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFIFO else {
            return systemOpen(path)
        }
        // A thread of its own, not a dispatch queue: a busy global queue delayed the message
        // indefinitely (seen while tests ran in parallel).
        let watch = Watch {
            announce("slac: waiting for a writer on the named pipe `\(path)` (nothing has opened it for writing yet)\n")
        }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(watch)
        let started = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let watch = Unmanaged<Watch>.fromOpaque(context).takeRetainedValue()
            if watch.opened.wait(timeout: .now() + PatientOpen.announceAfter) == .timedOut { watch.announce() }
            return nil
        }, context.toOpaque()) == 0
        if !started { context.release() }  // no thread, no message: the open itself is unaffected
        let fd = systemOpen(path)
        watch.opened.signal()
        if started { pthread_join(thread, nil) }
        return fd
    }

    /// What the watching thread shares with the opening one.
    private final class Watch: @unchecked Sendable {
        let opened = DispatchSemaphore(value: 0)
        let announce: () -> Void
        init(_ announce: @escaping () -> Void) { self.announce = announce }
    }

    /// The default announcement: straight to file descriptor 2, unbuffered.
    package static func writeToStandardError(_ text: String) {
        _ = text.withCString { write(2, $0, strlen($0)) }
    }
}
