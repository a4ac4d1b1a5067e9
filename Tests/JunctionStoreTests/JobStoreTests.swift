import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

@Suite("Jobs in the store", .freshDatabases)
struct JobStoreTests {
    @Test("keyset pages cover every job once, in id order", arguments: Backend.allCases)
    func pagesCoverAll(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let jobs = sampleJobs(25, integrationID: seeded.integration.id)
        try await seeded.store.records.saveJobs(jobs, integrationID: seeded.integration.id.description)

        var pages: [[Job]] = []
        var after: String?
        repeat {
            let page = try await seeded.store.records.jobs(
                integrationID: seeded.integration.id.description, after: after, limit: 10)
            pages.append(page.items)
            after = page.nextAfter
        } while after != nil && pages.count < 10

        #expect(pages.map(\.count) == [10, 10, 5])
        #expect(pages.flatMap { $0 }.map(\.id) == jobs.map(\.id).sorted())
        #expect(Set(pages.flatMap { $0 }.map(\.name)) == Set(jobs.map(\.name)))
    }

    @Test("changed_at moves only when a job's content changes", arguments: Backend.allCases)
    func changedAtOnlyOnChange(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        var jobs = sampleJobs(3, integrationID: seeded.integration.id)
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        let t1 = Date(timeIntervalSince1970: 1_700_000_100)
        let t2 = Date(timeIntervalSince1970: 1_700_000_200)

        let inserted = try await seeded.store.records.saveJobs(jobs, integrationID: integrationID, now: t0)
        let repeated = try await seeded.store.records.saveJobs(jobs, integrationID: integrationID, now: t1)
        jobs[1].name = "Renamed"
        let edited = try await seeded.store.records.saveJobs(jobs, integrationID: integrationID, now: t2)
        let stored = try await seeded.store.records.jobs(integrationID: integrationID, limit: 10).items

        #expect(inserted == SaveOutcome(inserted: 3))
        #expect(repeated == SaveOutcome(unchanged: 3))
        #expect(edited == SaveOutcome(changed: 1, unchanged: 2))
        let byRemoteID = Dictionary(uniqueKeysWithValues: stored.map { ($0.remoteID, $0) })
        #expect(byRemoteID["job-1"]?.changedAt == t0)
        #expect(byRemoteID["job-2"]?.changedAt == t2)
        #expect(byRemoteID["job-2"]?.name == "Renamed")
        #expect(byRemoteID["job-3"]?.changedAt == t0)
    }

    @Test(
        "a page of new jobs beside a changed one stores all of them; a page that fails stores none of it",
        arguments: Backend.allCases)
    func newBesideChanged(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        let all = sampleJobs(5, integrationID: seeded.integration.id)
        try await seeded.store.records.saveJobs(Array(all.prefix(3)), integrationID: integrationID)
        var page = Array(all.dropFirst(1))  // job-2 and job-3 stored, job-4 and job-5 new
        page[0].name = "Renamed"
        // A new job whose Personio id is a stored job's: the table's unique index refuses it.
        var clash = sampleJobs(1, integrationID: seeded.integration.id, remotePrefix: "clash-")[0]
        clash.remoteID = "job-1"
        var failing = Array(all.prefix(3))
        failing[2].name = "Renamed too"
        failing.append(clash)

        await #expect(throws: (any Error).self) {
            try await seeded.store.records.saveJobs(failing, integrationID: integrationID)
        }
        let afterFailure = try await seeded.store.records.jobs(integrationID: integrationID, limit: 10).items
        let outcome = try await seeded.store.records.saveJobs(page, integrationID: integrationID)
        let stored = try await seeded.store.records.jobs(integrationID: integrationID, limit: 10).items

