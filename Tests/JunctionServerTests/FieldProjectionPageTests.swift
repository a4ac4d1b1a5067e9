import Foundation
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

/// A page reads its field projection only when the API key's statement saw something to project:
/// a passthrough field enabled for the integration, or a custom field in its workspace
/// (`LoadedIntegration.mayProjectFields`). Each of the two must still reach the page on its own,
/// and a page without either shows the empty projection.
@Suite("Field projections on pages")
struct FieldProjectionPageTests {
    static let jobs = "/v1/ats/jobs?page_size=250"
    static let candidates = "/v1/ats/candidates?page_size=250"

    /// Per record of a page: its `integration_fields` as (key, value) pairs, and its `custom_fields`.
    static func projections(_ api: any TestClientProtocol, _ path: String, _ integrationID: String) async throws
        -> [(remoteID: String, integration: [(String, String?)], custom: [String: Any])]
    {
        try ApplicationSummaryTests.results(try await ApplicationSummaryTests.body(api, path, integrationID)).map {
            record in
            let fields = try #require(record["integration_fields"] as? [[String: Any]], "\(path)")
            return (
                remoteID: try #require(record["remote_id"] as? String),
                integration: try fields.map { (try #require($0["key"] as? String), $0["value"] as? String) },
                custom: try #require(record["custom_fields"] as? [String: Any], "\(path)")
            )
        }
    }

    @Test(
        "a passthrough field and a custom field each reach the pages alone, and neither shows nothing",
        arguments: Backend.allCases)
    func eachSourceAlone(backend: Backend) async throws {
        try await PersonioRouteTests.withConnectedServer(backend: backend) { api, sandbox, integrationID, store in
            let truth = try PersonioRouteTests.object(try await PersonioRouteTests.truth(sandbox, "jobs,categories"))
            let categories = try #require(truth["categories"] as? [[String: Any]])
            let categoryNames = Dictionary(
                uniqueKeysWithValues: categories.map { ("\($0["id"]!)", $0["name"] as? String) })
            let expectedCategory = Dictionary(
                uniqueKeysWithValues: try #require(truth["jobs"] as? [[String: Any]]).map {
                    ("\($0["id"]!)", categoryNames["\($0["category_id"]!)"] ?? nil)
                })
            let fields = try await store.fields.integrationFields(integrationID: integrationID, after: nil, limit: 1000)
            let category = try #require(
                fields.fields.first { $0.model == "ats_jobs" && $0.key == "job.category.name" })

            let bare = try await Self.projections(api, Self.jobs, integrationID)
            try await store.fields.setPassthrough(true, fieldID: category.id, integrationID: integrationID)
            let passthrough = try await Self.projections(api, Self.jobs, integrationID)
            let candidatesBesidePassthrough = try await Self.projections(api, Self.candidates, integrationID)
            try await store.fields.setPassthrough(false, fieldID: category.id, integrationID: integrationID)
            let disabled = try await Self.projections(api, Self.jobs, integrationID)
            let workspaceID = try #require(
                try await store.database.sql.raw(
                    "SELECT workspace_id FROM integrations WHERE id = \(bind: integrationID)"
                ).first()
            ).decode(column: "workspace_id", as: String.self)
            #expect(
                try await store.fields.createCustomField(
                    CustomField(
                        id: "cf-nickname", workspaceID: workspaceID, model: "ats_candidates", key: "nickname",
                        label: nil, description: nil)))
            let customCandidates = try await Self.projections(api, Self.candidates, integrationID)
            let jobsBesideCustom = try await Self.projections(api, Self.jobs, integrationID)

            #expect(bare.count == expectedCategory.count && !bare.isEmpty)
            #expect(bare.allSatisfy { $0.integration.isEmpty && $0.custom.isEmpty })
            #expect(passthrough.count == expectedCategory.count)
            for job in passthrough {
                #expect(job.integration.map(\.0) == ["job.category.name"], "\(job.remoteID)")
                #expect(job.integration.first?.1 == expectedCategory[job.remoteID] ?? nil, "\(job.remoteID)")
                #expect(job.custom.isEmpty)
            }
            #expect(!candidatesBesidePassthrough.isEmpty)
            #expect(candidatesBesidePassthrough.allSatisfy { $0.integration.isEmpty && $0.custom.isEmpty })
            #expect(disabled.allSatisfy { $0.integration.isEmpty && $0.custom.isEmpty })
            #expect(!customCandidates.isEmpty)
            for candidate in customCandidates {
                #expect(Array(candidate.custom.keys) == ["nickname"], "\(candidate.remoteID)")
                #expect(candidate.custom["nickname"] is NSNull, "\(candidate.remoteID)")
                #expect(candidate.integration.isEmpty)
            }
            #expect(jobsBesideCustom.allSatisfy { $0.integration.isEmpty && $0.custom.isEmpty })
        }
    }
}
