import Crypto
import Foundation

/// Kombo-style identifiers: 24 base58 characters, as in `222k7eCGyUdgt2JWZDNnkDs3`.
public enum Identifier {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    public static let length = 24

    /// A fresh random id (workspaces, integrations, sync runs).
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(
            decoding: (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] },
            as: UTF8.self
        )
    }

    /// The id of a record, derived from what identifies it upstream.
    ///
    /// Deterministic, so a re-sync or a rebuilt database yields the same ids (architecture rule 4),
    /// and scoped by integration and model, so equal remote ids in two integrations or two models
    /// never collide.
    public static func record(integrationID: String, model: String, remoteID: String) -> String {
        derived(integrationID, model, remoteID)
    }

    /// The id of a link between two records (a job and one of its stages, say): derived from
    /// both ids, which already carry the integration and model.
    public static func link(_ from: String, _ to: String) -> String {
        derived("link", from, to)
    }

    /// The first `length` base 58 digits of the SHA-256 of the three parts joined by U+001F,
    /// hashed from the strings' own bytes one after another and written out from buffers on the
    /// stack: a FULL derives every record's id and its links', and the joined string, the
    /// digest's array and base 58's arrays were 7% of its allocations.
    static func derived(_ first: String, _ second: String, _ third: String) -> String {
        var hasher = SHA256()
        func add(_ part: String) {
            var part = part
            part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        }
        let separator = "\u{1F}"
        add(first)
        add(separator)
        add(second)
        add(separator)
        add(third)
        return hasher.finalize().withUnsafeBytes { digest in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: encodedCapacity(digest.count)) { encoded in
                let count = base58(digest, into: encoded)
                return String(decoding: UnsafeBufferPointer(rebasing: encoded[..<min(count, length)]), as: UTF8.self)
            }
        }
    }

    /// Whether `text` has the shape of an id this module hands out.
    public static func isWellFormed(_ text: some StringProtocol) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy { alphabet.contains($0) }
    }

    /// `bytes` as one big-endian number in base 58, a `1` per leading zero byte first.
    static func base58(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { raw in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: encodedCapacity(raw.count)) { encoded in
                String(decoding: UnsafeBufferPointer(rebasing: encoded[..<base58(raw, into: encoded)]), as: UTF8.self)
            }
        }
    }

    /// The most characters `base58(_:into:)` writes for `count` bytes.
    static func encodedCapacity(_ count: Int) -> Int { count * 138 / 100 + 6 }

    /// Writes `bytes` in base 58 (as `base58(_:)`) to the start of `encoded`, which holds at least
    /// `encodedCapacity(bytes.count)`, and returns how many characters it wrote. Divides by 58⁵
    /// over 32-bit limbs, five digits per pass (digit by digit over bytes was 2% of a FULL).
    static func base58(_ bytes: UnsafeRawBufferPointer, into encoded: UnsafeMutableBufferPointer<UInt8>) -> Int {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: bytes.count / 4 + 1) { limbs in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: encodedCapacity(bytes.count)) { digits in
                // Big-endian 32-bit limbs, the first one padded at its top.
                var limbCount = 0
                let head = bytes.count % 4
                var index = 0
                if head > 0 {
                    limbs[0] = bytes[0..<head].reduce(0) { $0 << 8 | UInt32($1) }
                    limbCount = 1
                    index = head
                }
                while index < bytes.count {
                    limbs[limbCount] =
                        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8
                        | UInt32(bytes[index + 3])
                    limbCount += 1
                    index += 4
                }
                let chunk: UInt64 = 58 * 58 * 58 * 58 * 58
                var digitCount = 0  // little-endian
                var first = limbs[..<limbCount].firstIndex { $0 != 0 } ?? limbCount
                while first < limbCount {
                    var remainder: UInt64 = 0
                    for position in first..<limbCount {
                        let value = remainder << 32 | UInt64(limbs[position])
                        limbs[position] = UInt32(value / chunk)
                        remainder = value % chunk
                    }
                    for _ in 0..<5 {
                        digits[digitCount] = UInt8(remainder % 58)
                        digitCount += 1
                        remainder /= 58
                    }
                    while first < limbCount, limbs[first] == 0 { first += 1 }
                }
                // The number's own digits carry no leading zeros (one 0 for the number 0).
                while digitCount > 1, digits[digitCount - 1] == 0 { digitCount -= 1 }
                if digitCount == 0 {
                    digits[0] = 0
                    digitCount = 1
                }
                var written = 0
                for byte in bytes {
                    guard byte == 0 else { break }
                    encoded[written] = alphabet[0]
                    written += 1
                }
                for position in stride(from: digitCount - 1, through: 0, by: -1) {
                    encoded[written] = alphabet[Int(digits[position])]
                    written += 1
                }
                return written
            }
        }
    }
}

/// A tool Junction connects to, by its slug in integration ids (`personio:…`). Open, not an
/// enum: a connector names its own tool, so adding one changes nothing here; which tools a
/// process serves is its connector registry's business.
public struct Tool: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Nil unless `rawValue` is a slug: 1–32 lowercase ASCII letters, digits and hyphens.
    public init?(rawValue: String) {
        guard (1...32).contains(rawValue.utf8.count),
            rawValue.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 45 })
        else { return nil }
        self.rawValue = rawValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let tool = Tool(rawValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a tool slug")
        }
        self = tool
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static let personio = Tool(rawValue: "personio")!
}

/// `personio:CBNMt7dSNCzBdnRTx87dev4E`: a tool slug and a 24-character id.
public struct IntegrationID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let tool: Tool
    public let suffix: String

    public init(tool: Tool, suffix: String = Identifier.random()) {
        self.tool = tool
        self.suffix = suffix
    }

    /// Parses `tool:suffix`; nil for an unknown tool or a malformed suffix.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let tool = Tool(rawValue: String(parts[0])),
            Identifier.isWellFormed(parts[1])
        else { return nil }
        self.tool = tool
        self.suffix = String(parts[1])
    }

    public var description: String { "\(tool.rawValue):\(suffix)" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = IntegrationID(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an integration id like personio:<24 characters>")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
