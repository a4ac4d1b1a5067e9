import Foundation
import JunctionModel
import SQLKit

/// A delivery ready to send: where, what, and the secret to sign it with.
public struct DueDelivery: Sendable {
    public var delivery: WebhookDelivery
    public var url: String
    public var secret: String
    public var body: Data
}

/// Webhook endpoints, the outbox of events and the deliveries the dispatcher drains.
public struct WebhookRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var webhooks: WebhookRepository { WebhookRepository(store: self) }
}

extension WebhookRepository {
    // MARK: - Endpoints

    /// Registers an endpoint and returns it with its signing secret, which is shown once (the
    /// store keeps it sealed, since signing needs it back).
    public func createWebhookEndpoint(
        workspaceID: String, url: String, description: String?, events: [String]?, now: Date = Date()
    ) async throws -> (WebhookEndpoint, String) {
        let endpoint = WebhookEndpoint(
            id: Identifier.random(), workspaceID: workspaceID, url: url, description: description, events: events,
            createdAt: Clock.date(Clock.milliseconds(now)))
        let secret = "whsec_" + Identifier.random() + Identifier.random()
        let sealed = try secrets.seal(Data(secret.utf8), context: "webhook:" + endpoint.id)
        let eventsText = try events.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await sql.raw(
            """
            INSERT INTO webhook_endpoints (id, workspace_id, url, secret, description, events, created_at)
            VALUES (\(bind: endpoint.id), \(bind: workspaceID), \(bind: url), \(bind: sealed), \(bind: description),
                \(bind: eventsText), \(bind: Clock.milliseconds(now)))
            """
        ).run()
        return (endpoint, secret)
    }

    public func webhookEndpoints(workspaceID: String) async throws -> [WebhookEndpoint] {
        try await sql.raw(
            "SELECT * FROM webhook_endpoints WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at, id"
        ).all().map(WebhookEndpointRow.decode)
    }

    public func webhookEndpoint(id: String, workspaceID: String) async throws -> WebhookEndpoint? {
        try await sql.raw(
            "SELECT * FROM webhook_endpoints WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)"
        ).first().map(WebhookEndpointRow.decode)
    }

    /// Deletes an endpoint with its deliveries and their attempts.
    public func deleteWebhookEndpoint(id: String, workspaceID: String) async throws -> Bool {
        try await database.transaction { connection in
            guard
                try await connection.raw(
                    "SELECT id FROM webhook_endpoints WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)"
                ).first() != nil
            else { return false }
            try await connection.raw("DELETE FROM webhook_endpoints WHERE id = \(bind: id)").run()
            return true
        }
    }

    // MARK: - Outbox

    /// Writes `events` and one delivery per subscribed endpoint, on `connection`: inside the
    /// transaction of the change they report, so an event exists exactly when its change does.
    static func enqueue(_ events: [WebhookEvent], on connection: any SQLDatabase, now: Date) async throws {
        guard !events.isEmpty else { return }
        let millis = Clock.milliseconds(now)
        let isPostgres = connection.dialect.name == "postgresql"
        for (index, event) in events.enumerated() {
            // An integration deleted meanwhile (during its sync, say) announces nothing more after
            // its `integration-deleted`. On PostgreSQL the row is held until this transaction ends,
            // so a delete waits and its event comes after these.
            if let integrationID = event.integrationID, event.type != "integration-deleted" {
                let lock: SQLQueryString = isPostgres ? "FOR SHARE" : ""
                let exists = try await connection.raw(
                    "SELECT id FROM integrations WHERE id = \(bind: integrationID) \(lock)"
                ).first()
                if exists == nil { continue }
            }
            // Order: time, then position within one change (data-changed before sync-finished).
            let seq = millis * 1000 + Int64(index)
            try await connection.raw(
                """
                INSERT INTO webhook_events (id, workspace_id, integration_id, type, payload, seq, created_at)
                VALUES (\(bind: event.id), \(bind: event.workspaceID), \(bind: event.integrationID), \(bind: event.type),
                    \(bind: String(decoding: try event.body(), as: UTF8.self)), \(bind: seq), \(bind: millis))
                """
            ).run()
            let endpoints = try await connection.raw(
                "SELECT id, events FROM webhook_endpoints WHERE workspace_id = \(bind: event.workspaceID)"
            ).all()
            for row in endpoints {
                if let text = try row.decode(column: "events", as: String?.self),
                    let types = try? JSONDecoder().decode([String].self, from: Data(text.utf8)),
                    !types.contains(event.type)
                {
                    continue
                }
                try await connection.raw(
                    """
                    INSERT INTO webhook_deliveries (id, event_id, endpoint_id, integration_key, seq, state, attempts,
                        next_attempt_at, created_at)
                    VALUES (\(bind: Identifier.random()), \(bind: event.id), \(bind: try row.decode(column: "id", as: String.self)),
                        \(bind: event.integrationID ?? ""), \(bind: seq), \(bind: WebhookDelivery.State.pending.rawValue), 0,
                        \(bind: millis), \(bind: millis))
                    """
                ).run()
            }
        }
    }

