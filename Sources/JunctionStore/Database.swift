@preconcurrency import AsyncKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit
import VaporCSQLite

/// Where the store lives: an SQLite file (the embedded default) or a PostgreSQL server (for
/// several instances sharing one database).
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// Reads a database URL: `postgres://` / `postgresql://` for PostgreSQL, `sqlite://PATH` or a
    /// plain file path for SQLite.
    public static func parse(_ text: String) throws(StoreError) -> DatabaseLocation {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            return .postgres(url: text)
        }
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw .configuration("sqlite:// needs a file path, as in sqlite:///var/lib/junction.sqlite")
            }
            return .sqlite(path: path)
        }
        if text.contains("://") {
            throw .configuration(
                "unsupported database URL scheme in '\(text.prefix { $0 != ":" })://…'; use postgres:// or sqlite://")
        }
        return .sqlite(path: text)
    }

    public var kind: Database.Kind {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// A description safe to log: never the password of a PostgreSQL URL.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres:(unparsable url)" }
            if components.password != nil { components.password = "***" }
            return components.string ?? "postgres"
        }
    }
}

/// A pooled connection to the store's SQL database, in one of the two dialects.
///
/// Everything above this type speaks SQLKit; the only dialect differences that leak out are the
/// ones `Kind` names (transaction start, advisory locks), and they stay inside `JunctionStore`.
public final class Database: Sendable {
    public enum Kind: String, Sendable { case sqlite, postgres }

    public let kind: Kind
    public let location: DatabaseLocation
    /// Whether two transactions write at the same time: PostgreSQL's do, each in its own
    /// backend; SQLite has one writer, so a second writing task only waits for the first.
    public var writesConcurrently: Bool { kind == .postgres }
    /// The pooled database; each statement takes a connection from the pool.
    public let sql: any SQLDatabase
    /// For the short reads every page runs (the API key's statement, the page's query): on
    /// SQLite run on the caller's thread with statements prepared once (`PreparedSQLiteReads`),
    /// on PostgreSQL the pool itself.
    let reads: any SQLDatabase
    /// `reads` on SQLite, for its statements' statistics.
    var preparedReads: PreparedSQLiteReads? { (reads as? NULFreeSQLDatabase)?.base as? PreparedSQLiteReads }
    /// SQLite only: the in-process queue for writers (see `SQLiteWriteGate`).
    let writeGate: SQLiteWriteGate?
    /// SQLite only: the connection transactions run on (`PreparedSQLiteWriter`).
    let writer: PreparedSQLiteWriter?
    /// Where this database's transactions run, for tasks that mostly run them (a sync's page
    /// saves): SQLite's writer thread; nil on PostgreSQL, whose transactions run where called.
    public var transactionExecutor: (any TaskExecutor)? { writer.map { EventLoopTaskExecutor.of($0.thread) } }
    private let closePool: @Sendable () async throws -> Void
    private let closed = OnceFlag()

    private init(
        kind: Kind, location: DatabaseLocation, sql: any SQLDatabase, reads: (any SQLDatabase)? = nil,
        writeGate: SQLiteWriteGate? = nil, writer: PreparedSQLiteWriter? = nil,
        closePool: @escaping @Sendable () async throws -> Void
    ) {
        self.kind = kind
        self.location = location
        self.sql = sql
        self.reads = reads ?? sql
        self.writeGate = writeGate
        self.writer = writer
        self.closePool = closePool
    }

