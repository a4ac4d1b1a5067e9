import Logging
import NIOCore
import PostgresKit
import SQLKit
import Synchronization

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
    /// A statement in PostgresNIO's form: its text, its binds, and their types (what a
    /// prepared statement's name is chosen by).
    struct Statement {
        let sql: String
        let bindings: PostgresBindings
        let types: [PostgresDataType]
    }

    /// Runs `query` on `connection`: through PostgresNIO directly when its binds allow, else
    /// through `base` (PostgresKit on the same connection).
    ///
    /// `pinned` runs the statement, and `onRow` for each of its rows, on the connection's event
    /// loop thread, once the statement is serialized. PostgresNIO reads an answer in pieces as
    /// they arrive (a page of 100 candidates in about ten, a jobs page in fifty), and each piece
    /// woke the caller's task on another thread; on the loop's own thread the next piece's rows
    /// are taken where they arrive. For the pool's single statements, which hold their
    /// connection only while they run (`benchmarks/analysis.md`, twenty-third stop). A
    /// session's statements are not pinned one by one: a transaction pins as a whole
    /// (`Database.transaction(pinned:)`).
    static func run(
        _ query: any SQLExpression, on connection: PostgresConnection, base: any SQLDatabase, pinned: Bool = false,
        names: PreparedStatementNames = .shared, _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) async throws {
        guard let statement = prepared(query, serializedBy: base) else {
            try await base.execute(sql: query, onRow)
            return
        }
        guard pinned else {
            try await run(statement, on: connection, names: names, onRow)
            return
        }
        try await withTaskExecutorPreference(EventLoopTaskExecutor.of(connection.eventLoop)) {
            try await run(statement, on: connection, names: names, onRow)
        }
    }

    /// Whether `error` leaves its connection unusable: the server ended the session (severity
    /// FATAL or PANIC, as `pg_terminate_backend` or a shutdown), or the connection broke.
    static func endsSession(_ error: any Error) -> Bool {
        if error is PostgresSessionClosed { return true }
        guard let error = error as? PSQLError else { return false }
        if error.code == .server {
            let severity = error.serverInfo?[.severity]
            return severity == "FATAL" || severity == "PANIC"
        }
        return [
            .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown,
            .messageDecodingFailure, .unexpectedBackendMessage,
        ].contains(error.code)
    }

    /// The statement's text and its binds in PostgresNIO's form; nil when a bind needs
    /// PostgresKit's `Encodable` path.
    static func prepared(_ query: any SQLExpression, serializedBy database: any SQLDatabase) -> Statement? {
        let (sql, binds) = database.serializeOnce(query)
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [PostgresDataType] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            if appendDirect(bind, to: &bindings, types: &types) { continue }
            // The same two tests PostgresKit makes first, in its order: a nil optional is NULL,
            // a PostgresNIO type encodes itself (casting looks through a non-nil optional).
            // PostgresKit's nil test misses an optional inside an existential; it then encodes
            // it as NULL further down its slow path, so NULL here is what it sends too.
            if isNil(bind) {
                bindings.appendNull()
                types.append(.null)
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                do { try bindings.append(value, context: .default) } catch { return nil }
                types.append(value.psqlType)
            } else {
                return nil
            }
        }
        return Statement(sql: sql, bindings: bindings, types: types)
    }

    /// Appends a `PlainBind` as the casts in `prepared` would (an absent optional is NULL; a
    /// present one, its value) and returns true; false for a value of any other type.
    private static func appendDirect<Value: Encodable>(
        _ value: Value, to bindings: inout PostgresBindings, types: inout [PostgresDataType]
    ) -> Bool {
        func add<Known: PostgresNonThrowingEncodable>(_ known: Known) {
            bindings.append(known, context: .default)
            types.append(known.psqlType)
        }
        switch PlainBind(value) {
        case .text(let text): add(text)
        case .int64(let integer): add(integer)
        case .int(let integer): add(integer)
        case .bool(let flag): add(flag)
        case .double(let number): add(number)
        case .null:
            bindings.appendNull()
            types.append(.null)
        case nil: return false
        }
        return true
    }

    /// Whether `value` is a nil optional. Only a dynamic cast of the boxed value sees through the
    /// existential: `(bind as Any?) == nil` (what this check was, and what PostgresKit writes) is
    /// never true for an `any Encodable`, so every statement with a nil bind took PostgresKit's
    /// slower path.
    static func isNil(_ value: any Encodable) -> Bool {
        if case Optional<Any>.none = (value as Any) { return true }
        return false
    }

    static func run(
        _ statement: Statement, on connection: PostgresConnection, names: PreparedStatementNames,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) async throws {
        // The statement is logged as PostgresKit logs it (at trace), without its binds: they
        // carry candidates' personal data.
        connection.logger.trace("Executing query", metadata: ["sql": .string(statement.sql)])
        if let name = names.name(for: statement.sql, types: statement.types) {
            try await runNamed(statement, name: name, on: connection, names: names, onRow)
            return
        }
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: statement.sql, binds: statement.bindings), logger: connection.logger)
        try await forEach(rows, onRow)
    }

    /// Hands each of `rows` on as `PostgresColumns`, all sharing the positions of their columns,
    /// found from the first.
    private static func forEach<Rows: AsyncSequence>(_ rows: Rows, _ onRow: @Sendable (any SQLRow) -> Void)
        async throws where Rows.Element == PostgresRow
    {
        var positions: ColumnPositions?
        for try await row in rows {
            let columns = PostgresColumns(row, positions: positions)
            positions = columns.positions
            onRow(columns)
        }
    }

    /// Runs `statement` as the named prepared statement `name`: PostgresNIO prepares it on the
    /// connection's first use and afterwards only binds and executes it.
    private static func runNamed(
        _ statement: Statement, name: String, on connection: PostgresConnection, names: PreparedStatementNames,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) async throws {
        let text = NamedStatement.Text(name: name, sql: statement.sql, types: statement.types)
        do {
            try await NamedStatement.$current.withValue(text) {
                let rows = try await connection.execute(
                    NamedStatement(bindings: statement.bindings), logger: connection.logger)
                try await forEach(rows, onRow)
            }
        } catch let error as PSQLError {
            names.failed(sqlState: error.serverInfo?[.sqlState], name: name, logger: connection.logger)
            throw error
        }
    }
}

