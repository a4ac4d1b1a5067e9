import Foundation
import Logging
import NIOCore
import SQLKit
import SQLiteKit
import Synchronization
// The SQLite that SQLiteNIO compiles in: the same copy must open the file, since two copies in
// one process do not see each other's POSIX locks (`docs/decisions.md`, "A page's statements
// run on the request's thread, prepared once").
import VaporCSQLite

/// Short reads of the SQLite file on the caller's own thread, with their statements prepared
/// once per connection: what every page runs (the API key's statement, the page's query).
///
/// Through SQLiteNIO each statement is prepared again (SQLite's `prepare` was 5.6% of a
/// candidates page's CPU), handed to its thread pool and its rows back, two wake-ups of a
/// thread per statement, and each cell made an `SQLiteData` (a blob copied into a `ByteBuffer`,
/// then again into the document's bytes). A statement here is stepped where it is asked, its
/// blobs copied once into `[UInt8]`. That blocks the caller's thread for the statement's time,
/// which is why only reads of a page's size come this way: anything that writes is refused
/// (`sqlite3_stmt_readonly`). Transactions run on the writer's connection, on its own thread
/// (`PreparedSQLiteWriter`); other statements on SQLiteNIO's pool.
final class PreparedSQLiteReads: SQLDatabase, Sendable {
    let path: String
    let logger: Logger
    let eventLoop: any EventLoop
    let dialect: any SQLDialect
    let version: (any SQLDatabaseReportedVersion)?
    var queryLogLevel: Logger.Level? { .trace }
    /// Connections kept between statements; more are opened while all are in use, and those
    /// past `maximumIdle` closed when handed back.
    private let idle = Mutex<[PreparedSQLiteConnection]>([])
    private let maximumIdle: Int
    private let closed = Atomic<Bool>(false)

    /// `base` is SQLiteKit's database over the same file: its dialect and version.
    init(path: String, base: any SQLDatabase, maximumIdle: Int) {
        self.path = path
        self.logger = base.logger
        self.eventLoop = base.eventLoop
        self.dialect = base.dialect
        self.version = base.version
        self.maximumIdle = maximumIdle
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    /// A session is the database itself: its statements only read, one at a time.
    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = try SQLiteBinds.statement(query, on: self)
        logger.trace("Executing query", metadata: ["sql": .string(sql)])
        let connection = try take()
        defer { giveBack(connection) }
        try connection.run(sql, binds, onRow)
    }

    private func take() throws -> PreparedSQLiteConnection {
        guard !closed.load(ordering: .acquiring) else {
            throw PreparedSQLiteError(code: SQLITE_MISUSE, message: "the database is closed")
        }
        if let connection = idle.withLock({ $0.popLast() }) { return connection }
        return try PreparedSQLiteConnection(path: path)
    }

    private func giveBack(_ connection: PreparedSQLiteConnection) {
        let kept = idle.withLock { idle in
            guard !closed.load(ordering: .acquiring), idle.count < maximumIdle else { return false }
            idle.append(connection)
            return true
        }
        if !kept { connection.close() }
    }

    /// Per statement kept by an idle connection: how often it ran and how often SQLite had to
    /// prepare it again (`SQLITE_STMTSTATUS_RUN`, `SQLITE_STMTSTATUS_REPREPARE`).
    func statistics() -> [(sql: String, runs: Int, repreparations: Int)] {
        idle.withLock { idle in idle.flatMap { $0.statistics() } }
    }

    /// Closes the idle connections; one in use is closed when handed back.
    func close() {
        closed.store(true, ordering: .releasing)
        for connection in idle.withLock({ idle in
            defer { idle = [] }
            return idle
        }) { connection.close() }
    }
}

/// An error SQLite reported to `PreparedSQLiteReads`, with its result code.
struct PreparedSQLiteError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
}

