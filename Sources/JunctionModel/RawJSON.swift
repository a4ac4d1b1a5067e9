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
        members = try bytes.withUnsafeBufferPointer { try Self.scanMembers($0) }
    }

    public init(_ text: String) throws {
        try self.init(Array(text.utf8))
    }

    /// The raw bytes of `key`'s value, or nil when the object has no such member.
    public func value(_ key: String) -> ArraySlice<UInt8>? {
        valueRange(key).map { bytes[$0] }
    }

    /// Where `key`'s value lies in `bytes`, or nil when the object has no such member.
    public func valueRange(_ key: String) -> Range<Int>? {
        bytes.withUnsafeBufferPointer { valueRange(key, in: $0) }
    }

    /// `valueRange(_:)` with `bytes` read through `buffer`: keys compared as slices of the
    /// array retained it once per member (with `copyRequiredMembers`, 2% of a FULL's
    /// `swift_retain` calls).
    private func valueRange(_ key: String, in buffer: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var key = key
        return key.withUTF8 { wanted in
            for member in members where member.key.count == wanted.count {
                if UnsafeBufferPointer(rebasing: buffer[member.key]).elementsEqual(wanted) { return member.value }
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

    /// Copies the members named in `keys` in that order into the object `writer` has open,
    /// writing null for any the object lacks (the SDK requires every key of the nested shapes).
    public func copyRequiredMembers(_ keys: [String], into writer: inout JSONWriter) {
        bytes.withUnsafeBufferPointer { buffer in
            for key in keys {
                writer.key(key)
                if let range = valueRange(key, in: buffer) {
                    writer.raw(UnsafeBufferPointer(rebasing: buffer[range]))
                } else {
                    writer.raw(Self.null)
                }
            }
        }
    }

    /// The object of just the members named in `keys`, as `copyRequiredMembers` writes them.
    public func requiredMembersObject(_ keys: [String]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.beginObject()
        copyRequiredMembers(keys, into: &writer)
        writer.endObject()
        return writer.bytes
    }

    private static let null = [UInt8]("null".utf8)

    /// Writes every member whose key is not in `excluded` into the object `writer` has open.
    public func copyMembers(into writer: inout JSONWriter, excluding excluded: [String]) {
        let excludedKeys = excluded.map { Array($0.utf8) }
        // Through the buffer, as `withLeading`: a slice of `bytes` retains the array.
        bytes.withUnsafeBufferPointer { buffer in
            for member in members {
                let key = UnsafeBufferPointer(rebasing: buffer[member.key])
                if excludedKeys.contains(where: { $0.count == key.count && $0.elementsEqual(key) }) { continue }
                writer.rawMember(key: key, value: UnsafeBufferPointer(rebasing: buffer[member.value]))
            }
        }
    }

    /// The object with the members named in `leading` first, in that order, and the others
    /// after them in their order here; nil when the object lacks one of them. Stored documents
    /// are kept this way so a page copies the rest as one run of bytes (`afterLeading`).
    public func withLeading(_ leading: [String]) -> [UInt8]? {
        // Read through the buffer: a slice of `bytes` per key compared and per member copied
        // retained the array each time, 4% of a FULL's `swift_retain` calls.
        bytes.withUnsafeBufferPointer { buffer -> [UInt8]? in
            var first: [Int] = []
            first.reserveCapacity(leading.count)
            for key in leading {
                var key = key
                let found = key.withUTF8 { name in
                    members.firstIndex { UnsafeBufferPointer(rebasing: buffer[$0.key]).elementsEqual(name) }
                }
                guard let found else { return nil }
                first.append(found)
            }
            var writer = JSONWriter(reservingCapacity: buffer.count)
            writer.beginObject()
            func write(_ member: Member) {
                writer.rawMember(
                    key: UnsafeBufferPointer(rebasing: buffer[member.key]),
                    value: UnsafeBufferPointer(rebasing: buffer[member.value]))
            }
            for index in first { write(members[index]) }
            for index in members.indices where !first.contains(index) { write(members[index]) }
            writer.endObject()
            return writer.bytes
        }
    }

    /// The text of the members that follow the first ones of `object` (`"k":v,"k2":v2`, empty when
    /// none follow), when its first members are those named in `leading`, in that order, and the
    /// object is written without whitespace as `withLeading` writes it; nil otherwise. Reads only
    /// the leading members, not the rest.
    public static func afterLeading(_ leading: [String], in object: [UInt8]) -> ArraySlice<UInt8>? {
        object.withUnsafeBytes { afterLeading(leading, in: $0) }.map { object[$0] }
    }

    /// As `afterLeading(_:in:)` for an object's bytes where they lie (a PostgreSQL row's
    /// buffer): the range of those members in `object`.
    public static func afterLeading(_ leading: [String], in object: UnsafeRawBufferPointer) -> Range<Int>? {
        object.withMemoryRebound(to: UInt8.self) { bytes -> Range<Int>? in
            guard bytes.count >= 2, bytes[0] == UInt8(ascii: "{"), bytes[bytes.count - 1] == UInt8(ascii: "}")
            else { return nil }
            var offset = 1
            for key in leading {
                guard offset < bytes.count, bytes[offset] == quote else { return nil }
                let keyEnd = stringEnd(bytes, offset)
                guard keyEnd > 0, Self.equal(UnsafeBufferPointer(rebasing: bytes[(offset + 1)..<(keyEnd - 1)]), key),
                    keyEnd < bytes.count, bytes[keyEnd] == UInt8(ascii: ":")
                else { return nil }
                let end = valueEnd(bytes, keyEnd + 1)
                guard end > 0, end < bytes.count else { return nil }
                switch bytes[end] {
                case UInt8(ascii: ","): offset = end + 1
                case UInt8(ascii: "}"):
                    // The leading members are all there is (and `end` is the last byte).
                    return key == leading.last && end == bytes.count - 1 ? end..<end : nil
                default: return nil
                }
            }
            return offset..<(bytes.count - 1)
        }
    }

    /// Whether `bytes` are `key`'s UTF-8, compared with `memcmp`: comparing element by element
    /// through `String.UTF8View` was 1.2% of a candidates page's CPU (issue 22, thirty-third stop).
    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ key: String) -> Bool {
        var key = key
        return key.withUTF8 { utf8 in
            utf8.count == bytes.count
                && (utf8.count == 0 || memcmp(utf8.baseAddress!, bytes.baseAddress!, utf8.count) == 0)
        }
    }

    // MARK: - Leaves

    /// Calls `leaf` with the path and the byte range of each leaf of the JSON object `bytes`,
    /// in the text's order, without building its tree: the field explorer's scan of each
    /// record's `remote_data` (`FieldPaths` in the store), which parsed every payload into a
    /// tree of dictionaries and strings, most of a discovery's allocations.
    ///
    /// Paths are named as the explorer names them: an object's members joined by `.`, `[]` after
    /// a list that holds an object (its items then lead on), anything else a leaf; a null is no
    /// leaf, and nothing below `maxDepth` levels is opened. `path` is the leaf's path as UTF-8
    /// (member names with their escapes resolved), valid only during the call. Meant for text this
    /// program wrote, as the scan above: a member written twice in one object (which the store's
    /// writer never does) is visited twice.
    public static func forEachLeaf(
        of bytes: [UInt8], maxDepth: Int, _ leaf: (_ path: [UInt8], _ value: Range<Int>) throws -> Void
    ) throws {
        try bytes.withUnsafeBufferPointer { buffer in
            let start = skipSpace(buffer, 0)
            let end = valueEnd(buffer, start)
            guard end > 0, buffer[start] == UInt8(ascii: "{") else { throw Malformed(offset: start) }
            var path: [UInt8] = []
            path.reserveCapacity(128)
            try walk(buffer, start..<end, path: &path, depth: 0, maxDepth: maxDepth, leaf)
        }
    }

    private static func walk(
        _ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>, path: inout [UInt8], depth: Int, maxDepth: Int,
        _ leaf: (_ path: [UInt8], _ value: Range<Int>) throws -> Void
    ) throws {
        let base = path.count
        switch bytes[value.lowerBound] {
        case UInt8(ascii: "{") where depth < maxDepth:
            var offset = skipSpace(bytes, value.lowerBound + 1)
            guard offset < bytes.count, bytes[offset] != UInt8(ascii: "}") else { return }
            while true {
                guard offset < bytes.count, bytes[offset] == quote else { throw Malformed(offset: offset) }
                let keyEnd = stringEnd(bytes, offset)
                guard keyEnd > 0 else { throw Malformed(offset: offset) }
                if base > 0 { path.append(UInt8(ascii: ".")) }
                try appendName(bytes, offset..<keyEnd, to: &path)
                offset = skipSpace(bytes, keyEnd)
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw Malformed(offset: offset) }
                let childStart = skipSpace(bytes, offset + 1)
                let childEnd = valueEnd(bytes, childStart)
                guard childEnd > 0 else { throw Malformed(offset: childStart) }
                try walk(bytes, childStart..<childEnd, path: &path, depth: depth + 1, maxDepth: maxDepth, leaf)
                path.removeSubrange(base...)
                offset = skipSpace(bytes, childEnd)
                guard offset < bytes.count else { throw Malformed(offset: offset) }
                if bytes[offset] == UInt8(ascii: "}") { return }
                guard bytes[offset] == UInt8(ascii: ",") else { throw Malformed(offset: offset) }
                offset = skipSpace(bytes, offset + 1)
            }
        case UInt8(ascii: "[") where depth < maxDepth:
            let items = try arrayItems(bytes, value)
            guard items.contains(where: { bytes[$0.lowerBound] == UInt8(ascii: "{") }) else { break }
            path.append(UInt8(ascii: "["))
            path.append(UInt8(ascii: "]"))
            for item in items {
                try walk(bytes, item, path: &path, depth: depth + 1, maxDepth: maxDepth, leaf)
            }
            path.removeSubrange(base...)
            return
        case UInt8(ascii: "n"):
            // A path only ever null tells nothing; one sometimes set is counted where it is set.
            return
        default:
            break
        }
        guard !path.isEmpty else { return }
        try leaf(path, value)
    }

    /// The byte ranges of the items of the list `value`.
    private static func arrayItems(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) throws -> [Range<Int>] {
        var items: [Range<Int>] = []
        var offset = skipSpace(bytes, value.lowerBound + 1)
        guard offset < bytes.count, bytes[offset] != UInt8(ascii: "]") else { return items }
        while true {
            let end = valueEnd(bytes, offset)
            guard end > 0 else { throw Malformed(offset: offset) }
            items.append(offset..<end)
            offset = skipSpace(bytes, end)
            guard offset < bytes.count else { throw Malformed(offset: offset) }
            if bytes[offset] == UInt8(ascii: "]") { return items }
            guard bytes[offset] == UInt8(ascii: ",") else { throw Malformed(offset: offset) }
            offset = skipSpace(bytes, offset + 1)
        }
    }

    /// Appends the member name quoted at `quoted` as UTF-8, its escapes resolved.
    private static func appendName(_ bytes: UnsafeBufferPointer<UInt8>, _ quoted: Range<Int>, to path: inout [UInt8])
        throws
    {
        let inner = UnsafeBufferPointer(rebasing: bytes[(quoted.lowerBound + 1)..<(quoted.upperBound - 1)])
        guard inner.contains(backslash) else {
            path.append(contentsOf: inner)
            return
        }
        guard case .string(let name) = try JSONValue.parse(Array(UnsafeBufferPointer(rebasing: bytes[quoted])))
        else { throw Malformed(offset: quoted.lowerBound) }
        path.append(contentsOf: name.utf8)
    }

    // MARK: - Scanning
    //
    // Over an unsafe buffer with index arithmetic and no throwing in the loops: the first version
    // (a throwing `peek()` per byte) was a fifth of a jobs page's CPU.

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    private static func scanMembers(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [Member] {
        // Room for a stored document's members at once: grown from empty, the array was
        // reallocated five or six times a document (5% of a FULL's allocations).
        var members: [Member] = []
        members.reserveCapacity(32)
        var offset = skipSpace(bytes, 0)
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "{") else { throw Malformed(offset: offset) }
        offset = skipSpace(bytes, offset + 1)
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { return members }
        while true {
            guard offset < bytes.count, bytes[offset] == quote else { throw Malformed(offset: offset) }
            let keyEnd = stringEnd(bytes, offset)
            guard keyEnd > 0 else { throw Malformed(offset: offset) }
            let key = (offset + 1)..<(keyEnd - 1)
            offset = skipSpace(bytes, keyEnd)
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw Malformed(offset: offset) }
            let valueStart = skipSpace(bytes, offset + 1)
            let valueEnd = valueEnd(bytes, valueStart)
            guard valueEnd > 0 else { throw Malformed(offset: valueStart) }
            members.append(Member(key: key, value: valueStart..<valueEnd))
            offset = skipSpace(bytes, valueEnd)
            guard offset < bytes.count else { throw Malformed(offset: offset) }
            if bytes[offset] == UInt8(ascii: "}") { return members }
            guard bytes[offset] == UInt8(ascii: ",") else { throw Malformed(offset: offset) }
            offset = skipSpace(bytes, offset + 1)
        }
    }

    /// The first offset from `start` that is not JSON whitespace.
    @inline(__always)
    static func skipSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var offset = start
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return offset
            }
        }
        return offset
    }

    /// Just past the closing quote of the string opening at `start`; -1 when it never closes.
    @inline(__always)
    static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var offset = start + 1
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == quote { return offset + 1 }
            offset += byte == backslash ? 2 : 1
        }
        return -1
    }

    /// Just past the value starting at `start`; -1 when it is not a complete value.
    static func valueEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        guard start < bytes.count else { return -1 }
        switch bytes[start] {
        case quote:
            return stringEnd(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var offset = start
            while offset < bytes.count {
                switch bytes[offset] {
                case quote:
                    offset = stringEnd(bytes, offset)
                    if offset < 0 { return -1 }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return offset + 1 }
                default: break
                }
                offset += 1
            }
            return -1
        default:
            // A number or a literal: up to the next delimiter, made of what those are made of.
            var offset = start
            while offset < bytes.count {
                switch bytes[offset] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                    let token = UnsafeBufferPointer(rebasing: bytes[start..<offset])
                    guard !token.isEmpty,
                        token.allSatisfy(isNumberByte) || literals.contains(where: token.elementsEqual)
                    else { return -1 }
                    return offset
                default: offset += 1
                }
            }
            return -1
        }
    }

    private static let literals: [[UInt8]] = [Array("true".utf8), Array("false".utf8), Array("null".utf8)]

    /// A byte that may appear in a JSON number.
    static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            true
        default: false
        }
    }
}

