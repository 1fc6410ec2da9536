/// Source text with position markers (`1️⃣`, `2️⃣`, ...) in the style of swift-syntax's
/// `assertParse`: tests write where a diagnostic must start instead of counting bytes. One copy
/// for the syntax and checker tests (they each had their own, and they had drifted).
public struct MarkedSource {
    /// The text without its markers.
    public var text: String
    /// Byte offset in `text` of each marker.
    public var markers: [String: Int]

    public init(_ marked: String) {
        var text = ""
        var markers: [String: Int] = [:]
        var offset = 0
        for character in marked {
            if MarkedSource.isMarker(character) {
                let name = String(character)
                precondition(markers[name] == nil, "marker \(name) used twice")
                markers[name] = offset
            } else {
                text.append(character)
                offset += character.utf8.count
            }
        }
        self.text = text
        self.markers = markers
    }

    /// A keycap emoji: a digit, U+FE0F, U+20E3.
    public static func isMarker(_ c: Character) -> Bool {
        let scalars = Array(c.unicodeScalars)
        return scalars.count == 3 && ("0"..."9").contains(Character(scalars[0])) && scalars[1].value == 0xFE0F && scalars[2].value == 0x20E3
    }
}
