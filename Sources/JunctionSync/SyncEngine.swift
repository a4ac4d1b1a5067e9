import Foundation
import JunctionConnectors
import JunctionModel
import JunctionStore
import Logging

/// Mirrors one integration's remote data into the store.
///
/// A FULL run reads every page of every model and upserts; only a change of normalised content
/// moves `changed_at`. When a listing was read to its end, records it did not contain are marked
/// `remote_deleted_at`; a run that fails part-way deletes nothing (architecture rule 2). Each
/// run is recorded with its counts and outcome.
///
/// Order: stages, screening questions and users (what the others refer to), jobs with their
/// stage and question links, applications and candidates (in that order in a FULL, the other
/// way round in a DELTA); then stage deletions.
public struct SyncEngine: Sendable {
    let store: Store
    let logger: Logger
    /// The server's public address, for the `log_url` of `sync-finished` webhooks.
    let logBaseURL: String
    /// How long a DELTA may go on from a complete read of jobs without reading them again when
    /// the connector's fingerprint of their inputs is unchanged and no job was updated: a bound
    /// on what a remote's change marks could miss (a career site whose `Last-Modified` does
    /// not move on every change, a Junction upgrade that maps jobs differently).
    let jobsRereadInterval: Duration
    /// Candidates whose stored applications a DELTA's `embedding` loads at once.
    let embeddingChunk: Int

    /// Jobs are read in full at least once an hour.
    public static let defaultJobsRereadInterval = Duration.seconds(3600)

    public init(
        store: Store, logger: Logger, logBaseURL: String = "",
        jobsRereadInterval: Duration = defaultJobsRereadInterval, embeddingChunk: Int = 200
    ) {
        precondition(embeddingChunk > 0, "a chunk holds at least one candidate")
        self.store = store
        self.logger = logger
        self.logBaseURL = logBaseURL
        self.jobsRereadInterval = jobsRereadInterval
        self.embeddingChunk = embeddingChunk
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
        try await run(.full, integration, connector: connector, updatedAfter: nil, last: nil, progress: progress)
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
        guard let last = try await store.syncRuns.lastSuccessfulSyncRun(integrationID: integration.id.description)
        else {
            return try await runFull(integration, connector: connector, progress: progress)
        }
        let since = last.startedAt.addingTimeInterval(-Double(overlap.components.seconds))
        return try await run(
            .delta, integration, connector: connector, updatedAfter: since, last: last, progress: progress)
    }

    /// `jobs` with each stored job's published state kept (for a run whose publication source
    /// could not be read); a job never stored keeps what the mapping gave it.
    static func keepingPublication(_ jobs: [Job], store: Store, integrationID: String) async throws -> [Job] {
        let stored = try await store.records.records(
            Job.self, integrationID: integrationID, where: "id", in: jobs.map(\.id), includeDeleted: true)
        let byID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return jobs.map { job in
            guard let previous = byID[job.id] else { return job }
            var kept = job
            kept.keepPublication(from: previous)
            return kept
        }
    }

    /// The last full read of jobs a DELTA can go on from: its fingerprint equals `fingerprint`,
    /// it is younger than `interval`, and no job was updated in the DELTA's window. Nil for a
    /// FULL, or when jobs must be read.
    static func unchangedJobInputs(
        _ fingerprint: String?, last: SyncRun?, updatedAfter: Date?, interval: Duration,
        connector: some ATSConnector
    ) async throws -> SyncRun.Stats.JobInputs? {
        guard let fingerprint, let updatedAfter, let previous = last?.stats.jobInputs,
            previous.fingerprint == fingerprint,
            Date().timeIntervalSince(previous.readAt) < interval.inSeconds
        else { return nil }
        // A failure to tell (a right withdrawn, an outage) reads the jobs, which reports it.
        return (try? await connector.jobsUpdated(after: updatedAfter)) == false ? previous : nil
    }

    /// What a DELTA re-read of candidates and applications.
    actor Reread {
        private(set) var candidates: [Candidate] = []
        private(set) var applicationIDs: Set<String> = []
        func add(candidates more: [Candidate]) { candidates += more }
        func add(applications more: [Application]) { applicationIDs.formUnion(more.map(\.id)) }
    }

    /// The stored applications of the candidates a DELTA re-read, with the connector's refreshed
    /// copies of those candidates, where a copy changed, handed to `save` a page of candidates
    /// at a time (holding every stored application of a busy DELTA's candidates at once took
    /// more memory than a FULL); applications the DELTA re-read itself are current already (and
    /// may be newer than the candidate's listing).
    static func embedding(
        _ reread: Reread, store: Store, integrationID: String, connector: some ATSConnector, chunkSize: Int,
        save: ([Application]) async throws -> Void
    ) async throws {
        let candidates = await reread.candidates
        let skipped = await reread.applicationIDs
        for start in stride(from: 0, to: candidates.count, by: chunkSize) {
            let chunk = Array(candidates[start..<min(start + chunkSize, candidates.count)])
            let stored = try await store.records.records(
                Application.self, integrationID: integrationID, where: "candidate_id", in: chunk.map(\.id)
            ).filter { !skipped.contains($0.id) }
            let refreshed = try await datingRejections(
                connector.applicationsEmbedding(chunk, stored: stored), store: store, integrationID: integrationID,
                connector: connector)
            if !refreshed.isEmpty { try await save(refreshed) }
        }
    }

