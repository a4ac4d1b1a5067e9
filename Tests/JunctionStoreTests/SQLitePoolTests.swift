import Foundation
import Logging
import NIOPosix
import SQLiteNIO
import Synchronization
import Testing

@testable import JunctionStore

/// The SQLite pool hands connections to tasks under a lock (issue 22); these are the promises a
/// pool keeps: at most its size open, a waiter served when one comes back, a bounded wait, and
/// nothing after closing.
@Suite("SQLite connection pool")
struct SQLitePoolTests {
    static func pool(maximum: Int, timeout: Duration = .seconds(30)) throws -> (SQLiteConnectionPool, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("junction-pool-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pool = SQLiteConnectionPool(
            source: TunedSQLiteSource(path: folder.appendingPathComponent("pool.sqlite").path), maximum: maximum,
            group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test"), requestTimeout: timeout)
        return (pool, folder)
    }

    @Test("never more connections than its size; a waiting task gets the one given back")
    func waitsForAReturnedConnection() async throws {
        let (pool, folder) = try Self.pool(maximum: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tally = Tally()

        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await pool.withConnection { connection in
                        tally.begin(ObjectIdentifier(connection))
                        _ = try await connection.query("SELECT 1")
                        try await Task.sleep(for: .milliseconds(20))
                        tally.end()
                    }
                }
            }
            try await group.waitForAll()
        }
        try await pool.close()

        #expect(tally.state.withLock { $0.most } == 2)
        #expect(tally.state.withLock { $0.seen.count } == 2, "twelve tasks shared the two connections")
    }

    /// Connections in use at once, the most seen, and which connections were handed out.
    final class Tally: Sendable {
        let state = Mutex((now: 0, most: 0, seen: Set<ObjectIdentifier>()))

        func begin(_ connection: ObjectIdentifier) {
            state.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
                $0.seen.insert(connection)
            }
        }

        func end() { state.withLock { $0.now -= 1 } }
    }

    @Test("a task waits at most the request timeout, then fails with a clear error")
    func boundedWait() async throws {
        let (pool, folder) = try Self.pool(maximum: 1, timeout: .milliseconds(100))
        defer { try? FileManager.default.removeItem(at: folder) }

        let error = await withThrowingTaskGroup(of: Void.self) { group -> (any Error)? in
            group.addTask { try await pool.withConnection { _ in try await Task.sleep(for: .milliseconds(600)) } }
            try? await Task.sleep(for: .milliseconds(50))
            group.addTask { try await pool.withConnection { _ in } }
            var failure: (any Error)?
            while let result = await group.nextResult() {
                if case .failure(let error) = result { failure = error }
            }
            return failure
        }
        try await pool.close()

        #expect("\(error.map { "\($0)" } ?? "none")".contains("no SQLite connection became free"))
    }

    @Test("after closing, a request fails instead of opening a connection")
    func closed() async throws {
        let (pool, folder) = try Self.pool(maximum: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await pool.withConnection { _ = try await $0.query("SELECT 1") }

        try await pool.close()

        await #expect(throws: SQLitePoolError.self) { try await pool.withConnection { _ in } }
    }
}
