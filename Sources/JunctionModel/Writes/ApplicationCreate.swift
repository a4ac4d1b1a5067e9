import Foundation

/// The body of `POST /ats/jobs/{job_id}/applications` (and of the legacy `POST /ats/candidates`),
/// checked for shape: every problem is collected with the path of the field it concerns, so one
/// answer names every bad field (`docs/unified-api.md`, "Writes").
///
/// What needs the integration's data (the job, its stages and questions, the channels) is
/// checked later, by the connector's writer.
public struct ApplicationCreate: Sendable, Equatable {
    public struct Candidate: Sendable, Equatable {
        public var firstName: String
        public var lastName: String
        public var emailAddress: String
        public var phoneNumber: String?
        public var company: String?
        public var title: String?
        /// ISO 3166 alpha-2, uppercase.
        public var country: String?
        public var city: String?
        /// `MALE`, `FEMALE` or `OTHER`.
        public var gender: String?
        public var availabilityDate: Date?
        public var salaryPeriod: String?
        public var salaryAmount: Double?
        /// Fields given that no ATS field may hold; each becomes a warning when dropped.
        public var extraFields: [String] = []
    }

    public struct Attachment: Sendable, Equatable {
        public var name: String
        /// `CV`, `COVER_LETTER` or `OTHER`.
        public var type: String
        public var contentType: String?
        public var data: Data?
        public var dataURL: String?
    }

    public struct Answer: Sendable, Equatable {
        public var questionID: String
        public var answer: JSONValue
    }

    public var candidate: Candidate
    /// From the legacy body's `application.job_id`; the path's job id otherwise.
    public var jobID: String?
    public var stageID: String?
    public var attachments: [Attachment] = []
    public var answers: [Answer] = []
    public var sourceName: String?
    public var sourceID: String?
    /// `remote_fields.personio.application`, passed through to Personio's application object.
    public var remoteApplicationFields: [String: JSONValue] = [:]
    /// Top-level fields given that no ATS field may hold (`sourced_by`, `gdpr_consent`).
    public var extraFields: [String] = []
    /// Fields this server does not know (a later Kombo version's, most likely), by path: ignored
    /// with a warning, so a newer SDK keeps working.
    public var unknownFields: [String] = []

