import SLACChecker
import Foundation
import SLACExact
import SLACTrace

/// A trace as the caller of `judge(engineOutput:)` knows it: where it is and its digest ("not
/// computed" when slac could not read the file itself).
package struct EngineTrace: Sendable, Hashable {
    package var path: String
    package var format: String
    package var sha256: String
    /// `sha256` of a trace known only from an engine's output (`verify --aggregates`): slac never
    /// read the file, so it states that rather than a digest.
    package static let digestNotComputed = "not computed"
    /// The path the engine reads this trace under and reports back (`file:` URLs are compared
    /// by their path); nil when unknown, and then the engine's traces are taken in order.
    package var enginePath: String?
    package init(path: String, format: String, sha256: String, enginePath: String? = nil) {
        self.path = path
        self.format = format
        self.sha256 = sha256
        self.enginePath = enginePath
    }
}

/// What went wrong reading an engine's output.
package struct EngineOutputError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
    init(_ message: String) { self.message = message }
}

/// One row of an engine output file: its columns by name (engines omit NULL columns or write
/// `null`; both read as absent).
struct EngineRow {
    var cells: [String: EngineCell]

    func int(_ name: String) -> Int64? {
        switch cells[name] {
        case .int(let v): v
        case .double(let d): d == d.rounded() && abs(d) < 9.2e18 ? Int64(d) : nil
        case .text(let t): Int64(t)
        default: nil
        }
    }
    func text(_ name: String) -> String? {
        switch cells[name] {
        case .text(let t): t
        case .int(let v): String(v)
        default: nil
        }
    }
    func require(_ name: String, _ kind: String) throws -> Int64 {
        guard let v = int(name) else { throw EngineOutputError("`\(kind)` row without `\(name)`") }
        return v
    }
    /// A double shipped as significand `<name>_m` and exponent `<name>_e` (value m · 2^(e−52)).
    func double(_ name: String) -> Double? {
        guard let m = int(name + "_m"), let e = int(name + "_e") else { return nil }
        let value = Double(sign: .plus, exponent: Int(e) - 52, significand: Double(m.magnitude))
        return m < 0 ? -value : value
    }
}

enum EngineCell: Decodable {
    case int(Int64), double(Double), text(String), null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let v = try? c.decode(Int64.self) { self = .int(v); return }
        if let v = try? c.decode(Double.self) { self = .double(v); return }
        if let v = try? c.decode(String.self) { self = .text(v); return }
        if let v = try? c.decode(Bool.self) { self = .text(v ? "true" : "false"); return }
        self = .null
    }
}

/// Reads the files of an engine output directory (docs/engines.md, "Engine output"): DuckDB
/// writes `KIND.jsonl`, Spark a directory `KIND/` of `part-*` files.
struct EngineOutputFiles {
    let directory: String
    /// The rows the engine wrote of each kind (its `counts` output), checked as each kind is
    /// read; nil while `counts` itself is read.
    var written: [String: Int64]?

    init(directory: String) {
        self.directory = directory
    }

    /// The files of an output whose `counts` were read: each kind read must hold as many rows as
    /// the engine wrote.
    static func counted(_ directory: String) throws -> EngineOutputFiles {
        var files = EngineOutputFiles(directory: directory)
        let single = directory + "/counts.jsonl", folder = directory + "/counts"
        guard FileManager.default.fileExists(atPath: single) || FileManager.default.fileExists(atPath: folder) else {
            throw EngineOutputError("`\(directory)` has no `counts.jsonl` or `counts/`, which the script writes last: the script did not finish, the folder was copied without it, or it is not the output of a script from `slac compile --target sql` of this version")
        }
        var written: [String: Int64] = [:]
        for row in try files.rows("counts") {
            guard let kind = row.text("kind"), let n = row.int("n"), n >= 0, written[kind] == nil else {
                throw EngineOutputError("`counts` holds a row without a kind and a count, or a kind twice")
            }
            written[kind] = n
        }
        files.written = written
        return files
    }

