import Hummingbird
import JunctionModel
import JunctionStore

/// Lists integrations of a workspace.
public protocol IntegrationLister: IntegrationDirectory {
    func integrations(workspaceID: String) async throws -> [Integration]
}

extension Store: IntegrationLister {}

/// `GET /v1/integrations` (Junction's addition: Kombo has no list) and
/// `GET /v1/integrations/{integration_id}` as the reference describes it.
struct IntegrationsController {
    let integrations: any IntegrationLister

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("integrations") { _, context in
            let workspaceID = try context.requireWorkspace()
            let all = try await integrations.integrations(workspaceID: workspaceID)
            return SuccessEnvelope(ListPage(next: nil, results: all.map(Self.details)))
        }
        // The SDK inserts ids like `personio:ABC` without escaping the colon (§1).
        group.get("integrations/:integration_id") { _, context in
            let workspaceID = try context.requireWorkspace()
            let id = context.parameters.get("integration_id") ?? ""
            guard let integration = try await integrations.integration(id: id, workspaceID: workspaceID) else {
                throw APIError(.integrationNotFound, "No integration '\(id)' exists for this API key's workspace.")
            }
            return SuccessEnvelope(Self.details(integration))
        }
    }

    static func details(_ integration: Integration) -> IntegrationDetails {
        IntegrationDetails(
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
            readModels: Coverage.readModels,
            writeActions: Coverage.writeActions)
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

    static let writeActions: [Model] = [
        Model(id: "ats_create_candidate", label: "Create candidate", coverageStatus: "NOT_IMPLEMENTED", fields: []),
        Model(id: "ats_create_application", label: "Create application", coverageStatus: "NOT_IMPLEMENTED", fields: []),
    ]
}
