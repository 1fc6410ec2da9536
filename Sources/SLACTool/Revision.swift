// The checked-in value is "unknown". scripts/package.sh replaces this file for a release build and
// restores it afterwards; do not commit a generated copy.
enum BuildRevision {
    static let value = "unknown"
}
