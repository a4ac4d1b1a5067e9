import HummingbirdCore
import JunctionStore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 channel, with each connection's requests handled on the connection's own
/// event loop thread instead of Swift's global executor.
///
/// A request's parts arrive on the channel's loop and its response is written there. With the
/// handling elsewhere, every request woke a global executor's thread for its head and the loop
/// again for its response; a PostgreSQL statement added a hop to its connection's loop and one
/// back. Waking a thread was about a quarter of a PostgreSQL page's CPU, in the kernel's
/// scheduler (`benchmarks/analysis.md`, thirty-second stop). Here the handler runs where its
/// request arrives, a pooled connection on the same loop is preferred (`ConnectionPool`), and a
/// statement pinned to that loop runs without a switch (`EventLoopTaskExecutor.of`).
///
/// What a handler computes delays the other channels of its loop for that long, as in any
/// event-loop server; a sync's work runs in tasks of its own, not here.
struct LoopBoundHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor.of(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// `http1(configuration:)` with each connection handled on its loop (`LoopBoundHTTP1Channel`).
    static func loopBoundHTTP1(configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        .init { responder in
            LoopBoundHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}
