import Crypto
import Foundation
import SQLKit

/// Makes sure one integration never syncs twice at once, across every process that shares the
/// database (architecture: "at most one run per integration at a time").
public protocol SyncLock: Sendable {
    /// Runs `body` holding the integration's lock; returns nil without running it when another
    /// run holds the lock.
    func withLock<Result: Sendable>(
        integrationID: String, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result?
}

extension Store {
    /// The lock that fits the database: a PostgreSQL advisory lock shared by every instance, or
    /// an in-process lock for SQLite, which one process serves.
    public func makeSyncLock() -> any SyncLock {
        switch database.kind {
        case .postgres: PostgresSyncLock(database: database)
        case .sqlite: LocalSyncLock.shared(for: database.location.description)
        }
    }
}

/// `pg_try_advisory_lock` on one session, held for the whole run and released after it.
struct PostgresSyncLock: SyncLock {
    let database: Database

    func withLock<Result: Sendable>(
        integrationID: String, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result? {
        let key = Self.key(integrationID)
        return try await database.sql.withSession { session in
            let locked =
                try await session.raw("SELECT pg_try_advisory_lock(\(bind: key)) AS locked").first()?
                .decode(column: "locked", as: Bool.self) ?? false
            guard locked else { return nil }
            let unlock: @Sendable () async -> Void = {
                // A session the server cut (a PostgreSQL restart during the run) took the lock
                // with it, and a query on it never answers: the unlock is abandoned after a while.
                await Self.withinDeadline(Self.unlockDeadline) {
                    try? await session.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                }
            }
            do {
                let result = try await body()
                await unlock()
                return result
            } catch {
                await unlock()
                throw error
            }
        }
    }

    static let unlockDeadline = Duration.seconds(10)

    /// Runs `work`, no longer waiting for it after `deadline`. A query on a dead session
    /// ignores cancellation, so `work` runs on in an unstructured task rather than in a task
    /// group (which would wait for it); such a task is left behind once per lost session.
    static func withinDeadline(_ deadline: Duration, _ work: @escaping @Sendable () async -> Void) async {
        let first = FirstOfTwo()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Task {
                await work()
                if await first.claim() { continuation.resume() }
            }
            Task {
                try? await Task.sleep(for: deadline)
                if await first.claim() { continuation.resume() }
            }
        }
    }

    /// Lets exactly one of two racers resume a continuation.
    private actor FirstOfTwo {
        private var claimed = false
        func claim() -> Bool {
            defer { claimed = true }
            return !claimed
        }
    }

    /// A 64-bit key from the integration id (first 8 bytes of its SHA-256).
    static func key(_ integrationID: String) -> Int64 {
        let digest = Array(SHA256.hash(data: Data("junction-sync:\(integrationID)".utf8)))
        return digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }
}

/// An in-process lock: for SQLite, whose file one process serves.
actor LocalSyncLock: SyncLock {
    private var held: Set<String> = []

    func withLock<Result: Sendable>(
        integrationID: String, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result? {
        guard held.insert(integrationID).inserted else { return nil }
        defer { held.remove(integrationID) }
        return try await body()
    }

    private static let registryLock = NSLock()
    private nonisolated(unsafe) static var registry: [String: LocalSyncLock] = [:]

    /// One lock per database file in this process.
    static func shared(for location: String) -> LocalSyncLock {
        registryLock.lock()
        defer { registryLock.unlock() }
        if let lock = registry[location] { return lock }
        let lock = LocalSyncLock()
        registry[location] = lock
        return lock
    }
}

extension Store {
    /// Every integration the scheduler should consider: active ones of every workspace. The
    /// one query not scoped to a workspace, because scheduling serves them all; it returns
    /// integrations to run, never their data.
    public func integrationsForScheduling() async throws -> [Integration] {
        let workspaces = try await workspaces()
        var all: [Integration] = []
        for workspace in workspaces {
            all += try await integrations(workspaceID: workspace.id).filter { $0.status == .active }
        }
        return all
    }
}
