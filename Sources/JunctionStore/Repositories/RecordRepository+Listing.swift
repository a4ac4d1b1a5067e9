import Foundation
import JunctionModel
import NIOCore
import SQLKit
import Synchronization

/// What a list endpoint asks of one model's table: every condition ANDed, the values inside one
/// condition ORed. Column names come from code, never from a request; values are always bound.
public struct RecordFilter: Sendable, Equatable {
    public enum Condition: Sendable, Equatable {
        /// `column IN (values)`.
        case oneOf(column: String, values: [String])
        /// `column IN (values)`, each value one of a fixed list written in code (an enum's raw
        /// values, never a client's free text). PostgreSQL gets them as literals in the
        /// statement's text, so its prepared statement keeps one generic plan (see `listQuery`).
        case oneOfKnown(column: String, values: [String])
        /// `column >= value` (epoch milliseconds).
        case atLeast(column: String, milliseconds: Int64)
        /// `column` (folded text, see `Store.foldCase`) contains `text`, ignoring case the same way on every backend.
        case contains(column: String, text: String)
        /// `column IN (SELECT selectColumn FROM table WHERE integration_id = … AND whereColumn IN (values)
        /// AND remote_deleted_at IS NULL)`: a filter through another model (candidates by job).
        case related(column: String, table: String, selectColumn: String, whereColumn: String, values: [String])
        /// Matches nothing: a filter this integration cannot answer (`ignore_unsupported_filters=false`).
        case nothing
    }

    public var includeDeleted = false
    /// Records whose own or nested data changed after this moment (`updated_at`).
    public var updatedAfter: Date?
    public var conditions: [Condition] = []

    public init(includeDeleted: Bool = false, updatedAfter: Date? = nil, conditions: [Condition] = []) {
        self.includeDeleted = includeDeleted
        self.updatedAfter = updatedAfter
        self.conditions = conditions
    }
}

/// A stored record as text, for the read API to copy into responses without decoding it: the
/// document plus what the store keeps in columns (authoritative over the document's copies).
///
/// A document read from a PostgreSQL row stays in the row's buffer, where PostgresNIO received
/// it, and a page copies it from there into its response (`withDocumentBytes`): copying each
/// into an array first was 3.8% of a PostgreSQL jobs page's CPU, whose records are 9 KB. SQLite
/// reuses a row's memory at its next step, so its documents are copied out as arrays.
public struct StoredDocument: Sendable {
    public var id: String
    /// The record's JSON; a document held in a row's buffer is copied out, and one read without
    /// its shared member's value (`insertion`) has it put back.
    public var document: [UInt8] {
        get {
            guard insertion == nil else { return withDocumentBytes { Array($0) } }
            return received.map { Array($0.readableBytesView) } ?? array
        }
        set {
            array = newValue
            received = nil
            insertion = nil
        }
    }
    /// The value of the record's shared member (`SyncedRecord.sharedMember`) and where it goes,
    /// for a document read without it: a page writes the document around it
    /// (`withDocumentParts`) instead of copying each record whole first (3% of a PostgreSQL
    /// jobs page's CPU). Every record of a page holds the same array.
    private var insertion: (offset: Int, value: [UInt8])?
    public var changedAt: Date
    public var remoteDeletedAt: Date?
    /// The extra columns asked for, as text (null columns absent). A page's record read with its
    /// kept members (`nested`) has none: nothing composes its members (`pageDocument`).
    public var columns: [String: String]
    /// The composed members kept with the record (`SyncedRecord.composedColumn`), when the page
    /// read them and the store has them: a candidate's `applications` array, an application's
    /// object of its `candidate`, `current_stage` and `job`. Kept where a PostgreSQL row holds
    /// them, as the document is; a page writes them from there (`withNestedBytes`).
    public var nested: [UInt8]? {
        get { receivedNested.map { Array($0.readableBytesView) } ?? nestedArray }
        set {
            nestedArray = newValue
            receivedNested = nil
        }
    }
    private var array: [UInt8]
    /// The document where a PostgreSQL row holds it, instead of `array`.
    private var received: ByteBuffer?
    private var nestedArray: [UInt8]?
    /// The kept members where a PostgreSQL row holds them, instead of `nestedArray`.
    private var receivedNested: ByteBuffer?

    public init(
        id: String, document: [UInt8], changedAt: Date, remoteDeletedAt: Date? = nil, columns: [String: String],
        nested: [UInt8]? = nil
    ) {
        self.init(
            id: id, document: document, received: nil, changedAt: changedAt, remoteDeletedAt: remoteDeletedAt,
            columns: columns, nested: nested)
    }

    /// A document read as `document`, or where a row's buffer holds it (`received`); the same
    /// for its kept members (`nested`, `receivedNested`).
    init(
        id: String, document: [UInt8], received: ByteBuffer?, changedAt: Date, remoteDeletedAt: Date?,
        columns: [String: String], nested: [UInt8]? = nil, receivedNested: ByteBuffer? = nil
    ) {
        self.id = id
        self.array = document
        self.received = received
        self.changedAt = changedAt
        self.remoteDeletedAt = remoteDeletedAt
        self.columns = columns
        self.nestedArray = nested
        self.receivedNested = receivedNested
    }

