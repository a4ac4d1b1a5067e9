import Foundation
import HTTPTypes
import PersonioSandbox
import Testing

@Suite("OAuth, scopes and rate limits")
struct AuthAndLimitTests {
    @Test("client credentials give a bearer token with the client's scopes and a day's lifetime")
    func issuesToken() async throws {
        try await SandboxHarness.run { sandbox in
            let reply = try await sandbox.token()
            let body = try reply.json()
            #expect(reply.status == .ok)
            #expect(body["token_type"] as? String == "Bearer")
            #expect(body["expires_in"] as? Int == 86_400)
            #expect(body["scope"] as? String == "personio:recruiting:read personio:persons:read")
        }
    }

    @Test(
        "OAuth failures are 400 with the RFC 6749 error name",
        arguments: [
            ("papi-sandbox-client", "wrong", nil, "unauthorized_client"),
            ("nobody", "papi-sandbox-secret", nil, "invalid_client"),
            ("papi-sandbox-persons-only", "papi-sandbox-secret", "personio:recruiting:read", "invalid_scope"),
        ] as [(String, String, String?, String)])
    func oauthErrors(clientID: String, secret: String, scope: String?, error: String) async throws {
        try await SandboxHarness.run { sandbox in
            let reply = try await sandbox.token(clientID: clientID, secret: secret, scope: scope)
            #expect(reply.status == .badRequest)
            #expect(try reply.json()["error"] as? String == error)
        }
    }

    @Test("a JSON token request is refused: the endpoint takes form bodies only")
    func formOnly() async throws {
        try await SandboxHarness.run { sandbox in
            let reply = try await sandbox.request(
                "/v2/auth/token", method: .post, headers: [.contentType: "application/json"],
                body:
                    #"{"grant_type":"client_credentials","client_id":"papi-sandbox-client","client_secret":"papi-sandbox-secret"}"#
            )
            #expect(reply.status == .badRequest)
            #expect(try reply.json()["error"] as? String == "invalid_request")
        }
    }

    @Test("no token, a revoked token, and a token without the recruiting scope are refused")
    func refusals() async throws {
        try await SandboxHarness.run { sandbox in
            let auth = try await sandbox.authorization()
            let limited = try await sandbox.authorization(clientID: "papi-sandbox-persons-only")
            let token = String(auth[.authorization]!.dropFirst("Bearer ".count))

            let none = try await sandbox.request("/v2/recruiting/jobs")
            let scopeless = try await sandbox.request("/v2/recruiting/jobs", headers: limited)
            let before = try await sandbox.request("/v2/recruiting/jobs", headers: auth)
            let revoke = try await sandbox.request(
                "/v2/auth/revoke", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: "token=\(token)")
            let after = try await sandbox.request("/v2/recruiting/jobs", headers: auth)

            #expect(none.status == .unauthorized)
            #expect(scopeless.status == .forbidden)
            #expect(before.status == .ok)
            #expect(revoke.status == .ok)
            #expect(after.status == .unauthorized)
        }
    }

    @Test("the missing-scope status is a switch (401 as on /v2/persons)")
    func missingScopeSwitch() async throws {
        try await SandboxHarness.run(.with { $0.missingScopeStatus = 401 }) { sandbox in
            let reply = try await sandbox.request(
                "/v2/recruiting/jobs", headers: try await sandbox.authorization(clientID: "papi-sandbox-persons-only"))
            #expect(reply.status == .unauthorized)
        }
    }

    @Test("an account without the recruiting API answers 404 'endpoint not found'")
    func recruitingDisabled() async throws {
        try await SandboxHarness.run(.with { $0.recruitingAPIEnabled = false }) { sandbox in
            let reply = try await sandbox.request("/v2/recruiting/jobs", headers: try await sandbox.authorization())
            #expect(reply.status == .notFound)
            #expect(reply.body.contains("The endpoint with /v2/recruiting/jobs was not found."))
        }
    }

    // A bucket that never refills, so the outcome does not depend on how fast the machine is;
    // refilling is tested with explicit clocks in LimitRecoveryTests.
    @Test("the token bucket answers 429 without Retry-After once the burst is spent, per endpoint")
    func rateLimit() async throws {
        try await SandboxHarness.run(.with { $0.v2RateLimit = .init(replenishPerSecond: 0, burstCapacity: 3) }) {
            sandbox in
            let auth = try await sandbox.authorization()
            var statuses: [Int] = []
            var remaining: [String] = []
            for _ in 0..<4 {
                let reply = try await sandbox.request("/v2/recruiting/jobs?limit=1", headers: auth)
                statuses.append(reply.status.code)
                remaining.append(reply.headers[HTTPField.Name("x-ratelimit-remaining")!] ?? "-")
                #expect(reply.headers[HTTPField.Name("x-ratelimit-burst-capacity")!] == "3")
                #expect(reply.headers[.retryAfter] == nil)
            }
            let otherEndpoint = try await sandbox.request("/v2/recruiting/candidates?limit=1", headers: auth)

            #expect(statuses == [200, 200, 200, 429])
            #expect(remaining == ["2", "1", "0", "0"])
            #expect(otherEndpoint.status == .ok)
        }
    }
}
