import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

@Suite("Upstream text the same on both backends: NUL and case folding", .freshDatabases)
struct NULAndFoldingTests {
    @Test(
        "a NUL in upstream text is stored on both backends: the document keeps it escaped, columns drop it, and the batch's other records are saved",
        arguments: Backend.allCases)
    func nulInUpstreamText(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        var jobs = sampleJobs(2, integrationID: seeded.integration.id)
        jobs[0].name = "Nul\u{0}Byte Engineer"
        jobs[1].name = "Plain edit"

        let outcome = try await seeded.store.records.saveJobs(jobs, integrationID: integrationID)

        #expect(outcome == SaveOutcome(inserted: 2))
        let stored = try await seeded.store.records.jobs(integrationID: integrationID, limit: 10).items
        #expect(Set(stored.compactMap(\.name)) == ["Nul\u{0}Byte Engineer", "Plain edit"])
        let document = try #require(
            try await seeded.store.records.documents(
                Job.self, integrationID: integrationID, where: "id", in: [jobs[0].id]
            )
            .first)
        #expect(String(decoding: document.document, as: UTF8.self).contains(#""name":"Nul\u0000Byte Engineer""#))
        let column = try await database.sql.raw(
            "SELECT name FROM jobs WHERE id = \(bind: jobs[0].id) AND integration_id = \(bind: integrationID)"
        ).first()?.decode(column: "name", as: String.self)
        #expect(column == "NulByte Engineer")
    }

    // Expected matches worked out by hand with Unicode lower-casing (Python's str.lower()).
    @Test(
        "name_contains ignores case beyond ASCII, the same on both backends",
        arguments: Backend.allCases)
    func folding(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        var jobs = sampleJobs(3, integrationID: seeded.integration.id)
        jobs[0].name = "Ärztin (m/w/d) İSTANBUL"
        jobs[1].name = "ΣΊΣΥΦΟΣ Logistics"
        jobs[2].name = "Plain Engineer"
        try await seeded.store.records.saveJobs(jobs, integrationID: integrationID)

        func matches(_ text: String) async throws -> Set<String> {
            let filter = RecordFilter(conditions: [.contains(column: "name_folded", text: text)])
            let page = try await seeded.store.records.list(
                Job.self, integrationID: integrationID, filter: filter, after: nil, limit: 10)
            return Set(page.items.compactMap(\.name))
        }

        for query in ["Ärztin", "ärztin", "ÄRZTIN", "ärz", "İSTANBUL", "i̇stanbul"] {
            #expect(try await matches(query) == ["Ärztin (m/w/d) İSTANBUL"], "\(query)")
        }
        for query in ["ΣΊΣΥΦΟΣ", "σίσυφος", "σίσυφοσ"] {
            #expect(try await matches(query) == ["ΣΊΣΥΦΟΣ Logistics"], "\(query)")
        }
        #expect(try await matches("ENGINEER") == ["Plain Engineer"])
        #expect(try await matches("100%") == [])
    }
}
