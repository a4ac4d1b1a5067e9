import Foundation
import JunctionModel
import SQLKit

/// The activity log of writes and passthrough, and the log of refused requests.
public struct RequestLogRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var requestLog: RequestLogRepository { RequestLogRepository(store: self) }
}

extension RequestLogRepository {
    /// Writes `entry`; with `workspaceID`, only when the integration is that workspace's (the
    /// request's header is the caller's word until checked), in the same statement.
    public func logActivity(_ entry: ActivityEntry, workspaceID: String? = nil) async throws {
        let values: SQLQueryString = """
            \(bind: entry.id), \(bind: entry.integrationID), \(bind: entry.kind), \(bind: entry.method),
            \(bind: entry.path), \(bind: entry.status), \(bind: entry.durationMilliseconds), \(bind: entry.error),
            \(bind: Clock.milliseconds(entry.createdAt))
            """
        let columns = "id, integration_id, kind, method, path, status, duration_ms, error, created_at"
        if let workspaceID {
            try await sql.raw(
                """
                INSERT INTO activity_log (\(unsafeRaw: columns)) SELECT \(values)
                WHERE EXISTS (SELECT 1 FROM integrations WHERE id = \(bind: entry.integrationID)
                    AND workspace_id = \(bind: workspaceID))
                """
            ).run()
        } else {
            try await sql.raw("INSERT INTO activity_log (\(unsafeRaw: columns)) VALUES (\(values))").run()
        }
        // Old entries go in the retention pass, after its configurable period (issue 21); a
        // delete here with each write cost a round trip and ignored a longer period.
    }

    /// An integration's latest entries, newest first.
    public func activity(integrationID: String, limit: Int = 50) async throws -> [ActivityEntry] {
        try await sql.raw(
            """
            SELECT * FROM activity_log WHERE integration_id = \(bind: integrationID)
            ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)
            """
        ).all().map(ActivityRow.decode)
    }
}

extension RequestLogRepository {
    public func logRequest(_ entry: RequestLogEntry) async throws {
        try await sql.raw(
            """
            INSERT INTO request_log (id, workspace_id, integration_id, method, path, status, error_code, error_message,
                created_at)
            VALUES (\(bind: entry.id), \(bind: entry.workspaceID), \(bind: entry.integrationID), \(bind: entry.method),
                \(bind: entry.path), \(bind: entry.status), \(bind: entry.errorCode), \(bind: entry.errorMessage),
                \(bind: Clock.milliseconds(entry.createdAt)))
            """
        ).run()
        // Old entries go in the retention pass, as for the activity log.
    }

    /// An entry of `workspaceID`; another workspace's is not found.
    public func requestLogEntry(id: String, workspaceID: String) async throws -> RequestLogEntry? {
        try await sql.raw(
            "SELECT * FROM request_log WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)"
        ).first().map(RequestLogRow.decode)
    }
}

/// An `activity_log` row.
private struct ActivityRow: StoredRow {
    static let table = "activity_log"
    var id: String
    var integrationID: String
    var kind: String
    var method: String
    var path: String
    var status: Int64
    var durationMs: Int64
    var error: String?
    var createdAt: Int64

    func value() -> ActivityEntry {
        var entry = ActivityEntry(
            integrationID: integrationID, kind: kind, method: method, path: path, status: Int(status),
            durationMilliseconds: Int(durationMs), error: error, createdAt: Date(unixMilliseconds: createdAt))
        entry.id = id
        return entry
    }
}

/// A `request_log` row.
private struct RequestLogRow: StoredRow {
    static let table = "request_log"
    var id: String
    var workspaceID: String
    var integrationID: String?
    var method: String
    var path: String
    var status: Int64
    var errorCode: String?
    var errorMessage: String
    var createdAt: Int64

    func value() -> RequestLogEntry {
        RequestLogEntry(
            id: id, workspaceID: workspaceID, integrationID: integrationID, method: method, path: path,
            status: Int(status), errorCode: errorCode, errorMessage: errorMessage,
            createdAt: Date(unixMilliseconds: createdAt))
    }
}
