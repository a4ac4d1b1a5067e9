import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

/// `candidates[].applications[]` is written from each application's `summary` column (the
/// members it shows, saved with the document) instead of the whole document; a row without a
/// summary (saved before the column existed, or tombstoned) falls back to the document.
@Suite("Application summaries on candidates pages")
struct ApplicationSummaryTests {
    static let page = "/v1/ats/candidates?page_size=50"

    static func body(_ api: any TestClientProtocol, _ uri: String, _ integrationID: String) async throws -> String {
        try await api.execute(uri: uri, method: .get, headers: PersonioRouteTests.headers(integrationID)) {
            #expect($0.status == .ok)
            return String(buffer: $0.body)
        }
    }

    static func results(_ text: String) throws -> [[String: Any]] {
        let object = try PersonioRouteTests.object(Data(text.utf8))
        return try #require((object["data"] as? [String: Any])?["results"] as? [[String: Any]])
    }

    @Test("a candidates page shows each application as the applications endpoint does, with or without summaries")
    func summariesAndFallback() async throws {
        try await PersonioRouteTests.withConnectedServer { api, _, integrationID, store in
            let withSummaries = try await Self.body(api, Self.page, integrationID)
            let missing = try await store.database.sql.raw(
                "SELECT COUNT(*) AS n FROM applications WHERE summary IS NULL"
            ).first()?.decode(column: "n", as: Int.self)
            let applications = try await Self.results(
                try await Self.body(api, "/v1/ats/applications?page_size=250", integrationID))
            try await store.database.sql.raw("UPDATE applications SET summary = NULL").run()

            let fromDocuments = try await Self.body(api, Self.page, integrationID)

            #expect(missing == 0, "the sync saves a summary with every application")
            #expect(withSummaries == fromDocuments, "the same bytes from summaries and from whole documents")
            // Each nested application against the applications endpoint, which reads whole documents.
            let byID = Dictionary(uniqueKeysWithValues: applications.map { ($0["id"] as? String ?? "", $0) })
            var nested = 0
            for candidate in try Self.results(withSummaries) {
                for application in candidate["applications"] as? [[String: Any]] ?? [] {
                    nested += 1
                    let full = try #require(byID[application["id"] as? String ?? ""])
                    for key in ["remote_id", "outcome", "rejection_reason_name", "rejected_at", "remote_created_at"] {
                        #expect("\(application[key] ?? "absent")" == "\(full[key] ?? "absent")", "\(key)")
                    }
                    #expect(Set(application.keys).isSuperset(of: JunctionModel.Application.summaryKeys ?? []))
                }
            }
            #expect(nested > 0)
        }
    }

    @Test("the page reads the summary column where one is stored")
    func readsTheColumn() async throws {
        try await PersonioRouteTests.withConnectedServer { api, _, integrationID, store in
            let row = try #require(
                try await store.database.sql.raw(
                    """
                    SELECT id, summary FROM applications WHERE remote_deleted_at IS NULL
                      AND summary NOT LIKE '%"outcome":"HIRED"%' ORDER BY id
                    """
                ).first())
            let id = try row.decode(column: "id", as: String.self)
            let summary = try row.decode(column: "summary", as: String.self)
            let marked = summary.replacingOccurrences(of: #""outcome":"PENDING""#, with: #""outcome":"HIRED""#)
                .replacingOccurrences(of: #""outcome":"DECLINED""#, with: #""outcome":"HIRED""#)
                .replacingOccurrences(of: #""outcome":null"#, with: #""outcome":"HIRED""#)
            try #require(marked != summary, "the summary names an outcome to change: \(summary)")
            try await store.database.sql.raw("UPDATE applications SET summary = \(bind: marked) WHERE id = \(bind: id)")
                .run()
            // Behind the store's back, so the candidates' kept arrays still hold the old summary:
            // emptied, the page composes them, which is what this test is about.
            try await store.database.sql.raw("UPDATE candidates SET nested_applications = NULL").run()

            let page = try Self.results(try await Self.body(api, "/v1/ats/candidates?page_size=250", integrationID))

            let shown = page.flatMap { $0["applications"] as? [[String: Any]] ?? [] }.first {
                $0["id"] as? String == id
            }
            #expect(shown?["outcome"] as? String == "HIRED")
        }
    }
}
