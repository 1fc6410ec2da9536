import Foundation

/// `slac compile FILE [-o PLAN]`.
public enum CompileCommand {
    public static func run(contractPath: String, output: String?, colored: Bool) -> CommandOutput {
        switch PlanBuilding.plan(contractPath: contractPath, colored: colored) {
        case .failure(let out): return out
        case .success(let plan):
            guard let data = try? plan.encoded() else {
                return ToolDiagnostics.output("SLA0702", "cannot encode the plan", exit: .invalidContract, colored: colored)
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: data + Data("\n".utf8)) else {
                    // An unwritable output is an input/output error (docs/ci.md: exit 3).
                    return ToolDiagnostics.output("SLA0901", "cannot write `\(output)`", help: "check that the directory exists and is writable",
                                                  exit: .inputError, colored: colored)
                }
                return CommandOutput()
            }
            return CommandOutput(standardOutput: String(decoding: data, as: UTF8.self) + "\n")
        }
    }
}
