import Testing
@testable import SLACTrace

@Suite("JSON Lines")
struct JSONLinesTests {
    static let canonical = #"{"id":"r-0000001","ts":"2026-03-01T00:00:00.123Z","tenant":"acme","model":"llama-3.1-70b","region":"eu-west-1","status":"ok","input_tokens":812,"output_tokens":256,"ttft_ms":312.5,"e2e_ms":4120.0}"#

    @Test func canonicalLine() throws {
        let r = try scan(Self.canonical + "\n")
        #expect(r.rejects.isEmpty)
        #expect(r.lines == 1 && r.count == 1)
        let rec = try #require(r.records.first)
        #expect(rec.line == 1)
        #expect(rec.timestamp == epochNanos(2026, 3, 1, nanos: 123_000_000))
        #expect(rec.numbers == [812, 256, 312.5, 4120])
        #expect(rec.texts == ["r-0000001", "acme", "ok", "llama-3.1-70b", "eu-west-1"])
        #expect(rec.lists == [nil])
    }

    @Test func keysReorderedAndWhitespace() throws {
        let line = #"  { "e2e_ms" : 4120.0 , "ttft_ms":312.5,"output_tokens":256, "input_tokens":812,"status":"ok","region":"eu-west-1","model":"llama-3.1-70b","tenant":"acme","ts":"2026-03-01T00:00:00.123Z","id":"r-0000001" }  "#
        // Alternate orders so that the key predictor is wrong on every line.
        let r = try scan([Self.canonical, line, Self.canonical, line].joined(separator: "\n"))
        #expect(r.rejects.isEmpty)
        #expect(r.records.count == 4)
        for rec in r.records {
            #expect(rec.numbers == [812, 256, 312.5, 4120])
            #expect(rec.texts == ["r-0000001", "acme", "ok", "llama-3.1-70b", "eu-west-1"])
            #expect(rec.timestamp == epochNanos(2026, 3, 1, nanos: 123_000_000))
        }
    }

    @Test func unknownKeysAreSkipped() throws {
        let line = #"{"x":{"a":[1,2,{"b":"}"}],"c":null},"ts":"2026-03-01T00:00:00Z","y":[[],[[]],{}],"tenant":"t","z":"a\"b","w":-1.5e3,"v":true,"u":false,"n":null,"input_tokens":3}"#
        let r = try scan(line)
        #expect(r.rejects.isEmpty)
        let rec = try #require(r.records.first)
        #expect(rec.texts[1] == "t")
        #expect(rec.numbers[0] == 3)
        #expect(rec.numbers[1].isNaN)
    }

    @Test func escapesInStrings() throws {
        let line = #"{"ts":"2026-03-01T00:00:00Z","tenant":"a\"b\\c\/d\b\f\n\r\t\u00e9\u20AC\ud83d\ude00x","id":"\ud800"}"#
        let r = try scan(line)
        #expect(r.rejects.isEmpty)
        let rec = try #require(r.records.first)
        #expect(rec.texts[1] == "a\"b\\c/d\u{8}\u{c}\n\r\té€😀x")
        #expect(rec.texts[0] == "\u{FFFD}")  // lone surrogate
    }

