import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import Testing

/// Issue 21: what Personio deletes or anonymizes, and what an operator erases, leaves no
/// personal value anywhere in the database. "Anywhere" is every text column of every table,
/// read from the database's own schema (`PersonalDataRepository.places`).
@Suite("Personal data lifecycle", .freshDatabases)
struct PersonalDataTests {
    typealias Object = [String: Any]
    static let json: HTTPFields = [.contentType: "application/json"]

    /// A person no seeded record resembles, so a hit anywhere is theirs.
    struct Person {
        var first = "Quirinella"
        var last = "Zwetschgenbaum"
        var email = "quirinella.zwetschgenbaum@erasure.example"
        var phone = "+49 160 99887766"
        /// What a search must not find (Junction keeps the phone as Personio gives it).
        var values: [String] { [first, last, email, phone] }
    }

    /// Creates `person` in the sandbox with applications to the first two jobs; returns the
    /// candidate's Personio id and the applications' ids.
    static func create(_ person: Person, in sandbox: any TestClientProtocol) async throws -> (Int, [Int]) {
        let candidate = try await sandbox.execute(
            uri: "/_sandbox/candidates", method: .post, headers: json,
            body: ByteBuffer(
                string: #"{"first_name":"\#(person.first)","last_name":"\#(person.last)","email":"\#(person.email)"}"#)
        ) { response in
            #expect(response.status == .created)
            return try #require(
                (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? Object)?["id"] as? Int)
        }
        try await sandbox.execute(
            uri: "/_sandbox/candidates/\(candidate)", method: .patch, headers: json,
            body: ByteBuffer(string: #"{"phone":"\#(person.phone)"}"#)
        ) { #expect($0.status == .ok) }
        let jobs = try #require(try await DeltaFreshnessTests.truth(sandbox, "jobs")["jobs"] as? [Object])
        var applications: [Int] = []
        for job in jobs.prefix(2) {
            let jobID = try #require(job["id"] as? Int)
            applications.append(
                try await sandbox.execute(
                    uri: "/_sandbox/applications", method: .post, headers: json,
                    body: ByteBuffer(string: #"{"candidate_id":\#(candidate),"job_id":\#(jobID)}"#)
                ) { response in
                    #expect(response.status == .created)
                    return try #require(
                        (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? Object)?["id"] as? Int)
                })
        }
        return (candidate, applications)
    }

    /// Where each of `person`'s values is found, by value.
    static func traces(of person: Person, in store: Store, workspaceID: String? = nil) async throws -> [String:
        [String]]
    {
        var found: [String: [String]] = [:]
        for value in person.values {
            let places = try await store.personalData.places(containing: value, workspaceID: workspaceID)
            if !places.isEmpty { found[value] = places }
        }
        return found
    }

    @Test(
        "a candidate deleted in Personio keeps its data for the retention period, then is a tombstone with no personal value in any table",
        arguments: Backend.allCases)
    func deletedBecomesTombstone(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let person = Person()
            let (candidateID, applicationIDs) = try await Self.create(person, in: sandbox)
            let store = sync.seeded.store
            let first = try await sync.run()
            // The search finds every value while the person is live: a search that finds
            // nothing would prove nothing later.
            let live = try await Self.traces(of: person, in: store)
            #expect(first.status == .succeeded, "\(first.error ?? "")")
            #expect(Set(live.keys) == Set(person.values), "found: \(live)")
            #expect(live[person.email]?.contains("candidates.record") == true)
            #expect(live[person.email]?.contains("applications.record") == true)

            try await sandbox.execute(uri: "/_sandbox/candidates/\(candidateID)", method: .delete) {
                #expect($0.status == .ok)
            }
            let second = try await sync.run()
            let now = Date()
            let within = try await store.personalData.applyRetention(
                RetentionPolicy(), now: now.addingTimeInterval(13 * 86_400))
            let kept = try await Self.traces(of: person, in: store)
            let after = try await store.personalData.applyRetention(
                RetentionPolicy(), now: now.addingTimeInterval(15 * 86_400))
            let gone = try await Self.traces(of: person, in: store)
            let third = try await sync.run()
            let candidates = try await store.records.records(
                Candidate.self, integrationID: sync.integrationID, limit: 10_000, includeDeleted: true
            ).items.filter { $0.remoteID == String(candidateID) }
            let applications = try await store.records.records(
                Application.self, integrationID: sync.integrationID, limit: 10_000, includeDeleted: true
            ).items.filter { applicationIDs.map(String.init).contains($0.remoteID ?? "") }

            #expect(second.status == .succeeded && third.status == .succeeded)
            #expect(within.tombstoned.isEmpty, "nothing is erased within the 14 days")
            #expect(Set(kept.keys) == Set(person.values))
            #expect(after.tombstoned == ["candidates": 1, "applications": applicationIDs.count])
            #expect(gone.isEmpty, "still found: \(gone)")
            #expect(try await Self.traces(of: person, in: store).isEmpty, "a later FULL brought nothing back")
            // The tombstones: ids and times stay, so clients still see the deletion.
            let candidate = try #require(candidates.first)
            #expect(candidate.remoteDeletedAt != nil && candidate.firstName == nil && candidate.lastName == nil)
            #expect(candidate.remoteData == nil && candidate.emailAddresses.isEmpty && candidate.phoneNumbers.isEmpty)
            #expect(candidate.applications.isEmpty)
            #expect(applications.count == applicationIDs.count)
            #expect(
                applications.allSatisfy { $0.remoteDeletedAt != nil && $0.remoteData == nil && $0.candidate == nil })
            #expect(applications.allSatisfy { $0.candidateID == candidate.id })
        }
    }

