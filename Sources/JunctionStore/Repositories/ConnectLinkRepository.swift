import Foundation
import JunctionModel
import SQLKit

/// A link to the hosted connect page: what it is for, who it is for, and how far its flow got.
public struct ConnectLink: Sendable, Equatable {
    /// `create` connects a new integration, `relink` replaces an integration's credentials,
    /// `setup` reopens only the setup steps (the source channel) of an integration.
    public enum Kind: String, Sendable, CaseIterable {
        case create, relink, setup
    }

    public enum LinkType: String, Sendable, CaseIterable {
        case embedded = "EMBEDDED"
        case magicLink = "MAGIC_LINK"

        /// EMBEDDED links are valid for one hour, MAGIC_LINK links for one year (reference §5).
        public var lifetime: TimeInterval { self == .embedded ? 3600 : 365 * 86_400 }
    }

    public var id: String
    public var workspaceID: String
    public var kind: Kind
    public var integrationID: String?
    public var linkType: LinkType
    /// The tool a new integration is made for; nil on links made before links named one.
    public var tool: Tool?
    public var language: String
    public var endUserEmail: String?
    public var endUserOrganizationName: String
    public var endUserOriginID: String?
    /// The last scope test's result, as the connect page shows it.
    public var scopeTest: JSONValue?
    public var hasPendingCredentials: Bool
    public var failure: String?
    public var completedAt: Date?
    public var createdAt: Date
    public var expiresAt: Date

    public init(
        workspaceID: String, kind: Kind, integrationID: String? = nil, tool: Tool? = nil, linkType: LinkType,
        language: String, endUserEmail: String?, endUserOrganizationName: String, endUserOriginID: String?,
        now: Date = Date()
    ) {
        self.tool = tool
        self.id = Identifier.random()
        self.workspaceID = workspaceID
        self.kind = kind
        self.integrationID = integrationID
        self.linkType = linkType
        self.language = language
        self.endUserEmail = endUserEmail
        self.endUserOrganizationName = endUserOrganizationName
        self.endUserOriginID = endUserOriginID
        self.hasPendingCredentials = false
        self.createdAt = Clock.date(Clock.milliseconds(now))
        self.expiresAt = Clock.date(Clock.milliseconds(now.addingTimeInterval(linkType.lifetime)))
    }

    public func isExpired(now: Date = Date()) -> Bool { now >= expiresAt }
}

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
            INSERT INTO connect_links (id, workspace_id, token_hash, kind, integration_id, tool, link_type, language,
                end_user_email, end_user_organization_name, end_user_origin_id, created_at, expires_at)
            VALUES (\(bind: link.id), \(bind: link.workspaceID), \(bind: AccessRepository.hashAPIKey(token)),
                \(bind: link.kind.rawValue), \(bind: link.integrationID), \(bind: link.tool?.rawValue),
                \(bind: link.linkType.rawValue),
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
            .first().map(Self.connectLink)
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
        ).all().map(Self.connectLink)
    }

    /// Replaces an integration's credentials (relink): same id, same data, new secrets.
    public func replaceCredentials(integrationID: String, workspaceID: String, credentials: Data) async throws {
        let sealed = try secrets.seal(credentials, context: integrationID)
        try await sql.raw(
            """
            UPDATE integrations SET credentials = \(bind: sealed), updated_at = \(bind: Clock.nowMilliseconds())
            WHERE id = \(bind: integrationID) AND workspace_id = \(bind: workspaceID)
            """
        ).run()
    }

    private static func text(_ value: JSONValue) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    private static func connectLink(_ row: any SQLRow) throws -> ConnectLink {
        let kindText = try row.decode(column: "kind", as: String.self)
        let typeText = try row.decode(column: "link_type", as: String.self)
        guard let kind = ConnectLink.Kind(rawValue: kindText), let type = ConnectLink.LinkType(rawValue: typeText)
        else { throw StoreError.corruptRow(table: "connect_links", detail: "kind '\(kindText)' / '\(typeText)'") }
        var link = ConnectLink(
            workspaceID: try row.decode(column: "workspace_id", as: String.self), kind: kind,
            integrationID: try row.decode(column: "integration_id", as: String?.self),
            tool: try row.decode(column: "tool", as: String?.self).flatMap(Tool.init(rawValue:)), linkType: type,
            language: try row.decode(column: "language", as: String.self),
            endUserEmail: try row.decode(column: "end_user_email", as: String?.self),
            endUserOrganizationName: try row.decode(column: "end_user_organization_name", as: String.self),
            endUserOriginID: try row.decode(column: "end_user_origin_id", as: String?.self))
        link.id = try row.decode(column: "id", as: String.self)
        link.scopeTest = try row.decode(column: "scope_test", as: String?.self).map {
            try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8))
        }
        link.hasPendingCredentials = try row.decode(column: "pending_credentials", as: String?.self) != nil
        link.failure = try row.decode(column: "failure", as: String?.self)
        link.completedAt = try row.decode(column: "completed_at", as: Int64?.self).map(Clock.date)
        link.createdAt = Clock.date(try row.decode(column: "created_at", as: Int64.self))
        link.expiresAt = Clock.date(try row.decode(column: "expires_at", as: Int64.self))
        return link
    }
}
