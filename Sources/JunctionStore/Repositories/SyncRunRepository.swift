import Foundation
import JunctionModel
import SQLKit

/// Sync runs, requested syncs and what the scheduler needs to pick the next run.
public struct SyncRunRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var syncRuns: SyncRunRepository { SyncRunRepository(store: self) }
}

extension SyncRunRepository {
    /// Starts a run; a waiting `force-sync` request of the same kind is consumed, and its
    /// promised `sync_id` becomes the run's id.
    public func startSyncRun(integrationID: String, kind: SyncRun.Kind, now: Date = Date()) async throws -> SyncRun {
        let requested = try await sql.raw(
            """
            DELETE FROM sync_requests WHERE integration_id = \(bind: integrationID) AND type = \(bind: kind.rawValue)
            RETURNING sync_id
            """
        ).first().map { try $0.decode(column: "sync_id", as: String.self) }
        let run = SyncRun(
            id: requested ?? Identifier.random(), integrationID: integrationID, kind: kind, status: .running,
            startedAt: Clock.date(Clock.milliseconds(now)), finishedAt: nil, stats: SyncRun.Stats(), error: nil)
        try await sql.raw(
            """
            INSERT INTO sync_runs (id, integration_id, type, status, started_at, finished_at, stats, error)
            VALUES (\(bind: run.id), \(bind: integrationID), \(bind: kind.rawValue), \(bind: run.status.rawValue),
                    \(bind: Clock.milliseconds(run.startedAt)), NULL, \(bind: try Self.statsText(run.stats)), NULL)
            """
        ).run()
        return run
    }

    /// Records a run's outcome, with its webhook `events` in the same transaction.
    public func finishSyncRun(_ run: SyncRun, now: Date = Date(), events: [WebhookEvent] = []) async throws {
        try await database.transaction { connection in
            try await connection.raw(
                """
                UPDATE sync_runs SET status = \(bind: run.status.rawValue), finished_at = \(bind: Clock.milliseconds(now)),
                    stats = \(bind: try Self.statsText(run.stats)), error = \(bind: run.error)
                WHERE id = \(bind: run.id) AND integration_id = \(bind: run.integrationID)
                """
            ).run()
            if run.kind == .full, run.status == .succeeded {
                // A FULL run outside the queue (`junction sync`) answers the queue's first FULL;
                // the queue's own runs set the next kind when they give the integration back.
                try await connection.raw(
                    """
                    UPDATE sync_schedule SET due_kind = \(bind: SyncRun.Kind.delta.rawValue)
                    WHERE integration_id = \(bind: run.integrationID) AND lease_owner IS NULL
                        AND due_kind = \(bind: SyncRun.Kind.full.rawValue)
                        AND due_reason = \(bind: SyncSchedule.Reason.new.rawValue)
                    """
                ).run()
            }
            try await WebhookRepository.enqueue(events, on: connection, now: now)
        }
    }

    /// Marks one run FAILED with `reason`, whatever it recorded (a run the scheduler stopped at
    /// its time limit records its own cancellation first).
    public func failRun(id: String, integrationID: String, reason: String, now: Date = Date()) async throws {
        try await sql.raw(
            """
            UPDATE sync_runs SET status = \(bind: SyncRun.Status.failed.rawValue), error = \(bind: reason),
                finished_at = COALESCE(finished_at, \(bind: Clock.milliseconds(now)))
            WHERE id = \(bind: id) AND integration_id = \(bind: integrationID)
            """
        ).run()
    }

    /// Integrations with a run still marked RUNNING: live runs, or runs whose process died
    /// (SIGKILL, a lost database session). The caller tells them apart with the sync lock. Not
    /// scoped to a workspace: the scheduler serves every workspace, and this returns ids only.
    public func integrationsWithRunningSyncs() async throws -> [String] {
        try await sql.raw(
            """
            SELECT DISTINCT integration_id FROM sync_runs WHERE status = \(bind: SyncRun.Status.running.rawValue)
            ORDER BY integration_id
            """
        ).all().map { try $0.decode(column: "integration_id", as: String.self) }
    }

    /// Marks an integration's RUNNING runs FAILED with `reason`. Only for a caller that holds the
    /// integration's sync lock, which proves no live run owns them. Returns how many there were.
    ///
    /// What such a run wrote before its process died is in the store, and is announced now: a
    /// `data-changed` for every model with records written since the earliest of those runs
    /// began, in the same transaction (a run announces its changes only when it ends).
    @discardableResult
    public func failAbandonedRuns(integrationID: String, reason: String, now: Date = Date()) async throws -> Int {
        try await database.transaction { connection in
            let started = try await connection.raw(
                """
                UPDATE sync_runs SET status = \(bind: SyncRun.Status.failed.rawValue),
                    finished_at = \(bind: Clock.milliseconds(now)), error = \(bind: reason)
                WHERE integration_id = \(bind: integrationID) AND status = \(bind: SyncRun.Status.running.rawValue)
                RETURNING started_at
                """
            ).all().map { try $0.decode(column: "started_at", as: Int64.self) }
            guard let earliest = started.min(), let id = IntegrationID(integrationID),
                let workspace = try await connection.raw(
                    "SELECT workspace_id FROM integrations WHERE id = \(bind: integrationID)"
                ).first().map({ try $0.decode(column: "workspace_id", as: String.self) })
            else { return started.count }
            var written: Set<String> = []
            for table in WebhookPayloads.modelNames.keys.sorted() {
                let row = try await connection.raw(
                    """
                    SELECT 1 AS found FROM \(ident: table)
                    WHERE integration_id = \(bind: integrationID) AND updated_at >= \(bind: earliest) LIMIT 1
                    """
                ).first()
                if row != nil { written.insert(table) }
            }
            if let event = WebhookPayloads.dataChanged(integrationID: id, workspaceID: workspace, tables: written) {
                try await WebhookRepository.enqueue([event], on: connection, now: now)
            }
            return started.count
        }
    }

