import Foundation
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore

/// `GET /v1/integrations` (Junction's addition: Kombo has no list) and
/// `GET /v1/integrations/{integration_id}` as the reference describes it.
struct IntegrationsController {
    let store: Store
    /// The tools this process serves: their descriptors and coverage.
    let connectors: ConnectorRegistry
    /// The server's public address, for each tool's `connection_guide_url`.
    let publicURL: String

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("integrations") { _, context in
            let workspaceID = try context.requireWorkspace()
            var results: [IntegrationDetails] = []
            for integration in try await store.integrations.integrations(workspaceID: workspaceID) {
                results.append(
                    Self.details(
                        integration, connectors: connectors, lastRun: try await lastRun(of: integration),
                        queue: try await queue(of: integration)))
            }
            return SuccessEnvelope(ListPage(next: nil, results: results))
        }
        // The SDK inserts ids like `personio:ABC` without escaping the colon (§1).
        group.get("integrations/:integration_id") { _, context in
            let integration = try await store.integrations.requireIntegration(context)
            return SuccessEnvelope(
                Self.details(
                    integration, connectors: connectors, lastRun: try await lastRun(of: integration),
                    queue: try await queue(of: integration)))
        }
        group.get("tools/:category") { _, context in
            let category = context.parameters.get("category") ?? ""
            guard ["hris", "ats", "assessment", "lms"].contains(category) else {
                throw APIError.invalidInput("Category '\(category)' is not one of hris, ats, assessment, lms.")
            }
            return SuccessEnvelope(
                JSONValue.object([
                    "tools": .array(
                        connectors.descriptors(category: category).map {
                            Self.tool(
                                $0,
                                guideURL: GuideController.url(
                                    of: $0.tool, connectors: connectors, publicURL: publicURL))
                        })
                ]))
        }
        group.put("integrations/:integration_id/enabled") { request, context in
            let integration = try await store.integrations.requireIntegration(context)
            let body = try await request.decode(as: EnabledBody.self, context: context)
            _ = try await store.integrations.setEnabled(
                body.value, integrationID: integration.id.description, workspaceID: integration.workspaceID
            ) { changed in WebhookPayloads.stateChanged(changed) }
            return SuccessEnvelope(JSONValue.object([:]))
        }
        group.delete("integrations/:integration_id") { _, context in
            let integration = try await store.integrations.requireIntegration(context)
            _ = try await store.integrations.deleteIntegration(
                id: integration.id.description, workspaceID: integration.workspaceID,
                events: [WebhookPayloads.integrationDeleted(integration)])
            await connectors[integration.id.tool]?.forget(integrationID: integration.id.description)
            return SuccessEnvelope(JSONValue.object([:]))
        }
    }

    /// A tool as `GET /tools/{category}` lists it, with the coverage this build has.
    static func tool(_ descriptor: ToolDescriptor, guideURL: String?) -> JSONValue {
        func models(_ list: [ToolDescriptor.Model]) -> JSONValue {
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
        return .object([
            "id": .string(descriptor.tool.rawValue), "label": .string(descriptor.label), "internal_label": .null,
            "assets": .object([
                "logo_url": .string(descriptor.logoURL), "icon_url": .string(descriptor.iconURL),
                "icon_black_url": .string(descriptor.iconURL),
            ]),
            "paid_api_details_markdown": .null, "fast_track_details_markdown": .null,
            "partner_only_details_markdown": .null,
            "connection_guide_url": guideURL.map(JSONValue.string) ?? .null,
            "coverage": .object([
                "read_models": models(descriptor.coverage.readModels),
                "write_actions": models(descriptor.coverage.writeActions),
                "features": .array(
                    descriptor.features.map {
                        .object([
                            "id": .string($0.id), "label": .string($0.label),
                            "coverage_status": .string($0.coverageStatus),
                        ])
                    }),
            ]),
        ])
    }

    struct EnabledBody: Decodable {
        var value: Bool
    }

    /// The integration's place in the sync queue, and when its data was last confirmed current
    /// (kept by the queue; before the queue first ran it, the start of its last successful run).
    func queue(of integration: Integration) async throws -> (schedule: SyncSchedule?, confirmedAt: Date?) {
        let id = integration.id.description
        return (
            try await store.syncSchedule.schedule(integrationID: id),
            try await store.syncSchedule.confirmedAt(integrationID: id)
        )
    }

    /// The integration's latest finished sync run.
    func lastRun(of integration: Integration) async throws -> SyncRun? {
        try await store.syncRuns.syncRuns(integrationID: integration.id.description, limit: 3)
            .first { $0.finishedAt != nil }
    }

    /// The read model each synced model is served as.
    static let readModelIDs = [
        "jobs": "ats_jobs", "candidates": "ats_candidates", "applications": "ats_applications",
        "application_stages": "ats_application_stages", "users": "ats_users",
    ]

    static func details(
        _ integration: Integration, connectors: ConnectorRegistry, lastRun: SyncRun? = nil,
        queue: (schedule: SyncSchedule?, confirmedAt: Date?) = (nil, nil)
    ) -> IntegrationDetails {
        let connector = connectors[integration.id.tool]
        let descriptor = connector?.descriptor
        let coverage = connector?.coverage(of: integration)
        var details = IntegrationDetails(
            id: integration.id.description,
            tool: .init(
                id: integration.id.tool.rawValue, label: descriptor?.label ?? integration.id.tool.rawValue,
                logoURL: descriptor?.logoURL ?? "", iconURL: descriptor?.iconURL ?? ""),
            status: integration.status.rawValue,
            setupStatus: integration.setupStatus.rawValue,
            endUser: .init(
                organizationName: integration.endUserOrganizationName, creatorEmail: integration.endUserEmail,
                originID: integration.endUserOriginID),
            scopeConfig: .init(id: "default", name: "Default"),
            createdAt: integration.createdAt,
            readModels: coverage?.readModels ?? [],
            writeActions: coverage?.writeActions ?? [])
        details.syncWarnings = lastRun?.stats.warnings ?? []
        details.dataConfirmedAt = queue.confirmedAt
        details.nextSync = queue.schedule.map {
            .init(dueAt: $0.dueAt, kind: $0.kind.rawValue, reason: $0.reason.rawValue, failures: $0.failures)
        }
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
}
