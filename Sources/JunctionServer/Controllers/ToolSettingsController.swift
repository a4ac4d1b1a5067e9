import Foundation
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore

/// `GET`/`PUT /v1/integrations/{id}/{setting}` for each setting a registered tool declares
/// (Personio: `applicant-attributes`, `career-sites`): Junction's additions for what the tool's
/// API cannot tell. The connector reads and checks the value; a change is stored (in the
/// settings, or in the encrypted credentials when it decides where Junction connects) and a
/// sync is queued so the data follows.
struct ToolSettingsController {
    let store: Store
    let connectors: ConnectorRegistry

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let paths = Set(connectors.tools.flatMap { connectors[$0]?.descriptor.settings.map(\.path) ?? [] })
        for path in paths.sorted() {
            group.get("integrations/:integration_id/\(path)") { _, context in
                let integration = try await store.integrations.requireIntegration(context)
                let (connector, credentials) = try await resolve(integration, path)
                return SuccessEnvelope(
                    try connector.readSetting(path, integration: integration, credentials: credentials))
            }
            group.put("integrations/:integration_id/\(path)") { request, context in
                let integration = try await store.integrations.requireIntegration(context)
                let value = try await request.decode(as: JSONValue.self, context: context)
                return SuccessEnvelope(
                    try await Self.change(
                        path, to: value, integration: integration, store: store, connectors: connectors))
            }
        }
    }

    /// Checks and stores a new value of the setting at `path`, then queues a DELTA; the value as
    /// the answer shows it.
    static func change(
        _ path: String, to value: JSONValue, integration: Integration, store: Store,
        connectors: ConnectorRegistry
    ) async throws -> JSONValue {
        let (connector, credentials) = try await resolve(integration, path, store: store, connectors: connectors)
        let change = try connector.changeSetting(path, to: value, integration: integration, credentials: credentials)
        let id = integration.id.description
        if let settings = change.settings {
            try await store.integrations.setSettings(settings, integrationID: id, workspaceID: integration.workspaceID)
        }
        if let replaced = change.credentials {
            try await store.integrations.replaceCredentials(
                integrationID: id, workspaceID: integration.workspaceID, credentials: replaced)
        }
        _ = try await store.syncRuns.requestSync(integrationID: id, kind: .delta, now: Date())
        return change.value
    }

    private func resolve(_ integration: Integration, _ path: String) async throws -> (any Connector, Data) {
        try await Self.resolve(integration, path, store: store, connectors: connectors)
    }

    /// The integration's connector (which must declare the setting) and its decrypted credentials.
    static func resolve(
        _ integration: Integration, _ path: String, store: Store, connectors: ConnectorRegistry
    ) async throws -> (any Connector, Data) {
        let connector = try? connectors.connector(for: integration)
        guard let connector, connector.descriptor.settings.contains(where: { $0.path == path }) else {
            throw APIError.invalidInput(
                "\(connector?.descriptor.label ?? integration.id.tool.rawValue) integrations have no setting '\(path)'."
            )
        }
        guard
            let credentials = try await store.integrations.credentials(
                integrationID: integration.id.description, workspaceID: integration.workspaceID)
        else { throw APIError(.integrationNotFound, "Integration \(integration.id) has no stored credentials.") }
        return (connector, credentials)
    }
}
