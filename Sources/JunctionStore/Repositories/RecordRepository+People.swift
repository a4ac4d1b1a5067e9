import Foundation
import JunctionModel
import SQLKit

extension Candidate: SyncedRecord {
    public static let table = "candidates"
    public static let filterColumns = ["email", "first_name", "last_name"]
    public var filterValues: [any Encodable & Sendable] {
        [emailAddresses.first?.emailAddress?.lowercased(), firstName?.lowercased(), lastName?.lowercased()]
    }
    public var storedRemoteID: String? { remoteID }
    /// Composed from the applications' table (`NestedComposer.candidates`).
    public static let composedKeys = ["applications"]
    /// Kept with the candidate (migration 29, `RecordRepository.storeNestedApplications`).
    public static let composedColumn: String? = "nested_applications"

    /// What empties a candidate's kept `applications` array: the array is composed again from
    /// the tables, and `nested_stamp` moves, so an array composed before this is refused when
    /// stored after it (by a candidate's save or by `storeNestedApplications`).
    static let forgetNested = "nested_applications = NULL, nested_stamp = nested_stamp + 1"

    public static func compose(ids: [String], integrationID: String, on connection: any SQLDatabase) async throws
        -> [String: [UInt8]]
    {
        try await NestedComposer.applicationLists(of: ids, integrationID: integrationID, on: connection)
    }

    /// Empties the kept `applications` of the candidates of the applications that `condition`
    /// (over `applications a`, and `job_stages l` with `joiningLinks`) selects.
    static func forgetNestedApplications(
        ofApplications condition: SQLQueryString, joiningLinks: Bool = false, integrationID: String,
        on connection: any SQLDatabase
    ) async throws {
        let links = joiningLinks ? Application.joiningItsLink : ""
        let integration = RecordRepository.keyedIntegration(integrationID, on: connection)
        try await connection.raw(
            """
            UPDATE candidates SET \(unsafeRaw: forgetNested)
            WHERE integration_id = \(integration) AND id IN (
                SELECT a.candidate_id FROM applications a \(unsafeRaw: links)
                WHERE a.integration_id = \(integration) AND \(condition))
            """
        ).run()
    }
}

extension Candidate {
    /// `updated_after` on applications counts their candidate (linked, §3), and their kept
    /// `candidate` shows it.
    ///
    /// Until the integration's first sync has completed, nothing of it has been served: pages
    /// and writes refuse (`setup_status`, which only ever moves to `COMPLETED`), and webhooks
    /// tell of a run's records when it has finished. No client can hold an application's
    /// `updated_at`, and one that keeps no objects has nothing to forget; the run's own pass
    /// composes them after its saves. So then only applications that keep objects (from an
    /// earlier, failed attempt at that sync) are written. A FULL saves every candidate after its
    /// applications, and this spares the first one writing every application a second time
    /// (issue 22).
    public static func propagateChanges(
        ids: [String], integrationID: String, now: Int64, on connection: any SQLDatabase
    ) async throws {
        try await Application.forgetNestedObjects(
            where: applicationsToForget(ids, integrationID: integrationID), touching: now, integrationID: integrationID,
            on: connection)
    }

    /// `propagateChanges`, returning the `nested_stamp` each application it wrote has after it.
    static func forgetApplicationsObjects(
        ids: [String], integrationID: String, now: Int64, on connection: any SQLDatabase
    ) async throws -> [String: Int64] {
        try await Application.forgetNestedObjects(
            where: applicationsToForget(ids, integrationID: integrationID), touching: now, returningStamps: true,
            integrationID: integrationID, on: connection)
    }

    /// The applications `propagateChanges` writes, as a condition over their own columns.
    private static func applicationsToForget(_ ids: [String], integrationID: String) -> SQLQueryString {
        """
        candidate_id IN (\(binds: ids)) AND (nested_objects IS NOT NULL OR EXISTS (
            SELECT 1 FROM integrations WHERE id = \(bind: integrationID)
            AND setup_status = \(bind: SetupStatus.completed.rawValue)))
        """
    }
}

