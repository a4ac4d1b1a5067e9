import Crypto
import Foundation
import JunctionModel
import SQLKit

/// A unified model the store mirrors from a remote: one table per model, holding the record's
/// JSON document, the columns filters and paging need, and the bookkeeping every synced record
/// shares (content hash, `changed_at`, `updated_at`, `remote_deleted_at`, `last_seen_run`).
public protocol SyncedRecord: Codable, Sendable {
    /// The table; created by a migration with the shared columns plus `filterColumns`.
    static var table: String { get }
    /// Extra columns, in the order of `filterValues`.
    static var filterColumns: [String] { get }
    var filterValues: [any Encodable & Sendable] { get }
    var id: String { get }
    var storedRemoteID: String? { get }
    var changedAt: Date { get set }
    var remoteDeletedAt: Date? { get set }
    /// JSON keys holding nested data: a change there moves `updated_at` but not `changed_at`
    /// (architecture rule 3).
    static var nestedKeys: Set<String> { get }
    /// The members other records' pages embed of this model, kept as a `summary` column beside
    /// the document so those pages read no whole document; nil for models without that column.
    static var summaryKeys: [String]? { get }
    /// Members the read API writes from other tables over the stored ones (a candidate's
    /// `applications`), in the order it writes them.
    static var composedKeys: [String] { get }
    /// The column keeping the record's composed members (`composedKeys`) as written JSON (a
    /// candidate's `applications` array; an object holding an application's three), so a page
    /// copies them instead of composing them; nil where pages compose. Written by the record's
    /// save (`compose`, where the model implements it) and by a sync's pass
    /// (`storeNestedApplications`, `storeNestedObjects`), emptied (NULL) wherever what it is
    /// composed from changes.
    static var composedColumn: String? { get }
    /// A member whose value a page's records tend to share (a job's screening questions are its
    /// account's, `QuestionMapper`), which PostgreSQL's pages then send once instead of in every
    /// record: a save on PostgreSQL also keeps the document without the member's value
    /// (`page_record`) and where and how long the value was (`RecordRepository.SharedValue`),
    /// and a page reads that for a record whose value is the page's first record's
    /// (`RecordRepository.pageQuery`). Nil for models whose tables have no such columns.
    static var sharedMember: String? { get }
    /// The raw upstream payload, for the models that keep one (nil and ignored elsewhere).
    var remoteData: [String: JSONValue]? { get set }
    /// Moves `updated_at` of records elsewhere that embed records of this model, after records
    /// with `ids` were added, changed or deleted.
    static func propagateChanges(ids: [String], integrationID: String, now: Int64, on connection: any SQLDatabase)
        async throws
    /// Runs before records with `ids` are written over, while what they replace is still stored.
    static func willChange(ids: [String], integrationID: String, on connection: any SQLDatabase) async throws
    /// The `composedColumn` JSON of records with `ids`, as `connection` (the save's transaction)
    /// sees what it is composed from; only called for models with a `composedColumn`.
    static func compose(ids: [String], integrationID: String, on connection: any SQLDatabase) async throws
        -> [String: [UInt8]]
}

extension SyncedRecord {
    public static var nestedKeys: Set<String> { [] }
    public static var summaryKeys: [String]? { nil }
    public static var composedKeys: [String] { [] }
    public static var composedColumn: String? { nil }
    public static var sharedMember: String? { nil }
    /// The members a stored document holds first: those a page writes from elsewhere (the
    /// store's columns, then `composedKeys`), so a page copies the rest as one run of bytes
    /// (`JSONObjectMembers.afterLeading`) instead of scanning every member.
    public static var leadingKeys: [String] { ["changed_at", "remote_deleted_at"] + composedKeys }
    public var remoteData: [String: JSONValue]? {
        get { nil }
        set {}
    }
    public static func propagateChanges(
        ids: [String], integrationID: String, now: Int64, on connection: any SQLDatabase
    ) async throws {}
    public static func willChange(ids: [String], integrationID: String, on connection: any SQLDatabase)
        async throws
    {}
    public static func compose(ids: [String], integrationID: String, on connection: any SQLDatabase) async throws
        -> [String: [UInt8]]
    { [:] }
}

