import SLACChecker
import SLACMonitor
import SLACSyntax
import SLACTrace

/// The check for missing information (docs/formats.md): a clause needing a field that a trace's format
/// does not carry (TTFT in a token-only trace, a time window over records without timestamps)
/// stops the run with an input error naming the clause, the field and the format.
enum FormatRequirements {
    /// The fields a metric reads (as the monitor compiler requests them).
    static func fields(_ metric: Metric) -> [String] { metric.traceFields.map(\.name) }

    static func fields(_ p: CheckedPredicate) -> [String] {
        switch p {
        case .and(let a, let b), .or(let a, let b): fields(a) + fields(b)
        case .not(let a): fields(a)
        case .metric(let m, _, _): fields(m)
        case .text(let f, _, _), .textIn(let f, _, _): [f]
        }
    }

    /// The fields of a clause, in the order they appear (scope, groups, aggregate, exclusions).
    static func fields(_ c: PlanClause) -> [String] {
        var out: [String] = []
        if let scope = c.scope { out += fields(scope) }
        out += c.groupBy
        switch c.aggregate {
        case .share(let p): out += fields(p)
        case .count: break
        case .percentile(let m, _), .mean(let m), .min(let m), .max(let m), .sum(let m): out += fields(m)
        }
        for e in c.exclusions.requests { out += fields(e) }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// One diagnostic per (trace format, clause, missing field).
    static func problems(plan: MonitorPlan, sources: [(path: String, format: TraceFormat)], epochGiven: Bool) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var checked = Set<String>()
        for source in sources where source.format.isAdapter {
            let d = source.format.formatDescription
            let name = source.format.rawValue
            if d.needsEpoch && !epochGiven {
                out.append(ToolDiagnostics.error("SLA0607", "`\(source.path)` is a `\(name)` trace, whose timestamps are milliseconds since the trace start",
                                                 help: "pass `--epoch INSTANT` with the instant the trace started, e.g. `--epoch 2024-05-01T00:00:00Z`"))
            }
            guard checked.insert(name).inserted else { continue }
            var missing: [Diagnostic] = []
            func lacks(_ message: String, help: String? = nil) {
                missing.append(ToolDiagnostics.error("SLA0606", message, help: help))
            }
            if !d.hasTimestamps && !plan.exclusions.maintenance.isEmpty {
                lacks("the contract's maintenance exclusions need `ts`, which `\(name)` traces do not carry")
            }
            for e in plan.exclusions.requests {
                for f in fields(e) where !d.provides(f) {
                    lacks("the contract's `exclude requests` needs `\(f)`, which `\(name)` traces do not carry")
                }
            }
            for c in plan.clauses {
                if !d.hasTimestamps {
                    if c.window != .term {
                        lacks("clause `\(c.ref)` (\(c.name)) needs `ts` for its time windows, which `\(name)` traces do not carry",
                              help: "`\(name)` records have no timestamps; only clauses with `over term` can run on them")
                    } else if !c.exclusions.maintenance.isEmpty {
                        lacks("clause `\(c.ref)` (\(c.name)) needs `ts` for its maintenance exclusion, which `\(name)` traces do not carry")
                    }
                }
                for f in fields(c) where !d.provides(f) {
                    lacks("clause `\(c.ref)` (\(c.name)) needs `\(f)`, which `\(name)` traces do not carry")
                }
            }
            if var last = missing.popLast() {
                last.notes.append(DiagnosticNote(span: Span(0, 0), message: "`\(source.path)` was read as `\(name)`; `slac formats` lists what each format carries"))
                out += missing + [last]
            }
        }
        return out
    }
}
