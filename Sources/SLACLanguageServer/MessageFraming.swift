import Foundation

/// LSP base protocol framing: `Content-Length: N\r\n\r\n` then N bytes of JSON.
///
/// Bytes arrive in arbitrary pieces from a pipe; the framer buffers them and cuts out whole
/// messages. A header block without a usable `Content-Length` cannot be skipped precisely, so it
/// is dropped up to its blank line and reported, and reading resumes with the next header.
package struct MessageFramer: Sendable {
    /// What the framer cut out of the stream.
    package enum Frame: Sendable, Equatable {
        case message(Data)
        /// A header block that could not be used; the reason is for the error reply.
        case malformedHeader(String)
    }

    private var buffer: [UInt8] = []
    /// A header block longer than this without its blank line is not LSP framing.
    static let maximumHeaderLength = 8192
    /// The largest message body accepted: a contract of tens of megabytes is far past any real
    /// one, and a corrupt length (`Content-Length: 4000000000`) must not make the server buffer
    /// whatever follows.
    static let maximumBodyLength = 64 << 20

    package init() {}

    package mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The next complete frame, or nil when more bytes are needed.
    package mutating func next() -> Frame? {
        guard let headerEnd = MessageFramer.find([13, 10, 13, 10], in: buffer, limit: MessageFramer.maximumHeaderLength) else {
            if buffer.count > MessageFramer.maximumHeaderLength {
                buffer.removeAll()
                return .malformedHeader("no header terminator in the first \(MessageFramer.maximumHeaderLength) bytes")
            }
            return nil
        }
        let header = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        var length: Int?
        for line in header.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-length" {
                length = Int(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        let bodyStart = headerEnd + 4
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

    /// A message body with its header, ready to write.
    package static func frame(_ body: Data) -> Data {
        var out = Data("Content-Length: \(body.count)\r\n\r\n".utf8)
        out.append(body)
        return out
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], limit: Int) -> Int? {
        let end = min(bytes.count, limit + pattern.count) - pattern.count
        guard end >= 0 else { return nil }
        var i = 0
        while i <= end {
            if bytes[i] == pattern[0] && bytes[i + 1] == pattern[1] && bytes[i + 2] == pattern[2] && bytes[i + 3] == pattern[3] { return i }
            i += 1
        }
        return nil
    }
}
