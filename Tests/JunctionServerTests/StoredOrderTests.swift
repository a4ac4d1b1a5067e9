import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionServer

/// Stored documents hold the members a page writes over (`SyncedRecord.leadingKeys`) first, so a
/// page copies the rest as one run of bytes instead of scanning every member (issue 22: the scan
/// was an eighth of a jobs page's CPU). Documents in any other order (stored before) are scanned.
/// Both must serve the same bytes.
@Suite("Stored member order and pages", .freshDatabases)
struct StoredOrderTests {
    static let pages: [(table: String, path: String)] = [
        ("jobs", "/v1/ats/jobs?page_size=250"), ("candidates", "/v1/ats/candidates?page_size=250"),
        ("applications", "/v1/ats/applications?page_size=250"), ("users", "/v1/ats/users?page_size=250"),
        ("application_stages", "/v1/ats/application-stages?page_size=250"),
    ]

    /// `object` with its members sorted by key, as Foundation's encoder orders them.
    static func sorted(_ object: [UInt8]) throws -> [UInt8] {
        let members = try JSONObjectMembers(object)
        var writer = JSONWriter()
        writer.beginObject()
        for member in members.members.sorted(by: {
            String(decoding: object[$0.key], as: UTF8.self) < String(decoding: object[$1.key], as: UTF8.self)
        }) {
            writer.rawMember(key: object[member.key], value: object[member.value])
        }
        writer.endObject()
        return writer.bytes
    }

    @Test("every page is the same bytes from documents stored leading members first and in sorted order")
    func sameBytes() async throws {
        try await PersonioRouteTests.withConnectedServer { api, _, integrationID, store in
            var leadingFirst: [String] = []
            for page in Self.pages {
                leadingFirst.append(try await ApplicationSummaryTests.body(api, page.path, integrationID))
            }
            var rewritten: [String: Int] = [:]
            for page in Self.pages {
                let rows = try await store.database.sql.raw(
                    "SELECT id, record FROM \(unsafeRaw: page.table) WHERE integration_id = \(bind: integrationID)"
                ).all()
                for row in rows {
                    let stored = Array(try row.decode(column: "record", as: String.self).utf8)
                    let sorted = try Self.sorted(stored)
                    guard sorted != stored else { continue }
                    rewritten[page.table, default: 0] += 1
                    try await store.database.sql.raw(
                        """
                        UPDATE \(unsafeRaw: page.table) SET record = \(bind: String(decoding: sorted, as: UTF8.self))
                        WHERE integration_id = \(bind: integrationID) AND id = \(bind: try row.decode(column: "id", as: String.self))
                        """
                    ).run()
                }
            }

            var sortedOrder: [String] = []
            for page in Self.pages {
                sortedOrder.append(try await ApplicationSummaryTests.body(api, page.path, integrationID))
            }

            for page in Self.pages {
                #expect(rewritten[page.table, default: 0] > 0, "\(page.table): documents were stored leading first")
            }
            for (index, page) in Self.pages.enumerated() {
                #expect(leadingFirst[index] == sortedOrder[index], "\(page.path)")
                #expect(try ApplicationSummaryTests.results(leadingFirst[index]).count > 0, "\(page.path)")
            }
        }
    }