/// The synced records of one integration: saving a sync's pages, marking what was not seen,
/// and the keyset listings the API serves.
public struct RecordRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var records: RecordRepository { RecordRepository(store: self) }
}

extension RecordRepository {
    /// Inserts or updates records of one integration; see `saveJobs` for the rules.
    func save<Record: SyncedRecord>(_ records: [Record], integrationID: String, now: Date, runID: String?) async throws
        -> SaveOutcome
    {
        // Encoded before the transaction: SQLite's writers wait for it.
        try await savePrepared(Self.preparedPage(records), integrationID: integrationID, now: now, runID: runID)
    }

    /// A page of records encoded for saving (`preparedPage`), to be saved by `savePrepared`.
    public struct PreparedPage<Record: SyncedRecord>: Sendable {
        let prepared: [Prepared<Record>]
        /// How many records the page holds.
        public var count: Int { prepared.count }
    }

    /// `records` encoded as `saveRecords` stores them: the CPU half of a save, which touches no
    /// database and may run while another page's save is being written.
    public static func preparedPage<Record: SyncedRecord>(_ records: [Record]) throws -> PreparedPage<Record> {
        PreparedPage(prepared: try Self.prepare(records))
    }

    /// Saves a page `preparedPage` encoded, as `saveRecords` would have saved its records.
    ///
    /// `listingUncomposed: false` leaves applications whose objects it empties off PostgreSQL's
    /// list of those to compose (`Application.uncomposedTable`), for a FULL, which writes every
    /// application and keeps nearly all of their objects as it saves their candidates: its pass
    /// reads the whole table instead (`storeNestedObjects(scanning:)`) where its keeps left any.
    public func savePrepared<Record: SyncedRecord>(
        _ page: PreparedPage<Record>, integrationID: String, now: Date = Date(), runID: String? = nil,
        listingUncomposed: Bool = true
    ) async throws -> SaveOutcome {
        guard !page.prepared.isEmpty else { return SaveOutcome() }
        return try await database.transaction { connection in
            try await Self.store(
                page.prepared, integrationID: integrationID, now: now, runID: runID,
                listingUncomposed: listingUncomposed, on: connection)
        }
    }

    /// What a save stores of a record: its columns, its stored document, hashes, and summary
    /// (for models that keep one). Not the record itself: the save went through its prepared
    /// records with the record in each, and taking one out copied every member of the record
    /// (a retain for each string, array and dictionary in it), 14% of a FULL's `swift_retain`
    /// calls (`benchmarks/analysis.md`, thirty-second stop).
    struct Prepared<Record: SyncedRecord>: Sendable {
        let id: String
        let remoteID: String?
        /// `SyncedRecord.filterValues`, in `Record.filterColumns`' order.
        let filterValues: [any Encodable & Sendable]
        let own: String
        let nested: String
        let document: String
        let summary: String?
    }

    /// Where a document holds its `sharedMember`'s value, and the document without it: the
    /// columns `page_record` (`lean`), `shared_offset` and `shared_length` (bytes) and
    /// `shared_hash`. The document is `lean` with the value's bytes put back at `offset`.
    struct SharedValue: Sendable, Equatable {
        let lean: String
        let offset: Int64
        let length: Int64
        let hash: String

        /// The columns, in the order `values` lists them.
        static let columns = ["page_record", "shared_offset", "shared_length", "shared_hash"]

        /// `member`'s value in `document` (a JSON object's bytes), nil where it has none.
        init?(_ member: String, in document: [UInt8]) throws {
            guard let range = try JSONObjectMembers(document).valueRange(member) else { return nil }
            var lean = document
            lean.removeSubrange(range)
            self.lean = String(decoding: lean, as: UTF8.self)
            offset = Int64(range.lowerBound)
            length = Int64(range.count)
            hash = hexadecimal(SHA256.hash(data: document[range]))
        }

