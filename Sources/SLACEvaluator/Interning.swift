import SLACChecker
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
            if values[Int(b)].sameBytes(s) { return b }
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
    private(set) var table: GroupTable
    private var singleIDs: [Int32] = []  // text id + 1 -> group id (index 0: absent)

    init(slots: [Int]) {
        self.slots = slots
        texts = Array(repeating: TextInterner(), count: slots.count)
        table = GroupTable(width: slots.count)
    }

    // `always`: with `__always` the optimizer outlined it once the record loop grew (callgrind:
    // 44M instructions of calls on 500k records).
    @inline(always)
    mutating func group(_ texts: [String?]) -> Int32 {
        if slots.isEmpty {
            if table.count == 0 { table.append(EmptyCollection<String?>()) }
            return 0
        }
        if slots.count == 1 {
            let t = texts[slots[0]]
            let code = t.map { Int(self.texts[0].id($0)) + 1 } ?? 0
            while singleIDs.count <= code { singleIDs.append(-1) }
            let g = singleIDs[code]
            if g >= 0 { return g }
            let id = table.append(CollectionOfOne(t))
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
        let id = table.append(slots.lazy.map { texts[$0] })
        if packable { composite[packed] = id } else { wide[ids] = id }
        return id
    }
}

/// The field values of each group id of a clause state, flat: `width` values per group in one
/// array. With one `per` field and a million groups, an array per group (`[[String?]]`) took 72
/// bytes per group for one value (issue 15); flat, it takes 16. The index from values to ids is
/// built only when states merge (one job never merges), as open addressing over the ids.
struct GroupTable: Sendable {
    /// Values per group (the number of `per` fields).
    let width: Int
    /// Groups held; with no `per` field, at most one (with no values).
    private(set) var count = 0
    /// Group `g`'s values are `values[g * width ..< (g + 1) * width]`.
    private(set) var values: [String?] = []
    /// Group ids + 1 (0: empty), by the hash of their values; nil until the first `id(of:group:)`.
    private var index: [Int32]?

    init(width: Int) { self.width = width }

    /// The values of group `g` as an array (for the report's group keys).
    func parts(_ g: Int) -> [String?] { Array(values[g * width ..< (g + 1) * width]) }

    /// Appends a group (its values, `width` of them) and returns its id; the caller knows it is new.
    @discardableResult
    mutating func append<Values: Sequence>(_ groupValues: Values) -> Int32 where Values.Element == String? {
        values.append(contentsOf: groupValues)
        count += 1
        precondition(values.count == count * width, "a group has one value per `per` field")
        if index != nil { insert(count - 1) }
        return Int32(count - 1)
    }

    /// The id here of group `g` of `other` (same width), appended when this table lacks it.
    mutating func id(of other: GroupTable, group g: Int) -> Int32 {
        if index == nil { buildIndex() }
        let h = other.hash(g)
        let found: Int32? = index.flatMap { buckets in
            let mask = buckets.count - 1
            var i = h & mask
            while buckets[i] != 0 {
                let candidate = Int(buckets[i] - 1)
                if sameValues(candidate, other, g) { return Int32(candidate) }
                i = (i + 1) & mask
            }
            return nil
        }
        if let found { return found }
        return append(other.values[g * width ..< (g + 1) * width])
    }

    private func sameValues(_ a: Int, _ other: GroupTable, _ b: Int) -> Bool {
        for k in 0..<width {
            switch (values[a * width + k], other.values[b * width + k]) {
            case (nil, nil): continue
            case (let x?, let y?) where x.sameBytes(y): continue
            default: return false
            }
        }
        return true
    }

    /// FNV-1a over each value's UTF-8 bytes, an absent value and the end of each value marked.
    private func hash(_ g: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in 0..<width {
            if var text = values[g * width + k] {
                text.withUTF8 { bytes in for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 } }
                h = (h ^ 0xFF) &* 0x0000_0100_0000_01B3
            } else {
                h = (h ^ 0x1FE) &* 0x0000_0100_0000_01B3
            }
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    private mutating func buildIndex() {
        var size = 64
        while size < count * 2 { size *= 2 }
        index = Array(repeating: 0, count: size)
        for g in 0..<count { insert(g) }
    }

    private mutating func insert(_ g: Int) {
        guard var buckets = index else { return }
        index = nil  // unique, so the writes below do not copy
        if count * 2 > buckets.count {
            let size = buckets.count * 2
            buckets = Array(repeating: 0, count: size)
            for earlier in 0..<g { place(earlier, in: &buckets) }
        }
        place(g, in: &buckets)
        index = buckets
    }

    private func place(_ g: Int, in buckets: inout [Int32]) {
        let mask = buckets.count - 1
        var i = hash(g) & mask
        while buckets[i] != 0 { i = (i + 1) & mask }
        buckets[i] = Int32(g + 1)
    }
}
