import Foundation
import JunctionModel
import SQLKit

public struct ActivityEntry: Sendable, Equatable {
    public var id: String
    public var integrationID: String
    /// `write` or `passthrough`.
    public var kind: String
    public var method: String
    public var path: String
    public var status: Int
    public var durationMilliseconds: Int
    public var error: String?
    public var createdAt: Date

    public init(
        integrationID: String, kind: String, method: String, path: String, status: Int, durationMilliseconds: Int,
        error: String?, createdAt: Date = Date()
    ) {
        self.id = Identifier.random()
        self.integrationID = integrationID
        self.kind = kind
        self.method = method
        self.path = path
        self.status = status
        self.durationMilliseconds = durationMilliseconds
        self.error = error
        self.createdAt = Clock.date(Clock.milliseconds(createdAt))
    }
}

/// The activity log of writes and passthrough, and the log of refused requests.
public struct RequestLogRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var requestLog: RequestLogRepository { RequestLogRepository(store: self) }
}

extension RequestLogRepository {
    /// Entries older than this are dropped as new ones arrive.
    public static let activityRetention: TimeInterval = 30 * 86_400

    public func logActivity(_ entry: ActivityEntry) async throws {
        try await sql.raw(
            """
            INSERT INTO activity_log (id, integration_id, kind, method, path, status, duration_ms, error, created_at)
            VALUES (\(bind: entry.id), \(bind: entry.integrationID), \(bind: entry.kind), \(bind: entry.method),
                \(bind: entry.path), \(bind: entry.status), \(bind: entry.durationMilliseconds), \(bind: entry.error),
                \(bind: Clock.milliseconds(entry.createdAt)))
            """
        ).run()
        let oldest = Clock.milliseconds(entry.createdAt.addingTimeInterval(-Self.activityRetention))
        try await sql.raw(
            """
            DELETE FROM activity_log WHERE integration_id = \(bind: entry.integrationID) AND created_at < \(bind: oldest)
            """
        ).run()
    }

    /// An integration's latest entries, newest first.
    public func activity(integrationID: String, limit: Int = 50) async throws -> [ActivityEntry] {
        try await sql.raw(
            """
            SELECT * FROM activity_log WHERE integration_id = \(bind: integrationID)
            ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)
            """
        ).all().map { row in
            var entry = ActivityEntry(
                integrationID: try row.decode(column: "integration_id", as: String.self),
                kind: try row.decode(column: "kind", as: String.self),
                method: try row.decode(column: "method", as: String.self),
                path: try row.decode(column: "path", as: String.self),
                status: Int(try row.decode(column: "status", as: Int64.self)),
                durationMilliseconds: Int(try row.decode(column: "duration_ms", as: Int64.self)),
                error: try row.decode(column: "error", as: String?.self),
                createdAt: Clock.date(try row.decode(column: "created_at", as: Int64.self)))
            entry.id = try row.decode(column: "id", as: String.self)
            return entry
        }
    }
}

/// One refused or failed API request, as `log_url` shows it.
public struct RequestLogEntry: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var integrationID: String?
    public var method: String
    public var path: String
    public var status: Int
    public var errorCode: String?
    public var errorMessage: String
    public var createdAt: Date

    public init(
        id: String, workspaceID: String, integrationID: String?, method: String, path: String, status: Int,
        errorCode: String?, errorMessage: String, createdAt: Date = Date()
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.integrationID = integrationID
        self.method = method
        self.path = path
        self.status = status
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.createdAt = Clock.date(Clock.milliseconds(createdAt))
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
        let oldest = Clock.milliseconds(entry.createdAt.addingTimeInterval(-Self.activityRetention))
        try await sql.raw(
            "DELETE FROM request_log WHERE workspace_id = \(bind: entry.workspaceID) AND created_at < \(bind: oldest)"
        ).run()
    }

    /// An entry of `workspaceID`; another workspace's is not found.
    public func requestLogEntry(id: String, workspaceID: String) async throws -> RequestLogEntry? {
        try await sql.raw(
            "SELECT * FROM request_log WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)"
        ).first().map { row in
            RequestLogEntry(
                id: try row.decode(column: "id", as: String.self),
                workspaceID: try row.decode(column: "workspace_id", as: String.self),
                integrationID: try row.decode(column: "integration_id", as: String?.self),
                method: try row.decode(column: "method", as: String.self),
                path: try row.decode(column: "path", as: String.self),
                status: Int(try row.decode(column: "status", as: Int64.self)),
                errorCode: try row.decode(column: "error_code", as: String?.self),
                errorMessage: try row.decode(column: "error_message", as: String.self),
                createdAt: Clock.date(try row.decode(column: "created_at", as: Int64.self)))
        }
    }
}