/// Chooses which statements run as named prepared statements, and their names.
///
/// An unnamed statement is parsed and planned by PostgreSQL on every run: in the server's
/// profile of the write path, planning was a quarter of its CPU and parsing an eighth
/// (`benchmarks/analysis.md`). A named prepared statement is parsed once per connection, and
/// PostgreSQL plans it once too when its generic plan costs no more than the custom ones.
///
/// A statement is named from its second run with the same text and bind types (the types are
/// part of the name because PostgreSQL fixes a prepared statement's parameter types: a NULL
/// bind leaves one for the server to infer). Statements without binds (`BEGIN`, `COMMIT`)
/// stay unnamed: there is nothing to plan. PostgresNIO never releases a connection's
/// prepared statements, so at most `capacity` texts are named, and texts beyond the `tracked`
/// seen once are not counted: the store's statements are a few hundred, but a statement with
/// a bind list (`IN (…)`) has a text per list length.
///
/// Statements with more than `maximumBinds` binds stay unnamed: those are the sync's
/// page-sized upserts and lookups (200 records a page). Named, a 100,000-candidate FULL on
/// PostgreSQL took 216 s instead of 45: PostgreSQL keeps a prepared statement's generic plan
/// once it costs no more than the custom ones, and a plan made while a FULL's tables were
/// nearly empty (a sequential scan) stays until the tables are analyzed, at the FULL's end.
/// The page reads' lists hold at most 101 binds and stay named. The API's statements keep
/// PostgreSQL's default plan choice: forcing custom plans cost a write 1.1 ms
/// (`benchmarks/analysis.md`), and a cached plan is replanned whenever its tables are analyzed
/// (autovacuum's rounds, and the FULL's own `ANALYZE`).
///
/// PostgresNIO also remembers a failed preparation for the connection's lifetime, and a
/// prepared statement whose result columns changed (another instance migrated the schema)
/// fails until it is prepared again. So an error of a class that can come from the statement's
/// preparation or a stale plan (feature not supported, invalid transaction state, invalid
/// statement name, syntax or access rule) moves every name to a new generation, prepared
/// afresh on next use; after `generations` of them, statements stay unnamed. A statement the
/// server no longer knows (26000) means the session is shared behind Junction's back, and
/// statements stay unnamed at once.
final class PreparedStatementNames: Sendable {
    static let shared = PreparedStatementNames()

