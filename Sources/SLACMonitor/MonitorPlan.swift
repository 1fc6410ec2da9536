import Foundation
import SLACChecker
import SLACExact
import SLACSyntax
import SLACFields

/// Stage 3's output: everything the evaluator needs, serialisable, so that `slac verify --plan`
/// runs without the contract source and a plan can be shipped to other machines (README.md, "Architecture").
///
/// Per clause: the record filter (exclusions, then scope), the window assigner, the group key,
/// the aggregator and the verdict rule; and, for the whole plan, the trace fields it reads, so
/// readers parse only those.
package struct MonitorPlan: Sendable, Hashable, Codable {
    /// Bumped on any incompatible change; `decode` refuses other versions.
    package static let currentFormatVersion = 3
    /// The version of plans with maintenance `as uptime` or prices with conditions: a release
    /// that reads only versions 1 and 2 would ignore those fields and compute other figures, so
    /// it must refuse such a plan instead. Other plans keep the version they had before.
    package static let conditionsFormatVersion = 3

    /// Whether a plan with these parts needs `conditionsFormatVersion`.
    static func usesVersion3(prices: [CheckedPrice], exclusions: CheckedExclusions, clauses: [PlanClause]) -> Bool {
        prices.contains { $0.condition != nil } || (exclusions.maintenance + clauses.flatMap(\.exclusions.maintenance)).contains(where: \.asUptime)
    }

    /// Whether this plan needs `conditionsFormatVersion`.
    var usesVersion3: Bool { Self.usesVersion3(prices: contract.prices ?? [], exclusions: exclusions, clauses: clauses) }

    package var format: String
    package var formatVersion: Int
    package var toolVersion: String
    package var contract: PlanContract
    package var fields: PlanFields
    /// Contract-level exclusions (counted in the trace accounting).
    package var exclusions: CheckedExclusions
    package var clauses: [PlanClause]

    /// Plans of contracts without period measures, prices or calendar quarters and years are
    /// still written as version 1, byte for byte as before, so earlier slac releases read them;
    /// any of those features makes a version 2 plan, which earlier releases refuse rather than
    /// misread; maintenance `as uptime` and prices with conditions make a version 3 plan.
    package static let baseFormatVersion = 1

    /// Reads a plan written by `encoded()`; refuses other formats and versions.
    package static func decode(_ data: Data) throws(PlanError) -> MonitorPlan {
        // The header first: a file that is not a plan, or a plan of another version, is said to
        // be so rather than reported as a missing field of this version.
        struct Header: Decodable { var format: String?; var formatVersion: Int? }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data) } catch {
            throw (try? JSONSerialization.jsonObject(with: data)) == nil ? PlanError.malformed("it is not valid JSON") : PlanError.notAPlan
        }
        guard header.format == "slac-monitor-plan", let version = header.formatVersion else { throw PlanError.notAPlan }
        guard (baseFormatVersion...currentFormatVersion).contains(version) else { throw PlanError.unsupportedVersion(version) }
        do {
            return try JSONDecoder().decode(MonitorPlan.self, from: data)
        } catch let error as DecodingError {
            throw PlanError.malformed(Self.describe(error))
        } catch {
            throw PlanError.malformed("\(error)")
        }
    }

    /// A decoding error in words, with where in the plan it is (`clauses[2].window`).
    private static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            let text = path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.isEmpty ? "the top level" : String(text.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "`\(key.stringValue)` is missing at \(place(context.codingPath))"
        case .valueNotFound(_, let context), .typeMismatch(_, let context):
            return "\(place(context.codingPath)) has a value of the wrong kind"
        case .dataCorrupted(let context):
            // The plan's own decoders say what is wrong (`unknown aggregate `x``); JSON's say little.
            let why = context.debugDescription.isEmpty ? "" : ": \(context.debugDescription)"
            return "\(place(context.codingPath)) has an invalid value\(why)"
        @unknown default:
            return "\(error)"
        }
    }

    /// Deterministic JSON (sorted keys).
    package func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

package enum PlanError: Error, CustomStringConvertible, Equatable {
    case notAPlan
    case unsupportedVersion(Int)
    /// A rule of `MonitorPlan.validated()` is broken (the plan was edited, or made by another tool).
    case inconsistent(String)
    /// A file that says it is a plan of a supported version but does not decode as one.
    case malformed(String)
    package var description: String {
        switch self {
        case .malformed(let what): "the monitor plan cannot be read: \(what)"
        case .notAPlan: "the file is not a slac monitor plan"
        case .unsupportedVersion(let v): "monitor plan format version \(v) is not supported (this slac reads versions \(MonitorPlan.baseFormatVersion) to \(MonitorPlan.currentFormatVersion))"
        case .inconsistent(let what): "the monitor plan is inconsistent: \(what) (recompile it with `slac compile`)"
        }
    }
}

/// Contract identity and the facts the evaluator needs from the header.
package struct PlanContract: Sendable, Hashable, Codable {
    package var name: String
    package var id: String?
    package var version: String?
    /// SHA-256 of the contract source, hex.
    package var sha256: String
    package var timezone: String
    package var termStart: Int64
    package var termEnd: Int64
    /// Monthly fee as a decimal string, if any.
    package var feeAmount: String?
    package var feeCurrency: String?
    package var feeMinorUnitDigits: Int?
    /// Usage prices; nil when the contract has none.
    package var prices: [CheckedPrice]?
}

