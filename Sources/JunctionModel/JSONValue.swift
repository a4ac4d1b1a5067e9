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
    /// A value kept as the text `write(into:)` writes for it, not as a tree: a Personio item
    /// read from a page (`Captured`), which the sync only stores. Equal to the tree it holds;
    /// `tree` reads it when a member is needed.
    case canonical(CanonicalJSON)

    /// The value as a tree: a `canonical` value read, any other as it is.
    public var tree: JSONValue {
        guard case .canonical(let text) = self else { return self }
        return text.tree
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let left), .bool(let right)): left == right
        case (.number(let left), .number(let right)): left == right
        case (.string(let left), .string(let right)): left == right
        case (.array(let left), .array(let right)): left == right
        case (.object(let left), .object(let right)): left == right
        case (.canonical(let left), .canonical(let right)) where left.bytes == right.bytes: true
        case (.canonical, _), (_, .canonical): lhs.tree == rhs.tree
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value):
            hasher.combine(1)
            hasher.combine(value)
        case .number(let value):
            hasher.combine(2)
            hasher.combine(value)
        case .string(let value):
            hasher.combine(3)
            hasher.combine(value)
        case .array(let items):
            hasher.combine(4)
            hasher.combine(items)
        case .object(let members):
            hasher.combine(5)
            hasher.combine(members)
        case .canonical(let text): text.tree.hash(into: &hasher)
        }
    }

    public init(from decoder: any Decoder) throws {
        // Decoding through `decodeText`: the value is read from its text directly.
        if let text = decoder as? TextDecoder {
            self = try text.text.tree(text.start, end: text.end)
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
        case .canonical(let text): try container.encode(text.tree)
        }
    }
}

/// JSON text as `JSONValue.write(into:)` writes it (sorted keys, no spaces), made only by
/// `JSONValue.canonicalBytes`, so its bytes are what the tree it holds would write.
public struct CanonicalJSON: Sendable, Hashable {
    public let bytes: [UInt8]

    init(checked bytes: [UInt8]) { self.bytes = bytes }

