import Foundation
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// Rows are decoded by the store's own `SQLRow`s (PostgresNIO's typed decode without PostgresKit's
/// per-cell coding path; SQLite's cell values without SQLiteKit's `Decoder`), and PostgreSQL
/// statements whose binds PostgresNIO encodes bypass PostgresKit. These check each decoded type
/// and each way around the direct paths against values written out by hand, on both backends.
@Suite("Rows and binds")
struct RowDecodingTests {
    /// A bind PostgresNIO cannot encode itself: PostgresKit's `Encodable` path writes its raw value.
    enum Colour: String, Codable, Sendable { case teal }

    struct Pair: Decodable, Equatable {
        var name: String
        var count: Int64?
    }

    /// One row of every kind of cell; SQLite has no boolean or timestamp type, so there a boolean
    /// is an integer and the moment is the text PostgreSQL's timestamp stands for.
    static func row(_ backend: Backend, _ sql: any SQLDatabase) async throws -> any SQLRow {
        let query: SQLQueryString =
            backend == .postgres
            ? """
            SELECT 'zwölf é' AS text, CAST(NULL AS TEXT) AS no_text,
              CAST(9007199254740993 AS BIGINT) AS big, CAST(NULL AS BIGINT) AS no_big,
              CAST(-42 AS INTEGER) AS small, TRUE AS yes, CAST(NULL AS BOOLEAN) AS no_bool,
              CAST(2.5 AS DOUBLE PRECISION) AS real_number,
              CAST('2026-12-02 10:00:00+00' AS TIMESTAMPTZ) AS moment
            """
            : """
            SELECT 'zwölf é' AS text, NULL AS no_text, 9007199254740993 AS big, NULL AS no_big,
              -42 AS small, 1 AS yes, NULL AS no_bool, 2.5 AS real_number, 1796205600 AS moment
            """
        return try #require(try await sql.raw(query).first())
    }

    /// The pool's statements, or a page's short reads (`Database.reads`, prepared once and run on
    /// the caller's thread on SQLite).
    enum Path: String, CaseIterable, Sendable { case pool, reads }

    @Test(
        "text, integers, booleans and their nulls decode to the values the statement wrote",
        arguments: Backend.allCases, Path.allCases
    )
    func decodesEachType(_ backend: Backend, _ path: Path) async throws {
        let location = try await freshDatabaseLocation(backend)
        try await withSeparatePools(1, on: location) { databases in
            let sql = path == .reads ? databases[0].reads : databases[0].sql
            let row = try await Self.row(backend, sql)

            #expect(try row.decode(column: "text", as: String.self) == "zwölf é")
            // Text as its bytes (stored documents): UTF-8 by hand, "ö" and "é" two bytes each.
            let utf8: [UInt8] = [0x7A, 0x77, 0xC3, 0xB6, 0x6C, 0x66, 0x20, 0xC3, 0xA9]
            #expect(try row.decode(column: "text", as: [UInt8].self) == utf8)
            if backend == .sqlite {
                // The store reads SQLite's documents as blobs, whose bytes are the text's.
                let blob = try #require(try await sql.raw("SELECT CAST('zwölf é' AS BLOB) AS document").first())
                #expect(try blob.decode(column: "document", as: [UInt8].self) == utf8)
            }
            #expect(try row.decode(column: "no_text", as: String?.self) == nil)
            #expect(try row.decode(column: "big", as: Int64.self) == 9_007_199_254_740_993)
            #expect(try row.decode(column: "big", as: Int64?.self) == 9_007_199_254_740_993)
            #expect(try row.decode(column: "no_big", as: Int64?.self) == nil)
            #expect(try row.decode(column: "small", as: Int.self) == -42)
            #expect(try row.decode(column: "small", as: Int?.self) == -42)
            #expect(try row.decode(column: "yes", as: Bool.self) == true)
            #expect(try row.decode(column: "no_bool", as: Bool?.self) == nil)
            // Types outside the fast path take PostgresKit's decode.
            #expect(try row.decode(column: "real_number", as: Double.self) == 2.5)
            #expect(try row.decode(column: "moment", as: Date.self) == Date(timeIntervalSince1970: 1_796_205_600))
            if backend == .sqlite {
                // A cell of another kind than asked for takes SQLiteKit's conversion, as before.
                #expect(try row.decode(column: "small", as: Double.self) == -42)
                #expect(try row.decode(column: "big", as: String.self) == "9007199254740993")
            }
            #expect(try row.decodeNil(column: "no_text"))
            #expect(try !row.decodeNil(column: "text"))
            #expect(try row.decodeNil(column: "not_selected"), "a column the row lacks reads as nil")
            #expect(row.contains(column: "big") && !row.contains(column: "not_selected"))
            #expect(row.allColumns.first == "text" && row.allColumns.count == 9)
            #expect(throws: (any Error).self) { try row.decode(column: "not_selected", as: String.self) }
            #expect(throws: (any Error).self) { try row.decode(column: "no_text", as: String.self) }
        }
    }

