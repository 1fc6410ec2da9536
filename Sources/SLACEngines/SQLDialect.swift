/// The SQL engines slac compiles the accumulating half of evaluation for (docs/engines.md).
///
/// Everything dialect-specific in the generated script goes through this type, so that the
/// generator itself reads as one script: loading, table-generating functions, integer division,
/// regular expressions, string literals and where output files are written.
public enum SQLDialect: String, CaseIterable, Sendable {
    case duckdb
    case spark

    /// A string literal. Spark SQL treats a backslash in a literal as an escape; DuckDB does not.
    func literal(_ text: String) -> String {
        var out = "'"
        for c in text.unicodeScalars {
            switch c {
            case "'": out += "''"
            case "\\": out += self == .spark ? "\\\\" : "\\"
            // `spark-sql` replaces `${…}` anywhere in the script with a variable, inside strings
            // too (a scope on `"${env:HOME}"` matched nothing): a `$` is written as its escape.
            case "$" where self == .spark: out += "\\u0024"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "'"
    }

    /// Truncating integer division of two BIGINT expressions.
    func div(_ a: String, _ b: String) -> String {
        switch self {
        case .duckdb: "((\(a)) // (\(b)))"
        case .spark: "((\(a)) div (\(b)))"
        }
    }

    /// Whether `text` matches the regular expression `pattern` (anchored by the pattern itself).
    func matches(_ text: String, _ pattern: String) -> String {
        switch self {
        case .duckdb: "regexp_matches(\(text), \(literal(pattern)))"
        case .spark: "(\(text) RLIKE \(literal(javaAnchored(pattern))))"
        }
    }

    /// Group `group` of the first match of `pattern` in `text`, '' when none.
    func extract(_ text: String, _ pattern: String, _ group: Int) -> String {
        "regexp_extract(\(text), \(literal(self == .spark ? javaAnchored(pattern) : pattern)), \(group))"
    }

    /// A final `$` as `\z`: in Java's expressions `$` also matches before a final line break, so
    /// a timestamp `"2026-03-14T10:30:00Z\n"` passed for one (RE2, DuckDB's, has `\z` too).
    private func javaAnchored(_ pattern: String) -> String {
        pattern.hasSuffix("$") && !pattern.hasSuffix("\\$") ? String(pattern.dropLast()) + "\\z" : pattern
    }

    /// A cast that yields NULL instead of failing.
    func tryCast(_ value: String, _ type: String) -> String {
        switch self {
        case .duckdb: "TRY_CAST(\(value) AS \(type))"
        case .spark: "try_cast(\(value) AS \(type))"
        }
    }

    /// The table-generating function over a list (one row per element), for a select list.
    func explode(_ list: String) -> String {
        switch self {
        case .duckdb: "unnest(\(list))"
        case .spark: "explode(\(list))"
        }
    }

    /// The integers `from ..< to` as a list (BIGINT).
    func range(_ from: String, _ to: String) -> String {
        switch self {
        case .duckdb: "range(\(from), \(to))"
        case .spark: "sequence(\(from), (\(to)) - 1)"
        }
    }

    /// A table materialised once (later statements read it many times).
    func createTable(_ name: String, _ query: String) -> String {
        switch self {
        case .duckdb: "CREATE OR REPLACE TEMP TABLE \(name) AS\n\(query);"
        case .spark: "CREATE OR REPLACE TEMPORARY VIEW \(name) AS\n\(query);\nCACHE TABLE \(name);"
        }
    }

    /// An inline table of BIGINT pairs.
    func values(_ rows: [(Int64, Int64)], alias: String, columns: (String, String)) -> String {
        let body = rows.isEmpty ? "(CAST(0 AS BIGINT), CAST(0 AS BIGINT))" : rows.map { "(CAST(\($0.0) AS BIGINT), CAST(\($0.1) AS BIGINT))" }.joined(separator: ", ")
        let filter = rows.isEmpty ? " WHERE FALSE" : ""
        switch self {
        case .duckdb: return "(SELECT * FROM (VALUES \(body)) AS \(alias)(\(columns.0), \(columns.1))\(filter))"
        case .spark: return "(SELECT * FROM VALUES \(body) AS \(alias)(\(columns.0), \(columns.1))\(filter))"
        }
    }

    /// The statement writing `query` as JSON Lines under the output location, as `name`.
    func write(_ name: String, _ query: String) -> String {
        switch self {
        case .duckdb:
            return "COPY (\n\(query)\n) TO (getvariable('slac_output') || '/\(name).jsonl') (FORMAT json);"
        case .spark:
            return "INSERT OVERWRITE DIRECTORY '${slac_output}/\(name)' USING json\n\(query);"
        }
    }

    /// `write`, keeping what it wrote countable by `writtenRows`: DuckDB writes from a table it
    /// keeps; Spark counts the lines of the files it wrote (a cached table of each kind made the
    /// Spark tests slower by minutes).
    func writeCounted(_ name: String, _ query: String) -> String {
        switch self {
        case .duckdb: return createTable("slac_out_\(name)", query) + "\n" + write(name, "SELECT * FROM slac_out_\(name)")
        case .spark: return write(name, query)
        }
    }

    /// A relation with one row per row of kind `name` that `writeCounted` wrote.
    func writtenRows(_ name: String) -> String {
        switch self {
        case .duckdb: return "slac_out_\(name)"
        case .spark: return "text.`${slac_output}/\(name)`"
        }
    }

    /// The text of a value of any type (a Parquet column of unknown type, a JSON scalar).
    func text(_ value: String) -> String { "CAST(\(value) AS \(self == .spark ? "STRING" : "VARCHAR"))" }

    /// `text` without leading and trailing spaces and tabs (how CSV numbers and timestamps are read).
    func trimBlanks(_ text: String) -> String {
        switch self {
        case .duckdb: "trim(\(text), ' ' || chr(9))"
        case .spark: "trim(BOTH concat(' ', chr(9)) FROM \(text))"
        }
    }

    /// Whether a list of doubles holds a NULL element.
    func listHasNull(_ l: String) -> String {
        self == .duckdb ? "(list_count(\(l)) < len(\(l)))" : "exists(\(l), x -> x IS NULL)"
    }
    func listMin(_ l: String) -> String { self == .duckdb ? "list_min(\(l))" : "array_min(\(l))" }
    func listMax(_ l: String) -> String { self == .duckdb ? "list_max(\(l))" : "array_max(\(l))" }
    func listSize(_ l: String) -> String { self == .duckdb ? "len(\(l))" : "size(\(l))" }

    /// The name of the text type.
    var textType: String { self == .spark ? "STRING" : "VARCHAR" }
}

/// The trace formats the generated script's loader reads (docs/engines.md, "Loaders").
public enum SQLInputFormat: String, CaseIterable, Sendable {
    /// Canonical JSON Lines: one object per line.
    case jsonl
    /// Parquet with canonical column names; `ts` as RFC 3339 text or epoch milliseconds.
    case parquet
    /// CSV with a header row naming the fields.
    case csv
}
