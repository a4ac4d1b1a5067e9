import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import PersonioSandbox
import Testing

/// Personio answers a missing right with 401 on some endpoints. With a token it has just issued,
/// that is a missing permission, not refused credentials: the model is skipped and reported, the
/// rest syncs, nothing is deleted, and the integration stays ACTIVE.
@Suite("Missing permissions", .freshDatabases)
struct PermissionTests {
    typealias Object = [String: Any]

    @Test("a 401 on one listing skips that model only; nothing of it is deleted", arguments: Backend.allCases)
    func oneListingRefused(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let json: HTTPFields = [.contentType: "application/json"]
            let first = try await sync.run()
            let applicationsBefore = try await sync.seeded.store.records.records(
                Application.self, integrationID: sync.integrationID, limit: 10_000
            ).items.count
            try await sandbox.execute(
                uri: "/_sandbox/faults", method: .put, headers: json,
                body: ByteBuffer(
                    string:
                        #"{"seed":1,"rules":[{"path":"/v2/recruiting/applications","fault":"server_error","status":401}]}"#
                )
            ) { #expect($0.status == .ok) }
            try await sandbox.execute(
                uri: "/_sandbox/candidates/\(try await Self.firstCandidate(sandbox))", method: .patch, headers: json,
                body: ByteBuffer(string: #"{"last_name":"StillSynced"}"#)
            ) { #expect($0.status == .ok) }

            let refused = try await sync.run()
            let applications = try await sync.seeded.store.records.records(
                Application.self, integrationID: sync.integrationID, limit: 10_000
            ).items
            let candidates = try await sync.seeded.store.records.records(
                Candidate.self, integrationID: sync.integrationID, limit: 10_000
            ).items
            let integration = try await sync.integration()

            #expect(first.status == .succeeded && first.stats.unavailable.isEmpty)
            #expect(refused.status == .succeeded, "\(refused.error ?? "")")
            #expect(refused.stats.unavailable == ["applications"])
            #expect(refused.stats.warnings.contains { $0.hasPrefix("applications were not synced") })
            #expect(applications.count == applicationsBefore, "no application was deleted")
            #expect(refused.stats.deleted["application_stages", default: 0] == 0)
            #expect(candidates.contains { $0.lastName == "StillSynced" })
            #expect(integration.status == .active)
        }
    }

    @Test(
        "credentials without the recruiting right, refused with 401: models skipped, the integration stays ACTIVE",
        arguments: Backend.allCases)
    func recruitingRightMissing(backend: Backend) async throws {
        var configuration = JobSyncTests.small
        configuration.missingScopeStatus = 401
        try await JobSyncTests.withSandboxAndStore(backend, configuration: configuration) { sandbox, sync in
            try await sandbox.execute(
                uri: "/_sandbox/clients/papi-sandbox-client/scopes", method: .put,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"scopes":["personio:persons:read"]}"#)
            ) { #expect($0.status == .ok) }

            let run = try await sync.run()
            let integration = try await sync.integration()

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(Set(run.stats.unavailable) == ["application_stages", "jobs", "candidates", "applications"])
            #expect(integration.status == .active)
        }
    }

    static func firstCandidate(_ sandbox: any TestClientProtocol) async throws -> Int {
        try await sandbox.execute(uri: "/_sandbox/ground-truth?models=candidates", method: .get) {
            let truth = try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? Object
            return try #require((truth?["candidates"] as? [Object])?.first?["id"] as? Int)
        }
    }
}