    /// Enqueues `events` on their own (for changes that are not one row write).
    public func enqueue(_ events: [WebhookEvent], now: Date = Date()) async throws {
        guard !events.isEmpty else { return }
        try await database.transaction { connection in try await Self.enqueue(events, on: connection, now: now) }
    }

    /// Deliveries whose time has come and that are first in line: no earlier pending delivery
    /// of the same integration waits for the same endpoint (in order per integration). At most
    /// `perEndpoint` per endpoint, and none for the endpoints in `excluding` (those still
    /// sending), so one receiver's backlog never fills the batch another's would need.
    public func dueDeliveries(
        now: Date = Date(), limit: Int = 50, perEndpoint: Int = 10, excluding: Set<String> = []
    ) async throws -> [DueDelivery] {
        let millis = Clock.milliseconds(now)
        let busy: SQLQueryString = excluding.isEmpty ? "" : "AND d.endpoint_id NOT IN (\(binds: Array(excluding)))"
        let rows = try await sql.raw(
            """
            SELECT * FROM (
                SELECT d.*, e.type AS event_type, e.integration_id AS event_integration, e.payload, w.url, w.secret,
                    ROW_NUMBER() OVER (PARTITION BY d.endpoint_id ORDER BY d.seq) AS place
                FROM webhook_deliveries d
                JOIN webhook_events e ON e.id = d.event_id
                JOIN webhook_endpoints w ON w.id = d.endpoint_id
                WHERE d.state = \(bind: WebhookDelivery.State.pending.rawValue) AND d.next_attempt_at <= \(bind: millis)
                    \(busy)
                    AND NOT EXISTS (
                        SELECT 1 FROM webhook_deliveries p
                        WHERE p.endpoint_id = d.endpoint_id AND p.integration_key = d.integration_key
                            AND p.state = \(bind: WebhookDelivery.State.pending.rawValue) AND p.seq < d.seq)
            ) due
            WHERE place <= \(bind: perEndpoint)
            ORDER BY seq LIMIT \(bind: limit)
            """
        ).all()
        return try rows.map { row in
            let endpointID = try row.decode(column: "endpoint_id", as: String.self)
            let secret = try secrets.open(
                try row.decode(column: "secret", as: String.self), context: "webhook:" + endpointID)
            return DueDelivery(
                delivery: try WebhookDeliveryRow.decode(row), url: try row.decode(column: "url", as: String.self),
                secret: String(decoding: secret, as: UTF8.self),
                body: Data(try row.decode(column: "payload", as: String.self).utf8))
        }
    }

