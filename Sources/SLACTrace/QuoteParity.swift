/// CSV quote parity (RFC 4180): every quote toggles "inside a quoted cell" (an escaped `""`
/// toggles twice), so a line feed ends a row exactly when the quotes before it in the row are
/// even. The row splitter, the chunk splitter and the stream's row cutter all count with these,
/// so that every way of reading a CSV trace splits its rows identically.
enum QuoteParity {
    private static let quote = UInt8(ascii: "\"")

    /// Whether `base[from..<to]` holds an odd number of quotes.
    @inline(__always)
    static func isOdd(_ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        var odd = false
        var k = from
        while k < to {
            if base[k] == quote { odd.toggle() }
            k += 1
        }
        return odd
    }

    /// The first line feed of `base[from..<to]` outside quotes, `inQuotes` being the parity at
    /// `from`; nil when there is none. `inQuotes` becomes the parity after the scanned bytes:
    /// false at the returned line feed, the parity at `to` otherwise.
    @inline(__always)
    static func firstRowBreak(_ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int, inQuotes: inout Bool) -> Int? {
        var k = from
        while k < to {
            let b = base[k]
            if b == quote { inQuotes.toggle() } else if b == 0x0A && !inQuotes { return k }
            k += 1
        }
        return nil
    }
}
