import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import NIOCore
import PersonioSandbox
import Testing

/// A DELTA skips reading jobs when nothing they are built from changed (issue 22): the career
/// feeds' `Last-Modified` (HEAD requests), the categories, persons and settings, and no job
/// updated. Each change a job's record depends on is still seen, in every position of the
/// sandbox's `feedLastModified` switch.
@Suite("DELTA: unchanged jobs are not read again", .freshDatabases)
struct JobInputsTests {
    static let json: HTTPFields = [.contentType: "application/json"]
    /// The paths whose requests are counted.
    static let counted = ["/v2/recruiting/jobs", "/xml"]

    /// Counts the sandbox's requests to `counted` from now on (fault rules that add no latency).
    static func startCounting(_ sandbox: any TestClientProtocol) async throws {
        let rules = counted.map { #"{"path":"\#($0)","fault":"latency","milliseconds":0}"# }
        try await sandbox.execute(
            uri: "/_sandbox/faults", method: .put, headers: json,
            body: ByteBuffer(string: #"{"rules":[\#(rules.joined(separator: ","))]}"#)
        ) { #expect($0.status == .ok) }
    }

    /// Requests per counted path since `startCounting`.
    static func counts(_ sandbox: any TestClientProtocol) async throws -> [String: Int] {
        try await sandbox.execute(uri: "/_sandbox/faults/log", method: .get) { response in
            let entries = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
            var counts: [String: Int] = [:]
            for entry in entries {
                let path = try #require(entry["path"] as? String)
                let prefix = try #require(counted.first { path.hasPrefix($0) })
                counts[prefix, default: 0] += 1
            }
            return counts
        }
    }

    static func configuration(_ lastModified: SandboxConfiguration.FeedLastModified) -> SandboxConfiguration {
        var configuration = JobSyncTests.small
        configuration.feedLastModified = lastModified
        configuration.publicationMovesUpdatedAt = false
        return configuration
    }

    /// Waits until the sandbox's clock is in a later second than a change just made: a feed's
    /// `Last-Modified` counts whole seconds, so Junction trusts it only once its second is over.
    static func letTheSecondPass() async throws { try await Task.sleep(for: .milliseconds(1100)) }

    @Test(
        "a quiet DELTA reads one job record and the feeds' headers, and leaves jobs as they were",
        arguments: Backend.allCases)
    func quietDelta(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration(.lastChange)) {
            sandbox, sync in
            let full = try await sync.run()
            let before = try await sync.jobs()
            try await Self.startCounting(sandbox)

            let delta = try await sync.run(delta: true)
            let counts = try await Self.counts(sandbox)
            let after = try await sync.jobs()

            #expect(delta.kind == .delta && delta.status == .succeeded, "\(delta.error ?? "")")
            // One listing request (`limit=1`, updated since the last run) and a HEAD per feed language.
            #expect(counts["/v2/recruiting/jobs"] == 1)
            #expect(counts["/xml"] == 7)
            #expect(full.stats.jobInputs != nil)
            #expect(delta.stats.jobInputs == full.stats.jobInputs, "the DELTA goes on from the FULL's read")
            #expect(after.count == before.count)
            for (remoteID, job) in before {
                #expect(after[remoteID] == job, "job \(remoteID)")
            }
        }
    }

    /// A change a job's record depends on, made in the sandbox, and how to see it in the store.
    enum Change: String, CaseIterable, Sendable {
        /// Unpublished without its `updated_at` moving: only the feed shows it.
        case unpublished
        /// A stage removed from a category: only the categories show it.
        case stageRemoved
        /// Renamed: its `updated_at` moves.
        case renamed
    }

    /// Every change in both positions that send the header, but an unpublishing under
    /// `newest_job`, which no header shows (`newestJobMissesUnpublishing` tests that case).
    static let seenChanges: [(SandboxConfiguration.FeedLastModified, Change)] =
        [SandboxConfiguration.FeedLastModified.lastChange, .newestJob].flatMap { position in
            Change.allCases.filter { !(position == .newestJob && $0 == .unpublished) }.map { (position, $0) }
        }

    @Test(
        "after quiet DELTAs skipped jobs, each change a job depends on is seen by the next DELTA",
        arguments: seenChanges)
    func changeSeen(lastModified: SandboxConfiguration.FeedLastModified, change: Change) async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite, configuration: Self.configuration(lastModified)) {
            sandbox, sync in
            _ = try await sync.run()
            let quiet = try await sync.run(delta: true)
            try #require(
                quiet.stats.jobInputs != nil && quiet.stats.updated["jobs"] == nil, "the quiet DELTA skipped jobs")
            let truth = try await DeltaFreshnessTests.truth(sandbox, "categories,jobs")
            let jobs = try #require(truth["jobs"] as? [[String: Any]])
            let open = try #require(try await sync.jobs().values.first { $0.status == "OPEN" })
            let category = try #require(
                (truth["categories"] as? [[String: Any]])?.first { (($0["stages"] as? [Any])?.count ?? 0) >= 3 })
            let categoryID = "\(category["id"] ?? "")"
            let removedStage = "\((try #require(category["stages"] as? [[String: Any]]))[1]["id"] ?? "")"
            let jobOfCategory = "\(try #require(jobs.first { "\($0["category_id"] ?? "")" == categoryID })["id"] ?? "")"
            switch change {
            case .unpublished:
                try await sandbox.execute(uri: "/_sandbox/jobs/\(open.remoteID)/unpublish", method: .post) {
                    #expect($0.status == .ok)
                }
            case .stageRemoved:
                try await sandbox.execute(
                    uri: "/_sandbox/categories/\(categoryID)/stages/\(removedStage)", method: .delete
                ) { #expect($0.status == .ok) }
            case .renamed:
                try await sandbox.execute(
                    uri: "/_sandbox/jobs/\(open.remoteID)", method: .patch, headers: Self.json,
                    body: ByteBuffer(string: #"{"name":"Renamed while jobs were skipped"}"#)
                ) { #expect($0.status == .ok) }
            }
            try await Self.letTheSecondPass()

            let delta = try await sync.run(delta: true)
            let after = try await sync.jobs()

            #expect(delta.status == .succeeded, "\(delta.error ?? "")")
            switch change {
            case .unpublished:
                #expect(after[open.remoteID]?.status == "CLOSED")
                #expect(after[open.remoteID]?.remoteUpdatedAt == open.remoteUpdatedAt, "updated_at stayed")
            case .stageRemoved:
                #expect(after[jobOfCategory]?.stages.contains { $0.remoteID == removedStage } == false)
                #expect(after[jobOfCategory]?.stages.isEmpty == false)
            case .renamed:
                #expect(after[open.remoteID]?.name == "Renamed while jobs were skipped")
            }
        }
    }

    @Test("a feed whose Last-Modified follows the newest job misses an unpublishing until jobs are read again")
    func newestJobMissesUnpublishing() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite, configuration: Self.configuration(.newestJob)) {
            sandbox, sync in
            _ = try await sync.run()
            // Not the newest job: its leaving the feed moves no header.
            let open = try #require(
                try await sync.jobs().values.filter { $0.status == "OPEN" }.min {
                    ($0.remoteUpdatedAt ?? .distantPast) < ($1.remoteUpdatedAt ?? .distantPast)
                })
            try await sandbox.execute(uri: "/_sandbox/jobs/\(open.remoteID)/unpublish", method: .post) {
                #expect($0.status == .ok)
            }
            try await Self.letTheSecondPass()

