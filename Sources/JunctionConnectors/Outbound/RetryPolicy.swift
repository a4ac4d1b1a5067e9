import JunctionModel

/// How a connector retries a request to its tool: how many attempts, the backoff between them,
/// each attempt's timeout, and the longest wait a tool's `Retry-After` may ask for.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var requestTimeout: Duration
    /// The longest `Retry-After` waited for; a longer one fails the request at once, since a
    /// sync (or an API caller) should not hang for it. The next scheduled run tries again.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
        requestTimeout: Duration = .seconds(30), maxRetryAfter: Duration = .seconds(300)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.requestTimeout = requestTimeout
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before attempt `attempt + 1`: full jitter, a random wait between half and all of
    /// base × 2^(attempt-1), capped at `maxDelay`.
    public func backoff(_ attempt: Int) -> Duration {
        let cap = min(baseDelay * (1 << min(attempt - 1, 16)), maxDelay)
        let milliseconds = Int(cap.inMilliseconds)
        return .milliseconds(Int.random(in: max(1, milliseconds / 2)...max(1, milliseconds)))
    }

    /// A wait a response header asked for, as a `Duration`: nil for NaN or infinity, clamped to
    /// between zero and a year. `Int(_:)` of such header values would trap, and headers are
    /// remote input.
    public static func wait(seconds: Double) -> Duration? {
        guard seconds.isFinite else { return nil }
        return .milliseconds(Int64(min(max(seconds, 0), 86_400 * 365) * 1000))
    }
}
