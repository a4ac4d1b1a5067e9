import Foundation

/// Any JSON value, for the parts of the wire format that are open by design: `remote_data`
/// (raw upstream payloads), `custom_fields`, passthrough bodies.
public enum JSONValue: Codable, Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        // Decoding through `decodeTree`: the value is the tree's own.
        if let tree = decoder as? TreeDecoder {
            self = tree.value
            return
        }
        // Decoding through `decodeParsed`: the tree is already there, found by coding path.
        if let parsed = decoder.userInfo[Self.parsedKey] as? ParsedTree, let tree = parsed.tree.at(decoder.codingPath) {
            self = tree
            return
        }
        let container = try decoder.singleValueContainer()
        // Most common first: every failed attempt costs a thrown error, and upstream payloads
        // are mostly strings inside objects. Bool stays before Double so `true` never reads as 1.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Whole numbers go out as integers so ids and counts read naturally.
            if value.rounded() == value, abs(value) < 1e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    static let parsedKey = CodingUserInfoKey(rawValue: "junction.json.parsed")!

    final class ParsedTree: Sendable {
        let tree: JSONValue
        init(_ tree: JSONValue) { self.tree = tree }
    }

    /// Decodes `type` from `data` with a decoder made by `makeDecoder`, taking every `JSONValue`
    /// inside it (such as `remote_data`) from one direct parse of the same text instead of
    /// decoding it through `Decoder`: each of its misses throws (see `parse`).
    public static func decodeParsed<T: Decodable>(
        _ type: T.Type, from data: Data, makeDecoder: () -> JSONDecoder = { JSONDecoder() }
    ) throws -> T {
        let decoder = makeDecoder()
        // Text that does not parse gets JSONDecoder's own error, which names what is wrong.
        if let tree = try? parse([UInt8](data)) { decoder.userInfo[parsedKey] = ParsedTree(tree) }
        return try decoder.decode(T.self, from: data)
    }

    /// The value at a decoder's coding path: array items by index, object members by name.
    public func at(_ path: [any CodingKey]) -> JSONValue? {
        var current = self
        for key in path {
            switch current {
            case .array(let items):
                guard let index = key.intValue, items.indices.contains(index) else { return nil }
                current = items[index]
            case .object(let members):
                guard let member = members[key.stringValue] else { return nil }
                current = member
            default:
                return nil
            }
        }
        return current
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var offset: Int
        public var description: String { "invalid JSON at byte \(offset)" }
    }

    /// Parses JSON text into a tree directly. Decoding a `JSONValue` through `Decoder` tries each
    /// type in turn, and every miss throws a `DecodingError` with its coding path: the sync's
    /// profile put a fifth of its CPU there for Personio's pages.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer)
            parser.skipSpace()
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.offset == buffer.count else { throw ParseError(offset: parser.offset) }
            return value
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0
        /// The members and items of the objects and lists being read, innermost last: one stack
        /// for the whole text instead of an array grown for each object and list (an array's
        /// growth was a tenth of a FULL's allocations).
        var members: [(String, JSONValue)] = []
        var items: [JSONValue] = []

        mutating func skipSpace() {
            offset = JSONObjectMembers.skipSpace(bytes, offset)
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard offset < bytes.count, depth < 512 else { throw ParseError(offset: offset) }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                skipSpace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                    offset += 1
                    return .object([:])
                }
                // Members are gathered first and the dictionary made once at its size: growing
                // it member by member rehashed it at every doubling (1.5% of a FULL sync).
                let base = members.count
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
                        throw ParseError(offset: offset)
                    }
                    offset += 1
                    skipSpace()
                    let member = try value(depth: depth + 1)
                    members.append((key, member))
                    if try closes(with: UInt8(ascii: "}")) {
                        // A repeated key keeps its last value.
                        let object = Dictionary(members[base...], uniquingKeysWith: { _, last in last })
                        members.removeSubrange(base...)
                        return .object(object)
                    }
                }
            case UInt8(ascii: "["):
                offset += 1
                skipSpace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                    offset += 1
                    return .array([])
                }
                let base = items.count
                while true {
                    skipSpace()
                    let item = try value(depth: depth + 1)
                    items.append(item)
                    if try closes(with: UInt8(ascii: "]")) {
                        let array = Array(items[base...])
                        items.removeSubrange(base...)
                        return .array(array)
                    }
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default:
                return .number(try number())
            }
        }

        /// After a member or item: true at the closing bracket, false at a comma (both consumed).
        mutating func closes(with closing: UInt8) throws -> Bool {
            skipSpace()
            guard offset < bytes.count else { throw ParseError(offset: offset) }
            let next = bytes[offset]
            offset += 1
            if next == closing { return true }
            guard next == UInt8(ascii: ",") else { throw ParseError(offset: offset - 1) }
            return false
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard offset + count <= bytes.count else { throw ParseError(offset: offset) }
            for index in 0..<count where bytes[offset + index] != word.utf8Start[index] {
                throw ParseError(offset: offset + index)
            }
            offset += count
        }

        mutating func number() throws -> Double {
            let start = offset
            while offset < bytes.count, JSONObjectMembers.isNumberByte(bytes[offset]) { offset += 1 }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
            // Swift's parser accepts more than JSON's grammar ("+1", hex); those are refused.
            guard let first = text.utf8.first, first != UInt8(ascii: "+"), let number = Double(text), number.isFinite
            else { throw ParseError(offset: start) }
            return number
        }

        mutating func string() throws -> String {
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw ParseError(offset: offset) }
            offset += 1
            let start = offset
            // The common case: no escapes, one copy.
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
                    offset += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                guard byte >= 0x20 else { throw ParseError(offset: offset) }
                offset += 1
            }
            var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<offset]))
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: scalars, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard offset < bytes.count else { throw ParseError(offset: offset) }
                    let escape = bytes[offset]
                    offset += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code) {
                            // A high surrogate: its low half must follow as another \u escape.
                            guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                                bytes[offset + 1] == UInt8(ascii: "u")
                            else { throw ParseError(offset: offset) }
                            offset += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw ParseError(offset: offset) }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw ParseError(offset: offset) }
                        scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default:
                        throw ParseError(offset: offset - 1)
                    }
                default:
                    guard byte >= 0x20 else { throw ParseError(offset: offset - 1) }
                    scalars.append(byte)
                }
            }
            throw ParseError(offset: offset)
        }

        mutating func hex4() throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw ParseError(offset: offset) }
            var code: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[offset]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw ParseError(offset: offset)
                }
                code = code * 16 + digit
                offset += 1
            }
            return code
        }
    }
}