    /// `applications` with their rejections dated by the connector, which is given the stored
    /// versions of the declined ones (one query per page, none when the page declines nothing).
    static func datingRejections(
        _ applications: [Application], store: Store, integrationID: String, connector: some ATSConnector
    ) async throws -> [Application] {
        let declined = applications.filter { $0.outcome == Application.Outcome.declined.rawValue }.map(\.id)
        guard !declined.isEmpty else { return applications }
        let stored = try await store.records.records(
            Application.self, integrationID: integrationID, where: "id", in: declined, includeDeleted: true)
        return await connector.datingRejections(
            applications, stored: Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
    }

    private func run(
        _ kind: SyncRun.Kind, _ integration: Integration, connector: some ATSConnector, updatedAfter: Date?,
        last: SyncRun?, progress: (@Sendable (Progress) -> Void)?
    ) async throws -> SyncRun {
        let integrationID = integration.id.description
        // The connector's client is the account's, shared by every run, write and passthrough:
        // a run counts what was sent while it ran.
        let requestsBefore = await connector.requestCount()
        var run = try await store.syncRuns.startSyncRun(integrationID: integrationID, kind: kind)
        let complete = updatedAfter == nil
        let reread = Reread()
        let runID = run.id
        var logger = logger
        logger[metadataKey: "integration"] = "\(integrationID)"
        logger[metadataKey: "sync_run"] = "\(runID)"
        logger.info("sync started", metadata: ["type": "\(kind.rawValue)"])
        let started = ContinuousClock.now
        let links = LinkCounters()
        // Applications whose nested objects a FULL kept as their candidates were saved.
        let nestedKept = Tally()
        // On PostgreSQL, the applications a FULL saved that no page's keep has composed since
        // (SQLite's FULL keeps none beside its saves: its walk goes by its partial index).
        let unkept = UnkeptApplications()
        let holdsUnkept = complete && store.database.writesConcurrently
        let rowWalk = RowWalk()
        var credentialsRefused = false
        // Rows per table that an `ANALYZE` during the run has already counted, and rows the
        // run's pass rewrote (not in its stats: their kept members).
        var analyzed: [String: Int] = [:]
        var rewritten: [String: Int] = [:]
        // A FULL may be a bulk load (a first import), and its later steps join what its earlier
        // ones stored: each candidate's save composes its applications with their jobs, stages
        // and pipelines, the pass each application's candidate. Without statistics PostgreSQL's
        // planner chose plans for empty tables until autovacuum's round: at 100,000 candidates
        // the first 12 s of the candidates' pages composed at 130 ms a statement instead of a few.
        // `extra`: rows the run changed outside its stats.
        func refreshStatistics(also extra: [String: Int] = [:]) async {
            let changes = Self.changes(run.stats, less: analyzed).merging(
                extra.filter { $0.value > 0 }, uniquingKeysWith: +)
            do {
                for table in try await store.database.analyze(changes: changes) {
                    analyzed[table, default: 0] += changes[table] ?? 0
                }
            } catch {
                logger.notice("could not refresh the query planner's statistics", metadata: ["error": "\(error)"])
            }
        }
        // Personio's request log lines name this run.
        await ConnectorContext.$syncRunID.withValue(runID) {
            do {
                let references = try await mirrorReferences(
                    connector: connector, runID: runID, integrationID: integrationID, stats: &run.stats,
                    progress: progress, started: started)
                // Jobs are read whole (a DELTA deletes none): they embed what Personio does not mark
                // them updated for — their category's stages (one removed or reordered), stage
                // names, questions, hiring-team names, and whether the career feed lists them (a
                // job published or unpublished). Only jobs whose content changed are written. A
                // DELTA skips them when none of those inputs changed since the last full read and
                // no job was updated (`jobInputs`).
                let fingerprint = await connector.jobInputsFingerprint()
                if let carried = try await Self.unchangedJobInputs(
                    fingerprint, last: last, updatedAfter: updatedAfter, interval: jobsRereadInterval,
                    connector: connector)
                {
                    run.stats.jobInputs = carried
                    logger.debug("jobs and their inputs unchanged since the last full read; not read again")
                } else {
                    let saveLinks: @Sendable ([Job]) async throws -> Void = { [store] jobs in
                        try await Self.saveLinks(
                            jobs, store: store, runID: runID, integrationID: integrationID, counts: links)
                    }
                    try await mirror(
                        Job.self, "jobs", runID: runID, integrationID: integrationID, connector: connector,
                        stats: &run.stats, progress: progress,
                        started: started, complete: complete, afterSave: saveLinks
                    ) { [store] save in
                        try await connector.forEachJobPage(updatedAfter: nil) { jobs in
                            try await save(
                                await connector.keepsStoredPublication()
                                    ? try await Self.keepingPublication(
                                        jobs, store: store, integrationID: integrationID)
                                    : jobs)
                        }
                    }
                    // Only a read of every job, with everything it is built from, vouches for them.
                    if let fingerprint, !run.stats.unavailable.contains("jobs"),
                        await !connector.keepsStoredPublication()
                    {
                        run.stats.jobInputs = .init(fingerprint: fingerprint, readAt: run.startedAt)
                    }
                }
                if complete, !run.stats.unavailable.contains("jobs") {
                    run.stats.deleted["job_stages"] = try await store.records.markRecordsUnseen(
                        JobStageLink.self, byRun: runID, integrationID: integrationID)
                    run.stats.deleted["job_screening_questions"] = try await store.records.markRecordsUnseen(
                        JobQuestionLink.self, byRun: runID, integrationID: integrationID)
                }
                run.stats.record(await links.stages.total, model: "job_stages")
                run.stats.record(await links.questions.total, model: "job_screening_questions")
                run.stats.deleted["job_stages", default: 0] += await links.stages.deleted
                run.stats.deleted["job_screening_questions", default: 0] += await links.questions.deleted
                let knownStages = references.stageIDs
                func mirrorCandidates() async throws {
                    // A FULL stored the applications first: their `candidate`, `current_stage` and
                    // `job` can be kept once their candidates are, while the listing waits for
                    // Personio, instead of all in a pass after the last page. On PostgreSQL each
                    // page's save composes its candidates' applications' objects from the read
                    // that composes the candidates' own arrays, and a step keeps them beside the
                    // next page's save, two pages' at once: one at a time, the keeps set the
                    // phase's pace while a fifth of the machine stayed idle (a FULL of 100,000
                    // candidates: 66 s -> 59-63 s with limits on, 58 -> 50 s off, then a read
                    // of the applications less per page). Two pages are saved at once as well:
                    // one after another, the saves then set the pace (41 ms a page against the
                    // 36 the limits allow). SQLite writes one transaction at a time, and
                    // rewriting applications where they lie cost more than the pass (5-8% more
                    // CPU with limits off): there a step walks the applications in the table's
                    // order as far as their candidates are stored (issue 22).
                    let keepsBesideSaves = complete && store.database.writesConcurrently
                    var saving: PageSaver<Candidate>.Saving?
                    if keepsBesideSaves {
                        saving = { [store] page in
                            let (outcome, objects) = try await store.records.savePreparedCandidates(
                                page, integrationID: integrationID, runID: runID)
                            guard !objects.isEmpty else { return (outcome, nil) }
                            let keep: PageSaver<Candidate>.Step = {
                                let kept = try await store.records.keptComposed(
                                    Application.self, objects, integrationID: integrationID)
                                await nestedKept.add(kept.count)
                                await unkept.remove(kept)
                            }
                            return (outcome, keep)
                        }
                    }
                    try await mirror(
                        Candidate.self, "candidates", runID: runID, integrationID: integrationID, connector: connector,
                        stats: &run.stats,
                        progress: progress, started: started, complete: complete,
                        stepsAtOnce: keepsBesideSaves ? 2 : 1, savesAtOnce: keepsBesideSaves ? 2 : 1, saving: saving
                    ) { save in
                        try await connector.forEachCandidatePage(updatedAfter: updatedAfter) { candidates in
                            // A candidate's source is its latest application's; keep it across re-reads.
                            let sourced = try await store.records.withApplicationSources(
                                candidates, integrationID: integrationID)
                            var walk: PageSaver<Candidate>.Step?
                            if complete, !keepsBesideSaves {
                                walk = {
                                    await nestedKept.add(
                                        try await rowWalk.advance { position in
                                            try await store.records.storeNestedObjectsInRowOrder(
                                                integrationID: integrationID, after: position,
                                                limit: Self.rowWalkLimit)
                                        })
                                }
                            }
                            try await save(sourced, after: walk)
                            if !complete { await reread.add(candidates: candidates) }
                        }
                    }
                }
                func mirrorApplications() async throws {
                    // On PostgreSQL a FULL saves two pages of applications at once, as it does
                    // candidates: one at a time, the cores were partly idle while each page's
                    // statements waited for PostgreSQL (FULLs of 20,000 candidates, limits off:
                    // a median 10% shorter in twelve alternating pairs; issue 22). A page's
                    // `then` may then read its candidates' sources before the other page's
                    // applications are stored; the FULL saves every candidate with its sources
                    // afterwards (`withApplicationSources`).
                    // A FULL's saves leave PostgreSQL's list of those to compose alone; its pass
                    // reads every application (`storeNestedObjects(scanning:)`) unless the
                    // candidates' keeps composed every one the saves wrote (`unkept`).
                    var saving: PageSaver<Application>.Saving?
                    if complete {
                        saving = { [store] page in
                            let outcome = try await store.records.savePrepared(
                                page, integrationID: integrationID, runID: runID, listingUncomposed: false)
                            return (outcome, nil)
                        }
                    }
                    try await mirror(
                        Application.self, "applications", runID: runID, integrationID: integrationID,
                        connector: connector,
                        stats: &run.stats,
                        progress: progress, started: started, complete: complete,
                        savesAtOnce: complete && store.database.writesConcurrently ? 2 : 1, saving: saving
                    ) { save in
                        try await connector.forEachApplicationPage(updatedAfter: updatedAfter) {
                            [store] applications, stages in
                            // Stages seen only on applications (gone from their category) are
                            // stages too, stored before any page that points to them is saved
                            // (the pages' saves may overlap).
                            let unknown = await knownStages.unknown(stages)
                            if !unknown.isEmpty {
                                let outcome = try await store.records.saveRecords(
                                    unknown, integrationID: integrationID, runID: runID)
                                await knownStages.add(unknown, outcome: outcome)
                            }
                            // Read while the previous page is being saved: it reads only this
                            // page's declined applications as stored.
                            let dated = try await Self.datingRejections(
                                applications, store: store, integrationID: integrationID, connector: connector)
                            // The step holds the ids alone: holding the page's applications, it
                            // freed them (Personio's parsed items) at its save's end, on SQLite's
                            // writer thread, 3% of that thread's time.
                            let candidateIDs = applications.compactMap(\.candidateID)
                            if holdsUnkept { await unkept.add(applications.map(\.id)) }
                            try await save(
                                dated,
                                then: {
                                    _ = try await store.records.refreshCandidateSources(
                                        candidateIDs: candidateIDs, integrationID: integrationID)
                                })
                            if !complete { await reread.add(applications: applications) }
                        }
                        // A DELTA's candidates, copied into applications it did not re-read.
                        if !complete {
                            try await save.drain()
                            try await Self.embedding(
                                reread, store: store, integrationID: integrationID, connector: connector,
                                chunkSize: embeddingChunk, save: { try await save($0) })
                        }
                    }
                }
                // A FULL reads applications first, so that each candidate is saved once, with the
                // source of its latest application already known (candidates first saved every
                // candidate with an application twice: a tenth of the run). A DELTA keeps
                // candidates first: it copies the candidates it re-read into the stored
                // applications it did not (`embedding`), after the applications' pages.
                if complete {
                    try await mirrorApplications()
                    await refreshStatistics()
                    // The candidates are analyzed at the run's end, beside the applications: the
                    // pass between composes only what the pages' keeps left (nothing, as a rule),
                    // and the two analyses at once took the time of one (twenty-third stop).
                    try await mirrorCandidates()
                } else {
                    try await mirrorCandidates()
                    try await mirrorApplications()
                }
                run.stats.record(await knownStages.outcome, model: "application_stages")
                // Stage deletions wait for the applications: a stage they still show is not gone.
                if complete, !run.stats.unavailable.contains("applications"),
                    !run.stats.unavailable.contains("application_stages")
                {
                    run.stats.deleted["application_stages"] = try await store.records.markRecordsUnseen(
                        ApplicationStage.self, byRun: runID, integrationID: integrationID)
                }
                // Each candidate whose applications, jobs, stages or pipelines changed gets its
                // `applications` array composed once here, and each application whose own
                // columns, candidate, job, stage or pipeline changed its `candidate`,
                // `current_stage` and `job`, so pages copy them (issue 22). What the run mirrored
                // is stored already; pages compose what this misses, so a failure here is
                // logged, and does not fail the run.
                do {
                    let candidates = try await store.records.storeNestedApplications(integrationID: integrationID)
                    // The whole table is read only where a FULL's keeps may have left some of its
                    // saves' applications: after a first import they compose every one (the read
                    // was 1.0 s of PostgreSQL's time at 100,000 candidates, at the run's end).
                    let left = await unkept.count
                    let scanning = complete && (run.stats.unavailable.contains("applications") || left > 0)
                    if scanning, holdsUnkept {
                        logger.debug(
                            "the pass reads every application: the pages' keeps left some",
                            metadata: ["left": "\(left)"])
                    }
                    let applications = try await store.records.storeNestedObjects(
                        integrationID: integrationID, scanning: scanning)
                    rewritten = [
                        Candidate.table: candidates, Application.table: applications + (await nestedKept.total),
                    ]
                    if candidates + applications > 0 {
                        logger.debug(
                            "nested objects kept for pages",
                            metadata: ["candidates": "\(candidates)", "applications": "\(applications)"])
                    }
                } catch {
                    logger.notice(
                        "could not keep nested objects for pages; pages compose them",
                        metadata: ["error": "\(StoreError.describe(error))"])
                }
                // The field explorer's view of the payloads; only when something changed, since
                // a quiet DELTA would find the same paths again.
                if run.stats.added.values.reduce(0, +) + run.stats.updated.values.reduce(0, +) > 0 || complete {
                    try await store.fields.discoverFields(integrationID: integrationID)
                }
                run.status = .succeeded
                if integration.setupStatus != .completed {
                    var ready = integration
                    ready.setupStatus = .completed
                    try await store.integrations.setSetupStatus(
                        .completed, integrationID: integrationID, workspaceID: integration.workspaceID,
                        events: [WebhookPayloads.stateChanged(ready)])
                }
                logger.info(
                    "sync succeeded",
                    metadata: [
                        "added": "\(run.stats.added)", "updated": "\(run.stats.updated)",
                        "deleted": "\(run.stats.deleted)",
                    ])
            } catch is SyncCancelled {
                run.status = .cancelled
                run.error = "cancelled: the integration was disabled or lost its credentials during the run"
                logger.notice("sync cancelled; models not read to the end marked nothing deleted")
            } catch {
                run.status = .failed
                run.error = StoreError.describe(error)
                credentialsRefused = connector.isAuthenticationFailure(error)
                logger.warning(
                    "sync failed; models not read to the end marked nothing deleted",
                    metadata: ["error": "\(StoreError.describe(error))"])
            }
        }
        run.stats.requests = await connector.requestCount() - requestsBefore
        run.stats.warnings += await connector.warnings()
        for warning in run.stats.warnings {
            logger.notice("sync went on without a source", metadata: ["warning": "\(warning)"])
        }
        // INVALID before the run is seen finished: a client that waits for the run to end and
        // then reads the integration (or its webhooks, in order) must find it INVALID already.
        // The end's time is taken after it, as webhooks are ordered by time.
        if credentialsRefused { try await markInvalid(integration, logger: logger) }
        let finished = Date()
        try await store.syncRuns.finishSyncRun(
            run, now: finished,
            events: WebhookPayloads.finishedRun(run, integration: integration, logBaseURL: logBaseURL, at: finished))
        if run.status == .succeeded, run.kind == .full {
            // PostgreSQL's planner gets statistics for what the FULL changed since the run's own
            // refreshes now rather than at autovacuum's next round. The pass's rewrites count
            // where the run analyzed a table before them: those statistics show the kept members
            // as the pass found them (after a first load, all empty), and the next run's pass
            // would plan its search for empty ones by them.
            await refreshStatistics(also: rewritten.filter { analyzed[$0.key] != nil })
        }
        return run
    }

    /// Credentials the remote refused stay refused: the integration turns INVALID, which stops
    /// its scheduled syncs until a relink brings new ones. An outage, a limit or a missing scope
    /// never does this; those runs fail and the next one retries.
    private func markInvalid(_ integration: Integration, logger: Logger) async throws {
        let id = integration.id.description
        // Only an ACTIVE integration turns INVALID; a disabled one keeps the state its owner chose.
        guard try await store.syncRuns.integrationStatus(id: id) == .active else { return }
        var changed = integration
        changed.status = .invalid
        try await store.integrations.setStatus(
            .invalid, integrationID: id, workspaceID: integration.workspaceID,
            events: [WebhookPayloads.stateChanged(changed)])
        logger.warning("the remote refused the integration's credentials; it is INVALID until relinked")
    }
}

/// Thrown between pages when the integration stopped being ACTIVE.
struct SyncCancelled: Error {}

/// Why a run failed for a reason of the engine's own.
enum SyncError: Error, CustomStringConvertible {
    /// A complete listing lacked many records, and some of a sample of them still exist.
    case incompleteListing(model: String, missing: Int)

