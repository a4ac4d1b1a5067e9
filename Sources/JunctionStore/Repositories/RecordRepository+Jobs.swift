import Foundation
import JunctionModel
import SQLKit
import Synchronization

/// What a save did to each record, for sync statistics and `data-changed` webhooks.
public struct SaveOutcome: Sendable, Equatable {
    public var inserted = 0
    /// Records whose own content changed (`changed_at` moved).
    public var changed = 0
    /// Records whose nested data alone changed (`updated_at` moved, `changed_at` did not).
    public var nestedChanged = 0
    public var unchanged = 0

    /// Whether any record was written (inserted or changed).
    public var wrote: Bool { inserted + changed + nestedChanged > 0 }

    public init(inserted: Int = 0, changed: Int = 0, nestedChanged: Int = 0, unchanged: Int = 0) {
        self.inserted = inserted
        self.changed = changed
        self.nestedChanged = nestedChanged
        self.unchanged = unchanged
    }
}

extension Job: SyncedRecord {
    public static let table = "jobs"
    public static let filterColumns = [
        "name", "job_code", "status", "employment_type", "visibility", "post_url", "remote_created_at", "name_folded",
    ]
    public var filterValues: [any Encodable & Sendable] {
        [
            name, jobCode, status, employmentType, visibility, postURL, remoteCreatedAt.map(Clock.milliseconds),
            name.map(RecordRepository.foldCase),
        ]
    }
    public var storedRemoteID: String? { remoteID }
    /// `updated_after` on jobs counts stages, screening questions, postings and hiring team (§3).
    public static let nestedKeys: Set<String> = ["stages", "screening_questions", "job_postings", "hiring_team"]

    /// Applications and candidates embed their job (its name, and their stage's index in its
    /// pipeline), so a job that changed moves their `updated_at` too: a client following
    /// `updated_after` must see a renamed job or a reordered pipeline in what embeds it (§3).
    /// Any change of the job counts, which may return a few more records than needed, never fewer.
    public static func propagateChanges(
        ids: [String], integrationID: String, now: Int64, on connection: any SQLDatabase
    ) async throws {
        try await Application.touchCandidates(
            ofApplicationsWhere: "job_id", in: ids, integrationID: integrationID, now: now, on: connection)
        try await Application.forgetNestedObjects(
            where: "job_id IN (\(binds: ids))", touching: now, integrationID: integrationID, on: connection)
    }
}

extension RecordRepository {
    /// Text as `name_contains` compares it, computed here rather than by the database's `LOWER`
    /// (ASCII-only on SQLite, locale-dependent on PostgreSQL), so every backend and locale agrees:
    /// Unicode lower case, with the final sigma folded into σ.
    public static func foldCase(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "ς", with: "σ")
    }

    /// Fills `name_folded` for jobs saved before the column existed; returns how many.
    @discardableResult
    public func backfillFoldedJobNames() async throws -> Int {
        let rows = try await sql.raw(
            "SELECT integration_id, id, name FROM jobs WHERE name_folded IS NULL AND name IS NOT NULL"
        ).all()
        for row in rows {
            let name = try row.decode(column: "name", as: String.self)
            try await sql.raw(
                """
                UPDATE jobs SET name_folded = \(bind: Self.foldCase(name))
                WHERE integration_id = \(bind: try row.decode(column: "integration_id", as: String.self))
                  AND id = \(bind: try row.decode(column: "id", as: String.self))
                """
            ).run()
        }
        return rows.count
    }

    /// Inserts or updates jobs of one integration.
    ///
    /// A job's `changed_at` (and `updated_at`) moves to `now` only when its normalised content
    /// differs from what is stored (architecture rule 3); saving the same content again changes
    /// nothing. A saved job is no longer deleted: one that reappears upstream is undeleted.
    /// With `runID`, every saved job (changed or not) is marked as seen by that run, for
    /// `markJobsUnseen(byRun:)`.
    @discardableResult
    public func saveJobs(_ jobs: [Job], integrationID: String, now: Date = Date(), runID: String? = nil) async throws
        -> SaveOutcome
    {
        try await save(jobs, integrationID: integrationID, now: now, runID: runID)
    }

    /// Marks every live job of the integration that run `runID` did not see as deleted
    /// upstream; returns how many. Only for a run that read the complete listing.
    public func markJobsUnseen(byRun runID: String, integrationID: String, now: Date = Date()) async throws -> Int {
        try await markUnseen(Job.self, byRun: runID, integrationID: integrationID, now: now)
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
        try await page(
            Job.self, integrationID: integrationID, after: after, limit: limit, includeDeleted: includeDeleted)
    }
}

extension RecordRepository {
    /// The live job whose `column` (`id` or `remote_id`) is `value`, as a write's form reads it:
    /// without `remote_data`. Its document is parsed once per version (its two content hashes)
    /// and kept: `JSONDecoder` on a job with its questions was 6% of a write's CPU, and a job
    /// takes many applications between two changes.
    public func jobForm(integrationID: String, where column: String, equals value: String) async throws -> Job? {
        guard
            let row = try await sql.select()
                .columns("id", "record", "changed_at", "remote_deleted_at", "content_hash", "nested_hash")
                .from(Job.table)
                .where("integration_id", .equal, integrationID).where(column, .equal, value)
                .where("remote_deleted_at", .is, SQLLiteral.null)
                .first()
        else { return nil }
        let key = integrationID + "\u{1F}" + (try row.decode(column: "id", as: String.self))
        let version =
            (try row.decode(column: "content_hash", as: String.self)) + "\u{1F}"
            + (try row.decode(column: "nested_hash", as: String?.self) ?? "")
        if var job = store.jobForms.job(key, version: version) {
            // The columns are authoritative for what the store itself maintains.
            job.changedAt = Clock.date(try row.decode(column: "changed_at", as: Int64.self))
            job.remoteDeletedAt = nil
            return job
        }
        let job = try Self.decodeRecord(Job.self, row, remoteData: false)
        store.jobForms.keep(job, key, version: version)
        return job
    }
}

/// Parsed job forms by integration and job, each with the version (content hashes) it was parsed
/// from; a job whose hashes changed is parsed again. Bounded: past `capacity` jobs an arbitrary
/// one is dropped. Jobs hold no personal data.
final class JobFormCache: Sendable {
    private let entries = Mutex([String: (version: String, job: Job)]())
    let capacity: Int

    init(capacity: Int = 1_000) { self.capacity = capacity }

    func job(_ key: String, version: String) -> Job? {
        entries.withLock { entries in entries[key].flatMap { $0.version == version ? $0.job : nil } }
    }

    func keep(_ job: Job, _ key: String, version: String) {
        entries.withLock { entries in
            if entries[key] == nil, entries.count >= capacity, let any = entries.keys.first {
                entries[any] = nil
            }
            entries[key] = (version, job)
        }
    }
}
