import Foundation
import HTTPTypes
import Hummingbird
import JunctionModel
import JunctionStore

extension IntegrationRepository {
    /// The integration of the route's `integration_id`, if it belongs to the caller's workspace;
    /// another workspace's answers exactly like one that does not exist.
    func requireIntegration(_ context: AppRequestContext) async throws -> Integration {
        let workspaceID = try context.requireWorkspace()
        let id = context.parameters.get("integration_id") ?? ""
        guard let integration = try await integration(id: id, workspaceID: workspaceID) else {
            throw APIError(.integrationNotFound, "No integration '\(id)' exists for this API key's workspace.")
        }
        return integration
    }
}

/// The checks a request naming an integration in `X-Integration-Id` passes: which integration,
/// owned by the caller, enabled, and (for reads and writes) done with its first sync.
struct IntegrationGate: Sendable {
    let directory: IntegrationRepository

    /// The integration of `X-Integration-Id` if it is the caller's and enabled; its first sync
    /// may still be running (what `force-sync` and passthrough need).
    func enabledIntegration(_ request: Request, context: AppRequestContext) async throws -> Integration {
        let workspaceID = try context.requireWorkspace()
        guard let header = request.headers[.integrationID], !header.isEmpty else {
            throw APIError.invalidInput(
                "Missing header 'X-Integration-Id': this endpoint needs the id of the integration, "
                    + "like personio:CBNMt7dSNCzBdnRTx87dev4E.")
        }
        // Another workspace's integration answers exactly like one that does not exist.
        guard let integration = try await directory.integration(id: header, workspaceID: workspaceID) else {
            throw APIError(.integrationNotFound, "No integration '\(header)' exists for this API key's workspace.")
        }
        if integration.status == .inactive {
            throw APIError(
                .integrationInactive,
                "Integration '\(header)' is disabled. Enable it with PUT /v1/integrations/\(header)/enabled.")
        }
        return integration
    }

    /// `enabledIntegration`, once its first sync is done: the check of every `/v1/ats/*` request.
    func readableIntegration(_ request: Request, context: AppRequestContext) async throws -> Integration {
        let integration = try await enabledIntegration(request, context: context)
        guard integration.setupStatus == .completed else {
            throw APIError(
                .setupSyncPending,
                "Integration '\(integration.id)' has not finished its first sync yet; its data can be read once it has."
            )
        }
        return integration
    }
}

extension HTTPField.Name {
    static let integrationID = HTTPField.Name("X-Integration-Id")!
}
