import SLACTestSupport
import Testing
@testable import SLACTrace

/// A deferred text field (`TraceFieldRequest.deferredTextField`, the evidence's `id`) is left in
/// the input by the template path and read by `TraceRecord.text(_:)` during the visit. What that
/// gives must be what the slot holds when the field is read as usual, on every path: template,
/// general, a template that fails half-way, escapes, `null`, a missing or repeated key, CSV.
@Suite("Deferred text fields")
struct DeferredTextTests {
    static let deferred: TraceFieldRequest = {
        var r = fullRequest
        r.deferredTextField = "id"
        return r
    }()

    /// What each record's `text(slot)` gives during the visit, for every text slot, with the
    /// records' other values (texts of other slots included), lines and rejections.
    struct Seen: Equatable {
        var texts: [[String?]] = []
        var lines: [Int] = []
        var timestamps: [Int64] = []
        var rejects: [RejectedLine] = []
    }

    func visit(_ bytes: [UInt8], format: TraceFormat = .jsonl, request: TraceFieldRequest, templates: Bool = true,
               chunks: Int = 1) throws -> Seen {
        try bytes.withUnsafeBytes { raw in
            var scanner = try TraceScanner(format: format, request: request, bytes: raw)
            scanner.lineTemplates = templates
            var seen = Seen()
            for range in TraceScanner.chunkBoundaries(bytes: raw, count: chunks, format: format) {
                _ = scanner.scan(raw, range: range, firstLine: 1, accept: { record in
                    seen.texts.append(request.textFields.indices.map { record.text($0) })
                    seen.lines.append(record.line)
                    seen.timestamps.append(record.timestamp)
                }, reject: { seen.rejects.append($0) })
            }
            return seen
        }
    }

    func expectSame(_ text: String, format: TraceFormat = .jsonl, chunks: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = Array(text.utf8)
        let usual = try visit(bytes, format: format, request: fullRequest, templates: false, chunks: chunks)
        for templates in [true, false] {
            let got = try visit(bytes, format: format, request: Self.deferred, templates: templates, chunks: chunks)
            #expect(got == usual, "templates: \(templates), \(text.debugDescription)", sourceLocation: sourceLocation)
        }
        #expect(!usual.texts.isEmpty, sourceLocation: sourceLocation)
    }

    static let line = #"{"id":"r-1","ts":"2026-03-01T00:00:00.123Z","tenant":"acme","model":"m","region":"eu","status":"ok","input_tokens":812,"output_tokens":256,"ttft_ms":312.5,"e2e_ms":4120.0}"#

    @Test("ids read on the template path, after the general path, and where the template fails")
    func paths() throws {
        let l = Self.line
        let other = l.replacingOccurrences(of: "r-1", with: "r-22")
        let escaped = l.replacingOccurrences(of: "\"r-1\"", with: #""r\u002d3\"x""#)
        let null = l.replacingOccurrences(of: "\"r-1\"", with: "null")
        let late = l.replacingOccurrences(of: "\"e2e_ms\":4120.0", with: "\"e2e_ms\":\"x\"")
        let noID = l.replacingOccurrences(of: #""id":"r-1","#, with: "")
        let empty = l.replacingOccurrences(of: "\"r-1\"", with: "\"\"")
        try expectSame([l, other, l].joined(separator: "\n") + "\n")
        // An escaped id after a template, then plain ids again: the escaped one is in `texts`.
        try expectSame([l, escaped, other, escaped, l].joined(separator: "\n"))
        try expectSame([l, null, l, noID, other, empty, l].joined(separator: "\n"))
        // A line that departs from the template after its id (the template path has set the id's
        // range, then gives the line to the general path) and one rejected there.
        try expectSame([l, late, other, l.replacingOccurrences(of: "4120.0", with: "4120.0x"), l].joined(separator: "\n"))
        try expectSame([l, other, escaped, l, other, null].joined(separator: "\n"), chunks: 3)
    }

    @Test("CSV rows keep the id in the record")
    func csv() throws {
        try expectSame("id,ts,tenant\nr-1,2026-03-01T00:00:00Z,acme\n\"r,2\",2026-03-01T00:00:01Z,acme\n", format: .csv)
    }

    @Test("every small change to a templated line gives the same ids")
    func mutations() throws {
        let line = Array(Self.line.utf8)
        var failures = 0
        var variants = 0
        // Changes in and around the id's value and the key after it.
        for i in 0..<min(line.count, 32) {
            for c in Array(#"" \,:}0x"#.utf8) where c != line[i] {
                var replaced = line
                replaced[i] = c
                var deleted = line
                deleted.remove(at: i)
                for variant in [replaced, deleted] {
                    variants += 1
                    let text = line + [0x0A] + variant + [0x0A] + line + [0x0A]
                    let usual = try visit(text, request: fullRequest, templates: false)
                    if try visit(text, request: Self.deferred) != usual {
                        failures += 1
                        if failures <= 5 { Issue.record("ids differ for \(String(decoding: variant, as: UTF8.self).debugDescription)") }
                    }
                }
            }
        }
        #expect(failures == 0)
        #expect(variants > 400)
    }
}