    /// Takes a due delivery for `lease` so another instance does not send it at the same time;
    /// false when someone else took it first.
    public func claimDelivery(_ delivery: WebhookDelivery, lease: TimeInterval, now: Date = Date()) async throws -> Bool
    {
        let until = Clock.milliseconds(now.addingTimeInterval(lease))
        let rows = try await sql.raw(
            """
            UPDATE webhook_deliveries SET next_attempt_at = \(bind: until)
            WHERE id = \(bind: delivery.id) AND state = \(bind: WebhookDelivery.State.pending.rawValue)
                AND next_attempt_at = \(bind: Clock.milliseconds(delivery.nextAttemptAt))
            RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    /// What one attempt did, and what happens next: delivered, another attempt at `retryAt`,
    /// or (no `retryAt`) dead-lettered. Returns false, recording nothing, when the delivery is
    /// gone (its endpoint was deleted while the attempt was under way).
    @discardableResult
    public func recordAttempt(
        _ delivery: WebhookDelivery, status: Int?, error: String?, duration: Duration, delivered: Bool,
        retryAt: Date?, now: Date = Date()
    ) async throws -> Bool {
        let attempt = delivery.attempts + 1
        let millis = Clock.milliseconds(now)
        let state: WebhookDelivery.State = delivered ? .delivered : (retryAt == nil ? .dead : .pending)
        let durationMs = duration.inMilliseconds
        return try await database.transaction { connection in
            // The row is locked first (PostgreSQL), so an endpoint deleted from now on waits for
            // this transaction, and one deleted before is seen here instead of failing the insert.
            let lock: SQLQueryString = connection.dialect.name == "postgresql" ? "FOR UPDATE" : ""
            guard
                try await connection.raw(
                    "SELECT id FROM webhook_deliveries WHERE id = \(bind: delivery.id) \(lock)"
                ).first() != nil
            else { return false }
            try await connection.raw(
                """
                INSERT INTO webhook_attempts (id, delivery_id, attempt, status, error, duration_ms, attempted_at)
                VALUES (\(bind: Identifier.random()), \(bind: delivery.id), \(bind: attempt), \(bind: status), \(bind: error),
                    \(bind: durationMs), \(bind: millis))
                """
            ).run()
            try await connection.raw(
                """
                UPDATE webhook_deliveries SET state = \(bind: state.rawValue), attempts = \(bind: attempt),
                    last_status = \(bind: status), last_error = \(bind: error),
                    next_attempt_at = \(bind: Clock.milliseconds(retryAt ?? now)),
                    delivered_at = \(bind: delivered ? millis : nil)
                WHERE id = \(bind: delivery.id)
                """
            ).run()
            return true
        }
    }

    /// One page of an endpoint's deliveries, newest first: those after `after` (a position
    /// this method returned) in that order, and the position the next page starts after, if
    /// there is one. Positions are `seq:id`, as two deliveries can share an outbox `seq`.
    public func webhookDeliveries(endpointID: String, workspaceID: String, after: String? = nil, limit: Int = 100)
        async throws -> (deliveries: [WebhookDelivery], nextAfter: String?)
    {
        var seq = Int64.max
        var id = ""
        if let after, case let parts = after.split(separator: ":", maxSplits: 1), parts.count == 2,
            let number = Int64(parts[0])
        {
            (seq, id) = (number, String(parts[1]))
        }
        let rows = try await sql.raw(
            """
            SELECT d.*, e.type AS event_type, e.integration_id AS event_integration FROM webhook_deliveries d
            JOIN webhook_events e ON e.id = d.event_id
            JOIN webhook_endpoints w ON w.id = d.endpoint_id
            WHERE d.endpoint_id = \(bind: endpointID) AND w.workspace_id = \(bind: workspaceID)
                AND (d.seq < \(bind: seq) OR (d.seq = \(bind: seq) AND d.id < \(bind: id)))
            ORDER BY d.seq DESC, d.id DESC LIMIT \(bind: limit + 1)
            """
        ).all()
        let page = rows.prefix(limit)
        var next: String?
        if rows.count > limit, let last = page.last {
            next = "\(try last.decode(column: "seq", as: Int64.self)):\(try last.decode(column: "id", as: String.self))"
        }
        return (try page.map(WebhookDeliveryRow.decode), next)
    }

    public func webhookAttempts(deliveryID: String) async throws -> [WebhookAttempt] {
        try await sql.raw(
            "SELECT * FROM webhook_attempts WHERE delivery_id = \(bind: deliveryID) ORDER BY attempt, attempted_at"
        ).all().map(WebhookAttemptRow.decode)
    }

    /// Sends a delivery again (a dead one, or a delivered one the receiver lost): pending, due
    /// now, with a fresh round of retries. Its earlier attempts stay in the log and the next one
    /// is numbered after them.
    public func redeliver(deliveryID: String, workspaceID: String, now: Date = Date()) async throws
        -> WebhookDelivery?
    {
        try await database.transaction { connection in
            guard
                try await connection.raw(
                    """
                    SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
                    WHERE d.id = \(bind: deliveryID) AND w.workspace_id = \(bind: workspaceID)
                    """
                ).first() != nil
            else { return nil }
            try await connection.raw(
                """
                UPDATE webhook_deliveries SET state = \(bind: WebhookDelivery.State.pending.rawValue), round_start = attempts,
                    next_attempt_at = \(bind: Clock.milliseconds(now)), delivered_at = NULL
                WHERE id = \(bind: deliveryID)
                """
            ).run()
            return try await connection.raw(
                """
                SELECT d.*, e.type AS event_type, e.integration_id AS event_integration FROM webhook_deliveries d
                JOIN webhook_events e ON e.id = d.event_id WHERE d.id = \(bind: deliveryID)
                """
            ).first().map(WebhookDeliveryRow.decode)
        }
    }

    /// Deliveries waiting to be sent, for metrics.
    public func outboxDepth() async throws -> Int {
        let row = try await sql.raw(
            "SELECT COUNT(*) AS depth FROM webhook_deliveries WHERE state = \(bind: WebhookDelivery.State.pending.rawValue)"
        ).first()
        return Int(try row?.decode(column: "depth", as: Int64.self) ?? 0)
    }

}

/// A `webhook_endpoints` row; its signing secret is read only for a delivery.
private struct WebhookEndpointRow: StoredRow {
    static let table = "webhook_endpoints"
    var id: String
    var workspaceID: String
    var url: String
    var description: String?
    var events: String?
    var createdAt: Int64

    func value() throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: id, workspaceID: workspaceID, url: url, description: description,
            events: try events.map { try json($0, as: [String].self) }, createdAt: Date(unixMilliseconds: createdAt))
    }
}

/// A `webhook_deliveries` row joined with its event (`event_type`, `event_integration`).
private struct WebhookDeliveryRow: StoredRow {
    static let table = "webhook_deliveries"
    var id: String
    var eventID: String
    var eventType: String
    var endpointID: String
    var eventIntegration: String?
    var state: WebhookDelivery.State
    var attempts: Int64
    var roundStart: Int64
    var nextAttemptAt: Int64
    var lastStatus: Int64?
    var lastError: String?
    var deliveredAt: Int64?
    var createdAt: Int64

    func value() -> WebhookDelivery {
        WebhookDelivery(
            id: id, eventID: eventID, eventType: eventType, endpointID: endpointID, integrationID: eventIntegration,
            state: state, attempts: Int(attempts), roundStart: Int(roundStart),
            nextAttemptAt: Date(unixMilliseconds: nextAttemptAt),
            lastStatus: lastStatus.map(Int.init), lastError: lastError,
            deliveredAt: deliveredAt.map(Date.init(unixMilliseconds:)), createdAt: Date(unixMilliseconds: createdAt))
    }
}

/// A `webhook_attempts` row.
private struct WebhookAttemptRow: StoredRow {
    static let table = "webhook_attempts"
    var attempt: Int64
    var status: Int64?
    var error: String?
    var durationMs: Int64
    var attemptedAt: Int64

    func value() -> WebhookAttempt {
        WebhookAttempt(
            attempt: Int(attempt), status: status.map(Int.init), error: error, durationMilliseconds: Int(durationMs),
            attemptedAt: Date(unixMilliseconds: attemptedAt))
    }
}
