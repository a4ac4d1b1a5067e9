import Foundation
import HummingbirdTesting
import JunctionModel
import JunctionTestSupport
import NIOCore
import Personio
import PersonioSandbox
import Testing

/// Career sites on `.de` and `.com`, and legal entities with a site of their own: a job is
/// published when any site lists it, and its post URL is that site's.
@Suite("Several career sites, on .de and .com", .freshDatabases)
struct CareerSiteTests {
    typealias Object = [String: Any]

    static let hosts = ["main.jobs.personio.de", "entity.jobs.personio.com"]

    static func connector(
        _ sync: JobSyncTests.SyncFixture, sites: [CareerSite]
    ) async throws -> PersonioConnector {
        let credentials = PersonioCredentials(
            clientID: "papi-sandbox-client", clientSecret: "papi-sandbox-secret", apiBaseURL: sync.baseURL,
            careerSiteBaseURL: sync.baseURL + "/sites/{site}", careerSites: sites)
        let client = PersonioClient(
            credentials: credentials, http: PersonioClient.sharedHTTPClient, logger: quietLogger,
            retry: .init(maxAttempts: 2, baseDelay: .milliseconds(5)))
        return PersonioConnector(
            integrationID: sync.integrationID, client: client, credentials: credentials, pageSize: 10)
    }

    @Test("every site's jobs are published with their own site's post URL", arguments: Backend.allCases)
    func severalSites(backend: Backend) async throws {
        var configuration = JobSyncTests.small
        configuration.careerSites = Self.hosts
        try await JobSyncTests.withSandboxAndStore(backend, configuration: configuration) { sandbox, sync in
            let sites = Self.hosts.compactMap(CareerSite.parse)
            let run = try await sync.run(try await Self.connector(sync, sites: sites))
            let jobs = try await sync.jobs()
            let truth = try await sandbox.execute(uri: "/_sandbox/ground-truth?models=jobs", method: .get) {
                try #require(
                    (try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? Object)?["jobs"] as? [Object])
            }

            #expect(sites.map(\.domain) == [.de, .com])
            #expect(run.status == .succeeded && run.stats.warnings.isEmpty, "\(run.stats.warnings)")
            var seen = Set<String>()
            for expected in truth {
                let job = try #require(jobs["\(expected["id"] ?? "")"])
                let published = expected["published"] as? Bool == true
                #expect(job.status == (published ? "OPEN" : "CLOSED"))
                if published {
                    let site = try #require(expected["career_site"] as? String)
                    seen.insert(site)
                    #expect(job.postURL == "\(sync.baseURL)/sites/\(site)/job/\(job.remoteID)")
                    #expect(job.description?.isEmpty == false)
                }
            }
            #expect(seen == Set(Self.hosts))
        }
    }

    @Test("the scope test checks each site and names the one that redirects")
    func scopeTestPerSite() async throws {
        var configuration = JobSyncTests.small
        configuration.careerSites = Self.hosts
        try await JobSyncTests.withSandboxAndStore(.sqlite, configuration: configuration) { _, sync in
            let sites = (Self.hosts + ["typo.jobs.personio.com"]).compactMap(CareerSite.parse)
            let credentials = PersonioCredentials(
                clientID: "papi-sandbox-client", clientSecret: "papi-sandbox-secret", apiBaseURL: sync.baseURL,
                careerSiteBaseURL: sync.baseURL + "/sites/{site}", careerSites: sites)

            let result = await ScopeTester(http: PersonioClient.sharedHTTPClient, logger: quietLogger).run(credentials)

            let feeds = result.checks.filter { $0.id == .careerFeed }
            #expect(feeds.map(\.status) == [.passed, .passed, .failed])
            #expect(feeds[0].detail.hasPrefix("main.jobs.personio.de: "))
            #expect(feeds[2].detail.contains("typo.jobs.personio.com") && feeds[2].detail.contains("redirects"))
        }
    }

    @Test(
        "what a person enters for a site: a subdomain, or an address on jobs.personio.de or .com; never a free URL",
        arguments: [
            ("acme", "acme.jobs.personio.de"), ("acme.jobs.personio.com", "acme.jobs.personio.com"),
            ("https://ACME.jobs.personio.com/", "acme.jobs.personio.com"),
            ("acme.jobs.personio.de", "acme.jobs.personio.de"),
            ("evil.example.com", nil), ("http://127.0.0.1", nil), ("acme/xml", nil), ("-acme", nil), ("", nil),
        ] as [(String, String?)])
    func parsing(text: String, host: String?) {
        #expect(CareerSite.parse(text)?.host == host)
    }
}
