import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

@Suite("Nested data moves updated_at, not changed_at", .freshDatabases)
struct NestedChangeTests {
    static func updatedAt(_ database: Database, table: String, id: String) async throws -> Int64 {
        try await database.sql.raw("SELECT updated_at FROM \(unsafeRaw: table) WHERE id = \(bind: id)").first()!
            .decode(column: "updated_at", as: Int64.self)
    }

    @Test("a job whose stages change keeps changed_at and gets a new updated_at", arguments: Backend.allCases)
    func nestedJobChange(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        var job = sampleJobs(1, integrationID: seeded.integration.id)[0]
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        let t1 = Date(timeIntervalSince1970: 1_700_000_100)
        try await seeded.store.records.saveJobs([job], integrationID: integrationID, now: t0)

        job.stages = [JobStage(id: "stage-1", remoteID: "1", name: "Interview", index: 0)]
        let outcome = try await seeded.store.records.saveJobs([job], integrationID: integrationID, now: t1)
        let stored = try await seeded.store.records.jobs(integrationID: integrationID, limit: 10).items[0]

        #expect(outcome == SaveOutcome(nestedChanged: 1))
        #expect(stored.changedAt == t0)
        #expect(stored.stages.count == 1)
        #expect(try await Self.updatedAt(database, table: "jobs", id: job.id) == 1_700_000_100_000)
    }

    @Test(
        "an application's change moves its candidate's updated_at, and a candidate's its applications'",
        arguments: Backend.allCases)
    func crossModel(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        var candidate = Candidate(id: "cand-1", remoteID: "c1")
        candidate.firstName = "Ada"
        var application = Application(id: "app-1", remoteID: "a1")
        application.candidateID = candidate.id
        application.outcome = "PENDING"
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        let t1 = Date(timeIntervalSince1970: 1_700_000_100)
        let t2 = Date(timeIntervalSince1970: 1_700_000_200)
        try await seeded.store.records.saveRecords([candidate], integrationID: integrationID, now: t0)
        try await seeded.store.records.saveRecords([application], integrationID: integrationID, now: t0)

        application.outcome = "DECLINED"
        try await seeded.store.records.saveRecords([application], integrationID: integrationID, now: t1)
        let candidateAfterApplication = try await Self.updatedAt(database, table: "candidates", id: candidate.id)
        candidate.firstName = "Ada B."
        try await seeded.store.records.saveRecords([candidate], integrationID: integrationID, now: t2)
        let applicationAfterCandidate = try await Self.updatedAt(
            database, table: "applications", id: application.id)
        let candidates = try await seeded.store.records.records(
            Candidate.self, integrationID: integrationID, limit: 10
        )
        .items

        #expect(candidateAfterApplication == 1_700_000_100_000)
        #expect(applicationAfterCandidate == 1_700_000_200_000)
        #expect(candidates.first?.changedAt == t2, "the candidate's own change moved its changed_at")
    }
}
