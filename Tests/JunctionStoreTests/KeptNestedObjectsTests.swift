import Foundation
import JunctionModel
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// An application's `candidate`, `current_stage` and `job` are kept with it (migration 30) so
/// pages copy them. The application's own save, and every change to what they show (its
/// candidate, its job's name, its stage, the stage's place in the job's pipeline), must empty
/// them in the change's own transaction, and the next `storeNestedObjects` must keep the new
/// ones. The expected objects are written out here by hand from the records the test saves.
@Suite("Applications' kept nested objects", .freshDatabases)
struct KeptNestedObjectsTests {
    typealias World = KeptApplicationsTests.World

    @Test("a page copies a kept object's members as one run only when it starts as the store writes it")
    func objectMembers() throws {
        let kept = KeptMembers.applications
        func run(_ text: String) -> String? {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes { bytes in
                kept.objectMembers(in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
            }
        }

        #expect(
            run(#"{"candidate":{"id":"c"},"current_stage":null,"job":null}"#)
                == #""candidate":{"id":"c"},"current_stage":null,"job":null"#)
        #expect(run(#"{"job":null,"candidate":{"id":"c"},"current_stage":null}"#) == nil)
        #expect(run(#"{"candidates":{"id":"c"},"current_stage":null,"job":null}"#) == nil)
        #expect(run(#"{"candidate":{"id":"c"},"current_stage":null,"job":null"#) == nil)
        #expect(run(#" {"candidate":null}"#) == nil)
        #expect(run("{}") == nil)
        #expect(KeptMembers.candidates.objectMembers(in: UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
    }

    @Test("a kept object read member by member is in the page's order, and one lacking a member is an error")
    func keptMembersInOrder() throws {
        let members = try KeptMembers.applications.members(
            of: Array(#"{"job":{"id":"j"},"candidate":null,"current_stage":{"id":"s"}}"#.utf8))

        #expect(members.map(\.key) == ["candidate", "current_stage", "job"])
        #expect(members.map { String(decoding: $0.value, as: UTF8.self) } == ["null", #"{"id":"s"}"#, #"{"id":"j"}"#])
        #expect(throws: StoreError.self) {
            try KeptMembers.applications.members(of: Array(#"{"candidate":null,"job":null}"#.utf8))
        }
        #expect(try KeptMembers.candidates.members(of: Array("[]".utf8)).map(\.key) == ["applications"])
    }

    @Test(
        "a sync's pass keeps what a page shows, and each change empties it until the next pass",
        arguments: Backend.allCases)
    func changes(backend: Backend) async throws {
        var world = try await World(try await FreshDatabases.open(backend))
        let integrationID = world.integrationID
        let records = world.records

        // The application's save leaves them to the pass.
        #expect(try await world.keptObjects() == nil)
        let first = try #require(try await world.refreshedObjects())
        #expect(Set(first.keys) == ["candidate", "current_stage", "job"])
        let candidate = try #require(Self.object(first["candidate"]))
        #expect(
            Set(candidate.keys) == [
                "id", "remote_id", "first_name", "last_name", "source", "remote_url", "tags", "email_addresses",
                "phone_numbers", "social_media",
            ])
        #expect(candidate["id"] == .string("cand-1"))
        #expect(candidate["first_name"] == .string("Ada"))
        let stage = try #require(Self.object(first["current_stage"]))
        #expect(Set(stage.keys) == ["id", "remote_id", "name", "index", "status", "custom_fields"])
        #expect(stage["name"] == .string("Interview"))
        #expect(stage["index"] == .number(1))
        #expect(
            Self.object(first["job"]) == [
                "id": .string("job-1"), "name": .string("Backend Engineer"), "remote_id": .string("j1"),
            ])

        // The candidate renamed.
        world.candidate.firstName = "Ada B."
        try await records.saveRecords([world.candidate], integrationID: integrationID)
        #expect(try await world.keptObjects() == nil)
        #expect(Self.member(try await world.refreshedObjects(), "candidate")?["first_name"] == .string("Ada B."))

        // The job renamed.
        world.job.name = "Staff Engineer"
        try await records.saveRecords([world.job], integrationID: integrationID)
        #expect(try await world.keptObjects() == nil)
        #expect(Self.member(try await world.refreshedObjects(), "job")?["name"] == .string("Staff Engineer"))

        // The stage renamed.
        world.stage.name = "Final interview"
        try await records.saveRecords([world.stage], integrationID: integrationID)
        #expect(try await world.keptObjects() == nil)
        #expect(
            Self.member(try await world.refreshedObjects(), "current_stage")?["name"] == .string("Final interview"))

        // The stage moved in the job's pipeline.
        world.link.index = 3
        try await records.saveRecords([world.link], integrationID: integrationID)
        #expect(try await world.keptObjects() == nil)
        #expect(Self.member(try await world.refreshedObjects(), "current_stage")?["index"] == .number(3))

        // The stage gone from the pipeline (a run that did not see the link).
        _ = try await records.markChildrenUnseen(
            JobStageLink.self, parentIDs: [world.job.id], byRun: "run-without-link", integrationID: integrationID)
        #expect(try await world.keptObjects() == nil)
        #expect(Self.member(try await world.refreshedObjects(), "current_stage")?["index"] == .null)

        // The application moved to a new stage.
        let next = ApplicationStage(id: "stage-2", remoteID: "s2", name: "Offer", status: nil)
        try await records.saveRecords([next], integrationID: integrationID)
        world.application.currentStageID = next.id
        try await records.saveRecords([world.application], integrationID: integrationID)
        #expect(try await world.keptObjects() == nil)
        #expect(Self.member(try await world.refreshedObjects(), "current_stage")?["name"] == .string("Offer"))

        // The application moved to another candidate.
        var other = Candidate(id: "cand-2", remoteID: "c2")
        other.firstName = "Grace"
        try await records.saveRecords([other], integrationID: integrationID)
        world.application.candidateID = other.id
        try await records.saveRecords([world.application], integrationID: integrationID)
        #expect(try await world.keptObjects() == nil)
        #expect(Self.member(try await world.refreshedObjects(), "candidate")?["first_name"] == .string("Grace"))

        // Its former candidate's change leaves it kept.
        world.candidate.firstName = "Ada C."
        try await records.saveRecords([world.candidate], integrationID: integrationID)
        #expect(Self.member(try await world.keptObjects(), "candidate")?["first_name"] == .string("Grace"))

        // Its candidate deleted upstream: still shown, composed again.
        _ = try await records.markRecordsUnseen(
            Candidate.self, byRun: "run-without-candidates", integrationID: integrationID)
        #expect(try await world.keptObjects() == nil)
        #expect(Self.member(try await world.refreshedObjects(), "candidate")?["id"] == .string("cand-2"))
    }

    /// Until an integration's first sync has completed nothing of it has been served, so a
    /// candidate's save leaves alone the applications that keep no objects (a FULL saves every
    /// candidate after its applications: this is one write of each application fewer), and still
    /// empties, and moves, those that keep some. Once the sync has completed, every application
    /// of a changed candidate moves again.
    @Test(
        "before the first sync completes, a candidate's save writes only the applications keeping objects",
        arguments: Backend.allCases)
    func firstSync(backend: Backend) async throws {
        var world = try await World(try await FreshDatabases.open(backend), setupStatus: .finalSyncPending)
        let integrationID = world.integrationID
        let records = world.records
        _ = try await world.refreshedObjects()
        var second = world.anotherApplication(2)
        let secondSaved = Date(timeIntervalSince1970: 1_000)
        try await records.saveRecords([second], integrationID: integrationID, now: secondSaved)
        #expect(try await world.keptObjects("app-1") != nil)
        #expect(try await world.keptObjects("app-2") == nil)

        world.candidate.firstName = "Ada B."
        let renamed = Date(timeIntervalSince1970: 2_000)
        try await records.saveRecords([world.candidate], integrationID: integrationID, now: renamed)

        #expect(try await world.keptObjects("app-1") == nil)
        #expect(try await world.updatedAt("app-1") == renamed)
        #expect(try await world.updatedAt("app-2") == secondSaved)
        for id in ["app-1", "app-2"] {
            #expect(Self.member(try await world.refreshedObjects(id), "candidate")?["first_name"] == .string("Ada B."))
        }

        // Completed: a change moves every application of the candidate, kept objects or not.
        try await world.seeded.store.integrations.setSetupStatus(
            .completed, integrationID: integrationID, workspaceID: world.seeded.workspace.id)
        second.outcome = "HIRED"
        try await records.saveRecords([second], integrationID: integrationID, now: Date(timeIntervalSince1970: 2_500))
        #expect(try await world.keptObjects("app-2") == nil)
        world.candidate.firstName = "Ada C."
        let renamedAgain = Date(timeIntervalSince1970: 3_000)
        try await records.saveRecords([world.candidate], integrationID: integrationID, now: renamedAgain)

        #expect(try await world.updatedAt("app-1") == renamedAgain)
        #expect(try await world.updatedAt("app-2") == renamedAgain)
    }

    /// A write saves the application it created and its candidate together, and leaves out the
    /// candidate's statement towards its applications when the one just written is its only
    /// one. A candidate read back changed still reaches every other application: one stored with
    /// it, and one stored before the candidate was (a sync can store applications first).
    @Test(
        "a write's changed candidate reaches its other applications, and a new applicant's is written once",
        arguments: Backend.allCases)
    func createdApplication(backend: Backend) async throws {
        let world = try await World(try await FreshDatabases.open(backend))
        let integrationID = world.integrationID
        let records = world.records
        var early = world.anotherApplication(4)
        early.candidateID = "cand-3"
        try await records.saveRecords([early], integrationID: integrationID, now: Date(timeIntervalSince1970: 500))
        _ = try await world.refreshedObjects()
        var renamed = world.candidate
        renamed.firstName = "Ada B."
        let secondWritten = Date(timeIntervalSince1970: 1_000)
        let (newcomer, third) = world.newApplicant(3, named: "Grace")
        let thirdWritten = Date(timeIntervalSince1970: 2_000)
        let (applicant, fifth) = world.newApplicant(5, named: "Lin")
        let fifthWritten = Date(timeIntervalSince1970: 3_000)

        _ = try await records.saveCreated(
            application: world.anotherApplication(2), candidate: renamed, integrationID: integrationID,
            now: secondWritten)
        _ = try await records.saveCreated(
            application: third, candidate: newcomer, integrationID: integrationID, now: thirdWritten)
        _ = try await records.saveCreated(
            application: fifth, candidate: applicant, integrationID: integrationID, now: fifthWritten)

        #expect(try await world.keptObjects("app-1") == nil)
        #expect(try await world.updatedAt("app-1") == secondWritten)
        #expect(try await world.updatedAt("app-2") == secondWritten)
        #expect(try await world.updatedAt("app-4") == thirdWritten)
        #expect(try await world.updatedAt("app-3") == thirdWritten)
        #expect(try await world.updatedAt("app-5") == fifthWritten)
        // Inserted with stamp 0; each statement that empties its objects moves the stamp.
        #expect(try await world.stamp("app-5") == 0)
        for (id, name) in [
            ("app-1", "Ada B."), ("app-2", "Ada B."), ("app-3", "Grace"), ("app-4", "Grace"), ("app-5", "Lin"),
        ] {
            #expect(
                Self.member(try await world.refreshedObjects(id), "candidate")?["first_name"] == .string(name), "\(id)")
        }
    }

    @Test("objects composed before a change are not kept after it", arguments: Backend.allCases)
    func composedBeforeAChange(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        var world = try await World(database)
        let integrationID = world.integrationID
        _ = try await world.refreshedObjects()
        let stored = try await database.sql.raw(
            "SELECT nested_objects, nested_stamp FROM applications WHERE id = 'app-1'"
        ).first()!
        let stamp = try stored.decode(column: "nested_stamp", as: Int64.self)
        let composed = Array(try stored.decode(column: "nested_objects", as: String.self).utf8)

        world.job.name = "Staff Engineer"
        try await world.records.saveRecords([world.job], integrationID: integrationID)
        let kept = try await world.records.keepComposed(
            Application.self, [(id: "app-1", stamp: stamp, list: composed)], integrationID: integrationID)

        #expect(kept == 0)
        #expect(try await world.keptObjects() == nil)
        #expect(Self.member(try await world.refreshedObjects(), "job")?["name"] == .string("Staff Engineer"))
    }

    /// On PostgreSQL a pass and a change can interleave: the pass reads the stamp and composes,
    /// another transaction empties the objects (and holds the row), the pass's `UPDATE` waits for
    /// its commit. Then the pass must find the stamp moved and keep nothing.
    @Test("objects a pass composed are refused when another transaction empties them while it waits")
    func passBesideAChange() async throws {
        let database = try await FreshDatabases.open(.postgres)
        let world = try await World(database)
        let integrationID = world.integrationID
        let composed = try #require(try await world.refreshedObjects())
        let stamp = try await world.stamp()
        let bytes = try #require(try await world.keptObjectsText()).utf8
        let records = world.records

        let kept = try await database.sql.withSession { other in
            try await other.raw("BEGIN").run()
            // What a job's change does to its applications, not yet committed.
            try await other.raw(
                """
                UPDATE applications SET nested_objects = NULL, nested_stamp = nested_stamp + 1
                WHERE integration_id = \(bind: integrationID) AND id = 'app-1'
                """
            ).run()
            let pass = Task {
                try await records.keepComposed(
                    Application.self, [(id: "app-1", stamp: stamp, list: Array(bytes))], integrationID: integrationID)
            }
            let waiting = try await waitForALock(database)
            try await other.raw("COMMIT").run()
            #expect(waiting, "the pass never waited for the other transaction")
            return try await pass.value
        }

        #expect(composed["job"] != nil)
        #expect(kept == 0)
        #expect(try await world.keptObjects() == nil)
    }

    @Test(
        "a candidates page's save composes its new candidates' applications' objects as the pass does, and no one else's",
        arguments: Backend.allCases)
    func savedCandidatesPage(backend: Backend) async throws {
        // A first sync: a FULL saves applications before their candidates.
        let world = try await World(try await FreshDatabases.open(backend), setupStatus: .incomplete)
        let records = world.records
        let sql = world.seeded.store.database.sql
        let integrationID = world.integrationID
        let grace = world.newApplicant(2, named: "Grace")
        let alan = world.newApplicant(3, named: "Alan")
        var gracesOld = world.anotherApplication(4)
        gracesOld.candidateID = grace.candidate.id
        try await records.saveRecords(
            [grace.application, alan.application, gracesOld], integrationID: integrationID)
        try await sql.raw("UPDATE applications SET remote_deleted_at = 1 WHERE id = 'app-4'").run()

        // The page of cand-1 (stored already, unchanged) and cand-2; cand-3 is on a later one.
        let page = try RecordRepository.preparedPage([world.candidate, grace.candidate])
        let (outcome, objects) = try await records.savePreparedCandidates(page, integrationID: integrationID)
        let kept = try await records.keepComposed(Application.self, objects, integrationID: integrationID)

        #expect(outcome.inserted == 1 && outcome.unchanged == 1)
        #expect(objects.map(\.id) == ["app-2", "app-4"], "the new candidate's, deleted or not")
        #expect(kept == 2)
        let graces = try #require(try await world.keptObjects("app-2"))
        #expect(Self.member(graces, "candidate")?["id"] == .string("cand-2"))
        #expect(Self.member(graces, "candidate")?["first_name"] == .string("Grace"))
        #expect(Self.member(graces, "current_stage")?["name"] == .string("Interview"))
        #expect(Self.member(graces, "job")?["name"] == .string("Backend Engineer"))
        #expect(try await world.kept("cand-2")?.map { $0["id"] } == [.string("app-2")], "the live one listed")
        #expect(try await world.keptObjects("app-1") == nil, "cand-1 unchanged: the pass's")
        #expect(try await world.keptObjects("app-3") == nil, "cand-3 was not on the page")

        // What the pass composes from the tables once the save is committed, byte for byte.
        let fromSave = [try await world.keptObjectsText("app-2"), try await world.keptObjectsText("app-4")]
        try await sql.raw(
            "UPDATE applications SET nested_objects = NULL, nested_stamp = nested_stamp + 1 WHERE id IN ('app-2', 'app-4')"
        ).run()
        // Emptied behind the store's back, so read by a pass over the whole table.
        #expect(try await records.storeNestedObjects(integrationID: integrationID, scanning: true) == 4)
        #expect(fromSave == [try await world.keptObjectsText("app-2"), try await world.keptObjectsText("app-4")])
    }

    @Test(
        "once the first sync is complete, a candidates page's objects are kept past the save's own emptying, not past another's",
        arguments: Backend.allCases)
    func savedCandidatesPageAfterSetup(backend: Backend) async throws {
        var world = try await World(try await FreshDatabases.open(backend), setupStatus: .completed)
        let records = world.records
        let grace = world.newApplicant(2, named: "Grace")
        try await records.saveRecords([grace.application], integrationID: world.integrationID)
        let stampBefore = try await world.stamp("app-2")

        let page = try RecordRepository.preparedPage([grace.candidate])
        let (_, objects) = try await records.savePreparedCandidates(page, integrationID: world.integrationID)
        let kept = try await records.keepComposed(Application.self, objects, integrationID: world.integrationID)

        // The candidate's save moved the stamp once (its applications' `updated_after`).
        #expect(try await world.stamp("app-2") == stampBefore + 1)
        #expect(objects.map(\.id) == ["app-2"] && objects.first?.stamp == stampBefore + 1)
        #expect(kept == 1)
        #expect(Self.member(try await world.keptObjects("app-2"), "candidate")?["first_name"] == .string("Grace"))

        // Composed from a save, then the job renamed by someone else: refused, the pass's.
        world.candidate.firstName = "Ada B."
        let (_, adas) = try await records.savePreparedCandidates(
            try RecordRepository.preparedPage([world.candidate]), integrationID: world.integrationID)
        world.job.name = "Staff Engineer"
        try await records.saveRecords([world.job], integrationID: world.integrationID)

        #expect(adas.map(\.id) == ["app-1"])
        #expect(try await records.keepComposed(Application.self, adas, integrationID: world.integrationID) == 0)
        let adasObjects = try await world.refreshedObjects("app-1")
        #expect(Self.member(adasObjects, "job")?["name"] == .string("Staff Engineer"))
        #expect(Self.member(adasObjects, "candidate")?["first_name"] == .string("Ada B."))
    }

    @Test("a candidates page's keep that PostgreSQL ends to break a deadlock runs again and keeps its objects")
    func keepAfterDeadlock() async throws {
        var world = try await World(try await FreshDatabases.open(.postgres), setupStatus: .incomplete)
        let records = world.records
        let grace = world.newApplicant(2, named: "Grace")
        try await records.saveRecords([grace.application], integrationID: world.integrationID)
        world.candidate.firstName = "Ada B."
        let page = try RecordRepository.preparedPage([world.candidate, grace.candidate])
        let (_, objects) = try await records.savePreparedCandidates(page, integrationID: world.integrationID)
        let sql = world.seeded.store.database.sql
        let integration = world.integrationID
        // PostgreSQL checks a waiting transaction for a deadlock once, `deadlock_timeout` after it
        // starts to wait. The keep waits first, so its one check must come after the other
        // transaction closes the cycle, which on a loaded machine took longer than the default
        // second (a fresh-clone CI saw the keep's check find no cycle, and the other's end it
        // instead). The keep runs on a pool of its own, opened after its database's setting
        // gives new sessions 4 s; the other session waits 60 s, so the keep's check is the one
        // that finds the cycle.
        let name = try #require(
            try await sql.raw("SELECT current_database() AS name").first()?.decode(column: "name", as: String.self))
        try await sql.raw("ALTER DATABASE \(ident: name) SET deadlock_timeout = '4s'").run()
        let keepDatabase = try await Database.open(world.seeded.store.database.location, logger: quietLogger)
        let keepRecords = Store(database: keepDatabase, secrets: randomSecretBox()).records

        // Another transaction holds app-2; the keep locks app-1 (its rows go in id order) and
        // waits for app-2; the other then asks for app-1. Its update can return before it
        // commits only once PostgreSQL has ended the keep's first attempt.
        let (kept, heldByKeep) = try await sql.withSession { other in
            try await other.raw("BEGIN").run()
            try await other.raw("SET LOCAL deadlock_timeout = '60s'").run()
            try await other.raw(
                "SELECT id FROM applications WHERE integration_id = \(bind: integration) AND id = 'app-2' FOR UPDATE"
            ).run()
            let keep = Task {
                try await keepRecords.keepComposed(Application.self, objects, integrationID: integration)
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                let waiting = try await sql.raw(
                    """
                    SELECT count(*) AS n FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE%'
                    """
                ).first()?.decode(column: "n", as: Int.self)
                if waiting == 1 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            // The deadlock needs the waiting keep to hold app-1 already: a lock on it now is
            // refused (SQLSTATE 55P03) rather than waited for.
            var heldByKeep = false
            do {
                try await sql.raw(
                    """
                    SELECT id FROM applications
                    WHERE integration_id = \(bind: integration) AND id = 'app-1' FOR UPDATE NOWAIT
                    """
                ).run()
            } catch {
                heldByKeep = StoreError.describe(error).contains("SQLSTATE 55P03")
            }
            try await other.raw(
                """
                UPDATE applications SET nested_stamp = nested_stamp
                WHERE integration_id = \(bind: integration) AND id = 'app-1'
                """
            ).run()
            try await other.raw("COMMIT").run()
            return (try await keep.value, heldByKeep)
        }
        try await keepDatabase.close()

        #expect(heldByKeep, "the keep held app-1 while it waited, so the two transactions deadlocked")
        #expect(objects.map(\.id) == ["app-1", "app-2"])
        #expect(kept == 2)
        #expect(Self.member(try await world.keptObjects("app-1"), "candidate")?["first_name"] == .string("Ada B."))
        #expect(Self.member(try await world.keptObjects("app-2"), "candidate")?["first_name"] == .string("Grace"))
    }

    @Test(
        "a pass in small batches keeps every application, saved in an order unlike their ids'",
        arguments: Backend.allCases)
    func batches(backend: Backend) async throws {
        let world = try await World(try await FreshDatabases.open(backend))
        let records = world.records
        // Saved one by one, highest id first: SQLite's rows lie against the ids' order.
        let names = ["Grace", "Alan", "Barbara", "Edsger", "Frances", "Donald"]
        let applicants = names.enumerated().map { index, name in world.newApplicant(index + 2, named: name) }
        for applicant in applicants.reversed() {
            try await records.saveRecords([applicant.application], integrationID: world.integrationID)
        }
        try await records.saveRecords(applicants.map(\.candidate), integrationID: world.integrationID)

        let kept = try await records.storeNestedObjects(integrationID: world.integrationID, batch: 2)

        #expect(kept == 7, "app-1 and the six, over four batches")
        for (index, name) in names.enumerated() {
            let objects = try await world.keptObjects("app-\(index + 2)")
            #expect(Self.member(objects, "candidate")?["first_name"] == .string(name), "app-\(index + 2)")
        }
        #expect(Self.member(try await world.keptObjects("app-1"), "candidate")?["first_name"] == .string("Ada"))
        #expect(try await records.storeNestedObjects(integrationID: world.integrationID, batch: 2) == 0)
    }

    /// On SQLite the pass walks rows in the table's order through its partial index (migration
    /// 33): the plan reads the index from the position on, and sorts nothing.
    @Test("on SQLite the pass reads its batches from the partial index in row order, without sorting")
    func rowOrder() async throws {
        let world = try await World(try await FreshDatabases.open(.sqlite))
        let sql = world.seeded.store.database.sql
        for (table, column) in [("applications", "nested_objects"), ("candidates", "nested_applications")] {
            let batch = RecordRepository.missingBatch(
                table: table, column: column, integrationID: world.integrationID, after: .row(0), batch: 500)

            let plan = try await sql.raw("EXPLAIN QUERY PLAN \(batch)").all().map {
                try $0.decode(column: "detail", as: String.self)
            }

            #expect(plan == ["SEARCH \(table) USING INDEX \(table)_nested_missing (integration_id=? AND rowid>?)"])
        }
    }

    @Test("on SQLite a walk in the table's order keeps applications as far as their candidates are stored")
    func rowWalk() async throws {
        let world = try await World(try await FreshDatabases.open(.sqlite))
        let records = world.records
        // As a FULL stores them: applications first, in listing order; then their candidates.
        let applicants = [
            world.newApplicant(2, named: "Grace"), world.newApplicant(3, named: "Alan"),
            world.newApplicant(4, named: "Barbara"), world.newApplicant(5, named: "Edsger"),
        ]
        for applicant in applicants {
            try await records.saveRecords([applicant.application], integrationID: world.integrationID)
        }
        // app-1 (the world's, saved first, its candidate stored) and Grace's and Alan's candidates.
        try await records.saveRecords(
            [applicants[0].candidate, applicants[1].candidate], integrationID: world.integrationID)
        try await records.saveRecords([applicants[3].candidate], integrationID: world.integrationID)

        // Barbara's candidate is not stored: the walk stops before app-4, though app-5's is.
        let first = try await records.storeNestedObjectsInRowOrder(
            integrationID: world.integrationID, after: 0, limit: 10)
        #expect(first.kept == 3)
        #expect(Self.member(try await world.keptObjects("app-1"), "candidate")?["first_name"] == .string("Ada"))
        #expect(Self.member(try await world.keptObjects("app-2"), "candidate")?["first_name"] == .string("Grace"))
        #expect(Self.member(try await world.keptObjects("app-3"), "candidate")?["first_name"] == .string("Alan"))
        #expect(try await world.keptObjects("app-4") == nil)
        #expect(try await world.keptObjects("app-5") == nil)
        // Nothing more until her candidate is stored; then from where it stopped, `limit` at a time.
        let stalled = try await records.storeNestedObjectsInRowOrder(
            integrationID: world.integrationID, after: first.position, limit: 10)
        #expect(stalled.kept == 0 && stalled.position == first.position)
        try await records.saveRecords([applicants[2].candidate], integrationID: world.integrationID)
        let second = try await records.storeNestedObjectsInRowOrder(
            integrationID: world.integrationID, after: first.position, limit: 1)
        #expect(second.kept == 1)
        #expect(
            Self.member(try await world.keptObjects("app-4"), "candidate")?["first_name"] == .string("Barbara"))
        #expect(try await world.keptObjects("app-5") == nil, "beyond the limit")
        let third = try await records.storeNestedObjectsInRowOrder(
            integrationID: world.integrationID, after: second.position, limit: 10)
        #expect(third.kept == 1)
        #expect(Self.member(try await world.keptObjects("app-5"), "candidate")?["first_name"] == .string("Edsger"))
        #expect(try await records.storeNestedObjects(integrationID: world.integrationID) == 0)
    }

