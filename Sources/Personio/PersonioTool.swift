import Foundation
import JunctionConnectors
import JunctionModel

/// Personio as Junction's registry knows it: what it covers, and the reader each sync goes through.
public struct PersonioTool: Connector {
    /// One client per integration, shared by syncs, writes and passthrough.
    public let accounts: PersonioAccounts
    /// Tests credentials entered on the connect page.
    let tester: ScopeTester
    /// Where connect flows reach Personio instead of its own hosts (an operator's sandbox or proxy).
    let connectBaseURL: String?
    /// The Personio sandbox this server runs, with its credentials, for links made for Kombo's
    /// `sandbox` tool; nil when it runs none.
    let sandbox: (url: String, credentials: PersonioCredentials)?

    public init(
        accounts: PersonioAccounts, tester: ScopeTester, connectBaseURL: String? = nil,
        sandbox: (url: String, credentials: PersonioCredentials)? = nil
    ) {
        self.accounts = accounts
        self.tester = tester
        self.connectBaseURL = connectBaseURL
        self.sandbox = sandbox
    }

    public var connectFlow: (any ConnectFlow)? { PersonioConnectFlow(tester: tester, baseURL: connectBaseURL) }

    public var sandboxURL: String? { sandbox?.url }

    public func sandboxConnectFlow(url: String) -> (any ConnectFlow)? {
        guard let sandbox, sandbox.url == url else { return nil }
        let credentials = sandbox.credentials
        let form = [
            "client_id": credentials.clientID, "client_secret": credentials.clientSecret,
            "recruiting_api_key": credentials.recruitingAPIKey, "company_id": credentials.companyID,
            "career_subdomain": credentials.careerSubdomain,
        ].compactMapValues { $0 }
        return PersonioConnectFlow(tester: tester, baseURL: url, prefill: form)
    }

    public var descriptor: ToolDescriptor { Self.descriptor }

    public var writer: (any ApplicationWriting)? { PersonioWriter(accounts: accounts) }

    public func syncReader(for integration: Integration, credentials: Data, pageSize: Int) async throws
        -> any ATSConnector
    {
        let decoded = try JSONDecoder().decode(PersonioCredentials.self, from: credentials)
        let client = await accounts.client(integrationID: integration.id.description, credentials: decoded)
        return PersonioConnector(
            integrationID: integration.id.description, client: client, credentials: decoded, pageSize: pageSize,
            applicantAttributes: try ApplicantAttribute.catalog(settings: integration.settings),
            tagNames: try TagSettings.names(settings: integration.settings))
    }

    public func coverage(of integration: Integration) -> ToolDescriptor.Coverage {
        let scopeTest = Self.scopeTest(integration)
        return .init(
            readModels: Self.available(Self.readModels, scopeTest: scopeTest),
            writeActions: Self.available(Self.writeActions, scopeTest: scopeTest))
    }

    public func forget(integrationID: String) async {
        await accounts.forget(integrationID: integrationID)
    }

    /// The career site serves its feed and job pages; nothing else on its host is Personio's job
    /// board API (on an operator's sandbox or proxy, the same host may serve an admin API).
    public func checkPassthrough(_ request: PassthroughRequest) throws {
        guard request.api == PassthroughAPI.jobboard.rawValue else { return }
        guard request.method == "GET" else {
            throw APIError.invalidInput("'method' must be GET for the jobboard API.")
        }
        let path = request.path
        guard path == "/xml" || path == "/" || path == "/search.json" || path.hasPrefix("/job/") else {
            throw APIError.invalidInput(
                "'path' must be /xml, /search.json, / or /job/<id> for the jobboard API (the career site's feed and pages)."
            )
        }
    }

    public func passthrough(_ request: PassthroughRequest, integration: Integration, credentials: Data) async throws
        -> PassthroughResponse
    {
        let decoded = try JSONDecoder().decode(PersonioCredentials.self, from: credentials)
        let client = await accounts.client(integrationID: integration.id.description, credentials: decoded)
        do {
            return try await client.passthrough(request)
        } catch {
            throw error.unified
        }
    }