    func rows(_ kind: String) throws -> [EngineRow] {
        let fm = FileManager.default
        var files: [String] = []
        let single = directory + "/" + kind + ".jsonl"
        let folder = directory + "/" + kind
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: single) {
            files = [single]
        } else if fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue {
            let names = (try? fm.contentsOfDirectory(atPath: folder)) ?? []
            files = names.filter { $0.hasPrefix("part-") && !$0.hasSuffix(".crc") }.sorted().map { folder + "/" + $0 }
        } else {
            throw EngineOutputError("`\(directory)` has no `\(kind).jsonl` or `\(kind)/`: is it the output of a script from `slac compile --target sql`?")
        }
        var rows: [EngineRow] = []
        let decoder = JSONDecoder()
        for file in files {
            guard let data = fm.contents(atPath: file) else { throw EngineOutputError("cannot read `\(file)`") }
            var lineNumber = 0
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                lineNumber += 1
                do {
                    rows.append(EngineRow(cells: try decoder.decode([String: EngineCell].self, from: Data(line))))
                } catch {
                    throw EngineOutputError("`\(file)` line \(lineNumber) is not a JSON object")
                }
            }
        }
        try checkCount(kind, rows: rows.count)
        return rows
    }

    /// Whether `rows` rows of `kind` are what the engine wrote (nothing to check before `counts`
    /// is read).
    func checkCount(_ kind: String, rows count: Int) throws(EngineOutputError) {
        if let written {
            guard let expected = written[kind] else {
                throw EngineOutputError("the engine's `counts` do not list `\(kind)`: a line of `counts` is missing, or the output is not from a script of this version")
            }
            guard expected == Int64(count) else {
                let why = Int64(count) < expected ? "a file is missing or cut short" : "rows were added, or a file is there twice"
                throw EngineOutputError("`\(kind)` holds \(count) row\(count == 1 ? "" : "s") where the engine wrote \(expected): \(why) (copy the output folder whole, or let slac run the engine with `--engine`)")
            }
        }
    }
}