    var description: String {
        switch self {
        case .incompleteListing(let model, let missing):
            "the listing of \(model) lacked \(missing) stored records, and some of them still exist upstream; "
                + "nothing was marked deleted"
        }
    }
}

extension SyncRun.Stats {
    /// Records `model` as not read for lack of a permission, with the warning that says so.
    mutating func skip(_ model: String, because error: any Error) {
        unavailable.append(model)
        warnings.append("\(model) were not synced: the credentials may not read them (\(error)).")
    }
}

extension SyncEngine {
    /// The rows a run added, updated or deleted per table, less those `analyzed` already counted
    /// (an `ANALYZE` during the run); tables with none are left out.
    static func changes(_ stats: SyncRun.Stats, less analyzed: [String: Int]) -> [String: Int] {
        var changes: [String: Int] = [:]
        for counts in [stats.added, stats.updated, stats.deleted] {
            changes.merge(counts, uniquingKeysWith: +)
        }
        for (table, count) in analyzed { changes[table, default: 0] -= count }
        return changes.filter { $0.value > 0 }
    }

    /// Reads one model's listing into the store page by page; when a `complete` listing was read
    /// to its end, marks the records it lacked as deleted. A listing that fails part-way records the
    /// counts so far and rethrows, deleting nothing (architecture rule 2). `afterSave` runs after
    /// each page is stored (for records derived from the page).
    func mirror<Record: SyncedRecord>(
        _ type: Record.Type, _ model: String, runID: String, integrationID: String, connector: some ATSConnector,
        stats: inout SyncRun.Stats, progress: (@Sendable (Progress) -> Void)?, started: ContinuousClock.Instant,
        complete: Bool = true, stepsAtOnce: Int = 1, savesAtOnce: Int = 1,
        saving: PageSaver<Record>.Saving? = nil,
        afterSave: (@Sendable ([Record]) async throws -> Void)? = nil,
        listing: (_ save: PageSaver<Record>) async throws -> Void
    ) async throws {
        let counts = Counter()
        let store = store
        let saver = PageSaver<Record>(
            stepsAtOnce: stepsAtOnce, savesAtOnce: savesAtOnce, executor: store.database.transactionExecutor,
            handsRecords: afterSave != nil
        ) {
            page, records, then in
            let (outcome, followUp): (SaveOutcome, PageSaver<Record>.Step?) =
                if let saving {
                    try await saving(page)
                } else {
                    (try await store.records.savePrepared(page, integrationID: integrationID, runID: runID), nil)
                }
            try await afterSave?(records)
            try await then?()
            // Disabling an integration cancels its running sync, at the next page.
            if try await store.syncRuns.integrationStatus(id: integrationID) != .active { throw SyncCancelled() }
            let (pages, total) = await counts.add(outcome, records: page.count)
            if pages == 1 { await self.analyzeAfterFirstPage(Record.table, rows: page.count) }
            progress?(Progress(model: model, pages: pages, records: total, elapsed: ContinuousClock.now - started))
            return followUp
        }
        do {
            try await saver.run(listing)
        } catch  where connector.isPermissionFailure(error) {
            // The credentials may not read this model: skip it (deleting nothing of it), say so,
            // and go on with the others; the integration stays ACTIVE.
            stats.record(await counts.total, model: model)
            stats.skip(model, because: error)
            logger.warning("model skipped: permission missing", metadata: ["model": "\(model)", "error": "\(error)"])
            return
        } catch {
            stats.record(await counts.total, model: model)
            throw error
        }
        stats.record(await counts.total, model: model)
        // Only a listing of everything can tell what is gone; a DELTA's filtered one cannot.
        if complete {
            stats.deleted[model] = try await markDeleted(
                type, model, runID: runID, integrationID: integrationID, connector: connector)
        }
    }

