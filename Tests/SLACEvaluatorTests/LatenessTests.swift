import Foundation
import SLACChecker
import SLACMonitor
import SLACTrace
import Testing
import SLACTestSupport
@testable import SLACEvaluator

/// Percentile windows closed early (`Evaluator.lateness`, docs/formats.md, "Time order"): the
/// results equal those with every window open, whatever the jobs, block sizes and reading; input
/// that breaks the bound is evaluated again and says so.
@Suite("Windows closed early under the lateness bound")
struct LatenessTests {
    /// Percentile clauses of several window kinds, scopes and groupings, and a sum beside them.
    static let contractText = """
        contract "Lateness" {
            id "LATE-1"
            effective 2026-01-01 to 2027-01-01
            timezone "Europe/Paris"
            clause "1" p99_minute {
                scope status = "ok"
                every 1 minute per tenant
                require p99(ttft) <= 800 ms
            }
            clause "2" p50_five {
                every 5 minutes per tenant, model
                require p50(e2e) <= 2000 ms
            }
            clause "3" p90_day {
                every calendar day per model
                require p90(ttft) <= 900 ms
            }
            clause "4" p95_gap {
                every 90 seconds
                require p95(itl) <= 150 ms
            }
            clause "5" tokens {
                every 1 hour per tenant
                require sum(output_tokens) <= 100000 tokens
            }
        }

        """

