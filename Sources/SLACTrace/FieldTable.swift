import SLACFields

/// Flags of a known field: which validation applies whether or not the field is requested.
struct FieldFlags: OptionSet, Sendable, Hashable {
    let rawValue: UInt16
    /// The arrival instant (`ts`).
    static let timestamp = FieldFlags(rawValue: 1)
    /// A canonical metric: when present and not null it must be a non-negative number (docs/formats.md).
    static let metric = FieldFlags(rawValue: 2)
    /// A token count: must also be whole (`76.0` is 76, docs/language.md, "Exactness").
    static let whole = FieldFlags(rawValue: 4)
    /// `itl_ms`: an array of non-negative numbers.
    static let chunkGaps = FieldFlags(rawValue: 8)
    /// A canonical text field (`id`, `tenant`, …): must be a scalar, not an object or array.
    static let canonicalText = FieldFlags(rawValue: 16)
    /// `status`: absent or null reads as `"ok"`.
    static let status = FieldFlags(rawValue: 32)
}

/// One field the scanner knows by name: the canonical fields plus every requested field.
struct FieldSpec: Sendable, Hashable {
    var name: String
    var numericSlot: Int = -1
    var textSlot: Int = -1
    var listSlot: Int = -1
    var flags: FieldFlags = []

    /// Whether the value can be skipped without looking at it (unknown or unrequested free fields).
    var isInert: Bool { numericSlot < 0 && textSlot < 0 && listSlot < 0 && flags.isEmpty }
}

/// The immutable list of known fields, built once per scanner from the request.
struct FieldTable: Sendable, Hashable {
    var specs: [FieldSpec]
    /// Index of `ts` in `specs`.
    var timestampIndex: Int
    /// The text slot of `status` when requested (filled with `"ok"` when absent), else -1.
    var statusTextSlot: Int

    /// The canonical record fields (docs/formats.md), in the order the canonical writer emits them, so that the
    /// key predictor starts out right for canonical files.
    static let canonicalOrder: [(String, FieldFlags)] = CanonicalField.allCases.map { field in
        let flags: FieldFlags
        switch field.kind {
        case .text: flags = field == .status ? [.canonicalText, .status] : .canonicalText
        case .timestamp: flags = .timestamp
        case .number: flags = .metric
        case .wholeNumber: flags = [.metric, .whole]
        case .gaps: flags = .chunkGaps
        }
        return (field.name, flags)
    }

    init(request: TraceFieldRequest) {
        var specs: [FieldSpec] = []
        var index: [String: Int] = [:]
        for (name, flags) in FieldTable.canonicalOrder {
            index[name] = specs.count
            specs.append(FieldSpec(name: name, flags: flags))
        }
        func slot(_ name: String) -> Int {
            if let i = index[name] { return i }
            index[name] = specs.count
            specs.append(FieldSpec(name: name))
            return specs.count - 1
        }
        // A field requested twice in one list keeps its first slot; later duplicates stay absent.
        for (i, name) in request.numericFields.enumerated() where specs[slot(name)].numericSlot < 0 {
            specs[slot(name)].numericSlot = i
        }
        for (i, name) in request.textFields.enumerated() where specs[slot(name)].textSlot < 0 {
            specs[slot(name)].textSlot = i
        }
        for (i, name) in request.listFields.enumerated() where specs[slot(name)].listSlot < 0 {
            specs[slot(name)].listSlot = i
        }
        self.specs = specs
        self.timestampIndex = index["ts"] ?? 1
        self.statusTextSlot = specs[index["status"] ?? 5].textSlot
    }

    /// Index of the field called `name`, if known.
    func index(of name: String) -> Int? { specs.firstIndex { $0.name == name } }
}
