import Crypto
import Foundation

/// The Recruiting API v1 write path (§2): document uploads and application creation, with
/// Personio's validation rules and the per-company limit.
extension SandboxAccount {
    static let documentExtensions: Set<String> = [
        "pdf", "pptx", "xlsx", "docx", "doc", "xls", "ppt", "ods", "odt", "7z", "gz", "rar", "zip", "bmp", "gif", "jpg",
        "png", "tif", "csv", "txt", "rtf", "mp4", "3gp", "mov", "avi", "wmv",
    ]
    static let maxDocumentBytes = 20 * 1024 * 1024
    static let documentCategories: Set<String> = [
        "cv", "cover-letter", "employment-reference", "certificate", "work-sample", "other",
    ]
    static let genders: Set<String> = ["male", "female", "diverse", "undefined"]
    static let systemAttributes: Set<String> = [
        "birthday", "gender", "location", "phone", "available_from", "salary_expectations",
    ]

    struct UploadedDocument: Sendable {
        var uuid: String
        var size: Int
        var mimetype: String
        var originalFilename: String
        var fileExtension: String
        var sha256: String
    }

    /// One field's failures, as `error_response` lists them.
    struct FieldError: Sendable, Equatable {
        var field: String
        var reasons: [String]
    }

    enum WriteFailure: Error, Sendable, Equatable {
        case unauthorized
        case featureDisabled(String)
        case rateLimited
        case fields([FieldError])
        case fileTooBig
        case invalidFileType
        case malformed(String)
    }

    /// Checks the static recruiting key and company id, the feature switch, and the shared
    /// 20-per-60-seconds company limit, in Personio's order.
    func authorizeWrite(bearer: String?, companyID: String?, now: Date = Date()) throws(WriteFailure) {
        guard bearer == configuration.recruitingAPIKey, companyID == configuration.companyID else {
            throw .unauthorized
        }
        guard configuration.recruitingAPIEnabled else { throw .featureDisabled("feature.recruiting.disabled") }
        if let limit = configuration.v1RateLimit {
            let window = Double(limit.windowSeconds)
            switch configuration.v1LimitWait {
            case .fromLimit:
                // [C] "After reaching this limit, you will need to wait 60 seconds."
                if let until = v1BlockedUntil {
                    guard now >= until else { throw .rateLimited }
                    v1BlockedUntil = nil
                    v1Window = (now, 0)
                }
                if now.timeIntervalSince(v1Window.start) >= window { v1Window = (now, 0) }
                v1Window.count += 1
                if v1Window.count >= limit.requests { v1BlockedUntil = now.addingTimeInterval(window) }
            case .window:
                if now.timeIntervalSince(v1Window.start) >= window { v1Window = (now, 0) }
                guard v1Window.count < limit.requests else { throw .rateLimited }
                v1Window.count += 1
            }
        }
    }

