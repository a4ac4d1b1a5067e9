import Foundation
import JunctionTestSupport
import PostgresKit
import SQLKit
import Testing

@testable import JunctionStore

/// Statements PostgreSQL runs from their second use as named prepared statements (issue 22):
/// what the server holds, that answers do not change, and that a preparation PostgresNIO
/// remembered as failed, or a plan whose columns changed, does not break the statement for the
/// rest of the connection's life.
@Suite("PostgreSQL prepared statements", .freshDatabases)
struct PreparedStatementTests {
    /// A table name of this test's own, so its statements' texts are new to the process.
    static func table(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
    }

    @Test("a nil bind inside an Encodable existential is a NULL PostgresNIO sends itself")
    func nilBind() async throws {
        let database = try await FreshDatabases.open(.postgres)
        let missing: String? = nil
        let binds: [any Encodable & Sendable] = [missing, Optional("x"), 3]
        let query = SQLQueryString("SELECT \(bind: binds[0]), \(bind: binds[1]), \(bind: binds[2])")

        let prepared = PostgresStatements.prepared(query, serializedBy: database.sql)
        let statement = try #require(prepared, "every bind is one PostgresNIO encodes")

        #expect(statement.types == [.null, .text, .int8])
        #expect(PostgresStatements.isNil(binds[0]))
        #expect(!PostgresStatements.isNil(binds[1]))
    }

