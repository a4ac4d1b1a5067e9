import Foundation

/// What the admin API does to the account: ground truth, mutations, switches, credentials.
extension SandboxAccount {
    enum AdminError: Error, Equatable {
        case notFound(String)
        case invalid(String)
    }

    // MARK: - Ground truth

    /// Every record with every field the account holds, including what no Personio API shows
    /// (publication, texts, tags, attributes), for tests to compare a mirror against.
    func groundTruth(models: Set<String>?) -> JSON {
        func wanted(_ model: String) -> Bool { models?.contains(model) ?? true }
        var members: [(String, JSON)] = []
        if wanted("jobs") {
            members.append(("jobs", .array(jobs.order.compactMap { jobs[$0.id] }.map(truth(job:)))))
        }
        if wanted("candidates") {
            members.append(
                ("candidates", .array(candidates.order.compactMap { candidates[$0.id] }.map(truth(candidate:)))))
        }
        if wanted("applications") {
            members.append(
                ("applications", .array(applications.order.compactMap { applications[$0.id] }.map(truth(application:))))
            )
        }
        if wanted("categories") { members.append(("categories", .array(categories.map(encode(category:))))) }
        if wanted("channels") {
            members.append(
                ("channels", .array(channels.map { .object([("id", .int($0.id)), ("name", .string($0.name))]) })))
        }
        if wanted("persons") { members.append(("persons", .array(persons.map(PersonnelRoutes.encode)))) }
        if wanted("attributes") {
            members.append(
                (
                    "attributes",
                    .array(
                        attributes.map { attribute in
                            .object([
                                ("id", .string(attribute.id)), ("label", .string(attribute.label)),
                                ("type", .string(attribute.kind.rawValue)),
                                (
                                    "options",
                                    .array(
                                        attribute.options.map {
                                            .object([("id", .string($0.id)), ("label", .string($0.label))])
                                        })
                                ),
                            ])
                        })
                ))
        }
        if wanted("tags") { members.append(("tags", .array(knownTags.map(JSON.string)))) }
        return .object(members)
    }

