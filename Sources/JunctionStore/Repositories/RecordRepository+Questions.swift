import Foundation
import JunctionModel
import SQLKit

extension ScreeningQuestion: SyncedRecord {
    public static let table = "screening_questions"
    public static let filterColumns: [String] = []
    public var filterValues: [any Encodable & Sendable] { [] }
    public var storedRemoteID: String? { remoteID }
}

extension Tag: SyncedRecord {
    public static let table = "tags"
    public static let filterColumns = ["name"]
    public var filterValues: [any Encodable & Sendable] { [name] }
    public var storedRemoteID: String? { remoteID }
}

extension JobStageLink: SyncedRecord {
    public static let table = "job_stages"
    public static let filterColumns = ["job_id", "stage_id"]
    public var filterValues: [any Encodable & Sendable] { [jobID, stageID] }
    public var storedRemoteID: String? { nil }

    /// A link's `index` shows in the kept `current_stage` of the applications at that (job,
    /// stage), and inside their candidates' kept `applications` (both `composedColumn`s).
    public static func propagateChanges(
        ids: [String], integrationID: String, now: Int64, on connection: any SQLDatabase
    ) async throws {
        try await Candidate.forgetNestedApplications(
            ofApplications: "l.id IN (\(binds: ids))", joiningLinks: true, integrationID: integrationID,
            on: connection)
        try await Application.forgetNestedObjects(
            where: """
                id IN (SELECT a.id FROM applications a \(unsafeRaw: Application.joiningItsLink)
                    WHERE a.integration_id = \(bind: integrationID) AND l.id IN (\(binds: ids)))
                """, integrationID: integrationID, on: connection)
    }
}

extension JobQuestionLink: SyncedRecord {
    public static let table = "job_screening_questions"
    public static let filterColumns = ["job_id", "question_id"]
    public var filterValues: [any Encodable & Sendable] { [jobID, questionID] }
    public var storedRemoteID: String? { nil }
}

/// Link records that belong to one parent record (a job's stage or question links).
public protocol ChildRecord: SyncedRecord {
    /// The column holding the parent's id.
    static var parentColumn: String { get }
}

extension JobStageLink: ChildRecord {
    public static let parentColumn = "job_id"
}

extension JobQuestionLink: ChildRecord {
    public static let parentColumn = "job_id"
}

extension RecordRepository {
    /// Marks the live children of `parentIDs` that run `runID` did not save as deleted; returns
    /// how many. Each parent's child list is complete whenever the parent is read, so this holds
    /// for a DELTA too: a job read without a question no longer asks it.
    public func markChildrenUnseen<Child: ChildRecord>(
        _ type: Child.Type, parentIDs: [String], byRun runID: String, integrationID: String, now: Date = Date()
    ) async throws -> Int {
        guard !parentIDs.isEmpty else { return 0 }
        let milliseconds = Clock.milliseconds(now)
        let table = Child.table
        let parent = Child.parentColumn
        return try await database.transaction { connection in
            let unseen = try await connection.raw(
                """
                SELECT id FROM \(unsafeRaw: table)
                WHERE integration_id = \(bind: integrationID) AND remote_deleted_at IS NULL
                  AND \(unsafeRaw: parent) IN (\(binds: parentIDs))
                  AND (last_seen_run IS NULL OR last_seen_run <> \(bind: runID))
                """
            ).all().map { try $0.decode(column: "id", as: String.self) }
            guard !unseen.isEmpty else { return 0 }
            try await connection.update(table)
                .set("remote_deleted_at", to: milliseconds).set("updated_at", to: milliseconds)
                .where("integration_id", .equal, integrationID).where("id", .in, unseen)
                .run()
            try await Child.propagateChanges(
                ids: unseen, integrationID: integrationID, now: milliseconds, on: connection)
            return unseen.count
        }
    }

    /// Sets each candidate's `source` to that of its latest application that names one (by
    /// remote creation, then remote id, compared as numbers); candidates without such an
    /// application keep theirs.
    public func withApplicationSources(_ candidates: [Candidate], integrationID: String) async throws -> [Candidate] {
        try await Self.withApplicationSources(candidates, integrationID: integrationID, on: sql)
    }

    static func withApplicationSources(_ candidates: [Candidate], integrationID: String, on connection: any SQLDatabase)
        async throws -> [Candidate]
    {
        guard !candidates.isEmpty else { return candidates }
        let sources = try await latestApplicationSources(
            candidateIDs: candidates.map(\.id), integrationID: integrationID, on: connection)
        return candidates.map { candidate in
            var candidate = candidate
            if let source = sources[candidate.id] { candidate.source = source }
            return candidate
        }
    }

