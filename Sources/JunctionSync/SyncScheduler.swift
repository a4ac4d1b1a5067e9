import Foundation
import JunctionModel
import JunctionStore
import Logging
import ServiceLifecycle

/// When an integration syncs: DELTA every `deltaInterval`, FULL every `fullInterval`, each
/// spread by up to 10% per integration so integrations do not all start together, and backed
/// off after failures.
public struct SyncPolicy: Sendable, Equatable {
    public var deltaInterval: Duration
    public var fullInterval: Duration
    /// First wait after a failed run; doubles per consecutive failure, capped at `deltaInterval`.
    public var failureBackoff: Duration

    public init(
        deltaInterval: Duration = .seconds(300), fullInterval: Duration = .seconds(6 * 3600),
        failureBackoff: Duration = .seconds(30)
    ) {
        self.deltaInterval = deltaInterval
        self.fullInterval = fullInterval
        self.failureBackoff = failureBackoff
    }

    /// Which run `integrationID` is due for at `now`, given its runs newest first; nil if none.
    public func due(integrationID: String, runs: [SyncRun], now: Date) -> SyncRun.Kind? {
        if runs.first?.status == .running { return nil }
        let failures = runs.prefix { $0.status == .failed }
        if let lastFailure = failures.first {
            let exponent = min(failures.count - 1, 16)
            let wait = min(seconds(failureBackoff) * Double(1 << exponent), seconds(deltaInterval))
            if now.timeIntervalSince(lastFailure.finishedAt ?? lastFailure.startedAt) < wait { return nil }
        }
        let spread = Self.spread(integrationID)
        guard let lastFull = runs.first(where: { $0.kind == .full && $0.status == .succeeded }) else { return .full }
        if now.timeIntervalSince(lastFull.startedAt) >= seconds(fullInterval) * (1 + spread) { return .full }
        let lastSuccess = runs.first { $0.status == .succeeded } ?? lastFull
        if now.timeIntervalSince(lastSuccess.startedAt) >= seconds(deltaInterval) * (1 + spread) { return .delta }
        return failures.isEmpty ? nil : .delta
    }

    /// When `integrationID` is next due after its runs (newest first), of which kind and why:
    /// what `due` answers at that moment. The queue stores it when a run ends.
    public func next(integrationID: String, runs: [SyncRun], now: Date) -> SyncSchedule {
        let failures = runs.prefix { $0.status == .failed }
        let spread = Self.spread(integrationID)
        let lastFull = runs.first { $0.kind == .full && $0.status == .succeeded }
        if let lastFailure = failures.first {
            let exponent = min(failures.count - 1, 16)
            let wait = min(seconds(failureBackoff) * Double(1 << exponent), seconds(deltaInterval))
            return SyncSchedule(
                integrationID: integrationID,
                dueAt: (lastFailure.finishedAt ?? lastFailure.startedAt).addingTimeInterval(wait),
                kind: lastFull == nil ? .full : .delta, reason: .backoff, failures: failures.count)
        }
        guard let lastFull else {
            return SyncSchedule(integrationID: integrationID, dueAt: now, kind: .full, reason: .full)
        }
        let lastSuccess = runs.first { $0.status == .succeeded } ?? lastFull
        let fullAt = lastFull.startedAt.addingTimeInterval(seconds(fullInterval) * (1 + spread))
        let deltaAt = lastSuccess.startedAt.addingTimeInterval(seconds(deltaInterval) * (1 + spread))
        return fullAt <= deltaAt
            ? SyncSchedule(integrationID: integrationID, dueAt: fullAt, kind: .full, reason: .full)
            : SyncSchedule(integrationID: integrationID, dueAt: deltaAt, kind: .delta, reason: .delta)
    }

    /// A stable fraction in [0, 0.1) per integration.
    static func spread(_ integrationID: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in integrationID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Double(hash % 1000) / 10_000
    }

    private func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }
}

/// A pool of sync workers fed by the sync queue (`sync_schedule`). Each tick asks the database
/// for due integrations in one query, leases as many as the pool has free workers (FULLs at most
/// `fullWorkers` at once, so a long FULL never holds the DELTAs of others), and runs each in a
/// task of its own: one integration's failure, hang or slowness is recorded against it and
/// delays no other. Instances sharing a database split the queue by leases (taken with
/// `FOR UPDATE SKIP LOCKED` on PostgreSQL, renewed while a run goes on, expiring when the
/// instance dies); the sync lock still makes sure one integration never runs twice at once.
public struct SyncScheduler: Service {
    public typealias Runner = @Sendable (Integration, SyncRun.Kind) async throws -> SyncRun

    /// How many runs one instance holds at once, and how many of them may be FULLs.
    public struct Pool: Sendable, Equatable {
        public var workers: Int
        public var fullWorkers: Int
        /// A run still going after this is cancelled and recorded as failed.
        public var runTimeout: Duration
        /// How long a lease holds without renewal: after an instance dies, its integrations go
        /// back to the queue after at most this (plus a tick).
        public var lease: Duration

