import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Personio
import PersonioSandbox
import Testing

/// The connect flow's scope test against the sandbox's credentials (one client with every
/// scope, one with persons only), and the field explorer's discovery against the sandbox's
/// ground truth.
@Suite("Scope tests and field discovery", .freshDatabases)
struct ScopeTestAndFieldTests {
    static let sandbox = SandboxConfiguration()

    static func credentials(
        _ baseURL: String, client: String = "papi-sandbox-client", secret: String = "papi-sandbox-secret",
        key: String? = SandboxConfiguration().recruitingAPIKey, subdomain: String? = "acme"
    ) -> PersonioCredentials {
        PersonioCredentials(
            clientID: client, clientSecret: secret, recruitingAPIKey: key, companyID: sandbox.companyID,
            careerSubdomain: subdomain, apiBaseURL: baseURL, careerSiteBaseURL: subdomain == nil ? nil : baseURL)
    }

    static func applicationCount(_ sandbox: any TestClientProtocol) async throws -> Int {
        try await sandbox.execute(uri: "/_sandbox/ground-truth?models=applications", method: .get) { response in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            return try #require(object["applications"] as? [[String: Any]]).count
        }
    }

    static func statuses(_ result: ScopeTestResult) -> [ScopeCheck.ID: ScopeCheck.Status] {
        Dictionary(uniqueKeysWithValues: result.checks.map { ($0.id, $0.status) })
    }