extension Application {
    /// Joins each application `a` to its job's pipeline link `l` at its stage (deleted or not).
    static let joiningItsLink = """
        JOIN job_stages l ON l.integration_id = a.integration_id AND l.job_id = a.job_id
            AND l.stage_id = a.current_stage_id
        """

    /// What empties an application's kept `candidate`, `current_stage` and `job`, as
    /// `Candidate.forgetNested` does for a candidate's array.
    static let forgetNested = "nested_objects = NULL, nested_stamp = nested_stamp + 1"

    /// Empties the kept nested objects of the integration's applications that `condition` (over
    /// the applications' own columns) selects, and moves their `updated_at` to `now` if given.
    /// With `returningStamps`, returns the `nested_stamp` each application it wrote has after it.
    @discardableResult
    static func forgetNestedObjects(
        where condition: SQLQueryString, touching now: Int64? = nil, returningStamps: Bool = false,
        integrationID: String, on connection: any SQLDatabase
    ) async throws -> [String: Int64] {
        let touch = now.map { SQLQueryString("updated_at = \(bind: $0), ") } ?? ""
        var statement: SQLQueryString = """
            UPDATE applications SET \(touch)\(unsafeRaw: forgetNested)
            WHERE integration_id = \(bind: integrationID) AND (\(condition))
            """
        if connection.dialect.name == "postgresql" {
            // Listed in the same statement (migration 38): the pass finds them there.
            statement = """
                WITH forgotten AS (\(statement) RETURNING id, nested_stamp),
                listed AS (
                    INSERT INTO applications_uncomposed (integration_id, id)
                    SELECT \(bind: integrationID), id FROM forgotten ON CONFLICT DO NOTHING
                )
                SELECT id, nested_stamp FROM forgotten
                """
        } else if returningStamps {
            statement = "\(statement) RETURNING id, nested_stamp"
        }
        guard returningStamps else {
            try await connection.raw(statement).run()
            return [:]
        }
        var stamps: [String: Int64] = [:]
        for row in try await connection.raw(statement).all() {
            stamps[try row.decode(column: "id", as: String.self)] = try row.decode(
                column: "nested_stamp", as: Int64.self)
        }
        return stamps
    }

    /// On PostgreSQL, the table listing the applications whose objects are to be composed
    /// (migration 38), where SQLite finds them by a partial index on `nested_objects IS NULL`.
    /// Everything that empties an application's objects lists it in the same transaction
    /// (`forgetNestedObjects`, a save, a tombstone), and a keep takes it off
    /// (`RecordRepository.keepComposedStatement`), so the keep can update the row in place.
    static let uncomposedTable = "applications_uncomposed"

    /// Lists those of the applications with `ids` whose objects are empty (PostgreSQL only).
    static func listUncomposed(ids: [String], integrationID: String, on connection: any SQLDatabase) async throws {
        guard connection.dialect.name == "postgresql", !ids.isEmpty else { return }
        try await connection.raw(
            """
            INSERT INTO applications_uncomposed (integration_id, id)
            SELECT integration_id, id FROM applications
            WHERE integration_id = \(RecordRepository.keyedIntegration(integrationID, on: connection))
              AND id IN (\(binds: ids)) AND nested_objects IS NULL
            ON CONFLICT DO NOTHING
            """
        ).run()
    }

    /// Before applications with `ids` are written: their candidates as stored now (one the write
    /// moves an application away from) no longer show them as they were.
    public static func willChange(ids: [String], integrationID: String, on connection: any SQLDatabase)
        async throws
    {
        try await Candidate.forgetNestedApplications(
            ofApplications: "a.id IN (\(binds: ids))", integrationID: integrationID, on: connection)
    }

