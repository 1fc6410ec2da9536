/// Where the report writer puts elements that hold only other elements: libxml2's writer
/// (`XMLOutput`), or `XMLBytes`, which writes the same bytes without it.
protocol ElementOutput {
    /// Writes `<name attributes…>`, then `content`, then the end tag (or `/>` when empty);
    /// nil attribute values are omitted.
    func element(_ name: String, _ attributes: KeyValuePairs<String, String?>, content: () throws -> Void) throws
}

extension ElementOutput {
    /// Writes `<name attributes…/>`.
    func emptyElement(_ name: String, _ attributes: KeyValuePairs<String, String?>) throws {
        try element(name, attributes, content: {})
    }
}

extension XMLOutput: ElementOutput {}

/// Elements written as bytes exactly as `XMLOutput` (libxml2's xmlTextWriter, indenting by two
/// spaces) writes them at a given depth after an earlier sibling, for the window lists, which
/// are most of a long report: libxml2 spent about 1,300 instructions on each start tag and each
/// attribute (callgrind, benchmark trace: 16,570 windows and 82,813 evidence records took
/// 0.07–0.12 s of a two-job run). The bytes go into the document with `XMLOutput.append(fragment:)`.
/// Only elements and attributes: no text content, comments or namespaces.
/// Tests compare it with `XMLOutput.fragment` on hostile values (`XMLBytesTests`).
final class XMLBytes: ElementOutput {
    private(set) var bytes: [UInt8] = []
    /// The depth (number of ancestors) of the elements written at the top.
    private let depth: Int
    /// Open elements: their names, and whether their start tag has been closed by a child.
    private var open: [(name: String, closed: Bool)] = []

    init(depth: Int) {
        precondition(depth >= 1, "a fragment has the root as an ancestor")
        self.depth = depth
        bytes.reserveCapacity(1 << 16)
    }

    func element(_ name: String, _ attributes: KeyValuePairs<String, String?>, content: () throws -> Void) throws {
        let level = depth + open.count
        let closeParent = open.last.map { !$0.closed } ?? false
        if closeParent { open[open.count - 1].closed = true }
        // One access to `bytes` for the whole start tag: each access to a class's stored property
        // is checked for exclusivity at run time.
        XMLBytes.startTag(name, attributes, level: level, closingParent: closeParent, into: &bytes)
        open.append((name, false))
        try content()
        let closed = open.removeLast().closed
        XMLBytes.endTag(name, level: level, empty: !closed, into: &bytes)
    }

    private static func startTag(_ name: String, _ attributes: KeyValuePairs<String, String?>, level: Int, closingParent: Bool,
                                 into bytes: inout [UInt8]) {
        if closingParent {
            bytes.append(UInt8(ascii: ">"))
            bytes.append(0x0A)
        }
        indent(level, &bytes)
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        for (attribute, value) in attributes {
            guard let value else { continue }
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: attribute.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(UInt8(ascii: "\""))
            appendEscaped(xmlSafe(value), &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private static func endTag(_ name: String, level: Int, empty: Bool, into bytes: inout [UInt8]) {
        if empty {
            bytes.append(UInt8(ascii: "/"))
            bytes.append(UInt8(ascii: ">"))
        } else {
            indent(level, &bytes)
            bytes.append(UInt8(ascii: "<"))
            bytes.append(UInt8(ascii: "/"))
            bytes.append(contentsOf: name.utf8)
            bytes.append(UInt8(ascii: ">"))
        }
        bytes.append(0x0A)
    }

    private static func indent(_ level: Int, _ bytes: inout [UInt8]) {
        for _ in 0..<level {
            bytes.append(UInt8(ascii: " "))
            bytes.append(UInt8(ascii: " "))
        }
    }

    /// An attribute value as libxml2's writer escapes it (`xmlBufAttrSerializeTxtContent`): `&`,
    /// `<`, `>`, `"` as entities, tab, line feed and carriage return as decimal references, every
    /// other byte as it is (UTF-8 goes out unchanged; `xmlSafe` has removed what XML cannot
    /// carry).
    private static func appendEscaped(_ value: String, _ bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { text in
            // Runs of bytes that need no escape are appended whole.
            var run = 0
            for i in 0..<text.count {
                let entity: StaticString
                switch text[i] {
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case 0x0A: entity = "&#10;"
                case 0x0D: entity = "&#13;"
                case 0x09: entity = "&#9;"
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[run..<i]))
                entity.withUTF8Buffer { bytes.append(contentsOf: $0) }
                run = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[run...]))
        }
    }
}
