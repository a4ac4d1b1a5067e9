import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JunctionApp
import JunctionModel
import JunctionServer
import JunctionStore
import JunctionTestSupport
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A browser's view of the dashboard: the cookies it holds and the forms it was shown.
struct Browser {
    var cookies: [String: String] = [:]

    var cookieHeader: HTTPFields {
        cookies.isEmpty ? [:] : [.cookie: cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")]
    }

    mutating func keep(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let value = pair.count == 2 ? String(pair[1]) : ""
            if header.contains("Max-Age=0") { cookies[String(pair[0])] = nil } else { cookies[String(pair[0])] = value }
        }
    }

    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Opens the sign-in page and signs in with `key`; the answer to the sign-in post.
    mutating func signIn(_ client: some TestClientProtocol, key: String, extraHeaders: HTTPFields = [:]) async throws
        -> TestResponse
    {
        let page = try await client.execute(uri: "/dashboard", method: .get, headers: cookieHeader)
        keep(page)
        let token = try #require(Self.field("sign_in_token", in: String(buffer: page.body)))
        var headers = cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers.append(contentsOf: extraHeaders)
        let answer = try await client.execute(
            uri: "/dashboard/sign-in", method: .post, headers: headers,
            body: ByteBuffer(string: "sign_in_token=\(token)&api_key=\(key)"))
        keep(answer)
        return answer
    }

    /// The dashboard's overview, or nil when it shows the sign-in page instead.
    func overview(_ client: some TestClientProtocol) async throws -> String? {
        let page = try await client.execute(uri: "/dashboard", method: .get, headers: cookieHeader)
        let html = String(buffer: page.body)
        return html.contains("<h1>Integrations</h1>") ? html : nil
    }

    mutating func signOut(_ client: some TestClientProtocol, formToken: String?) async throws {
        var headers = cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = formToken.map { "form_token=\($0)" } ?? ""
        let answer = try await client.execute(
            uri: "/dashboard/sign-out", method: .post, headers: headers, body: ByteBuffer(string: body))
        keep(answer)
    }
}

@Suite("Security hardening of the server")
struct SecurityTests {
    @Test("revoking a key ends the dashboard sessions opened with it", arguments: Backend.allCases)
    func revokedKeyEndsSessions(backend: Backend) async throws {
        let server = try await TestServer.start(backend: backend)
        let (key, plaintext) = try await server.runtime.store.access.createAPIKey(
            workspaceID: server.workspaceID, name: "leaked")
        try await server.test { client in
            var browser = Browser()
            let signedIn = try await browser.signIn(client, key: plaintext)
            #expect(signedIn.status == .seeOther)
            #expect(try await browser.overview(client) != nil)

            _ = try await server.runtime.store.access.revokeAPIKey(id: key.id)

            #expect(try await browser.overview(client) == nil)
            #expect(try await server.runtime.store.access.dashboardSessionCount(apiKeyID: key.id) == 0)
        }
    }

    @Test("signing out ends the session on the server: a replayed cookie is refused", arguments: Backend.allCases)
    func signOutEndsSession(backend: Backend) async throws {
        let server = try await TestServer.start(backend: backend)
        try await server.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, key: TestServer.apiKey)
            let page = try #require(try await browser.overview(client))
            let stolen = browser.cookies

            try await browser.signOut(client, formToken: Browser.field("form_token", in: page))