        public init(
            workers: Int = 4, fullWorkers: Int? = nil, runTimeout: Duration = .seconds(3600),
            lease: Duration = .seconds(60)
        ) {
            self.workers = max(1, workers)
            self.fullWorkers = min(self.workers, max(1, fullWorkers ?? (self.workers + 1) / 2))
            self.runTimeout = runTimeout
            self.lease = lease
        }
    }

    let store: Store
    let lock: any SyncLock
    let policy: SyncPolicy
    let pool: Pool
    let tick: Duration
    let runner: Runner
    let logger: Logger
    /// This instance's name on its leases.
    let owner: String

    public init(
        store: Store, lock: any SyncLock, policy: SyncPolicy, pool: Pool = Pool(), tick: Duration = .seconds(5),
        owner: String = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):"
            + Identifier.random(),
        logger: Logger, runner: @escaping Runner
    ) {
        self.store = store
        self.lock = lock
        self.policy = policy
        self.pool = pool
        self.tick = tick
        self.owner = owner
        self.logger = logger
        self.runner = runner
    }

    public func run() async throws {
        let running = Running()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                // Integrations an older build made, once; new ones are queued as they are created.
                var queued = false
                var lastClaim: ContinuousClock.Instant?
                while !Task.isCancelled {
                    // A claim every tick, and as soon as a worker is free again: a fleet of short
                    // runs would otherwise get at most `workers` runs per tick.
                    let freed = await running.takeFreed()
                    if freed || lastClaim.map({ ContinuousClock.now - $0 >= tick }) ?? true {
                        lastClaim = ContinuousClock.now
                        do {
                            if !queued {
                                try await store.syncSchedule.scheduleUnscheduled()
                                queued = true
                            }
                            for (schedule, integration) in try await claim(running: running, now: Date()) {
                                await running.add(schedule.integrationID, kind: schedule.kind)
                                group.addTask {
                                    _ = await execute(schedule, integration: integration)
                                    await running.remove(schedule.integrationID)
                                }
                            }
                        } catch {
                            logger.error("sync scheduling failed", metadata: ["error": "\(error)"])
                        }
                    }
                    try? await Task.sleep(for: min(tick, .milliseconds(100)))
                }
            }
        }
    }

    /// The runs this instance has going, by integration.
    actor Running {
        private(set) var kinds: [String: SyncRun.Kind] = [:]
        private var freed = false
        func add(_ id: String, kind: SyncRun.Kind) { kinds[id] = kind }
        func remove(_ id: String) {
            kinds[id] = nil
            freed = true
        }
        /// Whether a run ended since the last call.
        func takeFreed() -> Bool {
            defer { freed = false }
            return freed
        }
        var fulls: Int { kinds.values.filter { $0 == .full }.count }
    }

    /// One tick's bookkeeping and claim: runs left RUNNING by dead processes failed, this
    /// instance's leases renewed, and as many due integrations leased
    /// as there are free workers.
    func claim(running: Running, now: Date) async throws -> [(SyncSchedule, Integration)] {
        let held = await running.kinds
        // This instance's own runs are alive whatever their lock says: after a database restart a
        // run's lock is gone until its guard takes it again, and must not be taken for a dead one.
        try await Self.reclaimAbandonedRuns(
            store: store, lock: lock, logger: logger, now: now, excluding: Set(held.keys))
        let until = now.addingTimeInterval(pool.lease.inSeconds)
        try await store.syncSchedule.renewLeases(owner: owner, integrationIDs: Array(held.keys), until: until)
        let fulls = await running.fulls
        var claimed = try await store.syncSchedule.claimDue(
            owner: owner, now: now, until: until, limit: pool.workers - held.count,
            fullAllowed: fulls < pool.fullWorkers)
        // More FULLs than the FULL share has room for go back to the queue, still due.
        var fullRoom = pool.fullWorkers - fulls
        var returned: [String] = []
        claimed.removeAll { schedule in
            guard schedule.kind == .full else { return false }
            if fullRoom > 0 {
                fullRoom -= 1
                return false
            }
            returned.append(schedule.integrationID)
            return true
        }
        try await store.syncSchedule.unlease(owner: owner, integrationIDs: returned)
        let integrations = Dictionary(
            try await store.integrations.scheduledIntegrations(ids: claimed.map(\.integrationID)).map {
                ($0.id.description, $0)
            }, uniquingKeysWith: { first, _ in first })
        return claimed.compactMap { schedule in integrations[schedule.integrationID].map { (schedule, $0) } }
    }

    /// Runs one leased integration: a forced run first (FULL before DELTA), else what the policy
    /// says is due, inside the sync lock and the time limit; whatever happens is recorded against
    /// this integration, and it goes back to the queue due at its next time.
    func execute(_ schedule: SyncSchedule, integration: Integration) async -> SyncRun? {
        let id = integration.id.description
        var finished: SyncRun?
        do {
            let runs = try await store.syncRuns.syncRuns(integrationID: id, limit: 20)
            let requested = try await store.syncRuns.requestedSyncs(integrationID: id)
            let forced: SyncRun.Kind? = requested.contains(.full) ? .full : requested.first
            if let kind = forced ?? policy.due(integrationID: id, runs: runs, now: Date()) {
                finished = await runGuarded(integration, kind: kind)
            }
            let after = try await store.syncRuns.syncRuns(integrationID: id, limit: 20)
            try await store.syncSchedule.release(
                integrationID: id, owner: owner, next: policy.next(integrationID: id, runs: after, now: Date()),
                confirmedAt: finished?.status == .succeeded ? finished?.startedAt : nil)
        } catch {
            // The lease expires and the integration is claimed again; nothing else waits on it.
            logger.error("sync bookkeeping failed", metadata: ["integration": "\(id)", "error": "\(error)"])
        }
        return finished
    }

    /// The run in the sync lock and the time limit. A runner that fails without recording a run
    /// (credentials that cannot be read, a store error before the run began) gets a failed run
    /// recorded for it, so it backs off and shows in the API, the dashboard and the metrics.
    func runGuarded(_ integration: Integration, kind: SyncRun.Kind) async -> SyncRun? {
        let id = integration.id.description
        let started = Date()
        let runner = runner
        let limit = pool.runTimeout
        do {
            guard
                let run = try await lock.withLock(
                    integrationID: id, { try await Self.within(limit) { try await runner(integration, kind) } })
            else {
                logger.debug("sync already running elsewhere", metadata: ["integration": "\(id)"])
                return nil
            }
            return run
        } catch {
            let reason =
                error is TimedOut
                ? "timed out: still running after \(Int(limit.inSeconds)) s, so it was stopped"
                : "failed before it could run: \(StoreError.describe(error))"
            logger.warning("sync failed", metadata: ["integration": "\(id)", "error": "\(reason)"])
            do {
                let recent = try await store.syncRuns.syncRuns(integrationID: id, limit: 1).first
                if let recent, recent.startedAt >= started.atMillisecondPrecision {
                    try await store.syncRuns.failRun(id: recent.id, integrationID: id, reason: reason)
                    return try await store.syncRuns.syncRuns(integrationID: id, limit: 1).first
                }
                var run = try await store.syncRuns.startSyncRun(integrationID: id, kind: kind, now: started)
                run.status = .failed
                run.error = reason
                try await store.syncRuns.finishSyncRun(run)
                return run
            } catch {
                logger.error("could not record a failed sync", metadata: ["integration": "\(id)"])
                return nil
            }
        }
    }

    struct TimedOut: Error {}

    /// `body`'s value, or `TimedOut` when it is still going after `limit` (it is cancelled).
    static func within<Value: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Value)
        async throws -> Value
    {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw TimedOut() }
            return value
        }
    }

    /// Fails every run left RUNNING by a process that died mid-sync (killed, or its database
    /// session lost): a RUNNING run whose integration's lock is free has no one running it.
    /// Without this, such a run would block its integration's schedule and `force-sync` forever.
    /// Returns the integrations whose runs were failed.
    @discardableResult
    public func reclaimAbandonedRuns(now: Date = Date()) async throws -> [String] {
        try await Self.reclaimAbandonedRuns(store: store, lock: lock, logger: logger, now: now)
    }

    /// `reclaimAbandonedRuns()` for a caller without a scheduler (the server, before it answers).
    @discardableResult
    public static func reclaimAbandonedRuns(
        store: Store, lock: any SyncLock, logger: Logger, now: Date = Date(), excluding: Set<String> = []
    ) async throws -> [String] {
        var reclaimed: [String] = []
        for id in try await store.syncRuns.integrationsWithRunningSyncs() where !excluding.contains(id) {
            let count = try await lock.withLock(integrationID: id) {
                try await store.syncRuns.failAbandonedRuns(
                    integrationID: id,
                    reason: "interrupted: the process running this sync stopped before it finished", now: now)
            }
            if let count, count > 0 {
                reclaimed.append(id)
                logger.warning(
                    "failed a sync run its stopped process left running", metadata: ["integration": "\(id)"])
            }
        }
        return reclaimed
    }

    /// Runs everything due now, the pool's size at a time, and waits for it: what a tick starts,
    /// to the end (for tests, and `junction sync --due`). Returns the runs, in the order they
    /// finished.
    @discardableResult
    public func runDue(now: Date = Date()) async throws -> [SyncRun] {
        let running = Running()
        var finished: [SyncRun] = []
        try await store.syncSchedule.scheduleUnscheduled(now: now)
        while true {
            let claimed = try await claim(running: running, now: now)
            if claimed.isEmpty { return finished }
            let batch = await withTaskGroup(of: SyncRun?.self) { group in
                for (schedule, integration) in claimed {
                    group.addTask { await execute(schedule, integration: integration) }
                }
                var runs: [SyncRun] = []
                for await run in group { if let run { runs.append(run) } }
                return runs
            }
            finished += batch
        }
    }
}