    @Test("text, integers, booleans and doubles, and their optionals, bind as PostgresNIO's own append makes them")
    func directBinds() async throws {
        let database = try await FreshDatabases.open(.postgres)
        let binds: [any Encodable & Sendable] = [
            "Zoë", Int64(-7), 42, true, 2.5,
            Optional("x"), Int64?.some(9), Int?.some(-1), Bool?.some(false), Double?.some(0.25),
            String?.none, Int64?.none, Int?.none, Bool?.none, Double?.none,
        ]
        var query = SQLQueryString("SELECT ")
        for (index, bind) in binds.enumerated() {
            if index > 0 { query.appendLiteral(", ") }
            query.appendInterpolation(bind: bind)
            query.appendLiteral(" AS c\(index)")
        }

        let statement = try #require(PostgresStatements.prepared(query, serializedBy: database.sql))

        var expected = PostgresBindings()
        expected.append("Zoë")
        expected.append(Int64(-7))
        expected.append(42)
        expected.append(true)
        expected.append(2.5)
        expected.append("x")
        expected.append(Int64(9))
        expected.append(-1)
        expected.append(false)
        expected.append(0.25)
        for _ in 0..<5 { expected.appendNull() }
        #expect(statement.bindings == expected)
        #expect(
            statement.types == [.text, .int8, .int8, .bool, .float8, .text, .int8, .int8, .bool, .float8]
                + Array(repeating: .null, count: 5))
        // And PostgreSQL reads them back as they were written.
        let row = try #require(try await database.sql.raw(query).first())
        #expect(try row.decode(column: "c0", as: String.self) == "Zoë")
        #expect(try row.decode(column: "c1", as: Int64.self) == -7)
        #expect(try row.decode(column: "c2", as: Int.self) == 42)
        #expect(try row.decode(column: "c3", as: Bool.self))
        #expect(try row.decode(column: "c4", as: Double.self) == 2.5)
        #expect(try row.decode(column: "c9", as: Double?.self) == 0.25)
        #expect(try row.decode(column: "c10", as: String?.self) == nil)
    }

    @Test("from its second run a statement is prepared on the server, and answers as it did unnamed")
    func preparedOnServer() async throws {
        let database = try await FreshDatabases.open(.postgres)
        let table = Self.table("marks")
        try await database.sql.raw("CREATE TABLE \(unsafeRaw: table) (name TEXT NOT NULL, note TEXT)").run()

        let generation = PreparedStatementNames.shared.generation
        let (answers, held) = try await database.sql.withSession { session in
            for (name, note) in [("ada", nil), ("grace", "x"), ("alan", nil), ("edsger", "y")] as [(String, String?)] {
                try await session.raw(
                    "INSERT INTO \(unsafeRaw: table) (name, note) VALUES (\(bind: name), \(bind: note))"
                )
                .run()
            }
            var answers: [[String]] = []
            for _ in 0..<3 {
                let rows = try await session.raw(
                    "SELECT name FROM \(unsafeRaw: table) WHERE note IS NULL AND name <> \(bind: "nobody") ORDER BY name"
                ).all()
                answers.append(try rows.map { try $0.decode(column: "name", as: String.self) })
            }
            let held = try await session.raw(
                "SELECT statement FROM pg_prepared_statements WHERE statement LIKE \(bind: "%" + table + "%")"
            ).all().map { try $0.decode(column: "statement", as: String.self) }
            return (answers, held)
        }
        let stored = try await database.sql.raw("SELECT name, note FROM \(unsafeRaw: table) ORDER BY name").all()
            .map {
                "\(try $0.decode(column: "name", as: String.self))=\(try $0.decode(column: "note", as: String?.self) ?? "NULL")"
            }

        #expect(answers == Array(repeating: ["ada", "alan"], count: 3))
        #expect(stored == ["ada=NULL", "alan=NULL", "edsger=y", "grace=x"])
        // The insert with a NULL note and the one with a text note are two statements (their
        // bind types differ); each ran twice, as did the select. A failure in a test running
        // beside this one may have moved every name to a new generation, which prepares them
        // again under new names.
        let inserts = held.filter { $0.hasPrefix("INSERT") }.count
        let selects = held.filter { $0.hasPrefix("SELECT") }
        if PreparedStatementNames.shared.generation == generation {
            #expect(inserts == 2)
            #expect(selects.count == 1)
        } else {
            #expect(inserts >= 2)
            #expect(Set(selects).count == 1)
        }
    }

    @Test("a statement whose preparation failed works once its table exists, on the same connection")
    func failedPreparationForgotten() async throws {
        let database = try await FreshDatabases.open(.postgres)
        let table = Self.table("later")

        let (failures, found) = try await database.sql.withSession { session in
            var failures = 0
            // Twice: the second run is the one prepared, and its preparation fails.
            for _ in 0..<2 {
                do {
                    _ = try await session.raw("SELECT n FROM \(unsafeRaw: table) WHERE n = \(bind: 7)").all()
                } catch {
                    failures += 1
                }
            }
            try await session.raw("CREATE TABLE \(unsafeRaw: table) (n BIGINT NOT NULL)").run()
            try await session.raw("INSERT INTO \(unsafeRaw: table) (n) VALUES (\(bind: 7))").run()
            let found = try await session.raw("SELECT n FROM \(unsafeRaw: table) WHERE n = \(bind: 7)").all()
                .map { try $0.decode(column: "n", as: Int.self) }
            return (failures, found)
        }

        #expect(failures == 2)
        #expect(found == [7])
    }

    @Test("a prepared SELECT * whose table gained a column answers with it after one failure")
    func changedColumns() async throws {
        let database = try await FreshDatabases.open(.postgres)
        let table = Self.table("grows")
        try await database.sql.raw("CREATE TABLE \(unsafeRaw: table) (n BIGINT NOT NULL)").run()
        try await database.sql.raw("INSERT INTO \(unsafeRaw: table) (n) VALUES (1)").run()

        let columns = try await database.sql.withSession { session in
            for _ in 0..<2 { _ = try await session.raw("SELECT * FROM \(unsafeRaw: table) WHERE n = \(bind: 1)").all() }
            // Another instance's migration, as it were.
            try await session.raw("ALTER TABLE \(unsafeRaw: table) ADD COLUMN extra TEXT NOT NULL DEFAULT 'e'").run()
            // PostgreSQL refuses the prepared plan once ("cached plan must not change result
            // type"); the next run prepares it afresh.
            _ = try? await session.raw("SELECT * FROM \(unsafeRaw: table) WHERE n = \(bind: 1)").all()
            let row = try #require(
                try await session.raw("SELECT * FROM \(unsafeRaw: table) WHERE n = \(bind: 1)").first())
            return row.allColumns
        }

        #expect(columns == ["n", "extra"])
    }

    @Test("a statement the server lost (a pooler in between) stops naming; another failure only renames")
    func lostStatement() {
        let names = PreparedStatementNames()
        let renamed = PreparedStatementNames()
        for policy in [names, renamed] {
            _ = policy.name(for: "SELECT $1", types: [.int8])
        }
        let first = names.name(for: "SELECT $1", types: [.int8])
        let other = renamed.name(for: "SELECT $1", types: [.int8])

        names.failed(sqlState: "26000", name: first ?? "", logger: quietLogger)
        renamed.failed(sqlState: "42P01", name: other ?? "", logger: quietLogger)

        #expect(first == "junction_0_0")
        #expect(names.name(for: "SELECT $1", types: [.int8]) == nil)
        #expect(names.name(for: "SELECT $2", types: [.int8]) == nil)
        #expect(renamed.name(for: "SELECT $1", types: [.int8]) == "junction_1_0")
        // A unique violation says nothing about the statement's preparation.
        renamed.failed(sqlState: "23505", name: "junction_1_0", logger: quietLogger)
        #expect(renamed.generation == 1)
    }

    @Test("a statement with more binds than the limit (a sync's page-sized upsert) is never named")
    func bulkStaysUnnamed() {
        let names = PreparedStatementNames(maximumBinds: 4)
        let four = [PostgresDataType](repeating: .int8, count: 4)
        let five = [PostgresDataType](repeating: .int8, count: 5)

        let fourNames = (0..<3).map { _ in names.name(for: "SELECT $1, $2, $3, $4", types: four) }
        let fiveNames = (0..<3).map { _ in names.name(for: "SELECT $1, $2, $3, $4, $5", types: five) }

        #expect(fourNames == [nil, "junction_0_0", "junction_0_0"])
        #expect(fiveNames == [nil, nil, nil])
    }
}
