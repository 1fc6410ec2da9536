import Foundation
import Synchronization
import SLACTestSupport
import Testing
@testable import SLACTrace

/// Streamed inputs (gzip, pipes): the same bytes and errors as whole inputs, cut into blocks of
/// whole lines (whole CSV rows) whatever the block size.
@Suite("Streamed inputs")
struct StreamTests {
    /// All content of a stream through a reader with blocks of `blockSize`, and the blocks.
    func blocks(_ path: String, blockSize: Int, format: TraceFormat = .jsonl) throws -> [[UInt8]] {
        let reader = LineBlockReader(stream: try TraceStream(path: path), blockSize: blockSize)
        reader.setFormat(format)
        var out: [[UInt8]] = []
        while let block = try reader.next() {
            #expect(block.skippedLines == 0, "no line is skipped when `prefix()` is not called and lines fit")
            out.append(Array(block.bytes))
        }
        return out
    }

    @Test("gzip and plain streams give the content; blocks end at line ends", arguments: [64, 100, 4096, 1 << 20])
    func contentAndCuts(blockSize: Int) throws {
        let dir = TemporaryDirectory()
        let path = dir.path("trace.jsonl")
        // Lines of varied length, some longer than the smallest block, and no final line break.
        var text = ""
        for k in 0..<400 { text += #"{"id":"r-\#(k)","note":"\#(String(repeating: "x", count: (k * 37) % 150))"}"# + "\n" }
        text += #"{"id":"last"}"#
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try run("/usr/bin/gzip", ["-k", "-6", path])
        let member = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        let double = dir.path("double.gz")
        try (member + member + Data([0, 0, 0])).write(to: URL(fileURLWithPath: double))  // two members, zero padding
        for (file, expected) in [(path, text), (path + ".gz", text), (double, text + text)] {
            #expect(TraceStream.shouldStream(path: file) == file.hasSuffix(".gz"))
            let parts = try blocks(file, blockSize: blockSize)
            #expect(parts.flatMap { $0 } == Array(expected.utf8), "\(file) at \(blockSize)")
            for part in parts.dropLast() { #expect(part.last == 0x0A, "a block ends at a line end") }
        }
    }

    @Test("blocks taken from the reader stay valid while it reads on, with spare buffers of any size",
          arguments: [64, 100, 4096])
    func takenBlocks(blockSize: Int) throws {
        let dir = TemporaryDirectory()
        let path = dir.path("trace.jsonl")
        // Some lines longer than the block, so that the reader's buffer grows past the spares.
        var text = ""
        for k in 0..<300 { text += #"{"id":"r-\#(k)","note":"\#(String(repeating: "y", count: (k * 53) % 400))"}"# + "\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let reader = LineBlockReader(stream: try TraceStream(path: path), blockSize: blockSize)
        var taken: [(pointer: UnsafeMutablePointer<UInt8>, capacity: Int, count: Int)] = []
        defer { for t in taken { free(t.pointer) } }
        while let block = try reader.next() {
            let count = block.bytes.count
            // Every third block gives no spare (the reader allocates one), the others one of 16
            // bytes (from malloc, as the reader may `realloc` it), smaller than any block.
            let spare = taken.count % 3 == 0 ? nil
                : malloc(16).map { (pointer: $0.assumingMemoryBound(to: UInt8.self), capacity: 16) }
            let memory = reader.takeBlock(giving: spare)
            #expect(memory.capacity >= count)
            taken.append((memory.pointer, memory.capacity, count))
        }
        // Read after all blocks were taken: each still holds its bytes.
        let all = taken.flatMap { Array(UnsafeBufferPointer(start: $0.pointer, count: $0.count)) }
        #expect(all == Array(text.utf8), "blocks of \(blockSize)")
        for t in taken.dropLast() { #expect(t.pointer[t.count - 1] == 0x0A, "a block ends at a line end") }
        // A buffer grown for a long line goes back to the block size once the rest fits.
        for (k, t) in taken.enumerated().dropFirst() where t.capacity > reader.blockCapacity {
            #expect(taken[k - 1].capacity > reader.blockCapacity || t.count > reader.blockCapacity / 2,
                    "block \(k) is \(t.capacity) bytes, grown without a long line")
        }
    }

    @Test("CSV rows with quoted line breaks are never cut", arguments: [16, 33, 70])
    func csvRows(blockSize: Int) throws {
        let dir = TemporaryDirectory()
        let path = dir.path("trace.csv")
        var text = "ts,id,note\r\n"
        for k in 0..<200 {
            let note = k % 3 == 0 ? "\"line one\nline \"\"two\"\"\r\nthree\"" : "plain \(k)"
            text += "2026-03-01T00:00:00Z,r-\(k),\(note)\r\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try run("/usr/bin/gzip", ["-k", path])
        let parts = try blocks(path + ".gz", blockSize: blockSize, format: .csv)
        #expect(parts.flatMap { $0 } == Array(text.utf8))
        var inQuotes = false
        for part in parts {
            for b in part where b == UInt8(ascii: "\"") { inQuotes.toggle() }
            #expect(!inQuotes, "a block ends outside quotes")
            #expect(part.last == 0x0A)
        }
    }

    @Test("gzip errors are the whole-input errors")
    func errors() throws {
        let dir = TemporaryDirectory()
        let path = dir.path("trace.jsonl")
        try String(repeating: #"{"id":"r","ts":"2026-03-01T00:00:00Z"}"# + "\n", count: 2_000).write(toFile: path, atomically: true, encoding: .utf8)
        _ = try run("/usr/bin/gzip", ["-9", path])
        let member = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        let truncated = dir.path("truncated.gz")
        try member.prefix(member.count / 2).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: TraceInputError(path: truncated, message: "not a valid gzip stream: unexpected end of data (truncated file)")) {
            _ = try blocks(truncated, blockSize: 256)
        }
        // The CRC-32 in the member's trailer (its last 8 bytes: CRC, then length) is checked.
        var wrongCRC = member
        wrongCRC[wrongCRC.count - 8] ^= 0xFF
        let badCRC = dir.path("crc.gz")
        try wrongCRC.write(to: URL(fileURLWithPath: badCRC))
        #expect(throws: TraceInputError(path: badCRC, message: "not a valid gzip stream: incorrect data check")) {
            _ = try blocks(badCRC, blockSize: 256)
        }
        let trailing = dir.path("trailing.gz")
        try (member + Data("junk".utf8)).write(to: URL(fileURLWithPath: trailing))
        #expect(throws: TraceInputError(path: trailing, message: "not a valid gzip stream: trailing data after gzip member")) {
            _ = try blocks(trailing, blockSize: 256)
        }
        // After a member, anything but another member's magic bytes 1f 8b (or zero padding to the end).
        for (name, tail) in [("lone.gz", Data([0x1f])), ("notmagic.gz", Data([0x1f, 0x41, 0x00])), ("method.gz", Data([0x1f, 0x00]))] {
            let file = dir.path(name)
            try (member + tail).write(to: URL(fileURLWithPath: file))
            #expect(throws: TraceInputError(path: file, message: "not a valid gzip stream: trailing data after gzip member")) {
                _ = try blocks(file, blockSize: 256)
            }
            #expect(throws: TraceInputError(path: file, message: "not a valid gzip stream: trailing data after gzip member")) {
                _ = try TraceInput(path: file)
            }
        }
        let padded = dir.path("padded.gz")
        try (member + Data([0, 0]) + member).write(to: URL(fileURLWithPath: padded))
        #expect(throws: TraceInputError(path: padded, message: "not a valid gzip stream: trailing data after gzip member")) {
            _ = try blocks(padded, blockSize: 256)
        }
        var corruptBytes = member
        for i in 20..<60 { corruptBytes[i] ^= 0x5A }
        let corrupt = dir.path("corrupt.gz")
        try corruptBytes.write(to: URL(fileURLWithPath: corrupt))
        do {
            _ = try blocks(corrupt, blockSize: 256)
            Issue.record("corrupt gzip was accepted")
        } catch let error as TraceInputError {
            #expect(error.message.hasPrefix("not a valid gzip stream: "))
        }
        let notGzip = dir.path("plain.jsonl.gz")
        try "{}\n".write(toFile: notGzip, atomically: true, encoding: .utf8)
        #expect(throws: TraceInputError(path: notGzip, message: "not a valid gzip stream: missing gzip header")) {
            _ = try blocks(notGzip, blockSize: 256)
        }
        #expect(throws: TraceInputError(path: dir.path("missing.gz"), message: "no such file")) {
            _ = try TraceStream(path: dir.path("missing.gz"))
        }
        #expect(throws: TraceInputError(path: dir.url.path, message: "is a directory")) { _ = try TraceStream(path: dir.url.path) }
    }

    // Opening the pipe twice (the bug this guards against) kills the writer and leaves the second
    // open waiting for ever: the time limit turns that hang into a failure.
    @Test("a named pipe is read as a stream, and its writer is not cut off", .timeLimit(.minutes(1)))
    func namedPipe() throws {
        let dir = TemporaryDirectory()
        let source = dir.path("trace.jsonl")
        let text = String(repeating: #"{"id":"r","ts":"2026-03-01T00:00:00Z"}"# + "\n", count: 5_000)
        try text.write(toFile: source, atomically: true, encoding: .utf8)
        let fifo = dir.path("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(TraceStream.shouldStream(path: fifo))
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat \"$0\" > \"$1\"", source, fifo]
        try writer.run()
        let parts = try blocks(fifo, blockSize: 4096)
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(parts.flatMap { $0 } == Array(text.utf8))
    }

    @Test("the prefix is the start of the content and is not consumed")
    func prefix() throws {
        let dir = TemporaryDirectory()
        let path = dir.path("trace.jsonl")
        let text = String(repeating: #"{"id":"r","ts":"2026-03-01T00:00:00Z"}"# + "\n", count: 100)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try run("/usr/bin/gzip", [path])
        let reader = LineBlockReader(stream: try TraceStream(path: path + ".gz"), blockSize: 128)
        let head = Array(try reader.prefix())
        #expect(head.count >= 128 && Array(text.utf8).starts(with: head))
        var all: [UInt8] = []
        while let block = try reader.next() { all += Array(block.bytes) }
        #expect(all == Array(text.utf8))
    }
}

/// A named pipe that nobody writes to blocked `verify` silently until killed; now it says why.
@Suite struct PatientOpenTests {
    @Test("opening a named pipe without a writer says so after a second", .timeLimit(.minutes(1)))
    func announcesTheWait() throws {
        let dir = TemporaryDirectory()
        let fifo = dir.path("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        let said = Mutex<[String]>([])
        let opened = Mutex<Int32>(-2)
        let reader = Thread {
            let fd = PatientOpen.open(fifo) { text in said.withLock { $0.append(text) } }
            opened.withLock { $0 = fd }
        }
        reader.start()
        // One second, give or take a loaded machine.
        for _ in 0..<300 where said.withLock({ $0 }).isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        #expect(said.withLock { $0 }.count == 1)
        #expect(said.withLock { $0 }.first?.contains("waiting for a writer on the named pipe") == true)
        #expect(opened.withLock { $0 } == -2, "still waiting")
        let writer = open(fifo, O_WRONLY)
        #expect(writer >= 0)
        while opened.withLock({ $0 }) == -2 { Thread.sleep(forTimeInterval: 0.01) }
        let fd = opened.withLock { $0 }
        #expect(fd >= 0)
        close(writer)
        close(fd)
    }

    @Test("a regular file opens without a word")
    func regularFileIsQuiet() throws {
        let dir = TemporaryDirectory()
        let path = dir.path("t.jsonl")
        try "x\n".write(toFile: path, atomically: true, encoding: .utf8)
        let said = Mutex<[String]>([])
        let fd = PatientOpen.open(path) { text in said.withLock { $0.append(text) } }
        #expect(fd >= 0)
        close(fd)
        Thread.sleep(forTimeInterval: 1.2)
        #expect(said.withLock { $0 }.isEmpty)
    }
}
