import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

@Suite("Integrations and their credentials", .freshDatabases)
struct IntegrationStoreTests {
    static let secret = #"{"client_secret":"s3cr3t-value"}"#

    @Test("credentials are encrypted at rest and decrypt with the same key", arguments: Backend.allCases)
    func credentialsEncrypted(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let id = seeded.integration.id.description

        let raw = try await database.sql.raw("SELECT * FROM integrations").all()
        let decrypted = try await seeded.store.integrations.credentials(
            integrationID: id, workspaceID: seeded.workspace.id)

        #expect(raw.count == 1)
        let sealed = try raw[0].decode(column: "credentials", as: String.self)
        #expect(!sealed.contains("s3cr3t"))
        #expect(!sealed.contains(Data("s3cr3t-value".utf8).base64EncodedString()))
        #expect(decrypted == Data(Self.secret.utf8))
    }

    @Test("credentials do not open with another secret key", arguments: Backend.allCases)
    func wrongKeyFails(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let otherKeyStore = Store(database: database, secrets: randomSecretBox())

        await #expect(throws: StoreError.self) {
            try await otherKeyStore.integrations.credentials(
                integrationID: seeded.integration.id.description, workspaceID: seeded.workspace.id)
        }
    }

    @Test("sealed credentials copied onto another integration do not open there", arguments: Backend.allCases)
    func boundToIntegration(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let secrets = randomSecretBox()
        let seeded = try await SeededStore.make(database, secrets: secrets)
        let other = Integration(
            id: IntegrationID(tool: .personio), workspaceID: seeded.workspace.id, endUserOrganizationName: "Other")
        try await seeded.store.integrations.createIntegration(other, credentials: Data("{}".utf8))

        try await database.sql.raw(
            """
            UPDATE integrations SET credentials = (SELECT credentials FROM integrations WHERE id = \(bind: seeded.integration.id.description))
            WHERE id = \(bind: other.id.description)
            """
        ).run()

        await #expect(throws: StoreError.self) {
            try await seeded.store.integrations.credentials(
                integrationID: other.id.description, workspaceID: seeded.workspace.id)
        }
    }

    @Test("another workspace's integration is invisible", arguments: Backend.allCases)
    func scopedByWorkspace(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let intruder = try await seeded.store.access.createWorkspace(name: "Intruder")
        let id = seeded.integration.id.description

        #expect(
            try await seeded.store.integrations.integration(id: id, workspaceID: seeded.workspace.id)
                == seeded.integration)
        #expect(try await seeded.store.integrations.integration(id: id, workspaceID: intruder.id) == nil)
        #expect(try await seeded.store.integrations.credentials(integrationID: id, workspaceID: intruder.id) == nil)
        #expect(try await seeded.store.integrations.integrations(workspaceID: intruder.id).isEmpty)
    }
}

/// Every API request reads its integration with its key (`authenticate`); the row is decoded
/// column by column (issue 22), so each column is checked here against what was written.
@Suite("Integrations read back", .freshDatabases)
struct IntegrationReadTests {
    @Test(
        "an integration reads back as written, alone and with its key; an unknown status is a corrupt row",
        arguments: Backend.allCases)
    func readBack(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let store = Store(database: database, secrets: randomSecretBox())
        let workspace = try await store.access.createWorkspace(name: "Readers")
        let (_, key) = try await store.access.createAPIKey(workspaceID: workspace.id, name: "reader")
        let written = Integration(
            id: IntegrationID(tool: .personio), workspaceID: workspace.id, status: .invalid,
            setupStatus: .finalSyncPending, endUserOrganizationName: "Customer GmbH",
            endUserEmail: "hr@customer.example", endUserOriginID: "origin-7",
            settings: ["channel": .string("Junction"), "limit": .number(3)],
            createdAt: Date(timeIntervalSince1970: 1_700_000_000.123),
            updatedAt: Date(timeIntervalSince1970: 1_700_000_500.456))
        let bare = Integration(
            id: IntegrationID(tool: .personio), workspaceID: workspace.id, endUserOrganizationName: "Bare")
        try await store.integrations.createIntegration(written, credentials: Data("{}".utf8))
        try await store.integrations.createIntegration(bare, credentials: Data("{}".utf8))

        let alone = try await store.integrations.integration(id: written.id.description, workspaceID: workspace.id)
        let withKey = try await store.access.authenticate(apiKey: key, integrationID: written.id.description)
        let bareWithKey = try await store.access.authenticate(apiKey: key, integrationID: bare.id.description)
        try await database.sql.raw(
            "UPDATE integrations SET status = 'SLEEPING' WHERE id = \(bind: written.id.description)"
        ).run()

        #expect(alone == written)
        #expect(withKey?.integration?.integration == written)
        #expect(bareWithKey?.integration?.integration == bare)
        await #expect(throws: StoreError.self) {
            try await store.integrations.integration(id: written.id.description, workspaceID: workspace.id)
        }
    }
}
