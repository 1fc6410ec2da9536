import CLibXML2

/// Why writing a report failed; libxml2 only fails on allocation or internal errors, so these are
/// rare, but a report must never be silently truncated.
package enum ReportWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A libxml2 call returned an error code; `operation` names the step.
    case libxml2(operation: String)

    /// One line for the CLI's error output.
    package var description: String {
        switch self {
        case .libxml2(let operation): return "libxml2 failed while writing a report (\(operation))"
        }
    }
}

/// Characters that XML 1.0 cannot carry (C0 controls other than tab, LF and CR; U+FFFE; U+FFFF)
/// become U+FFFD: xmlTextWriter would write them raw and produce a document no parser accepts.
/// NUL is replaced too, since C strings would otherwise cut the text short.
func xmlSafe(_ text: String) -> String {
    // Fast path over UTF-8 bytes: no control characters below 0x20 other than tab, LF, CR, and no
    // 0xEF 0xBF 0xBE/0xBF (U+FFFE, U+FFFF); reports write hundreds of thousands of values.
    var copy = text
    let clean = copy.withUTF8 { bytes in
        for i in 0..<bytes.count {
            let b = bytes[i]
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return false }
            if (b == 0xBE || b == 0xBF) && i >= 2 && bytes[i - 2] == 0xEF && bytes[i - 1] == 0xBF { return false }
        }
        return true
    }
    if clean { return text }
    func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x00...0x1F, 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }
    if text.unicodeScalars.allSatisfy(allowed) { return text }
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        scalars.append(allowed(scalar) ? scalar : "\u{FFFD}")
    }
    return String(scalars)
}

/// A thin, throwing view of one xmlTextWriter; it exists only inside `XMLOutput.document`, which
/// owns the writer and its buffer, so no libxml2 pointer escapes.
struct XMLOutput {
    private let writer: OpaquePointer

    private init(writer: OpaquePointer) { self.writer = writer }

