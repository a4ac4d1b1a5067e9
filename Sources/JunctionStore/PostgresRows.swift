import Logging
import NIOCore
import PostgresKit
import SQLKit

/// Statements run on PostgresNIO directly, with rows that decode their cells without
/// PostgresKit's per-cell machinery.
///
/// PostgresKit's `SQLRow` builds a coding path for every cell it decodes — a string
/// interpolation of the column's name and index — and casts the wanted type against the
/// protocols it special-cases, before handing the cell to PostgresNIO's own typed decode. On a
/// page of 100 records that was 23% of the server's CPU (`benchmarks/analysis.md`). Here the
/// types the store reads (text, integers, booleans, and their optionals) go
/// straight to PostgresNIO's decode; any other type takes PostgresKit's path unchanged.
///
/// A statement whose binds are all PostgresNIO-encodable (or nil) — every statement the store
/// writes today — runs here; one with another `Encodable` bind is handed to PostgresKit whole,
/// so its encoding rules stay PostgresKit's.
enum PostgresStatements {
    /// Runs `query` on `connection` when its binds allow, else returns nil for the caller to
    /// run it through PostgresKit.
    static func run(
        _ query: any SQLExpression, serializedBy database: any SQLDatabase, on connection: PostgresConnection,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void>? {
        guard let (sql, bindings) = prepared(query, serializedBy: database) else { return nil }
        return run(sql: sql, bindings: bindings, on: connection, onRow)
    }

    /// The statement's text and its binds in PostgresNIO's form; nil when a bind needs
    /// PostgresKit's `Encodable` path.
    static func prepared(_ query: any SQLExpression, serializedBy database: any SQLDatabase) -> (
        String, PostgresBindings
    )? {
        let (sql, binds) = database.serialize(query)
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            // The same two tests PostgresKit makes first, in its order: a nil optional is NULL,
            // a PostgresNIO type encodes itself (casting looks through a non-nil optional).
            if (bind as Any?) == nil {
                bindings.appendNull()
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                do { try bindings.append(value, context: .default) } catch { return nil }
            } else {
                return nil
            }
        }
        return (sql, bindings)
    }

    static func run(
        sql: String, bindings: PostgresBindings, on connection: PostgresConnection,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void> {
        // The statement is logged as PostgresKit logs it (at trace), without its binds: they
        // carry candidates' personal data.
        connection.logger.trace("Executing query", metadata: ["sql": .string(sql)])
        return connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: connection.logger) {
            onRow(PostgresColumns($0))
        }
        .map { _ in }
    }
}

/// A PostgreSQL row as an `SQLRow`, decoding the store's column types with PostgresNIO directly.
struct PostgresColumns: SQLRow {
    let row: PostgresRow
    let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row
        self.cells = row.makeRandomAccess()
    }

    var allColumns: [String] { cells.map(\.columnName) }

    func contains(column: String) -> Bool { cells.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        !cells.contains(column) || cells[column].bytes == nil
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard cells.contains(column) else { throw MissingColumn(column: column) }
        let cell = cells[column]
        // Each branch is PostgresNIO's decode of that type, which PostgresKit also ends in for
        // these types (its special cases are for user-defined types, `Decimal` and `numeric`).
        if D.self == String.self { return try cell.decode(String.self) as! D }
        if D.self == String?.self { return try cell.decode(String?.self) as! D }
        if D.self == Int64.self { return try cell.decode(Int64.self) as! D }
        if D.self == Int64?.self { return try cell.decode(Int64?.self) as! D }
        if D.self == Int.self { return try cell.decode(Int.self) as! D }
        if D.self == Int?.self { return try cell.decode(Int?.self) as! D }
        if D.self == Bool.self { return try cell.decode(Bool.self) as! D }
        if D.self == Bool?.self { return try cell.decode(Bool?.self) as! D }
        return try row.sql().decode(column: column, as: D.self)
    }
}

/// A row read by column name lacks that column (`PostgresColumns`, `SQLiteColumns`).
struct MissingColumn: Error, CustomStringConvertible {
    let column: String
    var description: String { "the row has no column \(column)" }
}
