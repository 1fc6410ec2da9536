#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reject reason raised while decoding one line (built only on the error path).
struct LineError: Error {
    var reason: String
}

/// Per-scan key table in manually managed memory: the known fields plus keys learned from the
/// input (unknown keys), with a predictor of which key follows which, so that a file with a stable
/// key order (the normal case) matches each key with one short compare and no hashing.
/// Not copyable: it owns its memory and frees it when it ends.
struct KeyTable: ~Copyable {
    struct Entry {
        var nameOffset: Int32
        var nameLength: Int32
        var numericSlot: Int32
        var textSlot: Int32
        var listSlot: Int32
        var flags: UInt16
        /// Line generation in which this key was last seen (duplicate detection without a reset).
        var seen: UInt32
        /// Predicted index of the key that follows this one (-1: none yet).
        var next: Int32
    }

    static let capacity = 256
    static let arenaCapacity = 16_384
    static let hashSize = 1024

    let entries: UnsafeMutablePointer<Entry>
    /// Key names, each followed by a `"` so that a prediction check compares name and closing quote.
    let arena: UnsafeMutablePointer<UInt8>
    let hashSlots: UnsafeMutablePointer<Int16>
    var count = 0
    var arenaUsed = 0
    /// Predicted first key of an object.
    var firstNext: Int32 = -1

    init(_ table: FieldTable) {
        entries = .allocate(capacity: KeyTable.capacity)
        arena = .allocate(capacity: KeyTable.arenaCapacity + 16)
        arena.initialize(repeating: 0, count: KeyTable.arenaCapacity + 16)
        hashSlots = .allocate(capacity: KeyTable.hashSize)
        hashSlots.initialize(repeating: -1, count: KeyTable.hashSize)
        var previous: Int32 = -1
        for spec in table.specs {
            let bytes = Array(spec.name.utf8)
            let flags = spec.flags.rawValue
            let inserted = bytes.withUnsafeBufferPointer { b -> Int in
                guard let base = b.baseAddress else { return -1 }
                return insert(base, 0, b.count, numericSlot: spec.numericSlot, textSlot: spec.textSlot,
                              listSlot: spec.listSlot, flags: flags)
            }
            // Seed the predictor with the canonical order (the first canonical keys).
            if inserted >= 0 && inserted < FieldTable.canonicalOrder.count - 2 {
                if previous < 0 { firstNext = Int32(inserted) } else { entries[Int(previous)].next = Int32(inserted) }
                previous = Int32(inserted)
            }
        }
    }

    deinit {
        entries.deallocate()
        arena.deallocate()
        hashSlots.deallocate()
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        var i = start
        while i < end {
            h = (h ^ UInt32(p[i])) &* 16_777_619
            i += 1
        }
        return h
    }

    /// Adds a key; returns its index, or -1 when the table is full.
    mutating func insert(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, numericSlot: Int = -1,
                         textSlot: Int = -1, listSlot: Int = -1, flags: UInt16 = 0) -> Int {
        let length = end - start
        guard count < KeyTable.capacity, arenaUsed + length + 1 <= KeyTable.arenaCapacity else { return -1 }
        let offset = arenaUsed
        (arena + offset).update(from: p + start, count: length)
        arena[offset + length] = UInt8(ascii: "\"")
        arenaUsed += length + 1
        let index = count
        entries[index] = Entry(nameOffset: Int32(offset), nameLength: Int32(length), numericSlot: Int32(numericSlot),
                               textSlot: Int32(textSlot), listSlot: Int32(listSlot), flags: flags, seen: 0, next: -1)
        count += 1
        var h = Int(KeyTable.hash(p, start, end)) & (KeyTable.hashSize - 1)
        while hashSlots[h] >= 0 { h = (h + 1) & (KeyTable.hashSize - 1) }
        hashSlots[h] = Int16(index)
        return index
    }

