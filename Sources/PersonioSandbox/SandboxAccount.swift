import Foundation

/// The state of one emulated Personio account: its recruiting data, issued tokens and limits.
///
/// An actor: the HTTP routes and (later) the admin API change it concurrently.
actor SandboxAccount {
    var configuration: SandboxConfiguration { didSet { feedChangedAt = Date() } }
    var categories: [SandboxCategory] { didSet { feedChangedAt = Date() } }
    var channels: [SandboxChannel]
    var persons: [SandboxPerson]
    var attributes: [SandboxAttribute]
    var jobs: OrderedCollection<SandboxJob> { didSet { feedChangedAt = Date() } }
    /// When anything the career feed shows last changed (`feedLastModified = .lastChange`).
    var feedChangedAt: Date
    var candidates: OrderedCollection<SandboxCandidate>
    var applications: OrderedCollection<SandboxApplication>
    var candidateByEmail: [String: Int] = [:]
    var tokens: [String: IssuedToken] = [:]
    var buckets: [String: TokenBucket] = [:]
    /// v1 personnel tokens and their expiry.
    var personnelTokens: [String: Date] = [:]
    /// Uploaded documents by uuid, until an application references them.
    var documents: [String: UploadedDocument] = [:]
    /// The current window of the v1 write limit.
    var v1Window: (start: Date, count: Int) = (.distantPast, 0)
    /// Until when v1 writes are refused after the limit was reached (`v1LimitWait = .fromLimit`).
    var v1BlockedUntil: Date?
    /// Application tags the account knows; v1 writes add unknown ones.
    var knownTags: [String] = Vocabulary.tags

    struct IssuedToken: Sendable {
        var clientID: String
        var scopes: [String]
        var expiresAt: Date
    }

    init(configuration: SandboxConfiguration) {
        self.configuration = configuration
        let dataset = DataGenerator(configuration: configuration).generate()
        categories = dataset.categories
        channels = dataset.channels
        persons = dataset.persons
        attributes = dataset.attributes
        jobs = OrderedCollection(dataset.jobs) { OrderKey(updatedAt: $0.updatedAt, id: $0.id) }
        candidates = OrderedCollection(dataset.candidates) { OrderKey(updatedAt: $0.updatedAt, id: $0.id) }
        applications = OrderedCollection(dataset.applications) { OrderKey(updatedAt: $0.updatedAt, id: $0.id) }
        feedChangedAt = dataset.jobs.map(\.updatedAt).max() ?? Date(timeIntervalSince1970: 0)
        for candidate in dataset.candidates {
            if let email = candidate.email { candidateByEmail[email.lowercased()] = candidate.id }
        }
    }

    // MARK: - Auth

    enum TokenError: Error, Equatable {
        /// No such client id.
        case invalidClient
        /// A known client id with the wrong secret.
        case invalidCredentials
        case invalidScope(String)
    }

    /// Issues a token for client credentials; no `scope` means every scope the client has.
    func issueToken(clientID: String, secret: String, requestedScopes: [String]?, now: Date = Date()) throws(TokenError)
        -> (token: String, scopes: [String], expiresIn: Int)
    {
        guard let client = configuration.clients.first(where: { $0.id == clientID }) else { throw .invalidClient }
        guard client.secret == secret else { throw .invalidCredentials }
        let scopes = requestedScopes ?? client.scopes
        if let missing = scopes.first(where: { !client.scopes.contains($0) }) { throw .invalidScope(missing) }
        var generator = SystemRandomNumberGenerator()
        let token = configuration.tokenPrefix + (0..<4).map { _ in String(generator.next(), radix: 36) }.joined()
        tokens[token] = IssuedToken(
            clientID: clientID, scopes: scopes, expiresAt: now.addingTimeInterval(Double(configuration.tokenLifetime)))
        return (token, scopes, configuration.tokenLifetime)
    }

    func revoke(token: String) -> Bool { tokens.removeValue(forKey: token) != nil }

    /// The live token's grant, or nil when unknown, revoked or expired.
    func grant(for token: String, now: Date = Date()) -> IssuedToken? {
        guard let grant = tokens[token], grant.expiresAt > now else { return nil }
        return grant
    }

    // MARK: - Rate limits

    /// Takes one token from `endpoint`'s bucket. Returns the headers to send and whether the
    /// request may proceed; nil when rate limiting is off.
    func takeRateLimitToken(endpoint: String, now: Date = Date()) -> (allowed: Bool, headers: [(String, String)])? {
        guard let limit = configuration.v2RateLimit else { return nil }
        var bucket = buckets[endpoint] ?? TokenBucket(limit: limit, now: now)
        let allowed = bucket.take(now: now)
        buckets[endpoint] = bucket
        return (
            allowed,
            [
                ("x-ratelimit-replenish-rate", String(limit.replenishPerSecond)),
                ("x-ratelimit-burst-capacity", String(limit.burstCapacity)),
                ("x-ratelimit-requested-tokens", "1"),
                ("x-ratelimit-remaining", String(Int(bucket.tokens))),
            ]
        )
    }

    // MARK: - Reads

    struct Page: Sendable {
        var items: [JSON]
        var nextCursor: String?
    }

    struct Window: Sendable {
        /// `http://host:port` of the request, for the absolute links Personio writes.
        var baseURL: String
        var cursor: OrderKey?
        var limit: Int
        var updatedAfter: Int64?
        var updatedBefore: Int64?
    }

    func applicationsPage(_ window: Window, candidateEmail: String?) -> Page {
        if let candidateEmail {
            // Small by nature: one candidate's applications, filtered and ordered in place.
            let ids = candidateByEmail[candidateEmail.lowercased()].flatMap { candidates[$0]?.applicationIDs } ?? []
            let subset = OrderedCollection(ids.compactMap { applications[$0] }) {
                OrderKey(updatedAt: $0.updatedAt, id: $0.id)
            }
            return page(subset, window) { encode(application: $0, baseURL: window.baseURL) }
        }
        return page(applications, window) { encode(application: $0, baseURL: window.baseURL) }
    }

    func candidatesPage(_ window: Window, email: String?) -> Page {
        if let email {
            let matches = candidateByEmail[email.lowercased()].flatMap { candidates[$0] }.map { [$0] } ?? []
            let subset = OrderedCollection(matches) { OrderKey(updatedAt: $0.updatedAt, id: $0.id) }
            return page(subset, window, encode: encode(candidate:))
        }
        return page(candidates, window, encode: encode(candidate:))
    }

    func jobsPage(_ window: Window) -> Page { page(jobs, window) { encode(job: $0, baseURL: window.baseURL) } }

    func application(id: Int, baseURL: String) -> JSON? {
        applications[id].map { encode(application: $0, baseURL: baseURL) }
    }
    func candidate(id: Int) -> JSON? { candidates[id].map(encode(candidate:)) }
    func job(id: Int, baseURL: String) -> JSON? { jobs[id].map { encode(job: $0, baseURL: baseURL) } }

    /// An application's stage transitions, latest first; nil for an unknown application.
    func stageTransitions(applicationID: Int) -> [JSON]? {
        applications[applicationID].map { application in
            application.transitions.reversed().map { transition in
                .object([("stage", wire(stage: transition.stage)), ("entered_at", timestamp(transition.enteredAt))])
            }
        }
    }

    func categoryList() -> [JSON] { categories.map(encode(category:)) }
    func category(id: Int) -> JSON? { categories.first { $0.id == id }.map(encode(category:)) }

    /// The jobs the career site shows: published ones, oldest first as a feed lists them.
    func publishedJobs() -> [SandboxJob] {
        jobs.byID.values.filter(\.published).sorted { $0.id < $1.id }
    }

    func department(id: Int?) -> Vocabulary.Department? {
        id.flatMap { id in Vocabulary.departments.first { $0.id == id } }
    }

    func categoryName(id: Int) -> String? { categories.first { $0.id == id }?.name }

    private func page<Record>(_ collection: OrderedCollection<Record>, _ window: Window, encode: (Record) -> JSON)
        -> Page
    {
        let result = collection.page(
            after: window.cursor, limit: window.limit, updatedAfter: window.updatedAfter,
            updatedBefore: window.updatedBefore)
        let next: String?
        if result.more {
            next = result.last?.cursor
        } else if configuration.emptyPageAfterLast, let last = result.last {
            next = last.cursor
        } else {
            next = nil
        }
        return Page(items: result.records.map(encode), nextCursor: next)
    }

    /// The career site that lists `job` (by host), jobs spread over the sites in turn.
    func careerSite(of job: SandboxJob) -> String {
        let sites = configuration.careerSites
        guard !sites.isEmpty else { return "" }
        return sites[job.id % sites.count]
    }

    // MARK: - Job texts per language

    /// The languages `job`'s texts are written in, in the order the account added them.
    func textLanguages(of job: SandboxJob) -> [String] {
        switch configuration.jobLanguages {
        case .germanAndEnglish: return ["de", "en"]
        case .mixed:
            switch job.id % 4 {
            case 0: return ["de"]
            case 1: return ["en"]
            case 2: return ["de", "en"]
            default: return ["de", "en", "fr"]
            }
        }
    }

    /// `job`'s title and sections in `language`, or nil when it is not written in it. French is
    /// derived from English (the generator writes German and English only).
    func texts(of job: SandboxJob, in language: String) -> (name: String, sections: [JobDescriptionSection])? {
        guard textLanguages(of: job).contains(language) else { return nil }
        if language == "fr" {
            return (
                "(FR) " + (job.name["en"] ?? ""),
                (job.descriptions["en"] ?? []).map { JobDescriptionSection(name: "(FR) " + $0.name, html: $0.html) }
            )
        }
        guard let name = job.name[language] else { return nil }
        return (name, job.descriptions[language] ?? [])
    }

    // MARK: - v2 wire encoding

    func timestamp(_ date: Date) -> JSON {
        let text = PersonioTime.format(date)
        guard configuration.timestampObjects, configuration.timestampShape != .string else { return .string(text) }
        return .object([(configuration.timestampShape.rawValue, .string(text)), ("timezone", .string("Europe/Berlin"))])
    }

    /// A stage as the admin API's ground truth shows it: always the documented vocabulary.
    func encode(stage: SandboxStage) -> JSON {
        .object([
            ("id", stage.id.map { .string(String($0)) } ?? .null), ("kind", .string(stage.kind)),
            ("name", .string(stage.name)), ("type", .string(stage.isSystem ? "system" : "custom")),
        ])
    }

    /// A stage as v2 serves it, in the configured vocabulary.
    func wire(stage: SandboxStage) -> JSON {
        var kind = stage.kind
        var type = stage.isSystem ? "system" : "custom"
        var id = stage.id.map { String($0) }
        switch configuration.stageVocabulary {
        case .documented: break
        case .uppercase:
            kind = kind.uppercased()
            type = type.uppercased()
        case .hired: if kind == "accepted" { kind = "hired" }
        case .systemIDs:
            if stage.isSystem, let index = SandboxStage.systemKinds.firstIndex(of: kind) { id = String(90_000 + index) }
        case .unknownKind: if kind == "offer" { kind = "offer_sent" }
        }
        return .object([
            ("id", id.map(JSON.string) ?? .null), ("kind", .string(kind)), ("name", .string(stage.name)),
            ("type", .string(type)),
        ])
    }

    func encode(hiringTeam: [HiringTeamMember], baseURL: String) -> JSON {
        .array(
            hiringTeam.map { member in
                .object([
                    (
                        "person",
                        .object([
                            ("id", .string(String(member.personID))),
                            (
                                "_meta",
                                .object([
                                    (
                                        "links",
                                        .object([
                                            (
                                                "self",
                                                .object([("href", .string("\(baseURL)/v2/persons/\(member.personID)"))])
                                            )
                                        ])
                                    )
                                ])
                            ),
                        ])
                    ),
                    ("role", .object([("name", .string(member.role))])),
                ])
            })
    }

    func encode(application: SandboxApplication, baseURL: String) -> JSON {
        let candidate = candidates[application.candidateID]
        let job = jobs[application.jobID]
        let channel = application.channelID.flatMap { id in channels.first { $0.id == id } }
        return .object([
            ("id", .string(String(application.id))),
            ("application_date", .string(application.applicationDate)),
            (
                "candidate",
                .object([
                    ("id", .string(String(application.candidateID))), ("email", .string(candidate?.email)),
                    ("first_name", .string(candidate?.firstName)), ("last_name", .string(candidate?.lastName)),
                    ("gender", .string(candidate?.gender)),
                ])
            ),
            ("job", job.map(encodeJobReference) ?? .object([("id", .string(String(application.jobID)))])),
            ("current_stage", wire(stage: application.currentStage)),
            (
                "channel",
                channel.map { .object([("id", .string(String($0.id))), ("name", .string($0.name))]) } ?? .null
            ),
            ("hiring_team", encode(hiringTeam: application.hiringTeam, baseURL: baseURL)),
            ("is_anonymized", .bool(application.isAnonymized)),
            ("created_at", timestamp(application.createdAt)),
            ("updated_at", timestamp(application.updatedAt)),
        ])
    }

    /// The job as applications embed it; the job listing adds to these members.
    private func encodeJobReference(_ job: SandboxJob) -> JSON { .object(jobReferenceMembers(job)) }

    private func jobReferenceMembers(_ job: SandboxJob) -> [(String, JSON)] {
        [
            ("id", .string(String(job.id))), ("name", .string(job.name["en"])),
            (
                "department",
                department(id: job.departmentID).map {
                    .object([("id", .string(String($0.id))), ("name", .string($0.name))])
                } ?? .null
            ),
            (
                "category",
                .object([("id", .string(String(job.categoryID))), ("name", .string(categoryName(id: job.categoryID)))])
            ),
        ]
    }

    func encode(candidate: SandboxCandidate) -> JSON {
        .object([
            ("id", .string(String(candidate.id))),
            ("first_name", .string(candidate.firstName)), ("last_name", .string(candidate.lastName)),
            ("email", .string(candidate.email)), ("gender", .string(candidate.gender)),
            ("phone", .string(candidate.phone)),
            (
                "location",
                configuration.oddFields ? .object([("city", .string(candidate.location))]) : .string(candidate.location)
            ),
            ("birthday", .string(candidate.birthday)), ("linkedin_profile", .string(candidate.linkedinProfile)),
            ("available_from", .string(candidate.availableFrom)),
            (
                "applications",
                .array(
                    candidate.applicationIDs.compactMap { applications[$0] }.map {
                        .object([("id", .string(String($0.id))), ("application_date", .string($0.applicationDate))])
                    })
            ),
            ("is_anonymized", .bool(candidate.isAnonymized)),
            // [I] Candidates carry plain string timestamps in the consumers' types (§4.1).
            ("created_at", .string(PersonioTime.format(candidate.createdAt))),
            ("updated_at", .string(PersonioTime.format(candidate.updatedAt))),
        ])
    }

    func encode(job: SandboxJob, baseURL: String) -> JSON {
        .object(
            jobReferenceMembers(job) + [
                ("company", .object([("id", .string(configuration.companyID))])),
                ("hiring_team", encode(hiringTeam: job.hiringTeam, baseURL: baseURL)),
                (
                    "created_at",
                    configuration.oddFields ? .object([("unexpected", .bool(true))]) : timestamp(job.createdAt)
                ),
                ("updated_at", timestamp(job.updatedAt)),
            ])
    }

    func encode(category: SandboxCategory) -> JSON {
        .object([
            ("id", .string(String(category.id))), ("name", .string(category.name)),
            ("stages", .array(category.stages.map(wire(stage:)))),
            ("company", .object([("id", .string(configuration.companyID))])),
        ])
    }
}

