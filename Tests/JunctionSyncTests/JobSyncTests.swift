import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionConnectors
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Personio
import PersonioSandbox
import Testing

/// FULL syncs of jobs from a sandbox on a real port into a real store, checked against the
/// sandbox's ground truth (read over its admin API, not through the connector under test).
@Suite("FULL sync of jobs against the sandbox", .freshDatabases)
struct JobSyncTests {
    /// Runs `body` with a sandbox on a free loopback port and a fresh, seeded store.
    /// Small: 25 jobs in three pages of 10, 10 candidates.
    static let small: SandboxConfiguration = {
        var configuration = SandboxConfiguration()
        configuration.jobs = 25
        configuration.candidates = 10
        return configuration
    }()

    static func withSandboxAndStore(
        _ backend: Backend, configuration: SandboxConfiguration = small,
        _ body: @escaping @Sendable (_ sandbox: any TestClientProtocol, _ sync: SyncFixture) async throws -> Void
    ) async throws {
        var configuration = configuration
        configuration.v2RateLimit = nil
        let app = Application(
            router: PersonioSandbox(configuration: configuration).buildRouter(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let database = try await FreshDatabases.open(backend)
            let seeded = try await SeededStore.make(database)
            let fixture = SyncFixture(seeded: seeded, baseURL: "http://127.0.0.1:\(port)")
            try await body(client, fixture)
        }
    }

    struct SyncFixture: Sendable {
        let seeded: SeededStore
        let baseURL: String

        var integrationID: String { seeded.integration.id.description }

        func run(
            delta: Bool = false, retry: RetryPolicy = .init(maxAttempts: 3, baseDelay: .milliseconds(5))
        ) async throws -> SyncRun {
            try await run(try await connector(retry: retry), delta: delta)
        }

        /// The connector a run uses: pages of 10, so a listing of 25 jobs takes three pages and
        /// can fail in the middle.
        func connector(
            retry: RetryPolicy = .init(maxAttempts: 3, baseDelay: .milliseconds(5)),
            clientSecret: String = "papi-sandbox-secret", identity: PersonioIdentity = .init(),
            stageHistoryReads: Int = PersonioConnector.defaultStageHistoryReads,
            stageHistoryBacklog: Int = PersonioConnector.defaultStageHistoryBacklog
        ) async throws -> PersonioConnector {
            let credentials = PersonioCredentials(
                clientID: "papi-sandbox-client", clientSecret: clientSecret, apiBaseURL: baseURL,
                careerSiteBaseURL: baseURL)
            let client = PersonioClient(
                credentials: credentials, http: PersonioClient.sharedHTTPClient, logger: quietLogger, retry: retry,
                identity: identity)
            let integration = try await integration()
            return PersonioConnector(
                integrationID: integrationID, client: client, credentials: credentials, pageSize: 10,
                applicantAttributes: try ApplicantAttribute.catalog(settings: integration.settings),
                tagNames: try TagSettings.names(settings: integration.settings), stageHistoryReads: stageHistoryReads,
                stageHistoryBacklog: stageHistoryBacklog)
        }

        /// A run through `connector`, of the integration as it is stored now.
        func run(_ connector: some ATSConnector, delta: Bool = false) async throws -> SyncRun {
            let engine = SyncEngine(store: seeded.store, logger: quietLogger)
            let integration = try await integration()
            return delta
                ? try await engine.runDelta(integration, connector: connector)
                : try await engine.runFull(integration, connector: connector)
        }

        func integration() async throws -> Integration {
            try #require(
                try await seeded.store.integrations.integration(id: integrationID, workspaceID: seeded.workspace.id))
        }

        func jobs(includeDeleted: Bool = true) async throws -> [String: Job] {
            let page = try await seeded.store.records.jobs(
                integrationID: integrationID, limit: 10_000, includeDeleted: includeDeleted)
            return Dictionary(uniqueKeysWithValues: page.items.map { ($0.remoteID, $0) })
        }
    }

    static func groundTruth(_ sandbox: any TestClientProtocol) async throws -> (
        jobs: [[String: Any]], categories: [[String: Any]]
    ) {
        try await sandbox.execute(uri: "/_sandbox/ground-truth?models=jobs,categories", method: .get) { response in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            return (
                try #require(object["jobs"] as? [[String: Any]]), try #require(object["categories"] as? [[String: Any]])
            )
        }
    }

