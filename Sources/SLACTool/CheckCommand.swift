import Foundation
import SLACChecker
import SLACLegalOps
import SLACSyntax

/// `slac check FILE...`.
public enum CheckCommand {
    public enum Format: String, Sendable, CaseIterable { case text, json, sarif }

    /// One file's outcome: the source when it could be read, and its diagnostics.
    struct FileOutcome {
        var path: String
        var source: SourceFile?
        var diagnostics: [Diagnostic]
        var inputProblem: InputProblem?
    }

    public static func run(paths: [String], format: Format, colored: Bool) -> CommandOutput {
        var outcomes: [FileOutcome] = []
        for path in paths {
            switch ContractLoading.load(path: path) {
            case .failure(let problem):
                outcomes.append(FileOutcome(path: path, source: nil, diagnostics: [problem.diagnostic], inputProblem: problem))
            case .success(let source):
                // Parser, checker and analysis warnings (SLA041x), as the language server reports them.
                outcomes.append(FileOutcome(path: path, source: source, diagnostics: ContractDiagnostics.check(source).diagnostics, inputProblem: nil))
            }
        }
        let failed = outcomes.contains { $0.diagnostics.containsErrors }
        // 2 when a file is invalid, else 3 when a file cannot be read, else 0 (docs/ci.md).
        let invalid = outcomes.contains { $0.diagnostics.containsErrors && ($0.inputProblem?.exitCode ?? .invalidContract) == .invalidContract }
        var output = CommandOutput(exitCode: invalid ? ExitCode.invalidContract : failed ? ExitCode.inputError : ExitCode.compliant)
        switch format {
        case .json:
            output.standardOutput = renderJSON(outcomes)
        case .sarif:
            output.standardOutput = renderSARIF(outcomes)
        case .text:
            let renderer = DiagnosticRenderer(colored: colored)
            var text = ""
            for outcome in outcomes {
                if let problem = outcome.inputProblem {
                    text += renderInputProblem(problem, colored: colored)
                } else if let source = outcome.source, !outcome.diagnostics.isEmpty {
                    text += renderer.render(outcome.diagnostics, in: source)
                }
            }
            output.standardError = text
            let ok = outcomes.filter { !$0.diagnostics.containsErrors }.count
            output.standardOutput = failed
                ? ""
                : "checked \(ok) contract\(ok == 1 ? "" : "s"): no errors\n"
        }
        return output
    }

    static func renderInputProblem(_ p: InputProblem, colored: Bool) -> String {
        var location = p.path
        if let line = p.line, let column = p.column { location += ":\(line):\(column)" }
        return DiagnosticRenderer(colored: colored).render(p.diagnostic, location: location)
    }

    struct JSONDiagnostic: Encodable {
        var file: String
        var code: String
        var severity: String
        var message: String
        var help: String?
        var line: Int?
        var column: Int?
        var endLine: Int?
        var endColumn: Int?
        var byteOffset: Int
        var byteLength: Int
        var notes: [JSONNote]
    }
    struct JSONNote: Encodable {
        var message: String
        var line: Int
        var column: Int
    }

    static func renderJSON(_ outcomes: [FileOutcome]) -> String {
        var all: [JSONDiagnostic] = []
        for o in outcomes {
            for d in o.diagnostics {
                var jd = JSONDiagnostic(file: o.path, code: d.code.rawValue, severity: d.severity.rawValue, message: d.message, help: d.help,
                                        byteOffset: d.span.start, byteLength: d.span.end - d.span.start, notes: [])
                if let s = o.source {
                    let start = s.location(of: d.span.start), end = s.location(of: d.span.end)
                    jd.line = start.line; jd.column = start.column; jd.endLine = end.line; jd.endColumn = end.column
                    jd.notes = d.notes.map { n in let l = s.location(of: n.span.start); return JSONNote(message: n.message, line: l.line, column: l.column) }
                } else if let p = o.inputProblem {
                    jd.line = p.line; jd.column = p.column
                }
                all.append(jd)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(all) else { return "[]\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
