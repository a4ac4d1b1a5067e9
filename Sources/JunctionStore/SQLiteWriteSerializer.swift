import Foundation
import Logging
import NIOCore
import SQLKit

/// Lets one SQLite writer at a time into a database file, within this process.
///
/// SQLite allows a single writer per file; others wait in its busy handler, and that wait
/// blocks one of the few threads that run every SQLite call. With two cores the pool has two
/// threads, so two waiting writers starve the writer holding the lock, which needs a thread to
/// commit: a deadlock that ends only when the busy timeout fails them. Queueing writers here,
/// as suspended tasks rather than blocked threads, removes it. Other processes on the same file
/// (for example `junction keys` beside `junction serve`) still meet SQLite's busy timeout.
final class SQLiteWriteGate: Sendable {
    private let mutex = AsyncMutex()

    func withWriteLock<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        try await mutex.withLock(body)
    }

    /// One gate per database file, shared by every pool this process opens on it.
    static func forFile(_ path: String) -> SQLiteWriteGate {
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        registryLock.lock()
        defer { registryLock.unlock() }
        if let gate = registry[key] { return gate }
        let gate = SQLiteWriteGate()
        registry[key] = gate
        return gate
    }

    private nonisolated(unsafe) static var registry: [String: SQLiteWriteGate] = [:]
    private static let registryLock = NSLock()
}

/// A FIFO async mutex: waiters suspend instead of blocking a thread.
actor AsyncMutex {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func withLock<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            locked = false
        } else {
            // Ownership passes straight to the next waiter; `locked` stays true.
            waiters.removeFirst().resume()
        }
    }
}

/// An `SQLDatabase` that sends writing statements through the file's write gate; reads go
/// straight through, since in WAL mode they never wait for the writer.
struct GatedSQLiteDatabase: WrappingSQLDatabase {
    let base: any SQLDatabase
    let gate: SQLiteWriteGate

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        if Self.writes(serializeOnce(query).sql) {
            try await gate.withWriteLock { try await base.execute(sql: query, onRow) }
        } else {
            try await base.execute(sql: query, onRow)
        }
    }

    /// Sessions are for transactions, which `Database.transaction` already runs under the gate.
    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession(closure)
    }

    static func writes(_ sql: String) -> Bool {
        let verb = sql.drop { $0.isWhitespace }.prefix { $0.isLetter }.uppercased()
        return !["SELECT", "WITH", "EXPLAIN", "PRAGMA"].contains(verb)
    }
}