    /// A PostgreSQL jobs page writes a job read without its questions around the page's first
    /// job's (`ListResponseWriter.record`); read whole (the columns empty, as for a job stored
    /// before migration 37, and as SQLite reads every job), the same jobs must give the same
    /// bytes.
    @Test("on PostgreSQL, a jobs page is the same bytes with its jobs read without their questions as read whole")
    func jobsWithoutQuestions() async throws {
        try await PersonioRouteTests.withConnectedServer(backend: .postgres) { api, _, integrationID, store in
            let paths = [
                "/v1/ats/jobs?page_size=250", "/v1/ats/jobs?page_size=3", "/v1/ats/jobs?page_size=4&status=OPEN",
                "/v1/ats/jobs?page_size=250&include_deleted=true",
            ]
            let sql = store.database.sql
            let shared = try #require(
                try await sql.raw(
                    """
                    SELECT count(*) AS jobs, count(page_record) AS lean, count(DISTINCT shared_hash) AS sets,
                        min(shared_length) AS shortest
                    FROM jobs WHERE integration_id = \(bind: integrationID)
                    """
                ).first())
            var lean: [String] = []
            for path in paths { lean.append(try await ApplicationSummaryTests.body(api, path, integrationID)) }

            try await sql.raw(
                """
                UPDATE jobs SET page_record = NULL, shared_offset = NULL, shared_length = NULL, shared_hash = NULL
                WHERE integration_id = \(bind: integrationID)
                """
            ).run()
            var whole: [String] = []
            for path in paths { whole.append(try await ApplicationSummaryTests.body(api, path, integrationID)) }

            // Every job of the sandbox's account asks its questions, so every job of a page but
            // the first is read without them.
            let jobs = try shared.decode(column: "jobs", as: Int.self)
            #expect(jobs > 4)
            #expect(try shared.decode(column: "lean", as: Int.self) == jobs)
            #expect(try shared.decode(column: "sets", as: Int.self) == 1)
            #expect(
                try shared.decode(column: "shortest", as: Int.self) > 100, "the questions are more than a few bytes")
            for (index, path) in paths.enumerated() {
                #expect(lean[index] == whole[index], "\(path)")
                #expect(try ApplicationSummaryTests.results(lean[index]).count > 0, "\(path)")
            }
        }
    }

    @Test(
        "a page copies what follows the leading members without looking into it",
        arguments: [("jobs", "/v1/ats/jobs?page_size=250"), ("candidates", "/v1/ats/candidates?page_size=250")])
    func copiesTheRest(table: String, path: String) async throws {
        try await PersonioRouteTests.withConnectedServer { api, _, integrationID, store in
            // A member after the leading ones that repeats one of them: a member-by-member copy
            // leaves it out (the store's column is written instead); a copy of the rest keeps it.
            let row = try #require(
                try await store.database.sql.raw(
                    """
                    SELECT id, record FROM \(unsafeRaw: table)
                    WHERE integration_id = \(bind: integrationID) AND remote_deleted_at IS NULL ORDER BY id
                    """
                ).first())
            let id = try row.decode(column: "id", as: String.self)
            let stored = Array(try row.decode(column: "record", as: String.self).utf8)
            let members = try JSONObjectMembers(stored)
            let leadingCount = table == "candidates" ? 3 : 2
            let split = members.members[leadingCount - 1].value.upperBound
            let marked =
                Array(stored[..<split]) + Array(#","remote_deleted_at":"copied-as-is""#.utf8)
                + Array(stored[split...])
            try await store.database.sql.raw(
                """
                UPDATE \(unsafeRaw: table) SET record = \(bind: String(decoding: marked, as: UTF8.self))
                WHERE integration_id = \(bind: integrationID) AND id = \(bind: id)
                """
            ).run()

            let page = try await ApplicationSummaryTests.body(api, path, integrationID)

            #expect(page.contains(#""remote_deleted_at":"copied-as-is""#))
        }
    }

    /// A model whose composed members a page copies from a column (`SyncedRecord.composedColumn`),
    /// with a value planted there by hand and what its page must then show.
    struct KeptColumn: Sendable, CustomTestStringConvertible {
        let table: String
        let column: String
        let planted: String
        let shown: String
        var testDescription: String { table }

        static let all = [
            KeptColumn(
                table: "candidates", column: "nested_applications", planted: #"[{"kept":"as-is"}]"#,
                shown: #""applications":[{"kept":"as-is"}]"#),
            KeptColumn(
                table: "applications", column: "nested_objects",
                planted: #"{"candidate":{"kept":1},"current_stage":null,"job":{"kept":3}}"#,
                shown: #""candidate":{"kept":1},"current_stage":null,"job":{"kept":3}"#),
        ]

        /// `all`, and a kept object whose members are not in the order a page writes them: not
        /// copied as one run, but member by member in the page's order.
        static let planted =
            all + [
                KeptColumn(
                    table: "applications", column: "nested_objects",
                    planted: #"{"job":{"kept":3},"candidate":{"kept":1},"current_stage":null}"#,
                    shown: #""candidate":{"kept":1},"current_stage":null,"job":{"kept":3}"#)
            ]
    }

    @Test(
        "a page is the same bytes from the nested members a sync kept as composed per page",
        arguments: KeptColumn.all, Backend.allCases)
    func keptMembers(kept column: KeptColumn, backend: Backend) async throws {
        try await PersonioRouteTests.withConnectedServer(backend: backend) { api, _, integrationID, store in
            let path = "/v1/ats/\(column.table)?page_size=250&include_deleted=true"
            let counts = try #require(
                try await store.database.sql.raw(
                    """
                    SELECT COUNT(*) AS total, COUNT(\(ident: column.column)) AS kept FROM \(ident: column.table)
                    WHERE integration_id = \(bind: integrationID)
                    """
                ).first())
            let kept = try await ApplicationSummaryTests.body(api, path, integrationID)
            // Every other record's emptied: a page of both kinds.
            let ids = try await store.database.sql.raw(
                """
                SELECT id FROM \(ident: column.table) WHERE integration_id = \(bind: integrationID) ORDER BY id
                """
            ).all().map { try $0.decode(column: "id", as: String.self) }
            for id in ids.enumerated().filter({ $0.offset.isMultiple(of: 2) }).map(\.element) {
                try await store.database.sql.raw(
                    """
                    UPDATE \(ident: column.table) SET \(ident: column.column) = NULL
                    WHERE integration_id = \(bind: integrationID) AND id = \(bind: id)
                    """
                ).run()
            }
            let mixed = try await ApplicationSummaryTests.body(api, path, integrationID)
            try await store.database.sql.raw(
                """
                UPDATE \(ident: column.table) SET \(ident: column.column) = NULL
                WHERE integration_id = \(bind: integrationID)
                """
            ).run()

            let composed = try await ApplicationSummaryTests.body(api, path, integrationID)

            let total = try counts.decode(column: "total", as: Int.self)
            #expect(total > 0)
            #expect(try counts.decode(column: "kept", as: Int.self) == total, "the sync kept every record's")
            #expect(kept == composed)
            #expect(mixed == composed)
            let results = try ApplicationSummaryTests.results(kept)
            if column.table == "candidates" {
                let applications = results.compactMap { $0["applications"] as? [Any] }
                #expect(applications.contains { !$0.isEmpty })
            } else {
                #expect(!results.isEmpty)
                #expect(results.allSatisfy { $0["candidate"] is [String: Any] && $0["job"] is [String: Any] })
            }
        }
    }

    @Test("a page copies the kept nested members as they are", arguments: KeptColumn.planted, Backend.allCases)
    func copiesKeptMembers(kept column: KeptColumn, backend: Backend) async throws {
        try await PersonioRouteTests.withConnectedServer(backend: backend) { api, _, integrationID, store in
            let id = try #require(
                try await store.database.sql.raw(
                    """
                    SELECT id FROM \(ident: column.table) WHERE integration_id = \(bind: integrationID)
                      AND remote_deleted_at IS NULL ORDER BY id
                    """
                ).first()
            ).decode(column: "id", as: String.self)
            try await store.database.sql.raw(
                """
                UPDATE \(ident: column.table) SET \(ident: column.column) = \(bind: column.planted)
                WHERE integration_id = \(bind: integrationID) AND id = \(bind: id)
                """
            ).run()

            let page = try await ApplicationSummaryTests.body(
                api, "/v1/ats/\(column.table)?page_size=1", integrationID)

            #expect(page.contains(column.shown))
        }
    }

    @Test(
        "a record is copied as a run of bytes only when its leading members are the maintained ones, then the keys written over them, in order"
    )
    func writesOverOnlyInOrder() {
        let maintained = ["changed_at", "remote_deleted_at"]
        #expect(ListResponseWriter.writesOver(maintained, maintained: maintained, keys: [String]()))
        #expect(
            ListResponseWriter.writesOver(
                maintained + ["applications"], maintained: maintained, keys: ["applications"]))
        #expect(
            !ListResponseWriter.writesOver(
                ["remote_deleted_at", "changed_at", "applications"], maintained: maintained,
                keys: ["applications"]))
        #expect(
            !ListResponseWriter.writesOver(
                maintained + ["applications"], maintained: maintained, keys: ["candidate"]))
        #expect(
            !ListResponseWriter.writesOver(maintained, maintained: maintained, keys: ["applications"]))
        #expect(
            !ListResponseWriter.writesOver(
                maintained + ["applications", "job"], maintained: maintained, keys: ["applications"]))
    }
}
