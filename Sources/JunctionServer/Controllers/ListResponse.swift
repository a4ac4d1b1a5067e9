import Foundation
import JunctionModel
import JunctionStore
import NIOCore

/// Writes a list response from stored documents. Each record's stored JSON is copied member by
/// member without being decoded; over it go what the store keeps in columns (`changed_at`,
/// `remote_deleted_at`), the nested objects composed from other tables, and the field projection.
/// Issue 9's profile found decoding and re-encoding the documents (mostly their `remote_data`)
/// to be more than half of a list request's CPU.
enum ListResponseWriter {
    /// The page is written straight into the response's buffer: a record's stored members go
    /// there from the row's bytes, and what `JSONWriter` writes around them follows after each
    /// record. Written whole into `JSONWriter`'s bytes, the page was copied once more into the
    /// response's `ByteBuffer` (3.6% of a PostgreSQL jobs page's CPU, whose records are 9 KB).
    static func write(
        _ documents: [StoredDocument], leading: [String], next: String?, overrides: NestedComposer.Overrides,
        kept: KeptMembers? = nil, projection: FieldProjection?
    ) throws -> ByteBuffer {
        var page = ByteBufferAllocator().buffer(capacity: documents.reduce(256) { $0 + $1.documentCount + 64 })
        var writer = JSONWriter(reservingCapacity: 1024)
        try envelope(warnings: nil, into: &writer) { writer in
            writer.beginObject()
            // `next` is required by the SDK even on the last page.
            writer.key("next")
            writer.string(next)
            writer.key("results")
            writer.beginArray()
            // Through the buffer: a loop's element, or an array's element read by index, is a
            // copy of the document (five retains); a buffer's is borrowed.
            try documents.withUnsafeBufferPointer { documents in
                for index in documents.indices {
                    try record(
                        documents[index], leading: leading, overrides: overrides[documents[index].id] ?? [],
                        kept: kept, projection: projection, into: &writer, passing: { page.writeBytes($0) })
                    // What a record left in the writer goes out before the next record's stored members
                    // anyway; records written member by member (a projection) are handed over in runs.
                    if writer.bytes.count >= 16_384 { writer.flush { page.writeBytes($0) } }
                }
            }
            writer.endArray()
            writer.endObject()
        }
        writer.flush { page.writeBytes($0) }
        return page
    }

