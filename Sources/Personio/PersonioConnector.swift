import Foundation
import JunctionModel

/// Reads a Personio account into unified records. One instance per integration and run.
public struct PersonioConnector: Sendable {
    public let integrationID: String
    public let client: PersonioClient
    public let credentials: PersonioCredentials
    /// Records per v2 page; Personio's maximum is 200.
    public let pageSize: Int
    /// The account's custom applicant attributes, from the integration's settings.
    public let applicantAttributes: [ApplicantAttribute]
    /// The account's tags, from the integration's settings (`tags`).
    public let tagNames: [String]
    /// What this run went on without, for the sync run's warnings.
    let notes: RunNotes
    /// The categories and persons this run read (stages, users, jobs and the jobs' inputs
    /// fingerprint each need them; one read serves all).
    let reads = RunReads()

    /// Stage histories one run may read to date rejections (one request each): enough for a busy
    /// day's rejections.
    public static let defaultStageHistoryReads = 500
    /// Of those, how many may date stored rejections never dated from their history (the
    /// backlog a first sync leaves), so catching up never slows a run much.
    public static let defaultStageHistoryBacklog = 100

    public init(
        integrationID: String, client: PersonioClient, credentials: PersonioCredentials, pageSize: Int = 200,
        applicantAttributes: [ApplicantAttribute] = [], tagNames: [String] = [],
        stageHistoryReads: Int = defaultStageHistoryReads, stageHistoryBacklog: Int = defaultStageHistoryBacklog
    ) {
        precondition((1...200).contains(pageSize), "Personio pages hold 1 to 200 records")
        self.integrationID = integrationID
        self.client = client
        self.credentials = credentials
        self.pageSize = pageSize
        self.applicantAttributes = applicantAttributes
        self.tagNames = tagNames
        self.notes = RunNotes(stageHistoryReads: stageHistoryReads, backlog: stageHistoryBacklog)
    }

    /// [C] Personio's v2 API returns no tags and has no tag listing; the names come from the
    /// integration's settings. A tag's remote id is its name: v1 writes take tags by name [C].
    public func tags() -> [Tag] {
        var seen = Set<String>()
        return tagNames.filter { seen.insert($0).inserted }.map { name in
            Tag(
                id: Identifier.record(integrationID: integrationID, model: "tags", remoteID: name), remoteID: name,
                name: name)
        }
    }

    var questionMapper: QuestionMapper {
        QuestionMapper(integrationID: integrationID, catalog: applicantAttributes)
    }

    /// Every screening question: Personio's system applicant attributes, the configured custom
    /// ones and the message. No request: Personio has no read API for them.
    public func screeningQuestions() -> [ScreeningQuestion] {
        questionMapper.questions()
    }

    /// The account's recruiting categories (small; one request, no paging in Personio).
    public func categories() async throws -> [Captured<V2Category>] {
        try await categoriesRead().categories
    }

    /// The categories with the bytes Personio answered, read once per run.
    func categoriesRead() async throws -> (categories: [Captured<V2Category>], data: Data) {
        if let read = await reads.categories { return read }
        let data = try await client.getV2("/v2/recruiting/categories")
        let categories: [Captured<V2Category>]
        do {
            categories = try JSONValue.decodeText(V2Page<V2Category>.self, from: data).data
        } catch {
            throw PersonioError.malformedResponse("categories: \(error)")
        }
        await reads.keep(categories: (categories, data))
        return (categories, data)
    }

    /// The categories, or none when the credentials may not read them: jobs then come without
    /// their pipelines rather than not at all (the stage listing reports the missing right).
    func categoriesIfAllowed() async throws -> [Captured<V2Category>] {
        do {
            return try await categories()
        } catch PersonioError.forbidden {
            return []
        }
    }

    /// Every application stage: the system stages and each category's stages.
    public func applicationStages() async throws -> [ApplicationStage] {
        StageMapper(integrationID: integrationID).stages(categories: try await categories())
    }

