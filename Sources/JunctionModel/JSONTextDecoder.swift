import Foundation

extension JSONValue {
    /// Decodes `type` from `data` with `JSONDecoder`'s default rules (strings, numbers and
    /// booleans only as themselves, integers only from whole numbers that fit, `URL`s from
    /// strings), without building a tree: the text is first written in canonical form
    /// (`canonicalBytes`, one pass that also checks it), and values are read from those bytes
    /// where the decoding asks for them. A `JSONValue` inside is its tree, read then; a value read
    /// through `JSONValue.raw(of:)` (a `Captured` Personio item) keeps its canonical bytes.
    ///
    /// Personio's pages were parsed into a tree, decoded from it, their items written back out
    /// of it as `remote_data` and the tree freed: more than a tenth of a FULL sync's CPU (issue 22).
    /// The record types read from Personio use nothing beyond these rules (no dates, data or
    /// decimals decoded as such). `JSONTextDecoderTests` hold the decoder to `JSONDecoder`'s
    /// results and errors.
    public static func decodeText<T: Decodable>(
        _ type: T.Type, from data: Data, userInfo: [CodingUserInfoKey: any Sendable] = [:]
    ) throws -> T {
        let canonical: [UInt8]
        do {
            canonical = try data.withUnsafeBytes { raw in
                try canonicalBytes(
                    UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
            }
        } catch {
            // Text that does not parse gets JSONDecoder's own error, which names what is wrong.
            let decoder = JSONDecoder()
            decoder.userInfo = userInfo
            return try decoder.decode(T.self, from: data)
        }
        let text = CanonicalText(canonical)
        return try TextDecoder(text, at: 0, end: canonical.count, parent: nil, key: nil, userInfo: userInfo)
            .unbox(0, as: T.self, key: nil)
    }

    /// The value `decoder` is at, for keeping as raw JSON: its canonical text as it stands when
    /// `decoder` reads one (`decodeText`), else its tree.
    public static func raw(of decoder: any Decoder) throws -> JSONValue {
        if let text = decoder as? TextDecoder {
            let end = text.end ?? text.text.end(of: text.start)
            return .canonical(CanonicalJSON(checked: Array(text.text.bytes[text.start..<end])))
        }
        return try JSONValue(from: decoder)
    }
}

/// Canonical JSON text (`JSONValue.canonicalBytes`), valid and without spaces, read by offsets.
/// Held in memory of its own so the decoders read it without a closure or a retain per access;
/// never written after it is made, so it may be shared.
final class CanonicalText: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where each object and array starts, in order, and where it ends: found in one pass, so
    /// stepping over a nested value is a search here, not a scan of its bytes. Scanned each time,
    /// the items of a page were stepped over up to three times (a quarter of decoding it).
    private let containerStarts: [Int]
    private let containerEnds: [Int]