extension Evaluator {
    /// The judging half over an engine's output: rebuilds the monitor state the native
    /// evaluator would have accumulated, then judges it with the same code (`finish`).
    ///
    /// `traces` names the traces slac gave the engine, in the order given; each of the engine's traces
    /// is matched to one by `enginePath` when all have one, else by position (nil: take the paths
    /// from the output and mark their digests "not computed"). `sqlSHA256` is the digest of the
    /// script the engine ran, when slac ran it.
    package func judge(engineOutput directory: String, traces given: [EngineTrace]?, sqlSHA256: String?) throws -> EvaluationResult {
        // The manifest first, uncounted: an output of another version says so, not "no counts".
        guard let manifest = try EngineOutputFiles(directory: directory).rows("manifest").first else {
            throw EngineOutputError("the engine output has an empty manifest")
        }
        guard manifest.text("format") == SQLOutputFormat.name, manifest.int("version") == Int64(SQLOutputFormat.version) else {
            throw EngineOutputError("the engine output is not \(SQLOutputFormat.name) version \(SQLOutputFormat.version): run the SQL that this slac's `compile --target sql` makes")
        }
        let files = try EngineOutputFiles.counted(directory)
        try files.checkCount("manifest", rows: 1)
        guard manifest.text("contract_sha256") == plan.contract.sha256, manifest.int("clauses") == Int64(clauses.count) else {
            throw EngineOutputError("the engine output was computed for another contract (sha256 \(manifest.text("contract_sha256") ?? "?")), not this one (\(plan.contract.sha256)): run the SQL that `slac compile --target sql` makes for this contract")
        }
        // Traces, in the engine's order.
        let traceRows = try files.rows("traces").sorted { ($0.int("trace") ?? 0) < ($1.int("trace") ?? 0) }
        var traces: [EngineTrace] = []
        // The engine numbers the files it read rows from; an empty file (or a CSV header alone)
        // gives none, so its numbers are matched to slac's traces by path, never by position
        // (by position, an empty file once put the next file's figures under its name and digest).
        var remap: [Int64: Int] = [:]
        if let given {
            guard given.count >= traceRows.count else { throw EngineOutputError("the engine read \(traceRows.count) traces, \(given.count) were given") }
            traces = given
            for (k, row) in traceRows.enumerated() {
                let number = try row.require("trace", "traces")
                if given.allSatisfy({ $0.enginePath != nil }) {
                    let reported = row.text("path") ?? ""
                    let path = reported.hasPrefix("file:") ? (URL(string: reported)?.path ?? reported) : reported
                    guard let i = given.firstIndex(where: { $0.enginePath == path || $0.enginePath == reported }) else {
                        throw EngineOutputError("the engine read `\(reported)`, which is not one of the traces slac gave it")
                    }
                    remap[number] = i
                } else {
                    remap[number] = k
                }
            }
        } else {
            traces = traceRows.map { EngineTrace(path: $0.text("path") ?? "?", format: "jsonl", sha256: EngineTrace.digestNotComputed) }
            for (k, row) in traceRows.enumerated() { remap[try row.require("trace", "traces")] = k }
        }
        /// slac's index of the engine's trace number; nil when the engine did not list it.
        func traceIndex(_ number: Int64?) -> Int? { number.flatMap { remap[$0] } }
        var state = MonitorState(clauseCount: clauses.count, traceCount: traces.count)
        for row in traceRows {
            let number = try row.require("trace", "traces")
            guard let t = traceIndex(number), t < traces.count else { throw EngineOutputError("trace index \(number) out of range") }
            var c = TraceCounts()
            c.records = Int(row.int("records") ?? 0)
            c.lines = c.records
            c.rejected = Int(row.int("rejected") ?? 0)
            c.outsideTerm = Int(row.int("outside_term") ?? 0)
            c.accepted = Int(row.int("accepted") ?? 0)
            c.excluded = Int(row.int("excluded") ?? 0)
            if let v = row.int("outside_first") { c.outsideFirst = v }
            if let v = row.int("outside_last") { c.outsideLast = v }
            if let v = row.int("accepted_first") { c.acceptedFirst = v }
            if let v = row.int("accepted_last") { c.acceptedLast = v }
            guard c.records == c.accepted + c.rejected + c.outsideTerm else {
                throw EngineOutputError("the engine's record accounting of trace \(t) does not add up")
            }
            state.counts[t] = c
        }
        // In input order where the engine numbers lines, else by id (as the script selects them).
        let rejectedRows = try files.rows("rejected").sorted { a, b in
            let ka = (traceIndex(a.int("trace")) ?? -1, a.int("line") ?? 0), kb = (traceIndex(b.int("trace")) ?? -1, b.int("line") ?? 0)
            if ka != kb { return ka < kb }
            return (a.text("id") ?? "").utf8.lexicographicallyPrecedes((b.text("id") ?? "").utf8)
        }
        for row in rejectedRows {
            guard let t = traceIndex(row.int("trace")), t < traces.count else { continue }
            var r = RejectedRecord(path: traces[t].path, line: Int(row.int("line") ?? 0), reason: escapingControls(row.text("reason") ?? ""))
            if row.int("line") == nil { r.id = row.text("id") }
            state.rejected[t].append(r)
        }
        if checkRepeatedIDs {
            guard manifest.text("check_ids") == "true" else {
                throw EngineOutputError("the engine output has no repeated-id counts: compile the script with `--check-ids` to use `--check-ids` here")
            }
            for row in try files.rows("repeated") {
                guard let t = traceIndex(row.int("trace")), t < traces.count else { continue }
                state.counts[t].repeatedIDs = Int(row.int("n") ?? 0)
            }
            for row in try files.rows("repeated_ids") {
                guard let t = traceIndex(row.int("trace")), t < traces.count, let id = row.text("id") else { continue }
                RepeatedIDList.note(id, in: &state.repeatedExamples[t])
            }
        }
        for row in try files.rows("exclusions") {
            let index = Int(try row.require("exclusion", "exclusions")), n = Int(row.int("n") ?? 0)
            if row.text("level") == "contract" {
                guard let t = traceIndex(row.int("trace")), t < traces.count else { continue }
                while state.counts[t].excludedBy.count <= index { state.counts[t].excludedBy.append(0) }
                state.counts[t].excludedBy[index] += n
            } else {
                let c = try clauseIndex(row)
                while state.clauses[c].excludedBy.count <= index { state.clauses[c].excludedBy.append(0) }
                state.clauses[c].excludedBy[index] += n
            }
        }
        for row in try files.rows("clauses") {
            let c = try clauseIndex(row)
            if let first = row.int("first_ns"), let last = row.int("last_ns") {
                state.clauses[c].firstRecord = first
                state.clauses[c].lastRecord = last
            }
        }
        // Windows and groups.
        var groups = (0..<clauses.count).map { GroupTable(width: clauses[$0].plan.groupBy.count) }
        // Keyed by the values' bytes (`ExactText`): two spellings of `é` are two groups, as the
        // engine grouped them.
        var groupIndex = Array(repeating: [[ExactText?]: Int32](), count: clauses.count)
        func group(_ c: Int, _ row: EngineRow) -> Int32 {
            let values = (0..<clauses[c].plan.groupBy.count).map { row.text("g\($0)") }
            let key = values.map { $0.map { ExactText(text: $0) } }
            if let g = groupIndex[c][key] { return g }
            let g = groups[c].append(values)
            groupIndex[c][key] = g
            return g
        }
        func window(_ c: Int, _ row: EngineRow, kind: String) throws -> Int {
            let start = try row.require("start_ns", kind)
            let g = group(c, row)
            let end = row.int("end_ns") ?? start
            return state.clauses[c].window(start: start, end: end, group: g)
        }
        for row in try files.rows("windows") {
            let c = try clauseIndex(row)
            let w = try window(c, row, kind: "windows")
            state.clauses[c].windows[w].count = Int(row.int("n") ?? 0)
            state.clauses[c].windows[w].shareTrue = Int(row.int("share_true") ?? 0)
            state.clauses[c].windows[w].shareKnown = Int(row.int("share_known") ?? 0)
        }
        for row in try files.rows("values") {
            let c = try clauseIndex(row)
            let w = try window(c, row, kind: "values")
            let defined = Int(row.int("defined") ?? 0)
            state.clauses[c].windows[w].defined = defined
            guard let v = row.double("v") else { continue }
            switch clauses[c].accumulation {
            case .values: state.clauses[c].windows[w].selected = v
            case .minimum: state.clauses[c].windows[w].minimum = v
            case .maximum: state.clauses[c].windows[w].maximum = v
            default: break
            }
        }
        var tokenSums: [Int: [PeriodKey: [ExactSum]]] = [:]
        for row in try files.rows("charges") {
            let c = try clauseIndex(row)
            let key = PeriodKey(start: try row.require("start_ns", "charges"), group: group(c, row))
            if tokenSums[c, default: [:]][key] == nil {
                tokenSums[c, default: [:]][key] = Array(repeating: ExactSum(), count: clauses[c].prices.count)
            }
        }
        for row in try files.rows("sums") {
            let c = try clauseIndex(row)
            guard let text = row.text("m"), let m = BigInt(decimal: text) else { throw EngineOutputError("`sums` row without an integer `m`") }
            let e = Int(try row.require("e", "sums"))
            if let price = row.int("price") {
                let key = PeriodKey(start: try row.require("start_ns", "sums"), group: group(c, row))
                var sums = tokenSums[c, default: [:]][key] ?? Array(repeating: ExactSum(), count: clauses[c].prices.count)
                guard Int(price) >= 0 && Int(price) < sums.count else { throw EngineOutputError("`sums` row with an unknown price \(price)") }
                sums[Int(price)].add(integer: m, binaryExponent: e - 52)
                tokenSums[c, default: [:]][key] = sums
            } else {
                let start = try row.require("start_ns", "sums")
                let g = group(c, row)
                // The window exists: its `windows` row came first.
                let w = state.clauses[c].window(start: start, end: start, group: g)
                state.clauses[c].windows[w].sum.add(integer: m, binaryExponent: e - 52)
            }
        }
        for (c, sums) in tokenSums { state.clauses[c].tokenSums = sums }
        for row in try files.rows("evidence").sorted(by: { ($0.int("rank") ?? 0) < ($1.int("rank") ?? 0) }) {
            let c = try clauseIndex(row)
            let start = try row.require("start_ns", "evidence")
            let w = state.clauses[c].window(start: start, end: start, group: group(c, row))
            guard let v = row.double("v") else { continue }
            let score = clauses[c].largerIsWorse ? v : -v
            state.clauses[c].windows[w].addEvidence(Evidence(score: score, value: v, id: row.text("id") ?? "", trace: Int32(traceIndex(row.int("trace")) ?? 0)))
        }
        for row in try files.rows("cells") {
            let c = try clauseIndex(row)
            state.clauses[c].cells.insert(PeriodKey(start: try row.require("start_ns", "cells"), group: group(c, row)))
        }
        for row in try files.rows("presence") {
            let c = try clauseIndex(row)
            state.clauses[c].presence.insert(PeriodKey(start: try row.require("start_ns", "presence"), group: group(c, row)))
        }
        for c in clauses.indices {
            state.clauses[c].adoptGroups(groups[c])
            // A window the engine listed only through values or evidence would have no records.
            guard state.clauses[c].windows.allSatisfy({ $0.count > 0 }) else {
                throw EngineOutputError("clause \(clauses[c].plan.ref): the engine output has values for a window without records")
            }
        }
        var result = finish(state, paths: traces.map(\.path), formats: traces.map(\.format), digests: traces.map(\.sha256), parallel: false)
        result.engine = EngineProvenance(name: manifest.text("engine") ?? "unknown", sqlSHA256: sqlSHA256)
        return result
    }

    private func clauseIndex(_ row: EngineRow) throws -> Int {
        guard let c = row.int("clause"), c >= 0, Int(c) < clauses.count else { throw EngineOutputError("a row names no clause of this contract") }
        return Int(c)
    }
}

/// The engine output's format name and version (docs/engines.md), shared with the SQL generator.
package enum SQLOutputFormat {
    package static let name = "slac-engine-output"
    package static let version = 2
}