        var values: [any Encodable & Sendable] { [lean, offset, length, hash] }

        /// The four columns' values for a record with no `SharedValue`: all null.
        static let none: [any Encodable & Sendable] = [String?.none, Int64?.none, Int64?.none, String?.none]
    }

    /// One encode per record: the stored document (its `leadingKeys` first), the hashes taken
    /// from its members, and the summary copied from them.
    static func prepare<Record: SyncedRecord>(_ records: [Record]) throws -> [Prepared<Record>] {
        try records.map { record in
            let encoded = try Self.document(of: record)
            // One scan of the document's members serves the hashes, the summary and the order.
            // The hashes are taken in the encoder's (sorted) order, as stored hashes were.
            let members = try JSONObjectMembers(encoded)
            let hashes = Self.hashes(of: members, nestedKeys: Record.nestedKeys)
            let summary = Record.summaryKeys.map {
                String(decoding: members.requiredMembersObject($0), as: UTF8.self)
            }
            let document = members.withLeading(Record.leadingKeys) ?? encoded
            return Prepared(
                id: record.id, remoteID: record.storedRemoteID, filterValues: record.filterValues, own: hashes.own,
                nested: hashes.nested, document: String(decoding: document, as: UTF8.self), summary: summary)
        }
    }

    /// The columns `store` compares a record with as stored: `storedStates` reads them.
    static func storedStateColumns<Record: SyncedRecord>(of _: Record.Type) -> [String] {
        ["id", "content_hash", "nested_hash", "changed_at", "remote_deleted_at"]
            + (Record.composedColumn == nil ? [] : ["nested_stamp"])
    }

    /// The stored state (`storedStateColumns`) of the integration's records with `ids`.
    static func storedStates<Record: SyncedRecord>(
        of _: Record.Type, ids: [String], integrationID: String, on connection: any SQLDatabase
    ) async throws -> [any SQLRow] {
        try await storedStatesQuery(of: Record.self, ids: ids, integrationID: integrationID, on: connection).all()
    }

    /// `storedStates`' statement.
    static func storedStatesQuery<Record: SyncedRecord>(
        of _: Record.Type, ids: [String], integrationID: String, on connection: any SQLDatabase
    ) -> SQLSelectBuilder {
        connection.select().columns(Self.storedStateColumns(of: Record.self)).from(Record.table)
            .where(SQLColumn("integration_id"), .equal, keyedIntegration(integrationID, on: connection))
            .where("id", .in, ids)
    }

    /// The value a statement that finds an integration's rows by their keys (`id IN (…)`, a join
    /// on ids) compares `integration_id` with: on PostgreSQL an uncorrelated subquery's, which
    /// the planner does not read; the bound value on SQLite, which plans from the schema alone.
    ///
    /// PostgreSQL plans a statement for its bound values. An integration its statistics do not
    /// list, as one whose first import goes into tables another integration filled, it takes
    /// for a row or two. It then found a page's keys by walking all of the integration's rows
    /// through an index that starts with `integration_id`, filtering each, instead of looking
    /// each key up: every page of that import read all the import had stored so far. Beside
    /// another integration's 20,000 candidates, in such a FULL of 20,000 more (10.8 s),
    /// PostgreSQL spent 7.2 s in two of these statements (`benchmarks/analysis.md`,
    /// forty-second stop). Without
    /// the value, the planner takes the integration for one of average size, for which looking
    /// the keys up is the cheaper plan. Tables with no statistics at all (a first import into
    /// empty ones) make any integration 0.5% of a table, bound or not: there a sync analyzes
    /// each table after its first page (`SyncEngine.analyzeAfterFirstPage`).
    static func keyedIntegration(_ integrationID: String, postgres: Bool) -> SQLQueryString {
        postgres ? "(SELECT CAST(\(bind: integrationID) AS TEXT))" : "\(bind: integrationID)"
    }

    /// `keyedIntegration(_:postgres:)` for `connection`'s backend.
    static func keyedIntegration(_ integrationID: String, on connection: any SQLDatabase) -> SQLQueryString {
        keyedIntegration(integrationID, postgres: connection.dialect.name == "postgresql")
    }

