import Foundation
import JunctionModel
import JunctionTestSupport
import PersonioSandbox
import SQLKit
import Testing

@testable import JunctionStore

/// Query plans that do not grow with the data (issue 22): SQLite's duplicate check of a write
/// starts from the candidate's email whatever the statistics, and PostgreSQL gets statistics for
/// what a FULL filled at once, not at autovacuum's next round.
@Suite("Planner statistics and plans", .freshDatabases)
struct PlannerStatisticsTests {
    struct PlanStep: Decodable { let detail: String }
    struct Found: Decodable { let name: String }

    @Test("SQLite's duplicate check goes from the email to the candidate's applications, with no statistics")
    func sqliteDuplicateCheck() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite, configuration: SandboxConfiguration()) { _, sync in
            let sql = sync.seeded.store.database.sql
            let check = WriteLedgerRepository.applicationExistsQuery(
                jobID: "j", email: "someone@example.com", integrationID: sync.integrationID, kind: .sqlite)

            let run = try await sync.run()
            let plan = try await sql.raw("EXPLAIN QUERY PLAN \(check)").all(decoding: PlanStep.self).map(\.detail)
            let statistics = try await sql.raw("SELECT name FROM sqlite_schema WHERE name = 'sqlite_stat1'")
                .all(decoding: Found.self)

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            // The plan is the schema's alone: nothing analyzed the tables.
            #expect(statistics.isEmpty)
            // The candidates by email, then only their applications; nothing walks the job's.
            #expect(plan.contains { $0.contains("USING INDEX candidates_email") }, "\(plan)")
            #expect(plan.contains { $0.contains("USING INDEX applications_candidate") }, "\(plan)")
            #expect(
                !plan.contains { $0.contains("applications_job") || $0.contains("applications_updated_at") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        }
    }

    struct AnalyzedTable: Decodable {
        let relname: String
        let analyzed: Bool
    }

    @Test("a FULL on PostgreSQL analyzes the tables it filled, a quiet DELTA none")
    func postgresAfterFull() async throws {
        try await JobSyncTests.withSandboxAndStore(.postgres, configuration: SandboxConfiguration()) { _, sync in
            let sql = sync.seeded.store.database.sql
            // `last_analyze` is set by an explicit ANALYZE only (autovacuum sets
            // `last_autoanalyze`), so it tells this code's analysis from the server's own.
            let query: SQLQueryString = """
                SELECT relname, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables
                WHERE relname IN ('applications', 'candidates', 'jobs', 'job_stages', 'users')
                """
            let before = try await sql.raw(query).all(decoding: AnalyzedTable.self)

            let full = try await sync.run()
            let afterFull = try await sql.raw(query).all(decoding: AnalyzedTable.self)
            try await sql.raw("SELECT pg_stat_reset()").run()
            let delta = try await sync.run(delta: true)
            let afterDelta = try await sql.raw(query).all(decoding: AnalyzedTable.self)

            #expect(full.status == .succeeded, "\(full.error ?? "")")
            #expect(delta.status == .succeeded, "\(delta.error ?? "")")
            #expect(before.count == 5 && before.allSatisfy { !$0.analyzed }, "\(before)")
            #expect(afterFull.count == 5 && afterFull.allSatisfy(\.analyzed), "\(afterFull)")
            // A DELTA that changed nothing leaves the statistics to autovacuum.
            let deltaChanges: Int = delta.stats.added.values.reduce(0, +) + delta.stats.updated.values.reduce(0, +)
            #expect(deltaChanges == 0)
            #expect(afterDelta.count == 5 && afterDelta.allSatisfy { !$0.analyzed }, "\(afterDelta)")
        }
    }
}
