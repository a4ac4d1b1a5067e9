import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

/// A candidate's `applications` array is kept with it (migration 29) so pages copy it. Every
/// change to what it shows (the application, its job's name, its stage's name, the stage's place
/// in the job's pipeline) must empty it in the change's own transaction, and the next
/// `storeNestedApplications` must keep the new array. The expected arrays are written out here
/// by hand from the records the test saves.
@Suite("Candidates' kept applications", .freshDatabases)
struct KeptApplicationsTests {
    /// One candidate with one application of job "Backend Engineer" at stage "Interview",
    /// second in the job's pipeline.
    struct World {
        let seeded: SeededStore
        var integrationID: String { seeded.integration.id.description }
        var records: RecordRepository { seeded.store.records }
        var job = Job(id: "job-1", remoteID: "j1", changedAt: Date(timeIntervalSince1970: 0))
        var stage = ApplicationStage(id: "stage-1", remoteID: "s1", name: "Interview", status: nil)
        var link = JobStageLink(id: "link-1", jobID: "job-1", stageID: "stage-1", index: 1)
        var candidate = Candidate(id: "cand-1", remoteID: "c1")
        var application = Application(id: "app-1", remoteID: "a1")

        init(_ database: Database, setupStatus: SetupStatus = .completed) async throws {
            seeded = try await SeededStore.make(database, setupStatus: setupStatus)
            job.name = "Backend Engineer"
            candidate.firstName = "Ada"
            application.candidateID = candidate.id
            application.jobID = job.id
            application.currentStageID = stage.id
            application.outcome = "PENDING"
            try await records.saveRecords([job], integrationID: integrationID)
            try await records.saveRecords([stage], integrationID: integrationID)
            try await records.saveRecords([link], integrationID: integrationID)
            try await records.saveRecords([candidate], integrationID: integrationID)
            try await records.saveRecords([application], integrationID: integrationID)
        }

        /// Another application like the world's, as `app-<number>` (remote id `a<number>`).
        func anotherApplication(_ number: Int) -> Application {
            var other = application
            other.id = "app-\(number)"
            other.remoteID = "a\(number)"
            return other
        }

        /// A candidate not stored yet, `cand-<number>` named `firstName`, and their application,
        /// like the world's, as `app-<number>`.
        func newApplicant(_ number: Int, named firstName: String) -> (candidate: Candidate, application: Application) {
            var candidate = Candidate(id: "cand-\(number)", remoteID: "c\(number)")
            candidate.firstName = firstName
            var application = anotherApplication(number)
            application.candidateID = candidate.id
            return (candidate, application)
        }

        /// The candidate's kept array, parsed; nil while it is empty (NULL).
        func kept(_ candidateID: String = "cand-1") async throws -> [[String: JSONValue]]? {
            let row = try await seeded.store.database.sql.raw(
                """
                SELECT nested_applications FROM candidates
                WHERE integration_id = \(bind: integrationID) AND id = \(bind: candidateID)
                """
            ).first()
            guard let text = try row?.decode(column: "nested_applications", as: String?.self) else { return nil }
            guard case .array(let items) = try JSONValue.parse(Array(text.utf8)) else {
                Issue.record("not an array: \(text)")
                return nil
            }
            return items.map { item in
                guard case .object(let members) = item else { return [:] }
                return members
            }
        }

        /// Composes and keeps, then returns the candidate's array.
        func refreshed(_ candidateID: String = "cand-1") async throws -> [[String: JSONValue]]? {
            try await records.storeNestedApplications(integrationID: integrationID)
            return try await kept(candidateID)
        }
    }

    static func stage(_ item: [String: JSONValue]?) -> [String: JSONValue]? {
        if case .object(let stage) = item?["current_stage"] { stage } else { nil }
    }

    static func job(_ item: [String: JSONValue]?) -> [String: JSONValue]? {
        if case .object(let job) = item?["job"] { job } else { nil }
    }

