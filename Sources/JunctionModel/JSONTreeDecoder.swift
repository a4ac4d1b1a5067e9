import Foundation

extension JSONValue {
    /// Decodes `type` from `data` by parsing the text once into a `JSONValue` and decoding from
    /// that tree, with `JSONDecoder`'s default rules: strings, numbers and booleans only as
    /// themselves, integers only from whole numbers that fit, `URL`s from strings. Every
    /// `JSONValue` inside (`remote_data`) is the parsed subtree itself.
    ///
    /// Decoding Personio's pages through `JSONDecoder`, which parses the text again into its own
    /// map, was a tenth of a FULL sync's CPU (issue 22, eighth stop). The record types read from
    /// Personio use nothing beyond these rules (no dates, data or decimals decoded as such).
    /// `JSONTreeDecoderTests` holds the decoder to `JSONDecoder`'s results and errors.
    public static func decodeTree<T: Decodable>(
        _ type: T.Type, from data: Data, userInfo: [CodingUserInfoKey: any Sendable] = [:]
    ) throws -> T {
        let tree: JSONValue
        do {
            tree = try parse([UInt8](data))
        } catch {
            // Text that does not parse gets JSONDecoder's own error, which names what is wrong.
            let decoder = JSONDecoder()
            decoder.userInfo = userInfo
            return try decoder.decode(T.self, from: data)
        }
        return try TreeDecoder(tree, parent: nil, key: nil, userInfo: userInfo).unbox(tree, as: T.self, key: nil)
    }

    /// What a value is, in the words of `JSONDecoder`'s messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }
}

/// The `Decoder` over one value of a parsed tree. Its coding path is its parent's plus its key,
/// put together only when asked for (errors), as `DocumentSink` does for encoding.
final class TreeDecoder: Decoder {
    let value: JSONValue
    let parent: TreeDecoder?
    let key: (any CodingKey)?
    let userInfo: [CodingUserInfoKey: Any]

    init(_ value: JSONValue, parent: TreeDecoder?, key: (any CodingKey)?, userInfo: [CodingUserInfoKey: Any]) {
        self.value = value
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
        guard case .object(let members) = value else {
            throw mismatch([String: Any].self, value, key: nil)
        }
        return KeyedDecodingContainer(TreeKeyedContainer<Key>(members: members, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch([Any].self, value, key: nil) }
        return TreeUnkeyedContainer(items: items, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { TreeSingleContainer(decoder: self) }

    /// `value`, one of this decoder's children (at `key`) or itself (no key), as a `T`.
    func unbox<T: Decodable>(_ value: JSONValue, as type: T.Type, key: (any CodingKey)?) throws -> T {
        if T.self == String.self {
            guard case .string(let text) = value else { throw mismatch(T.self, value, key: key) }
            return unsafeBitCast(text, to: T.self)
        }
        if T.self == JSONValue.self { return unsafeBitCast(value, to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(Int.self, value, key: key), to: T.self) }
        if T.self == Bool.self {
            guard case .bool(let flag) = value else { throw mismatch(T.self, value, key: key) }
            return unsafeBitCast(flag, to: T.self)
        }
        if T.self == Double.self {
            guard case .number(let number) = value else { throw mismatch(T.self, value, key: key) }
            return unsafeBitCast(number, to: T.self)
        }
        if T.self == URL.self {
            guard case .string(let text) = value else { throw mismatch(T.self, value, key: key) }
            guard let url = URL(string: text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: path(with: key), debugDescription: "Invalid URL string."))
            }
            return url as! T
        }
        if T.self == [String: JSONValue].self, case .object(let members) = value {
            return unsafeBitCast(members, to: T.self)
        }
        // Anything else reads itself; a null where it needs a container or a value is
        // `valueNotFound`, as `JSONDecoder` has it (`mismatch`).
        return try T(from: key == nil ? self : TreeDecoder(value, parent: self, key: key, userInfo: userInfo))
    }

    /// A whole number that fits `Integer`, as `JSONDecoder` reads one.
    func integer<Integer: FixedWidthInteger>(_ type: Integer.Type, _ value: JSONValue, key: (any CodingKey)?) throws
        -> Integer
    {
        guard case .number(let number) = value else { throw mismatch(Integer.self, value, key: key) }
        guard number.rounded() == number, let integer = Integer(exactly: number) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: path(with: key),
                    debugDescription: "Parsed JSON number <\(number)> does not fit in \(Integer.self)."))
        }
        return integer
    }

    func mismatch(_ type: Any.Type, _ value: JSONValue, key: (any CodingKey)?) -> DecodingError {
        if case .null = value {
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
                debugDescription: "Expected to decode \(type) but found \(value.kindName) instead."))
    }
}

struct TreeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key,
                .init(
                    codingPath: codingPath,
                    debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try member(key) { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.unbox(try member(key), as: T.self, key: key)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = members[key.stringValue] else { return nil }
        if case .null = value { return nil }
        return try decoder.unbox(value, as: T.self, key: key)
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
        try decoder.unbox(try member(key), as: T.self, key: key)
    }

    private func present<T: Decodable>(_ key: Key) throws -> T? { try decodeIfPresent(T.self, forKey: key) }

    private func integer<Integer: FixedWidthInteger>(_ key: Key) throws -> Integer {
        try decoder.integer(Integer.self, try member(key), key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try TreeDecoder(try member(key), parent: decoder, key: key, userInfo: decoder.userInfo)
            .container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(try member(key), parent: decoder, key: key, userInfo: decoder.userInfo).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        TreeDecoder(
            members["super"] ?? .null, parent: decoder, key: DocumentIndexKey("super"), userInfo: decoder.userInfo)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(members[key.stringValue] ?? .null, parent: decoder, key: key, userInfo: decoder.userInfo)
    }
}

struct TreeUnkeyedContainer: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }
    var currentIndex = 0

    private func next(_ type: Any.Type) throws -> JSONValue {
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
        if case .null = try next(Never.self) {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try decoder.unbox(try next(T.self), as: T.self, key: DocumentIndexKey(index: currentIndex))
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
            Integer.self, try next(Integer.self), key: DocumentIndexKey(index: currentIndex))
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

    private func child() throws -> TreeDecoder {
        TreeDecoder(
            try next(Any.self), parent: decoder, key: DocumentIndexKey(index: currentIndex), userInfo: decoder.userInfo)
    }
}

struct TreeSingleContainer: SingleValueDecodingContainer {
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        if case .null = decoder.value { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.unbox(decoder.value, as: T.self, key: nil) }
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
        try decoder.integer(Integer.self, decoder.value, key: nil)
    }
}
