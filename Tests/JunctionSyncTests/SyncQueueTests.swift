import Foundation
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Testing

/// The scheduler as a work queue (issue 20): due work leased from the database, a bounded pool
/// with a FULL share, failures kept to their integration, and several schedulers sharing one
/// database. Runs are recorded in the real store by a runner that stands in for a connector
/// (what a sync reads is covered elsewhere; here only when and where runs happen matters).
@Suite("Sync queue", .freshDatabases)
struct SyncQueueTests {
    /// Integrations `count` more in the seeded workspace, ACTIVE.
    static func integrations(_ count: Int, in seeded: SeededStore) async throws -> [Integration] {
        var made: [Integration] = []
        for index in 0..<count {
            let integration = Integration(
                id: IntegrationID(tool: .personio), workspaceID: seeded.workspace.id, setupStatus: .completed,
                endUserOrganizationName: "Customer \(index)")
            try await seeded.store.integrations.createIntegration(integration, credentials: Data("{}".utf8))
            made.append(integration)
        }
        return made
    }

    /// What the runner saw: which integration ran when, on which scheduler, and overlaps.
    actor Ledger {
        struct Entry: Sendable {
            var integrationID: String
            var owner: String
            var kind: SyncRun.Kind
            var started: Date
            var ended: Date
        }
        private(set) var entries: [Entry] = []
        private var active: Set<String> = []
        private(set) var overlaps: [String] = []
        /// Which other integrations were running when each run ended.
        private(set) var runningAtEnd: [String: Set<String>] = [:]

        func begin(_ id: String) {
            if !active.insert(id).inserted { overlaps.append(id) }
        }
        func isActive(_ id: String) -> Bool { active.contains(id) }
        func end(_ entry: Entry) {
            active.remove(entry.integrationID)
            runningAtEnd[entry.integrationID] = active
            entries.append(entry)
        }
    }

    /// A runner that records a run in the store as the engine does, taking `duration(kind, id)`.
    static func runner(
        _ store: Store, owner: String, ledger: Ledger,
        duration: @escaping @Sendable (SyncRun.Kind, String) -> Duration = { _, _ in .milliseconds(50) }
    ) -> SyncScheduler.Runner {
        { integration, kind in
            let id = integration.id.description
            await ledger.begin(id)
            var run = try await store.syncRuns.startSyncRun(integrationID: id, kind: kind)
            try await Task.sleep(for: duration(kind, id))
            run.status = .succeeded
            try await store.syncRuns.finishSyncRun(run)
            await ledger.end(
                .init(integrationID: id, owner: owner, kind: kind, started: run.startedAt, ended: Date()))
            return run
        }
    }

    @Test(
        "every due integration runs once, and goes back to the queue due at its next time", arguments: Backend.allCases)
    func dueOnce(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let fleet = try await Self.integrations(7, in: seeded) + [seeded.integration]
        let ledger = Ledger()
        let scheduler = SyncScheduler(
            store: seeded.store, lock: seeded.store.syncRuns.makeSyncLock(), policy: SyncPolicy(),
            pool: .init(workers: 3), owner: "a", logger: quietLogger,
            runner: Self.runner(seeded.store, owner: "a", ledger: ledger))

        let first = try await scheduler.runDue()
        let second = try await scheduler.runDue()
        let schedules = try await seeded.store.syncSchedule.schedules()

        #expect(Set(first.map(\.integrationID)) == Set(fleet.map { $0.id.description }))
        #expect(first.count == fleet.count && first.allSatisfy { $0.kind == .full && $0.status == .succeeded })
        #expect(second.isEmpty)
        #expect(await ledger.overlaps.isEmpty)
        for schedule in schedules {
            let run = first.first { $0.integrationID == schedule.integrationID }
            #expect(schedule.leaseOwner == nil)
            #expect(schedule.confirmedAt == run?.startedAt)
            // Next: a DELTA 300 s (plus up to 10% spread) after the FULL began.
            let wait = schedule.dueAt.timeIntervalSince(run?.startedAt ?? .distantPast)
            #expect(schedule.kind == .delta && schedule.reason == .delta && (300..<330).contains(wait))
        }
    }

