import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionApp
import JunctionModel
import JunctionServer
import JunctionStore
import JunctionTestSupport
import NIOCore
import Testing

@Suite("GET /v1/integrations")
struct IntegrationsEndpointTests {
    @Test("the list holds only the key's workspace's integrations, and details of another's are not found")
    func scoped() async throws {
        let (server, mine, _) = try await JobsEndpointTests.serverWithIntegration()
        let other = try await server.runtime.store.access.createWorkspace(name: "Other")
        let theirs = Integration(
            id: IntegrationID(tool: .personio), workspaceID: other.id, endUserOrganizationName: "Theirs")
        try await server.runtime.store.integrations.createIntegration(theirs, credentials: Data("{}".utf8))
        try await server.test { client in
            try await client.execute(uri: "/v1/integrations", method: .get, headers: bearer()) { response in
                let data = try #require(try response.json()["data"] as? [String: Any])
                let ids = (data["results"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                #expect(ids == [mine.id.description])
            }
            try await client.execute(uri: "/v1/integrations/\(theirs.id)", method: .get, headers: bearer()) {
                response in
                #expect(response.status == .notFound)
                let error = try response.envelopeError()
                #expect(error.code == "PLATFORM.INTEGRATION_NOT_FOUND")
            }
            try await client.execute(uri: "/v1/integrations/\(mine.id)", method: .get, headers: bearer()) { response in
                let data = try #require(try response.json()["data"] as? [String: Any])
                #expect(data["id"] as? String == mine.id.description)
                #expect((data["end_user"] as? [String: Any])?["organization_name"] as? String == "Customer GmbH")
                #expect(data["data_expired_at"] is NSNull)
            }
        }
    }
}
