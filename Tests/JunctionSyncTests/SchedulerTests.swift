import Foundation
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Testing

@Suite("Sync policy", .freshDatabases)
struct SyncPolicyTests {
    static let policy = SyncPolicy(
        deltaInterval: .seconds(300), fullInterval: .seconds(3600), failureBackoff: .seconds(30))
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func run(_ kind: SyncRun.Kind, _ status: SyncRun.Status, secondsAgo: Double) -> SyncRun {
        SyncRun(
            id: UUID().uuidString, integrationID: "personio:x", kind: kind, status: status,
            startedAt: now.addingTimeInterval(-secondsAgo), finishedAt: now.addingTimeInterval(-secondsAgo + 1),
            stats: .init(), error: nil)
    }

    // The spread per integration is under 10%, so 331 s (> 300 × 1.1) is always due and 200 s never.
    @Test(
        "due runs follow the intervals, running runs and backoff",
        arguments: [
            ([], SyncRun.Kind?.some(.full)),
            ([run(.full, .running, secondsAgo: 5)], nil),
            ([run(.full, .succeeded, secondsAgo: 200)], nil),
            ([run(.full, .succeeded, secondsAgo: 331)], .delta),
            ([run(.delta, .succeeded, secondsAgo: 200), run(.full, .succeeded, secondsAgo: 3000)], nil),
            ([run(.delta, .succeeded, secondsAgo: 200), run(.full, .succeeded, secondsAgo: 3961)], .full),
            ([run(.full, .failed, secondsAgo: 10)], nil),
            ([run(.full, .failed, secondsAgo: 40)], .full),
            (
                [
                    run(.delta, .failed, secondsAgo: 40), run(.delta, .failed, secondsAgo: 100),
                    run(.full, .succeeded, secondsAgo: 150),
                ], nil
            ),
            (
                [
                    run(.delta, .failed, secondsAgo: 70), run(.delta, .failed, secondsAgo: 100),
                    run(.full, .succeeded, secondsAgo: 150),
                ], .delta
            ),
        ] as [([SyncRun], SyncRun.Kind?)])
    func due(runs: [SyncRun], expected: SyncRun.Kind?) {
        #expect(Self.policy.due(integrationID: "personio:x", runs: runs, now: Self.now) == expected)
    }
}

@Suite("Sync lock", .freshDatabases)
struct SyncLockTests {
    @Test("a second holder is refused while the first runs, and gets the lock afterwards", arguments: Backend.allCases)
    func exclusive(backend: Backend) async throws {
        let location = try await freshDatabaseLocation(backend)
        try await withSeparatePools(2, on: location) { databases in
            try await Migrator(database: databases[0], logger: quietLogger).migrate()
            let first = Store(database: databases[0], secrets: randomSecretBox()).syncRuns.makeSyncLock()
            let second = Store(database: databases[1], secrets: randomSecretBox()).syncRuns.makeSyncLock()

            let inner = try await first.withLock(integrationID: "personio:a") {
                let refused = try await second.withLock(integrationID: "personio:a") { "ran" }
                let other = try await second.withLock(integrationID: "personio:b") { "ran" }
                return (refused, other)
            }
            let afterwards = try await second.withLock(integrationID: "personio:a") { "ran" }

            #expect(inner?.0 == nil, "the same integration must not run twice at once")
            #expect(inner?.1 == "ran", "another integration is not blocked")
            #expect(afterwards == "ran")
        }
    }
}

extension SyncLockTests {
    struct Failure: Error {}