    /// Re-derives `source` of the stored candidates `candidateIDs` after their applications
    /// changed; saves (moving `changed_at`) only those whose source differs. Returns how many.
    public func refreshCandidateSources(candidateIDs: [String], integrationID: String, now: Date = Date())
        async throws -> Int
    {
        let ids = Array(Set(candidateIDs))
        guard !ids.isEmpty else { return 0 }
        // Deleted candidates are left alone: a save would undelete them.
        let stored = try await sql.select().columns("id", "record").from(Candidate.table)
            .where(SQLColumn("integration_id"), .equal, Self.keyedIntegration(integrationID, on: sql))
            .where("id", .in, ids)
            .where("remote_deleted_at", .is, SQLLiteral.null)
            .all()
        guard !stored.isEmpty else { return 0 }
        let sources = try await Self.latestApplicationSources(candidateIDs: ids, integrationID: integrationID, on: sql)
        // The stored `source` is compared as text; only a candidate whose source moved is decoded
        // (decoding every candidate of each page of applications was a twentieth of a FULL).
        let changed = try stored.compactMap { row -> Candidate? in
            guard let source = sources[try row.decode(column: "id", as: String.self)] else { return nil }
            let text = Array(try row.decode(column: "record", as: String.self).utf8)
            if try JSONObjectMembers(text).value("source").map(Array.init) == (try DocumentEncoder.encode(source)) {
                return nil
            }
            var updated = try JSONValue.decodeParsed(
                Candidate.self, from: Data(text), makeDecoder: UnifiedJSON.makeDecoder)
            updated.source = source
            return updated
        }
        guard !changed.isEmpty else { return 0 }
        _ = try await save(changed, integrationID: integrationID, now: now, runID: nil)
        return changed.count
    }

    /// Saves an application just created upstream and its candidate in one transaction, the
    /// candidate with the source of its latest application (this one included); returns the
    /// candidate as saved. A write's round trips are its cost on PostgreSQL, and two hops between
    /// threads each on SQLite, so the transaction runs four statements between `BEGIN` and
    /// `COMMIT`: what is stored of both records and the candidate's other applications (one
    /// read), the application's insert, the candidate's composed array, its insert.
    ///
    /// The changes reach what embeds them as in any save, with the statements that would change
    /// nothing left out:
    /// - the application's change reaches its candidate (`Application.propagateChanges`: the
    ///   candidate's `updated_at` moves and its kept array is emptied) through the candidate's
    ///   own save when that writes the candidate, since it moves the same `updated_at` to the same
    ///   time and composes the array in this transaction, the application included; only a
    ///   candidate the save leaves as it was is touched;
    /// - the candidate's change reaches its applications (`Candidate.propagateChanges`) unless
    ///   its only application is the one this save wrote, which already has this `updated_at`
    ///   and keeps no objects (`Application.compose` keeps none; the pass composes them). A new
    ///   applicant's candidate has no other.
    public func saveCreated(
        application: Application, candidate: Candidate, integrationID: String, now: Date = Date()
    ) async throws -> Candidate {
        let preparedApplication = try Self.prepare([application])
        // Short, and all statements: on PostgreSQL it runs on its connection's thread.
        return try await database.transaction(pinned: true) { connection in
            // Read before the application's save, which changes no candidate's columns but its
            // kept array's stamp (`willChange`, for an application stored already): a stamp read
            // before that refuses the array composed below, which the next pass composes again.
            let stored = try await Self.storedStates(
                of: application, candidate: candidate.id, integrationID: integrationID, on: connection)
            let applicationSaved = try await Self.store(
                preparedApplication, integrationID: integrationID, now: now, runID: nil,
                propagating: !stored.itsCandidate, stored: stored.application, on: connection)
            var candidate = candidate
            if let source = stored.latestSource { candidate.source = source }
            let candidateSaved = try await Self.store(
                try Self.prepare([candidate]), integrationID: integrationID, now: now, runID: nil,
                propagating: false, stored: stored.candidate, on: connection)
            let nowMilliseconds = Clock.milliseconds(now)
            if candidateSaved.wrote {
                // The application itself is left out only when this save wrote it.
                if !stored.otherApplications.isEmpty || (stored.itsCandidate && !applicationSaved.wrote) {
                    try await Candidate.propagateChanges(
                        ids: [candidate.id], integrationID: integrationID, now: nowMilliseconds, on: connection)
                }
            } else if stored.itsCandidate, applicationSaved.wrote {
                try await Application.propagateChanges(
                    ids: [application.id], integrationID: integrationID, now: nowMilliseconds, on: connection)
            }
            return candidate
        }
    }

    /// What `saveCreated` reads before it writes.
    struct CreatedStates {
        /// The stored states (`storedStateColumns`) of the application and of the candidate.
        var application: [any SQLRow] = []
        var candidate: [any SQLRow] = []
        /// Whether the application names the candidate.
        var itsCandidate: Bool
        /// The candidate's applications other than this one, deleted or not.
        var otherApplications: [String] = []
        /// The source of the candidate's latest live application naming one, this application
        /// (as it is saved) included: `latestApplicationSources`, as it would read after the save.
        var latestSource: String?
    }

