import Foundation

/// `slac compile FILE [-o PLAN]`.
public enum CompileCommand {
    public static func run(contractPath: String, output: String?, colored: Bool) -> CommandOutput {
        switch PlanBuilding.plan(contractPath: contractPath, colored: colored) {
        case .failure(let out): return out
        case .success(let plan):
            guard let data = try? plan.encoded() else { return CommandOutput(standardError: "error: cannot encode the plan\n", exitCode: 2) }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: data + Data("\n".utf8)) else {
                    return CommandOutput(standardError: "error: cannot write `\(output)`\n", exitCode: 2)
                }
                return CommandOutput()
            }
            return CommandOutput(standardOutput: String(decoding: data, as: UTF8.self) + "\n")
        }
    }
}
