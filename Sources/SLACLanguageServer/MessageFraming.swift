import Foundation

/// LSP base protocol framing: `Content-Length: N\r\n\r\n` then N bytes of JSON.
///
/// Bytes arrive in arbitrary pieces from a pipe; the framer buffers them and cuts out whole
/// messages. After anything it cannot use (a header block without a usable `Content-Length`, a
/// body longer or shorter than its length said), it skips to the next `Content-Length:` header and
/// goes on: one bad frame once made every later message, `exit` included, an error of its own.
/// Header lines may end in LF alone, as some clients write them.
package struct MessageFramer: Sendable {
    /// What the framer cut out of the stream.
    package enum Frame: Sendable, Equatable {
        case message(Data)
        /// A header block that could not be used, or bytes outside any message; the reason is
        /// for the error reply.
        case malformedHeader(String)
    }

    private var buffer: [UInt8] = []
    /// Skipping bytes outside any message, already reported.
    private var skipping = false
    /// A header block longer than this without its blank line is not LSP framing.
    static let maximumHeaderLength = 8192
    /// The largest message body accepted: a contract of tens of megabytes is far past any real
    /// one, and a corrupt length (`Content-Length: 4000000000`) must not make the server buffer
    /// whatever follows.
    static let maximumBodyLength = 64 << 20
    static let headerName = Array("content-length:".utf8)

    package init() {}

    package mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The next complete frame, or nil when more bytes are needed.
    package mutating func next() -> Frame? {
        // A header block starts with one of LSP's two header fields; anything else lies outside
        // every message (the rest of a body whose length was too short, a stray line) and is
        // skipped up to the next `Content-Length:`.
        if !buffer.isEmpty, !MessageFramer.startsWithHeaderField(buffer) {
            let reported = skipping
            if let start = MessageFramer.findHeaderName(in: buffer) {
                buffer.removeFirst(start)
                skipping = false
            } else {
                // Keep a tail that may be the start of a header split across reads.
                buffer.removeFirst(buffer.count - min(buffer.count, MessageFramer.headerName.count - 1))
                skipping = true
            }
            // One error per stretch of skipped bytes, however they arrive.
            if !reported { return .malformedHeader("bytes outside any message were skipped") }
            return skipping ? nil : next()
        }
        guard let (headerEnd, bodyStart) = MessageFramer.headerBlockEnd(in: buffer, limit: MessageFramer.maximumHeaderLength) else {
            if buffer.count > MessageFramer.maximumHeaderLength {
                // Drop the first byte so that the next call skips, silently, to the next header.
                buffer.removeFirst()
                skipping = true
                return .malformedHeader("no header terminator in the first \(MessageFramer.maximumHeaderLength) bytes")
            }
            return nil
        }
        let header = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        var length: Int?
        for line in header.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-length" {
                length = Int(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        guard let length, length >= 0 else {
            buffer.removeFirst(bodyStart)
            return .malformedHeader("the header has no valid Content-Length")
        }
        guard length <= MessageFramer.maximumBodyLength else {
            buffer.removeFirst(bodyStart)
            return .malformedHeader("Content-Length \(length) is more than the \(MessageFramer.maximumBodyLength >> 20) MiB a message may hold")
        }
        guard buffer.count - bodyStart >= length else { return nil }
        let body = Data(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return .message(body)
    }

    /// Whether `bytes` start with `Content-` (either header field, any case), or could once more
    /// bytes arrive.
    static func startsWithHeaderField(_ bytes: [UInt8]) -> Bool {
        let prefix = Array("content-".utf8)
        for (byte, expected) in zip(bytes, prefix) where lowercased(byte) != expected { return false }
        return true
    }

    /// ASCII letters in lower case, other bytes as they are.
    static func lowercased(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte + 32 : byte }

    /// Where `Content-Length:` (any case) first starts, if anywhere.
    static func findHeaderName(in bytes: [UInt8]) -> Int? {
        let name = headerName
        guard bytes.count >= name.count else { return nil }
        var i = 0
        while i <= bytes.count - name.count {
            var j = 0
            while j < name.count && lowercased(bytes[i + j]) == name[j] { j += 1 }
            if j == name.count { return i }
            i += 1
        }
        return nil
    }

    /// The end of the header block (its last line's end) and where the body starts: the first
    /// empty line, ended by CRLF or LF.
    static func headerBlockEnd(in bytes: [UInt8], limit: Int) -> (Int, Int)? {
        let end = min(bytes.count, limit + 4)
        var i = 0
        while i < end {
            if bytes[i] == 10 {
                if i + 1 < bytes.count && bytes[i + 1] == 10 { return (i, i + 2) }
                if i + 2 < bytes.count && bytes[i + 1] == 13 && bytes[i + 2] == 10 { return (i > 0 && bytes[i - 1] == 13 ? i - 1 : i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// A message body with its header, ready to write.
    package static func frame(_ body: Data) -> Data {
        var out = Data("Content-Length: \(body.count)\r\n\r\n".utf8)
        out.append(body)
        return out
    }
}
