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

@Suite("FULL sync of application stages", .freshDatabases)
struct StageSyncTests {
    @Test(
        "the system stages and every category stage are stored, with the ids jobs point to", arguments: Backend.allCases
    )
    func stages(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let run = try await sync.run()
            let truth = try await JobSyncTests.groundTruth(sandbox)
            let stored = try await sync.seeded.store.records.applicationStages(
                integrationID: sync.integrationID, limit: 1000
            )
            .items
            let jobs = try await sync.jobs()

            // Expected from the sandbox's categories plus Personio's five documented system stages.
            let categoryStages = truth.categories.flatMap { ($0["stages"] as? [[String: Any]]) ?? [] }
            let expectedRemoteIDs = Set(["unassigned", "rejected", "withdrawn", "offer", "accepted"])
                .union(categoryStages.compactMap { $0["id"] as? String })
            #expect(run.status == .succeeded)
            #expect(run.stats.added["application_stages"] == expectedRemoteIDs.count)
            #expect(Set(stored.compactMap(\.remoteID)) == expectedRemoteIDs)
            #expect(stored.allSatisfy { $0.status == "ACTIVE" && $0.name != nil })
            let names = Dictionary(
                uniqueKeysWithValues: categoryStages.compactMap { stage in
                    (stage["id"] as? String).map { ($0, stage["name"] as? String) }
                })
            #expect(stored.filter { names[$0.remoteID ?? ""] != nil }.allSatisfy { names[$0.remoteID!] == $0.name })
            let storedIDs = Set(stored.map(\.id))
            #expect(jobs.values.flatMap(\.stages).allSatisfy { storedIDs.contains($0.id) })

            let again = try await sync.run()
            #expect(again.stats.unchanged["application_stages"] == expectedRemoteIDs.count)
            #expect(again.stats.deleted["application_stages"] == 0)
        }
    }
}

extension StageSyncTests {
    @Test(
        "a stage removed from its category lives on while applications are in it, then is deleted",
        arguments: Backend.allCases)
    func stageOnlyOnApplications(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            _ = try await sync.run()
            let people = try await PeopleSyncTests.truth(sandbox)
            let jobsTruth = try await JobSyncTests.groundTruth(sandbox).jobs
            let inCustomStage = people.applications.compactMap { application -> (id: Int, stage: Int, job: Int)? in
                let stage = (application["transitions"] as? [[String: Any]])?.last?["stage"] as? [String: Any]
                guard let id = application["id"] as? Int, let job = application["job_id"] as? Int,
                    let stageID = (stage?["id"] as? String).flatMap(Int.init)
                else { return nil }
                return (id, stageID, job)
            }
            let chosen = try #require(inCustomStage.first)
            let categoryID = try #require(
                jobsTruth.first { $0["id"] as? Int == chosen.job }?["category_id"] as? Int)
            let jobsInCategory = jobsTruth.filter { $0["category_id"] as? Int == categoryID }.count
            try await sandbox.execute(uri: "/_sandbox/categories/\(categoryID)/stages/\(chosen.stage)", method: .delete)
            {
                #expect($0.status == .ok)
            }
            let stageID = Identifier.record(
                integrationID: sync.integrationID, model: "application_stages", remoteID: String(chosen.stage))
            let stage = { () async throws -> ApplicationStage? in
                try await sync.seeded.store.records.applicationStages(
                    integrationID: sync.integrationID, limit: 1000, includeDeleted: true
                ).items.first { $0.id == stageID }
            }

            let kept = try await sync.run()
            let keptStage = try await stage()
            let jobStages = try await sync.jobs().values.flatMap(\.stages)
            for application in inCustomStage where application.stage == chosen.stage {
                try await sandbox.execute(uri: "/_sandbox/applications/\(application.id)", method: .delete) {
                    #expect($0.status == .ok)
                }
            }
            let removed = try await sync.run()
            let removedStage = try await stage()

            #expect(kept.status == .succeeded, "\(kept.error ?? "")")
            #expect(kept.stats.deleted["application_stages"] == 0)
            #expect(keptStage?.remoteDeletedAt == nil)
            #expect(keptStage?.name != nil)
            #expect(!jobStages.contains { $0.id == stageID }, "no job's pipeline has the stage any more")
            #expect(kept.stats.deleted["job_stages"] == jobsInCategory)
            #expect(removed.stats.deleted["application_stages"] == 1)
            #expect(removedStage?.remoteDeletedAt != nil)
        }
    }
}

