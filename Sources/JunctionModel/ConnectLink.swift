import Foundation

/// A link to the hosted connect page: what it is for, who it is for, and how far its flow got.
public struct ConnectLink: Sendable, Equatable {
    /// `create` connects a new integration, `relink` replaces an integration's credentials,
    /// `setup` reopens only the setup steps (the source channel) of an integration.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case create, relink, setup
    }

    public enum LinkType: String, Sendable, Codable, CaseIterable {
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
    /// For a link made for Kombo's `sandbox` tool: the sandbox of `tool` this server runs, which
    /// the flow connects to instead of the tool itself.
    public var sandboxURL: String?
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
        self.createdAt = (now).atMillisecondPrecision
        self.expiresAt = (now.addingTimeInterval(linkType.lifetime)).atMillisecondPrecision
    }

    public func isExpired(now: Date = Date()) -> Bool { now >= expiresAt }
}
