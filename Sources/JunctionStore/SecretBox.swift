import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Encrypts secrets at rest with AES-256-GCM (architecture rule 5).
///
/// The key comes from `JUNCTION_SECRET_KEY` (32 bytes as base64 or hex) or from a key file that
/// is created with mode 0600 on first start. Losing the key makes stored credentials unreadable,
/// which is the point: a copied database file alone reveals no Personio credentials.
///
/// A box holds a key ring: the first key seals, every key opens. During a rotation
/// (`junction secrets rotate`, issue 21) the ring is the new key and the old ones, so values
/// sealed under either open while the store is re-encrypted. A box loaded from a key file
/// notices when the file changes (checked at most every two seconds) and takes up its keys, so
/// running instances follow a rotation without a restart.
public struct SecretBox: Sendable {
    private let ring: KeyRing

    public init(key: SymmetricKey) {
        self.init(keys: [key])
    }

    /// `keys[0]` seals; all open.
    public init(keys: [SymmetricKey], file: String? = nil) {
        precondition(!keys.isEmpty && keys.allSatisfy { $0.bitCount == 256 }, "SecretBox needs 256-bit keys")
        ring = KeyRing(keys: keys, file: file)
    }

    /// Parses a 32-byte key written as base64 (44 characters) or hex (64 characters); `previous`
    /// are keys of a rotation that still open (`JUNCTION_SECRET_KEYS_PREVIOUS`).
    public init(encodedKey: String, previous: [String] = []) throws(StoreError) {
        var keys = [try Self.parse(encodedKey)]
        for text in previous { keys.append(try Self.parse(text)) }
        self.init(keys: keys)
    }

    static func parse(_ encodedKey: String) throws(StoreError) -> SymmetricKey {
        let text = encodedKey.trimmingCharacters(in: .whitespacesAndNewlines)
        if let data = Data(base64Encoded: text), data.count == 32 {
            return SymmetricKey(data: data)
        } else if text.count == 64, let data = Data(hex: text) {
            return SymmetricKey(data: data)
        }
        throw .configuration(
            "the secret key must be 32 bytes written as base64 (44 characters) or hex (64 characters); "
                + "make one with: openssl rand -base64 32")
    }