    private struct Key: Hashable {
        let sql: String
        let types: [UInt32]
    }

    private struct State {
        var named: [Key: Int] = [:]
        var seenOnce: Set<Key> = []
        var generation = 0
    }

    let capacity: Int
    let tracked: Int
    let generations: Int
    private let state = Mutex(State())

    let maximumBinds: Int

    init(capacity: Int = 256, tracked: Int = 1024, generations: Int = 32, maximumBinds: Int = 128) {
        self.capacity = capacity
        self.tracked = tracked
        self.generations = generations
        self.maximumBinds = maximumBinds
    }

    /// The prepared statement's name for this text and these bind types, or nil to run it unnamed.
    func name(for sql: String, types: [PostgresDataType]) -> String? {
        guard !types.isEmpty, types.count <= maximumBinds else { return nil }
        let key = Key(sql: sql, types: types.map(\.rawValue))
        return state.withLock { state -> String? in
            guard state.generation < generations else { return nil }
            if let number = state.named[key] { return "junction_\(state.generation)_\(number)" }
            guard state.named.count < capacity else { return nil }
            guard state.seenOnce.remove(key) != nil else {
                if state.seenOnce.count < tracked { state.seenOnce.insert(key) }
                return nil
            }
            let number = state.named.count
            state.named[key] = number
            return "junction_\(state.generation)_\(number)"
        }
    }

    /// How many texts are named (for tests).
    var namedCount: Int { state.withLock { $0.named.count } }

    /// The current generation (for tests).
    var generation: Int { state.withLock { $0.generation } }

    /// Records that the named statement `name` failed with `sqlState`; see the type's comment.
    func failed(sqlState: String?, name: String, logger: Logger) {
        guard let sqlState, ["0A", "25", "26", "42"].contains(String(sqlState.prefix(2))) else { return }
        // The server does not know a statement PostgresNIO prepared on this connection: something
        // between them hands the session to other clients (PgBouncer in transaction mode before
        // its own prepared statement support). Names cannot work there; stop using them.
        let lost = sqlState == "26000"
        let generation = state.withLock { state -> Int? in
            // Only the first failure of a generation moves it on.
            guard state.generation < generations, name.hasPrefix("junction_\(state.generation)_") else { return nil }
            state.generation = lost ? generations : state.generation + 1
            return state.generation
        }
        guard let generation else { return }
        if lost {
            logger.warning(
                "the PostgreSQL server lost a prepared statement (is a pooler such as PgBouncer in transaction mode in between?); statements run unprepared from now on",
                metadata: ["sqlstate": .string(sqlState)])
        } else {
            logger.warning(
                "a prepared statement failed in a way its preparation may be remembered; preparing statements afresh",
                metadata: ["sqlstate": .string(sqlState), "generation": .stringConvertible(generation)])
        }
    }
}

/// A prepared statement whose text is chosen at run time.
///
/// PostgresNIO prepares only statements whose name and text are static members of a type. Its
/// connection keeps a table of prepared statements by that name, reads the members once per
/// execution, in the calling task, before writing to the connection. Here the members read a
/// task-local value, so one type carries any of the store's statements.
struct NamedStatement: PostgresPreparedStatement {
    struct Text: Sendable {
        let name: String
        let sql: String
        let types: [PostgresDataType]
    }

    @TaskLocal static var current = Text(name: "", sql: "", types: [])

    static var name: String { current.name }
    static var sql: String { current.sql }
    static var bindingDataTypes: [PostgresDataType] { current.types }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

/// A PostgreSQL row as an `SQLRow`, decoding the store's column types with PostgresNIO directly.
///
/// A class: a row is handed on as `any SQLRow` and read where it is stored, and as a struct of
/// three members holding seven references it was boxed for each row and copied again on a
/// page's way (the box, then a cast back to read a document where it lies), seven retains each
/// time (`benchmarks/analysis.md`, thirty-fifth stop).
final class PostgresColumns: SQLRow, Sendable {
    let row: PostgresRow
    let cells: PostgresRandomAccessRow
    let positions: ColumnPositions

