import Foundation

/// A job as `GET /ats/jobs` serves it (`docs/unified-api.md`, "Reads").
///
/// Every key the SDK marks required is `@Nullable` or non-optional, so it is always on the wire.
/// The optional-in-SDK keys (`employment_type`, `status`, …) are sent as `null` too: clients that
/// read raw JSON get one stable shape.
public struct Job: Codable, Sendable, Equatable {
    public var id: String
    public var remoteID: String
    @Nullable public var name: String?
    @Nullable public var jobCode: String?
    @Nullable public var description: String?
    @Nullable public var confidential: Bool?
    @Nullable public var weeklyHours: Double?
    @Nullable public var category: String?
    @Nullable public var department: String?
    @Nullable public var postURL: String?
    @Nullable public var experienceLevel: String?
    @Nullable public var salaryAmount: Double?
    @Nullable public var salaryAmountFrom: Double?
    @Nullable public var salaryAmountTo: Double?
    @Nullable public var salaryCurrency: String?
    @Nullable public var salaryPeriod: String?
    @Nullable public var customFields: [String: JSONValue]?
    @Nullable public var remoteURL: String?
    @Nullable public var openedAt: Date?
    @Nullable public var closedAt: Date?
    @Nullable public var remoteCreatedAt: Date?
    @Nullable public var remoteUpdatedAt: Date?
    @Nullable public var contactID: String?
    public var changedAt: Date
    @Nullable public var remoteDeletedAt: Date?
    @Nullable public var employmentType: String?
    @Nullable public var status: String?
    @Nullable public var visibility: String?
    @Nullable public var remoteWorkStatus: String?
    @Nullable public var location: Location?
    public var stages: [JobStage]
    public var screeningQuestions: [JobScreeningQuestion]
    public var jobPostings: [JobPosting]
    public var hiringTeam: [JSONValue]
    /// Raw provider fields enabled for passthrough; not modelled by SDK 1.4.0 but served for raw-HTTP clients.
    public var integrationFields: [JSONValue]
    /// The upstream payloads this record was built from, keyed by source.
    @Nullable public var remoteData: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case name
        case jobCode = "job_code"
        case description
        case confidential
        case weeklyHours = "weekly_hours"
        case category, department
        case postURL = "post_url"
        case experienceLevel = "experience_level"
        case salaryAmount = "salary_amount"
        case salaryAmountFrom = "salary_amount_from"
        case salaryAmountTo = "salary_amount_to"
        case salaryCurrency = "salary_currency"
        case salaryPeriod = "salary_period"
        case customFields = "custom_fields"
        case remoteURL = "remote_url"
        case openedAt = "opened_at"
        case closedAt = "closed_at"
        case remoteCreatedAt = "remote_created_at"
        case remoteUpdatedAt = "remote_updated_at"
        case contactID = "contact_id"
        case changedAt = "changed_at"
        case remoteDeletedAt = "remote_deleted_at"
        case employmentType = "employment_type"
        case status, visibility
        case remoteWorkStatus = "remote_work_status"
        case location, stages
        case screeningQuestions = "screening_questions"
        case jobPostings = "job_postings"
        case hiringTeam = "hiring_team"
        case integrationFields = "integration_fields"
        case remoteData = "remote_data"
    }

    public init(id: String, remoteID: String, changedAt: Date) {
        self.id = id
        self.remoteID = remoteID
        self.changedAt = changedAt
        self.stages = []
        self.screeningQuestions = []
        self.jobPostings = []
        self.hiringTeam = []
        self.integrationFields = []
    }
}

/// The open job-level enums. The SDK accepts unknown strings for these, so they stay `String`
/// in the model and these constants name the documented values.
public enum JobStatus: String, CaseIterable, Sendable {
    case open = "OPEN"
    case closed = "CLOSED"
    case draft = "DRAFT"
    case archived = "ARCHIVED"
}

public enum EmploymentType: String, CaseIterable, Sendable {
    case fullTime = "FULL_TIME"
    case partTime = "PART_TIME"
    case contract = "CONTRACT"
    case seasonal = "SEASONAL"
    case internship = "INTERNSHIP"
}

public enum JobVisibility: String, CaseIterable, Sendable {
    case `public` = "PUBLIC"
    case `internal` = "INTERNAL"
    case unlisted = "UNLISTED"
    case confidential = "CONFIDENTIAL"
}

/// A postal location; every key is optional in the SDK but sent as null for a stable shape.
public struct Location: Codable, Sendable, Equatable {
    @Nullable public var city: String?
    @Nullable public var country: String?
    @Nullable public var raw: String?
    @Nullable public var state: String?
    @Nullable public var street1: String?
    @Nullable public var street2: String?
    @Nullable public var zipCode: String?

    enum CodingKeys: String, CodingKey {
        case city, country, raw, state
        case street1 = "street_1"
        case street2 = "street_2"
        case zipCode = "zip_code"
    }

    public init(city: String? = nil, country: String? = nil, raw: String? = nil) {
        self.city = city
        self.country = country
        self.raw = raw
    }
}

/// One stage of a job's pipeline (`jobs[].stages[]`).
public struct JobStage: Codable, Sendable, Equatable {
    public var id: String
    @Nullable public var remoteID: String?
    @Nullable public var name: String?
    /// Closed enum in the SDK: `ACTIVE` or `INACTIVE`.
    @Nullable public var status: String?
    @Nullable public var customFields: [String: JSONValue]?
    @Nullable public var index: Int?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case name, status
        case customFields = "custom_fields"
        case index
    }

    public init(id: String, remoteID: String?, name: String?, index: Int?) {
        self.id = id
        self.remoteID = remoteID
        self.name = name
        self.index = index
    }
}

/// A published posting of a job (`jobs[].job_postings[]`).
public struct JobPosting: Codable, Sendable, Equatable {
    public var id: String
    @Nullable public var remoteID: String?
    @Nullable public var title: String?
    @Nullable public var descriptionHTML: String?
    /// Closed enum in the SDK: `ACTIVE`, `INACTIVE`, `DRAFT`.
    @Nullable public var status: String?
    /// Closed enum in the SDK: `PUBLIC`, `INTERNAL`, `UNLISTED`.
    @Nullable public var visibility: String?
    @Nullable public var url: String?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case title
        case descriptionHTML = "description_html"
        case status, visibility, url
    }

    public init(id: String, remoteID: String?, title: String?) {
        self.id = id
        self.remoteID = remoteID
        self.title = title
    }
}

extension Job {
    /// Takes from `stored` what only a job's public posting tells (texts, status, visibility,
    /// employment type, place, salary, post URL, postings) and the parts of `remote_data` this
    /// record lacks: for a run whose posting source (Personio's career feed) could not be read,
    /// so that an outage keeps each job's last known state instead of closing every job.
    public mutating func keepPublication(from stored: Job) {
        description = stored.description
        status = stored.status
        visibility = stored.visibility
        employmentType = stored.employmentType
        experienceLevel = stored.experienceLevel
        location = stored.location
        remoteWorkStatus = stored.remoteWorkStatus
        postURL = stored.postURL
        salaryAmount = stored.salaryAmount
        salaryAmountFrom = stored.salaryAmountFrom
        salaryAmountTo = stored.salaryAmountTo
        salaryCurrency = stored.salaryCurrency
        salaryPeriod = stored.salaryPeriod
        jobPostings = stored.jobPostings
        if let kept = stored.remoteData {
            var merged = remoteData ?? [:]
            for (key, value) in kept where merged[key] == nil { merged[key] = value }
            remoteData = merged
        }
    }
}
