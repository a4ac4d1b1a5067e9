import AsyncHTTPClient
import Crypto
import Foundation
import JunctionConnectors
import JunctionModel
import JunctionStore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// When to try a failed delivery again, and when to give up.
public struct WebhookPolicy: Sendable, Equatable {
    /// Waits after attempts 1, 2, …; one attempt more than there are waits. The defaults add up
    /// to about 24 hours: 10 s, 30 s, 2 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h.
    public var retryDelays: [Double]
    public var requestTimeout: Duration
    /// Most of a receiver's answer that is read (the rest is dropped).
    public var maxResponseBytes: Int
    public var tick: Duration

    public static let defaultDelays: [Double] = [10, 30, 120, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 28_800]

    public init(
        retryDelays: [Double] = WebhookPolicy.defaultDelays, requestTimeout: Duration = .seconds(10),
        maxResponseBytes: Int = 64 * 1024, tick: Duration = .milliseconds(500)
    ) {
        self.retryDelays = retryDelays
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.tick = tick
    }

    /// The defaults scaled by `scale` and cut to `maxAttempts` attempts (tests run the whole
    /// schedule in seconds).
    public static func scaled(_ scale: Double, maxAttempts: Int) -> WebhookPolicy {
        var delays = defaultDelays.map { $0 * scale }
        while delays.count < maxAttempts - 1 { delays.append((delays.last ?? 10) * 2) }
        return WebhookPolicy(retryDelays: Array(delays.prefix(max(0, maxAttempts - 1))))
    }

    public var maxAttempts: Int { retryDelays.count + 1 }

    /// When to try again after `attempts` attempts failed; nil when that was the last.
    func retryAt(afterAttempts attempts: Int, now: Date) -> Date? {
        guard attempts >= 1, attempts <= retryDelays.count else { return nil }
        return now.addingTimeInterval(retryDelays[attempts - 1])
    }
}