/// Appends JSON text to a byte buffer: raw fragments (stored documents) beside values written
/// here, with commas placed by nesting level. Strings are escaped as `UnifiedJSON`'s encoder does
/// (`JSONValue.writeString`), dates in `UnifiedDate`'s format.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// How many objects and arrays are open.
    private var depth = 0
    /// Per open object or array, a bit (the outermost lowest): whether it holds an element yet
    /// (the next one needs a comma). Bits, not an array: every writer (a document, a summary, a
    /// nested object) allocated that array's storage, 2% of a FULL's allocations. Levels past
    /// 64 keep theirs in `deeper`.
    private var hasElement: UInt64 = 0
    private var deeper: [Bool] = []
    /// True right after a key: the value that follows takes no comma.
    private var afterKey = false

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        startElement()
        bytes.append(UInt8(ascii: "{"))
        open()
    }

    public mutating func endObject() {
        close()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        startElement()
        bytes.append(UInt8(ascii: "["))
        open()
    }

    public mutating func endArray() {
        close()
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func open() {
        if depth < 64 { hasElement &= ~(1 << UInt64(depth)) } else { deeper.append(false) }
        depth += 1
    }

    private mutating func close() {
        depth -= 1
        if depth >= 64 { deeper.removeLast() }
    }

    /// `"key":` inside an object; the value written next belongs to it.
    public mutating func key(_ key: String) {
        startElement()
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A member whose key and value are already JSON text (the key without its quotes).
    public mutating func rawMember(key: some Collection<UInt8>, value: some Collection<UInt8>) {
        startElement()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: key)
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        bytes.append(contentsOf: value)
    }

    /// Members that are already JSON text (`"k":v,"k2":v2`), inside an open object; nothing
    /// when `members` is empty.
    public mutating func rawMembers(_ members: ArraySlice<UInt8>) {
        members.withUnsafeBytes { rawMembers($0) }
    }

    /// As `rawMembers(_:)`, from bytes where they lie.
    public mutating func rawMembers(_ members: UnsafeRawBufferPointer) {
        guard !members.isEmpty else { return }
        startElement()
        bytes.append(contentsOf: members)
    }

    /// As `rawMembers(_:)`, for a text written in parts into another buffer (a page into the
    /// response's): the bytes written so far, with the comma the members need, go to `sink`,
    /// then the members themselves, without being copied into these bytes first.
    public mutating func rawMembers(
        _ members: UnsafeRawBufferPointer, flushingThrough sink: (UnsafeRawBufferPointer) -> Void
    ) {
        guard !members.isEmpty else { return }
        startElement()
        flush(through: sink)
        sink(members)
    }

    /// Hands the bytes written so far to `sink` and empties them, keeping its place in the text
    /// (what is open, whether a comma comes next).
    public mutating func flush(through sink: (UnsafeRawBufferPointer) -> Void) {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes(sink)
        bytes.removeAll(keepingCapacity: true)
    }

    /// As `raw(_:)`, handing the value to `sink` after the bytes written so far, as
    /// `rawMembers(_:flushingThrough:)` does members.
    public mutating func raw(_ value: UnsafeRawBufferPointer, flushingThrough sink: (UnsafeRawBufferPointer) -> Void) {
        startElement()
        flush(through: sink)
        sink(value)
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
        guard let value else { return null() }
        startElement()
        bytes.append(UInt8(ascii: "\""))
        UnifiedDate.append(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func int(_ value: Int?) {
        guard let value else { return null() }
        startElement()
        JSONValue.writeInteger(Int64(value), into: &bytes)
    }

    public mutating func null() {
        startElement()
        bytes.append(contentsOf: "null".utf8)
    }

    private mutating func startElement() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        let level = depth - 1
        if level < 64 {
            let bit: UInt64 = 1 << UInt64(level)
            if hasElement & bit != 0 { bytes.append(UInt8(ascii: ",")) }
            hasElement |= bit
        } else {
            if deeper[level - 64] { bytes.append(UInt8(ascii: ",")) }
            deeper[level - 64] = true
        }
    }

    private mutating func appendString(_ value: String) {
        JSONValue.writeString(value, into: &bytes)
    }
}
