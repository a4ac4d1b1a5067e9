import Foundation

/// The answer format of a screening question: the tagged union `format` of
/// `jobs[].screening_questions[]` (`docs/unified-api.md`, "Reads").
///
/// The SDK drops the whole `format` when `type` is unknown or a required inner key such as
/// `options` is missing, so every variant always writes `type` and its required keys; the
/// optional keys are written as `null` for one stable shape.
public enum QuestionFormat: Codable, Sendable, Equatable {
    /// `displayType`: `SINGLE_LINE`, `MULTI_LINE`, `EMAIL` or `URL`.
    case text(displayType: String?, maxLength: Int?)
    /// `displayType`: `SLIDER` or `FIELD`.
    case number(displayType: String?, min: Double?, max: Double?)
    case file(acceptedMimeTypes: [String]?, maxFileSizeBytes: Int?)
    /// `displayType`: `DROPDOWN` or `RADIO`.
    case singleSelect(options: [QuestionOption], displayType: String?)
    case multiSelect(options: [QuestionOption])
    case boolean
    case date
    case information
    case unknown(rawQuestion: JSONValue?)

    /// The wire value of `type`.
    public var type: String {
        switch self {
        case .text: "TEXT"
        case .number: "NUMBER"
        case .file: "FILE"
        case .singleSelect: "SINGLE_SELECT"
        case .multiSelect: "MULTI_SELECT"
        case .boolean: "BOOLEAN"
        case .date: "DATE"
        case .information: "INFORMATION"
        case .unknown: "UNKNOWN"
        }
    }

    /// The options of a select question; empty for every other format.
    public var options: [QuestionOption] {
        switch self {
        case .singleSelect(let options, _), .multiSelect(let options): options
        default: []
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, options
        case displayType = "display_type"
        case maxLength = "max_length"
        case min, max
        case acceptedMimeTypes = "accepted_mime_types"
        case maxFileSizeBytes = "max_file_size_bytes"
        case rawQuestion = "raw_question"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "TEXT":
            self = .text(
                displayType: try container.decodeIfPresent(String.self, forKey: .displayType),
                maxLength: try container.decodeIfPresent(Int.self, forKey: .maxLength))
        case "NUMBER":
            self = .number(
                displayType: try container.decodeIfPresent(String.self, forKey: .displayType),
                min: try container.decodeIfPresent(Double.self, forKey: .min),
                max: try container.decodeIfPresent(Double.self, forKey: .max))
        case "FILE":
            self = .file(
                acceptedMimeTypes: try container.decodeIfPresent([String].self, forKey: .acceptedMimeTypes),
                maxFileSizeBytes: try container.decodeIfPresent(Int.self, forKey: .maxFileSizeBytes))
        case "SINGLE_SELECT":
            self = .singleSelect(
                options: try container.decode([QuestionOption].self, forKey: .options),
                displayType: try container.decodeIfPresent(String.self, forKey: .displayType))
        case "MULTI_SELECT":
            self = .multiSelect(options: try container.decode([QuestionOption].self, forKey: .options))
        case "BOOLEAN": self = .boolean
        case "DATE": self = .date
        case "INFORMATION": self = .information
        default: self = .unknown(rawQuestion: try container.decodeIfPresent(JSONValue.self, forKey: .rawQuestion))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .text(let displayType, let maxLength):
            try container.encode(displayType, forKey: .displayType)
            try container.encode(maxLength, forKey: .maxLength)
        case .number(let displayType, let min, let max):
            try container.encode(displayType, forKey: .displayType)
            try container.encode(min, forKey: .min)
            try container.encode(max, forKey: .max)
        case .file(let types, let size):
            try container.encode(types, forKey: .acceptedMimeTypes)
            try container.encode(size, forKey: .maxFileSizeBytes)
        case .singleSelect(let options, let displayType):
            try container.encode(options, forKey: .options)
            try container.encode(displayType, forKey: .displayType)
        case .multiSelect(let options):
            try container.encode(options, forKey: .options)
        case .boolean, .date, .information:
            break
        case .unknown(let raw):
            try container.encode(raw ?? .null, forKey: .rawQuestion)
        }
    }
}

/// One choice of a select question. `id` is what a client sends back as the answer.
public struct QuestionOption: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    @Nullable public var remoteID: String?

    enum CodingKeys: String, CodingKey {
        case id, name
        case remoteID = "remote_id"
    }

    public init(id: String, name: String, remoteID: String?) {
        self.id = id
        self.name = name
        self.remoteID = remoteID
    }
}

