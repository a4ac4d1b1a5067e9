import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionApp
import JunctionConnectors
import JunctionModel
import JunctionServer
import JunctionStore
import JunctionTestSupport
import Testing

/// A second connector is a new target plus one registry entry: the test-only `MemoryConnector`,
/// registered through the composition root's registry, is synced by the same engine, listed
/// through `/v1/ats/*`, and reports its own coverage, with nothing outside its folder changed.
@Suite("A second connector through the registry")
struct SecondConnectorTests {
    static let account = MemoryConnector.Account(
        jobs: [
            .init(id: "j-1", title: "Lighthouse keeper", open: true),
            .init(id: "j-2", title: "Cartographer", open: false),
        ],
        candidates: [
            .init(id: "c-1", firstName: "Ada", lastName: "Byron", email: "ada@memory.example"),
            .init(id: "c-2", firstName: "Mary", lastName: "Somerville", email: "mary@memory.example"),
            .init(id: "c-3", firstName: "Caroline", lastName: "Herschel", email: "caroline@memory.example"),
        ])

    @Test("synced, listed through /v1/ats, and describing itself", arguments: Backend.allCases)
    func endToEnd(backend: Backend) async throws {
        let server = try await TestServer.start(backend: backend, connectors: [MemoryConnector()])
        let integration = Integration(
            id: IntegrationID(tool: MemoryConnector.tool), workspaceID: server.workspaceID, setupStatus: .completed,
            endUserOrganizationName: "Memory customer")
        try await server.runtime.store.integrations.createIntegration(
            integration, credentials: try JSONEncoder().encode(Self.account))
        let id = integration.id.description

        let run = try await server.runtime.syncs(logger: quietLogger).runFull(integration, pageSize: 2)

        #expect(run.status == .succeeded, "\(run.error ?? "")")
        #expect(run.stats.added["jobs"] == 2 && run.stats.added["candidates"] == 3)
        try await server.test { client in
            var headers = bearer()
            headers[HTTPField.Name("X-Integration-Id")!] = id
            let jobs = try await client.execute(uri: "/v1/ats/jobs", method: .get, headers: headers) {
                try #require(try $0.json()["data"] as? [String: Any])["results"] as? [[String: Any]]
            }
            let candidates = try await client.execute(uri: "/v1/ats/candidates", method: .get, headers: headers) {
                try #require(try $0.json()["data"] as? [String: Any])["results"] as? [[String: Any]]
            }
            let tools = try await client.execute(uri: "/v1/tools/ats", method: .get, headers: bearer()) {
                try #require(try $0.json()["data"] as? [String: Any])["tools"] as? [[String: Any]]
            }
            let details = try await client.execute(uri: "/v1/integrations/\(id)", method: .get, headers: bearer()) {
                try #require(try $0.json()["data"] as? [String: Any])
            }

            let names = Set((jobs ?? []).compactMap { $0["name"] as? String })
            #expect(names == ["Lighthouse keeper", "Cartographer"])
            #expect(Set((jobs ?? []).compactMap { $0["status"] as? String }) == ["OPEN", "CLOSED"])
            let emails = (candidates ?? []).compactMap {
                (($0["email_addresses"] as? [[String: Any]])?.first?["email_address"]) as? String
            }
            #expect(Set(emails) == Set(Self.account.candidates.map(\.email)))
            #expect((tools ?? []).compactMap { $0["id"] as? String } == ["personio", "memory-ats"])
            let memory = try #require((tools ?? []).first { $0["id"] as? String == "memory-ats" })
            let coverage = try #require(memory["coverage"] as? [String: Any])
            let readModels = try #require(coverage["read_models"] as? [[String: Any]])
            #expect(
                readModels.compactMap { $0["id"] as? String } == ["ats_jobs", "ats_candidates", "ats_applications"])
            #expect(readModels.last?["coverage_status"] as? String == "UNSUPPORTED")
            let tool = try #require(details["tool"] as? [String: Any])
            #expect(tool["label"] as? String == "Memory ATS")
            let detailModels = try #require(details["read_models"] as? [[String: Any]])
            #expect(
                detailModels.compactMap { $0["id"] as? String } == ["ats_jobs", "ats_candidates", "ats_applications"])
        }
    }
}