@Suite("FULL sync of candidates and applications", .freshDatabases)
struct PeopleSyncTests {
    static func truth(_ sandbox: any TestClientProtocol) async throws -> (
        candidates: [[String: Any]], applications: [[String: Any]]
    ) {
        try await sandbox.execute(uri: "/_sandbox/ground-truth?models=candidates,applications", method: .get) {
            response in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            return (
                try #require(object["candidates"] as? [[String: Any]]),
                try #require(object["applications"] as? [[String: Any]])
            )
        }
    }

    @Test("every candidate and application is stored with the documented mapping", arguments: Backend.allCases)
    func reproducesPeople(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let run = try await sync.run()
            let truth = try await Self.truth(sandbox)
            let store = sync.seeded.store
            let candidates = try await store.records.records(
                Candidate.self, integrationID: sync.integrationID, limit: 10_000
            )
            .items
            let applications = try await store.records.records(
                Application.self, integrationID: sync.integrationID, limit: 10_000
            ).items
            let id = { (model: String, remote: Int) in
                Identifier.record(integrationID: sync.integrationID, model: model, remoteID: String(remote))
            }

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(candidates.count == truth.candidates.count)
            #expect(applications.count == truth.applications.count)
            let storedCandidates = Dictionary(uniqueKeysWithValues: candidates.map { ($0.remoteID, $0) })
            for expected in truth.candidates {
                let remoteID = try #require(expected["id"] as? Int)
                let candidate = try #require(storedCandidates[String(remoteID)])
                #expect(candidate.firstName == expected["first_name"] as? String)
                #expect(candidate.lastName == expected["last_name"] as? String)
                #expect(candidate.emailAddresses.first?.emailAddress == expected["email"] as? String)
                #expect(candidate.phoneNumbers.first?.phoneNumber == expected["phone"] as? String)
            }
            // A candidate's source: the channel of its latest application that has one.
            let channels = try await sandbox.execute(uri: "/_sandbox/ground-truth?models=channels", method: .get) {
                response in
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return Dictionary(
                    uniqueKeysWithValues: ((object?["channels"] as? [[String: Any]]) ?? []).compactMap {
                        channel -> (Int, String)? in
                        guard let id = channel["id"] as? Int, let name = channel["name"] as? String else { return nil }
                        return (id, name)
                    })
            }
            #expect(!channels.isEmpty)
            var sourced = 0
            for expected in truth.candidates {
                let remoteID = try #require(expected["id"] as? Int)
                let latest = truth.applications
                    .filter { $0["candidate_id"] as? Int == remoteID && $0["channel_id"] is Int }
                    .max { a, b in
                        (a["created_at"] as? String ?? "", a["id"] as? Int ?? 0)
                            < (b["created_at"] as? String ?? "", b["id"] as? Int ?? 0)
                    }
                let source = (latest?["channel_id"] as? Int).flatMap { channels[$0] }
                #expect(storedCandidates[String(remoteID)]?.source == source, "candidate \(remoteID)")
                if source != nil { sourced += 1 }
            }
            #expect(sourced > 0, "the sandbox gives some applications a channel")
            let storedApplications = Dictionary(
                uniqueKeysWithValues: applications.compactMap { a in a.remoteID.map { ($0, a) } })
            for expected in truth.applications {
                let remoteID = try #require(expected["id"] as? Int)
                let application = try #require(storedApplications[String(remoteID)])
                let current = try #require(
                    (expected["transitions"] as? [[String: Any]])?.last?["stage"] as? [String: Any])
                let kind = try #require(current["kind"] as? String)
                let stageRemoteID = (current["id"] as? String) ?? kind
                // Expected outcome written from docs/personio-mapping.md, not from the mapper.
                let outcome =
                    kind == "accepted" ? "HIRED" : (kind == "rejected" || kind == "withdrawn" ? "DECLINED" : "PENDING")
                #expect(application.outcome == outcome)
                let candidateID = try #require(expected["candidate_id"] as? Int)
                let jobID = try #require(expected["job_id"] as? Int)
                #expect(application.candidateID == id("candidates", candidateID))
                #expect(application.jobID == id("jobs", jobID))
                #expect(
                    application.currentStageID
                        == Identifier.record(
                            integrationID: sync.integrationID, model: "application_stages", remoteID: stageRemoteID))
                #expect((application.rejectedAt != nil) == (outcome == "DECLINED"))
            }
        }
    }

    @Test(
        "a deleted candidate and its applications are marked deleted by the next FULL run", arguments: Backend.allCases)
    func deletions(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            _ = try await sync.run()
            let truth = try await Self.truth(sandbox)
            let victim = try #require(truth.candidates.first { ($0["application_ids"] as? [Int])?.isEmpty == false })
            let victimID = try #require(victim["id"] as? Int)
            let applicationIDs = try #require(victim["application_ids"] as? [Int])
            try await sandbox.execute(uri: "/_sandbox/candidates/\(victimID)", method: .delete) {
                #expect($0.status == .ok)
            }

            let run = try await sync.run()
            let store = sync.seeded.store
            let all = try await store.records.records(
                Candidate.self, integrationID: sync.integrationID, limit: 10_000, includeDeleted: true
            ).items
            let applications = try await store.records.records(
                Application.self, integrationID: sync.integrationID, limit: 10_000, includeDeleted: true
            ).items

            #expect(run.stats.deleted["candidates"] == 1)
            #expect(run.stats.deleted["applications"] == applicationIDs.count)
            #expect(all.first { $0.remoteID == String(victimID) }?.remoteDeletedAt != nil)
            #expect(
                applications.filter { $0.remoteDeletedAt != nil }.compactMap(\.remoteID).sorted()
                    == applicationIDs.map(String.init).sorted())
        }
    }
}

