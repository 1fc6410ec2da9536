/// The tool's version: `current` is written into reports (`tool-version`), SARIF logs and monitor
/// plans; `display` is what `slac --version` prints, with the git revision the binary was built
/// from.
public enum SlacVersion {
    public static let current = "0.2.0"

    /// The abbreviated git commit the binary was built from (with `-dirty` when the work tree had
    /// changes), or `unknown` for a plain `swift build`: `scripts/package.sh` writes it into
    /// `Revision.swift` for its build and puts the checked-in file back afterwards.
    public static let revision = BuildRevision.value

    /// `0.2.0 (git abc1234)`.
    public static var display: String { "\(current) (git \(revision))" }
}