    /// The document's length in bytes, without copying it.
    public var documentCount: Int { (received?.readableBytes ?? array.count) + (insertion?.value.count ?? 0) }

    /// Calls `body` with the document's bytes where they lie; a document read without its
    /// shared member's value is put together first.
    public func withDocumentBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        guard insertion != nil else {
            if let received { return try received.withUnsafeReadableBytes(body) }
            return try array.withUnsafeBytes(body)
        }
        return try withDocumentParts { bytes, insertion in
            guard let insertion else { return try body(bytes) }
            let whole = [UInt8](unsafeUninitializedCapacity: bytes.count + insertion.value.count) { whole, count in
                let whole = UnsafeMutableRawBufferPointer(whole)
                whole.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<insertion.offset]))
                UnsafeMutableRawBufferPointer(rebasing: whole[insertion.offset...]).copyMemory(from: insertion.value)
                UnsafeMutableRawBufferPointer(rebasing: whole[(insertion.offset + insertion.value.count)...])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[insertion.offset...]))
                count = bytes.count + insertion.value.count
            }
            return try whole.withUnsafeBytes(body)
        }
    }

    /// Calls `body` with the document's bytes where they lie and, for a document read without
    /// its shared member's value, that value and the offset it goes to in them.
    public func withDocumentParts<Result>(
        _ body: (UnsafeRawBufferPointer, (offset: Int, value: UnsafeRawBufferPointer)?) throws -> Result
    ) rethrows -> Result {
        // Without one, straight to the bytes: a function around both cases cost SQLite's jobs
        // page two retains a record.
        guard let insertion else {
            if let received { return try received.withUnsafeReadableBytes { try body($0, nil) } }
            return try array.withUnsafeBytes { try body($0, nil) }
        }
        return try insertion.value.withUnsafeBytes { value in
            if let received { return try received.withUnsafeReadableBytes { try body($0, (insertion.offset, value)) } }
            return try array.withUnsafeBytes { try body($0, (insertion.offset, value)) }
        }
    }

    /// Puts `value` back at `offset` of a document read without it; `offset` must lie within it.
    mutating func insert(_ value: [UInt8], at offset: Int) {
        precondition(insertion == nil && offset >= 0 && offset <= (received?.readableBytes ?? array.count))
        insertion = (offset, value)
    }

    /// Whether the record came with its kept members (`nested`).
    public var hasNested: Bool { receivedNested != nil || nestedArray != nil }

    /// Calls `body` with the kept members' bytes where they lie; nil when there are none.
    public func withNestedBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result? {
        if let receivedNested { return try receivedNested.withUnsafeReadableBytes(body) }
        return try nestedArray?.withUnsafeBytes(body)
    }
}

/// `RecordRepository.createdApplication`: an application and what its answer nests, as stored.
public struct CreatedApplicationDocuments: Sendable {
    public var application: StoredDocument
    public var candidate: StoredDocument?
    public var job: NestedJob?
    public var stage: StoredDocument?
    public var link: StoredDocument?
}

/// Which applications `RecordRepository.nestedSources` reads the nested objects of.
public enum NestedSourcesRequest: Sendable {
    /// The live applications of these candidates (a candidates page's `applications`).
    case ofCandidates([String])
    /// These applications, deleted or not (an applications page's `candidate`, `current_stage`, `job`).
    case ofApplications([String])
    /// The applications of these candidates, deleted or not, and for those whose
    /// `nested_objects` are not kept, their `nested_stamp`s: what a candidates page's save
    /// composes both the candidates' `applications` arrays (from the live ones) and those
    /// applications' objects from (`RecordRepository.savePreparedCandidates`).
    case ofSavedCandidates([String])

    /// Whether the applications' own documents (summaries) are read.
    var readsApplications: Bool {
        if case .ofApplications = self { false } else { true }
    }

    /// Whether the applications' candidates are read.
    var readsCandidates: Bool { !readsApplications }

    /// Whether the `nested_stamp`s of applications that keep no objects are read
    /// (`NestedSources.stamps`).
    var readsStamps: Bool {
        if case .ofSavedCandidates = self { true } else { false }
    }
}

/// `RecordRepository.nestedSources`: each distinct object once.
public struct NestedSources: Sendable {
    public var applications: [StoredDocument] = []
    public var candidates: [StoredDocument] = []
    public var jobs: [NestedJob] = []
    public var stages: [StoredDocument] = []
    /// With their `job_id` and `stage_id` columns.
    public var links: [StoredDocument] = []
    /// Per application read, the columns its nested objects were found by (`candidate_id`,
    /// `job_id`, `current_stage_id`; null ones absent), as the join read them. Filled where the
    /// candidates are read (`.ofApplications`), and for `.ofSavedCandidates` for the
    /// applications that keep no objects (those whose objects the save composes); a candidates
    /// page reads the applications themselves.
    public var pointers: [String: [String: String]] = [:]
    /// Per application that keeps no objects, its `nested_stamp`: filled for `.ofSavedCandidates` only.
    public var stamps: [String: Int64] = [:]

    public init() {}
}

