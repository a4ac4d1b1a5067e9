import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import Synchronization
// The SQLite that SQLiteNIO compiles in (`PreparedSQLiteReads` says why the same copy).
import VaporCSQLite

/// The connection every SQLite transaction of this process runs on, on SQLite's C interface with
/// its statements prepared once (`PreparedSQLiteConnection`).
///
/// Through SQLiteNIO each statement was prepared again and each bound text copied into a new C
/// string: in a FULL sync, preparing its page-sized saves (thousands of parameters each) was
/// 3.6% of the CPU, and SQLiteNIO's binding and reading of cells a quarter of all object allocations
/// (`benchmarks/analysis.md`, thirty-third stop). Transactions already run one at a time behind
/// the file's write gate (`SQLiteWriteGate`), so one connection serves them all, and its page
/// cache stays warm from one transaction to the next where the pool handed each to any of its
/// connections. Statements run on NIO's thread pool, as SQLiteNIO runs them, never blocking a
/// task's thread; each statement's rows are handed over there.
final class PreparedSQLiteWriter: Sendable {
    let path: String
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    /// SQLiteKit's database over the same file: its dialect and version.
    let base: any SQLDatabase
    /// Opened by the first transaction (migrations, which create the file's tables, run on the
    /// pool first); closed for good by `close`.
    private let connection = Mutex<State>(.unopened)

    private enum State {
        case unopened
        case open(PreparedSQLiteConnection)
        case closed

        /// The open connection, nil when it is still to be opened; a closed writer throws.
        func current() throws -> PreparedSQLiteConnection? {
            switch self {
            case .open(let connection): return connection
            case .closed: throw PreparedSQLiteError(code: SQLITE_MISUSE, message: "the database is closed")
            case .unopened: return nil
            }
        }
    }

    init(path: String, base: any SQLDatabase, eventLoopGroup: any EventLoopGroup) {
        self.path = path
        self.logger = base.logger
        self.base = base
        self.eventLoopGroup = eventLoopGroup
    }

    /// Runs `body` with a session on the writer's connection. The caller holds the write gate:
    /// the connection is used by one task at a time.
    ///
    /// A session that ends inside a transaction (its `ROLLBACK` failed too) has it rolled back
    /// here, or the connection closed, so the next transaction never begins inside it.
    func withSession<R>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        let connection = try await sessionConnection()
        let session = Session(connection: connection, base: base, eventLoop: eventLoopGroup.any(), logger: logger)
        do {
            let result = try await body(session)
            try await settle(connection)
            return result
        } catch {
            try? await settle(connection)
            throw error
        }
    }

    /// Nothing to do, without a trip to the thread pool, when the session ended its transaction
    /// (every transaction does): no statement is running, so asking SQLite here is safe.
    private func settle(_ connection: PreparedSQLiteConnection) async throws {
        guard connection.inTransaction else { return }
        try await NIOThreadPool.singleton.runIfActive {
            try? connection.run("ROLLBACK", []) { _ in }
            guard connection.inTransaction else { return }
            self.logger.error("the SQLite writer's connection could not leave a transaction; it is opened again")
            self.connection.withLock { state in
                if case .open(let open) = state, open === connection { state = .unopened }
            }
            connection.close()
        }
    }

    /// The open connection, taken here; opening one reads the file, so that runs on the pool.
    private func sessionConnection() async throws -> PreparedSQLiteConnection {
        if let open = try connection.withLock({ try $0.current() }) { return open }
        return try await NIOThreadPool.singleton.runIfActive { try self.opened() }
    }

    private func opened() throws -> PreparedSQLiteConnection {
        try connection.withLock { state in
            if let open = try state.current() { return open }
            let connection = try PreparedSQLiteConnection(path: path, writes: true)
            state = .open(connection)
            return connection
        }
    }

    /// Closes the connection; no transaction may be running.
    func close() {
        let open = connection.withLock { state -> PreparedSQLiteConnection? in
            defer { state = .closed }
            if case .open(let connection) = state { return connection }
            return nil
        }
        open?.close()
    }

    /// Per statement kept by the writer: how often it ran and how often SQLite had to prepare
    /// it again. For tests, with no transaction running.
    func statistics() -> [(sql: String, runs: Int, repreparations: Int)] {
        connection.withLock { state in
            if case .open(let connection) = state { return connection.statistics() }
            return []
        }
    }

    /// A transaction's statements, each run on the thread pool.
    private struct Session: SQLDatabase {
        let connection: PreparedSQLiteConnection
        let base: any SQLDatabase
        let eventLoop: any EventLoop
        let logger: Logger
        var dialect: any SQLDialect { base.dialect }
        var version: (any SQLDatabaseReportedVersion)? { base.version }
        var queryLogLevel: Logger.Level? { .trace }

        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
            -> EventLoopFuture<Void>
        {
            eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
        }

        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
            let (sql, binds) = try SQLiteBinds.statement(query, on: self)
            logger.trace("Executing query", metadata: ["sql": .string(sql)])
            let connection = connection
            try await NIOThreadPool.singleton.runIfActive { try connection.run(sql, binds, onRow) }
        }

        func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
            try await closure(self)
        }
    }
}
