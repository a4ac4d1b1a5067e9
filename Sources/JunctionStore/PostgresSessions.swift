import Logging
import NIOCore
import PostgresKit
import SQLKit

/// The PostgreSQL pool as an `SQLDatabase`: each statement takes a connection from the pool
/// under a lock and runs on it from the caller's task (`PostgresStatements`).
struct PostgresPooledDatabase: SQLDatabase {
    let pool: ConnectionPool<PostgresSource>
    let logger: Logger
    let queryLogLevel: Logger.Level?

    var eventLoop: any EventLoop { pool.group.any() }
    var dialect: any SQLDialect { PostgresDialect() }
    var version: (any SQLDatabaseReportedVersion)? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    /// Runs the statement pinned to its connection's event loop thread (`PostgresStatements.run`).
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let level = queryLogLevel
        try await leased { connection in
            try await PostgresStatements.run(
                query, on: connection, base: connection.sql(queryLogLevel: level), pinned: true, onRow)
        }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let level = queryLogLevel
        return try await leased { connection in
            try await closure(PostgresSession(connection: connection, base: connection.sql(queryLogLevel: level)))
        }
    }

    /// Runs `body` on a pooled connection. When it fails in a way that ends the session (the
    /// server's FATAL, a broken connection), the connection is closed before it goes back:
    /// PostgresNIO marks it closed only once its channel has closed, which can come after the
    /// error, and the pool would hand it to the next statement.
    private func leased<R>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        try await pool.withConnection { connection in
            do {
                return try await body(connection)
            } catch {
                if PostgresStatements.endsSession(error), !connection.isClosed {
                    try? await connection.close().get()
                }
                throw error
            }
        }
    }
}

/// What a session's statement fails with once the server has closed its connection.
public struct PostgresSessionClosed: Error, CustomStringConvertible {
    public var description: String { "the PostgreSQL server closed the connection of this session" }
}

/// One leased connection, whose statements fail once the connection is closed.
///
/// PostgresNIO (1.33) writes a query to its channel without a promise; when the channel is
/// already closed — the server ended the session (`pg_terminate_backend`, a restart) between
/// two statements of a transaction — the write is dropped and the query waits forever. The
/// pool never hands out a closed connection, so single statements are safe, but a session
/// (every transaction, the sync lock, the migration lock) keeps its connection and would
/// hang its caller, and with it a sync run or the scheduler. Here a session's statement fails
/// with `PostgresSessionClosed` instead once the connection is closed. (Racing each statement
/// against `closeFuture` would close the last gap, a close between the check and the write, but
/// adds a callback to a pooled connection's future per statement for the connection's lifetime.)
struct PostgresSession: WrappingSQLDatabase {
    let connection: PostgresConnection
    let base: any SQLDatabase

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        // The pool never hands out a closed connection, but a session keeps its own; a statement
        // written to it after the close would be dropped. (One the server closes while it runs
        // fails with the server's error.)
        guard !connection.isClosed else { throw PostgresSessionClosed() }
        try await PostgresStatements.run(query, on: connection, base: base, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}

/// An `SQLDatabase` that adds behaviour to another and describes itself as that one.
protocol WrappingSQLDatabase: SQLDatabase {
    var base: any SQLDatabase { get }
}

extension WrappingSQLDatabase {
    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }
}
