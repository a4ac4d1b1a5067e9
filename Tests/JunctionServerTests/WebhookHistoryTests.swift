import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionConnectors
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import NIOCore
import Testing

@testable import JunctionServer

/// What the delivery history and redelivery promise (issue 20, the webhooks check's D5–D8).
@Suite("Webhook history and redelivery", .freshDatabases)
struct WebhookHistoryTests {
    static let loopback = OutboundRequests(access: .ranges([IPRange("127.0.0.1/32")!]))

    static func event(_ seeded: SeededStore, _ type: String = "integration-state-changed", at: Date = Date())
        -> WebhookEvent
    {
        WebhookEvent(
            type: type, workspaceID: seeded.workspace.id, integrationID: seeded.integration.id.description,
            data: .object(["updated_at": .string(UnifiedDate.format(at))]))
    }

    /// An endpoint of the seeded workspace at `path` of the loopback receiver, for every event.
    static func endpoint(_ seeded: SeededStore, port: Int, _ path: String) async throws -> WebhookEndpoint {
        try await seeded.store.webhooks.createWebhookEndpoint(
            workspaceID: seeded.workspace.id, url: "http://127.0.0.1:\(port)\(path)", description: nil, events: nil
        ).0
    }

    static func delivery(_ store: Store, endpoint: String, workspace: String, event: String) async throws
        -> WebhookDelivery
    {
        try #require(
            try await store.webhooks.webhookDeliveries(endpointID: endpoint, workspaceID: workspace, limit: 250)
                .deliveries.first { $0.eventID == event })
    }

    @Test(
        "a redelivery numbers its attempts after the earlier ones and gets a fresh round of retries",
        arguments: Backend.allCases)
    func redeliveryNumbering(backend: Backend) async throws {
        try await withReceiver { port, recorder in
            let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
            let store = seeded.store
            let workspace = seeded.workspace.id
            let endpoint = try await Self.endpoint(seeded, port: port, "/fail")
            let event = Self.event(seeded)
            try await store.webhooks.enqueue([event], now: Date().addingTimeInterval(-1))
            // Two attempts per round, the second due at once.
            let dispatcher = WebhookDispatcher(
                store: store, policy: WebhookPolicy(retryDelays: [0]), outbound: Self.loopback, logger: quietLogger)

            for _ in 0..<2 { try await dispatcher.deliverDue() }
            let dead = try await Self.delivery(store, endpoint: endpoint.id, workspace: workspace, event: event.id)
            _ = try #require(try await store.webhooks.redeliver(deliveryID: dead.id, workspaceID: workspace))
            try await dispatcher.deliverDue()
            let retrying = try await Self.delivery(store, endpoint: endpoint.id, workspace: workspace, event: event.id)
            try await dispatcher.deliverDue()
            let deadAgain = try await Self.delivery(store, endpoint: endpoint.id, workspace: workspace, event: event.id)
            let log = try await store.webhooks.webhookAttempts(deliveryID: dead.id)

            #expect(dead.state == .dead && dead.attempts == 2)
            #expect(retrying.state == .pending, "the redelivery's first failure is retried, not dead at once")
            #expect(deadAgain.state == .dead && deadAgain.attempts == 4)
            #expect(log.map(\.attempt) == [1, 2, 3, 4])
            #expect(log.map(\.attemptedAt) == log.map(\.attemptedAt).sorted(), "numbers follow time")
            #expect(await recorder.count("/fail") == 4)
        }
    }

    @Test("the delivery history pages through every delivery, newest first", arguments: Backend.allCases)
    func historyPaging(backend: Backend) async throws {
        let server = try await TestServer.start(backend: backend)
        let store = server.runtime.store
        let workspace = server.workspaceID
        let (endpoint, _) = try await store.webhooks.createWebhookEndpoint(
            workspaceID: workspace, url: "https://receiver.example.com/hook", description: nil, events: nil)
        // 250 events in two batches at one moment (the batches share outbox positions, which
        // the paging must still tell apart), then 20 a second later.
        let now = Date()
        var events: [WebhookEvent] = []
        for (batch, count, at) in [(0, 125, now), (1, 125, now), (2, 20, now.addingTimeInterval(1))] {
            let some = (0..<count).map { _ in
                WebhookEvent(
                    type: "connection-flow-failed", workspaceID: workspace, integrationID: nil,
                    data: .object(["batch": .number(Double(batch))]))
            }
            try await store.webhooks.enqueue(some, now: at)
            events += some
        }

        let eventIDs = events.map(\.id)
        try await server.test { client in
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "page_size=100" + (cursor.map { "&cursor=\($0)" } ?? "")
                cursor = try await client.execute(
                    uri: "/v1/webhooks/\(endpoint.id)/deliveries?\(query)", method: .get, headers: bearer()
                ) { response in
                    #expect(response.status == .ok)
                    let data = try #require(try response.json()["data"] as? [String: Any])
                    let results = try #require(data["results"] as? [[String: Any]])
                    seen += results.compactMap { $0["event_id"] as? String }
                    return data["next"] as? String
                }
                pages += 1
            } while cursor != nil && pages < 10
            let tooLarge = try await client.execute(
                uri: "/v1/webhooks/\(endpoint.id)/deliveries?page_size=251", method: .get, headers: bearer()
            ) { response in (response.status, try response.envelopeError().message) }
            let forged = try await client.execute(
                uri: "/v1/webhooks/\(endpoint.id)/deliveries?cursor=abc", method: .get, headers: bearer()
            ) { response in (response.status, try response.envelopeError().message) }

            #expect(pages == 3)
            #expect(seen.count == 270)
            #expect(Set(seen) == Set(eventIDs), "every delivery once")
            #expect(Set(seen.prefix(20)) == Set(eventIDs.suffix(20)), "the newest first")
            #expect(tooLarge.0 == .badRequest && tooLarge.1.contains("page_size"))
            #expect(forged.0 == .badRequest && forged.1.contains("cursor"))
        }
    }

    @Test(
        "an endpoint deleted while its attempt is in flight: the attempt is dropped and the pass goes on",
        arguments: Backend.allCases)
    func deletedMidAttempt(backend: Backend) async throws {
        try await withReceiver { port, recorder in
            let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
            let store = seeded.store
            let workspace = seeded.workspace.id
            let slow = try await Self.endpoint(seeded, port: port, "/slow")
            let fast = try await Self.endpoint(seeded, port: port, "/hook")
            let first = Self.event(seeded)
            let second = Self.event(seeded, "sync-finished")
            try await store.webhooks.enqueue([first], now: Date().addingTimeInterval(-2))
            try await store.webhooks.enqueue([second], now: Date().addingTimeInterval(-1))
            let dispatcher = WebhookDispatcher(
                store: store, policy: WebhookPolicy(), outbound: Self.loopback, logger: quietLogger)

            let pass = Task { try await dispatcher.deliverDue() }
            while await recorder.count("/slow") == 0 { try await Task.sleep(for: .milliseconds(20)) }
            let inFlight = try await Self.delivery(store, endpoint: slow.id, workspace: workspace, event: first.id)
            let deleted = try await store.webhooks.deleteWebhookEndpoint(id: slow.id, workspaceID: workspace)
            let recorded = try await store.webhooks.recordAttempt(
                inFlight, status: 204, error: nil, duration: .milliseconds(1), delivered: true, retryAt: nil)
            let attempted = try await pass.value
            // The fast endpoint's second delivery waits for its first (same integration).
            let next = try await dispatcher.deliverDue()
            let fastDeliveries = try await store.webhooks.webhookDeliveries(
                endpointID: fast.id, workspaceID: workspace
            ).deliveries

            #expect(deleted)
            #expect(!recorded, "an attempt of a deleted delivery records nothing, and fails nothing")
            #expect(attempted == 2, "the slow endpoint's first attempt and the fast one's")
            #expect(next == 1, "the fast endpoint's second; nothing for the deleted one")
            #expect(await recorder.count("/slow") == 1, "nothing more to a deleted endpoint")
            #expect(await recorder.count("/hook") == 2)
            #expect(fastDeliveries.map(\.state) == [.delivered, .delivered])
            #expect(try await store.webhooks.outboxDepth() == 0)
        }
    }

    @Test(
        "a dead letter stops holding back newer events; redelivered, it arrives after them with its own time",
        arguments: Backend.allCases)
    func deadLetterOrder(backend: Backend) async throws {
        try await withReceiver { port, recorder in
            let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
            let store = seeded.store
            let workspace = seeded.workspace.id
            let endpoint = try await Self.endpoint(seeded, port: port, "/flaky")
            let older = Self.event(seeded, at: Date(timeIntervalSince1970: 1_800_000_000))
            let newer = Self.event(seeded, at: Date(timeIntervalSince1970: 1_800_000_060))
            let dispatcher = WebhookDispatcher(
                store: store, policy: WebhookPolicy(retryDelays: []), outbound: Self.loopback, logger: quietLogger)
            try await store.webhooks.enqueue([older], now: Date().addingTimeInterval(-2))
            try await dispatcher.deliverDue()

            await recorder.setFailing(false)
            try await store.webhooks.enqueue([newer], now: Date().addingTimeInterval(-1))
            try await dispatcher.deliverDue()
            let dead = try await Self.delivery(store, endpoint: endpoint.id, workspace: workspace, event: older.id)
            _ = try await store.webhooks.redeliver(deliveryID: dead.id, workspaceID: workspace)
            try await dispatcher.deliverDue()
            let arrivals = try (await recorder.bodies["/flaky"] ?? []).map { body in
                let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                let data = try #require(object["data"] as? [String: Any])
                return (id: object["id"] as? String, updatedAt: data["updated_at"] as? String)
            }

            #expect(dead.state == .dead)
            #expect(arrivals.map(\.id) == [older.id, newer.id, older.id], "failed, delivered, redelivered")
            #expect(arrivals.last?.updatedAt == "2027-01-15T08:00:00.000Z", "the payload keeps its own time")
            #expect(arrivals[1].updatedAt == "2027-01-15T08:01:00.000Z")
        }
    }
}
