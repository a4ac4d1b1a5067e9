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
        try await enabled(request, context: context).integration
    }

    /// The credentials of the gate's integration, for the requests that call its tool.
    func credentials(_ integration: Integration, context: AppRequestContext) async throws -> Data {
        let id = integration.id.description
        guard let loaded = try await load(id, workspaceID: integration.workspaceID, context: context) else {
            throw APIError(.integrationNotFound, "Integration \(id) has no stored credentials.")
        }
        return try directory.credentials(of: loaded)
    }

    /// Read with the API key (`APIKeyMiddleware`), or here when the request came another way.
    /// Another workspace's integration is nil, exactly like one that does not exist.
    private func load(_ id: String, workspaceID: String, context: AppRequestContext) async throws
        -> LoadedIntegration?
    {
        if let prefetched = context.integration, prefetched.integration.id.description == id,
            prefetched.integration.workspaceID == workspaceID
        {
            return prefetched
        }
        return try await directory.loadedIntegration(id: id, workspaceID: workspaceID)
    }

    private func enabled(_ request: Request, context: AppRequestContext) async throws -> LoadedIntegration {
        let workspaceID = try context.requireWorkspace()
        guard let header = request.headers[.integrationID], !header.isEmpty else {
            throw APIError.invalidInput(
                "Missing header 'X-Integration-Id': this endpoint needs the id of the integration, "
                    + "like personio:CBNMt7dSNCzBdnRTx87dev4E.")
        }
        guard let loaded = try await load(header, workspaceID: workspaceID, context: context) else {
            throw Self.notFound(header)
        }
        try Self.checkEnabled(loaded.integration.status, id: header)
        return loaded
    }

    /// `enabledIntegration`, once its first sync is done: the check of every `/v1/ats/*` request.
    func readableIntegration(_ request: Request, context: AppRequestContext) async throws -> Integration {
        try await readable(request, context: context).integration
    }

    /// `readableIntegration`, as read (with what a page needs to know of its field projection).
    func readable(_ request: Request, context: AppRequestContext) async throws -> LoadedIntegration {
        let loaded = try await enabled(request, context: context)
        try Self.checkFirstSync(loaded.integration.setupStatus, id: loaded.integration.id.description)
        return loaded
    }

    /// `readable`'s checks on what a page's own statement read of the integration
    /// (`RecordRepository.authenticatedPage`): nil is one that is not the caller's.
    static func checkReadable(_ access: IntegrationAccess?, id: String) throws -> IntegrationAccess {
        guard let access else { throw notFound(id) }
        try checkEnabled(access.status, id: id)
        try checkFirstSync(access.setupStatus, id: id)
        return access
    }

    private static func notFound(_ id: String) -> APIError {
        APIError(.integrationNotFound, "No integration '\(id)' exists for this API key's workspace.")
    }

    private static func checkEnabled(_ status: IntegrationStatus, id: String) throws {
        if status == .inactive {
            throw APIError(
                .integrationInactive,
                "Integration '\(id)' is disabled. Enable it with PUT /v1/integrations/\(id)/enabled.")
        }
    }

    private static func checkFirstSync(_ status: SetupStatus, id: String) throws {
        guard status == .completed else {
            throw APIError(
                .setupSyncPending,
                "Integration '\(id)' has not finished its first sync yet; its data can be read once it has.")
        }
    }
}

extension HTTPField.Name {
    static let integrationID = HTTPField.Name("X-Integration-Id")!
}