    /// What composes the `composedColumn` of the records a save writes, from their ids and
    /// stored documents, on the save's transaction: `SyncedRecord.compose` unless a caller
    /// composes more from the same read (`savePreparedCandidates`).
    typealias Composer = (_ saved: [(id: String, document: String)], _ connection: any SQLDatabase) async throws
        -> [String: [UInt8]]

    /// `save`'s statements, on a connection in a transaction. `propagating: false` leaves the
    /// records' `propagateChanges` to the caller, which runs it in the same transaction.
    /// `stored` is the records' `storedStates` when the caller read them already, in the same
    /// transaction.
    static func store<Record: SyncedRecord>(
        _ prepared: [Prepared<Record>], integrationID: String, now: Date, runID: String?, propagating: Bool = true,
        listingUncomposed: Bool = true, stored given: [any SQLRow]? = nil, composing composer: Composer? = nil,
        on connection: any SQLDatabase
    ) async throws -> SaveOutcome {
        let table = Record.table
        let nowMilliseconds = Clock.milliseconds(now)
        // A run's saves mark what it saw in the same statement; a save outside a run (a write)
        // leaves `last_seen_run` as it is.
        let columns =
            ["integration_id", "id", "remote_id"] + Record.filterColumns + [
                "changed_at", "updated_at", "remote_deleted_at", "content_hash", "nested_hash", "record",
            ] + (Record.summaryKeys == nil ? [] : ["summary"])
            + (Record.sharedMember == nil ? [] : SharedValue.columns)
            + (Record.composedColumn.map { [$0, "nested_stamp"] } ?? []) + (runID == nil ? [] : ["last_seen_run"])
        guard !prepared.isEmpty else { return SaveOutcome() }
        // Only PostgreSQL's pages read a record without its shared member: SQLite's read every
        // record whole, and the lean copy in each row cost a SQLite jobs page 7% more CPU.
        let postgres = connection.dialect.name == "postgresql"
        var outcome = SaveOutcome()
        var touched: [String] = []
        var saved: [(id: String, document: String)] = []
        // One query for what is stored and one insert for what changed, per page: the
        // statements, not the rows, cost most (issue 9's profile).
        let stored: [any SQLRow]
        if let given {
            stored = given
        } else {
            stored = try await Self.storedStates(
                of: Record.self, ids: prepared.map(\.id), integrationID: integrationID, on: connection)
        }
        var existing: [String: any SQLRow] = [:]
        for row in stored { existing[try row.decode(column: "id", as: String.self)] = row }
        // Hashes written before the current scheme are recomputed from the stored documents
        // (which the current scheme hashes the same way), so changing the scheme does not
        // count every record as changed once.
        let current = try await Self.upgradeLegacyHashes(
            stored, table: table, integrationID: integrationID, nestedKeys: Record.nestedKeys, on: connection)
        var rows: [[any Encodable & Sendable]] = []
        var seen = Set<String>()
        // Records stored already and unchanged: only their `last_seen_run` moves.
        var unchangedIDs: [String] = []
        for record in prepared {
            // A page that repeats a record: the repeat changes nothing.
            guard seen.insert(record.id).inserted else {
                outcome.unchanged += 1
                continue
            }
            var changedAt = nowMilliseconds
            if let existing = existing[record.id],
                try existing.decode(column: "content_hash", as: String.self) == PersonalDataRepository.erasedHash
            {
                // Erased on request (`junction erase`): Personio still has it; it stays erased here
                // (and was seen: it is not deleted upstream).
                outcome.unchanged += 1
                unchangedIDs.append(record.id)
                continue
            }
            if let existing = existing[record.id] {
                let hashes = current[record.id]
                let ownSame = hashes?.own == record.own
                let nestedSame = hashes?.nested == record.nested
                let wasDeleted = try existing.decode(column: "remote_deleted_at", as: Int64?.self) != nil
                if ownSame && nestedSame && !wasDeleted {
                    outcome.unchanged += 1
                    unchangedIDs.append(record.id)
                    continue
                }
                if ownSame && !wasDeleted {
                    // Only nested data changed: `updated_at` moves, `changed_at` stays.
                    changedAt = try existing.decode(column: "changed_at", as: Int64.self)
                    outcome.nestedChanged += 1
                } else {
                    outcome.changed += 1
                }
            } else {
                outcome.inserted += 1
            }
            touched.append(record.id)
            if composer != nil { saved.append((record.id, record.document)) }
            // Appended into room for the whole row (the composed columns are inserted below):
            // two array literals joined by two concatenations allocated four arrays a record.
            var row: [any Encodable & Sendable] = []
            row.reserveCapacity(columns.count)
            row.append(integrationID)
            row.append(record.id)
            row.append(record.remoteID)
            row.append(contentsOf: record.filterValues)
            row.append(changedAt)
            row.append(nowMilliseconds)
            row.append(Int64?.none)
            row.append(record.own)
            row.append(record.nested)
            row.append(record.document)
            if Record.summaryKeys != nil { row.append(record.summary) }
            if let member = Record.sharedMember {
                // Found in the stored document here, on the backend that keeps it, rather than
                // for every save in `prepare`: SQLite's saves would throw it away.
                let shared = postgres ? try SharedValue(member, in: Array(record.document.utf8)) : nil
                row.append(contentsOf: shared?.values ?? SharedValue.none)
            }
            if let runID { row.append(runID) }
            rows.append(row)
        }
        if Record.composedColumn != nil, !rows.isEmpty {
            // Composed in this transaction, as it sees what the member is composed from. Kept
            // only if the stamp read above is still the row's (see the conflict's update): a
            // change elsewhere since then emptied it, and the next pass composes it again. A
            // record `compose` leaves out is stored without it (NULL), for the pass to compose.
            let composed =
                if let composer {
                    try await composer(saved, connection)
                } else {
                    try await Record.compose(ids: touched, integrationID: integrationID, on: connection)
                }
            let position = runID == nil ? rows[0].count : rows[0].count - 1
            for (index, id) in touched.enumerated() {
                let stamp = try existing[id]?.decode(column: "nested_stamp", as: Int64.self) ?? 0
                rows[index].insert(
                    contentsOf: [composed[id].map { String(decoding: $0, as: UTF8.self) }, stamp]
                        as [any Encodable & Sendable],
                    at: position)
            }
        }
        if !rows.isEmpty {
            // Only records stored already are written over: a new one replaces nothing, and a
            // write's new application spares a statement.
            let replaced = touched.filter { existing[$0] != nil }
            if !replaced.isEmpty {
                try await Record.willChange(ids: replaced, integrationID: integrationID, on: connection)
            }
            var updates: [String: SQLQueryString] = [:]
            if let composed = Record.composedColumn {
                updates[composed] = SQLQueryString(
                    """
                    CASE WHEN \(ident: table).nested_stamp = excluded.nested_stamp
                    THEN excluded.\(ident: composed) ELSE NULL END
                    """)
                // The record changed: what a pass composed from it before is refused (an
                // application's own columns choose what its member shows).
                updates["nested_stamp"] = SQLQueryString("\(ident: table).nested_stamp + 1")
            }
            let text = UpsertStatement.text(table: table, columns: columns, updates: updates, on: connection)
            if connection.dialect.name == "sqlite" {
                // New records by an insert without a conflict clause, which SQLite runs without a
                // statement journal (`UpsertStatement.insertText`); a FULL's first pages hold
                // only new ones.
                var new: [[any Encodable & Sendable]] = []
                var old: [[any Encodable & Sendable]] = []
                for (index, id) in touched.enumerated() {
                    if existing[id] == nil { new.append(rows[index]) } else { old.append(rows[index]) }
                }
                if !new.isEmpty {
                    let insert = UpsertStatement.insertText(table: table, columns: columns, on: connection)
                    try await connection.execute(sql: UpsertStatement(text: insert, rows: new)) { _ in }
                }
                if !old.isEmpty {
                    try await connection.execute(sql: UpsertStatement(text: text, rows: old)) { _ in }
                }
            } else {
                try await connection.execute(sql: UpsertStatement(text: text, rows: rows)) { _ in }
                if Record.table == JunctionModel.Application.table, listingUncomposed {
                    try await JunctionModel.Application.listUncomposed(
                        ids: touched, integrationID: integrationID, on: connection)
                }
            }
        }
        if propagating, !touched.isEmpty {
            try await Record.propagateChanges(
                ids: touched, integrationID: integrationID, now: nowMilliseconds, on: connection)
        }
        if let runID, !unchangedIDs.isEmpty {
            try await connection.update(table).set("last_seen_run", to: runID)
                .where(SQLColumn("integration_id"), .equal, Self.keyedIntegration(integrationID, on: connection))
                .where("id", .in, unchangedIDs)
                .run()
        }
        return outcome
    }

