import JunctionModel

/// How much one account of a tool may be asked at once: at most `maxConcurrent` requests in
/// flight, on average `requestsPerSecond` with bursts of up to `burst`, and at most
/// `writesPerWindow` writes per `writeWindow`. The defaults are Personio's (see
/// `docs/personio-mapping.md`: no published read limit, about 30 requests/s measured on one
/// endpoint, so 10/s; 20 writes per 60 s per company, confirmed); a connector with other limits
/// passes its own.
public struct RequestLimits: Sendable, Equatable {
    public var maxConcurrent: Int
    public var requestsPerSecond: Double
    public var burst: Int
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

/// A write refused because the account's write allowance stays spent for longer than a write
/// may wait; a connector answers it in its own vocabulary with the retry time.
public struct WriteLimitReached: Error, Sendable, Equatable {
    public var retryAfterSeconds: Int
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
    /// all (`WriteLimitReached` with the seconds until one is free).
    ///
    /// The wait counts from the write that reached the limit, not from the window's first write
    /// (Personio's wording: "after reaching this limit, you will need to wait 60 seconds"). So
    /// once `writesPerWindow` writes fall within one window, the next waits a whole window from
    /// the last of them, which also keeps within a fixed or a sliding window.
    public func acquireWrite() async throws(WriteLimitReached) {
        while true {
            let now = ContinuousClock.now
            if let until = writesBlockedUntil {
                if now >= until {
                    writesBlockedUntil = nil
                    writes.removeAll()
                } else {
                    guard until - now <= limits.maxWriteWait else {
                        let seconds = (until - now).components.seconds + 1
                        throw WriteLimitReached(retryAfterSeconds: Int(seconds))
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
