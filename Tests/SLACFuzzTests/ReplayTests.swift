import Foundation
import SLACFuzzing
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The package root (this file is `Tests/SLACFuzzTests/ReplayTests.swift`).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Seed inputs are cut to this size: the fuzzer reads at most a few KB of each, and a whole
/// production trace through a debug build would only make the test slow.
let seedLimit = 256 << 10

/// Every file of `Tests/Fuzz/seeds.tsv` (the seed corpus of `scripts/fuzz.sh`) as target, label, bytes.
func seedInputs(for target: FuzzTarget) -> [(label: String, bytes: [UInt8])] {
    guard let table = try? String(contentsOf: packageRoot.appendingPathComponent("Tests/Fuzz/seeds.tsv"), encoding: .utf8) else { return [] }
    var inputs: [(String, [UInt8])] = []
    for line in table.split(separator: "\n") where !line.hasPrefix("#") {
        let columns = line.split(separator: "\t").map(String.init)
        guard columns.count == 4, columns[0] == target.rawValue else { continue }
        let prefix: [UInt8] = columns[1] == "-" ? [] : UInt8(columns[1], radix: 16).map { [$0] } ?? []
        let folder = packageRoot.appendingPathComponent(columns[2]).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                  columns[3] == "-" || url.lastPathComponent.hasSuffix(columns[3]),
                  !url.lastPathComponent.hasPrefix("."),
                  let data = try? Data(contentsOf: url) else { continue }
            inputs.append(("\(columns[2])/\(url.lastPathComponent)", prefix + [UInt8](data.prefix(seedLimit))))
        }
    }
    return inputs
}

/// The saved inputs of `Tests/Fuzz/regressions/<target>/`, as `target/name`.
let regressionInputs: [String] = FuzzTarget.allCases.flatMap { target in
    let folder = packageRoot.appendingPathComponent("Tests/Fuzz/regressions/\(target.rawValue)")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(target.rawValue)/\($0)" }
}

@Suite("Fuzz targets")
struct FuzzReplayTests {
    @Test("the seed corpus runs through every target", arguments: FuzzTarget.allCases)
    func seeds(target: FuzzTarget) {
        let inputs = seedInputs(for: target)
        #expect(!inputs.isEmpty || target == .plan || target == .adapter, "no seeds for \(target.rawValue)")
        for input in inputs {
            target.run(input.bytes)
        }
    }

    @Test("small and degenerate inputs", arguments: FuzzTarget.allCases)
    func degenerate(target: FuzzTarget) {
        for bytes: [UInt8] in [[], [0], [0xFF], [0x0A], Array("\"".utf8), Array("{}".utf8), [0x1F, 0x8B], [0x03, 0x1F, 0x8B, 0x08]] {
            target.run(bytes)
        }
    }

    /// Each saved input runs in a child process (a trap fails this test, not the whole run) with
    /// an alarm, so that a hang fails too.
    @Test("saved crashing and hanging inputs no longer crash or hang", arguments: regressionInputs)
    func regression(input: String) async {
        _ = await #expect(processExitsWith: .success) { [input] in
            alarm(20)
            let parts = input.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let target = FuzzTarget(rawValue: parts[0]),
                  let data = FileManager.default.contents(atPath: packageRoot.appendingPathComponent("Tests/Fuzz/regressions/\(input)").path) else {
                exit(3)
            }
            target.run([UInt8](data))
        }
    }
}
