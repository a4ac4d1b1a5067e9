import Foundation
import JunctionModel
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// The statements a sync runs per page to find an integration's rows by their keys look each
/// key up on PostgreSQL, also for an integration the planner's statistics do not know yet (its
/// first import into tables another integration filled). Planned for the bound integration,
/// PostgreSQL took it for a row or two and walked all its rows to filter them by key, at every
/// page (issue 22, forty-second stop). A first import into empty tables gets statistics after
/// its first page instead (`SyncEngine.analyzeAfterFirstPage`): without any, PostgreSQL takes
/// any integration for 0.5% of a table, bound or not.
@Suite("Plans of keyed lookups", .freshDatabases)
struct KeyedLookupPlanTests {
    struct PlanLine: Decodable {
        let line: String
        enum CodingKeys: String, CodingKey { case line = "QUERY PLAN" }
    }

    /// `count` candidates of `integrationID`, each with one application, as a sync derives ids.
    static func people(_ integrationID: String, count: Int) -> (candidates: [Candidate], applications: [Application]) {
        var candidates: [Candidate] = []
        var applications: [Application] = []
        for index in 1...count {
            var candidate = Candidate(
                id: Identifier.record(integrationID: integrationID, model: "candidates", remoteID: "\(index)"),
                remoteID: "\(index)")
            candidate.firstName = "Person \(index)"
            var application = Application(
                id: Identifier.record(integrationID: integrationID, model: "applications", remoteID: "\(index)"),
                remoteID: "\(index)")
            application.candidateID = candidate.id
            application.outcome = Application.Outcome.pending.rawValue
            application.source = "LinkedIn"
            candidates.append(candidate)
            applications.append(application)
        }
        return (candidates, applications)
    }

    /// Whether `plan` finds rows by `key` through an index, and filters none by it.
    static func looksUp(_ plan: [String], _ key: String) -> Bool {
        plan.contains { $0.contains("Index Cond:") && $0.contains(key) }
            && !plan.contains { $0.contains("Filter:") && $0.contains(key) }
    }

    @Test("on PostgreSQL, a new integration's keys are looked up beside another integration's analyzed rows")
    func newIntegrationBesideAnalyzedOne() async throws {
        let database = try await FreshDatabases.open(.postgres)
        let seeded = try await SeededStore.make(database)
        let sql = database.sql
        // Statistics are this test's to take: autovacuum may not analyze behind its back.
        for table in ["candidates", "applications"] {
            try await sql.raw("ALTER TABLE \(ident: table) SET (autovacuum_enabled = false)").run()
        }
        let other = try await seeded.anotherIntegration().integration.id.description
        let analyzed = Self.people(other, count: 2_000)
        try await seeded.store.records.saveRecords(analyzed.candidates, integrationID: other)
        try await seeded.store.records.saveRecords(analyzed.applications, integrationID: other)
        try await sql.raw("ANALYZE candidates, applications").run()
        let integrationID = seeded.integration.id.description
        let (candidates, applications) = Self.people(integrationID, count: 2_000)
        try await seeded.store.records.saveRecords(candidates, integrationID: integrationID)
        try await seeded.store.records.saveRecords(applications, integrationID: integrationID)
        // A few keys: a page looks up 200 in a table of 100,000s; here the table is 4,000 rows.
        let applicationIDs = applications.prefix(10).map(\.id)
        let candidateIDs = candidates.prefix(10).map(\.id)
        func explain(_ statement: SQLQueryString) async throws -> [String] {
            try await sql.raw("EXPLAIN \(statement)").all(decoding: PlanLine.self).map(\.line)
        }

        let storedStates = try await explain(
            "\(RecordRepository.storedStatesQuery(of: Application.self, ids: applicationIDs, integrationID: integrationID, on: sql).select)"
        )
        let keep = try await explain(
            try #require(
                RecordRepository.keepComposedStatement(
                    Application.self, applicationIDs.map { ($0, 0, Array("{}".utf8)) }, integrationID: integrationID,
                    on: sql)))
        let sources = try await explain(
            RecordRepository.latestApplicationSourcesQuery(
                candidateIDs: candidateIDs, integrationID: integrationID, on: sql))
        let nestedOfCandidates = try await explain(
            try #require(RecordRepository.nestedSourcesQuery(integrationID, .ofCandidates(candidateIDs), sqlite: false))
        )
        let nestedOfApplications = try await explain(
            try #require(
                RecordRepository.nestedSourcesQuery(integrationID, .ofApplications(applicationIDs), sqlite: false)))
        let known = try await sql.raw(
            """
            SELECT count(*) AS n FROM pg_stats WHERE tablename = 'applications' AND attname = 'integration_id'
              AND \(bind: integrationID) = ANY (most_common_vals::text::text[])
            """
        ).first()?.decode(column: "n", as: Int.self)

        // The setup: the statistics know the other integration, not this one.
        #expect(known == 0)
        #expect(Self.looksUp(storedStates, "id = ANY"), "\(storedStates)")
        #expect(Self.looksUp(keep, "\"*VALUES*\".column1"), "\(keep)")
        #expect(Self.looksUp(sources, "candidate_id = ANY"), "\(sources)")
        #expect(Self.looksUp(nestedOfCandidates, "candidate_id = ANY"), "\(nestedOfCandidates)")
        #expect(Self.looksUp(nestedOfApplications, "id = ANY"), "\(nestedOfApplications)")
    }
}
