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

@Suite("GET /v1/ats/jobs: integration checks and keyset pages")
struct JobsEndpointTests {
    /// A server whose workspace has one integration in `setupStatus`, holding `jobCount` jobs.
    static func serverWithIntegration(
        backend: Backend = .sqlite, setupStatus: SetupStatus = .completed, status: IntegrationStatus = .active,
        jobCount: Int = 0
    ) async throws -> (TestServer, Integration, [Job]) {
        let server = try await TestServer.start(backend: backend)
        let integration = Integration(
            id: IntegrationID(tool: .personio), workspaceID: server.workspaceID, status: status,
            setupStatus: setupStatus, endUserOrganizationName: "Customer GmbH")
        try await server.runtime.store.integrations.createIntegration(integration, credentials: Data("{}".utf8))
        let jobs = jobCount > 0 ? sampleJobs(jobCount, integrationID: integration.id) : []
        try await server.runtime.store.records.saveJobs(jobs, integrationID: integration.id.description)
        return (server, integration, jobs)
    }

    static func headers(_ integration: Integration) -> HTTPFields {
        var headers = bearer()
        headers[HTTPField.Name("X-Integration-Id")!] = integration.id.description
        return headers
    }

    @Test("pages of 2 walk every job once in order, each page a valid list envelope", arguments: Backend.allCases)
    func walksPages(backend: Backend) async throws {
        let (server, integration, jobs) = try await Self.serverWithIntegration(backend: backend, jobCount: 5)
        try await server.test { client in
            var seen: [String] = []
            var next: String? = nil
            var pages = 0
            repeat {
                var uri = "/v1/ats/jobs?page_size=2&include_deleted=false&ignore_unsupported_filters=false"
                if let next { uri += "&cursor=" + next.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
                try await client.execute(uri: uri, method: .get, headers: Self.headers(integration)) { response in
                    #expect(response.status == .ok)
                    let data = try #require(try response.json()["data"] as? [String: Any])
                    #expect(data.keys.contains("next"))
                    let results = try #require(data["results"] as? [[String: Any]])
                    seen += results.compactMap { $0["id"] as? String }
                    next = data["next"] as? String
                }
                pages += 1
            } while next != nil && pages < 10

            #expect(pages == 3)
            #expect(seen == jobs.map(\.id).sorted())
        }
    }

    @Test("a missing X-Integration-Id is a 400 that names the header")
    func missingHeader() async throws {
        let (server, _, _) = try await Self.serverWithIntegration()
        try await server.test { client in
            try await client.execute(uri: "/v1/ats/jobs", method: .get, headers: bearer()) { response in
                #expect(response.status == .badRequest)
                let error = try response.envelopeError()
                #expect(error.code == "PLATFORM.INPUT_INVALID")
                #expect(error.message.contains("X-Integration-Id"))
            }
        }
    }

    @Test("another workspace's integration answers exactly like an unknown one")
    func otherWorkspace() async throws {
        let (server, integration, _) = try await Self.serverWithIntegration(jobCount: 1)
        let intruder = try await server.runtime.store.access.createWorkspace(name: "Intruder")
        let (_, intruderKey) = try await server.runtime.store.access.createAPIKey(workspaceID: intruder.id, name: "i")
        try await server.test { client in
            var headers = Self.headers(integration)
            headers[.authorization] = "Bearer \(intruderKey)"
            try await client.execute(uri: "/v1/ats/jobs", method: .get, headers: headers) { response in
                #expect(response.status == .notFound)
                let error = try response.envelopeError()
                #expect(error.code == "PLATFORM.INTEGRATION_NOT_FOUND")
            }
        }
    }

    @Test(
        "reads wait for the first sync and refuse a disabled integration",
        arguments: [
            (SetupStatus.incomplete, IntegrationStatus.active, 409, "INTEGRATION.SETUP_SYNC_PENDING"),
            (SetupStatus.finalSyncPending, IntegrationStatus.active, 409, "INTEGRATION.SETUP_SYNC_PENDING"),
            (SetupStatus.completed, IntegrationStatus.inactive, 403, "INTEGRATION.INACTIVE"),
        ])
    func integrationState(setup: SetupStatus, status: IntegrationStatus, httpStatus: Int, code: String) async throws {
        let (server, integration, _) = try await Self.serverWithIntegration(setupStatus: setup, status: status)
        try await server.test { client in
            try await client.execute(uri: "/v1/ats/jobs", method: .get, headers: Self.headers(integration)) {
                response in
                #expect(response.status.code == httpStatus)
                let error = try response.envelopeError()
                #expect(error.code == code)
            }
        }
    }

    @Test(
        "bad paging input is a 400 that names the parameter",
        arguments: [
            ("page_size=0", "page_size"), ("page_size=251", "page_size"), ("page_size=ten", "page_size"),
            ("include_deleted=yes", "include_deleted"), ("cursor=garbage", "cursor"),
        ])
    func badPaging(query: String, parameter: String) async throws {
        let (server, integration, _) = try await Self.serverWithIntegration(jobCount: 1)
        try await server.test { client in
            try await client.execute(uri: "/v1/ats/jobs?\(query)", method: .get, headers: Self.headers(integration)) {
                response in
                #expect(response.status == .badRequest)
                let error = try response.envelopeError()
                #expect(error.code == "PLATFORM.INPUT_INVALID")
                #expect(error.message.contains("'\(parameter)'"))
            }
        }
    }

    @Test("a parameter the endpoint does not know is ignored and named in a Warning header")
    func unknownParameter() async throws {
        let (server, integration, _) = try await Self.serverWithIntegration(jobCount: 3)
        try await server.test { client in
            try await client.execute(
                uri: "/v1/ats/jobs?colour=blue&page_size=2&shade=dark", method: .get, headers: Self.headers(integration)
            ) { response in
                #expect(response.status == .ok)
                #expect(
                    response.headers[values: HTTPField.Name("Warning")!] == [
                        "299 junction \"Query parameter 'colour' is not known to this endpoint and was ignored.\"",
                        "299 junction \"Query parameter 'shade' is not known to this endpoint and was ignored.\"",
                    ])
                let data = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let results = (data?["data"] as? [String: Any])?["results"] as? [Any]
                #expect(results?.count == 2)
            }
        }
    }

    @Test("a cursor is refused when tampered with or reused with other parameters")
    func cursorIntegrity() async throws {
        let (server, integration, _) = try await Self.serverWithIntegration(jobCount: 3)
        try await server.test { client in
            var cursor = ""
            try await client.execute(uri: "/v1/ats/jobs?page_size=1", method: .get, headers: Self.headers(integration))
            {
                response in
                let data = try #require(try response.json()["data"] as? [String: Any])
                cursor = try #require(data["next"] as? String)
            }
            // Flip one character of the signed payload.
            var tampered = Array(cursor)
            tampered[2] = tampered[2] == "A" ? "B" : "A"
            let cases = [
                "page_size=1&cursor=\(String(tampered))",
                "page_size=2&cursor=\(cursor)",
            ]
            for query in cases {
                try await client.execute(uri: "/v1/ats/jobs?\(query)", method: .get, headers: Self.headers(integration))
                {
                    response in
                    #expect(response.status == .badRequest, "\(query)")
                    let error = try response.envelopeError()
                    #expect(error.message.contains("'cursor'"))
                }
            }
            try await client.execute(
                uri: "/v1/ats/jobs?page_size=1&cursor=\(cursor)", method: .get, headers: Self.headers(integration)
            ) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
