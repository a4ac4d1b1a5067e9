import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import PersonioSandbox
import Testing

/// Every position of every switch for a way a real Personio account may differ from the
/// sandbox's defaults, flipped on the running sandbox through its admin API: a FULL and a DELTA
/// afterwards lose nothing, delete nothing falsely, get outcomes right, and give every published
/// job a description wherever some language has one. Each switch's own effect has its own test;
/// this one guards the whole against any position.
@Suite("Sync matrix over the sandbox's switches", .freshDatabases)
struct SwitchMatrixTests {
    typealias Object = [String: Any]

    struct Position: Sendable, CustomTestStringConvertible {
        var backend: Backend
        var features: String
        var testDescription: String { "\(backend.rawValue) \(features)" }
    }

    static let switches = [
        #"{"feed":"xml"}"#, #"{"feed":"off"}"#, #"{"feed":"redirect"}"#, #"{"feed":"html"}"#,
        #"{"stage_vocabulary":"documented"}"#, #"{"stage_vocabulary":"uppercase"}"#, #"{"stage_vocabulary":"hired"}"#,
        #"{"stage_vocabulary":"system_ids"}"#, #"{"stage_vocabulary":"unknown_kind"}"#,
        #"{"timestamps":"date-time"}"#, #"{"timestamps":"date_time"}"#, #"{"timestamps":"date"}"#,
        #"{"timestamps":"string"}"#, #"{"timestamp_objects":false}"#,
        #"{"job_languages":"de_en"}"#, #"{"job_languages":"mixed"}"#,
        #"{"odd_fields":true}"#, #"{"publication_moves_updated_at":false}"#,
        #"{"empty_page_after_last":true}"#, #"{"empty_page_after_last":false}"#, #"{"wrap_single_resource":true}"#,
        #"{"anonymization_moves_updated_at":true}"#, #"{"anonymization_moves_updated_at":false}"#,
        #"{"missing_scope_status":401}"#, #"{"missing_scope_status":403}"#, #"{"oauth_errors":"single"}"#,
        #"{"oauth_errors":"distinct"}"#,
        #"{"career_sites":["sandbox.jobs.personio.de","sandbox-gmbh.jobs.personio.com"]}"#,
        #"{"xml_feed":false}"#, #"{"rate_limits":true}"#, #"{"v1_limit_wait":"window"}"#,
        #"{"available_from_dates_only":true}"#,
        // Every unusual position at once, in two mixes: switches that each pass alone may still clash.
        #"{"feed":"redirect","job_languages":"mixed","stage_vocabulary":"uppercase","timestamps":"string","odd_fields":true,"empty_page_after_last":false,"anonymization_moves_updated_at":false,"publication_moves_updated_at":false,"wrap_single_resource":true}"#,
        #"{"job_languages":"mixed","stage_vocabulary":"system_ids","timestamps":"date_time","odd_fields":true,"missing_scope_status":401,"oauth_errors":"single","career_sites":["sandbox.jobs.personio.de","sandbox-gmbh.jobs.personio.com"]}"#,
    ]

    static let positions = Backend.allCases.flatMap { backend in
        switches.map { Position(backend: backend, features: $0) }
    }

