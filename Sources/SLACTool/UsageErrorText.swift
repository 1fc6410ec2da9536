import Foundation
import SLACSyntax

/// Command-line usage errors in the house style of every other slac error: a lowercase message
/// with user text in backticks, no final period, and a help line (docs/ci.md: they exit 2), as
/// diagnostics `SLA0501` and `SLA0502` (docs/diagnostics.md).
///
/// ArgumentParser words its errors as sentences with quotes ("Unknown option '--contrat'. Did you
/// mean '--contract'?"); this rewrites them so that a CI log reads the same for every error.
package enum UsageErrorText {
    /// `slac verfy`: an unknown subcommand, with the closest known one.
    package static func unknownCommand(_ word: String, among commands: [String], colored: Bool = false) -> String {
        let help = Spelling.closest(to: word, among: commands).map { "did you mean `\($0)`?" }
            ?? "the commands are " + commands.map { "`\($0)`" }.joined(separator: ", ") + "; `slac --help` describes them"
        return ToolDiagnostics.render([ToolDiagnostics.error("SLA0501", "unknown command `\(word)`", help: help)], colored: colored)
    }

    /// An ArgumentParser validation message (first line used) for `slac COMMAND`.
    package static func render(_ message: String, command: String?, colored: Bool = false) -> String {
        let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
        var text = backticked(firstLine).trimmingTrailing()
        var help: String?
        // "… . Did you mean `x`?" becomes the help line.
        // A second sentence ("… . Did you mean `x`?", "… . Please provide one of …") becomes the help line.
        if let range = text.range(of: ". ") {
            var rest = String(text[range.upperBound...])
            if rest.hasPrefix("Please ") { rest.removeFirst(7) }
            if let first = rest.first { rest = first.lowercased() + rest.dropFirst() }
            help = rest
            text = String(text[..<range.lowerBound])
        }
        if text.hasPrefix("Error: ") { text.removeFirst(7) }
        // ArgumentParser suggests its nearest option however far it is (`--bogus`: "did you mean
        // `--jobs`?"); keep only a plausible typo, by the rule of every other suggestion.
        if let suggestion = help, suggestion.hasPrefix("did you mean `"), suggestion.hasSuffix("`?"),
           let typed = text.split(separator: "`").dropFirst().first {
            let suggested = String(suggestion.dropFirst("did you mean `".count).dropLast(2))
            if Spelling.closest(to: String(typed), among: [suggested]) == nil { help = nil }
        }
        if let first = text.first, first.isUppercase, !(text.dropFirst().first?.isUppercase ?? false) {
            text = first.lowercased() + text.dropFirst()
        }
        while text.hasSuffix(".") { text.removeLast() }
        let invocation = command.map { "slac \($0)" } ?? "slac"
        let usage = "`\(invocation) --help` lists the arguments and options"
        return ToolDiagnostics.render([ToolDiagnostics.error("SLA0502", text, help: help.map { "\($0) (\(usage))" } ?? usage)], colored: colored)
    }

    /// 'x' and "x" quoting becomes `x`.
    static func backticked(_ text: String) -> String {
        var out = ""
        var inQuote: Character?
        for c in text {
            if let q = inQuote {
                if c == q { out.append("`"); inQuote = nil } else { out.append(c) }
            } else if c == "'" || c == "\"" {
                // An apostrophe inside a word (don't) is not a quote.
                if c == "'", let last = out.last, last.isLetter { out.append(c); continue }
                out.append("`"); inQuote = c
            } else {
                out.append(c)
            }
        }
        if inQuote != nil { return text }
        return out
    }
}

extension String {
    fileprivate func trimmingTrailing() -> String {
        var s = self
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}

/// Options given twice. ArgumentParser keeps the last value of a repeated option without a word:
/// `slac verify --contract breached.sla --contract passing.sla` judged the second only and exited
/// 0, and CI templates that append user arguments to their own (`--report … $SLAC_ARGS`) make
/// that easy to do by accident. Every option of slac takes one value, so a second one is a usage
/// error (`SLA0514`, exit 2). Flags (`--strict --strict`) are harmless and left alone.
package enum RepeatedOptions {
    /// The value-taking options of a command, as groups of aliases (`-o`, `--output`), read from
    /// its help text: every line of the options list that names an option before a `<value>`.
    package static func valueOptions(fromHelp help: String) -> [[String]] {
        help.split(separator: "\n").compactMap { line -> [String]? in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("-"), let bracket = trimmed.range(of: " <") else { return nil }
            let names = trimmed[..<bracket.lowerBound].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return names.allSatisfy({ $0.hasPrefix("-") && !$0.contains(" ") }) ? names : nil
        }
    }

    /// The first value-taking option given more than once in `arguments` (those after the
    /// command's name, up to a lone `--`), with its values; nil when there is none.
    /// `help` is asked for only when some option-like word repeats (it costs a help rendering).
    package static func first(in arguments: [String], help: () -> String) -> (option: String, values: [String])? {
        var words: [String] = []
        for argument in arguments {
            if argument == "--" { break }
            guard argument.hasPrefix("-"), argument.count > 1 else { continue }
            words.append(argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument)
        }
        guard Set(words).count < words.count || words.contains(where: { !$0.hasPrefix("--") }) else { return nil }
        for group in valueOptions(fromHelp: help()) {
            var values: [String] = []
            var typed: String?
            var index = arguments.startIndex
            while index < arguments.endIndex, arguments[index] != "--" {
                let argument = arguments[index]
                if group.contains(argument) {
                    values.append(index + 1 < arguments.endIndex ? arguments[index + 1] : "")
                    typed = typed ?? argument
                    index += 2
                    continue
                }
                if let name = group.first(where: { argument.hasPrefix($0 + "=") }) {
                    values.append(String(argument.dropFirst(name.count + 1)))
                    typed = typed ?? name
                }
                index += 1
            }
            // Named as the user first typed it (`-o`, not `--output`).
            if values.count > 1 { return (typed ?? group[0], values) }
        }
        return nil
    }

    /// The usage error for a repeated option.
    package static func render(option: String, values: [String], command: String, colored: Bool = false) -> String {
        let given = values.map { "`\($0)`" }.joined(separator: ", then ")
        return ToolDiagnostics.render([ToolDiagnostics.error("SLA0514", "`\(option)` is given \(values.count) times (\(given)); it takes one value, so nothing was run",
                                                             help: "give `\(option)` once (`slac \(command) --help` lists the options)")],
                                      colored: colored)
    }
}