            let within = try await sync.run(delta: true)
            let missed = try await sync.jobs()[open.remoteID]
            let engine = SyncEngine(store: sync.seeded.store, logger: quietLogger, jobsRereadInterval: .zero)
            let reread = try await engine.runDelta(try await sync.integration(), connector: try await sync.connector())
            let seen = try await sync.jobs()[open.remoteID]

            #expect(within.status == .succeeded && reread.status == .succeeded)
            #expect(missed?.status == "OPEN", "inside the interval, nothing told the DELTA")
            #expect(seen?.status == "CLOSED", "the interval's full read sees it")
        }
    }

    @Test("without Last-Modified every DELTA reads the jobs and the feeds")
    func noLastModified() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite, configuration: Self.configuration(.absent)) {
            sandbox, sync in
            _ = try await sync.run()
            let open = try #require(try await sync.jobs().values.first { $0.status == "OPEN" })
            try await sandbox.execute(uri: "/_sandbox/jobs/\(open.remoteID)/unpublish", method: .post) {
                #expect($0.status == .ok)
            }
            try await Self.startCounting(sandbox)

            let delta = try await sync.run(delta: true)
            let counts = try await Self.counts(sandbox)

            #expect(delta.status == .succeeded && delta.stats.jobInputs == nil)
            // 25 jobs in pages of 10: three pages, and the empty page after the last.
            #expect(counts["/v2/recruiting/jobs"] == 4)
            // One HEAD finds no Last-Modified; then the feed in each of its seven languages.
            #expect(counts["/xml"] == 8)
            #expect(try await sync.jobs()[open.remoteID]?.status == "CLOSED")
        }
    }
}
