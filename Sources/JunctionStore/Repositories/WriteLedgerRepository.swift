import Foundation
import JunctionModel
import SQLKit

/// Claims and idempotency keys that keep a write from reaching the tool twice.
public struct WriteLedgerRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var writeLedger: WriteLedgerRepository { WriteLedgerRepository(store: self) }
}

extension WriteLedgerRepository {
    /// The claim of one application write: a SHA-256 of the address and the job, so the claim
    /// table, kept as a duplicate guard, never holds an email address (issue 21).
    public static func applicationClaim(email: String, jobRemoteID: String) -> String {
        "application:" + AccessRepository.hashAPIKey(email.lowercased() + "\u{1F}" + jobRemoteID)
    }

    /// Takes the claim `claim` for an integration; false when someone holds it. Claims older
    /// than `staleAfter` (a crashed writer's) are taken over.
    public func takeClaim(_ claim: String, integrationID: String, staleAfter: TimeInterval = 300) async throws -> Bool {
        try await insertClaim(claim, integrationID: integrationID, staleAfter: staleAfter, when: "1 = 1")
    }

    /// The one statement that takes a claim (a write's round trips are its cost on PostgreSQL):
    /// a new claim is inserted, a stale one taken over, a held one left alone, and only the first
    /// two return a row. The row lock of the conflict makes concurrent takers wait and then see
    /// the winner's fresh claim. Nothing is inserted unless `condition` holds.
    private func insertClaim(
        _ claim: String, integrationID: String, staleAfter: TimeInterval, when guarded: SQLQueryString
    ) async throws -> Bool {
        let now = Clock.nowMilliseconds()
        // `INSERT … SELECT … WHERE` (never without the WHERE: SQLite would read `ON` as a join).
        let taken = try await sql.raw(
            """
            INSERT INTO write_claims (integration_id, claim, created_at)
            SELECT \(bind: integrationID), \(bind: claim), \(bind: now) WHERE \(guarded)
            ON CONFLICT (integration_id, claim) DO UPDATE SET created_at = excluded.created_at
            WHERE write_claims.created_at < \(bind: now - Int64(staleAfter * 1000))
            RETURNING created_at
            """
        ).first()
        return taken != nil
    }

    /// What `claimApplication` found.
    public enum ApplicationClaim: Sendable, Equatable {
        /// The caller holds the claim now: go ahead.
        case taken
        /// A live application of the job by a candidate with this email is stored already.
        case alreadyApplied
        /// Another writer holds the claim (creating the same application right now).
        case held
        /// The job is no longer stored at the version the caller planned with (it changed, or
        /// was deleted): read it again and plan again.
        case jobChanged
    }

    /// `takeClaim`, unless a live application of the job by a candidate with `email` (any case)
    /// is stored already (`applicationExistsQuery`) or the job is not stored at `jobVersion` any
    /// more (when given): all in one statement when the claim is taken, the usual case, since
    /// each statement is a round trip on PostgreSQL. Only a refusal asks again, to say which.
    public func claimApplication(
        _ claim: String, jobID: String, email: String, integrationID: String, jobVersion: JobForm.Version? = nil,
        staleAfter: TimeInterval = 300
    ) async throws -> ApplicationClaim {
        let exists = Self.applicationExistsQuery(
            jobID: jobID, email: email.lowercased(), integrationID: integrationID, kind: database.kind)
        let current =
            jobVersion.map { JobForm.isCurrent($0, id: jobID, integrationID: integrationID) } ?? "1 = 1"
        if try await insertClaim(
            claim, integrationID: integrationID, staleAfter: staleAfter, when: "NOT EXISTS (\(exists)) AND \(current)")
        {
            return .taken
        }
        let found = try await sql.raw(
            """
            SELECT CASE WHEN EXISTS (\(exists)) THEN 1 ELSE 0 END AS applied,
                CASE WHEN \(current) THEN 1 ELSE 0 END AS current
            """
        ).first()
        if try found?.decode(column: "current", as: Int.self) != 1 { return .jobChanged }
        return try found?.decode(column: "applied", as: Int.self) == 1 ? .alreadyApplied : .held
    }

    public func releaseClaim(_ claim: String, integrationID: String) async throws {
        try await sql.raw(
            "DELETE FROM write_claims WHERE integration_id = \(bind: integrationID) AND claim = \(bind: claim)"
        ).run()
    }

    /// The duplicate check: the candidates with this email (one, usually), then only their
    /// applications. SQLite keeps no planner statistics here; as a join of the two tables it
    /// started from the job's applications (an index of the same shape as the email's) and looked
    /// each one's candidate up, a walk that grew with the job's applicants. The unary `+` keeps
    /// SQLite from using the job's index (its documented way to take a term out of index
    /// selection), and the subquery gives it the candidates' ids to look applications up by.
    /// PostgreSQL plans from its own statistics and has no unary `+` for text.
    static func applicationExistsQuery(
        jobID: String, email: String, integrationID: String, kind: Database.Kind
    ) -> SQLQueryString {
        let jobColumn: SQLQueryString = kind == .sqlite ? "+a.job_id" : "a.job_id"
        return """
            SELECT 1 AS one FROM applications a
            WHERE a.integration_id = \(bind: integrationID) AND \(jobColumn) = \(bind: jobID)
              AND a.remote_deleted_at IS NULL
              AND a.candidate_id IN (
                SELECT c.id FROM candidates c WHERE c.integration_id = \(bind: integrationID) AND c.email = \(bind: email))
            """
    }

    /// What an idempotency key says about a request.
    public enum IdempotentStart: Sendable, Equatable {
        /// First use: go ahead, then `finishIdempotent`.
        case new
        /// Done before: answer this again.
        case replay(status: Int, body: String)
        /// The key was used for another request.
        case mismatch
        /// The first request with this key is still running.
        case inProgress
    }

    public func beginIdempotent(key: String, requestHash: String, workspaceID: String) async throws -> IdempotentStart {
        do {
            try await sql.raw(
                """
                INSERT INTO idempotency_keys (workspace_id, key, request_hash, created_at)
                VALUES (\(bind: workspaceID), \(bind: key), \(bind: requestHash), \(bind: Clock.nowMilliseconds()))
                """
            ).run()
            return .new
        } catch {
            guard
                let row = try await sql.raw(
                    """
                    SELECT request_hash, status, response FROM idempotency_keys
                    WHERE workspace_id = \(bind: workspaceID) AND key = \(bind: key)
                    """
                ).first()
            else { throw error }
            guard try row.decode(column: "request_hash", as: String.self) == requestHash else { return .mismatch }
            guard let status = try row.decode(column: "status", as: Int?.self),
                let body = try row.decode(column: "response", as: String?.self)
            else { return .inProgress }
            return .replay(status: status, body: body)
        }
    }

    /// Keeps a finished request's answer; with nil, forgets the key so a retry starts afresh
    /// (for answers a retry may change: rate limits, Personio outages).
    public func finishIdempotent(key: String, workspaceID: String, status: Int?, body: String?) async throws {
        if let status, let body {
            try await sql.raw(
                """
                UPDATE idempotency_keys SET status = \(bind: status), response = \(bind: body)
                WHERE workspace_id = \(bind: workspaceID) AND key = \(bind: key)
                """
            ).run()
        } else {
            try await sql.raw(
                "DELETE FROM idempotency_keys WHERE workspace_id = \(bind: workspaceID) AND key = \(bind: key)"
            ).run()
        }
    }
}

/// One write or passthrough call, as the dashboard lists it.
