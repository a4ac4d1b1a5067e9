import Foundation

/// A user (a hiring-team member) as `GET /ats/users` serves it.
public struct User: Codable, Sendable, Equatable {
    public var id: String
    @Nullable public var remoteID: String?
    @Nullable public var firstName: String?
    @Nullable public var lastName: String?
    /// Closed enum in the SDK: `ACTIVE` or `INACTIVE`.
    @Nullable public var status: String?
    public var changedAt: Date
    @Nullable public var remoteDeletedAt: Date?
    public var systemRoles: [JSONValue] = []
    @Nullable public var email: String?
    @Nullable public var remoteData: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case firstName = "first_name"
        case lastName = "last_name"
        case status
        case changedAt = "changed_at"
        case remoteDeletedAt = "remote_deleted_at"
        case systemRoles = "system_roles"
        case email
        case remoteData = "remote_data"
    }

    public init(id: String, remoteID: String?, changedAt: Date = Date(timeIntervalSince1970: 0)) {
        self.id = id
        self.remoteID = remoteID
        self.changedAt = changedAt
    }
}
