import Crypto
import Foundation

/// Encrypts secrets at rest with AES-256-GCM (architecture rule 5).
///
/// The key comes from `JUNCTION_SECRET_KEY` (32 bytes as base64 or hex) or from a key file that
/// is created with mode 0600 on first start. Losing the key makes stored credentials unreadable,
/// which is the point: a copied database file alone reveals no Personio credentials.
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    public init(key: SymmetricKey) {
        precondition(key.bitCount == 256, "SecretBox needs a 256-bit key")
        self.key = key
    }

    /// Parses a 32-byte key written as base64 (44 characters) or hex (64 characters).
    public init(encodedKey: String) throws(StoreError) {
        let text = encodedKey.trimmingCharacters(in: .whitespacesAndNewlines)
        if let data = Data(base64Encoded: text), data.count == 32 {
            self.init(key: SymmetricKey(data: data))
        } else if text.count == 64, let data = Data(hex: text) {
            self.init(key: SymmetricKey(data: data))
        } else {
            throw .configuration(
                "the secret key must be 32 bytes written as base64 (44 characters) or hex (64 characters); "
                    + "make one with: openssl rand -base64 32")
        }
    }

    /// Reads the key file at `path`, creating it with a fresh random key (mode 0600) when absent.
    public static func loadOrCreate(keyFile path: String) throws(StoreError) -> SecretBox {
        let url = URL(fileURLWithPath: path)
        if let contents = try? String(contentsOf: url, encoding: .utf8) {
            return try SecretBox(encodedKey: contents)
        }
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw .configuration("cannot create the folder for the secret key file \(path): \(error)")
        }
        let encoded = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        // Written to a private temporary file first (mode 0600 before any key byte lands), then
        // hard-linked into place: linking fails when the file exists, so two processes starting
        // together never overwrite each other's key; the loser reads the winner's.
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".secret-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            guard
                FileManager.default.createFile(
                    atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw StoreError.configuration("cannot create a file in \(url.deletingLastPathComponent().path)") }
            try Data((encoded + "\n").utf8).write(to: temporary)
            try FileManager.default.linkItem(at: temporary, to: url)
        } catch {
            if let contents = try? String(contentsOf: url, encoding: .utf8) {
                return try SecretBox(encodedKey: contents)
            }
            throw .configuration("cannot create the secret key file \(path): \(error)")
        }
        return try SecretBox(encodedKey: encoded)
    }

    /// `base64(nonce ‖ ciphertext ‖ tag)`. `context` (for example the integration id) is bound as
    /// authenticated data, so a sealed value copied onto another row does not open there.
    public func seal(_ plaintext: Data, context: String) throws -> String {
        try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8)).combined!.base64EncodedString()
    }

    public func open(_ sealed: String, context: String) throws(StoreError) -> Data {
        guard let combined = Data(base64Encoded: sealed) else {
            throw .undecryptable("stored secret for \(context) is not base64")
        }
        do {
            return try AES.GCM.open(
                AES.GCM.SealedBox(combined: combined), using: key, authenticating: Data(context.utf8))
        } catch {
            throw .undecryptable(
                "stored secret for \(context) does not open with the configured secret key (was JUNCTION_SECRET_KEY or the key file changed?)"
            )
        }
    }
}

extension Data {
    init?(hex: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16), hex.distance(from: index, to: next) == 2 else {
                return nil
            }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}

extension SecretBox {
    /// A key for another purpose (for example signing page cursors), derived with HKDF so that
    /// no two uses share key material and the master key never leaves this type.
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("junction:\(purpose)".utf8), outputByteCount: 32)
    }
}
