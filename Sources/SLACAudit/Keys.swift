import Crypto
import Foundation

/// Why a key file could not be written or read.
package enum KeyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file exists; keys are never overwritten, so an old key is not lost by accident.
    case exists(path: String)
    /// The file could not be written.
    case unwritable(path: String, reason: String)
    /// The file could not be read.
    case unreadable(path: String)
    /// The content is not a key of the expected kind; `expected` says which.
    case malformed(path: String, expected: String)

    /// One line for the CLI's error output.
    package var description: String {
        switch self {
        case .exists(let path): return "`\(path)` already exists; slac never overwrites a key (remove it or choose another prefix)"
        case .unwritable(let path, let reason): return "cannot write `\(path)`: \(reason)"
        case .unreadable(let path): return "cannot read the key `\(path)`"
        case .malformed(let path, let expected): return "`\(path)` is not \(expected)"
        }
    }
}

/// The public half of a report-signing key. Reports embed it as base64 of the raw 32 bytes;
/// key files hold it as a standard PEM `PUBLIC KEY` (SubjectPublicKeyInfo, RFC 8410), so that
/// auditors can also check signatures with OpenSSL.
package struct ReportPublicKey: Sendable, Hashable {
    /// The raw 32-byte Ed25519 public key.
    package let rawRepresentation: Data

    /// A key from its raw 32 bytes; nil when the length is wrong.
    package init?(rawRepresentation: Data) {
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation)) != nil else { return nil }
        self.rawRepresentation = rawRepresentation
    }

    /// Wraps a key swift-crypto already holds (its raw form always has 32 bytes).
    init(_ key: Curve25519.Signing.PublicKey) { rawRepresentation = key.rawRepresentation }

    /// A key from base64 of its raw bytes (the form reports embed).
    package init?(base64: String) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        self.init(rawRepresentation: data)
    }

    /// Base64 of the raw bytes, as the report's `public-key` attribute holds it.
    package var base64: String { rawRepresentation.base64EncodedString() }

    /// The PEM file content (`-----BEGIN PUBLIC KEY-----`).
    package var pem: String { PEM.encode(label: "PUBLIC KEY", der: PEM.publicKeyPrefix + rawRepresentation) }

    /// Whether `signature` is a valid Ed25519 signature of `message` by this key.
    package func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// Reads `--public-key KEY`: a PEM public-key file, a file holding the base64 of the raw key
    /// (as copied from a report), or, when no such file exists, the base64 text itself.
    package static func load(_ argument: String) throws(KeyFileError) -> ReportPublicKey {
        guard FileManager.default.fileExists(atPath: argument) else {
            if let key = ReportPublicKey(base64: argument) { return key }
            throw .unreadable(path: argument)
        }
        guard let data = FileManager.default.contents(atPath: argument) else { throw .unreadable(path: argument) }
        // A readable file far larger than any key is not a key (2), not an unreadable file (3).
        guard data.count < 64 << 10 else {
            throw .malformed(path: argument, expected: "an Ed25519 public key (a PEM `PUBLIC KEY` file from `slac keygen`, or base64): it holds \(data.count) bytes, more than any key")
        }
        let text = String(decoding: data, as: UTF8.self)
        if let der = PEM.decode(text, label: "PUBLIC KEY"),
           der.count == PEM.publicKeyPrefix.count + 32, der.starts(with: PEM.publicKeyPrefix),
           let key = ReportPublicKey(rawRepresentation: der.suffix(32)) {
            return key
        }
        if let key = ReportPublicKey(base64: text) { return key }
        throw .malformed(path: argument, expected: "an Ed25519 public key (a PEM `PUBLIC KEY` file from `slac keygen`, or base64)")
    }
}