    /// Every job, joined with its career-feed position (English texts) and its hiring team's
    /// names, in pages of unified jobs. The feed and the persons are read once up front: the
    /// feed is one document, and hiring-team persons are few.
    ///
    /// With `updatedAfter`, only jobs Personio reports as updated after that moment (a DELTA).
    public func forEachJobPage(updatedAfter: Date? = nil, _ body: @Sendable ([Job]) async throws -> Void) async throws {
        let feed = await careerFeedTexts()
        let persons = Dictionary(
            (try await persons() ?? []).map { ($0.value.id, $0.value) }, uniquingKeysWith: { first, _ in first })
        let mapper = JobMapper(
            integrationID: integrationID, careerSiteBaseURL: credentials.resolvedCareerSiteBaseURL,
            categories: try await categoriesIfAllowed().map(\.value))
        let users = UserMapper(integrationID: integrationID)
        let questionMapper = questionMapper
        let questions = questionMapper.questions()
        try await client.forEachPage(
            of: V2Job.self, path: Self.listing("/v2/recruiting/jobs", updatedAfter: updatedAfter), limit: pageSize,
            problems: notes.problems
        ) { page in
            try await body(
                page.map { captured in
                    let entry = feed[captured.value.id]
                    var job = mapper.map(
                        captured, position: entry?.best, translations: entry?.translations ?? [],
                        siteBaseURL: entry?.site.map(credentials.baseURL(of:)))
                    job.hiringTeam = users.hiringTeam(captured.value.hiringTeam ?? [], persons: persons)
                    job.screeningQuestions = questionMapper.questions(
                        forJobRemoteID: captured.value.id, from: questions)
                    return job
                })
        }
    }

    /// One job by its Personio id, for a write naming a job no sync has brought yet
    /// (`remote:<id>`): its pipeline and screening questions as a sync maps them, without the
    /// career feed's texts or the hiring team (a write needs neither; the next sync adds them).
    /// Nil when Personio has no such job.
    public func job(remoteID: String) async throws -> Job? {
        // Personio's ids are numbers; anything else cannot be in a path and is not Personio's.
        guard !remoteID.isEmpty, remoteID.count <= 20, remoteID.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        let result: Result<Captured<V2Job>, PersonioError>
        do { result = .success(try await client.job(id: remoteID)) } catch { result = .failure(error) }
        let captured: Captured<V2Job>
        switch result {
        case .success(let found): captured = found
        case .failure(.notFound): return nil
        case .failure(let error): throw error
        }
        let mapper = JobMapper(
            integrationID: integrationID, careerSiteBaseURL: credentials.resolvedCareerSiteBaseURL,
            categories: try await categoriesIfAllowed().map(\.value))
        var job = mapper.map(captured, position: nil)
        job.screeningQuestions = questionMapper.questions(forJobRemoteID: remoteID, from: questionMapper.questions())
        return job
    }

    /// Languages Personio's feed serves [C], in the order a job's description prefers them.
    static let feedLanguages = ["en", "de", "fr", "es", "nl", "it", "pt"]

    /// The feed's positions by id, with the texts of every language. Personio's feed serves seven
    /// languages and says nowhere which ones an account writes in, so every run reads all seven
    /// (the feed is one public document per language; reading the same set every run keeps FULL
    /// and DELTA runs from flipping postings). A language whose texts repeat an earlier one's
    /// (the feed's fallback for a language a job is not written in) adds nothing.
    func careerFeedTexts() async -> [String: FeedEntry] {
        var entries: [String: FeedEntry] = [:]
        // Each career site (the account's own and each legal entity's), in the order configured:
        // a job is published when any lists it, and its post URL is the first such site's.
        for site in credentials.feedSites {
            for (index, language) in Self.feedLanguages.enumerated() {
                let read: [FeedPosition]?
                if index == 0 {
                    read = await careerFeed(language: language, site: site)
                } else {
                    // The site answered already: a later language that fails costs its texts only.
                    do {
                        read = try await client.careerFeed(language: language, site: site)
                    } catch {
                        await notes.note(
                            "The career-site XML feed\(Self.naming(site)) in '\(language)' could not be read: \(error)."
                        )
                        continue
                    }
                }
                guard let positions = read else { break }
                for position in positions {
                    var entry = entries[position.id] ?? FeedEntry(base: position, site: site)
                    let repeated = entry.translations.contains { $0.position.descriptions == position.descriptions }
                    if !position.descriptions.isEmpty, !repeated {
                        entry.translations.append((language, position))
                    }
                    entries[position.id] = entry
                }
            }
        }
        return entries
    }

    static func naming(_ site: CareerSite?) -> String { site.map { " of \($0.host)" } ?? "" }

    /// The career feed of `site`, or nil without one. The feed only enriches jobs (texts, status,
    /// visibility, offices, salary): when it cannot be read (switched off or not in the account's
    /// plan, a redirect for an unknown site, an HTML page, an outage), the run goes on with the v2
    /// jobs, notes why, and the engine keeps each stored job's last published state.
    func careerFeed(language: String, site: CareerSite?) async -> [FeedPosition]? {
        do {
            return try await client.careerFeed(language: language, site: site)
        } catch {
            await notes.feedUnavailable(Self.feedProblem(error, site: site))
            return nil
        }
    }

