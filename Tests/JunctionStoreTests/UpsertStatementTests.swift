import Foundation
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// `UpsertStatement` writes a save's insert-or-update without SQLKit's builder (issue 22); the
/// builder is the independent expectation: the same text and binds, on each dialect, for one
/// row and for several, the first serialization of a shape (which fills the caches) the same as a
/// later one, and a statement written from the text kept for its row count the same as one
/// written afresh.
@Suite("Upsert statements", .freshDatabases)
struct UpsertStatementTests {
    @Test("an upsert's text and binds are SQLKit's builder's", arguments: Backend.allCases)
    func sameAsBuilder(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend).sql
        // A table of this test's own: the first `text` call below is the one that fills the cache.
        let table = "upsert_" + UUID().uuidString.prefix(8).lowercased()
        let columns = ["integration_id", "id", "name", "kept", "nested_stamp"]
        let updates: [String: SQLQueryString] = [
            "kept": SQLQueryString("CASE WHEN \(ident: table).nested_stamp = 1 THEN excluded.kept ELSE NULL END"),
            "nested_stamp": SQLQueryString("\(ident: table).nested_stamp + 1"),
        ]
        let rows: [[any Encodable & Sendable]] = [["i", "a", "Ada", String?.none, 0], ["i", "b", "Bo", "[]", 2]]

        // 2 twice: the second is written from the text the first made.
        for count in [1, 2, 2, 1] {
            let chosen = Array(rows.prefix(count))
            let builder = database.insert(into: table).columns(columns)
            for row in chosen { builder.values(row) }
            builder.onConflict(with: ["integration_id", "id"]) { update in
                var update = update
                for column in columns.dropFirst(2) {
                    update = updates[column].map { update.set(column, to: $0) } ?? update.set(excludedValueOf: column)
                }
                return update
            }
            var expected = SQLSerializer(database: database)
            builder.query.serialize(to: &expected)
            var written = SQLSerializer(database: database)
            UpsertStatement(
                text: UpsertStatement.text(table: table, columns: columns, updates: updates, on: database), rows: chosen
            ).serialize(to: &written)

            #expect(written.sql == expected.sql)
            #expect(written.binds.map { "\($0)" } == expected.binds.map { "\($0)" })
        }
    }
}