    @Test("on PostgreSQL, which has no row order, the walk keeps nothing and stays where it was")
    func rowWalkOnPostgres() async throws {
        let world = try await World(try await FreshDatabases.open(.postgres))

        let step = try await world.records.storeNestedObjectsInRowOrder(
            integrationID: world.integrationID, after: 7, limit: 10)

        #expect(step.kept == 0 && step.position == 7)
        #expect(try await world.keptObjects("app-1") == nil)
        #expect(try await world.records.storeNestedObjects(integrationID: world.integrationID) == 1)
    }

    static func object(_ value: JSONValue?) -> [String: JSONValue]? {
        if case .object(let members) = value { members } else { nil }
    }

    static func member(_ objects: [String: JSONValue]?, _ key: String) -> [String: JSONValue]? {
        object(objects?[key])
    }
}

extension KeptApplicationsTests.World {
    /// The application's kept nested objects as stored; nil while they are empty (NULL).
    func keptObjectsText(_ applicationID: String = "app-1") async throws -> String? {
        let row = try await seeded.store.database.sql.raw(
            """
            SELECT nested_objects FROM applications
            WHERE integration_id = \(bind: integrationID) AND id = \(bind: applicationID)
            """
        ).first()
        return try row?.decode(column: "nested_objects", as: String?.self)
    }

