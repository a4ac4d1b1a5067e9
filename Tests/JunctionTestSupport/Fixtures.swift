import Crypto
import Foundation
import JunctionModel
import JunctionStore

/// A secret box with a random key, as a fresh installation would have.
public func randomSecretBox() -> SecretBox {
    SecretBox(key: SymmetricKey(size: .bits256))
}

/// A store over `database` with a workspace and one integration whose first sync is complete
/// (or at `setupStatus`).
public struct SeededStore: Sendable {
    public let store: Store
    public let workspace: Workspace
    public let integration: Integration

    public static func make(
        _ database: Database, secrets: SecretBox = randomSecretBox(), setupStatus: SetupStatus = .completed
    ) async throws -> SeededStore {
        let store = Store(database: database, secrets: secrets)
        let workspace = try await store.access.createWorkspace(name: "Acme Jobs")
        return try await integration(in: workspace, store: store, setupStatus: setupStatus)
    }

    /// A new Personio integration of `workspace` in `store`, completed unless told otherwise.
    static func integration(in workspace: Workspace, store: Store, setupStatus: SetupStatus = .completed)
        async throws -> SeededStore
    {
        let integration = Integration(
            id: IntegrationID(tool: .personio), workspaceID: workspace.id, setupStatus: setupStatus,
            endUserOrganizationName: "Customer GmbH")
        try await store.integrations.createIntegration(
            integration, credentials: Data(#"{"client_secret":"s3cr3t-value"}"#.utf8))
        return SeededStore(store: store, workspace: workspace, integration: integration)
    }
}

/// `count` jobs of `integrationID`, with remote ids `remotePrefix1` … and ids derived as sync would.
public func sampleJobs(_ count: Int, integrationID: IntegrationID, remotePrefix: String = "job-") -> [Job] {
    (1...count).map { index in
        let remoteID = "\(remotePrefix)\(index)"
        var job = Job(
            id: Identifier.record(integrationID: integrationID.description, model: "jobs", remoteID: remoteID),
            remoteID: remoteID, changedAt: Date(timeIntervalSince1970: 0))
        job.name = "Job \(index)"
        job.status = JobStatus.open.rawValue
        job.employmentType = EmploymentType.fullTime.rawValue
        job.location = Location(city: "Munich", country: "DE")
        return job
    }
}

extension SeededStore {
    /// Another Personio integration in the same workspace (or in `workspace`), on the same store.
    public func anotherIntegration(in workspace: Workspace? = nil) async throws -> SeededStore {
        try await Self.integration(in: workspace ?? self.workspace, store: store)
    }
}