    /// Where the connect flow keeps its latest scope test in the integration's settings.
    public static let scopeTestSettingsKey = "scope_test"

    /// The latest scope test of the integration's credentials (connect flow or relink); nil for
    /// integrations made without one (the demo, the CLI), which count as fully available.
    public static func scopeTest(_ integration: Integration) -> ScopeTestResult? {
        guard let value = integration.settings[scopeTestSettingsKey], let data = try? JSONEncoder().encode(value)
        else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(ScopeTestResult.self, from: data)
    }

    // MARK: - Coverage: what this build reads and writes of Personio

    public typealias Model = ToolDescriptor.Model

    public static let descriptor = ToolDescriptor(
        tool: .personio, category: "ats", label: "Personio", logoURL: "https://www.personio.com/favicon.ico",
        iconURL: "https://www.personio.com/favicon.ico",
        coverage: .init(readModels: readModels, writeActions: writeActions),
        features: features,
        passthroughAPIs: PassthroughAPI.allCases.map(\.rawValue),
        unavailableActions: [
            .moveApplicationStage: "Personio's API cannot move an application to another stage.",
            .rejectApplication: "Personio's API cannot reject an application.",
            .addApplicationNote: "Personio's API cannot add notes to applications.",
            .addApplicationResultLink: "Personio's API cannot attach result links to applications.",
            .addApplicationAttachment:
                "Personio's API takes documents only with a new application, not for an existing one.",
            .addCandidateAttachment:
                "Personio's API takes documents only with a new application, not for an existing candidate.",
            .addCandidateResultLink: "Personio's API cannot attach result links to candidates.",
            .addCandidateTag: "Personio's API cannot tag an existing candidate (only a new application).",
            .removeCandidateTag: "Personio's API cannot remove tags.",
            .importTrackedApplication:
                "Personio's API cannot link an application created elsewhere; create it through Junction instead.",
        ], settings: settings)

    /// What Junction does for Personio beyond models and actions, as Kombo's connector page lists
    /// its features; each is a part of this build a test covers.
    public static let features: [ToolDescriptor.Feature] = [
        // `source` on creates and the connect page's channel step (`recruiting_channel_id`).
        .init(id: "source_writing", label: "Source Writing"),
        // A candidate's `source` from its latest application's channel.
        .init(id: "candidate_source_tracking", label: "Candidate Source Tracking"),
        // The connect page's credential test, one check per right (`ScopeTester`).
        .init(id: "scope_testing", label: "Scope Testing"),
        // `/v1/integrations/{id}/integration-fields`, custom fields and the dashboard's explorer.
        .init(id: "custom_field_explorer", label: "Custom Field Explorer"),
        // `/guides/personio`, the tool's `connection_guide_url`.
        .init(id: "connection_guide", label: "Connection Guide"),
        .init(id: "passthrough", label: "API Passthrough"),
        // `integration_tool: "sandbox"` connects to the Personio sandbox this server runs.
        .init(id: "sandbox", label: "Sandbox Environment"),
    ]

    static let jobFields = [
        "id", "remote_id", "name", "description", "category", "department", "post_url", "experience_level",
        "employment_type", "status", "visibility", "remote_work_status", "location", "salary_amount_from",
        "salary_amount_to", "salary_currency", "salary_period", "remote_created_at", "remote_updated_at", "stages",
        "screening_questions", "job_postings", "hiring_team", "remote_data",
    ]
    static let candidateFields = [
        "id", "remote_id", "first_name", "last_name", "source", "email_addresses", "phone_numbers", "social_media",
        "location", "remote_created_at", "remote_updated_at", "applications", "remote_data",
    ]
    static let applicationFields = [
        "id", "remote_id", "outcome", "rejected_at", "current_stage_id", "job_id", "candidate_id",
        "remote_created_at", "remote_updated_at", "candidate", "current_stage", "job", "remote_data",
    ]