    func uploadDocument(filename: String, contentType: String?, data: Data) throws(WriteFailure) -> UploadedDocument {
        let size = data.count
        guard size <= Self.maxDocumentBytes else { throw .fileTooBig }
        let fileExtension = (filename as NSString).pathExtension.lowercased()
        guard Self.documentExtensions.contains(fileExtension) else { throw .invalidFileType }
        let document = UploadedDocument(
            uuid: UUID().uuidString.lowercased(), size: size, mimetype: Self.mimetype(fileExtension),
            originalFilename: filename, fileExtension: fileExtension,
            sha256: SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
        documents[document.uuid] = document
        return document
    }

    /// Validates and stores one `submit_application` body; returns the new application's id.
    func createApplication(json: Data, now: Date = Date()) throws(WriteFailure) -> Int {
        guard let parsed = try? JSONSerialization.jsonObject(with: json), let body = parsed as? [String: Any] else {
            throw .malformed("The request body must be a JSON object.")
        }
        var errors: [FieldError] = []
        func fail(_ field: String, _ reason: String) {
            if let index = errors.firstIndex(where: { $0.field == field }) {
                errors[index].reasons.append(reason)
            } else {
                errors.append(FieldError(field: field, reasons: [reason]))
            }
        }
        func requiredText(_ field: String) -> String? {
            guard let value = body[field] else {
                fail(field, "errors.attribute-validation.required-attribute")
                return nil
            }
            guard let text = value as? String else {
                fail(field, "errors.attribute-validation.invalid-type")
                return nil
            }
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                fail(field, "errors.attribute-validation.required-attribute")
                return nil
            }
            return text
        }

        let firstName = requiredText("first_name")
        let lastName = requiredText("last_name")
        var email = requiredText("email")
        if let address = email, !Self.isEmail(address) {
            fail("email", "errors.attribute-validation.invalid-email-format")
            email = nil
        }

        var job: SandboxJob?
        switch body["job_position_id"] {
        case nil: fail("job_position_id", "errors.attribute-validation.required-attribute")
        case let id as Int:
            job = jobs[id]
            if job?.published != true { fail("job_position_id", "errors.job-position.not-published") }
        default: fail("job_position_id", "errors.attribute-validation.invalid-type")
        }

        var channelID: Int?
        if let value = body["recruiting_channel_id"] {
            if let id = value as? Int, channels.contains(where: { $0.id == id }) {
                channelID = id
            } else {
                fail("recruiting_channel_id", "errors.posting-validation.channel-not-found")
            }
        }
        // The sandbox account has no multiposting postings, so any posting id is unknown.
        if body["external_posting_id"] != nil {
            fail("external_posting_id", "errors.posting-validation.posting-not-found")
        }

        var applicationDate = DataGenerator.day(now)
        if let value = body["application_date"] {
            if let text = value as? String, let date = Self.localDate(text) {
                if date > now { fail("application_date", "errors.date-validation.date-in-the-future") }
                applicationDate = text
            } else {
                fail("application_date", "errors.attribute-validation.invalid-date-format")
            }
        }

        var requestedStage: SandboxStage?
        if let value = body["phase"] {
            if let phase = value as? [String: Any], let type = phase["type"] as? String {
                switch type {
                case "system":
                    if let id = phase["id"] as? String, SandboxStage.systemKinds.contains(id) {
                        requestedStage = .system(id)
                    } else {
                        fail("phase.id", "errors.phase-validation.invalid-system-phase")
                    }
                case "custom":
                    // [C] An unknown custom phase, or one not in the job's category, is unassigned.
                    let id = phase["id"] as? Int
                    let stages = job.flatMap { job in categories.first { $0.id == job.categoryID } }?.stages ?? []
                    requestedStage = stages.first { $0.id == id } ?? .system("unassigned")
                default:
                    fail("phase.type", "errors.attribute-validation.invalid-type")
                }
            } else {
                fail("phase", "errors.attribute-validation.invalid-type")
            }
        }

        var tags: [String] = []
        if let value = body["tags"] {
            if let list = value as? [Any], list.allSatisfy({ $0 is String }) {
                tags = list.compactMap { $0 as? String }
            } else {
                fail("tags", "errors.attribute-validation.invalid-type")
            }
        }

        var files: [ApplicationFile] = []
        if let value = body["files"] {
            if let items = value as? [Any] {
                for (index, item) in items.enumerated() {
                    guard let file = item as? [String: Any] else {
                        fail("files[\(index)]", "errors.attribute-validation.invalid-type")
                        continue
                    }
                    if let uuid = file["uuid"] as? String, let document = documents[uuid] {
                        files.append(
                            ApplicationFile(
                                uuid: uuid, originalFilename: file["original_filename"] as? String ?? "",
                                category: file["category"] as? String ?? "", size: document.size,
                                mimetype: document.mimetype, sha256: document.sha256))
                    } else {
                        fail("files[\(index)].uuid", "errors.file-validation.file-not-exists")
                    }
                    if file["original_filename"] as? String == nil {
                        fail("files[\(index)].original_filename", "errors.attribute-validation.required-attribute")
                    }
                    if !Self.documentCategories.contains(file["category"] as? String ?? "") {
                        fail("files[\(index)].category", "errors.file-validation.unknown-file-category")
                    }
                }
            } else {
                fail("files", "errors.attribute-validation.invalid-type")
            }
        }

        var attributeValues: [String: String] = [:]
        if let value = body["attributes"] {
            if let list = value as? [Any] {
                for (index, item) in list.enumerated() {
                    let field = "attributes[\(index)]"
                    guard let attribute = item as? [String: Any], let id = attribute["id"] as? String else {
                        fail(field, "errors.attribute-validation.invalid-type")
                        continue
                    }
                    guard let text = attribute["value"] as? String else {
                        fail("\(field).value", "errors.attribute-validation.invalid-type")
                        continue
                    }
                    if let reason = validateAttribute(id: id, value: text) {
                        fail(reason == "errors.attribute-validation.unknown" ? "\(field).id" : "\(field).value", reason)
                    } else {
                        attributeValues[id] = text
                    }
                }
            } else {
                fail("attributes", "errors.attribute-validation.invalid-type")
            }
        }

        let message = body["message"] as? String
        if body["message"] != nil && message == nil { fail("message", "errors.attribute-validation.invalid-type") }

        // One application per (email, job position).
        if let email, let job, let candidateID = candidateByEmail[email.lowercased()],
            candidates[candidateID]?.applicationIDs.contains(where: { applications[$0]?.jobID == job.id }) == true
        {
            fail("email", "errors.applicant-already-exists")
        }

        guard errors.isEmpty, let firstName, let lastName, let email, let job else {
            throw .fields(errors)
        }
        return store(
            firstName: firstName, lastName: lastName, email: email, job: job, channelID: channelID,
            applicationDate: applicationDate, stage: requestedStage, tags: tags, attributes: attributeValues,
            message: message, files: files, now: now)
    }