    /// The application's `nested_stamp` as stored.
    func stamp(_ applicationID: String = "app-1") async throws -> Int64 {
        try #require(
            try await seeded.store.database.sql.raw(
                """
                SELECT nested_stamp FROM applications
                WHERE integration_id = \(bind: integrationID) AND id = \(bind: applicationID)
                """
            ).first()
        ).decode(column: "nested_stamp", as: Int64.self)
    }

    /// The application's kept nested objects, parsed; nil while they are empty (NULL).
    func keptObjects(_ applicationID: String = "app-1") async throws -> [String: JSONValue]? {
        guard let text = try await keptObjectsText(applicationID) else { return nil }
        return KeptNestedObjectsTests.object(try JSONValue.parse(Array(text.utf8)))
    }

    /// The record's `updated_at` as stored (an application's unless `table` says otherwise).
    func updatedAt(_ id: String, table: String = "applications") async throws -> Date? {
        let row = try await seeded.store.database.sql.raw(
            """
            SELECT updated_at FROM \(ident: table)
            WHERE integration_id = \(bind: integrationID) AND id = \(bind: id)
            """
        ).first()
        return try row.map {
            Date(timeIntervalSince1970: Double(try $0.decode(column: "updated_at", as: Int64.self)) / 1000)
        }
    }

    /// Composes and keeps, then returns the application's objects.
    func refreshedObjects(_ applicationID: String = "app-1") async throws -> [String: JSONValue]? {
        try await records.storeNestedObjects(integrationID: integrationID)
        return try await keptObjects(applicationID)
    }
}
