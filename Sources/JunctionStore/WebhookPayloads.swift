import Foundation
import JunctionModel

/// The events of `docs/unified-api.md`, "Webhooks", built from what the store holds.
/// `logBaseURL` is the server's public address; `log_url`s open the dashboard.
public enum WebhookPayloads {
    static func endUser(_ integration: Integration) -> JSONValue {
        .object([
            "organization_name": .string(integration.endUserOrganizationName),
            "creator_email": integration.endUserEmail.map(JSONValue.string) ?? .null,
            "origin_id": integration.endUserOriginID.map(JSONValue.string) ?? .null,
        ])
    }

    static func date(_ date: Date) -> JSONValue { .string(UnifiedDate.format(date)) }

    public static func integrationCreated(_ integration: Integration) -> WebhookEvent {
        WebhookEvent(
            type: "integration-created", workspaceID: integration.workspaceID,
            integrationID: integration.id.description,
            data: .object([
                "id": .string(integration.id.description), "tool": .string(integration.id.tool.rawValue),
                "category": .string("ATS"), "end_user": endUser(integration),
            ]))
    }

    public static func integrationDeleted(_ integration: Integration, at: Date = Date()) -> WebhookEvent {
        WebhookEvent(
            type: "integration-deleted", workspaceID: integration.workspaceID,
            integrationID: integration.id.description,
            data: .object([
                "id": .string(integration.id.description), "tool": .string(integration.id.tool.rawValue),
                "category": .string("ATS"), "end_user": endUser(integration), "deleted_at": date(at),
            ]))
    }

    /// `integration` as it is after the change. Junction has no QA review step, so `qa_status`
    /// is always PASSED (nothing holds an integration back).
    public static func stateChanged(_ integration: Integration, at: Date = Date()) -> WebhookEvent {
        WebhookEvent(
            type: "integration-state-changed", workspaceID: integration.workspaceID,
            integrationID: integration.id.description,
            data: .object([
                "integration_tool": .string(integration.id.tool.rawValue),
                "integration_id": .string(integration.id.description), "integration_category": .string("ATS"),
                "end_user": endUser(integration), "qa_status": .string("PASSED"),
                "setup_status": .string(integration.setupStatus.rawValue),
                "state": .string(integration.status.rawValue),
                "updated_at": date(at),
            ]))
    }

    /// The sync's models by their webhook names.
    static let modelNames: [String: String] = [
        "jobs": "ats_jobs", "candidates": "ats_candidates", "applications": "ats_applications",
        "application_stages": "ats_application_stages", "users": "ats_users",
        "screening_questions": "ats_screening_questions", "tags": "ats_tags",
        "job_stages": "ats_join_jobs_application_stages",
        "job_screening_questions": "ats_join_jobs_screening_questions",
    ]

    /// `data-changed` for the sync's tables in `tables` (nil when none is a synced model's).
    static func dataChanged(integrationID: IntegrationID, workspaceID: String, tables: Set<String>) -> WebhookEvent? {
        let names = tables.compactMap { modelNames[$0] }.sorted()
        guard !names.isEmpty else { return nil }
        return WebhookEvent(
            type: "data-changed", workspaceID: workspaceID, integrationID: integrationID.description,
            data: .object([
                "integration_id": .string(integrationID.description),
                "integration_tool": .string(integrationID.tool.rawValue),
                "integration_category": .string("ATS"),
                "changed_models": .array(names.map { .object(["name": .string($0)]) }),
            ]))
    }

    /// `data-changed` (when the run added, changed or deleted records) and `sync-finished`, in
    /// that order.
    public static func finishedRun(_ run: SyncRun, integration: Integration, logBaseURL: String, at: Date = Date())
        -> [WebhookEvent]
    {
        var events: [WebhookEvent] = []
        let changed = Set(
            [run.stats.added, run.stats.updated, run.stats.deleted].flatMap { $0.filter { $0.value > 0 }.keys })
        if let dataChanged = dataChanged(
            integrationID: integration.id, workspaceID: integration.workspaceID, tables: changed)
        {
            events.append(dataChanged)
        }
        let state: String =
            switch run.status {
            case .succeeded: "SUCCEEDED"
            case .cancelled: "CANCELLED"
            case .running: "RUNNING"
            case .failed:
                run.error?.contains("refused the credentials") == true ? "AUTHENTICATION_FAILED" : "FAILED"
            }
        let id = integration.id.description
        events.append(
            WebhookEvent(
                type: "sync-finished", workspaceID: integration.workspaceID, integrationID: id,
                data: .object([
                    "sync_id": .string(run.id), "sync_state": .string(state), "sync_started_at": date(run.startedAt),
                    "sync_ended_at": date(at),
                    "sync_duration_seconds": .number(Double(max(0, Int(at.timeIntervalSince(run.startedAt))))),
                    "integration_id": .string(id), "integration_tool": .string(integration.id.tool.rawValue),
                    "integration_category": .string("ATS"), "end_user": endUser(integration),
                    "log_url": .string("\(logBaseURL)/dashboard/integrations/\(id)#run-\(run.id)"),
                ])))
        return events
    }

    public static func connectionFlowFailed(_ link: ConnectLink, logBaseURL: String) -> WebhookEvent {
        WebhookEvent(
            type: "connection-flow-failed", workspaceID: link.workspaceID, integrationID: link.integrationID,
            data: .object([
                "integration_tool": .string("personio"), "integration_category": .string("ATS"),
                "end_user": .object([
                    "organization_name": .string(link.endUserOrganizationName),
                    "creator_email": link.endUserEmail.map(JSONValue.string) ?? .null,
                    "origin_id": link.endUserOriginID.map(JSONValue.string) ?? .null,
                ]),
                "log_url": .string("\(logBaseURL)/dashboard#connect-flows"),
            ]))
    }
}