    /// `CreatedStates` in one statement instead of three: the two tables' stored states have the
    /// same columns, and the candidate's applications come in `latestApplicationSources`' order
    /// with the application being saved among them (as a row of its own values in place of its
    /// stored one), so the database orders it as it would the stored row.
    static func storedStates(
        of application: Application, candidate candidateID: String, integrationID: String,
        on connection: any SQLDatabase
    ) async throws -> CreatedStates {
        let columns = storedStateColumns(of: Application.self)
        precondition(
            columns == storedStateColumns(of: Candidate.self) && columns.first == "id",
            "one statement reads both tables")
        let stateColumns = columns.joined(separator: ", ")
        // The candidate's applications fill only `id` and `remote_deleted_at` of those columns.
        let sourceColumns = columns.map { ["id", "remote_deleted_at"].contains($0) ? $0 : "NULL" }
            .joined(separator: ", ")
        let none = Array(repeating: "NULL", count: columns.count - 1).joined(separator: ", ")
        let itsCandidate = application.candidateID == candidateID
        // Its values as `store` writes them (`filterValues`); a save leaves it live.
        let itself: SQLQueryString =
            itsCandidate
            ? """
            UNION ALL
            SELECT 's', \(bind: application.id), \(unsafeRaw: none), \(bind: application.source),
                \(bind: application.remoteCreatedAt.map(Clock.milliseconds) ?? 0),
                \(bind: application.remoteID.map { Int64($0.unicodeScalars.count) }), \(bind: application.remoteID)
            """ : ""
        let rows = try await connection.raw(
            """
            SELECT 'a' AS stored_kind, \(unsafeRaw: stateColumns), CAST(NULL AS TEXT) AS source,
                CAST(NULL AS BIGINT) AS created, CAST(NULL AS BIGINT) AS remote_id_length,
                CAST(NULL AS TEXT) AS remote_id
            FROM applications WHERE integration_id = \(bind: integrationID) AND id = \(bind: application.id)
            UNION ALL
            SELECT 'c', \(unsafeRaw: stateColumns), NULL, NULL, NULL, NULL
            FROM candidates WHERE integration_id = \(bind: integrationID) AND id = \(bind: candidateID)
            UNION ALL
            SELECT 's', \(unsafeRaw: sourceColumns), source, \(unsafeRaw: sourceOrder.joined(separator: ", "))
            FROM applications
            WHERE integration_id = \(bind: integrationID) AND candidate_id = \(bind: candidateID)
                AND id <> \(bind: application.id)
            \(itself)
            ORDER BY stored_kind, created, remote_id_length, remote_id
            """
        ).all()
        var states = CreatedStates(itsCandidate: itsCandidate)
        for row in rows {
            switch try row.decode(column: "stored_kind", as: String.self) {
            case "a": states.application.append(row)
            case "c": states.candidate.append(row)
            default:
                let id = try row.decode(column: "id", as: String.self)
                if id != application.id || !itsCandidate { states.otherApplications.append(id) }
                // Ascending order: the last live row with a source wins.
                if try row.decode(column: "remote_deleted_at", as: Int64?.self) == nil,
                    let source = try row.decode(column: "source", as: String?.self)
                {
                    states.latestSource = source
                }
            }
        }
        return states
    }

    /// The order of a candidate's applications whose last source becomes the candidate's: by
    /// remote creation, then remote id by length (a number's order), then as text. `storedStates`
    /// selects these as its `created`, `remote_id_length` and `remote_id`, and writes the same
    /// three values for the application being saved.
    static let sourceOrder = ["COALESCE(remote_created_at, 0)", "LENGTH(remote_id)", "remote_id"]

    static func latestApplicationSources(
        candidateIDs: [String], integrationID: String, on connection: any SQLDatabase
    ) async throws -> [String: String] {
        let rows = try await connection.raw(
            latestApplicationSourcesQuery(candidateIDs: candidateIDs, integrationID: integrationID, on: connection)
        ).all()
        var latest: [String: String] = [:]
        // Ascending order: the last row per candidate wins.
        for row in rows {
            latest[try row.decode(column: "candidate_id", as: String.self)] = try row.decode(
                column: "source", as: String.self)
        }
        return latest
    }

    /// `latestApplicationSources`' statement.
    static func latestApplicationSourcesQuery(
        candidateIDs: [String], integrationID: String, on connection: any SQLDatabase
    ) -> SQLQueryString {
        """
        SELECT candidate_id, source FROM applications
        WHERE integration_id = \(keyedIntegration(integrationID, on: connection))
          AND candidate_id IN (\(binds: candidateIDs))
          AND source IS NOT NULL AND remote_deleted_at IS NULL
        ORDER BY candidate_id, \(unsafeRaw: sourceOrder.joined(separator: ", "))
        """
    }
}