/// A token bucket as Personio's `x-ratelimit-*` headers describe it.
struct TokenBucket: Sendable {
    let limit: SandboxConfiguration.RateLimit
    var tokens: Double
    var updatedAt: Date

    init(limit: SandboxConfiguration.RateLimit, now: Date) {
        self.limit = limit
        self.tokens = Double(limit.burstCapacity)
        self.updatedAt = now
    }

    mutating func take(now: Date) -> Bool {
        let elapsed = max(0, now.timeIntervalSince(updatedAt))
        tokens = min(Double(limit.burstCapacity), tokens + elapsed * Double(limit.replenishPerSecond))
        updatedAt = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Personio's timestamp text: ISO-8601 in UTC, seconds precision, `Z`.
enum PersonioTime {
    /// `YYYY-MM-DDTHH:mm:ssZ` in UTC, to the second (a fraction is dropped). Computed from the
    /// seconds since 1970 (the proleptic Gregorian calendar's days, as `Calendar` counts them):
    /// `String(format:)` over calendar components was a seventh of the sandbox's CPU while it
    /// served a FULL sync's pages, each item having several timestamps.
    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, second) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, dayOffset) = second < 0 ? (days - 1, second + 86_400) : (days, second)
        // Days to a civil date (H. Hinnant's `civil_from_days`): eras of 400 years from
        // 0000-03-01, so a leap day ends its year.
        let shifted = day + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let monthDay = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var text = ""
        text.reserveCapacity(20)
        func append(_ value: Int, digits: Int) {
            let decimal = String(value)
            text += String(repeating: "0", count: max(0, digits - decimal.count)) + decimal
        }
        append(year, digits: 4)
        text += "-"
        append(month, digits: 2)
        text += "-"
        append(monthDay, digits: 2)
        text += "T"
        append(dayOffset / 3_600, digits: 2)
        text += ":"
        append(dayOffset / 60 % 60, digits: 2)
        text += ":"
        append(dayOffset % 60, digits: 2)
        text += "Z"
        return text
    }

    /// Reads a filter value: with `Z` or an offset, or without a zone ([I] some clients send
    /// `YYYY-MM-DDTHH:mm:ss` only), read as UTC.
    static func parse(_ text: String) -> Date? {
        for format in [
            "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX", "yyyy-MM-dd'T'HH:mm:ss",
            "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd",
        ] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
