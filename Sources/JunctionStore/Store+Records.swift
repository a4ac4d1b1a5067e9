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
}

extension Store {
    /// Inserts or updates records of one integration; see `saveJobs` for the rules.
    func save<Record: SyncedRecord>(_ records: [Record], integrationID: String, now: Date, runID: String?) async throws
        -> SaveOutcome
    {
        let table = Record.table
        let nowMilliseconds = Clock.milliseconds(now)
        let prepared = try records.map { record in (record, try Self.contentHash(of: record), try Self.document(record))
        }
        let columns =
            ["integration_id", "id", "remote_id"] + Record.filterColumns + [
                "changed_at", "updated_at", "remote_deleted_at", "content_hash", "record",
            ]
        return try await database.transaction { connection in
            var outcome = SaveOutcome()
            for (record, hash, document) in prepared {
                let existing = try await connection.select()
                    .columns("content_hash", "remote_deleted_at").from(table)
                    .where("integration_id", .equal, integrationID).where("id", .equal, record.id)
                    .first()
                if let existing {
                    let unchanged = try existing.decode(column: "content_hash", as: String.self) == hash
                    let wasDeleted = try existing.decode(column: "remote_deleted_at", as: Int64?.self) != nil
                    if unchanged && !wasDeleted {
                        outcome.unchanged += 1
                        continue
                    }
                    outcome.changed += 1
                } else {
                    outcome.inserted += 1
                }
                let values: [any Encodable & Sendable] =
                    [integrationID, record.id, record.storedRemoteID] + record.filterValues + [
                        nowMilliseconds, nowMilliseconds, Int64?.none, hash, document,
                    ]
                try await connection.insert(into: table).columns(columns).values(values)
                    .onConflict(with: ["integration_id", "id"]) { update in
                        var update = update
                        for column in columns.dropFirst(2) { update = update.set(excludedValueOf: column) }
                        return update
                    }
                    .run()
            }
            if let runID, !prepared.isEmpty {
                try await connection.update(table).set("last_seen_run", to: runID)
                    .where("integration_id", .equal, integrationID).where("id", .in, prepared.map(\.0.id))
                    .run()
            }
            return outcome
        }
    }

    /// Marks the integration's live records that run `runID` did not see as deleted upstream;
    /// returns how many. Only for a run that read the complete listing (architecture rule 2).
    func markUnseen<Record: SyncedRecord>(_ type: Record.Type, byRun runID: String, integrationID: String, now: Date)
        async throws -> Int
    {
        let milliseconds = Clock.milliseconds(now)
        let table = Record.table
        return try await database.transaction { connection in
            let unseen =
                try await connection.raw(
                    """
                    SELECT COUNT(*) AS unseen FROM \(unsafeRaw: table)
                    WHERE integration_id = \(bind: integrationID) AND remote_deleted_at IS NULL
                      AND (last_seen_run IS NULL OR last_seen_run <> \(bind: runID))
                    """
                ).first()?.decode(column: "unseen", as: Int.self) ?? 0
            try await connection.raw(
                """
                UPDATE \(unsafeRaw: table) SET remote_deleted_at = \(bind: milliseconds), updated_at = \(bind: milliseconds)
                WHERE integration_id = \(bind: integrationID) AND remote_deleted_at IS NULL
                  AND (last_seen_run IS NULL OR last_seen_run <> \(bind: runID))
                """
            ).run()
            return unseen
        }
    }

    /// One keyset page of an integration's records in id order.
    func page<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, after: String?, limit: Int, includeDeleted: Bool
    ) async throws -> KeysetPage<Record> {
        let query = sql.select()
            .columns("id", "record", "changed_at", "remote_deleted_at")
            .from(Record.table)
            .where("integration_id", .equal, integrationID)
        if !includeDeleted { query.where("remote_deleted_at", .is, SQLLiteral.null) }
        return try await Keyset.page(query, keyColumn: "id", after: after, limit: limit) { row in
            let id = try row.decode(column: "id", as: String.self)
            var record = try Self.recordDecoder.decode(
                Record.self, from: Data(try row.decode(column: "record", as: String.self).utf8))
            // The columns are authoritative for what the store itself maintains.
            record.changedAt = Clock.date(try row.decode(column: "changed_at", as: Int64.self))
            record.remoteDeletedAt = try row.decode(column: "remote_deleted_at", as: Int64?.self).map(Clock.date)
            return (id, record)
        }
    }

    // MARK: - Normalisation

    private static let recordDecoder = UnifiedJSON.makeDecoder()

    static func document<Record: SyncedRecord>(_ record: Record) throws -> String {
        String(decoding: try UnifiedJSON.makeEncoder().encode(record), as: UTF8.self)
    }

    /// SHA-256 of the record's JSON (sorted keys) without the fields the store maintains
    /// itself, so only a change of upstream content changes the hash.
    static func contentHash<Record: SyncedRecord>(of record: Record) throws -> String {
        var normalised = record
        normalised.changedAt = Date(timeIntervalSince1970: 0)
        normalised.remoteDeletedAt = nil
        return SHA256.hash(data: try UnifiedJSON.makeEncoder().encode(normalised)).map { String(format: "%02x", $0) }
            .joined()
    }
}
