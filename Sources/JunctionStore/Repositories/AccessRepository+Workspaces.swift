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
            WorkspaceRow.decode)
    }

    public func workspace(id: String) async throws -> Workspace? {
        try await sql.raw("SELECT id, name, created_at FROM workspaces WHERE id = \(bind: id)").first().map(
            WorkspaceRow.decode)
    }

}

/// A `workspaces` row.
private struct WorkspaceRow: StoredRow {
    static let table = "workspaces"
    var id: String
    var name: String
    var createdAt: Int64

    func value() -> Workspace { Workspace(id: id, name: name, createdAt: Date(unixMilliseconds: createdAt)) }
}
