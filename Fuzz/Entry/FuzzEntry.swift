#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SLACFuzzing

// The libFuzzer entry point, built only by `scripts/fuzz.sh` (see Package.swift). One binary for
// every target: `SLAC_FUZZ_TARGET` names it.

/// The target named by `SLAC_FUZZ_TARGET`; the process exits with a message when it names none.
let selectedTarget: FuzzTarget = {
    let name = getenv("SLAC_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
        let message = "slac-fuzz: set SLAC_FUZZ_TARGET to one of: \(known)\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
    return target
}()

/// Called by libFuzzer once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selectedTarget.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