    /// `{"status":"success","data":…}` in `SuccessEnvelope`'s shape, `data` written by `body`;
    /// `warnings` only when given (ATS actions carry them, lists do not).
    static func envelope(
        warnings: [String]?, capacity: Int, data body: (inout JSONWriter) throws -> Void
    ) rethrows -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: capacity)
        try envelope(warnings: warnings, into: &writer, data: body)
        return writer.bytes
    }

    /// The envelope written into `writer`.
    static func envelope(
        warnings: [String]?, into writer: inout JSONWriter, data body: (inout JSONWriter) throws -> Void
    ) rethrows {
        writer.beginObject()
        writer.key("status")
        writer.string("success")
        writer.key("data")
        try body(&writer)
        if let warnings {
            writer.key("warnings")
            writer.beginArray()
            for warning in warnings {
                writer.beginObject()
                writer.key("message")
                writer.string(warning)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
    }

    /// One record: its stored members, then the store's columns and `overrides` over them.
    ///
    /// A document stored with the members written over it first (`leading`, see
    /// `SyncedRecord.leadingKeys`) has the rest copied as one run of bytes; any other (stored
    /// before that order, or with a projection or `omitting` to apply) has its members scanned
    /// and copied one by one. Both write the same bytes (`StoredOrderTests`).
    ///
    /// With `sink`, the stored members of the first kind go to it directly, after what `writer`
    /// holds (`JSONWriter.rawMembers(_:flushingThrough:)`).
    ///
    /// `kept`: what the record's kept composed column holds, written over the record when it has
    /// one and `overrides` is empty (the composer left it, `NestedComposer.candidates`).
    static func record(
        _ document: StoredDocument, leading: [String] = [], overrides: [(key: String, value: [UInt8])],
        kept: KeptMembers? = nil, projection: FieldProjection?, omitting: [String] = [],
        into writer: inout JSONWriter, passing sink: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws {
        let maintained = Self.maintained
        let kept = overrides.isEmpty && document.hasNested ? kept : nil
        // `leadingKeys` lists the composed keys in the order `NestedComposer` writes them, so the
        // members this record leaves out are exactly the leading ones when the two lists are equal.
        let over =
            if let kept {
                Self.writesOver(leading, maintained: maintained, keys: kept.keys)
            } else {
                Self.writesOver(leading, maintained: maintained, keys: overrides.lazy.map(\.key))
            }
        if projection == nil, omitting.isEmpty, over,
            document.withDocumentParts({ bytes, insertion -> Bool in
                guard let rest = JSONObjectMembers.afterLeading(leading, in: bytes) else { return false }
                if let insertion {
                    // A document read without its shared member's value (a PostgreSQL jobs
                    // page's): its members go to `sink` around the value, none copied twice.
                    guard let sink, insertion.offset > rest.lowerBound, insertion.offset <= rest.upperBound else {
                        return false
                    }
                    writer.beginObject()
                    writer.rawMembers(
                        UnsafeRawBufferPointer(rebasing: bytes[rest.lowerBound..<insertion.offset]),
                        flushingThrough: sink)
                    sink(insertion.value)
                    sink(UnsafeRawBufferPointer(rebasing: bytes[insertion.offset..<rest.upperBound]))
                    return true
                }
                writer.beginObject()
                let members = UnsafeRawBufferPointer(rebasing: bytes[rest])
                if let sink {
                    writer.rawMembers(members, flushingThrough: sink)
                } else {
                    writer.rawMembers(members)
                }
                return true
            })
        {
            try writeOver(document, overrides, kept: kept, into: &writer, passing: sink)
            return
        }
        let members = try JSONObjectMembers(document.document)
        var written = overrides
        if let kept, let nested = document.nested { written += try kept.members(of: nested) }
        if let projection { written += try FieldCarryingProjection.members(projection, of: members) }
        writer.beginObject()
        members.copyMembers(into: &writer, excluding: maintained + written.map(\.key) + omitting)
        try writeOver(document, written, kept: nil, into: &writer)
    }

    /// The members the store keeps in columns and writes over every record.
    private static let maintained = ["changed_at", "remote_deleted_at"]

    /// Whether `leading` is `maintained` then `keys`, in order: compared in place, where joining
    /// the two lists first made an array for every record of a page.
    static func writesOver<Keys: RandomAccessCollection<String>>(
        _ leading: [String], maintained: [String], keys: Keys
    ) -> Bool where Keys.Index == Int {
        guard leading.count == maintained.count + keys.count else { return false }
        // By index: a sequence's comparison copied each name (a retain each, per record).
        for index in maintained.indices where leading[index] != maintained[index] { return false }
        for index in keys.indices where leading[maintained.count + index] != keys[index] { return false }
        return true
    }

    /// The store's columns, `written`, and the document's kept column as `kept` says, closing
    /// the record's object. With `sink`, the kept column goes to it where it lies, as the
    /// document's members do.
    private static func writeOver(
        _ document: StoredDocument, _ written: [(key: String, value: [UInt8])], kept: KeptMembers?,
        into writer: inout JSONWriter, passing sink: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws {
        writer.key("changed_at")
        writer.date(document.changedAt)
        writer.key("remote_deleted_at")
        writer.date(document.remoteDeletedAt)
        writeMembers(written, into: &writer)
        if let kept {
            let asLying = document.withNestedBytes { bytes -> Bool in
                if !kept.isObject {
                    writer.key(kept.keys[0])
                    if let sink { writer.raw(bytes, flushingThrough: sink) } else { writer.raw(bytes) }
                    return true
                }
                guard let range = kept.objectMembers(in: bytes) else { return false }
                let members = UnsafeRawBufferPointer(rebasing: bytes[range])
                if let sink { writer.rawMembers(members, flushingThrough: sink) } else { writer.rawMembers(members) }
                return true
            }
            if asLying == false, let nested = document.nested {
                writeMembers(try kept.members(of: nested), into: &writer)
            }
        }
        writer.endObject()
    }

    /// Members whose values are already JSON text.
    private static func writeMembers(_ members: [(key: String, value: [UInt8])], into writer: inout JSONWriter) {
        for member in members {
            writer.key(member.key)
            writer.raw(member.value)
        }
    }
}
