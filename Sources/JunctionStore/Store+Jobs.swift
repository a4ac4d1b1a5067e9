import Crypto
import Foundation
import JunctionModel
import SQLKit

/// What a save did to each record, for sync statistics and `data-changed` webhooks.
public struct SaveOutcome: Sendable, Equatable {
    public var inserted = 0
    public var changed = 0
    public var unchanged = 0

    public init(inserted: Int = 0, changed: Int = 0, unchanged: Int = 0) {
        self.inserted = inserted
        self.changed = changed
        self.unchanged = unchanged
    }
}

extension Store {
    /// Inserts or updates jobs of one integration.
    ///
    /// A job's `changed_at` (and `updated_at`) moves to `now` only when its normalised content
    /// differs from what is stored (architecture rule 3); saving the same content again changes
    /// nothing. A saved job is no longer deleted: one that reappears upstream is undeleted.
    ///
    /// With `runID`, every saved job (changed or not) is marked as seen by that run, for
    /// `markJobsUnseen(byRun:)`.
    @discardableResult
    public func saveJobs(_ jobs: [Job], integrationID: String, now: Date = Date(), runID: String? = nil) async throws
        -> SaveOutcome
    {
        let nowMilliseconds = Clock.milliseconds(now)
        let prepared = try jobs.map { job in (job, try Self.contentHash(of: job), try Self.document(job)) }
        return try await database.transaction { connection in
            var outcome = SaveOutcome()
            for (job, hash, document) in prepared {
                let existing = try await connection.raw(
                    """
                    SELECT content_hash, remote_deleted_at FROM jobs
                    WHERE integration_id = \(bind: integrationID) AND id = \(bind: job.id)
                    """
                ).first()
                if let existing {
                    let storedHash = try existing.decode(column: "content_hash", as: String.self)
                    let wasDeleted = try existing.decode(column: "remote_deleted_at", as: Int64?.self) != nil
                    if storedHash == hash && !wasDeleted {
                        outcome.unchanged += 1
                        continue
                    }
                    outcome.changed += 1
                } else {
                    outcome.inserted += 1
                }
                try await connection.raw(
                    """
                    INSERT INTO jobs (integration_id, id, remote_id, name, job_code, status, employment_type, visibility,
                        post_url, remote_created_at, changed_at, updated_at, remote_deleted_at, content_hash, record)
                    VALUES (\(bind: integrationID), \(bind: job.id), \(bind: job.remoteID), \(bind: job.name),
                        \(bind: job.jobCode), \(bind: job.status), \(bind: job.employmentType), \(bind: job.visibility),
                        \(bind: job.postURL), \(bind: job.remoteCreatedAt.map(Clock.milliseconds)),
                        \(bind: nowMilliseconds), \(bind: nowMilliseconds), NULL, \(bind: hash), \(bind: document))
                    ON CONFLICT (integration_id, id) DO UPDATE SET
                        remote_id = excluded.remote_id, name = excluded.name, job_code = excluded.job_code,
                        status = excluded.status, employment_type = excluded.employment_type,
                        visibility = excluded.visibility, post_url = excluded.post_url,
                        remote_created_at = excluded.remote_created_at, changed_at = excluded.changed_at,
                        updated_at = excluded.updated_at, remote_deleted_at = NULL,
                        content_hash = excluded.content_hash, record = excluded.record
                    """
                ).run()
            }
            if let runID, !prepared.isEmpty {
                try await connection.update("jobs")
                    .set("last_seen_run", to: runID)
                    .where("integration_id", .equal, integrationID)
                    .where("id", .in, prepared.map(\.0.id))
                    .run()
            }
            return outcome
        }
    }

    /// Marks every live job of the integration that run `runID` did not see as deleted
    /// upstream; returns how many. Only for a run that read the complete listing (architecture
    /// rule 2: a partial listing never deletes).
    public func markJobsUnseen(byRun runID: String, integrationID: String, now: Date = Date()) async throws -> Int {
        let milliseconds = Clock.milliseconds(now)
        return try await database.transaction { connection in
            let unseen =
                try await connection.raw(
                    """
                    SELECT COUNT(*) AS unseen FROM jobs
                    WHERE integration_id = \(bind: integrationID) AND remote_deleted_at IS NULL
                      AND (last_seen_run IS NULL OR last_seen_run <> \(bind: runID))
                    """
                ).first()?.decode(column: "unseen", as: Int.self) ?? 0
            try await connection.raw(
                """
                UPDATE jobs SET remote_deleted_at = \(bind: milliseconds), updated_at = \(bind: milliseconds)
                WHERE integration_id = \(bind: integrationID) AND remote_deleted_at IS NULL
                  AND (last_seen_run IS NULL OR last_seen_run <> \(bind: runID))
                """
            ).run()
            return unseen
        }
    }

    /// Marks jobs as deleted upstream, keeping their data (`remote_deleted_at` = `now`).
    public func markJobsDeleted(ids: [String], integrationID: String, now: Date = Date()) async throws {
        guard !ids.isEmpty else { return }
        let milliseconds = Clock.milliseconds(now)
        try await sql.update("jobs")
            .set("remote_deleted_at", to: milliseconds)
            .set("updated_at", to: milliseconds)
            .where("integration_id", .equal, integrationID)
            .where("id", .in, ids)
            .where("remote_deleted_at", .is, SQLLiteral.null)
            .run()
    }

    /// One page of an integration's jobs in id order. Deleted jobs are left out unless asked for.
    public func jobs(
        integrationID: String, after: String? = nil, limit: Int, includeDeleted: Bool = false
    ) async throws -> KeysetPage<Job> {
        let query = sql.select()
            .columns("id", "record", "changed_at", "remote_deleted_at")
            .from("jobs")
            .where("integration_id", .equal, integrationID)
        if !includeDeleted { query.where("remote_deleted_at", .is, SQLLiteral.null) }
        return try await Keyset.page(query, keyColumn: "id", after: after, limit: limit) { row in
            let id = try row.decode(column: "id", as: String.self)
            var job = try Self.decoder.decode(
                Job.self, from: Data(try row.decode(column: "record", as: String.self).utf8))
            // The columns are authoritative for what the store itself maintains.
            job.changedAt = Clock.date(try row.decode(column: "changed_at", as: Int64.self))
            job.remoteDeletedAt = try row.decode(column: "remote_deleted_at", as: Int64?.self).map(Clock.date)
            return (id, job)
        }
    }

    // MARK: - Normalisation

    private static let decoder = UnifiedJSON.makeDecoder()

    private static func document(_ job: Job) throws -> String {
        String(decoding: try UnifiedJSON.makeEncoder().encode(job), as: UTF8.self)
    }

    /// SHA-256 of the job's JSON with sorted keys and without the fields the store maintains
    /// itself, so only a change of upstream content changes the hash.
    static func contentHash(of job: Job) throws -> String {
        var normalised = job
        normalised.changedAt = Date(timeIntervalSince1970: 0)
        normalised.remoteDeletedAt = nil
        return SHA256.hash(data: try UnifiedJSON.makeEncoder().encode(normalised)).map { String(format: "%02x", $0) }
            .joined()
    }
}
