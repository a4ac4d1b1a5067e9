import Foundation
import JunctionModel
import SQLKit

/// The sync queue (`sync_schedule`): which integrations are due, leased to the instance that
/// runs them. Every instance sharing the database takes due work from it with one query per
/// tick, whatever the number of integrations, and a lease held by an instance that died expires.
public struct SyncScheduleRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var syncSchedule: SyncScheduleRepository { SyncScheduleRepository(store: self) }
}

extension SyncScheduleRepository {
    /// Puts every integration without a place in the queue into it, due now: a FULL unless it
    /// has had a successful FULL. One statement, run when a scheduler starts: integrations made
    /// by an older build; a new integration gets its place when it is created.
    @discardableResult
    public func scheduleUnscheduled(now: Date = Date()) async throws -> Int {
        try await sql.raw(
            """
            INSERT INTO sync_schedule (integration_id, due_at, due_kind, due_reason, failures, confirmed_at, active)
            SELECT i.id, \(bind: Clock.milliseconds(now)),
                CASE WHEN EXISTS (
                    SELECT 1 FROM sync_runs r WHERE r.integration_id = i.id
                        AND r.type = \(bind: SyncRun.Kind.full.rawValue)
                        AND r.status = \(bind: SyncRun.Status.succeeded.rawValue)
                ) THEN \(bind: SyncRun.Kind.delta.rawValue) ELSE \(bind: SyncRun.Kind.full.rawValue) END,
                \(bind: SyncSchedule.Reason.new.rawValue), 0,
                (SELECT MAX(r.started_at) FROM sync_runs r WHERE r.integration_id = i.id
                    AND r.status = \(bind: SyncRun.Status.succeeded.rawValue)),
                CASE WHEN i.status = \(bind: IntegrationStatus.active.rawValue) THEN 1 ELSE 0 END
            FROM integrations i
            WHERE NOT EXISTS (SELECT 1 FROM sync_schedule s WHERE s.integration_id = i.id)
            ON CONFLICT (integration_id) DO NOTHING
            RETURNING integration_id
            """
        ).all().count
    }

    /// Leases up to `limit` due integrations to `owner` until `until`, most overdue first (a
    /// `force-sync` request makes its integration due at once): one statement, reading only the
    /// due part of the index `(active, due_at, integration_id)`, so it costs the same with 10 or
    /// 10,000 integrations. Active integrations only, none another instance holds (on
    /// PostgreSQL, rows another instance is claiming this instant are skipped, `FOR UPDATE SKIP
    /// LOCKED`). `fullAllowed` false leaves integrations due for a FULL in the queue, for a pool
    /// whose FULL share is taken.
    public func claimDue(owner: String, now: Date = Date(), until: Date, limit: Int, fullAllowed: Bool = true)
        async throws -> [SyncSchedule]
    {
        guard limit > 0 else { return [] }
        return try await sql.raw(
            """
            UPDATE sync_schedule SET lease_owner = \(bind: owner), lease_until = \(bind: Clock.milliseconds(until))
            WHERE integration_id IN (\(Self.dueQuery(now: now, limit: limit, fullAllowed: fullAllowed, kind: database.kind)))
            RETURNING *
            """
        ).all().map(SyncScheduleRow.decode).sorted { ($0.dueAt, $0.integrationID) < ($1.dueAt, $1.integrationID) }
    }

    /// The claim's choice of due integrations (its own statement for the plan tests).
    static func dueQuery(now: Date, limit: Int, fullAllowed: Bool, kind: Database.Kind) -> SQLQueryString {
        let nowMS = Clock.milliseconds(now)
        let skipLocked: SQLQueryString = kind == .postgres ? "FOR UPDATE OF s SKIP LOCKED" : ""
        let kinds: SQLQueryString = fullAllowed ? "" : "AND s.due_kind <> \(bind: SyncRun.Kind.full.rawValue)"
        return """
            SELECT s.integration_id FROM sync_schedule s JOIN integrations i ON i.id = s.integration_id
            WHERE s.active = 1 AND s.due_at <= \(bind: nowMS)
                AND (s.lease_until IS NULL OR s.lease_until < \(bind: nowMS))
                AND i.status = \(bind: IntegrationStatus.active.rawValue) \(kinds)
            ORDER BY s.active, s.due_at, s.integration_id
            LIMIT \(bind: limit)
            \(skipLocked)
            """
    }