    /// The encoded keys of a key file's text: one per line, the sealing key first.
    static func lines(_ contents: String) -> [String] {
        contents.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// The encoded keys of the key file at `path`, the sealing key first; nil when it cannot be read.
    public static func encodedKeys(inFile path: String) -> [String]? {
        (try? String(contentsOfFile: path, encoding: .utf8)).map(lines)
    }

    /// The keys of a key file's text.
    static func parseFile(_ contents: String) throws(StoreError) -> [SymmetricKey] {
        var keys: [SymmetricKey] = []
        for line in lines(contents) { keys.append(try parse(line)) }
        guard !keys.isEmpty else { throw .configuration("the secret key file holds no key") }
        return keys
    }

    /// A fresh random key, base64.
    public static func generateEncodedKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Reads the key file at `path`, creating it with a fresh random key (mode 0600) when absent.
    public static func loadOrCreate(keyFile path: String) throws(StoreError) -> SecretBox {
        let url = URL(fileURLWithPath: path)
        if let contents = try? String(contentsOf: url, encoding: .utf8) {
            return SecretBox(keys: try parseFile(contents), file: path)
        }
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw .configuration("cannot create the folder for the secret key file \(path): \(error)")
        }
        let encoded = generateEncodedKey()
        // Written to a private temporary file first (mode 0600 before any key byte lands), then
        // hard-linked into place: linking fails when the file exists, so two processes starting
        // together never overwrite each other's key; the loser reads the winner's.
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".secret-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            try writePrivate(encoded + "\n", to: temporary)
            try FileManager.default.linkItem(at: temporary, to: url)
        } catch {
            if let contents = try? String(contentsOf: url, encoding: .utf8) {
                return SecretBox(keys: try parseFile(contents), file: path)
            }
            throw .configuration("cannot create the secret key file \(path): \(error)")
        }
        return SecretBox(keys: [try parse(encoded)], file: path)
    }

    /// Replaces the key file at `path` with `keys` (encoded, the sealing key first) in one
    /// rename, mode 0600 before any key byte lands, so a reader sees the old file or the new.
    public static func writeKeyFile(_ keys: [String], to path: String) throws(StoreError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".secret-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            try writePrivate(keys.joined(separator: "\n") + "\n", to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw StoreError.configuration(String(cString: strerror(errno)))
            }
        } catch {
            throw .configuration("cannot write the secret key file \(path): \(error)")
        }
    }

    private static func writePrivate(_ text: String, to url: URL) throws {
        guard
            FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw StoreError.configuration("cannot create a file in \(url.deletingLastPathComponent().path)") }
        try Data(text.utf8).write(to: url)
    }

    /// How many keys open (the first seals).
    public var keyCount: Int { ring.keys.count }

    /// `base64(nonce ‖ ciphertext ‖ tag)`. `context` (for example the integration id) is bound as
    /// authenticated data, so a sealed value copied onto another row does not open there.
    public func seal(_ plaintext: Data, context: String) throws -> String {
        try AES.GCM.seal(plaintext, using: ring.keys[0], authenticating: Data(context.utf8)).combined!
            .base64EncodedString()
    }

    public func open(_ sealed: String, context: String) throws(StoreError) -> Data {
        try openReporting(sealed, context: context).plaintext
    }

    /// The plaintext, and whether the sealing key (not an older one) opened it.
    public func openReporting(_ sealed: String, context: String) throws(StoreError) -> (
        plaintext: Data, current: Bool
    ) {
        guard let combined = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: combined) else {
            throw .undecryptable("stored secret for \(context) is not base64")
        }
        for attempt in 0..<2 {
            let keys = ring.keys
            for (index, key) in keys.enumerated() {
                if let plaintext = try? AES.GCM.open(box, using: key, authenticating: Data(context.utf8)) {
                    return (plaintext, index == 0)
                }
            }
            // A rotation may have added the key since the last look at the file.
            guard attempt == 0, ring.reload(force: true) else { break }
        }
        throw .undecryptable(
            "stored secret for \(context) does not open with the configured secret key (was JUNCTION_SECRET_KEY or the key file changed?)"
        )
    }
}

/// The keys of a box, re-read from their file when it changes.
private final class KeyRing: @unchecked Sendable {
    private let lock = NSLock()
    private var current: [SymmetricKey]
    private let file: String?
    private var fileStamp: String?
    private var lastCheck = Date.distantPast
    /// The sealing key this process started with: what derived keys come from.
    let startKey: SymmetricKey

    init(keys: [SymmetricKey], file: String?) {
        current = keys
        startKey = keys[0]
        self.file = file
        fileStamp = file.flatMap(Self.stamp)
    }

    var keys: [SymmetricKey] {
        _ = reload(force: false)
        return lock.withLock { current }
    }

    /// Re-reads the file when its size or time changed; at most every two seconds unless
    /// `force`d. True when the keys changed.
    func reload(force: Bool) -> Bool {
        guard let file else { return false }
        let now = Date()
        let due: Bool = lock.withLock {
            guard force || now.timeIntervalSince(lastCheck) >= 2 else { return false }
            lastCheck = now
            return true
        }
        guard due, let stamp = Self.stamp(file), stamp != lock.withLock({ fileStamp }),
            let contents = try? String(contentsOfFile: file, encoding: .utf8),
            let keys = try? SecretBox.parseFile(contents)
        else { return false }
        lock.withLock {
            current = keys
            fileStamp = stamp
        }
        return true
    }

    private static func stamp(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? 0
        return "\(inode):\(attributes[.size] ?? 0):\(modified)"
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
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: ring.startKey, info: Data("junction:\(purpose)".utf8), outputByteCount: 32)
    }
}
