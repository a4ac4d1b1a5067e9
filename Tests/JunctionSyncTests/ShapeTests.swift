import Foundation
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import PersonioSandbox
import Testing

/// Timestamps and optional fields in every shape a real account may send: times must come out as
/// the ground truth has them, and a field no reader expects must not fail the run.
@Suite("Wire shapes of real accounts", .freshDatabases)
struct ShapeTests {
    typealias Object = [String: Any]

    struct Case: Sendable, CustomTestStringConvertible {
        var backend: Backend
        var shape: SandboxConfiguration.TimestampShape
        var testDescription: String { "\(backend.rawValue), \(shape.rawValue)" }
    }

    static let cases = Backend.allCases.flatMap { backend in
        SandboxConfiguration.TimestampShape.allCases.map { Case(backend: backend, shape: $0) }
    }

    static func truth(_ sandbox: any TestClientProtocol, _ models: String) async throws -> Object {
        try await sandbox.execute(uri: "/_sandbox/ground-truth?models=\(models)", method: .get) {
            try #require(try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? Object)
        }
    }

    @Test("every timestamp shape gives the ground truth's times", arguments: cases)
    func timestamps(_ test: Case) async throws {
        var configuration = JobSyncTests.small
        configuration.timestampShape = test.shape
        try await JobSyncTests.withSandboxAndStore(test.backend, configuration: configuration) { sandbox, sync in
            let run = try await sync.run()
            let truth = try await Self.truth(sandbox, "jobs,applications")
            let jobs = try await sync.jobs()
            let applications = try await sync.seeded.store.records.records(
                Application.self, integrationID: sync.integrationID, limit: 10_000
            ).items
            let byRemoteID = Dictionary(
                uniqueKeysWithValues: applications.compactMap { a in a.remoteID.map { ($0, a) } })

            #expect(run.status == .succeeded && run.stats.warnings.isEmpty, "\(run.error ?? "") \(run.stats.warnings)")
            for job in try #require(truth["jobs"] as? [Object]) {
                let stored = try #require(jobs["\(job["id"] ?? "")"])
                #expect(stored.remoteCreatedAt == GroundTruthTests.date(job["created_at"]))
                #expect(stored.remoteUpdatedAt == GroundTruthTests.date(job["updated_at"]))
            }
            for application in try #require(truth["applications"] as? [Object]) {
                let stored = try #require(byRemoteID["\(application["id"] ?? "")"])
                #expect(stored.remoteCreatedAt == GroundTruthTests.date(application["created_at"]))
                #expect(stored.remoteUpdatedAt == GroundTruthTests.date(application["updated_at"]))
            }
        }
    }

    @Test("fields in shapes no reader expects are read as empty, kept raw, and reported", arguments: Backend.allCases)
    func oddFields(backend: Backend) async throws {
        var configuration = JobSyncTests.small
        configuration.oddFields = true
        try await JobSyncTests.withSandboxAndStore(backend, configuration: configuration) { sandbox, sync in
            let run = try await sync.run()
            let truth = try await Self.truth(sandbox, "jobs,candidates")
            let jobs = try await sync.jobs()
            let candidates = try await sync.seeded.store.records.records(
                Candidate.self, integrationID: sync.integrationID, limit: 10_000
            ).items
            let jobCount = try #require(truth["jobs"] as? [Object]).count
            let candidateCount = try #require(truth["candidates"] as? [Object]).count

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(jobs.count == jobCount && candidates.count == candidateCount)
            #expect(
                run.stats.warnings.sorted() == [
                    "Personio's candidate field 'location' could not be read on \(candidateCount) records; read as empty, the raw value is in remote_data.",
                    "Personio's job field 'created_at' could not be read on \(jobCount) records; read as empty, the raw value is in remote_data.",
                ])
            #expect(candidates.allSatisfy { $0.location == nil })
            let raw = candidates.first?.remoteData?["candidate"]
            guard case .object(let fields)? = raw, case .object(let location)? = fields["location"] else {
                Issue.record("the candidate's raw location is not kept: \(String(describing: raw))")
                return
            }
            #expect(location["city"] != nil)
        }
    }
}
