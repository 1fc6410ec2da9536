import Foundation
import SLACTool
import Testing

/// Bytes that are not a contract's UTF-8 text are reported with their byte offset before parsing
/// (docs/fuzzing.md): invalid UTF-8 is SLA0004, a NUL byte SLA0005.
@Suite struct ContractLoadingTests {
    static let valid = Array("contract \"T\" {\n    id \"x\"\n}\n".utf8)

    func load(_ bytes: [UInt8]) throws -> Result<String, InputProblem> {
        let dir = try TemporaryDirectory()
        let path = try dir.write("c.sla", bytes)
        return ContractLoading.load(path: path).map { $0.text }
    }

    func problem(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> InputProblem {
        switch try load(bytes) {
        case .success: throw LoadingTestError.loaded
        case .failure(let p): return p
        }
    }

    enum LoadingTestError: Error { case loaded }

    @Test func validFileLoads() throws {
        #expect(try load(Self.valid).get() == String(decoding: Self.valid, as: UTF8.self))
        // Multi-byte characters are valid.
        let text = Array("contract \"Größe – 東京 🚀\" {}".utf8)
        #expect(try load(text).get() == String(decoding: text, as: UTF8.self))
    }

    @Test(arguments: [
        ([0xFF] as [UInt8], "lone 0xFF"),
        ([0xC3], "truncated two-byte sequence"),
        ([0xC3, 0x28], "bad continuation"),
        ([0x80], "lone continuation byte"),
        ([0xC0, 0xAF], "overlong slash"),
        ([0xE0, 0x80, 0xAF], "overlong three-byte"),
        ([0xED, 0xA0, 0x80], "UTF-16 surrogate"),
        ([0xF4, 0x90, 0x80, 0x80], "above U+10FFFF"),
        ([0xF5, 0x80, 0x80, 0x80], "invalid lead byte"),
        ([0xE2, 0x82], "truncated three-byte sequence"),
    ])
    func invalidUTF8(_ bad: [UInt8], _ label: String) throws {
        // Put the bad bytes on line 2, after a multi-byte character, to check offset, line and column.
        let prefix = Array("contract \"T\" {\n    id \"é".utf8)
        let p = try problem(prefix + bad + Array("\"\n}\n".utf8))
        #expect(p.diagnostic.code.rawValue == "SLA0004", "\(label)")
        #expect(p.diagnostic.span.start == prefix.count, "\(label)")
        #expect(p.diagnostic.message == "invalid UTF-8 at byte offset \(prefix.count)")
        #expect(p.line == 2)
        #expect(p.column == 10)  // 4 spaces, `id`, space, quote, `é` = 9 characters before it
        #expect(p.diagnostic.help != nil)
    }

    @Test func invalidUTF8AtTheStart() throws {
        let p = try problem([0xFE] + Self.valid)
        #expect(p.diagnostic.code.rawValue == "SLA0004")
        #expect(p.diagnostic.span.start == 0)
        #expect(p.line == 1 && p.column == 1)
    }

    @Test func nulByte() throws {
        var bytes = Self.valid
        let offset = 20
        bytes.insert(0, at: offset)
        let p = try problem(bytes)
        #expect(p.diagnostic.code.rawValue == "SLA0005")
        #expect(p.diagnostic.span.start == offset)
        #expect(p.diagnostic.message == "NUL byte at byte offset \(offset)")
        #expect(p.line == 2 && p.column == 6)  // line 1 is 15 bytes with its newline
    }

    @Test func nulAndInvalidUTF8TheFirstProblemReportedIsNUL() throws {
        let p = try problem([0xFF] + Self.valid + [0])
        #expect(p.diagnostic.code.rawValue == "SLA0005")
        #expect(p.diagnostic.span.start == Self.valid.count + 1)
    }

    @Test func checkCommandReportsLoadingProblemsWithLocation() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("bad.sla", Array("contract \"T\" {\n  ".utf8) + [0xFF])
        let output = CheckCommand.run(paths: [path], format: .text, colored: false)
        #expect(output.exitCode == 2)
        #expect(output.standardError.hasPrefix("error[SLA0004]: invalid UTF-8 at byte offset 17\n  --> \(path):2:3\n"))
        let json = CheckCommand.run(paths: [path], format: .json, colored: false)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
        #expect(entries.first?["code"] as? String == "SLA0004")
        #expect(entries.first?["line"] as? Int == 2)
        #expect(entries.first?["column"] as? Int == 3)
        #expect(entries.first?["byteOffset"] as? Int == 17)
    }

    /// Random bytes through the loader and the checker: never a crash, always a verdict.
    @Test func randomBytesThroughTheTool() throws {
        let dir = try TemporaryDirectory()
        var state: UInt64 = 0x5EED
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for n in 0..<100 {
            var bytes = Self.valid
            for _ in 0..<4 { bytes.insert(next(), at: Int(next()) % (bytes.count + 1)) }
            let path = try dir.write("r\(n).sla", bytes)
            let output = CheckCommand.run(paths: [path], format: .text, colored: false)
            #expect(output.exitCode == 0 || output.exitCode == 2)
            #expect(output.exitCode == 0 || output.standardError.contains("error["))
        }
    }
}
