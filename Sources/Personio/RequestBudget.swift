import AsyncHTTPClient
import JunctionModel
import Logging

/// How much one Personio account may be asked at once: at most `maxConcurrent` requests in
/// flight, and on average `requestsPerSecond` with bursts of up to `burst`.
///
/// [?] Personio publishes no limits for its recruiting endpoints; `/v2/persons` was measured at
/// about 30 requests/s ([C3] §4.1). The defaults stay well below that, and the client still
/// honours `x-ratelimit-*` and 429 on top.
public struct RequestLimits: Sendable, Equatable {
    public var maxConcurrent: Int
    public var requestsPerSecond: Double
    public var burst: Int
    /// [C] Recruiting API v1 writes: 20 per 60 s per company (§2.1).
    public var writesPerWindow: Int
    public var writeWindow: Duration
    /// How long a write may wait for the write allowance before it is refused with a retry time.
    public var maxWriteWait: Duration

    public init(
        maxConcurrent: Int = 4, requestsPerSecond: Double = 10, burst: Int = 20, writesPerWindow: Int = 20,
        writeWindow: Duration = .seconds(60), maxWriteWait: Duration = .seconds(10)
    ) {
        precondition(maxConcurrent >= 1 && requestsPerSecond > 0 && burst >= 1, "request limits must be positive")
        precondition(writesPerWindow >= 1, "at least one write per window")
        self.maxConcurrent = maxConcurrent
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
        self.writesPerWindow = writesPerWindow
        self.writeWindow = writeWindow
        self.maxWriteWait = maxWriteWait
    }
}

/// One account's request allowance, shared by everything that talks to the account (syncs,
/// writes, passthrough), so together they stay within `RequestLimits`.
public actor RequestBudget {
    public let limits: RequestLimits
    private var inFlight = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Token bucket; may go negative, which reserves tokens for callers already waiting.
    private var tokens: Double
    private var refilledAt = ContinuousClock.now
    /// The most requests seen in flight at once, for metrics and tests.
    public private(set) var peakInFlight = 0

    public init(limits: RequestLimits = RequestLimits()) {
        self.limits = limits
        self.tokens = Double(limits.burst)
    }

    /// When the last writes went out, oldest first (at most `writesPerWindow`).
    private var writes: [ContinuousClock.Instant] = []
    /// Until when writes wait after the limit was reached.
    private var writesBlockedUntil: ContinuousClock.Instant?

    /// Waits for a slot and a token. Every `acquire` must be followed by one `release`.
    /// A `priority` caller (a write a client is waiting for) is queued ahead of sync traffic.
    public func acquire(priority: Bool = false) async {
        while inFlight >= limits.maxConcurrent {
            await withCheckedContinuation { continuation in
                if priority { waiting.insert(continuation, at: 0) } else { waiting.append(continuation) }
            }
        }
        inFlight += 1
        peakInFlight = max(peakInFlight, inFlight)
        let now = ContinuousClock.now
        let elapsed = now - refilledAt
        let seconds = elapsed.inSeconds
        tokens = min(Double(limits.burst), tokens + seconds * limits.requestsPerSecond)
        refilledAt = now
        tokens -= 1
        if tokens < 0 {
            try? await Task.sleep(for: .milliseconds(Int((-tokens / limits.requestsPerSecond) * 1000) + 1))
        }
    }

    /// Takes one of the account's writes: at once, after a wait up to `maxWriteWait`, or not at
    /// all (`PersonioError.writeLimited` with the seconds until one is free).
    ///
    /// [C] "20 requests in 60 seconds per company. After reaching this limit, you will need to
    /// wait 60 seconds": the wait counts from the write that reached the limit, not from the
    /// window's first write. So once `writesPerWindow` writes fall within one window, the next
    /// waits a whole window from the last of them (which also keeps within a fixed or sliding window).
    public func acquireWrite() async throws(PersonioError) {
        while true {
            let now = ContinuousClock.now
            if let until = writesBlockedUntil {
                if now >= until {
                    writesBlockedUntil = nil
                    writes.removeAll()
                } else {
                    guard until - now <= limits.maxWriteWait else {
                        let seconds = (until - now).components.seconds + 1
                        throw .writeLimited(retryAfterSeconds: Int(seconds))
                    }
                    try? await Task.sleep(until: until, clock: .continuous)
                    continue
                }
            }
            writes.removeAll { now - $0 >= limits.writeWindow }
            writes.append(now)
            if writes.count >= limits.writesPerWindow { writesBlockedUntil = now + limits.writeWindow }
            return
        }
    }

    public func release() {
        inFlight -= 1
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }
}

/// The Personio clients of a process, one per integration, so the token cache, the rate-limit
/// state and the request budget are shared by every caller of the same account. Built once by
/// the composition root.
public actor PersonioAccounts {
    let http: HTTPClient
    let logger: Logger
    let limits: RequestLimits
    let retry: PersonioClient.RetryPolicy
    private var clients: [String: PersonioClient] = [:]
    private var budgets: [String: RequestBudget] = [:]

    let observer: PersonioObserver?
    let identity: PersonioIdentity

    public init(
        http: HTTPClient, logger: Logger, limits: RequestLimits = RequestLimits(),
        retry: PersonioClient.RetryPolicy = PersonioClient.RetryPolicy(), observer: PersonioObserver? = nil,
        identity: PersonioIdentity = .init()
    ) {
        self.identity = identity
        self.http = http
        self.logger = logger
        self.limits = limits
        self.retry = retry
        self.observer = observer
    }

    /// Drops what is cached for an integration (its client and credentials), as when it is deleted.
    public func forget(integrationID: String) {
        clients[integrationID] = nil
        budgets[integrationID] = nil
    }

    /// The integration's client; a new one (same budget) when its credentials changed.
    public func client(integrationID: String, credentials: PersonioCredentials) -> PersonioClient {
        if let existing = clients[integrationID], existing.credentials == credentials { return existing }
        let budget = budgets[integrationID] ?? RequestBudget(limits: limits)
        budgets[integrationID] = budget
        var logger = logger
        logger[metadataKey: "integration"] = "\(integrationID)"
        let client = PersonioClient(
            credentials: credentials, http: http, logger: logger, retry: retry, budget: budget, observer: observer,
            identity: identity)
        clients[integrationID] = client
        return client
    }
}
