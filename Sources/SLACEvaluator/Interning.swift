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

    /// Ids of recently seen `String` values, keyed by the value's two machine words: equal words
    /// mean the same string (the same small-string bytes, or the same storage object, which the
    /// entry keeps alive so its address cannot be reused). The reader hands out the same `String`
    /// for a repeated label, so most records hit without hashing their bytes.
    private struct RecentEntry {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var id: Int32 = -1
        var value = ""
    }

    private var recent = Array(repeating: RecentEntry(), count: 256)

    /// The id of `s`, assigning the next id on first sight.
    @inline(__always)
    mutating func id(_ s: String) -> Int32 {
        precondition(MemoryLayout<String>.size == 16, "a String is two machine words")
        let words = unsafeBitCast(s, to: (UInt64, UInt64).self)
        let slot = Int(truncatingIfNeeded: ((words.0 &* 0x9E37_79B9_7F4A_7C15) ^ (words.1 &* 0xC2B2_AE3D_27D4_EB4F)) >> 56)
        if recent[slot].id >= 0 && recent[slot].low == words.0 && recent[slot].high == words.1 { return recent[slot].id }
        let id = lookup(s)
        recent[slot] = RecentEntry(low: words.0, high: words.1, id: id, value: s)
        return id
    }

    /// The id of `s` by hashing its bytes, assigning the next id on first sight.
    private mutating func lookup(_ s: String) -> Int32 {
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

    // `always`: with `__always` the optimizer outlined it once the record loop grew (callgrind:
    // 44M instructions of calls on 500k records).
    @inline(always)
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
