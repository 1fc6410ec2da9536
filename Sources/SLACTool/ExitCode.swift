/// Exit codes (docs/ci.md).
public enum ExitCode {
    public static let compliant: Int32 = 0
    public static let breached: Int32 = 1
    public static let invalidContract: Int32 = 2
    public static let unreadableInput: Int32 = 3
}
