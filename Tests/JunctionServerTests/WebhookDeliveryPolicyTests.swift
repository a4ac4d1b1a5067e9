import Foundation
import JunctionConnectors
import JunctionModel
import JunctionServer
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Testing

@testable import JunctionServer

@Suite("Webhook deliveries under the outbound policy", .freshDatabases)
struct WebhookDeliveryPolicyTests {
    @Test(
        "a receiver whose address is not allowed at delivery gets nothing, and the attempt says why",
        arguments: Backend.allCases)
    func deliveryTimeCheck(backend: Backend) async throws {
        try await withReceiver { port, recorder in
            let database = try await FreshDatabases.open(backend)
            let seeded = try await SeededStore.make(database)
            let store = seeded.store
            // Stored directly, as a receiver registered while its address was allowed (or
            // whose name has since moved to an internal address) would be.
            let (endpoint, _) = try await store.webhooks.createWebhookEndpoint(
                workspaceID: seeded.workspace.id, url: "http://127.0.0.1:\(port)/hook", description: nil,
                events: nil)
            let event = WebhookEvent(
                type: "integration-state-changed", workspaceID: seeded.workspace.id,
                integrationID: seeded.integration.id.description, data: .object([:]))
            try await store.webhooks.enqueue([event], now: Date().addingTimeInterval(-1))

            let refusing = WebhookDispatcher(
                store: store, policy: WebhookPolicy(), outbound: OutboundRequests(access: .none),
                logger: quietLogger)
            #expect(try await refusing.deliverDue() == 1)
            #expect(await recorder.count("/hook") == 0)
            let delivery = try #require(
                try await store.webhooks.webhookDeliveries(
                    endpointID: endpoint.id, workspaceID: seeded.workspace.id
                ).deliveries.first)
            let attempt = try #require(try await store.webhooks.webhookAttempts(deliveryID: delivery.id).first)
            #expect(attempt.status == nil)
            #expect(attempt.error?.contains("does not send requests to private networks") == true)
            #expect(attempt.error?.contains("127.0.0.1:") == false)

            // The operator opens loopback: the redelivered event arrives.
            _ = try await store.webhooks.redeliver(deliveryID: delivery.id, workspaceID: seeded.workspace.id)
            let allowing = WebhookDispatcher(
                store: store, policy: WebhookPolicy(),
                outbound: OutboundRequests(access: .ranges([IPRange("127.0.0.1/32")!])), logger: quietLogger)
            #expect(try await allowing.deliverDue(now: Date().addingTimeInterval(1)) == 1)
            #expect(await recorder.count("/hook") == 1)
        }
    }
}
