import Foundation

/// The top-level members of a JSON object's text, found by one scan and kept as byte ranges:
/// the read API copies stored documents into responses without decoding them (issue 9's
/// profile put more than half of a list request's CPU into decoding and re-encoding them).
///
/// Meant for text this program wrote (the store's documents): it checks structure enough never
/// to read out of bounds and throws on anything malformed, but compares keys by their raw bytes,
/// so a key written with escapes is not found under its unescaped name.
public struct JSONObjectMembers: Sendable {
    public struct Member: Sendable {
        public var key: Range<Int>
        public var value: Range<Int>
    }

    public struct Malformed: Error, CustomStringConvertible {
        public var offset: Int
        public var description: String { "not a JSON object (at byte \(offset))" }
    }

    public let bytes: [UInt8]
    public private(set) var members: [Member] = []

    public init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        var scanner = Scanner(bytes: bytes)
        try scanner.skipSpace()
        try scanner.expect(UInt8(ascii: "{"))
        try scanner.skipSpace()
        if try scanner.peek() == UInt8(ascii: "}") { return }
        while true {
            try scanner.skipSpace()
            let keyStart = scanner.offset
            try scanner.skipString()
            let key = (keyStart + 1)..<(scanner.offset - 1)
            try scanner.skipSpace()
            try scanner.expect(UInt8(ascii: ":"))
            try scanner.skipSpace()
            let valueStart = scanner.offset
            try scanner.skipValue()
            members.append(Member(key: key, value: valueStart..<scanner.offset))
            try scanner.skipSpace()
            let next = try scanner.next()
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw Malformed(offset: scanner.offset - 1) }
        }
    }

    public init(_ text: String) throws {
        try self.init(Array(text.utf8))
    }

    /// The raw bytes of `key`'s value, or nil when the object has no such member.
    public func value(_ key: String) -> ArraySlice<UInt8>? {
        var key = key
        return key.withUTF8 { wanted in
            for member in members where member.key.count == wanted.count {
                if bytes[member.key].elementsEqual(wanted) { return bytes[member.value] }
            }
            return nil
        }
    }

    /// Decodes one member's value (nil when absent).
    public func decode<Value: Decodable>(_ type: Value.Type, _ key: String, using decoder: JSONDecoder) throws
        -> Value?
    {
        guard let raw = value(key) else { return nil }
        return try decoder.decode(Value.self, from: Data(raw))
    }

    /// Writes every member whose key is not in `excluded` into the object `writer` has open.
    public func copyMembers(into writer: inout JSONWriter, excluding excluded: Set<String>) {
        for member in members {
            let key = bytes[member.key]
            if !excluded.isEmpty, excluded.contains(String(decoding: key, as: UTF8.self)) { continue }
            writer.rawMember(key: key, value: bytes[member.value])
        }
    }

    private struct Scanner {
        static let literals: [ArraySlice<UInt8>] = ["true", "false", "null"].map { ArraySlice($0.utf8) }

        static func isNumberByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                true
            default: false
            }
        }

        let bytes: [UInt8]
        var offset = 0

        mutating func peek() throws -> UInt8 {
            guard offset < bytes.count else { throw Malformed(offset: offset) }
            return bytes[offset]
        }

        mutating func next() throws -> UInt8 {
            let byte = try peek()
            offset += 1
            return byte
        }

        mutating func expect(_ byte: UInt8) throws {
            guard try next() == byte else { throw Malformed(offset: offset - 1) }
        }

        mutating func skipSpace() throws {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x09, 0x0A, 0x0D: offset += 1
                default: return
                }
            }
        }

        /// From an opening quote to just past its closing quote.
        mutating func skipString() throws {
            try expect(UInt8(ascii: "\""))
            while true {
                let byte = try next()
                if byte == UInt8(ascii: "\"") { return }
                if byte == UInt8(ascii: "\\") { _ = try next() }
            }
        }

        mutating func skipValue() throws {
            switch try peek() {
            case UInt8(ascii: "\""):
                try skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                repeat {
                    switch try peek() {
                    case UInt8(ascii: "\""): try skipString()
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                        offset += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        offset += 1
                    default: offset += 1
                    }
                } while depth > 0
            default:
                // A number or a literal: up to the next delimiter, made of what those are made of.
                let start = offset
                while offset < bytes.count {
                    switch bytes[offset] {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                        let token = bytes[start..<offset]
                        guard !token.isEmpty, token.allSatisfy(Self.isNumberByte) || Self.literals.contains(token)
                        else { throw Malformed(offset: start) }
                        return
                    default: offset += 1
                    }
                }
                throw Malformed(offset: offset)
            }
        }
    }
}

/// Appends JSON text to a byte buffer: raw fragments (stored documents) beside values written
/// here, with commas placed by nesting level. Strings are escaped as `UnifiedJSON`'s encoder does
/// (slashes left alone), dates in `UnifiedDate`'s format.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Per open object or array: whether it holds an element yet (the next one needs a comma).
    private var hasElement: [Bool] = []
    /// True right after a key: the value that follows takes no comma.
    private var afterKey = false

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        startElement()
        bytes.append(UInt8(ascii: "{"))
        hasElement.append(false)
    }

    public mutating func endObject() {
        hasElement.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        startElement()
        bytes.append(UInt8(ascii: "["))
        hasElement.append(false)
    }

    public mutating func endArray() {
        hasElement.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// `"key":` inside an object; the value written next belongs to it.
    public mutating func key(_ key: String) {
        startElement()
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A member whose key and value are already JSON text (the key without its quotes).
    public mutating func rawMember(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>) {
        startElement()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: key)
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        bytes.append(contentsOf: value)
    }

    /// A value that is already JSON text.
    public mutating func raw(_ value: some Collection<UInt8>) {
        startElement()
        bytes.append(contentsOf: value)
    }

    public mutating func string(_ value: String?) {
        guard let value else { return null() }
        startElement()
        appendString(value)
    }

    public mutating func date(_ value: Date?) {
        string(value.map(UnifiedDate.format))
    }

    public mutating func int(_ value: Int?) {
        guard let value else { return null() }
        raw(Array(String(value).utf8))
    }

    public mutating func null() {
        raw([UInt8]("null".utf8))
    }

    /// Any `Encodable` value, through the given encoder (for the small parts that are neither
    /// copied nor written by hand).
    public mutating func encode(_ value: some Encodable, using encoder: JSONEncoder) throws {
        raw([UInt8](try encoder.encode(value)))
    }

    private mutating func startElement() {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = hasElement.indices.last else { return }
        if hasElement[last] { bytes.append(UInt8(ascii: ",")) }
        hasElement[last] = true
    }

    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)],
                    hex[Int(byte & 0x0F)],
                ])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
