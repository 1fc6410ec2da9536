import SLACChecker
import SLACSyntax

/// Every diagnostic of a contract text, as `slac check` reports it: syntax and checker
/// diagnostics, then the analysis warnings (SLA041x) when the contract checked without errors.
///
/// `slac check` and the language server both call this, so an editor shows exactly what CI
/// reports; neither can drift by running a different subset of the stages.
package enum ContractDiagnostics {
    /// What one run of the front end produced: the parsed file (for tools that also need the
    /// tree), the checked contract when there were no errors, and the diagnostics in display order.
    package struct Outcome: Sendable {
        package var parsed: ParsedContract
        package var contract: CheckedContract?
        package var diagnostics: [Diagnostic]
        /// The contract with its syntax when it checked without errors (what `explain` needs).
        package var document: ContractDocument?
    }

    /// Parses, checks and analyses `source`.
    package static func check(_ source: SourceFile) -> Outcome {
        let parsed = Parser.parse(source)
        let result = Checker.check(parsed)
        let warnings = result.contract.map { ContractAnalysis.warnings(for: $0, syntax: parsed.syntax) } ?? []
        var document: ContractDocument?
        if let contract = result.contract, let syntax = parsed.syntax, !result.diagnostics.containsErrors {
            document = ContractDocument(source: source, syntax: syntax, contract: contract, diagnostics: result.diagnostics)
        }
        return Outcome(parsed: parsed, contract: result.contract, diagnostics: (result.diagnostics + warnings).sortedForDisplay,
                       document: document)
    }
}
