#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

/// The hot loop's state for one `scan` call: raw pointers, the key table, the text cache and
/// scratch memory, all in manually managed memory owned by this value (freed when it ends).
/// It decodes one line (JSON) or row (CSV) at a time into a reused `TraceRecord`.
/// Not copyable: a copy would free the same memory twice.
struct RecordDecoder: ~Copyable {
    let base: UnsafePointer<UInt8>
    /// End of the readable buffer (the whole input, not just the scanned range), for word loads.
    let readable: Int
    var keys: KeyTable
    let texts: TextCache
    var scratch: UnsafeMutablePointer<UInt8>
    var scratchCapacity: Int
    var generation: UInt32 = 0
    let timestampIndex: Int
    let statusTextSlot: Int
    let numericCount: Int
    let textCount: Int
    let listCount: Int
    /// The slot of the deferred text field (`TraceFieldRequest.deferredTextField`), or -1.
    let deferredSlot: Int
    var spareLists: [[Double]]
    /// Start of the current line, for column numbers in syntax errors.
    var lineStart = 0
    var timestampSet = false
    /// Unknown keys of the current line when the key table is full (hostile input only).
    var overflowKeys: [Range<Int>] = []
    /// One key of a line template (`decodeShapedLine`): the bytes before the key's value
    /// (`{"id":`, then `,"ts":`, …) as words to compare, and how the value is read.
    struct ShapeSegment {
        /// The segment's first three words and which of their bytes count (the mask is 0 past
        /// its end), compared without a loop: a key with its quotes, colon and separator takes
        /// at most 24 bytes but for long names (the rest is in `shapeWords`). Callgrind,
        /// benchmark trace: the loop over `shapeWords` cost about 60 instructions a key.
        var w0: UInt64, w1: UInt64, w2: UInt64
        var m0: UInt64, m1: UInt64, m2: UInt64
        var key: Int32
        /// Bytes of the segment, and the words holding them in `shapeWords` (the last one masked).
        var length: Int32
        var firstWord: Int32
        var words: Int32
        var tailMask: UInt64
        /// How the value is read, and the record's slot it lands in: for `.text` a text slot, for
        /// `.number` and `.wholeNumber` a number slot (-1: checked only).
        var value: ShapeValue
        var slot: Int32
    }

    /// How a template reads the value of a key, decided once from the key's entry: the common
    /// cases without the general `decodeValue`'s duplicate check and flag tests. Any other form of
    /// value (`null`, a number for a text field, an escaped timestamp) goes to `decodeValue` or,
    /// when the fast reading would throw, back to the general path for the whole line.
    enum ShapeValue: UInt8 {
        /// Anything else: `decodeValue`.
        case general
        /// A requested text field written as a string.
        case text
        /// A canonical text field that is not requested: a string, only checked.
        case checkedString
        /// A canonical metric or requested number (not `ts`), written as a number.
        case number
        /// `.number` for a token count, which must be whole.
        case wholeNumber
        /// `ts` written as a string, not otherwise requested.
        case timestampText
    }

    /// The template reading of key `k`'s values (the branch `decodeValue` takes for its common
    /// form of value).
    func shapeValue(_ k: Int) -> ShapeValue {
        let e = keys.entries[k]
        let flags = FieldFlags(rawValue: e.flags)
        if e.listSlot >= 0 || flags.contains(.chunkGaps) { return .general }
        if flags.contains(.timestamp) { return e.numericSlot < 0 && e.textSlot < 0 ? .timestampText : .general }
        if flags.contains(.metric) || e.numericSlot >= 0 {
            guard e.textSlot < 0 else { return .general }
            return flags.contains(.whole) ? .wholeNumber : .number
        }
        if e.textSlot >= 0 { return .text }
        return flags.contains(.canonicalText) ? .checkedString : .general
    }

    /// The template of the last line read by the general path: its keys in order (`shapeCount`
    /// of them, 0 when there is none) and their bytes (`shapeWords`). Kept only when that line
    /// can serve as one: no key written with escapes, none unknown past the key table's capacity.
    let shape: UnsafeMutablePointer<ShapeSegment>
    var shapeWords: UnsafeMutablePointer<UInt64>
    var shapeWordCapacity = 64
    var shapeCount = 0
    /// The keys of the line being read by the general path, in order (the template's source).
    let lineKeys: UnsafeMutablePointer<Int32>
    /// Lines the template read, and lines it failed on (then read by the general path), to stop
    /// trying it on input whose lines do not repeat one layout.
    var shapeHits = 0
    var shapeMisses = 0
    /// False to read every line with the general path (`TraceScanner.lineTemplates`).
    var usesTemplates = true

    init(base: UnsafePointer<UInt8>, readable: Int, table: FieldTable, request: TraceFieldRequest) {
        self.base = base
        self.readable = readable
        self.keys = KeyTable(table)
        self.texts = TextCache(slots: request.textFields.count)
        self.scratchCapacity = 256
        self.scratch = .allocate(capacity: 256)
        self.shape = .allocate(capacity: KeyTable.capacity)
        self.shapeWords = .allocate(capacity: 64)
        self.lineKeys = .allocate(capacity: KeyTable.capacity)
        let numberSlots = max(1, min(64, request.numericFields.count))
        self.lineNumbers = .allocate(capacity: numberSlots)
        self.lineNumbers.initialize(repeating: .nan, count: numberSlots)
        self.powersOfTen = .allocate(capacity: 16)
        self.powersOfTen.initialize(from: NumberParsing.powersOfTen, count: 16)
        self.lastTextWords = .allocate(capacity: 128)
        self.lastTextWords.initialize(repeating: 0, count: 128)
        self.lastTextLength = .allocate(capacity: 64)
        self.lastTextLength.initialize(repeating: -1, count: 64)
        self.timestampIndex = table.timestampIndex
        self.statusTextSlot = table.statusTextSlot
        self.numericCount = request.numericFields.count
        self.textCount = request.textFields.count
        self.listCount = request.listFields.count
        self.deferredSlot = request.deferredTextSlot
        self.spareLists = Array(repeating: [], count: request.listFields.count)
    }

    deinit {
        scratch.deallocate()
        shape.deallocate()
        shapeWords.deallocate()
        lineKeys.deallocate()
        powersOfTen.deallocate()
        lineNumbers.deallocate()
        lastTextWords.deallocate()
        lastTextLength.deallocate()
    }

    // MARK: - record slots