    init(_ text: [UInt8]) {
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.count)
        _ = storage.initialize(from: text)
        let bytes = UnsafeBufferPointer(storage)
        self.bytes = bytes
        var containerStarts: [Int] = []
        var containerEnds: [Int] = []
        var open: [Int] = []
        var offset = 0
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: "\""):
                offset = JSONObjectMembers.stringEnd(bytes, offset)
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                open.append(containerStarts.count)
                containerStarts.append(offset)
                containerEnds.append(0)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                containerEnds[open.removeLast()] = offset + 1
            default: break
            }
            offset += 1
        }
        self.containerStarts = containerStarts
        self.containerEnds = containerEnds
    }

    deinit { bytes.deallocate() }

    /// Just past the value starting at `start`.
    func end(of start: Int) -> Int {
        switch bytes[start] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var low = 0
            var high = containerStarts.count
            while low < high {
                let middle = (low + high) / 2
                if containerStarts[middle] < start { low = middle + 1 } else { high = middle }
            }
            return containerEnds[low]
        default:
            return JSONObjectMembers.valueEnd(bytes, start)
        }
    }

    func isNull(_ start: Int) -> Bool { bytes[start] == UInt8(ascii: "n") }

    /// What the value at `start` is, in the words of `JSONDecoder`'s messages.
    func kindName(_ start: Int) -> String {
        switch bytes[start] {
        case UInt8(ascii: "n"): "null"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "bool"
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "{"): "a dictionary"
        default: "number"
        }
    }

    func string(_ start: Int) -> String? {
        guard bytes[start] == UInt8(ascii: "\"") else { return nil }
        // Canonical text escapes only quotes, backslashes and control characters; without any,
        // the bytes between the quotes are the string's UTF-8, checked when it was written.
        var offset = start + 1
        while bytes[offset] != UInt8(ascii: "\"") {
            if bytes[offset] == UInt8(ascii: "\\") { return try? JSONValue.readString(bytes, at: start) }
            offset += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<offset]), as: UTF8.self)
    }

    func number(_ start: Int) -> Double? {
        switch bytes[start] {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try? JSONValue.readNumber(bytes, at: start)
        default: nil
        }
    }

    func bool(_ start: Int) -> Bool? {
        switch bytes[start] {
        case UInt8(ascii: "t"): true
        case UInt8(ascii: "f"): false
        default: nil
        }
    }

    /// The tree of the value from `start` to `end` (found when not given).
    func tree(_ start: Int, end: Int? = nil) throws -> JSONValue {
        try JSONValue.parse(Array(bytes[start..<(end ?? self.end(of: start))]))
    }

    /// The members of the object at `start`: where each key's text lies (between its quotes),
    /// whether it holds an escape, and where its value lies.
    func members(_ start: Int) -> [TextMember] {
        var members: [TextMember] = []
        var offset = start + 1
        guard bytes[offset] != UInt8(ascii: "}") else { return members }
        members.reserveCapacity(16)
        while true {
            var keyEnd = offset + 1
            var escaped = false
            while bytes[keyEnd] != UInt8(ascii: "\"") {
                if bytes[keyEnd] == UInt8(ascii: "\\") {
                    escaped = true
                    keyEnd += 1
                }
                keyEnd += 1
            }
            let valueStart = keyEnd + 2
            let valueEnd = end(of: valueStart)
            members.append(TextMember(key: (offset + 1)..<keyEnd, escaped: escaped, value: valueStart..<valueEnd))
            offset = valueEnd
            if bytes[offset] == UInt8(ascii: "}") { return members }
            offset += 1
        }
    }

    /// Where each item of the array at `start` lies.
    func items(_ start: Int) -> [Range<Int>] {
        var items: [Range<Int>] = []
        var offset = start + 1
        guard bytes[offset] != UInt8(ascii: "]") else { return items }
        while true {
            let itemEnd = end(of: offset)
            items.append(offset..<itemEnd)
            offset = itemEnd
            if bytes[offset] == UInt8(ascii: "]") { return items }
            offset += 1
        }
    }

    /// The member named `name` (compared as its text; a key written with escapes is read).
    func member(_ name: String, in members: [TextMember]) -> Range<Int>? {
        var name = name
        return name.withUTF8 { wanted in
            for member in members {
                if member.escaped {
                    if keyName(member) == String(decoding: wanted, as: UTF8.self) { return member.value }
                } else if member.key.count == wanted.count,
                    UnsafeBufferPointer(rebasing: bytes[member.key]).elementsEqual(wanted)
                {
                    return member.value
                }
            }
            return nil
        }
    }

    func keyName(_ member: TextMember) -> String {
        (try? JSONValue.readString(bytes, at: member.key.lowerBound - 1)) ?? ""
    }
}

struct TextMember {
    var key: Range<Int>
    /// Whether the key's text holds an escape (then it is read to be compared).
    var escaped: Bool
    var value: Range<Int>
}

/// The `Decoder` over one value of a canonical text. Its coding path is its parent's plus its
/// key, put together only when asked for (errors), as `DocumentSink` does for encoding.
final class TextDecoder: Decoder {
    let text: CanonicalText
    let start: Int
    /// Just past the value, where the scan that found it knew it (else found again if needed).
    let end: Int?
    let parent: TextDecoder?
    let key: (any CodingKey)?
    let userInfo: [CodingUserInfoKey: Any]

