import Foundation
import JunctionTestSupport
import NIOCore
import NIOPosix
import SQLKit
import Synchronization
import Testing

@testable import JunctionStore

/// `Database.transaction(pinned: true)` runs a transaction on its connection's event loop thread
/// (issue 22: a write's statements without a thread wake-up each on the way back). What it must
/// keep: statements and the answer as before, commit and rollback, and an unpinned transaction
/// off that thread.
@Suite("Pinned transactions", .freshDatabases)
struct PinnedTransactionTests {
    @Test(
        "a pinned transaction runs on its connection's thread and commits; an unpinned one only on SQLite",
        arguments: Backend.allCases)
    func pinned(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let table = "pinned_" + UUID().uuidString.prefix(8).lowercased()
        try await database.sql.raw("CREATE TABLE \(unsafeRaw: table) (name TEXT NOT NULL)").run()

        let (pinnedThere, names) = try await database.transaction(pinned: true) { connection in
            try await connection.raw("INSERT INTO \(unsafeRaw: table) VALUES ('ada')").run()
            let names = try await connection.raw("SELECT name FROM \(unsafeRaw: table)").all()
                .map { try $0.decode(column: "name", as: String.self) }
            return (connection.eventLoop.inEventLoop, names)
        }
        let unpinnedThere = try await database.transaction { connection in
            try await connection.raw("SELECT 1 AS one").run()
            return connection.eventLoop.inEventLoop
        }
        let committed = try await database.sql.raw("SELECT count(*) AS n FROM \(unsafeRaw: table)").first()?
            .decode(column: "n", as: Int.self)

        #expect(pinnedThere)
        // SQLite runs every transaction on its writer's thread, PostgreSQL an unpinned one
        // where it was called.
        #expect(unpinnedThere == (backend == .sqlite))
        #expect(names == ["ada"])
        #expect(committed == 1)
    }

    @Test("SQLite runs a transaction's statements, and hands their rows, on the writer's thread")
    func sqliteWriterThread() async throws {
        let database = try await FreshDatabases.open(.sqlite)
        let table = "writer_" + UUID().uuidString.prefix(8).lowercased()
        try await database.sql.raw("CREATE TABLE \(unsafeRaw: table) (name TEXT NOT NULL)").run()

        let (bodyThere, rowsThere, loopID) = try await database.transaction { connection in
            try await connection.raw("INSERT INTO \(unsafeRaw: table) VALUES ('ada'), ('grace')").run()
            let loop = connection.eventLoop
            let flags = Mutex<[Bool]>([])
            try await connection.execute(sql: SQLQueryString("SELECT name FROM \(unsafeRaw: table)")) { _ in
                flags.withLock { $0.append(loop.inEventLoop) }
            }
            return (loop.inEventLoop, flags.withLock { $0 }, ObjectIdentifier(loop))
        }
        let executor = try #require(database.transactionExecutor as? EventLoopTaskExecutor)
        let postgres = try await FreshDatabases.open(.postgres)

        #expect(bodyThere)
        // Run on a pool's thread, each row would be handed over off the writer's thread.
        #expect(rowsThere == [true, true])
        // What a sync's page saves prefer: the thread the transactions run on.
        #expect(ObjectIdentifier(executor.eventLoop) == loopID)
        #expect(postgres.transactionExecutor == nil)
    }

    @Test("a pinned transaction that throws rolls back", arguments: Backend.allCases)
    func rollback(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let table = "pinned_" + UUID().uuidString.prefix(8).lowercased()
        try await database.sql.raw("CREATE TABLE \(unsafeRaw: table) (name TEXT NOT NULL)").run()
        struct Refused: Error {}

        await #expect(throws: Refused.self) {
            try await database.transaction(pinned: true) { connection in
                try await connection.raw("INSERT INTO \(unsafeRaw: table) VALUES ('ada')").run()
                throw Refused()
            }
        }
        let count = try await database.sql.raw("SELECT count(*) AS n FROM \(unsafeRaw: table)").first()?
            .decode(column: "n", as: Int.self)

        #expect(count == 0)
    }

    @Test("a pooled statement's rows are read on its connection's thread on PostgreSQL; a session's are not")
    func pooledStatement() async throws {
        let database = try await FreshDatabases.open(.postgres)
        // About 600 KB: PostgresNIO reads it in many pieces, each of which must reach `onRow`
        // on the loop. Run three times: the first unnamed, then as a named prepared statement.
        let query = SQLQueryString(
            "SELECT g AS n, repeat('x', 2000) AS pad FROM generate_series(1, \(bind: 300)) AS g ORDER BY g")
        let readings = Mutex<[(number: Int, onLoop: Bool)]>([])
        for _ in 1...3 {
            try await database.sql.execute(sql: query) { row in
                let number = (try? row.decode(column: "n", as: Int.self)) ?? 0
                readings.withLock { $0.append((number, MultiThreadedEventLoopGroup.currentEventLoop != nil)) }
            }
        }
        let inSession = try await database.sql.withSession { session in
            let flags = Mutex<[Bool]>([])
            try await session.execute(sql: query) { _ in
                flags.withLock { $0.append(MultiThreadedEventLoopGroup.currentEventLoop != nil) }
            }
            return flags.withLock { $0 }
        }

        let all = readings.withLock { $0 }
        let numbers = all.map { $0.number }
        let offLoop = all.filter { !$0.onLoop }.count
        #expect(numbers == Array(1...300) + Array(1...300) + Array(1...300))
        #expect(offLoop == 0)
        #expect(inSession.count == 300)
        #expect(!inSession.contains(true))
    }
}

/// The pool's choice of an idle connection: one of the caller's event loop when there is one, so
/// a request handled on its loop (`LoopBoundHTTP1Channel`) runs a pinned statement there.
@Suite("Pooled connections on the caller's loop")
struct PoolLoopPreferenceTests {
    @Test("a task on an event loop is handed an idle connection of that loop, on either loop")
    func sameLoop() async throws {
        // A group of its own with two loops, whatever the machine's cores: the pool opens each
        // connection on the group's next loop, so four opened at once are two on each.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let database = try await Database.open(
            try await freshDatabaseLocation(.postgres), logger: quietLogger, eventLoopGroup: group)
        let loops = Array(group.makeIterator())
        let opened = try await withThrowingTaskGroup(of: ObjectIdentifier.self) { tasks in
            for _ in 0..<4 {
                tasks.addTask {
                    try await database.transaction { connection in
                        try await connection.raw("SELECT pg_sleep(0.2)").run()
                        return ObjectIdentifier(connection.eventLoop)
                    }
                }
            }
            return try await tasks.reduce(into: Set<ObjectIdentifier>()) { $0.insert($1) }
        }

        var handed: [Bool] = []
        for loop in loops {
            for _ in 0..<3 {
                let same = try await withTaskExecutorPreference(EventLoopTaskExecutor.of(loop)) {
                    try await database.transaction { connection in
                        try await connection.raw("SELECT 1 AS one").run()
                        return connection.eventLoop === loop
                    }
                }
                handed.append(same)
            }
        }
        try await database.close()
        try await group.shutdownGracefully()

        #expect(opened == Set(loops.map { ObjectIdentifier($0) }), "the idle connections are on both loops")
        #expect(handed == Array(repeating: true, count: 6))
    }
}
