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

/// Runs due syncs for every active integration, one run per integration at a time across all
/// instances sharing the database (through `SyncLock`).
public struct SyncScheduler: Service {
    public typealias Runner = @Sendable (Integration, SyncRun.Kind) async throws -> SyncRun

    let store: Store
    let lock: any SyncLock
    let policy: SyncPolicy
    let tick: Duration
    let runner: Runner
    let logger: Logger

    public init(
        store: Store, lock: any SyncLock, policy: SyncPolicy, tick: Duration = .seconds(5), logger: Logger,
        runner: @escaping Runner
    ) {
        self.store = store
        self.lock = lock
        self.policy = policy
        self.tick = tick
        self.logger = logger
        self.runner = runner
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await runDue()
                } catch {
                    logger.error("sync scheduling failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: tick)
            }
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
        store: Store, lock: any SyncLock, logger: Logger, now: Date = Date()
    ) async throws -> [String] {
        var reclaimed: [String] = []
        for id in try await store.syncRuns.integrationsWithRunningSyncs() {
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

    /// Starts every due run (one at a time) and returns what ran, for tests and logs.
    @discardableResult
    public func runDue(now: Date = Date()) async throws -> [SyncRun] {
        try await reclaimAbandonedRuns(now: now)
        var finished: [SyncRun] = []
        for integration in try await store.syncRuns.integrationsForScheduling() {
            let id = integration.id.description
            let runs = try await store.syncRuns.syncRuns(integrationID: id, limit: 20)
            // A forced run (`POST /force-sync`) goes first, FULL before DELTA, unless one runs.
            let requested = try await store.syncRuns.requestedSyncs(integrationID: id)
            let forced: SyncRun.Kind? =
                runs.first?.status == .running ? nil : requested.contains(.full) ? .full : requested.first
            guard let kind = forced ?? policy.due(integrationID: id, runs: runs, now: now) else { continue }
            let runner = runner
            if let run = try await lock.withLock(integrationID: id, { try await runner(integration, kind) }) {
                finished.append(run)
            } else {
                logger.debug("sync already running elsewhere", metadata: ["integration": "\(id)"])
            }
        }
        return finished
    }
}