extension JSONValue {
    /// The bytes `UnifiedJSON.makeEncoder()` writes for this value (sorted keys, slashes
    /// unescaped), written directly: encoding trees through `Encoder` was a tenth of the sync's
    /// CPU. Non-whole numbers still go through the encoder, one by one, so their digits match.
    public func encodedBytes() throws -> [UInt8] {
        var bytes: [UInt8] = []
        try write(into: &bytes)
        return bytes
    }

    private static let numberEncoder = UnifiedJSON.makeEncoder()

    func write(into bytes: inout [UInt8]) throws {
        switch self {
        case .null: bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let value): bytes.append(contentsOf: value ? DocumentNode.trueBytes : DocumentNode.falseBytes)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 {
                Self.writeInteger(Int64(value), into: &bytes)
            } else {
                bytes.append(contentsOf: try Self.numberEncoder.encode(value))
            }
        case .string(let value): Self.writeString(value, into: &bytes)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try item.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            // Sorted as pairs: sorting the keys and looking each up again hashed every key twice.
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                try member.value.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// An integer's decimal digits, written without a `String` in between.
    static func writeInteger(_ value: Int64, into bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64's 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// Escapes as Foundation's JSON writer does: `"` `\` and the named control characters with
    /// a backslash, other control characters as `\u00xx`, everything else as is.
    static func writeString(_ value: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Most texts need no escape: copied whole. Scanned as contiguous bytes where the string
        // has them (native strings do): iterating `String.UTF8View` was 1.5% of a FULL sync.
        let plain = value.utf8.withContiguousStorageIfAvailable { text in
            for byte in text where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            bytes.append(contentsOf: text)
            return true
        }
        if plain == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        if plain == nil,
            !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
        {
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20:
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// The path (`candidate.first_name`, `attachments[0].name`) of the first string or key that
    /// holds U+0000, which no field accepts: PostgreSQL cannot store it, and Personio's forms
    /// have no use for it. Nil when there is none.
    public func pathOfNUL(_ path: String = "") -> String? {
        switch self {
        case .string(let text):
            return text.utf8.contains(0) ? (path.isEmpty ? "(body)" : path) : nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = item.pathOfNUL("\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if key.utf8.contains(0) { return child }
                if let found = members[key]?.pathOfNUL(child) { return found }
            }
            return nil
        case .null, .bool, .number:
            return nil
        }
    }
}

extension JSONValue {
    /// The kind of value, as error messages name it ("a string", "a list").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "list"
        case .object: "object"
        }
    }
}
