import Foundation
import JunctionModel
import JunctionStore
import SQLKit
import Testing

@testable import JunctionServer

/// An applications page reads its nested objects in a second statement that joins the
/// applications again (issue 22). A sync between the two statements can move an application to
/// another stage; the page must still show the stage its own columns name, not null.
@Suite("Nested objects of a page changed by a sync in between")
struct NestedRaceTests {
    struct Row: Decodable { let id: String }

    @Test("an application moved to another stage after the page was read keeps the page's stage")
    func movedBetweenStatements() async throws {
        try await PersonioRouteTests.withConnectedServer { _, _, integrationID, store in
            let sql = store.database.sql
            // Composed, not kept: a page composes the objects of an application whose kept ones a
            // change emptied (`Application.composedColumn`).
            try await sql.raw(
                "UPDATE applications SET nested_objects = NULL WHERE integration_id = \(bind: integrationID)"
            ).run()
            let page = try await store.records.listDocuments(
                JunctionModel.Application.self, integrationID: integrationID, filter: RecordFilter(), after: nil,
                limit: 200, columns: NestedComposer.applicationColumns)
            let application = try #require(page.items.first { $0.columns["current_stage_id"] != nil })
            #expect(!application.hasNested)
            let pageStage = try #require(application.columns["current_stage_id"])
            let other = try #require(
                try await sql.raw(
                    """
                    SELECT id FROM application_stages
                    WHERE integration_id = \(bind: integrationID) AND id <> \(bind: pageStage) ORDER BY id
                    """
                ).all(decoding: Row.self).first)
            let untouched = try await NestedComposer(reader: store.records).applications(
                [application], integrationID: integrationID)

            // The sync's move, after the page's statement and before the nested objects'.
            try await sql.raw(
                """
                UPDATE applications SET current_stage_id = \(bind: other.id)
                WHERE integration_id = \(bind: integrationID) AND id = \(bind: application.id)
                """
            ).run()
            let composed = try await NestedComposer(reader: store.records).applications(
                [application], integrationID: integrationID)

            func member(_ overrides: NestedComposer.Overrides, _ key: String) -> String? {
                overrides[application.id]?.first { $0.key == key }.map { String(decoding: $0.value, as: UTF8.self) }
            }
            let stage = try #require(member(composed, "current_stage"))
            #expect(stage.contains("\"id\":\"\(pageStage)\""), "\(stage)")
            // Every nested object is what it was before the move.
            for key in ["candidate", "current_stage", "job"] {
                #expect(member(composed, key) == member(untouched, key), "\(key)")
            }
            #expect(member(untouched, "current_stage") != "null")
        }
    }
}
