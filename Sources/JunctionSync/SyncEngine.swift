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
        let integrationID = integration.id.description
        var run = try await store.startSyncRun(integrationID: integrationID, kind: .full)
        let runID = run.id
        var logger = logger
        logger[metadataKey: "integration"] = "\(integrationID)"
        logger[metadataKey: "sync_run"] = "\(runID)"
        logger.info("full sync started")
        let counts = Counter()
        let started = ContinuousClock.now
        do {
            try await connector.forEachJobPage { jobs in
                let outcome = try await store.saveJobs(jobs, integrationID: integrationID, runID: runID)
                let (pages, records) = await counts.add(outcome, records: jobs.count)
                progress?(
                    Progress(model: "jobs", pages: pages, records: records, elapsed: ContinuousClock.now - started))
            }
            // The listing was read to its end: what it did not contain is gone upstream.
            let deleted = try await store.markJobsUnseen(byRun: runID, integrationID: integrationID)
            let stages = try await connector.applicationStages()
            let stageOutcome = try await store.saveApplicationStages(stages, integrationID: integrationID, runID: runID)
            run.stats.record(stageOutcome, model: "application_stages")
            run.stats.deleted["application_stages"] = try await store.markApplicationStagesUnseen(
                byRun: runID, integrationID: integrationID)
            let outcome = await counts.total
            run.stats.record(outcome, model: "jobs")
            run.stats.deleted["jobs"] = deleted
            run.status = .succeeded
            if integration.setupStatus != .completed {
                try await store.setSetupStatus(
                    .completed, integrationID: integrationID, workspaceID: integration.workspaceID)
            }
            logger.info(
                "full sync succeeded",
                metadata: ["added": "\(outcome.inserted)", "updated": "\(outcome.changed)", "deleted": "\(deleted)"])
        } catch {
            run.stats.record(await counts.total, model: "jobs")
            run.status = .failed
            run.error = "\(error)"
            logger.warning("full sync failed; nothing was marked deleted", metadata: ["error": "\(error)"])
        }
        run.stats.requests = await connector.requestCount()
        try await store.finishSyncRun(run)
        return run
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
        updated[model] = outcome.changed
        unchanged[model] = outcome.unchanged
    }
}
