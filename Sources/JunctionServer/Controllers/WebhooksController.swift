import Foundation
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore

/// Junction's webhook management (Kombo configures webhooks in its dashboard): endpoints with
/// a secret each, their delivery history with every attempt, and manual redelivery.
struct WebhooksController {
    let store: Store
    /// Where deliveries may go; checked here at registration and again at every delivery.
    let outbound: OutboundRequests
    let cursors: PageCursor

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("webhooks") { request, context in
            let workspaceID = try context.requireWorkspace()
            let body = try await request.decode(as: EndpointBody.self, context: context)
            let url = try await Self.validURL(body.url, outbound: outbound)
            if let events = body.events {
                guard !events.isEmpty else {
                    throw APIError.invalidInput(
                        "Field 'events' must name at least one event type, or be left out for all.")
                }
                if let unknown = events.first(where: { !WebhookEvent.types.contains($0) }) {
                    throw APIError.invalidInput(
                        "Field 'events' holds '\(unknown)', which is not one of \(WebhookEvent.types.joined(separator: ", "))."
                    )
                }
            }
            let (endpoint, secret) = try await store.webhooks.createWebhookEndpoint(
                workspaceID: workspaceID, url: url, description: body.description, events: body.events, now: Date())
            var json = Self.json(endpoint)
            if case .object(var fields) = json {
                // Shown this once: signing needs it, so it is stored sealed, not hashed.
                fields["secret"] = .string(secret)
                json = .object(fields)
            }
            return SuccessEnvelope(json)
        }
        group.get("webhooks") { _, context in
            let workspaceID = try context.requireWorkspace()
            let endpoints = try await store.webhooks.webhookEndpoints(workspaceID: workspaceID)
            return SuccessEnvelope(ListPage(next: nil, results: endpoints.map(Self.json)))
        }
        group.delete("webhooks/:webhook_id") { _, context in
            let workspaceID = try context.requireWorkspace()
            let id = context.parameters.get("webhook_id") ?? ""
            guard try await store.webhooks.deleteWebhookEndpoint(id: id, workspaceID: workspaceID) else {
                throw APIError.invalidInput("No webhook endpoint '\(id)' exists in this workspace.")
            }
            return SuccessEnvelope(JSONValue.object([:]))
        }
        group.get("webhooks/:webhook_id/deliveries") { request, context in
            let workspaceID = try context.requireWorkspace()
            let id = context.parameters.get("webhook_id") ?? ""
            guard try await store.webhooks.webhookEndpoint(id: id, workspaceID: workspaceID) != nil else {
                throw APIError.invalidInput("No webhook endpoint '\(id)' exists in this workspace.")
            }
            // Newest first, every delivery reachable by paging (a dead letter of last month too).
            let (size, after) = try cursors.page(request, maximum: 250, model: "webhook-deliveries", scope: id)
            let page = try await store.webhooks.webhookDeliveries(
                endpointID: id, workspaceID: workspaceID, after: after, limit: size)
            var results: [JSONValue] = []
            for delivery in page.deliveries {
                results.append(
                    Self.json(delivery, attempts: try await store.webhooks.webhookAttempts(deliveryID: delivery.id)))
            }
            return SuccessEnvelope(
                ListPage(
                    next: cursors.next(
                        after: page.nextAfter, size: size, model: "webhook-deliveries", scope: id),
                    results: results))
        }
        group.post("webhooks/deliveries/:delivery_id/redeliver") { _, context in
            let workspaceID = try context.requireWorkspace()
            let id = context.parameters.get("delivery_id") ?? ""
            guard
                let delivery = try await store.webhooks.redeliver(deliveryID: id, workspaceID: workspaceID, now: Date())
            else {
                throw APIError.invalidInput("No webhook delivery '\(id)' exists in this workspace.")
            }
            return SuccessEnvelope(
                Self.json(delivery, attempts: try await store.webhooks.webhookAttempts(deliveryID: id)))
        }
    }

    /// A receiver's URL: absolute http(s), no credentials, fragment, spaces or characters a URL
    /// must escape, and a host that resolves only to addresses deliveries may go to.
    static func validURL(_ text: String?, outbound: OutboundRequests) async throws -> String {
        guard let text, !text.isEmpty else { throw APIError.invalidInput("Missing required field 'url'.") }
        let unsafe = text.unicodeScalars.contains {
            $0.value <= 0x20 || $0.value >= 0x7F || "<>\"{}|\\^`".unicodeScalars.contains($0)
        }
        guard !unsafe, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host?.isEmpty == false, url.user == nil, url.password == nil,
            url.fragment == nil
        else {
            throw APIError.invalidInput(
                "Field 'url' must be an absolute http:// or https:// address without credentials, fragment or unescaped characters."
            )
        }
        if case .failure(let error) = await outbound.check(text) {
            throw APIError.invalidInput("Field 'url' is not allowed: \(error.message).")
        }
        return text
    }

    static func json(_ endpoint: WebhookEndpoint) -> JSONValue {
        .object([
            "id": .string(endpoint.id), "url": .string(endpoint.url),
            "description": endpoint.description.map(JSONValue.string) ?? .null,
            "events": endpoint.events.map { .array($0.map(JSONValue.string)) } ?? .null,
            "created_at": .string(UnifiedDate.format(endpoint.createdAt)),
        ])
    }

    static func json(_ delivery: WebhookDelivery, attempts: [WebhookAttempt]) -> JSONValue {
        .object([
            "id": .string(delivery.id), "event_id": .string(delivery.eventID),
            "event_type": .string(delivery.eventType),
            "integration_id": delivery.integrationID.map(JSONValue.string) ?? .null,
            "state": .string(delivery.state.rawValue), "attempts": .number(Double(delivery.attempts)),
            "next_attempt_at": delivery.state == .pending ? .string(UnifiedDate.format(delivery.nextAttemptAt)) : .null,
            "last_status": delivery.lastStatus.map { .number(Double($0)) } ?? .null,
            "last_error": delivery.lastError.map(JSONValue.string) ?? .null,
            "delivered_at": delivery.deliveredAt.map { .string(UnifiedDate.format($0)) } ?? .null,
            "created_at": .string(UnifiedDate.format(delivery.createdAt)),
            "attempt_log": .array(
                attempts.map { attempt in
                    .object([
                        "attempt": .number(Double(attempt.attempt)),
                        "status": attempt.status.map { .number(Double($0)) } ?? .null,
                        "error": attempt.error.map(JSONValue.string) ?? .null,
                        "duration_ms": .number(Double(attempt.durationMilliseconds)),
                        "attempted_at": .string(UnifiedDate.format(attempt.attemptedAt)),
                    ])
                }),
        ])
    }

    struct EndpointBody: Decodable {
        var url: String?
        var description: String?
        var events: [String]?
    }
}
