import Foundation
import SLACEngines

/// `slac compile FILE [-o PLAN]`.
public enum CompileCommand {
    public static func run(contractPath: String, output: String?, colored: Bool) -> CommandOutput {
        if let collision = collision(contractPath: contractPath, output: output, colored: colored) { return collision }
        switch PlanBuilding.plan(contractPath: contractPath, colored: colored) {
        case .failure(let out): return out
        case .success(let plan):
            guard let data = try? plan.encoded() else {
                return ToolDiagnostics.output("SLA0702", "cannot encode the plan", exit: .invalidContract, colored: colored)
            }
            if let output {
                do { try OutputFile.write(Array(data) + [0x0A], to: output) } catch {
                    // An unwritable output is an input/output error (docs/ci.md: exit 3).
                    return ToolDiagnostics.output("SLA0901", "cannot write \(error)", exit: .inputError, colored: colored)
                }
                return CommandOutput()
            }
            return CommandOutput(standardOutput: String(decoding: data, as: UTF8.self) + "\n")
        }
    }
}

extension CompileCommand {
    /// `compile c.sla -o c.sla` replaced the contract with its plan: refused (exit 2).
    static func collision(contractPath: String, output: String?, kind: OutputFile.Kind = .plan, colored: Bool) -> CommandOutput? {
        if let collision = OutputFile.collision(outputs: [("-o", output)], inputs: [("the contract", contractPath)]) {
            return ToolDiagnostics.output("SLA0513", collision.message, help: "write the plan to another file", exit: .invalidContract, colored: colored)
        }
        // `-o package.json` replaced the user's file: slac replaces only what it wrote.
        if let output, !OutputFile.holdsNothingOrEarlier(output, kind: kind) {
            return ToolDiagnostics.output("SLA0513", "`-o \(output)` would replace a file that is not \(kind.named) slac wrote",
                                          help: "write to another file, or remove that one first if it may go", exit: .invalidContract, colored: colored)
        }
        return nil
    }

    /// `slac compile CONTRACT --target sql --dialect duckdb|spark`: the accumulating half as one
    /// SQL script (docs/engines.md).
    public static func runSQL(contractPath: String, dialect: SQLDialect?, input: SQLInputFormat, checkIDs: Bool = false, output: String?,
                              colored: Bool) -> CommandOutput {
        if let collision = collision(contractPath: contractPath, output: output, kind: .script, colored: colored) { return collision }
        guard let dialect else {
            return ToolDiagnostics.output("SLA0511", "`--target sql` needs `--dialect`", help: "pass `--dialect duckdb` or `--dialect spark`",
                                          exit: .invalidContract, colored: colored)
        }
        switch PlanBuilding.plan(contractPath: contractPath, colored: colored) {
        case .failure(let out): return out
        case .success(let plan):
            let script: String
            do {
                script = try SQLScript(try plan.validated(), dialect: dialect, input: input, checkIDs: checkIDs).text()
            } catch {
                return ToolDiagnostics.output(error is SQLCompileError ? "SLA1004" : "SLA0702", "\(error)", exit: .invalidContract, colored: colored)
            }
            if let output {
                do { try OutputFile.write(Array(script.utf8), to: output) } catch {
                    return ToolDiagnostics.output("SLA0901", "cannot write \(error)", exit: .inputError, colored: colored)
                }
                return CommandOutput()
            }
            return CommandOutput(standardOutput: script)
        }
    }
}
