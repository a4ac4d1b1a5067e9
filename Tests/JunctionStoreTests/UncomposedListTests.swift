import Foundation
import JunctionModel
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// On PostgreSQL the applications whose nested objects are to be composed are listed in
/// `applications_uncomposed` rather than found by a partial index on the column a keep fills
/// (migration 38), so a keep updates the row in place. Everything that empties an application's
/// objects must list it in its own transaction, a keep must take it off, and a FULL's saves,
/// which list nothing, leave their applications to a pass over the whole table.
@Suite("PostgreSQL's list of applications to compose", .freshDatabases)
struct UncomposedListTests {
    typealias World = KeptApplicationsTests.World

    @Test("on PostgreSQL a keep updates each application's row in place and takes it off the list")
    func keepInPlace() async throws {
        let world = try await World(try await FreshDatabases.open(.postgres))
        // Rows of a synced application's size (1.6 KB before its objects, about 2 KB after),
        // from text that compresses as little as a document's ids and timestamps.
        var generator = SeededGenerator(seed: 38)
        let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
        let others = (2...21).map { number in
            var other = world.anotherApplication(number)
            other.remoteData = [
                "notes": .string(
                    String((0..<1_500).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
            ]
            return other
        }
        try await world.records.saveRecords(others, integrationID: world.integrationID)
        #expect(
            try await world.listed() == (["app-1"] + others.map(\.id)).sorted(), "each save lists what it left empty")
        // The first application of each page of the table: its next version fits beside it in
        // the room the table leaves. (Those after it fit once PostgreSQL prunes the versions
        // before them, which it does only when no transaction, in any database, is older than
        // the keeps that left them, as in a FULL most of the time: not something to test.)
        let database = world.seeded.store.database
        let ids = try await database.sql.raw(
            """
            SELECT DISTINCT ON ((ctid::text::point)[0]) id FROM applications
            WHERE integration_id = \(bind: world.integrationID) AND id <> 'app-1'
            ORDER BY (ctid::text::point)[0], ctid
            """
        ).all().map { try $0.decode(column: "id", as: String.self) }
        #expect(ids.count >= 5, "20 rows of 1.6 KB fill several pages")

        // One keep a transaction, as a FULL keeps each candidates page's applications.
        var kept = 0
        var (updated, inPlace): (Int64, Int64) = (0, 0)
        for id in ids {
            let counts = try await database.transaction { connection in
                // The backend's counts not yet reported include earlier transactions': the
                // difference across the keep is the keep's.
                let before = try await Self.updates(on: connection)
                let composed = try await NestedComposer.applicationObjects(
                    of: [id], integrationID: world.integrationID, on: connection)
                let kept = try await RecordRepository.keepComposed(
                    Application.self, [(id, 0, try #require(composed[id]))], integrationID: world.integrationID,
                    on: connection)
                let after = try await Self.updates(on: connection)
                return (kept, after.updated - before.updated, after.hot - before.hot)
            }
            kept += counts.0
            updated += counts.1
            inPlace += counts.2
        }

        #expect(kept == ids.count)
        #expect(updated == Int64(ids.count))
        #expect(inPlace == Int64(ids.count), "every keep a HOT update")
        #expect(try await world.listed() == (["app-1"] + others.map(\.id)).filter { !ids.contains($0) }.sorted())
        #expect(try await world.keptObjects(ids[0]) != nil)
    }

    @Test("on PostgreSQL a FULL's saves list nothing, and its pass over the whole table composes them")
    func fullScans() async throws {
        let world = try await World(try await FreshDatabases.open(.postgres))
        let records = world.records
        let integrationID = world.integrationID
        let page = try RecordRepository.preparedPage((2...4).map { world.anotherApplication($0) })
        try await records.savePrepared(page, integrationID: integrationID, listingUncomposed: false)
        #expect(try await world.listed() == ["app-1"], "the world's own save lists app-1")

        let listedOnly = try await records.storeNestedObjects(integrationID: integrationID)
        #expect(listedOnly == 1)
        #expect(try await world.keptObjects("app-2") == nil)
        let scanned = try await records.storeNestedObjects(integrationID: integrationID, scanning: true)

        #expect(scanned == 3)
        for id in ["app-1", "app-2", "app-3", "app-4"] {
            #expect(Self.candidateName(try await world.keptObjects(id)) == "Ada", "\(id)")
        }
        #expect(try await world.listed() == [])
    }

    @Test("on PostgreSQL a candidate's change, an erasure and a write each list what they empty")
    func changesList() async throws {
        var world = try await World(try await FreshDatabases.open(.postgres))
        let records = world.records
        let integrationID = world.integrationID
        world.candidate.emailAddresses = [.init(emailAddress: "ada@example.com")]
        try await records.storeNestedObjects(integrationID: integrationID)
        #expect(try await world.listed() == [])

        // The candidate renamed: app-1's objects emptied and listed, kept again by the pass.
        world.candidate.firstName = "Ada B."
        try await records.saveRecords([world.candidate], integrationID: integrationID)
        #expect(try await world.listed() == ["app-1"])
        try await records.storeNestedObjects(integrationID: integrationID)
        #expect(Self.candidateName(try await world.keptObjects()) == "Ada B.")
        #expect(try await world.listed() == [])

        // Erased: the candidate and the application are tombstones, composed again from them.
        let report = try await world.seeded.store.personalData.erase(email: "ada@example.com", workspaceID: nil)
        #expect(report.erased["applications.record"] == 1)
        #expect(try await world.listed() == ["app-1"])
        try await records.storeNestedObjects(integrationID: integrationID)
        #expect(Self.candidateName(try await world.keptObjects()) == nil, "the tombstone's name")
        #expect(try await world.keptObjects() != nil)

        // A listed application composed behind the list's back, or gone, is taken off it.
        let other = world.anotherApplication(2)
        try await records.saveRecords([other], integrationID: integrationID)
        try await world.seeded.store.database.sql.raw(
            "UPDATE applications SET nested_objects = '{}' WHERE id = 'app-2'"
        ).run()
        #expect(try await world.listed() == ["app-2"])
        #expect(try await records.storeNestedObjects(integrationID: integrationID) == 0)
        #expect(try await world.listed() == [])
    }

    /// The rows of `applications` updated, and of them in place, as `connection`'s backend counts.
    static func updates(on connection: any SQLDatabase) async throws -> (updated: Int64, hot: Int64) {
        let row = try #require(
            try await connection.raw(
                """
                SELECT pg_stat_get_xact_tuples_updated('applications'::regclass) AS updated,
                    pg_stat_get_xact_tuples_hot_updated('applications'::regclass) AS hot
                """
            ).first())
        return (try row.decode(column: "updated", as: Int64.self), try row.decode(column: "hot", as: Int64.self))
    }

    static func candidateName(_ objects: [String: JSONValue]?) -> String? {
        guard case .string(let name) = KeptNestedObjectsTests.member(objects, "candidate")?["first_name"] else {
            return nil
        }
        return name
    }
}

extension KeptApplicationsTests.World {
    /// The ids PostgreSQL's list holds for the integration, in order.
    func listed() async throws -> [String] {
        try await seeded.store.database.sql.raw(
            """
            SELECT id FROM applications_uncomposed WHERE integration_id = \(bind: integrationID) ORDER BY id
            """
        ).all().map { try $0.decode(column: "id", as: String.self) }
    }
}
