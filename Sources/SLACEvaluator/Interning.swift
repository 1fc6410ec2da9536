/// Interns short strings to dense ids with one cheap hash (FNV-1a over the UTF-8 bytes), so that
/// per-record group keys are integers.
///
/// Measured with `perf` on the first 200 MB of the benchmark trace (issue 4): hashing (`Hasher`,
/// SipHash) and dictionary lookups for string group keys took about 13% of the samples; this
/// table and the per-group window cache of `ClauseState` replace them.
struct TextInterner: Sendable {
    private(set) var values: [String] = []
    private var buckets: [Int32]
    private var mask: Int

    init() {
        buckets = Array(repeating: -1, count: 64)
        mask = 63
    }

    @inline(__always)
    private static func hash(_ s: String) -> Int {
        var copy = s
        return copy.withUTF8 { bytes in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            return Int(truncatingIfNeeded: h ^ (h >> 29))
        }
    }

    /// The id of `s`, assigning the next id on first sight.
    @inline(__always)
    mutating func id(_ s: String) -> Int32 {
        var i = TextInterner.hash(s) & mask
        while true {
            let b = buckets[i]
            if b < 0 { break }
            if values[Int(b)] == s { return b }
            i = (i + 1) & mask
        }
        let id = Int32(values.count)
        values.append(s)
        buckets[i] = id
        if values.count * 2 > buckets.count { grow() }
        return id
    }

    private mutating func grow() {
        let size = buckets.count * 2
        buckets = Array(repeating: -1, count: size)
        mask = size - 1
        for (id, v) in values.enumerated() {
            var i = TextInterner.hash(v) & mask
            while buckets[i] >= 0 { i = (i + 1) & mask }
            buckets[i] = Int32(id)
        }
    }
}

/// Turns the `per` field values of a record into a dense group id, once per record for every
/// clause that groups by the same fields.
struct GroupInterner: Sendable {
    let slots: [Int]
    private var texts: [TextInterner]
    /// Composite keys (several fields) packed as ids + 1, 16 bits each; 0 means absent.
    private var composite: [UInt64: Int32] = [:]
    /// Fallback for keys that do not pack (more than 4 fields or more than 65534 values).
    private var wide: [[Int32]: Int32] = [:]
    /// The field values of each group id.
    private(set) var parts: [[String?]] = []
    private var singleIDs: [Int32] = []  // text id + 1 -> group id (index 0: absent)

    init(slots: [Int]) {
        self.slots = slots
        texts = Array(repeating: TextInterner(), count: slots.count)
    }

    @inline(__always)
    mutating func group(_ texts: [String?]) -> Int32 {
        if slots.isEmpty {
            if parts.isEmpty { parts.append([]) }
            return 0
        }
        if slots.count == 1 {
            let t = texts[slots[0]]
            let code = t.map { Int(self.texts[0].id($0)) + 1 } ?? 0
            while singleIDs.count <= code { singleIDs.append(-1) }
            let g = singleIDs[code]
            if g >= 0 { return g }
            let id = Int32(parts.count)
            parts.append([t])
            singleIDs[code] = id
            return id
        }
        var packed: UInt64 = 0
        var packable = slots.count <= 4
        for (k, s) in slots.enumerated() {
            let code = texts[s].map { Int32(self.texts[k].id($0)) + 1 } ?? 0
            if code >= 0xFFFF { packable = false }
            packed = packed << 16 | UInt64(code)
        }
        var ids: [Int32] = []
        if packable {
            if let g = composite[packed] { return g }
        } else {
            for (k, s) in slots.enumerated() { ids.append(texts[s].map { Int32(self.texts[k].id($0)) + 1 } ?? 0) }
            if let g = wide[ids] { return g }
        }
        let id = Int32(parts.count)
        parts.append(slots.map { texts[$0] })
        if packable { composite[packed] = id } else { wide[ids] = id }
        return id
    }
}