/// One SQLite connection on SQLite's C interface with its prepared statements, used by one
/// thread at a time: a connection of `PreparedSQLiteReads` (the pool hands it to one caller), or
/// the process's writer (`PreparedSQLiteWriter`, behind the file's write gate).
final class PreparedSQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    /// Prepared statements by their SQL text, with their columns.
    private var statements: [String: PreparedStatement] = [:]
    /// Statements kept at most; past it the cache starts again (a page's shapes are few: its
    /// model, filters and page size; a sync's saves, a few per table).
    private static let maximumStatements = 64
    /// Whether statements that write may run (the writer); a read connection refuses them.
    private let writes: Bool
    /// The writer's statements run once and not kept, by their text's hash; forgotten past
    /// `maximumSeen`.
    private var seenOnce: Set<Int> = []
    private static let maximumSeen = 1024

    /// A connection to the file at `path`: a reader, or with `writes` the writer, with the
    /// settings of the pool's connections (`TunedSQLiteSource`) that a writer needs.
    init(path: String, writes: Bool = false) throws {
        self.writes = writes
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        var handle: OpaquePointer?
        let opened = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard opened == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite_nio_sqlite3_close(handle)
            throw PreparedSQLiteError(code: opened, message: message)
        }
        self.handle = handle
        // As the pool's connections (`TunedSQLiteSource`): wait for a writer's lock rather than
        // fail, and keep a page's documents in the page cache; a writer also checks foreign
        // keys and commits without an fsync (its checkpoints are then set by
        // `PreparedSQLiteWriter`).
        for pragma in TunedSQLiteSource.connectionPragmas
            + (writes ? TunedSQLiteSource.writerPragmas : [])
        {
            let result = sqlite_nio_sqlite3_exec(handle, pragma, nil, nil, nil)
            guard result == SQLITE_OK else {
                let message = String(cString: sqlite_nio_sqlite3_errmsg(handle))
                close()
                throw PreparedSQLiteError(code: result, message: "\(pragma) failed: \(message)")
            }
        }
    }

    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (any SQLRow) -> Void) throws {
        let (statement, kept) = try prepared(sql)
        let raw = statement.raw
        // Whatever happens below, a kept statement goes back reset for the next use, and one not
        // kept is finalized. A reader's binds are not cleared: every run binds each of its
        // parameters again, and clearing them marks a statement whose plan looked at a parameter
        // (most do) as expired, to be prepared again on its next step (`PreparedReadsTests`).
        // The writer's are: SQLite keeps a copy of each bound value, and a kept save would hold
        // its last page's documents (6 MiB of a 20,000-candidate FULL's peak memory); a save's
        // plan looks at no parameter.
        defer {
            if kept {
                sqlite_nio_sqlite3_reset(raw)
                if writes { sqlite_nio_sqlite3_clear_bindings(raw) }
            } else {
                sqlite_nio_sqlite3_finalize(raw)
            }
        }
        for (index, bind) in binds.enumerated() {
            let position = Int32(index + 1)
            let result: Int32
            switch bind {
            case .integer(let value): result = sqlite_nio_sqlite3_bind_int64(raw, position, Int64(value))
            case .float(let value): result = sqlite_nio_sqlite3_bind_double(raw, position, value)
            case .null: result = sqlite_nio_sqlite3_bind_null(raw, position)
            case .text(let value):
                var value = value
                result = value.withUTF8 { text in
                    sqlite_nio_sqlite3_bind_text64(
                        raw, position,
                        text.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                        UInt64(text.count), Self.transient, UInt8(SQLITE_UTF8))
                }
            case .blob(let value):
                result = value.withUnsafeReadableBytes { bytes in
                    sqlite_nio_sqlite3_bind_blob64(
                        raw, position, bytes.baseAddress, UInt64(bytes.count), Self.transient)
                }
            }
            try check(result)
        }
        while true {
            let stepped = sqlite_nio_sqlite3_step(raw)
            if stepped == SQLITE_DONE { return }
            guard stepped == SQLITE_ROW else { throw error(stepped) }
            onRow(PreparedRow(columns: statement.columns, cells: try cells(of: raw, count: statement.columns.count)))
        }
    }

    private func cells(of raw: OpaquePointer, count: Int) throws -> [SQLiteCell] {
        var cells: [SQLiteCell] = []
        cells.reserveCapacity(count)
        for index in 0..<Int32(count) {
            switch sqlite_nio_sqlite3_column_type(raw, index) {
            case SQLITE_INTEGER: cells.append(.integer(sqlite_nio_sqlite3_column_int64(raw, index)))
            case SQLITE_FLOAT: cells.append(.float(sqlite_nio_sqlite3_column_double(raw, index)))
            case SQLITE_NULL: cells.append(.null)
            case SQLITE_TEXT:
                let length = Int(sqlite_nio_sqlite3_column_bytes(raw, index))
                let text = sqlite_nio_sqlite3_column_text(raw, index)
                cells.append(
                    .text(
                        text.map { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
                            ?? ""))
            case SQLITE_BLOB:
                let length = Int(sqlite_nio_sqlite3_column_bytes(raw, index))
                guard let blob = sqlite_nio_sqlite3_column_blob(raw, index), length > 0 else {
                    cells.append(.blob([]))
                    continue
                }
                cells.append(.blob(Array(UnsafeRawBufferPointer(start: blob, count: length))))
            case let type:
                throw PreparedSQLiteError(code: SQLITE_MISMATCH, message: "unexpected column type \(type)")
            }
        }
        return cells
    }

    /// `sql` prepared, and whether it is kept for the next run. The writer keeps a statement from
    /// its second run: a sync's saves run once per page, but a page whose row count differs (the
    /// last, or one whose records changed) has a text of its own, often run once, and those
    /// would push the saves out of the cache.
    private func prepared(_ sql: String) throws -> (PreparedStatement, kept: Bool) {
        if let statement = statements[sql] { return (statement, true) }
        guard let handle else { throw PreparedSQLiteError(code: SQLITE_MISUSE, message: "the connection is closed") }
        var raw: OpaquePointer?
        let result = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard result == SQLITE_OK, let raw else { throw error(result) }
        guard writes || sqlite_nio_sqlite3_stmt_readonly(raw) != 0 else {
            sqlite_nio_sqlite3_finalize(raw)
            throw PreparedSQLiteError(code: SQLITE_READONLY, message: "a statement that writes is not a read: \(sql)")
        }
        let names = (0..<sqlite_nio_sqlite3_column_count(raw)).map { index in
            sqlite_nio_sqlite3_column_name(raw, index).map { String(cString: $0) } ?? ""
        }
        let statement = PreparedStatement(raw: raw, columns: PreparedRow.Columns(names: names))
        if writes, seenOnce.insert(sql.hashValue).inserted {
            if seenOnce.count >= Self.maximumSeen { seenOnce = [] }
            return (statement, false)
        }
        if statements.count >= Self.maximumStatements { finalizeStatements() }
        statements[sql] = statement
        return (statement, true)
    }

    /// Has SQLite tell `checkpointer` of each commit instead of checkpointing at a size of log
    /// (`wal_autocheckpoint`, which this replaces): the commit checkpoints itself only when
    /// `checkpointer` says so. `checkpointer` must outlive the connection.
    func checkpointWhenCommitted(by checkpointer: SQLiteCheckpointer) {
        guard let handle else { return }
        sqlite_nio_sqlite3_wal_hook(
            handle,
            { context, database, name, pages in
                guard let context else { return SQLITE_OK }
                let checkpointer = Unmanaged<SQLiteCheckpointer>.fromOpaque(context).takeUnretainedValue()
                if checkpointer.committed(logPages: Int(pages)) {
                    // As SQLite's own at `wal_autocheckpoint`: its failure does not fail the
                    // commit, which is done.
                    _ = sqlite_nio_sqlite3_wal_checkpoint(database, name)
                }
                return SQLITE_OK
            }, Unmanaged.passUnretained(checkpointer).toOpaque())
    }

    /// Copies what the log holds into the database file without waiting for any lock
    /// (`SQLITE_CHECKPOINT_PASSIVE`): the log's size and how much of it is now copied, in pages.
    func checkpointPassively() throws -> (log: Int, copied: Int) {
        guard let handle else { throw PreparedSQLiteError(code: SQLITE_MISUSE, message: "the connection is closed") }
        var log: Int32 = 0
        var copied: Int32 = 0
        try check(sqlite_nio_sqlite3_wal_checkpoint_v2(handle, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied))
        return (Int(log), Int(copied))
    }

    /// Whether the connection is inside a transaction (SQLite's autocommit is off).
    var inTransaction: Bool { handle.map { sqlite_nio_sqlite3_get_autocommit($0) == 0 } ?? false }

    func statistics() -> [(sql: String, runs: Int, repreparations: Int)] {
        statements.map { sql, statement in
            (
                sql, Int(sqlite_nio_sqlite3_stmt_status(statement.raw, SQLITE_STMTSTATUS_RUN, 0)),
                Int(sqlite_nio_sqlite3_stmt_status(statement.raw, SQLITE_STMTSTATUS_REPREPARE, 0))
            )
        }
    }

    private func check(_ result: Int32) throws {
        guard result == SQLITE_OK else { throw error(result) }
    }

    private func error(_ result: Int32) -> PreparedSQLiteError {
        PreparedSQLiteError(code: result, message: handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "")
    }

    private func finalizeStatements() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.raw) }
        statements = [:]
    }

    func close() {
        finalizeStatements()
        sqlite_nio_sqlite3_close(handle)
        handle = nil
    }

    /// SQLite copies a bound value before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private struct PreparedStatement {
        let raw: OpaquePointer
        let columns: PreparedRow.Columns
    }
}

/// A row of `PreparedSQLiteReads`: its cells read as `SQLiteColumns` reads SQLiteNIO's
/// (`SQLiteCell.decode`).
struct PreparedRow: SQLRow {
    /// A statement's column names, in order. Found by a scan: a page's statements have five to
    /// thirty columns, and comparing short names costs less than hashing them.
    struct Columns {
        let names: [String]
        var count: Int { names.count }

        /// As SQLiteNIO's rows: a name that appears twice finds its first column.
        func index(of name: String) -> Int? { names.firstIndex(of: name) }
    }

    let columns: Columns
    let cells: [SQLiteCell]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.index(of: column) else { return true }
        if case .null = cells[index] { return true }
        return false
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.index(of: column) else { throw MissingColumn(column: column) }
        return try cells[index].decode(D.self)
    }
}
