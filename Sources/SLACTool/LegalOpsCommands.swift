import Foundation
import SLACChecker
import SLACLegalOps
import SLACSyntax

/// Loads and checks one contract for `explain` and `diff`, or renders why it cannot (exit 2, or 3
/// when the file cannot be read).
private func loadDocument(_ path: String, colored: Bool) -> Result<ContractDocument, CommandOutput> {
    switch ContractLoading.load(path: path) {
    case .failure(let problem):
        return .failure(CommandOutput(standardError: CheckCommand.renderInputProblem(problem, colored: colored), exitCode: problem.exitCode))
    case .success(let source):
        switch ContractDocument.load(source) {
        case .success(let document): return .success(document)
        case .failure(let invalid):
            let text = DiagnosticRenderer(colored: colored).render(invalid.diagnostics, in: source)
            return .failure(CommandOutput(standardError: text, exitCode: ExitCode.invalidContract))
        }
    }
}

/// `slac fmt FILE... [--check]`: rewrites each file in its canonical layout (README.md, "Commands").
public enum FmtCommand {
    /// Formats `paths` in place, or with `check` only reports the files that are not formatted.
    /// Exit 2 when a file has syntax errors or is not a contract's text, else 3 when a file cannot be
    /// read or written (the other files are still done), else with `check` 1 when a file is not
    /// formatted, else 0.
    public static func run(paths: [String], check: Bool, colored: Bool) -> CommandOutput {
        var output = CommandOutput()
        var invalid = false, unreadable = false, unformatted = 0, rewritten = 0
        for path in paths {
            let source: SourceFile
            switch ContractLoading.load(path: path) {
            case .failure(let problem):
                output.standardError += CheckCommand.renderInputProblem(problem, colored: colored)
                if problem.exitCode == .inputError { unreadable = true } else { invalid = true }
                continue
            case .success(let s): source = s
            }
            switch ContractFormatter.format(source) {
            case .failure(let errors):
                output.standardError += DiagnosticRenderer(colored: colored).render(errors.diagnostics, in: source)
                output.standardError += "\(path): not formatted: fix the syntax errors first\n"
                invalid = true
            case .success(let text):
                guard text != source.text else { continue }
                if check {
                    output.standardOutput += "not formatted: \(path)\n"
                    unformatted += 1
                } else {
                    do {
                        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                        output.standardOutput += "formatted \(path)\n"
                        rewritten += 1
                    } catch {
                        output.standardError += ToolDiagnostics.render([ToolDiagnostics.error("SLA0007", "cannot write `\(path)`", help: "check the file's permissions")],
                                                                       location: path, colored: colored)
                        unreadable = true
                    }
                }
            }
        }
        if invalid {
            output.exit = ExitCode.invalidContract
        } else if unreadable {
            output.exit = ExitCode.inputError
        } else if check && unformatted > 0 {
            output.exit = ExitCode.breached
            output.standardOutput += "\(unformatted) of \(paths.count) file\(paths.count == 1 ? "" : "s") not formatted\n"
        } else if check {
            output.standardOutput += "\(paths.count) file\(paths.count == 1 ? "" : "s") already formatted\n"
        } else if rewritten == 0 {
            output.standardOutput += "\(paths.count) file\(paths.count == 1 ? "" : "s") already formatted\n"
        }
        return output
    }
}

/// `slac explain FILE [--clause NAME] [--format markdown|html]`.
public enum ExplainCommand {
    /// Markdown for review in a repository or ticket; HTML for a page to send to the other party.
    public enum Format: String, Sendable, CaseIterable { case markdown, html }

    /// The explanation on standard output; exit 2 on an invalid contract or an unknown clause.
    public static func run(path: String, clause: String?, format: Format, colored: Bool) -> CommandOutput {
        let document: ContractDocument
        switch loadDocument(path, colored: colored) {
        case .failure(let output): return output
        case .success(let d): document = d
        }
        if let clause, !document.contract.clauses.contains(where: { $0.name == clause || $0.ref == clause }) {
            let names = document.contract.clauses.map(\.name)
            let help = Spelling.closest(to: clause, among: names).map { "did you mean `\($0)`?" }
                ?? "the clauses are " + names.map { "`\($0)`" }.joined(separator: ", ")
            return CommandOutput(standardError: ToolDiagnostics.render([ToolDiagnostics.error("SLA0008", "no clause `\(clause)` in `\(path)`", help: help)],
                                                                     location: path, colored: colored),
                                 exitCode: ExitCode.invalidContract)
        }
        let explanation = ContractExplainer.explain(document, clause: clause)
        switch format {
        case .markdown: return CommandOutput(standardOutput: ContractExplainer.markdown(explanation))
        case .html: return CommandOutput(standardOutput: ContractExplainer.html(explanation))
        }
    }
}

/// `slac diff OLD NEW`: the semantic difference between two versions of a contract.
public enum DiffCommand {
    /// Exit 0 when the two mean the same, 1 when they differ, 2 when either is invalid.
    public static func run(oldPath: String, newPath: String, colored: Bool) -> CommandOutput {
        let old: ContractDocument, new: ContractDocument
        switch (loadDocument(oldPath, colored: colored), loadDocument(newPath, colored: colored)) {
        case (.success(let a), .success(let b)): old = a; new = b
        case (.failure(let a), .failure(let b)):
            return CommandOutput(standardError: a.standardError + b.standardError, exitCode: ExitCode.invalidContract)
        case (.failure(let a), _), (_, .failure(let a)): return a
        }
        let changes = ContractDiff.compare(old, new)
        return CommandOutput(standardOutput: ContractDiff.render(changes, oldPath: oldPath, newPath: newPath),
                             exitCode: changes.isEmpty ? ExitCode.compliant : ExitCode.breached)
    }
}