    private func truth(job: SandboxJob) -> JSON {
        .object([
            ("id", .int(job.id)),
            ("name", .object(job.name.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("department", department(id: job.departmentID).map { .string($0.name) } ?? .null),
            ("category_id", .int(job.categoryID)), ("office", .string(job.office)),
            ("additional_offices", .array(job.additionalOffices.map(JSON.string))),
            ("subcompany", .string(job.subcompany)), ("employment_type", .string(job.employmentType)),
            ("seniority", .string(job.seniority)), ("schedule", .string(job.schedule)),
            ("years_of_experience", .string(job.yearsOfExperience)), ("keywords", .string(job.keywords)),
            ("occupation", .string(job.occupation)), ("occupation_category", .string(job.occupationCategory)),
            (
                "descriptions",
                .object(
                    job.descriptions.sorted { $0.key < $1.key }.map { language, sections in
                        (
                            language,
                            .array(sections.map { .object([("name", .string($0.name)), ("value", .string($0.html))]) })
                        )
                    })
            ),
            (
                "salary",
                job.salary.map {
                    .object([
                        ("min", .int($0.min)), ("max", $0.max.map(JSON.int) ?? .null), ("currency", .string("EUR")),
                    ])
                }
                    ?? .null
            ),
            ("published", .bool(job.published)), ("archived", .bool(job.archived)),
            ("text_languages", .array(textLanguages(of: job).map(JSON.string))),
            ("career_site", .string(careerSite(of: job))),
            (
                "hiring_team",
                .array(job.hiringTeam.map { .object([("person_id", .int($0.personID)), ("role", .string($0.role))]) })
            ),
            ("created_at", .string(PersonioTime.format(job.createdAt))),
            ("updated_at", .string(PersonioTime.format(job.updatedAt))),
        ])
    }

    private func truth(candidate: SandboxCandidate) -> JSON {
        .object([
            ("id", .int(candidate.id)), ("first_name", .string(candidate.firstName)),
            ("last_name", .string(candidate.lastName)),
            ("email", .string(candidate.email)), ("gender", .string(candidate.gender)),
            ("phone", .string(candidate.phone)),
            ("location", .string(candidate.location)), ("birthday", .string(candidate.birthday)),
            ("linkedin_profile", .string(candidate.linkedinProfile)),
            ("available_from", .string(candidate.availableFrom)),
            ("application_ids", .array(candidate.applicationIDs.map(JSON.int))),
            ("is_anonymized", .bool(candidate.isAnonymized)),
            ("created_at", .string(PersonioTime.format(candidate.createdAt))),
            ("updated_at", .string(PersonioTime.format(candidate.updatedAt))),
        ])
    }

    private func truth(application: SandboxApplication) -> JSON {
        .object([
            ("id", .int(application.id)), ("candidate_id", .int(application.candidateID)),
            ("job_id", .int(application.jobID)),
            ("application_date", .string(application.applicationDate)),
            ("channel_id", application.channelID.map(JSON.int) ?? .null),
            (
                "transitions",
                .array(
                    application.transitions.map {
                        .object([
                            ("stage", encode(stage: $0.stage)),
                            ("entered_at", .string(PersonioTime.format($0.enteredAt))),
                        ])
                    })
            ),
            ("tags", .array(application.tags.map(JSON.string))),
            (
                "attributes",
                .object(application.attributes.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            ),
            ("message", .string(application.message)),
            (
                "files",
                .array(
                    application.files.map { file in
                        .object([
                            ("uuid", .string(file.uuid)), ("original_filename", .string(file.originalFilename)),
                            ("category", .string(file.category)), ("size", .int(file.size)),
                            ("mimetype", .string(file.mimetype)), ("sha256", .string(file.sha256)),
                        ])
                    })
            ),
            ("is_anonymized", .bool(application.isAnonymized)),
            ("created_at", .string(PersonioTime.format(application.createdAt))),
            ("updated_at", .string(PersonioTime.format(application.updatedAt))),
        ])
    }

    // MARK: - Mutations (each one moves `updated_at` to now, as an edit in Personio would)

    func updateJob(id: Int, changes: [String: JSONValueLite], now: Date = Date()) throws(AdminError) {
        guard var job = jobs[id] else { throw .notFound("job \(id)") }
        for (key, value) in changes {
            switch (key, value) {
            case ("name", .string(let name)): job.name = ["de": name, "en": name]
            case ("office", .string(let office)): job.office = office
            case ("published", .bool(let published)):
                job.published = published
                if published { job.archived = false }
            case ("archived", .bool(let archived)):
                job.archived = archived
                if archived { job.published = false }
            case ("employment_type", .string(let type)): job.employmentType = type
            case ("keywords", .string(let keywords)): job.keywords = keywords
            case ("category_id", .int(let category)):
                guard categories.contains(where: { $0.id == category }) else {
                    throw .invalid("unknown category \(category)")
                }
                job.categoryID = category
            default:
                throw .invalid(
                    "cannot set '\(key)' on a job (settable: name, office, published, employment_type, keywords, category_id)"
                )
            }
        }
        let publicationOnly = Set(changes.keys).isSubset(of: ["published", "archived"])
        if !publicationOnly || configuration.publicationMovesUpdatedAt { job.updatedAt = now }
        jobs.upsert(job)
    }

    func createJob(name: String, published: Bool, now: Date = Date()) -> Int {
        let template = jobs.byID.values.min { $0.id < $1.id }
        let id = (jobs.byID.keys.max() ?? DataGenerator.jobIDBase - 1) + 1
        let job = SandboxJob(
            id: id, name: ["de": name, "en": name], departmentID: template?.departmentID, categoryID: categories[0].id,
            office: template?.office ?? "Berlin", additionalOffices: [], subcompany: nil, employmentType: "permanent",
            seniority: "experienced", schedule: "full-time", yearsOfExperience: nil, keywords: nil,
            occupation: template?.occupation ?? "other", occupationCategory: template?.occupationCategory ?? "other",
            descriptions: template?.descriptions ?? [:], salary: nil, published: published, archived: false,
            hiringTeam: [],
            createdAt: now,
            updatedAt: now)
        jobs.upsert(job)
        return id
    }

    /// Removes a custom stage from its category, as an admin editing the pipeline would.
    /// Applications in it stay there ([I] Personio keeps them; v2 still shows the stage on them).
    func removeCategoryStage(categoryID: Int, stageID: Int) throws(AdminError) {
        guard let index = categories.firstIndex(where: { $0.id == categoryID }) else {
            throw .notFound("category \(categoryID)")
        }
        guard categories[index].stages.contains(where: { $0.id == stageID }) else {
            throw .notFound("stage \(stageID) in category \(categoryID)")
        }
        categories[index].stages.removeAll { $0.id == stageID }
    }

    func deleteJob(id: Int) throws(AdminError) {
        guard jobs[id] != nil else { throw .notFound("job \(id)") }
        for application in applications.byID.values where application.jobID == id {
            try deleteApplication(id: application.id)
        }
        jobs.remove(id: id)
    }

    func updateCandidate(id: Int, changes: [String: JSONValueLite], now: Date = Date()) throws(AdminError) {
        guard var candidate = candidates[id] else { throw .notFound("candidate \(id)") }
        for (key, value) in changes {
            guard case .string(let text) = value else { throw .invalid("'\(key)' must be a string") }
            switch key {
            case "first_name": candidate.firstName = text
            case "last_name": candidate.lastName = text
            case "phone": candidate.phone = text
            case "location": candidate.location = text
            case "email":
                if let old = candidate.email { candidateByEmail.removeValue(forKey: old.lowercased()) }
                candidate.email = text
                candidateByEmail[text.lowercased()] = id
            default:
                throw .invalid(
                    "cannot set '\(key)' on a candidate (settable: first_name, last_name, email, phone, location)")
            }
        }
        candidate.updatedAt = now
        candidates.upsert(candidate)
    }

    /// Personio's GDPR anonymization (automatic after the account's retention period, or by
    /// hand): the candidate's personal fields are emptied and the candidate and its applications
    /// are marked anonymized; their stages and history stay. Moves `updated_at` unless the
    /// `anonymization_moves_updated_at` switch is off.
    func anonymizeCandidate(id: Int, now: Date = Date()) throws(AdminError) {
        guard var candidate = candidates[id] else { throw .notFound("candidate \(id)") }
        if let email = candidate.email { candidateByEmail.removeValue(forKey: email.lowercased()) }
        candidate.firstName = nil
        candidate.lastName = nil
        candidate.email = nil
        candidate.gender = nil
        candidate.phone = nil
        candidate.location = nil
        candidate.birthday = nil
        candidate.linkedinProfile = nil
        candidate.availableFrom = nil
        candidate.isAnonymized = true
        let moves = configuration.anonymizationMovesUpdatedAt
        if moves { candidate.updatedAt = now }
        candidates.upsert(candidate)
        for applicationID in candidate.applicationIDs {
            guard var application = applications[applicationID] else { continue }
            application.isAnonymized = true
            application.message = nil
            application.attributes = [:]
            application.files = []
            if moves { application.updatedAt = now }
            applications.upsert(application)
        }
    }

    /// A candidate without applications, as a talent-pool entry.
    func createCandidate(firstName: String, lastName: String, email: String, now: Date = Date()) throws(AdminError)
        -> Int
    {
        guard candidateByEmail[email.lowercased()] == nil else {
            throw .invalid("a candidate with email \(email) exists")
        }
        let id = (candidates.byID.keys.max() ?? DataGenerator.candidateIDBase - 1) + 1
        candidates.upsert(
            SandboxCandidate(
                id: id, firstName: firstName, lastName: lastName, email: email, gender: nil, phone: nil, location: nil,
                birthday: nil, linkedinProfile: nil, availableFrom: nil, applicationIDs: [], isAnonymized: false,
                createdAt: now, updatedAt: now))
        candidateByEmail[email.lowercased()] = id
        return id
    }

    /// An application of an existing candidate to any job (published or not), in the job
    /// category's first stage.
    func createApplication(candidateID: Int, jobID: Int, now: Date = Date()) throws(AdminError) -> Int {
        guard var candidate = candidates[candidateID] else { throw .notFound("candidate \(candidateID)") }
        guard let job = jobs[jobID] else { throw .notFound("job \(jobID)") }
        guard !candidate.applicationIDs.contains(where: { applications[$0]?.jobID == jobID }) else {
            throw .invalid("candidate \(candidateID) already applied to job \(jobID)")
        }
        let id = (applications.byID.keys.max() ?? DataGenerator.applicationIDBase - 1) + 1
        let stage = categories.first { $0.id == job.categoryID }?.stages.first ?? .system("unassigned")
        applications.upsert(
            SandboxApplication(
                id: id, candidateID: candidateID, jobID: jobID, applicationDate: DataGenerator.day(now), channelID: nil,
                transitions: [StageTransition(stage: stage, enteredAt: now)], hiringTeam: job.hiringTeam, tags: [],
                attributes: [:], message: nil, isAnonymized: false, createdAt: now, updatedAt: now))
        candidate.applicationIDs.append(id)
        candidate.updatedAt = now
        candidates.upsert(candidate)
        return id
    }

    func deleteCandidate(id: Int) throws(AdminError) {
        guard let candidate = candidates[id] else { throw .notFound("candidate \(id)") }
        for applicationID in candidate.applicationIDs { applications.remove(id: applicationID) }
        if let email = candidate.email { candidateByEmail.removeValue(forKey: email.lowercased()) }
        candidates.remove(id: id)
    }

    func deleteApplication(id: Int, now: Date = Date()) throws(AdminError) {
        guard let application = applications[id] else { throw .notFound("application \(id)") }
        applications.remove(id: id)
        if var candidate = candidates[application.candidateID] {
            candidate.applicationIDs.removeAll { $0 == id }
            candidate.updatedAt = now
            candidates.upsert(candidate)
        }
    }

    /// Moves an application to a stage: `system` with a system stage name, or `custom` with a
    /// stage id of the job's category.
    func moveStage(applicationID: Int, type: String, id: String, now: Date = Date()) throws(AdminError) {
        guard var application = applications[applicationID] else { throw .notFound("application \(applicationID)") }
        let stage: SandboxStage
        switch type {
        case "system":
            guard SandboxStage.systemKinds.contains(id) else { throw .invalid("unknown system stage '\(id)'") }
            stage = .system(id)
        case "custom":
            let category = jobs[application.jobID].flatMap { job in categories.first { $0.id == job.categoryID } }
            guard let found = category?.stages.first(where: { $0.id == Int(id) }) else {
                throw .invalid("stage \(id) is not a stage of this job's category")
            }
            stage = found
        default: throw .invalid("stage type must be system or custom")
        }
        application.transitions.append(StageTransition(stage: stage, enteredAt: now))
        application.updatedAt = now
        applications.upsert(application)
        if var candidate = candidates[application.candidateID] {
            candidate.updatedAt = now
            candidates.upsert(candidate)
        }
    }

    // MARK: - Credentials and switches

    /// Gives a client a new secret; its tokens stop working.
    func rotateSecret(clientID: String) throws(AdminError) -> String {
        guard let index = configuration.clients.firstIndex(where: { $0.id == clientID }) else {
            throw .notFound("client \(clientID)")
        }
        let secret = "papi-" + UUID().uuidString.lowercased()
        configuration.clients[index].secret = secret
        revokeTokens(clientID: clientID)
        return secret
    }

    /// [C] Changing a credential's scopes invalidates its existing tokens.
    func setScopes(clientID: String, scopes: [String]) throws(AdminError) {
        guard let index = configuration.clients.firstIndex(where: { $0.id == clientID }) else {
            throw .notFound("client \(clientID)")
        }
        configuration.clients[index].scopes = scopes
        revokeTokens(clientID: clientID)
    }

    func revokeTokens(clientID: String?) {
        tokens = tokens.filter { clientID != nil && $0.value.clientID != clientID }
    }

    func rotateRecruitingKey() -> String {
        configuration.recruitingAPIKey = "sandbox-recruiting-" + UUID().uuidString.lowercased()
        return configuration.recruitingAPIKey
    }

    func setFeatures(
        recruitingAPI: Bool?, xmlFeed: Bool?, rateLimits: Bool?, feedMode: SandboxConfiguration.FeedMode? = nil,
        stageVocabulary: SandboxConfiguration.StageVocabulary? = nil,
        timestampShape: SandboxConfiguration.TimestampShape? = nil, oddFields: Bool? = nil,
        publicationMovesUpdatedAt: Bool? = nil, jobLanguages: SandboxConfiguration.JobLanguages? = nil,
        wrapSingleResource: Bool? = nil, emptyPageAfterLast: Bool? = nil, missingScopeStatus: Int? = nil,
        timestampObjects: Bool? = nil, careerSites: [String]? = nil,
        oauthErrors: SandboxConfiguration.OAuthErrors? = nil, anonymizationMovesUpdatedAt: Bool? = nil,
        v1LimitWait: SandboxConfiguration.V1LimitWait? = nil, availableFromDatesOnly: Bool? = nil,
        feedLastModified: SandboxConfiguration.FeedLastModified? = nil
    ) {
        if let feedLastModified { configuration.feedLastModified = feedLastModified }
        if let v1LimitWait {
            configuration.v1LimitWait = v1LimitWait
            v1BlockedUntil = nil
        }
        if let availableFromDatesOnly { configuration.availableFromDatesOnly = availableFromDatesOnly }
        if let anonymizationMovesUpdatedAt { configuration.anonymizationMovesUpdatedAt = anonymizationMovesUpdatedAt }
        if let oauthErrors { configuration.oauthErrors = oauthErrors }
        if let careerSites { configuration.careerSites = careerSites }
        if let wrapSingleResource { configuration.wrapSingleResourceInData = wrapSingleResource }
        if let emptyPageAfterLast { configuration.emptyPageAfterLast = emptyPageAfterLast }
        if let missingScopeStatus { configuration.missingScopeStatus = missingScopeStatus }
        if let timestampObjects { configuration.timestampObjects = timestampObjects }
        if let jobLanguages { configuration.jobLanguages = jobLanguages }
        if let publicationMovesUpdatedAt { configuration.publicationMovesUpdatedAt = publicationMovesUpdatedAt }
        if let stageVocabulary { configuration.stageVocabulary = stageVocabulary }
        if let timestampShape {
            configuration.timestampShape = timestampShape
            configuration.timestampObjects = true
        }
        if let oddFields { configuration.oddFields = oddFields }
        if let recruitingAPI { configuration.recruitingAPIEnabled = recruitingAPI }
        if let xmlFeed { configuration.xmlFeedEnabled = xmlFeed }
        if let feedMode {
            configuration.feedMode = feedMode
            configuration.xmlFeedEnabled = true
        }
        if let rateLimits {
            configuration.v2RateLimit =
                rateLimits ? (configuration.v2RateLimit ?? .init(replenishPerSecond: 25, burstCapacity: 50)) : nil
            configuration.v1RateLimit =
                rateLimits ? (configuration.v1RateLimit ?? .init(requests: 20, windowSeconds: 60)) : nil
            buckets = [:]
            v1Window = (.distantPast, 0)
            v1BlockedUntil = nil
        }
    }
}

/// A JSON scalar from an admin request body (decoded with `JSONDecoder`, which tells `true`
/// from `1`), Sendable so it can reach the actor.
enum JSONValueLite: Sendable, Equatable, Decodable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case strings([String])
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String].self) {
            self = .strings(value)
        } else {
            self = .other
        }
    }
}
