import Foundation
import Hummingbird
import JunctionModel
import JunctionStore
import Personio

/// Lists and manages integrations of a workspace.
public protocol IntegrationLister: IntegrationDirectory {
    func integrations(workspaceID: String) async throws -> [Integration]
    func setStatus(_ status: IntegrationStatus, integrationID: String, workspaceID: String, events: [WebhookEvent])
        async throws
    func deleteIntegration(id: String, workspaceID: String, events: [WebhookEvent]) async throws -> Bool
    func syncRuns(integrationID: String, limit: Int) async throws -> [SyncRun]
}

extension Store: IntegrationLister {}

/// `GET /v1/integrations` (Junction's addition: Kombo has no list) and
/// `GET /v1/integrations/{integration_id}` as the reference describes it.
struct IntegrationsController {
    let integrations: any IntegrationLister
    /// Forgets a deleted integration's cached Personio client and credentials.
    let forget: @Sendable (String) async -> Void

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("integrations") { _, context in
            let workspaceID = try context.requireWorkspace()
            var results: [IntegrationDetails] = []
            for integration in try await integrations.integrations(workspaceID: workspaceID) {
                results.append(Self.details(integration, lastRun: try await lastRun(of: integration)))
            }
            return SuccessEnvelope(ListPage(next: nil, results: results))
        }
        // The SDK inserts ids like `personio:ABC` without escaping the colon (§1).
        group.get("integrations/:integration_id") { _, context in
            let integration = try await integrations.requireIntegration(context)
            return SuccessEnvelope(Self.details(integration, lastRun: try await lastRun(of: integration)))
        }
        group.get("tools/:category") { _, context in
            let category = context.parameters.get("category") ?? ""
            guard ["hris", "ats", "assessment", "lms"].contains(category) else {
                throw APIError.invalidInput("Category '\(category)' is not one of hris, ats, assessment, lms.")
            }
            return SuccessEnvelope(JSONValue.object(["tools": .array(category == "ats" ? [Self.personioTool] : [])]))
        }
        group.put("integrations/:integration_id/enabled") { request, context in
            let integration = try await integrations.requireIntegration(context)
            let body = try await request.decode(as: EnabledBody.self, context: context)
            // An INVALID integration stays INVALID when enabled: only new credentials fix it.
            let status: IntegrationStatus =
                body.value ? (integration.status == .invalid ? .invalid : .active) : .inactive
            var changed = integration
            changed.status = status
            try await integrations.setStatus(
                status, integrationID: integration.id.description, workspaceID: integration.workspaceID,
                events: status == integration.status ? [] : [WebhookPayloads.stateChanged(changed)])
            return SuccessEnvelope(JSONValue.object([:]))
        }
        group.delete("integrations/:integration_id") { _, context in
            let integration = try await integrations.requireIntegration(context)
            _ = try await integrations.deleteIntegration(
                id: integration.id.description, workspaceID: integration.workspaceID,
                events: [WebhookPayloads.integrationDeleted(integration)])
            await forget(integration.id.description)
            return SuccessEnvelope(JSONValue.object([:]))
        }
    }

    /// Personio as `GET /tools/ats` lists it, with the coverage this build has.
    static let personioTool: JSONValue = {
        func models(_ list: [Coverage.Model]) -> JSONValue {
            .array(
                list.map { model in
                    .object([
                        "id": .string(model.id), "label": .string(model.label),
                        "coverage_status": .string(model.coverageStatus),
                        "fields": .array(
                            model.fields.map {
                                .object(["id": .string($0.id), "coverage_status": .string($0.coverageStatus)])
                            }),
                    ])
                })
        }
        let icon = JSONValue.string("https://www.personio.com/favicon.ico")
        return .object([
            "id": .string("personio"), "label": .string("Personio"), "internal_label": .null,
            "assets": .object(["logo_url": icon, "icon_url": icon, "icon_black_url": icon]),
            "paid_api_details_markdown": .null, "fast_track_details_markdown": .null,
            "partner_only_details_markdown": .null, "connection_guide_url": .null,
            "coverage": .object([
                "read_models": models(Coverage.readModels), "write_actions": models(Coverage.writeActions),
                "features": .array([
                    .object([
                        "id": .string("passthrough"), "label": .string("Passthrough API"),
                        "coverage_status": .string("SUPPORTED"),
                    ])
                ]),
            ]),
        ])
    }()

    struct EnabledBody: Decodable {
        var value: Bool
    }

    /// The integration's latest finished sync run.
    func lastRun(of integration: Integration) async throws -> SyncRun? {
        try await integrations.syncRuns(integrationID: integration.id.description, limit: 3)
            .first { $0.finishedAt != nil }
    }

    /// The read model each synced model is served as.
    static let readModelIDs = [
        "jobs": "ats_jobs", "candidates": "ats_candidates", "applications": "ats_applications",
        "application_stages": "ats_application_stages", "users": "ats_users",
    ]

    static func details(_ integration: Integration, lastRun: SyncRun? = nil) -> IntegrationDetails {
        var details = IntegrationDetails(
            id: integration.id.description,
            tool: .init(
                id: integration.id.tool.rawValue, label: "Personio",
                logoURL: "https://www.personio.com/favicon.ico", iconURL: "https://www.personio.com/favicon.ico"),
            status: integration.status.rawValue,
            setupStatus: integration.setupStatus.rawValue,
            endUser: .init(
                organizationName: integration.endUserOrganizationName, creatorEmail: integration.endUserEmail,
                originID: integration.endUserOriginID),
            scopeConfig: .init(id: "default", name: "Default"),
            createdAt: integration.createdAt,
            readModels: Coverage.available(Coverage.readModels, scopeTest: scopeTest(integration)),
            writeActions: Coverage.available(Coverage.writeActions, scopeTest: scopeTest(integration)))
        details.syncWarnings = lastRun?.stats.warnings ?? []
        // What the latest run could not read for lack of a permission is not available either.
        let unreadable = Set((lastRun?.stats.unavailable ?? []).compactMap { readModelIDs[$0] })
        for index in details.readModels.indices where unreadable.contains(details.readModels[index].id) {
            details.readModels[index].isAvailable = false
            for field in details.readModels[index].fields.indices {
                details.readModels[index].fields[field].isAvailable = false
            }
        }
        return details
    }

    /// The latest scope test of the integration's credentials (connect flow or relink); nil for
    /// integrations made without one (the demo, the CLI), which count as fully available.
    static func scopeTest(_ integration: Integration) -> ScopeTestResult? {
        guard let value = integration.settings[ConnectPageController.scopeTestSettingsKey],
            let data = try? JSONEncoder().encode(value)
        else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(ScopeTestResult.self, from: data)
    }
}

