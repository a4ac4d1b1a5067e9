import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import Testing

/// `POST /v1/personal-data/erasures` (issue 21): the operator's erasure over HTTP, scoped to the
/// key's workspace, with clear errors.
@Suite("Erasure over the API", .freshDatabases)
struct PersonalDataEndpointTests {
    static func post(_ client: any TestClientProtocol, _ body: String, headers: HTTPFields = bearer()) async throws
        -> TestResponse
    {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await client.execute(
            uri: "/v1/personal-data/erasures", method: .post, headers: headers, body: ByteBuffer(string: body)
        ) { $0 }
    }

    @Test(
        "erases in the key's workspace only, reports it, and refuses a body without an address",
        arguments: Backend.allCases)
    func erasure(backend: Backend) async throws {
        let server = try await TestServer.start(backend: backend)
        let store = server.runtime.store
        let address = "Admin.Person@customer.example"
        let other = try await store.access.createWorkspace(name: "Other")
        for workspace in [server.workspaceID, other.id] {
            try await store.integrations.createIntegration(
                Integration(
                    id: IntegrationID(tool: .personio), workspaceID: workspace, endUserOrganizationName: "Customer",
                    endUserEmail: address),
                credentials: Data("{}".utf8))
        }

        try await server.test { client in
            let missing = try await Self.post(client, "{}")
            let wrong = try await Self.post(client, #"{"email":"Admin Person"}"#)
            let anonymous = try await Self.post(client, #"{"email":"admin.person@customer.example"}"#, headers: [:])
            let erased = try await Self.post(client, #"{"email":"ADMIN.PERSON@customer.example"}"#)
            // Quotes and LIKE's wildcards are an address's characters, not SQL: nothing matches.
            let odd = try await Self.post(client, #"{"email":"o'brien_%\\@customer.example"}"#)

            #expect(missing.status == .badRequest)
            #expect(try missing.envelopeError().message.contains("'email'"))
            #expect(wrong.status == .badRequest)
            #expect(try wrong.envelopeError().message.contains("'email'"))
            #expect(anonymous.status == .unauthorized)
            #expect(erased.status == .ok)
            let data = try #require(try erased.json()["data"] as? [String: Any])
            #expect(data["email"] as? String == "admin.person@customer.example")
            #expect((data["erased"] as? [String: Int]) == ["integrations.end_user_email": 1])
            #expect((data["remaining"] as? [String])?.isEmpty == true)
            #expect(odd.status == .ok)
            let oddData = try #require(try odd.json()["data"] as? [String: Any])
            #expect((oddData["erased"] as? [String: Int]) == [:])
            #expect(try await store.personalData.places(containing: address, workspaceID: server.workspaceID).isEmpty)
            #expect(
                try await store.personalData.places(containing: address, workspaceID: other.id) == [
                    "integrations.end_user_email"
                ])
        }
    }
}
