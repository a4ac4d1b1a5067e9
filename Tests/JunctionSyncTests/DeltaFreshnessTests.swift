import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import PersonioSandbox
import Testing

/// What a DELTA must catch although Personio does not mark the jobs updated, and what
/// `updated_after` must return when only embedded data changed (issue 17, found by an
/// independent field-by-field check).
@Suite("DELTA freshness and updated_after", .freshDatabases)
struct DeltaFreshnessTests {
    typealias Object = [String: Any]
    static let json: HTTPFields = [.contentType: "application/json"]

    static func truth(_ sandbox: any TestClientProtocol, _ models: String) async throws -> Object {
        try await sandbox.execute(uri: "/_sandbox/ground-truth?models=\(models)", method: .get) {
            try #require(try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? Object)
        }
    }

    @Test("a DELTA drops a stage removed from a category from every job of it", arguments: Backend.allCases)
    func removedStage(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            _ = try await sync.run()
            let truth = try await Self.truth(sandbox, "categories,jobs")
            let category = try #require(
                (truth["categories"] as? [Object])?.first { (($0["stages"] as? [Object])?.count ?? 0) >= 3 })
            let categoryID = "\(category["id"] ?? "")"
            let stageIDs = try #require(category["stages"] as? [Object]).map { "\($0["id"] ?? "")" }
            let removed = stageIDs[1]
            let remaining = stageIDs.filter { $0 != removed }
            let jobsOfCategory = try #require(truth["jobs"] as? [Object])
                .filter { "\($0["category_id"] ?? "")" == categoryID }.map { "\($0["id"] ?? "")" }
            try #require(!jobsOfCategory.isEmpty)
            try await sandbox.execute(uri: "/_sandbox/categories/\(categoryID)/stages/\(removed)", method: .delete) {
                #expect($0.status == .ok)
            }

            let delta = try await sync.run(delta: true)
            let jobs = try await sync.jobs()

            #expect(delta.kind == .delta && delta.status == .succeeded)
            for remoteID in jobsOfCategory {
                let job = try #require(jobs[remoteID])
                #expect(job.stages.map(\.remoteID) == remaining, "job \(remoteID)")
                #expect(job.stages.compactMap(\.index) == Array(0..<remaining.count))
            }
        }
    }

    @Test(
        "a renamed job returns its applications and their candidates through updated_after",
        arguments: Backend.allCases)
    func renamedJobPropagates(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            _ = try await sync.run()
            let truth = try await Self.truth(sandbox, "applications")
            let applications = try #require(truth["applications"] as? [Object])
            let jobID = try #require(applications.first?["job_id"] as? Int)
            let ofJob = applications.filter { $0["job_id"] as? Int == jobID }
            let expectedApplications = Set(ofJob.compactMap { $0["id"] as? Int }.map(String.init))
            let expectedCandidates = Set(ofJob.compactMap { $0["candidate_id"] as? Int }.map(String.init))
            try await Task.sleep(for: .milliseconds(20))
            let before = Date()
            try await Task.sleep(for: .milliseconds(20))
            try await sandbox.execute(
                uri: "/_sandbox/jobs/\(jobID)", method: .patch, headers: Self.json,
                body: ByteBuffer(string: #"{"name":"Renamed for propagation"}"#)
            ) { #expect($0.status == .ok) }

            _ = try await sync.run(delta: true)
            let store = sync.seeded.store
            let changedApplications = try await store.records.list(
                Application.self, integrationID: sync.integrationID, filter: RecordFilter(updatedAfter: before),
                after: nil, limit: 1000
            ).items
            let changedCandidates = try await store.records.list(
                Candidate.self, integrationID: sync.integrationID, filter: RecordFilter(updatedAfter: before),
                after: nil, limit: 1000
            ).items

            #expect(Set(changedApplications.compactMap(\.remoteID)) == expectedApplications)
            #expect(Set(changedCandidates.compactMap(\.remoteID)) == expectedCandidates)
        }
    }

    @Test(
        "a job unpublished without its updated_at moving is CLOSED after the next DELTA",
        arguments: Backend.allCases)
    func unpublishedWithoutUpdate(backend: Backend) async throws {
        var configuration = JobSyncTests.small
        configuration.publicationMovesUpdatedAt = false
        try await JobSyncTests.withSandboxAndStore(backend, configuration: configuration) { sandbox, sync in
            _ = try await sync.run()
            let open = try #require(try await sync.jobs().values.first { $0.status == "OPEN" })
            try await sandbox.execute(uri: "/_sandbox/jobs/\(open.remoteID)/unpublish", method: .post) {
                #expect($0.status == .ok)
            }

            _ = try await sync.run(delta: true)
            let job = try #require(try await sync.jobs()[open.remoteID])

            #expect(job.remoteUpdatedAt == open.remoteUpdatedAt, "the sandbox left updated_at alone")
            #expect(job.status == "CLOSED" && job.visibility == "INTERNAL" && job.jobPostings.isEmpty)
        }
    }
}
