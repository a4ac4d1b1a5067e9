import Foundation
import JunctionModel
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// SQLite's transactions on the writer's connection (`PreparedSQLiteWriter`): statements
/// prepared once, the settings a writer needs, and a connection that never carries a
/// transaction, a failed one's rows or its binds into the next.
@Suite("SQLite's prepared writer", .freshDatabases)
struct PreparedWriterTests {
    /// A fresh SQLite database with an empty `names(name, team)`.
    static func withNames(_ body: (Database) async throws -> Void) async throws {
        let location = try await freshDatabaseLocation(.sqlite)
        try await withSeparatePools(1, on: location) { databases in
            let database = databases[0]
            try await database.sql.raw("CREATE TABLE names (name TEXT NOT NULL, team TEXT NOT NULL)").run()
            try await body(database)
        }
    }

    static func names(_ sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("SELECT name FROM names ORDER BY name").all().map {
            try $0.decode(column: "name", as: String.self)
        }
    }

    @Test(
        "a transaction's statements are kept from their second run: SQLite runs them again without preparing them again"
    )
    func preparedOnce() async throws {
        try await Self.withNames { database in
            for name in ["ada", "grace", "alan", "edsger"] {
                try await database.transaction { connection in
                    try await connection.raw("INSERT INTO names (name, team) VALUES (\(bind: name), 'red')").run()
                }
            }
            let statistics = try #require(database.writer).statistics()
            let stored = try await Self.names(database.sql)

            #expect(stored == ["ada", "alan", "edsger", "grace"])
            // The first run prepared each statement and let it go; the second kept it.
            let insert = try #require(statistics.first { $0.sql.hasPrefix("INSERT INTO names") })
            #expect(insert.runs == 3)
            #expect(insert.repreparations == 0)
            #expect(statistics.first { $0.sql == "BEGIN IMMEDIATE" }?.runs == 3)
            #expect(statistics.first { $0.sql == "COMMIT" }?.runs == 3)
        }
    }

    @Test("a statement run once is not kept: texts of one run never push the repeated ones out")
    func runOnceNotKept() async throws {
        try await Self.withNames { database in
            // Each transaction a text of its own, as a sync's saves of differing row counts are.
            for count in 1...70 {
                try await database.transaction { connection in
                    let rows = (0..<count).map { _ in "('n\(count)', 'red')" }.joined(separator: ", ")
                    try await connection.raw("INSERT INTO names (name, team) VALUES \(unsafeRaw: rows)").run()
                }
            }
            let kept = try #require(database.writer).statistics().map(\.sql)

            #expect(try await Self.names(database.sql).count == (1...70).reduce(0, +))
            #expect(Set(kept) == ["BEGIN IMMEDIATE", "COMMIT"])
        }
    }

    @Test(
        "the writer's connection is set as the pool's: foreign keys, WAL, NORMAL sync, the wait; its checkpoints are the checkpointer's"
    )
    func settings() async throws {
        try await Self.withNames { database in
            let values = try await database.transaction { connection in
                var values: [String: String] = [:]
                for pragma in ["foreign_keys", "journal_mode", "synchronous", "wal_autocheckpoint", "busy_timeout"] {
                    let row = try #require(try await connection.raw("PRAGMA \(unsafeRaw: pragma)").first())
                    let column = try #require(row.allColumns.first)
                    values[pragma] =
                        try row.decode(column: column, as: String?.self)
                        ?? String(try row.decode(column: column, as: Int64.self))
                }
                return values
            }

            // SQLite reports no checkpoint at a size of log: its own is replaced by the
            // checkpointer's (`SQLiteCheckpointer`, `CheckpointerTests`).
            #expect(
                values == [
                    "foreign_keys": "1", "journal_mode": "wal", "synchronous": "1", "wal_autocheckpoint": "0",
                    "busy_timeout": "10000",
                ])
        }
    }

    @Test("a foreign key is checked in the writer's transactions")
    func foreignKeys() async throws {
        try await Self.withNames { database in
            try await database.sql.raw("CREATE TABLE teams (id TEXT PRIMARY KEY)").run()
            try await database.sql.raw("CREATE TABLE members (team_id TEXT NOT NULL REFERENCES teams (id))").run()

            await #expect(throws: (any Error).self) {
                try await database.transaction { connection in
                    try await connection.raw("INSERT INTO members (team_id) VALUES ('nowhere')").run()
                }
            }
            let members = try await database.sql.raw("SELECT COUNT(*) AS n FROM members").first()?
                .decode(column: "n", as: Int.self)

            #expect(members == 0)
        }
    }

    @Test("a failed transaction leaves nothing behind, and the next one runs on the same connection")
    func failedThenNext() async throws {
        struct Stop: Error {}
        try await Self.withNames { database in
            await #expect(throws: Stop.self) {
                try await database.transaction { connection in
                    try await connection.raw("INSERT INTO names (name, team) VALUES ('mallory', 'red')").run()
                    throw Stop()
                }
            }
            try await database.transaction { connection in
                try await connection.raw("INSERT INTO names (name, team) VALUES ('ada', 'red')").run()
            }

            #expect(try await Self.names(database.sql) == ["ada"])
        }
    }

    @Test("a session that ends inside a transaction has it rolled back before the next session begins")
    func sessionLeftInTransaction() async throws {
        try await Self.withNames { database in
            let writer = try #require(database.writer)
            // The caller holds the write gate, as `Database.transaction` does.
            try await database.withWriteGate {
                try await writer.withSession { session in
                    try await session.raw("BEGIN IMMEDIATE").run()
                    try await session.raw("INSERT INTO names (name, team) VALUES ('mallory', 'red')").run()
                }
            }
            try await database.transaction { connection in
                try await connection.raw("INSERT INTO names (name, team) VALUES ('ada', 'red')").run()
            }

            #expect(try await Self.names(database.sql) == ["ada"])
        }
    }

    @Test("a text with a NUL loses it on the writer as on the pool")
    func nulCleaned() async throws {
        try await Self.withNames { database in
            try await database.transaction { connection in
                try await connection.raw("INSERT INTO names (name, team) VALUES (\(bind: "a\u{0}da"), 'red')").run()
            }

            #expect(try await Self.names(database.sql) == ["ada"])
        }
    }
}