    /// Gives PostgreSQL's planner statistics for `table` once a phase's first page is stored,
    /// when it has none (a first import into empty tables), or when the page alone meets
    /// autovacuum's rule in a small table (`Database.analyze`). Without any, the planner takes
    /// an integration for 0.5% of a table, and the statements that look a page's records up
    /// walked every row the run had stored so far instead: a page's stored states took 27 ms
    /// at 30,000 applications, 0.8 ms with statistics of the first 200 rows
    /// (`benchmarks/analysis.md`, forty-second stop). The run's own refreshes (after the
    /// applications, at its end) still follow.
    func analyzeAfterFirstPage(_ table: String, rows: Int) async {
        do {
            try await store.database.analyze(changes: [table: rows])
        } catch {
            logger.notice("could not refresh the query planner's statistics", metadata: ["error": "\(error)"])
        }
    }

    /// At most this many applications a step of a FULL's walk in the table's order keeps
    /// (SQLite): a candidates page of 200 has about 300 applications, so the walk keeps up.
    static let rowWalkLimit = 500

    /// Up to this many deletions a listing suggests are each confirmed by reading the record.
    static let confirmedDeletionLimit = 200
    /// Beyond the limit, this many of them (spread over the list) are read as a sample.
    static let deletionSampleSize = 20