    /// The tree of the text (canonical text always parses).
    public var tree: JSONValue { (try? JSONValue.parse(bytes)) ?? .null }
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
        for (index, key) in path.enumerated() {
            switch current {
            case .array(let items):
                guard let index = key.intValue, items.indices.contains(index) else { return nil }
                current = items[index]
            case .object(let members):
                guard let member = members[key.stringValue] else { return nil }
                current = member
            case .canonical(let text):
                return text.tree.at(Array(path[index...]))
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

    /// The bytes `parse(bytes).encodedBytes()` returns (sorted keys, a repeated key's last
    /// value, numbers and escapes as `write(into:)` writes them), written without the tree: the
    /// scanning is `parse`'s own, so both accept and refuse the same texts, at the same offsets.
    ///
    /// Building a tree of Personio's items only to write it back out as `remote_data` was about a
    /// tenth of a FULL sync's CPU (issue 22); the bytes stored stay the same, so do the hashes.
    public static func canonicalBytes(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        var parser = Parser(bytes: bytes)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        parser.skipSpace()
        try parser.canonical(depth: 0, into: &out)
        parser.skipSpace()
        guard parser.offset == bytes.count else { throw ParseError(offset: parser.offset) }
        return out
    }

    /// `canonicalBytes(_:)` of an array's bytes.
    public static func canonicalBytes(_ bytes: [UInt8]) throws -> [UInt8] {
        try bytes.withUnsafeBufferPointer { try canonicalBytes($0) }
    }

    /// The string whose opening quote is at `offset` in `bytes`, escapes resolved.
    static func readString(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws -> String {
        var parser = Parser(bytes: bytes, offset: offset)
        return try parser.string()
    }

    /// The number starting at `offset` in `bytes`, read as `parse` reads one.
    static func readNumber(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws -> Double {
        var parser = Parser(bytes: bytes, offset: offset)
        return try parser.number()
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0
        /// The members and items of the objects and lists being read, innermost last: one stack
        /// for the whole text instead of an array grown for each object and list (an array's
        /// growth was a tenth of a FULL's allocations).
        var members: [(String, JSONValue)] = []
        var items: [JSONValue] = []
        /// For `canonical`: the keys of the objects being written, innermost last, each with
        /// where its value's bytes lie in the output (written in the text's order, then sorted).
        var written: [(key: WrittenKey, value: Range<Int>)] = []
        /// Kept between objects for `reorder`: an object's members as written, and their order.
        var moved: [UInt8] = []
        var order: [Int] = []

        /// A key of an object being written: where its text lies in `bytes` when it is plain
        /// ASCII (compared as bytes, which order ASCII as `String` does), else the key read.
        /// Reading every key into a `String` to compare it (with fresh buffers for each object
        /// to reorder) was about a fifth of the canonical pass.
        enum WrittenKey {
            case ascii(Range<Int>)
            case text(String)
        }

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

        /// Writes the value at `offset` as `value(depth:)` would read it and `write(into:)` write
        /// it. An object's values are written in the text's order, then moved into key order.
        mutating func canonical(depth: Int, into out: inout [UInt8]) throws {
            guard offset < bytes.count, depth < 512 else { throw ParseError(offset: offset) }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                skipSpace()
                out.append(UInt8(ascii: "{"))
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                    offset += 1
                    out.append(UInt8(ascii: "}"))
                    return
                }
                // Members are written as they come; an object whose keys do not come in order
                // (or repeat) is rewritten from where its values lie.
                let start = out.count
                let base = written.count
                var inOrder = true
                while true {
                    skipSpace()
                    let keyStart = offset
                    let plain = plainString()
                    let key: WrittenKey
                    if let plain, plain.ascii {
                        key = .ascii((keyStart + 1)..<plain.end)
                        offset = plain.end + 1
                    } else {
                        key = .text(try string())
                    }
                    skipSpace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
                        throw ParseError(offset: offset)
                    }
                    offset += 1
                    skipSpace()
                    if written.count > base {
                        out.append(UInt8(ascii: ","))
                        if inOrder, !Self.precedes(written[written.count - 1].key, key, in: bytes) { inOrder = false }
                    }
                    if let plain {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[keyStart...plain.end]))
                    } else {
                        JSONValue.writeString(Self.text(of: key, in: bytes), into: &out)
                    }
                    out.append(UInt8(ascii: ":"))
                    let valueStart = out.count
                    try canonical(depth: depth + 1, into: &out)
                    written.append((key, valueStart..<out.count))
                    if try closes(with: UInt8(ascii: "}")) { break }
                }
                if !inOrder { reorder(from: base, writtenFrom: start, in: &out) }
                written.removeSubrange(base...)
                out.append(UInt8(ascii: "}"))
            case UInt8(ascii: "["):
                offset += 1
                skipSpace()
                out.append(UInt8(ascii: "["))
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                    offset += 1
                    out.append(UInt8(ascii: "]"))
                    return
                }
                while true {
                    skipSpace()
                    try canonical(depth: depth + 1, into: &out)
                    if try closes(with: UInt8(ascii: "]")) { break }
                    out.append(UInt8(ascii: ","))
                }
                out.append(UInt8(ascii: "]"))
            case UInt8(ascii: "\""):
                if let plain = plainString() {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[offset...plain.end]))
                    offset = plain.end + 1
                } else {
                    JSONValue.writeString(try string(), into: &out)
                }
            case UInt8(ascii: "t"):
                try literal("true")
                out.append(contentsOf: DocumentNode.trueBytes)
            case UInt8(ascii: "f"):
                try literal("false")
                out.append(contentsOf: DocumentNode.falseBytes)
            case UInt8(ascii: "n"):
                try literal("null")
                out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            default:
                try JSONValue.writeNumber(try number(), into: &out)
            }
        }

        /// Where the string opening at `offset` closes, and whether it is ASCII, when
        /// `write(into:)` would write it as it stands: no escapes, no control characters, valid
        /// UTF-8. Nil for any other (it is then read into a `String`, escapes resolved and UTF-8
        /// repaired, and written again).
        func plainString() -> (end: Int, ascii: Bool)? {
            var end = offset + 1
            var ascii = true
            while end < bytes.count {
                let byte = bytes[end]
                if byte == UInt8(ascii: "\"") {
                    guard ascii || Self.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[(offset + 1)..<end])) else {
                        return nil
                    }
                    return (end, ascii)
                }
                if byte < 0x20 || byte == UInt8(ascii: "\\") { return nil }
                if byte >= 0x80 { ascii = false }
                end += 1
            }
            return nil
        }

        /// Whether `text` is well-formed UTF-8 (Unicode's table 3-7: no overlong forms, no
        /// surrogates, nothing past U+10FFFF), which `String(decoding:as:)` keeps byte for byte.
        static func isValidUTF8(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
            var index = 0
            while index < text.count {
                let lead = text[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                let following: Int
                var low: UInt8 = 0x80
                var high: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: following = 1
                case 0xE0:
                    following = 2
                    low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: following = 2
                case 0xED:
                    following = 2
                    high = 0x9F
                case 0xF0:
                    following = 3
                    low = 0x90
                case 0xF1...0xF3: following = 3
                case 0xF4:
                    following = 3
                    high = 0x8F
                default: return false
                }
                guard index + following < text.count, (low...high).contains(text[index + 1]) else { return false }
                for next in stride(from: index + 2, through: index + following, by: 1) where text[next] & 0xC0 != 0x80 {
                    return false
                }
                index += following + 1
            }
            return true
        }

        /// Rewrites the members of the object written from `start` (their keys and values in
        /// the text's order, the values where `written[base...]` says) in key order, as
        /// `write(into:)` sorts a dictionary's members. Of keys equal as `String`s, the
        /// dictionary `parse` builds keeps the first key and the last value; so does this.
        mutating func reorder(from base: Int, writtenFrom start: Int, in out: inout [UInt8]) {
            // The buffers are taken out of `self` while used: sorting reads `written` in `self`.
            var order = self.order
            var moved = self.moved
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: base..<written.count)
            let (written, bytes) = (self.written, self.bytes)
            order.sort { left, right in
                let (first, second) = (written[left].key, written[right].key)
                if Self.precedes(first, second, in: bytes) { return true }
                return !Self.precedes(second, first, in: bytes) && left < right
            }
            moved.removeAll(keepingCapacity: true)
            moved.append(contentsOf: out[start...])
            out.removeSubrange(start...)
            var position = 0
            while position < order.count {
                var last = position
                while last + 1 < order.count,
                    !Self.precedes(written[order[position]].key, written[order[last + 1]].key, in: bytes)
                {
                    last += 1
                }
                if position > 0 { out.append(UInt8(ascii: ",")) }
                switch written[order[position]].key {
                case .ascii(let key):
                    out.append(UInt8(ascii: "\""))
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[key]))
                    out.append(UInt8(ascii: "\""))
                case .text(let key):
                    JSONValue.writeString(key, into: &out)
                }
                out.append(UInt8(ascii: ":"))
                let value = written[order[last]].value
                out.append(contentsOf: moved[(value.lowerBound - start)..<(value.upperBound - start)])
                position = last + 1
            }
            self.order = order
            self.moved = moved
        }

        /// Whether `first` sorts before `second` as `String`s do. Static, with the text passed:
        /// a method call copied the parser, a retain of each of its buffers per comparison.
        static func precedes(_ first: WrittenKey, _ second: WrittenKey, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            if case .ascii(let left) = first, case .ascii(let right) = second {
                let common = min(left.count, right.count)
                let base = bytes.baseAddress!
                let result = common == 0 ? 0 : memcmp(base + left.lowerBound, base + right.lowerBound, common)
                return result != 0 ? result < 0 : left.count < right.count
            }
            return text(of: first, in: bytes) < text(of: second, in: bytes)
        }

        static func text(of key: WrittenKey, in bytes: UnsafeBufferPointer<UInt8>) -> String {
            switch key {
            case .ascii(let range): String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            case .text(let text): text
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
        case .number(let value): try Self.writeNumber(value, into: &bytes)
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
        case .canonical(let text): bytes.append(contentsOf: text.bytes)
        }
    }

    /// A number as `UnifiedJSON`'s encoder writes a `JSONValue`'s: whole numbers as integers.
    static func writeNumber(_ value: Double, into bytes: inout [UInt8]) throws {
        if value.rounded() == value, abs(value) < 1e15 {
            writeInteger(Int64(value), into: &bytes)
        } else {
            bytes.append(contentsOf: try numberEncoder.encode(value))
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
        case .canonical(let text):
            return text.tree.pathOfNUL(path)
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
        case .canonical(let text): text.tree.typeName
        }
    }
}
