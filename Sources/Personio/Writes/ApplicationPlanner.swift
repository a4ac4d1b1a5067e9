import Foundation
import JunctionConnectors
import JunctionModel

/// A recruiting channel of the account (`/configuration/recruiting/channels`), for source writing.
public struct RecruitingChannel: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String

    public init(id: Int, name: String) {
        self.id = id
        self.name = name
    }

    /// `recruiting_channels` in the integration's settings: Personio has no channel listing [C].
    public static let settingsKey = "recruiting_channels"
    /// `source_channel_id`: the channel every application written through Junction is
    /// attributed to when its `source` names none (source writing).
    public static let defaultSettingsKey = "source_channel_id"

    public static func catalog(settings: [String: JSONValue]) throws -> (channels: [RecruitingChannel], default: Int?) {
        var channels: [RecruitingChannel] = []
        if let value = settings[settingsKey], value != .null {
            do {
                channels = try JSONDecoder().decode([RecruitingChannel].self, from: JSONEncoder().encode(value))
            } catch {
                throw PersonioError.invalidSettings(
                    "\(settingsKey): must be a list of {\"id\": number, \"name\": text}")
            }
        }
        var fallback: Int?
        switch settings[defaultSettingsKey] {
        case .number(let id)? where Int(exactly: id) != nil: fallback = Int(exactly: id)
        case nil, .null?: break
        default: throw PersonioError.invalidSettings("\(defaultSettingsKey): must be a channel id (a number)")
        }
        return (channels, fallback)
    }
}

/// What creating one application in Personio takes: the files to upload first, and the body of
/// `POST /v1/recruiting/applications` once their uuids are known.
/// A plan in Personio's terms: `body` is the v1 `POST /v1/recruiting/applications` body.
public typealias ApplicationPlan = WritePlan

/// Turns a unified create request into Personio's terms, refusing before anything is sent what
/// Personio would refuse or silently change. Pure: the job and the account's channels are given.
/// Reasons for every rule are in `docs/personio-mapping.md` ("Writing applications").
public struct ApplicationPlanner: Sendable {
    public let integrationID: String
    public let job: Job
    public let channels: [RecruitingChannel]
    public let defaultChannelID: Int?

    public init(integrationID: String, job: Job, channels: [RecruitingChannel], defaultChannelID: Int?) {
        self.integrationID = integrationID
        self.job = job
        self.channels = channels
        self.defaultChannelID = defaultChannelID
    }

    /// [C] §2.2: the extensions the documents endpoint takes.
    static let extensions: Set<String> = [
        "pdf", "pptx", "xlsx", "docx", "doc", "xls", "ppt", "ods", "odt", "7z", "gz", "rar", "zip", "bmp", "gif", "jpg",
        "png", "tif", "csv", "txt", "rtf", "mp4", "3gp", "mov", "avi", "wmv", "jpeg", "tiff",
    ]
    /// [C] §2.2: 20 MB per file.
    public static let maxFileBytes = 20 * 1024 * 1024