    /// The backend holding an advisory lock in this test's own database. Other tests share the
    /// server, and their locks (migrations, syncs) must never be taken for this one's: cutting
    /// their sessions left them waiting forever.
    static func lockHolder(_ database: Database) async throws -> Int? {
        try await database.sql.raw(
            """
            SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        ).first()?.decode(column: "pid", as: Int.self)
    }

    /// Cuts the session holding the lock as a PostgreSQL restart would, from another connection.
    static func cutLockSession(_ database: Database) async throws -> Int {
        let pid = try #require(try await lockHolder(database))
        try await database.sql.raw("SELECT pg_terminate_backend(CAST(\(bind: pid) AS integer))").run()
        return pid
    }

    // The time limit turns a regression (the guard never released: a hang) into a failure.
    @Test(
        "a run whose lock session the server cut holds the lock again, and releases it even when it fails",
        .timeLimit(.minutes(1)))
    func cutSession() async throws {
        let location = try await freshDatabaseLocation(.postgres)
        try await withSeparatePools(2, on: location) { databases in
            try await Migrator(database: databases[0], logger: quietLogger).migrate()
            let lock = Store(database: databases[0], secrets: randomSecretBox()).syncRuns.makeSyncLock()
            let other = Store(database: databases[1], secrets: randomSecretBox()).syncRuns.makeSyncLock()
            let admin = databases[1]

            // The guard checks every 2 s: after 5 s a new session holds the lock.
            let outcome = await Task {
                try await lock.withLock(integrationID: "personio:cut") { () async throws -> String in
                    let cut = try await Self.cutLockSession(admin)
                    try await Task.sleep(for: .seconds(5))
                    let holder = try await Self.lockHolder(admin)
                    let refused = try await other.withLock(integrationID: "personio:cut") { "ran" }
                    #expect(
                        holder != nil && holder != cut, "a new session holds the lock: \(String(describing: holder))")
                    #expect(refused == nil, "another holder is refused while the run holds the lock again")
                    throw Failure()
                }
            }.result
            let afterwards = try await other.withLock(integrationID: "personio:cut") { "ran" }

            guard case .failure(let error) = outcome else {
                Issue.record("the failing run returned")
                return
            }
            #expect(error is Failure, "the run's own error comes back, not a lost lock: \(String(reflecting: error))")
            #expect(afterwards == "ran", "the lock taken again is released when the run fails")
        }
    }
}

@Suite("Scheduler against the sandbox", .freshDatabases)
struct SchedulerTests {
    @Test("a fresh integration gets a FULL at once; right after, nothing is due", arguments: Backend.allCases)
    func runsDue(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { _, sync in
            let store = sync.seeded.store
            let scheduler = SyncScheduler(
                store: store, lock: store.syncRuns.makeSyncLock(), policy: SyncPolicy(), logger: quietLogger
            ) { _, kind in
                #expect(kind == .full)
                return try await sync.run(delta: kind == .delta)
            }

            let first = try await scheduler.runDue()
            let second = try await scheduler.runDue()

            #expect(first.count == 1)
            #expect(first.first?.status == .succeeded)
            #expect(second.isEmpty)
        }
    }

    @Test("a forced sync runs although none is due, as the run the request promised", arguments: Backend.allCases)
    func forced(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { _, sync in
            let store = sync.seeded.store
            let scheduler = SyncScheduler(
                store: store, lock: store.syncRuns.makeSyncLock(), policy: SyncPolicy(), logger: quietLogger
            ) { _, kind in try await sync.run(delta: kind == .delta) }
            _ = try await scheduler.runDue()

            let request = try await store.syncRuns.requestSync(integrationID: sync.integrationID, kind: .delta)
            let forced = try await scheduler.runDue()
            let after = try await scheduler.runDue()

            #expect(forced.map(\.id) == [request.syncID])
            #expect(forced.first?.kind == .delta)
            #expect(forced.first?.status == .succeeded)
            #expect(after.isEmpty)
        }
    }

    @Test("disabling an integration cancels its sync at the next page, deleting nothing", arguments: Backend.allCases)
    func cancelled(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { _, sync in
            let store = sync.seeded.store
            let first = try await sync.run()
            let jobsBefore = try await sync.jobs(includeDeleted: false).count
            try await store.integrations.setStatus(
                .inactive, integrationID: sync.integrationID, workspaceID: sync.seeded.workspace.id)

            let run = try await sync.run()

            #expect(first.status == .succeeded)
            #expect(run.status == .cancelled)
            #expect(run.error?.contains("disabled") == true)
            #expect(run.stats.deleted.values.reduce(0, +) == 0)
            #expect(try await sync.jobs(includeDeleted: false).count == jobsBefore)
        }
    }

    @Test(
        "a run its dead process left RUNNING is failed and the integration syncs again; a live run is left alone",
        arguments: Backend.allCases)
    func abandonedRun(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { _, sync in
            let store = sync.seeded.store
            let lock = store.syncRuns.makeSyncLock()
            let scheduler = SyncScheduler(store: store, lock: lock, policy: SyncPolicy(), logger: quietLogger) {
                _, kind in try await sync.run(delta: kind == .delta)
            }
            // What a SIGKILL mid-sync leaves: a RUNNING row and no one holding the lock.
            let dead = try await store.syncRuns.startSyncRun(integrationID: sync.integrationID, kind: .full)
            let blocked = try await store.syncRuns.requestSync(integrationID: sync.integrationID, kind: .full)
            // A live run holds the lock; its row must survive the reclaim.
            let whileLive = try await lock.withLock(integrationID: sync.integrationID) {
                try await scheduler.reclaimAbandonedRuns()
            }

            let reclaimed = try await scheduler.reclaimAbandonedRuns()
            let deadAfter = try await store.syncRuns.syncRuns(integrationID: sync.integrationID).first {
                $0.id == dead.id
            }
            let request = try await store.syncRuns.requestSync(integrationID: sync.integrationID, kind: .full)
            let ran = try await scheduler.runDue()

            #expect(blocked == (true, dead.id), "before the reclaim, force-sync points at the dead run")
            #expect(whileLive == [])
            #expect(reclaimed == [sync.integrationID])
            #expect(deadAfter?.status == .failed)
            #expect(deadAfter?.error?.contains("interrupted") == true)
            #expect(request.alreadyQueued == false)
            #expect(ran.map(\.id) == [request.syncID])
            #expect(ran.first?.status == .succeeded)
        }
    }
}
