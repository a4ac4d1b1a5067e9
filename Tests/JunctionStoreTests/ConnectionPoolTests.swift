import Foundation
import JunctionTestSupport
import Logging
import NIOPosix
import PostgresKit
import SQLiteNIO
import Synchronization
import Testing

@testable import JunctionStore

/// The pool hands connections to tasks under a lock (issue 22); these are the promises it keeps:
/// at most its size open, a waiter served when one comes back, a bounded wait, nothing after
/// closing, and a connection the server ended replaced for the task waiting.
@Suite("Connection pool")
struct ConnectionPoolTests {
    static func pool(maximum: Int, timeout: Duration = .seconds(30)) throws -> (SQLiteConnectionPool, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("junction-pool-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pool = SQLiteConnectionPool(
            source: TunedSQLiteSource(path: folder.appendingPathComponent("pool.sqlite").path), database: "SQLite",
            maximum: maximum,
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

    struct Setting: Sendable, Equatable {
        var journal: String
        var synchronous: Int
        var foreignKeys: Int
        var cacheKiB: Int
        var checkpointPages: Int
    }

    @Test("every SQLite connection is tuned: WAL, NORMAL sync, foreign keys, an 8 MiB page cache, a 40 MiB log")
    func tunesEveryConnection() async throws {
        let (pool, folder) = try Self.pool(maximum: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tally = Tally()
        func value(_ connection: SQLiteConnection, _ pragma: String) async throws -> SQLiteData {
            try await connection.query("PRAGMA \(pragma)").first?.column(pragma) ?? .null
        }

        // Three tasks holding a connection at once: three different connections.
        let settings = try await withThrowingTaskGroup(of: Setting.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await pool.withConnection { connection in
                        tally.begin(ObjectIdentifier(connection))
                        defer { tally.end() }
                        let setting = Setting(
                            journal: try await value(connection, "journal_mode").string ?? "",
                            synchronous: try await value(connection, "synchronous").integer ?? -1,
                            foreignKeys: try await value(connection, "foreign_keys").integer ?? -1,
                            cacheKiB: try await value(connection, "cache_size").integer ?? 0,
                            checkpointPages: try await value(connection, "wal_autocheckpoint").integer ?? 0)
                        try await Task.sleep(for: .milliseconds(50))
                        return setting
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await pool.close()

        #expect(tally.state.withLock { $0.seen.count } == 3)
        // SQLite's own encodings: synchronous NORMAL is 1; a negative cache_size is KiB.
        #expect(
            settings
                == Array(
                    repeating: Setting(
                        journal: "wal", synchronous: 1, foreignKeys: 1, cacheKiB: -8192, checkpointPages: 10_000),
                    count: 3))
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

        await #expect(throws: PoolError.self) { try await pool.withConnection { _ in } }
    }

    /// Two connections switching a new file to WAL at once make one fail at once, busy timeout or
    /// not; the pool's connections and the writer's could. Bytes 18 and 19 of an SQLite file's
    /// header are its write and read format versions, 2 in WAL mode (SQLite's file format).
    @Test("opening a new SQLite file puts it in WAL mode before any connection of the pool opens")
    func newFileInWALBeforeThePool() async throws {
        guard case .sqlite(let path) = try await freshDatabaseLocation(.sqlite) else { return }
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }

        let database = try await Database.open(.sqlite(path: path), logger: quietLogger)
        let header = try Array(Data(contentsOf: URL(fileURLWithPath: path)).prefix(20))
        // Then the pool's connections, opened together, all start.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { try await database.sql.raw("SELECT 1").run() } }
            try await group.waitForAll()
        }
        try await database.close()

        #expect(header.count == 20)
        #expect(header.suffix(2) == [2, 2])
    }

    @Test("a file that is not an SQLite database is a configuration error that names it and SQLite's reason")
    func notADatabase() async throws {
        guard case .sqlite(let path) = try await freshDatabaseLocation(.sqlite) else { return }
        let folder = (path as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(repeating: 0x4A, count: 8192).write(to: URL(fileURLWithPath: path))

        let error = await #expect(throws: StoreError.self) {
            try await Database.open(.sqlite(path: path), logger: quietLogger)
        }

        guard case .configuration(let message) = error else {
            Issue.record("not a configuration error: \(String(describing: error))")
            return
        }
        #expect(message.contains(path))
        #expect(message.contains("file is not a database"))
    }

    /// SQLiteNIO stops a debug build when a connection is dropped without being closed; this
    /// failure path once dropped it (a CI run stopped on that assertion).
    @Test("a connection whose setup fails is closed, and the error names the setting SQLite refused")
    func failedSetupClosesTheConnection() async throws {
        let (pool, folder) = try Self.pool(maximum: 1, timeout: .seconds(5))
        defer { try? FileManager.default.removeItem(at: folder) }
        // Not a database: opening succeeds (SQLite reads nothing yet); setting the page cache's
        // size is the first setting that reads the file's header, and fails.
        try Data(repeating: 0x4A, count: 8192).write(to: folder.appendingPathComponent("pool.sqlite"))

        let error = await #expect(throws: ConnectionSetupFailed.self) {
            try await pool.withConnection { _ = try await $0.query("SELECT 1") }
        }
        try await pool.close()

        #expect(error?.pragma == "PRAGMA cache_size = -8192")
        #expect("\(error.map { "\($0)" } ?? "")".contains("not a database"))
    }

    @Test("a connection the server ended is replaced for the task waiting, instead of leaving it to time out")
    func endedConnectionReplaced() async throws {
        guard case .postgres(let url) = try await freshDatabaseLocation(.postgres) else { return }
        let pool = ConnectionPool(
            source: PostgresSource(configuration: try SQLPostgresConfiguration(url: url)), database: "PostgreSQL",
            maximum: 1, group: MultiThreadedEventLoopGroup.singleton, logger: quietLogger,
            requestTimeout: .seconds(20))
        let admin = try await Database.open(.postgres(url: url), logger: quietLogger, maxConnectionsPerEventLoop: 1)
        let pids = PIDs()

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await pool.withConnection { connection in
                    let pid = try await Self.backendPID(connection)
                    pids.list.withLock { $0.append(pid) }
                    // The server ends this connection while the second task waits for it.
                    try await Task.sleep(for: .milliseconds(200))
                    try await admin.sql.raw("SELECT pg_terminate_backend(CAST(\(bind: pid) AS integer))").run()
                    while !connection.isClosed { try await Task.sleep(for: .milliseconds(20)) }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(50))
                try await pool.withConnection { connection in
                    let pid = try await Self.backendPID(connection)
                    pids.list.withLock { $0.append(pid) }
                }
            }
            // Without the replacement the second task fails here with the pool's timeout.
            try await group.waitForAll()
        }
        try await pool.close()
        try await admin.close()

        let seen = pids.list.withLock { $0 }
        #expect(seen.count == 2)
        #expect(Set(seen).count == 2, "the second task got a new connection, not the ended one")
    }

    static func backendPID(_ connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query("SELECT pg_backend_pid() AS pid", logger: quietLogger)
        for try await row in rows { return try row.decode(Int.self) }
        throw MissingPID()
    }

    struct MissingPID: Error {}

    /// The backends the tasks were served by, in order.
    final class PIDs: Sendable {
        let list = Mutex<[Int]>([])
    }
}
