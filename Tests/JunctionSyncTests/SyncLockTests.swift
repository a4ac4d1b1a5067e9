import Foundation
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Testing

@Suite("Sync lock", .freshDatabases)
struct SyncLockTests {
    @Test("a second holder is refused while the first runs, and gets the lock afterwards", arguments: Backend.allCases)
    func exclusive(backend: Backend) async throws {
        let location = try await freshDatabaseLocation(backend)
        try await withSeparatePools(2, on: location) { databases in
            try await Migrator(database: databases[0], logger: quietLogger).migrate()
            let first = Store(database: databases[0], secrets: randomSecretBox()).syncRuns.makeSyncLock()
            let second = Store(database: databases[1], secrets: randomSecretBox()).syncRuns.makeSyncLock()

            let inner = try await first.withLock(integrationID: "personio:a") {
                let refused = try await second.withLock(integrationID: "personio:a") { "ran" }
                let other = try await second.withLock(integrationID: "personio:b") { "ran" }
                return (refused, other)
            }
            let afterwards = try await second.withLock(integrationID: "personio:a") { "ran" }

            #expect(inner?.0 == nil, "the same integration must not run twice at once")
            #expect(inner?.1 == "ran", "another integration is not blocked")
            #expect(afterwards == "ran")
        }
    }
}

extension SyncLockTests {
    struct Failure: Error {}

    /// The backend holding an advisory lock in this test's own database. Other tests share the
    /// server, and their locks (migrations, syncs) must never be taken for this one's: cutting
    /// their sessions left them waiting forever.
    static func lockHolder(_ database: Database) async throws -> Int? {
        try await database.sql.raw(
            """
            SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        ).first()?.decode(column: "pid", as: Int.self)
    }

    /// Cuts the session holding the lock as a PostgreSQL restart would, from another connection.
    static func cutLockSession(_ database: Database) async throws -> Int {
        let pid = try #require(try await lockHolder(database))
        try await database.sql.raw("SELECT pg_terminate_backend(CAST(\(bind: pid) AS integer))").run()
        return pid
    }

    // The time limit turns a regression (the guard never released: a hang) into a failure; three
    // minutes, since beside the parallel suite on two cores migrating a fresh database alone took
    // most of one.
    @Test(
        "a run whose lock session the server cut holds the lock again, and releases it even when it fails",
        .timeLimit(.minutes(3)))
    func cutSession() async throws {
        let location = try await freshDatabaseLocation(.postgres)
        try await withSeparatePools(2, on: location) { databases in
            try await Migrator(database: databases[0], logger: quietLogger).migrate()
            let lock = Store(database: databases[0], secrets: randomSecretBox()).syncRuns.makeSyncLock()
            let other = Store(database: databases[1], secrets: randomSecretBox()).syncRuns.makeSyncLock()
            let admin = databases[1]

            // The guard checks every 2 s: after 5 s a new session holds the lock.
            let outcome = await Task {
                try await lock.withLock(integrationID: "personio:cut") { () async throws -> String in
                    let cut = try await Self.cutLockSession(admin)
                    try await Task.sleep(for: .seconds(5))
                    let holder = try await Self.lockHolder(admin)
                    let refused = try await other.withLock(integrationID: "personio:cut") { "ran" }
                    #expect(
                        holder != nil && holder != cut, "a new session holds the lock: \(String(describing: holder))")
                    #expect(refused == nil, "another holder is refused while the run holds the lock again")
                    throw Failure()
                }
            }.result
            let afterwards = try await other.withLock(integrationID: "personio:cut") { "ran" }

            guard case .failure(let error) = outcome else {
                Issue.record("the failing run returned")
                return
            }
            #expect(error is Failure, "the run's own error comes back, not a lost lock: \(String(reflecting: error))")
            #expect(afterwards == "ran", "the lock taken again is released when the run fails")
        }
    }
}
