import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import NIOCore
import PersonioSandbox
import Testing

/// A career site that does not serve its feed (switched off or not in the plan, an unknown
/// subdomain's redirect, an HTML page) must not stop a sync: candidates and applications still
/// arrive, no job is deleted, each job keeps its last published state, and the run says why.
@Suite("Syncs go on without the career feed", .freshDatabases)
struct FeedOutageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var backend: Backend
        var mode: SandboxConfiguration.FeedMode
        /// What the run's warning must say (an independent expectation: the sandbox's answer).
        var says: String
        var testDescription: String { "\(backend.rawValue), feed \(mode.rawValue)" }
    }

    static let cases: [Case] = Backend.allCases.flatMap { backend in
        [
            Case(backend: backend, mode: .off, says: "answered 404"),
            Case(backend: backend, mode: .redirect, says: "redirects (HTTP 307)"),
            Case(backend: backend, mode: .html, says: "something other than the XML feed"),
        ]
    }

    @Test("FULL and DELTA succeed with the feed unavailable; jobs keep their state; the run says why", arguments: cases)
    func feedUnavailable(_ test: Case) async throws {
        try await JobSyncTests.withSandboxAndStore(test.backend) { sandbox, sync in
            let json: HTTPFields = [.contentType: "application/json"]
            let baseline = try await sync.run()
            let before = try await sync.jobs()
            let truth = try await sandbox.execute(uri: "/_sandbox/ground-truth?models=candidates", method: .get) {
                try #require(
                    (try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any])?["candidates"]
                        as? [[String: Any]])
            }
            let edited = try #require(truth.first?["id"] as? Int)

            try await sandbox.execute(
                uri: "/_sandbox/features", method: .put, headers: json,
                body: ByteBuffer(string: #"{"feed":"\#(test.mode.rawValue)"}"#)
            ) { #expect($0.status == .ok) }
            try await sandbox.execute(
                uri: "/_sandbox/candidates/\(edited)", method: .patch, headers: json,
                body: ByteBuffer(string: #"{"last_name":"Outage"}"#)
            ) { #expect($0.status == .ok) }
            try await sandbox.execute(
                uri: "/_sandbox/jobs", method: .post, headers: json,
                body: ByteBuffer(string: #"{"name":"Opened during the outage","published":true}"#)
            ) { #expect($0.status == .created) }

            let delta = try await sync.run(delta: true)
            let full = try await sync.run()
            let after = try await sync.jobs()
            let candidates = try await sync.seeded.store.records.records(
                Candidate.self, integrationID: sync.integrationID, where: "remote_id", in: [String(edited)])

            #expect(baseline.status == .succeeded && baseline.stats.warnings.isEmpty)
            for run in [delta, full] {
                #expect(run.status == .succeeded, "\(run.error ?? "")")
                #expect(run.stats.warnings.count == 1)
                #expect(run.stats.warnings.first?.contains(test.says) == true, "\(run.stats.warnings)")
            }
            #expect(full.stats.deleted["jobs", default: 0] == 0)
            #expect(candidates.first?.lastName == "Outage")
            // Every job is still there with its last published state.
            for (remoteID, job) in before {
                let now = try #require(after[remoteID])
                #expect(now.remoteDeletedAt == nil)
                #expect(now.status == job.status && now.visibility == job.visibility, "\(remoteID)")
                #expect(now.description == job.description && now.postURL == job.postURL, "\(remoteID)")
                #expect(now.jobPostings == job.jobPostings)
            }
            // A job never seen in a feed follows the documented rule for unpublished jobs.
            let opened = try #require(after.values.first { $0.name == "Opened during the outage" })
            #expect(opened.status == "CLOSED" && opened.visibility == "INTERNAL" && opened.description == nil)
        }
    }
}
