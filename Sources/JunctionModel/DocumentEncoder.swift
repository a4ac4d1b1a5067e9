import Foundation

/// Encodes a value into exactly the bytes `UnifiedJSON.makeEncoder()` writes (sorted keys,
/// slashes unescaped, dates as `UnifiedDate`), at a fraction of the cost.
///
/// Foundation's `JSONEncoder` casts every value it is handed against the types it treats
/// specially and builds a tree of boxed values before writing; encoding the unified records was
/// a fifth of a FULL sync's CPU and a quarter of a quiet DELTA's (issue 22's profiles). This
/// encoder keeps a light tree (members are sorted when written), compares metadata instead of
/// casting, writes `JSONValue`s (Personio's payloads) with their own writer, and hands the rare
/// types Foundation formats itself (URLs, `Data`, `Decimal`, non-integral numbers) to Foundation,
/// so their bytes are Foundation's by construction. `DocumentEncoderTests` compares both
/// encoders' bytes for every record of a sandbox account.
public enum DocumentEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        if let direct = value as? any DirectlyWritten {
            var writer = DocumentWriter(capacity: 2048)
            try direct.write(into: &writer)
            return writer.bytes
        }
        let node = try DocumentSink.box(value, parent: nil, key: nil)
        if case .unset = node {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2048)
        node.write(into: &bytes)
        return bytes
    }

    /// Foundation's encoder with the unified conventions, for the values it formats itself.
    static let foundation = UnifiedJSON.makeEncoder()
}

/// One encoded value, written out once the whole value is known.
enum DocumentNode {
    case unset
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case string(String)
    /// Bytes already in their final form (a `JSONValue`, or what Foundation wrote).
    case raw([UInt8])
    case object(DocumentObject)
    case array(DocumentArray)
    /// What a `superEncoder` receives, known only when the container is written.
    case deferred(DocumentSink)

    func write(into bytes: inout [UInt8]) {
        switch self {
        case .unset: bytes.append(contentsOf: [0x7B, 0x7D])  // a nested value that encoded nothing: {}
        case .null: bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let value): bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        case .int(let value): JSONValue.writeInteger(value, into: &bytes)
        case .uint(let value): bytes.append(contentsOf: String(value).utf8)
        case .string(let value): JSONValue.writeString(value, into: &bytes)
        case .raw(let value): bytes.append(contentsOf: value)
        case .object(let object): object.write(into: &bytes)
        case .array(let array):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in array.items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                item.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .deferred(let sink): sink.result.write(into: &bytes)
        }
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
}

/// An object's members in the order they were encoded; sorted by key (UTF-8 bytes, as
/// Foundation's `.sortedKeys`) when written, a repeated key keeping its last value.
final class DocumentObject {
    var keys: [String] = []
    var values: [DocumentNode] = []

    func set(_ key: String, _ value: DocumentNode) {
        keys.append(key)
        values.append(value)
    }

