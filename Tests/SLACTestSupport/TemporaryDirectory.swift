import Foundation

/// A scratch directory for one test, removed when the value is deinitialised. One class for
/// every test target (four had their own).
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    /// Creates the directory; a failure shows at the first write.
    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("slac-tests-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` in the directory (nothing is created).
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    /// Writes `text` as UTF-8 to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    /// The evaluator tests' spelling of `write`.
    public func file(_ name: String, _ contents: String) throws -> String { try write(name, contents) }
    public func file(_ name: String, bytes: [UInt8]) throws -> String { try write(name, bytes) }
}

/// A readable account of the first difference between two texts, for golden-file failures; nil
/// when they are equal.
public func firstDifference(expected: String, actual: String) -> String? {
    guard expected != actual else { return nil }
    let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
    for index in 0..<max(e.count, a.count) {
        let left = index < e.count ? e[index] : "<end of file>"
        let right = index < a.count ? a[index] : "<end of file>"
        if left != right {
            return "first difference at line \(index + 1) (expected \(e.count) lines, got \(a.count)):\n- \(left)\n+ \(right)"
        }
    }
    return "the texts differ only in line endings or a trailing newline"
}

/// `firstDifference` of two UTF-8 byte strings.
public func firstDifference(expected: [UInt8], actual: [UInt8]) -> String? {
    guard expected != actual else { return nil }
    return firstDifference(expected: String(decoding: expected, as: UTF8.self), actual: String(decoding: actual, as: UTF8.self))
        ?? "the files differ in bytes that are not valid UTF-8"
}

/// The first difference between two values' JSON forms (pretty-printed, keys sorted), with the
/// `context` lines before it; nil when the forms are equal (a message when either cannot be encoded). Whole results are too long to read in a
/// failure message (the engine tests compare a native run with an engine's).
public func firstDifference<T: Encodable>(expected: T, actual: T, context: Int = 6) -> String? {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let expectedJSON = try? encoder.encode(expected), let actualJSON = try? encoder.encode(actual) else {
        return "the values cannot be compared: one of them cannot be encoded as JSON"
    }
    let e = String(decoding: expectedJSON, as: UTF8.self).components(separatedBy: "\n")
    let a = String(decoding: actualJSON, as: UTF8.self).components(separatedBy: "\n")
    for index in 0..<max(e.count, a.count) {
        let left = index < e.count ? e[index] : "<end>", right = index < a.count ? a[index] : "<end>"
        if left != right {
            let before = e[max(0, index - context)..<min(index, e.count)].joined(separator: "\n")
            return "line \(index + 1): expected `\(left)`, actual `\(right)`; after:\n\(before)"
        }
    }
    return nil
}
