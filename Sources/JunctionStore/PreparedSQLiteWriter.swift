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
/// connections.
///
/// Transactions run on a thread of their own (`thread`, an event loop with no channels), their
/// statements there too, blocking it and no other: `Database.transaction` makes it the body's
/// task executor. Statements once ran on NIO's thread pool and each answer woke a thread of
/// Swift's pool, which a FULL sync keeps busy decoding and encoding the next page: a statement
/// done on the pool waited up to 3 ms for that thread to take its answer, and the saves set the
/// FULL's pace (`benchmarks/analysis.md`, thirty-eighth stop).
final class PreparedSQLiteWriter: Sendable {
    let path: String
    let logger: Logger
    /// The thread this writer's transactions and statements run on.
    let thread: any EventLoop
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

    /// The writers' threads, shared by every writer of the process and kept for its life, as
    /// NIO's own singletons are: a process writes one file (tests open many), and a thread per
    /// writer would outlive writers never closed. Writers take them in turn.
    static let threads = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)

    /// Copies the log into the file beside the writer's commits.
    let checkpointer: SQLiteCheckpointer

    init(path: String, base: any SQLDatabase) {
        self.path = path
        self.logger = base.logger
        self.base = base
        self.checkpointer = SQLiteCheckpointer(path: path, logger: base.logger)
        self.thread = Self.threads.next()
    }

    /// Runs `work` on the writer's thread: at once when called there, otherwise by a trip there.
    func onThread<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        if thread.inEventLoop { return try work() }
        return try await thread.submit(work).get()
    }

    /// Runs `body` with a session on the writer's connection. The caller holds the write gate:
    /// the connection is used by one task at a time.
    ///
    /// A session that ends inside a transaction (its `ROLLBACK` failed too) has it rolled back
    /// here, or the connection closed, so the next transaction never begins inside it.
    func withSession<R>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        let connection = try await sessionConnection()
        let session = Session(writer: self, connection: connection)
        do {
            let result = try await body(session)
            try await settle(connection)
            return result
        } catch {
            try? await settle(connection)
            throw error
        }
    }

    /// Nothing to do, without a trip to the writer's thread, when the session ended its
    /// transaction (every transaction does): no statement is running, so asking SQLite here is safe.
    private func settle(_ connection: PreparedSQLiteConnection) async throws {
        guard connection.inTransaction else { return }
        try await onThread {
            try? connection.run("ROLLBACK", []) { _ in }
            guard connection.inTransaction else { return }
            self.logger.error("the SQLite writer's connection could not leave a transaction; it is opened again")
            self.connection.withLock { state in
                if case .open(let open) = state, open === connection { state = .unopened }
            }
            connection.close()
        }
    }

    /// The open connection, taken here; opening one reads the file, so that runs on the
    /// writer's thread.
    private func sessionConnection() async throws -> PreparedSQLiteConnection {
        if let open = try connection.withLock({ try $0.current() }) { return open }
        return try await onThread { try self.opened() }
    }

    private func opened() throws -> PreparedSQLiteConnection {
        try connection.withLock { state in
            if let open = try state.current() { return open }
            let connection = try PreparedSQLiteConnection(path: path, writes: true)
            connection.checkpointWhenCommitted(by: checkpointer)
            state = .open(connection)
            return connection
        }
    }

    /// Closes the connection, then the checkpointer's; no transaction may be running.
    func close() async {
        let open = connection.withLock { state -> PreparedSQLiteConnection? in
            defer { state = .closed }
            if case .open(let connection) = state { return connection }
            return nil
        }
        open?.close()
        await checkpointer.close()
    }

    /// Per statement kept by the writer: how often it ran and how often SQLite had to prepare
    /// it again. For tests, with no transaction running.
    func statistics() -> [(sql: String, runs: Int, repreparations: Int)] {
        connection.withLock { state in
            if case .open(let connection) = state { return connection.statistics() }
            return []
        }
    }

    /// A transaction's statements, each run on the writer's thread: where the transaction runs
    /// (`Database.transaction`), at once.
    private struct Session: SQLDatabase {
        let writer: PreparedSQLiteWriter
        let connection: PreparedSQLiteConnection
        var base: any SQLDatabase { writer.base }
        var eventLoop: any EventLoop { writer.thread }
        var logger: Logger { writer.logger }
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
            try await writer.onThread { try connection.run(sql, binds, onRow) }
        }

        func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
            try await closure(self)
        }
    }
}
