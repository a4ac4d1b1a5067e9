import Foundation
import JunctionModel
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// A filter by values from a fixed list (`RecordFilter.Condition.oneOfKnown`, as `outcomes`):
/// the same records as bound values would find, and on PostgreSQL a statement whose prepared
/// plan is kept across runs instead of being planned again at each one.
@Suite("Filters by known values", .freshDatabases)
struct KnownValueFilterTests {
    /// Applications `app-1` … `app-<count>` of the seeded integration: `app-n` is HIRED when n
    /// is a multiple of 40, DECLINED when it is one of 50 (and not 40), PENDING otherwise.
    static func outcome(_ number: Int) -> String {
        number % 40 == 0 ? "HIRED" : number % 50 == 0 ? "DECLINED" : "PENDING"
    }

    static func seed(_ backend: Backend, count: Int) async throws -> SeededStore {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let applications = (1...count).map { number in
            var application = Application(id: "app-\(number)", remoteID: "a\(number)")
            application.outcome = outcome(number)
            return application
        }
        for batch in stride(from: 0, to: applications.count, by: 200) {
            try await seeded.store.records.saveRecords(
                Array(applications[batch..<min(batch + 200, applications.count)]),
                integrationID: seeded.integration.id.description)
        }
        return seeded
    }

    @Test("repeated, unordered and quoted values find what bound values find", arguments: Backend.allCases)
    func sameRecords(backend: Backend) async throws {
        let seeded = try await Self.seed(backend, count: 120)
        let records = seeded.store.records
        let integrationID = seeded.integration.id.description
        // A value with a quote must stay one value: escaped, not ending the literal.
        var quoted = Application(id: "app-q", remoteID: "aq")
        quoted.outcome = "O'NEIL"
        try await records.saveRecords([quoted], integrationID: integrationID)

        func ids(_ condition: RecordFilter.Condition) async throws -> [String] {
            try await records.listDocuments(
                Application.self, integrationID: integrationID, filter: RecordFilter(conditions: [condition]),
                after: nil, limit: 500
            ).items.map(\.id).sorted()
        }
        let known = try await ids(.oneOfKnown(column: "outcome", values: ["HIRED", "DECLINED", "HIRED"]))
        let quotedFound = try await ids(.oneOfKnown(column: "outcome", values: ["O'NEIL"]))
        let none = try await ids(.oneOfKnown(column: "outcome", values: []))

        // Multiples of 40 up to 120 are HIRED; 50 and 100 are DECLINED.
        #expect(known == ["app-100", "app-120", "app-40", "app-50", "app-80"])
        #expect(quotedFound == ["app-q"])
        #expect(none == [])
    }

    /// PostgreSQL plans a prepared statement for its binds' values for five runs, then keeps the
    /// generic plan only if it is estimated no dearer than those. Bound, `PENDING` (most of the
    /// rows) makes each custom plan's estimate cheaper, so every run was planned again.
    @Test("on PostgreSQL a page filtered by the commonest value keeps its generic plan")
    func genericPlanKept() async throws {
        let seeded = try await Self.seed(.postgres, count: 2000)
        let database = seeded.store.database
        try await database.sql.raw("ANALYZE applications").run()
        let statement = seeded.store.records.pageStatement(
            Application.self, integrationID: seeded.integration.id.description,
            filter: RecordFilter(conditions: [.oneOfKnown(column: "outcome", values: ["PENDING"])]), after: nil,
            limit: 100, columns: [])

        let (counts, plans) = try await database.sql.withSession { session in
            var counts: [Int] = []
            for _ in 0..<12 { counts.append(try await session.raw("\(statement)").all().count) }
            let plans = try await session.raw(
                """
                SELECT generic_plans, custom_plans FROM pg_prepared_statements
                WHERE statement LIKE '%outcome%' AND statement LIKE '%applications%'
                """
            ).all().map {
                (
                    try $0.decode(column: "generic_plans", as: Int.self),
                    try $0.decode(column: "custom_plans", as: Int.self)
                )
            }
            return (counts, plans)
        }

        // A page of 100 reads one record more, to tell whether another page follows.
        #expect(counts == Array(repeating: 101, count: 12))
        // Named from its second run: eleven runs prepared, the first five planned for their
        // binds, the rest generic.
        let plan = try #require(plans.first, "the statement is prepared on the session")
        #expect(plans.count == 1)
        #expect(plan.0 >= 5)
        #expect(plan.1 <= 6)
    }
}
