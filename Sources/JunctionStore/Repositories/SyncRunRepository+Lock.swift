import Crypto
import Foundation
import JunctionModel
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

extension SyncRunRepository {
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
///
/// The lock lives as long as its session. If PostgreSQL cuts the session (a restart, a
/// failover) while the run goes on over fresh connections, a guard notices within
/// `checkInterval`, takes the lock again on a new session and holds it there; if another
/// instance took it first, the run is cancelled, so two runs of one integration never overlap
/// for longer than about that.
struct PostgresSyncLock: SyncLock {
    let database: Database
    var checkInterval = Duration.seconds(2)

    /// Thrown into a run whose lock another instance took while the run's session was gone.
    struct LockLost: Error, CustomStringConvertible {
        var description: String {
            "the sync lock was lost with its database session and another instance took it; this run stopped"
        }
    }

    func withLock<Result: Sendable>(
        integrationID: String, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result? {
        let key = Self.key(integrationID)
        let database = database
        let checkInterval = checkInterval
        return try await database.sql.withSession { session in
            guard let pid = try await Self.tryLock(session, key) else { return nil }
            let finished = Flag()
            do {
                let result = try await withThrowingTaskGroup(of: Result?.self) { group in
                    group.addTask { try await body() }
                    group.addTask {
                        let outcome = try await Self.hold(
                            key: key, pid: pid, database: database, every: checkInterval, until: finished)
                        if outcome == .lost { throw LockLost() }
                        return nil
                    }
                    // The first child to finish decides: the run's result, or the lost lock. The
                    // flag is set before the group waits for the guard, on success and on error:
                    // a lock the guard took again is released only when it sees the flag.
                    let first: Result??
                    do {
                        first = try await group.next()
                    } catch {
                        await finished.set()
                        throw error
                    }
                    await finished.set()
                    group.cancelAll()
                    guard let result = first ?? nil else { throw LockLost() }
                    return result
                }
                await Self.unlock(session, key)
                return result
            } catch {
                await Self.unlock(session, key)
                throw error
            }
        }
    }

    enum HoldOutcome { case finished, lost }

    /// Set once the run is over. The guard also stops on cancellation, but a lock it took again
    /// is held inside `withSession`, whose closure runs in a task of its own that cancellation
    /// does not reach.
    actor Flag {
        private(set) var isSet = false
        func set() { isSet = true }
    }

    /// Watches that the backend `pid` still holds the lock (asked over other connections: a
    /// query on a cut session never answers) until the run is `finished`. When the session is
    /// gone it takes the lock again on a new one and holds it there (released when the run ends);
    /// `.lost` when another holder took it first.
    static func hold(key: Int64, pid: Int, database: Database, every interval: Duration, until finished: Flag)
        async throws -> HoldOutcome
    {
        while true {
            try await Task.sleep(for: interval)
            if await finished.isSet { return .finished }
            // While the server is unreachable nobody can take the lock: ask again next time.
            guard let held = try? await holds(pid: pid, key: key, database: database), !held else { continue }
            return try await database.sql.withSession { fresh in
                guard let pid = try await tryLock(fresh, key) else { return .lost }
                let outcome: HoldOutcome
                do {
                    outcome = try await hold(key: key, pid: pid, database: database, every: interval, until: finished)
                } catch {
                    await unlock(fresh, key)
                    throw error
                }
                if outcome == .finished { await unlock(fresh, key) }
                return outcome
            }
        }
    }

    /// Whether backend `pid` holds the advisory lock `key` (which `pg_locks` shows as two
    /// 32-bit halves, `classid` and `objid`).
    static func holds(pid: Int, key: Int64, database: Database) async throws -> Bool {
        let high = Int64(UInt32(truncatingIfNeeded: key >> 32))
        let low = Int64(UInt32(truncatingIfNeeded: key))
        let row = try await database.sql.raw(
            """
            SELECT COUNT(*) AS n FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND pid = \(bind: pid)
              AND classid::bigint = \(bind: high) AND objid::bigint = \(bind: low) AND objsubid = 1
            """
        ).first()
        return try (row?.decode(column: "n", as: Int.self) ?? 0) > 0
    }

    /// The session's backend pid when it took the lock, nil when another session holds it.
    static func tryLock(_ session: any SQLDatabase, _ key: Int64) async throws -> Int? {
        let row = try await session.raw(
            "SELECT pg_try_advisory_lock(\(bind: key)) AS locked, pg_backend_pid() AS pid"
        ).first()
        guard let row, try row.decode(column: "locked", as: Bool.self) else { return nil }
        return try row.decode(column: "pid", as: Int.self)
    }

    /// A session the server cut took the lock with it, and a query on it never answers: the
    /// unlock is abandoned after a while.
    static func unlock(_ session: any SQLDatabase, _ key: Int64) async {
        _ = await withinDeadline(unlockDeadline) {
            try? await session.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
        }
    }

    static let unlockDeadline = Duration.seconds(10)

    /// `work`'s value, or nil when it has not finished after `deadline`. A query on a dead
    /// session ignores cancellation, so `work` runs on in an unstructured task rather than in a
    /// task group (which would wait for it); such a task is left behind once per lost session.
    static func withinDeadline<Value: Sendable>(
        _ deadline: Duration, _ work: @escaping @Sendable () async -> Value
    ) async -> Value? {
        let first = FirstOfTwo()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
            Task {
                let value = await work()
                if await first.claim() { continuation.resume(returning: value) }
            }
            Task {
                try? await Task.sleep(for: deadline)
                if await first.claim() { continuation.resume(returning: nil) }
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
