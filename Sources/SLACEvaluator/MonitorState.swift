import SLACChecker
import SLACExact

/// A record kept as evidence: its id, its value of the clause's metric, and a score where higher
/// is worse (so one ordering serves upper and lower bounds).
struct Evidence: Sendable, Hashable {
    var score: Double
    var value: Double
    var id: String

    /// Worse first; ties by id so the choice never depends on input order.
    static func worse(_ a: Evidence, _ b: Evidence) -> Bool {
        if a.score != b.score { return a.score > b.score }
        return a.id < b.id
    }
}

/// The state of one (window, group): what the clause's aggregate needs, and nothing that depends on
/// the order records arrived in. `merge` is associative and commutative, which is what makes
/// chunked, multi-core and multi-machine evaluation give the same answer as one pass (SPEC §2).
struct WindowState: Sendable {
    static let evidenceLimit = 5

    var end: Int64
    /// In-scope records.
    var count = 0
    /// Defined values (percentiles keep them all: exact nearest rank needs them).
    var values: [Double] = []
    var sum = ExactSum()
    var defined = 0
    var minimum = Double.nan
    var maximum = Double.nan
    var shareTrue = 0
    var shareKnown = 0
    var evidence: [Evidence] = []

    init(end: Int64) { self.end = end }

    @inline(__always)
    mutating func addEvidence(_ e: Evidence) {
        if evidence.count == WindowState.evidenceLimit {
            guard let last = evidence.last, Evidence.worse(e, last) else { return }
            evidence.removeLast()
        }
        var i = evidence.count
        while i > 0 && Evidence.worse(e, evidence[i - 1]) { i -= 1 }
        evidence.insert(e, at: i)
    }

    mutating func merge(_ other: WindowState) {
        count += other.count
        values.append(contentsOf: other.values)
        sum.merge(other.sum)
        defined += other.defined
        if !other.minimum.isNaN && (minimum.isNaN || other.minimum < minimum) { minimum = other.minimum }
        if !other.maximum.isNaN && (maximum.isNaN || other.maximum > maximum) { maximum = other.maximum }
        shareTrue += other.shareTrue
        shareKnown += other.shareKnown
        for e in other.evidence { addEvidence(e) }
    }
}

/// Identifies a window of a clause: its start and its group.
struct WindowKey: Sendable, Hashable {
    var start: Int64
    var group: String
}

/// All windows of one clause.
struct ClauseState: Sendable {
    var windows: [WindowKey: WindowState] = [:]
    /// The `per` field values of each group key seen.
    var groupParts: [String: [String?]] = [:]

    mutating func merge(_ other: ClauseState) {
        for (k, v) in other.windows {
            if var mine = windows[k] {
                mine.merge(v)
                windows[k] = mine
            } else {
                windows[k] = v
            }
        }
        groupParts.merge(other.groupParts) { a, _ in a }
    }
}

/// Record counts of one trace (SPEC §5.9).
struct TraceCounts: Sendable {
    var lines = 0
    var records = 0
    var accepted = 0
    var rejected = 0
    var outsideTerm = 0
    var excluded = 0

    mutating func merge(_ o: TraceCounts) {
        lines += o.lines
        records += o.records
        accepted += o.accepted
        rejected += o.rejected
        outsideTerm += o.outsideTerm
        excluded += o.excluded
    }
}

/// The whole monitor state of a plan over some records: mergeable across chunks and machines.
public struct MonitorState: Sendable {
    var clauses: [ClauseState]
    var counts: [TraceCounts]
    /// Rejected lines in input order (line numbers relative to the chunk until merged).
    var rejected: [[RejectedRecord]]

    init(clauseCount: Int, traceCount: Int) {
        clauses = Array(repeating: ClauseState(), count: clauseCount)
        counts = Array(repeating: TraceCounts(), count: traceCount)
        rejected = Array(repeating: [], count: traceCount)
    }

    /// Merges the state of a later chunk of the same trace(s) into this one.
    mutating func merge(_ other: MonitorState, rejectedLimit: Int) {
        for i in clauses.indices { clauses[i].merge(other.clauses[i]) }
        for t in counts.indices {
            let offset = counts[t].lines
            for r in other.rejected[t] where rejected[t].count < rejectedLimit {
                rejected[t].append(RejectedRecord(path: r.path, line: r.line + offset, reason: r.reason))
            }
            counts[t].merge(other.counts[t])
        }
    }
}
