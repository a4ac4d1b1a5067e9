import Foundation

/// A candidate as the store keeps it and `GET /ats/candidates` serves it. `applications` and
/// `tags` are nested data the read API composes from their own tables; the sync leaves them
/// empty here so the candidate's own content hash moves only with the candidate.
public struct Candidate: Codable, Sendable, Equatable {
    public struct PhoneNumber: Codable, Sendable, Equatable {
        public var phoneNumber: String
        @Nullable public var type: String?
        enum CodingKeys: String, CodingKey {
            case phoneNumber = "phone_number"
            case type
        }
        public init(phoneNumber: String, type: String? = nil) {
            self.phoneNumber = phoneNumber
            self.type = type
        }
    }

    public struct EmailAddress: Codable, Sendable, Equatable {
        @Nullable public var type: String?
        @Nullable public var emailAddress: String?
        enum CodingKeys: String, CodingKey {
            case type
            case emailAddress = "email_address"
        }
        public init(emailAddress: String, type: String? = nil) {
            self.emailAddress = emailAddress
            self.type = type
        }
    }

    public struct SocialMedia: Codable, Sendable, Equatable {
        @Nullable public var link: String?
        @Nullable public var type: String?
        @Nullable public var username: String?
        public init(link: String?, type: String?, username: String? = nil) {
            self.link = link
            self.type = type
            self.username = username
        }
    }

    public var id: String
    public var remoteID: String
    @Nullable public var firstName: String?
    @Nullable public var lastName: String?
    @Nullable public var company: String?
    @Nullable public var title: String?
    @Nullable public var confidential: Bool?
    @Nullable public var source: String?
    @Nullable public var customFields: [String: JSONValue]?
    @Nullable public var remoteURL: String?
    @Nullable public var remoteCreatedAt: Date?
    @Nullable public var remoteUpdatedAt: Date?
    public var changedAt: Date
    @Nullable public var remoteDeletedAt: Date?
    public var applications: [NestedApplication] = []
    public var tags: [JSONValue] = []
    public var phoneNumbers: [PhoneNumber] = []
    public var emailAddresses: [EmailAddress] = []
    public var socialMedia: [SocialMedia] = []
    @Nullable public var location: Location?
    public var integrationFields: [JSONValue] = []
    @Nullable public var remoteData: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case firstName = "first_name"
        case lastName = "last_name"
        case company, title, confidential, source
        case customFields = "custom_fields"
        case remoteURL = "remote_url"
        case remoteCreatedAt = "remote_created_at"
        case remoteUpdatedAt = "remote_updated_at"
        case changedAt = "changed_at"
        case remoteDeletedAt = "remote_deleted_at"
        case applications, tags
        case phoneNumbers = "phone_numbers"
        case emailAddresses = "email_addresses"
        case socialMedia = "social_media"
        case location
        case integrationFields = "integration_fields"
        case remoteData = "remote_data"
    }

    public init(id: String, remoteID: String, changedAt: Date = Date(timeIntervalSince1970: 0)) {
        self.id = id
        self.remoteID = remoteID
        self.changedAt = changedAt
    }
}

/// An application as the store keeps it and `GET /ats/applications` serves it. The nested
/// `candidate`, `current_stage` and `job` are composed by the read API (null in the store).
public struct Application: Codable, Sendable, Equatable {
    /// Closed enum in the SDK.
    public enum Outcome: String, Codable, Sendable {
        case pending = "PENDING"
        case hired = "HIRED"
        case declined = "DECLINED"
    }

    public var id: String
    @Nullable public var remoteID: String?
    @Nullable public var outcome: String?
    @Nullable public var rejectionReasonName: String?
    @Nullable public var rejectedAt: Date?
    @Nullable public var currentStageID: String?
    @Nullable public var jobID: String?
    @Nullable public var candidateID: String?
    @Nullable public var customFields: [String: JSONValue]?
    @Nullable public var remoteURL: String?
    public var changedAt: Date
    @Nullable public var remoteDeletedAt: Date?
    @Nullable public var remoteCreatedAt: Date?
    @Nullable public var remoteUpdatedAt: Date?
    @Nullable public var candidate: NestedCandidate?
    @Nullable public var currentStage: NestedStage?
    @Nullable public var job: NestedJob?
    public var interviews: [JSONValue] = []
    public var offers: [JSONValue] = []
    public var screeningQuestionAnswers: [JSONValue] = []
    public var integrationFields: [JSONValue] = []
    @Nullable public var remoteData: [String: JSONValue]?
    /// Where the applicant came from (Personio's recruiting channel). Not on the wire: the
    /// store keeps it in a column, and the candidate's `source` is that of its latest application.
    public var source: String? = nil

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case outcome
        case rejectionReasonName = "rejection_reason_name"
        case rejectedAt = "rejected_at"
        case currentStageID = "current_stage_id"
        case jobID = "job_id"
        case candidateID = "candidate_id"
        case customFields = "custom_fields"
        case remoteURL = "remote_url"
        case changedAt = "changed_at"
        case remoteDeletedAt = "remote_deleted_at"
        case remoteCreatedAt = "remote_created_at"
        case remoteUpdatedAt = "remote_updated_at"
        case candidate
        case currentStage = "current_stage"
        case job, interviews, offers
        case screeningQuestionAnswers = "screening_question_answers"
        case integrationFields = "integration_fields"
        case remoteData = "remote_data"
    }

    public init(id: String, remoteID: String?, changedAt: Date = Date(timeIntervalSince1970: 0)) {
        self.id = id
        self.remoteID = remoteID
        self.changedAt = changedAt
    }
}
