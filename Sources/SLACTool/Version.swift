/// The tool version written into reports.
public enum SlacVersion {
    public static let current = "0.1.0"
}
