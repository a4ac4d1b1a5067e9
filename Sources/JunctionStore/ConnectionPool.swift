@preconcurrency import AsyncKit
import Logging
import NIOCore
import SQLiteNIO
import Synchronization

/// The open connections to one database, handed to tasks under a lock.
///
/// AsyncKit's pool keeps each connection on an event loop and hands it out there: every statement
/// hopped from the task to that loop for a connection and back before the connection ran it.
/// Here taking an idle connection is a lock, so a statement costs only the hops the connection
/// itself needs. Up to `maximum` connections are opened as needed; past that, a task waits for
/// one, at most `requestTimeout`. A connection found closed (a PostgreSQL server restarted) is
/// dropped, and a waiting task gets a new one opened in its place.
final class ConnectionPool<Source: ConnectionPoolSource & Sendable>: Sendable where Source.Connection: Sendable {
    typealias Connection = Source.Connection
    private typealias Waiter = CheckedContinuation<Connection, any Error>

    private struct State {
        var idle: [Connection] = []
        var opened = 0
        var waiters: [(id: Int, continuation: Waiter, timeout: Task<Void, Never>?)] = []
        var lastWaiter = 0
        var closed = false
    }

    /// What a request for a connection found.
    private enum Found {
        case connection(Connection)
        case open
        case waiting(id: Int)
        case failure(any Error)
    }

    let source: Source
    /// What the errors call the database: "SQLite", "PostgreSQL".
    let database: String
    let maximum: Int
    let group: any EventLoopGroup
    let logger: Logger
    let requestTimeout: Duration
    private let state = Mutex(State())

    init(
        source: Source, database: String, maximum: Int, group: any EventLoopGroup, logger: Logger,
        requestTimeout: Duration = .seconds(30)
    ) {
        self.source = source
        self.database = database
        self.maximum = max(1, maximum)
        self.group = group
        self.logger = logger
        self.requestTimeout = requestTimeout
    }

    /// Runs `body` with a connection of its own, returned to the pool when `body` ends.
    func withConnection<Result>(_ body: (Connection) async throws -> Result) async throws -> Result {
        let connection = try await acquire()
        defer { release(connection) }
        return try await body(connection)
    }

    /// Closes the idle connections and refuses further requests; a connection in use is closed
    /// when it comes back.
    func close() async throws {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.continuation.resume(throwing: PoolError.closed(database: database))
        }
        for connection in idle where !connection.isClosed { try await connection.close().get() }
    }

    private func acquire() async throws -> Connection {
        // Most requests find an idle connection: no continuation, no task.
        if let connection = state.withLock({ Self.takeIdle(&$0) }) { return connection }
        return try await withCheckedThrowingContinuation { (continuation: Waiter) in
            let found = state.withLock { state -> Found in
                if state.closed { return .failure(PoolError.closed(database: database)) }
                if let connection = Self.takeIdle(&state) { return .connection(connection) }
                if state.opened < maximum {
                    state.opened += 1
                    return .open
                }
                state.lastWaiter += 1
                state.waiters.append((state.lastWaiter, continuation, nil))
                return .waiting(id: state.lastWaiter)
            }
            switch found {
            case .connection(let connection):
                continuation.resume(returning: connection)
            case .failure(let error):
                continuation.resume(throwing: error)
            case .open:
                open(for: continuation)
            case .waiting(let id):
                // Cancelled when the waiter is served, so a busy pool keeps no sleeping task per
                // request it served for the rest of the timeout.
                let timeout = requestTimeout
                let timer = Task {
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    let waiter = state.withLock { state -> Waiter? in
                        guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                        return state.waiters.remove(at: index).continuation
                    }
                    waiter?.resume(throwing: PoolError.timedOut(database: self.database, wait: timeout))
                }
                let served = state.withLock { state -> Bool in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return true }
                    state.waiters[index].timeout = timer
                    return false
                }
                if served { timer.cancel() }
            }
        }
    }

    /// Opens a connection for `continuation`, which the state already counts in `opened`.
    private func open(for continuation: Waiter) {
        Task {
            do {
                let connection = try await source.makeConnection(logger: logger, on: group.any()).get()
                continuation.resume(returning: connection)
            } catch {
                state.withLock { $0.opened -= 1 }
                continuation.resume(throwing: error)
            }
        }
    }

    /// What becomes of a connection given back.
    private enum Next {
        case handOver(Waiter)
        case replace(Waiter)
        case close
        case kept
    }

    private func release(_ connection: Connection) {
        let next = state.withLock { state -> Next in
            if state.closed {
                state.opened -= 1
                return .close
            }
            if connection.isClosed {
                // Its place goes to the first waiter, on a new connection; without one, the
                // waiters would sit until their timeout while the pool had room.
                guard !state.waiters.isEmpty else {
                    state.opened -= 1
                    return .close
                }
                let waiter = state.waiters.removeFirst()
                waiter.timeout?.cancel()
                return .replace(waiter.continuation)
            }
            if !state.waiters.isEmpty {
                let waiter = state.waiters.removeFirst()
                waiter.timeout?.cancel()
                return .handOver(waiter.continuation)
            }
            state.idle.append(connection)
            return .kept
        }
        switch next {
        case .handOver(let waiter):
            waiter.resume(returning: connection)
        case .replace(let waiter):
            open(for: waiter)
        case .close:
            // The task keeps the connection until it has closed (PostgresNIO asserts that a
            // connection is closed before it is released).
            if !connection.isClosed { Task { try? await connection.close().get() } }
        case .kept:
            break
        }
    }

    /// An idle connection, preferably one whose event loop is the calling thread's: a request
    /// handled on its loop (`LoopBoundHTTP1Channel`) then runs a pinned statement without
    /// leaving its thread. Otherwise the last one given back.
    private static func takeIdle(_ state: inout State) -> Connection? {
        if let index = state.idle.lastIndex(where: { $0.eventLoop.inEventLoop }) {
            state.idle.append(state.idle.remove(at: index))
        }
        while let connection = state.idle.popLast() {
            if !connection.isClosed { return connection }
            state.opened -= 1
        }
        return nil
    }
}

/// The pool of SQLite connections, one per file.
typealias SQLiteConnectionPool = ConnectionPool<TunedSQLiteSource>

enum PoolError: Error, CustomStringConvertible {
    case closed(database: String)
    case timedOut(database: String, wait: Duration)

    var description: String {
        switch self {
        case .closed(let database): "the \(database) connection pool is closed"
        case .timedOut(let database, let wait): "no \(database) connection became free within \(wait)"
        }
    }
}
