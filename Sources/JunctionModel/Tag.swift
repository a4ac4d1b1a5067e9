import Foundation

/// A tag as `GET /ats/tags` serves it.
public struct Tag: Codable, Sendable, Equatable {
    public var id: String
    @Nullable public var remoteID: String?
    @Nullable public var name: String?
    public var changedAt: Date
    @Nullable public var remoteDeletedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case name
        case changedAt = "changed_at"
        case remoteDeletedAt = "remote_deleted_at"
    }

    public init(id: String, remoteID: String?, name: String?) {
        self.id = id
        self.remoteID = remoteID
        self.name = name
        self.changedAt = Date(timeIntervalSince1970: 0)
    }
}