    /// Why a feed could not be read, in words an operator can act on.
    static func feedProblem(_ error: PersonioError, site: CareerSite? = nil) -> String {
        let prefix = "The career-site XML feed\(naming(site)) was not used"
        switch error {
        case .notFound:
            return "\(prefix): it answered 404 (the feed is switched off in Personio, or the account's plan has none)."
        case .unexpectedStatus(let status, _) where (300..<400).contains(status):
            return
                "\(prefix): the career site redirects (HTTP \(status)) instead of serving it; check the subdomain and .de or .com."
        case .malformedResponse:
            return "\(prefix): the career site answered with something other than the XML feed (an HTML page?)."
        default:
            return "\(prefix): \(error)."
        }
    }

    /// Whether jobs of this run lack what only the career feed tells, so that their stored
    /// published state must be kept.
    public func keepsStoredPublication() async -> Bool { await notes.feedProblem != nil }

    /// What this run went on without, and the fields it could not read.
    public func warnings() async -> [String] { await notes.allWarnings + notes.problems.warnings }

    /// Every person the credentials can read, or nil when they lack the persons right: Personio
    /// answers that with 401 or 403 on `/v2/persons` ([C3] §4.1), and hiring-team names are
    /// optional, so that is no failure of the run.
    public func persons() async throws -> [Captured<V2Person>]? {
        if let read = await reads.persons { return read.list }
        let collected = PersonList()
        do {
            // [C3] The persons endpoint pages by at most 50.
            try await client.forEachPage(of: V2Person.self, path: "/v2/persons", limit: 50, problems: notes.problems) {
                page in
                await collected.append(page)
            }
        } catch let error as PersonioError {
            switch error {
            case .authenticationFailed, .forbidden:
                await reads.keep(persons: nil)
                return nil
            default: throw error
            }
        }
        let items = await collected.items
        await reads.keep(persons: items)
        return items
    }

    /// The users (hiring-team persons), or nil when the credentials cannot read persons.
    public func users() async throws -> [User]? {
        let mapper = UserMapper(integrationID: integrationID)
        return try await persons()?.map(mapper.map)
    }

    /// Every candidate, page by page.
    public func forEachCandidatePage(
        updatedAfter: Date? = nil, _ body: @Sendable ([Candidate]) async throws -> Void
    ) async throws {
        let mapper = CandidateMapper(integrationID: integrationID)
        try await client.forEachPage(
            of: V2Candidate.self, path: Self.listing("/v2/recruiting/candidates", updatedAfter: updatedAfter),
            limit: pageSize, problems: notes.problems
        ) { page in
            try await body(page.map(mapper.map))
        }
    }

    /// Every application, page by page, with the custom stages the page's applications are in.
    public func forEachApplicationPage(
        updatedAfter: Date? = nil, _ body: @Sendable ([Application], [ApplicationStage]) async throws -> Void
    ) async throws {
        let mapper = CandidateMapper(integrationID: integrationID)
        try await client.forEachPage(
            of: V2Application.self, path: Self.listing("/v2/recruiting/applications", updatedAfter: updatedAfter),
            limit: pageSize, problems: notes.problems
        ) { page in
            var stages: [String: ApplicationStage] = [:]
            for stage in page.compactMap(mapper.stage(of:)) { stages[stage.id] = stage }
            for application in page {
                guard let stage = application.value.currentStage, let unknown = CandidateMapper.unknownStageValue(stage)
                else { continue }
                await notes.unknownStage(unknown)
            }
            try await body(page.map(mapper.map), stages.values.sorted { $0.id < $1.id })
        }
    }
}

extension PersonioConnector {
    /// The v2 path of one record of each model the engine confirms deletions of ([C] §4.3,
    /// §4.6, §4.8: 404 for an unknown id).
    static let recordPaths = [
        "jobs": "/v2/recruiting/jobs/", "candidates": "/v2/recruiting/candidates/",
        "applications": "/v2/recruiting/applications/",
    ]

    /// Of `remoteIDs` of `model`, those Personio still answers for (anything but 404).
    public func stillPresent(_ model: String, remoteIDs: [String]) async throws -> Set<String> {
        guard let path = Self.recordPaths[model] else { return [] }
        var present: Set<String> = []
        for id in remoteIDs {
            // Personio's ids are numbers; anything else cannot be in a path and is not Personio's.
            guard !id.isEmpty, id.allSatisfy(\.isASCII), id.allSatisfy(\.isNumber) else { continue }
            if try await exists(path + id) { present.insert(id) }
        }
        return present
    }

