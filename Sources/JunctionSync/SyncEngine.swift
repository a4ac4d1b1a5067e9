import Foundation
import JunctionModel
import JunctionStore
import Logging

/// Mirrors one integration's remote data into the store.
///
/// A FULL run reads every page of every model and upserts; only a change of normalised content
/// moves `changed_at`. When a listing was read to its end, records it did not contain are marked
/// `remote_deleted_at`; a run that fails part-way deletes nothing (architecture rule 2). Each
/// run is recorded with its counts and outcome. Models beyond jobs arrive with issue 4's later
/// steps.
public struct SyncEngine: Sendable {
    let store: Store
    let logger: Logger

    public init(store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// How far a run has come, reported after every page.
    public struct Progress: Sendable {
        public var model: String
        public var pages: Int
        public var records: Int
        public var elapsed: Duration
    }

    /// Runs a FULL sync of `integration` through `connector` and returns the finished run.
    /// A failure is recorded in the run (status FAILED, error) and not thrown.
    @discardableResult
    public func runFull(
        _ integration: Integration, connector: some ATSConnector,
        progress: (@Sendable (Progress) -> Void)? = nil
    ) async throws -> SyncRun {
        try await run(.full, integration, connector: connector, updatedAfter: nil, progress: progress)
    }

    /// Runs a DELTA sync: jobs, candidates and applications updated upstream since the last
    /// successful run started, minus `overlap` against clock skew between Personio and us;
    /// stages and users (small, complete lists) are read whole. A DELTA cannot see deletions.
    /// Without an earlier successful run it runs FULL instead (the run's `kind` says which).
    @discardableResult
    public func runDelta(
        _ integration: Integration, connector: some ATSConnector, overlap: Duration = .seconds(300),
        progress: (@Sendable (Progress) -> Void)? = nil
    ) async throws -> SyncRun {
        guard let last = try await store.lastSuccessfulSyncRun(integrationID: integration.id.description) else {
            return try await runFull(integration, connector: connector, progress: progress)
        }
        let since = last.startedAt.addingTimeInterval(-Double(overlap.components.seconds))
        return try await run(.delta, integration, connector: connector, updatedAfter: since, progress: progress)
    }

    private func run(
        _ kind: SyncRun.Kind, _ integration: Integration, connector: some ATSConnector, updatedAfter: Date?,
        progress: (@Sendable (Progress) -> Void)?
    ) async throws -> SyncRun {
        let integrationID = integration.id.description
        var run = try await store.startSyncRun(integrationID: integrationID, kind: kind)
        let complete = updatedAfter == nil
        let runID = run.id
        var logger = logger
        logger[metadataKey: "integration"] = "\(integrationID)"
        logger[metadataKey: "sync_run"] = "\(runID)"
        logger.info("sync started", metadata: ["type": "\(kind.rawValue)"])
        let started = ContinuousClock.now
        do {
            // Stages first: jobs and applications point to them.
            try await mirror(
                ApplicationStage.self, "application_stages", runID: runID, integrationID: integrationID,
                stats: &run.stats, progress: progress, started: started
            ) { save in
                try await save(try await connector.applicationStages())
            }
            // Users only when the credentials may read persons; otherwise stored users stay as
            // they are rather than being marked deleted by a listing that was never read.
            if let users = try await connector.users() {
                try await mirror(
                    User.self, "users", runID: runID, integrationID: integrationID, stats: &run.stats,
                    progress: progress, started: started
                ) { save in
                    try await save(users)
                }
            }
            try await mirror(
                Job.self, "jobs", runID: runID, integrationID: integrationID, stats: &run.stats, progress: progress,
                started: started, complete: complete
            ) { save in
                try await connector.forEachJobPage(updatedAfter: updatedAfter, save)
            }
            try await mirror(
                Candidate.self, "candidates", runID: runID, integrationID: integrationID, stats: &run.stats,
                progress: progress, started: started, complete: complete
            ) { save in
                try await connector.forEachCandidatePage(updatedAfter: updatedAfter, save)
            }
            try await mirror(
                Application.self, "applications", runID: runID, integrationID: integrationID, stats: &run.stats,
                progress: progress, started: started, complete: complete
            ) { save in
                try await connector.forEachApplicationPage(updatedAfter: updatedAfter, save)
            }
            run.status = .succeeded
            if integration.setupStatus != .completed {
                try await store.setSetupStatus(
                    .completed, integrationID: integrationID, workspaceID: integration.workspaceID)
            }
            logger.info(
                "full sync succeeded",
                metadata: [
                    "added": "\(run.stats.added)", "updated": "\(run.stats.updated)", "deleted": "\(run.stats.deleted)",
                ])
        } catch {
            run.status = .failed
            run.error = "\(error)"
            logger.warning(
                "full sync failed; models not read to the end marked nothing deleted", metadata: ["error": "\(error)"])
        }
        run.stats.requests = await connector.requestCount()
        try await store.finishSyncRun(run)
        return run
    }
}

extension SyncEngine {
    /// Reads one model's listing into the store page by page; when a `complete` listing was read
    /// to its end, marks the records it lacked as deleted. A listing that fails part-way records the
    /// counts so far and rethrows, deleting nothing (architecture rule 2).
    func mirror<Record: SyncedRecord>(
        _ type: Record.Type, _ model: String, runID: String, integrationID: String, stats: inout SyncRun.Stats,
        progress: (@Sendable (Progress) -> Void)?, started: ContinuousClock.Instant, complete: Bool = true,
        listing: (_ save: @escaping @Sendable ([Record]) async throws -> Void) async throws -> Void
    ) async throws {
        let counts = Counter()
        let store = store
        do {
            try await listing { records in
                let outcome = try await store.saveRecords(records, integrationID: integrationID, runID: runID)
                let (pages, total) = await counts.add(outcome, records: records.count)
                progress?(Progress(model: model, pages: pages, records: total, elapsed: ContinuousClock.now - started))
            }
        } catch {
            stats.record(await counts.total, model: model)
            throw error
        }
        stats.record(await counts.total, model: model)
        // Only a listing of everything can tell what is gone; a DELTA's filtered one cannot.
        if complete {
            stats.deleted[model] = try await store.markRecordsUnseen(type, byRun: runID, integrationID: integrationID)
        }
    }
}

/// Adds up save outcomes from the page callbacks.
actor Counter {
    private(set) var total = SaveOutcome()
    private var pages = 0
    private var records = 0

    /// Adds one page's outcome; returns the pages and records so far.
    func add(_ outcome: SaveOutcome, records pageRecords: Int) -> (pages: Int, records: Int) {
        total.inserted += outcome.inserted
        total.changed += outcome.changed
        total.unchanged += outcome.unchanged
        pages += 1
        records += pageRecords
        return (pages, records)
    }
}

extension SyncRun.Stats {
    /// Adds one model's save outcome to the run's counts.
    mutating func record(_ outcome: SaveOutcome, model: String) {
        added[model] = outcome.inserted
        updated[model] = outcome.changed + outcome.nestedChanged
        unchanged[model] = outcome.unchanged
    }
}