    /// Honest per model: one Personio cannot provide is `UNSUPPORTED`.
    public static let readModels: [Model] = [
        ToolDescriptor.supported("ats_jobs", "Jobs", fields: jobFields),
        ToolDescriptor.supported("ats_candidates", "Candidates", fields: candidateFields),
        ToolDescriptor.supported("ats_applications", "Applications", fields: applicationFields),
        ToolDescriptor.supported(
            "ats_application_stages", "Application stages", fields: ["id", "remote_id", "name", "status"]),
        ToolDescriptor.supported(
            "ats_screening_questions", "Screening questions", fields: ["id", "remote_id", "title", "format"]),
        ToolDescriptor.supported(
            "ats_users", "Users", fields: ["id", "remote_id", "first_name", "last_name", "email", "status"]),
        ToolDescriptor.supported("ats_tags", "Tags", fields: ["id", "remote_id", "name"]),
        ToolDescriptor.unsupported("ats_offers", "Offers"),
        ToolDescriptor.unsupported("ats_interviews", "Interviews"),
        ToolDescriptor.unsupported("ats_notes", "Notes"),
        ToolDescriptor.unsupported("ats_scorecards", "Scorecards"),
        ToolDescriptor.unsupported("ats_rejection_reasons", "Rejection reasons"),
        ToolDescriptor.unsupported("ats_roles", "Roles"),
        ToolDescriptor.unsupported("ats_attachments", "Attachments"),
    ]

    static let createFields = [
        "candidate.first_name", "candidate.last_name", "candidate.email_address", "candidate.phone_number",
        "candidate.location", "candidate.gender", "candidate.availability_date", "candidate.salary_expectations",
        "stage_id", "attachments", "screening_question_answers", "source", "remote_fields",
    ]

    public static let writeActions: [Model] = [
        ToolDescriptor.supported("ats_create_candidate", "Create candidate", fields: createFields, readModel: false),
        ToolDescriptor.supported(
            "ats_create_application", "Create application", fields: createFields, readModel: false),
        ToolDescriptor.unsupported("ats_move_application_stage", "Move application to stage"),
        ToolDescriptor.unsupported("ats_reject_application", "Reject application"),
        ToolDescriptor.unsupported("ats_add_application_note", "Add note"),
        ToolDescriptor.unsupported("ats_add_candidate_tag", "Add candidate tag"),
        ToolDescriptor.unsupported("ats_add_attachment", "Add attachment to an existing record"),
        ToolDescriptor.unsupported("ats_add_result_link", "Add result link"),
        ToolDescriptor.unsupported("ats_import_tracked_application", "Import tracked application"),
    ]

    /// What each scope-test check, failed, takes away: whole models and actions, or fields.
    static let dependencies: [ScopeCheck.ID: (models: [String], fields: [String])] = [
        .recruitingJobs: (["ats_jobs", "ats_screening_questions", "ats_create_application"], []),
        .recruitingCandidates: (["ats_candidates"], []),
        .recruitingApplications: (["ats_applications", "ats_tags"], ["source"]),
        .recruitingCategories: (["ats_application_stages"], ["stages"]),
        .persons: (["ats_users"], ["hiring_team"]),
        .careerFeed: (
            [],
            [
                "description", "employment_type", "experience_level", "location", "salary_amount_from",
                "salary_amount_to", "salary_currency", "salary_period", "remote_created_at",
            ]
        ),
        .recruitingAPIKey: (["ats_create_candidate", "ats_create_application"], []),
    ]

    /// `models` with `is_available` lowered where the scope test found a right missing (a
    /// skipped Recruiting API key check counts: without the key nothing can be written).
    static func available(_ models: [Model], scopeTest: ScopeTestResult?) -> [Model] {
        guard let scopeTest else { return models }
        var lostModels = Set<String>()
        var lostFields = Set<String>()
        for check in scopeTest.checks
        where check.status == .failed || (check.id == .recruitingAPIKey && check.status == .skipped) {
            guard let lost = dependencies[check.id] else { continue }
            lostModels.formUnion(lost.models)
            lostFields.formUnion(lost.fields)
        }
        return models.map { model in
            var model = model
            if lostModels.contains(model.id) { model.isAvailable = false }
            for index in model.fields.indices where !model.isAvailable || lostFields.contains(model.fields[index].id) {
                model.fields[index].isAvailable = false
            }
            return model
        }
    }
}