    /// Index of the key with exactly the bytes `p[start..<end]`, or -1.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        let length = end - start
        var h = Int(KeyTable.hash(p, start, end)) & (KeyTable.hashSize - 1)
        while true {
            let e = Int(hashSlots[h])
            if e < 0 { return -1 }
            let entry = entries[e]
            if Int(entry.nameLength) == length && memcmp(arena + Int(entry.nameOffset), p + start, length) == 0 {
                return e
            }
            h = (h + 1) & (KeyTable.hashSize - 1)
        }
    }

    /// Whether the bytes at `p[at...]` are the name of entry `e` followed by its closing quote;
    /// the caller guarantees that `limit` (≥ at + name length + 1) is readable.
    @inline(always)
    func matches(_ e: Int, _ p: UnsafePointer<UInt8>, _ at: Int, _ limit: Int, readable: Int) -> Bool {
        let entry = entries[e]
        let n = Int(entry.nameLength) + 1
        guard at + n <= limit else { return false }
        let a = UnsafeRawPointer(arena + Int(entry.nameOffset))
        let b = UnsafeRawPointer(p + at)
        var off = 0
        while off + 8 <= n {
            if a.loadUnaligned(fromByteOffset: off, as: UInt64.self) != b.loadUnaligned(fromByteOffset: off, as: UInt64.self) {
                return false
            }
            off += 8
        }
        let rest = n - off
        if rest == 0 { return true }
        if at + off + 8 <= readable {
            // Compare the tail with one masked word load (the arena is padded).
            let mask = UInt64.max >> UInt64(64 - 8 * rest)
            return (a.loadUnaligned(fromByteOffset: off, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: off, as: UInt64.self)) & mask == 0
        }
        while off < n {
            if a.load(fromByteOffset: off, as: UInt8.self) != b.load(fromByteOffset: off, as: UInt8.self) { return false }
            off += 1
        }
        return true
    }

    func name(_ e: Int) -> String {
        let entry = entries[e]
        return String(decoding: UnsafeBufferPointer(start: arena + Int(entry.nameOffset), count: Int(entry.nameLength)),
                      as: UTF8.self)
    }
}

/// The `length` (at most 16) bytes at `p + start` as two little-endian words, the bytes past
/// `length` zero: how `TextCache` and the template path key short texts. Reads 16 bytes; the
/// caller checks that they are readable.
@inline(__always)
func textWords(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int) -> (UInt64, UInt64) {
    let raw = UnsafeRawPointer(p + start)
    var w0 = raw.loadUnaligned(as: UInt64.self)
    var w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    if length < 8 {
        w0 &= length == 0 ? 0 : (UInt64.max >> UInt64(64 - 8 * length))
        w1 = 0
    } else if length < 16 {
        w1 &= length == 8 ? 0 : (UInt64.max >> UInt64(128 - 8 * length))
    }
    return (w0, w1)
}

/// A small direct-mapped cache from short byte strings (≤ 16 bytes) to `String`s per text slot:
/// tenant, model, region and status repeat across records, so most lookups reuse an existing
/// `String` instead of validating and building a new one.
/// Not copyable: it owns its memory and frees it when it ends.
struct TextCache: ~Copyable {
    struct Entry {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var length = -1
        var value = ""
    }

    /// Entries per slot (a power of two). 1,024 with up to eight text slots: callgrind, 300,000
    /// records of the benchmark trace (50 tenants), counted 5.7 million instructions fewer than
    /// with 128 (presumably tenants sharing an entry and building their `String` again; not
    /// measured apart). With more slots, 128, so that the cache a scan starts with stays small.
    let ways: Int
    let entries: UnsafeMutablePointer<Entry>
    let slots: Int
    /// Per slot: lookups and hits, to stop caching slots whose values do not repeat (ids).
    let lookups: UnsafeMutablePointer<Int>
    let hits: UnsafeMutablePointer<Int>

    init(slots: Int) {
        self.slots = slots
        ways = slots <= 8 ? 1024 : 128
        entries = .allocate(capacity: max(1, slots * ways))
        entries.initialize(repeating: Entry(), count: max(1, slots * ways))
        lookups = .allocate(capacity: max(1, slots))
        lookups.initialize(repeating: 0, count: max(1, slots))
        hits = .allocate(capacity: max(1, slots))
        hits.initialize(repeating: 0, count: max(1, slots))
    }

    deinit {
        entries.deinitialize(count: max(1, slots * ways))
        entries.deallocate()
        lookups.deallocate()
        hits.deallocate()
    }

