import Foundation

/// The nested objects the read API composes into records from other tables, in the exact
/// shapes of `docs/unified-api.md`, "Reads" (each smaller than the full record).

/// `applications[].job` and `candidates[].applications[].job`.
public struct NestedJob: Codable, Sendable, Equatable {
    public var id: String
    @Nullable public var name: String?
    public var remoteID: String

    enum CodingKeys: String, CodingKey {
        case id, name
        case remoteID = "remote_id"
    }

    public init(id: String, name: String?, remoteID: String) {
        self.id = id
        self.name = name
        self.remoteID = remoteID
    }
}

/// `applications[].current_stage` (with `status` and `custom_fields`) and
/// `candidates[].applications[].current_stage` (without them).
public struct NestedStage: Codable, Sendable, Equatable {
    public var id: String
    @Nullable public var remoteID: String?
    @Nullable public var name: String?
    /// The stage's place in the application's job pipeline; null when the job's pipeline lacks it.
    @Nullable public var index: Int?
    /// Only on `applications[].current_stage`; left out elsewhere.
    public var status: Nullable<String>?
    public var customFields: Nullable<[String: JSONValue]>?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case name, index, status
        case customFields = "custom_fields"
    }

    public init(_ stage: ApplicationStage, index: Int?, full: Bool) {
        self.id = stage.id
        self.remoteID = stage.remoteID
        self.name = stage.name
        self.index = index
        if full {
            self.status = Nullable(wrappedValue: stage.status)
            self.customFields = Nullable(wrappedValue: stage.customFields)
        }
    }
}

/// `applications[].candidate`.
public struct NestedCandidate: Codable, Sendable, Equatable {
    public var id: String
    public var remoteID: String
    @Nullable public var firstName: String?
    @Nullable public var lastName: String?
    @Nullable public var source: String?
    @Nullable public var remoteURL: String?
    public var tags: [JSONValue]
    public var emailAddresses: [Candidate.EmailAddress]
    public var phoneNumbers: [Candidate.PhoneNumber]
    public var socialMedia: [Candidate.SocialMedia]

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case firstName = "first_name"
        case lastName = "last_name"
        case source
        case remoteURL = "remote_url"
        case tags
        case emailAddresses = "email_addresses"
        case phoneNumbers = "phone_numbers"
        case socialMedia = "social_media"
    }

    public init(_ candidate: Candidate) {
        id = candidate.id
        remoteID = candidate.remoteID
        firstName = candidate.firstName
        lastName = candidate.lastName
        source = candidate.source
        remoteURL = candidate.remoteURL
        tags = candidate.tags
        emailAddresses = candidate.emailAddresses
        phoneNumbers = candidate.phoneNumbers
        socialMedia = candidate.socialMedia
    }
}

/// `candidates[].applications[]`.
public struct NestedApplication: Codable, Sendable, Equatable {
    public var id: String
    @Nullable public var remoteID: String?
    @Nullable public var outcome: String?
    @Nullable public var rejectionReasonName: String?
    @Nullable public var rejectedAt: Date?
    @Nullable public var remoteURL: String?
    public var changedAt: Date
    @Nullable public var remoteCreatedAt: Date?
    @Nullable public var remoteUpdatedAt: Date?
    @Nullable public var currentStage: NestedStage?
    @Nullable public var job: NestedJob?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case outcome
        case rejectionReasonName = "rejection_reason_name"
        case rejectedAt = "rejected_at"
        case remoteURL = "remote_url"
        case changedAt = "changed_at"
        case remoteCreatedAt = "remote_created_at"
        case remoteUpdatedAt = "remote_updated_at"
        case currentStage = "current_stage"
        case job
    }

    public init(_ application: Application, currentStage: NestedStage?, job: NestedJob?) {
        id = application.id
        remoteID = application.remoteID
        outcome = application.outcome
        rejectionReasonName = application.rejectionReasonName
        rejectedAt = application.rejectedAt
        remoteURL = application.remoteURL
        changedAt = application.changedAt
        remoteCreatedAt = application.remoteCreatedAt
        remoteUpdatedAt = application.remoteUpdatedAt
        self.currentStage = currentStage
        self.job = job
    }
}
