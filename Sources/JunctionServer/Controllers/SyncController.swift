import Foundation
import Hummingbird
import JunctionModel
import JunctionStore

/// `POST /v1/force-sync`: queues a sync for the scheduler, which any instance sharing the
/// database picks up within its tick (5 s). At most one run of each type waits.
struct SyncController {
    let gate: IntegrationGate
    let store: Store

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("force-sync") { request, context in
            let integration = try await gate.enabledIntegration(request, context: context)
            // An INVALID integration's runs cannot start (its credentials were refused): a queued
            // request would never run and never report.
            guard integration.status != .invalid else {
                throw APIError(
                    .inputInvalid,
                    "Integration '\(integration.id)' is INVALID: \(integration.id.tool.rawValue) refused its credentials, "
                        + "so no sync can run. Relink it (POST /v1/integrations/\(integration.id)/relink) with new "
                        + "credentials; its first sync starts then.", status: 409)
            }
            let body = try await request.decode(as: ForceSyncBody.self, context: context)
            let kind: SyncRun.Kind
            switch body.type {
            case nil, "FULL": kind = .full
            case "DELTA": kind = .delta
            case let other?: throw APIError.invalidInput("Field 'type' must be FULL or DELTA, not '\(other)'.")
            }
            let (queued, syncID) = try await store.syncRuns.requestSync(
                integrationID: integration.id.description, kind: kind, now: Date())
            return SuccessEnvelope(
                JSONValue.object([
                    "already_queued": .bool(queued), "sync_id": .string(syncID), "type": .string(kind.rawValue),
                ]))
        }
    }

    struct ForceSyncBody: Decodable {
        var type: String?
    }
}
