import Foundation
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

/// A session (a transaction, a lock) whose connection the server ends — a restart, an operator's
/// `pg_terminate_backend` — must fail its next statement. PostgresNIO alone drops a statement
/// written to a closed connection and waits for its answer forever.
@Suite("PostgreSQL sessions the server ends")
struct PostgresSessionTests {
    /// The outcome of `work`, or nil when it has not finished after `seconds` (a hang; the
    /// task is left behind, since a hung statement ignores cancellation).
    static func outcome<Value: Sendable>(
        within seconds: Int, _ work: @escaping @Sendable () async throws -> Value
    ) async -> Result<Value, any Error>? {
        let first = FirstOfTwo()
        return await withCheckedContinuation { continuation in
            Task {
                let result: Result<Value, any Error>
                do { result = .success(try await work()) } catch { result = .failure(error) }
                if await first.claim() { continuation.resume(returning: result) }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                if await first.claim() { continuation.resume(returning: nil) }
            }
        }
    }

    actor FirstOfTwo {
        private var claimed = false
        func claim() -> Bool {
            defer { claimed = true }
            return !claimed
        }
    }

    static func end(backend pid: Int, from database: Database) async throws {
        try await database.sql.raw("SELECT pg_terminate_backend(CAST(\(bind: pid) AS integer))").run()
    }

    @Test("a transaction whose connection the server ended fails at its next statement and writes nothing")
    func transaction() async throws {
        let location = try await freshDatabaseLocation(.postgres)
        try await withSeparatePools(2, on: location) { databases in
            let (database, admin) = (databases[0], databases[1])
            try await database.sql.raw("CREATE TABLE marks (name TEXT NOT NULL)").run()

            let result = await Self.outcome(within: 20) {
                try await database.transaction { connection in
                    try await connection.raw("INSERT INTO marks (name) VALUES ('before')").run()
                    let pid = try #require(
                        try await connection.raw("SELECT pg_backend_pid() AS pid").first()?
                            .decode(column: "pid", as: Int.self))
                    try await Self.end(backend: pid, from: admin)
                    try await Task.sleep(for: .milliseconds(300))
                    try await connection.raw("INSERT INTO marks (name) VALUES ('after')").run()
                }
            }

            let marks = try await database.sql.raw("SELECT COUNT(*) AS n FROM marks").first()?
                .decode(column: "n", as: Int.self)
            guard let result else {
                Issue.record("the statement after the session ended never answered")
                return
            }
            guard case .failure = result else {
                Issue.record("a statement on a connection the server ended succeeded")
                return
            }
            #expect(marks == 0, "the ended transaction must not have written anything")
        }
    }

    @Test("a statement sent right after the server ended the session fails too, and the pool serves the next")
    func immediately() async throws {
        let location = try await freshDatabaseLocation(.postgres)
        try await withSeparatePools(2, on: location) { databases in
            let (database, admin) = (databases[0], databases[1])

            let result = await Self.outcome(within: 20) {
                try await database.sql.withSession { session in
                    let pid = try #require(
                        try await session.raw("SELECT pg_backend_pid() AS pid").first()?
                            .decode(column: "pid", as: Int.self))
                    try await Self.end(backend: pid, from: admin)
                    return try await session.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self)
                }
            }
            let next = try await database.sql.raw("SELECT 2 AS two").first()?.decode(column: "two", as: Int.self)

            #expect(result != nil, "the statement never answered")
            if case .success(let value) = result { Issue.record("answered \(String(describing: value))") }
            #expect(next == 2)
        }
    }
}
