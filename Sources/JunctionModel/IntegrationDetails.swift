import Foundation

/// `GET /integrations/{integration_id}`'s `data` (`docs/unified-api.md`, "General and connect").
public struct IntegrationDetails: Encodable, Sendable, Equatable {
    public struct Tool: Encodable, Sendable, Equatable {
        public var id: String
        public var label: String
        @Nullable public var internalLabel: String?
        public var logoURL: String
        public var iconURL: String

        enum CodingKeys: String, CodingKey {
            case id, label
            case internalLabel = "internal_label"
            case logoURL = "logo_url"
            case iconURL = "icon_url"
        }

        public init(id: String, label: String, logoURL: String, iconURL: String) {
            self.id = id
            self.label = label
            self.logoURL = logoURL
            self.iconURL = iconURL
        }
    }

    public struct EndUser: Encodable, Sendable, Equatable {
        public var organizationName: String
        @Nullable public var creatorEmail: String?
        @Nullable public var originID: String?

        enum CodingKeys: String, CodingKey {
            case organizationName = "organization_name"
            case creatorEmail = "creator_email"
            case originID = "origin_id"
        }

        public init(organizationName: String, creatorEmail: String?, originID: String?) {
            self.organizationName = organizationName
            self.creatorEmail = creatorEmail
            self.originID = originID
        }
    }

    public struct ScopeConfig: Encodable, Sendable, Equatable {
        public var id: String
        @Nullable public var name: String?

        public init(id: String, name: String?) {
            self.id = id
            self.name = name
        }
    }

    /// Coverage of one model or action: `SUPPORTED`, `UNSUPPORTED`, `NOT_IMPLEMENTED`, `UNKNOWN`.
    public struct Coverage: Encodable, Sendable, Equatable {
        public struct Field: Encodable, Sendable, Equatable {
            public var id: String
            public var isAvailable: Bool
            public var coverageStatus: String
            public var scopeConfigSetting: String?
            public var optedOutByCustomer: Bool?

            enum CodingKeys: String, CodingKey {
                case id
                case isAvailable = "is_available"
                case coverageStatus = "coverage_status"
                case scopeConfigSetting = "scope_config_setting"
                case optedOutByCustomer = "opted_out_by_customer"
            }

            public init(id: String, supported: Bool, forReadModel: Bool) {
                self.id = id
                self.isAvailable = supported
                self.coverageStatus = supported ? "SUPPORTED" : "UNSUPPORTED"
                // Read-model fields carry scope settings; write-action fields do not (§5).
                self.scopeConfigSetting = forReadModel ? "ENABLED" : nil
                self.optedOutByCustomer = forReadModel ? false : nil
            }
        }

        public var id: String
        public var label: String
        public var isAvailable: Bool
        public var coverageStatus: String
        public var scopeConfigSetting = "ENABLED"
        public var optedOutByCustomer = false
        public var fields: [Field]

        enum CodingKeys: String, CodingKey {
            case id, label, fields
            case isAvailable = "is_available"
            case coverageStatus = "coverage_status"
            case scopeConfigSetting = "scope_config_setting"
            case optedOutByCustomer = "opted_out_by_customer"
        }

        public init(id: String, label: String, coverageStatus: String, fields: [Field]) {
            self.id = id
            self.label = label
            self.isAvailable = coverageStatus == "SUPPORTED"
            self.coverageStatus = coverageStatus
            self.fields = fields
        }
    }

    public var id: String
    public var tool: Tool
    public var category = "ATS"
    public var status: String
    public var setupStatus: String
    public var endUser: EndUser
    public var scopeConfig: ScopeConfig
    @Nullable public var dataExpiredAt: Date?
    public var createdAt: Date
    public var beta = false
    public var readModels: [Coverage]
    public var writeActions: [Coverage]
    /// Junction's addition: what the latest finished sync went on without (a career feed that
    /// could not be read, say), so a client can tell its customer why data is incomplete.
    public var syncWarnings: [String] = []
    /// Junction's addition: when the integration's data was last confirmed current (the start of
    /// its last successful run); null before its first.
    @Nullable public var dataConfirmedAt: Date?
    /// Junction's addition: its place in the sync queue; null before the scheduler first saw it.
    @Nullable public var nextSync: NextSync?

    /// When the next run is due, of which kind, why, and the failed runs before it.
    public struct NextSync: Codable, Sendable, Equatable {
        public var dueAt: Date
        public var kind: String
        public var reason: String
        public var failures: Int

        public init(dueAt: Date, kind: String, reason: String, failures: Int) {
            self.dueAt = dueAt
            self.kind = kind
            self.reason = reason
            self.failures = failures
        }

        enum CodingKeys: String, CodingKey {
            case kind, reason, failures
            case dueAt = "due_at"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, tool, category, status, beta
        case syncWarnings = "sync_warnings"
        case dataConfirmedAt = "data_confirmed_at"
        case nextSync = "next_sync"
        case setupStatus = "setup_status"
        case endUser = "end_user"
        case scopeConfig = "scope_config"
        case dataExpiredAt = "data_expired_at"
        case createdAt = "created_at"
        case readModels = "read_models"
        case writeActions = "write_actions"
    }

    public init(
        id: String, tool: Tool, status: String, setupStatus: String, endUser: EndUser, scopeConfig: ScopeConfig,
        createdAt: Date, readModels: [Coverage], writeActions: [Coverage]
    ) {
        self.id = id
        self.tool = tool
        self.status = status
        self.setupStatus = setupStatus
        self.endUser = endUser
        self.scopeConfig = scopeConfig
        self.createdAt = createdAt
        self.readModels = readModels
        self.writeActions = writeActions
    }
}