/// A report-signing key (Ed25519, swift-crypto). Key files hold it as a standard PEM
/// `PRIVATE KEY` (PKCS #8, RFC 8410), readable by OpenSSL.
package struct ReportSigningKey: Sendable {
    /// The raw 32-byte seed (swift-crypto's key type is not `Sendable`, the bytes are).
    private let seed: Data

    /// The public half, which reports embed and verifiers trust.
    package let publicKey: ReportPublicKey

    /// A fresh random key.
    package init() { self.init(Curve25519.Signing.PrivateKey()) }

    /// A key from its raw 32-byte seed; nil when the length is wrong.
    package init?(rawRepresentation: Data) {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation) else { return nil }
        self.init(key)
    }

    private init(_ key: Curve25519.Signing.PrivateKey) {
        seed = key.rawRepresentation
        publicKey = ReportPublicKey(key.publicKey)
    }

    private var key: Curve25519.Signing.PrivateKey {
        get throws { try Curve25519.Signing.PrivateKey(rawRepresentation: seed) }
    }

    /// The PEM file content (`-----BEGIN PRIVATE KEY-----`).
    package var pem: String { PEM.encode(label: "PRIVATE KEY", der: PEM.privateKeyPrefix + seed) }

    /// The Ed25519 signature of `message`.
    package func signature(for message: Data) throws -> Data {
        try key.signature(for: message)
    }

    /// Reads `--sign-key KEY`, a PEM private-key file written by `slac keygen`.
    package static func load(path: String) throws(KeyFileError) -> ReportSigningKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        guard data.count < 64 << 10 else {
            throw .malformed(path: path, expected: "an Ed25519 private key (a PEM `PRIVATE KEY` file from `slac keygen`): it holds \(data.count) bytes, more than any key")
        }
        guard let der = PEM.decode(String(decoding: data, as: UTF8.self), label: "PRIVATE KEY"),
              der.count == PEM.privateKeyPrefix.count + 32, der.starts(with: PEM.privateKeyPrefix),
              let key = ReportSigningKey(rawRepresentation: der.suffix(32)) else {
            throw .malformed(path: path, expected: "an Ed25519 private key (a PEM `PRIVATE KEY` file from `slac keygen`)")
        }
        return key
    }
}

/// `slac keygen --out PREFIX`: a new key pair in `PREFIX.key` (private, mode 0600) and
/// `PREFIX.pub`. Existing files are never overwritten.
package enum KeyGeneration {
    /// Writes both files and returns their paths and the public key.
    package static func generate(prefix: String) throws(KeyFileError) -> (privatePath: String, publicPath: String, publicKey: ReportPublicKey) {
        let key = ReportSigningKey()
        let privatePath = prefix + ".key"
        let publicPath = prefix + ".pub"
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path) { throw .exists(path: path) }
        try writeNew(path: privatePath, contents: key.pem, mode: 0o600)
        do {
            try writeNew(path: publicPath, contents: key.publicKey.pem, mode: 0o644)
        } catch {
            unlink(privatePath)
            throw error
        }
        return (privatePath, publicPath, key.publicKey)
    }

    /// Creates `path` exclusively with `mode` (never widened by an existing file) and writes it.
    private static func writeNew(path: String, contents: String, mode: mode_t) throws(KeyFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else {
            if errno == EEXIST { throw .exists(path: path) }
            throw .unwritable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        // umask may have narrowed the mode; make it exact.
        fchmod(fd, mode)
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            unlink(path)
            throw .unwritable(path: path, reason: "short write")
        }
    }
}

/// Minimal PEM armour for the two fixed-length Ed25519 structures of RFC 8410.
enum PEM {
    /// DER of PKCS #8 `PrivateKeyInfo` for Ed25519, up to the 32-byte seed.
    static let privateKeyPrefix = Data([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])
    /// DER of `SubjectPublicKeyInfo` for Ed25519, up to the 32-byte key.
    static let publicKeyPrefix = Data([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])

    static func encode(label: String, der: Data) -> String {
        "-----BEGIN \(label)-----\n" + der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed]) + "\n-----END \(label)-----\n"
    }

    static func decode(_ text: String, label: String) -> Data? {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else { return nil }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(body))
    }
}