    /// A new integration's place in the queue, due now for its first FULL, on `connection` (the
    /// transaction creating it).
    static func place(integrationID: String, active: Bool, now: Date, on connection: any SQLDatabase) async throws {
        try await connection.raw(
            """
            INSERT INTO sync_schedule (integration_id, due_at, due_kind, due_reason, failures, active)
            VALUES (\(bind: integrationID), \(bind: Clock.milliseconds(now)), \(bind: SyncRun.Kind.full.rawValue),
                \(bind: SyncSchedule.Reason.new.rawValue), 0, \(bind: active ? 1 : 0))
            ON CONFLICT (integration_id) DO NOTHING
            """
        ).run()
    }

    /// Keeps the queue's copy of an integration's status, on `connection` (the transaction
    /// changing the status).
    static func setActive(_ active: Bool, integrationID: String, on connection: any SQLDatabase) async throws {
        try await connection.raw(
            "UPDATE sync_schedule SET active = \(bind: active ? 1 : 0) WHERE integration_id = \(bind: integrationID)"
        ).run()
    }

    /// The `force-sync` requests waiting for the integration make it due now (earlier if it
    /// already was), for a FULL when one of them asks for one, on `connection`. A request's own
    /// transaction runs it after writing the request; a release runs it after giving the row
    /// back (`unleasedOnly`: a row another instance has claimed meanwhile is that instance's).
    static func bringForward(
        integrationID: String, now: Date, unleasedOnly: Bool = false, on connection: any SQLDatabase
    ) async throws {
        let nowMS = Clock.milliseconds(now)
        let unleased: SQLQueryString = unleasedOnly ? "AND lease_owner IS NULL" : ""
        try await connection.raw(
            """
            UPDATE sync_schedule SET due_at = CASE WHEN due_at > \(bind: nowMS) THEN \(bind: nowMS) ELSE due_at END,
                due_reason = \(bind: SyncSchedule.Reason.forced.rawValue),
                due_kind = CASE WHEN EXISTS (SELECT 1 FROM sync_requests r WHERE r.integration_id = \(bind: integrationID)
                        AND r.type = \(bind: SyncRun.Kind.full.rawValue))
                    THEN \(bind: SyncRun.Kind.full.rawValue) ELSE due_kind END
            WHERE integration_id = \(bind: integrationID) \(unleased)
                AND EXISTS (SELECT 1 FROM sync_requests r WHERE r.integration_id = \(bind: integrationID))
            """
        ).run()
    }

    /// Extends `owner`'s leases on `integrationIDs` (runs still going) to `until`.
    public func renewLeases(owner: String, integrationIDs: [String], until: Date) async throws {
        guard !integrationIDs.isEmpty else { return }
        try await sql.raw(
            """
            UPDATE sync_schedule SET lease_until = \(bind: Clock.milliseconds(until))
            WHERE lease_owner = \(bind: owner) AND integration_id IN (\(binds: integrationIDs))
            """
        ).run()
    }

    /// Gives leased integrations back without running them, still due.
    public func unlease(owner: String, integrationIDs: [String]) async throws {
        guard !integrationIDs.isEmpty else { return }
        try await sql.raw(
            """
            UPDATE sync_schedule SET lease_owner = NULL, lease_until = NULL
            WHERE lease_owner = \(bind: owner) AND integration_id IN (\(binds: integrationIDs))
            """
        ).run()
    }