    /// `updated_after` on candidates counts their applications (list and linked, §3).
    public static func propagateChanges(
        ids: [String], integrationID: String, now: Int64, on connection: any SQLDatabase
    ) async throws {
        try await touchCandidates(
            ofApplicationsWhere: "id", in: ids, integrationID: integrationID, now: now, on: connection)
    }

    /// Moves the `updated_at` of the candidates of the applications whose `column` is in
    /// `values`, and empties their kept `applications` (`Candidate.forgetNested`).
    static func touchCandidates(
        ofApplicationsWhere column: String, in values: [String], integrationID: String, now: Int64,
        on connection: any SQLDatabase
    ) async throws {
        let integration = RecordRepository.keyedIntegration(integrationID, on: connection)
        try await connection.raw(
            """
            UPDATE candidates SET updated_at = \(bind: now), \(unsafeRaw: Candidate.forgetNested)
            WHERE integration_id = \(integration) AND id IN (
                SELECT candidate_id FROM applications WHERE integration_id = \(integration)
                AND \(ident: column) IN (\(binds: values)))
            """
        ).run()
    }
}

extension Application: SyncedRecord {
    public static let table = "applications"
    public static let filterColumns = [
        "candidate_id", "job_id", "current_stage_id", "outcome", "remote_created_at", "source",
    ]
    public var filterValues: [any Encodable & Sendable] {
        [candidateID, jobID, currentStageID, outcome, remoteCreatedAt.map(Clock.milliseconds), source]
    }
    public var storedRemoteID: String? { remoteID }
    /// What `candidates[].applications[]` copies from an application's document (its stage and
    /// job come from their own tables).
    public static let summaryKeys: [String]? = [
        "id", "remote_id", "outcome", "rejection_reason_name", "rejected_at", "remote_url", "remote_created_at",
        "remote_updated_at",
    ]
    /// Composed from the candidates', stages' and jobs' tables (`NestedComposer.applications`).
    public static let composedKeys = ["candidate", "current_stage", "job"]
    /// Kept with the application (migration 30, `RecordRepository.storeNestedObjects`). Its
    /// save leaves it empty (`compose` is not implemented): a FULL stores applications before
    /// their candidates, whose saves would empty it again.
    public static let composedColumn: String? = "nested_objects"
}

extension RecordRepository {
    /// Saves records of any synced model; see `saveJobs` for the rules.
    @discardableResult
    public func saveRecords<Record: SyncedRecord>(
        _ records: [Record], integrationID: String, now: Date = Date(), runID: String? = nil
    ) async throws -> SaveOutcome {
        try await save(records, integrationID: integrationID, now: now, runID: runID)
    }

    /// Marks records of a model that run `runID` did not see as deleted, except those whose
    /// remote id is in `keeping` (confirmed present upstream); see `markJobsUnseen`.
    public func markRecordsUnseen<Record: SyncedRecord>(
        _ type: Record.Type, byRun runID: String, integrationID: String, keeping: Set<String> = [],
        now: Date = Date()
    ) async throws -> Int {
        try await markUnseen(type, byRun: runID, integrationID: integrationID, keeping: keeping, now: now)
    }

    /// How many live records of a model an integration has (for progress estimates).
    public func liveRecordCount<Record: SyncedRecord>(_ type: Record.Type, integrationID: String) async throws -> Int {
        let row = try await sql.raw(
            """
            SELECT COUNT(*) AS n FROM \(unsafeRaw: Record.table)
            WHERE integration_id = \(bind: integrationID) AND remote_deleted_at IS NULL
            """
        ).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// One keyset page of any synced model.
    public func records<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, after: String? = nil, limit: Int, includeDeleted: Bool = false
    ) async throws -> KeysetPage<Record> {
        try await page(type, integrationID: integrationID, after: after, limit: limit, includeDeleted: includeDeleted)
    }
}

extension User: SyncedRecord {
    public static let table = "users"
    public static let filterColumns = ["email"]
    public var filterValues: [any Encodable & Sendable] { [email?.lowercased()] }
    public var storedRemoteID: String? { remoteID }
}