    @Test(
        "binds of every kind reach the database: text, integers, nulls, and an Encodable the driver does not know",
        arguments: Backend.allCases)
    func bindsEachKind(_ backend: Backend) async throws {
        let location = try await freshDatabaseLocation(backend)
        try await withSeparatePools(1, on: location) { databases in
            let sql = databases[0].sql
            try await sql.raw("CREATE TABLE pairs (name TEXT NOT NULL, count BIGINT)").run()
            let missing: Int64? = nil

            try await sql.insert(into: "pairs").columns("name", "count").values(SQLBind("one"), SQLBind(Int64(1))).run()
            try await sql.insert(into: "pairs").columns("name", "count").values(SQLBind("none"), SQLBind(missing)).run()
            try await sql.insert(into: "pairs").columns("name", "count").values(
                SQLBind(Colour.teal), SQLBind(Int64?(7))
            )
            .run()
            let pairs = try await sql.select().columns("name", "count").from("pairs").orderBy("name").all(
                decoding: Pair.self)

            #expect(
                pairs == [
                    Pair(name: "none", count: nil), Pair(name: "one", count: 1), Pair(name: "teal", count: 7),
                ])
        }
    }

    @Test("a transaction's statements use the same rows and binds", arguments: Backend.allCases)
    func insideTransaction(_ backend: Backend) async throws {
        let location = try await freshDatabaseLocation(backend)
        try await withSeparatePools(1, on: location) { databases in
            let database = databases[0]
            try await database.sql.raw("CREATE TABLE pairs (name TEXT NOT NULL, count BIGINT)").run()

            let counted = try await database.transaction { connection in
                try await connection.insert(into: "pairs").columns("name", "count")
                    .values(SQLBind(Colour.teal), SQLBind(Int64(3))).run()
                return try await connection.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                    .from("pairs").where("name", .equal, "teal").first()?.decode(column: "n", as: Int.self)
            }

            #expect(counted == 1)
        }
    }

    @Test(
        "each row of an answer reads its own cells by name; a name two columns share is PostgreSQL's last, SQLite's first",
        arguments: Backend.allCases, Path.allCases)
    func rowsOfOneAnswer(_ backend: Backend, _ path: Path) async throws {
        let location = try await freshDatabaseLocation(backend)
        try await withSeparatePools(1, on: location) { databases in
            let sql = path == .reads ? databases[0].reads : databases[0].sql

            let rows = try await sql.raw(
                """
                SELECT 'first' AS name, CAST(1 AS BIGINT) AS n, CAST(2 AS BIGINT) AS n
                UNION ALL SELECT 'second', 3, 4
                UNION ALL SELECT NULL, 5, 6
                """
            ).all()

            #expect(rows.count == 3)
            #expect(try rows.map { try $0.decode(column: "name", as: String?.self) } == ["first", "second", nil])
            // Two columns named `n`: on PostgreSQL the second, as PostgresNIO's own lookup gives it;
            // SQLite's rows give the first. The store's statements never repeat a name.
            #expect(
                try rows.map { try $0.decode(column: "n", as: Int64.self) }
                    == (backend == .postgres ? [2, 4, 6] : [1, 3, 5]))
            #expect(try rows.map { try $0.decodeNil(column: "name") } == [false, false, true])
            #expect(rows.allSatisfy { $0.contains(column: "name") && !$0.contains(column: "missing") })
            #expect(try rows.allSatisfy { try $0.decodeNil(column: "missing") })
            #expect(throws: (any Error).self) { try rows[1].decode(column: "missing", as: String.self) }
        }
    }
}
