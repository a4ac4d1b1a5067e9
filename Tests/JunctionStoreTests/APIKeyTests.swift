import Foundation
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

@Suite("API keys and first start", .freshDatabases)
struct APIKeyTests {
    @Test("a key is stored as its SHA-256 hash, never in clear", arguments: Backend.allCases)
    func storesHashOnly(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let store = Store(database: database, secrets: randomSecretBox())
        let workspace = try await store.access.createWorkspace(name: "w")

        _ = try await store.access.createAPIKey(
            workspaceID: workspace.id, name: "ci", key: "jk_known_vector_key_0001")

        let rows = try await database.sql.raw("SELECT * FROM api_keys").all()
        #expect(rows.count == 1)
        // Computed independently: sha256(b"jk_known_vector_key_0001") in Python's hashlib.
        #expect(
            try rows[0].decode(column: "key_hash", as: String.self)
                == "7a12204207c035f88a152d68b8d5f9c99de5c48b9ef0d4820ff5388aee631ce2")
        for column in rows[0].allColumns {
            let text = try? rows[0].decode(column: column, as: String.self)
            #expect(text != "jk_known_vector_key_0001", "column \(column) holds the key in clear")
        }
    }

    @Test("a key authenticates its workspace until it is revoked", arguments: Backend.allCases)
    func authenticateAndRevoke(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let store = Store(database: database, secrets: randomSecretBox())
        let workspace = try await store.access.createWorkspace(name: "w")
        let (key, plaintext) = try await store.access.createAPIKey(workspaceID: workspace.id, name: "app")

        let before = try await store.access.authenticate(apiKey: plaintext)
        let wrong = try await store.access.authenticate(apiKey: plaintext + "x")
        let revoked = try await store.access.revokeAPIKey(id: key.id)
        let after = try await store.access.authenticate(apiKey: plaintext)

        #expect(before == workspace.id)
        #expect(wrong == nil)
        #expect(revoked?.revokedAt != nil)
        #expect(after == nil)
        #expect(try await store.access.revokeAPIKey(id: "no-such-key") == nil)
    }

    @Test(
        "a key is read with the integration a request names, only its own workspace's, and its credentials open",
        arguments: Backend.allCases)
    func authenticateWithIntegration(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let store = seeded.store
        let integrationID = seeded.integration.id.description
        let (key, plaintext) = try await store.access.createAPIKey(workspaceID: seeded.workspace.id, name: "app")
        let stranger = try await seeded.anotherIntegration(in: try await store.access.createWorkspace(name: "them"))
        let (_, strangerKey) = try await store.access.createAPIKey(workspaceID: stranger.workspace.id, name: "them")

        let mine = try await store.access.authenticate(apiKey: plaintext, integrationID: integrationID)
        let theirs = try await store.access.authenticate(apiKey: strangerKey, integrationID: integrationID)
        let unknown = try await store.access.authenticate(apiKey: plaintext, integrationID: "personio:nope")
        let wrong = try await store.access.authenticate(apiKey: plaintext + "x", integrationID: integrationID)
        _ = try await store.access.revokeAPIKey(id: key.id)
        let revoked = try await store.access.authenticate(apiKey: plaintext, integrationID: integrationID)

        #expect(mine?.workspaceID == seeded.workspace.id)
        #expect(mine?.integration?.integration == seeded.integration)
        // The fixture's credentials, opened from what the same statement read.
        let credentials = try mine?.integration.map { try store.integrations.credentials(of: $0) }
        #expect(credentials == Data(#"{"client_secret":"s3cr3t-value"}"#.utf8))
        // Another workspace's key authenticates, but does not see this integration.
        #expect(theirs?.workspaceID == stranger.workspace.id)
        #expect(theirs != nil && theirs?.integration == nil)
        #expect(unknown?.workspaceID == seeded.workspace.id && unknown?.integration == nil)
        #expect(wrong == nil)
        #expect(revoked == nil)
    }

    @Test("short or spaced keys are refused", arguments: ["short", "has a space in it 123456"])
    func refusesWeakKeys(key: String) async throws {
        let database = try await FreshDatabases.open(.sqlite)
        let store = Store(database: database, secrets: randomSecretBox())
        let workspace = try await store.access.createWorkspace(name: "w")
        await #expect(throws: StoreError.self) {
            try await store.access.createAPIKey(workspaceID: workspace.id, name: "x", key: key)
        }
    }

    @Test("first start creates one workspace and one key; later starts create nothing", arguments: Backend.allCases)
    func bootstrapOnce(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let store = Store(database: database, secrets: randomSecretBox())

        let first = try await store.access.bootstrap(configuredKey: nil)
        let second = try await store.access.bootstrap(configuredKey: nil)

        #expect(first.createdWorkspace)
        guard case .generated(let plaintext, _) = first.key else {
            Issue.record("expected a generated key, got \(first.key)")
            return
        }
        #expect(try await store.access.authenticate(apiKey: plaintext) == first.workspace.id)
        #expect(!second.createdWorkspace)
        #expect(second.key == .none)
        #expect(try await store.access.workspaces().count == 1)
        #expect(try await store.access.apiKeys().count == 1)
    }

    @Test("JUNCTION_API_KEY is registered once and authenticates", arguments: Backend.allCases)
    func bootstrapConfiguredKey(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let store = Store(database: database, secrets: randomSecretBox())
        let configured = "jk_configured_by_script_0001"

        let first = try await store.access.bootstrap(configuredKey: configured)
        let second = try await store.access.bootstrap(configuredKey: configured)

        guard case .registered = first.key, case .alreadyRegistered = second.key else {
            Issue.record("expected registered then alreadyRegistered, got \(first.key), \(second.key)")
            return
        }
        #expect(try await store.access.authenticate(apiKey: configured) == first.workspace.id)
        #expect(try await store.access.apiKeys().count == 1)
    }

    @Test("instances starting together on one empty database create one default workspace", arguments: Backend.allCases)
    func concurrentBootstrap(backend: Backend) async throws {
        let location = try await freshDatabaseLocation(backend)
        let secrets = randomSecretBox()
        try await withSeparatePools(3, on: location) { databases in
            try await Migrator(database: databases[0], logger: quietLogger).migrate()
            let stores = databases.map { Store(database: $0, secrets: secrets) }

            let outcomes = try await withThrowingTaskGroup(of: BootstrapOutcome.self) { group in
                for store in stores {
                    group.addTask { try await store.access.bootstrap(configuredKey: "jk_shared_configured_key_01") }
                }
                return try await group.reduce(into: [BootstrapOutcome]()) { $0.append($1) }
            }

            #expect(outcomes.filter(\.createdWorkspace).count == 1)
            #expect(Set(outcomes.map(\.workspace.id)).count == 1)
            #expect(try await stores[0].access.workspaces().count == 1)
            #expect(try await stores[0].access.apiKeys().count == 1)
        }
    }
}