    /// `positions`: those of an earlier row of the same statement's answer, if any.
    init(_ row: PostgresRow, positions: ColumnPositions? = nil) {
        self.row = row
        self.cells = row.makeRandomAccess()
        self.positions = positions ?? ColumnPositions(cells)
    }

    var allColumns: [String] { cells.map(\.columnName) }

    func contains(column: String) -> Bool { positions.index(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let index = positions.index(of: column) else { return true }
        return cells[index].bytes == nil
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = positions.index(of: column) else { throw MissingColumn(column: column) }
        let cell = cells[index]
        // Each branch is PostgresNIO's decode of that type, which PostgresKit also ends in for
        // these types (its special cases are for user-defined types, `Decimal` and `numeric`).
        // The value is handed back as `D` by reinterpreting it once its type is known to be `D`:
        // a cast (`as! D`) is a dynamic cast per cell, 0.7% of a filtered applications page.
        if D.self == String.self { return same(try cell.decode(String.self), as: D.self) }
        if D.self == String?.self { return same(try cell.decode(String?.self), as: D.self) }
        if D.self == Int64.self { return same(try cell.decode(Int64.self), as: D.self) }
        if D.self == Int64?.self { return same(try cell.decode(Int64?.self), as: D.self) }
        if D.self == Int.self { return same(try cell.decode(Int.self), as: D.self) }
        if D.self == Int?.self { return same(try cell.decode(Int?.self), as: D.self) }
        if D.self == Bool.self { return same(try cell.decode(Bool.self), as: D.self) }
        if D.self == Bool?.self { return same(try cell.decode(Bool?.self), as: D.self) }
        // A text column's bytes as they came (its text and binary formats are both its UTF-8),
        // without making and checking a `String` first (stored documents).
        if D.self == [UInt8].self, let bytes = textBytes(cell) {
            return same(Array(bytes.readableBytesView), as: D.self)
        }
        return try row.sql().decode(column: column, as: D.self)
    }

    /// A text column's bytes where the row holds them (its text and binary formats are both its
    /// UTF-8), or nil when the column is missing, null or not text.
    func textBytes(column: String) -> ByteBuffer? {
        positions.index(of: column).flatMap { textBytes(cells[$0]) }
    }

    private func textBytes(_ cell: PostgresCell) -> ByteBuffer? {
        cell.dataType == .text || cell.dataType == .varchar ? cell.bytes : nil
    }
}

/// The positions of an answer's columns by name, the same for each of its rows: found once, where
/// a row's own lookup by name (PostgresNIO's) hashed the name twice for each cell read (whether
/// the column is there, then where), a tenth of a PostgreSQL page's CPU with the cells' own
/// reading (`benchmarks/analysis.md`). As in PostgresNIO's lookup, a name that two columns share is
/// the last one's.
///
/// A name is found by comparing it with the answer's names, as SQLite's prepared rows do
/// (`PreparedRow`): a page's statements have five to thirty columns, and a dictionary of them
/// hashed each name read, 2–3% of a PostgreSQL candidates page's CPU (thirty-third stop).
final class ColumnPositions: Sendable {
    let names: [String]

    init(_ cells: PostgresRandomAccessRow) {
        names = cells.map(\.columnName)
    }

    func index(of name: String) -> Int? { names.lastIndex(of: name) }
}

/// A row read by column name lacks that column (`PostgresColumns`, `SQLiteColumns`).
struct MissingColumn: Error, CustomStringConvertible {
    let column: String
    var description: String { "the row has no column \(column)" }
}

/// `value` as `type`, which the caller has found to be `Value` itself (`Value.self == type`):
/// the same value, reinterpreted instead of cast (a cast to a generic type is a dynamic cast).
@inline(__always)
func same<Value, Target>(_ value: Value, as type: Target.Type) -> Target {
    precondition(Value.self == Target.self, "reinterpreted as another type")
    return withUnsafePointer(to: value) { pointer in
        pointer.withMemoryRebound(to: Target.self, capacity: 1) { $0.pointee }
    }
}
