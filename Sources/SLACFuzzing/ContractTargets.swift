import Foundation
import SLACChecker
import SLACEvaluator
import SLACMonitor
import SLACSyntax

/// `contract`: the front end of `slac check` and `slac compile` on arbitrary source text.
enum ContractTarget {
    static func run(_ data: UnsafeRawBufferPointer) {
        // Invalid UTF-8 becomes U+FFFD, as an editor buffer would hold it; `ContractLoading`
        // refuses such files earlier, but the parser must not depend on that.
        let source = SourceFile(path: "fuzz.sla", text: String(decoding: data, as: UTF8.self))
        let parsed = Parser.parse(source)
        let checked = Checker.check(parsed)
        _ = DiagnosticRenderer().render(parsed.diagnostics + checked.diagnostics, in: source)
        guard let contract = checked.contract else { return }
        let plan = MonitorCompiler.compile(contract, sourceSHA256: String(repeating: "0", count: 64), toolVersion: "fuzz")
        PlanTarget.roundTrip(plan, target: .contract)
        // A plan compiled from a checked contract is consistent by construction.
        do { _ = try Evaluator(plan: plan) } catch {
            FuzzFinding.fail(.contract, "the evaluator refuses a compiled plan: \(error)")
        }
    }
}

/// `plan`: what `slac verify --plan` does with a plan file before reading traces.
enum PlanTarget {
    static func run(_ data: UnsafeRawBufferPointer) {
        guard let plan = try? MonitorPlan.decode(Data(data)) else { return }
        roundTrip(plan, target: .plan)
        // Refusing an inconsistent plan is fine; trapping or spinning is not.
        _ = try? Evaluator(plan: plan)
    }

    /// A plan must survive `encoded()` and `decode` unchanged.
    static func roundTrip(_ plan: MonitorPlan, target: FuzzTarget) {
        let encoded: Data
        do { encoded = try plan.encoded() } catch {
            FuzzFinding.fail(target, "a plan cannot be encoded: \(error)")
        }
        let decoded: MonitorPlan
        do { decoded = try MonitorPlan.decode(encoded) } catch {
            FuzzFinding.fail(target, "an encoded plan cannot be decoded: \(error)")
        }
        if decoded != plan {
            FuzzFinding.fail(target, "a plan changes in an encode/decode round trip")
        }
    }
}