    @Test(
        "a candidate anonymized in Personio leaves no trace of the old values, with or without a moved updated_at",
        arguments: Backend.allCases, [true, false])
    func anonymizedLeavesNoTrace(backend: Backend, movesUpdatedAt: Bool) async throws {
        var configuration = JobSyncTests.small
        configuration.anonymizationMovesUpdatedAt = movesUpdatedAt
        try await JobSyncTests.withSandboxAndStore(backend, configuration: configuration) { sandbox, sync in
            let person = Person()
            let (candidateID, _) = try await Self.create(person, in: sandbox)
            let store = sync.seeded.store
            _ = try await sync.run()
            let live = try await Self.traces(of: person, in: store)
            try await Task.sleep(for: .milliseconds(1100))  // Personio's times have seconds precision.
            try await sandbox.execute(uri: "/_sandbox/candidates/\(candidateID)/anonymize", method: .post) {
                #expect($0.status == .ok)
            }

            // A DELTA sees the anonymization when it moves `updated_at`; otherwise the next FULL does.
            let run = try await sync.run(delta: movesUpdatedAt)
            let after = try await Self.traces(of: person, in: store)

            #expect(Set(live.keys) == Set(person.values))
            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(after.isEmpty, "still found after the \(run.kind): \(after)")
        }
    }

    @Test(
        "erasure finds a person across two integrations, removes every trace in the workspace and reports where; another workspace keeps its copy; a later sync brings nothing back",
        arguments: Backend.allCases)
    func erasure(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let person = Person()
            let (candidateID, applicationIDs) = try await Self.create(person, in: sandbox)
            let store = sync.seeded.store
            let second = JobSyncTests.SyncFixture(
                seeded: try await sync.seeded.anotherIntegration(), baseURL: sync.baseURL)
            let otherWorkspace = try await store.access.createWorkspace(name: "Other")
            let elsewhere = JobSyncTests.SyncFixture(
                seeded: try await sync.seeded.anotherIntegration(in: otherWorkspace), baseURL: sync.baseURL)
            for fixture in [sync, second, elsewhere] { _ = try await fixture.run() }
            // The address in places beside the records: a kept answer, a refused request's message.
            let workspace = sync.seeded.workspace.id
            #expect(
                try await store.writeLedger.beginIdempotent(key: "k1", requestHash: "h", workspaceID: workspace) == .new
            )
            try await store.writeLedger.finishIdempotent(
                key: "k1", workspaceID: workspace, status: 200,
                body: #"{"status":"success","data":{"email":"\#(person.email.uppercased())"}}"#)
            try await store.requestLog.logRequest(
                RequestLogEntry(
                    id: "r1", workspaceID: workspace, integrationID: nil, method: "POST", path: "/v1/ats/candidates",
                    status: 400, errorCode: "INPUT.INVALID", errorMessage: "\(person.email) is already a candidate"))

            let report = try await store.personalData.erase(email: person.email.uppercased(), workspaceID: workspace)
            let remaining = try await Self.traces(of: person, in: store, workspaceID: workspace)
            let untouched = try await Self.traces(of: person, in: store, workspaceID: otherWorkspace.id)
            let again = try await sync.run()
            let afterSync = try await Self.traces(of: person, in: store, workspaceID: workspace)

            #expect(report.email == person.email)
            #expect(report.erased["candidates.record"] == 2)
            #expect(report.erased["applications.record"] == 2 * applicationIDs.count)
            #expect(report.erased["idempotency_keys"] == 1 && report.erased["request_log"] == 1)
            let held = Set(["candidate \(candidateID)"] + applicationIDs.map { "application \($0)" })
            #expect(report.heldUpstream.count == 2)
            #expect(report.heldUpstream.values.allSatisfy { Set($0) == held })
            #expect(report.remaining.isEmpty)
            #expect(remaining.isEmpty, "still found: \(remaining)")
            #expect(Set(untouched.keys) == Set(person.values), "another workspace is not this erasure's")
            #expect(again.status == .succeeded)
            #expect(afterSync.isEmpty, "the next sync copied the erased person again: \(afterSync)")
        }
    }
}
