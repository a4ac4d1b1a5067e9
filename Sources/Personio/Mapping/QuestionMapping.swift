import Foundation
import JunctionModel

/// A custom applicant attribute of a Personio account (`custom_attribute_<n>`), as an
/// integration's settings hold it under `applicant_attributes`.
///
/// Personio has no read API for attributes or application forms ([C] §5: only the UI's
/// `/configuration/recruiting/attributes` lists them), so the catalog is configuration: set by
/// whoever connects the account, or taken from the sandbox's catalog for the demo. An entry
/// whose `id` is a system attribute (`phone`, `gender`, …) only adjusts that question's
/// `required` and `job_ids`.
public struct ApplicantAttribute: Codable, Sendable, Equatable {
    /// `custom_attribute_<n>`, or a system attribute id.
    public var id: String
    public var label: String?
    /// Personio's attribute type: `TEXT`, `DATE`, `OPTION` [C]; also accepted `MULTILINE`,
    /// `NUMBER`, `CHECKBOX`, `LINK` [?]. Anything else becomes an `UNKNOWN` question.
    public var type: String?
    /// The choices of an OPTION attribute (`custom_option_<n>` and its label).
    public var options: [Option]?
    /// Whether the application form requires an answer. Default false.
    public var required: Bool?
    /// Remote ids of the jobs whose form asks this; nil means every job.
    public var jobIDs: [String]?
    /// The help text the application form shows with it, as its settings page words it [?]:
    /// Personio's API cannot read it, so it is copied like the label. The question's
    /// `description`; for a system attribute it replaces Junction's own.
    public var description: String?

    public struct Option: Codable, Sendable, Equatable {
        public var id: String
        public var label: String

        public init(id: String, label: String) {
            self.id = id
            self.label = label
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, label, type, options, required, description
        case jobIDs = "job_ids"
    }

    public init(
        id: String, label: String?, type: String?, options: [Option]? = nil, required: Bool? = nil,
        jobIDs: [String]? = nil, description: String? = nil
    ) {
        self.description = description
        self.id = id
        self.label = label
        self.type = type
        self.options = options
        self.required = required
        self.jobIDs = jobIDs
    }

    /// The settings key that holds the catalog.
    public static let settingsKey = "applicant_attributes"

