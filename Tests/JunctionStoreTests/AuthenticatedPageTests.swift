import Foundation
import JunctionModel
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// A list request's page and its API key's check in one statement
/// (`RecordRepository.authenticatedPage`): the page only for a valid key and its own workspace's
/// integration, and the key's verdict as `AccessRepository.authenticate` gives it.
@Suite("Pages read with their API key's check", .freshDatabases)
struct AuthenticatedPageTests {
    /// A store with jobs `job-1` … `job-5` (`job-3` deleted) in the seeded integration, a key of its
    /// workspace, and another workspace with its own key and integration.
    struct Fixture {
        let seeded: SeededStore
        let key: String
        let keyID: String
        let strangerKey: String
        let strangerWorkspaceID: String

        static func make(_ backend: Backend) async throws -> Fixture {
            let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
            let store = seeded.store
            let jobs = (1...5).map {
                Job(id: "job-\($0)", remoteID: "j\($0)", changedAt: Date(timeIntervalSince1970: 0))
            }
            try await store.records.saveRecords(jobs, integrationID: seeded.integration.id.description)
            try await store.database.sql.raw("UPDATE jobs SET remote_deleted_at = 500 WHERE id = 'job-3'").run()
            let (key, plaintext) = try await store.access.createAPIKey(workspaceID: seeded.workspace.id, name: "app")
            let stranger = try await seeded.anotherIntegration(in: try await store.access.createWorkspace(name: "them"))
            let (_, strangerKey) = try await store.access.createAPIKey(workspaceID: stranger.workspace.id, name: "them")
            return Fixture(
                seeded: seeded, key: plaintext, keyID: key.id, strangerKey: strangerKey,
                strangerWorkspaceID: stranger.workspace.id)
        }

        func page(
            key: String, integrationID: String? = nil, filter: RecordFilter = RecordFilter(), after: String? = nil,
            limit: Int = 2
        ) async throws -> (authentication: PageAuthentication?, ids: [String], next: String?) {
            let read = try await seeded.store.records.authenticatedPage(
                Job.self, apiKey: key, integrationID: integrationID ?? seeded.integration.id.description,
                filter: filter, after: after, limit: limit)
            return (read.authentication, read.page.items.map(\.id), read.page.nextAfter)
        }
    }

    @Test("a valid key reads its integration's page, kept text or built, and empty pages", arguments: Backend.allCases)
    func validKey(backend: Backend) async throws {
        let fixture = try await Fixture.make(backend)
        let expected = PageAuthentication(
            workspaceID: fixture.seeded.workspace.id,
            integration: IntegrationAccess(status: .active, setupStatus: .completed, mayProjectFields: false))

        let first = try await fixture.page(key: fixture.key)
        let second = try await fixture.page(key: fixture.key, after: "job-2")
        let filtered = try await fixture.page(
            key: fixture.key, filter: RecordFilter(conditions: [.oneOf(column: "id", values: ["job-5", "job-2"])]),
            limit: 5)
        let past = try await fixture.page(key: fixture.key, after: "job-5")

        #expect(first.authentication == expected)
        #expect(first.ids == ["job-1", "job-2"] && first.next == "job-2")
        #expect(second.ids == ["job-4", "job-5"] && second.next == nil)
        #expect(filtered.authentication == expected)
        #expect(filtered.ids == ["job-2", "job-5"] && filtered.next == nil)
        // An empty page still carries the key's verdict.
        #expect(past.authentication == expected)
        #expect(past.ids.isEmpty && past.next == nil)
    }

    @Test(
        "a wrong or revoked key reads nothing; another workspace's integration is not found",
        arguments: Backend.allCases)
    func refusedKeys(backend: Backend) async throws {
        let fixture = try await Fixture.make(backend)

        let wrong = try await fixture.page(key: fixture.key + "x")
        let theirs = try await fixture.page(key: fixture.strangerKey)
        let unknown = try await fixture.page(key: fixture.key, integrationID: "personio:nope")
        _ = try await fixture.seeded.store.access.revokeAPIKey(id: fixture.keyID)
        let revoked = try await fixture.page(key: fixture.key)

        #expect(wrong.authentication == nil && wrong.ids.isEmpty)
        #expect(theirs.authentication == PageAuthentication(workspaceID: fixture.strangerWorkspaceID, integration: nil))
        #expect(theirs.ids.isEmpty, "another workspace's key read this integration's records")
        #expect(
            unknown.authentication == PageAuthentication(workspaceID: fixture.seeded.workspace.id, integration: nil))
        #expect(unknown.ids.isEmpty)
        #expect(revoked.authentication == nil && revoked.ids.isEmpty)
    }

    @Test("the integration's state and field projection are read as stored", arguments: Backend.allCases)
    func integrationState(backend: Backend) async throws {
        let fixture = try await Fixture.make(backend)
        let store = fixture.seeded.store
        let integrationID = fixture.seeded.integration.id.description
        try await store.integrations.setStatus(
            .inactive, integrationID: integrationID, workspaceID: fixture.seeded.workspace.id)
        _ = try await store.fields.createCustomField(
            CustomField(
                id: "cf-1", workspaceID: fixture.seeded.workspace.id, model: "jobs", key: "level", label: nil,
                description: nil))

        let read = try await fixture.page(key: fixture.key)

        #expect(
            read.authentication?.integration
                == IntegrationAccess(status: .inactive, setupStatus: .completed, mayProjectFields: true))
    }
}
