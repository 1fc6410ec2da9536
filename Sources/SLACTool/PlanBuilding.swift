import Foundation
import SLACChecker
import SLACMonitor
import SLACSyntax

/// Loads a contract and runs it through parse → check → compile, or returns the rendered errors.
package enum PlanBuilding {
    package static func plan(contractPath: String, colored: Bool) -> Result<MonitorPlan, CommandOutput> {
        switch ContractLoading.load(path: contractPath) {
        case .failure(let problem):
            return .failure(CommandOutput(standardError: CheckCommand.renderInputProblem(problem, colored: colored), exitCode: problem.exitCode))
        case .success(let source):
            let result = Checker.check(source)
            guard let contract = result.contract else {
                return .failure(CommandOutput(standardError: DiagnosticRenderer(colored: colored).render(result.diagnostics, in: source),
                                              exitCode: ExitCode.invalidContract))
            }
            let sha = Digest.sha256Hex(Array(source.text.utf8))
            return .success(MonitorCompiler.compile(contract, sourceSHA256: sha, toolVersion: SlacVersion.current))
        }
    }

    /// The plan at `path`, with the SHA-256 of the file's bytes (recorded in the report).
    package static func loadPlan(path: String, colored: Bool) -> Result<(plan: MonitorPlan, sha256: String), CommandOutput> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ToolDiagnostics.output("SLA0701", "cannot read monitor plan `\(path)`",
                                                   help: "check the path; `slac compile CONTRACT -o PLAN` writes a plan",
                                                   exit: .inputError, colored: colored))
        }
        do {
            let plan = try MonitorPlan.decode(data)
            if plan.clauses.isEmpty {
                return .failure(ToolDiagnostics.output("SLA0702", "`\(path)`: the plan has no clause, so it would judge nothing and pass",
                                                       help: "make the plan from its contract with `slac compile CONTRACT -o PLAN`",
                                                       exit: .invalidContract, colored: colored))
            }
            return .success((plan, Digest.sha256Hex(Array(data))))
        } catch {
            return .failure(ToolDiagnostics.output("SLA0702", "`\(path)`: \(error.description)",
                                                   help: "make the plan from its contract with `slac compile CONTRACT -o PLAN`, or pass `--contract CONTRACT` instead",
                                                   exit: .invalidContract, colored: colored))
        }
    }
}
