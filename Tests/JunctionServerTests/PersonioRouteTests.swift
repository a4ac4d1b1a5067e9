import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import Personio
import PersonioSandbox
import Testing

/// The write, passthrough and connect routes in process (the router, no socket) against a sandbox on a
/// loopback port, checked against the sandbox's ground truth read over its admin API.
@Suite("Writes, passthrough and the connect flow through the router")
struct PersonioRouteTests {
    /// A sandbox on a free port, a server in process with a Personio integration connected to it
    /// and synced once.
    static func withConnectedServer(
        synced: Bool = true,
        _ body:
            @escaping @Sendable (
                _ api: any TestClientProtocol, _ sandbox: any TestClientProtocol, _ integrationID: String
            )
            async throws -> Void
    ) async throws {
        try await withConnectedServer(synced: synced) { api, sandbox, integrationID, _ in
            try await body(api, sandbox, integrationID)
        }
    }

    /// `withConnectedServer`, handing on the server's store too.
    static func withConnectedServer(
        synced: Bool = true, backend: Backend = .sqlite,
        _ body:
            @escaping @Sendable (
                _ api: any TestClientProtocol, _ sandbox: any TestClientProtocol, _ integrationID: String,
                _ store: Store
            )
            async throws -> Void
    ) async throws {
        let configuration = {
            var configuration = SandboxConfiguration()
            configuration.jobs = 6
            configuration.candidates = 12
            configuration.v2RateLimit = nil
            return configuration
        }()
        let sandboxApp = Application(
            router: PersonioSandbox(configuration: configuration).buildRouter(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await sandboxApp.test(.live) { sandbox in
            let base = "http://127.0.0.1:\(try #require(sandbox.port))"
            let credentials = PersonioCredentials(
                clientID: configuration.clients[0].id, clientSecret: configuration.clients[0].secret,
                recruitingAPIKey: configuration.recruitingAPIKey, companyID: configuration.companyID,
                careerSubdomain: configuration.careerSubdomain, apiBaseURL: base, careerSiteBaseURL: base)
            let server = try await TestServer.start(backend: backend)
            let integration = Integration(
                id: IntegrationID(tool: .personio), workspaceID: server.workspaceID,
                setupStatus: synced ? .completed : .finalSyncPending, endUserOrganizationName: "Route test customer")
            try await server.runtime.store.integrations.createIntegration(
                integration, credentials: try JSONEncoder().encode(credentials))
            if synced {
                let run = try await server.runtime.syncs(logger: quietLogger).runFull(integration)
                #expect(run.status == .succeeded, "\(run.error ?? "")")
            }
            try await server.test { api in
                try await body(api, sandbox, integration.id.description, server.runtime.store)
            }
        }
    }

    static func headers(_ integrationID: String) -> HTTPFields {
        var headers = bearer()
        headers[HTTPField.Name("X-Integration-Id")!] = integrationID
        headers[.contentType] = "application/json"
        return headers
    }

    /// The sandbox's ground truth of `models`, as JSON text (parsed where it is read, so no
    /// untyped dictionary is held across a suspension).
    static func truth(_ sandbox: any TestClientProtocol, _ models: String) async throws -> Data {
        try await sandbox.execute(uri: "/_sandbox/ground-truth?models=\(models)", method: .get) {
            Data(buffer: $0.body)
        }
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The ids of the jobs published on the career site, by the ground truth.
    static func publishedJobs(_ sandbox: any TestClientProtocol) async throws -> Set<String> {
        let jobs = try object(try await truth(sandbox, "jobs"))["jobs"] as? [[String: Any]] ?? []
        return Set(jobs.filter { $0["published"] as? Bool == true }.compactMap { $0["id"].map { "\($0)" } })
    }

    /// The served results of a listing: `(id, remote_id, first_name)` of each.
    static func listed(_ api: any TestClientProtocol, _ uri: String, _ headers: HTTPFields) async throws
        -> [(id: String, remoteID: String, firstName: String?)]
    {
        try await api.execute(uri: uri, method: .get, headers: headers) { response in
            let results =
                try #require(try response.json()["data"] as? [String: Any])["results"] as? [[String: Any]] ?? []
            return results.map {
                ($0["id"] as? String ?? "", $0["remote_id"] as? String ?? "", $0["first_name"] as? String)
            }
        }
    }

    @Test("an application created through the route reaches the sandbox and is served back")
    func createApplication() async throws {
        try await Self.withConnectedServer { api, sandbox, integrationID in
            let headers = Self.headers(integrationID)
            let published = try await Self.publishedJobs(sandbox)
            let job = try #require(
                try await Self.listed(api, "/v1/ats/jobs?page_size=50", headers).first {
                    published.contains($0.remoteID)
                })
            let body =
                #"{"candidate":{"first_name":"Route","last_name":"Tester","email_address":"route.tester@example.org"}}"#

            let created = try await api.execute(
                uri: "/v1/ats/jobs/\(job.id)/applications", method: .post, headers: headers,
                body: ByteBuffer(string: body))

            #expect(created.status == .ok, "\(String(buffer: created.body))")
            let truth = try Self.object(try await Self.truth(sandbox, "candidates,applications"))
            let candidate = try #require(
                (truth["candidates"] as? [[String: Any]])?.first {
                    $0["email"] as? String == "route.tester@example.org"
                })
            let candidateID = "\(candidate["id"] ?? "")"
            let jobIDs = (truth["applications"] as? [[String: Any]] ?? []).filter {
                "\($0["candidate_id"] ?? "")" == candidateID
            }.map { "\($0["job_id"] ?? "")" }
            #expect(jobIDs == [job.remoteID])
            let served = try await Self.listed(api, "/v1/ats/candidates?email=route.tester%40example.org", headers)
            #expect(served.count == 1)
            #expect(served.first?.remoteID == candidateID)
            #expect(served.first?.firstName == "Route")
        }
    }

    @Test("passthrough answers as Personio does, and a path that would leave Personio is refused")
    func passthrough() async throws {
        try await Self.withConnectedServer { api, sandbox, integrationID in
            let headers = Self.headers(integrationID)
            let truthJobs = try Self.object(try await Self.truth(sandbox, "jobs"))["jobs"] as? [[String: Any]] ?? []
            let known = Set(truthJobs.compactMap { $0["id"].map { "\($0)" } })

            let answer = try await api.execute(
                uri: "/v1/passthrough/personio/recruitingV2", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"method":"GET","path":"/jobs","params":{"limit":"3"}}"#))
            let escape = try await api.execute(
                uri: "/v1/passthrough/personio/recruitingV2", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"method":"GET","path":"//evil.example/jobs"}"#))

            #expect(answer.status == .ok)
            let data = try #require(try answer.json()["data"] as? [String: Any])
            #expect(data["status"] as? Int == 200)
            #expect((data["url"] as? String)?.hasSuffix("/v2/recruiting/jobs?limit=3") == true)
            let listed = try #require((data["data"] as? [String: Any])?["_data"] as? [[String: Any]])
            #expect(listed.count == 3)
            #expect(Set(listed.compactMap { $0["id"].map { "\($0)" } }).isSubset(of: known))
            #expect(escape.status == .badRequest)
            #expect(try escape.envelopeError().message.contains("path"))
        }
    }

    @Test("the hosted connect flow tests the credentials, connects the integration and hands back its token")
    func connectFlow() async throws {
        let sandboxApp = Application(
            router: PersonioSandbox(configuration: SandboxConfiguration()).buildRouter(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await sandboxApp.test(.live) { sandbox in
            let base = "http://127.0.0.1:\(try #require(sandbox.port))"
            let server = try await TestServer.start { $0.connectPersonioBaseURL = base }
            let workspaceID = server.workspaceID
            try await server.test { api in
                var json = bearer()
                json[.contentType] = "application/json"
                let link = try await api.execute(
                    uri: "/v1/connect/create-link", method: .post, headers: json,
                    body: ByteBuffer(
                        string:
                            #"{"end_user_email":"hr@customer.example","end_user_organization_name":"Customer GmbH","#
                            + #""integration_category":"ATS","integration_tool":"personio","end_user_origin_id":"origin-7"}"#
                    )
                ) { response in
                    try #require(
                        try response.json()["data"] as? [String: Any], "\(String(buffer: response.body))")["link"]
                        as? String ?? ""
                }
                let path = try #require(URL(string: link)?.path)
                let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                let credentials =
                    "client_id=papi-sandbox-client&client_secret=papi-sandbox-secret"
                    + "&recruiting_api_key=sandbox-recruiting-api-key&company_id=123456&career_subdomain=acme"

                let guide = try await api.execute(uri: path, method: .get) { String(buffer: $0.body) }
                let results = try await api.execute(
                    uri: path + "/test", method: .post, headers: form, body: ByteBuffer(string: credentials)
                ) { String(buffer: $0.body) }
                let done = try await api.execute(
                    uri: path + "/finish", method: .post, headers: form,
                    body: ByteBuffer(string: "channel_id=250624&channel_name=Route+test")
                ) { String(buffer: $0.body) }

                #expect(guide.contains("name=\"client_secret\""))
                #expect(results.contains("data-check=\"token\" data-status=\"passed\""))
                #expect(!results.contains("data-status=\"failed\""))
                let token = try #require(
                    done.firstRange(of: #/id="activation-token">([^<]+)</#).map { String(done[$0]) }.flatMap {
                        $0.split(separator: ">").dropFirst().first?.split(separator: "<").first.map(String.init)
                    })
                let connected = try await api.execute(
                    uri: "/v1/connect/integration-by-token/\(token)", method: .get, headers: bearer()
                ) { try #require(try $0.json()["data"] as? [String: Any])["id"] as? String ?? "" }
                let stored = try #require(
                    try await server.runtime.store.integrations.integration(id: connected, workspaceID: workspaceID))
                #expect(stored.id.tool == .personio)
                #expect(stored.endUserOriginID == "origin-7" && stored.endUserOrganizationName == "Customer GmbH")
                let sealed = try #require(
                    try await server.runtime.store.integrations.credentials(
                        integrationID: connected, workspaceID: workspaceID))
                let saved = try JSONDecoder().decode(PersonioCredentials.self, from: sealed)
                #expect(saved.clientID == "papi-sandbox-client" && saved.apiBaseURL == base)
            }
        }
    }