    /// `POST /force-sync`: queues a run of `kind` unless one of that kind already waits or runs
    /// (then that one's id comes back with `alreadyQueued`). At most one request per kind waits.
    public func requestSync(integrationID: String, kind: SyncRun.Kind, now: Date = Date()) async throws
        -> (alreadyQueued: Bool, syncID: String)
    {
        if let running = try await sql.raw(
            """
            SELECT id FROM sync_runs WHERE integration_id = \(bind: integrationID) AND type = \(bind: kind.rawValue)
                AND status = \(bind: SyncRun.Status.running.rawValue)
            ORDER BY started_at DESC LIMIT 1
            """
        ).first() {
            return (true, try running.decode(column: "id", as: String.self))
        }
        let candidate = Identifier.random()
        // Two instances asking at once: one insert wins, both answer with the winner's id. The
        // queue's row moves with the request, so the scheduler finds it among the due.
        try await database.transaction { connection in
            try await connection.raw(
                """
                INSERT INTO sync_requests (integration_id, type, sync_id, requested_at)
                VALUES (\(bind: integrationID), \(bind: kind.rawValue), \(bind: candidate), \(bind: Clock.milliseconds(now)))
                ON CONFLICT (integration_id, type) DO NOTHING
                """
            ).run()
            try await SyncScheduleRepository.bringForward(integrationID: integrationID, now: now, on: connection)
        }
        let row = try await sql.raw(
            """
            SELECT sync_id FROM sync_requests WHERE integration_id = \(bind: integrationID) AND type = \(bind: kind.rawValue)
            """
        ).first()
        let syncID = try row?.decode(column: "sync_id", as: String.self) ?? candidate
        return (syncID != candidate, syncID)
    }

    /// An integration's status alone, for the sync engine's check between pages.
    public func integrationStatus(id: String) async throws -> IntegrationStatus? {
        try await sql.raw("SELECT status FROM integrations WHERE id = \(bind: id)").first()
            .flatMap { IntegrationStatus(rawValue: try $0.decode(column: "status", as: String.self)) }
    }

    /// The kinds of run requested for an integration and not started yet.
    public func requestedSyncs(integrationID: String) async throws -> [SyncRun.Kind] {
        try await sql.raw("SELECT type FROM sync_requests WHERE integration_id = \(bind: integrationID)").all()
            .compactMap { SyncRun.Kind(rawValue: try $0.decode(column: "type", as: String.self)) }
    }

    /// An integration's runs, newest first.
    public func syncRuns(integrationID: String, limit: Int = 50) async throws -> [SyncRun] {
        try await sql.raw(
            """
            SELECT * FROM sync_runs WHERE integration_id = \(bind: integrationID)
            ORDER BY started_at DESC, id DESC LIMIT \(bind: limit)
            """
        ).all().map(SyncRunRow.decode)
    }

    /// The integration's most recent successful run, FULL or DELTA.
    public func lastSuccessfulSyncRun(integrationID: String) async throws -> SyncRun? {
        try await sql.raw(
            """
            SELECT * FROM sync_runs WHERE integration_id = \(bind: integrationID) AND status = \(bind: SyncRun.Status.succeeded.rawValue)
            ORDER BY started_at DESC, id DESC LIMIT 1
            """
        ).first().map(SyncRunRow.decode)
    }

    private static func statsText(_ stats: SyncRun.Stats) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(stats), as: UTF8.self)
    }
}

/// A `sync_runs` row; the run's kind is the `type` column.
private struct SyncRunRow: StoredRow {
    static let table = "sync_runs"
    var id: String
    var integrationID: String
    var type: SyncRun.Kind
    var status: SyncRun.Status
    var startedAt: Int64
    var finishedAt: Int64?
    var stats: String
    var error: String?

    func value() throws -> SyncRun {
        SyncRun(
            id: id, integrationID: integrationID, kind: type, status: status,
            startedAt: Date(unixMilliseconds: startedAt), finishedAt: finishedAt.map(Date.init(unixMilliseconds:)),
            stats: try json(stats, as: SyncRun.Stats.self), error: error)
    }
}
