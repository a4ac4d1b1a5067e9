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
    /// A job asks its account's questions (`QuestionMapper`), but those a catalog entry limits
    /// to other jobs: 4 KB of a demo job's 9 KB, alike in every job of its pages.
    public static let sharedMember: String? = "screening_questions"

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

    /// Fills the shared member's columns (`SyncedRecord.sharedMember`) of jobs saved before they
    /// existed (migration 37); returns how many. A job a sync writes meanwhile keeps what its
    /// save wrote: each update asks for the hashes it was computed from. PostgreSQL only, as
    /// saves (`store`).
    @discardableResult
    public func backfillJobPageRecords() async throws -> Int {
        guard let member = Job.sharedMember, sql.dialect.name == "postgresql" else { return 0 }
        let rows = try await sql.raw(
            """
            SELECT integration_id, id, content_hash, nested_hash, record FROM jobs
            WHERE page_record IS NULL AND record LIKE \(bind: "%\"" + member + "\":%")
            """
        ).all()
        var filled = 0
        for row in rows {
            guard let shared = try SharedValue(member, in: try row.decode(column: "record", as: [UInt8].self))
            else { continue }
            try await sql.raw(
                """
                UPDATE jobs SET page_record = \(bind: shared.lean), shared_offset = \(bind: shared.offset),
                    shared_length = \(bind: shared.length), shared_hash = \(bind: shared.hash)
                WHERE integration_id = \(bind: try row.decode(column: "integration_id", as: String.self))
                  AND id = \(bind: try row.decode(column: "id", as: String.self))
                  AND content_hash = \(bind: try row.decode(column: "content_hash", as: String.self))
                  AND COALESCE(nested_hash, '') = \(bind: try row.decode(column: "nested_hash", as: String?.self) ?? "")
                  AND page_record IS NULL
                """
            ).run()
            filled += 1
        }
        return filled
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

/// A job as a write reads it (without `remote_data`), and the version it was parsed from.
public struct JobForm: Sendable, Equatable {
    public var job: Job
    public var version: Version

    /// The stored job's two content hashes: any change to its document or to what it embeds
    /// (stages, questions) changes one of them.
    public struct Version: Sendable, Hashable {
        public var content: String
        public var nested: String
    }

    /// Whether the stored job `jobs.id = id` is live at this version, as a condition of a
    /// statement's `WHERE`: a write checks the form it planned with in its claim's statement.
    public static func isCurrent(_ version: Version, id: String, integrationID: String) -> SQLQueryString {
        """
        EXISTS (SELECT 1 FROM jobs WHERE integration_id = \(bind: integrationID) AND id = \(bind: id)
            AND content_hash = \(bind: version.content) AND COALESCE(nested_hash, '') = \(bind: version.nested)
            AND remote_deleted_at IS NULL)
        """
    }
}

extension RecordRepository {
    /// The live job whose `column` (`id` or `remote_id`) is `value`, as a write's form reads it.
    /// Its document is parsed once per version and kept: `JSONDecoder` on a job with its
    /// questions was 6% of a write's CPU, and a job takes many applications between two changes.
    public func jobForm(integrationID: String, where column: String, equals value: String) async throws -> JobForm? {
        guard
            let row = try await sql.select()
                .columns("id", "record", "changed_at", "remote_deleted_at", "content_hash", "nested_hash")
                .from(Job.table)
                .where("integration_id", .equal, integrationID).where(column, .equal, value)
                .where("remote_deleted_at", .is, SQLLiteral.null)
                .first()
        else { return nil }
        let key = Self.jobFormKey(integrationID: integrationID, id: try row.decode(column: "id", as: String.self))
        let version = JobForm.Version(
            content: try row.decode(column: "content_hash", as: String.self),
            nested: try row.decode(column: "nested_hash", as: String?.self) ?? "")
        if var form = store.jobForms.form(key), form.version == version {
            // The columns are authoritative for what the store itself maintains.
            form.job.changedAt = Clock.date(try row.decode(column: "changed_at", as: Int64.self))
            form.job.remoteDeletedAt = nil
            store.jobForms.keep(form, key)
            return form
        }
        let form = JobForm(job: try Self.decodeRecord(Job.self, row, remoteData: false), version: version)
        store.jobForms.keep(form, key)
        return form
    }

    /// The form this instance kept from job `id`'s last read, without reading the store: it may
    /// be out of date, so a write that plans with it checks its version in its claim
    /// (`JobForm.isCurrent`) and reads again when that fails. The job's `changed_at` is as it was
    /// at that read.
    public func keptJobForm(integrationID: String, id: String) -> JobForm? {
        store.jobForms.form(Self.jobFormKey(integrationID: integrationID, id: id))
    }

    private static func jobFormKey(integrationID: String, id: String) -> String {
        integrationID + "\u{1F}" + id
    }
}

/// Parsed job forms by integration and job, each with the version it was parsed from. Bounded:
/// past `capacity` jobs an arbitrary one is dropped. Jobs hold no personal data.
final class JobFormCache: Sendable {
    private let entries = Mutex([String: JobForm]())
    let capacity: Int

    init(capacity: Int = 1_000) { self.capacity = capacity }

    func form(_ key: String) -> JobForm? {
        entries.withLock { $0[key] }
    }

    func keep(_ form: JobForm, _ key: String) {
        entries.withLock { entries in
            if entries[key] == nil, entries.count >= capacity, let any = entries.keys.first {
                entries[any] = nil
            }
            entries[key] = form
        }
    }
}
