import Foundation
import JunctionConnectors
import JunctionModel
import JunctionStore
import Logging

/// Runs an integration's syncs through the connector its tool has in the registry, with the
/// reader built from its stored credentials.
public struct Syncs: Sendable {
    let store: Store
    let connectors: ConnectorRegistry
    let logger: Logger
    let logBaseURL: String
    /// Hears of every finished run (for metrics).
    let finished: (@Sendable (SyncRun) -> Void)?

    public init(
        store: Store, connectors: ConnectorRegistry, logger: Logger, logBaseURL: String = "",
        finished: (@Sendable (SyncRun) -> Void)? = nil
    ) {
        self.store = store
        self.connectors = connectors
        self.logger = logger
        self.logBaseURL = logBaseURL
        self.finished = finished
    }

    public func runFull(
        _ integration: Integration, pageSize: Int = 200, progress: (@Sendable (SyncEngine.Progress) -> Void)? = nil
    ) async throws -> SyncRun {
        let reader = try await reader(for: integration, pageSize: pageSize)
        let run = try await SyncEngine(store: store, logger: logger, logBaseURL: logBaseURL).runFull(
            integration, connector: reader, progress: progress)
        finished?(run)
        return run
    }

    /// A DELTA run (FULL when the integration has no successful run yet).
    public func runDelta(
        _ integration: Integration, pageSize: Int = 200, progress: (@Sendable (SyncEngine.Progress) -> Void)? = nil
    ) async throws -> SyncRun {
        let reader = try await reader(for: integration, pageSize: pageSize)
        let run = try await SyncEngine(store: store, logger: logger, logBaseURL: logBaseURL).runDelta(
            integration, connector: reader, progress: progress)
        finished?(run)
        return run
    }

    func reader(for integration: Integration, pageSize: Int) async throws -> any ATSConnector {
        let connector = try connectors.connector(for: integration)
        guard
            let credentials = try await store.integrations.credentials(
                integrationID: integration.id.description, workspaceID: integration.workspaceID)
        else { throw SyncsError.noCredentials(integration.id.description) }
        return try await connector.syncReader(for: integration, credentials: credentials, pageSize: pageSize)
    }
}

enum SyncsError: Error, CustomStringConvertible {
    case noCredentials(String)

    var description: String {
        switch self {
        case .noCredentials(let id): "integration \(id) has no stored credentials"
        }
    }
}