/// The trace fields a plan reads, by kind. `ts` is always read.
package struct PlanFields: Sendable, Hashable, Codable {
    package var numeric: [String]
    package var text: [String]
    package var list: [String]

    /// The fields that exclusions and clauses read (sorted). The compiler writes these into the
    /// plan; the evaluator recomputes them to refuse a plan whose field list was edited.
    package static func needed(exclusions: CheckedExclusions, clauses: [PlanClause], prices: [CheckedPrice] = []) -> PlanFields {
        needed(exclusions: exclusions, clauses: clauses, prices: prices, citingEvidence: true)
    }

    /// Whether the plan reads `id` only to cite it in evidence (no scope, group, exclusion or
    /// price condition reads it), so that the reader may leave it in the input
    /// (`TraceFieldRequest.deferredTextField`).
    package static func readsIDOnlyForEvidence(_ plan: MonitorPlan) -> Bool {
        !needed(exclusions: plan.exclusions, clauses: plan.clauses, prices: plan.contract.prices ?? [], citingEvidence: false).text.contains("id")
    }

    private static func needed(exclusions: CheckedExclusions, clauses: [PlanClause], prices: [CheckedPrice],
                               citingEvidence: Bool) -> PlanFields {
        var numeric = Set<String>(), text = Set<String>(), list = Set<String>()
        func need(_ metric: Metric) {
            for field in metric.traceFields {
                if field.kind == .gaps { list.insert(field.name) } else { numeric.insert(field.name) }
            }
        }
        func need(_ p: CheckedPredicate) {
            switch p {
            case .and(let a, let b), .or(let a, let b): need(a); need(b)
            case .not(let a): need(a)
            case .metric(let m, _, _): need(m)
            case .text(let f, _, _), .textIn(let f, _, _): text.insert(f)
            }
        }
        exclusions.requests.forEach(need)
        for c in clauses {
            c.exclusions.requests.forEach(need)
            c.scope.map(need)
            c.groupBy.forEach { text.insert($0) }
            switch c.aggregate {
            case .share(let p): need(p)
            case .count: break
            case .percentile(let m, _), .mean(let m), .min(let m), .max(let m), .sum(let m): need(m)
            }
            // Evidence cites record ids.
            if citingEvidence { text.insert("id") }
            // Credits of the charges read the priced token fields and the prices' conditions.
            if c.credits.contains(where: { $0.base == .charges }) {
                prices.forEach { need($0.field); $0.condition.map(need) }
            }
        }
        return PlanFields(numeric: numeric.sorted(), text: text.sorted(), list: list.sorted())
    }

    /// True when every field in `other` is listed here.
    package func covers(_ other: PlanFields) -> Bool {
        Set(other.numeric).isSubset(of: numeric) && Set(other.text).isSubset(of: text) && Set(other.list).isSubset(of: list)
    }
}

/// One clause, ready to evaluate.
package struct PlanClause: Sendable, Hashable, Codable {
    package var ref: String
    package var name: String
    package var text: String
    package var requirement: String
    /// Clause-level exclusions, applied after the contract's.
    package var exclusions: CheckedExclusions
    package var scope: CheckedPredicate?
    package var window: CheckedWindow
    package var groupBy: [String]
    package var aggregate: CheckedAggregate
    package var comparison: ComparisonOperator
    /// Exact bound in the aggregate's canonical unit.
    package var bound: Rational
    /// Canonical unit of the observed value (`ms`, `tokens`, `requests`, `tokens/s`, `ratio`, `J`).
    package var unit: String
    package var minimumRequests: Int
    package var objective: CheckedObjective
    package var credits: [CheckedCredit]
    /// The period measure; nil for plain window attainment.
    package var measure: CheckedMeasure?
    /// True for a `value` clause (windows are valued, not judged); nil otherwise.
    package var valued: Bool?

    /// Whether the clause needs a version 2 plan.
    var usesVersion2: Bool {
        if measure != nil || valued != nil || credits.contains(where: { $0.base != .fee || $0.comparison != .less }) { return true }
        if objective.comparison != .greaterEqual { return true }
        switch objective.period {
        case .calendarQuarter, .calendarYear: return true
        case .calendarMonth, .term: break
        }
        switch window {
        case .calendarQuarter, .calendarYear: return true
        default: return false
        }
    }
}

/// Stage 3: checked contract → monitor plan.
package enum MonitorCompiler {
    package static func compile(_ contract: CheckedContract, sourceSHA256: String, toolVersion: String) -> MonitorPlan {
        let clauses = contract.clauses.map { c in
            PlanClause(ref: c.ref, name: c.name, text: c.text, requirement: c.requirementText, exclusions: c.exclusions,
                       scope: c.scope, window: c.window, groupBy: c.groupBy, aggregate: c.aggregate, comparison: c.comparison,
                       bound: c.bound, unit: c.aggregate.dimension.canonicalUnit, minimumRequests: c.minimumRequests,
                       objective: c.objective, credits: c.credits, measure: c.measure, valued: c.windowsAreValued ? true : nil)
        }
        let prices = contract.prices.isEmpty ? nil : contract.prices
        let fields = PlanFields.needed(exclusions: contract.exclusions, clauses: clauses, prices: prices ?? [])
        let version = MonitorPlan.usesVersion3(prices: prices ?? [], exclusions: contract.exclusions, clauses: clauses) ? MonitorPlan.conditionsFormatVersion
            : prices != nil || clauses.contains(where: \.usesVersion2) ? 2 : MonitorPlan.baseFormatVersion
        let fee = contract.fee
        return MonitorPlan(
            format: "slac-monitor-plan", formatVersion: version, toolVersion: toolVersion,
            contract: PlanContract(name: contract.name, id: contract.id, version: contract.version, sha256: sourceSHA256,
                                   timezone: contract.timezone, termStart: contract.termStart, termEnd: contract.termEnd,
                                   feeAmount: fee.map { "\($0.amount)" }, feeCurrency: fee?.currency, feeMinorUnitDigits: fee?.minorUnitDigits, prices: prices),
            fields: fields,
            exclusions: contract.exclusions, clauses: clauses)
    }
}