    /// Marks deleted what a complete listing of `model` lacked and the remote confirms gone. A
    /// listing can skip records (a page that drops entries, data moving between pages while
    /// they are read); a record the remote still answers for is kept. A mass deletion is
    /// sampled instead: if any sampled record still exists the listing cannot be trusted, the
    /// run fails and nothing is deleted.
    func markDeleted<Record: SyncedRecord>(
        _ type: Record.Type, _ model: String, runID: String, integrationID: String, connector: some ATSConnector
    ) async throws -> Int {
        let unseen = try await store.records.unseenRecords(type, byRun: runID, integrationID: integrationID)
        guard !unseen.isEmpty else { return 0 }
        let present: Set<String>
        if unseen.count <= Self.confirmedDeletionLimit {
            present = try await connector.stillPresent(model, remoteIDs: unseen)
        } else {
            let step = unseen.count / Self.deletionSampleSize
            let sample = stride(from: 0, to: unseen.count, by: step).prefix(Self.deletionSampleSize).map { unseen[$0] }
            present = try await connector.stillPresent(model, remoteIDs: sample)
            guard present.isEmpty else { throw SyncError.incompleteListing(model: model, missing: unseen.count) }
        }
        if !present.isEmpty {
            logger.warning(
                "the listing lacked records the remote still has; kept them",
                metadata: ["model": "\(model)", "kept": "\(present.count)"])
        }
        return try await store.records.markRecordsUnseen(
            type, byRun: runID, integrationID: integrationID, keeping: present)
    }

