import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import PersonioSandbox
import SQLKit
import Testing

/// A sync that changed the tables refreshes SQLite's planner statistics (issue 22): without
/// them SQLite chose a write's duplicate check by index shape alone and walked every
/// application of the job, a cost that grew with the job's applicants.
@Suite("SQLite planner statistics", .freshDatabases)
struct PlannerStatisticsTests {
    /// The duplicate check of a write (`WriteLedgerRepository.applicationExists`), as text.
    static let duplicateCheck = """
        EXPLAIN QUERY PLAN SELECT 1 AS one FROM applications a JOIN candidates c
          ON c.integration_id = a.integration_id AND c.id = a.candidate_id
        WHERE a.integration_id = 'i' AND a.job_id = 'j'
          AND a.remote_deleted_at IS NULL AND c.email = 'someone@example.com'
        """

    struct PlanStep: Decodable { let detail: String }
    struct StatRow: Decodable { let tbl: String }

    @Test("a FULL of the sandbox leaves statistics that start the duplicate check from the email")
    func afterFull() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite, configuration: SandboxConfiguration()) { _, sync in
            let sql = sync.seeded.store.database.sql
            // What a start on the empty database does first: statistics of empty tables, which
            // must not keep the FULL's from being taken.
            try await sync.seeded.store.database.optimize()

            let run = try await sync.run()

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            // sqlite_stat1 exists only once ANALYZE ran; it names every table it measured.
            let analyzed = Set(try await sql.raw("SELECT tbl FROM sqlite_stat1").all(decoding: StatRow.self).map(\.tbl))
            #expect(analyzed.isSuperset(of: ["applications", "candidates", "jobs"]), "\(analyzed)")
            // With them, the planner looks the candidate up by email (one row) and then its
            // applications, instead of scanning the job's applications.
            let plan = try await sql.raw(SQLQueryString(Self.duplicateCheck)).all(decoding: PlanStep.self).map(\.detail)
            #expect(plan.first?.contains("candidates_email") == true, "\(plan)")
            #expect(plan.contains { $0.contains("applications_candidate") }, "\(plan)")
        }
    }
}
