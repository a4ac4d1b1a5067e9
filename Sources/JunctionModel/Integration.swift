import Foundation

/// A Junction customer: owns API keys, integrations and (later) webhook endpoints.
public struct Workspace: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Date

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// An API key as listed; the key itself is never stored, only its SHA-256 hash.
public struct APIKey: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var name: String
    /// The first characters of the key, enough to recognise it in a list.
    public var prefix: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, workspaceID: String, name: String, prefix: String, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// Whether an integration is syncing (`ACTIVE`), needs relinking (`INVALID`) or was switched
/// off by hand (`INACTIVE`). The wire values of Kombo's `status` enum.
public enum IntegrationStatus: String, Sendable, Codable, CaseIterable {
    case active = "ACTIVE"
    case invalid = "INVALID"
    case inactive = "INACTIVE"
}

/// Kombo's `setup_status`: reads are served only once the first sync completed.
public enum SetupStatus: String, Sendable, Codable, CaseIterable {
    case incomplete = "INCOMPLETE"
    case finalSyncPending = "FINAL_SYNC_PENDING"
    case completed = "COMPLETED"
}

/// One connection from a workspace to one end customer's account in a tool.
public struct Integration: Sendable, Equatable {
    public var id: IntegrationID
    public var workspaceID: String
    public var status: IntegrationStatus
    public var setupStatus: SetupStatus
    public var endUserOrganizationName: String
    public var endUserEmail: String?
    public var endUserOriginID: String?
    /// Non-secret settings (for example the recruiting channel used for source writing).
    public var settings: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: IntegrationID, workspaceID: String, status: IntegrationStatus = .active,
        setupStatus: SetupStatus = .incomplete, endUserOrganizationName: String, endUserEmail: String? = nil,
        endUserOriginID: String? = nil, settings: [String: JSONValue] = [:], createdAt: Date = Date(),
        updatedAt: Date = Date()
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.status = status
        self.setupStatus = setupStatus
        self.endUserOrganizationName = endUserOrganizationName
        self.endUserEmail = endUserEmail
        self.endUserOriginID = endUserOriginID
        self.settings = settings
        // The store keeps milliseconds; holding the same precision here keeps a stored and a
        // reloaded integration equal.
        self.createdAt = createdAt.atMillisecondPrecision
        self.updatedAt = updatedAt.atMillisecondPrecision
    }
}
