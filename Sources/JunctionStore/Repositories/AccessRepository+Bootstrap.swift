import Foundation
import JunctionModel
import SQLKit

/// What first-start preparation found and did.
public struct BootstrapOutcome: Sendable, Equatable {
    public enum KeyOutcome: Sendable, Equatable {
        /// A key was generated for the new default workspace; shown once, never stored in clear.
        case generated(plaintext: String, key: APIKey)
        /// The configured key (`JUNCTION_API_KEY`) was registered now.
        case registered(APIKey)
        /// The configured key was already registered and active.
        case alreadyRegistered(APIKey)
        /// The configured key is registered but revoked; it stays revoked.
        case revoked(APIKey)
        /// Nothing to do: the database already had workspaces and no key was configured.
        case none
    }

    public var workspace: Workspace
    public var createdWorkspace: Bool
    public var key: KeyOutcome
}

extension AccessRepository {
    /// Key of the PostgreSQL advisory lock that serialises first-start preparation.
    static let bootstrapLockKey: Int64 = 0x6A75_6E63_626F_6F74

    /// Prepares an empty database for use: creates the default workspace and its first API key,
    /// or registers `configuredKey` (`JUNCTION_API_KEY`) so scripts and tests know the key.
    ///
    /// Runs in one transaction under a lock, so instances starting together on one PostgreSQL
    /// create one default workspace between them.
    public func bootstrap(configuredKey: String?) async throws -> BootstrapOutcome {
        if let configuredKey,
            configuredKey.count < Self.minimumAPIKeyLength || configuredKey.contains(where: \.isWhitespace)
        {
            throw StoreError.configuration(
                "JUNCTION_API_KEY must be at least \(Self.minimumAPIKeyLength) characters without spaces")
        }
        let isPostgres = database.kind == .postgres
        return try await database.transaction { connection in
            if isPostgres {
                try await connection.raw("SELECT pg_advisory_xact_lock(\(bind: Self.bootstrapLockKey))").run()
            }
            let scoped = Store(database: database, secrets: secrets, connection: connection, jobForms: store.jobForms)
            var workspace = try await scoped.access.workspaces().first
            let createdWorkspace = workspace == nil
            if workspace == nil {
                workspace = try await scoped.access.createWorkspace(name: "Default workspace")
            }
            guard let workspace else { preconditionFailure("workspace was just created") }

            let key: BootstrapOutcome.KeyOutcome
            if let configuredKey {
                if let existing = try await scoped.access.apiKey(matching: configuredKey) {
                    key = existing.revokedAt == nil ? .alreadyRegistered(existing) : .revoked(existing)
                } else {
                    let (record, _) = try await scoped.access.createAPIKey(
                        workspaceID: workspace.id, name: "JUNCTION_API_KEY", key: configuredKey)
                    key = .registered(record)
                }
            } else if createdWorkspace {
                let (record, plaintext) = try await scoped.access.createAPIKey(
                    workspaceID: workspace.id, name: "first key")
                key = .generated(plaintext: plaintext, key: record)
            } else {
                key = .none
            }
            return BootstrapOutcome(workspace: workspace, createdWorkspace: createdWorkspace, key: key)
        }
    }
}
