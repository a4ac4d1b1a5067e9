import AsyncHTTPClient
import Foundation
import HTTPTypes
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
            #expect(
                delta.stats.updated["applications"] == (candidate["application_ids"] as? [Int])?.count,
                "the moved application, and the renamed candidate's others: each embeds the candidate's name")
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

    @Test(
        "an application a DELTA reads gives its candidate its channel as source, once the application is saved",
        arguments: Backend.allCases)
    func sourceFromNewApplication(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let first = try await sync.run()
            let truth = try await GroundTruthTests.truth(sandbox)
            let jobs = try #require(truth["jobs"] as? [[String: Any]])
            let candidates = try #require(truth["candidates"] as? [[String: Any]])
            let applications = try #require(truth["applications"] as? [[String: Any]])
            let channels = try #require(truth["channels"] as? [[String: Any]]).compactMap { channel in
                (channel["id"] as? Int).map { ($0, channel["name"] as? String) }
            }
            // A candidate with an email applies again, to a published job of theirs not yet, through
            // a channel that is not their source so far.
            let candidate = try #require(candidates.first { $0["email"] is String })
            let candidateID = try #require(candidate["id"] as? Int)
            let appliedTo = Set(
                applications.filter { $0["candidate_id"] as? Int == candidateID }.compactMap { $0["job_id"] as? Int })
            let job = try #require(
                jobs.first { $0["published"] as? Bool == true && !appliedTo.contains($0["id"] as? Int ?? 0) })
            let storedID = Identifier.record(
                integrationID: sync.integrationID, model: "candidates", remoteID: String(candidateID))
            let records = sync.seeded.store.records
            let before = try await records.records(Candidate.self, integrationID: sync.integrationID, limit: 10_000)
                .items.first { $0.id == storedID }
            let channel = try #require(channels.first { $0.1 != nil && $0.1 != before?.source })
            let body = try JSONSerialization.data(withJSONObject: [
                "first_name": candidate["first_name"] ?? "A", "last_name": candidate["last_name"] ?? "B",
                "email": candidate["email"] ?? "", "job_position_id": job["id"] ?? 0,
                "recruiting_channel_id": channel.0,
            ])
            try await sandbox.execute(
                uri: "/v1/recruiting/applications", method: .post,
                headers: [
                    .authorization: "Bearer sandbox-recruiting-api-key", HTTPField.Name("X-Company-ID")!: "123456",
                    .contentType: "application/json",
                ],
                body: ByteBuffer(data: body)
            ) { #expect($0.status == .created) }

            let delta = try await sync.run(delta: true)
            let after = try await records.records(Candidate.self, integrationID: sync.integrationID, limit: 10_000)
                .items.first { $0.id == storedID }

            #expect(first.status == .succeeded, "\(first.error ?? "")")
            #expect(delta.kind == .delta)
            #expect(delta.status == .succeeded, "\(delta.error ?? "")")
            #expect(delta.stats.added["applications"] == 1)
            #expect(before != nil)
            #expect(after?.source == channel.1)
        }
    }

    @Test(
        "a candidate's edit is announced once: the DELTA refreshes the copies its applications embed, the next FULL finds nothing new",
        arguments: Backend.allCases)
    func embeddedCopies(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            // Rejections are dated from stage histories over the first runs: FULLs until one
            // changes nothing, so what follows starts from a converged mirror.
            var settled = false
            for _ in 0..<5 where !settled {
                let run = try await sync.run()
                settled =
                    WebhookPayloads.finishedRun(
                        run, integration: sync.seeded.integration, logBaseURL: "http://localhost"
                    ).count == 1
            }
            try #require(settled)
            let truth = try await PeopleSyncTests.truth(sandbox)
            let candidate = try #require(truth.candidates.first { ($0["application_ids"] as? [Int] ?? []).count >= 2 })
            let candidateID = try #require(candidate["id"] as? Int)
            let applicationIDs = Set((candidate["application_ids"] as? [Int] ?? []).map(String.init))
            try await sandbox.execute(
                uri: "/_sandbox/candidates/\(candidateID)", method: .patch,
                headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"last_name":"Renamed"}"#)
            ) { #expect($0.status == .ok) }

            let delta = try await sync.run(delta: true)
            let applications = try await Self.storedApplications(sync, remoteIDs: applicationIDs)
            let full = try await sync.run()

            #expect(delta.kind == .delta && delta.status == .succeeded, "\(delta.error ?? "")")
            #expect(delta.stats.updated["candidates"] == 1)
            #expect(delta.stats.updated["applications"] == applicationIDs.count)
            #expect(applications.count == applicationIDs.count)
            for application in applications {
                guard let copy = Self.embeddedCandidate(application) else { continue }
                #expect(copy["last_name"] == .string("Renamed"))
                #expect(copy["id"] == .string(String(candidateID)))
            }
            #expect(full.status == .succeeded, "\(full.error ?? "")")
            let events = WebhookPayloads.finishedRun(
                full, integration: sync.seeded.integration, logBaseURL: "http://localhost")
            #expect(events.map(\.type) == ["sync-finished"], "no data-changed: \(full.stats)")
        }
    }

    @Test("a DELTA refreshes the embedded copies of many candidates' applications a few candidates at a time")
    func embeddedCopiesInChunks() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite) { sandbox, sync in
            _ = try await sync.run()
            let truth = try await PeopleSyncTests.truth(sandbox)
            let renamed = truth.candidates.filter { !($0["application_ids"] as? [Int] ?? []).isEmpty }.prefix(5)
            try #require(renamed.count == 5)
            var applicationIDs: Set<String> = []
            for candidate in renamed {
                let candidateID = try #require(candidate["id"] as? Int)
                applicationIDs.formUnion((candidate["application_ids"] as? [Int] ?? []).map(String.init))
                try await sandbox.execute(
                    uri: "/_sandbox/candidates/\(candidateID)", method: .patch,
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"last_name":"Chunked"}"#)
                ) { #expect($0.status == .ok) }
            }

            // Chunks of two: the five candidates' applications are loaded in three steps.
            let engine = SyncEngine(store: sync.seeded.store, logger: quietLogger, embeddingChunk: 2)
            let delta = try await engine.runDelta(try await sync.integration(), connector: try await sync.connector())
            let applications = try await Self.storedApplications(sync, remoteIDs: applicationIDs)

            #expect(delta.status == .succeeded, "\(delta.error ?? "")")
            #expect(delta.stats.updated["candidates"] == 5)
            #expect(delta.stats.updated["applications"] == applicationIDs.count)
            #expect(applications.count == applicationIDs.count)
            for application in applications {
                guard let copy = Self.embeddedCandidate(application) else { continue }
                #expect(copy["last_name"] == .string("Chunked"), "application \(application.remoteID ?? "")")
            }
        }
    }

    /// The stored applications with these remote ids.
    static func storedApplications(_ sync: JobSyncTests.SyncFixture, remoteIDs: Set<String>) async throws
        -> [JunctionModel.Application]
    {
        try await sync.seeded.store.records.records(
            JunctionModel.Application.self, integrationID: sync.integrationID, limit: 10_000
        ).items.filter { remoteIDs.contains($0.remoteID ?? "") }
    }

    /// The copy of its candidate an application's `remote_data` embeds; records an issue when
    /// there is none.
    static func embeddedCandidate(_ application: JunctionModel.Application) -> [String: JSONValue]? {
        guard case .object(let item)? = application.remoteData?["application"],
            case .object(let copy)? = item["candidate"]
        else {
            Issue.record("application \(application.remoteID ?? "") has no embedded candidate")
            return nil
        }
        return copy
    }
}