    func write(into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        let order = keys.indices.sorted { left, right in
            let comparison = Self.compare(keys[left], keys[right])
            return comparison != 0 ? comparison < 0 : left < right
        }
        var first = true
        for (position, index) in order.enumerated() {
            // Of equal keys the last encoded wins, as in Foundation's dictionary of members.
            if position + 1 < order.count, keys[order[position + 1]] == keys[index] { continue }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            JSONValue.writeString(keys[index], into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            values[index].write(into: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Byte-wise comparison of two keys' UTF-8.
    static func compare(_ left: String, _ right: String) -> Int {
        var left = left
        var right = right
        return left.withUTF8 { a in
            right.withUTF8 { b in
                let common = min(a.count, b.count)
                if common > 0 {
                    let result = memcmp(a.baseAddress!, b.baseAddress!, common)
                    if result != 0 { return Int(result) }
                }
                return a.count - b.count
            }
        }
    }
}

final class DocumentArray {
    var items: [DocumentNode] = []
}

/// The `Encoder` one value encodes itself into. Its coding path is its parent's plus its key,
/// put together only when asked for (errors): building it for every value was an allocation each.
final class DocumentSink: Encoder {
    let parent: DocumentSink?
    let key: (any CodingKey)?
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var result: DocumentNode = .unset

    init(parent: DocumentSink?, key: (any CodingKey)?) {
        self.parent = parent
        self.key = key
    }

    var codingPath: [any CodingKey] {
        var path = parent?.codingPath ?? []
        if let key { path.append(key) }
        return path
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: DocumentObject
        if case .object(let existing) = result {
            object = existing
        } else {
            object = DocumentObject()
            result = .object(object)
        }
        return KeyedEncodingContainer(DocumentKeyedContainer<Key>(object: object, sink: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: DocumentArray
        if case .array(let existing) = result {
            array = existing
        } else {
            array = DocumentArray()
            result = .array(array)
        }
        return DocumentUnkeyedContainer(array: array, sink: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { DocumentSingleContainer(sink: self) }

    /// The node of one value: standard leaves directly, the types Foundation formats itself
    /// through Foundation, anything else by letting it encode itself.
    static func box<T: Encodable>(_ value: T, parent: DocumentSink?, key: (any CodingKey)?) throws -> DocumentNode {
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return .int(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Int64.self { return .int(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Double.self { return try double(unsafeBitCast(value, to: Double.self)) }
        if T.self == Date.self { return .string(UnifiedDate.format(unsafeBitCast(value, to: Date.self))) }
        if T.self == JSONValue.self {
            var bytes: [UInt8] = []
            try unsafeBitCast(value, to: JSONValue.self).write(into: &bytes)
            return .raw(bytes)
        }
        if T.self == URL.self || T.self == Data.self || T.self == Decimal.self || T.self == Float.self {
            return .raw([UInt8](try DocumentEncoder.foundation.encode(value)))
        }
        let sink = DocumentSink(parent: parent, key: key)
        try value.encode(to: sink)
        return sink.result
    }

    /// An integral double as Foundation writes it (digits, no fraction); any other through Foundation.
    static func double(_ value: Double) throws -> DocumentNode {
        if value.rounded() == value, abs(value) < 1e15, !(value == 0 && value.sign == .minus) {
            return .int(Int64(value))
        }
        return .raw([UInt8](try DocumentEncoder.foundation.encode(value)))
    }
}

struct DocumentKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: DocumentObject
    /// Whose coding path this container's is.
    let sink: DocumentSink
    var codingPath: [any CodingKey] { sink.codingPath }

    mutating func encodeNil(forKey key: Key) throws { object.set(key.stringValue, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { object.set(key.stringValue, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { object.set(key.stringValue, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        object.set(key.stringValue, try DocumentSink.double(value))
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { object.set(key.stringValue, .int(Int64(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { object.set(key.stringValue, .int(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { object.set(key.stringValue, .int(Int64(value))) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { object.set(key.stringValue, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { object.set(key.stringValue, .uint(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { object.set(key.stringValue, .int(Int64(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { object.set(key.stringValue, .int(Int64(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { object.set(key.stringValue, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        object.set(key.stringValue, .uint(UInt64(value)))
    }
    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        object.set(key.stringValue, .uint(UInt64(value)))
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        object.set(key.stringValue, try DocumentSink.box(value, parent: sink, key: key))
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        object.set(key.stringValue, try DocumentSink.box(value, parent: sink, key: key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = DocumentObject()
        object.set(key.stringValue, .object(nested))
        return KeyedEncodingContainer(
            DocumentKeyedContainer<NestedKey>(object: nested, sink: DocumentSink(parent: sink, key: key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = DocumentArray()
        object.set(key.stringValue, .array(nested))
        return DocumentUnkeyedContainer(array: nested, sink: DocumentSink(parent: sink, key: key))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named name: String) -> any Encoder {
        let superSink = DocumentSink(parent: sink, key: DocumentIndexKey(name))
        object.set(name, .deferred(superSink))
        return superSink
    }
}

struct DocumentUnkeyedContainer: UnkeyedEncodingContainer {
    let array: DocumentArray
    /// Whose coding path this container's is.
    let sink: DocumentSink
    var codingPath: [any CodingKey] { sink.codingPath }
    var count: Int { array.items.count }

    mutating func encodeNil() throws { array.items.append(.null) }
    mutating func encode(_ value: Bool) throws { array.items.append(.bool(value)) }
    mutating func encode(_ value: String) throws { array.items.append(.string(value)) }
    mutating func encode(_ value: Double) throws { array.items.append(try DocumentSink.double(value)) }
    mutating func encode(_ value: Int) throws { array.items.append(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { array.items.append(.int(value)) }
    mutating func encode(_ value: Int8) throws { array.items.append(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { array.items.append(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { array.items.append(.int(Int64(value))) }
    mutating func encode(_ value: UInt) throws { array.items.append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { array.items.append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { array.items.append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { array.items.append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { array.items.append(.uint(value)) }
    mutating func encode(_ value: Float) throws {
        array.items.append(try DocumentSink.box(value, parent: sink, key: DocumentIndexKey(index: count)))
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        array.items.append(try DocumentSink.box(value, parent: sink, key: DocumentIndexKey(index: count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = DocumentObject()
        let path = DocumentSink(parent: sink, key: DocumentIndexKey(index: count))
        array.items.append(.object(nested))
        return KeyedEncodingContainer(DocumentKeyedContainer<NestedKey>(object: nested, sink: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = DocumentArray()
        let path = DocumentSink(parent: sink, key: DocumentIndexKey(index: count))
        array.items.append(.array(nested))
        return DocumentUnkeyedContainer(array: nested, sink: path)
    }

    mutating func superEncoder() -> any Encoder {
        let superSink = DocumentSink(parent: sink, key: DocumentIndexKey(index: count))
        array.items.append(.deferred(superSink))
        return superSink
    }
}

struct DocumentSingleContainer: SingleValueEncodingContainer {
    let sink: DocumentSink
    var codingPath: [any CodingKey] { sink.codingPath }

    mutating func encodeNil() throws { sink.result = .null }
    mutating func encode(_ value: Bool) throws { sink.result = .bool(value) }
    mutating func encode(_ value: String) throws { sink.result = .string(value) }
    mutating func encode(_ value: Double) throws { sink.result = try DocumentSink.double(value) }
    mutating func encode(_ value: Int) throws { sink.result = .int(Int64(value)) }
    mutating func encode(_ value: Int64) throws { sink.result = .int(value) }
    mutating func encode(_ value: Int8) throws { sink.result = .int(Int64(value)) }
    mutating func encode(_ value: Int16) throws { sink.result = .int(Int64(value)) }
    mutating func encode(_ value: Int32) throws { sink.result = .int(Int64(value)) }
    mutating func encode(_ value: UInt) throws { sink.result = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { sink.result = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { sink.result = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { sink.result = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { sink.result = .uint(value) }
    mutating func encode(_ value: Float) throws {
        sink.result = try DocumentSink.box(value, parent: sink.parent, key: sink.key)
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        sink.result = try DocumentSink.box(value, parent: sink.parent, key: sink.key)
    }
}

/// An array index or a super encoder's (or decoder's: `TextDecoder`) name in a coding path;
/// an index's text is made only when read.
struct DocumentIndexKey: CodingKey {
    let name: String?
    let intValue: Int?
    var stringValue: String { name ?? "Index \(intValue ?? 0)" }
    init(_ name: String) {
        self.name = name
        intValue = nil
    }
    init(index: Int) {
        name = nil
        intValue = index
    }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { self.init(index: intValue) }
}