    /// Marks the integration's live records that run `runID` did not see as deleted upstream;
    /// returns how many. Only for a run that read the complete listing (architecture rule 2).
    func markUnseen<Record: SyncedRecord>(
        _ type: Record.Type, byRun runID: String, integrationID: String, keeping: Set<String> = [], now: Date
    ) async throws -> Int {
        let milliseconds = Clock.milliseconds(now)
        let table = Record.table
        return try await database.transaction { connection in
            let unseenIDs = try await connection.raw(
                """
                SELECT id, remote_id FROM \(unsafeRaw: table)
                WHERE integration_id = \(bind: integrationID) AND remote_deleted_at IS NULL
                  AND (last_seen_run IS NULL OR last_seen_run <> \(bind: runID))
                """
            ).all().compactMap { row -> String? in
                let remoteID = try row.decode(column: "remote_id", as: String?.self)
                return remoteID.map(keeping.contains) == true ? nil : try row.decode(column: "id", as: String.self)
            }
            guard !unseenIDs.isEmpty else { return 0 }
            // In chunks: both databases cap the number of bound parameters of one statement.
            for start in stride(from: 0, to: unseenIDs.count, by: 500) {
                let chunk = Array(unseenIDs[start..<min(start + 500, unseenIDs.count)])
                try await connection.update(table).set("remote_deleted_at", to: milliseconds)
                    .set("updated_at", to: milliseconds)
                    .where(SQLColumn("integration_id"), .equal, Self.keyedIntegration(integrationID, on: connection))
                    .where("id", .in, chunk)
                    .run()
            }
            try await Record.propagateChanges(
                ids: unseenIDs, integrationID: integrationID, now: milliseconds, on: connection)
            return unseenIDs.count
        }
    }

