import Foundation

/// One event for the workspace's webhook endpoints: `{id, type, data}` on the wire
/// (`docs/unified-api.md`, "Webhooks").
public struct WebhookEvent: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    /// Deliveries of one integration's events go out in order; nil orders with other
    /// integration-less events of the workspace.
    public var integrationID: String?
    public var type: String
    public var data: JSONValue

    public init(type: String, workspaceID: String, integrationID: String?, data: JSONValue) {
        self.id = Identifier.random()
        self.workspaceID = workspaceID
        self.integrationID = integrationID
        self.type = type
        self.data = data
    }

    /// The exact bytes delivered (and signed): stored once, so every retry sends the same body.
    public func body() throws -> Data {
        try UnifiedJSON.makeEncoder().encode(
            JSONValue.object(["id": .string(id), "type": .string(type), "data": data]))
    }

    public static let types = [
        "data-changed", "sync-finished", "integration-created", "integration-state-changed", "integration-deleted",
        "connection-flow-failed",
    ]
}

/// A URL of the workspace that receives webhooks.
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var url: String
    public var description: String?
    /// The event types it receives; nil for all.
    public var events: [String]?
    public var createdAt: Date

    public init(
        id: String, workspaceID: String, url: String, description: String? = nil, events: [String]? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.url = url
        self.description = description
        self.events = events
        self.createdAt = createdAt
    }
}

/// One event's delivery to one endpoint, with how it went.
public struct WebhookDelivery: Sendable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case pending = "PENDING"
        case delivered = "DELIVERED"
        /// Every attempt failed; kept for inspection and manual redelivery.
        case dead = "DEAD"
    }

    public var id: String
    public var eventID: String
    public var eventType: String
    public var endpointID: String
    public var integrationID: String?
    public var state: State
    /// Every attempt the delivery has had, across redeliveries (the attempt log's last number).
    public var attempts: Int
    /// `attempts` when the current round of retries began (a redelivery starts one).
    public var roundStart: Int
    public var nextAttemptAt: Date
    public var lastStatus: Int?
    public var lastError: String?
    public var deliveredAt: Date?
    public var createdAt: Date

    /// Attempts in the current round, which the retry schedule counts.
    public var attemptsThisRound: Int { attempts - roundStart }

    public init(
        id: String, eventID: String, eventType: String, endpointID: String, integrationID: String? = nil, state: State,
        attempts: Int, roundStart: Int = 0, nextAttemptAt: Date, lastStatus: Int? = nil, lastError: String? = nil,
        deliveredAt: Date? = nil, createdAt: Date
    ) {
        self.id = id
        self.eventID = eventID
        self.eventType = eventType
        self.endpointID = endpointID
        self.integrationID = integrationID
        self.state = state
        self.attempts = attempts
        self.roundStart = roundStart
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.createdAt = createdAt
    }
}

public struct WebhookAttempt: Sendable, Equatable {
    public var attempt: Int
    public var status: Int?
    public var error: String?
    public var durationMilliseconds: Int
    public var attemptedAt: Date

    public init(
        attempt: Int, status: Int? = nil, error: String? = nil, durationMilliseconds: Int, attemptedAt: Date
    ) {
        self.attempt = attempt
        self.status = status
        self.error = error
        self.durationMilliseconds = durationMilliseconds
        self.attemptedAt = attemptedAt
    }
}