    /// Opens a pool to `location`. For SQLite the file's folder is created when missing.
    public static func open(
        _ location: DatabaseLocation,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        maxConnectionsPerEventLoop: Int = 4
    ) async throws -> Database {
        // As many connections as AsyncKit's pool allowed (it was the pool of both before issue
        // 22): that many per event loop.
        let loops = eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 }
        switch location {
        case .sqlite(let path):
            let url = URL(fileURLWithPath: path)
            try PrivateFiles.prepareSQLiteFile(url, logger: logger)
            try await TunedSQLiteSource.switchToWriteAheadLog(path: url.path)
            let pool = SQLiteConnectionPool(
                source: TunedSQLiteSource(path: url.path), database: "SQLite",
                maximum: maxConnectionsPerEventLoop * loops,
                group: eventLoopGroup, logger: logger)
            let gate = SQLiteWriteGate.forFile(url.path)
            let direct = DirectSQLiteDatabase(PooledSQLiteDatabase(pool: pool, logger: logger), queryLogLevel: .trace)
            let database = NULFreeSQLDatabase(base: GatedSQLiteDatabase(base: direct, gate: gate))
            let reads = PreparedSQLiteReads(path: url.path, base: direct.base, maximumIdle: pool.maximum)
            let writer = PreparedSQLiteWriter(path: url.path, base: direct.base)
            return Database(
                kind: .sqlite, location: location, sql: database, reads: NULFreeSQLDatabase(base: reads),
                writeGate: gate, writer: writer
            ) {
                reads.close()
                // Under the gate: a transaction still running finishes first.
                try await gate.withWriteLock { await writer.close() }
                try await pool.close()
            }
        case .postgres(let url):
            let configuration: SQLPostgresConfiguration
            do {
                configuration = try SQLPostgresConfiguration(url: url)
            } catch {
                throw StoreError.configuration("invalid PostgreSQL URL \(location): \(error)")
            }
            let pool = ConnectionPool(
                source: PostgresSource(configuration: configuration), database: "PostgreSQL",
                maximum: maxConnectionsPerEventLoop * loops, group: eventLoopGroup, logger: logger)
            let database = NULFreeSQLDatabase(
                base: PostgresPooledDatabase(pool: pool, logger: logger, queryLogLevel: .trace))
            return Database(kind: .postgres, location: location, sql: database) { try await pool.close() }
        }
    }

    /// Runs `body` inside one transaction on one connection; commits when it returns, rolls back
    /// when it throws.
    ///
    /// Inside `body`, use only the connection it is given: on SQLite the transaction holds the
    /// process's write gate, and a write through `sql` would wait for it forever.
    ///
    /// SQLite transactions start `IMMEDIATE` so two writers queue on the file lock up front
    /// instead of failing with SQLITE_BUSY when a read lock is upgraded.
    ///
    /// `pinned` runs `body` on the connection's event loop thread (PostgreSQL). Each statement
    /// is then written and answered on that thread, where otherwise the caller's task hands it
    /// to the loop and is woken again for its answer, two wake-ups of a thread per statement
    /// (`docs/decisions.md`, "A write's transaction runs on its connection's thread"). For short
    /// transactions only: whatever `body` computes delays every other channel on that loop.
    /// SQLite runs every transaction, pinned or not, on its writer's own thread, which serves
    /// no channel (`PreparedSQLiteWriter`).
    public func transaction<Result: Sendable>(
        pinned: Bool = false, _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await withWriteGate { try await self.unguardedTransaction(pinned: pinned, body) }
    }

    /// Runs `body` as this process's only SQLite writer; on PostgreSQL simply runs it.
    func withWriteGate<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        if let writeGate { try await writeGate.withWriteLock(body) } else { try await body() }
    }

    private func unguardedTransaction<Result: Sendable>(
        pinned: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        let begin = kind == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        // On SQLite every transaction runs on the writer's own thread (`PreparedSQLiteWriter`).
        let onConnectionThread = pinned || kind == .sqlite
        return try await withTransactionSession { connection in
            // A session's `eventLoop` is its connection's.
            let executor = onConnectionThread ? EventLoopTaskExecutor.of(connection.eventLoop) : nil
            return try await withTaskExecutorPreference(executor) {
                try await connection.raw(SQLQueryString(begin)).run()
                do {
                    let result = try await body(connection)
                    try await Self.uncancelled(on: executor) { try await connection.raw("COMMIT").run() }
                    return result
                } catch {
                    // A cancelled caller (a sync stopped at its time limit) still ends the
                    // transaction: otherwise the pooled connection would go back still inside it.
                    try? await Self.uncancelled(on: executor) { try await connection.raw("ROLLBACK").run() }
                    throw error
                }
            }
        }
    }

    /// A session for one transaction: on SQLite the writer's connection, with NUL cleaned from
    /// its binds as the pool's sessions clean them; on PostgreSQL a pooled connection.
    private func withTransactionSession<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        guard let writer else { return try await sql.withSession(body) }
        return try await writer.withSession { session in try await body(NULFreeSQLDatabase(base: session)) }
    }

    /// Runs `work` in a task of its own, which the caller's cancellation does not reach, on
    /// `executor` when given.
    static func uncancelled(
        on executor: (any TaskExecutor)? = nil, _ work: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await Task(executorPreference: executor) { try await work() }.value
    }

    /// Gives PostgreSQL's planner statistics now for the tables a FULL changed in bulk.
    ///
    /// Autovacuum analyzes a table once 50 rows and a tenth of it changed, but at its next
    /// round (a minute by default, later on a busy server); until then a table a FULL just filled
    /// has no statistics, and the applications page took 40 ms in the database instead of 1.5 ms
    /// (it sorted every application of the integration instead of walking the primary key).
    /// This applies autovacuum's rule at once, to `changes` (rows changed per table), against
    /// the table's size as last measured (`pg_class.reltuples`, negative before any analysis),
    /// so a FULL that changed little analyzes nothing. SQLite keeps no statistics (no `ANALYZE`
    /// is run): its plans come from the schema alone, the same on every pooled connection, and
    /// the queries are written for that. Returns the tables analyzed.
    @discardableResult
    public func analyze(changes: [String: Int]) async throws -> [String] {
        guard kind == .postgres, !changes.isEmpty else { return [] }
        struct Size: Decodable {
            let name: String
            let never: Bool
            let rows: Int64
        }
        let sizes = try await sql.raw(
            """
            SELECT relname AS name, reltuples < 0 AS never, GREATEST(reltuples, 0)::bigint AS rows FROM pg_class
            WHERE relkind = 'r' AND pg_table_is_visible(oid) AND relname IN (\(binds: Array(changes.keys)))
            """
        ).all(decoding: Size.self)
        let due = sizes.filter { size in
            size.never || Double(changes[size.name] ?? 0) >= 50 + 0.1 * Double(size.rows)
        }.map(\.name).sorted()
        guard !due.isEmpty else { return [] }
        // A table per statement, two at a time, largest first, on the pool's connections: one
        // `ANALYZE` of several tables analyzes them one after another, and at a 100,000-candidate
        // FULL's end the candidates' and the applications' took 1.4 and 1.5 s, one after the
        // other, while the machine's other core waited (`benchmarks/analysis.md`, twenty-third
        // stop). Two, not all: each holds a connection, and a pool is shared.
        let rows = Dictionary(sizes.map { ($0.name, $0.rows) }, uniquingKeysWith: max)
        var waiting = due.sorted { (rows[$0] ?? 0, $1) > (rows[$1] ?? 0, $0) }[...]
        let sql = sql
        try await withThrowingTaskGroup(of: Void.self) { group in
            func start() {
                guard let table = waiting.popFirst() else { return }
                group.addTask { try await sql.raw("ANALYZE \(ident: table)").run() }
            }
            start()
            start()
            while try await group.next() != nil { start() }
        }
        return due
    }

    /// Answers whether the database takes queries (for `/healthz`).
    public func ping() async throws {
        _ = try await sql.raw("SELECT 1 AS one").all()
    }

    /// Closes every pooled connection, after the last query. Later calls do nothing.
    public func close() async throws {
        guard closed.set() else { return }
        try await closePool()
    }
}

