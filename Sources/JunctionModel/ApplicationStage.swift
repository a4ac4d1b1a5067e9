import Foundation

/// An application stage as `GET /ats/application-stages` serves it.
public struct ApplicationStage: Codable, Sendable, Equatable {
    public var id: String
    @Nullable public var remoteID: String?
    @Nullable public var name: String?
    /// Closed enum in the SDK: `ACTIVE` or `INACTIVE`.
    @Nullable public var status: String?
    @Nullable public var customFields: [String: JSONValue]?
    public var changedAt: Date
    @Nullable public var remoteDeletedAt: Date?
    /// The upstream payload this stage came from.
    @Nullable public var remoteData: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case name, status
        case customFields = "custom_fields"
        case changedAt = "changed_at"
        case remoteDeletedAt = "remote_deleted_at"
        case remoteData = "remote_data"
    }

    public init(
        id: String, remoteID: String?, name: String?, status: String?, changedAt: Date = Date(timeIntervalSince1970: 0)
    ) {
        self.id = id
        self.remoteID = remoteID
        self.name = name
        self.status = status
        self.changedAt = changedAt
    }
}
