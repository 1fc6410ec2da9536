import SLACFields

/// Column lookup for the CSV adapter formats: required and optional columns by name.
struct CSVColumns {
    let index: [String: Int]
    let count: Int

    /// Reads the header; throws an input error naming the missing columns (no row could be read).
    init(header: SimpleCSV.Row, required: [String], format: String, path: String) throws(TraceInputError) {
        var index: [String: Int] = [:]
        for (i, name) in header.cells.enumerated() where index[name] == nil { index[name] = i }
        let missing = required.filter { index[$0] == nil }
        if !missing.isEmpty {
            let list = missing.map { "`\($0)`" }.joined(separator: ", ")
            throw TraceInputError(path: path, message: "not a valid \(format) file: the header lacks \(list)")
        }
        self.index = index
        self.count = header.cells.count
    }

    /// The cell of column `name` (nil when the column is absent or the cell is empty).
    func cell(_ row: SimpleCSV.Row, _ name: String) -> String? {
        guard let i = index[name], i < row.cells.count, !row.cells[i].isEmpty else { return nil }
        return row.cells[i]
    }

    /// A decimal cell; nil when empty.
    func decimal(_ row: SimpleCSV.Row, _ name: String) throws(FieldError) -> DecimalText? {
        guard let text = cell(row, name) else { return nil }
        guard let d = DecimalText(text) else { throw FieldError(reason: "`\(name)` is not a number: \(quotedText(text))") }
        return d
    }

    /// A required decimal cell.
    func required(_ row: SimpleCSV.Row, _ name: String) throws(FieldError) -> DecimalText {
        guard let d = try decimal(row, name) else { throw FieldError(reason: "missing `\(name)`") }
        return d
    }
}

/// Reads a CSV adapter file: header, then every row through `convert` (which throws a reason to
/// reject the row); rows with the wrong number of cells are rejected as in the canonical reader.
func readCSVAdapter(_ bytes: UnsafeRawBufferPointer, format: String, required: [String], path: String,
                    convert: (SimpleCSV.Row, CSVColumns) throws(FieldError) -> CanonicalRecord) throws(TraceInputError) -> AdaptedTrace {
    let table: (header: SimpleCSV.Row?, rows: [SimpleCSV.Outcome], physicalLines: Int)
    do throws(FieldError) { table = try SimpleCSV.read(bytes) } catch {
        throw TraceInputError(path: path, message: "not a valid \(format) file: \(error.reason)")
    }
    guard let header = table.header else { return AdaptedTrace(entries: [], positions: table.physicalLines) }
    let columns = try CSVColumns(header: header, required: required, format: format, path: path)
    var entries: [AdaptedTrace.Entry] = []
    entries.reserveCapacity(table.rows.count)
    for row in table.rows {
        switch row {
        case .rejected(let r): entries.append(.rejected(r))
        case .row(let r):
            if r.cells.count != columns.count {
                entries.append(.rejected(RejectedLine(line: r.line, reason: "row has \(r.cells.count) cells, the header has \(columns.count)")))
                continue
            }
            do throws(FieldError) { entries.append(.record(try convert(r, columns))) } catch {
                entries.append(.rejected(RejectedLine(line: r.line, reason: error.reason)))
            }
        }
    }
    return AdaptedTrace(entries: entries, positions: table.physicalLines)
}

/// LMBench per-request CSV (LMCache's benchmark harness, as llm-d publishes it).
///
/// `ttft` and `generation_time` are seconds (generation time runs from the first to the last
/// token, so e2e = ttft + generation_time, summed exactly before converting); `launch_time` is
/// float epoch seconds (converted exactly to ns, below 1 ns toward the past); token counts may be
/// written as floats (`76.0`), and must be whole.
enum LMBenchAdapter {
    static let required = ["prompt_tokens", "generation_tokens", "ttft", "generation_time", "launch_time"]

    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(TraceInputError) -> AdaptedTrace {
        try readCSVAdapter(bytes, format: "LMBench", required: required, path: path) { (row, c) throws(FieldError) in
            var r = CanonicalRecord(position: row.line)
            let launch = try c.required(row, "launch_time")
            if launch.negative { throw FieldError(reason: "`launch_time` is negative: `\(launch.text)`") }
            guard let ts = launch.floorInteger(scale: 9) else {
                throw FieldError(reason: "`launch_time` is outside the supported range (years 1677–2262): `\(launch.text)`")
            }
            r.timestamp = ts
            r.texts["id"] = "line \(row.line)"
            if let d = try c.decimal(row, "prompt_tokens") { r.numbers[CanonicalField.inputTokens.name] = try Convert.metric(d, "prompt_tokens", whole: true) }
            if let d = try c.decimal(row, "generation_tokens") { r.numbers[CanonicalField.outputTokens.name] = try Convert.metric(d, "generation_tokens", whole: true) }
            let ttft = try c.decimal(row, "ttft")
            let generation = try c.decimal(row, "generation_time")
            if let ttft { r.numbers[CanonicalField.ttftMs.name] = try Convert.metric(ttft, "ttft", scale: 3) }
            if let generation {
                _ = try Convert.metric(generation, "generation_time", scale: 3)
                if let ttft { r.numbers[CanonicalField.e2eMs.name] = try Convert.metric(ttft + generation, "ttft + generation_time", scale: 3) }
            }
            for extra in ["user_id", "question_id"] {
                if let v = c.cell(row, extra) { r.texts[extra] = v }
            }
            return r
        }
    }
}

/// Azure LLM inference trace CSV (Azure Public Dataset, 2023; the Splitwise paper).
///
/// `TIMESTAMP` is `YYYY-MM-DD HH:MM:SS.fffffff` without an offset, read as UTC (the dataset is
/// collected in UTC; 7 fractional digits are kept exactly); `ContextTokens` and `GeneratedTokens`
/// are the only measurements: no latencies, no status, no tenant.
enum AzureAdapter {
    static let required = ["TIMESTAMP", "ContextTokens", "GeneratedTokens"]

    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(TraceInputError) -> AdaptedTrace {
        try readCSVAdapter(bytes, format: "Azure LLM inference", required: required, path: path) { (row, c) throws(FieldError) in
            var r = CanonicalRecord(position: row.line)
            guard let text = c.cell(row, "TIMESTAMP") else { throw FieldError(reason: "missing `TIMESTAMP`") }
            guard let ts = TimestampText.instant(text, assumeUTC: true) else {
                throw FieldError(reason: "`TIMESTAMP` is not a date and time: \(quotedText(text))")
            }
            r.timestamp = ts
            r.texts["id"] = "line \(row.line)"
            if let d = try c.decimal(row, "ContextTokens") { r.numbers[CanonicalField.inputTokens.name] = try Convert.metric(d, "ContextTokens", whole: true) }
            if let d = try c.decimal(row, "GeneratedTokens") { r.numbers[CanonicalField.outputTokens.name] = try Convert.metric(d, "GeneratedTokens", whole: true) }
            return r
        }
    }
}