    /// What jobs and applications refer to: stages, screening questions, users. Small lists,
    /// read whole in every run. Stages are saved here but marked deleted only after the
    /// applications were read, since those may show stages the listing lacks.
    func mirrorReferences(
        connector: some ATSConnector, runID: String, integrationID: String, stats: inout SyncRun.Stats,
        progress: (@Sendable (Progress) -> Void)?, started: ContinuousClock.Instant
    ) async throws -> References {
        let stages: [ApplicationStage]
        do {
            stages = try await connector.applicationStages()
        } catch  where connector.isPermissionFailure(error) {
            stages = []
            stats.skip("application_stages", because: error)
        }
        let stageOutcome = try await store.records.saveRecords(stages, integrationID: integrationID, runID: runID)
        stats.record(stageOutcome, model: "application_stages")
        progress?(
            Progress(
                model: "application_stages", pages: 1, records: stages.count, elapsed: ContinuousClock.now - started))
        let questions = try await connector.screeningQuestions()
        try await mirror(
            ScreeningQuestion.self, "screening_questions", runID: runID, integrationID: integrationID,
            connector: connector, stats: &stats,
            progress: progress, started: started
        ) { save in
            try await save(questions)
        }
        let tags = try await connector.tags()
        try await mirror(
            Tag.self, "tags", runID: runID, integrationID: integrationID, connector: connector, stats: &stats,
            progress: progress,
            started: started
        ) { save in
            try await save(tags)
        }
        // Users only when the credentials may read persons; otherwise stored users stay as
        // they are rather than being marked deleted by a listing that was never read.
        if let users = try await connector.users() {
            try await mirror(
                User.self, "users", runID: runID, integrationID: integrationID, connector: connector, stats: &stats,
                progress: progress,
                started: started
            ) { save in
                try await save(users)
            }
        }
        let changed = ["application_stages", "screening_questions", "users"].contains { model in
            (stats.added[model] ?? 0) + (stats.updated[model] ?? 0) + (stats.deleted[model] ?? 0) > 0
        }
        return References(stageIDs: KnownStages(stages, outcome: stageOutcome), changed: changed)
    }

    struct References {
        var stageIDs: KnownStages
        /// Whether any of them was added, changed or deleted in this run.
        var changed: Bool
    }

    /// Saves the stage and question links of a page of jobs, and marks deleted the links those
    /// jobs no longer have.
    static func saveLinks(
        _ jobs: [Job], store: Store, runID: String, integrationID: String, counts: LinkCounters
    ) async throws {
        let jobIDs = jobs.map(\.id)
        try await saveChildren(
            jobs.flatMap(\.stageLinks), parentIDs: jobIDs, store: store, runID: runID, integrationID: integrationID,
            counter: counts.stages)
        try await saveChildren(
            jobs.flatMap(\.questionLinks), parentIDs: jobIDs, store: store, runID: runID,
            integrationID: integrationID, counter: counts.questions)
    }