/// A screening question of the account (the `ats_screening_questions` model): what an
/// application can be asked, whichever jobs ask it.
public struct ScreeningQuestion: Codable, Sendable, Equatable {
    public var id: String
    @Nullable public var remoteID: String?
    @Nullable public var title: String?
    @Nullable public var description: String?
    /// `EEO` or `DEMOGRAPHIC`; null for ordinary questions.
    @Nullable public var category: String?
    @Nullable public var format: QuestionFormat?
    public var changedAt: Date
    @Nullable public var remoteDeletedAt: Date?
    @Nullable public var remoteData: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case title, description, category, format
        case changedAt = "changed_at"
        case remoteDeletedAt = "remote_deleted_at"
        case remoteData = "remote_data"
    }

    public init(id: String, remoteID: String?, title: String?, format: QuestionFormat?) {
        self.id = id
        self.remoteID = remoteID
        self.title = title
        self.format = format
        self.changedAt = Date(timeIntervalSince1970: 0)
    }
}

/// A screening question as one job asks it (`jobs[].screening_questions[]`): the question plus
/// its place in the job's form.
public struct JobScreeningQuestion: Codable, Sendable, Equatable {
    public var id: String
    @Nullable public var remoteID: String?
    @Nullable public var title: String?
    @Nullable public var description: String?
    @Nullable public var category: String?
    @Nullable public var required: Bool?
    @Nullable public var format: QuestionFormat?
    @Nullable public var index: Int?
    @Nullable public var preconditionQuestionID: String?
    /// Option ids, or booleans for a BOOLEAN precondition question.
    @Nullable public var preconditionOptions: [JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id
        case remoteID = "remote_id"
        case title, description, category, required, format, index
        case preconditionQuestionID = "precondition_question_id"
        case preconditionOptions = "precondition_options"
    }

    public init(_ question: ScreeningQuestion, index: Int, required: Bool) {
        self.id = question.id
        self.remoteID = question.remoteID
        self.title = question.title
        self.description = question.description
        self.category = question.category
        self.format = question.format
        self.index = index
        self.required = required
    }
}

/// Which stage a job's pipeline holds at which place (`ats_join_jobs_application_stages`).
/// The job embeds the same data in its `stages`; this record gives the link its own id and
/// timestamps for change tracking.
public struct JobStageLink: Codable, Sendable, Equatable {
    public var id: String
    public var jobID: String
    public var stageID: String
    @Nullable public var index: Int?
    public var changedAt: Date
    @Nullable public var remoteDeletedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case jobID = "job_id"
        case stageID = "stage_id"
        case index
        case changedAt = "changed_at"
        case remoteDeletedAt = "remote_deleted_at"
    }

    public init(id: String, jobID: String, stageID: String, index: Int?) {
        self.id = id
        self.jobID = jobID
        self.stageID = stageID
        self.index = index
        self.changedAt = Date(timeIntervalSince1970: 0)
    }
}

/// Which screening question a job asks at which place (`ats_join_jobs_screening_questions`).
public struct JobQuestionLink: Codable, Sendable, Equatable {
    public var id: String
    public var jobID: String
    public var questionID: String
    @Nullable public var index: Int?
    @Nullable public var required: Bool?
    @Nullable public var preconditionQuestionID: String?
    @Nullable public var preconditionOptions: [JSONValue]?
    public var changedAt: Date
    @Nullable public var remoteDeletedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case jobID = "job_id"
        case questionID = "question_id"
        case index, required
        case preconditionQuestionID = "precondition_question_id"
        case preconditionOptions = "precondition_options"
        case changedAt = "changed_at"
        case remoteDeletedAt = "remote_deleted_at"
    }

    public init(id: String, jobID: String, questionID: String, index: Int?, required: Bool?) {
        self.id = id
        self.jobID = jobID
        self.questionID = questionID
        self.index = index
        self.required = required
        self.changedAt = Date(timeIntervalSince1970: 0)
    }
}

extension Job {
    /// The job's pipeline and form as link records, ids derived from the job's and the linked
    /// record's ids so they are as stable as both (architecture rule 4).
    public var stageLinks: [JobStageLink] {
        stages.map { stage in
            JobStageLink(
                id: Identifier.link(id, stage.id), jobID: id, stageID: stage.id, index: stage.index)
        }
    }

    public var questionLinks: [JobQuestionLink] {
        screeningQuestions.map { question in
            var link = JobQuestionLink(
                id: Identifier.link(id, question.id), jobID: id, questionID: question.id, index: question.index,
                required: question.required)
            link.preconditionQuestionID = question.preconditionQuestionID
            link.preconditionOptions = question.preconditionOptions
            return link
        }
    }
}