// MARK: - SQLite pool

/// Opens SQLite connections tuned for a server: write-ahead logging so readers never block the
/// writer, a busy timeout so concurrent writers wait instead of failing, foreign keys on, and a
/// page cache of 8 MiB instead of SQLite's 2 MiB: an applications page (its documents and their
/// candidates') did not fit in 2 MiB, and re-reading its pages from the file was a tenth of its
/// CPU (`docs/decisions.md`, "Performance, first steps").
///
/// The log is copied back into the database file (a checkpoint, with an fsync) once it holds
/// 10,000 pages (40 MiB) instead of SQLite's 1,000. A FULL's commit paid for every checkpoint:
/// a page written again between two of them (an index's inner pages, a table's last leaf) was
/// copied each time, and a 20,000-candidate FULL spent 20% less CPU with the larger log
/// (`docs/decisions.md`, "A checkpoint every 40 MiB of log"). That is the pool's connections'
/// setting (migrations, a write outside a transaction); the writer's connection, where every
/// transaction runs, leaves its checkpoints to `SQLiteCheckpointer`, beside its commits.
struct TunedSQLiteSource: ConnectionPoolSource {
    /// Pages of log after which a commit of the pool's copies the log into the database file.
    static let checkpointPages = 10_000

    /// What every connection sets first, the page reads' too: a busy timeout, so it waits for
    /// another's lock instead of failing, and the page cache's size.
    static let connectionPragmas = ["PRAGMA busy_timeout = 10000", "PRAGMA cache_size = -8192"]

    /// What a connection that writes sets after `connectionPragmas` (a write-ahead
    /// log, foreign keys, a commit without fsync, the checkpoint's size), as the pool's
    /// connections and the writer (`PreparedSQLiteWriter`) both do.
    static let writerPragmas = [
        "PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL",
        "PRAGMA wal_autocheckpoint = \(checkpointPages)",
    ]

    let path: String

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: logger, on: eventLoop)
            .flatMap { connection in
                // busy_timeout first: switching to WAL takes a lock that another new connection
                // may hold for a moment.
                let pragmas = Self.connectionPragmas + Self.writerPragmas
                return pragmas.reduce(eventLoop.makeSucceededVoidFuture()) { future, pragma in
                    future.flatMap {
                        connection.query(pragma).map { _ in }.flatMapErrorThrowing { error in
                            throw ConnectionSetupFailed(pragma: pragma, error: error)
                        }
                    }
                }.map { connection }.flatMapError { error in
                    // Closed, not dropped: SQLiteNIO requires it (an unclosed connection's handle
                    // leaks, and a debug build stops on it).
                    connection.close().flatMapThrowing { throw error }
                }
            }
    }
}

