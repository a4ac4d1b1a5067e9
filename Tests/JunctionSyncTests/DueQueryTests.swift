import Foundation
import JunctionModel
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// The claim reads only what is due (issue 20): its plan walks the index's due range, so a
/// tick costs the same with 10 or 10,000 integrations, and disabled integrations that stay due
/// are not in the range at all.
@Suite("Due query", .freshDatabases)
struct DueQueryTests {
    /// `count` integrations made in two statements: number n (1-based) is disabled when n is a
    /// multiple of 7, and due n seconds ago for n ≤ 20, an hour from now otherwise.
    static func fill(_ count: Int, database: Database, workspaceID: String, now: Date) async throws {
        let nowMS = Clock.milliseconds(now)
        try await database.sql.raw(
            """
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < \(bind: count))
            INSERT INTO integrations (id, workspace_id, tool, status, setup_status, end_user_organization_name,
                end_user_email, end_user_origin_id, credentials, settings, created_at, updated_at)
            SELECT 'personio:bulk' || CAST(x AS TEXT), \(bind: workspaceID), 'personio',
                CASE WHEN x % 7 = 0 THEN 'INACTIVE' ELSE 'ACTIVE' END, 'COMPLETED', 'Customer', NULL, NULL, 'x', '{}',
                \(bind: nowMS), \(bind: nowMS)
            FROM n
            """
        ).run()
        try await database.sql.raw(
            """
            INSERT INTO sync_schedule (integration_id, due_at, due_kind, due_reason, failures, active)
            SELECT id, CASE WHEN CAST(SUBSTR(id, 14) AS BIGINT) <= 20
                    THEN \(bind: nowMS) - 1000 * CAST(SUBSTR(id, 14) AS BIGINT) ELSE \(bind: nowMS + 3_600_000) END,
                'DELTA', 'delta', 0, CASE WHEN status = 'ACTIVE' THEN 1 ELSE 0 END
            FROM integrations WHERE id LIKE 'personio:bulk%'
            """
        ).run()
        if database.kind == .postgres {
            try await database.sql.raw("ANALYZE sync_schedule").run()
            try await database.sql.raw("ANALYZE integrations").run()
        }
    }

    /// The plan of the claim's choice, one line per step.
    static func plan(_ database: Database, now: Date) async throws -> [String] {
        let query = SyncScheduleRepository.dueQuery(now: now, limit: 4, fullAllowed: true, kind: database.kind)
        if database.kind == .postgres {
            return try await database.sql.raw("EXPLAIN \(query)").all().map {
                try $0.decode(column: "QUERY PLAN", as: String.self)
            }
        }
        return try await database.sql.raw("EXPLAIN QUERY PLAN \(query)").all().map {
            try $0.decode(column: "detail", as: String.self)
        }
    }

    @Test(
        "the claim walks only the due part of the queue's index, at 10 as at 10,000 integrations",
        arguments: Backend.allCases)
    func plan(backend: Backend) async throws {
        for count in [10, 10_000] {
            let database = try await FreshDatabases.open(backend)
            let seeded = try await SeededStore.make(database)
            let now = Date()
            try await seeded.store.integrations.setStatus(
                .inactive, integrationID: seeded.integration.id.description, workspaceID: seeded.workspace.id)
            try await Self.fill(count, database: database, workspaceID: seeded.workspace.id, now: now)

            let plan = try await Self.plan(database, now: now)
            let claimed = try await seeded.store.syncSchedule.claimDue(
                owner: "a", now: now, until: now.addingTimeInterval(60), limit: 4)

            // By hand: the most overdue active ones are 20, 19, 18, 17 at 10,000 (14 is disabled),
            // and 10, 9, 8, 6 at 10 (7 is disabled).
            let expected = count == 10 ? [10, 9, 8, 6] : [20, 19, 18, 17]
            #expect(claimed.map(\.integrationID) == expected.map { "personio:bulk\($0)" })
            if count == 10_000 {
                let text = plan.joined(separator: "\n")
                #expect(text.contains("sync_schedule_claim"), "the claim uses the queue's index:\n\(text)")
                #expect(!text.contains("Seq Scan on sync_schedule"), "no full scan:\n\(text)")
                #expect(!plan.contains { $0.hasPrefix("SCAN s") }, "no full scan:\n\(text)")
            }
        }
    }
}