    /// Saves the children of some parents and marks deleted those children the parents no longer have.
    static func saveChildren<Child: ChildRecord>(
        _ children: [Child], parentIDs: [String], store: Store, runID: String, integrationID: String, counter: Counter
    ) async throws {
        let outcome = try await store.records.saveRecords(children, integrationID: integrationID, runID: runID)
        _ = await counter.add(outcome, records: children.count)
        await counter.addDeleted(
            try await store.records.markChildrenUnseen(
                Child.self, parentIDs: parentIDs, byRun: runID, integrationID: integrationID))
    }
}

/// Saves a listing's pages in order, each page's encoding overlapping the previous page's save.
///
/// A page's records are encoded (`RecordRepository.preparedPage`: documents, hashes) in the
/// listing's task; its database work (`commit`: the save and what must follow it, `then`) runs
/// in a task of its own, one page after another. So the listing reads, decodes, maps and
/// encodes page N+1 while page N is being written. A call returns once its page's save has
/// started, after the previous page's save ended: a failed save is thrown by the next call, or
/// by `drain`. Whatever reads the store after a call and needs its page saved calls `drain`
/// first.
///
/// A page's `after` step, and the step its `commit` returns (work its save prepared), run once
/// its save (and `then`) ended, each in a task of its own, beside the next page's save: work
/// that needs the page stored but not before the next page, where the database writes several
/// transactions at once. At most `stepsAtOnce` run at a time, started in the order their saves
/// ended. A failed one fails a later page that has a step (its save waits for it), so the call
/// after that page's throws it; `drain` throws it too.
///
/// With `savesAtOnce` above one, a page's save may start before the previous one ended, unless
/// the two pages share a record: then it waits for it, so the later page's version is the one
/// stored. A call then returns once its save has started; a failed save is thrown by the first
/// call that waits for it, or by `drain`.
///
/// With an `executor` (the SQLite writer's thread, `Database.transactionExecutor`), saves and
/// steps run there, and a call returns once its save is queued behind the one running: its
/// task waits on that thread and starts the moment the other ends. Started by the listing's
/// call once the other had ended, it waited for the listing's task and then its own to get a
/// thread of Swift's pool, busy decoding and encoding the next page: about 2.4 ms between two
/// saves of 15 ms (`benchmarks/analysis.md`, thirty-eighth stop). A failed save is then thrown
/// by the call after next, or by `drain`; a step, likewise, is queued behind the one running
/// without its page's save waiting for that one, and a failed step fails the step queued
/// behind it and is thrown by `drain`, or by the call whose save waits for it.
struct PageSaver<Record: SyncedRecord>: Sendable {
    typealias Step = @Sendable () async throws -> Void
    /// A page's save, in place of `RecordRepository.savePrepared`: its outcome, and the step it
    /// leaves to run after it, if any.
    typealias Saving = @Sendable (RecordRepository.PreparedPage<Record>) async throws -> (SaveOutcome, Step?)
    /// A page's save, given the page's records only when `handsRecords` (else none).
    let commit: @Sendable (RecordRepository.PreparedPage<Record>, [Record], Step?) async throws -> Step?
    private let chain: CommitChain
    private let followUps: CommitChain
    /// Whether `commit` is given the records. A save that is not lets the records (Personio's
    /// parsed items in `remote_data`) go with the listing's call, on its thread, rather than at
    /// the save's end: on SQLite's writer thread, freeing them was 3-4% of its time, and a page
    /// queued behind the running save holds its encoded page alone.
    let handsRecords: Bool

    init(
        stepsAtOnce: Int = 1, savesAtOnce: Int = 1, executor: (any TaskExecutor)? = nil, handsRecords: Bool = true,
        commit: @escaping @Sendable (RecordRepository.PreparedPage<Record>, [Record], Step?) async throws -> Step?
    ) {
        self.commit = commit
        self.handsRecords = handsRecords
        self.chain = CommitChain(width: savesAtOnce, executor: executor)
        self.followUps = CommitChain(width: stepsAtOnce, executor: executor)
    }

    /// Runs `listing` with this saver and waits for its pages' saves. A listing that fails
    /// waits for the page being saved first; if that save failed, its failure came first and
    /// is the one thrown.
    func run(_ listing: (PageSaver) async throws -> Void) async throws {
        do {
            try await listing(self)
        } catch {
            try await drain()
            throw error
        }
        try await drain()
    }

    /// Encodes `records` here, then saves them after the previous page, running `then` after the
    /// save in the same order, and `after` once they ended, beside the next page's save.
    func callAsFunction(_ records: [Record], then: Step? = nil, after: Step? = nil) async throws {
        let page = try RecordRepository.preparedPage(records)
        let commit = commit
        let followUps = followUps
        let handed = handsRecords ? records : []
        try await chain.enqueue(keys: Set(records.map(\.id)), keeping: page) {
            if let followUp = try await commit(page, handed, then) { try await followUps.enqueue(followUp) }
            if let after { try await followUps.enqueue(after) }
        }
    }

