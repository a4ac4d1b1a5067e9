import Foundation
import JunctionConnectors
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Testing

@testable import JunctionServer

/// Deliveries to different endpoints go out side by side (issue 20): a slow receiver holds only
/// its own queue.
@Suite("Webhook dispatch across endpoints", .freshDatabases)
struct WebhookConcurrencyTests {
    @Test(
        "a slow endpoint delays no other: the later delivery to a fast one arrives while the slow one is held",
        arguments: Backend.allCases
    )
    func slowEndpoint(backend: Backend) async throws {
        try await withReceiver { port, recorder in
            let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
            let store = seeded.store
            let workspace = seeded.workspace.id
            let integration = seeded.integration.id.description
            _ = try await store.webhooks.createWebhookEndpoint(
                workspaceID: workspace, url: "http://127.0.0.1:\(port)/held", description: nil,
                events: ["sync-finished"])
            _ = try await store.webhooks.createWebhookEndpoint(
                workspaceID: workspace, url: "http://127.0.0.1:\(port)/fast", description: nil,
                events: ["integration-state-changed"])
            // The slow endpoint's delivery is due first: one at a time, it would go first.
            try await store.webhooks.enqueue(
                [
                    WebhookEvent(
                        type: "sync-finished", workspaceID: workspace, integrationID: integration, data: .object([:]))
                ],
                now: Date().addingTimeInterval(-2))
            try await store.webhooks.enqueue(
                [
                    WebhookEvent(
                        type: "integration-state-changed", workspaceID: workspace, integrationID: integration,
                        data: .object([:]))
                ], now: Date().addingTimeInterval(-1))
            let dispatcher = WebhookDispatcher(
                store: store, policy: WebhookPolicy(),
                outbound: OutboundRequests(access: .ranges([IPRange("127.0.0.1/32")!])), logger: quietLogger)

            let attempted = try await dispatcher.deliverDue()

            #expect(attempted == 2)
            #expect(await recorder.count("/held") == 1)
            #expect(await recorder.count("/fast") == 1)
            #expect(await recorder.heldReleasedByFast, "the fast endpoint's delivery waited for the held one")
        }
    }
}