    /// The remote ids of a model's live records that run `runID` did not see: the deletions a
    /// complete listing suggests, before they are confirmed.
    public func unseenRecords<Record: SyncedRecord>(_ type: Record.Type, byRun runID: String, integrationID: String)
        async throws -> [String]
    {
        try await sql.raw(
            """
            SELECT remote_id FROM \(unsafeRaw: Record.table)
            WHERE integration_id = \(bind: integrationID) AND remote_deleted_at IS NULL
              AND (last_seen_run IS NULL OR last_seen_run <> \(bind: runID)) AND remote_id IS NOT NULL
            ORDER BY remote_id
            """
        ).all().map { try $0.decode(column: "remote_id", as: String.self) }
    }

    /// One keyset page of an integration's records in id order.
    func page<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, after: String?, limit: Int, includeDeleted: Bool
    ) async throws -> KeysetPage<Record> {
        try await list(
            type, integrationID: integrationID, filter: RecordFilter(includeDeleted: includeDeleted), after: after,
            limit: limit)
    }

    // MARK: - Normalisation

    /// The record's stored document: what `UnifiedJSON`'s encoder writes, by `DocumentEncoder`
    /// (the same bytes; encoding was a fifth of a FULL sync's CPU through `JSONEncoder`).
    static func document<Record: SyncedRecord>(of record: Record) throws -> [UInt8] {
        try DocumentEncoder.encode(record)
    }

    /// Marks hashes of the current scheme; a stored hash without it is from before.
    static let hashScheme = hashSchemePrefix.description
    /// `hashScheme` as a static string, written with each hash in one piece.
    static let hashSchemePrefix: StaticString = "v2:"

    /// SHA-256 of a record's own content and of its nested data, from its encoded document's members
    /// (sorted keys, so the members come in one order): every member except those the store
    /// maintains itself (`changed_at`, `remote_deleted_at`), split at `nestedKeys`. Only a change
    /// of upstream content changes either hash. Each member goes in as `key NUL value NUL`.
    static func hashes(of members: JSONObjectMembers, nestedKeys: Set<String>) -> (own: String, nested: String) {
        let document = members.bytes
        let maintained = Self.maintainedKeys
        let nestedNames = nestedKeys.map { Array($0.utf8) }
        // Each hash's input is gathered first and hashed in one call: fed four updates a member,
        // swift-crypto's cost per call (its access checks, a thread-local lookup, BoringSSL's
        // partial-block copies) was about half of the hashes' time in a FULL's profile.
        var own: [UInt8] = []
        own.reserveCapacity(document.count + 2 * members.members.count)
        var nested: [UInt8] = []
        document.withUnsafeBufferPointer { bytes in
            for member in members.members {
                let key = UnsafeBufferPointer(rebasing: bytes[member.key])
                if maintained.contains(where: { $0.elementsEqual(key) }) { continue }
                let value = UnsafeBufferPointer(rebasing: bytes[member.value])
                if nestedNames.contains(where: { $0.elementsEqual(key) }) {
                    nested.append(contentsOf: key)
                    nested.append(0)
                    nested.append(contentsOf: value)
                    nested.append(0)
                } else {
                    own.append(contentsOf: key)
                    own.append(0)
                    own.append(contentsOf: value)
                    own.append(0)
                }
            }
        }
        func digest(_ input: [UInt8]) -> String {
            SHA256.hash(data: input).withUnsafeBytes { hexadecimal(prefix: hashSchemePrefix, buffer: $0) }
        }
        return (digest(own), digest(nested))
    }

    /// The members a hash leaves out: the store maintains them (`hashes(of:nestedKeys:)`).
    private static let maintainedKeys: [[UInt8]] = [Array("changed_at".utf8), Array("remote_deleted_at".utf8)]

    /// The stored hashes of `rows` (id, content_hash, nested_hash), in the current scheme:
    /// rows hashed by an earlier one get theirs recomputed from their documents and written back
    /// (only the two hash columns; `changed_at` and `updated_at` stay).
    static func upgradeLegacyHashes(
        _ rows: [any SQLRow], table: String, integrationID: String, nestedKeys: Set<String>,
        on connection: any SQLDatabase
    ) async throws -> [String: (own: String, nested: String?)] {
        var current: [String: (own: String, nested: String?)] = [:]
        var legacy: [String] = []
        for row in rows {
            let id = try row.decode(column: "id", as: String.self)
            let own = try row.decode(column: "content_hash", as: String.self)
            let nested = try row.decode(column: "nested_hash", as: String?.self)
            if own.hasPrefix(hashScheme) {
                current[id] = (own, nested)
            } else {
                legacy.append(id)
            }
        }
        guard !legacy.isEmpty else { return current }
        let documents = try await connection.select().columns("id", "record").from(table)
            .where("integration_id", .equal, integrationID).where("id", .in, legacy)
            .all()
        for row in documents {
            let id = try row.decode(column: "id", as: String.self)
            let hashes = Self.hashes(
                of: try JSONObjectMembers(try row.decode(column: "record", as: String.self)), nestedKeys: nestedKeys)
            current[id] = (hashes.own, hashes.nested)
            try await connection.update(table).set("content_hash", to: hashes.own)
                .set("nested_hash", to: hashes.nested)
                .where("integration_id", .equal, integrationID).where("id", .equal, id)
                .run()
        }
        return current
    }
}
