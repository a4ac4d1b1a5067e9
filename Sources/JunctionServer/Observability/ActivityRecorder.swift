import JunctionModel
import JunctionStore
import Logging
import ServiceLifecycle
import Synchronization

/// Writes the activity log after the answer has gone out: a write waited for its own log entry,
/// one more statement (a round trip on PostgreSQL) on the caller's time. Entries queue here and
/// one task at a time writes them in the order they came; the dashboard flushes before it reads,
/// and as a service the recorder writes what is queued when the server shuts down, before the
/// database closes (it is added after the database's service, so it stops first).
///
/// The queue is bounded: past `capacity` waiting entries (the database far behind), the oldest
/// are dropped and counted in a warning, so a stalled database costs no unbounded memory.
public final class ActivityRecorder: Service, Sendable {
    public struct Pending: Sendable {
        var entry: ActivityEntry
        var workspaceID: String
    }

    private struct State {
        var queue: [Pending] = []
        var writer: Task<Void, Never>?
        var dropped = 0
    }

    let log: RequestLogRepository
    let capacity: Int
    let logger: Logger
    private let state = Mutex(State())

    public init(log: RequestLogRepository, capacity: Int = 10_000, logger: Logger) {
        self.log = log
        self.capacity = capacity
        self.logger = logger
    }

    /// Queues `entry`, written only if its integration belongs to `workspaceID` (checked in the
    /// insert: the header naming it is the caller's word).
    public func record(_ entry: ActivityEntry, workspaceID: String) {
        state.withLock { state in
            if state.queue.count >= capacity {
                state.queue.removeFirst()
                state.dropped += 1
            }
            state.queue.append(Pending(entry: entry, workspaceID: workspaceID))
            if state.writer == nil {
                state.writer = Task { await self.writeQueued() }
            }
        }
    }

    /// Returns once every entry queued before the call is written (or failed to be).
    public func flush() async {
        while let writer = state.withLock({ $0.writer }) {
            await writer.value
        }
    }

    /// Waits for shutdown, then writes what is left.
    public func run() async throws {
        try? await gracefulShutdown()
        await flush()
    }

    private func writeQueued() async {
        while true {
            let (batch, dropped) = state.withLock { state -> ([Pending], Int) in
                let taken = (state.queue, state.dropped)
                state.queue = []
                state.dropped = 0
                // Cleared under the same lock that saw the queue empty: a `record` after this
                // starts a new writer.
                if taken.0.isEmpty { state.writer = nil }
                return taken
            }
            if dropped > 0 {
                logger.warning(
                    "activity log entries dropped: the database fell behind", metadata: ["dropped": "\(dropped)"])
            }
            guard !batch.isEmpty else { return }
            for pending in batch {
                do {
                    try await log.logActivity(pending.entry, workspaceID: pending.workspaceID)
                } catch {
                    logger.warning(
                        "an activity log entry was not written",
                        metadata: ["integration": "\(pending.entry.integrationID)", "error": "\(error)"])
                }
            }
        }
    }
}