@Suite("FULL sync of users and hiring teams", .freshDatabases)
struct UserSyncTests {
    static func persons(_ sandbox: any TestClientProtocol) async throws -> [String: [String: Any]] {
        try await sandbox.execute(uri: "/_sandbox/ground-truth?models=persons,jobs", method: .get) { response in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            let persons = try #require(object["persons"] as? [[String: Any]])
            return Dictionary(
                uniqueKeysWithValues: persons.compactMap { person in (person["id"] as? String).map { ($0, person) } })
        }
    }

    @Test(
        "persons become users, and jobs' hiring teams carry their names and mapped roles", arguments: Backend.allCases)
    func usersAndHiringTeams(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let run = try await sync.run()
            let persons = try await Self.persons(sandbox)
            let users = try await sync.seeded.store.records.records(
                User.self, integrationID: sync.integrationID, limit: 1000
            )
            .items
            let jobs = try await sync.jobs()

            #expect(run.stats.added["users"] == persons.count)
            #expect(Set(users.compactMap(\.remoteID)) == Set(persons.keys))
            for user in users {
                let person = try #require(persons[user.remoteID ?? ""])
                #expect(user.firstName == person["first_name"] as? String)
                #expect(user.email == person["email"] as? String)
                #expect(user.status == "ACTIVE")
            }
            let members = jobs.values.flatMap(\.hiringTeam)
            #expect(!members.isEmpty)
            for case .object(let member) in members {
                guard case .string(let remoteID)? = member["remote_id"] else {
                    Issue.record("hiring-team member without remote_id")
                    continue
                }
                let person = try #require(persons[remoteID])
                #expect(member["first_name"] == .string(try #require(person["first_name"] as? String)))
                // The sandbox's roles are "HR Manager" and "Hiring Manager" (docs/personio-mapping.md).
                guard case .array(let roles)? = member["hiring_team_roles"] else {
                    Issue.record("no hiring_team_roles")
                    continue
                }
                #expect(roles == [.string("RECRUITER")] || roles == [.string("HIRING_MANAGER")])
            }
        }
    }

    @Test(
        "credentials without the persons right leave users alone and hiring-team names empty",
        arguments: Backend.allCases)
    func withoutPersonsRight(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            _ = try await sync.run()
            try await sandbox.execute(
                uri: "/_sandbox/clients/papi-sandbox-client/scopes", method: .put,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"scopes":["personio:recruiting:read"]}"#)
            ) { #expect($0.status == .ok) }

            let run = try await sync.run()
            let users = try await sync.seeded.store.records.records(
                User.self, integrationID: sync.integrationID, limit: 1000, includeDeleted: true
            ).items
            let jobs = try await sync.jobs()

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(run.stats.deleted["users"] == nil)
            #expect(!users.isEmpty && users.allSatisfy { $0.remoteDeletedAt == nil })
            for case .object(let member) in jobs.values.flatMap(\.hiringTeam) {
                #expect(member["first_name"] == .null)
            }
        }
    }
}