/// What this build reads and writes for Personio. Honest per model: a model the sync does not
/// fill yet is `NOT_IMPLEMENTED`; one Personio cannot provide is `UNSUPPORTED`.
enum Coverage {
    typealias Model = IntegrationDetails.Coverage

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

    static func supported(_ id: String, _ label: String, _ fields: [String]) -> Model {
        Model(
            id: id, label: label, coverageStatus: "SUPPORTED",
            fields: fields.map { .init(id: $0, supported: true, forReadModel: true) })
    }

    static func unsupported(_ id: String, _ label: String) -> Model {
        Model(id: id, label: label, coverageStatus: "UNSUPPORTED", fields: [])
    }

    static let readModels: [Model] = [
        supported("ats_jobs", "Jobs", jobFields),
        supported("ats_candidates", "Candidates", candidateFields),
        supported("ats_applications", "Applications", applicationFields),
        supported("ats_application_stages", "Application stages", ["id", "remote_id", "name", "status"]),
        supported("ats_screening_questions", "Screening questions", ["id", "remote_id", "title", "format"]),
        supported("ats_users", "Users", ["id", "remote_id", "first_name", "last_name", "email", "status"]),
        supported("ats_tags", "Tags", ["id", "remote_id", "name"]),
        unsupported("ats_offers", "Offers"),
        unsupported("ats_interviews", "Interviews"),
        unsupported("ats_notes", "Notes"),
        unsupported("ats_scorecards", "Scorecards"),
        unsupported("ats_rejection_reasons", "Rejection reasons"),
        unsupported("ats_roles", "Roles"),
        unsupported("ats_attachments", "Attachments"),
    ]

    static let createFields = [
        "candidate.first_name", "candidate.last_name", "candidate.email_address", "candidate.phone_number",
        "candidate.location", "candidate.gender", "candidate.availability_date", "candidate.salary_expectations",
        "stage_id", "attachments", "screening_question_answers", "source", "remote_fields",
    ]

    static func writable(_ id: String, _ label: String, _ fields: [String]) -> Model {
        Model(
            id: id, label: label, coverageStatus: "SUPPORTED",
            fields: fields.map { .init(id: $0, supported: true, forReadModel: false) })
    }

    static let writeActions: [Model] = [
        writable("ats_create_candidate", "Create candidate", createFields),
        writable("ats_create_application", "Create application", createFields),
        unsupported("ats_move_application_stage", "Move application to stage"),
        unsupported("ats_reject_application", "Reject application"),
        unsupported("ats_add_application_note", "Add note"),
        unsupported("ats_add_candidate_tag", "Add candidate tag"),
        unsupported("ats_add_attachment", "Add attachment to an existing record"),
        unsupported("ats_add_result_link", "Add result link"),
        unsupported("ats_import_tracked_application", "Import tracked application"),
    ]
}
