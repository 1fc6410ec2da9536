/// A JSON document as the adapters see it: numbers keep their literal text.
///
/// Adapters convert units exactly (`1.005` seconds is exactly 1005 ms), which needs the decimal
/// text of a number, not a binary64 value that a general-purpose parser (Foundation's
/// `JSONSerialization`) would round first; OTLP span times also exceed binary64 precision.
/// Adapters are off the hot path (their files are small), so a plain tree is fine here.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, validated against the JSON grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object (nil for other values or a missing key).
    package subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The elements of an array (nil for other values).
    package var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The members of an object (nil for other values).
    package var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The text of a string (nil for other values).
    package var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Whether the value is JSON `null`.
    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A short name of the value's type, for reject reasons.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Why a JSON text could not be parsed: a byte offset (0-based, from the start of the parsed range)
/// and a message in the house style.
package struct JSONParseError: Error, Sendable, Equatable {
    /// Byte offset of the problem from the start of the parsed range (0-based).
    package var offset: Int
    /// What is wrong, lowercase, no final period.
    package var message: String
}

/// A strict JSON parser (RFC 8259) over bytes, for the adapters.
///
/// Nesting is limited (hostile input must not exhaust the stack, docs/fuzzing.md), object keys must not
/// repeat (a repeated key would make the record ambiguous), invalid UTF-8 becomes U+FFFD as in the
/// canonical reader.
package struct JSONParser {
    /// Deepest nesting accepted.
    package static let maxDepth = 256

    let base: UnsafePointer<UInt8>
    let end: Int
    var pos: Int
    let start: Int

    init(base: UnsafePointer<UInt8>, start: Int, end: Int) {
        self.base = base
        self.start = start
        self.end = end
        self.pos = start
    }

    /// Parses exactly one JSON value in `bytes[range]` (blanks around it allowed).
    package static func parse(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) throws(JSONParseError) -> JSONValue {
        guard let raw = bytes.baseAddress, !range.isEmpty else {
            throw JSONParseError(offset: 0, message: "empty document")
        }
        var p = JSONParser(base: raw.assumingMemoryBound(to: UInt8.self), start: range.lowerBound, end: range.upperBound)
        p.skipBlanks()
        let v = try p.value(depth: 0)
        p.skipBlanks()
        if p.pos < p.end { throw p.error("unexpected \(p.describe()) after the JSON value") }
        return v
    }

    /// Parses a sequence of JSON values separated by blanks (one document, JSON Lines, or several
    /// concatenated documents), each with the byte offset where it starts.
    package static func parseSequence(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) throws(JSONParseError) -> [(offset: Int, value: JSONValue)] {
        guard let raw = bytes.baseAddress, !range.isEmpty else { return [] }
        var p = JSONParser(base: raw.assumingMemoryBound(to: UInt8.self), start: range.lowerBound, end: range.upperBound)
        var out: [(offset: Int, value: JSONValue)] = []
        p.skipBlanks()
        while p.pos < p.end {
            let at = p.pos
            out.append((at, try p.value(depth: 0)))
            p.skipBlanks()
        }
        return out
    }

    /// Convenience for tests and small inputs.
    package static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        let bytes = Array(text.utf8)
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONParseError) in try parse(raw, range: 0..<raw.count) }
        }
        return try result.get()
    }

    func error(_ message: String) -> JSONParseError {
        JSONParseError(offset: pos - start, message: message)
    }

    func describe() -> String {
        pos < end ? describeByte(base[pos]) : "end of input"
    }

    mutating func skipBlanks() {
        while pos < end {
            let c = base[pos]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            pos += 1
        }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard pos < end else { throw error("unexpected end of input") }
        switch base[pos] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard end - pos >= n else { throw error("invalid literal") }
        let w = word.utf8Start
        for i in 0..<n where base[pos + i] != w[i] { throw error("invalid literal") }
        pos += n
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
        pos += 1
        var members: [String: JSONValue] = [:]
        skipBlanks()
        if pos < end && base[pos] == UInt8(ascii: "}") {
            pos += 1
            return .object(members)
        }
        while true {
            skipBlanks()
            guard pos < end, base[pos] == UInt8(ascii: "\"") else { throw error("expected a key, found \(describe())") }
            let keyAt = pos
            let key = try string()
            skipBlanks()
            guard pos < end, base[pos] == UInt8(ascii: ":") else { throw error("expected `:`, found \(describe())") }
            pos += 1
            skipBlanks()
            let v = try value(depth: depth)
            if members.updateValue(v, forKey: key) != nil {
                throw JSONParseError(offset: keyAt - start, message: "duplicate key `\(key)`")
            }
            skipBlanks()
            guard pos < end else { throw error("unexpected end of input") }
            if base[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            if base[pos] == UInt8(ascii: "}") {
                pos += 1
                return .object(members)
            }
            throw error("expected `,` or `}`, found \(describe())")
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
        pos += 1
        var items: [JSONValue] = []
        skipBlanks()
        if pos < end && base[pos] == UInt8(ascii: "]") {
            pos += 1
            return .array(items)
        }
        while true {
            skipBlanks()
            items.append(try value(depth: depth))
            skipBlanks()
            guard pos < end else { throw error("unexpected end of input") }
            if base[pos] == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            if base[pos] == UInt8(ascii: "]") {
                pos += 1
                return .array(items)
            }
            throw error("expected `,` or `]`, found \(describe())")
        }
    }

    mutating func number() throws(JSONParseError) -> String {
        let s = pos
        guard let n = NumberParsing.scan(base, pos, end) else { throw error("unexpected \(describe())") }
        pos = n.end
        return String(decoding: UnsafeBufferPointer(start: base + s, count: pos - s), as: UTF8.self)
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard end - pos >= 4 else { throw error("invalid `\\u` escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = base[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 55)
            default: throw error("invalid `\\u` escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    mutating func string() throws(JSONParseError) -> String {
        pos += 1
        let s = pos
        // Fast path: no escapes.
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(start: base + s, count: pos - s), as: UTF8.self)
                pos += 1
                return text
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("control character in a string") }
            pos += 1
        }
        var bytes = Array(UnsafeBufferPointer(start: base + s, count: pos - s))
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            if c < 0x20 { throw error("control character in a string") }
            if c != UInt8(ascii: "\\") {
                bytes.append(c)
                pos += 1
                continue
            }
            pos += 1
            guard pos < end else { break }
            let e = base[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00, end - pos >= 6, base[pos] == UInt8(ascii: "\\"), base[pos + 1] == UInt8(ascii: "u") {
                    let save = pos
                    pos += 2
                    let low = try hex4()
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        pos = save
                    }
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                bytes.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw error("invalid escape `\\\(String(UnicodeScalar(e)))`")
            }
        }
        throw error("unterminated string")
    }
}
