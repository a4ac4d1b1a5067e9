import Foundation
import JunctionModel
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// A page without conditions runs a statement text kept per shape (`RecordRepository.pageTexts`)
/// with its binds put in the builder's order. Each page is read twice (the first builds the
/// text, the second runs the kept one) and checked against the ids worked out by hand.
@Suite("Pages' kept statements", .freshDatabases)
struct PageStatementTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var includeDeleted = false
        var updatedAfterSeconds: Double?
        var after: String?
        var limit: Int
        var ids: [String]
        var next: String?

        var testDescription: String {
            "deleted \(includeDeleted), updated after \(updatedAfterSeconds.map { "\($0)" } ?? "-"), after \(after ?? "-"), limit \(limit)"
        }
    }

    /// Jobs `job-1` … `job-7`, `job-<n>` updated at n seconds, `job-3` deleted.
    static let cases: [Case] = [
        Case(limit: 2, ids: ["job-1", "job-2"], next: "job-2"),
        Case(after: "job-2", limit: 2, ids: ["job-4", "job-5"], next: "job-5"),
        Case(includeDeleted: true, after: "job-2", limit: 2, ids: ["job-3", "job-4"], next: "job-4"),
        Case(updatedAfterSeconds: 4.5, limit: 10, ids: ["job-5", "job-6", "job-7"], next: nil),
        Case(
            includeDeleted: true, updatedAfterSeconds: 1.5, after: "job-4", limit: 2, ids: ["job-5", "job-6"],
            next: "job-6"),
        Case(includeDeleted: true, updatedAfterSeconds: 2.5, limit: 1, ids: ["job-3"], next: "job-3"),
    ]

    @Test("a page read by its kept text finds what it should", arguments: Backend.allCases, cases)
    func keptText(_ backend: Backend, _ page: Case) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        let records = seeded.store.records
        let jobs = (1...7).map { Job(id: "job-\($0)", remoteID: "j\($0)", changedAt: Date(timeIntervalSince1970: 0)) }
        try await records.saveRecords(jobs, integrationID: integrationID)
        for number in 1...7 {
            try await database.sql.raw(
                "UPDATE jobs SET updated_at = \(bind: Int64(number) * 1000) WHERE id = \(bind: "job-\(number)")"
            ).run()
        }
        try await database.sql.raw("UPDATE jobs SET remote_deleted_at = 500 WHERE id = 'job-3'").run()
        let filter = RecordFilter(
            includeDeleted: page.includeDeleted,
            updatedAfter: page.updatedAfterSeconds.map { Date(timeIntervalSince1970: $0) })

        var read: [KeysetPage<StoredDocument>] = []
        for _ in 0..<2 {
            read.append(
                try await records.listDocuments(
                    Job.self, integrationID: integrationID, filter: filter, after: page.after, limit: page.limit))
        }

        for found in read {
            #expect(found.items.map(\.id) == page.ids)
            #expect(found.nextAfter == page.next)
        }
        let shape = RecordRepository.PageShape(
            dialect: database.reads.dialect.name, table: Job.table, columns: [], includeDeleted: page.includeDeleted,
            updatedAfter: page.updatedAfterSeconds != nil, after: page.after != nil, limit: page.limit)
        #expect(RecordRepository.pageTexts.withLock { $0[shape] } != nil, "the text is kept")
    }
}