    @Test("a FULL sync reproduces every sandbox job with the documented mapping", arguments: Backend.allCases)
    func reproducesJobs(backend: Backend) async throws {
        try await Self.withSandboxAndStore(backend) { sandbox, sync in
            let run = try await sync.run()
            let truth = try await Self.groundTruth(sandbox)
            let stored = try await sync.jobs()

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(run.stats.added["jobs"] == truth.jobs.count)
            #expect(stored.count == truth.jobs.count)
            let stageCounts = Dictionary(
                uniqueKeysWithValues: truth.categories.compactMap { category in
                    (category["id"] as? String).map { ($0, (category["stages"] as? [Any])?.count ?? 0) }
                })
            for expected in truth.jobs {
                let remoteID = String(try #require(expected["id"] as? Int))
                let job = try #require(stored[remoteID], "job \(remoteID) missing from the store")
                let published = try #require(expected["published"] as? Bool)
                let names = try #require(expected["name"] as? [String: String])
                #expect(
                    job.id == Identifier.record(integrationID: sync.integrationID, model: "jobs", remoteID: remoteID))
                #expect(job.name == names["en"])
                #expect(job.status == (published ? "OPEN" : "CLOSED"))
                #expect(job.visibility == (published ? "PUBLIC" : "INTERNAL"))
                #expect(job.department == expected["department"] as? String)
                #expect((job.postURL != nil) == published)
                // One posting per language the job is written in (the sandbox's ground truth says which).
                let languages = (expected["text_languages"] as? [String]) ?? []
                #expect(job.jobPostings.count == (published ? languages.count : 0))
                #expect(job.stages.count == stageCounts[String(try #require(expected["category_id"] as? Int))])
                #expect(job.remoteDeletedAt == nil)
                if published {
                    let office = try #require(expected["office"] as? String)
                    #expect(job.location?.raw?.hasPrefix(office) == true)
                    let sections = try #require((expected["descriptions"] as? [String: Any])?["en"] as? [[String: Any]])
                    #expect(
                        sections.allSatisfy { section in
                            job.description?.contains(section["name"] as? String ?? "∅") == true
                        })
                }
            }
            let runs = try await sync.seeded.store.syncRuns.syncRuns(integrationID: sync.integrationID)
            #expect(runs.first?.id == run.id)
            #expect(runs.first?.status == .succeeded)
            #expect(
                try await sync.seeded.store.integrations.integration(
                    id: sync.integrationID, workspaceID: sync.seeded.workspace.id)?
                    .setupStatus == .completed)
        }
    }

    @Test(
        "after edits upstream, a FULL run moves changed_at only for changed jobs and marks deletions",
        arguments: Backend.allCases)
    func changesAndDeletions(backend: Backend) async throws {
        try await Self.withSandboxAndStore(backend) { sandbox, sync in
            _ = try await sync.run()
            let before = try await sync.jobs()
            let ids = before.keys.sorted()
            let (renamed, deleted) = (ids[0], ids[1])
            try await sandbox.execute(
                uri: "/_sandbox/jobs/\(renamed)", method: .patch, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"name":"Renamed upstream"}"#)
            ) { #expect($0.status == .ok) }
            try await sandbox.execute(uri: "/_sandbox/jobs/\(deleted)", method: .delete) { #expect($0.status == .ok) }

            let second = try await sync.run()
            let after = try await sync.jobs()
            let live = try await sync.jobs(includeDeleted: false)

            #expect(second.status == .succeeded)
            #expect(second.stats.updated["jobs"] == 1)
            #expect(second.stats.deleted["jobs"] == 1)
            #expect(second.stats.unchanged["jobs"] == before.count - 2)
            #expect(after[renamed]?.name == "Renamed upstream")
            #expect(after[renamed]!.changedAt > before[renamed]!.changedAt)
            #expect(after[deleted]?.remoteDeletedAt != nil)
            #expect(live[deleted] == nil)
            for id in ids.dropFirst(2) {
                #expect(after[id]?.changedAt == before[id]?.changedAt, "job \(id) must not change")
            }
        }
    }

    @Test(
        "a run that fails part-way deletes nothing and is recorded; the next run completes", arguments: Backend.allCases
    )
    func failedRunDeletesNothing(backend: Backend) async throws {
        try await Self.withSandboxAndStore(backend) { sandbox, sync in
            _ = try await sync.run()
            let before = try await sync.jobs()
            // Page 1 of jobs comes through; every later request to the listing fails.
            try await sandbox.execute(
                uri: "/_sandbox/faults", method: .put, headers: [.contentType: "application/json"],
                body: ByteBuffer(
                    string: #"{"rules":[{"path":"/v2/recruiting/jobs","fault":"server_error","status":503,"after":1}]}"#
                )
            ) { #expect($0.status == .ok) }

            let failed = try await sync.run()
            let afterFailure = try await sync.jobs()
            try await sandbox.execute(uri: "/_sandbox/faults", method: .delete) { #expect($0.status == .ok) }
            let recovered = try await sync.run()

            #expect(failed.status == .failed)
            #expect(failed.error?.contains("503") == true)
            #expect(afterFailure.values.allSatisfy { $0.remoteDeletedAt == nil })
            #expect(afterFailure.count == before.count)
            #expect(recovered.status == .succeeded)
            #expect(recovered.stats.deleted["jobs"] == 0)
            #expect(recovered.stats.unchanged["jobs"] == before.count)
        }
    }
}