    /// Text and number slots not written yet on the current line (bit i: slot i), when the record
    /// has at most 64 of each: they are set to absent when the line is finished, instead of every
    /// slot being cleared when it starts and then written again (each write of an array element is
    /// a uniqueness check and a release; callgrind, benchmark trace: about 200 instructions a
    /// line). With more slots, every slot is cleared at the start, as before.
    var pendingTexts: UInt64 = 0
    var pendingNumbers: UInt64 = 0

    @inline(__always)
    mutating func resetRecord(_ rec: inout TraceRecord) {
        var i = 0
        if numericCount <= 64 {
            pendingNumbers = RecordDecoder.firstSlots(numericCount)
        } else {
            while i < numericCount {
                rec.numbers[i] = .nan
                i += 1
            }
        }
        if textCount <= 64 {
            pendingTexts = RecordDecoder.firstSlots(textCount)
        } else {
            i = 0
            while i < textCount {
                rec.texts[i] = nil
                i += 1
            }
        }
        i = 0
        while i < listCount {
            if let list = rec.lists[i] {
                // Keep the buffer for the next list (reused when the visitor did not keep it).
                rec.lists[i] = nil
                spareLists[i] = list
            }
            i += 1
        }
        timestampSet = false
        rec.deferredEnd = -1
        generation &+= 1
        if generation == 0 {
            // Wrapped: clear the marks so that an old mark cannot look like this line's.
            for e in 0..<keys.count { keys.entries[e].seen = 0 }
            generation = 1
        }
    }

    /// The mask of slots 0..<n (n ≤ 64).
    @inline(__always)
    static func firstSlots(_ n: Int) -> UInt64 {
        n == 64 ? UInt64.max : (UInt64(1) << UInt64(n)) &- 1
    }

    /// Writes a text slot of the current line.
    @inline(__always)
    mutating func setText(_ slot: Int, _ value: String, _ rec: inout TraceRecord) {
        rec.texts[slot] = value
        pendingTexts &= ~(UInt64(1) << UInt64(truncatingIfNeeded: slot))
        if slot < 64 { lastTextLength[slot] = -1 }
    }

    /// The bytes of the text each slot (the first 64) holds when the template path wrote it and
    /// nothing has written the slot since, as `TextCache` keys them (two words and a length, at
    /// most 16 bytes); length -1 otherwise. A line whose value has the same bytes leaves the slot
    /// as it is: a `status` of `ok` on nearly every line, a `tenant` repeated from the line
    /// before, cost a cache lookup, a retained string and a slot write each (callgrind,
    /// benchmark trace: about 100 instructions a value).
    let lastTextWords: UnsafeMutablePointer<UInt64>
    let lastTextLength: UnsafeMutablePointer<Int>

    /// When the string value that starts at `start` has the bytes text slot `slot` (< 64) holds
    /// from the template path (`lastTextLength`), followed by its closing quote: the offset after
    /// that quote, and the slot is left as it is. Those bytes were read as a plain string (no
    /// quote, backslash or control character), so no scan for the closing quote is needed.
    @inline(__always)
    func sameTextAsLast(_ slot: Int, _ start: Int, _ end: Int) -> Int? {
        let length = lastTextLength[slot]
        let close = start &+ length
        guard length >= 0, close < end, start &+ 16 <= readable, base[close] == quote else { return nil }
        let (w0, w1) = textWords(base, start, length)
        guard lastTextWords[2 * slot] == w0 && lastTextWords[2 * slot + 1] == w1 else { return nil }
        return close &+ 1
    }

    /// The length of the last timestamp text the template path read (0: none yet); the next
    /// line's is tried first.
    var lastTimestampLength = 0

    /// Sets text slot `slot` (< 64) of the current line to `base[start..<end]` through the text
    /// cache, and remembers its bytes for `sameTextAsLast` (which the template path asks first,
    /// so the slot does not hold these bytes already).
    @inline(__always)
    mutating func setTemplateText(_ slot: Int, _ start: Int, _ end: Int, _ rec: inout TraceRecord) {
        setText(slot, texts.string(slot: slot, base, start, end, readable: readable), &rec)
        let length = end - start
        guard length <= 16, start &+ 16 <= readable else { return }
        let (w0, w1) = textWords(base, start, length)
        lastTextLength[slot] = length
        lastTextWords[2 * slot] = w0
        lastTextWords[2 * slot + 1] = w1
    }

    /// Writes a number slot of the current line.
    @inline(__always)
    mutating func setNumber(_ slot: Int, _ value: Double, _ rec: inout TraceRecord) {
        if numericCount <= 64 {
            lineNumbers[slot] = value
        } else {
            rec.numbers[slot] = value
        }
        pendingNumbers &= ~(UInt64(1) << UInt64(truncatingIfNeeded: slot))
    }

    /// The number slots of the current line when there are at most 64, copied into the record
    /// when the line is finished: each write of an array element was a uniqueness check (a
    /// runtime call the optimizer sometimes outlines with the bounds check: callgrind, benchmark
    /// trace, about 70 instructions a line for four numbers).
    let lineNumbers: UnsafeMutablePointer<Double>

    /// Checks done after all fields of a line were read (missing `ts`, default `status`); slots
    /// the line did not write become absent.
    @inline(__always)
    mutating func finishRecord(_ rec: inout TraceRecord) throws(LineError) {
        guard timestampSet else { throw LineError(reason: "missing `ts`") }
        rec.timestamp = pendingTimestamp
        var pending = pendingNumbers
        if numericCount <= 64 {
            while pending != 0 {
                lineNumbers[pending.trailingZeroBitCount] = .nan
                pending &= pending &- 1
            }
            let count = numericCount
            if count > 0 {
                let line = lineNumbers
                rec.numbers.withUnsafeMutableBufferPointer { slots in
                    precondition(slots.count == count, "a record has one number slot per requested field")
                    slots.baseAddress?.update(from: line, count: count)
                }
            }
        } else {
            while pending != 0 {
                rec.numbers[pending.trailingZeroBitCount] = .nan
                pending &= pending &- 1
            }
        }
        pending = pendingTexts
        while pending != 0 {
            rec.texts[pending.trailingZeroBitCount] = nil
            lastTextLength[pending.trailingZeroBitCount] = -1
            pending &= pending &- 1
        }
        pendingNumbers = 0
        pendingTexts = 0
        if statusTextSlot >= 0 && rec.texts[statusTextSlot] == nil {
            rec.texts[statusTextSlot] = "ok"
            if statusTextSlot < 64 { lastTextLength[statusTextSlot] = -1 }
        }
    }

