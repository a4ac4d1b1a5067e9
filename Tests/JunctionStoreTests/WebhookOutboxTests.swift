import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

@Suite("Webhook outbox", .freshDatabases)
struct WebhookOutboxTests {
    /// A second integration in the seeded workspace (events are kept only for integrations that exist).
    static func another(_ seeded: SeededStore) async throws -> String {
        let integration = Integration(
            id: IntegrationID(tool: .personio), workspaceID: seeded.workspace.id, endUserOrganizationName: "Other")
        try await seeded.store.integrations.createIntegration(integration, credentials: Data("{}".utf8))
        return integration.id.description
    }

    static func event(_ seeded: SeededStore, integration: String?, _ n: Int) -> WebhookEvent {
        WebhookEvent(
            type: "integration-state-changed", workspaceID: seeded.workspace.id, integrationID: integration,
            data: .object(["n": .number(Double(n))]))
    }

    @Test(
        "deliveries go out first in line per integration; a failure holds back only its integration",
        arguments: Backend.allCases)
    func ordering(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let store = seeded.store
        let (endpoint, secret) = try await store.webhooks.createWebhookEndpoint(
            workspaceID: seeded.workspace.id, url: "http://receiver.example/hooks", description: nil, events: nil)
        let now = Date()
        let (a, b) = (seeded.integration.id.description, try await Self.another(seeded))
        let a1 = Self.event(seeded, integration: a, 1)
        let a2 = Self.event(seeded, integration: a, 2)
        let b1 = Self.event(seeded, integration: b, 1)
        try await store.webhooks.enqueue([a1, b1], now: now)
        try await store.webhooks.enqueue([a2], now: now.addingTimeInterval(0.01))

        let first = try await store.webhooks.dueDeliveries(now: now.addingTimeInterval(1))
        let a1Delivery = try #require(first.first { $0.delivery.eventID == a1.id })
        try await store.webhooks.recordAttempt(
            a1Delivery.delivery, status: 500, error: "HTTP 500", duration: .milliseconds(3), delivered: false,
            retryAt: now.addingTimeInterval(60), now: now.addingTimeInterval(1))
        let whileWaiting = try await store.webhooks.dueDeliveries(now: now.addingTimeInterval(2))
        let afterRetry = try await store.webhooks.dueDeliveries(now: now.addingTimeInterval(61))
        try await store.webhooks.recordAttempt(
            try #require(afterRetry.first { $0.delivery.eventID == a1.id }).delivery, status: nil, error: "refused",
            duration: .milliseconds(1), delivered: false, retryAt: nil, now: now.addingTimeInterval(61))
        let afterDead = try await store.webhooks.dueDeliveries(now: now.addingTimeInterval(62))

        #expect(Set(first.map(\.delivery.eventID)) == [a1.id, b1.id])
        #expect(first.allSatisfy { $0.secret == secret && $0.url == endpoint.url })
        #expect(a1Delivery.body == (try a1.body()))
        // a2 waits behind a1 while a1 waits for its retry; b1 is not held back.
        #expect(whileWaiting.map(\.delivery.eventID) == [b1.id])
        #expect(Set(afterRetry.map(\.delivery.eventID)) == [a1.id, b1.id])
        // A dead-lettered delivery no longer blocks its integration.
        #expect(Set(afterDead.map(\.delivery.eventID)) == [a2.id, b1.id])
        let log = try await store.webhooks.webhookAttempts(deliveryID: a1Delivery.delivery.id)
        #expect(log.map(\.attempt) == [1, 2])
        #expect(log.map(\.status) == [500, nil])
        let deliveries = try await store.webhooks.webhookDeliveries(
            endpointID: endpoint.id, workspaceID: seeded.workspace.id
        ).deliveries
        #expect(deliveries.first { $0.eventID == a1.id }?.state == .dead)
        #expect(try await store.webhooks.outboxDepth() == 2)
    }

    @Test(
        "one endpoint's backlog never fills the batch: at most ten per endpoint, none for one still sending",
        arguments: Backend.allCases)
    func backlogFairness(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let store = seeded.store
        let workspace = seeded.workspace.id
        let (stuck, _) = try await store.webhooks.createWebhookEndpoint(
            workspaceID: workspace, url: "https://stuck.example.com", description: nil,
            events: ["integration-state-changed"])
        let (healthy, _) = try await store.webhooks.createWebhookEndpoint(
            workspaceID: workspace, url: "https://healthy.example.com", description: nil, events: ["sync-finished"])
        var integrations: [String] = []
        for _ in 0..<60 { integrations.append(try await Self.another(seeded)) }
        // The stuck endpoint's 60 deliveries (each first in line for its integration) are older
        // than all of the healthy one's.
        try await store.webhooks.enqueue(
            integrations.map {
                WebhookEvent(type: "integration-state-changed", workspaceID: workspace, integrationID: $0, data: .null)
            }, now: Date().addingTimeInterval(-60))
        try await store.webhooks.enqueue(
            integrations.map {
                WebhookEvent(type: "sync-finished", workspaceID: workspace, integrationID: $0, data: .null)
            }, now: Date().addingTimeInterval(-30))

        let batch = try await store.webhooks.dueDeliveries(limit: 50)
        let whileSending = try await store.webhooks.dueDeliveries(limit: 50, excluding: [stuck.id])

        #expect(batch.filter { $0.delivery.endpointID == stuck.id }.count == 10)
        #expect(batch.filter { $0.delivery.endpointID == healthy.id }.count == 10)
        #expect(whileSending.count == 10 && whileSending.allSatisfy { $0.delivery.endpointID == healthy.id })
    }

    @Test("an event exists exactly when its change does: a failed change leaves no event", arguments: Backend.allCases)
    func transactional(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        _ = try await seeded.store.webhooks.createWebhookEndpoint(
            workspaceID: seeded.workspace.id, url: "http://receiver.example/hooks", description: nil, events: nil)
        let duplicate = seeded.integration

        await #expect(throws: (any Error).self) {
            try await seeded.store.integrations.createIntegration(
                duplicate, credentials: Data("{}".utf8), events: [WebhookPayloads.integrationCreated(duplicate)])
        }
        try await seeded.store.integrations.setStatus(
            .inactive, integrationID: duplicate.id.description, workspaceID: seeded.workspace.id,
            events: [WebhookPayloads.stateChanged(duplicate)])

        let events = try await database.sql.raw("SELECT type FROM webhook_events").all()
            .map { try $0.decode(column: "type", as: String.self) }
        #expect(events == ["integration-state-changed"])
    }

    @Test("an endpoint subscribed to some types gets only those")
    func subscriptions() async throws {
        let database = try await FreshDatabases.open(.sqlite)
        let seeded = try await SeededStore.make(database)
        _ = try await seeded.store.webhooks.createWebhookEndpoint(
            workspaceID: seeded.workspace.id, url: "http://receiver.example/hooks", description: nil,
            events: ["integration-deleted"])

        try await seeded.store.webhooks.enqueue([
            Self.event(seeded, integration: seeded.integration.id.description, 1),
            WebhookPayloads.integrationDeleted(seeded.integration),
        ])

        let due = try await seeded.store.webhooks.dueDeliveries(now: Date().addingTimeInterval(1))
        #expect(due.map(\.delivery.eventType) == ["integration-deleted"])
    }
}