// MARK: SARIF

/// SARIF 2.1.0 output of `slac check --format sarif`, for code-scanning tools (GitHub, GitLab,
/// IDEs) that show diagnostics inline on the contract.
extension CheckCommand {
    struct SARIFLog: Encodable {
        var schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
        var version = "2.1.0"
        var runs: [SARIFRun]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    struct SARIFRun: Encodable {
        var tool: SARIFTool
        var columnKind = "unicodeCodePoints"
        var results: [SARIFResult]
    }
    struct SARIFTool: Encodable { var driver: SARIFDriver }
    struct SARIFDriver: Encodable {
        var name = "slac"
        var version = SlacVersion.current
        var rules: [SARIFRule]
    }
    struct SARIFText: Encodable { var text: String }
    struct SARIFRule: Encodable {
        var id: String
        var name: String
        var shortDescription: SARIFText
        var defaultConfiguration: SARIFConfiguration
    }
    struct SARIFConfiguration: Encodable { var level: String }
    struct SARIFResult: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: SARIFText
        var locations: [SARIFLocation]
        var relatedLocations: [SARIFLocation]?
        var properties: [String: String]?
    }
    struct SARIFLocation: Encodable {
        var id: Int?
        var physicalLocation: SARIFPhysical
        var message: SARIFText?
    }
    struct SARIFPhysical: Encodable {
        var artifactLocation: SARIFArtifact
        var region: SARIFRegion
    }
    struct SARIFArtifact: Encodable { var uri: String }
    struct SARIFRegion: Encodable {
        var startLine: Int
        var startColumn: Int
        var endLine: Int
        var endColumn: Int
    }

    /// What each code or family of codes is about, for the rule descriptions.
    static func ruleDescription(_ code: String) -> (name: String, text: String) {
        let specific: [String: (String, String)] = [
            "SLA0401": ("CustomFieldTypo", "a name close to a canonical field is read as a custom trace field"),
            "SLA0410": ("ConflictingRequirements", "two requirements conflict: no window can meet both"),
            "SLA0411": ("RedundantClause", "a clause is implied by another"),
            "SLA0412": ("UnsatisfiableCondition", "a condition no request can satisfy"),
            "SLA0413": ("CreditTierNeverApplies", "a credit tier can never apply"),
            "SLA0414": ("CreditWhileCompliant", "a credit tier applies while the clause meets its objective"),
            "SLA0415": ("MaintenanceCoversTerm", "maintenance exclusions cover the whole term"),
            "SLA0416": ("QuotaBelowMinimum", "a quota is below what a per-window minimum adds up to"),
        ]
        if let s = specific[code] { return s }
        switch code.prefix(5) {
        case "SLA00": return ("InputFile", "the contract file cannot be read as text")
        case "SLA01": return ("Syntax", "syntax error")
        case "SLA02": return ("NamesAndTypes", "unknown name, unit or dimension mismatch")
        case "SLA03": return ("ContractSemantics", "invalid term, objective, credit or exclusion")
        default: return ("Analysis", "analysis warning")
        }
    }

    static func renderSARIF(_ outcomes: [FileOutcome]) -> String {
        var rules: [SARIFRule] = []
        var ruleIndex: [String: Int] = [:]
        var results: [SARIFResult] = []
        func uri(_ path: String) -> String {
            path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        }
        func region(_ span: Span, _ source: SourceFile) -> SARIFRegion {
            let s = source.location(of: span.start), e = source.location(of: span.end)
            let endColumn = (e.line, e.column) < (s.line, s.column) ? s.column : e.column
            return SARIFRegion(startLine: s.line, startColumn: s.column, endLine: max(e.line, s.line), endColumn: endColumn)
        }
        for o in outcomes {
            for d in o.diagnostics {
                let code = d.code.rawValue
                if ruleIndex[code] == nil {
                    let (name, text) = ruleDescription(code)
                    ruleIndex[code] = rules.count
                    rules.append(SARIFRule(id: code, name: name, shortDescription: SARIFText(text: text),
                                           defaultConfiguration: SARIFConfiguration(level: d.severity == .note ? "note" : d.severity.rawValue)))
                }
                let r: SARIFRegion
                var related: [SARIFLocation]?
                if let source = o.source {
                    r = region(d.span, source)
                    if !d.notes.isEmpty {
                        related = d.notes.enumerated().map { i, n in
                            SARIFLocation(id: i + 1, physicalLocation: SARIFPhysical(artifactLocation: SARIFArtifact(uri: uri(o.path)), region: region(n.span, source)),
                                          message: SARIFText(text: n.message))
                        }
                    }
                } else {
                    let line = o.inputProblem?.line ?? 1, column = o.inputProblem?.column ?? 1
                    r = SARIFRegion(startLine: line, startColumn: column, endLine: line, endColumn: column)
                }
                results.append(SARIFResult(ruleId: code, ruleIndex: ruleIndex[code] ?? 0,
                                           level: d.severity == .note ? "note" : d.severity.rawValue,
                                           message: SARIFText(text: d.message),
                                           locations: [SARIFLocation(physicalLocation: SARIFPhysical(artifactLocation: SARIFArtifact(uri: uri(o.path)), region: r))],
                                           relatedLocations: related,
                                           properties: d.help.map { ["help": $0] }))
            }
        }
        let log = SARIFLog(runs: [SARIFRun(tool: SARIFTool(driver: SARIFDriver(rules: rules)), results: results)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(log) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
