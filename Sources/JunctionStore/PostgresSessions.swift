import Logging
import NIOCore
import PostgresKit
import SQLKit

/// The PostgreSQL pool as an `SQLDatabase` whose sessions cannot hang on a connection the
/// server closed.
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
struct PostgresPoolDatabase: WrappingSQLDatabase {
    let postgres: any PostgresDatabase
    let base: any SQLDatabase

    init(postgres: any PostgresDatabase, queryLogLevel: Logger.Level?) {
        self.postgres = postgres
        self.base = postgres.sql(queryLogLevel: queryLogLevel)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        guard let (sql, bindings) = PostgresStatements.prepared(query, serializedBy: base) else {
            return base.execute(sql: query, onRow)
        }
        return postgres.withConnection { PostgresStatements.run(sql: sql, bindings: bindings, on: $0, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let level = queryLogLevel
        // The closure's result crosses the future as a box: `R` need not be Sendable here.
        let box = try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                let session = PostgresSession(connection: connection, base: connection.sql(queryLogLevel: level))
                return UncheckedBox(try await closure(session))
            }
        }.get()
        return box.value
    }
}

/// What a session's statement fails with once the server has closed its connection.
public struct PostgresSessionClosed: Error, CustomStringConvertible {
    public var description: String { "the PostgreSQL server closed the connection of this session" }
}

/// One leased connection, whose statements fail once the connection is closed.
struct PostgresSession: WrappingSQLDatabase {
    let connection: PostgresConnection
    let base: any SQLDatabase

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        // The pool never hands out a closed connection, but a session keeps its own; a statement
        // written to it after the close would be dropped. (One the server closes while it runs
        // fails with the server's error.)
        guard !connection.isClosed else { return eventLoop.makeFailedFuture(PostgresSessionClosed()) }
        return PostgresStatements.run(query, serializedBy: base, on: connection, onRow)
            ?? base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
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

/// Carries a value that is used by one task at a time across an API that asks for Sendable.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