    mutating func ensureScratch(_ n: Int) {
        if n > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(n, scratchCapacity * 2)
            scratch = .allocate(capacity: scratchCapacity)
        }
    }

    // MARK: - errors

    func syntaxError(_ p: Int, _ end: Int) -> LineError {
        if p >= end { return LineError(reason: "invalid JSON: unexpected end of line") }
        return LineError(reason: "invalid JSON at column \(p - lineStart + 1): unexpected \(describeByte(base[p]))")
    }

    func notANumber(_ e: Int, _ s: Int, _ t: Int) -> LineError {
        LineError(reason: "`\(keys.name(e))` is not a number: \(quoted(base, s, t))")
    }

    func notAList(_ e: Int) -> LineError {
        LineError(reason: "`\(keys.name(e))` is not an array of numbers")
    }

    func badTimestampType() -> LineError {
        LineError(reason: "`ts` must be an RFC 3339 string or a number of epoch milliseconds")
    }

    // MARK: - JSON lexing

    /// After an object member or array element: consumes `,` (false: another element follows) or
    /// the closing bracket (true); anything else is a syntax error.
    @inline(__always)
    mutating func closesAfterElement(_ p: inout Int, _ end: Int, close: UInt8) throws(LineError) -> Bool {
        skipWhitespace(&p, end)
        guard p < end else { throw syntaxError(p, end) }
        if base[p] == UInt8(ascii: ",") {
            p += 1
            skipWhitespace(&p, end)
            return false
        }
        guard base[p] == close else { throw syntaxError(p, end) }
        p += 1
        return true
    }

    @inline(__always)
    mutating func skipWhitespace(_ p: inout Int, _ end: Int) {
        while p < end {
            let c = base[p]
            if c != 0x20 && c != 0x09 && c != 0x0D && c != 0x0A { return }
            p += 1
        }
    }

    /// Skips string content eight bytes at a time (SWAR): the index of the first `"`, `\` or byte
    /// below 0x20 in `start..<end`, or the first of fewer than eight bytes left before `end`, which
    /// the caller's byte loop finishes. The lowest flagged byte is exact (a borrow can only flag
    /// bytes above a real match).
    @inline(__always)
    func skipPlainBytes(_ start: Int, _ end: Int) -> Int {
        var i = start
        while i + 8 <= end {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let q = w ^ (ones &* 0x22)
            let b = w ^ (ones &* 0x5C)
            let hit = (((q &- ones) & ~q) | ((b &- ones) & ~b) | ((w &- ones &* 0x20) & ~w)) & 0x8080_8080_8080_8080
            if hit != 0 { return i + hit.trailingZeroBitCount >> 3 }
            i += 8
        }
        return i
    }

    /// The closing quote of a string whose content starts at `start` when nothing in it needs a
    /// second look: no escape, no control character, and the quote before `end`; nil otherwise
    /// (the caller then takes the general reading). The words are loaded up to the end of the
    /// readable buffer, not of the line, so that a short string takes one or two loads and no byte
    /// loop; the first flagged byte past `end` (the line's newline, or the next line) means that
    /// the line holds no closing quote.
    @inline(__always)
    func plainStringEnd(_ start: Int, _ end: Int) -> Int? {
        let j = skipPlainBytes(start, readable)
        return j < end && base[j] == quote ? j : nil
    }

    /// Finds the closing quote of a JSON string whose content starts at `start`, validating escapes
    /// and rejecting raw control characters; sets `escaped` when a backslash occurs.
    @inline(__always)
    mutating func scanString(_ start: Int, _ end: Int, _ escaped: inout Bool) throws(LineError) -> Int {
        var i = skipPlainBytes(start, end)
        while i < end {
            let c = base[i]
            if c == quote { return i }
            if c == backslash {
                escaped = true
                i += 1
                guard i < end else { break }
                switch base[i] {
                case quote, backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 1
                case UInt8(ascii: "u"):
                    guard i + 4 < end, hexValue(base[i + 1]) >= 0, hexValue(base[i + 2]) >= 0,
                          hexValue(base[i + 3]) >= 0, hexValue(base[i + 4]) >= 0 else {
                        throw LineError(reason: "invalid JSON at column \(i - lineStart): invalid `\\u` escape")
                    }
                    i += 5
                default:
                    throw LineError(reason: "invalid JSON at column \(i - lineStart): invalid escape `\\\(String(UnicodeScalar(base[i])))`")
                }
                // Continue with the fast loop after an escape.
                i = skipPlainBytes(i, end)
                continue
            }
            if c < 0x20 {
                throw LineError(reason: "invalid JSON at column \(i - lineStart + 1): control character \(describeByte(c)) in a string")
            }
            i += 1
        }
        throw LineError(reason: "invalid JSON: unterminated string")
    }

    @inline(__always)
    func hexValue(_ c: UInt8) -> Int {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c - UInt8(ascii: "A") + 10)
        default: return -1
        }
    }

    /// Decodes the escapes of a (validated) JSON string into `scratch`; returns the byte count.
    /// Unpaired surrogates become U+FFFD.
    mutating func unescape(_ start: Int, _ end: Int) -> Int {
        ensureScratch(end - start + 4)
        var i = start
        var o = 0
        while i < end {
            let c = base[i]
            if c != backslash {
                scratch[o] = c
                o += 1
                i += 1
                continue
            }
            let e = base[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): scratch[o] = 0x08; o += 1
            case UInt8(ascii: "f"): scratch[o] = 0x0C; o += 1
            case UInt8(ascii: "n"): scratch[o] = 0x0A; o += 1
            case UInt8(ascii: "r"): scratch[o] = 0x0D; o += 1
            case UInt8(ascii: "t"): scratch[o] = 0x09; o += 1
            case UInt8(ascii: "u"):
                var scalar = UInt32(hex4(i))
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    if i + 6 <= end && base[i] == backslash && base[i + 1] == UInt8(ascii: "u") {
                        let low = UInt32(hex4(i + 2))
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                o += encodeUTF8(scalar, scratch + o)
            default: scratch[o] = e; o += 1  // " \ /
            }
        }
        return o
    }

    @inline(__always)
    func hex4(_ i: Int) -> Int {
        (hexValue(base[i]) << 12) | (hexValue(base[i + 1]) << 8) | (hexValue(base[i + 2]) << 4) | hexValue(base[i + 3])
    }

    func encodeUTF8(_ s: UInt32, _ out: UnsafeMutablePointer<UInt8>) -> Int {
        if s < 0x80 {
            out[0] = UInt8(s)
            return 1
        } else if s < 0x800 {
            out[0] = UInt8(0xC0 | (s >> 6))
            out[1] = UInt8(0x80 | (s & 0x3F))
            return 2
        } else if s < 0x10000 {
            out[0] = UInt8(0xE0 | (s >> 12))
            out[1] = UInt8(0x80 | ((s >> 6) & 0x3F))
            out[2] = UInt8(0x80 | (s & 0x3F))
            return 3
        }
        out[0] = UInt8(0xF0 | (s >> 18))
        out[1] = UInt8(0x80 | ((s >> 12) & 0x3F))
        out[2] = UInt8(0x80 | ((s >> 6) & 0x3F))
        out[3] = UInt8(0x80 | (s & 0x3F))
        return 4
    }

    @inline(__always)
    mutating func expectLiteral(_ p: inout Int, _ end: Int, _ word: StaticString) throws(LineError) {
        let n = word.utf8CodeUnitCount
        guard p + n <= end, memcmp(base + p, word.utf8Start, n) == 0 else { throw syntaxError(p, end) }
        p += n
    }

    /// Skips one JSON value, validating its structure (nesting limited to keep the stack bounded).
    mutating func skipValue(_ p: inout Int, _ end: Int, depth: Int) throws(LineError) {
        guard p < end else { throw syntaxError(p, end) }
        switch base[p] {
        case quote:
            var escaped = false
            p = try scanString(p + 1, end, &escaped) + 1
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let n = NumberParsing.scan(base, p, end) else { throw syntaxError(p + 1, end) }
            p = n.end
        case UInt8(ascii: "t"): try expectLiteral(&p, end, "true")
        case UInt8(ascii: "f"): try expectLiteral(&p, end, "false")
        case UInt8(ascii: "n"): try expectLiteral(&p, end, "null")
        case UInt8(ascii: "{"):
            guard depth < 200 else { throw LineError(reason: "invalid JSON: nesting too deep") }
            p += 1
            skipWhitespace(&p, end)
            if p < end && base[p] == UInt8(ascii: "}") {
                p += 1
                return
            }
            while true {
                guard p < end, base[p] == quote else { throw syntaxError(p, end) }
                var escaped = false
                p = try scanString(p + 1, end, &escaped) + 1
                skipWhitespace(&p, end)
                guard p < end, base[p] == UInt8(ascii: ":") else { throw syntaxError(p, end) }
                p += 1
                skipWhitespace(&p, end)
                try skipValue(&p, end, depth: depth + 1)
                if try closesAfterElement(&p, end, close: UInt8(ascii: "}")) { return }
            }
        case UInt8(ascii: "["):
            guard depth < 200 else { throw LineError(reason: "invalid JSON: nesting too deep") }
            p += 1
            skipWhitespace(&p, end)
            if p < end && base[p] == UInt8(ascii: "]") {
                p += 1
                return
            }
            while true {
                try skipValue(&p, end, depth: depth + 1)
                if try closesAfterElement(&p, end, close: UInt8(ascii: "]")) { return }
            }
        default:
            throw syntaxError(p, end)
        }
    }

    // MARK: - JSON lines

    /// Decodes one line into `rec`. Returns false for a blank line; throws the reject reason.
    @inline(__always)
    mutating func decodeJSONLine(_ start: Int, _ end: Int, _ rec: inout TraceRecord) throws(LineError) -> Bool {
        if templateWorthTrying {
            if decodeShapedLine(start, end, &rec) >= 0 {
                shapeHits &+= 1
                return true
            }
            shapeMisses &+= 1
        }
        // The general path: learns the line's keys as the next template, kept only if it succeeds.
        shapeCount = 0
        var learned = 0
        var learnable = true
        var p = start
        skipWhitespace(&p, end)
        if p == end { return false }
        lineStart = start
        guard base[p] == UInt8(ascii: "{") else {
            var q = p
            if (try? skipValue(&q, end, depth: 0)) != nil {
                skipWhitespace(&q, end)
                if q == end { throw LineError(reason: "not a JSON object") }
            }
            throw syntaxError(p, end)
        }
        p += 1
        resetRecord(&rec)
        if !overflowKeys.isEmpty { overflowKeys.removeAll(keepingCapacity: true) }
        skipWhitespace(&p, end)
        if p < end && base[p] == UInt8(ascii: "}") {
            p += 1
        } else {
            var previous: Int = -1
            while true {
                guard p < end, base[p] == quote else { throw syntaxError(p, end) }
                p += 1
                // Key: first try the key that followed the previous one last time.
                let predicted = Int(previous < 0 ? keys.firstNext : keys.entries[previous].next)
                var index: Int
                if predicted >= 0 && keys.matches(predicted, base, p, end, readable: readable) {
                    index = predicted
                    p += Int(keys.entries[predicted].nameLength) + 1
                } else {
                    var escapedKey = false
                    index = try lookupKey(&p, end, escaped: &escapedKey)
                    // A key written with escapes is not predicted: `matches` compares the raw bytes
                    // with the unescaped name, so a name holding `"` or `\` would match other text,
                    // e.g. `{"""` as the key `"` (found by fuzzing, issue 15).
                    if index >= 0 && !escapedKey {
                        if previous < 0 { keys.firstNext = Int32(index) } else { keys.entries[previous].next = Int32(index) }
                    } else {
                        learnable = false
                    }
                }
                if learned < KeyTable.capacity {
                    lineKeys[learned] = Int32(index)
                    learned += 1
                } else {
                    learnable = false
                }
                skipWhitespace(&p, end)
                guard p < end, base[p] == UInt8(ascii: ":") else { throw syntaxError(p, end) }
                p += 1
                skipWhitespace(&p, end)
                if index >= 0 {
                    try decodeValue(index, &p, end, &rec)
                    previous = index
                } else {
                    try skipValue(&p, end, depth: 0)
                }
                skipWhitespace(&p, end)
                guard p < end else { throw syntaxError(p, end) }
                let c = base[p]
                p += 1
                if c == UInt8(ascii: ",") {
                    skipWhitespace(&p, end)
                    continue
                }
                if c == UInt8(ascii: "}") { break }
                throw syntaxError(p - 1, end)
            }
        }
        skipWhitespace(&p, end)
        if p != end {
            throw LineError(reason: "invalid JSON at column \(p - lineStart + 1): unexpected \(describeByte(base[p])) after the object")
        }
        try finishRecord(&rec)
        if learnable && usesTemplates { learnShape(learned) }
        return true
    }

    /// Makes the template from the `count` keys of the line just read (`lineKeys`).
    mutating func learnShape(_ count: Int) {
        var bytes: [UInt8] = []
        var wordsUsed = 0
        for i in 0..<count {
            let k = Int(lineKeys[i])
            let entry = keys.entries[k]
            bytes.removeAll(keepingCapacity: true)
            bytes.append(i == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            bytes.append(quote)
            bytes.append(contentsOf: UnsafeBufferPointer(start: keys.arena + Int(entry.nameOffset), count: Int(entry.nameLength)))
            bytes.append(quote)
            bytes.append(UInt8(ascii: ":"))
            let words = (bytes.count + 7) / 8
            if wordsUsed + words > shapeWordCapacity {
                let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: max(2 * shapeWordCapacity, wordsUsed + words))
                grown.initialize(from: shapeWords, count: wordsUsed)
                shapeWords.deallocate()
                shapeWords = grown
                shapeWordCapacity = max(2 * shapeWordCapacity, wordsUsed + words)
            }
            while bytes.count < words * 8 { bytes.append(0) }
            bytes.withUnsafeBytes { raw in
                for w in 0..<words { shapeWords[wordsUsed + w] = raw.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self) }
            }
            let tail = (Int(entry.nameLength) + 4) - (words - 1) * 8
            let tailMask = tail == 8 ? UInt64.max : (UInt64(1) << UInt64(8 * tail)) &- 1
            // Word j of the segment and its mask, for the first three.
            func word(_ j: Int) -> (UInt64, UInt64) {
                if j >= words { return (0, 0) }
                return (shapeWords[wordsUsed + j], j == words - 1 ? tailMask : UInt64.max)
            }
            let (w0, m0) = word(0), (w1, m1) = word(1), (w2, m2) = word(2)
            shape[i] = ShapeSegment(w0: w0, w1: w1, w2: w2, m0: m0, m1: m1, m2: m2,
                                    key: Int32(k), length: Int32(entry.nameLength) + 4, firstWord: Int32(wordsUsed),
                                    words: Int32(words), tailMask: tailMask,
                                    value: shapeValue(k), slot: shapeValue(k) == .text ? entry.textSlot : entry.numericSlot)
            wordsUsed += words
        }
        shapeCount = count
        shapeFindsLineEnd = (0..<count).allSatisfy { shape[$0].value != .general }
        lineEndMisses = 0
    }

    /// Whether every key of the template is read by a fast reading (no `.general`), so that the
    /// template can find the line's end itself (`decodeLineFindingEnd`).
    var shapeFindsLineEnd = false
    /// Lines of the current template whose end the template could not find (`decodeLineFindingEnd`):
    /// input where that fails but the template still reads the line (`} ` before the line feed,
    /// a text field often `null`) would pay for both tries on every line, so past a share of the
    /// template's hits the scanner searches for the line feed first again.
    var lineEndMisses = 0

    /// Whether there is a template and it has not failed on too many lines (more than 64 and an
    /// eighth of those it read): input whose lines do not repeat one layout stops trying it.
    var templateWorthTrying: Bool { shapeCount > 0 && shapeMisses <= 64 + shapeHits >> 3 }

    /// Reads the line starting at `start` with the template, finding its end (the first line
    /// feed after it, or `end`, the end of the scanned range) as it goes: the line's end, or -1
    /// when the template cannot (no template, one with a key read generally, a line that departs
    /// from it, or too many such lines of late: `lineEndMisses`). The caller then finds the
    /// line's end and calls `decodeJSONLine`, which tries the template again within the line and
    /// counts a miss if it fails.
    @inline(__always)
    mutating func decodeLineFindingEnd(_ start: Int, _ end: Int, _ rec: inout TraceRecord) -> Int {
        guard shapeFindsLineEnd, templateWorthTrying, lineEndMisses <= 64 + shapeHits >> 3 else { return -1 }
        let lineEnd = decodeShapedLine(start, end, &rec, findingLineEnd: true)
        if lineEnd >= 0 { shapeHits &+= 1 } else { lineEndMisses &+= 1 }
        return lineEnd
    }

    /// Reads a line laid out like the last one the general path read (`shape`): the same keys in
    /// the same order, written without whitespace between the tokens (`{"a":1,"b":"x"}`), as
    /// loggers and the benchmark write them. The bytes before each value (`{"id":`, `,"ts":`)
    /// are compared as whole words with the template's, instead of the general path's quote,
    /// key-prediction, colon and whitespace steps; each value is read by the branch of
    /// `decodeValue` its key takes (`ShapeValue`), or by `decodeValue` itself, so it is checked
    /// the same. Returns -1, having perhaps written part of `rec`, as soon as
    /// the line departs from the template or holds a value the general path would reject: the
    /// caller then reads the line again with the general path, which resets the record and gives
    /// the precise reason. A template has no duplicate key (its line was accepted) and only keys
    /// written without escapes, so comparing raw bytes with a key's name is exact.
    /// Measured with callgrind on 300,000 benchmark records (one job, main thread), the first
    /// version (every value through `decodeValue`): 2,760 → 1,950 instructions per line in the
    /// decoder, 3.10 → 2.81 billion for the whole run; the direct value readings then 2.747.
    ///
    /// With `findingLineEnd`, `end` is the end of the scanned range rather than of the line, and
    /// the line's end is where the template's closing `}` is followed by a line feed (or CR LF,
    /// or the range's end): the scanner then needs no search for the line feed first (`memchr`
    /// took 2.2% of perf's samples, two jobs, 1 GB trace). That is exact because every reading
    /// allowed then stops at a line feed: key bytes are compared with the template's, strings
    /// read only as plain (no control character), numbers and timestamps hold none; any other
    /// reading (`decodeValue`, which skips whitespace, line feeds included) makes it fail, and the
    /// scanner finds the line end and reads the line again. Returns the line's end (the index of
    /// its line feed, or `end`), or -1 when the line departs from the template.
    @inline(__always)
    mutating func decodeShapedLine(_ start: Int, _ end: Int, _ rec: inout TraceRecord, findingLineEnd: Bool = false) -> Int {
        var p = start
        lineStart = start
        resetRecord(&rec)
        // In locals: `self` is changed in the loop (slots, pending bits), so its fields were
        // loaded again for every key.
        let base = self.base, readable = self.readable, shape = self.shape, shapeCount = self.shapeCount
        var i = 0
        while i < shapeCount {
            let segment = shape[i]
            let length = Int(segment.length)
            let words = Int(segment.words)
            guard p &+ length <= end else { return -1 }
            let text = UnsafeRawPointer(base + p)
            var from = 0
            if p &+ 24 <= readable {
                let differs = ((text.loadUnaligned(as: UInt64.self) ^ segment.w0) & segment.m0)
                    | ((text.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ segment.w1) & segment.m1)
                    | ((text.loadUnaligned(fromByteOffset: 16, as: UInt64.self) ^ segment.w2) & segment.m2)
                if differs != 0 { return -1 }
                from = 3
            }
            if words > from {
                // Long keys past their third word; near the end of the buffer, every word.
                guard p &+ 8 &* words <= readable else { return -1 }
                let expected = shapeWords + Int(segment.firstWord)
                var w = from
                while w < words - 1 {
                    if text.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self) != expected[w] { return -1 }
                    w += 1
                }
                if (text.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self) ^ expected[w]) & segment.tailMask != 0 { return -1 }
            }
            p &+= length
            guard p < end else { return -1 }
            let first = base[p]
            // The fast readings; anything they leave (a string with escapes, `null`, a number for
            // a text field) takes the general reading, at one call site (two made the optimizer
            // outline the record's uniqueness checks: 2.77 → 2.98 billion instructions).
            var read = false
            switch segment.value {
            case .text where first == quote:
                let slot = Int(segment.slot)
                if slot != deferredSlot, textCount <= 64, let after = sameTextAsLast(slot, p + 1, end) {
                    pendingTexts &= ~(UInt64(1) << UInt64(truncatingIfNeeded: slot))
                    p = after
                    read = true
                } else if let close = plainStringEnd(p + 1, end) {
                    if slot == deferredSlot {
                        // Left in the input (`TraceRecord.text(_:)`); the slot's stale value is
                        // never read while the range is set.
                        rec.deferredStart = p + 1
                        rec.deferredEnd = close
                        pendingTexts &= ~(UInt64(1) << UInt64(truncatingIfNeeded: slot))
                    } else if textCount <= 64 {
                        setTemplateText(slot, p + 1, close, &rec)
                    } else {
                        setText(slot, texts.string(slot: slot, base, p + 1, close, readable: readable), &rec)
                    }
                    p = close + 1
                    read = true
                }
            case .checkedString where first == quote:
                if let close = plainStringEnd(p + 1, end) {
                    p = close + 1
                    read = true
                }
            case .timestampText where first == quote:
                // First at the length of the last line's timestamp: a text RFC3339.parse accepts
                // holds no quote, backslash or control character, so with a quote after it, it is
                // the whole string (no scan for the closing quote).
                let guess = p &+ 1 &+ lastTimestampLength
                if lastTimestampLength > 0, guess < end, base[guess] == quote,
                   case .ok(let ns) = RFC3339.parse(base, p + 1, guess, cache: &minuteCache) {
                    pendingTimestamp = ns
                    timestampSet = true
                    p = guess + 1
                    read = true
                } else if let close = plainStringEnd(p + 1, end) {
                    guard (try? storeTimestampText(base, p + 1, close)) != nil else { return -1 }
                    lastTimestampLength = close - (p + 1)
                    p = close + 1
                    read = true
                }
            case .number, .wholeNumber:
                guard first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") <= 9 else { break }
                if first != UInt8(ascii: "-"), let next = storeShortNumber(p, end, slot: Int(segment.slot),
                                                                             whole: segment.value == .wholeNumber, &rec) {
                    p = next
                    read = true
                    break
                }
                guard let n = NumberParsing.scan(base, p, end) else { return -1 }
                p = n.end
                guard (try? storeNumber(Int(segment.key), keys.entries[Int(segment.key)], n, &rec)) != nil else { return -1 }
                read = true
            default:
                break
            }
            if !read {
                if findingLineEnd { return -1 }
                do { try decodeValue(Int(segment.key), &p, end, &rec) } catch { return -1 }
            }
            i += 1
        }
        guard p < end, base[p] == UInt8(ascii: "}") else { return -1 }
        p += 1
        let lineEnd: Int
        if findingLineEnd {
            if p == end || base[p] == UInt8(ascii: "\n") {
                lineEnd = p
            } else if base[p] == UInt8(ascii: "\r") && (p + 1 == end || base[p + 1] == UInt8(ascii: "\n")) {
                lineEnd = p + 1
            } else {
                return -1
            }
        } else {
            skipWhitespace(&p, end)
            guard p == end else { return -1 }
            lineEnd = end
        }
        do { try finishRecord(&rec) } catch { return -1 }
        return lineEnd
    }

    /// Reads and stores (in number slot `slot`, when not -1) a non-negative number of at most 15
    /// digits (leading zeros of a fraction included) without exponent, the common form (`812`,
    /// `4120.5`), for the template path: one pass over its digits, and the value by one exact
    /// division (Clinger: both terms are exact doubles, so IEEE division rounds correctly, as
    /// `NumberParsing.double` does).
    /// Returns the offset after the number, or nil to leave the number to `NumberParsing.scan`
    /// and `storeNumber` (leading zeros, more digits, an exponent, a fraction in a token count
    /// that is not whole), which then read it or give the reason.
    /// Callgrind, 300,000 benchmark records (four numbers a line): the general reading cost
    /// about 180 instructions a number besides its digits (see `decodeShapedLine`).
    @inline(__always)
    mutating func storeShortNumber(_ start: Int, _ end: Int, slot: Int, whole: Bool, _ rec: inout TraceRecord) -> Int? {
        var i = start
        let lead = base[i] &- 48
        var m = UInt64(lead)
        i &+= 1
        if lead == 0 {
            if i < end && base[i] &- 48 <= 9 { return nil }
        } else {
            while i < end {
                let c = base[i] &- 48
                if c > 9 { break }
                m = m &* 10 &+ UInt64(c)
                i &+= 1
            }
        }
        var digits = i &- start
        var fraction = 0
        if i < end && base[i] == UInt8(ascii: ".") {
            i &+= 1
            let first = i
            while i < end {
                let c = base[i] &- 48
                if c > 9 { break }
                m = m &* 10 &+ UInt64(c)
                i &+= 1
            }
            fraction = i &- first
            if fraction == 0 { return nil }
            digits &+= fraction
        }
        // The wrapped mantissa of a longer number is discarded here.
        guard digits <= 15, i < end, base[i] | 0x20 != UInt8(ascii: "e") else { return nil }
        var v = Double(m)
        if fraction > 0 {
            v /= powersOfTen[fraction]
            if whole && !isWhole(v) { return nil }
        }
        if slot >= 0 { setNumber(slot, v, &rec) }
        return i
    }

    /// 10^0 … 10^15, a copy of `NumberParsing.powersOfTen` owned by the decoder: reading the
    /// global array costs a runtime call per read (`swift_initStaticObject`).
    let powersOfTen: UnsafeMutablePointer<Double>

    /// Reads a key that was not predicted (p after the opening quote): finds it in the table or
    /// learns it; marks it seen for duplicate detection. Returns -1 for an unknown key that could
    /// not be learned (table full), which is then only checked for duplicates.
    /// `escaped` tells whether the key was written with escapes.
    mutating func lookupKey(_ p: inout Int, _ end: Int, escaped: inout Bool) throws(LineError) -> Int {
        escaped = false
        let start = p
        let close = try scanString(start, end, &escaped)
        p = close + 1
        var index: Int
        if escaped {
            let n = unescape(start, close)
            let s = UnsafePointer(scratch)
            index = keys.find(s, 0, n)
            if index < 0 { index = keys.insert(s, 0, n) }
            if index < 0 {
                let name = String(decoding: UnsafeBufferPointer(start: s, count: n), as: UTF8.self)
                try checkOverflowKey(start, close, name: name)
                return -1
            }
        } else {
            index = keys.find(base, start, close)
            if index < 0 { index = keys.insert(base, start, close) }
            if index < 0 {
                let name = String(decoding: UnsafeBufferPointer(start: base + start, count: close - start), as: UTF8.self)
                try checkOverflowKey(start, close, name: name)
                return -1
            }
        }
        return index
    }

    mutating func checkOverflowKey(_ start: Int, _ end: Int, name: String) throws(LineError) {
        for r in overflowKeys where r.count == end - start && memcmp(base + r.lowerBound, base + start, r.count) == 0 {
            throw LineError(reason: "duplicate key `\(name)`")
        }
        overflowKeys.append(start..<end)
    }

    /// Decodes the value of known key `index` (p at its first byte).
    @inline(always)
    mutating func decodeValue(_ index: Int, _ p: inout Int, _ end: Int, _ rec: inout TraceRecord) throws(LineError) {
        let e = keys.entries[index]
        if e.seen == generation { throw LineError(reason: "duplicate key `\(keys.name(index))`") }
        keys.entries[index].seen = generation
        if e.flags == 0 && e.numericSlot < 0 && e.textSlot < 0 && e.listSlot < 0 {
            try skipValue(&p, end, depth: 0)
            return
        }
        guard p < end else { throw syntaxError(p, end) }
        let flags = FieldFlags(rawValue: e.flags)
        switch base[p] {
        case quote:
            let s = p + 1
            var escaped = false
            let close = try scanString(s, end, &escaped)
            p = close + 1
            if flags.contains(.timestamp) || flags.contains(.metric) || e.numericSlot >= 0
                || flags.contains(.chunkGaps) || e.listSlot >= 0 || escaped {
                try storeJSONString(index, e, s, close, escaped, &rec)
            } else if e.textSlot >= 0 {
                setText(Int(e.textSlot), texts.string(slot: Int(e.textSlot), base, s, close, readable: readable), &rec)
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let n = NumberParsing.scan(base, p, end) else { throw syntaxError(p + 1, end) }
            p = n.end
            try storeNumber(index, e, n, &rec)
        case UInt8(ascii: "t"):
            try expectLiteral(&p, end, "true")
            try storeBool(index, e, p - 4, p, &rec)
        case UInt8(ascii: "f"):
            try expectLiteral(&p, end, "false")
            try storeBool(index, e, p - 5, p, &rec)
        case UInt8(ascii: "n"):
            try expectLiteral(&p, end, "null")
        case UInt8(ascii: "["):
            if flags.contains(.chunkGaps) || e.listSlot >= 0 {
                try decodeList(index, e, &p, end, &rec)
            } else {
                let s = p
                try skipValue(&p, end, depth: 0)
                try rejectContainer(index, e, s, p)
            }
        case UInt8(ascii: "{"):
            let s = p
            try skipValue(&p, end, depth: 0)
            try rejectContainer(index, e, s, p)
        default:
            throw syntaxError(p, end)
        }
    }

    mutating func rejectContainer(_ index: Int, _ e: KeyTable.Entry, _ s: Int, _ t: Int) throws(LineError) {
        let flags = FieldFlags(rawValue: e.flags)
        if flags.contains(.timestamp) { throw badTimestampType() }
        if flags.contains(.metric) || e.numericSlot >= 0 { throw notANumber(index, s, t) }
        if flags.contains(.chunkGaps) || e.listSlot >= 0 { throw notAList(index) }
        if flags.contains(.canonicalText) || e.textSlot >= 0 {
            throw LineError(reason: "`\(keys.name(index))` is not a string")
        }
    }

    mutating func storeJSONString(_ index: Int, _ e: KeyTable.Entry, _ s: Int, _ close: Int, _ escaped: Bool,
                                  _ rec: inout TraceRecord) throws(LineError) {
        let flags = FieldFlags(rawValue: e.flags)
        if flags.contains(.metric) || e.numericSlot >= 0 && !flags.contains(.timestamp) {
            throw notANumber(index, s - 1, close + 1)
        }
        if flags.contains(.chunkGaps) || e.listSlot >= 0 { throw notAList(index) }
        if escaped {
            let n = unescape(s, close)
            let text = UnsafePointer(scratch)
            if flags.contains(.timestamp) { try storeTimestampText(text, 0, n) }
            if e.textSlot >= 0 {
                setText(Int(e.textSlot), String(decoding: UnsafeBufferPointer(start: text, count: n), as: UTF8.self), &rec)
            }
        } else {
            if flags.contains(.timestamp) { try storeTimestampText(base, s, close) }
            if e.textSlot >= 0 {
                setText(Int(e.textSlot), texts.string(slot: Int(e.textSlot), base, s, close, readable: readable), &rec)
            }
        }
        if flags.contains(.timestamp) && e.numericSlot >= 0 {
            setNumber(Int(e.numericSlot), Double(pendingTimestamp) / 1e6, &rec)
        }
    }

    /// Parses an RFC 3339 `ts` text into `rec.timestamp` (through `pendingTimestamp`).
    @inline(__always)
    mutating func storeTimestampText(_ p: UnsafePointer<UInt8>, _ s: Int, _ t: Int) throws(LineError) {
        switch RFC3339.parse(p, s, t, cache: &minuteCache) {
        case .ok(let ns):
            pendingTimestamp = ns
            timestampSet = true
        case .noOffset:
            throw LineError(reason: "timestamp \(quoted(p, s, t)) has no UTC offset")
        case .malformed:
            throw LineError(reason: "timestamp \(quoted(p, s, t)) is not an RFC 3339 date-time")
        case .invalidDate:
            throw LineError(reason: "timestamp \(quoted(p, s, t)) is not a valid date and time")
        case .outOfRange:
            throw LineError(reason: "timestamp \(quoted(p, s, t)) is out of range")
        }
    }

    var pendingTimestamp: Int64 = 0
    var minuteCache = RFC3339.MinuteCache()

    @inline(always)
    mutating func storeNumber(_ index: Int, _ e: KeyTable.Entry, _ n: ScannedNumber, _ rec: inout TraceRecord) throws(LineError) {
        try storeNumber(index, e, n, base, readable, &rec)
    }

    /// Validates and stores a number read from `src` (the input, or scratch for unescaped CSV cells).
    @inline(always)
    mutating func storeNumber(_ index: Int, _ e: KeyTable.Entry, _ n: ScannedNumber, _ src: UnsafePointer<UInt8>,
                              _ readable: Int, _ rec: inout TraceRecord) throws(LineError) {
        let base = src
        let flags = FieldFlags(rawValue: e.flags)
        if flags.contains(.timestamp) {
            guard let ns = NumberParsing.epochMillisecondsToNanoseconds(n) else {
                throw LineError(reason: "timestamp \(quoted(base, n.start, n.end)) is out of range")
            }
            pendingTimestamp = ns
            timestampSet = true
            if e.numericSlot >= 0 { setNumber(Int(e.numericSlot), NumberParsing.double(n, base) ?? .nan, &rec) }
        } else {
            if flags.contains(.chunkGaps) || e.listSlot >= 0 { throw notAList(index) }
            if flags.contains(.metric) || e.numericSlot >= 0 {
                guard var v = NumberParsing.double(n, base) else {
                    throw LineError(reason: "number \(quoted(base, n.start, n.end)) in `\(keys.name(index))` is out of range")
                }
                if flags.contains(.metric) {
                    if v < 0 {
                        throw LineError(reason: "`\(keys.name(index))` is negative: \(quoted(base, n.start, n.end))")
                    }
                    v += 0  // -0 reads as 0
                    if flags.contains(.whole) && n.hasFractionOrExponent && !isWhole(v) {
                        throw LineError(reason: "`\(keys.name(index))` is not a whole number: \(quoted(base, n.start, n.end))")
                    }
                    // Counts above 2^53 are not whole numbers a double can hold exactly, and
                    // their sums overflow: reject rather than let `total_tokens` become infinite.
                    if flags.contains(.whole) && v > 9_007_199_254_740_992 {
                        throw LineError(reason: "`\(keys.name(index))` is too large to be a token count: \(quoted(base, n.start, n.end))")
                    }
                }
                if e.numericSlot >= 0 { setNumber(Int(e.numericSlot), v, &rec) }
            }
        }
        if e.textSlot >= 0 {
            setText(Int(e.textSlot), texts.string(slot: Int(e.textSlot), base, n.start, n.end, readable: readable), &rec)
        }
    }

    /// Whether a finite non-negative value has no fractional part (without a libm call).
    @inline(__always)
    func isWhole(_ v: Double) -> Bool {
        v >= 4_503_599_627_370_496 || Double(UInt64(v)) == v
    }

    mutating func storeBool(_ index: Int, _ e: KeyTable.Entry, _ s: Int, _ t: Int, _ rec: inout TraceRecord) throws(LineError) {
        let flags = FieldFlags(rawValue: e.flags)
        if flags.contains(.timestamp) { throw badTimestampType() }
        if flags.contains(.metric) || e.numericSlot >= 0 { throw notANumber(index, s, t) }
        if flags.contains(.chunkGaps) || e.listSlot >= 0 { throw notAList(index) }
        if e.textSlot >= 0 { setText(Int(e.textSlot), t - s == 4 ? "true" : "false", &rec) }
    }

    /// Decodes an array of numbers (p at `[`) for `itl_ms` or a requested list field.
    mutating func decodeList(_ index: Int, _ e: KeyTable.Entry, _ p: inout Int, _ end: Int, _ rec: inout TraceRecord) throws(LineError) {
        let nonNegative = FieldFlags(rawValue: e.flags).contains(.chunkGaps)
        let slot = Int(e.listSlot)
        var values: [Double] = []
        if slot >= 0 {
            swap(&values, &spareLists[slot])
            values.removeAll(keepingCapacity: true)
        }
        p += 1
        skipWhitespace(&p, end)
        if p < end && base[p] == UInt8(ascii: "]") {
            p += 1
        } else {
            while true {
                guard p < end else { throw syntaxError(p, end) }
                let c = base[p]
                guard c == UInt8(ascii: "-") || (c &- 48) <= 9 else {
                    // Validate the rest for a precise reason: syntax errors win over type errors.
                    var q = p
                    try skipValue(&q, end, depth: 1)
                    throw notAList(index)
                }
                guard let n = NumberParsing.scan(base, p, end) else { throw syntaxError(p + 1, end) }
                p = n.end
                guard var v = NumberParsing.double(n, base) else {
                    throw LineError(reason: "number \(quoted(base, n.start, n.end)) in `\(keys.name(index))` is out of range")
                }
                if nonNegative {
                    if v < 0 {
                        throw LineError(reason: "`\(keys.name(index))` has a negative value: \(quoted(base, n.start, n.end))")
                    }
                    v += 0
                }
                if slot >= 0 { values.append(v) }
                skipWhitespace(&p, end)
                guard p < end else { throw syntaxError(p, end) }
                let d = base[p]
                p += 1
                if d == UInt8(ascii: ",") {
                    skipWhitespace(&p, end)
                    continue
                }
                if d == UInt8(ascii: "]") { break }
                throw syntaxError(p - 1, end)
            }
        }
        if slot >= 0 { rec.lists[slot] = values }
    }
}
