import Logging
import NIOCore
import SQLKit
import SQLiteKit

/// An `SQLiteDatabase` (the pool, or one connection of a session) as an `SQLDatabase` whose rows
/// decode the store's column types without SQLiteKit's `Decoder` machinery.
///
/// SQLiteKit decodes every cell through `SQLiteDataDecoder`, which for an optional allocates a
/// nested single-value decoder and goes through `Optional.init(from:)`: 9% of a candidates
/// page's CPU (`benchmarks/analysis.md`). Here text and integers (and their optionals) are read
/// from the cell's `SQLiteData` directly when it holds that kind of value, which is what
/// SQLiteKit's conversions return for it; anything else takes SQLiteKit's decoder unchanged.
/// Binds are encoded by SQLiteKit's encoder, and statements serialized by SQLiteKit's database.
struct DirectSQLiteDatabase<SQLite: SQLiteDatabase>: WrappingSQLDatabase {
    let sqlite: SQLite
    /// SQLiteKit's `SQLDatabase` over the same database: its dialect, serialization and version.
    let base: any SQLDatabase
    private let level: Logger.Level?

    init(_ sqlite: SQLite, queryLogLevel: Logger.Level?) {
        self.sqlite = sqlite
        self.base = sqlite.sql(queryLogLevel: queryLogLevel)
        self.level = queryLogLevel
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        let sql: String
        let binds: [SQLiteData]
        do {
            (sql, binds) = try statement(query)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return sqlite.query(sql, binds, logger: logger) { onRow(SQLiteColumns($0)) }
    }

    /// The async path, which every repository takes: SQLiteNIO's async query hands rows over on
    /// its own thread as they are stepped, where the future-based one sends each row to an event
    /// loop as a task of its own, and completes on that loop before the caller resumes.
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = try statement(query)
        try await sqlite.query(sql, binds) { onRow(SQLiteColumns($0)) }
    }

    /// The SQL and its binds, logged as SQLiteKit logs a statement but without the binds: they
    /// carry candidates' personal data.
    private func statement(_ query: any SQLExpression) throws -> (String, [SQLiteData]) {
        let (sql, binds) = try SQLiteBinds.statement(query, on: base)
        if let level { logger.log(level: level, "Executing query", metadata: ["sql": .string(sql)]) }
        return (sql, binds)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let level = level
        return try await sqlite.withConnection { connection in
            try await closure(DirectSQLiteDatabase<SQLiteConnection>(connection, queryLogLevel: level))
        }
    }
}

/// Statement binds as SQLite takes them.
enum SQLiteBinds {
    /// `query`'s text for `database`'s dialect and its binds as SQLite takes them: what every
    /// SQLite path runs (the pool, the page reads, the writer).
    static func statement(_ query: any SQLExpression, on database: any SQLDatabase) throws -> (
        sql: String, binds: [SQLiteData]
    ) {
        let (sql, binds) = database.serializeOnce(query)
        let encoder = SQLiteDataEncoder()
        return (sql, try binds.map { try data($0, encoder: encoder) })
    }

    /// `bind` as `encoder` makes it. Text and integers, which a sync's upserts bind by the
    /// thousand, are converted here: the encoder first asks each value whether it conforms to a
    /// protocol, a lookup that was 1.5% of a FULL's CPU, in the save every page waits for
    /// (issue 22). A present optional is its value and an absent one NULL, as the encoder makes
    /// them (`SQLiteBindTests`).
    ///
    /// The value's type is compared, not cast to (the existential is opened): casting each bind
    /// was 0.8% of a FULL's CPU (thirty-fifth stop).
    static func data(_ bind: any Encodable, encoder: SQLiteDataEncoder) throws -> SQLiteData {
        try direct(bind) ?? encoder.encode(bind)
    }

    /// Text and integers, and their optionals (an absent one is NULL, as the encoder makes it),
    /// as SQLite data; nil for anything else, booleans and doubles included (the encoder's).
    private static func direct<Value: Encodable>(_ value: Value) -> SQLiteData? {
        switch PlainBind(value) {
        case .text(let text): .text(text)
        case .int64(let integer): .integer(Int(integer))
        case .int(let integer): .integer(integer)
        case .null: .null
        case .bool, .double, nil: nil
        }
    }
}

/// An SQLite row as an `SQLRow`, reading text and integer cells directly.
struct SQLiteColumns: SQLRow {
    let row: SQLiteRow

    init(_ row: SQLiteRow) { self.row = row }

    var allColumns: [String] { row.columns.map(\.name) }

    func contains(column: String) -> Bool { row.column(column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let data = row.column(column) else { return true }
        return data == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let data = row.column(column) else { throw MissingColumn(column: column) }
        return try SQLiteCell(data).decode(D.self)
    }
}

/// One SQLite cell, as the store's SQLite rows (`SQLiteColumns`, `PreparedRow`) decode it: text
/// and integers (and their optionals), and bytes, straight from the value when it holds that
/// kind; anything else through SQLiteKit's decoder, as SQLiteKit would.
enum SQLiteCell {
    case null
    case integer(Int64)
    case float(Double)
    case text(String)
    case blob([UInt8])

    init(_ data: SQLiteData) {
        switch data {
        case .null: self = .null
        case .integer(let value): self = .integer(Int64(value))
        case .float(let value): self = .float(value)
        case .text(let value): self = .text(value)
        case .blob(let buffer): self = .blob(Array(buffer.readableBytesView))
        }
    }

    var data: SQLiteData {
        switch self {
        case .null: .null
        case .integer(let value): .integer(Int(value))
        case .float(let value): .float(value)
        case .text(let value): .text(value)
        case .blob(let value): .blob(ByteBuffer(bytes: value))
        }
    }

    func decode<D: Decodable>(_ type: D.Type) throws -> D {
        switch self {
        case .text(let text):
            if D.self == String.self { return text as! D }
            if D.self == String?.self { return String?.some(text) as! D }
            if D.self == [UInt8].self { return Array(text.utf8) as! D }
        case .integer(let integer):
            if D.self == Int64.self { return integer as! D }
            if D.self == Int64?.self { return Int64?.some(integer) as! D }
            if D.self == Int.self { return Int(integer) as! D }
            if D.self == Int?.self { return Int?.some(Int(integer)) as! D }
        case .blob(let bytes):
            if D.self == [UInt8].self { return bytes as! D }
        case .null:
            if D.self == String?.self { return String?.none as! D }
            if D.self == Int64?.self { return Int64?.none as! D }
            if D.self == Int?.self { return Int?.none as! D }
        case .float:
            break
        }
        return try Self.decoder.decode(D.self, from: data)
    }

    private static let decoder = SQLiteDataDecoder()
}
