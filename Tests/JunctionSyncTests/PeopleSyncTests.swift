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
