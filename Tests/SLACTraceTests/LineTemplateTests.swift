import SLACTestSupport
import Testing
@testable import SLACTrace

/// The template path (`RecordDecoder.decodeShapedLine`: a line laid out like the one before it is
/// read by comparing the bytes before each value with that line's) must give exactly what the
/// general path gives: the same records, the same rejections with the same reasons.
@Suite("JSON line templates")
struct LineTemplateTests {
    /// Compact lines of several kinds: the canonical fields, unknown keys of every JSON type,
    /// escapes in values, a list, numeric timestamps, a line that ends with spaces and a CR.
    static let lines = [
        #"{"id":"r-1","ts":"2026-03-01T00:00:00.123Z","tenant":"acme","model":"m","region":"eu","status":"ok","input_tokens":812,"output_tokens":256,"ttft_ms":312.5,"e2e_ms":4120.0}"#,
        #"{"ts":1772323200123,"x":{"a":[1,{"b":"}"}]},"tenant":"t\"\u00e9","itl_ms":[1.5,2,0],"n":null,"v":true,"input_tokens":3e2}"#,
        #"{"id":"a\\b","ts":"2026-03-01T00:00:00+01:00","status":"error","ttft_ms":0.1,"y":false}"# + "  \r",
    ]

    /// Scans `text` with and without templates.
    func both(_ text: String, chunks: Int = 1) throws -> (with: ScanResult, without: ScanResult) {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in
            func run(_ templates: Bool) throws -> ScanResult {
                var scanner = try TraceScanner(format: .jsonl, request: fullRequest, bytes: raw)
                scanner.lineTemplates = templates
                var result = ScanResult()
                var offset = 0
                for range in TraceScanner.chunkBoundaries(bytes: raw, count: chunks, format: .jsonl) {
                    var records: [TraceRecord] = []
                    var rejects: [RejectedLine] = []
                    let r = scanner.scan(raw, range: range, firstLine: 1, accept: { records.append($0) }, reject: { rejects.append($0) })
                    result.records += records.map { var c = $0; c.line += offset; return c }
                    result.rejects += rejects.map { RejectedLine(line: $0.line + offset, reason: $0.reason) }
                    result.lines += r.lines
                    result.count += r.records
                    offset += r.lines
                }
                return result
            }
            return (try run(true), try run(false))
        }
    }

    /// Scans `bytes` whole with or without templates.
    func read(_ bytes: [UInt8], request: TraceFieldRequest = fullRequest, templates: Bool) throws -> ScanResult {
        try bytes.withUnsafeBytes { raw in
            var scanner = try TraceScanner(format: .jsonl, request: request, bytes: raw)
            scanner.lineTemplates = templates
            var result = ScanResult()
            let r = scanner.scan(raw, range: 0..<raw.count, firstLine: 1, accept: { result.records.append($0) },
                                 reject: { result.rejects.append($0) })
            result.lines = r.lines
            result.count = r.records
            return result
        }
    }

    func expectSame(_ text: String, chunks: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (with, without) = try both(text, chunks: chunks)
        #expect(sameRecords(with.records, without.records), "records differ for \(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(with.rejects == without.rejects, "rejections differ for \(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(with.lines == without.lines && with.count == without.count, sourceLocation: sourceLocation)
    }

    /// Every one-byte deletion, replacement and insertion, and every truncation, of a line that
    /// follows its own template (and is followed by it again, so that a template learned from a
    /// broken line would show).
    @Test("every small change to a templated line reads as the general path reads it", arguments: lines.indices)
    func mutations(index: Int) throws {
        let line = Array(Self.lines[index].utf8)
        // With line feeds and carriage returns: the template finds a line's end itself
        // (`RecordDecoder.decodeLineFindingEnd`), so a line break anywhere in a line must end it.
        let replacements: [UInt8] = Array(#"" \,:}{[]0-9.eEx"#.utf8) + [0x09, 0x00, 0xC3, 0x0A, 0x0D]
        var variants: [[UInt8]] = []
        for i in 0..<line.count {
            var deleted = line
            deleted.remove(at: i)
            variants.append(deleted)
            variants.append(Array(line[..<i]))
            for c in replacements where c != line[i] {
                var replaced = line
                replaced[i] = c
                variants.append(replaced)
                var inserted = line
                inserted.insert(c, at: i)
                variants.append(inserted)
            }
        }
        var failures = 0
        for variant in variants {
            var text = line + [0x0A] + variant + [0x0A] + line + [0x0A] + line
            text.append(0x0A)
            let decoded = String(decoding: text, as: UTF8.self)
            // Invalid UTF-8 (the 0xC3 replacement) is read as bytes: compare on the bytes.
            let with = try read(text, templates: true), without = try read(text, templates: false)
            if !sameRecords(with.records, without.records) || with.rejects != without.rejects || with.count != without.count {
                failures += 1
                if failures <= 5 { Issue.record("paths differ for \(decoded.debugDescription)") }
            }
        }
        #expect(failures == 0)
        #expect(variants.count > 1000)
    }

    @Test("the template is used for lines laid out alike, and left for lines that are not")
    func templateIsUsed() throws {
        let line = Self.lines[0]
        let spaced = #"{ "id": "r-1", "ts": "2026-03-01T00:00:00Z" }"#
        for (text, expectedHits) in [([line, line, line, line], 3), ([line, spaced, line, spaced], 0), ([spaced, spaced], 0)] {
            let bytes = Array(text.joined(separator: "\n").utf8)
            let hits = bytes.withUnsafeBufferPointer { b -> Int in
                guard let base = b.baseAddress else { return -1 }
                var decoder = RecordDecoder(base: base, readable: b.count, table: FieldTable(request: fullRequest), request: fullRequest)
                var record = TraceRecord(request: fullRequest)
                var start = 0
                while start < b.count {
                    let end = b[start...].firstIndex(of: 0x0A) ?? b.count
                    _ = try? decoder.decodeJSONLine(start, end, &record)
                    start = end + 1
                }
                return decoder.shapeHits
            }
            #expect(hits == expectedHits, "\(text)")
        }
    }

    /// The template path leaves a text slot as it is when the line's value has the bytes the slot
    /// got from the line before (`RecordDecoder.setTemplateText`); every other way of writing the
    /// slot in between (absent, `null`, escaped, the general path, the `status` default) must
    /// show.
    @Test("a value repeated from the line before reads as the general path reads it")
    func repeatedValues() throws {
        let line = Self.lines[0]
        let variants = [
            line,
            line.replacingOccurrences(of: #""status":"ok""#, with: #""status":null"#),
            line,
            line.replacingOccurrences(of: #""status":"ok""#, with: #""status":"o\u006b""#),
            line.replacingOccurrences(of: #""status":"ok""#, with: #""status":"error""#),
            line,
            line.replacingOccurrences(of: #","status":"ok""#, with: ""),
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"acme-corporation-x""#),
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"acme-corporation-x""#),
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"""#),
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"""#),
            line,
            line.replacingOccurrences(of: #"{"id""#, with: #"{ "id""#),
            line,
            // Values of exactly one and two words (8 and 16 bytes), where the masks change.
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"acme-co8""#),
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"acme-co8""#),
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"acme-co9""#),
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"acme-corporation""#),
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"acme-corporation""#),
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"acme-corporatioN""#),
            line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"acme-corporation7""#),
            line,
        ]
        try expectSame(variants.joined(separator: "\n") + "\n")
        try expectSame(variants.joined(separator: "\n") + "\n", chunks: 3)
        let (with, _) = try both(variants.joined(separator: "\n") + "\n")
        // `null` and an absent `status` read as `ok` (docs/formats.md).
        #expect(with.records.map { $0.texts[2] } == ["ok", "ok", "ok", "ok", "error"] + Array(repeating: "ok", count: 17))
        #expect(with.records.map { $0.texts[1] }[6...] == ["acme", "acme-corporation-x", "acme-corporation-x", "", "", "acme", "acme", "acme",
                                                           "acme-co8", "acme-co8", "acme-co9", "acme-corporation", "acme-corporation",
                                                           "acme-corporatioN", "acme-corporation7", "acme"])
    }

    /// The template path reads short non-negative numbers itself (`RecordDecoder.storeShortNumber`)
    /// and leaves every other form to the general reading: both must give the same values and the
    /// same rejections, at the edges of that form too.
    @Test("numbers at the edges of the template's short form read as the general path reads them")
    func shortNumbers() throws {
        let numbers = ["0", "00", "01", "0.5", "0.05", "0.0", "5.", "5.e3", "5e3", "5E3", "5.5e-1", ".5", "-0", "-1.5",
                       "123456789012345", "1234567890123456", "12345678.9012345", "12345678.90123456",
                       "0.000000000000001", "0.0000000000000001", "9007199254740993", "76.0", "76.5", "1.7976931348623157e309",
                       "4120.0", "312.5", "1x", "1.5.5", "2.50", "999999999999999.9"]
        let line = Self.lines[0]
        for n in numbers {
            // In a token count (whole), a metric (`ttft_ms`) and the last value before `}`.
            let variants = [
                line.replacingOccurrences(of: #""input_tokens":812"#, with: #""input_tokens":\#(n)"#),
                line.replacingOccurrences(of: #""ttft_ms":312.5"#, with: #""ttft_ms":\#(n)"#),
                line.replacingOccurrences(of: #""e2e_ms":4120.0}"#, with: #""e2e_ms":\#(n)}"#),
            ]
            for v in variants {
                try expectSame([line, v, line].joined(separator: "\n"))
                try expectSame([line, v].joined(separator: "\n"))
            }
        }
        let (with, _) = try both([line, line.replacingOccurrences(of: #""ttft_ms":312.5"#, with: #""ttft_ms":0.1"#)].joined(separator: "\n"))
        #expect(with.records.map { $0.numbers[2] } == [312.5, 0.1])
    }

    /// Keys are compared three words at a time, and past that word by word: a change anywhere in a
    /// long key (or in a short one at the end of the input, where three words do not fit) must
    /// make the template let go of the line.
    @Test("long keys, and lines at the end of the input, read as the general path reads them")
    func longKeys() throws {
        let line = #"{"id":"r-1","ts":"2026-03-01T00:00:00Z","a_field_name_well_beyond_twenty_four_bytes":1,"tenant":"acme","another_rather_long_key_name_x":"v"}"#
        let bytes = Array(line.utf8)
        // The long keys are requested, so that a changed key shows in the record.
        let request = TraceFieldRequest(numericFields: ["a_field_name_well_beyond_twenty_four_bytes"],
                                        textFields: ["id", "tenant", "another_rather_long_key_name_x"])
        var failures = 0
        for i in 0..<bytes.count where bytes[i] != UInt8(ascii: "\"") {
            var changed = bytes
            changed[i] = bytes[i] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
            for text in [bytes + [0x0A] + changed + [0x0A] + bytes, bytes + [0x0A] + bytes + [0x0A] + changed] {
                let with = try read(text, request: request, templates: true), without = try read(text, request: request, templates: false)
                if !sameRecords(with.records, without.records) || with.rejects != without.rejects {
                    failures += 1
                    if failures <= 5 { Issue.record("paths differ for \(String(decoding: changed, as: UTF8.self))") }
                }
            }
        }
        #expect(failures == 0)
        // Short lines whose last keys end within three words of the input's end.
        try expectSame(#"{"ts":"2026-03-01T00:00:00Z","tenant":"a"}"# + "\n" + #"{"ts":"2026-03-01T00:00:00Z","tenant":"b"}"#)
        try expectSame(#"{"ts":1,"n":2}"# + "\n" + #"{"ts":1,"n":3}"# + "\n" + #"{"ts":1,"n":4}"#)
    }

    /// The template path tries each timestamp at the length of the one before; timestamps of
    /// other lengths, and texts that only look like one, must read as the general path reads them.
    @Test("timestamps of changing lengths read as the general path reads them")
    func timestampLengths() throws {
        let line = Self.lines[0]
        let stamps = ["2026-03-01T00:00:00.123Z", "2026-03-01T00:00:01Z", "2026-03-01T00:00:02.123456Z", "2026-03-01T00:00:03.124Z",
                      "2026-03-01T01:00:03.124+01:00", "2026-03-01T00:00:03.125Z", "2026-03-01T00:00:03.12\"Z", "2026-03-01T00:00:03.126Z",
                      "2026-03-01T00:00:03.126", "2026-03-01T00:00:03.127z", "2026-03-01 00:00:03.128Z", "2026-03-01T00:00:03.129Z\n",
                      "2026-03-01T00:00:03.13Z", "2026-03-01T00:00:03.131Z", "2026-02-30T00:00:03.132Z", "2026-03-01T00:00:03.133Z"]
        let lines = stamps.map { line.replacingOccurrences(of: "2026-03-01T00:00:00.123Z", with: $0) }
        try expectSame(lines.joined(separator: "\n") + "\n")
        try expectSame((lines + lines.reversed()).joined(separator: "\n"))
        let (with, _) = try both(lines.joined(separator: "\n") + "\n")
        // Rejected: a quote inside, no offset, February 30, and the raw line feed splits its
        // line in two.
        #expect(with.records.count == 12)
        #expect(with.rejects.count == 5)
    }

    /// The scanner asks the template to find each line's end (`RecordDecoder.decodeLineFindingEnd`)
    /// before it searches for the line feed: the end must be the line's line feed (after a CR
    /// too), or the input's end, and anything the template cannot vouch for must leave the line
    /// to the search.
    @Test("the template finds where a line ends, or leaves the line to the search")
    func templateFindsLineEnds() throws {
        let line = Self.lines[0]
        let nullStatus = line.replacingOccurrences(of: #""status":"ok""#, with: #""status":null"#)
        let escaped = line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"a\u0063me""#)
        let cases: [(second: String, end: String, expected: Int?)] = [
            (line, "\n", line.utf8.count),        // the line feed
            (line, "\r\n", line.utf8.count + 1), // the line feed after a CR
            (line, "\r", line.utf8.count + 1),    // a CR at the input's end
            (line, "", line.utf8.count),          // the input's end
            (line, " \n", nil),                  // trailing space: the search
            (line, "x\n", nil),
            (nullStatus, "\n", nil),              // a value read generally
            (escaped, "\n", nil),
            (String(line.dropLast()), "\n", nil),
        ]
        for c in cases {
            let bytes = Array((line + "\n" + c.second + c.end + #"{"id":"next"}"#).utf8)
            let found = bytes.withUnsafeBufferPointer { b -> Int in
                guard let base = b.baseAddress else { return -2 }
                var decoder = RecordDecoder(base: base, readable: b.count, table: FieldTable(request: fullRequest), request: fullRequest)
                var record = TraceRecord(request: fullRequest)
                let first = line.utf8.count
                _ = try? decoder.decodeJSONLine(0, first, &record)
                let start = first + 1
                // The range ends where the next line would begin when the case ends the input.
                let rangeEnd = c.end.isEmpty || c.end == "\r" ? start + c.second.utf8.count + c.end.utf8.count : b.count
                let end = decoder.decodeLineFindingEnd(start, rangeEnd, &record)
                return end < 0 ? end : end - start
            }
            #expect(found == (c.expected ?? -1), "\(c.second.suffix(20).debugDescription) + \(c.end.debugDescription)")
        }
        // Through the scanner, whole and in chunks (a chunk's range ends inside the input): CR LF
        // lines, trailing blanks, the last line without its line feed.
        for chunks in [1, 2, 3] {
            try expectSame(Array(repeating: line, count: 6).joined(separator: "\r\n") + "\r\n", chunks: chunks)
            try expectSame([line, line + " ", line + "\r", line, line, line].joined(separator: "\n"), chunks: chunks)
            try expectSame(Array(repeating: line, count: 5).joined(separator: "\n") + "\r", chunks: chunks)
        }
        // Lines the template reads where it cannot find the end (a space before the line feed):
        // the search and the template within the line, the same records.
        try expectSame(Array(repeating: line + " ", count: 200).joined(separator: "\n") + "\n")
    }

    /// A line the template reads, and whose end it finds, is still held to the line limit.
    @Test("a templated line longer than the limit is rejected")
    func templatedLineOverLimit() throws {
        let line = Self.lines[0]
        let long = line.replacingOccurrences(of: #""tenant":"acme""#, with: #""tenant":"acme-corporation-with-a-long-name""#)
        for separator in ["\n", "\r\n"] {
        let bytes = Array(([line, line, long, line].joined(separator: separator) + separator).utf8)
        for templates in [true, false] {
            let result = try bytes.withUnsafeBytes { raw in
                var scanner = try TraceScanner(format: .jsonl, request: fullRequest, bytes: raw)
                scanner.lineTemplates = templates
                scanner.maximumLine = line.utf8.count + 5
                var result = ScanResult()
                _ = scanner.scan(raw, range: 0..<raw.count, firstLine: 1, accept: { result.records.append($0) },
                                 reject: { result.rejects.append($0) })
                return result
            }
            #expect(result.records.map(\.line) == [1, 2, 4], "templates \(templates)")
            #expect(result.rejects.map(\.line) == [3], "templates \(templates)")
        }
        }
    }

    @Test("keys written with escapes never make a template")
    func escapedKeys() throws {
        // `"a\"b"` is the key a"b; a raw `"a"b"` is not JSON, and must not match it.
        try expectSame(#"{"a\"b":1,"ts":"2026-03-01T00:00:00Z"}"# + "\n" + #"{"a"b":1,"ts":"2026-03-01T00:00:00Z"}"# + "\n")
        try expectSame(#"{"i\u0064":"x","ts":"2026-03-01T00:00:00Z"}"# + "\n" + #"{"id":"y","ts":"2026-03-01T00:00:00Z"}"# + "\n")
        let bytes = Array((#"{"i\u0064":"x","ts":"2026-03-01T00:00:00Z"}"# + "\n" + #"{"i\u0064":"x","ts":"2026-03-01T00:00:00Z"}"#).utf8)
        let hits = bytes.withUnsafeBufferPointer { b -> Int in
            guard let base = b.baseAddress else { return -1 }
            var decoder = RecordDecoder(base: base, readable: b.count, table: FieldTable(request: fullRequest), request: fullRequest)
            var record = TraceRecord(request: fullRequest)
            let split = bytes.firstIndex(of: 0x0A) ?? 0
            _ = try? decoder.decodeJSONLine(0, split, &record)
            _ = try? decoder.decodeJSONLine(split + 1, b.count, &record)
            return decoder.shapeHits
        }
        #expect(hits == 0)
    }

    /// Random compact lines: mostly one or two layouts, some with a field more or less or in
    /// another order, values of every kind, some of them invalid for their field.
    static func randomLines(seed: UInt64, count: Int) -> String {
        var random = SeededGenerator(seed: seed)
        let values: [String: [String]] = [
            "id": [#""r-1""#, #""r\"2""#, #""\u00e9""#, "7", "null"],
            "ts": [#""2026-03-01T00:00:00Z""#, #""2026-03-01T00:00:00.5+02:00""#, "1772323200000", #""2026-02-30T00:00:00Z""#, #""x""#, "null"],
            "tenant": [#""acme""#, #""umbrella""#, #""a\nb""#, "1", "null", "[1]"],
            "status": [#""ok""#, #""error""#, "true"],
            "input_tokens": ["812", "0", "-1", "1.5", "2e3", "1e400", #""3""#, "null"],
            "ttft_ms": ["312.5", "0.1", "-0.0", "1E-2", "00", "1.", "null"],
            "itl_ms": ["[1,2.5]", "[]", "[-1]", #"["a"]"#, "null", "3"],
            "extra": [#"{"a":[1,{"b":"}"}]}"#, "false", #""\"""#],
        ]
        let layouts = [
            ["id", "ts", "tenant", "status", "input_tokens", "ttft_ms"],
            ["ts", "tenant", "itl_ms", "extra", "input_tokens"],
        ]
        var out = ""
        for _ in 0..<count {
            var keys = layouts[Int(random.next() % 2)]
            switch random.next() % 20 {
            case 0: keys.removeLast()
            case 1: keys.append("extra")
            case 2: keys.swapAt(0, keys.count - 1)
            case 3: keys.append(keys[0])  // a duplicate key
            default: break
            }
            let fields = keys.map { key -> String in
                let choices = values[key] ?? ["1"]
                // Mostly the first (valid) value, so that lines repeat their layout and values.
                let value = random.next() % 4 == 0 ? choices[Int(random.next() % UInt64(choices.count))] : choices[0]
                return "\"\(key)\":" + value
            }
            out += "{" + fields.joined(separator: ",") + "}" + (random.next() % 30 == 0 ? " \r\n" : "\n")
        }
        return out
    }

    @Test("random lines with bad values read the same with and without templates", arguments: [UInt64(5), 17, 99])
    func randomTraces(seed: UInt64) throws {
        let text = Self.randomLines(seed: seed, count: 3000)
        for chunks in [1, 3, 7] { try expectSame(text, chunks: chunks) }
        let (with, _) = try both(text)
        #expect(with.records.count > 1000 && with.rejects.count > 100)
    }

    @Test("lines that stop short of, or run past, the template")
    func prefixesAndExtensions() throws {
        let full = Self.lines[0]
        let short = #"{"id":"r-1","ts":"2026-03-01T00:00:00.123Z","tenant":"acme"}"#
        let longer = String(full.dropLast()) + #","extra":[1,2]}"#
        let duplicate = String(full.dropLast()) + #","id":"again"}"#
        try expectSame([full, short, full, longer, full, duplicate, full, ""].joined(separator: "\n"))
        // The last line of the input without its newline.
        try expectSame(full + "\n" + full)
        try expectSame(full + "\n" + String(full.dropLast()))
    }

    /// Values of one line must not leak into the next, whichever path reads each: a field present
    /// on one line and absent (or null) on the next, a line rejected halfway and then a shorter
    /// one, `status` back to its default.
    @Test("a field absent on the next line reads as absent")
    func nothingLeaksBetweenLines() throws {
        let full = #"{"id":"a","ts":"2026-03-01T00:00:00Z","tenant":"t","status":"error","input_tokens":5,"ttft_ms":1.5,"itl_ms":[1]}"#
        let short = #"{"ts":"2026-03-01T00:00:01Z"}"#
        let nulls = #"{"id":null,"ts":"2026-03-01T00:00:02Z","tenant":null,"status":null,"input_tokens":null,"ttft_ms":null,"itl_ms":null}"#
        let brokenHalfway = #"{"id":"b","ts":"2026-03-01T00:00:03Z","tenant":"u","status":"error","input_tokens":-1,"ttft_ms":2}"#
        let text = [full, full, short, full, nulls, full, brokenHalfway, short].joined(separator: "\n") + "\n"
        for templates in [true, false] {
            let result = try read(Array(text.utf8), templates: templates)
            #expect(result.rejects.map(\.line) == [7])
            #expect(result.records.count == 7)
            for record in result.records where record.line == 3 || record.line == 5 || record.line == 8 {
                #expect(record.texts == [nil, nil, "ok", nil, nil], "line \(record.line), templates \(templates)")
                #expect(record.numbers.allSatisfy { $0.isNaN }, "line \(record.line), templates \(templates)")
                #expect(record.lists == [nil], "line \(record.line), templates \(templates)")
            }
            for record in result.records where record.line == 1 || record.line == 2 || record.line == 4 || record.line == 6 {
                #expect(record.texts == ["a", "t", "error", nil, nil] && record.numbers[0] == 5 && record.numbers[2] == 1.5)
            }
        }
    }

    /// Requests the template readings do not cover by themselves: `ts` as a text and as a
    /// number, a number field that is not a canonical metric, a field requested twice, and more
    /// than 64 text slots (the record is then cleared the old way).
    @Test("unusual requests read the same with and without templates")
    func unusualRequests() throws {
        let lines = [
            #"{"id":"a","ts":"2026-03-01T00:00:00.5Z","score":3.25,"tenant":"t","x0":"v"}"#,
            #"{"id":"b","ts":"2026-03-01T00:00:01Z","score":"4","tenant":"t","x0":"w"}"#,
            #"{"id":"c","ts":1772323202000,"score":5,"tenant":null,"x0":1}"#,
            #"{"id":"d","ts":"2026-03-01T00:00:03Z","score":6,"tenant":"u"}"#,
            #"{"id":"e","ts":"2026-03-01T00:00:04Z","score":7,"tenant":"u","x0":"z"}"#,
        ]
        let text = (lines + lines).joined(separator: "\n") + "\n"
        let wide = (0..<70).map { "x\($0)" }
        let requests = [
            TraceFieldRequest(numericFields: ["score", "ts"], textFields: ["ts", "id", "tenant", "tenant"]),
            TraceFieldRequest(numericFields: ["score", "score"], textFields: ["id"] + wide),
        ]
        for request in requests {
            let bytes = Array(text.utf8)
            let with = try read(bytes, request: request, templates: true)
            let without = try read(bytes, request: request, templates: false)
            #expect(sameRecords(with.records, without.records))
            #expect(with.rejects == without.rejects)
            #expect(with.records.count + with.rejects.count == 10)
            // Line 4 has no `x0`: absent, not the previous line's value.
            if let line4 = with.records.first(where: { $0.line == 4 }), request.textFields.count > 64 {
                #expect(line4.texts[1] == nil)
            }
        }
    }
}
