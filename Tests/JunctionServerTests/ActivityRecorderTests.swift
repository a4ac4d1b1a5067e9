import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import Logging
import SQLKit
import ServiceLifecycle
import Testing

@testable import JunctionServer

/// The activity log is written after the answer (issue 22): entries queue in the recorder, and
/// these are the promises that queue keeps.
@Suite("Activity recorder", .freshDatabases)
struct ActivityRecorderTests {
    @Test("queued entries are all written by a flush, only for the caller's workspace", arguments: Backend.allCases)
    func flush(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let stranger = try await seeded.store.access.createWorkspace(name: "Someone else")
        let recorder = ActivityRecorder(log: seeded.store.requestLog, logger: Logger(label: "test"))
        let integration = seeded.integration.id.description

        for index in 0..<30 {
            recorder.record(entry(integration, "/v1/ats/mine/\(index)"), workspaceID: seeded.workspace.id)
        }
        recorder.record(entry(integration, "/v1/ats/theirs"), workspaceID: stranger.id)
        await recorder.flush()

        let written = try await seeded.store.requestLog.activity(integrationID: integration, limit: 100).map(\.path)
        #expect(Set(written) == Set((0..<30).map { "/v1/ats/mine/\($0)" }))
        #expect(written.count == 30)
    }

    @Test("what is queued when shutdown begins is written before the service returns", arguments: Backend.allCases)
    func shutdown(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let recorder = ActivityRecorder(log: seeded.store.requestLog, logger: Logger(label: "test"))
        let integration = seeded.integration.id.description
        let group = ServiceGroup(
            configuration: .init(services: [recorder], gracefulShutdownSignals: [], logger: Logger(label: "test")))

        // The database holds every activity insert back for a while: the entries are still
        // queued when shutdown begins.
        let blocker = try await blockActivityWrites(database, for: .milliseconds(400))
        for index in 0..<5 { recorder.record(entry(integration, "/v1/ats/\(index)"), workspaceID: seeded.workspace.id) }
        async let running: Void = group.run()
        await group.triggerGracefulShutdown()
        try await running
        try await blocker.value

        #expect(try await seeded.store.requestLog.activity(integrationID: integration).count == 5)
    }

    @Test("past its capacity the queue drops its oldest entries, not the newest", arguments: Backend.allCases)
    func capacity(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let recorder = ActivityRecorder(log: seeded.store.requestLog, capacity: 2, logger: Logger(label: "test"))
        let integration = seeded.integration.id.description

        let blocker = try await blockActivityWrites(database, for: .milliseconds(300))
        for index in 1...5 { recorder.record(entry(integration, "/v1/ats/\(index)"), workspaceID: seeded.workspace.id) }
        try await blocker.value
        await recorder.flush()

        // The first entry may already be on its way when the others arrive; the two newest
        // stay, the ones between are dropped.
        let written = Set(try await seeded.store.requestLog.activity(integrationID: integration).map(\.path))
        #expect(written.isSuperset(of: ["/v1/ats/4", "/v1/ats/5"]))
        #expect(written.isDisjoint(with: ["/v1/ats/2", "/v1/ats/3"]))
    }

    func entry(_ integrationID: String, _ path: String) -> ActivityEntry {
        ActivityEntry(
            integrationID: integrationID, kind: "write", method: "POST", path: path, status: 200,
            durationMilliseconds: 1, error: nil)
    }

    /// Holds a transaction that keeps activity inserts waiting for `duration`; returns once it
    /// holds it. On SQLite any write transaction does (one writer per file); on PostgreSQL a
    /// table lock.
    func blockActivityWrites(_ database: Database, for duration: Duration) async throws -> Task<Void, any Error> {
        let (held, holding) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            try await database.transaction { connection in
                if database.kind == .postgres {
                    try await connection.raw("LOCK TABLE activity_log IN EXCLUSIVE MODE").run()
                }
                holding.yield()
                try await Task.sleep(for: duration)
            }
        }
        for await _ in held { break }
        return task
    }
}