    /// Runs `body` against a fresh in-memory writer and returns the finished document bytes.
    /// The writer writes to an xmlBuffer (not a file) because a file is complete only after the
    /// writer is freed, and callers want bytes to hash, sign or write atomically.
    static func document(_ body: (XMLOutput) throws -> Void) throws -> [UInt8] {
        guard let buffer = xmlBufferCreate() else { throw ReportWriteError.libxml2(operation: "xmlBufferCreate") }
        defer { xmlBufferFree(buffer) }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            throw ReportWriteError.libxml2(operation: "xmlNewTextWriterMemory")
        }
        var writerFreed = false
        defer { if !writerFreed { xmlFreeTextWriter(writer) } }
        let output = XMLOutput(writer: writer)
        try output.check(xmlTextWriterSetIndent(writer, 1), "xmlTextWriterSetIndent")
        try output.check(xmlTextWriterSetIndentString(writer, "  "), "xmlTextWriterSetIndentString")
        try output.check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "xmlTextWriterStartDocument")
        try body(output)
        try output.check(xmlTextWriterEndDocument(writer), "xmlTextWriterEndDocument")
        try output.check(xmlTextWriterFlush(writer), "xmlTextWriterFlush")
        xmlFreeTextWriter(writer)
        writerFreed = true
        let length = Int(xmlBufferLength(buffer))
        guard length > 0, let content = xmlBufferContent(buffer) else {
            throw ReportWriteError.libxml2(operation: "xmlBufferContent")
        }
        return Array(UnsafeBufferPointer(start: content, count: length))
    }

    /// `operation` is made only on failure: building it for every element and attribute was a
    /// string interpolation each (callgrind, 300,000 benchmark records: 40 million instructions).
    private func check(_ code: Int32, _ operation: @autoclosure () -> String) throws {
        if code < 0 { throw ReportWriteError.libxml2(operation: operation()) }
    }

    /// Writes `<name attributes…>`, then `content`, then the end tag (or `/>` when empty).
    /// Attributes are written in the order given; nil values are omitted.
    func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:],
                 content: () throws -> Void = {}) throws {
        try check(XMLOutput.withXMLChars(name) { xmlTextWriterStartElement(writer, $0) }, "start <\(name)>")
        for (attribute, value) in attributes {
            guard let value else { continue }
            try check(XMLOutput.withXMLChars(attribute) { name in
                XMLOutput.withXMLChars(xmlSafe(value)) { xmlTextWriterWriteAttribute(writer, name, $0) }
            }, "attribute \(attribute)")
        }
        try content()
        try check(xmlTextWriterEndElement(writer), "end <\(name)>")
    }

    /// Runs `body` with `text` as a NUL-terminated `xmlChar` string. The implicit conversion of a
    /// `String` argument copied each short string (names, numbers) into a new heap array
    /// (`utf8CString`); `withCString` reads native strings in place and copies short ones on the
    /// stack.
    @inline(__always)
    static func withXMLChars<R>(_ text: String, _ body: (UnsafePointer<UInt8>) -> R) -> R {
        text.withCString { body(UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self)) }
    }

    /// Writes elements made by `fragment(depth:)` as they are. The enclosing element must already
    /// have a child (its start tag closed), as libxml2 would otherwise close it on the same line.
    func append(fragment bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        // libxml2 takes an Int32 length.
        guard bytes.count <= Int(Int32.max) else { throw ReportWriteError.libxml2(operation: "fragment longer than 2 GiB") }
        try check(bytes.withUnsafeBufferPointer { xmlTextWriterWriteRawLen(writer, $0.baseAddress, Int32($0.count)) },
                  "fragment")
        // A raw write counts as text, after which libxml2 would not indent the enclosing end tag;
        // the fragment ended with a line end, as an element does, so indenting goes on.
        try check(xmlTextWriterSetIndent(writer, 1), "xmlTextWriterSetIndent")
    }

    /// The bytes of the elements `body` writes at `depth` (the number of their ancestors), exactly
    /// as a writer of the whole document writes them after an earlier sibling: written by libxml2
    /// inside `depth` placeholder ancestors, and cut out. Parts of a report are so written on
    /// several threads (`XMLReportWriter.jobs`) and appended in order (`append(fragment:)`).
    static func fragment(depth: Int, _ body: (XMLOutput) throws -> Void) throws -> [UInt8] {
        precondition(depth >= 1, "a fragment has the root as an ancestor")
        let placeholder = "slac-fragment-placeholder"
        func nest(_ out: XMLOutput, _ level: Int) throws {
            if level == depth { return try body(out) }
            try out.element(placeholder) { try nest(out, level + 1) }
        }
        let document = try XMLOutput.document { try nest($0, 0) }
        let open = Array("<\(placeholder)>\n".utf8)
        let close = Array("</\(placeholder)>".utf8)
        // The deepest placeholder's start tag (the `depth`-th from the start) ends where the
        // fragment begins; it ends at the line of the first placeholder end tag (the `depth`-th
        // from the end). An empty fragment leaves `<placeholder/>` instead.
        var from = 0
        var begin = -1
        for _ in 0..<depth {
            guard let found = find(open, in: document, from: from, backwards: false) else { return [] }
            begin = found + open.count
            from = begin
        }
        var finish = document.count
        var closing = -1
        for _ in 0..<depth {
            guard let found = find(close, in: document, from: finish - close.count, backwards: true) else { return [] }
            closing = found
            finish = found
        }
        guard begin <= closing else { return [] }
        var end = closing
        while end > begin && document[end - 1] == UInt8(ascii: " ") { end -= 1 }
        return Array(document[begin..<end])
    }

    /// The first position at or after `from` (or at or before it, `backwards`) where `needle` starts.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, backwards: Bool) -> Int? {
        func matches(_ i: Int) -> Bool {
            guard i >= 0, i + needle.count <= haystack.count else { return false }
            for k in needle.indices where haystack[i + k] != needle[k] { return false }
            return true
        }
        var i = from
        while i >= 0 && i + needle.count <= haystack.count {
            if matches(i) { return i }
            i += backwards ? -1 : 1
        }
        return nil
    }

    /// Writes `<name attributes…>text</name>`; the text is escaped by libxml2 after forbidden
    /// characters are replaced.
    func textElement(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String) throws {
        try element(name, attributes) {
            try check(XMLOutput.withXMLChars(xmlSafe(text)) { xmlTextWriterWriteString(writer, $0) }, "text of <\(name)>")
        }
    }
}
