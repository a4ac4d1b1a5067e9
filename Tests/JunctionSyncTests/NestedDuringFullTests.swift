import Foundation
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Logging
import PersonioSandbox
import Synchronization
import Testing

/// A FULL stores applications before their candidates, so an application's `candidate`,
/// `current_stage` and `job` cannot be kept at its own save. They are kept while the candidates
/// are listed (issue 22): on PostgreSQL each page's candidates' applications, on SQLite a walk
/// over the applications in the table's order as far as their candidates are stored. What is
/// left is kept by the pass after the last page, which logs what it kept.
@Suite("A FULL keeps applications' nested objects while it lists candidates", .freshDatabases)
struct NestedDuringFullTests {
    @Test(
        "the pass after the last page finds nothing left, and every application keeps its candidate's name",
        arguments: Backend.allCases)
    func keptWhileListing(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            let (run, lines) = try await Self.loggedFull(sync)

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            // The pass logs this line when it kept anything.
            #expect(!lines.messages.contains("nested objects kept for pages"), "\(lines.messages)")
            // The keeps composed every application the FULL saved: PostgreSQL's pass reads the
            // list alone, not the whole table.
            #expect(!lines.messages.contains(Self.scanning), "\(lines.messages)")
            let truth = try await PeopleSyncTests.truth(sandbox)
            let firstNames = Dictionary(
                uniqueKeysWithValues: truth.candidates.compactMap { candidate -> (String, String?)? in
                    guard let id = candidate["id"] as? Int else { return nil }
                    return (String(id), candidate["first_name"] as? String)
                })
            let rows = try await sync.seeded.store.database.sql.raw(
                """
                SELECT a.remote_id, a.nested_objects, c.remote_id AS candidate_remote_id FROM applications a
                JOIN candidates c ON c.integration_id = a.integration_id AND c.id = a.candidate_id
                WHERE a.integration_id = \(bind: sync.integrationID)
                """
            ).all()
            #expect(rows.count == truth.applications.count)
            for row in rows {
                let remoteID = try row.decode(column: "remote_id", as: String.self)
                let candidateRemoteID = try row.decode(column: "candidate_remote_id", as: String.self)
                let text = try #require(
                    try row.decode(column: "nested_objects", as: String?.self), "application \(remoteID) kept none")
                guard case .object(let objects) = try JSONValue.parse(Array(text.utf8)),
                    case .object(let candidate) = objects["candidate"]
                else {
                    Issue.record("application \(remoteID): \(text)")
                    continue
                }
                let expected = firstNames[candidateRemoteID].flatMap { $0 }.map(JSONValue.string) ?? .null
                #expect(candidate["first_name"] == expected, "application \(remoteID)")
            }
        }
    }
}

extension NestedDuringFullTests {
    /// What the pass logs when it reads the whole table on PostgreSQL.
    static let scanning = "the pass reads every application: the pages' keeps left some"

    /// The sandbox of these tests: 10 jobs, 60 candidates.
    static let configuration: SandboxConfiguration = {
        var configuration = SandboxConfiguration()
        configuration.jobs = 10
        configuration.candidates = 60
        return configuration
    }()

    /// A FULL of `sync`'s integration, with every line the engine logs.
    static func loggedFull(_ sync: JobSyncTests.SyncFixture) async throws -> (run: SyncRun, lines: CapturedLog) {
        let lines = CapturedLog()
        let logger = Logger(label: "junction.test") { _ in CapturingLogHandler(lines: lines) }
        let engine = SyncEngine(store: sync.seeded.store, logger: logger)
        let run = try await engine.runFull(try await sync.integration(), connector: try await sync.connector())
        return (run, lines)
    }

    @Test(
        "applications whose candidates the listing skipped: the pass composes them, on PostgreSQL reading the whole table",
        arguments: Backend.allCases)
    func leftByTheKeeps(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            // The first candidates page lacks its first three: their applications are saved, and
            // no candidate's save composes them.
            try await FaultMatrixTests.installFaults(
                #"[{"path":"/v2/recruiting/candidates","fault":"skip_records","records":3,"count":1}]"#, sandbox)

            let (run, lines) = try await Self.loggedFull(sync)

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            let truth = try await PeopleSyncTests.truth(sandbox)
            let rows = try await sync.seeded.store.database.sql.raw(
                """
                SELECT a.remote_id, a.nested_objects, c.id AS stored_candidate FROM applications a
                LEFT JOIN candidates c ON c.integration_id = a.integration_id AND c.id = a.candidate_id
                WHERE a.integration_id = \(bind: sync.integrationID)
                """
            ).all()
            #expect(rows.count == truth.applications.count)
            let orphans = try rows.filter { try $0.decode(column: "stored_candidate", as: String?.self) == nil }
            #expect(!orphans.isEmpty, "the listing skipped no candidate with applications")
            for row in rows {
                let remoteID = try row.decode(column: "remote_id", as: String.self)
                #expect(
                    try row.decode(column: "nested_objects", as: String?.self) != nil,
                    "application \(remoteID) kept none")
            }
            if backend == .postgres {
                #expect(lines.messages.contains(Self.scanning), "\(lines.messages)")
            }
        }
    }
}

/// Log messages, collected across tasks.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    var messages: [String] { lines.withLock { $0 } }

    func append(_ message: String) { lines.withLock { $0.append(message) } }
}

/// Keeps every message at every level.
struct CapturingLogHandler: LogHandler {
    let lines: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) { lines.append(event.message.description) }
}