/// `X-Kombo-Signature`: base64url without padding of HMAC-SHA256(secret, raw body), so a
/// receiver written for Kombo verifies Junction's webhooks unchanged.
public enum WebhookSignature {
    public static func sign(_ body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// What the dispatcher reports as it goes (the server's metrics).
public protocol WebhookObserver: Sendable {
    func setOutboxDepth(_ depth: Int)
    func webhookDeliveries(outcome: String)
}

/// Sends the outbox: every due delivery, first in line per endpoint and integration, signed,
/// with a timeout and a cap on what is read back; retried on the policy's schedule and
/// dead-lettered after the last attempt. Each attempt is recorded, with a fixed sentence for a
/// failure (never the network stack's text, which would tell open ports from closed ones).
/// Deliveries go through the outbound-request policy: the receiver's address is checked again
/// at every attempt, the checked address is the one connected to, and redirects are not followed.
public struct WebhookDispatcher: Service {
    let store: Store
    let policy: WebhookPolicy
    let outbound: OutboundRequests
    let logger: Logger
    let metrics: (any WebhookObserver)?

    public init(
        store: Store, policy: WebhookPolicy, outbound: OutboundRequests, logger: Logger,
        metrics: (any WebhookObserver)? = nil
    ) {
        self.store = store
        self.policy = policy
        self.outbound = outbound
        self.logger = logger
        self.metrics = metrics
    }

    public func run() async throws {
        let busy = BusyEndpoints()
        await cancelWhenGracefulShutdown {
            // Each endpoint's deliveries go out in a task of their own: a slow or hanging receiver
            // holds only its own queue, never another endpoint's or workspace's.
            await withDiscardingTaskGroup { group in
                while !Task.isCancelled {
                    do {
                        let now = Date()
                        let due = try await store.webhooks.dueDeliveries(now: now, excluding: await busy.endpoints)
                        metrics?.setOutboxDepth(try await store.webhooks.outboxDepth())
                        for (endpoint, items) in Self.byEndpoint(due) where await busy.take(endpoint) {
                            group.addTask {
                                await deliver(items, now: now)
                                await busy.release(endpoint)
                            }
                        }
                    } catch {
                        logger.error("webhook dispatch failed", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: policy.tick)
                }
            }
        }
    }

    /// Endpoints with deliveries going out now.
    actor BusyEndpoints {
        private(set) var endpoints: Set<String> = []
        func take(_ endpoint: String) -> Bool { endpoints.insert(endpoint).inserted }
        func release(_ endpoint: String) { endpoints.remove(endpoint) }
    }

    /// Due deliveries by endpoint, each endpoint's in the outbox's order (first in line per
    /// integration), endpoints in the order their first delivery is due.
    static func byEndpoint(_ due: [DueDelivery]) -> [(String, [DueDelivery])] {
        var order: [String] = []
        var groups: [String: [DueDelivery]] = [:]
        for item in due {
            let endpoint = item.delivery.endpointID
            if groups[endpoint] == nil { order.append(endpoint) }
            groups[endpoint, default: []].append(item)
        }
        return order.map { ($0, groups[$0] ?? []) }
    }

    /// One pass over the due deliveries, endpoints at the same time and each endpoint's in
    /// order; returns how many were attempted once all are done.
    @discardableResult
    public func deliverDue(now: Date = Date()) async throws -> Int {
        let due = try await store.webhooks.dueDeliveries(now: now)
        metrics?.setOutboxDepth(try await store.webhooks.outboxDepth())
        return await withTaskGroup(of: Int.self) { group in
            for (_, items) in Self.byEndpoint(due) {
                group.addTask { await deliver(items, now: now) }
            }
            return await group.reduce(0, +)
        }
    }

    /// One endpoint's due deliveries, one after another; returns how many were attempted.
    private func deliver(_ items: [DueDelivery], now: Date) async -> Int {
        var attempted = 0
        for item in items {
            // One delivery's trouble (its endpoint deleted mid-send, say) must not end the pass
            // for the others.
            do {
                // The lease outlasts one attempt, so a crash mid-send retries it later.
                guard try await store.webhooks.claimDelivery(item.delivery, lease: 60, now: now) else { continue }
                attempted += 1
                try await attempt(item)
            } catch {
                logger.warning(
                    "webhook delivery skipped", metadata: ["delivery": "\(item.delivery.id)", "error": "\(error)"])
            }
        }
        return attempted
    }

    private func attempt(_ item: DueDelivery) async throws {
        var request = HTTPClientRequest(url: item.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Junction-Webhooks/1")
        request.headers.add(name: "X-Kombo-Signature", value: WebhookSignature.sign(item.body, secret: item.secret))
        request.body = .bytes(ByteBuffer(bytes: item.body))
        let started = ContinuousClock.now
        var status: Int?
        var failure: String?
        switch await outbound.execute(
            request, timeout: .seconds(Int64(policy.requestTimeout.components.seconds)),
            maxBytes: policy.maxResponseBytes, truncate: true)
        {
        case .success(let response):
            status = Int(response.status.code)
            if !(200..<300).contains(Int(response.status.code)) {
                failure = "HTTP \(response.status.code)"
            }
        case .failure(let error):
            failure = error.message
        }
        let delivered = failure == nil
        let attempts = item.delivery.attempts + 1
        let now = Date()
        let retryAt = delivered ? nil : policy.retryAt(afterAttempts: item.delivery.attemptsThisRound + 1, now: now)
        guard
            try await store.webhooks.recordAttempt(
                item.delivery, status: status, error: failure, duration: ContinuousClock.now - started,
                delivered: delivered, retryAt: retryAt, now: now)
        else {
            // The endpoint was deleted while this attempt was under way: nothing is left to record.
            logger.debug("webhook endpoint deleted during an attempt", metadata: ["delivery": "\(item.delivery.id)"])
            return
        }
        let outcome = delivered ? "delivered" : (retryAt == nil ? "dead" : "retry")
        metrics?.webhookDeliveries(outcome: outcome)
        var metadata: Logger.Metadata = [
            "delivery": "\(item.delivery.id)", "event": "\(item.delivery.eventType)", "attempt": "\(attempts)",
            "outcome": "\(outcome)",
        ]
        if let failure { metadata["error"] = "\(failure)" }
        if delivered {
            logger.debug("webhook delivered", metadata: metadata)
        } else {
            logger.notice("webhook attempt failed", metadata: metadata)
        }
    }
}