    @Test("a long FULL holds no other integration's DELTA: FULLs have their own share", arguments: Backend.allCases)
    func fullShare(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let made = try await Self.integrations(2, in: seeded)
        let (slow, quick) = (made[0], made[1])
        let store = seeded.store
        // `quick` had its FULL; `slow` has none. The seeded integration is disabled, out of the way.
        try await store.integrations.setStatus(
            .inactive, integrationID: seeded.integration.id.description, workspaceID: seeded.workspace.id)
        var done = try await store.syncRuns.startSyncRun(
            integrationID: quick.id.description, kind: .full, now: Date().addingTimeInterval(-400))
        done.status = .succeeded
        try await store.syncRuns.finishSyncRun(done, now: Date().addingTimeInterval(-399))
        let ledger = Ledger()
        let recording = Self.runner(store, owner: "a", ledger: ledger) { kind, _ in
            kind == .full ? .seconds(10) : .milliseconds(300)
        }
        // A DELTA handed out before the FULL's run began waits for it: both are claimed at the
        // same tick, and on a loaded machine the DELTA's 300 ms ended before the FULL's runner
        // was called (CI, thirty-sixth stop). One handed out only after the FULL ended finds
        // it never running, and the checks below fail.
        let slowID = slow.id.description
        let scheduler = SyncScheduler(
            store: store, lock: store.syncRuns.makeSyncLock(), policy: SyncPolicy(),
            pool: .init(workers: 2, fullWorkers: 1), tick: .milliseconds(50), owner: "a", logger: quietLogger,
            runner: { integration, kind in
                if kind == .delta { try await Self.waitUntil { await ledger.isActive(slowID) } }
                return try await recording(integration, kind)
            })

        let service = Task { try await scheduler.run() }
        try await Self.waitUntil { await ledger.entries.contains { $0.kind == .delta } }
        service.cancel()

        // Ordering, not timing (a loaded machine stretches every wait): the DELTA ended while
        // the FULL was running, so it did not wait for the FULL.
        let entries = await ledger.entries
        #expect(entries.map(\.integrationID) == [quick.id.description], "the DELTA finished while the FULL ran")
        #expect(entries.first?.kind == .delta)
        #expect(await ledger.runningAtEnd[quick.id.description] == [slow.id.description])
    }

    @Test(
        "a worker that comes free takes the next due integration at once, not at the next tick",
        arguments: Backend.allCases)
    func freedWorker(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let fleet = try await Self.integrations(5, in: seeded) + [seeded.integration]
        let ledger = Ledger()
        // One worker and a ten-minute tick: claiming only at ticks, six runs would take an hour;
        // claiming when the worker comes free, they take as long as the machine needs for six
        // short runs (well under a second alone, longer beside a parallel suite).
        let scheduler = SyncScheduler(
            store: seeded.store, lock: seeded.store.syncRuns.makeSyncLock(), policy: SyncPolicy(),
            pool: .init(workers: 1), tick: .seconds(600), owner: "a", logger: quietLogger,
            runner: Self.runner(seeded.store, owner: "a", ledger: ledger) { _, _ in .milliseconds(20) })

        let service = Task { try await scheduler.run() }
        try await Self.waitUntil(seconds: 300) { await ledger.entries.count == fleet.count }
        service.cancel()

        let entries = await ledger.entries
        #expect(Set(entries.map(\.integrationID)) == Set(fleet.map { $0.id.description }))
        #expect(await ledger.overlaps.isEmpty)
    }

