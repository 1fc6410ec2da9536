import Testing
@testable import SLACTrace

@Suite("CSV")
struct CSVTests {
    static let header = "id,ts,tenant,model,region,status,input_tokens,output_tokens,ttft_ms,e2e_ms"

    @Test func canonicalRows() throws {
        let text = Self.header + "\nr-1,2026-03-01T00:00:00.123Z,acme,llama-3.1-70b,eu-west-1,ok,812,256,312.5,4120.0\n"
        let r = try scan(text, format: .csv)
        #expect(r.rejects.isEmpty)
        #expect(r.lines == 2 && r.count == 1)
        let rec = try #require(r.records.first)
        #expect(rec.line == 2)
        #expect(rec.timestamp == epochNanos(2026, 3, 1, nanos: 123_000_000))
        #expect(rec.numbers == [812, 256, 312.5, 4120])
        #expect(rec.texts == ["r-1", "acme", "ok", "llama-3.1-70b", "eu-west-1"])
    }

    @Test func quotesEscapesAndMissingCells() throws {
        let text = #"""
            id,ts,tenant,status,ttft_ms,notes,itl_ms\#r
            "r,1",2026-03-01T00:00:00Z,"say ""hi""",,1.5,x,"[1,2.5]"\#r
            r2,2026-03-01T00:00:00Z,,"error:500", 7 ,"multi
            line",\#r
            r3,2026-03-01T00:00:00Z,"",ok,,,\#r
            """#
        let r = try scan(text, format: .csv)
        #expect(r.rejects.isEmpty)
        #expect(r.lines == 5)
        #expect(r.records.map(\.line) == [2, 3, 5])
        #expect(r.records[0].texts == ["r,1", "say \"hi\"", "ok", nil, nil])
        #expect(r.records[0].numbers[2] == 1.5)
        #expect(r.records[0].lists == [[1, 2.5]])
        #expect(r.records[1].texts == ["r2", nil, "error:500", nil, nil])
        #expect(r.records[1].numbers[2] == 7)
        #expect(r.records[1].lists == [nil])
        #expect(r.records[2].texts[1] == "")  // quoted empty text is an empty string
        #expect(r.records[2].numbers[2].isNaN)
    }

    @Test func rejects() throws {
        let text = """
            ts,ttft_ms,input_tokens,tenant
            2026-03-01T00:00:00Z,1,2,a
            2026-03-01T00:00:00Z,1,2
            2026-03-01T00:00:00Z,1,2,a,extra
            2026-03-01T00:00:00Z,fast,2,a
            2026-03-01T00:00:00Z,-1,2,a
            2026-03-01T00:00:00Z,1,2.5,a
            2026-03-01T00:00:00,1,2,a
            ,1,2,a
            1772323200123,1,2,a
            2026-03-01T00:00:00Z,1,2,"a"b
            2026-03-01T00:00:00Z,NaN,2,a
            2026-03-01T00:00:00Z,1e999,2,a
            """
        let r = try scan(text, format: .csv)
        #expect(r.records.map(\.line) == [2, 10])
        #expect(r.records.last?.timestamp == epochNanos(2026, 3, 1, nanos: 123_000_000))
        #expect(r.rejects == [
            RejectedLine(line: 3, reason: "expected 4 cells, found 3"),
            RejectedLine(line: 4, reason: "expected 4 cells, found 5"),
            RejectedLine(line: 5, reason: "`ttft_ms` is not a number: `fast`"),
            RejectedLine(line: 6, reason: "`ttft_ms` is negative: `-1`"),
            RejectedLine(line: 7, reason: "`input_tokens` is not a whole number: `2.5`"),
            RejectedLine(line: 8, reason: "timestamp `2026-03-01T00:00:00` has no UTC offset"),
            RejectedLine(line: 9, reason: "missing `ts`"),
            RejectedLine(line: 11, reason: "unexpected `b` after quoted cell 4"),
            RejectedLine(line: 12, reason: "`ttft_ms` is not a number: `NaN`"),
            RejectedLine(line: 13, reason: "number `1e999` in `ttft_ms` is out of range"),
        ])
        #expect(r.count == 12)
        #expect(r.lines == 13)
    }

    /// Rows end at the first line break outside quotes by quote parity (the rule that makes chunked
    /// scans agree with one scan), so a stray quote joins lines until the next odd quote and the
    /// joined row is rejected once, at its first line.
    @Test func strayAndUnterminatedQuotes() throws {
        let text = """
            ts,tenant
            2026-03-01T00:00:00Z,a"b
            2026-03-01T00:00:00Z,c
            2026-03-01T00:00:00Z,"d
            2026-03-01T00:00:00Z,e
            2026-03-01T00:00:00Z,"f
            2026-03-01T00:00:00Z,g
            """
        let r = try scan(text, format: .csv)
        #expect(r.records.map(\.line) == [5])
        #expect(r.rejects == [RejectedLine(line: 2, reason: "unexpected `\"` in unquoted cell 2"),
                              RejectedLine(line: 6, reason: "unterminated quoted cell")])
        #expect(r.lines == 7 && r.count == 3)
    }

    @Test func headerOnlyAndEmpty() throws {
        for text in [Self.header, Self.header + "\n", Self.header + "\r\n\r\n"] {
            let r = try scan(text, format: .csv)
            #expect(r.count == 0 && r.rejects.isEmpty)
        }
        let e = try scan("", format: .csv)
        #expect(e.count == 0 && e.lines == 0)
    }

    @Test func headerErrors() throws {
        let bytes = Array("id,tenant\nr1,a\n".utf8)
        #expect(throws: TraceInputError(path: "x.csv", message: "csv header has no `ts` column")) {
            try bytes.withUnsafeBytes { _ = try TraceScanner(format: .csv, request: fullRequest, bytes: $0, path: "x.csv") }
        }
        let dup = Array("ts,a,a\n".utf8)
        #expect(throws: TraceInputError(path: "", message: "csv header has duplicate column `a`")) {
            try dup.withUnsafeBytes { _ = try TraceScanner(format: .csv, request: fullRequest, bytes: $0) }
        }
    }

    @Test func headerWithBOMQuotesAndBlanks() throws {
        let text = "\u{FEFF}\"ts\" , tenant ,\"ttft_ms\"\n2026-03-01T00:00:00Z,a,3\n"
        let r = try scan(text, format: .csv)
        #expect(r.rejects.isEmpty)
        #expect(r.records.first?.texts[1] == "a")
        #expect(r.records.first?.numbers[2] == 3)
    }

    @Test func blankLinesBeforeTheHeaderAndTinyChunks() throws {
        let text = "\n\r\nts,ttft_ms\n2026-03-01T00:00:00Z,1\n\n2026-03-01T00:00:00Z,2"
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBytes { raw in
            let header = try CSVHeader(bytes: raw)
            #expect(header.columns == ["ts", "ttft_ms"] && header.lineCount == 3)
            for chunks in 1...12 {
                let r = try scanChunked(bytes: raw, format: .csv, request: fullRequest, chunks: chunks)
                #expect(r.rejects.isEmpty)
                #expect(r.records.map(\.line) == [4, 6], "\(chunks) chunks")
                #expect(r.records.map { $0.numbers[2] } == [1, 2])
                #expect(r.lines == 6 && r.count == 2)
            }
        }
    }
}