    @Test(
        "a sync's pass keeps what a page shows, and each change empties it until the next pass",
        arguments: Backend.allCases)
    func changes(backend: Backend) async throws {
        var world = try await World(try await FreshDatabases.open(backend))
        let integrationID = world.integrationID

        // Kept after the pass, as written out here.
        let first = try await world.refreshed()
        #expect(first?.count == 1)
        #expect(first?.first?["id"] == .string("app-1"))
        #expect(first?.first?["outcome"] == .string("PENDING"))
        #expect(
            Self.stage(first?.first) == [
                "id": .string("stage-1"), "remote_id": .string("s1"), "name": .string("Interview"), "index": .number(1),
            ])
        #expect(
            Self.job(first?.first) == [
                "id": .string("job-1"), "name": .string("Backend Engineer"), "remote_id": .string("j1"),
            ])

        // The candidate's own change leaves it kept: the array does not show the candidate.
        world.candidate.firstName = "Ada B."
        try await world.records.saveRecords([world.candidate], integrationID: integrationID)
        #expect(try await world.kept() == first)

        // The job renamed.
        world.job.name = "Staff Engineer"
        try await world.records.saveRecords([world.job], integrationID: integrationID)
        #expect(try await world.kept() == nil)
        #expect(Self.job(try await world.refreshed().flatMap(\.first))?["name"] == .string("Staff Engineer"))

        // The stage renamed.
        world.stage.name = "Final interview"
        try await world.records.saveRecords([world.stage], integrationID: integrationID)
        #expect(try await world.kept() == nil)
        #expect(Self.stage(try await world.refreshed().flatMap(\.first))?["name"] == .string("Final interview"))

        // The stage moved in the job's pipeline.
        world.link.index = 3
        try await world.records.saveRecords([world.link], integrationID: integrationID)
        #expect(try await world.kept() == nil)
        #expect(Self.stage(try await world.refreshed().flatMap(\.first))?["index"] == .number(3))

        // The stage gone from the pipeline (a run that did not see the link).
        _ = try await world.records.markChildrenUnseen(
            JobStageLink.self, parentIDs: [world.job.id], byRun: "run-without-link", integrationID: integrationID)
        #expect(try await world.kept() == nil)
        #expect(Self.stage(try await world.refreshed().flatMap(\.first))?["index"] == .null)

        // The application moved to a new stage.
        let next = ApplicationStage(id: "stage-2", remoteID: "s2", name: "Offer", status: nil)
        try await world.records.saveRecords([next], integrationID: integrationID)
        world.application.currentStageID = next.id
        try await world.records.saveRecords([world.application], integrationID: integrationID)
        #expect(try await world.kept() == nil)
        #expect(Self.stage(try await world.refreshed().flatMap(\.first))?["name"] == .string("Offer"))

        // The application moved to another candidate: both arrays change.
        let other = Candidate(id: "cand-2", remoteID: "c2")
        try await world.records.saveRecords([other], integrationID: integrationID)
        #expect(try await world.refreshed("cand-2") == [])
        world.application.candidateID = other.id
        try await world.records.saveRecords([world.application], integrationID: integrationID)
        #expect(try await world.kept("cand-1") == nil)
        #expect(try await world.kept("cand-2") == nil)
        #expect(try await world.refreshed("cand-1") == [])
        #expect(try await world.kept("cand-2")?.map { $0["id"] } == [.string("app-1")])

        // The application deleted upstream.
        _ = try await world.records.markRecordsUnseen(
            Application.self, byRun: "run-without-application", integrationID: integrationID)
        #expect(try await world.kept("cand-2") == nil)
        #expect(try await world.refreshed("cand-2") == [])
    }

    /// A write saves the application it created and its candidate in one transaction: the
    /// candidate's `updated_at` moves and its array shows the new application, whether the
    /// candidate's own save writes it (a new candidate) or leaves it as it was (one who applied
    /// before, read back unchanged).
    @Test("a created application reaches its candidate, new or stored already", arguments: Backend.allCases)
    func createdApplication(backend: Backend) async throws {
        let world = try await World(try await FreshDatabases.open(backend))
        let integrationID = world.integrationID
        let second = world.anotherApplication(2)
        let secondCreated = Date(timeIntervalSince1970: 5_000)
        let (newcomer, third) = world.newApplicant(3, named: "Grace")
        let thirdCreated = Date(timeIntervalSince1970: 6_000)

        _ = try await world.records.saveCreated(
            application: second, candidate: world.candidate, integrationID: integrationID, now: secondCreated)
        _ = try await world.records.saveCreated(
            application: third, candidate: newcomer, integrationID: integrationID, now: thirdCreated)

        #expect(try await world.updatedAt("cand-1", table: "candidates") == secondCreated)
        let shown = try await world.refreshed("cand-1")?.compactMap { $0["id"] } ?? []
        #expect(shown.count == 2 && shown.contains(.string("app-1")) && shown.contains(.string("app-2")), "\(shown)")
        #expect(try await world.updatedAt("cand-3", table: "candidates") == thirdCreated)
        #expect(try await world.kept("cand-3")?.compactMap { $0["id"] } == [.string("app-3")])
    }

    /// A write's candidate takes the source of its latest live application that names one (by
    /// remote creation, then remote id by length, then as text), the application being written
    /// included; `saveCreated` orders that application among the stored ones in the same
    /// statement that reads them. Each expected source is worked out by hand from that rule.
    @Test(
        "a write's candidate takes its latest application's source, the written one ordered among them",
        arguments: Backend.allCases)
    func createdApplicationSource(backend: Backend) async throws {
        var world = try await World(try await FreshDatabases.open(backend))
        let integrationID = world.integrationID
        // Stored: app-1 ("a1", no creation time) from a job board; app-9 ("a9", created at 2,000)
        // from a referral, deleted upstream.
        world.application.source = "Job board"
        try await world.records.saveRecords([world.application], integrationID: integrationID)
        var deleted = world.anotherApplication(9)
        deleted.source = "Referral"
        deleted.remoteCreatedAt = Date(timeIntervalSince1970: 2)
        try await world.records.saveRecords([deleted], integrationID: integrationID)
        _ = try await world.records.markRecordsUnseen(
            Application.self, byRun: "run-seeing-nothing", integrationID: integrationID, keeping: ["a1"])
        func write(_ number: Int, remoteID: String, source: String?, created: Double?) async throws -> String? {
            var application = world.anotherApplication(number)
            application.remoteID = remoteID
            application.source = source
            application.remoteCreatedAt = created.map { Date(timeIntervalSince1970: $0) }
            return try await world.records.saveCreated(
                application: application, candidate: world.candidate, integrationID: integrationID
            ).source
        }

        // "a10" after "a1" (same time, longer id): its source wins.
        let first = try await write(10, remoteID: "a10", source: "Website", created: nil)
        // "a2" before "a10" (shorter id): "a10" stays the latest.
        let second = try await write(2, remoteID: "a2", source: "Agency", created: nil)
        // Created later than every live one, but names no source: "a10" still.
        let third = try await write(3, remoteID: "a3", source: nil, created: 1)
        // Created at 1.5 s, before the deleted "a9" (which does not count): its source wins.
        let fourth = try await write(4, remoteID: "a4", source: "Career site", created: 1.5)

        #expect(first == "Website")
        #expect(second == "Website")
        #expect(third == "Website")
        #expect(fourth == "Career site")
    }

    @Test("an array composed before a change is not kept after it", arguments: Backend.allCases)
    func composedBeforeAChange(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        var world = try await World(database)
        let integrationID = world.integrationID
        let stamp = try await database.sql.raw(
            "SELECT nested_stamp FROM candidates WHERE id = 'cand-1'"
        ).first()!.decode(column: "nested_stamp", as: Int64.self)
        let composed = try await NestedComposer(reader: world.records).applicationLists(
            of: ["cand-1"], integrationID: integrationID)

        world.application.outcome = "DECLINED"
        try await world.records.saveRecords([world.application], integrationID: integrationID)
        let stored = try await world.records.keepComposed(
            Candidate.self, [(id: "cand-1", stamp: stamp, list: composed["cand-1"]!)], integrationID: integrationID)

        #expect(stored == 0)
        #expect(try await world.kept() == nil)
        #expect(try await world.refreshed()?.first?["outcome"] == .string("DECLINED"))
    }

    /// On PostgreSQL a save and a change elsewhere can interleave: the save reads the candidate's
    /// stamp, another transaction empties the array (and holds the row), the save composes what
    /// it saw and writes. The save waits for the other's commit and then must leave the array
    /// empty, not store what it composed before that change. (On SQLite one writer at a time
    /// rules this out.)
    @Test("a candidate saved while another transaction empties its array leaves it empty")
    func saveBesideAChange() async throws {
        let database = try await FreshDatabases.open(.postgres)
        var world = try await World(database)
        let integrationID = world.integrationID
        #expect(try await world.refreshed()?.count == 1)
        world.candidate.firstName = "Ada C."
        let records = world.records
        let candidate = world.candidate

        try await database.sql.withSession { other in
            try await other.raw("BEGIN").run()
            // What an application's write does to its candidate, not yet committed.
            try await other.raw(
                """
                UPDATE candidates SET nested_applications = NULL, nested_stamp = nested_stamp + 1
                WHERE integration_id = \(bind: integrationID) AND id = 'cand-1'
                """
            ).run()
            let save = Task { try await records.saveRecords([candidate], integrationID: integrationID) }
            // Until the save waits for this transaction's lock on the candidate's row.
            let waiting = try await waitForALock(database)
            try await other.raw("COMMIT").run()
            _ = try await save.value
            #expect(waiting, "the save never waited for the other transaction")
        }

        #expect(try await world.kept() == nil)
        #expect(try await world.refreshed()?.count == 1)
    }
}
