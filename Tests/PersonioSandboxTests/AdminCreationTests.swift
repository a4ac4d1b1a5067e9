import Foundation
import HTTPTypes
import PersonioSandbox
import Testing

@Suite("Admin creation of candidates and applications")
struct AdminCreationTests {
    @Test("a candidate created through the admin API can get an application, visible in v2")
    func createCandidateAndApplication() async throws {
        try await SandboxHarness.run(.with { $0.v2RateLimit = nil }) { sandbox in
            let auth = try await sandbox.authorization()
            let jobID = try #require(
                try await sandbox.request("/v2/recruiting/jobs?limit=1", headers: auth).items().first?["id"] as? String)
            let created = try await sandbox.request(
                "/_sandbox/candidates", method: .post, headers: AdminAndFaultTests.json,
                body: #"{"first_name":"Katherine","last_name":"Johnson","email":"kj@example.org"}"#)
            let candidateID = try #require(try created.json()["id"] as? Int)
            let application = try await sandbox.request(
                "/_sandbox/applications", method: .post, headers: AdminAndFaultTests.json,
                body: #"{"candidate_id":\#(candidateID),"job_id":\#(jobID)}"#)
            let twice = try await sandbox.request(
                "/_sandbox/applications", method: .post, headers: AdminAndFaultTests.json,
                body: #"{"candidate_id":\#(candidateID),"job_id":\#(jobID)}"#)
            let read = try await sandbox.request(
                "/v2/recruiting/applications?candidate.email=kj@example.org", headers: auth
            ).items()

            #expect(created.status == .created)
            #expect(application.status == .created)
            #expect(twice.status == .badRequest)
            #expect(read.count == 1)
            #expect((read.first?["job"] as? [String: Any])?["id"] as? String == jobID)
        }
    }
}