    /// The string for `p[start..<end]` (no escapes), via the cache when it pays.
    /// `readable` is the end of the readable buffer, to allow whole-word loads.
    @inline(__always)
    func string(slot: Int, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, readable: Int) -> String {
        let length = end - start
        let n = lookups[slot]
        if length > TextCache.maxLength || (n >= 4096 && hits[slot] < n / 4) {
            return String(decoding: UnsafeBufferPointer(start: p + start, count: length), as: UTF8.self)
        }
        lookups[slot] = n &+ 1
        if length > 16 { return longString(slot: slot, p, start, end) }
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        if start + 16 <= readable {
            (w0, w1) = textWords(p, start, length)
        } else {
            var i = 0
            while i < length {
                let b = UInt64(p[start + i])
                if i < 8 { w0 |= b << UInt64(8 * i) } else { w1 |= b << UInt64(8 * (i - 8)) }
                i += 1
            }
        }
        let h = Int(truncatingIfNeeded: ((w0 &* 0x9E37_79B9_7F4A_7C15) ^ (w1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)) >> 54)
        let e = entries + (slot * ways + (h & (ways - 1)))
        if e.pointee.length == length && e.pointee.w0 == w0 && e.pointee.w1 == w1 {
            hits[slot] &+= 1
            return e.pointee.value
        }
        let s = String(decoding: UnsafeBufferPointer(start: p + start, count: length), as: UTF8.self)
        e.pointee.w0 = w0
        e.pointee.w1 = w1
        e.pointee.length = length
        e.pointee.value = s
        return s
    }

    /// Longest text that is cached (longer values are rarely repeated labels).
    static let maxLength = 96

    /// Cache path for 17…96 bytes (long model names, UUID tenants): keyed by a hash, verified
    /// against the cached string's UTF-8 bytes.
    @inline(never)
    func longString(slot: Int, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let length = end - start
        let h64 = KeyTable.hash(p, start, end)
        let hash = UInt64(h64) | (UInt64(length) << 32)
        let e = entries + (slot * ways + Int((hash &* 0x9E37_79B9_7F4A_7C15) >> 54) & (ways - 1))
        if e.pointee.length == length && e.pointee.w0 == hash {
            let same = e.pointee.value.utf8.withContiguousStorageIfAvailable { stored -> Bool in
                guard let b = stored.baseAddress, stored.count == length else { return false }
                return memcmp(b, p + start, length) == 0
            } ?? false
            if same {
                hits[slot] &+= 1
                return e.pointee.value
            }
        }
        let s = String(decoding: UnsafeBufferPointer(start: p + start, count: length), as: UTF8.self)
        e.pointee.w0 = hash
        e.pointee.w1 = 0
        e.pointee.length = length
        e.pointee.value = s
        return s
    }
}

/// Quotes user text for a reject reason: in backticks, cut after 64 bytes (reasons are listed in
/// reports, so keep them short), control characters shown as `\u{…}` escapes so that the reason
/// stays printable and XML-safe.
func quoted(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
    let limit = 64
    var cut = end
    if end - start > limit {
        cut = start + limit
        // Do not cut inside a UTF-8 sequence.
        while cut > start && (p[cut] & 0xC0) == 0x80 { cut -= 1 }
    }
    let text = String(decoding: UnsafeBufferPointer(start: p + start, count: cut - start), as: UTF8.self)
    return "`" + escapingControls(text) + (cut < end ? "…`" : "`")
}

/// `text` with control characters (C0, DEL, C1) as `\u{…}` escapes, as reject reasons show them;
/// also applied to the reasons an engine gives, which hold them raw.
package func escapingControls(_ text: String) -> String {
    func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0) }
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        if isControl(scalar) {
            out += "\\u{" + String(scalar.value, radix: 16) + "}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// Describes the byte at `p[i]` for a syntax error.
func describeByte(_ b: UInt8) -> String {
    if b >= 0x20 && b < 0x7f { return "`" + String(UnicodeScalar(b)) + "`" }
    let hex = String(b, radix: 16)
    return "byte 0x" + (hex.count < 2 ? "0" + hex : hex)
}
