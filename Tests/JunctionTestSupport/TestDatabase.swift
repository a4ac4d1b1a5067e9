import Foundation
import JunctionStore
import Logging
import SQLKit
import Testing

/// The two SQL backends every store test runs against.
public enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    public var testDescription: String { rawValue }
}

/// A logger that stays quiet: tests assert on behaviour, not on log lines.
public let quietLogger = Logger(label: "junction.test") { _ in SwiftLogNoOpLogHandler() }

/// Where a fresh, empty database for one test lives.
///
/// SQLite: a new file in a new temporary folder. PostgreSQL: a new database on the server named
/// by `JUNCTION_TEST_POSTGRES_URL` (scripts/test starts one); without that variable the test
/// fails and says so, rather than silently testing only SQLite.
public func freshDatabaseLocation(_ backend: Backend) async throws -> DatabaseLocation {
    switch backend {
    case .sqlite:
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("junction-test-\(UUID().uuidString)")
        return .sqlite(path: folder.appendingPathComponent("junction.sqlite").path)
    case .postgres:
        guard let adminURL = ProcessInfo.processInfo.environment["JUNCTION_TEST_POSTGRES_URL"], !adminURL.isEmpty else {
            Issue.record(
                "JUNCTION_TEST_POSTGRES_URL is not set: run the suite with scripts/test, which starts PostgreSQL")
            throw TestSetupError.postgresUnavailable
        }
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        let admin = try await Database.open(
            .postgres(url: adminURL), logger: quietLogger, maxConnectionsPerEventLoop: 1)
        do {
            try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: String(name))").run()
        } catch {
            try? await admin.close()
            throw error
        }
        try await admin.close()
        guard var components = URLComponents(string: adminURL) else { throw TestSetupError.postgresUnavailable }
        components.path = "/" + name
        return .postgres(url: components.string!)
    }
}

public enum TestSetupError: Error { case postgresUnavailable }

/// Opens `count` separate pools on one location, as separate processes would have, runs `body`,
/// and closes them all whether or not `body` throws.
public func withSeparatePools<Result>(
    _ count: Int, on location: DatabaseLocation, _ body: ([Database]) async throws -> Result
) async throws -> Result {
    var databases: [Database] = []
    do {
        for _ in 0..<count { databases.append(try await Database.open(location, logger: quietLogger)) }
        let result = try await body(databases)
        for database in databases { try await database.close() }
        return result
    } catch {
        for database in databases { try? await database.close() }
        throw error
    }
}

/// Fresh databases for each test case, as a Swift Testing trait: mark the suite
/// `@Suite(.freshDatabases)` and a test asks `try await FreshDatabases.open(backend)` for as many
/// as it needs; every database a test case opened is closed when it ends, passed or thrown. The
/// backend stays the test's argument (`arguments: Backend.allCases`), since a trait cannot see
/// a test case's arguments.
public struct FreshDatabases: SuiteTrait, TestTrait, TestScoping {
    /// The databases one test case opened.
    actor Opened {
        var databases: [Database] = []
        func add(_ database: Database) { databases.append(database) }
        func closeAll() async {
            for database in databases { try? await database.close() }
            databases = []
        }
    }

    @TaskLocal static var opened: Opened?

    public var isRecursive: Bool { true }

    /// Once per test case; the suite itself needs no scope.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> FreshDatabases? {
        testCase == nil ? nil : self
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let opened = Opened()
        do {
            try await Self.$opened.withValue(opened) { try await function() }
        } catch {
            await opened.closeAll()
            throw error
        }
        await opened.closeAll()
    }

    /// A fresh database for `backend`, migrated unless told otherwise, closed with the test case.
    public static func open(_ backend: Backend, migrated: Bool = true) async throws -> Database {
        guard let opened else {
            preconditionFailure("FreshDatabases.open needs the suite or test to have the .freshDatabases trait")
        }
        let database = try await Database.open(try await freshDatabaseLocation(backend), logger: quietLogger)
        await opened.add(database)
        if migrated { try await Migrator(database: database, logger: quietLogger).migrate() }
        return database
    }
}

extension Trait where Self == FreshDatabases {
    /// Fresh databases for each test case, closed when it ends.
    public static var freshDatabases: Self { FreshDatabases() }
}

/// Whether a statement on PostgreSQL `database` came to wait for a lock within five seconds: how
/// a test knows that the interleaving it arranged between two sessions has happened.
public func waitForALock(_ database: Database) async throws -> Bool {
    for _ in 0..<200 {
        try await Task.sleep(for: .milliseconds(25))
        let waiting = try await database.sql.raw(
            """
            SELECT COUNT(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
            """
        ).first()?.decode(column: "n", as: Int.self)
        if (waiting ?? 0) > 0 { return true }
    }
    return false
}
