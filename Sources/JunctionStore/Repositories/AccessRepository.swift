import Crypto
import Foundation
import JunctionModel
import SQLKit

/// Workspaces, their API keys (stored hashed) and dashboard sessions.
public struct AccessRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var access: AccessRepository { AccessRepository(store: self) }
}

extension AccessRepository {
    /// Keys are long random strings, so one SHA-256 is the right hash: there is nothing for a slow
    /// password hash to protect against, and authentication stays one indexed lookup.
    public static func hashAPIKey(_ key: String) -> String {
        hexadecimal(SHA256.hash(data: Data(key.utf8)))
    }

    /// A new random key: `jk_` and 40 base58 characters (about 234 bits).
    public static func generateAPIKey() -> String {
        "jk_" + Identifier.random() + Identifier.random().prefix(16)
    }

    /// Shortest key accepted when a caller supplies its own (`JUNCTION_API_KEY`).
    public static let minimumAPIKeyLength = 20

    /// Registers a key for `workspaceID`: `key` when given (it must be at least
    /// `minimumAPIKeyLength` characters), a generated one otherwise. Returns the key's listing and
    /// its plaintext, which is not stored and cannot be shown again.
    public func createAPIKey(workspaceID: String, name: String, key: String? = nil) async throws -> (APIKey, String) {
        let plaintext = key ?? Self.generateAPIKey()
        guard plaintext.count >= Self.minimumAPIKeyLength, !plaintext.contains(where: \.isWhitespace) else {
            throw StoreError.configuration(
                "an API key must be at least \(Self.minimumAPIKeyLength) characters without spaces")
        }
        let record = APIKey(
            id: Identifier.random(), workspaceID: workspaceID, name: name, prefix: String(plaintext.prefix(8)),
            createdAt: Clock.date(Clock.nowMilliseconds()), revokedAt: nil)
        try await sql.raw(
            """
            INSERT INTO api_keys (id, workspace_id, name, key_hash, key_prefix, created_at, revoked_at)
            VALUES (\(bind: record.id), \(bind: workspaceID), \(bind: name), \(bind: Self.hashAPIKey(plaintext)),
                    \(bind: record.prefix), \(bind: Clock.milliseconds(record.createdAt)), NULL)
            """
        ).run()
        return (record, plaintext)
    }

    /// The workspace a presented key belongs to, or nil for an unknown or revoked key.
    public func authenticate(apiKey presented: String) async throws -> String? {
        try await apiKey(matching: presented).flatMap { $0.revokedAt == nil ? $0.workspaceID : nil }
    }

    /// `authenticate(apiKey:)`, with the integration a request names (`X-Integration-Id`) read in
    /// the same statement: every integration request needs both, and each statement is a round
    /// trip on PostgreSQL. The integration is returned only when it is the key's workspace's.
    ///
    /// The same statement tells whether the integration may have a field projection
    /// (`LoadedIntegration.mayProjectFields`): a passthrough field enabled, or a custom field in
    /// its workspace. Nearly none has either, and their pages then skip the statement that reads
    /// the projection: one statement of three per page.
    public func authenticate(apiKey presented: String, integrationID: String?) async throws -> Authentication? {
        guard let integrationID else {
            return try await authenticate(apiKey: presented).map { Authentication(workspaceID: $0, integration: nil) }
        }
        guard
            let row = try await reads.raw(
                """
                SELECT k.workspace_id AS key_workspace_id, k.revoked_at AS key_revoked_at, i.*,
                    CAST(CASE WHEN \(unsafeRaw: FieldRepository.mayProject(integration: "i.id", workspace: "k.workspace_id"))
                        THEN 1 ELSE 0 END AS BIGINT) AS may_project_fields
                FROM api_keys k
                LEFT JOIN integrations i ON i.id = \(bind: integrationID) AND i.workspace_id = k.workspace_id
                WHERE k.key_hash = \(bind: Self.hashAPIKey(presented))
                """
            ).first(),
            try row.decode(column: "key_revoked_at", as: Int64?.self) == nil
        else { return nil }
        return Authentication(
            workspaceID: try row.decode(column: "key_workspace_id", as: String.self),
            integration: try row.decode(column: "id", as: String?.self) == nil ? nil : try LoadedIntegration(row: row))
    }

    /// The stored listing for a plaintext key, revoked or not.
    public func apiKey(matching plaintext: String) async throws -> APIKey? {
        try await sql.raw("SELECT * FROM api_keys WHERE key_hash = \(bind: Self.hashAPIKey(plaintext))").first()
            .map(APIKeyRow.decode)
    }

    /// Keys of one workspace, or of all when `workspaceID` is nil; oldest first.
    public func apiKeys(workspaceID: String? = nil) async throws -> [APIKey] {
        let query = sql.select().column("*").from("api_keys")
        if let workspaceID { query.where("workspace_id", .equal, workspaceID) }
        return try await query.orderBy("created_at").orderBy("id").all().map(APIKeyRow.decode)
    }

    /// Revokes the key whose id is `id`, and ends every dashboard session opened with it; returns
    /// the key, or nil when there is no such key.
    public func revokeAPIKey(id: String) async throws -> APIKey? {
        try await sql.raw(
            "UPDATE api_keys SET revoked_at = \(bind: Clock.nowMilliseconds()) WHERE id = \(bind: id) AND revoked_at IS NULL"
        ).run()
        try await sql.raw("DELETE FROM dashboard_sessions WHERE api_key_id = \(bind: id)").run()
        return try await sql.raw("SELECT * FROM api_keys WHERE id = \(bind: id)").first().map(APIKeyRow.decode)
    }

}

/// Whom a request's API key speaks for, and the integration the request names when it is that
/// workspace's.
public struct Authentication: Sendable {
    public var workspaceID: String
    public var integration: LoadedIntegration?
}

/// An `api_keys` row; the key itself is stored only as its hash, which this never reads.
private struct APIKeyRow: StoredRow {
    static let table = "api_keys"
    var id: String
    var workspaceID: String
    var name: String
    var keyPrefix: String
    var createdAt: Int64
    var revokedAt: Int64?

    func value() -> APIKey {
        APIKey(
            id: id, workspaceID: workspaceID, name: name, prefix: keyPrefix,
            createdAt: Date(unixMilliseconds: createdAt), revokedAt: revokedAt.map(Date.init(unixMilliseconds:)))
    }
}
