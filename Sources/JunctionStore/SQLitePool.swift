import Logging
import NIOCore
import SQLiteNIO
import Synchronization

/// The open connections to one SQLite file, handed to tasks under a lock.
///
/// AsyncKit's pool keeps each connection on an event loop and hands it out there: every statement
/// hopped from the task to that loop for a connection and back before SQLiteNIO's thread ran it.
/// Here taking an idle connection is a lock, so a statement costs the hop to SQLiteNIO's thread
/// and back. Up to `maximum` connections are opened as needed (never closed while the process
/// runs); past that, a task waits for one, at most `requestTimeout`.
final class SQLiteConnectionPool: Sendable {
    private typealias Waiter = CheckedContinuation<SQLiteConnection, any Error>

    private struct State {
        var idle: [SQLiteConnection] = []
        var opened = 0
        var waiters: [(id: Int, continuation: Waiter, timeout: Task<Void, Never>?)] = []
        var lastWaiter = 0
        var closed = false
    }

    /// What a request for a connection found.
    private enum Found {
        case connection(SQLiteConnection)
        case open
        case waiting(id: Int)
        case failure(any Error)
    }

    let source: TunedSQLiteSource
    let maximum: Int
    let group: any EventLoopGroup
    let logger: Logger
    let requestTimeout: Duration
    private let state = Mutex(State())

    init(
        source: TunedSQLiteSource, maximum: Int, group: any EventLoopGroup, logger: Logger,
        requestTimeout: Duration = .seconds(30)
    ) {
        self.source = source
        self.maximum = max(1, maximum)
        self.group = group
        self.logger = logger
        self.requestTimeout = requestTimeout
    }

    /// Runs `body` with a connection of its own, returned to the pool when `body` ends.
    func withConnection<Result>(_ body: (SQLiteConnection) async throws -> Result) async throws -> Result {
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
            waiter.continuation.resume(throwing: SQLitePoolError.closed)
        }
        for connection in idle { try await connection.close() }
    }

    private func acquire() async throws -> SQLiteConnection {
        // Most requests find an idle connection: no continuation, no task.
        if let connection = state.withLock({ Self.takeIdle(&$0) }) { return connection }
        return try await withCheckedThrowingContinuation { (continuation: Waiter) in
            let found = state.withLock { state -> Found in
                if state.closed { return .failure(SQLitePoolError.closed) }
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
                // At most `maximum` times in a process's life.
                Task {
                    do {
                        let connection = try await source.makeConnection(logger: logger, on: group.any()).get()
                        continuation.resume(returning: connection)
                    } catch {
                        state.withLock { $0.opened -= 1 }
                        continuation.resume(throwing: error)
                    }
                }
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
                    waiter?.resume(throwing: SQLitePoolError.timedOut(timeout))
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

    private func release(_ connection: SQLiteConnection) {
        enum Next {
            case handOver(Waiter)
            case close
            case kept
        }
        let next = state.withLock { state -> Next in
            if state.closed || connection.isClosed {
                state.opened -= 1
                return .close
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
        case .close:
            if !connection.isClosed { Task { try? await connection.close() } }
        case .kept:
            break
        }
    }

    private static func takeIdle(_ state: inout State) -> SQLiteConnection? {
        while let connection = state.idle.popLast() {
            if !connection.isClosed { return connection }
            state.opened -= 1
        }
        return nil
    }
}

enum SQLitePoolError: Error, CustomStringConvertible {
    case closed
    case timedOut(Duration)

    var description: String {
        switch self {
        case .closed: "the SQLite connection pool is closed"
        case .timedOut(let wait): "no SQLite connection became free within \(wait)"
        }
    }
}