    /// The catalog in an integration's settings; empty when there is none.
    /// Throws a message naming the bad entry when the setting is malformed.
    public static func catalog(settings: [String: JSONValue]) throws -> [ApplicantAttribute] {
        guard let value = settings[settingsKey], value != .null else { return [] }
        do {
            let data = try JSONEncoder().encode(value)
            return try JSONDecoder().decode([ApplicantAttribute].self, from: data)
        } catch let error as DecodingError {
            throw PersonioError.invalidSettings("\(settingsKey): \(Self.describe(error))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return "\(path.isEmpty ? "value" : path): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// Personio's applicant attributes as unified screening questions. Reasons in
/// `docs/personio-mapping.md`.
public struct QuestionMapper: Sendable {
    public let integrationID: String
    public let catalog: [ApplicantAttribute]

    public init(integrationID: String, catalog: [ApplicantAttribute]) {
        self.integrationID = integrationID
        self.catalog = catalog
    }

    /// [C] The system attributes v1 `POST /v1/recruiting/applications` accepts, in the order of
    /// Personio's default application form, and the application message.
    static let systemAttributes: [(id: String, title: String)] = [
        ("phone", "Phone"), ("location", "Location"), ("birthday", "Date of birth"), ("gender", "Gender"),
        ("available_from", "Available from"), ("salary_expectations", "Salary expectations"),
    ]
    /// What Personio's application API says each system attribute holds ([C] its limits and
    /// values), as the questions' `description`; a catalog entry's own description replaces it.
    static let systemDescriptions: [String: String] = [
        "phone": "The applicant's phone number, at most 255 characters.",
        "location": "Where the applicant lives, at most 255 characters.",
        "birthday": "The applicant's date of birth.",
        "gender": "Male, female, diverse or not specified.",
        "available_from": "The first day the applicant can start.",
        "salary_expectations": "The applicant's salary expectations as free text, at most 255 characters.",
        "message": "The applicant's message to the hiring team.",
    ]
    static let messageID = "message"
    /// [C] v1 accepts `male, female, diverse, undefined`.
    static let genders: [(id: String, name: String)] = [
        ("male", "Male"), ("female", "Female"), ("diverse", "Diverse"), ("undefined", "Not specified"),
    ]

    /// Every question of the account: system attributes, then the custom catalog, then the message.
    public func questions() -> [ScreeningQuestion] {
        let entries = Dictionary(catalog.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func described(_ question: ScreeningQuestion) -> ScreeningQuestion {
            var question = question
            let remoteID = question.remoteID ?? ""
            question.description = entries[remoteID]?.description ?? Self.systemDescriptions[remoteID]
            return question
        }
        var questions = Self.systemAttributes.map { system in
            described(
                question(
                    remoteID: system.id, title: system.title, format: Self.systemFormat(system.id), source: "system"))
        }
        for attribute in catalog where !Self.isSystem(attribute.id) {
            var custom = question(
                remoteID: attribute.id, title: attribute.label ?? attribute.id, format: format(of: attribute),
                source: "custom", raw: attribute)
            // Without help text of its own, a choice says what it offers (its options' labels).
            let options = (attribute.options ?? []).map(\.label)
            custom.description =
                attribute.description ?? (options.isEmpty ? nil : "One of: \(options.joined(separator: ", ")).")
            questions.append(custom)
        }
        questions.append(
            described(
                question(
                    remoteID: Self.messageID, title: "Message",
                    format: .text(displayType: "MULTI_LINE", maxLength: nil), source: "system")))
        return questions
    }

    /// The questions one job's form asks, in order, with `required`. [I] Personio forms are per
    /// job but unreadable; every question applies to every job unless the catalog entry
    /// narrows it with `job_ids`.
    public func questions(forJobRemoteID jobID: String, from all: [ScreeningQuestion]) -> [JobScreeningQuestion] {
        let entries = Dictionary(catalog.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var index = 0
        return all.compactMap { question in
            let entry = question.remoteID.flatMap { entries[$0] }
            if let jobs = entry?.jobIDs, !jobs.contains(jobID) { return nil }
            defer { index += 1 }
            return JobScreeningQuestion(question, index: index, required: entry?.required ?? false)
        }
    }

    static func isSystem(_ id: String) -> Bool {
        id == messageID || systemAttributes.contains { $0.id == id }
    }

    /// [C] v1 limits: phone, location, salary expectations ≤ 255 characters; birthday an ISO
    /// date. [I] available_from: a date picker in Personio's form; the deprecated endpoint took
    /// free text of ≤ 100 characters, the sandbox validates a date, so Junction asks for a date.
    static func systemFormat(_ id: String) -> QuestionFormat {
        switch id {
        case "birthday", "available_from": .date
        default: .text(displayType: "SINGLE_LINE", maxLength: 255)
        }
    }

    func format(of attribute: ApplicantAttribute) -> QuestionFormat {
        switch attribute.type?.uppercased() {
        case "TEXT": .text(displayType: "SINGLE_LINE", maxLength: nil)
        case "MULTILINE", "MULTI_LINE", "TEXTAREA": .text(displayType: "MULTI_LINE", maxLength: nil)
        case "LINK", "URL": .text(displayType: "URL", maxLength: nil)
        case "DATE": .date
        case "NUMBER", "INTEGER", "DECIMAL": .number(displayType: "FIELD", min: nil, max: nil)
        case "CHECKBOX", "BOOLEAN": .boolean
        case "OPTION", "LIST", "SELECT":
            .singleSelect(
                options: (attribute.options ?? []).map { option(attribute.id, $0.id, $0.label) },
                displayType: "DROPDOWN")
        default:
            .unknown(rawQuestion: try? JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(attribute)))
        }
    }

    func question(
        remoteID: String, title: String, format: QuestionFormat, source: String, raw: ApplicantAttribute? = nil
    ) -> ScreeningQuestion {
        var question = ScreeningQuestion(
            id: Self.questionID(integrationID: integrationID, remoteID: remoteID), remoteID: remoteID, title: title,
            format: remoteID == "gender" ? .singleSelect(options: genderOptions, displayType: "DROPDOWN") : format)
        var remoteData: [String: JSONValue] = ["attribute_source": .string(source)]
        if let raw, let value = try? JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(raw)) {
            remoteData["attribute"] = value
        }
        question.remoteData = remoteData
        return question
    }

    var genderOptions: [QuestionOption] { Self.genders.map { option("gender", $0.id, $0.name) } }

    func option(_ attributeID: String, _ remoteID: String, _ name: String) -> QuestionOption {
        QuestionOption(
            id: Self.optionID(integrationID: integrationID, attributeID: attributeID, optionRemoteID: remoteID),
            name: name, remoteID: remoteID)
    }

    /// The id of the question for an attribute; the write path turns answers back with it.
    public static func questionID(integrationID: String, remoteID: String) -> String {
        Identifier.record(integrationID: integrationID, model: "screening_questions", remoteID: remoteID)
    }

    public static func optionID(integrationID: String, attributeID: String, optionRemoteID: String) -> String {
        Identifier.record(
            integrationID: integrationID, model: "screening_question_options",
            remoteID: "\(attributeID)/\(optionRemoteID)")
    }
}

/// The tag names in an integration's settings (`tags`: a list of strings); empty without one.
public enum TagSettings {
    public static let settingsKey = "tags"

    public static func names(settings: [String: JSONValue]) throws -> [String] {
        guard let value = settings[settingsKey], value != .null else { return [] }
        guard case .array(let items) = value else {
            throw PersonioError.invalidSettings("\(settingsKey): must be a list of tag names")
        }
        return try items.enumerated().map { index, item in
            guard case .string(let name) = item, !name.isEmpty else {
                throw PersonioError.invalidSettings("\(settingsKey)[\(index)]: must be a non-empty string")
            }
            return name
        }
    }
}
