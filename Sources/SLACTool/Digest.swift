import Crypto
import SLACEvaluator

/// Hex SHA-256, used for contract sources and trace files in reports and plans.
package enum Digest {
    package static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
    package static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { sha256Hex($0) }
    }
}

/// SHA-256 fed block by block by the evaluator.
final class SHA256Digester: TraceDigester, @unchecked Sendable {
    private var hasher = SHA256()
    func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
    func finalize() -> String { Digest.hex(hasher.finalize()) }
}