    public func plan(_ create: ApplicationCreate) throws(ApplicationCreate.Problems) -> ApplicationPlan {
        var problems: [ApplicationCreate.Problem] = []
        var warnings: [String] = []
        let candidate = create.candidate
        var body: [String: JSONValue] = [
            "first_name": .string(candidate.firstName.trimmingCharacters(in: .whitespacesAndNewlines)),
            "last_name": .string(candidate.lastName.trimmingCharacters(in: .whitespacesAndNewlines)),
            "email": .string(candidate.emailAddress),
            "job_position_id": Int(job.remoteID).map { .number(Double($0)) } ?? .string(job.remoteID),
        ]
        var attributes: [(String, String)] = []
        if let phone = candidate.phoneNumber { attributes.append(("phone", phone)) }
        if let country = candidate.country {
            attributes.append(("location", [candidate.city, country].compactMap { $0 }.joined(separator: ", ")))
        }
        if let gender = candidate.gender {
            // [C] Personio knows male, female, diverse, undefined; OTHER is closest to diverse.
            attributes.append(("gender", ["MALE": "male", "FEMALE": "female"][gender] ?? "diverse"))
        }
        if let date = candidate.availabilityDate {
            attributes.append(("available_from", String(UnifiedDate.format(date).prefix(10))))
        }
        if let amount = candidate.salaryAmount, let period = candidate.salaryPeriod {
            // [C] free text of at most 255 characters; the period stays as given, no conversion.
            attributes.append(
                ("salary_expectations", "\(Self.text(of: amount)) per \(period == "YEAR" ? "year" : "month")"))
        }
        for field in candidate.extraFields + create.extraFields {
            warnings.append("\(field) was not stored: Personio's application API has no field for it.")
        }

        // Screening answers, each checked against the question's format.
        let questions = Dictionary(job.screeningQuestions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var answered = Set<String>()
        for (index, answer) in create.answers.enumerated() {
            let path = "screening_question_answers[\(index)]"
            guard let question = questions[answer.questionID], let remoteID = question.remoteID else {
                // Kombo's documented behaviour: an unknown question is reported, not fatal.
                warnings.append(
                    "\(path): '\(answer.questionID)' is not a screening question of job \(job.id), so the answer was "
                        + "not sent; its questions are " + job.screeningQuestions.map(\.id).joined(separator: ", "))
                continue
            }
            guard answered.insert(question.id).inserted else {
                problems.append(.init("\(path).question_id", "answers question '\(question.id)' a second time"))
                continue
            }
            switch Self.value(of: answer.answer, for: question) {
            case .success(let value):
                if remoteID == QuestionMapper.messageID {
                    body["message"] = .string(value)
                } else {
                    attributes.removeAll { $0.0 == remoteID }
                    attributes.append((remoteID, value))
                }
            case .failure(let mismatch) where mismatch.unsendable:
                // Kombo: "unsupported [answer types] will not be submitted". A required question
                // left unanswered this way is still refused below.
                answered.remove(question.id)
                warnings.append("\(path).answer \(mismatch.message), so it was not sent")
            case .failure(let mismatch):
                problems.append(.init("\(path).answer", mismatch.message))
            }
        }
        for question in job.screeningQuestions where question.required == true && !answered.contains(question.id) {
            let covered = attributes.contains { $0.0 == question.remoteID }
            if !covered {
                problems.append(
                    .init(
                        "screening_question_answers",
                        "question '\(question.id)' (\(question.title ?? question.remoteID ?? "")) is required for this job"
                    ))
            }
        }
        if !attributes.isEmpty {
            body["attributes"] = .array(
                attributes.map { .object(["id": .string($0.0), "value": .string($0.1)]) })
        }

        // Stage: only stages Personio predefines or the job's category holds.
        if let stageID = create.stageID {
            if let phase = phase(for: stageID) {
                body["phase"] = phase
            } else {
                let valid =
                    StageMapper.systemStages.map { "\(self.stageID($0.remoteID)) (\($0.name))" }
                    + job.stages.filter { Int($0.remoteID ?? "") != nil }.map { "\($0.id) (\($0.name ?? ""))" }
                problems.append(
                    .init(
                        create.jobID == nil ? "stage_id" : "application.stage_id",
                        "'\(stageID)' is not a stage of job \(job.id); pass a stage id, remote:<Personio stage id> or "
                            + "a system stage name (" + StageMapper.systemStages.map(\.remoteID).joined(separator: ", ")
                            + "); the job's stages: \(valid.joined(separator: ", "))"
                    ))
            }
        }

        // Source writing.
        if let channel = channel(name: create.sourceName, id: create.sourceID, warnings: &warnings) {
            body["recruiting_channel_id"] = .number(Double(channel))
        }

        // Attachments.
        var files: [ApplicationPlan.File] = []
        for (index, attachment) in create.attachments.enumerated() {
            var attachment = attachment
            if let name = Self.fileName(attachment.name, contentType: attachment.contentType, data: attachment.data) {
                attachment.name = name
            } else if !(attachment.dataURL != nil && attachment.contentType == nil) {
                // (A download without a given type is named once its own media type is known.)
                problems.append(.init("attachments[\(index)].name", Self.extensionProblem(attachment)))
                continue
            }
            if let data = attachment.data, data.count > Self.maxFileBytes {
                problems.append(.init("attachments[\(index)].data", "is larger than Personio's 20 MB per file"))
                continue
            }
            let category = ["CV": "cv", "COVER_LETTER": "cover-letter"][attachment.type] ?? "other"
            files.append(.init(attachment: attachment, category: category))
        }

        for (key, value) in create.remoteApplicationFields { body[key] = value }
        guard problems.isEmpty else { throw ApplicationCreate.Problems(list: problems) }
        return WritePlan(
            body: body, files: files, warnings: warnings, email: candidate.emailAddress, jobRemoteID: job.remoteID)
    }

    /// Personio's `phase` for a stage, or nil when the stage cannot be set. A stage is named by
    /// its Junction id, by `remote:<Personio id>` (Kombo's remote ids: a system stage's
    /// `unassigned`…, a custom stage's number), or by a system stage's name (Kombo's connector
    /// page: "only remote or predefined stages are supported").
    func phase(for reference: String) -> JSONValue? {
        let remote = reference.hasPrefix("remote:") ? String(reference.dropFirst(7)) : nil
        let folded = reference.lowercased()
        if let system = StageMapper.systemStages.first(where: {
            self.stageID($0.remoteID) == reference || remote == $0.remoteID || folded == $0.remoteID
                || folded == $0.name.lowercased()
        }) {
            return .object(["type": .string("system"), "id": .string(system.remoteID)])
        }
        // [C] An unknown custom phase silently becomes `unassigned`; only the job's own are sent.
        if let stage = job.stages.first(where: { $0.id == reference || (remote != nil && $0.remoteID == remote) }),
            let remoteID = stage.remoteID, let number = Int(remoteID)
        {
            return .object(["type": .string("custom"), "id": .number(Double(number))])
        }
        return nil
    }

    func stageID(_ remoteID: String) -> String {
        Identifier.record(integrationID: integrationID, model: "application_stages", remoteID: remoteID)
    }

    /// The channel for `source`: by id, else by name (ignoring case), else the configured one.
    func channel(name: String?, id: String?, warnings: inout [String]) -> Int? {
        if let id {
            if let channel = channels.first(where: { String($0.id) == id }) { return channel.id }
            warnings.append("source.id '\(id)' is no Personio recruiting channel; " + fallbackText)
        } else if let name {
            let folded = name.lowercased()
            if let channel = channels.first(where: { $0.name.lowercased() == folded }) { return channel.id }
            warnings.append("source.name '\(name)' is no Personio recruiting channel; " + fallbackText)
        }
        return defaultChannelID
    }

    var fallbackText: String {
        defaultChannelID.map { "the integration's channel \($0) is used." } ?? "no channel was set."
    }

    /// The name Personio gets for a document: its own when its extension is one Personio takes
    /// (§2.2), else with the extension its media type or, failing that, its first bytes show;
    /// nil when neither tells one Personio takes. Kombo asks for names with an extension but
    /// does not require them; Personio refuses a document without one.
    public static func fileName(_ name: String, contentType: String?, data: Data?) -> String? {
        if extensions.contains((name as NSString).pathExtension.lowercased()) { return name }
        let derived = FileTypes.fileExtension(forContentType: contentType) ?? data.flatMap(FileTypes.fileExtension)
        guard let derived, extensions.contains(derived) else { return nil }
        let trimmed = name.trimmingCharacters(in: CharacterSet(charactersIn: ". ").union(.whitespaces))
        return "\(trimmed.isEmpty ? "attachment" : trimmed).\(derived)"
    }

    /// Why an attachment's name cannot be sent.
    static func extensionProblem(_ attachment: ApplicationCreate.Attachment) -> String {
        "'\(attachment.name)' has no extension Personio takes, and "
            + (attachment.contentType.map { "its content type '\($0)' names none either" }
                ?? "its content does not show its type")
            + "; Personio takes " + extensions.sorted().joined(separator: ", ")
    }

    /// A number as Personio's text: whole numbers without a fraction. `Int64(exactly:)`, not
    /// `Int(_:)`, which traps on a whole number beyond Int's range (a fuzzer sent 3e281).
    static func text(of number: Double) -> String {
        Int64(exactly: number).map(String.init) ?? String(number)
    }

    /// The attribute value Personio takes for an answer, or why the answer does not fit.
    static func value(of answer: JSONValue, for question: JobScreeningQuestion) -> Result<String, AnswerMismatch> {
        switch (question.format, answer) {
        case (.text(_, let maxLength)?, .string(let text)):
            if let maxLength, text.count > maxLength {
                return .failure(.init("must be at most \(maxLength) characters"))
            }
            return .success(text)
        case (.date?, .string(let text)):
            guard let date = UnifiedDate.parse(text) else {
                return .failure(.init("'\(text)' is not an ISO-8601 date"))
            }
            return .success(String(UnifiedDate.format(date).prefix(10)))
        case (.singleSelect(let options, _)?, .string(let id)):
            guard let option = options.first(where: { $0.id == id }), let remote = option.remoteID else {
                return .failure(
                    .init(
                        "'\(id)' is not an option of this question; options: "
                            + options.map { "\($0.id) (\($0.name))" }.joined(separator: ", ")))
            }
            return .success(remote)
        case (.number(_, let min, let max)?, .number(let number)):
            if let min, number < min { return .failure(.init("must be at least \(min)")) }
            if let max, number > max { return .failure(.init("must be at most \(max)")) }
            return .success(Self.text(of: number))
        case (.boolean?, .bool(let flag)):
            return .success(flag ? "true" : "false")
        case (let format?, _):
            return .failure(
                .init(
                    "is a \(answer.typeName), which the question's format \(format.type) cannot take", unsendable: true)
            )
        case (nil, _):
            return .failure(.init("cannot be written: the question has no known format", unsendable: true))
        }
    }

    /// Why an answer does not fit its question. `unsendable`: of a kind the question cannot take
    /// at all (skipped with a warning); otherwise a malformed value of the right kind (refused).
    struct AnswerMismatch: Error {
        var message: String
        var unsendable = false
        init(_ message: String, unsendable: Bool = false) {
            self.message = message
            self.unsendable = unsendable
        }
    }
}