    /// One bad field: its path in the body (`candidate.email_address`, `attachments[1].data`).
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
        public init(_ path: String, _ message: String) {
            self.path = path
            self.message = message
        }
    }

    /// Kombo's documented limits: 10 MB of attachments per application; Personio's own is 20 MB
    /// per file ([C] §2.2), so the stricter total decides.
    public static let maxTotalAttachmentBytes = 10 * 1024 * 1024

    /// Every problem of a body, in the order found.
    public struct Problems: Error, Sendable, Equatable {
        public var list: [Problem]
        /// What could be read despite the problems, so later checks can name theirs too.
        public var partial: ApplicationCreate?
        public init(list: [Problem], partial: ApplicationCreate? = nil) {
            self.list = list
            self.partial = partial
        }

        /// The 400 a caller gets: every problem, and that nothing reached `tool`.
        public func apiError(tool: String) -> APIError {
            let count = list.count == 1 ? "1 field is" : "\(list.count) fields are"
            return APIError(
                .inputInvalid,
                "\(count) invalid; nothing was sent to \(tool). " + list.map(\.description).joined(separator: "; "))
        }
    }

    /// Parses `body`; `legacy` is the `POST /ats/candidates` shape (`application.job_id`).
    public static func parse(_ body: JSONValue, legacy: Bool) throws(Problems) -> ApplicationCreate {
        var reader = Reader()
        guard case .object(let root) = body else {
            throw Problems(list: [Problem("body", "must be a JSON object")])
        }
        let candidate = reader.candidate(root["candidate"])
        var create = ApplicationCreate(
            candidate: candidate ?? Candidate(firstName: "", lastName: "", emailAddress: ""))
        if legacy {
            switch root["application"] {
            case .object(let application)?:
                create.jobID = reader.string(application["job_id"], "application.job_id", required: true)
                create.stageID = reader.string(application["stage_id"], "application.stage_id")
            case nil, .null?:
                reader.fail("application", "is required: {\"job_id\": …}")
            default:
                reader.fail("application", "must be an object")
            }
            if root["stage_id"] != nil {
                reader.fail("stage_id", "is not part of this endpoint; use application.stage_id")
            }
        } else {
            create.stageID = reader.string(root["stage_id"], "stage_id")
            if root["application"] != nil {
                reader.fail("application", "is not part of this endpoint; the job is in the path")
            }
        }
        create.attachments = reader.attachments(root["attachments"])
        create.answers = reader.answers(root["screening_question_answers"])
        switch root["source"] {
        case .object(let source)?:
            create.sourceName = reader.string(source["name"], "source.name")
            create.sourceID = reader.string(source["id"], "source.id")
            _ = reader.string(source["unified_key"], "source.unified_key")
        case nil, .null?: break
        default: reader.fail("source", "must be an object like {\"name\": \"LinkedIn\"}")
        }
        switch root["remote_fields"] {
        case .object(let remote)?:
            switch remote["personio"] {
            case .object(let personio)?:
                switch personio["application"] {
                case .object(let fields)?: create.remoteApplicationFields = fields
                case nil, .null?: break
                default: reader.fail("remote_fields.personio.application", "must be an object")
                }
            case nil, .null?: break
            default: reader.fail("remote_fields.personio", "must be an object")
            }
        case nil, .null?: break
        default: reader.fail("remote_fields", "must be an object")
        }
        for key in ["sourced_by", "gdpr_consent"] where root[key] != nil && root[key] != .null {
            create.extraFields.append(key)
        }
        let known: Set<String> = [
            "candidate", "application", "stage_id", "attachments", "screening_question_answers", "source",
            "sourced_by", "gdpr_consent", "remote_fields",
        ]
        create.unknownFields = reader.unknown + root.keys.sorted().filter { !known.contains($0) }
        if candidate == nil && !reader.problems.contains(where: { $0.path.hasPrefix("candidate") }) {
            reader.fail("candidate", "is required")
        }
        guard reader.problems.isEmpty else { throw Problems(list: reader.problems, partial: create) }
        return create
    }

    /// Collects problems while reading.
    struct Reader {
        var problems: [Problem] = []
        /// Paths of fields not known below the top level.
        var unknown: [String] = []

        mutating func fail(_ path: String, _ message: String) {
            problems.append(Problem(path, message))
        }

        mutating func string(_ value: JSONValue?, _ path: String, required: Bool = false, maxLength: Int? = nil)
            -> String?
        {
            switch value {
            case .string(let text)?:
                if required && text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    fail(path, "must not be empty")
                    return nil
                }
                if let maxLength, text.count > maxLength {
                    fail(path, "must be at most \(maxLength) characters")
                    return nil
                }
                return text
            case nil, .null?:
                if required { fail(path, "is required") }
                return nil
            default:
                fail(path, "must be a string")
                return nil
            }
        }

        mutating func candidate(_ value: JSONValue?) -> Candidate? {
            guard case .object(let fields)? = value else {
                if value != nil && value != .null { fail("candidate", "must be an object") }
                return nil
            }
            let first = string(fields["first_name"], "candidate.first_name", required: true, maxLength: 255)
            let last = string(fields["last_name"], "candidate.last_name", required: true, maxLength: 255)
            let email = string(fields["email_address"], "candidate.email_address", required: true)
            if let email, !Self.isEmail(email) {
                fail("candidate.email_address", "'\(email)' is not an email address")
            }
            var candidate = Candidate(firstName: first ?? "", lastName: last ?? "", emailAddress: email ?? "")
            candidate.phoneNumber = string(fields["phone_number"], "candidate.phone_number", maxLength: 255)
            candidate.company = string(fields["company"], "candidate.company")
            candidate.title = string(fields["title"], "candidate.title")
            switch fields["location"] {
            case .object(let location)?:
                if let country = string(location["country"], "candidate.location.country", required: true) {
                    if Self.countries.contains(country) {
                        candidate.country = country
                    } else {
                        fail(
                            "candidate.location.country",
                            "'\(country)' is not an uppercase ISO 3166 alpha-2 country code like DE")
                    }
                }
                candidate.city = string(location["city"], "candidate.location.city", maxLength: 200)
                for key in ["state", "street_1", "zip_code"] {
                    if string(location[key], "candidate.location.\(key)") != nil {
                        candidate.extraFields.append("candidate.location.\(key)")
                    }
                }
            case nil, .null?: break
            default: fail("candidate.location", "must be an object with at least 'country'")
            }
            if let gender = string(fields["gender"], "candidate.gender") {
                if ["MALE", "FEMALE", "OTHER"].contains(gender) {
                    candidate.gender = gender
                } else {
                    fail("candidate.gender", "must be MALE, FEMALE or OTHER, not '\(gender)'")
                }
            }
            if let text = string(fields["availability_date"], "candidate.availability_date") {
                if let date = UnifiedDate.parse(text) {
                    candidate.availabilityDate = date
                } else {
                    fail("candidate.availability_date", "'\(text)' is not an ISO-8601 date-time")
                }
            }
            switch fields["salary_expectations"] {
            case .object(let salary)?:
                if let period = string(salary["period"], "candidate.salary_expectations.period", required: true) {
                    if ["MONTH", "YEAR"].contains(period) {
                        candidate.salaryPeriod = period
                    } else {
                        fail("candidate.salary_expectations.period", "must be MONTH or YEAR, not '\(period)'")
                    }
                }
                switch salary["amount"] {
                case .number(let amount)? where amount >= 0 && amount.isFinite:
                    candidate.salaryAmount = amount
                case nil, .null?: fail("candidate.salary_expectations.amount", "is required")
                default: fail("candidate.salary_expectations.amount", "must be a number of at least 0")
                }
            case nil, .null?: break
            default: fail("candidate.salary_expectations", "must be an object {period, amount}")
            }
            for key in ["additional_email_addresses", "additional_phone_numbers", "social_links"] {
                switch fields[key] {
                case nil, .null?: break
                case .array(let items)? where items.isEmpty: break
                case .array?: candidate.extraFields.append("candidate.\(key)")
                default: fail("candidate.\(key)", "must be a list")
                }
            }
            let known: Set<String> = [
                "first_name", "last_name", "email_address", "phone_number", "company", "title", "location", "gender",
                "availability_date", "salary_expectations", "additional_email_addresses", "additional_phone_numbers",
                "social_links",
            ]
            unknown += fields.keys.sorted().filter { !known.contains($0) }.map { "candidate.\($0)" }
            if candidate.company != nil { candidate.extraFields.append("candidate.company") }
            if candidate.title != nil { candidate.extraFields.append("candidate.title") }
            return candidate
        }

        mutating func attachments(_ value: JSONValue?) -> [Attachment] {
            guard case .array(let items)? = value else {
                if value != nil && value != .null { fail("attachments", "must be a list") }
                return []
            }
            var result: [Attachment] = []
            var total = 0
            for (index, item) in items.enumerated() {
                let path = "attachments[\(index)]"
                guard case .object(let fields) = item else {
                    fail(path, "must be an object {name, type, data or data_url}")
                    continue
                }
                let name = string(fields["name"], "\(path).name", required: true)
                let type = string(fields["type"], "\(path).type", required: true)
                if let type, !["CV", "COVER_LETTER", "OTHER"].contains(type) {
                    fail("\(path).type", "must be CV, COVER_LETTER or OTHER, not '\(type)'")
                }
                let contentType = string(fields["content_type"], "\(path).content_type")
                let dataText = string(fields["data"], "\(path).data")
                let url = string(fields["data_url"], "\(path).data_url")
                var data: Data?
                switch (dataText, url) {
                case (nil, nil): fail(path, "needs one of 'data' (base64) or 'data_url'")
                case (.some, .some): fail(path, "must have either 'data' or 'data_url', not both")
                case (.some(let text), nil):
                    if contentType == nil { fail("\(path).content_type", "is required with 'data'") }
                    if let decoded = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !decoded.isEmpty {
                        data = decoded
                        total += decoded.count
                    } else {
                        fail("\(path).data", "must be non-empty base64")
                    }
                case (nil, .some(let link)):
                    if !(link.hasPrefix("https://") || link.hasPrefix("http://")) {
                        fail("\(path).data_url", "must be an http(s) URL")
                    }
                }
                if let name, let type {
                    result.append(
                        Attachment(name: name, type: type, contentType: contentType, data: data, dataURL: url))
                }
            }
            if total > ApplicationCreate.maxTotalAttachmentBytes {
                fail(
                    "attachments",
                    "hold \(total) bytes; at most \(ApplicationCreate.maxTotalAttachmentBytes) per application")
            }
            return result
        }

        mutating func answers(_ value: JSONValue?) -> [Answer] {
            guard case .array(let items)? = value else {
                if value != nil && value != .null { fail("screening_question_answers", "must be a list") }
                return []
            }
            var result: [Answer] = []
            for (index, item) in items.enumerated() {
                let path = "screening_question_answers[\(index)]"
                guard case .object(let fields) = item else {
                    fail(path, "must be an object {question_id, answer}")
                    continue
                }
                let id = string(fields["question_id"], "\(path).question_id", required: true)
                guard let answer = fields["answer"], answer != .null else {
                    fail("\(path).answer", "is required")
                    continue
                }
                if let id { result.append(Answer(questionID: id, answer: answer)) }
            }
            return result
        }

        /// Local part, `@`, a domain with a dot; no spaces. Personio validates again.
        static func isEmail(_ text: String) -> Bool {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
            let domain = parts[1]
            return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
        }

        static let countries: Set<String> = Set(
            Locale.Region.isoRegions.map(\.identifier).filter { $0.count == 2 && $0.allSatisfy(\.isUppercase) })
    }
}
