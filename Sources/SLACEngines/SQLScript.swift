import SLACChecker
import SLACEvaluator
import SLACExact
import SLACFields
import SLACMonitor
import SLACSyntax

/// Why a plan cannot be compiled to SQL.
package struct SQLCompileError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}

/// Stage 4a for engines: a validated monitor plan → one SQL script that runs the *accumulating*
/// half of evaluation in DuckDB or Apache Spark and writes the engine output (docs/engines.md).
///
/// The script computes exactly what the native evaluator accumulates per (clause, window, group)
/// and per trace; slac then judges it with the same code as a native run. Where engines differ
/// from exact arithmetic the script avoids them: nearest ranks are integer ranks, bounds are the
/// two doubles that bracket them, timestamps are integer nanoseconds computed from the text, and
/// doubles leave the engine as an integer significand and a binary exponent (summed exactly as
/// DECIMAL(38,0) per exponent), never as decimal text.
package struct SQLScript: Sendable {
    /// Time buckets used to join records to calendar windows and periods (an hour).
    static let bucket: Int64 = 3_600_000_000_000

    let plan: MonitorPlan
    let zone: ZoneRules
    let dialect: SQLDialect
    let input: SQLInputFormat
    /// Text fields read from traces: the canonical ones and the custom fields the plan names.
    let textFields: [String]
    /// The most `per` fields of any clause (the width of the group columns).
    let groupWidth: Int
    /// Whether the script counts accepted records whose `id` repeats (`--check-ids`): a sort of
    /// every id, so only on request.
    let checkIDs: Bool

    package init(_ validated: ValidatedPlan, dialect: SQLDialect, input: SQLInputFormat, checkIDs: Bool = false) {
        self.checkIDs = checkIDs
        plan = validated.plan
        zone = validated.zone
        self.dialect = dialect
        self.input = input
        let canonicalText = CanonicalField.textFields.map(\.name)
        textFields = canonicalText + plan.fields.text.filter { !canonicalText.contains($0) }.sorted()
        groupWidth = plan.clauses.map(\.groupBy.count).max() ?? 0
    }

    // MARK: - the script

    /// The whole script: header, loader, records, accounting, then per clause its aggregates.
    package func text() throws -> String {
        // The script names a column after each field (`f_tenant`, `f_gen_ai_dot_system` for
        // `gen_ai.system`). A name that does not make a plain identifier that way (only an edited
        // plan can hold one) is refused here rather than as the engine's own syntax error, and
        // so are two names that make the same one.
        for (name, _) in fieldList where !SQLScript.isPlainName(SQLScript.columnName(name)) {
            throw SQLCompileError(message: "the field `\(name)` is not a name of letters, digits, `_` and dots, which the SQL script cannot address")
        }
        // DuckDB's column and struct names ignore case: `TENANT` and `tenant` were read as one
        // field, silently (found by an audit). Spark keeps them apart.
        if dialect == .duckdb {
            var seen: [String: String] = [:]
            for (name, _) in fieldList {
                if let other = seen[name.lowercased()] {
                    throw SQLCompileError(message: "the fields `\(other)` and `\(name)` differ only in case, which DuckDB does not tell apart")
                }
                seen[name.lowercased()] = name
            }
        }
        // DuckDB's column names ignore case, Spark's do not (see above).
        var columnNames: [String: String] = [:]
        for (name, _) in fieldList {
            let column = dialect == .duckdb ? SQLScript.columnName(name).lowercased() : SQLScript.columnName(name)
            if let other = columnNames[column] {
                throw SQLCompileError(message: "the fields `\(other)` and `\(name)` have the same column name in the SQL script")
            }
            columnNames[column] = name
        }
        for c in plan.clauses {
            if case .percentile(_, let q) = c.aggregate {
                guard let n = q.numerator.intValue, let d = q.denominator.intValue, n < 1 << 20, d < 1 << 20 else {
                    throw SQLCompileError(message: "clause \(c.ref): the percentile \(q) has too many digits for an integer rank in SQL")
                }
            }
        }
        var out: [String] = []
        out.append(header())
        out.append(loader())
        out.append(records())
        for (i, c) in plan.clauses.enumerated() { out.append(clause(i, c)) }
        out.append(outputs())
        return out.joined(separator: "\n\n") + "\n"
    }

    func header() -> String {
        // ` (ACME-1 v3)`, or as much of it as the contract states.
        let stated = [plan.contract.id.map(comment), plan.contract.version.map { "v" + comment($0) }].compactMap { $0 }
        let identity = stated.isEmpty ? "" : " (" + stated.joined(separator: " ") + ")"
        var lines = [
            "-- slac \(plan.toolVersion): the accumulating half of evaluation for \(dialect == .duckdb ? "DuckDB" : "Apache Spark")",
            "-- contract \(comment(plan.contract.name))\(identity), sha256 \(plan.contract.sha256)",
            "-- input: \(input == .jsonl ? "JSON Lines" : input == .csv ? "CSV" : "Parquet") traces; output: \(SQLOutputFormat.name) version \(SQLOutputFormat.version) (docs/engines.md)",
        ]
        switch dialect {
        case .duckdb:
            lines.append("-- Run: duckdb -cmd \"SET VARIABLE slac_input = ['a.jsonl', 'b.jsonl']; SET VARIABLE slac_output = 'out'\" -f this.sql")
            lines.append("--      (slac_output must exist), then: slac verify --contract C --aggregates out")
            lines.append("SET TimeZone = 'UTC';")
        case .spark:
            lines.append("-- Run: spark-sql --hivevar slac_input=PATH_OR_GLOB --hivevar slac_output=DIR -f this.sql")
            lines.append("--      then copy DIR locally and: slac verify --contract C --aggregates DIR")
            lines.append("SET spark.sql.ansi.enabled=false;")
            lines.append("SET spark.sql.session.timeZone=UTC;")
            // Field names are case-sensitive, as natively: a CSV header with `ts` and `TS` has a
            // custom field `TS` (Spark would otherwise rename both and lose `ts`).
            lines.append("SET spark.sql.caseSensitive=true;")
        }
        return lines.joined(separator: "\n")
    }

    /// Text for a `--` comment line: any line break or other control character becomes a space, so
    /// that contract text cannot end the comment and become SQL.
    func comment(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control
            || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0 }))
    }

    /// Every field a record can have that the reader validates: canonical fields and the plan's.
    var fieldList: [(name: String, kind: CanonicalField.Kind)] {
        var fields = CanonicalField.allCases.map { ($0.name, $0.kind) }
        for f in textFields where CanonicalField(rawValue: f) == nil { fields.append((f, .text)) }
        return fields
    }

    // MARK: loader

    /// One row per non-blank line (JSON Lines) or row (Parquet), with `trace` (the file's index in
    /// path order), `path`, `line` (1-based; NULL where the engine cannot number rows) and per
    /// field `t_F` (s string, n number, b boolean, a array, o object, NULL absent), `v_F` (its text)
    /// and `l_F` for lists.
    func loader() -> String {
        var parts: [String] = ["-- Loader (docs/engines.md, \"Loaders\"): each file is one trace, in path order."]
        switch (dialect, input) {
        case (.duckdb, .jsonl):
            parts.append(dialect.createTable("slac_lines", """
                SELECT trace, path, line, text FROM (
                  SELECT trace, path, generate_subscripts(parts, 1) AS line, unnest(parts) AS text FROM (
                    SELECT filename AS path, CAST(row_number() OVER (ORDER BY filename) - 1 AS INTEGER) AS trace,
                           string_split(content, chr(10)) AS parts
                    FROM read_text(getvariable('slac_input'))))
                """))
        case (.spark, .jsonl):
            // Line by line, so files of any size split across tasks; Spark cannot number the
            // lines then, so a rejected record is located by its id. Traces are numbered from
            // the list of files (a small join), not by sorting every line.
            parts.append("CREATE OR REPLACE TEMPORARY VIEW slac_text USING text OPTIONS (path '${slac_input}');")
            parts.append(dialect.createTable("slac_trace_index", """
                SELECT path, CAST(dense_rank() OVER (ORDER BY path) - 1 AS INT) AS trace FROM (SELECT DISTINCT input_file_name() AS path FROM slac_text)
                """))
            parts.append(dialect.createTable("slac_lines", """
                SELECT /*+ BROADCAST(f) */ f.trace, l.path, CAST(NULL AS BIGINT) AS line, l.text
                FROM (SELECT input_file_name() AS path, value AS text FROM slac_text) l JOIN slac_trace_index f ON f.path = l.path
                """))
        case (.duckdb, .parquet):
            // Each row as a JSON object (a column a file lacks is then an absent field), read by
            // the JSON Lines path; a `ts` of a timestamp type is a UTC instant.
            parts.append(dialect.createTable("slac_lines", """
                SELECT CAST(dense_rank() OVER (ORDER BY slac_filename) - 1 AS INTEGER) AS trace, slac_filename AS path,
                       CAST(file_row_number + 1 AS BIGINT) AS line, CAST(to_json(t) AS VARCHAR) AS text,
                       CASE WHEN typeof(t.ts) IN ('TIMESTAMP', 'TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_S') THEN CAST(t.ts AS VARCHAR) || 'Z'
                            WHEN typeof(t.ts) = 'TIMESTAMP WITH TIME ZONE' THEN CAST(t.ts AS VARCHAR) || ':00' END AS ts_text
                FROM read_parquet(getvariable('slac_input'), filename = 'slac_filename', file_row_number = true, union_by_name = true) t
                """))
        case (.duckdb, .csv):
            // Each row as a JSON object of its cells (text; an empty unquoted cell is absent),
            // typed below as the native CSV reader types cells. DuckDB cannot number CSV rows.
            parts.append(dialect.createTable("slac_lines", """
                SELECT CAST(dense_rank() OVER (ORDER BY slac_filename) - 1 AS INTEGER) AS trace, slac_filename AS path,
                       CAST(NULL AS BIGINT) AS line, CAST(to_json(t) AS VARCHAR) AS text, CAST(NULL AS VARCHAR) AS ts_text
                FROM read_csv(getvariable('slac_input'), header = true, all_varchar = true, filename = 'slac_filename', union_by_name = true,
                              allow_quoted_nulls = false, delim = ',', quote = '"', escape = '"', skip = 0,
                              max_line_size = \(SQLScript.maximumCSVRow)) t
                """))
        case (.spark, .csv):
            // A quoted empty cell is text "" (Spark reads it as NULL unless told otherwise). RFC 4180
            // as natively: a quote inside a quoted cell is doubled (Spark's default escape is a
            // backslash), and a quoted cell may hold a line break (`multiLine`).
            parts.append("CREATE OR REPLACE TEMPORARY VIEW slac_csv USING csv OPTIONS (path '${slac_input}', header 'true', inferSchema 'false', emptyValue 'slac-empty-cell', escape '\"', multiLine 'true');")
            parts.append(dialect.createTable("slac_lines", """
                SELECT CAST(dense_rank() OVER (ORDER BY path) - 1 AS INT) AS trace, path, CAST(NULL AS BIGINT) AS line, text FROM (
                  SELECT input_file_name() AS path, replace(to_json(struct(*)), '"slac-empty-cell"', '""') AS text FROM slac_csv)
                """))
        case (.spark, .parquet):
            // `mergeSchema`: a column that only some files have is read from those (Spark takes
            // one file's schema otherwise, and silently drops the column everywhere).
            parts.append("CREATE OR REPLACE TEMPORARY VIEW slac_parquet USING parquet OPTIONS (path '${slac_input}', mergeSchema 'true');")
            parts.append(dialect.createTable("slac_lines", """
                SELECT CAST(dense_rank() OVER (ORDER BY path) - 1 AS INT) AS trace, path, CAST(NULL AS BIGINT) AS line, text FROM (
                  SELECT input_file_name() AS path, to_json(struct(*), map('timestampFormat', "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", 'timestampNTZFormat', "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")) AS text FROM slac_parquet)
                """))
        }
        parts.append(dialect.createTable("slac_files", "SELECT DISTINCT trace, path FROM slac_lines"))
        parts.append(dialect.createTable("slac_parsed", parsedQuery()))
        return parts.joined(separator: "\n")
    }

    /// Whether a line holds `NaN` or `Infinity` as a value: the engines' JSON parsers read them,
    /// JSON (and the native reader) does not, so such a line is invalid JSON on both sides. A
    /// pattern over the text: a string that itself holds `: NaN,` is taken for one too
    /// (docs/engines.md).
    var nonJSONNumber: String {
        dialect.matches("text", "(^|[:,\\[])[ \\t]*[-+]?(NaN|Infinity)[ \\t]*([,}\\]]|$)")
    }

    func parsedQuery() -> String {
        let fields = fieldList
        var columns: [String] = []
        switch (dialect, input) {
        case (.duckdb, _):
            // One parse per line: all fields at once as a struct of JSON values, then each
            // value's JSON type once (measured on 1M benchmark records: 6.7 s with a list of
            // paths and a type per use, against 2.5 s this way).
            let shape = "{" + fields.map { "\"\($0.name)\":\"JSON\"" }.joined(separator: ",") + "}"
            var types: [String] = []
            for f in fields {
                let n = SQLScript.columnName(f.name)
                let j = "j.\"\(f.name)\""
                types.append("\(j) AS j_\(n), json_type(\(j)) AS jt_\(n)")
                let jt = "jt_\(n)", jv = "j_\(n)"
                let type = """
                    CASE \(jt) WHEN 'VARCHAR' THEN 's' WHEN 'BOOLEAN' THEN 'b' WHEN 'ARRAY' THEN 'a' WHEN 'OBJECT' THEN 'o'
                      WHEN 'NULL' THEN NULL WHEN 'BIGINT' THEN 'n' WHEN 'UBIGINT' THEN 'n' WHEN 'DOUBLE' THEN 'n' WHEN 'HUGEINT' THEN 'n' END
                    """
                if input == .csv {
                    columns += csvTyped(n, f.kind, raw: "json_extract_string(\(jv), '$')")
                    continue
                }
                if f.kind == .timestamp && input == .parquet {
                    columns.append("CASE WHEN ts_text IS NOT NULL THEN 's' ELSE \(type) END AS t_ts")
                    columns.append("coalesce(ts_text, json_extract_string(\(jv), '$')) AS v_ts")
                    continue
                }
                columns.append("\(type) AS t_\(n)")
                columns.append("CASE WHEN \(jt) IN ('ARRAY', 'OBJECT') THEN CAST(\(jv) AS VARCHAR) ELSE json_extract_string(\(jv), '$') END AS v_\(n)")
                if f.kind == .gaps {
                    columns.append("CASE WHEN \(jt) = 'ARRAY' THEN TRY_CAST(\(jv) AS DOUBLE[]) END AS l_\(n)")
                }
            }
            return """
                SELECT trace, path, line, valid, ok, \(columns.joined(separator: ",\n  "))
                FROM (SELECT trace, path, line, valid, ok, ts_text, \(types.joined(separator: ", "))
                FROM (SELECT trace, path, line, valid, ok, \(input == .parquet ? "ts_text" : "CAST(NULL AS VARCHAR) AS ts_text"), CASE WHEN ok THEN json_transform(text, \(dialect.literal(shape))) END AS j FROM (
                  SELECT trace, path, line, text, \(input == .parquet ? "ts_text, " : "")json_valid(text) AND NOT \(nonJSONNumber) AS valid, CASE WHEN json_valid(text) AND NOT \(nonJSONNumber) THEN json_type(text) = 'OBJECT' ELSE FALSE END AS ok FROM (
                    SELECT trace, path, line, \(input == .parquet ? "ts_text, " : "")CASE WHEN line = 1 THEN ltrim(rtrim(text, chr(13)), chr(65279)) ELSE rtrim(text, chr(13)) END AS text
                    FROM slac_lines)
                  WHERE NOT regexp_matches(text, '^[ \\t]*$'))))
                """
        case (.spark, _):
            for f in fields where input == .csv {
                columns += csvTyped(SQLScript.columnName(f.name), f.kind, raw: "get_json_object(text, \(SQLScript.sparkPathLiteral(f.name)))")
            }
            // A field's JSON type from parses of the line as structs of one type each: Spark keeps
            // the fields that parse and leaves the others NULL, so the top-level value decides.
            // (A pattern over the line, as before, also saw a nested key of the same name first:
            // `{"response":{"status":200},"status":"ok"}` was rejected as "`status` is not a
            // string".) Every name is a plain identifier (`text()` refuses others).
            func shape(_ type: String) -> String { "struct<" + fields.map { "`\($0.name)`: \(type)" }.joined(separator: ", ") + ">" }
            let special = "('NaN', '+INF', '+Infinity', 'Infinity', '-INF', '-Infinity')"
            for f in fields where input != .csv {
                let n = "`\(f.name)`", c = SQLScript.columnName(f.name), path = SQLScript.sparkPathLiteral(f.name)
                columns.append("""
                    CASE WHEN jd.\(n) IS NOT NULL AND NOT (js.\(n) IN \(special)) THEN 'n' WHEN jb.\(n) IS NOT NULL THEN 'b' WHEN ja.\(n) IS NOT NULL THEN 'a'
                      WHEN jo.\(n) IS NOT NULL THEN 'o' WHEN js.\(n) IS NOT NULL THEN 's' END AS t_\(c)
                    """)
                columns.append("get_json_object(text, \(path)) AS v_\(c)")
                if f.kind == .gaps {
                    columns.append("from_json(get_json_object(text, \(path)), 'array<double>') AS l_\(c)")
                }
            }
            let typed = input == .csv || fields.isEmpty ? "" : """
                , from_json(text, '\(shape("double"))') AS jd, from_json(text, '\(shape("boolean"))') AS jb,
                  from_json(text, '\(shape("array<string>"))') AS ja, from_json(text, '\(shape("map<string,string>"))') AS jo,
                  from_json(text, '\(shape("string"))') AS js
                """
            return """
                SELECT trace, path, line, valid, ok, \(columns.joined(separator: ",\n  "))
                FROM (SELECT trace, path, line, text, NOT \(nonJSONNumber) AND (ok OR (get_json_object(concat('{"v":', text, '}'), '$.v') IS NOT NULL)) AS valid, ok\(typed) FROM (
                SELECT trace, path, line, text, from_json(text, 'map<string,string>') IS NOT NULL AND ltrim(text) LIKE '{%' AND NOT \(nonJSONNumber) AS ok FROM (
                    SELECT trace, path, line, regexp_replace(rtrim(chr(13), text), '^\\uFEFF', '') AS text
                    FROM slac_lines)
                  WHERE NOT (text RLIKE '^[ \\t\\r]*$')))
                """
        }
    }

    /// The longest CSV row DuckDB reads: the native reader's limit (256 MB) and a line end.
    /// DuckDB's own default, 2 MB, stopped the run on a row holding a long `itl_ms` list that the
    /// native reader takes (found by an audit).
    static let maximumCSVRow = (256 << 20) + 5

    /// The part of the script's column names that stands for a field: the name itself, with
    /// `_dot_` for each dot of a dotted custom field (`gen_ai.system`, as OpenTelemetry names
    /// attributes), so that every column name is a plain identifier.
    static func columnName(_ field: String) -> String { field.replacingOccurrences(of: ".", with: "_dot_") }

    /// Spark's JSON path to a top-level key: `$.tenant`, or `$['gen_ai.system']` for a key with
    /// dots, which `$.` would read as a path into nested objects.
    static func sparkPath(_ field: String) -> String { field.contains(".") ? "$['\(field)']" : "$.\(field)" }

    /// `sparkPath` as a Spark string literal.
    static func sparkPathLiteral(_ field: String) -> String {
        field.contains(".") ? SQLDialect.spark.literal(sparkPath(field)) : "'\(sparkPath(field))'"
    }

    /// A field name that Spark's struct schemas and backtick quoting take as it is.
    static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// The type and text of a CSV cell as the native CSV reader reads it (docs/formats.md):
    /// numbers and timestamps ignore surrounding blanks, an empty cell is absent, a number field
    /// holding anything but a number is `c` (rejected, quoted as written), a list is `[…]`.
    func csvTyped(_ name: String, _ kind: CanonicalField.Kind, raw: String) -> [String] {
        let d = dialect
        let trimmed = d.trimBlanks(raw)
        // JSON's number grammar with an optional `+`, as the native reader's: no leading zeros
        // (`03` is not a number there; found by a differential audit, where DuckDB summed it).
        let number = d.matches(trimmed, "^[+-]?(0|[1-9][0-9]*)([.][0-9]+)?([eE][+-]?[0-9]+)?$")
        switch kind {
        case .text:
            return ["CASE WHEN \(raw) IS NULL THEN NULL ELSE 's' END AS t_\(name)", "\(raw) AS v_\(name)"]
        case .timestamp:
            return ["CASE WHEN \(raw) IS NULL OR \(trimmed) = '' THEN NULL WHEN \(number) THEN 'n' ELSE 's' END AS t_\(name)", "\(trimmed) AS v_\(name)"]
        case .number, .wholeNumber:
            return ["CASE WHEN \(raw) IS NULL OR \(trimmed) = '' THEN NULL WHEN \(number) THEN 'n' ELSE 'c' END AS t_\(name)",
                    "CASE WHEN \(number) THEN \(trimmed) ELSE \(raw) END AS v_\(name)"]
        case .gaps:
            let list = d == .duckdb ? d.tryCast(trimmed, "DOUBLE[]") : "from_json(\(trimmed), 'array<double>')"
            return ["CASE WHEN \(raw) IS NULL OR \(trimmed) = '' THEN NULL WHEN \(trimmed) LIKE '[%' THEN 'a' ELSE 's' END AS t_\(name)",
                    "\(trimmed) AS v_\(name)", "\(list) AS l_\(name)"]
        }
    }

    // MARK: records

    static let rfc3339 = "^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})([.][0-9]+)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?$"

    /// Typed, validated records (docs/formats.md, "Rejected records"): `reason` is NULL for a
    /// valid record; `ts` is integer nanoseconds since the epoch, parsed from the text as the
    /// native reader does (fractions truncated to nanoseconds, offsets applied exactly).
    func records() -> String {
        let d = dialect
        // Layer 1: timestamp pieces.
        let p = SQLScript.rfc3339
        func piece(_ g: Int) -> String { d.tryCast(d.extract("v_ts", p, g), "BIGINT") }
        var layer1 = """
            SELECT *, CASE WHEN t_ts = 's' THEN \(d.matches("v_ts", p)) ELSE FALSE END AS ts_form,
              \(piece(1)) AS ts_y, \(piece(2)) AS ts_mo, \(piece(3)) AS ts_d, \(piece(4)) AS ts_h, \(piece(5)) AS ts_mi, \(piece(6)) AS ts_s,
              \(d.extract("v_ts", p, 7)) AS ts_frac, \(d.extract("v_ts", p, 8)) AS ts_off,
              CASE WHEN t_ts = 'n' THEN \(d.tryCast("v_ts", "DECIMAL(38,12)")) END AS ts_ms
            FROM slac_parsed
            """
        if d == .duckdb {
            // One regular-expression match for all the pieces (a struct of its groups).
            let names = ["y", "mo", "d", "h", "mi", "s", "frac", "off"]
            let groups = "[" + names.map { "'\($0)'" }.joined(separator: ", ") + "]"
            func cast(_ n: String) -> String { d.tryCast("ts_p.\(n)", "BIGINT") }
            layer1 = """
                SELECT * EXCLUDE (ts_p), CASE WHEN t_ts = 's' THEN ts_p.y <> '' ELSE FALSE END AS ts_form,
                  \(cast("y")) AS ts_y, \(cast("mo")) AS ts_mo, \(cast("d")) AS ts_d, \(cast("h")) AS ts_h, \(cast("mi")) AS ts_mi, \(cast("s")) AS ts_s,
                  ts_p.frac AS ts_frac, ts_p.off AS ts_off,
                  CASE WHEN t_ts = 'n' THEN \(d.tryCast("v_ts", "DECIMAL(38,12)")) END AS ts_ms
                FROM (SELECT *, regexp_extract(CASE WHEN t_ts = 's' THEN v_ts ELSE '' END, \(d.literal(p)), \(groups)) AS ts_p FROM slac_parsed)
                """
        }
        // Layer 2: days from civil (Howard Hinnant's algorithm, as the native reader), validity.
        let yy = "(ts_y - CASE WHEN ts_mo <= 2 THEN 1 ELSE 0 END)"
        let era = d.div("CASE WHEN \(yy) >= 0 THEN \(yy) ELSE \(yy) - 399 END", "400")
        let layer2 = """
            SELECT *, \(era) AS ts_era, \(yy) AS ts_yy,
              CASE WHEN ts_mo = 2 THEN CASE WHEN (ts_y % 4 = 0 AND ts_y % 100 <> 0) OR ts_y % 400 = 0 THEN 29 ELSE 28 END
                   WHEN ts_mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END AS ts_dim,
              CASE WHEN ts_off IN ('Z', 'z', '') THEN 0
                   ELSE (CASE WHEN substr(ts_off, 1, 1) = '-' THEN -1 ELSE 1 END)
                        * (CAST(substr(ts_off, 2, 2) AS BIGINT) * 3600 + CAST(substr(ts_off, length(ts_off) - 1, 2) AS BIGINT) * 60) END AS ts_offset,
              CASE WHEN ts_off IN ('Z', 'z', '') THEN TRUE
                   ELSE CAST(substr(ts_off, 2, 2) AS BIGINT) <= 23 AND CAST(substr(ts_off, length(ts_off) - 1, 2) AS BIGINT) <= 59 END AS ts_offset_ok,
              CASE WHEN ts_frac = '' THEN CAST(0 AS BIGINT) ELSE CAST(rpad(substr(ts_frac, 2, 9), 9, '0') AS BIGINT) END AS ts_ns
            FROM (\(layer1))
            """
        let yoe = "(ts_yy - ts_era * 400)"
        let mp = "(CASE WHEN ts_mo > 2 THEN ts_mo - 3 ELSE ts_mo + 9 END)"
        let doy = "(\(d.div("153 * \(mp) + 2", "5")) + ts_d - 1)"
        let doe = "(\(yoe) * 365 + \(d.div(yoe, "4")) - \(d.div(yoe, "100")) + \(doy))"
        let layer3 = """
            SELECT *, (ts_era * 146097 + \(doe) - 719468) * 86400 + ts_h * 3600 + ts_mi * 60 + ts_s - ts_offset AS ts_seconds,
              ts_form AND ts_mo BETWEEN 1 AND 12 AND ts_d >= 1 AND ts_d <= ts_dim AND ts_h <= 23 AND ts_mi <= 59 AS ts_date_ok
            FROM (\(layer2))
            """
        // Layer 4: the reason, then the typed fields.
        var checks: [String] = ["WHEN NOT valid THEN 'invalid JSON'", "WHEN NOT ok THEN 'not a JSON object'"]
        for f in fieldList {
            let n = SQLScript.columnName(f.name)
            let q = "'`\(f.name)`"
            switch f.kind {
            case .text:
                checks.append("WHEN t_\(n) IN ('a', 'o') THEN \(q) is not a string'")
            case .timestamp:
                let shown = "'timestamp `' || v_ts || '`"
                // A type found for `ts` but no value to read it from: the record lacks `ts`, as
                // natively, rather than being a record with no reason and no instant. A guard: the
                // type and the value come from different readings of the line (Spark: typed parses
                // and `get_json_object`), which should, but need not, agree on odd input.
                checks.append("WHEN t_ts IS NOT NULL AND v_ts IS NULL THEN 'missing `ts`'")
                checks.append("WHEN t_ts IN ('b', 'a', 'o') THEN '`ts` must be an RFC 3339 string or a number of epoch milliseconds'")
                checks.append("WHEN t_ts = 's' AND NOT ts_form THEN \(shown) is not an RFC 3339 date-time'")
                checks.append("WHEN t_ts = 's' AND NOT ts_date_ok THEN \(shown) is not a valid date and time'")
                checks.append("WHEN t_ts = 's' AND ts_off = '' THEN CASE WHEN ts_s <= 59 THEN \(shown) has no UTC offset' ELSE \(shown) is not a valid date and time' END")
                checks.append("WHEN t_ts = 's' AND (NOT ts_offset_ok OR ts_s > 59) THEN \(shown) is not a valid date and time'")
                checks.append("""
                    WHEN t_ts = 's' AND (ts_seconds > 9223372036 OR ts_seconds < -9223372036 OR (ts_seconds = 9223372036 AND ts_ns > 854775807)) THEN \(shown) is out of range'
                    """)
                checks.append("""
                    WHEN t_ts = 'n' AND (ts_ms IS NULL OR ts_ms * 1000000 >= 9223372036854775807 OR ts_ms * 1000000 < -9223372036854775807) THEN \(shown) is out of range'
                    """)
            case .number, .wholeNumber:
                checks.append("WHEN t_\(n) = 's' THEN \(q) is not a number: `\"' || v_\(n) || '\"`'")
                checks.append("WHEN t_\(n) = 'c' THEN \(q) is not a number: `' || v_\(n) || '`'")
                checks.append("WHEN t_\(n) IN ('b', 'a', 'o') THEN \(q) is not a number: `' || v_\(n) || '`'")
                let value = d.tryCast("v_\(n)", "DOUBLE")
                checks.append("WHEN t_\(n) = 'n' AND (\(value) IS NULL OR abs(\(value)) = CAST('Infinity' AS DOUBLE)) THEN 'number `' || v_\(n) || '` in `\(f.name)` is out of range'")
                checks.append("WHEN t_\(n) = 'n' AND \(value) < 0 THEN \(q) is negative: `' || v_\(n) || '`'")
                if f.kind == .wholeNumber {
                    checks.append("WHEN t_\(n) = 'n' AND \(value) <> floor(\(value)) THEN \(q) is not a whole number: `' || v_\(n) || '`'")
                    checks.append("WHEN t_\(n) = 'n' AND \(value) > 9007199254740992 THEN \(q) is too large to be a token count: `' || v_\(n) || '`'")
                }
            case .gaps:
                checks.append("WHEN t_\(n) IN ('s', 'n', 'b', 'o') THEN \(q) is not an array of numbers'")
                checks.append("WHEN t_\(n) = 'a' AND (l_\(n) IS NULL OR \(dialect.listHasNull("l_\(n)"))) THEN \(q) is not an array of numbers'")
                // The first negative element as written (the array's text, as the engine prints it).
                checks.append("WHEN t_\(n) = 'a' AND \(dialect.listMin("l_\(n)")) < 0 THEN \(q) has a negative value: `' || \(d.extract("v_\(n)", "(-[0-9][0-9.eE+-]*)", 1)) || '`'")
            }
        }
        checks.append("WHEN t_ts IS NULL THEN 'missing `ts`'")
        var typed: [String] = []
        for f in fieldList {
            let n = SQLScript.columnName(f.name)
            switch f.kind {
            case .text:
                let value = "CASE WHEN t_\(n) IN ('s', 'n', 'b') THEN v_\(n) END"
                typed.append(f.name == CanonicalField.status.name ? "coalesce(\(value), 'ok') AS f_\(n)" : "\(value) AS f_\(n)")
            case .timestamp:
                // Only where the instant is in range (the reason above says when it is not):
                // engines evaluate every column of every row, and one `ts` in epoch microseconds
                // made the cast fail and DuckDB stop the whole run, where natively only that
                // record is rejected.
                typed.append("""
                    CASE WHEN t_ts = 's' AND ts_seconds >= -9223372036 AND (ts_seconds < 9223372036 OR (ts_seconds = 9223372036 AND ts_ns <= 854775807))
                           THEN ts_seconds * 1000000000 + ts_ns
                         WHEN t_ts = 'n' AND ts_ms * 1000000 < 9223372036854775807 AND ts_ms * 1000000 >= -9223372036854775807
                           THEN CAST(floor(ts_ms * 1000000) AS BIGINT) END AS ts
                    """)
            case .number, .wholeNumber:
                // `+ 0` turns -0 into 0, as the native reader does for metrics.
                typed.append("CASE WHEN t_\(n) = 'n' THEN \(d.tryCast("v_\(n)", "DOUBLE")) + CAST(0 AS DOUBLE) END AS f_\(n)")
            case .gaps:
                typed.append("CASE WHEN t_\(n) = 'a' THEN l_\(n) END AS f_\(n)")
            }
        }
        let reason = "CASE \(checks.joined(separator: "\n    ")) END"
        let query = """
            SELECT trace, path, line, reason,
              CASE WHEN reason IS NULL THEN ts END AS ts, \(fieldList.map { $0.kind == .timestamp ? nil : "f_" + SQLScript.columnName($0.name) }.compactMap { $0 }.joined(separator: ", "))
            FROM (SELECT trace, path, line, \(reason) AS reason, \(typed.joined(separator: ",\n  "))
                  FROM (\(layer3)))
            """
        var parts = ["-- Records (docs/formats.md, \"Rejected records\"): typed fields, or the reason a record is rejected."]
        parts.append(dialect.createTable("slac_records", query))
        // Accepted records: inside the term; `cx` is the contract-level exclusion that removes it.
        let term = "ts >= \(plan.contract.termStart) AND ts < \(plan.contract.termEnd)"
        parts.append("-- Accepted records (inside the term) and the contract-level exclusion that removes each, if any.")
        parts.append(dialect.createTable("slac_accepted", "SELECT *, \(exclusionIndex(plan.exclusions)) AS cx FROM slac_records WHERE reason IS NULL AND \(term)"))
        return parts.joined(separator: "\n")
    }

    /// The column of the chunk gaps (`itl_ms`).
    var itlColumn: String { "f_" + CanonicalField.itlMs.name }


    /// The index of the first exclusion in source order that removes a record (indices number the
    /// maintenance intervals first, then the request conditions, as the native evaluator does),
    /// NULL when none does.
    func exclusionIndex(_ e: CheckedExclusions) -> String {
        var whens: [String] = []
        for item in e.sourceOrder {
            switch item {
            case .maintenance(let i):
                whens.append("WHEN ts >= \(e.maintenance[i].start) AND ts < \(e.maintenance[i].end) THEN \(i)")
            case .requests(let i):
                whens.append("WHEN coalesce(\(predicate(e.requests[i])), FALSE) THEN \(e.maintenance.count + i)")
            }
        }
        return whens.isEmpty ? "CAST(NULL AS INT)" : "CAST(CASE \(whens.joined(separator: " ")) END AS INT)"
    }

    // MARK: metrics and predicates

    /// A metric's value, NULL where it is absent or undefined, computed in binary64 in the order
    /// of docs/language.md, "Arithmetic".
    func metric(_ m: Metric) -> String {
        let thousand = "CAST(1000 AS DOUBLE)"
        // Column names come from the one table of canonical fields (`f_` + the field's name).
        func f(_ field: CanonicalField) -> String { "f_" + field.name }
        let ttft = f(.ttftMs), e2e = f(.e2eMs), input = f(.inputTokens), output = f(.outputTokens)
        switch m {
        case .ttft: return ttft
        case .e2e: return e2e
        case .inputTokens: return input
        case .outputTokens: return output
        case .totalTokens: return "(\(input) + \(output))"
        case .energy: return f(.energyJ)
        // A derived value that is not finite is undefined, natively too: the divisor is checked
        // before dividing (Spark in ANSI mode fails on x / 0), then the quotient.
        case .tpot: return "(CASE WHEN \(output) > 1 THEN \(finite("(\(e2e) - \(ttft)) / (\(output) - 1)")) END)"
        case .decodeTPS:
            return "(CASE WHEN \(output) > 1 AND \(e2e) > \(ttft) AND (\(e2e) - \(ttft)) / \(thousand) <> 0 THEN \(finite("(\(output) - 1) / ((\(e2e) - \(ttft)) / \(thousand))")) END)"
        case .e2eTPS:
            return "(CASE WHEN \(e2e) > 0 AND \(e2e) / \(thousand) <> 0 THEN \(finite("\(output) / (\(e2e) / \(thousand))")) END)"
        case .itl: return "CAST(NULL AS DOUBLE)"
        }
    }

    /// `x` where it is finite, else NULL (`x` is computed twice; engines share the work).
    func finite(_ x: String) -> String {
        "(CASE WHEN abs(\(x)) < CAST('Infinity' AS DOUBLE) THEN \(x) END)"
    }

    /// A double literal that reads back as exactly `x`.
    func double(_ x: Double) -> String {
        if x.isInfinite { return x > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)" }
        return "CAST('\(x)' AS DOUBLE)"
    }

    /// `value OP bound`, exact, through the two doubles that bracket the bound; NULL when value is.
    func comparison(_ value: String, _ op: ComparisonOperator, _ bound: Rational) -> String {
        let (lower, upper) = bound.doubleBracket
        switch op {
        case .less: return "(\(value) < \(double(upper)))"
        case .lessEqual: return "(\(value) <= \(double(lower)))"
        case .greater: return "(\(value) > \(double(lower)))"
        case .greaterEqual: return "(\(value) >= \(double(upper)))"
        case .equal: return lower == upper ? "(\(value) = \(double(lower)))" : "(CASE WHEN \(value) IS NULL THEN NULL ELSE FALSE END)"
        case .notEqual: return lower == upper ? "(\(value) <> \(double(lower)))" : "(CASE WHEN \(value) IS NULL THEN NULL ELSE TRUE END)"
        }
    }

    /// A condition in three-valued logic: SQL's NULL is *unknown* (docs/language.md, "Conditions").
    func predicate(_ p: CheckedPredicate) -> String {
        switch p {
        case .and(let a, let b): return "(\(predicate(a)) AND \(predicate(b)))"
        case .or(let a, let b): return "(\(predicate(a)) OR \(predicate(b)))"
        case .not(let a): return "(NOT \(predicate(a)))"
        case .metric(let m, let op, let bound): return comparison(metric(m), op, bound)
        case .text(let field, let equal, let value): return "(f_\(SQLScript.columnName(field)) \(equal ? "=" : "<>") \(dialect.literal(value)))"
        case .textIn(let field, let values, let negated):
            return "(f_\(SQLScript.columnName(field)) \(negated ? "NOT IN" : "IN") (\(values.map { dialect.literal($0) }.joined(separator: ", "))))"
        }
    }

    // MARK: windows and periods

    /// `x` rounded down to a multiple of `length` (floor, also before the epoch).
    func floorTo(_ x: String, _ length: Int64) -> String { "(\(x) - (((\(x) % \(length)) + \(length)) % \(length)))" }

    /// The calendar windows (or periods) covering the term, as (start, end) rows.
    func calendarRows(_ bounds: (Int64) -> (Int64, Int64)) -> [(Int64, Int64)] {
        var rows: [(Int64, Int64)] = []
        var t = plan.contract.termStart
        while t < plan.contract.termEnd {
            let (s, e) = bounds(t)
            precondition(e > t, "calendar bounds advance")
            rows.append((s, e))
            t = e
        }
        return rows
    }

    /// A table of (bucket, s, e) joining records to the calendar intervals `rows` on the hour
    /// bucket of their instant, then by range (an interval may share a bucket with its neighbour).
    func bucketTable(_ name: String, _ rows: [(Int64, Int64)]) -> String {
        let b = SQLScript.bucket
        let first = dialect.div(floorTo("s", b), "\(b)")
        let last = dialect.div(floorTo("e - 1", b), "\(b)")
        return dialect.createTable(name, """
            SELECT s, e, \(dialect.explode(dialect.range(first, "\(last) + 1"))) AS bucket
            FROM \(dialect.values(rows, alias: "v", columns: ("s", "e")))
            """)
    }

    func bucketOf(_ x: String) -> String { dialect.div(floorTo(x, SQLScript.bucket), "\(SQLScript.bucket)") }

    func groupColumns(_ c: PlanClause) -> [String] {
        (0..<groupWidth).map { i in i < c.groupBy.count ? "r.f_\(SQLScript.columnName(c.groupBy[i])) AS g\(i)" : "CAST(NULL AS \(dialect.textType)) AS g\(i)" }
    }
    var groupNames: [String] { (0..<groupWidth).map { "g\($0)" } }
    /// `, g0, g1` (or empty).
    var groupList: String { groupNames.map { ", " + $0 }.joined() }

    /// Whether a clause notes hour cells for coverage (its windows are longer than an hour or calendar).
    func tracksCells(_ c: PlanClause) -> Bool {
        if case .fixed(let length) = c.window, length <= SQLScript.bucket { return false }
        return true
    }

    // MARK: clauses

    /// A clause's records past the contract's exclusions, with window, period, group, clause
    /// exclusion and scope.
    func clause(_ i: Int, _ c: PlanClause) -> String {
        var parts = ["-- Clause \(c.ref) \(c.name): \(comment(c.requirement))"]
        var joins = ""
        var windowColumns: String
        switch c.window {
        case .fixed(let length):
            windowColumns = "\(floorTo("r.ts", length)) AS ws, \(floorTo("r.ts", length)) + \(length) AS we"
        case .term:
            windowColumns = "CAST(\(plan.contract.termStart) AS BIGINT) AS ws, CAST(\(plan.contract.termEnd) AS BIGINT) AS we"
        default:
            let rows = calendarRows { CalendarWindows.bounds(c.window, zone: zone, containing: $0) }
            parts.append("-- Calendar windows in \(plan.contract.timezone), computed by slac with the time zone's rules.")
            parts.append(bucketTable("slac_w\(i)", rows))
            joins += " JOIN slac_w\(i) w ON w.bucket = \(bucketOf("r.ts")) AND r.ts >= w.s AND r.ts < w.e"
            windowColumns = "w.s AS ws, w.e AS we"
        }
        let needsPeriod = c.measure != nil || c.credits.contains { $0.base == .charges }
        var periodColumn = ""
        if needsPeriod {
            switch c.objective.period {
            case .term:
                periodColumn = ", CAST(\(plan.contract.termStart) AS BIGINT) AS ps"
            default:
                let period = c.objective.period
                let term = (plan.contract.termStart, plan.contract.termEnd)
                let rows = calendarRows { CalendarWindows.period(period, zone: zone, containing: $0, term: term) }
                parts.append(bucketTable("slac_p\(i)", rows))
                joins += " JOIN slac_p\(i) p ON p.bucket = \(bucketOf("r.ts")) AND r.ts >= p.s AND r.ts < p.e"
                periodColumn = ", p.s AS ps"
            }
        }
        let scope = c.scope.map { "coalesce(\(predicate($0)), FALSE)" } ?? "TRUE"
        let groups = groupColumns(c).map { ", " + $0 }.joined()
        parts.append(dialect.createTable("slac_c\(i)", """
            SELECT *, cex IS NULL AND \(scope) AS ins FROM (
              SELECT r.*, \(windowColumns)\(periodColumn)\(groups), \(exclusionIndex(c.exclusions)) AS cex
              FROM slac_accepted r\(joins) WHERE r.cx IS NULL)
            """))
        return parts.joined(separator: "\n")
    }

    /// The double `column` of `query` as an integer significand `<name>_m` and binary exponent
    /// `<name>_e` (value = m · 2^(e−52), exactly): engines print doubles in decimal, which does
    /// not always read back (Java 17's `Double.toString`), and sum them inexactly.
    func decomposed(_ query: String, _ column: String, _ name: String) -> String {
        let x = column
        let two = "CAST(2 AS DOUBLE)"
        func scaled(_ value: String, _ e: String) -> String {
            // value · 2^(52−e) in two exact steps (2^(52−e) alone can exceed the double range).
            let k = "(52 - (\(e)))"
            let half = dialect.div(k, "2")
            return "(\(value) * pow(\(two), \(half)) * pow(\(two), \(k) - \(half)))"
        }
        let e1 = "\(name)_e1"
        let layer1 = "SELECT *, CASE WHEN \(x) = 0 THEN 0 ELSE greatest(CAST(floor(log2(abs(\(x)))) AS INT), -1022) END AS \(e1) FROM (\(query))"
        let t = scaled("abs(\(x))", e1)
        let layer2 = """
            SELECT *, CASE WHEN \(x) = 0 THEN 0 WHEN \(t) >= 9007199254740992 THEN \(e1) + 1
                           WHEN \(t) < 4503599627370496 AND \(e1) > -1022 THEN \(e1) - 1 ELSE \(e1) END AS \(name)_e FROM (\(layer1))
            """
        return "SELECT *, CAST(\(scaled(x, "\(name)_e")) AS BIGINT) AS \(name)_m FROM (\(layer2))"
    }

    /// The defined, finite values of the clause's metric per in-scope record (for `itl`, every
    /// chunk gap: an aggregate over `itl` pools them).
    func values(_ i: Int, _ m: Metric) -> String {
        let finite = "abs(v) < CAST('Infinity' AS DOUBLE)"
        if m.isList {
            return """
                SELECT * FROM (SELECT ws, we\(groupList), \(dialect.explode(itlColumn)) AS v FROM slac_c\(i) WHERE ins AND \(itlColumn) IS NOT NULL) WHERE \(finite)
                """
        }
        return "SELECT * FROM (SELECT ws, we\(groupList), \(metric(m)) AS v FROM slac_c\(i) WHERE ins) WHERE v IS NOT NULL AND \(finite)"
    }

    var partition: String { "PARTITION BY ws" + groupList }

    func outputs() -> String {
        var windows: [String] = [], valueRows: [String] = [], sums: [String] = [], evidence: [String] = []
        var cells: [String] = [], presence: [String] = [], charges: [String] = [], clauseRows: [String] = [], exclusions: [String] = []
        let g = groupList
        let hour = SQLScript.bucket
        for (i, c) in plan.clauses.enumerated() {
            let rule = EvidenceRule(c)
            var shareTrue = "CAST(NULL AS BIGINT)", shareKnown = "CAST(NULL AS BIGINT)"
            if case .share(let p) = c.aggregate {
                let truth = predicate(p)
                shareTrue = "sum(CASE WHEN \(truth) THEN 1 ELSE 0 END)"
                shareKnown = "sum(CASE WHEN \(truth) IS NOT NULL THEN 1 ELSE 0 END)"
            }
            windows.append("""
                SELECT \(i) AS clause, ws AS start_ns, we AS end_ns\(g), count(*) AS n, \(shareTrue) AS share_true, \(shareKnown) AS share_known
                FROM slac_c\(i) WHERE ins GROUP BY ws, we\(g)
                """)
            // Values: the percentile by integer nearest rank, min, max, or the defined count.
            if let m = c.aggregate.metric {
                let v = values(i, m)
                switch c.aggregate {
                case .percentile(_, let q):
                    let qn = q.numerator.intValue ?? 0, qd = (q.denominator.intValue ?? 1) * 100
                    let rank = "least(greatest(\(dialect.div("\(qn) * n + \(qd - 1)", "\(qd)")), 1), n)"
                    let selected = """
                        SELECT ws, we\(g), n AS defined, v FROM (
                          SELECT ws, we\(g), v, row_number() OVER (\(partition) ORDER BY v) AS rn, count(*) OVER (\(partition)) AS n FROM (\(v)))
                        WHERE rn = \(rank)
                        """
                    valueRows.append("SELECT \(i) AS clause, ws AS start_ns, we AS end_ns\(g), defined, v_m, v_e FROM (\(decomposed(selected, "v", "v")))")
                case .min, .max:
                    let f = c.aggregate.isMin ? "min" : "max"
                    let selected = "SELECT ws, we\(g), count(*) AS defined, \(f)(v) AS v FROM (\(v)) GROUP BY ws, we\(g)"
                    valueRows.append("SELECT \(i) AS clause, ws AS start_ns, we AS end_ns\(g), defined, v_m, v_e FROM (\(decomposed(selected, "v", "v")))")
                default:
                    valueRows.append("""
                        SELECT \(i) AS clause, ws AS start_ns, we AS end_ns\(g), count(*) AS defined, CAST(NULL AS BIGINT) AS v_m, CAST(NULL AS INT) AS v_e
                        FROM (\(v)) GROUP BY ws, we\(g)
                        """)
                    sums.append("""
                        SELECT \(i) AS clause, CAST(NULL AS INT) AS price, ws AS start_ns\(g), v_e AS e, \(dialect.text("sum(CAST(v_m AS DECIMAL(38,0)))")) AS m
                        FROM (\(decomposed(v, "v", "v"))) GROUP BY ws\(g), v_e
                        """)
                }
            }
            // Evidence: the five worst records per window, ties by id then trace.
            if let candidates = evidenceCandidates(i, c, rule) {
                let score = rule.largerIsWorse ? "v" : "-v"
                let ranked = """
                    SELECT ws, we\(g), v, id, trace, row_number() OVER (\(partition) ORDER BY \(score) DESC, id, trace) AS rank FROM (\(candidates))
                    """
                evidence.append("""
                    SELECT \(i) AS clause, ws AS start_ns\(g), rank, v_m, v_e, id, trace FROM (\(decomposed("SELECT * FROM (\(ranked)) WHERE rank <= 5", "v", "v")))
                    """)
            }
            if tracksCells(c) {
                cells.append("SELECT DISTINCT \(i) AS clause, \(floorTo("ts", hour)) AS start_ns\(g) FROM slac_c\(i) WHERE ins")
            }
            if c.measure != nil {
                presence.append("SELECT DISTINCT \(i) AS clause, ps AS start_ns\(g) FROM slac_c\(i) WHERE ins")
            }
            if c.credits.contains(where: { $0.base == .charges }) {
                let prices = plan.contract.prices ?? []
                charges.append("SELECT DISTINCT \(i) AS clause, ps AS start_ns\(g) FROM slac_c\(i) WHERE cex IS NULL")
                for (k, price) in prices.enumerated() {
                    // A field's tokens go to the first of its prices whose condition holds.
                    let earlier = prices[..<k].filter { $0.field == price.field }.compactMap(\.condition).map { "NOT coalesce(\(predicate($0)), FALSE)" }
                    let applies = (price.condition.map { ["coalesce(\(predicate($0)), FALSE)"] } ?? []) + earlier
                    let tokens = applies.isEmpty ? metric(price.field) : "CASE WHEN \(applies.joined(separator: " AND ")) THEN \(metric(price.field)) END"
                    let billed = "SELECT * FROM (SELECT ps\(g), \(tokens) AS v FROM slac_c\(i) WHERE cex IS NULL) WHERE v IS NOT NULL AND abs(v) < CAST('Infinity' AS DOUBLE)"
                    sums.append("""
                        SELECT \(i) AS clause, \(k) AS price, ps AS start_ns\(g), v_e AS e, \(dialect.text("sum(CAST(v_m AS DECIMAL(38,0)))")) AS m
                        FROM (\(decomposed(billed, "v", "v"))) GROUP BY ps\(g), v_e
                        """)
                }
            }
            clauseRows.append("SELECT \(i) AS clause, min(CASE WHEN ins THEN ts END) AS first_ns, max(CASE WHEN ins THEN ts END) AS last_ns FROM slac_c\(i)")
            if !c.exclusions.isEmpty {
                exclusions.append("SELECT 'clause' AS level, \(i) AS clause, CAST(NULL AS INT) AS trace, cex AS exclusion, count(*) AS n FROM slac_c\(i) WHERE cex IS NOT NULL GROUP BY cex")
            }
        }
        if !plan.exclusions.isEmpty {
            exclusions.append("SELECT 'contract' AS level, CAST(NULL AS INT) AS clause, trace, cx AS exclusion, count(*) AS n FROM slac_accepted WHERE cx IS NOT NULL GROUP BY trace, cx")
        }
        let term = "ts >= \(plan.contract.termStart) AND ts < \(plan.contract.termEnd)"
        let traces = """
            SELECT f.trace, f.path, coalesce(a.records, 0) AS records, coalesce(a.rejected, 0) AS rejected, coalesce(a.outside, 0) AS outside_term,
              coalesce(a.accepted, 0) AS accepted, coalesce(x.excluded, 0) AS excluded, a.outside_first, a.outside_last, a.accepted_first, a.accepted_last
            FROM slac_files f LEFT JOIN (
              SELECT trace, count(*) AS records, sum(CASE WHEN reason IS NOT NULL THEN 1 ELSE 0 END) AS rejected,
                sum(CASE WHEN reason IS NULL AND NOT (\(term)) THEN 1 ELSE 0 END) AS outside,
                sum(CASE WHEN reason IS NULL AND \(term) THEN 1 ELSE 0 END) AS accepted,
                min(CASE WHEN reason IS NULL AND NOT (\(term)) THEN ts END) AS outside_first,
                max(CASE WHEN reason IS NULL AND NOT (\(term)) THEN ts END) AS outside_last,
                min(CASE WHEN reason IS NULL AND \(term) THEN ts END) AS accepted_first,
                max(CASE WHEN reason IS NULL AND \(term) THEN ts END) AS accepted_last
              FROM slac_records GROUP BY trace) a ON a.trace = f.trace
            LEFT JOIN (SELECT trace, count(*) AS excluded FROM slac_accepted WHERE cx IS NOT NULL GROUP BY trace) x ON x.trace = f.trace
            """
        let manifest = """
            SELECT \(dialect.literal(SQLOutputFormat.name)) AS format, \(SQLOutputFormat.version) AS version, \(dialect.literal(dialect.rawValue)) AS engine,
              \(dialect.literal(plan.contract.sha256)) AS contract_sha256, \(plan.clauses.count) AS clauses, \(checkIDs ? "TRUE" : "FALSE") AS check_ids
            """
        var out = ["-- Engine output (docs/engines.md, \"Engine output\"): one JSON Lines file (or directory) per kind."]
        // Each kind is written and counted: the `counts` output, written last, lets the reader
        // find a part file lost in a copy (or rows cut from one), which would otherwise read as
        // windows that never existed.
        var written: [String] = []
        func write(_ name: String, _ queries: [String], empty: String) {
            out.append(dialect.writeCounted(name, queries.isEmpty ? empty : queries.joined(separator: "\nUNION ALL\n")))
            written.append(name)
        }
        let none = "SELECT 0 AS clause WHERE FALSE"
        write("manifest", [manifest], empty: none)
        write("traces", [traces], empty: none)
        write("rejected", ["SELECT trace, path, line, f_id AS id, reason FROM slac_records WHERE reason IS NOT NULL ORDER BY trace, line, f_id LIMIT 100"], empty: none)
        write("exclusions", exclusions, empty: none)
        if checkIDs {
            // A record repeats when an accepted record with its id comes earlier in the run
            // (an earlier trace, or an earlier line); per trace, the count and the first ids.
            let repeats = """
                SELECT trace, id FROM (SELECT trace, f_id AS id, row_number() OVER (PARTITION BY f_id ORDER BY trace, line) AS k
                  FROM slac_accepted WHERE f_id IS NOT NULL) WHERE k > 1
                """
            write("repeated", ["SELECT trace, count(*) AS n FROM (\(repeats)) GROUP BY trace"], empty: none)
            write("repeated_ids", ["""
                SELECT trace, id FROM (SELECT trace, id, row_number() OVER (PARTITION BY trace ORDER BY id) AS r FROM (SELECT DISTINCT trace, id FROM (\(repeats))))
                WHERE r <= 10
                """], empty: none)
        }
        write("clauses", clauseRows, empty: none)
        write("windows", windows, empty: none)
        write("values", valueRows, empty: none)
        write("sums", sums, empty: none)
        write("evidence", evidence, empty: none)
        write("cells", cells, empty: none)
        write("presence", presence, empty: none)
        write("charges", charges, empty: none)
        let counts = written.map { "SELECT \(dialect.literal($0)) AS kind, count(*) AS n FROM \(dialect.writtenRows($0))" }
        out.append(dialect.write("counts", counts.joined(separator: "\nUNION ALL\n")))
        return out.joined(separator: "\n")
    }

    /// The records a clause keeps as evidence, with the value they are ranked by, or nil when the
    /// clause keeps none (`count`).
    func evidenceCandidates(_ i: Int, _ c: PlanClause, _ rule: EvidenceRule) -> String? {
        let base = "ws, we\(groupList), coalesce(f_id, '') AS id, trace"
        switch c.aggregate {
        case .count:
            return nil
        case .share(let p):
            let truth = predicate(p)
            let value = rule.metric.map { "coalesce(\(metric($0)), CAST(0 AS DOUBLE))" } ?? "CAST(0 AS DOUBLE)"
            return "SELECT \(base), \(value) AS v FROM slac_c\(i) WHERE ins AND \(truth) = \(rule.shareEvidenceWhenTrue ? "TRUE" : "FALSE")"
        default:
            guard let m = c.aggregate.metric else { return nil }
            if m.isList {
                let worst = rule.largerIsWorse ? dialect.listMax(itlColumn) : dialect.listMin(itlColumn)
                return "SELECT \(base), \(worst) AS v FROM slac_c\(i) WHERE ins AND \(itlColumn) IS NOT NULL AND \(dialect.listSize(itlColumn)) > 0"
            }
            return "SELECT * FROM (SELECT \(base), \(metric(m)) AS v FROM slac_c\(i) WHERE ins) WHERE v IS NOT NULL AND abs(v) < CAST('Infinity' AS DOUBLE)"
        }
    }
}

extension CheckedAggregate {
    var isMin: Bool {
        if case .min = self { return true }
        return false
    }
}