    @Test func escapedKeysAreMatched() throws {
        let r = try scan(#"{"\u0074s":"2026-03-01T00:00:00Z","ten\u0061nt":"acme"}"#)
        #expect(r.rejects.isEmpty)
        #expect(r.records.first?.texts[1] == "acme")
    }

    @Test func statusAbsentOrNullMeansOK() throws {
        let r = try scan("""
            {"ts":"2026-03-01T00:00:00Z"}
            {"ts":"2026-03-01T00:00:00Z","status":null}
            {"ts":"2026-03-01T00:00:00Z","status":"error:500"}
            """)
        #expect(r.records.map { $0.texts[2] } == ["ok", "ok", "error:500"])
    }

    @Test func absentAndNullValues() throws {
        let r = try scan(#"{"ts":"2026-03-01T00:00:00Z","ttft_ms":null,"tenant":null,"itl_ms":null}"#)
        let rec = try #require(r.records.first)
        #expect(rec.numbers.allSatisfy { $0.isNaN })
        #expect(rec.texts[1] == nil && rec.texts[0] == nil)
        #expect(rec.lists == [nil])
    }

    @Test func itlLists() throws {
        let r = try scan("""
            {"ts":"2026-03-01T00:00:00Z","itl_ms":[1.5, 2,0.25]}
            {"ts":"2026-03-01T00:00:00Z","itl_ms":[]}
            {"ts":"2026-03-01T00:00:00Z"}
            {"ts":"2026-03-01T00:00:00Z","itl_ms":[3]}
            """)
        #expect(r.rejects.isEmpty)
        #expect(r.records.map { $0.lists[0] } == [[1.5, 2, 0.25], [], nil, [3]])
    }

    @Test func wholeTokenCountsAsFloats() throws {
        let r = try scan("""
            {"ts":"2026-03-01T00:00:00Z","input_tokens":76.0,"output_tokens":1e2}
            {"ts":"2026-03-01T00:00:00Z","input_tokens":76.5}
            {"ts":"2026-03-01T00:00:00Z","output_tokens":-0}
            """)
        #expect(r.records.count == 2)
        #expect(r.records[0].numbers[0] == 76 && r.records[0].numbers[1] == 100)
        #expect(r.records[1].numbers[1].bitPattern == (0.0).bitPattern)  // -0 reads as 0
        #expect(r.rejects == [RejectedLine(line: 2, reason: "`input_tokens` is not a whole number: `76.5`")])
    }

    @Test func blankLinesCRLFAndNoFinalNewline() throws {
        let text = "\r\n" + Self.canonical + "\r\n   \r\n\t\n" + Self.canonical
        let r = try scan(text)
        #expect(r.rejects.isEmpty)
        #expect(r.lines == 5)
        #expect(r.count == 2)
        #expect(r.records.map(\.line) == [2, 5])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let r = try scan(bytes: [0xEF, 0xBB, 0xBF] + Array(Self.canonical.utf8))
        #expect(r.rejects.isEmpty && r.records.count == 1)
    }

    @Test func textFieldsFromNumbersAndBools() throws {
        let request = TraceFieldRequest(numericFields: ["gpu"], textFields: ["tenant", "cached", "input_tokens"])
        let r = try scan(#"{"ts":"2026-03-01T00:00:00Z","tenant":42,"cached":true,"input_tokens":76.0,"gpu":-3.5}"#, request: request)
        let rec = try #require(r.records.first)
        #expect(rec.texts == ["42", "true", "76.0"])
        #expect(rec.numbers == [-3.5])  // a non-canonical number may be negative
    }

    @Test func requestedFieldTwice() throws {
        let request = TraceFieldRequest(numericFields: ["ttft_ms", "ttft_ms"], textFields: ["tenant", "tenant"])
        let r = try scan(#"{"ts":"2026-03-01T00:00:00Z","tenant":"a","ttft_ms":5}"#, request: request)
        #expect(r.records.first?.numbers == [5, 5])
        #expect(r.records.first?.texts == ["a", "a"])
    }

    @Test func longAndRepeatedStrings() throws {
        // More than 16 bytes (not cached), exactly 16 bytes, and values repeating (cached).
        var lines: [String] = []
        let tenants = ["a", "sixteen-bytes-xx", "a-much-longer-tenant-name-here", "", "é"]
        for i in 0..<5000 {
            lines.append(#"{"ts":"2026-03-01T00:00:00Z","tenant":"\#(tenants[i % 5])","id":"r-\#(i)"}"#)
        }
        let r = try scan(lines.joined(separator: "\n"))
        #expect(r.records.count == 5000)
        for (i, rec) in r.records.enumerated() {
            #expect(rec.texts[1] == tenants[i % 5])
            #expect(rec.texts[0] == "r-\(i)")
        }
    }

    @Test func invalidUTF8IsReplaced() throws {
        var bytes = Array(#"{"ts":"2026-03-01T00:00:00Z","tenant":"a"#.utf8)
        bytes += [0xFF, 0xC3]
        bytes += Array(#"b"}"#.utf8)
        let r = try scan(bytes: bytes)
        #expect(r.rejects.isEmpty)
        #expect(r.records.first?.texts[1] == "a\u{FFFD}\u{FFFD}b")
    }

    @Test func manyUnknownKeysAndDuplicatesAmongThem() throws {
        // More distinct keys than the learned-key table holds.
        var fields: [String] = [#""ts":"2026-03-01T00:00:00Z""#]
        for i in 0..<400 { fields.append("\"k\(i)\":\(i)") }
        let good = "{" + fields.joined(separator: ",") + "}"
        let bad = "{" + fields.joined(separator: ",") + ",\"k399\":1}"
        let bad2 = "{" + fields.joined(separator: ",") + ",\"k3\":1}"
        let r = try scan([good, bad, bad2, good].joined(separator: "\n"))
        #expect(r.records.map(\.line) == [1, 4])
        #expect(r.rejects == [RejectedLine(line: 2, reason: "duplicate key `k399`"),
                              RejectedLine(line: 3, reason: "duplicate key `k3`")])
    }

    @Test func deepNestingIsRejectedNotCrashing() throws {
        let deep = String(repeating: "[", count: 100_000)
        let r = try scan(#"{"ts":"2026-03-01T00:00:00Z","x":"# + deep + "}")
        #expect(r.records.isEmpty)
        #expect(r.rejects.first?.reason == "invalid JSON: nesting too deep")
    }

    /// Issue 15 (found by the `jsonl` fuzz target): a key written with escapes was learned by the
    /// key predictor, which compares raw bytes with the unescaped name; a name holding `"` then
    /// matched the text of later lines, so how a line was read depended on earlier lines (and the
    /// rejection reasons on `--jobs`).
    @Test func escapedKeysAreNotPredicted() throws {
        let learned = #"{"ts\":1,\"ttft_ms":1,"ts":"2026-03-01T00:00:00Z"}"#
        let valid = #"{"ts":1,"ttft_ms":312.5}"#
        let r = try scan(learned + "\n" + valid + "\n")
        #expect(r.rejects.isEmpty)
        let rec = try #require(r.records.last)
        #expect(rec.line == 2)
        #expect(rec.timestamp == 1_000_000)
        #expect(rec.numbers[2] == 312.5)

        // The minimised fuzz input: the same rejections in one scan and in two chunks.
        let bytes = Array("{\"\\\"\"\n{\"\"\"\n".utf8)  // {"\""  and  {"""
        #expect(bytes.count == 11)
        let whole = try scan(bytes: bytes)
        let chunked = try bytes.withUnsafeBytes { try scanChunked(bytes: $0, format: .jsonl, request: fullRequest, chunks: 2) }
        #expect(whole.rejects == chunked.rejects)
        #expect(whole.rejects.last?.reason == "invalid JSON at column 4: unexpected `\"`")
    }
}