    init(
        _ text: CanonicalText, at start: Int, end: Int? = nil, parent: TextDecoder?, key: (any CodingKey)?,
        userInfo: [CodingUserInfoKey: Any]
    ) {
        self.text = text
        self.start = start
        self.end = end
        self.parent = parent
        self.key = key
        self.userInfo = userInfo
    }

    var codingPath: [any CodingKey] {
        var path = parent?.codingPath ?? []
        if let key { path.append(key) }
        return path
    }

    func path(with key: (any CodingKey)?) -> [any CodingKey] {
        var path = codingPath
        if let key { path.append(key) }
        return path
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard text.bytes[start] == UInt8(ascii: "{") else { throw mismatch([String: Any].self, start, key: nil) }
        return KeyedDecodingContainer(TextKeyedContainer<Key>(members: text.members(start), decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard text.bytes[start] == UInt8(ascii: "[") else { throw mismatch([Any].self, start, key: nil) }
        return TextUnkeyedContainer(items: text.items(start), decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { TextSingleContainer(decoder: self) }

    func child(_ value: Range<Int>, key: any CodingKey) -> TextDecoder {
        TextDecoder(text, at: value.lowerBound, end: value.upperBound, parent: self, key: key, userInfo: userInfo)
    }

    /// The value at `value`, one of this decoder's children (at `key`) or itself (no key), as a `T`.
    func unbox<T: Decodable>(_ value: Int, end: Int? = nil, as type: T.Type, key: (any CodingKey)?) throws -> T {
        if T.self == String.self {
            guard let string = text.string(value) else { throw mismatch(T.self, value, key: key) }
            return unsafeBitCast(string, to: T.self)
        }
        if T.self == JSONValue.self { return unsafeBitCast(try text.tree(value, end: end), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(Int.self, value, key: key), to: T.self) }
        if T.self == Bool.self {
            guard let flag = text.bool(value) else { throw mismatch(T.self, value, key: key) }
            return unsafeBitCast(flag, to: T.self)
        }
        if T.self == Double.self {
            guard let number = text.number(value) else { throw mismatch(T.self, value, key: key) }
            return unsafeBitCast(number, to: T.self)
        }
        if T.self == URL.self {
            guard let string = text.string(value) else { throw mismatch(T.self, value, key: key) }
            guard let url = URL(string: string) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: path(with: key), debugDescription: "Invalid URL string."))
            }
            return url as! T
        }
        if T.self == [String: JSONValue].self, text.bytes[value] == UInt8(ascii: "{"),
            case .object(let members) = try text.tree(value, end: end)
        {
            return unsafeBitCast(members, to: T.self)
        }
        // Anything else reads itself; a null where it needs a container or a value is
        // `valueNotFound`, as `JSONDecoder` has it (`mismatch`).
        guard let key else { return try T(from: self) }
        return try T(from: TextDecoder(text, at: value, end: end, parent: self, key: key, userInfo: userInfo))
    }

    /// A whole number that fits `Integer`, as `JSONDecoder` reads one.
    func integer<Integer: FixedWidthInteger>(_ type: Integer.Type, _ value: Int, key: (any CodingKey)?) throws
        -> Integer
    {
        guard let number = text.number(value) else { throw mismatch(Integer.self, value, key: key) }
        guard number.rounded() == number, let integer = Integer(exactly: number) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: path(with: key),
                    debugDescription: "Parsed JSON number <\(number)> does not fit in \(Integer.self)."))
        }
        return integer
    }

    func mismatch(_ type: Any.Type, _ value: Int, key: (any CodingKey)?) -> DecodingError {
        if text.isNull(value) {
            return .valueNotFound(
                type,
                .init(
                    codingPath: path(with: key),
                    debugDescription: "Cannot get value of type \(type) -- found null value instead"))
        }
        return .typeMismatch(
            type,
            .init(
                codingPath: path(with: key),
                debugDescription: "Expected to decode \(type) but found \(text.kindName(value)) instead."))
    }
}