    @Test("credentials with every right pass every check, and the test creates nothing in Personio")
    func everyRight() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite) { sandbox, sync in
            let before = try await Self.applicationCount(sandbox)
            let tester = ScopeTester(http: PersonioClient.sharedHTTPClient, logger: quietLogger)

            let result = await tester.run(Self.credentials(sync.baseURL), now: Date())

            #expect(Set(Self.statuses(result).values) == [.passed])
            #expect(result.checks.map(\.id) == ScopeCheck.ID.allCases)
            #expect(result.grantedScopes?.contains("personio:recruiting:read") == true)
            #expect(try await Self.applicationCount(sandbox) == before)
        }
    }

    @Test("credentials without the recruiting right fail the four recruiting checks and nothing else")
    func personsOnly() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite) { _, sync in
            let tester = ScopeTester(http: PersonioClient.sharedHTTPClient, logger: quietLogger)

            let result = await tester.run(
                Self.credentials(sync.baseURL, client: "papi-sandbox-persons-only"), now: Date())

            let statuses = Self.statuses(result)
            #expect(result.canConnect)
            for id in [
                ScopeCheck.ID.recruitingJobs, .recruitingCandidates, .recruitingApplications, .recruitingCategories,
            ] {
                #expect(statuses[id] == .failed, "\(id)")
            }
            #expect(statuses[.token] == .passed)
            #expect(statuses[.persons] == .passed)
            #expect(statuses[.careerFeed] == .passed)
            #expect(statuses[.recruitingAPIKey] == .passed)
            #expect(result.grantedScopes == ["personio:persons:read"])
        }
    }

    @Test("a wrong secret fails the token and skips what needs one; a wrong key fails only the key")
    func wrongSecrets() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite) { _, sync in
            let tester = ScopeTester(http: PersonioClient.sharedHTTPClient, logger: quietLogger)

            let badSecret = await tester.run(Self.credentials(sync.baseURL, secret: "wrong"), now: Date())
            let badKey = await tester.run(Self.credentials(sync.baseURL, key: "wrong-key"), now: Date())
            let bare = await tester.run(Self.credentials(sync.baseURL, key: nil, subdomain: nil), now: Date())

            let secretStatuses = Self.statuses(badSecret)
            #expect(!badSecret.canConnect)
            #expect(secretStatuses[.token] == .failed)
            #expect(secretStatuses[.recruitingJobs] == .skipped)
            #expect(secretStatuses[.persons] == .skipped)
            // The feed and the v1 key do not depend on the v2 token.
            #expect(secretStatuses[.careerFeed] == .passed)
            #expect(secretStatuses[.recruitingAPIKey] == .passed)
            #expect(badKey.failed.map(\.id) == [.recruitingAPIKey])
            let bareStatuses = Self.statuses(bare)
            #expect(bareStatuses[.careerFeed] == .skipped)
            #expect(bareStatuses[.recruitingAPIKey] == .skipped)
            #expect(bare.failed.isEmpty)
        }
    }

    @Test("field discovery counts each path as the sandbox's ground truth says", arguments: Backend.allCases)
    func discovery(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let run = try await sync.run()
            #expect(run.status == .succeeded)
            let truth = try await sandbox.execute(uri: "/_sandbox/ground-truth?models=applications,jobs", method: .get)
            {
                response in
                try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            }
            let applications = try #require(truth["applications"] as? [[String: Any]])
            let jobs = try #require(truth["jobs"] as? [[String: Any]])
            let channelNames = Dictionary(
                uniqueKeysWithValues: JobSyncTests.small.recruitingChannels.map { ($0.id, $0.name) })
            let withChannel = applications.compactMap { $0["channel_id"] as? Int }

            let page = try await sync.seeded.store.fields.integrationFields(
                integrationID: sync.integrationID, after: nil, limit: 5000)

            let fields = Dictionary(uniqueKeysWithValues: page.fields.map { ("\($0.model) \($0.key)", $0) })
            let channel = try #require(fields["ats_applications application.channel.name"])
            #expect(channel.recordCount == applications.count)
            #expect(channel.setCount == withChannel.count)
            #expect(Set(channel.samples).isSubset(of: Set(channelNames.values.map { "\"\($0)\"" })))
            let category = try #require(fields["ats_jobs job.category.name"])
            #expect(category.setCount == jobs.count)
            #expect(channel.type == "DEFAULT")
            #expect(page.fields.allSatisfy { !$0.passthroughEnabled })
            // Ids are derived: a second discovery keeps them.
            try await sync.seeded.store.fields.discoverFields(integrationID: sync.integrationID)
            let again = try await sync.seeded.store.fields.integrationFields(
                integrationID: sync.integrationID, after: nil, limit: 5000)
            #expect(again.fields.map(\.id) == page.fields.map(\.id))
            // People's values are masked (issue 21): an email keeps its first letter and domain,
            // a name its first letter; none is a whole value of the sandbox's candidates.
            let people = try #require(
                try await DeltaFreshnessTests.truth(sandbox, "candidates")["candidates"] as? [[String: Any]])
            let whole = Set(
                people.flatMap { person in
                    ["email", "first_name", "last_name", "phone"].compactMap { person[$0] as? String }
                }
                .map { "\"\($0)\"" })
            let personal = page.fields.filter { $0.model != "ats_jobs" }
            let emails = personal.filter { $0.key.hasSuffix(".email") && !$0.samples.isEmpty }
            let names = personal.filter {
                $0.key.hasSuffix("name") && $0.key.contains("candidate") && !$0.samples.isEmpty
            }
            #expect(!emails.isEmpty && !names.isEmpty, "\(personal.map(\.key))")
            #expect(personal.allSatisfy { whole.isDisjoint(with: $0.samples) })
            #expect(emails.allSatisfy { $0.samples.allSatisfy { $0.wholeMatch(of: /"[^"]…@[^"@]+"/) != nil } })
            #expect(names.allSatisfy { $0.samples.allSatisfy { $0.wholeMatch(of: /"[^"]…"/) != nil } })
        }
    }

    @Test("a path reads values back through objects and lists")
    func paths() {
        let remote: [String: JSONValue] = [
            "job": .object([
                "category": .object(["name": .string("Permanent")]),
                "hiring_team": .array([
                    .object(["role": .object(["name": .string("Recruiter")])]),
                    .object(["role": .object(["name": .string("Hiring manager")])]),
                ]),
            ])
        ]

        #expect(FieldPaths.value(at: "job.category.name", in: remote) == .string("Permanent"))
        #expect(
            FieldPaths.value(at: "job.hiring_team[].role.name", in: remote)
                == .array([.string("Recruiter"), .string("Hiring manager")]))
        #expect(FieldPaths.value(at: "job.category.missing", in: remote) == nil)
        #expect(FieldPaths.value(at: "job.category.name.deeper", in: remote) == nil)
    }
}