extension TunedSQLiteSource {
    /// Puts the file in write-ahead-log mode before any connection of the pool or the writer
    /// opens it. Switching takes the file's exclusive lock, and when two connections switch a new
    /// file at once SQLite fails one with "database is locked" at once instead of waiting for its
    /// busy timeout (it would deadlock otherwise). That is the likely cause of a CI run that
    /// stopped on an unclosed pool connection: the pool's first connection and the writer's can
    /// open a new file together. The mode is kept in the file, so every later connection's
    /// `journal_mode = WAL` takes no lock. Another process switching the same new file is waited
    /// for, up to `patience`; a file SQLite cannot use is a configuration error naming it.
    static func switchToWriteAheadLog(path: String, patience: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                // The writer's settings begin with the switch.
                try PreparedSQLiteConnection(path: path, writes: true).close()
                return
            } catch let error as PreparedSQLiteError where error.code & 0xFF == SQLITE_BUSY {
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(10))
            } catch let error as PreparedSQLiteError {
                throw StoreError.configuration("cannot use the SQLite file \(path): \(error.message)")
            }
        }
    }
}

/// A new SQLite connection's setting that SQLite refused, with SQLite's error.
struct ConnectionSetupFailed: Error, CustomStringConvertible {
    let pragma: String
    let error: any Error
    var description: String { "setting up an SQLite connection, \(pragma) failed: \(error)" }
}

// MARK: - PostgreSQL pool

/// Opens PostgreSQL connections as PostgresKit's source does (which is not `Sendable`), except
/// that a connection without TLS reads its answers through `PostgresMessageSplitter`: Junction
/// opens the socket and hands it to PostgresNIO.
struct PostgresSource: ConnectionPoolSource, Sendable {
    let configuration: SQLPostgresConfiguration

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<PostgresConnection> {
        let core = configuration.coreConfiguration
        guard !core.tls.isAllowed, core.establishedChannel == nil else {
            return PostgresConnectionSource(sqlConfiguration: configuration).makeConnection(
                logger: logger, on: eventLoop)
        }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(core.options.connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(PostgresMessageSplitter())
                }
            }
        let socket: EventLoopFuture<any Channel>
        if let path = core.unixSocketPath {
            socket = bootstrap.connect(unixDomainSocketPath: path)
        } else {
            socket = bootstrap.connect(host: core.host ?? "localhost", port: core.port ?? 5432)
        }
        let searchPath = configuration.searchPath
        return socket.flatMap { channel in
            var established = PostgresConnection.Configuration(
                establishedChannel: channel, tls: .disable, username: core.username, password: core.password,
                database: core.database)
            established.options = core.options
            // PostgresKit's source on the open channel: its connection ids and search path.
            return PostgresConnectionSource(
                sqlConfiguration: SQLPostgresConfiguration(coreConfiguration: established, searchPath: searchPath)
            ).makeConnection(logger: logger, on: eventLoop).flatMapError { error in
                channel.close(promise: nil)
                return eventLoop.makeFailedFuture(error)
            }
        }
    }
}

/// `SQLiteDatabase` over a connection pool (SQLiteKit ships only the single-connection one).
struct PooledSQLiteDatabase: SQLiteDatabase {
    let pool: SQLiteConnectionPool
    let logger: Logger

    var eventLoop: any EventLoop { pool.group.any() }

    func query(
        _ query: String, _ binds: [SQLiteData], logger: Logger, _ onRow: @escaping @Sendable (SQLiteRow) -> Void
    ) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.query(query, binds, onRow) }
    }

    /// On a pooled connection, through SQLiteNIO's async query (rows stay on its thread).
    func query(_ query: String, _ binds: [SQLiteData], _ onRow: @escaping @Sendable (SQLiteRow) -> Void) async throws {
        try await pool.withConnection { connection in try await connection.query(query, binds, onRow) }
    }

    func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) -> EventLoopFuture<T>) -> EventLoopFuture<
        T
    > {
        let promise = eventLoop.makePromise(of: T.self)
        let pool = pool
        Task {
            do {
                try await pool.withConnection { connection in
                    // The closure's future completes the promise on its own loop.
                    let future = closure(connection)
                    future.cascade(to: promise)
                    _ = try? await future.map { _ in () }.get()
                }
            } catch {
                promise.fail(error)
            }
        }
        return promise.futureResult
    }

    func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        try await pool.withConnection(closure)
    }
}

/// A flag that can be raised once, from any thread.
private final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    /// Raises the flag; true only for the call that raised it.
    func set() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if raised { return false }
        raised = true
        return true
    }
}