    /// Waits for every page's save and `after` step; throws the first failure.
    func drain() async throws {
        var failure: (any Error)?
        do { try await chain.drain() } catch { failure = error }
        do { try await followUps.drain() } catch { failure = failure ?? error }
        if let failure { throw failure }
    }
}

/// Runs pieces of work in order, each in its own task, at most `width` at a time (one after
/// another by default), while the caller goes on.
actor CommitChain {
    private var running: [(task: Task<Void, any Error>, keys: Set<String>, kept: (any Sendable)?)] = []
    let width: Int
    /// Where the pieces run; nil for Swift's pool. With one, a piece may also wait in its task
    /// there for those it follows, and starts as they end, without a trip through the caller.
    let executor: (any TaskExecutor)?

    init(width: Int = 1, executor: (any TaskExecutor)? = nil) {
        self.width = max(1, width)
        self.executor = executor
    }

    /// Waits, oldest piece first, until fewer than `width` pieces run (with an executor, one
    /// more may be waiting) and, without one, none of them shares any of `keys`; then starts
    /// `work` and returns. With an executor, `work` first waits in its task for the piece `width`
    /// places before it and for those sharing a key, and fails with their failure. A failure of
    /// a piece the call waited for is thrown (and that piece kept, so every later call and
    /// `drain` throw it too). Calls may wait at once (the saves of a chain `width` wide each
    /// start steps on another chain).
    ///
    /// `kept` (the page a save writes) is let go here, once a later call or `drain` finds its
    /// piece ended, rather than with the piece's task: on SQLite's writer thread, freeing a
    /// saved page's documents at its task's end was 3% of that thread's time.
    func enqueue(
        keys: Set<String> = [], keeping kept: (any Sendable)? = nil,
        _ work: @escaping @Sendable () async throws -> Void
    ) async throws {
        let waiting = executor == nil ? 0 : 1
        while running.count >= width + waiting
            || (executor == nil && running.contains(where: { !$0.keys.isDisjoint(with: keys) }))
        {
            let oldest = running[0].task
            try await oldest.value
            running.removeAll { $0.task == oldest }
        }
        // Task-local values (the run's id in Personio's log lines) carry into the task.
        guard let executor else {
            running.append((Task { try await work() }, keys, kept))
            return
        }
        let followed = running.indices.filter { index in
            index == running.count - width || !running[index].keys.isDisjoint(with: keys)
        }.map { running[$0].task }
        let task = Task(executorPreference: executor) {
            for piece in followed { try await piece.value }
            try await work()
        }
        running.append((task, keys, kept))
    }

    /// Waits for every running piece; throws the first failure in start order (and keeps
    /// throwing it).
    func drain() async throws {
        var failure: (any Error)?
        for piece in running {
            do { try await piece.task.value } catch { failure = failure ?? error }
        }
        // The pieces stay, to throw a failure again; what they kept need not.
        running = running.map { ($0.task, $0.keys, nil) }
        if let failure { throw failure }
    }
}

/// Adds up save outcomes from the page callbacks.
actor Counter {
    private(set) var total = SaveOutcome()
    private(set) var deleted = 0
    private var pages = 0
    private var records = 0

    /// Adds one page's outcome; returns the pages and records so far.
    func add(_ outcome: SaveOutcome, records pageRecords: Int) -> (pages: Int, records: Int) {
        total.add(outcome)
        pages += 1
        records += pageRecords
        return (pages, records)
    }

    func addDeleted(_ count: Int) { deleted += count }
}

/// A running sum, added to from a run's page saves.
actor Tally {
    private(set) var total = 0

    func add(_ count: Int) { total += count }
}

/// The applications a FULL saved (each page's, whatever the save found stored) less those the
/// candidates' keeps composed since (PostgreSQL). Held as hashes of their ids, 8 bytes each:
/// at 150,000 applications the ids themselves were about 12 MB. Two ids of one hash would let
/// the pass skip an application it should compose; pages compose what it left.
actor UnkeptApplications {
    private var hashes = Set<Int>()

    var count: Int { hashes.count }

    func add(_ ids: [String]) {
        for id in ids { hashes.insert(id.hashValue) }
    }

    func remove(_ ids: [String]) {
        for id in ids { hashes.remove(id.hashValue) }
    }
}

/// Where a FULL's walk over applications in the table's order stands (SQLite): the `rowid` of
/// the last application it kept objects for. Its steps run one at a time, in page order.
actor RowWalk {
    private var position: Int64 = 0

    /// Runs one step from the position, moves it on, and returns how many the step kept.
    func advance(_ step: (Int64) async throws -> (kept: Int, position: Int64)) async throws -> Int {
        let (kept, next) = try await step(position)
        position = next
        return kept
    }
}

/// The counts of a run's job links.
struct LinkCounters: Sendable {
    let stages = Counter()
    let questions = Counter()
}

/// The stage ids a run has saved so far, so stages seen on applications are saved only when new.
actor KnownStages {
    private var ids: Set<String>
    private(set) var outcome: SaveOutcome

    init(_ stages: [ApplicationStage], outcome: SaveOutcome) {
        self.ids = Set(stages.map(\.id))
        self.outcome = outcome
    }

    func unknown(_ stages: [ApplicationStage]) -> [ApplicationStage] {
        stages.filter { !ids.contains($0.id) }
    }

    func add(_ stages: [ApplicationStage], outcome: SaveOutcome) {
        ids.formUnion(stages.map(\.id))
        self.outcome.add(outcome)
    }
}

extension SaveOutcome {
    mutating func add(_ other: SaveOutcome) {
        inserted += other.inserted
        changed += other.changed
        nestedChanged += other.nestedChanged
        unchanged += other.unchanged
    }
}

extension SyncRun.Stats {
    /// Sets one model's counts from its save outcome.
    mutating func record(_ outcome: SaveOutcome, model: String) {
        added[model] = outcome.inserted
        updated[model] = outcome.changed + outcome.nestedChanged
        unchanged[model] = outcome.unchanged
    }
}