@Suite("DELTA sync", .freshDatabases)
struct DeltaSyncTests {
    @Test(
        "a DELTA reads only what changed upstream, cannot see deletions, and a FULL then does",
        arguments: Backend.allCases)
    func delta(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let first = try await sync.run(delta: true)
            let truth = try await PeopleSyncTests.truth(sandbox)
            let before = try await sync.jobs()
            let jobID = try #require(before.keys.sorted().first)
            let unpublished = try #require(before.values.filter { $0.status == "OPEN" && $0.remoteID != jobID }.first)
            // A new application of a candidate not otherwise touched, to a job it has not applied to.
            let candidateIDs = truth.candidates.compactMap { $0["id"] as? Int }
            let newApplicant = try #require(candidateIDs.dropFirst().first { $0 != candidateIDs.last })
            let appliedTo = Set(
                truth.applications.filter { $0["candidate_id"] as? Int == newApplicant }.compactMap {
                    $0["job_id"] as? Int
                })
            let newJob = try #require(before.keys.compactMap(Int.init).sorted().first { !appliedTo.contains($0) })
            let candidate = try #require(truth.candidates.first { ($0["application_ids"] as? [Int])?.isEmpty == false })
            let candidateID = try #require(candidate["id"] as? Int)
            let applicationID = try #require((candidate["application_ids"] as? [Int])?.first)
            let doomed = try #require(truth.candidates.last { ($0["id"] as? Int) != candidateID }?["id"] as? Int)
            let json: HTTPFields = [.contentType: "application/json"]
            try await sandbox.execute(
                uri: "/_sandbox/jobs/\(jobID)", method: .patch, headers: json,
                body: ByteBuffer(string: #"{"name":"Delta job"}"#)
            ) { #expect($0.status == .ok) }
            try await sandbox.execute(
                uri: "/_sandbox/candidates/\(candidateID)", method: .patch, headers: json,
                body: ByteBuffer(string: #"{"last_name":"Delta"}"#)
            ) { #expect($0.status == .ok) }
            try await sandbox.execute(
                uri: "/_sandbox/applications/\(applicationID)/stage", method: .post, headers: json,
                body: ByteBuffer(string: #"{"type":"system","id":"offer"}"#)
            ) { #expect($0.status == .ok) }
            try await sandbox.execute(uri: "/_sandbox/candidates/\(doomed)", method: .delete) {
                #expect($0.status == .ok)
            }
            try await sandbox.execute(uri: "/_sandbox/jobs/\(unpublished.remoteID)/unpublish", method: .post) {
                #expect($0.status == .ok)
            }
            try await sandbox.execute(
                uri: "/_sandbox/applications", method: .post, headers: json,
                body: ByteBuffer(string: #"{"candidate_id":\#(newApplicant),"job_id":\#(newJob)}"#)
            ) { #expect($0.status == .created) }

            let delta = try await sync.run(delta: true)
            let afterDelta = try await sync.jobs()
            let quiet = try await sync.run(delta: true)
            let store = sync.seeded.store
            let candidates = try await store.records.records(
                Candidate.self, integrationID: sync.integrationID, limit: 10_000, includeDeleted: true
            ).items
            let full = try await sync.run()
            let applications = try await store.records.records(
                Application.self, integrationID: sync.integrationID, limit: 10_000
            ).items

            #expect(first.kind == .full, "without an earlier success a DELTA runs FULL")
            #expect(delta.kind == .delta)
            #expect(delta.status == .succeeded, "\(delta.error ?? "")")
            #expect(delta.stats.updated["jobs"] == 2, "the renamed and the unpublished job")
            #expect(delta.stats.added["applications"] == 1)
            #expect(
                delta.stats.updated["candidates"] ?? 0 >= 1,
                "the renamed candidate (the new applicant's update counts too if Personio bumps it)")
            #expect(delta.stats.updated["applications"] == 1)
            #expect(afterDelta[unpublished.remoteID]?.status == "CLOSED")
            #expect(afterDelta[unpublished.remoteID]!.changedAt > unpublished.changedAt)
            #expect(afterDelta[unpublished.remoteID]?.remoteDeletedAt == nil, "unpublished is closed, not deleted")
            for (remoteID, job) in before where remoteID != jobID && remoteID != unpublished.remoteID {
                #expect(afterDelta[remoteID]?.changedAt == job.changedAt, "job \(remoteID) must not change")
            }
            #expect(delta.stats.deleted["candidates"] == nil, "a DELTA cannot see deletions")
            #expect(
                (delta.stats.unchanged["candidates"] ?? 0) < truth.candidates.count / 2,
                "a DELTA reads only recent changes")
            #expect(try await sync.jobs()[jobID]?.name == "Delta job")
            #expect(candidates.first { $0.remoteID == String(candidateID) }?.lastName == "Delta")
            let moved = applications.first { $0.remoteID == String(applicationID) }
            #expect(
                moved?.currentStageID
                    == Identifier.record(
                        integrationID: sync.integrationID, model: "application_stages", remoteID: "offer"))
            #expect(quiet.stats.updated.values.allSatisfy { $0 == 0 })
            #expect(quiet.stats.added.values.allSatisfy { $0 == 0 })
            #expect(
                candidates.first { $0.remoteID == String(doomed) }?.remoteDeletedAt == nil,
                "still live after the DELTAs")
            #expect(full.stats.deleted["candidates"] == 1)
        }
    }
}
