import Foundation

/// Counts events per key (a client address, a key prefix, a connect link) over a sliding window
/// and says when a key has had its share. In memory, per process: several instances each count
/// their own, which multiplies the allowance by the number of instances but never blocks a
/// client for another instance's traffic.
public final class RateLimiter: @unchecked Sendable {
    public struct Limit: Sendable, Equatable {
        /// Events allowed per window; 0 turns the limit off.
        public var count: Int
        public var window: TimeInterval

        public init(count: Int, window: TimeInterval) {
            self.count = count
            self.window = window
        }
    }

    public let limit: Limit
    private let lock = NSLock()
    private var events: [String: [TimeInterval]] = [:]
    private let now: @Sendable () -> TimeInterval

    public init(_ limit: Limit, now: @escaping @Sendable () -> TimeInterval = { Date().timeIntervalSince1970 }) {
        self.limit = limit
        self.now = now
    }

    /// Seconds until `key` may try again, or nil when it may now.
    public func retryAfter(_ key: String) -> Int? {
        guard limit.count > 0 else { return nil }
        let current = now()
        return lock.withLock {
            let recent = (events[key] ?? []).filter { $0 > current - limit.window }
            events[key] = recent.isEmpty ? nil : recent
            guard recent.count >= limit.count, let oldest = recent.first else { return nil }
            return max(1, Int((oldest + limit.window - current).rounded(.up)))
        }
    }

    /// Counts one event for `key`.
    public func record(_ key: String) {
        guard limit.count > 0 else { return }
        let current = now()
        lock.withLock {
            var recent = (events[key] ?? []).filter { $0 > current - limit.window }
            recent.append(current)
            // Only the newest `count` matter for the decision.
            if recent.count > limit.count { recent.removeFirst(recent.count - limit.count) }
            events[key] = recent
            if events.count > 50_000 { prune(before: current - limit.window) }
        }
    }

    private func prune(before cutoff: TimeInterval) {
        events = events.filter { $0.value.last.map { $0 > cutoff } ?? false }
    }
}
