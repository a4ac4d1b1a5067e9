import Foundation
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// `Database.analyze` gives PostgreSQL's planner statistics for the tables a FULL filled, each
/// table in a statement of its own, all at once (issue 22: at a FULL's end two analyses ran one
/// after the other while the machine's other core waited).
@Suite("Statistics for the planner", .freshDatabases)
struct AnalyzeTests {
    @Test("the tables due are analyzed at once: one waiting for a lock does not hold up another")
    func atOnce() async throws {
        let database = try await FreshDatabases.open(.postgres)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (first, second) = ("analyze_a_" + suffix, "analyze_b_" + suffix)
        for table in [first, second] {
            try await database.sql.raw(
                "CREATE TABLE \(ident: table) (n BIGINT NOT NULL) WITH (autovacuum_enabled = false)"
            ).run()
            try await database.sql.raw("INSERT INTO \(ident: table) SELECT generate_series(1, 100)").run()
        }
        @Sendable func analyzed(_ table: String) async throws -> Bool {
            // -1 until the table's first analysis (PostgreSQL 14 and later).
            try await database.sql.raw("SELECT reltuples >= 0 AS done FROM pg_class WHERE relname = \(bind: table)")
                .first()?.decode(column: "done", as: Bool.self) ?? false
        }

        // Another transaction holds a lock that `ANALYZE` of the first table (first in order)
        // waits for; the second must be analyzed while it waits.
        let (due, secondWhileFirstWaited, firstWhileLocked) = try await database.sql.withSession { other in
            try await other.raw("BEGIN").run()
            try await other.raw("LOCK TABLE \(ident: first) IN SHARE UPDATE EXCLUSIVE MODE").run()
            let analysis = Task { try await database.analyze(changes: [first: 100, second: 100]) }
            var secondDone = false
            let deadline = ContinuousClock.now + .seconds(10)
            while !secondDone, ContinuousClock.now < deadline {
                secondDone = try await analyzed(second)
                if !secondDone { try await Task.sleep(for: .milliseconds(20)) }
            }
            let firstDone = try await analyzed(first)
            try await other.raw("COMMIT").run()
            return (try await analysis.value, secondDone, firstDone)
        }

        #expect(due == [first, second].sorted())
        #expect(secondWhileFirstWaited)
        #expect(!firstWhileLocked)
        #expect(try await analyzed(first))
    }
}
