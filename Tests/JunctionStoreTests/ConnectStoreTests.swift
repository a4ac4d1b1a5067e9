import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

@Suite("Connect links, sync requests and custom fields in the store", .freshDatabases)
struct ConnectStoreTests {
    static func link(_ seeded: SeededStore, type: ConnectLink.LinkType = .embedded, now: Date = Date()) -> ConnectLink {
        ConnectLink(
            workspaceID: seeded.workspace.id, kind: .create, linkType: type, language: "de",
            endUserEmail: "hr@customer.example", endUserOrganizationName: "Customer GmbH", endUserOriginID: "origin-7",
            now: now)
    }

    @Test("a link is found by its token only, which the store keeps hashed", arguments: Backend.allCases)
    func linkTokens(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        let link = Self.link(seeded, now: created)

        let token = try await seeded.store.connectLinks.createConnectLink(link)
        let found = try await seeded.store.connectLinks.connectLink(token: token)
        let stored = try await database.sql.raw("SELECT * FROM connect_links").all()

        #expect(found == link)
        #expect(try await seeded.store.connectLinks.connectLink(token: token + "x") == nil)
        #expect(stored.count == 1)
        #expect(try stored[0].decode(column: "token_hash", as: String.self) != token)
        // EMBEDDED: one hour (reference §5); MAGIC_LINK: a year.
        #expect(found?.expiresAt == created.addingTimeInterval(3600))
        #expect(found?.isExpired(now: created.addingTimeInterval(3599)) == false)
        #expect(found?.isExpired(now: created.addingTimeInterval(3600)) == true)
        #expect(
            Self.link(seeded, type: .magicLink, now: created).expiresAt == created.addingTimeInterval(365 * 86_400))
    }

    @Test(
        "pending credentials are sealed; finishing hands out an activation token for this workspace only",
        arguments: Backend.allCases)
    func activation(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let link = Self.link(seeded)
        _ = try await seeded.store.connectLinks.createConnectLink(link)
        let secret = Data(#"{"client_secret":"pending-s3cr3t"}"#.utf8)
        let other = try await seeded.store.access.createWorkspace(name: "Other")
        let finished = Date()

        try await seeded.store.connectLinks.savePendingCredentials(
            linkID: link.id, credentials: secret, scopeTest: .object([:]))
        let raw = try await database.sql.raw("SELECT pending_credentials FROM connect_links").all()
        let pending = try await seeded.store.connectLinks.pendingCredentials(linkID: link.id)
        let token = try await seeded.store.connectLinks.completeConnectLink(
            linkID: link.id, integrationID: seeded.integration.id.description, now: finished)

        #expect(
            try raw[0].decode(column: "pending_credentials", as: String.self).contains("pending-s3cr3t") == false)
        #expect(pending == secret)
        #expect(try await seeded.store.connectLinks.pendingCredentials(linkID: link.id) == nil)
        let found = try await seeded.store.connectLinks.integration(
            activationToken: token, workspaceID: seeded.workspace.id, now: finished)
        #expect(found?.id == seeded.integration.id)
        #expect(
            try await seeded.store.connectLinks.integration(
                activationToken: token, workspaceID: other.id, now: finished) == nil)
        #expect(
            try await seeded.store.connectLinks.integration(
                activationToken: token, workspaceID: seeded.workspace.id, now: finished.addingTimeInterval(86_401))
                == nil)
    }

    @Test("force-sync queues one run per type, and that run keeps the promised id", arguments: Backend.allCases)
    func syncRequests(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let id = seeded.integration.id.description

        let first = try await seeded.store.syncRuns.requestSync(integrationID: id, kind: .full)
        let second = try await seeded.store.syncRuns.requestSync(integrationID: id, kind: .full)
        let delta = try await seeded.store.syncRuns.requestSync(integrationID: id, kind: .delta)
        let queued = try await seeded.store.syncRuns.requestedSyncs(integrationID: id)
        let run = try await seeded.store.syncRuns.startSyncRun(integrationID: id, kind: .full)
        let whileRunning = try await seeded.store.syncRuns.requestSync(integrationID: id, kind: .full)
        var finished = run
        finished.status = .succeeded
        try await seeded.store.syncRuns.finishSyncRun(finished)
        let afterwards = try await seeded.store.syncRuns.requestSync(integrationID: id, kind: .full)

        #expect(first.alreadyQueued == false)
        #expect(second.alreadyQueued && second.syncID == first.syncID)
        #expect(delta.alreadyQueued == false && delta.syncID != first.syncID)
        #expect(Set(queued) == [.full, .delta])
        #expect(run.id == first.syncID)
        #expect(whileRunning.alreadyQueued && whileRunning.syncID == run.id)
        #expect(afterwards.alreadyQueued == false && afterwards.syncID != run.id)
        #expect(Set(try await seeded.store.syncRuns.requestedSyncs(integrationID: id)) == [.full, .delta])
    }

    @Test(
        "custom fields are unique per model and key, and a mapping reaches the read projection",
        arguments: Backend.allCases)
    func customFields(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        _ = try await seeded.store.records.saveJobs(
            sampleJobs(2, integrationID: seeded.integration.id).map { job in
                var job = job
                job.remoteData = ["job": .object(["category": .object(["name": .string("Permanent")])])]
                return job
            }, integrationID: integrationID)
        try await seeded.store.fields.discoverFields(integrationID: integrationID)
        let field = CustomField(
            id: "cf1", workspaceID: seeded.workspace.id, model: "ats_jobs", key: "category", label: nil,
            description: nil)
        var duplicate = field
        duplicate.id = "cf2"

        let created = try await seeded.store.fields.createCustomField(field)
        let again = try await seeded.store.fields.createCustomField(duplicate)
        let fields = try await seeded.store.fields.integrationFields(
            integrationID: integrationID, after: nil, limit: 100)
        let category = try #require(fields.fields.first { $0.key == "job.category.name" })
        let unmapped = try await seeded.store.fields.fieldProjection(
            model: "ats_jobs", integrationID: integrationID, workspaceID: seeded.workspace.id)
        try await seeded.store.fields.mapCustomField("cf1", to: category.id, integrationID: integrationID)
        try await seeded.store.fields.setPassthrough(true, fieldID: category.id, integrationID: integrationID)
        // A second custom field, left unmapped, sorts before the first; another model's is not read.
        _ = try await seeded.store.fields.createCustomField(
            CustomField(
                id: "cf3", workspaceID: seeded.workspace.id, model: "ats_jobs", key: "area", label: nil,
                description: nil))
        _ = try await seeded.store.fields.createCustomField(
            CustomField(
                id: "cf4", workspaceID: seeded.workspace.id, model: "ats_candidates", key: "other", label: nil,
                description: nil))
        let mapped = try await seeded.store.fields.fieldProjection(
            model: "ats_jobs", integrationID: integrationID, workspaceID: seeded.workspace.id)
        let listed = try await seeded.store.fields.integrationFields(
            integrationID: integrationID, after: nil, limit: 100)

        #expect(created && !again)
        #expect(category.setCount == 2 && category.recordCount == 2)
        #expect(unmapped.custom.map(\.key) == ["category"] && unmapped.custom[0].path == nil)
        #expect(mapped.custom.map(\.key) == ["area", "category"])
        #expect(mapped.custom.map(\.path) == [nil, "job.category.name"])
        // The passthrough field whole, as the explorer's listing shows it.
        #expect(mapped.passthrough == listed.fields.filter(\.passthroughEnabled))
        #expect(mapped.passthrough.map(\.id) == [category.id])
        #expect(try await seeded.store.fields.deleteCustomField(id: "cf1", workspaceID: seeded.workspace.id))
        #expect(try await seeded.store.fields.customFieldMappings(integrationID: integrationID).isEmpty)
    }
}