    /// Whether Personio answers for one record: false on 404, an error on any other failure.
    private func exists(_ path: String) async throws(PersonioError) -> Bool {
        let result: Result<Data, PersonioError>
        do { result = .success(try await client.getV2(path)) } catch { result = .failure(error) }
        // (Checked outside the `catch`: matching the typed error inside it crashes Swift 6.3's compiler.)
        switch result {
        case .success: return true
        case .failure(.notFound): return false
        case .failure(let error): throw error
        }
    }

    /// A v2 listing path, with `updated_at.gt` for a DELTA. Personio sorts newest-updated first
    /// and filters server-side, so an unchanged account costs one request per model.
    static func listing(_ path: String, updatedAfter: Date?) -> String {
        guard let updatedAfter else { return path }
        // Seconds precision with Z: every form Personio documents accepts it.
        let text = String(UnifiedDate.format(updatedAfter).prefix(19)) + "Z"
        return path + "?updated_at.gt=" + text
    }
}

/// What one run read once for several uses.
actor RunReads {
    private(set) var categories: (categories: [Captured<V2Category>], data: Data)?
    private(set) var persons: PersonsRead?

    /// The persons a run read; `list` nil when the credentials may not read persons.
    struct PersonsRead { var list: [Captured<V2Person>]? }

    func keep(categories read: (categories: [Captured<V2Category>], data: Data)) { categories = read }
    func keep(persons list: [Captured<V2Person>]?) { persons = PersonsRead(list: list) }
}

/// Collects pages handed to a `@Sendable` callback.
actor PersonList {
    private(set) var items: [Captured<V2Person>] = []
    func append(_ page: [Captured<V2Person>]) { items += page }
}

/// What a run noticed and went on without.
actor RunNotes {
    /// Fields of Personio records that could not be read, counted while pages are decoded.
    nonisolated let problems = ReadProblems()
    private(set) var feedProblem: String?
    private(set) var warnings: [String] = []

    private var unknownStages: Set<String> = []

    /// Stage-history reads left this run (and of them for the backlog), and applications whose
    /// move to rejected went undated for want of them.
    private var stageHistoryReads: Int
    private var backlogReads: Int
    private var undatedRejections = 0
    private var stageHistoryFailed = false

    init(stageHistoryReads: Int, backlog: Int) {
        self.stageHistoryReads = stageHistoryReads
        self.backlogReads = backlog
    }

    /// Whether one more stage history may be read this run: for a move since the last run, or
    /// (`backlog`) for a stored rejection never dated. A move left undated is counted.
    func takeStageHistoryRead(backlog: Bool) -> Bool {
        guard !stageHistoryFailed else { return false }
        guard stageHistoryReads > 0, !backlog || backlogReads > 0 else {
            if !backlog { undatedRejections += 1 }
            return false
        }
        stageHistoryReads -= 1
        if backlog { backlogReads -= 1 }
        return true
    }

    /// No more stage histories this run, and why.
    func stageHistoryUnavailable(_ reason: String) {
        stageHistoryReads = 0
        stageHistoryFailed = true
        note(reason)
    }

    /// The run's warnings, with a count of rejections its allowance of stage-history reads left
    /// dated by their last update.
    var allWarnings: [String] {
        guard undatedRejections > 0 else { return warnings }
        return warnings + [
            "\(undatedRejections) application\(undatedRejections == 1 ? "" : "s") moved to rejected or withdrawn \(undatedRejections == 1 ? "is" : "are") dated by the last update in Personio: this run's allowance of stage-history reads was spent; later runs read the rest."
        ]
    }

    func feedUnavailable(_ reason: String) {
        if feedProblem == nil { warnings.append(reason) }
        feedProblem = reason
    }

    func note(_ warning: String) {
        if !warnings.contains(warning) { warnings.append(warning) }
    }

    /// One warning per distinct value the stage mapping did not understand.
    func unknownStage(_ value: String) {
        guard unknownStages.insert(value).inserted else { return }
        warnings.append(
            "Applications are in a \(value) that Junction does not know; their outcome is taken as PENDING. Tell Junction's maintainers the value."
        )
    }
}

/// One job in the career feed: what the first language read showed, and each language its texts
/// were read in (best first).
struct FeedEntry: Sendable {
    var base: FeedPosition
    /// The first site that lists the job (nil for an operator's single override).
    var site: CareerSite?
    var translations: [(language: String, position: FeedPosition)] = []

    /// The position whose texts describe the job: the best language with text, else the first read.
    var best: FeedPosition { translations.first?.position ?? base }
}
