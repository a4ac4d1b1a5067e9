import Foundation

/// A model that writes its own document: the bytes `DocumentEncoder` writes for it through
/// `Encodable` (Foundation's, with the unified conventions), written member by member with no
/// tree, no encoder per value and no sort (its members are listed in sorted order).
///
/// Encoding the unified candidates and applications through `Encodable` was 18% of a FULL
/// sync's CPU (issue 22, eighth stop): a sink object per `@Nullable` member, a container per
/// object, a sort per object. `DocumentEncoder.encode` takes this path for the models that
/// conform; `DocumentEncoderTests` and `StoredDocumentTests` hold their bytes to Foundation's.
protocol DirectlyWritten: Encodable {
    func write(into writer: inout DocumentWriter) throws
}

/// Writes one JSON document's members in the order given: the writer of a `DirectlyWritten`
/// model names its keys in byte-wise sorted order, as `.sortedKeys` writes them.
struct DocumentWriter {
    var bytes: [UInt8] = []
    /// Whether the next member follows another in the same object.
    private var follows = false

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func object(_ members: (inout DocumentWriter) throws -> Void) rethrows {
        bytes.append(UInt8(ascii: "{"))
        follows = false
        try members(&self)
        bytes.append(UInt8(ascii: "}"))
        follows = true
    }

    /// A member's key (ASCII without anything to escape, as every model's coding keys are).
    mutating func key(_ key: StaticString) {
        if follows { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        follows = true
    }

    mutating func null() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    mutating func string(_ value: String?) {
        guard let value else { return null() }
        JSONValue.writeString(value, into: &bytes)
    }

    mutating func bool(_ value: Bool?) {
        guard let value else { return null() }
        bytes.append(contentsOf: value ? DocumentNode.trueBytes : DocumentNode.falseBytes)
    }

    /// A date as `UnifiedDate` writes it, quoted (the format has nothing to escape).
    mutating func date(_ value: Date?) {
        guard let value else { return null() }
        bytes.append(UInt8(ascii: "\""))
        UnifiedDate.append(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A map of Personio's values: keys in byte-wise order (as `DocumentObject` sorts them),
    /// each value by `JSONValue`'s own writer.
    mutating func members(_ value: [String: JSONValue]?) throws {
        guard let value else { return null() }
        bytes.append(UInt8(ascii: "{"))
        for (index, member) in value.sorted(by: { DocumentObject.compare($0.key, $1.key) < 0 }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONValue.writeString(member.key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            try member.value.write(into: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<Item>(_ items: [Item], _ write: (inout DocumentWriter, Item) throws -> Void) rethrows {
        bytes.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            try write(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
        follows = true
    }

    mutating func values(_ items: [JSONValue]) throws {
        try array(items) { writer, item in try item.write(into: &writer.bytes) }
    }

    /// A value the read side fills in and a sync leaves empty (nested objects): through
    /// `Encodable`, as `DocumentEncoder` writes any value.
    mutating func encoded<Value: Encodable>(_ value: Value?) throws {
        guard let value else { return null() }
        try DocumentSink.box(value, parent: nil, key: nil).write(into: &bytes)
        follows = true
    }
}