    @Test(
        "a throwing, hanging or failing integration is recorded against itself; the others run",
        arguments: Backend.allCases)
    func isolation(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let made = try await Self.integrations(3, in: seeded)
        let (throwing, hanging, fine) = (made[0], made[1], made[2])
        let store = seeded.store
        try await store.integrations.setStatus(
            .inactive, integrationID: seeded.integration.id.description, workspaceID: seeded.workspace.id)
        struct Unreadable: Error, CustomStringConvertible {
            var description: String { "credentials cannot be decrypted" }
        }
        let ledger = Ledger()
        let normal = Self.runner(store, owner: "a", ledger: ledger) { _, id in
            id == hanging.id.description ? .seconds(600) : .milliseconds(20)
        }
        let scheduler = SyncScheduler(
            store: store, lock: store.syncRuns.makeSyncLock(), policy: SyncPolicy(),
            // 20 s: the fine run's two statements and 20 ms took more than 8 s once in the whole
            // suite on a slow two-core machine.
            pool: .init(workers: 3, runTimeout: .seconds(20)), owner: "a", logger: quietLogger
        ) { integration, kind in
            // Throws before any run is recorded, as undecryptable credentials do.
            if integration.id == throwing.id { throw Unreadable() }
            return try await normal(integration, kind)
        }

        let runs = try await scheduler.runDue()
        let byID = Dictionary(runs.map { ($0.integrationID, $0) }, uniquingKeysWith: { first, _ in first })
        let schedules = Dictionary(
            try await store.syncSchedule.schedules().map { ($0.integrationID, $0) },
            uniquingKeysWith: { first, _ in first })

        #expect(
            byID[fine.id.description]?.status == .succeeded, "\(byID[fine.id.description]?.error ?? "no run")")
        #expect(byID[throwing.id.description]?.status == .failed)
        #expect(byID[throwing.id.description]?.error == "failed before it could run: credentials cannot be decrypted")
        #expect(byID[hanging.id.description]?.status == .failed)
        #expect(byID[hanging.id.description]?.error?.hasPrefix("timed out") == true)
        for failed in [throwing, hanging] {
            let schedule = schedules[failed.id.description]
            #expect(schedule?.reason == .backoff && schedule?.failures == 1)
            #expect(schedule?.confirmedAt == nil)
        }
        #expect(schedules[fine.id.description]?.confirmedAt != nil)
    }

    @Test(
        "two schedulers on one database split the work and never run one integration twice at once",
        arguments: Backend.allCases)
    func twoSchedulers(backend: Backend) async throws {
        let location = try await freshDatabaseLocation(backend)
        try await withSeparatePools(2, on: location) { databases in
            try await Migrator(database: databases[0], logger: quietLogger).migrate()
            let first = try await SeededStore.make(databases[0])
            let fleet = try await Self.integrations(11, in: first) + [first.integration]
            let ledger = Ledger()
            // Instances sharing PostgreSQL each have a pool of their own. SQLite is served by one
            // process: its two schedulers share the process's one database (and its writer).
            let second = backend == .postgres ? databases[1] : databases[0]
            let stores = [first.store, Store(database: second, secrets: randomSecretBox())]
            let schedulers = zip(["a", "b"], stores).map { owner, store in
                SyncScheduler(
                    store: store, lock: store.syncRuns.makeSyncLock(), policy: SyncPolicy(),
                    pool: .init(workers: 2), tick: .milliseconds(50), owner: owner, logger: quietLogger,
                    runner: Self.runner(store, owner: owner, ledger: ledger) { _, _ in .milliseconds(300) })
            }

            let services = schedulers.map { scheduler in Task { try await scheduler.run() } }
            // The limit is generous: in the whole suite on a slow two-core machine (every test
            // shares the process's two cooperative threads), 12 runs of 300 ms took over 120 s.
            try await Self.waitUntil(seconds: 360) { await ledger.entries.count >= fleet.count }
            for service in services { service.cancel() }

            let entries = await ledger.entries
            #expect(Set(entries.map(\.integrationID)) == Set(fleet.map { $0.id.description }))
            #expect(entries.count == fleet.count, "each ran once")
            #expect(await ledger.overlaps.isEmpty)
            let byOwner = Dictionary(grouping: entries, by: \.owner).mapValues(\.count)
            #expect((byOwner["a"] ?? 0) >= 3 && (byOwner["b"] ?? 0) >= 3, "both did a share: \(byOwner)")
        }
    }

    @Test(
        "an instance that died holding leases: its integrations are claimed once the leases expire",
        arguments: Backend.allCases)
    func takeover(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let store = seeded.store
        let now = Date()
        try await store.syncSchedule.scheduleUnscheduled(now: now)
        // The dead instance leased everything for 60 s and never came back.
        let held = try await store.syncSchedule.claimDue(
            owner: "dead", now: now, until: now.addingTimeInterval(60), limit: 10)
        let ledger = Ledger()
        let survivor = SyncScheduler(
            store: store, lock: store.syncRuns.makeSyncLock(), policy: SyncPolicy(), owner: "survivor",
            logger: quietLogger, runner: Self.runner(store, owner: "survivor", ledger: ledger))

        let whileHeld = try await survivor.runDue(now: now.addingTimeInterval(30))
        let afterExpiry = try await survivor.runDue(now: now.addingTimeInterval(61))

        #expect(held.map(\.integrationID) == [seeded.integration.id.description])
        #expect(whileHeld.isEmpty)
        #expect(afterExpiry.map(\.integrationID) == [seeded.integration.id.description])
        #expect(
            try await store.syncSchedule.schedule(integrationID: seeded.integration.id.description)?.leaseOwner == nil)
    }

    @Test(
        "what a run whose process died wrote is announced when the run is failed: data-changed for its models",
        arguments: Backend.allCases)
    func interruptedRunAnnounced(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let store = seeded.store
        let id = seeded.integration.id.description
        _ = try await store.webhooks.createWebhookEndpoint(
            workspaceID: seeded.workspace.id, url: "http://127.0.0.1:9/hook", description: nil, events: nil)
        // A run that wrote jobs, then its process was killed: a RUNNING row, nobody holding its lock.
        let dead = try await store.syncRuns.startSyncRun(
            integrationID: id, kind: .full, now: Date().addingTimeInterval(-5))
        try await store.records.saveRecords(sampleJobs(3, integrationID: seeded.integration.id), integrationID: id)
        let scheduler = SyncScheduler(
            store: store, lock: store.syncRuns.makeSyncLock(), policy: SyncPolicy(), logger: quietLogger
        ) { _, _ in throw CancellationError() }

        let reclaimed = try await scheduler.reclaimAbandonedRuns()
        let due = try await store.webhooks.dueDeliveries(now: Date().addingTimeInterval(1))
        let payloads = try due.map { try JSONSerialization.jsonObject(with: $0.body) as? [String: Any] ?? [:] }

        #expect(reclaimed == [id])
        #expect(try await store.syncRuns.syncRuns(integrationID: id).first { $0.id == dead.id }?.status == .failed)
        let changed = payloads.filter { $0["type"] as? String == "data-changed" }
        #expect(changed.count == 1)
        let models = ((changed.first?["data"] as? [String: Any])?["changed_models"] as? [[String: Any]])?
            .compactMap { $0["name"] as? String }
        #expect(models == ["ats_jobs"])
    }

    /// On PostgreSQL a `force-sync` request can commit while the release after a run waits for
    /// the row the request brought forward. The release's update then goes on with a snapshot
    /// from before the request; it must still leave the integration due at once for the run the
    /// request promised, not at its next scheduled time. (On SQLite one writer at a time rules
    /// this out.)
    @Test("a request committed while a run's release waits for its row is run at once, as promised")
    func requestDuringRelease() async throws {
        let database = try await FreshDatabases.open(.postgres)
        let seeded = try await SeededStore.make(database)
        let store = seeded.store
        let id = seeded.integration.id.description
        let now = Date()
        let leased = try await store.syncSchedule.claimDue(
            owner: "a", now: now, until: now.addingTimeInterval(60), limit: 1)
        let scheduled = SyncSchedule(
            integrationID: id, dueAt: now.addingTimeInterval(300), kind: .delta, reason: .delta)

        let waited = try await database.sql.withSession { request in
            try await request.raw("BEGIN").run()
            // What `requestSync` writes in its transaction, not committed yet.
            try await request.raw(
                """
                INSERT INTO sync_requests (integration_id, type, sync_id, requested_at)
                VALUES (\(bind: id), 'FULL', 'promised-run', \(bind: now.unixMilliseconds))
                """
            ).run()
            try await request.raw(
                """
                UPDATE sync_schedule SET due_at = \(bind: now.unixMilliseconds), due_reason = 'forced', due_kind = 'FULL'
                WHERE integration_id = \(bind: id)
                """
            ).run()
            let release = Task {
                try await store.syncSchedule.release(integrationID: id, owner: "a", next: scheduled, confirmedAt: now)
            }
            let waiting = try await waitForALock(database)
            try await request.raw("COMMIT").run()
            try await release.value
            return waiting
        }
        let released = Date()
        let schedule = try await store.syncSchedule.schedule(integrationID: id)
        let claimed = try await store.syncSchedule.claimDue(owner: "b", until: Date().addingTimeInterval(60), limit: 1)
        let run = try await store.syncRuns.startSyncRun(integrationID: id, kind: .full)

        #expect(leased.map(\.integrationID) == [id])
        #expect(waited, "the release never waited for the request's transaction")
        #expect(schedule?.kind == .full && schedule?.reason == .forced)
        #expect(schedule.map { $0.dueAt <= released } == true, "due at \(String(describing: schedule?.dueAt))")
        #expect(schedule?.confirmedAt == now.atMillisecondPrecision)
        #expect(claimed.map(\.integrationID) == [id])
        #expect(run.id == "promised-run")
    }

    static func waitUntil(seconds: Double = 20, _ condition: @Sendable () async -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("condition not met within \(seconds) s")
    }
}