    @Test("passthrough works before the first sync, and a query in the path joins the params")
    func passthroughBeforeFirstSync() async throws {
        try await Self.withConnectedServer(synced: false) { api, sandbox, integrationID in
            let headers = Self.headers(integrationID)
            let truthJobs = try Self.object(try await Self.truth(sandbox, "jobs"))["jobs"] as? [[String: Any]] ?? []

            let jobs = try await api.execute(uri: "/v1/ats/jobs", method: .get, headers: headers)
            let answer = try await api.execute(
                uri: "/v1/passthrough/personio/recruitingV2", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"method":"GET","path":"/jobs?limit=2","params":{"x":"a b"}}"#))
            let escape = try await api.execute(
                uri: "/v1/passthrough/personio/recruitingV2", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"method":"GET","path":"/../v1/auth?limit=2"}"#))

            #expect(try jobs.envelopeError().code == "INTEGRATION.SETUP_SYNC_PENDING")
            #expect(answer.status == .ok, "\(String(buffer: answer.body))")
            let data = try #require(try answer.json()["data"] as? [String: Any])
            #expect((data["url"] as? String)?.hasSuffix("/v2/recruiting/jobs?limit=2&x=a%20b") == true)
            let listed = try #require((data["data"] as? [String: Any])?["_data"] as? [[String: Any]])
            #expect(listed.count == min(2, truthJobs.count))
            #expect(escape.status == .badRequest)
            #expect(try escape.envelopeError().message.contains("'path'"))
        }
    }
}
