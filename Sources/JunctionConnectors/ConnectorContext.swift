import Foundation
import Synchronization

/// What an outbound request to a tool is part of, for its log line and the caller's timing:
/// set by the sync engine (the run) and the API's request middleware (the request), read by
/// every connector's HTTP client.
public enum ConnectorContext {
    @TaskLocal public static var syncRunID: String?
    @TaskLocal public static var requestID: String?
    /// Adds up the time an API request spent in HTTP exchanges with the remote tool.
    @TaskLocal public static var timing: RemoteTiming?
}

/// Time spent talking to a remote tool during one API request (its `Server-Timing` entry).
public final class RemoteTiming: Sendable {
    private let state = Mutex<(total: Duration, count: Int)>((.zero, 0))

    public init() {}

    public func add(_ duration: Duration) {
        state.withLock {
            $0.total += duration
            $0.count += 1
        }
    }

    public var total: Duration { state.withLock { $0.total } }
    public var count: Int { state.withLock { $0.count } }
}