    /// Gives an integration back to the queue after its run: due next at `next.dueAt` (at once
    /// when a `force-sync` request arrived meanwhile), with the run's failure count and, after a
    /// successful run, the moment its data was confirmed. Only the lease's owner releases it.
    ///
    /// Two statements (the second is `bringForward`), because one cannot see a request reliably on
    /// PostgreSQL: a request's transaction may bring the row forward and commit while the release's
    /// update waits for that row. The update then goes on with the snapshot it began with, in which
    /// the request does not exist yet, and would put the row back to `next.dueAt`, leaving the
    /// promised run waiting for the next scheduled one. The second statement takes a new snapshot
    /// after the first has its lock, so it sees every request committed by then; a request
    /// committed later brings the row forward itself.
    public func release(
        integrationID: String, owner: String, next: SyncSchedule, confirmedAt: Date?, now: Date = Date()
    ) async throws {
        try await sql.raw(
            """
            UPDATE sync_schedule SET due_at = \(bind: Clock.milliseconds(next.dueAt)), due_kind = \(bind: next.kind.rawValue),
                due_reason = \(bind: next.reason.rawValue), failures = \(bind: next.failures),
                confirmed_at = COALESCE(\(bind: confirmedAt.map(Clock.milliseconds)), confirmed_at),
                lease_owner = NULL, lease_until = NULL
            WHERE integration_id = \(bind: integrationID) AND lease_owner = \(bind: owner)
            """
        ).run()
        try await Self.bringForward(integrationID: integrationID, now: now, unleasedOnly: true, on: sql)
    }

    /// An integration's place in the queue; nil before the scheduler first saw it.
    public func schedule(integrationID: String) async throws -> SyncSchedule? {
        try await sql.raw("SELECT * FROM sync_schedule WHERE integration_id = \(bind: integrationID)").first()
            .map(SyncScheduleRow.decode)
    }

    /// When the integration's data was last confirmed current: kept by the queue, and before the
    /// queue first saw the integration, the start of its last successful run. Nil before any.
    public func confirmedAt(integrationID: String) async throws -> Date? {
        try await sql.raw(
            """
            SELECT COALESCE(
                (SELECT confirmed_at FROM sync_schedule WHERE integration_id = \(bind: integrationID)),
                (SELECT MAX(started_at) FROM sync_runs WHERE integration_id = \(bind: integrationID)
                    AND status = \(bind: SyncRun.Status.succeeded.rawValue))) AS confirmed_at
            """
        ).first().flatMap { try $0.decode(column: "confirmed_at", as: Int64?.self) }.map(Date.init(unixMilliseconds:))
    }

    /// Each ACTIVE integration with the moment its data was last confirmed current (nil before
    /// its first successful run), for the freshness metrics: one query, ids and times only.
    public func confirmations() async throws -> [(integrationID: String, confirmedAt: Date?)] {
        try await sql.raw(
            """
            SELECT i.id AS integration_id, COALESCE(s.confirmed_at, (
                SELECT MAX(r.started_at) FROM sync_runs r WHERE r.integration_id = i.id
                    AND r.status = \(bind: SyncRun.Status.succeeded.rawValue))) AS confirmed_at
            FROM integrations i LEFT JOIN sync_schedule s ON s.integration_id = i.id
            WHERE i.status = \(bind: IntegrationStatus.active.rawValue)
            ORDER BY i.id
            """
        ).all().map { row in
            (
                try row.decode(column: "integration_id", as: String.self),
                try row.decode(column: "confirmed_at", as: Int64?.self).map(Date.init(unixMilliseconds:))
            )
        }
    }

    /// Every integration's place in the queue (ids and times only).
    public func schedules() async throws -> [SyncSchedule] {
        try await sql.raw("SELECT * FROM sync_schedule ORDER BY integration_id").all().map(SyncScheduleRow.decode)
    }
}

/// A `sync_schedule` row.
private struct SyncScheduleRow: StoredRow {
    static let table = "sync_schedule"
    var integrationID: String
    var dueAt: Int64
    var dueKind: SyncRun.Kind
    var dueReason: String
    var failures: Int64
    var leaseOwner: String?
    var leaseUntil: Int64?
    var confirmedAt: Int64?

    func value() throws -> SyncSchedule {
        SyncSchedule(
            integrationID: integrationID, dueAt: Date(unixMilliseconds: dueAt), kind: dueKind,
            reason: SyncSchedule.Reason(rawValue: dueReason) ?? .delta, failures: Int(failures),
            leaseOwner: leaseOwner, leaseUntil: leaseUntil.map(Date.init(unixMilliseconds:)),
            confirmedAt: confirmedAt.map(Date.init(unixMilliseconds:)))
    }
}
