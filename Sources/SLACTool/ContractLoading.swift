import Foundation
import SLACChecker
import SLACSyntax

/// A file-level problem found before parsing (missing file, invalid UTF-8, ...), with its location.
package struct InputProblem: Error, Sendable, Hashable {
    package var path: String
    package var diagnostic: Diagnostic
    /// 1-based line and column when the problem is inside the bytes.
    package var line: Int?
    package var column: Int?

    /// 3 when the file cannot be read at all (missing, a directory, no permission), 2 when its bytes
    /// are not a contract's (empty, not UTF-8): docs/ci.md, "Other commands".
    package var exitCode: ExitCode {
        ["SLA0001", "SLA0002", "SLA0006"].contains(diagnostic.code) ? .inputError : .invalidContract
    }
}

/// Reads contract files and turns file-level problems into diagnostics with codes `SLA00xx`.
package enum ContractLoading {
    /// Reads a file as a `SourceFile`, or explains why it cannot be one.
    package static func load(path: String) -> Result<SourceFile, InputProblem> {
        func problem(_ code: DiagnosticCode, _ message: String, help: String? = nil, offset: Int = 0, bytes: [UInt8] = []) -> Result<SourceFile, InputProblem> {
            var line: Int?, column: Int?
            if !bytes.isEmpty {
                let prefix = Array(bytes[0..<min(offset, bytes.count)])
                line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
                let lastNewline = prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                column = String(decoding: prefix[lastNewline...], as: UTF8.self).unicodeScalars.count + 1
            }
            return .failure(InputProblem(path: path, diagnostic: .error(code, at: Span(offset, offset), message, help: help), line: line, column: column))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return problem("SLA0001", "no such file `\(path)`", help: "check the path; contract files usually end in `.sla`")
        }
        if isDirectory.boolValue {
            return problem("SLA0002", "`\(path)` is a directory, not a contract file", help: "pass the `.sla` files, e.g. `\(path)/*.sla`")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return problem("SLA0006", "cannot read `\(path)`", help: "check the file's permissions")
        }
        let bytes = [UInt8](data)
        if bytes.allSatisfy(\.isBlankSpace) {
            return problem("SLA0003", "`\(path)` is empty", help: "a contract file starts with `contract \"NAME\" {`")
        }
        if let nul = bytes.firstIndex(of: 0) {
            return problem("SLA0005", "NUL byte at byte offset \(nul)", help: "contract files are UTF-8 text; is this a binary file?", offset: nul, bytes: bytes)
        }
        if let bad = firstInvalidUTF8(bytes) {
            return problem("SLA0004", "invalid UTF-8 at byte offset \(bad)", help: "save the file as UTF-8", offset: bad, bytes: bytes)
        }
        return .success(SourceFile(path: path, text: String(decoding: bytes, as: UTF8.self)))
    }

    /// Offset of the first byte that does not start a valid UTF-8 sequence.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: i += 1; continue
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            guard i + length <= bytes.count else { return i }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            let second = bytes[i + 1]
            if (b == 0xE0 && second < 0xA0) || (b == 0xED && second > 0x9F) || (b == 0xF0 && second < 0x90) || (b == 0xF4 && second > 0x8F) { return i }
            i += length
        }
        return nil
    }
}

extension UInt8 {
    /// A space, tab, line feed or carriage return: a file of these only is empty (a contract with
    /// no text, a trace with no record, never "the same trace" as another).
    var isBlankSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}
