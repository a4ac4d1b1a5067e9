import Foundation
import JunctionModel
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// A page's short reads on SQLite (`PreparedSQLiteReads`): statements prepared once per
/// connection and stepped on the caller's thread. A kept statement must answer for each run's
/// own binds and see what was committed since its last run, and nothing that writes may run
/// there (it would pass the process's write gate).
@Suite("SQLite's prepared reads", .freshDatabases)
struct PreparedReadsTests {
    /// A fresh SQLite database with `names(name, team)` holding the rows given.
    static func withNames(
        _ rows: [(String, String)], _ body: (Database) async throws -> Void
    ) async throws {
        let location = try await freshDatabaseLocation(.sqlite)
        try await withSeparatePools(1, on: location) { databases in
            let database = databases[0]
            try await database.sql.raw("CREATE TABLE names (name TEXT NOT NULL, team TEXT NOT NULL)").run()
            for (name, team) in rows {
                try await database.sql.raw("INSERT INTO names (name, team) VALUES (\(bind: name), \(bind: team))").run()
            }
            try await body(database)
        }
    }

    static func names(in team: String, _ sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("SELECT name FROM names WHERE team = \(bind: team) ORDER BY name").all().map {
            try $0.decode(column: "name", as: String.self)
        }
    }

    @Test("a page's two statements are prepared once: SQLite runs them again without preparing them again")
    func preparedOnce() async throws {
        let database = try await FreshDatabases.open(.sqlite)
        let store = Store(database: database, secrets: randomSecretBox())
        let workspace = try await store.access.createWorkspace(name: "w")
        let (_, plaintext) = try await store.access.createAPIKey(workspaceID: workspace.id, name: "app")

        for round in 0..<3 {
            // Other binds each round: SQLite may choose to prepare a statement again for new values.
            _ = try await store.access.authenticate(apiKey: plaintext, integrationID: "personio:\(round)")
            _ = try await store.records.listDocuments(
                Candidate.self, integrationID: "personio:\(round)", filter: RecordFilter(), after: nil, limit: 100)
        }
        let statistics = try #require(database.preparedReads).statistics()

        #expect(statistics.count == 2)
        for statement in statistics {
            #expect(statement.runs == 3, "\(statement.sql)")
            #expect(statement.repreparations == 0, "\(statement.sql)")
        }
    }

    @Test("a kept statement answers for each run's own binds")
    func eachRunsBinds() async throws {
        try await Self.withNames([("ada", "red"), ("grace", "blue"), ("alan", "red")]) { database in
            let answers = [
                try await Self.names(in: "red", database.reads),
                try await Self.names(in: "blue", database.reads),
                try await Self.names(in: "green", database.reads),
                try await Self.names(in: "red", database.reads),
            ]

            #expect(answers == [["ada", "alan"], ["grace"], [], ["ada", "alan"]])
        }
    }

    @Test("a kept statement sees what the pool committed after its last run")
    func seesLaterCommits() async throws {
        try await Self.withNames([("ada", "red")]) { database in
            let before = try await Self.names(in: "red", database.reads)
            try await database.sql.raw("INSERT INTO names (name, team) VALUES ('alan', 'red')").run()
            try await database.transaction { connection in
                try await connection.raw("DELETE FROM names WHERE name = 'ada'").run()
            }
            let after = try await Self.names(in: "red", database.reads)

            #expect(before == ["ada"])
            #expect(after == ["alan"])
        }
    }

    @Test("a statement that writes is refused there and changes nothing")
    func refusesWrites() async throws {
        try await Self.withNames([("ada", "red")]) { database in
            let statements: [SQLQueryString] = [
                "INSERT INTO names (name, team) VALUES ('mallory', 'red')",
                "DELETE FROM names",
                "UPDATE names SET team = 'blue'",
            ]
            for statement in statements {
                await #expect(throws: PreparedSQLiteError.self) { try await database.reads.raw(statement).run() }
            }
            let remaining = try await Self.names(in: "red", database.sql)

            #expect(remaining == ["ada"])
        }
    }

    @Test("concurrent reads each get their own answer")
    func concurrentReads() async throws {
        let rows = (0..<40).map { ("name\($0)", "team\($0 % 8)") }
        try await Self.withNames(rows) { database in
            let answers = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
                for round in 0..<64 {
                    group.addTask { (round, try await Self.names(in: "team\(round % 8)", database.reads)) }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }

            for round in 0..<64 {
                let expected = (0..<40).filter { $0 % 8 == round % 8 }.map { "name\($0)" }.sorted()
                #expect(answers[round] == expected, "round \(round)")
            }
        }
    }

    @Test("an error names SQLite's reason, and the connection keeps answering after it")
    func errorThenAnswer() async throws {
        try await Self.withNames([("ada", "red")]) { database in
            let error = await #expect(throws: PreparedSQLiteError.self) {
                try await database.reads.raw("SELECT missing_column FROM names").all()
            }
            let answer = try await Self.names(in: "red", database.reads)

            #expect(
                error?.description.contains("no such column: missing_column") == true, "\(String(describing: error))")
            #expect(answer == ["ada"])
        }
    }
}
