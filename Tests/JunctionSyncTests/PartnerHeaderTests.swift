import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionTestSupport
import NIOCore
import Personio
import Testing

@Suite("Personio's partner headers", .freshDatabases)
struct PartnerHeaderTests {
    @Test("every request of a sync, token calls and the career feed included, carries the configured partner headers")
    func everyRequest() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite) { sandbox, sync in
            try await sandbox.execute(uri: "/_sandbox/partner-headers", method: .delete) { #expect($0.status == .ok) }
            let connector = try await sync.connector(
                identity: PersonioIdentity(partnerID: "partner-test-1", appID: "junction-test"))

            let run = try await sync.run(connector)

            let requests = await connector.requestCount()
            let seen = try await sandbox.execute(uri: "/_sandbox/partner-headers", method: .get) { response in
                try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            }
            #expect(run.status == .succeeded)
            // The sandbox counted the same requests the client sent, every one with both headers.
            #expect(seen["requests"] as? Int == requests)
            let pairs = try #require(seen["seen"] as? [[String: Any]])
            #expect(pairs.count == 1)
            #expect(pairs.first?["partner_id"] as? String == "partner-test-1")
            #expect(pairs.first?["app_id"] as? String == "junction-test")
        }
    }
}