    /// The reason an attribute value is refused, or nil when it is valid.
    private func validateAttribute(id: String, value: String) -> String? {
        switch id {
        case "birthday":
            return Self.localDate(value) == nil ? "errors.attribute-validation.invalid-date-format" : nil
        case "available_from" where configuration.availableFromDatesOnly:
            return Self.localDate(value) == nil ? "errors.attribute-validation.invalid-date-format" : nil
        case "available_from":
            // [C] Free text ("As soon as possible"), at most 100 characters.
            return value.count > 100 ? "errors.attribute-validation.too-long" : nil
        case "gender":
            return Self.genders.contains(value) ? nil : "errors.attribute-validation.unknown-attribute-option"
        case _ where Self.systemAttributes.contains(id):
            return nil
        default:
            guard let attribute = attributes.first(where: { $0.id == id }) else {
                return "errors.attribute-validation.unknown"
            }
            switch attribute.kind {
            case .text: return nil
            case .date: return Self.localDate(value) == nil ? "errors.attribute-validation.invalid-date-format" : nil
            case .option:
                return attribute.options.contains { $0.id == value }
                    ? nil : "errors.attribute-validation.unknown-attribute-option"
            }
        }
    }

    private func store(
        firstName: String, lastName: String, email: String, job: SandboxJob, channelID: Int?, applicationDate: String,
        stage: SandboxStage?, tags: [String], attributes: [String: String], message: String?, files: [ApplicationFile],
        now: Date
    ) -> Int {
        // [?] A known email reuses its candidate (v2 candidates list several applications).
        let candidateID = candidateByEmail[email.lowercased()] ?? nextCandidateID()
        var candidate =
            candidates[candidateID]
            ?? SandboxCandidate(
                id: candidateID, firstName: firstName, lastName: lastName, email: email, gender: nil, phone: nil,
                location: nil, birthday: nil, linkedinProfile: nil, availableFrom: nil, applicationIDs: [],
                isAnonymized: false, createdAt: now, updatedAt: now)
        candidate.firstName = firstName
        candidate.lastName = lastName
        candidate.gender = attributes["gender"] ?? candidate.gender
        candidate.phone = attributes["phone"] ?? candidate.phone
        candidate.location = attributes["location"] ?? candidate.location
        candidate.birthday = attributes["birthday"] ?? candidate.birthday
        candidate.availableFrom = attributes["available_from"] ?? candidate.availableFrom

        let category = categories.first { $0.id == job.categoryID }
        let initial = stage ?? category?.stages.first ?? .system("unassigned")
        let application = SandboxApplication(
            id: nextApplicationID(), candidateID: candidateID, jobID: job.id, applicationDate: applicationDate,
            channelID: channelID, transitions: [StageTransition(stage: initial, enteredAt: now)],
            hiringTeam: job.hiringTeam, tags: tags,
            attributes: attributes.filter {
                !["gender", "phone", "location", "birthday", "available_from"].contains($0.key)
            },
            message: message, files: files, isAnonymized: false, createdAt: now, updatedAt: now)
        for tag in tags where !knownTags.contains(tag) { knownTags.append(tag) }  // [C] unknown tags are created
        candidate.applicationIDs.append(application.id)
        candidate.updatedAt = now
        applications.upsert(application)
        candidates.upsert(candidate)
        candidateByEmail[email.lowercased()] = candidateID
        return application.id
    }

    private func nextCandidateID() -> Int {
        (candidates.byID.keys.max() ?? DataGenerator.candidateIDBase - 1) + 1
    }

    private func nextApplicationID() -> Int {
        (applications.byID.keys.max() ?? DataGenerator.applicationIDBase - 1) + 1
    }

    // MARK: - Helpers

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !text.contains(where: \.isWhitespace)
    }

    /// A `YYYY-MM-DD` local date, read as UTC midnight.
    static func localDate(_ text: String) -> Date? {
        guard text.count == 10 else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: text)
    }

    static func mimetype(_ fileExtension: String) -> String {
        switch fileExtension {
        case "pdf": "application/pdf"
        case "doc": "application/msword"
        case "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "txt": "text/plain"
        case "csv": "text/csv"
        case "rtf": "application/rtf"
        case "png": "image/png"
        case "jpg": "image/jpeg"
        case "gif": "image/gif"
        case "zip": "application/zip"
        default: "application/octet-stream"
        }
    }
}