        #expect(afterFailure.compactMap(\.name).sorted() == ["Job 1", "Job 2", "Job 3"])
        #expect(outcome == SaveOutcome(inserted: 2, changed: 1, unchanged: 1))
        #expect(stored.map(\.id) == all.map(\.id).sorted())
        #expect(stored.compactMap(\.name).sorted() == ["Job 1", "Job 3", "Job 4", "Job 5", "Renamed"])
    }

    @Test(
        "hashes from an earlier scheme are recomputed, not taken as a change; a real change still counts",
        arguments: Backend.allCases)
    func legacyHashesUpgrade(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        var jobs = sampleJobs(3, integrationID: seeded.integration.id)
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        let t1 = Date(timeIntervalSince1970: 1_700_000_100)
        try await seeded.store.records.saveJobs(jobs, integrationID: integrationID, now: t0)
        // Rows as an earlier release left them: hex digests without the scheme mark, one
        // without a nested hash at all (as before nested hashes existed).
        try await database.sql.raw(
            "UPDATE jobs SET content_hash = 'a3f1', nested_hash = 'b2c4' WHERE integration_id = \(bind: integrationID)"
        ).run()
        try await database.sql.raw(
            "UPDATE jobs SET nested_hash = NULL WHERE id = \(bind: jobs[2].id)"
        ).run()

        jobs[0].name = "Renamed"
        let outcome = try await seeded.store.records.saveJobs(jobs, integrationID: integrationID, now: t1)
        let stored = try await seeded.store.records.jobs(integrationID: integrationID, limit: 10).items
        let hashes = try await database.sql.raw(
            "SELECT content_hash, nested_hash FROM jobs WHERE integration_id = \(bind: integrationID)"
        ).all().map {
            (
                try $0.decode(column: "content_hash", as: String.self),
                try $0.decode(column: "nested_hash", as: String?.self)
            )
        }

        #expect(outcome == SaveOutcome(changed: 1, unchanged: 2))
        let byRemoteID = Dictionary(uniqueKeysWithValues: stored.map { ($0.remoteID, $0) })
        #expect(byRemoteID["job-1"]?.changedAt == t1)
        #expect(byRemoteID["job-2"]?.changedAt == t0)
        #expect(byRemoteID["job-3"]?.changedAt == t0)
        // Every row now carries hashes of the current scheme: 64 hex digits after the mark.
        for (own, nested) in hashes {
            #expect(own.hasPrefix("v2:") && own.count == 67)
            #expect(nested?.hasPrefix("v2:") == true && nested?.count == 67)
        }
    }

    @Test(
        "the stored document is exactly the record's UnifiedJSON encoding, the members a page writes over first",
        arguments: Backend.allCases)
    func storedDocumentIsTheEncoding(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        var job = sampleJobs(1, integrationID: seeded.integration.id)[0]
        job.remoteData = [
            "id": .number(17), "name": .string("Ünïcode \"quoted\" / \n"), "ratio": .number(0.125),
            "tags": .array([.string("b"), .null, .bool(true)]),
            "nested": .object(["z": .number(1), "a": .object([:])]),
        ]

        try await seeded.store.records.saveJobs([job], integrationID: integrationID)
        let stored = try await database.sql.raw(
            "SELECT record FROM jobs WHERE integration_id = \(bind: integrationID)"
        ).first()?.decode(column: "record", as: String.self)

        let encoded = String(decoding: try UnifiedJSON.makeEncoder().encode(job), as: UTF8.self)
        // By hand: the encoder's (sorted) text with the two members the store maintains moved first.
        let maintained = #""changed_at":"1970-01-01T00:00:00.000Z","remote_deleted_at":null"#
        let rest = encoded.replacingOccurrences(of: #","changed_at":"1970-01-01T00:00:00.000Z""#, with: "")
            .replacingOccurrences(of: #","remote_deleted_at":null"#, with: "")
        try #require(rest.count == encoded.count - maintained.count - 1, "both members were found in \(encoded)")
        #expect(stored == "{" + maintained + "," + rest.dropFirst())
    }

    @Test("deleted jobs are hidden unless asked for, and come back when seen again", arguments: Backend.allCases)
    func deletion(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        let jobs = sampleJobs(3, integrationID: seeded.integration.id)
        let deletedAt = Date(timeIntervalSince1970: 1_700_000_000)
        try await seeded.store.records.saveJobs(jobs, integrationID: integrationID)

        try await seeded.store.records.markJobsDeleted(
            ids: [jobs[0].id], integrationID: integrationID, now: deletedAt)
        let visible = try await seeded.store.records.jobs(integrationID: integrationID, limit: 10).items
        let all = try await seeded.store.records.jobs(integrationID: integrationID, limit: 10, includeDeleted: true)
            .items
        let reappeared = try await seeded.store.records.saveJobs([jobs[0]], integrationID: integrationID)
        let afterReappearing = try await seeded.store.records.jobs(integrationID: integrationID, limit: 10).items

        #expect(Set(visible.map(\.id)) == Set([jobs[1].id, jobs[2].id]))
        #expect(all.count == 3)
        #expect(all.first { $0.id == jobs[0].id }?.remoteDeletedAt == deletedAt)
        #expect(reappeared == SaveOutcome(changed: 1))
        #expect(afterReappearing.count == 3)
        #expect(afterReappearing.allSatisfy { $0.remoteDeletedAt == nil })
    }

    @Test("one integration's jobs never appear in another's listing", arguments: Backend.allCases)
    func scopedByIntegration(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let other = Integration(
            id: IntegrationID(tool: .personio), workspaceID: seeded.workspace.id, endUserOrganizationName: "Other")
        try await seeded.store.integrations.createIntegration(other, credentials: Data("{}".utf8))
        try await seeded.store.records.saveJobs(
            sampleJobs(4, integrationID: seeded.integration.id), integrationID: seeded.integration.id.description)
        try await seeded.store.records.saveJobs(
            sampleJobs(2, integrationID: other.id), integrationID: other.id.description)

        let mine = try await seeded.store.records.jobs(integrationID: seeded.integration.id.description, limit: 100)
            .items
        let theirs = try await seeded.store.records.jobs(integrationID: other.id.description, limit: 100).items

        #expect(mine.count == 4)
        #expect(theirs.count == 2)
        #expect(Set(mine.map(\.id)).isDisjoint(with: theirs.map(\.id)))
    }
}
