import Foundation
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// SQLite's checkpoints beside the writer (`SQLiteCheckpointer`): the log is copied into the
/// database file on a thread of its own once enough of it waits, by the writer's commit only
/// past the backstop, and by neither below both.
///
/// What is in the file is read from a copy of the database file alone, without its log: a
/// connection to the copy sees exactly what checkpoints copied into the file, which no code of
/// Junction's reports.
@Suite("SQLite's checkpoints beside the writer")
struct CheckpointerTests {
    /// Rows of 300 characters, 40 per transaction: 12 KB of table, so each commit writes three
    /// pages of 4 KiB or more to the log.
    static let rowsPerCommit = 40

    /// A fresh SQLite database with an empty `names(name)`, its checkpoints set to `policy`.
    static func withNames(
        _ policy: SQLiteCheckpointer.Policy, _ body: (Database, _ path: String) async throws -> Void
    ) async throws {
        let location = try await freshDatabaseLocation(.sqlite)
        guard case .sqlite(let path) = location else { return }
        try await withSeparatePools(1, on: location) { databases in
            let database = databases[0]
            try #require(database.writer).checkpointer.setPolicy(policy)
            try await database.sql.raw("CREATE TABLE names (name TEXT NOT NULL)").run()
            try await body(database, path)
        }
    }

    static func commit(_ database: Database, batch: Int) async throws {
        try await database.transaction { connection in
            for row in 0..<Self.rowsPerCommit {
                let name = "\(batch)-\(row)-" + String(repeating: "x", count: 300)
                try await connection.raw("INSERT INTO names (name) VALUES (\(bind: name))").run()
            }
        }
    }

    /// The rows of `names` in the database file at `path` alone, its log left behind; nil when
    /// the file does not hold the table yet.
    static func rowsInFileAlone(_ path: String) throws -> Int? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("junction-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("copy.sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let connection = try PreparedSQLiteConnection(path: copy)
        defer { connection.close() }
        var count: Int?
        do {
            try connection.run("SELECT COUNT(*) AS n FROM names", []) { row in
                count = try? row.decode(column: "n", as: Int.self)
            }
        } catch let error as PreparedSQLiteError where error.message.contains("no such table") {
            return nil
        }
        return count
    }

    /// Waits until `runs` checkpoints have run on the checkpointer's thread (at most `seconds`).
    static func waitForRuns(_ runs: Int, of checkpointer: SQLiteCheckpointer, seconds: Int = 10) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while checkpointer.backgroundRuns < runs, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test("with neither checkpoint due, the file holds nothing the log holds: the copy shows only what was copied")
    func noneDue() async throws {
        try await Self.withNames(.init(backgroundPages: 1_000_000, backstopPages: 1_000_000)) { database, path in
            for batch in 0..<3 { try await Self.commit(database, batch: batch) }

            #expect(try Self.rowsInFileAlone(path) == nil)
            #expect(try #require(database.writer).checkpointer.backgroundRuns == 0)
        }
    }

    @Test("once enough of the log waits, a checkpoint beside the writer copies it into the file")
    func background() async throws {
        try await Self.withNames(.init(backgroundPages: 2, backstopPages: 1_000_000)) { database, path in
            let checkpointer = try #require(database.writer).checkpointer
            // Each commit writes more than two pages, and the previous checkpoint has ended when
            // it returns, so each starts one.
            for batch in 0..<5 {
                try await Self.commit(database, batch: batch)
                try await Self.waitForRuns(batch + 1, of: checkpointer)
            }

            #expect(checkpointer.backgroundRuns == 5)
            #expect(try Self.rowsInFileAlone(path) == 5 * Self.rowsPerCommit)
        }
    }

    @Test("past the backstop the writer's commit copies the log itself, before it returns")
    func backstop() async throws {
        try await Self.withNames(.init(backgroundPages: 1_000_000, backstopPages: 2)) { database, path in
            for batch in 0..<3 {
                try await Self.commit(database, batch: batch)

                #expect(try Self.rowsInFileAlone(path) == (batch + 1) * Self.rowsPerCommit)
            }
            #expect(try #require(database.writer).checkpointer.backgroundRuns == 0)
        }
    }

    @Test("a checkpoint that fails is tried again only once as much log again waits, not at the next commit")
    func failedNotRetriedAtOnce() async throws {
        try await Self.withNames(.init(backgroundPages: 8, backstopPages: 1_000_000)) { database, path in
            let checkpointer = try #require(database.writer).checkpointer
            // The writer's connection opened (by its first transaction), fewer than 8 pages.
            try await database.transaction { connection in
                try await connection.raw("INSERT INTO names (name) VALUES ('first')").run()
            }
            // The file moved away: the checkpoints' connection (opened by the first) cannot open.
            let moved = path + ".moved"
            try FileManager.default.moveItem(atPath: path, toPath: moved)
            defer { try? FileManager.default.moveItem(atPath: moved, toPath: path) }
            // Three commits of three pages or more: the log passes 8 pages at the third at the latest.
            var commits = 0
            while checkpointer.backgroundRuns == 0, commits < 10 {
                try await Self.commit(database, batch: commits)
                commits += 1
                try await Self.waitForRuns(1, of: checkpointer, seconds: 1)
            }
            let runsAfterFailure = checkpointer.backgroundRuns
            // One more commit: fewer than 8 pages more than when the failed one was submitted.
            try await Self.commit(database, batch: commits)
            try await Task.sleep(for: .milliseconds(200))

            #expect(runsAfterFailure == 1)
            #expect(checkpointer.backgroundRuns == 1, "a failed checkpoint was retried at the next commit")
        }
    }

    @Test("closing the database with checkpoints submitted loses nothing; it opens again with every row")
    func closeWhileCheckpointing() async throws {
        let location = try await freshDatabaseLocation(.sqlite)
        try await withSeparatePools(1, on: location) { databases in
            let database = databases[0]
            try #require(database.writer).checkpointer.setPolicy(.init(backgroundPages: 1, backstopPages: 1_000_000))
            try await database.sql.raw("CREATE TABLE names (name TEXT NOT NULL)").run()
            for batch in 0..<20 { try await Self.commit(database, batch: batch) }
        }

        let count = try await withSeparatePools(1, on: location) { databases in
            try await databases[0].sql.raw("SELECT COUNT(*) AS n FROM names").first()?.decode(column: "n", as: Int.self)
        }

        #expect(count == 20 * Self.rowsPerCommit)
    }
}
