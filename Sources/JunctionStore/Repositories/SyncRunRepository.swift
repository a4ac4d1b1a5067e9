import Foundation
import JunctionModel
import SQLKit

/// One FULL or DELTA pass of an integration's remote data into the store.
public struct SyncRun: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case full = "FULL"
        case delta = "DELTA"
    }
    public enum Status: String, Sendable, Codable {
        case running = "RUNNING"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
        /// Stopped between pages because the integration was disabled.
        case cancelled = "CANCELLED"
    }

    /// Counts per model, and the requests the run made.
    public struct Stats: Codable, Sendable, Equatable {
        public var added: [String: Int] = [:]
        public var updated: [String: Int] = [:]
        public var unchanged: [String: Int] = [:]
        public var deleted: [String: Int] = [:]
        public var requests = 0
        /// What the run could not read or understand and went on without (a career feed that
        /// was unavailable, say): the run still succeeded, but not everything is as fresh.
        public var warnings: [String] = []
        /// Models the credentials were not allowed to read in this run (`jobs`, `applications`,
        /// …): skipped, nothing of them deleted; the integration details mark them unavailable.
        public var unavailable: [String] = []

        public init() {}

        enum CodingKeys: String, CodingKey {
            case added, updated, unchanged, deleted, requests, warnings, unavailable
        }

        // Runs recorded before `warnings` existed have none.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            added = try container.decodeIfPresent([String: Int].self, forKey: .added) ?? [:]
            updated = try container.decodeIfPresent([String: Int].self, forKey: .updated) ?? [:]
            unchanged = try container.decodeIfPresent([String: Int].self, forKey: .unchanged) ?? [:]
            deleted = try container.decodeIfPresent([String: Int].self, forKey: .deleted) ?? [:]
            requests = try container.decodeIfPresent(Int.self, forKey: .requests) ?? 0
            warnings = try container.decodeIfPresent([String].self, forKey: .warnings) ?? []
            unavailable = try container.decodeIfPresent([String].self, forKey: .unavailable) ?? []
        }
    }

    public var id: String
    public var integrationID: String
    public var kind: Kind
    public var status: Status
    public var startedAt: Date
    public var finishedAt: Date?
    public var stats: Stats
    public var error: String?

    public init(
        id: String, integrationID: String, kind: Kind, status: Status, startedAt: Date, finishedAt: Date?, stats: Stats,
        error: String?
    ) {
        self.id = id
        self.integrationID = integrationID
        self.kind = kind
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.stats = stats
        self.error = error
    }
}

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
            try await WebhookRepository.enqueue(events, on: connection, now: now)
        }
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
    @discardableResult
    public func failAbandonedRuns(integrationID: String, reason: String, now: Date = Date()) async throws -> Int {
        try await sql.raw(
            """
            UPDATE sync_runs SET status = \(bind: SyncRun.Status.failed.rawValue),
                finished_at = \(bind: Clock.milliseconds(now)), error = \(bind: reason)
            WHERE integration_id = \(bind: integrationID) AND status = \(bind: SyncRun.Status.running.rawValue)
            RETURNING id
            """
        ).all().count
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
        // Two instances asking at once: one insert wins, both answer with the winner's id.
        try await sql.raw(
            """
            INSERT INTO sync_requests (integration_id, type, sync_id, requested_at)
            VALUES (\(bind: integrationID), \(bind: kind.rawValue), \(bind: candidate), \(bind: Clock.milliseconds(now)))
            ON CONFLICT (integration_id, type) DO NOTHING
            """
        ).run()
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
        ).all().map(Self.syncRun)
    }

    /// The integration's most recent successful run, FULL or DELTA.
    public func lastSuccessfulSyncRun(integrationID: String) async throws -> SyncRun? {
        try await sql.raw(
            """
            SELECT * FROM sync_runs WHERE integration_id = \(bind: integrationID) AND status = \(bind: SyncRun.Status.succeeded.rawValue)
            ORDER BY started_at DESC, id DESC LIMIT 1
            """
        ).first().map(Self.syncRun)
    }

    private static func syncRun(_ row: any SQLRow) throws -> SyncRun {
        let kindText = try row.decode(column: "type", as: String.self)
        let statusText = try row.decode(column: "status", as: String.self)
        guard let kind = SyncRun.Kind(rawValue: kindText), let status = SyncRun.Status(rawValue: statusText) else {
            throw StoreError.corruptRow(table: "sync_runs", detail: "type '\(kindText)', status '\(statusText)'")
        }
        return SyncRun(
            id: try row.decode(column: "id", as: String.self),
            integrationID: try row.decode(column: "integration_id", as: String.self),
            kind: kind, status: status,
            startedAt: Clock.date(try row.decode(column: "started_at", as: Int64.self)),
            finishedAt: try row.decode(column: "finished_at", as: Int64?.self).map(Clock.date),
            stats: try JSONDecoder().decode(
                SyncRun.Stats.self, from: Data(try row.decode(column: "stats", as: String.self).utf8)),
            error: try row.decode(column: "error", as: String?.self))
    }

    private static func statsText(_ stats: SyncRun.Stats) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(stats), as: UTF8.self)
    }
}