            let replay = Browser(cookies: stolen)
            #expect(try await replay.overview(client) == nil)
        }
    }

    @Test("sign-out without the form token (a cross-site post) leaves the session alone")
    func signOutNeedsToken() async throws {
        let server = try await TestServer.start()
        try await server.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, key: TestServer.apiKey)
            try await browser.signOut(client, formToken: nil)
            #expect(try await browser.overview(client) != nil)
        }
    }

    @Test("a sign-in posted from another site is refused and opens no session")
    func crossSiteSignIn() async throws {
        let server = try await TestServer.start()
        try await server.test { client in
            // An attacker's page cannot read or set the pre-session cookie: its post has no token
            // that matches one.
            let forged = try await client.execute(
                uri: "/dashboard/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "sign_in_token=abc&api_key=\(TestServer.apiKey)"))
            #expect(forged.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("junction_session=ds_") })
            #expect(String(buffer: forged.body).contains("another site"))

            // Even with a real token, a browser that says the post came from elsewhere is refused.
            for header: HTTPFields in [
                [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"], [HTTPField.Name("Origin")!: "http://evil.test"],
            ] {
                var browser = Browser()
                let answer = try await browser.signIn(client, key: TestServer.apiKey, extraHeaders: header)
                #expect(answer.status != .seeOther)
                #expect(try await browser.overview(client) == nil)
            }
        }
    }

    @Test("behind https the session is a __Host- cookie, two session cookies count as none, and HSTS is sent")
    func hostCookie() async throws {
        let server = try await TestServer.start { $0.publicURL = "https://junction.example.test" }
        try await server.test { client in
            var browser = Browser()
            let answer = try await browser.signIn(client, key: TestServer.apiKey)
            let cookie = try #require(
                answer.headers[values: .setCookie].first { $0.hasPrefix("__Host-junction_session=") })
            let attributes = Set(
                cookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(attributes.isSuperset(of: ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"]))
            #expect(!attributes.contains { $0.lowercased().hasPrefix("domain") })
            #expect(try await browser.overview(client) != nil)

            // A page on another port of the same host adds a cookie of the same name.
            let both =
                "__Host-junction_session=\(browser.cookies["__Host-junction_session"]!); __Host-junction_session=ds_attacker"
            let page = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: both])
            #expect(!String(buffer: page.body).contains("<h1>Integrations</h1>"))

            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
        }
    }

    @Test("wrong API keys past the limit answer 429 with Retry-After, by address and by key prefix")
    func authRateLimit() async throws {
        let server = try await TestServer.start { $0.authFailuresPerMinute = 5 }
        try await server.test { client in
            for attempt in 1...5 {
                let answer = try await client.execute(
                    uri: "/v1/check-api-key", method: .get, headers: bearer("jk_wrong_guess_\(attempt)_0000000000"))
                #expect(answer.status == .unauthorized)
            }
            let limited = try await client.execute(
                uri: "/v1/check-api-key", method: .get, headers: bearer("jk_wrong_guess_6_0000000000"))
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try limited.envelopeError().code == "PLATFORM.RATE_LIMIT_EXCEEDED")
        }
    }

    @Test(
        "a list route's key, checked in its page's statement, comes before its parameters and counts when wrong",
        arguments: Backend.allCases)
    func listRouteKey(backend: Backend) async throws {
        let server = try await TestServer.start(backend: backend) { $0.authFailuresPerMinute = 3 }
        let named = HTTPField.Name("X-Integration-Id")!
        try await server.test { client in
            var unknown = bearer()
            unknown[named] = "personio:nope"
            let missing = try await client.execute(uri: "/v1/ats/jobs?page_size=abc", method: .get, headers: unknown)
            var wrongKey = bearer("jk_wrong_guess_for_a_page_0000")
            wrongKey[named] = "personio:nope"
            var statuses: [HTTPResponse.Status] = []
            var codes: [String] = []
            for uri in [
                "/v1/ats/jobs?page_size=abc", "/v1/ats/candidates", "/v1/ats/tags?cursor=junk", "/v1/ats/users",
            ] {
                let answer = try await client.execute(uri: uri, method: .get, headers: wrongKey)
                statuses.append(answer.status)
                codes.append(try answer.envelopeError().code)
            }

            // A valid key's missing integration is told before its bad parameter, as before.
            #expect(missing.status == .notFound)
            #expect(try missing.envelopeError().code == "PLATFORM.INTEGRATION_NOT_FOUND")
            // A wrong key is a 401 whatever the parameters, and counts towards the limit.
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests])
            #expect(
                codes == [
                    "PLATFORM.AUTHENTICATION_INVALID", "PLATFORM.AUTHENTICATION_INVALID",
                    "PLATFORM.AUTHENTICATION_INVALID", "PLATFORM.RATE_LIMIT_EXCEEDED",
                ])
        }
    }

    @Test("failed dashboard sign-ins past the limit answer 429")
    func signInRateLimit() async throws {
        let server = try await TestServer.start { $0.signInFailuresPerMinute = 3 }
        try await server.test { client in
            var browser = Browser()
            var statuses: [HTTPResponse.Status] = []
            for attempt in 1...4 {
                statuses.append(try await browser.signIn(client, key: "jk_wrong_\(attempt)_00000000000000000").status)
            }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests])
        }
    }

    @Test("pages allow no inline script or style and no framing; API answers are never cached")
    func headers() async throws {
        let server = try await TestServer.start()
        try await server.test { client in
            let page = try await client.execute(uri: "/dashboard", method: .get)
            let csp = try #require(page.headers[HTTPField.Name("Content-Security-Policy")!])
            #expect(!csp.contains("unsafe-inline"))
            #expect(csp.contains("script-src 'none'") && csp.contains("frame-ancestors 'none'"))
            #expect(!String(buffer: page.body).contains("<style") && !String(buffer: page.body).contains("style="))
            let css = try await client.execute(uri: "/assets/junction.css", method: .get)
            #expect(css.status == .ok && css.headers[.contentType]?.hasPrefix("text/css") == true)

            let api = try await client.execute(uri: "/v1/check-api-key", method: .get, headers: bearer())
            #expect(api.headers[.cacheControl] == "no-store")
            #expect(api.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
            let refused = try await client.execute(uri: "/v1/check-api-key", method: .get)
            #expect(refused.headers[.cacheControl] == "no-store")
        }
    }

    @Test("a NUL in a query parameter or a body field is refused with a 400 naming it", arguments: Backend.allCases)
    func nulInput(backend: Backend) async throws {
        let server = try await TestServer.start(backend: backend)
        try await server.test { client in
            let query = try await client.execute(
                uri: "/v1/ats/jobs?name_contains=%00", method: .get, headers: bearer())
            #expect(query.status == .badRequest)
            #expect(try query.envelopeError().message.contains("'name_contains'"))

            var headers = bearer()
            headers[.contentType] = "application/json"
            let body = try await client.execute(
                uri: "/v1/webhooks", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"url":"https://hooks.example.com/a","description":"x\u0000y"}"#))
            #expect(body.status == .badRequest)
            #expect(try body.envelopeError().message.contains("'description'"))
            #expect(try await server.runtime.store.webhooks.webhookEndpoints(workspaceID: server.workspaceID).isEmpty)
        }
    }

    @Test(
        "webhook receivers on loopback, private and metadata addresses are refused at registration",
        arguments: [
            "http://127.0.0.1:9091/_sandbox/tokens/revoke-all", "http://localhost:18999/", "http://[::1]:18998/",
            "http://0.0.0.0:18999/", "http://127.1:18999/", "http://2130706433:18999/", "http://0x7f000001:18999/",
            "http://[::ffff:127.0.0.1]:18999/", "HTTP://127.0.0.1:18999/", "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/", "http://[fd00::1]/", "http://x.test/<img src=x>",
        ])
    func webhookRegistration(url: String) async throws {
        let server = try await TestServer.start()
        try await server.test { client in
            var headers = bearer()
            headers[.contentType] = "application/json"
            let answer = try await client.execute(
                uri: "/v1/webhooks", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"url":"\#(url)"}"#))
            #expect(answer.status == .badRequest)
            #expect(try answer.envelopeError().message.hasPrefix("Field 'url'"))
            #expect(try await server.runtime.store.webhooks.webhookEndpoints(workspaceID: server.workspaceID).isEmpty)
        }
    }

    @Test("the data folder is 0700 and the SQLite files 0600")
    func fileModes() async throws {
        let server = try await TestServer.start()
        let folder = server.runtime.configuration.dataDirectory
        try await server.test { _ in
            #expect(PrivateModes.mode(folder) == 0o700)
            for suffix in ["", "-wal", "-shm"] {
                if let mode = PrivateModes.mode(folder + "/junction.sqlite" + suffix) { #expect(mode == 0o600) }
            }
            #expect(PrivateModes.mode(folder + "/junction.sqlite") != nil)
        }
    }
}

enum PrivateModes {
    static func mode(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mode) & 0o777
    }
}
