import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionApp
import JunctionServer
import JunctionTestSupport
import NIOCore
import Testing

@Suite("Health, authentication and the general endpoints")
struct GeneralEndpointTests {
    @Test("healthz answers without a key and names the database", arguments: Backend.allCases)
    func health(backend: Backend) async throws {
        let server = try await TestServer.start(backend: backend)
        try await server.test { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try response.json()
                #expect(body["status"] as? String == "ok")
                #expect(body["database"] as? String == backend.rawValue)
            }
        }
    }

    @Test("check-api-key answers the workspace id for a valid key", arguments: Backend.allCases)
    func checkAPIKey(backend: Backend) async throws {
        let server = try await TestServer.start(backend: backend)
        let workspaces = try await server.runtime.store.access.workspaces()
        try await server.test { client in
            try await client.execute(uri: "/v1/check-api-key", method: .get, headers: bearer()) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try response.json()
                #expect(body["status"] as? String == "success")
                #expect(body["warnings"] == nil)
                let data = try #require(body["data"] as? [String: Any])
                #expect(workspaces.count == 1)
                #expect(data["environment_id"] as? String == workspaces.first?.id)
            }
        }
    }

    @Test(
        "a missing, malformed or unknown key is a 401 in the envelope",
        arguments: [
            (nil, "Missing API key"),
            ("Basic abc", "must have the form"),
            ("Bearer jk_this_key_is_not_registered_01", "not valid"),
        ] as [(String?, String)])
    func rejectsBadKeys(header: String?, messagePart: String) async throws {
        let server = try await TestServer.start()
        try await server.test { client in
            let headers: HTTPFields = header.map { [.authorization: $0] } ?? [:]
            try await client.execute(uri: "/v1/check-api-key", method: .get, headers: headers) { response in
                #expect(response.status == .unauthorized)
                let error = try response.envelopeError()
                #expect(error.code == "PLATFORM.AUTHENTICATION_INVALID")
                #expect(error.message.contains(messagePart))
            }
        }
    }

    @Test("a revoked key stops working", arguments: Backend.allCases)
    func revokedKey(backend: Backend) async throws {
        let server = try await TestServer.start(backend: backend)
        let (key, plaintext) = try await server.runtime.store.access.createAPIKey(
            workspaceID: server.workspaceID, name: "temp")
        _ = try await server.runtime.store.access.revokeAPIKey(id: key.id)
        try await server.test { client in
            try await client.execute(uri: "/v1/check-api-key", method: .get, headers: bearer(plaintext)) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("unknown routes answer 404 in the envelope, with or without a key", arguments: ["/nope", "/v1/nope", "/v1"])
    func unknownRoutes(path: String) async throws {
        let server = try await TestServer.start()
        try await server.test { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound)
                let error = try response.envelopeError()
                #expect(error.code == "PLATFORM.INPUT_INVALID")
                #expect(error.message.contains(path))
            }
        }
    }

    @Test("a body over the limit is refused with 413 in the envelope")
    func oversizedBody() async throws {
        let server = try await TestServer.start { $0.maxBodyBytes = 1024 }
        try await server.test { client in
            let body = ByteBuffer(string: String(repeating: "x", count: 4096))
            try await client.execute(uri: "/v1/check-api-key", method: .post, headers: bearer(), body: body) {
                response in
                #expect(response.status == .contentTooLarge)
                let error = try response.envelopeError()
                #expect(error.code == "PLATFORM.INPUT_INVALID")
                #expect(error.message.contains("1024"))
            }
        }
    }

    @Test("a failure on our side is a 500 with a log id, and healthz reports it")
    func internalFailure() async throws {
        let server = try await TestServer.start()
        try await server.runtime.database.close()
        try await server.test { client in
            try await client.execute(uri: "/v1/check-api-key", method: .get, headers: bearer()) { response in
                #expect(response.status == .internalServerError)
                let error = try response.envelopeError()
                #expect(error.code == "PLATFORM.UNKNOWN_ERROR")
                #expect(error.message.contains("log id"))
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }

    @Test(
        "HRIS, assessment and LMS routes answer a defined error in Kombo's envelope, after the key check",
        arguments: [
            ("/v1/hris/employees", HTTPRequest.Method.get), ("/v1/hris/employees/e1", .patch),
            ("/v1/assessment/orders/open", .get), ("/v1/assessment/orders/o1/result", .put),
            ("/v1/lms/courses", .get),
        ])
    func otherCategories(path: String, method: HTTPRequest.Method) async throws {
        let server = try await TestServer.start()
        try await server.test { client in
            let answer = try await client.execute(uri: path, method: method, headers: bearer())
            let anonymous = try await client.execute(uri: path, method: method)

            #expect(answer.status == .forbidden, "\(String(buffer: answer.body))")
            let error = try answer.envelopeError()
            #expect(error.code == "INTEGRATION.MODEL_NOT_AVAILABLE")
            #expect(error.message.hasPrefix("\(method) \(path) is an "))
            #expect(anonymous.status == .unauthorized)
        }
    }
}
