import Foundation
import JunctionModel
import SQLKit

extension AccessRepository {
    public func createWorkspace(name: String) async throws -> Workspace {
        let workspace = Workspace(id: Identifier.random(), name: name, createdAt: Clock.date(Clock.nowMilliseconds()))
        try await sql.raw(
            """
            INSERT INTO workspaces (id, name, created_at)
            VALUES (\(bind: workspace.id), \(bind: name), \(bind: Clock.milliseconds(workspace.createdAt)))
            """
        ).run()
        return workspace
    }

    /// All workspaces, oldest first.
    public func workspaces() async throws -> [Workspace] {
        try await sql.raw("SELECT id, name, created_at FROM workspaces ORDER BY created_at, id").all().map(
            Self.workspace)
    }

    public func workspace(id: String) async throws -> Workspace? {
        try await sql.raw("SELECT id, name, created_at FROM workspaces WHERE id = \(bind: id)").first().map(
            Self.workspace)
    }

    private static func workspace(_ row: any SQLRow) throws -> Workspace {
        Workspace(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            createdAt: Clock.date(try row.decode(column: "created_at", as: Int64.self))
        )
    }
}
