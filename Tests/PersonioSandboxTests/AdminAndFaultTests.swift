import Foundation
import HTTPTypes
import PersonioSandbox
import Testing

@Suite("Admin API and fault injection")
struct AdminAndFaultTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test("ground truth holds exactly the records the v2 API lists")
    func groundTruthMatchesAPI() async throws {
        try await SandboxHarness.run(
            .with {
                $0.candidates = 60
                $0.v2RateLimit = nil
            }
        ) { sandbox in
            let auth = try await sandbox.authorization()
            let truth = try await sandbox.request("/_sandbox/ground-truth").json()
            let candidates = try await sandbox.all("/v2/recruiting/candidates?limit=200", headers: auth).items
            let applications = try await sandbox.all("/v2/recruiting/applications?limit=200", headers: auth).items

            let truthCandidates = try #require(truth["candidates"] as? [[String: Any]])
            let truthApplications = try #require(truth["applications"] as? [[String: Any]])
            #expect(
                Set(truthCandidates.compactMap { $0["id"] as? Int }.map(String.init))
                    == Set(candidates.compactMap { $0["id"] as? String }))
            #expect(
                Set(truthApplications.compactMap { $0["id"] as? Int }.map(String.init))
                    == Set(applications.compactMap { $0["id"] as? String }))
            #expect((truth["jobs"] as? [[String: Any]])?.contains { $0["published"] as? Bool == false } == true)
        }
    }

    @Test("edits show up in v2 as the newest records; unpublishing removes a job from the feed")
    func mutations() async throws {
        try await SandboxHarness.run(.with { $0.v2RateLimit = nil }) { sandbox in
            let auth = try await sandbox.authorization()
            let feed = try await sandbox.request("/xml").body
            let jobID = try #require(
                feed.components(separatedBy: "<id>").dropFirst().first.map { String($0.prefix { $0.isNumber }) })
            let oldestCandidate = try #require(
                try await sandbox.all("/v2/recruiting/candidates?limit=200", headers: auth).items.last)
            let candidateID = try #require(oldestCandidate["id"] as? String)

            let rename = try await sandbox.request(
                "/_sandbox/jobs/\(jobID)", method: .patch, headers: Self.json, body: #"{"name":"Renamed job"}"#)
            let unpublish = try await sandbox.request("/_sandbox/jobs/\(jobID)/unpublish", method: .post)
            let edit = try await sandbox.request(
                "/_sandbox/candidates/\(candidateID)", method: .patch, headers: Self.json,
                body: #"{"last_name":"Edited"}"#)
            let newestJob = try await sandbox.request("/v2/recruiting/jobs?limit=1", headers: auth).items().first
            let newestCandidate = try await sandbox.request("/v2/recruiting/candidates?limit=1", headers: auth).items()
                .first
            let feedAfter = try await sandbox.request("/xml").body

            #expect([rename.status, unpublish.status, edit.status] == [.ok, .ok, .ok])
            #expect(newestJob?["id"] as? String == jobID)
            #expect(newestJob?["name"] as? String == "Renamed job")
            #expect(newestCandidate?["id"] as? String == candidateID)
            #expect(newestCandidate?["last_name"] as? String == "Edited")
            #expect(!feedAfter.contains("<id>\(jobID)</id>"))
        }
    }

    @Test("moving a stage adds a transition; deleting a candidate removes its applications")
    func stagesAndDeletion() async throws {
        try await SandboxHarness.run(.with { $0.v2RateLimit = nil }) { sandbox in
            let auth = try await sandbox.authorization()
            let candidate = try #require(
                try await sandbox.request("/v2/recruiting/candidates?limit=50", headers: auth).items().first {
                    ($0["applications"] as? [Any])?.isEmpty == false
                })
            let candidateID = try #require(candidate["id"] as? String)
            let applicationID = try #require((candidate["applications"] as? [[String: Any]])?.first?["id"] as? String)
            let before = try await sandbox.request(
                "/v2/recruiting/applications/\(applicationID)/stage-transitions", headers: auth
            ).items().count

            let move = try await sandbox.request(
                "/_sandbox/applications/\(applicationID)/stage", method: .post, headers: Self.json,
                body: #"{"type":"system","id":"rejected"}"#)
            let after = try await sandbox.request(
                "/v2/recruiting/applications/\(applicationID)/stage-transitions", headers: auth
            ).items()
            let delete = try await sandbox.request("/_sandbox/candidates/\(candidateID)", method: .delete)
            let gone = try await sandbox.request("/v2/recruiting/candidates/\(candidateID)", headers: auth)
            let applicationGone = try await sandbox.request(
                "/v2/recruiting/applications/\(applicationID)", headers: auth)

            #expect(move.status == .ok)
            #expect(after.count == before + 1)
            #expect((after.first?["stage"] as? [String: Any])?["kind"] as? String == "rejected")
            #expect(delete.status == .ok)
            #expect(gone.status == .notFound)
            #expect(applicationGone.status == .notFound)
        }
    }

    @Test("rotating a secret ends its tokens; changing scopes ends them too")
    func credentials() async throws {
        try await SandboxHarness.run { sandbox in
            let auth = try await sandbox.authorization()
            let rotated = try await sandbox.request(
                "/_sandbox/clients/papi-sandbox-client/rotate-secret", method: .post
            ).json()
            let newSecret = try #require(rotated["client_secret"] as? String)

            let oldToken = try await sandbox.request("/v2/recruiting/jobs", headers: auth)
            let oldSecret = try await sandbox.token()
            let newToken = try await sandbox.token(secret: newSecret)
            let token = try #require(try newToken.json()["access_token"] as? String)
            _ = try await sandbox.request(
                "/_sandbox/clients/papi-sandbox-client/scopes", method: .put, headers: Self.json,
                body: #"{"scopes":["personio:persons:read"]}"#)
            let afterScopeChange = try await sandbox.request(
                "/v2/recruiting/jobs", headers: [.authorization: "Bearer \(token)"])

            #expect(oldToken.status == .unauthorized)
            #expect(oldSecret.status == .badRequest)
            #expect(newToken.status == .ok)
            #expect(afterScopeChange.status == .unauthorized)
        }
    }

    @Test("a 429 storm with Retry-After hits exactly its count, then the endpoint recovers")
    func rateLimitStorm() async throws {
        try await SandboxHarness.run(.with { $0.v2RateLimit = nil }) { sandbox in
            let auth = try await sandbox.authorization()
            _ = try await sandbox.request(
                "/_sandbox/faults", method: .put, headers: Self.json,
                body:
                    #"{"rules":[{"path":"/v2/recruiting/jobs","fault":"rate_limit","count":2,"retry_after":3},{"path":"/v2/recruiting/candidates","fault":"rate_limit","count":1}]}"#
            )

            var jobs: [SandboxHarness.Reply] = []
            for _ in 0..<3 { jobs.append(try await sandbox.request("/v2/recruiting/jobs", headers: auth)) }
            let candidates = try await sandbox.request("/v2/recruiting/candidates", headers: auth)

            #expect(jobs.map(\.status) == [.tooManyRequests, .tooManyRequests, .ok])
            #expect(jobs[0].headers[.retryAfter] == "3")
            #expect(candidates.status == .tooManyRequests)
            #expect(candidates.headers[.retryAfter] == nil)
        }
    }

    @Test("server errors start after the given number of requests")
    func serverErrorBurst() async throws {
        try await SandboxHarness.run(.with { $0.v2RateLimit = nil }) { sandbox in
            let auth = try await sandbox.authorization()
            _ = try await sandbox.request(
                "/_sandbox/faults", method: .put, headers: Self.json,
                body:
                    #"{"rules":[{"path":"/v2/recruiting/applications","fault":"server_error","status":503,"after":1,"count":2}]}"#
            )
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(try await sandbox.request("/v2/recruiting/applications", headers: auth).status.code)
            }
            #expect(statuses == [200, 503, 503, 200])
        }
    }

    @Test("pages can skip, repeat, truncate or replace their records")
    func bodyFaults() async throws {
        try await SandboxHarness.run(.with { $0.v2RateLimit = nil }) { sandbox in
            let auth = try await sandbox.authorization()
            let clean = try await sandbox.request("/v2/recruiting/candidates?limit=10", headers: auth).items()
            _ = try await sandbox.request(
                "/_sandbox/faults", method: .put, headers: Self.json,
                body:
                    #"{"rules":[{"path":"/v2/recruiting/candidates","fault":"skip_records","records":3,"count":1},{"path":"/v2/recruiting/candidates","fault":"repeat_records","records":2,"after":1,"count":1},{"path":"/v2/recruiting/candidates","fault":"truncate","after":2,"count":1},{"path":"/xml","fault":"malformed","count":1}]}"#
            )

            let skipped = try await sandbox.request("/v2/recruiting/candidates?limit=10", headers: auth).items()
            let repeated = try await sandbox.request("/v2/recruiting/candidates?limit=10", headers: auth).items()
            let truncated = try await sandbox.request("/v2/recruiting/candidates?limit=10", headers: auth)
            let feed = try await sandbox.request("/xml")
            let log = try await sandbox.request("/_sandbox/faults/log").body

            let ids = { (items: [[String: Any]]) in items.compactMap { $0["id"] as? String } }
            #expect(ids(skipped) == Array(ids(clean).dropFirst(3)))
            #expect(ids(repeated) == ids(clean) + ids(clean).prefix(2))
            #expect((try? JSONSerialization.jsonObject(with: Data(truncated.body.utf8))) == nil)
            #expect(!feed.body.contains("workzag-jobs"))
            #expect(
                log.contains("skip_records") && log.contains("repeat_records") && log.contains("truncate")
                    && log.contains("malformed"))
        }
    }

    @Test("a timeout holds the request, then answers 504")
    func timeout() async throws {
        try await SandboxHarness.run { sandbox in
            _ = try await sandbox.request(
                "/_sandbox/faults", method: .put, headers: Self.json,
                body: #"{"rules":[{"path":"/v2/recruiting/jobs","fault":"timeout","seconds":0.2,"count":1}]}"#)
            let reply = try await sandbox.request("/v2/recruiting/jobs", headers: try await sandbox.authorization())
            #expect(reply.status == .gatewayTimeout)
        }
    }

    @Test("a probabilistic plan replays identically from its seed")
    func deterministicFaults() async throws {
        func pattern(seed: Int) async throws -> [Int] {
            let result = Mutex(value: [Int]())
            try await SandboxHarness.run(.with { $0.v2RateLimit = nil }) { sandbox in
                let auth = try await sandbox.authorization()
                _ = try await sandbox.request(
                    "/_sandbox/faults", method: .put, headers: Self.json,
                    body: #"{"seed":\#(seed),"rules":[{"path":"/v2","fault":"server_error","probability":0.5}]}"#)
                var statuses: [Int] = []
                for _ in 0..<24 {
                    statuses.append(try await sandbox.request("/v2/recruiting/jobs?limit=1", headers: auth).status.code)
                }
                result.set(statuses)
            }
            return result.get()
        }
        let first = try await pattern(seed: 11)
        let again = try await pattern(seed: 11)
        let other = try await pattern(seed: 12)
        #expect(first == again)
        #expect(first != other)
        #expect(first.contains(500) && first.contains(200))
    }
}
