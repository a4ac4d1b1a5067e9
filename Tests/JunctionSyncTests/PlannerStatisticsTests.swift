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

    @Test("SQLite finds a page's nested objects by key, each pipeline link in one lookup")
    func sqliteNestedSources() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite, configuration: SandboxConfiguration()) { _, sync in
            let sql = sync.seeded.store.database.sql
            let run = try await sync.run()
            let plans = try await Self.plans(
                of: [.ofCandidates(["c1", "c2"]), .ofApplications(["a1", "a2"])], integrationID: sync.integrationID,
                on: sql)

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            // A candidates page starts from the candidates' applications, an applications page
            // from the applications themselves.
            #expect(plans[0].contains { $0.contains("USING INDEX applications_candidate") }, "\(plans[0])")
            #expect(
                plans[1].contains { $0.contains("SEARCH a USING INDEX sqlite_autoindex_applications") }, "\(plans[1])")
            for plan in plans {
                // The link by job and stage together, not by walking the job's pipeline.
                #expect(
                    plan.contains {
                        $0.contains("USING INDEX job_stages_job_stage (integration_id=? AND job_id=? AND stage_id=?)")
                    }, "\(plan)")
                #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
            }
        }
    }

    struct PlanLine: Decodable {
        let line: String
        enum CodingKeys: String, CodingKey { case line = "QUERY PLAN" }
    }

    /// The plan of each request's `nestedSourcesQuery`, as `sql`'s backend explains it: SQLite's
    /// steps (`EXPLAIN QUERY PLAN`), PostgreSQL's lines (`EXPLAIN`).
    static func plans(of requests: [NestedSourcesRequest], integrationID: String, on sql: any SQLDatabase)
        async throws -> [[String]]
    {
        let sqlite = sql.dialect.name == "sqlite"
        var plans: [[String]] = []
        for request in requests {
            let query = try #require(RecordRepository.nestedSourcesQuery(integrationID, request, sqlite: sqlite))
            plans.append(
                sqlite
                    ? try await sql.raw("EXPLAIN QUERY PLAN \(query)").all(decoding: PlanStep.self).map(\.detail)
                    : try await sql.raw("EXPLAIN \(query)").all(decoding: PlanLine.self).map(\.line))
        }
        return plans
    }

    @Test("PostgreSQL reads each application's job and pipeline link by itself, hashing none of the integration's")
    func postgresNestedSources() async throws {
        try await JobSyncTests.withSandboxAndStore(.postgres, configuration: SandboxConfiguration()) { _, sync in
            let sql = sync.seeded.store.database.sql
            let run = try await sync.run()
            let candidates = ["c1", "c2"]
            let plans = try await Self.plans(
                of: [
                    .ofCandidates(candidates), .ofApplications(["a1", "a2"]), .ofSavedCandidates(candidates),
                ],
                integrationID: sync.integrationID, on: sql)

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            for plan in plans {
                // Each application's job and link read under a limit of one row, per application
                // (whatever scan the planner picks for a table this small), never hashed whole.
                for table in ["jobs", "job_stages"] {
                    let scan = try #require(
                        plan.firstIndex { $0.contains(" on \(table) ") || $0.hasSuffix(" on \(table)") }, "\(plan)")
                    #expect(scan > 0 && plan[scan - 1].contains("->  Limit"), "\(table): \(plan)")
                }
            }
        }
    }

    struct Count: Decodable { let n: Int }

    struct AnalyzedTable: Decodable {
        let relname: String
        let analyzed: Bool
    }

    @Test("a first FULL on PostgreSQL analyzes the tables it filled; a later FULL only where autovacuum would")
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

            let first = try await sync.run()
            let afterFirst = try await sql.raw(query).all(decoding: AnalyzedTable.self)
            try await sql.raw("SELECT pg_stat_reset()").run()
            let second = try await sync.run()
            let afterSecond = try await sql.raw(query).all(decoding: AnalyzedTable.self)

            #expect(first.status == .succeeded, "\(first.error ?? "")")
            #expect(second.status == .succeeded && second.kind == .full, "\(second.error ?? "")")
            #expect(before.count == 5 && before.allSatisfy { !$0.analyzed }, "\(before)")
            #expect(afterFirst.count == 5 && afterFirst.allSatisfy(\.analyzed), "\(afterFirst)")
            // The second FULL of the same account changed few rows (it re-reads some stage
            // histories): a table is analyzed again only where autovacuum's rule, 50 rows and a
            // tenth of the table, says so.
            var expected: Set<String> = []
            for table in afterSecond.map(\.relname) {
                let rows = try #require(
                    try await sql.raw("SELECT count(*) AS n FROM \(ident: table)").first(decoding: Count.self)
                ).n
                let changes = (second.stats.added[table] ?? 0) + (second.stats.updated[table] ?? 0)
                if Double(changes) >= 50 + 0.1 * Double(rows) { expected.insert(table) }
            }
            #expect(afterSecond.count == 5, "\(afterSecond)")
            #expect(Set(afterSecond.filter(\.analyzed).map(\.relname)) == expected, "\(second.stats.updated)")
        }
    }

    struct Analyses: Decodable {
        let relname: String
        let analyses: Int
        let last: Double
    }

    struct Span: Decodable {
        let first: Int64
        let last: Int64
    }

    /// The statements that follow a FULL's bulk load join what it stored (each candidate's save
    /// composes its applications' jobs and stages; the pass each application's candidate), so
    /// the run analyzes what it stored before them: each table once its first page is stored
    /// (`postgresAfterFirstPage`), what the applications' step stored before the candidates,
    /// the candidates before the pass, and at its end only what changed since (the pass
    /// rewrote every application), by autovacuum's rule.
    @Test(
        "a first FULL on PostgreSQL analyzes what it stored before the steps that join it, each table once more only if changed since"
    )
    func postgresDuringFull() async throws {
        try await JobSyncTests.withSandboxAndStore(.postgres, configuration: SandboxConfiguration()) { _, sync in
            let sql = sync.seeded.store.database.sql

            let run = try await sync.run()

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            let analyses = try await sql.raw(
                """
                SELECT relname, analyze_count::int AS analyses,
                    COALESCE(EXTRACT(EPOCH FROM last_analyze), 0)::float8 * 1000 AS last
                FROM pg_stat_user_tables WHERE relname IN ('applications', 'candidates', 'jobs')
                """
            ).all(decoding: Analyses.self)
            let byTable = Dictionary(uniqueKeysWithValues: analyses.map { ($0.relname, $0) })
            let candidates = try #require(
                try await sql.raw(
                    "SELECT MIN(updated_at) AS first, MAX(updated_at) AS last FROM candidates"
                ).first(decoding: Span.self))
            let applications = try #require(
                try await sql.raw("SELECT count(*) AS n FROM applications").first(decoding: Count.self)
            ).n
            // Analyzed once, after its first page, before the candidates were stored: its 40
            // rows are under autovacuum's 50 when the run's later refreshes look.
            let jobs = try #require(byTable["jobs"])
            #expect(jobs.analyses == 1, "\(analyses)")
            #expect(jobs.last <= Double(candidates.first), "\(jobs) \(candidates)")
            // After its first page, and again after every candidate was stored.
            let stored = try #require(byTable["candidates"])
            #expect(stored.analyses == 2, "\(analyses)")
            #expect(stored.last >= Double(candidates.last), "\(stored) \(candidates)")
            // After its first page, before the candidates, and again at the end where the pass's
            // rewrite of every application's kept objects meets autovacuum's rule.
            let again = Double(applications) >= 50 + 0.1 * Double(applications)
            #expect(try #require(byTable["applications"]).analyses == (again ? 3 : 2), "\(analyses) \(applications)")
        }
    }

    struct Statistics: Decodable {
        let relname: String
        let analyses: Int
        let rows: Double
        let stored: Int
    }

    /// Each statement of a first import's pages is planned with statistics of what the first
    /// page stored (issue 22, forty-second stop): with none, PostgreSQL took the integration for
    /// 0.5% of a table, and a page's read of its stored states walked every row stored so far.
    /// A FULL whose applications' listing fails at its second page shows what was analyzed
    /// before the run's own refreshes, which it never reaches.
    @Test("a first FULL on PostgreSQL analyzes a table once its first page is stored, before the next")
    func postgresAfterFirstPage() async throws {
        try await JobSyncTests.withSandboxAndStore(.postgres, configuration: SandboxConfiguration()) { sandbox, sync in
            let sql = sync.seeded.store.database.sql
            // The first page of applications comes through; every later request fails.
            try await FaultMatrixTests.installFaults(
                #"[{"path":"/v2/recruiting/applications","fault":"server_error","status":503,"after":1}]"#, sandbox)

            let run = try await sync.run()

            let statistics = try await sql.raw(
                """
                SELECT s.relname, s.analyze_count::int AS analyses, c.reltuples::float8 AS rows,
                    (CASE s.relname WHEN 'jobs' THEN (SELECT count(*) FROM jobs)
                        ELSE (SELECT count(*) FROM applications) END)::int AS stored
                FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                WHERE s.relname IN ('jobs', 'applications')
                """
            ).all(decoding: Statistics.self)
            let byTable = Dictionary(uniqueKeysWithValues: statistics.map { ($0.relname, $0) })
            #expect(run.status == .failed, "\(run.error ?? "")")
            // Analyzed once, when the first of the jobs' pages (of 10) was stored: the statistics
            // count 10 rows, the table holds all 40.
            let jobs = try #require(byTable["jobs"])
            #expect(jobs.analyses == 1 && jobs.rows == 10 && jobs.stored == 40, "\(statistics)")
            // Analyzed once, with its only page stored.
            let applications = try #require(byTable["applications"])
            #expect(applications.analyses == 1, "\(statistics)")
            #expect(applications.stored > 0 && applications.rows == Double(applications.stored), "\(statistics)")
        }
    }
}
