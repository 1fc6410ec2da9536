import Foundation
import Testing

/// Golden files compared byte for byte; `SLAC_RECORD=1 swift test --filter TARGET` re-records
/// them (review the diff before committing). Shared by the test targets that keep goldens as files.
public enum GoldenFile {
    /// Whether this run records instead of comparing.
    public static var recording: Bool { ProcessInfo.processInfo.environment["SLAC_RECORD"] == "1" }

    /// Compares `actual` with `directory/name`, or writes it there when recording.
    public static func check(_ actual: String, _ name: String, in directory: URL, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name)
        if recording {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(actual.utf8).write(to: url)
            return
        }
        guard let expected = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing golden file \(name); record it with SLAC_RECORD=1", sourceLocation: sourceLocation)
            return
        }
        #expect(Data(actual.utf8) == expected, "output differs from Golden/\(name); re-record with SLAC_RECORD=1 and review the diff",
                sourceLocation: sourceLocation)
    }
}