    /// Anonymizes the first candidate not yet anonymized that has a declined application; its id.
    static func anonymizeOne(_ sandbox: any TestClientProtocol) async throws -> Int {
        let truth = try await sandbox.execute(
            uri: "/_sandbox/ground-truth?models=applications,candidates", method: .get
        ) {
            try #require(try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? Object)
        }
        let anonymized = Set(
            try #require(truth["candidates"] as? [Object]).filter { $0["is_anonymized"] as? Bool == true }
                .compactMap { $0["id"] as? Int })
        let declined = try #require(truth["applications"] as? [Object]).first { application in
            let kind = ((application["transitions"] as? [Object])?.last?["stage"] as? Object)?["kind"] as? String
            return ["rejected", "withdrawn"].contains(kind ?? "")
                && !anonymized.contains(application["candidate_id"] as? Int ?? 0)
        }
        let candidate = try #require(declined?["candidate_id"] as? Int)
        try await sandbox.execute(uri: "/_sandbox/candidates/\(candidate)/anonymize", method: .post) {
            #expect($0.status == .ok)
        }
        return candidate
    }

    @Test("FULL and DELTA lose nothing in every position", arguments: positions)
    func position(_ position: Position) async throws {
        try await JobSyncTests.withSandboxAndStore(position.backend) { sandbox, sync in
            let baseline = try await sync.run()
            try await sandbox.execute(
                uri: "/_sandbox/features", method: .put, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: position.features)
            ) { #expect($0.status == .ok) }
            // Personio anonymizes candidates on its own schedule: one between the runs, in every position.
            let anonymized = try await Self.anonymizeOne(sandbox)
            let full = try await sync.run()
            let delta = try await sync.run(delta: true)

            let truth = try await sandbox.execute(
                uri: "/_sandbox/ground-truth?models=jobs,candidates,applications", method: .get
            ) { try #require(try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? Object) }
            let store = sync.seeded.store
            let jobs = try await sync.jobs(includeDeleted: true)
            let candidates = try await store.records.records(
                Candidate.self, integrationID: sync.integrationID, limit: 10_000, includeDeleted: true
            ).items
            let applications = try await store.records.records(
                Application.self, integrationID: sync.integrationID, limit: 10_000, includeDeleted: true
            ).items

            for run in [baseline, full, delta] {
                #expect(run.status == .succeeded, "\(run.kind): \(run.error ?? "")")
            }
            let truthJobs = try #require(truth["jobs"] as? [Object])
            let truthCandidates = try #require(truth["candidates"] as? [Object])
            let truthApplications = try #require(truth["applications"] as? [Object])
            // Nothing lost, nothing falsely deleted.
            #expect(Set(jobs.keys) == Set(truthJobs.map { "\($0["id"] ?? "")" }))
            #expect(jobs.values.allSatisfy { $0.remoteDeletedAt == nil })
            #expect(Set(candidates.map(\.remoteID)) == Set(truthCandidates.map { "\($0["id"] ?? "")" }))
            #expect(candidates.allSatisfy { $0.remoteDeletedAt == nil })
            #expect(Set(applications.compactMap(\.remoteID)) == Set(truthApplications.map { "\($0["id"] ?? "")" }))
            #expect(applications.allSatisfy { $0.remoteDeletedAt == nil })
            // Outcomes as the ground truth's stages say.
            let byRemoteID = Dictionary(
                uniqueKeysWithValues: applications.compactMap { a in a.remoteID.map { ($0, a) } })
            for expected in truthApplications {
                let kind = ((expected["transitions"] as? [Object])?.last?["stage"] as? Object)?["kind"] as? String
                let outcome =
                    kind == "accepted" ? "HIRED" : (kind == "rejected" || kind == "withdrawn" ? "DECLINED" : "PENDING")
                let stored = byRemoteID["\(expected["id"] ?? "")"]
                #expect(stored?.outcome == outcome)
                // Rejections dated by the move to rejected or withdrawn, whatever touched them since.
                if outcome == "DECLINED" {
                    let moved = (expected["transitions"] as? [Object])?.last?["entered_at"] as? String
                    #expect(
                        stored?.rejectedAt == moved.flatMap(UnifiedDate.parse), "application \(expected["id"] ?? "")")
                }
            }
            let anonymizedCandidate = candidates.first { $0.remoteID == "\(anonymized)" }
            #expect(anonymizedCandidate?.firstName == nil && anonymizedCandidate?.emailAddresses.isEmpty == true)
            // Published jobs are open and described (kept from the last readable feed if it failed).
            for expected in truthJobs where expected["published"] as? Bool == true {
                let job = try #require(jobs["\(expected["id"] ?? "")"])
                #expect(job.status == "OPEN", "job \(job.remoteID)")
                #expect(job.description?.isEmpty == false, "job \(job.remoteID) has no description")
            }
        }
    }
}
