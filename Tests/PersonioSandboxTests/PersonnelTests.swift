import Foundation
import HTTPTypes
import PersonioSandbox
import Testing

@Suite("Persons and the v1 personnel API")
struct PersonnelTests {
    @Test("hiring-team persons referenced by jobs resolve through /v2/persons")
    func hiringTeamResolves() async throws {
        try await SandboxHarness.run { sandbox in
            let auth = try await sandbox.authorization()
            let jobs = try await sandbox.all("/v2/recruiting/jobs", headers: auth).items
            let personIDs = Set(
                jobs.flatMap {
                    ($0["hiring_team"] as? [[String: Any]] ?? []).compactMap {
                        ($0["person"] as? [String: Any])?["id"] as? String
                    }
                })
            let persons = try await sandbox.all("/v2/persons?limit=5", headers: auth).items

            #expect(!personIDs.isEmpty)
            #expect(personIDs.isSubset(of: Set(persons.compactMap { $0["id"] as? String })))
            let one = try await sandbox.request("/v2/persons/\(personIDs.first!)", headers: auth)
            #expect(one.status == .ok)
            #expect(try one.json()["email"] is String)
        }
    }

    @Test("persons need their scope (401 without), and page by at most 50")
    func personsRules() async throws {
        try await SandboxHarness.run { sandbox in
            let token = try await sandbox.token(scope: "personio:recruiting:read").json()["access_token"] as? String
            let recruitingOnly: HTTPFields = [.authorization: "Bearer \(token ?? "")"]
            let refused = try await sandbox.request("/v2/persons", headers: recruitingOnly)
            let tooMany = try await sandbox.request("/v2/persons?limit=51", headers: try await sandbox.authorization())
            #expect(refused.status == .unauthorized)
            #expect(tooMany.status == .badRequest)
        }
    }

    @Test("/v1/auth takes JSON or form credentials, refuses them in the query, and its token lists employees")
    func personnelAPI() async throws {
        try await SandboxHarness.run(.with { $0.persons = 23 }) { sandbox in
            let viaJSON = try await sandbox.request(
                "/v1/auth", method: .post, headers: [.contentType: "application/json"],
                body: #"{"client_id":"papi-sandbox-client","client_secret":"papi-sandbox-secret"}"#)
            let viaForm = try await sandbox.request(
                "/v1/auth", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: "client_id=papi-sandbox-client&client_secret=papi-sandbox-secret")
            let viaQuery = try await sandbox.request(
                "/v1/auth?client_id=papi-sandbox-client&client_secret=papi-sandbox-secret", method: .post)
            let wrong = try await sandbox.request(
                "/v1/auth", method: .post, headers: [.contentType: "application/json"],
                body: #"{"client_id":"x","client_secret":"y"}"#)
            let data = try #require(try viaJSON.json()["data"] as? [String: Any])
            let token = try #require(data["token"] as? String)
            let page = try await sandbox.request(
                "/v1/company/employees?limit=10&offset=20", headers: [.authorization: "Bearer \(token)"]
            ).json()

            #expect(viaForm.status == .ok)
            #expect(token.hasPrefix("papi-"))
            #expect(viaQuery.status == .forbidden)
            #expect(wrong.status == .unauthorized)
            #expect(try wrong.json()["success"] as? Bool == false)
            #expect((page["data"] as? [Any])?.count == 3)
            #expect((page["metadata"] as? [String: Any])?["total_elements"] as? Int == 23)
        }
    }
}
