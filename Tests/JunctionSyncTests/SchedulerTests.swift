import Foundation
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Testing

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
