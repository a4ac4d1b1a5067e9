import Foundation
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

@Suite("Store errors as sync runs record them", .freshDatabases)
struct ErrorDescriptionTests {
    @Test("a PostgreSQL error is recorded with the server's message and SQLSTATE, not a generic text")
    func postgresDetail() async throws {
        let database = try await FreshDatabases.open(.postgres)
        do {
            try await database.sql.raw("SELECT 1 / 0").run()
            Issue.record("division by zero succeeded")
        } catch {
            let text = StoreError.describe(error)
            #expect(text == "PostgreSQL: division by zero (SQLSTATE 22012)")
        }
    }
}
