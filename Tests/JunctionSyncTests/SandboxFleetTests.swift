import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionConnectors
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Personio
import PersonioSandbox
import Testing

/// One sandbox process serving many accounts (the fleet benchmark's Personio): each request
/// reaches the account its credentials name, with that account's data, admin API and counts.
@Suite("Sandbox fleet", .freshDatabases)
struct SandboxFleetTests {
    static func truth(_ fleet: any TestClientProtocol, account n: Int) async throws -> [[String: Any]] {
        try await fleet.execute(uri: "/_sandbox/accounts/\(n)/ground-truth?models=candidates", method: .get) {
            response in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            return try #require(object["candidates"] as? [[String: Any]])
        }
    }

    static func connector(_ sync: JobSyncTests.SyncFixture, account n: Int, secret: String? = nil) async throws
        -> PersonioConnector
    {
        let credentials = PersonioCredentials(
            clientID: "fleet-\(n)", clientSecret: secret ?? "fleet-secret-\(n)", apiBaseURL: sync.baseURL)
        let client = PersonioClient(
            credentials: credentials, http: PersonioClient.sharedHTTPClient, logger: quietLogger,
            retry: .init(maxAttempts: 1, baseDelay: .milliseconds(5)))
        return PersonioConnector(
            integrationID: sync.integrationID, client: client, credentials: credentials, pageSize: 50,
            applicantAttributes: [], tagNames: [])
    }

    @Test("each account's credentials reach that account's data; its admin API and counts are its own")
    func accounts() async throws {
        let fleet = SandboxFleet(
            (0..<3).map { SandboxFleet.account($0, candidates: [5, 30, 70][$0], jobs: 3, limits: false) })
        try await fleet.buildApplication(host: "127.0.0.1", port: 0, logger: quietLogger).test(.live) { client in
            let port = try #require(client.port)
            let seeded = try await SeededStore.make(try await FreshDatabases.open(.sqlite))
            let sync = JobSyncTests.SyncFixture(seeded: seeded, baseURL: "http://127.0.0.1:\(port)")
            let renamed = try #require(try await Self.truth(client, account: 2).first?["id"] as? Int)
            try await client.execute(
                uri: "/_sandbox/accounts/2/candidates/\(renamed)", method: .patch,
                headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"last_name":"Fleet"}"#)
            ) { #expect($0.status == .ok) }

            let run = try await sync.run(try await Self.connector(sync, account: 2))
            let stored = try await seeded.store.records.records(
                Candidate.self, integrationID: sync.integrationID, limit: 1000
            ).items
            let truth = try await Self.truth(client, account: 2)
            let crossed = try await sync.run(try await Self.connector(sync, account: 1, secret: "fleet-secret-2"))
            let counts = try await client.execute(uri: "/_fleet/requests", method: .get) { response in
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                return try #require(object["accounts"] as? [[String: Any]]).map { $0["requests"] as? Int ?? -1 }
            }
            let anonymous = try await client.execute(uri: "/v2/recruiting/candidates", method: .get) { $0.status }

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(stored.count == 70 && truth.count == 70)
            #expect(Set(stored.compactMap(\.remoteID)) == Set(truth.compactMap { ($0["id"] as? Int).map(String.init) }))
            #expect(stored.first { $0.remoteID == String(renamed) }?.lastName == "Fleet")
            #expect(crossed.status == .failed, "account 1's client with account 2's secret is refused")
            #expect(counts[0] == 0, "nothing reached account 0")
            #expect(counts[1] == 1, "one refused token request")
            #expect(counts[2] == run.stats.requests, "every request of the run, and only those, reached account 2")
            #expect(anonymous == .notFound)
        }
    }
}
