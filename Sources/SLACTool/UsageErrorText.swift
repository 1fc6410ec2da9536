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