struct TextKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [TextMember]
    let decoder: TextDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.compactMap { Key(stringValue: decoder.text.keyName($0)) } }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func find(_ key: Key) -> Range<Int>? { decoder.text.member(key.stringValue, in: members) }

    func member(_ key: Key) throws -> Range<Int> {
        guard let value = find(key) else {
            throw DecodingError.keyNotFound(
                key,
                .init(
                    codingPath: codingPath,
                    debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { decoder.text.isNull(try member(key).lowerBound) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let value = try member(key)
        return try decoder.unbox(value.lowerBound, end: value.upperBound, as: T.self, key: key)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = find(key), !decoder.text.isNull(value.lowerBound) else { return nil }
        return try decoder.unbox(value.lowerBound, end: value.upperBound, as: T.self, key: key)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decode(Double.self, key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try present(key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key) }

    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        let value = try member(key)
        return try decoder.unbox(value.lowerBound, end: value.upperBound, as: T.self, key: key)
    }

    private func present<T: Decodable>(_ key: Key) throws -> T? { try decodeIfPresent(T.self, forKey: key) }

    private func integer<Integer: FixedWidthInteger>(_ key: Key) throws -> Integer {
        try decoder.integer(Integer.self, try member(key).lowerBound, key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder.child(try member(key), key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.child(try member(key), key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        try decoder.superDecoder(decoder.text.member("super", in: members), key: DocumentIndexKey("super"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try decoder.superDecoder(find(key), key: key)
    }
}

extension TextDecoder {
    /// A member's decoder; a missing member reads as null, as `JSONDecoder` has it.
    func superDecoder(_ value: Range<Int>?, key: any CodingKey) throws -> any Decoder {
        if let value { return child(value, key: key) }
        return TextDecoder(Self.null, at: 0, end: 4, parent: self, key: key, userInfo: userInfo)
    }

    static let null = CanonicalText(Array("null".utf8))
}

struct TextUnkeyedContainer: UnkeyedDecodingContainer {
    let items: [Range<Int>]
    let decoder: TextDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }
    var currentIndex = 0

    private func next(_ type: Any.Type) throws -> Range<Int> {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                .init(
                    codingPath: decoder.path(with: DocumentIndexKey(index: currentIndex)),
                    debugDescription: "Unkeyed container is at end."))
        }
        return items[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        if decoder.text.isNull(try next(Never.self).lowerBound) {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let item = try next(T.self)
        let value = try decoder.unbox(
            item.lowerBound, end: item.upperBound, as: T.self, key: DocumentIndexKey(index: currentIndex))
        currentIndex += 1
        return value
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try generic(Bool.self) }
    mutating func decode(_ type: String.Type) throws -> String { try generic(String.self) }
    mutating func decode(_ type: Double.Type) throws -> Double { try generic(Double.self) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try generic(Double.self)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    private mutating func generic<T: Decodable>(_ type: T.Type) throws -> T { try decode(type) }

    private mutating func integer<Integer: FixedWidthInteger>() throws -> Integer {
        let value = try decoder.integer(
            Integer.self, try next(Integer.self).lowerBound, key: DocumentIndexKey(index: currentIndex))
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let container = try child().container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try child().unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let child = try child()
        currentIndex += 1
        return child
    }

    private func child() throws -> TextDecoder {
        decoder.child(try next(Any.self), key: DocumentIndexKey(index: currentIndex))
    }
}

struct TextSingleContainer: SingleValueDecodingContainer {
    let decoder: TextDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.text.isNull(decoder.start) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.unbox(decoder.start, as: T.self, key: nil) }
    func decode(_ type: Bool.Type) throws -> Bool { try generic(Bool.self) }
    func decode(_ type: String.Type) throws -> String { try generic(String.self) }
    func decode(_ type: Double.Type) throws -> Double { try generic(Double.self) }
    func decode(_ type: Float.Type) throws -> Float { Float(try generic(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    private func generic<T: Decodable>(_ type: T.Type) throws -> T { try decode(type) }
    private func integer<Integer: FixedWidthInteger>() throws -> Integer {
        try decoder.integer(Integer.self, decoder.start, key: nil)
    }
}