    /// Collects the evaluator's notices.
    final class Notices: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    }

    static func evaluator(_ plan: MonitorPlan, lateness: Int64?, blockSize: Int?, notices: Notices?) throws -> Evaluator {
        var evaluator = try Evaluator(plan: plan)
        evaluator.lateness = lateness
        if let blockSize { evaluator.blockSize = blockSize }
        if let notices { evaluator.notice = { notices.append($0) } }
        return evaluator
    }

    /// The trace mapped whole, in `jobs` chunks.
    static func mapped(_ plan: MonitorPlan, _ path: String, jobs: Int, blockSize: Int? = nil, lateness: Int64?,
                       notices: Notices? = nil) throws -> EvaluationResult {
        let evaluator = try evaluator(plan, lateness: lateness, blockSize: blockSize, notices: notices)
        let source = TraceSource(input: try TraceInput(path: path), format: .jsonl, sha256: "sha", displayPath: "trace.jsonl")
        return try evaluator.evaluate([source], jobs: jobs)
    }

    /// The trace read as a stream from a gzip copy, which can be read again when `reopens`.
    static func streamed(_ plan: MonitorPlan, _ gz: String, jobs: Int, blockSize: Int, lateness: Int64?, reopens: Bool = true,
                         notices: Notices? = nil) throws -> EvaluationResult {
        let evaluator = try evaluator(plan, lateness: lateness, blockSize: nil, notices: notices)
        let reader = LineBlockReader(stream: try TraceStream(path: gz), blockSize: blockSize)
        let digester = CountingDigester()
        reader.contentObserver = { digester.update($0) }
        _ = try reader.prefix()
        var source = TraceSource(stream: reader, format: .jsonl, displayPath: "trace.jsonl", digester: digester)
        if reopens {
            source.reopen = { () throws(TraceInputError) -> LineBlockReader in
                LineBlockReader(stream: try TraceStream(path: gz), blockSize: blockSize)
            }
        }
        var result = try evaluator.evaluate([source], jobs: jobs)
        result.traces[0].sha256 = "sha"
        return result
    }

    static func lines(seed: UInt64, count: Int) -> [String] {
        let records = TraceGenerator.records(seed: seed, count: count, badLines: seed % 2 == 0)
        var lines = TraceGenerator.jsonl(records).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func plans(seed: UInt64) throws -> [MonitorPlan] {
        [makePlan(try checkContract(contractText)), makePlan(try checkContract(ContractGenerator.contract(seed: seed, clauseCount: 6).text))]
    }

    @Test("a trace in time order up to seconds: the same results with windows closed, any jobs, blocks and reading",
          arguments: [1, 2, 3, 4] as [UInt64])
    func sortedTrace(seed: UInt64) throws {
        let dir = TempDir()
        let path = try dir.file("trace.jsonl", Self.lines(seed: seed, count: 1500 + Int(seed) * 700).joined(separator: "\n") + "\n")
        let gz = try gzip(path)
        for plan in try Self.plans(seed: seed) {
            let open = try Self.mapped(plan, path, jobs: 1, lateness: nil)
            let notices = Notices()
            for (jobs, blockSize) in [(1, nil), (1, 701), (2, nil), (2, 1009), (3, 503), (7, 2000)] as [(Int, Int?)] {
                let closed = try Self.mapped(plan, path, jobs: jobs, blockSize: blockSize, lateness: Evaluator.defaultLateness, notices: notices)
                #expect(closed == open, "seed \(seed): jobs \(jobs), blocks \(blockSize ?? 0) differ with windows closed")
                // A bound of 10 s still holds for the generator's 3 s of disorder.
                let tight = try Self.mapped(plan, path, jobs: jobs, blockSize: blockSize, lateness: 10_000_000_000, notices: notices)
                #expect(tight == open, "seed \(seed): jobs \(jobs), blocks \(blockSize ?? 0) differ with a 10 s bound")
            }
            for jobs in [1, 2, 3] {
                let closed = try Self.streamed(plan, gz, jobs: jobs, blockSize: 733 + Int(seed) * 11, lateness: Evaluator.defaultLateness,
                                               reopens: false, notices: notices)
                #expect(closed == open, "seed \(seed): streamed with \(jobs) jobs differs with windows closed")
            }
            #expect(notices.all.isEmpty, "seed \(seed): \(notices.all)")
        }
    }

    @Test("windows are in fact closed: percentiles selected, values freed")
    func windowsClose() throws {
        let dir = TempDir()
        let path = try dir.file("trace.jsonl", Self.lines(seed: 5, count: 4000).joined(separator: "\n") + "\n")
        let plan = makePlan(try checkContract(Self.contractText))
        for jobs in [1, 3] {
            var evaluator = try Evaluator(plan: plan)
            evaluator.blockSize = 1000
            let input = try TraceInput(path: path)
            let source = TraceSource(input: input, format: .jsonl, sha256: "sha", displayPath: "trace.jsonl")
            let (states, _) = try evaluator.scanWhole(source, input, traceIndex: 0, traceCount: 1, jobs: jobs,
                                                     lateness: Evaluator.defaultLateness, progress: nil, hashing: false)
            var closed = 0, open = 0
            for state in states {
                for (c, clause) in state.clauses.enumerated() where c < 4 {
                    #expect(!clause.lateValues)
                    for w in clause.windows {
                        if w.selected != nil { closed += 1; #expect(w.values.isEmpty) } else if !w.values.isEmpty { open += 1 }
                    }
                }
            }
            // One state either way: with several jobs the blocks' states merge in order, and the
            // merged part closes windows as one job does.
            #expect(states.count == 1)
            #expect(closed > 10 * open, "jobs \(jobs): \(closed) windows closed, \(open) open")
        }
    }

    @Test("a stream scanned by several jobs closes windows too: in each block, and in the merged blocks")
    func streamedWindowsClose() throws {
        let dir = TempDir()
        let path = try dir.file("trace.jsonl", Self.lines(seed: 5, count: 4000).joined(separator: "\n") + "\n")
        let gz = try gzip(path)
        let plan = makePlan(try checkContract(Self.contractText))
        for jobs in [2, 3] {
            let evaluator = try Evaluator(plan: plan)
            let reader = LineBlockReader(stream: try TraceStream(path: gz), blockSize: 1000)
            let prefix = try reader.prefix()
            let scanner = try TraceScanner(format: .jsonl, request: evaluator.request, bytes: prefix, path: "trace.jsonl",
                                           options: AdapterOptions(), maximumLine: reader.maximumLine)
            let source = TraceSource(stream: reader, format: .jsonl, displayPath: "trace.jsonl", digester: CountingDigester())
            let (state, _) = try evaluator.scanStreamInParallel(source, reader, scanner: scanner, traceIndex: 0, traceCount: 1,
                                                                jobs: jobs, lateness: Evaluator.defaultLateness, progress: nil)
            var closed = 0, open = 0
            for (c, clause) in state.clauses.enumerated() where c < 4 {
                #expect(!clause.lateValues)
                for w in clause.windows {
                    if w.selected != nil { closed += 1; #expect(w.values.isEmpty) } else if !w.values.isEmpty { open += 1 }
                }
            }
            // Blocks of 1000 bytes hold a few records each: nearly every window spans blocks and
            // is closed by the merged prefix; what stays open is the last minutes of the trace.
            #expect(closed > 10 * open, "jobs \(jobs): \(closed) windows closed, \(open) open")
        }
    }

    @Test("shuffled input breaks the bound: evaluated again with every window open, and said once",
          arguments: [1, 2, 3] as [UInt64])
    func shuffledTrace(seed: UInt64) throws {
        let dir = TempDir()
        var lines = Self.lines(seed: seed, count: 2500)
        var g = SeededGenerator(mixing: seed &+ 7)
        lines.shuffle(using: &g)
        let path = try dir.file("trace.jsonl", lines.joined(separator: "\n") + "\n")
        let gz = try gzip(path)
        let plan = makePlan(try checkContract(Self.contractText))
        let open = try Self.mapped(plan, path, jobs: 1, lateness: nil)
        for (jobs, blockSize) in [(1, nil), (1, 997), (2, nil), (2, 1009), (5, 600)] as [(Int, Int?)] {
            let notices = Notices()
            let result = try Self.mapped(plan, path, jobs: jobs, blockSize: blockSize, lateness: Evaluator.defaultLateness, notices: notices)
            #expect(result == open, "seed \(seed): jobs \(jobs), blocks \(blockSize ?? 0) differ after the fallback")
            // With one block and one job nothing closes before the end: no fallback is needed
            // (several jobs cut even a small file into blocks, at least four a job).
            if blockSize != nil || jobs > 1 {
                #expect(notices.all.count == 1 && notices.all.first?.contains("out of time order") == true, "\(notices.all)")
            } else {
                #expect(notices.all.isEmpty, "\(notices.all)")
            }
        }
        for jobs in [1, 2, 3] {
            let notices = Notices()
            let result = try Self.streamed(plan, gz, jobs: jobs, blockSize: 800, lateness: Evaluator.defaultLateness, notices: notices)
            #expect(result == open, "seed \(seed): streamed with \(jobs) jobs differs after the fallback")
            #expect(notices.all.count == 1, "\(notices.all)")
            // A stream that cannot be read twice fails, never silently wrong.
            #expect(throws: EvaluationError.self) {
                _ = try Self.streamed(plan, gz, jobs: jobs, blockSize: 800, lateness: Evaluator.defaultLateness, reopens: false)
            }
        }
    }

    @Test("one record later than the bound: caught in its chunk or at the merge")
    func oneLateRecord() throws {
        // A record every 7 s for 6 hours, in order, then one from the first minutes at the end.
        let start = utc("2026-03-02T00:00:00Z")
        func line(_ i: Int, _ ts: Int64, ttft: Int) -> String {
            let s = ts / 1_000_000_000
            let date = Date(timeIntervalSince1970: TimeInterval(s))
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime]
            return "{\"id\":\"r\(i)\",\"ts\":\"\(f.string(from: date))\",\"tenant\":\"t\(i % 3)\",\"model\":\"m\",\"status\":\"ok\","
                + "\"ttft_ms\":\(ttft),\"e2e_ms\":\(ttft * 3),\"output_tokens\":\(i % 50),\"itl_ms\":[\(i % 200)]}"
        }
        var lines = (0..<3000).map { line($0, start + Int64($0) * 7_000_000_000, ttft: 100 + ($0 * 37) % 900) }
        lines.append(line(3000, start + 65_000_000_000, ttft: 5000))
        let dir = TempDir()
        let path = try dir.file("late.jsonl", lines.joined(separator: "\n") + "\n")
        let plan = makePlan(try checkContract(Self.contractText))
        let open = try Self.mapped(plan, path, jobs: 1, lateness: nil)
        for (jobs, blockSize) in [(1, 4096), (3, 4096), (4, nil), (2, 8192)] as [(Int, Int?)] {
            let notices = Notices()
            #expect(try Self.mapped(plan, path, jobs: jobs, blockSize: blockSize, lateness: Evaluator.defaultLateness, notices: notices) == open)
            #expect(notices.all.count == 1, "jobs \(jobs): \(notices.all)")
            // A bound longer than the record's delay (6 h) keeps its window open: no fallback.
            let relaxed = Notices()
            #expect(try Self.mapped(plan, path, jobs: jobs, blockSize: blockSize, lateness: 7 * 3_600_000_000_000, notices: relaxed) == open)
            #expect(relaxed.all.isEmpty, "jobs \(jobs): \(relaxed.all)")
        }
    }
}