extension RecordRepository {
    /// One keyset page of a model's records that match `filter`, in id order: one query.
    public func list<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, filter: RecordFilter, after: String?, limit: Int
    ) async throws -> KeysetPage<Record> {
        let query = listQuery(Record.table, integrationID: integrationID, filter: filter, columns: [])
        return try await Keyset.page(query, keyColumn: "id", after: after, limit: limit) { row in
            try Self.decodeRecord(Record.self, row)
        }
    }

    /// `list`, as stored documents with the extra `columns`.
    public func listDocuments<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, filter: RecordFilter, after: String?, limit: Int,
        columns: [String] = []
    ) async throws -> KeysetPage<StoredDocument> {
        let statement = pageStatement(
            Record.self, integrationID: integrationID, filter: filter, after: after, limit: limit, columns: columns)
        let rows = try await reads.raw("\(statement)").all()
        return try Self.pageDocuments(rows, Record.self, limit: limit, columns: columns)
    }

    /// A page's rows (`pageStatement`'s) as their stored documents.
    ///
    /// Where the statement read a record without its `sharedMember`'s value (`pageQuery`), the
    /// value is put back from the page's first record, which the statement read whole.
    static func pageDocuments<Record: SyncedRecord>(
        _ rows: [any SQLRow], _ type: Record.Type, limit: Int, columns: [String]
    ) throws -> KeysetPage<StoredDocument> {
        guard Record.sharedMember != nil, let first = rows.first, first.contains(column: "whole") else {
            return try Keyset.page(rows, limit: limit) { try Self.pageDocument($0, Record.self, columns: columns) }
        }
        var value: [UInt8]?
        var isFirst = true
        return try Keyset.page(rows, limit: limit) { row in
            defer { isFirst = false }
            var stored = try Self.pageDocument(row, Record.self, columns: columns)
            guard let offset = try row.decode(column: "shared_offset", as: Int64?.self).map(Int.init) else {
                return stored
            }
            let length = Int(try row.decode(column: "shared_length", as: Int64.self))
            func outside() -> StoreError {
                StoreError.corruptRow(
                    table: Record.table, detail: "record \(stored.id): its shared member lies outside it")
            }
            if try !row.decodeNil(column: "whole") {
                stored.document = try row.decode(column: "whole", as: [UInt8].self)
                if isFirst {
                    guard offset >= 0, length >= 0, offset + length <= stored.document.count else { throw outside() }
                    value = Array(stored.document[offset..<offset + length])
                }
                return stored
            }
            guard let value, value.count == length else {
                throw StoreError.corruptRow(
                    table: Record.table, detail: "record \(stored.id): the page's first record lacks its shared member")
            }
            guard offset >= 0, offset <= stored.documentCount else { throw outside() }
            stored.insert(value, at: offset)
            return stored
        }
    }

    /// One of a page's rows as its stored document.
    static func pageDocument<Record: SyncedRecord>(
        _ row: any SQLRow, _ type: Record.Type, columns: [String]
    ) throws -> StoredDocument {
        try pageDocument(row, Record.composedColumn != nil, columns: columns)
    }

    /// `pageDocument`, for a row of a known type: see `storedDocument`'s specializations.
    @specialized(where Row == PostgresColumns)
    @specialized(where Row == PreparedRow)
    static func pageDocument<Row: SQLRow>(_ row: Row, _ composed: Bool, columns: [String]) throws -> StoredDocument {
        // Bytes as the document's are read (an optional array would be decoded element by element),
        // and left where a PostgreSQL row holds them.
        var nested: [UInt8]?
        var receivedNested: ByteBuffer?
        if composed, try !row.decodeNil(column: "nested") {
            if Row.self == PostgresColumns.self,
                let bytes = (row as! PostgresColumns).textBytes(column: "nested")
            {
                receivedNested = bytes
            } else {
                nested = try row.decode(column: "nested", as: [UInt8].self)
            }
        }
        // The extra columns are what a record's composed members are composed by
        // (`NestedComposer.applicationColumns`); a page composes only a record read without its
        // kept members, so one read with them needs none. Their dictionary, made per record, was
        // 2.3% of a PostgreSQL applications page's CPU (issue 22, thirty-sixth stop).
        let needed = nested == nil && receivedNested == nil ? columns : []
        return try Self.storedDocument(row, columns: needed, nested: nested, receivedNested: receivedNested)
    }

    /// The text and binds of `listDocuments`' statement.
    func pageStatement<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, filter: RecordFilter, after: String?, limit: Int, columns: [String]
    ) -> SerializedStatement {
        // A page without conditions (nearly every one) has its text kept per shape; the binds
        // are the builder's, in its order: the integration, `updated_at`, the cursor's key.
        if filter.conditions.isEmpty {
            let shape = PageShape(
                dialect: reads.dialect.name, table: Record.table, columns: columns,
                includeDeleted: filter.includeDeleted, updatedAfter: filter.updatedAfter != nil, after: after != nil,
                limit: limit)
            let text = Self.pageTexts.withLock { $0[shape] } ?? keepPageText(shape, Record.self)
            var binds: [any Encodable & Sendable] = [integrationID]
            if let updatedAfter = filter.updatedAfter { binds.append(Clock.milliseconds(updatedAfter)) }
            if let after { binds.append(after) }
            // A page that reads its first record again (`pageQuery`) does so twice, by the same
            // conditions, ahead of its own.
            let repeats = readsLean(Record.self) ? 3 : 1
            return SerializedStatement(sql: text, binds: Array(repeating: binds, count: repeats).flatMap { $0 })
        }
        let query = pageQuery(
            Record.self, integrationID: integrationID, filter: filter, after: after, limit: limit, columns: columns)
        var serializer = SQLSerializer(database: reads)
        query.query.serialize(to: &serializer)
        return SerializedStatement(sql: serializer.sql, binds: serializer.binds)
    }

    /// A page's statement, built by SQLKit.
    ///
    /// On PostgreSQL, a model with a `sharedMember` has each record read without its shared
    /// value where the store keeps it so (`page_record`), and whole (`whole`) the page's first
    /// record and any whose value is not the first's; `pageDocuments` puts the first's value
    /// back into the others. PostgreSQL sends a page's rows through its 8 KB output buffer, a
    /// `send` each, and Junction reads them off the socket: a jobs page (100 jobs of 9 KB) was
    /// bound by that (`benchmarks/analysis.md`, forty-third stop), and 4 KB of each job is the
    /// account's questions. Measured with `pgbench` on the demo's jobs, the forms that choose
    /// per record between two documents (a `CASE` returning either, or `lag` over the page's
    /// order) took 1.41–1.86 ms a page against 1.73–1.75 for every job whole; a `CASE` that
    /// returns the whole document or nothing, beside the lean one, 1.25 (every job lean: 1.20).
    /// SQLite hands its rows over in memory and reads every record whole.
    private func pageQuery<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, filter: RecordFilter, after: String?, limit: Int, columns: [String]
    ) -> SQLSelectBuilder {
        let shares = readsLean(Record.self)
        let query = listQuery(
            Record.table, integrationID: integrationID, filter: filter, columns: columns,
            document: shares ? SQLRaw("COALESCE(page_record, record)") : SQLColumn("record"), on: reads)
        if let composed = Record.composedColumn {
            query.column(SQLAlias(bytes(SQLColumn(composed)), as: "nested"))
        }
        if shares {
            // The page's first record, by the page's own conditions: read again by the statement
            // (a key lookup for each of the two values), which keeps each record's choice from
            // depending on the record before it.
            func first(_ value: any SQLExpression) -> any SQLExpression {
                let first = listQuery(
                    Record.table, integrationID: integrationID, filter: filter, columns: [], on: reads)
                _ = Keyset.query(first, keyColumn: "id", after: after, limit: 1)
                first.select.columns = [value]
                first.select.limit = 1
                return SQLGroupExpression(first.select)
            }
            // The four columns are written together, but a record is taken for one without its
            // lean document whatever the others hold: read whole, and no other record completed
            // from it.
            let hash = SQLRaw("CASE WHEN page_record IS NOT NULL THEN shared_hash END")
            query.column(
                SQLAlias(
                    SQLQueryString(
                        """
                        CASE WHEN page_record IS NOT NULL AND (id = \(first(SQLColumn("id")))
                            OR shared_hash IS DISTINCT FROM \(first(hash))) THEN record END
                        """),
                    as: "whole")
            )
            .column(SQLAlias(SQLRaw("CASE WHEN page_record IS NOT NULL THEN shared_offset END"), as: "shared_offset"))
            .column(SQLColumn("shared_length"))
        }
        return Keyset.query(query, keyColumn: "id", after: after, limit: limit)
    }

    /// Whether a page of `Record` reads its records without their shared member (`pageQuery`):
    /// its text and its binds (`pageStatement`) must agree on it.
    private func readsLean<Record: SyncedRecord>(_: Record.Type) -> Bool {
        Record.sharedMember != nil && reads.dialect.name == "postgresql"
    }

    /// The text of `shape`'s statement, serialized from SQLKit's builder and kept.
    private func keepPageText<Record: SyncedRecord>(_ shape: PageShape, _ type: Record.Type) -> String {
        let query = pageQuery(
            Record.self, integrationID: "",
            filter: RecordFilter(
                includeDeleted: shape.includeDeleted, updatedAfter: shape.updatedAfter ? Date() : nil),
            after: shape.after ? "" : nil, limit: shape.limit, columns: shape.columns)
        var serializer = SQLSerializer(database: reads)
        query.query.serialize(to: &serializer)
        Self.pageTexts.withLock { $0[shape] = serializer.sql }
        return serializer.sql
    }

    /// What a page's statement text depends on, besides its binds' values.
    struct PageShape: Hashable {
        var dialect: String
        var table: String
        var columns: [String]
        var includeDeleted: Bool
        var updatedAfter: Bool
        var after: Bool
        var limit: Int
    }

    /// Page statements' texts by shape: a few per model (page sizes, `include_deleted`,
    /// `updated_after`, first or later page), each serialized once.
    static let pageTexts = Mutex<[PageShape: String]>([:])

    /// Stored documents of a model whose `column` is one of `values`, in id order: one query for
    /// a page's worth of nested objects.
    ///
    /// With `summaries`, a record's `document` is its summary (the object of the model's
    /// `summaryKeys`) where one is stored, else the whole document, which holds the same members.
    public func documents<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, where column: String, in values: [String],
        includeDeleted: Bool = false, columns: [String] = [], summaries: Bool = false
    ) async throws -> [StoredDocument] {
        let unique = Array(Set(values))
        guard !unique.isEmpty else { return [] }
        precondition(!summaries || Record.summaryKeys != nil, "\(Record.table) keeps no summaries")
        let query = listQuery(
            Record.table, integrationID: integrationID, filter: RecordFilter(includeDeleted: includeDeleted),
            columns: columns,
            document: summaries
                ? SQLFunction("COALESCE", args: SQLColumn("summary"), SQLColumn("record")) : SQLColumn("record"))
        // Sorted here, not by ORDER BY: with it SQLite's planner walks the (integration_id, id)
        // key in order past every record of the integration instead of using `column`'s index
        // (issue 9: 45 ms per candidates page at 15,000 applications).
        return try await query.where(column, .in, unique).all().map {
            try Self.storedDocument($0, columns: columns)
        }
        .sorted { $0.id < $1.id }
    }

    /// `keyed`: the statement finds the rows by their keys (`keyedIntegration`).
    private func listQuery(
        _ table: String, integrationID: String, filter: RecordFilter, columns: [String],
        document: any SQLExpression = SQLColumn("record"), on database: (any SQLDatabase)? = nil, keyed: Bool = false
    ) -> SQLSelectBuilder {
        // On SQLite the document is read as a blob: SQLiteNIO makes a `String` of a text cell,
        // checking (and repairing) its UTF-8, a tenth of a jobs page's CPU, for text the store
        // wrote itself; the bytes are what the page copies. PostgreSQL's rows hand the bytes over.
        let documentColumn = SQLAlias(bytes(document), as: "record")
        let query = (database ?? sql).select()
            .columns(
                [SQLColumn("id"), documentColumn]
                    + (["changed_at", "remote_deleted_at"] + columns).map { SQLColumn($0) }
            )
            .from(table)
        if keyed {
            query.where(SQLColumn("integration_id"), .equal, Self.keyedIntegration(integrationID, on: database ?? sql))
        } else {
            query.where("integration_id", .equal, integrationID)
        }
        if !filter.includeDeleted { query.where("remote_deleted_at", .is, SQLLiteral.null) }
        if let updatedAfter = filter.updatedAfter {
            query.where("updated_at", .greaterThan, Clock.milliseconds(updatedAfter))
        }
        for condition in filter.conditions {
            switch condition {
            case .oneOf(let column, let values):
                if values.isEmpty { query.where(SQLRaw("1 = 0")) } else { query.where(column, .in, values) }
            case .oneOfKnown(let column, let values):
                let known = Set(values).sorted()
                if known.isEmpty {
                    query.where(SQLRaw("1 = 0"))
                } else if (database ?? sql).dialect.name == "postgresql" {
                    // A bound value PostgreSQL's statistics know (`outcome = PENDING`, most of an
                    // integration's applications) makes every run's custom plan look cheaper than
                    // the generic one, so the prepared statement is planned again at each run: the
                    // planner was half of the filtered page's time in PostgreSQL
                    // (`benchmarks/analysis.md`). Written into the text, the value is part of the
                    // statement and its plan is kept. The values are sorted and distinct, so a
                    // column has at most 2^n texts; the named statements are capped anyway.
                    query.where(SQLColumn(column), .in, SQLGroupExpression(known.map { SQLLiteral.string($0) }))
                } else {
                    query.where(column, .in, known)
                }
            case .atLeast(let column, let milliseconds):
                query.where(column, .greaterThanOrEqual, milliseconds)
            case .contains(let column, let text):
                // SQLite's LIKE has no default escape character; naming one works in both dialects.
                // The column holds folded text (`foldCase`); the pattern is folded the same way.
                let pattern = "%" + Self.escapeLike(Self.foldCase(text)) + "%"
                query.where(SQLQueryString("\(ident: column) LIKE \(bind: pattern) ESCAPE '\\'"))
            case .related(let column, let table, let selectColumn, let whereColumn, let values):
                let subquery = SQLSubquery.select { sub in
                    sub.column(SQLColumn(selectColumn)).from(table)
                        .where("integration_id", .equal, integrationID)
                        .where(whereColumn, .in, values)
                        .where("remote_deleted_at", .is, SQLLiteral.null)
                }
                query.where(SQLColumn(column), .in, subquery)
            case .nothing:
                query.where(SQLRaw("1 = 0"))
            }
        }
        return query
    }

    /// A text column to be read as bytes: a blob on SQLite (see `listQuery`), the text itself on
    /// PostgreSQL, whose rows hand its bytes over.
    func bytes(_ text: any SQLExpression) -> any SQLExpression {
        sql.dialect.name == "sqlite" ? SQLQueryString("CAST(\(text) AS BLOB)") : text
    }

    /// A document from `row`, whose columns may carry a `prefix` (one table's in a join).
    ///
    /// Generic over the row's type so that telling a PostgreSQL row compares types: a cast of the
    /// row (`as?`) copied every SQLite row, a retain and a release of each of its arrays.
    ///
    /// Specialized for the two row types pages read: a generic call of this function (a page's
    /// row comes as `any SQLRow`) goes to the copy for the row's type, where each cell's decode is
    /// the row type's own, inlined for the type asked, instead of a witness call deciding the
    /// type cell by cell.
    @specialized(where Row == PostgresColumns)
    @specialized(where Row == PreparedRow)
    static func storedDocument<Row: SQLRow>(
        _ row: Row, columns: [String], prefix: String = "", nested: [UInt8]? = nil, receivedNested: ByteBuffer? = nil
    ) throws -> StoredDocument {
        var values: [String: String] = [:]
        for column in columns {
            if let value = try row.decode(column: prefix + column, as: String?.self) { values[column] = value }
        }
        let id = try row.decode(column: prefix + "id", as: String.self)
        let changedAt = Clock.date(try row.decode(column: prefix + "changed_at", as: Int64.self))
        let remoteDeletedAt = try row.decode(column: prefix + "remote_deleted_at", as: Int64?.self).map(Clock.date)
        let received =
            Row.self == PostgresColumns.self
            ? (row as! PostgresColumns).textBytes(column: prefix + "record") : nil
        let document = received == nil ? try row.decode(column: prefix + "record", as: [UInt8].self) : []
        // Nothing that throws among the initializer's arguments: with a `try` there the document
        // was built aside and copied (five retains), not built in place.
        return StoredDocument(
            id: id, document: document, received: received, changedAt: changedAt, remoteDeletedAt: remoteDeletedAt,
            columns: values, nested: nested, receivedNested: receivedNested)
    }

    /// What the answer to a created application shows, read in one statement instead of five
    /// (a write's statements are most of its cost): the application, deleted or not, with the
    /// `columns` its nested objects are found by; its candidate (`candidateID`, deleted or not);
    /// its job's summary; its stage (deleted or not); and its job's live link to that stage, with
    /// `job_id` and `stage_id`. Each is what `documents` and `jobSummaries` return for it.
    public func createdApplication(
        integrationID: String, applicationID: String, candidateID: String, columns: [String]
    ) async throws -> CreatedApplicationDocuments? {
        func document(_ alias: String) -> SQLQueryString {
            """
            \(unsafeRaw: alias).id AS \(unsafeRaw: alias)_id, \(unsafeRaw: alias).record AS \(unsafeRaw: alias)_record,
            \(unsafeRaw: alias).changed_at AS \(unsafeRaw: alias)_changed_at,
            \(unsafeRaw: alias).remote_deleted_at AS \(unsafeRaw: alias)_remote_deleted_at
            """
        }
        let extra = columns.map { "a.\($0) AS a_\($0)" }.joined(separator: ", ")
        guard
            let row = try await sql.raw(
                """
                SELECT \(document("a")), \(unsafeRaw: extra), \(document("c")),
                    j.id AS j_id, j.name AS j_name, j.remote_id AS j_remote_id,
                    \(document("s")), \(document("l")), l.job_id AS l_job_id, l.stage_id AS l_stage_id
                FROM applications a
                LEFT JOIN candidates c ON c.integration_id = a.integration_id AND c.id = \(bind: candidateID)
                LEFT JOIN jobs j ON j.integration_id = a.integration_id AND j.id = a.job_id
                LEFT JOIN application_stages s ON s.integration_id = a.integration_id AND s.id = a.current_stage_id
                LEFT JOIN job_stages l ON l.integration_id = a.integration_id AND l.job_id = a.job_id
                    AND l.stage_id = a.current_stage_id AND l.remote_deleted_at IS NULL
                WHERE a.integration_id = \(bind: integrationID) AND a.id = \(bind: applicationID)
                """
            ).first()
        else { return nil }
        func present(_ alias: String) throws -> Bool { try row.decode(column: alias + "_id", as: String?.self) != nil }
        return CreatedApplicationDocuments(
            application: try Self.storedDocument(row, columns: columns, prefix: "a_"),
            candidate: try present("c") ? try Self.storedDocument(row, columns: [], prefix: "c_") : nil,
            job: try present("j")
                ? NestedJob(
                    id: try row.decode(column: "j_id", as: String.self),
                    name: try row.decode(column: "j_name", as: String?.self),
                    remoteID: try row.decode(column: "j_remote_id", as: String.self)) : nil,
            stage: try present("s") ? try Self.storedDocument(row, columns: [], prefix: "s_") : nil,
            link: try present("l") ? try Self.storedDocument(row, columns: ["job_id", "stage_id"], prefix: "l_") : nil)
    }

    /// What the nested objects of a page point to, read in one statement instead of four (each
    /// statement is a trip to the database's thread with its own preparation): for each matching
    /// application, its job's summary, its stage (deleted or not), its job's live link to that
    /// stage, and for `.ofApplications` its candidate (deleted or not). Each distinct object once,
    /// as `documents` and `jobSummaries` return it; application documents (summaries, with
    /// `NestedComposer.applicationColumns`) only for `.ofCandidates`, in id order.
    public func nestedSources(integrationID: String, for request: NestedSourcesRequest) async throws
        -> NestedSources
    {
        try await Self.nestedSources(integrationID: integrationID, for: request, on: sql)
    }

    /// `nestedSources`, on `database` (a transaction's connection, for a save composing what it keeps).
    static func nestedSources(integrationID: String, for request: NestedSourcesRequest, on database: any SQLDatabase)
        async throws -> NestedSources
    {
        guard let query = Self.nestedSourcesQuery(integrationID, request, sqlite: database.dialect.name == "sqlite")
        else { return NestedSources() }
        let rows = try await database.raw(query).all()
        let (withApplications, withCandidates) = (request.readsApplications, request.readsCandidates)
        // A job, stage or candidate shared by several applications comes once per row; each is
        // decoded the first time it is seen.
        var sources = NestedSources()
        var seen: (candidates: Set<String>, jobs: Set<String>, stages: Set<String>, links: Set<String>) = (
            [], [], [], []
        )
        for row in rows {
            if withApplications {
                let application = try Self.storedDocument(
                    row, columns: ["candidate_id", "job_id", "current_stage_id"], prefix: "a_")
                if request.readsStamps, let stamp = try row.decode(column: "a_missing_stamp", as: Int64?.self) {
                    sources.stamps[application.id] = stamp
                    sources.pointers[application.id] = application.columns
                }
                sources.applications.append(application)
            } else {
                // Only an applications page compares them with its own (`NestedComposer.applications`).
                var pointers: [String: String] = [:]
                for column in ["candidate_id", "job_id", "current_stage_id"] {
                    if let value = try row.decode(column: "a_" + column, as: String?.self) { pointers[column] = value }
                }
                let id = try row.decode(column: "a_id", as: String.self)
                sources.pointers[id] = pointers
                if request.readsStamps { sources.stamps[id] = try row.decode(column: "a_nested_stamp", as: Int64.self) }
            }
            if withCandidates, let id = try row.decode(column: "c_id", as: String?.self),
                seen.candidates.insert(id).inserted
            {
                sources.candidates.append(try Self.storedDocument(row, columns: [], prefix: "c_"))
            }
            if let jobID = try row.decode(column: "j_id", as: String?.self), seen.jobs.insert(jobID).inserted {
                sources.jobs.append(
                    NestedJob(
                        id: jobID, name: try row.decode(column: "j_name", as: String?.self),
                        remoteID: try row.decode(column: "j_remote_id", as: String.self)))
            }
            if let id = try row.decode(column: "s_id", as: String?.self), seen.stages.insert(id).inserted {
                sources.stages.append(try Self.storedDocument(row, columns: [], prefix: "s_"))
            }
            if let id = try row.decode(column: "l_id", as: String?.self), seen.links.insert(id).inserted {
                sources.links.append(try Self.storedDocument(row, columns: ["job_id", "stage_id"], prefix: "l_"))
            }
        }
        // In id order, sorted here for the reason given at `documents`.
        sources.applications.sort { $0.id < $1.id }
        return sources
    }

    /// What `applications` (as a page read them, with `NestedComposer.applicationColumns`) point
    /// to, found by their own columns with one query per relation: `nestedSources(.ofApplications)`
    /// for when the join read the applications after a sync changed them (a new stage), which the
    /// page, read a moment before, does not show yet.
    public func nestedSources(integrationID: String, pointedToBy applications: [StoredDocument]) async throws
        -> NestedSources
    {
        var sources = NestedSources()
        sources.candidates = try await documents(
            Candidate.self, integrationID: integrationID, where: "id",
            in: applications.compactMap { $0.columns["candidate_id"] }, includeDeleted: true)
        sources.jobs = try await jobSummaries(
            integrationID: integrationID, ids: applications.compactMap { $0.columns["job_id"] })
        sources.stages = try await documents(
            ApplicationStage.self, integrationID: integrationID, where: "id",
            in: applications.compactMap { $0.columns["current_stage_id"] }, includeDeleted: true)
        sources.links = try await documents(
            JobStageLink.self, integrationID: integrationID, where: "id",
            in: applications.compactMap { application in
                application.columns["job_id"].flatMap { jobID in
                    application.columns["current_stage_id"].map { Identifier.link(jobID, $0) }
                }
            }, columns: ["job_id", "stage_id"])
        for application in applications { sources.pointers[application.id] = application.columns }
        return sources
    }

    /// `nestedSources`' statement; nil when there is nothing to read.
    static func nestedSourcesQuery(_ integrationID: String, _ request: NestedSourcesRequest, sqlite: Bool)
        -> SQLQueryString?
    {
        let (column, values, live): (String, [String], Bool) =
            switch request {
            case .ofCandidates(let ids): ("candidate_id", ids, true)
            case .ofApplications(let ids): ("id", ids, false)
            case .ofSavedCandidates(let ids): ("candidate_id", ids, false)
            }
        let unique = Array(Set(values))
        guard !unique.isEmpty else { return nil }
        // The documents as bytes: a blob on SQLite (see `listQuery`), the text's bytes on PostgreSQL.
        func document(_ alias: String, _ expression: String) -> String {
            let bytes = sqlite ? "CAST(\(expression) AS BLOB)" : expression
            return """
                \(alias).id AS \(alias)_id, \(bytes) AS \(alias)_record, \(alias).changed_at AS \(alias)_changed_at,
                \(alias).remote_deleted_at AS \(alias)_remote_deleted_at
                """
        }
        let selected = [
            "a.id AS a_id, a.candidate_id AS a_candidate_id, a.job_id AS a_job_id, "
                + "a.current_stage_id AS a_current_stage_id",
            request.readsStamps
                ? "CASE WHEN a.nested_objects IS NULL THEN a.nested_stamp END AS a_missing_stamp" : nil,
            request.readsApplications ? document("a", "COALESCE(a.summary, a.record)") : nil,
            request.readsCandidates ? document("c", "c.record") : nil,
            "j.id AS j_id, j.name AS j_name, j.remote_id AS j_remote_id",
            document("s", "s.record"),
            document("l", "l.record") + ", l.job_id AS l_job_id, l.stage_id AS l_stage_id",
        ].compactMap { $0 }.joined(separator: ",\n    ")
        let candidateJoin =
            request.readsCandidates
            ? "LEFT JOIN candidates c ON c.integration_id = a.integration_id AND c.id = a.candidate_id" : ""
        // PostgreSQL joined an integration's jobs and pipeline links by hashing all of them (1,000
        // and 2,779 rows at 100,000 candidates) for each statement's few hundred applications;
        // looked up per application (a subquery with a limit, which it does not merge into a
        // join), the statement took 10-25% less (`benchmarks/analysis.md`, twenty-first stop).
        // Each finds at most one row: a job by its key, a link by its job and stage (its id is
        // made of the two). SQLite looks each up by its index already.
        let (jobJoin, linkJoin) =
            sqlite
            ? (
                "LEFT JOIN jobs j ON j.integration_id = a.integration_id AND j.id = a.job_id",
                """
                LEFT JOIN job_stages l ON l.integration_id = a.integration_id AND l.job_id = a.job_id
                    AND l.stage_id = a.current_stage_id AND l.remote_deleted_at IS NULL
                """
            )
            : (
                """
                LEFT JOIN LATERAL (
                    SELECT id, name, remote_id FROM jobs
                    WHERE integration_id = a.integration_id AND id = a.job_id LIMIT 1
                ) j ON TRUE
                """,
                """
                LEFT JOIN LATERAL (
                    SELECT id, record, changed_at, remote_deleted_at, job_id, stage_id FROM job_stages
                    WHERE integration_id = a.integration_id AND job_id = a.job_id
                        AND stage_id = a.current_stage_id AND remote_deleted_at IS NULL
                    LIMIT 1
                ) l ON TRUE
                """
            )
        return """
            SELECT \(unsafeRaw: selected)
            FROM applications a
            \(unsafeRaw: candidateJoin)
            \(unsafeRaw: jobJoin)
            LEFT JOIN application_stages s ON s.integration_id = a.integration_id AND s.id = a.current_stage_id
            \(unsafeRaw: linkJoin)
            WHERE a.integration_id = \(keyedIntegration(integrationID, postgres: !sqlite))
                AND a.\(ident: column) IN (\(binds: unique))
                \(unsafeRaw: live ? "AND a.remote_deleted_at IS NULL" : "")
            """
    }

    /// Records of a model whose `column` is one of `values`, for composing nested objects: one
    /// query for a whole page's worth.
    ///
    /// `remoteData: false` leaves `remote_data` out (nil) without decoding it: for callers that
    /// only need the unified fields (a job's form for a write), it is most of a document.
    public func records<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, where column: String, in values: [String],
        includeDeleted: Bool = false, remoteData: Bool = true
    ) async throws -> [Record] {
        let unique = Array(Set(values))
        guard !unique.isEmpty else { return [] }
        let query = listQuery(
            Record.table, integrationID: integrationID, filter: RecordFilter(includeDeleted: includeDeleted),
            columns: [], keyed: true)
        // In id order, sorted here for the reason given at `documents`.
        return try await query.where(column, .in, unique).all()
            .map { try Self.decodeRecord(Record.self, $0, remoteData: remoteData) }
            .sorted { $0.id < $1.id }
    }

    /// Id, name and remote id of jobs, from their columns: what nested `job` objects show,
    /// without decoding whole job documents.
    public func jobSummaries(integrationID: String, ids: [String]) async throws -> [NestedJob] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [] }
        return try await sql.select().columns("id", "name", "remote_id").from(Job.table)
            .where("integration_id", .equal, integrationID).where("id", .in, unique)
            .all()
            .map { row in
                NestedJob(
                    id: try row.decode(column: "id", as: String.self),
                    name: try row.decode(column: "name", as: String?.self),
                    remoteID: try row.decode(column: "remote_id", as: String.self))
            }
    }

    static func decodeRecord<Record: SyncedRecord>(_ type: Record.Type, _ row: any SQLRow, remoteData: Bool = true)
        throws -> Record
    {
        var text = try row.decode(column: "record", as: [UInt8].self)
        if !remoteData {
            var writer = JSONWriter(reservingCapacity: text.count)
            writer.beginObject()
            try JSONObjectMembers(text).copyMembers(into: &writer, excluding: ["remote_data"])
            writer.endObject()
            text = writer.bytes
        }
        var record = try JSONValue.decodeParsed(Record.self, from: Data(text), makeDecoder: UnifiedJSON.makeDecoder)
        // The columns are authoritative for what the store itself maintains.
        record.changedAt = Clock.date(try row.decode(column: "changed_at", as: Int64.self))
        record.remoteDeletedAt = try row.decode(column: "remote_deleted_at", as: Int64?.self).map(Clock.date)
        return record
    }

    /// `%`, `_` and the escape character itself, escaped for `LIKE … ESCAPE '\'`.
    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
