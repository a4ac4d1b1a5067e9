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
        "employment_type", "status", "visibility", "location", "remote_created_at", "remote_updated_at", "stages",
        "job_postings", "remote_data",
    ]

    static let readModels: [Model] = [
        Model(
            id: "ats_jobs", label: "Jobs", coverageStatus: "SUPPORTED",
            fields: jobFields.map { .init(id: $0, supported: true, forReadModel: true) }),
        Model(id: "ats_candidates", label: "Candidates", coverageStatus: "NOT_IMPLEMENTED", fields: []),
        Model(id: "ats_applications", label: "Applications", coverageStatus: "NOT_IMPLEMENTED", fields: []),
        Model(id: "ats_application_stages", label: "Application stages", coverageStatus: "NOT_IMPLEMENTED", fields: []),
        Model(id: "ats_users", label: "Users", coverageStatus: "NOT_IMPLEMENTED", fields: []),
        Model(id: "ats_offers", label: "Offers", coverageStatus: "UNSUPPORTED", fields: []),
        Model(id: "ats_interviews", label: "Interviews", coverageStatus: "UNSUPPORTED", fields: []),
        Model(id: "ats_rejection_reasons", label: "Rejection reasons", coverageStatus: "UNSUPPORTED", fields: []),
    ]

    static let writeActions: [Model] = [
        Model(id: "ats_create_candidate", label: "Create candidate", coverageStatus: "NOT_IMPLEMENTED", fields: []),
        Model(id: "ats_create_application", label: "Create application", coverageStatus: "NOT_IMPLEMENTED", fields: []),
    ]
}
