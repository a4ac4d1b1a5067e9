import Foundation
import JunctionModel
import SQLKit

/// Connect links: the hosted flow's state, pending credentials and activation tokens.
public struct ConnectLinkRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var connectLinks: ConnectLinkRepository { ConnectLinkRepository(store: self) }
}

extension ConnectLinkRepository {
    /// How long an activation token (what a finished flow hands back) can be exchanged.
    public static let activationTokenLifetime: TimeInterval = 24 * 3600

    /// Stores a new link and returns its token, which only the link's URL carries (the store
    /// keeps its hash, as for API keys).
    public func createConnectLink(_ link: ConnectLink) async throws -> String {
        let token = "cl_" + Identifier.random() + Identifier.random()
        try await sql.raw(
            """
            INSERT INTO connect_links (id, workspace_id, token_hash, kind, integration_id, tool, sandbox_url, link_type,
                language, end_user_email, end_user_organization_name, end_user_origin_id, created_at, expires_at)
            VALUES (\(bind: link.id), \(bind: link.workspaceID), \(bind: AccessRepository.hashAPIKey(token)),
                \(bind: link.kind.rawValue), \(bind: link.integrationID), \(bind: link.tool?.rawValue),
                \(bind: link.sandboxURL), \(bind: link.linkType.rawValue),
                \(bind: link.language), \(bind: link.endUserEmail), \(bind: link.endUserOrganizationName),
                \(bind: link.endUserOriginID), \(bind: Clock.milliseconds(link.createdAt)),
                \(bind: Clock.milliseconds(link.expiresAt)))
            """
        ).run()
        return token
    }

    /// The link a token opens, expired or not (the page says which); nil for an unknown token.
    public func connectLink(token: String) async throws -> ConnectLink? {
        try await sql.raw("SELECT * FROM connect_links WHERE token_hash = \(bind: AccessRepository.hashAPIKey(token))")
            .first().map(ConnectLinkRow.decode)
    }

    /// Keeps the credentials a flow tested (sealed, bound to the link) and the test's result,
    /// so the next step can finish without the page carrying secrets.
    public func savePendingCredentials(linkID: String, credentials: Data, scopeTest: JSONValue) async throws {
        let sealed = try secrets.seal(credentials, context: "connect:" + linkID)
        try await sql.raw(
            """
            UPDATE connect_links SET pending_credentials = \(bind: sealed), scope_test = \(bind: try Self.text(scopeTest)),
                failure = NULL, failed_at = NULL
            WHERE id = \(bind: linkID)
            """
        ).run()
    }

    public func pendingCredentials(linkID: String) async throws -> Data? {
        guard
            let row = try await sql.raw("SELECT pending_credentials FROM connect_links WHERE id = \(bind: linkID)")
                .first(),
            let sealed = try row.decode(column: "pending_credentials", as: String?.self)
        else { return nil }
        return try secrets.open(sealed, context: "connect:" + linkID)
    }

    /// Records why a flow failed (the scope test's failures, in words); `connection-flow-failed`
    /// webhooks are built from these.
    public func recordConnectFailure(
        linkID: String, failure: String, scopeTest: JSONValue?, now: Date = Date(), events: [WebhookEvent] = []
    ) async throws {
        try await database.transaction { connection in
            try await connection.raw(
                """
                UPDATE connect_links SET failure = \(bind: failure), failed_at = \(bind: Clock.milliseconds(now)),
                    scope_test = \(bind: try scopeTest.map(Self.text)), pending_credentials = NULL
                WHERE id = \(bind: linkID)
                """
            ).run()
            try await WebhookRepository.enqueue(events, on: connection, now: now)
        }
    }

    /// Marks a flow finished for `integrationID`, forgets its pending credentials and returns a
    /// new activation token for `GET /connect/integration-by-token/{token}`.
    public func completeConnectLink(linkID: String, integrationID: String, now: Date = Date()) async throws -> String {
        let token = "act_" + Identifier.random() + Identifier.random()
        try await sql.raw(
            """
            UPDATE connect_links SET completed_at = \(bind: Clock.milliseconds(now)), pending_credentials = NULL,
                integration_id = \(bind: integrationID), activation_token_hash = \(bind: AccessRepository.hashAPIKey(token))
            WHERE id = \(bind: linkID)
            """
        ).run()
        return token
    }

    /// The integration an activation token stands for, within `workspaceID` and the token's
    /// lifetime; nil otherwise.
    public func integration(activationToken: String, workspaceID: String, now: Date = Date()) async throws
        -> Integration?
    {
        let oldest = Clock.milliseconds(now.addingTimeInterval(-Self.activationTokenLifetime))
        guard
            let row = try await sql.raw(
                """
                SELECT integration_id FROM connect_links
                WHERE activation_token_hash = \(bind: AccessRepository.hashAPIKey(activationToken))
                    AND workspace_id = \(bind: workspaceID) AND completed_at >= \(bind: oldest)
                """
            ).first(),
            let id = try row.decode(column: "integration_id", as: String?.self)
        else { return nil }
        return try await store.integrations.integration(id: id, workspaceID: workspaceID)
    }

    /// The latest links of a workspace, for the dashboard (failed flows among them).
    public func connectLinks(workspaceID: String, limit: Int = 50) async throws -> [ConnectLink] {
        try await sql.raw(
            """
            SELECT * FROM connect_links WHERE workspace_id = \(bind: workspaceID)
            ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)
            """
        ).all().map(ConnectLinkRow.decode)
    }

    private static func text(_ value: JSONValue) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

}

/// A `connect_links` row; pending credentials are only reported as present.
private struct ConnectLinkRow: StoredRow {
    static let table = "connect_links"
    var id: String
    var workspaceID: String
    var kind: ConnectLink.Kind
    var integrationID: String?
    var tool: String?
    var sandboxURL: String?
    var linkType: ConnectLink.LinkType
    var language: String
    var endUserEmail: String?
    var endUserOrganizationName: String
    var endUserOriginID: String?
    var scopeTest: String?
    var pendingCredentials: String?
    var failure: String?
    var completedAt: Int64?
    var createdAt: Int64
    var expiresAt: Int64

    func value() throws -> ConnectLink {
        var link = ConnectLink(
            workspaceID: workspaceID, kind: kind, integrationID: integrationID,
            tool: tool.flatMap(Tool.init(rawValue:)), linkType: linkType, language: language,
            endUserEmail: endUserEmail, endUserOrganizationName: endUserOrganizationName,
            endUserOriginID: endUserOriginID)
        link.id = id
        link.sandboxURL = sandboxURL
        link.scopeTest = try scopeTest.map { try json($0, as: JSONValue.self) }
        link.hasPendingCredentials = pendingCredentials != nil
        link.failure = failure
        link.completedAt = completedAt.map(Date.init(unixMilliseconds:))
        link.createdAt = Date(unixMilliseconds: createdAt)
        link.expiresAt = Date(unixMilliseconds: expiresAt)
        return link
    }
}
