import Foundation
import JunctionModel
import SQLKit

extension AccessRepository {
    /// Opens a dashboard session for an active key; returns the token for the cookie (only its
    /// hash is stored). Sessions past their expiry are removed on the way.
    public func openDashboardSession(apiKey: APIKey, lifetime: TimeInterval) async throws -> String {
        let token = "ds_" + Identifier.random() + Identifier.random()
        let now = Clock.nowMilliseconds()
        try await sql.raw("DELETE FROM dashboard_sessions WHERE expires_at <= \(bind: now)").run()
        try await sql.raw(
            """
            INSERT INTO dashboard_sessions (token_hash, workspace_id, api_key_id, created_at, expires_at)
            VALUES (\(bind: Self.hashAPIKey(token)), \(bind: apiKey.workspaceID), \(bind: apiKey.id), \(bind: now),
                    \(bind: now + Int64(lifetime * 1000)))
            """
        ).run()
        return token
    }

    /// The workspace of a session that exists, has not expired, and whose key is not revoked.
    public func dashboardSessionWorkspace(token: String) async throws -> String? {
        try await sql.raw(
            """
            SELECT s.workspace_id FROM dashboard_sessions s JOIN api_keys k ON k.id = s.api_key_id
            WHERE s.token_hash = \(bind: Self.hashAPIKey(token)) AND s.expires_at > \(bind: Clock.nowMilliseconds())
              AND k.revoked_at IS NULL
            """
        ).first()?.decode(column: "workspace_id", as: String.self)
    }

    /// Ends one session (sign-out).
    public func endDashboardSession(token: String) async throws {
        try await sql.raw("DELETE FROM dashboard_sessions WHERE token_hash = \(bind: Self.hashAPIKey(token))").run()
    }

    /// Sessions open now (for tests and the operator's curiosity).
    public func dashboardSessionCount(apiKeyID: String) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM dashboard_sessions WHERE api_key_id = \(bind: apiKeyID)").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }
}
