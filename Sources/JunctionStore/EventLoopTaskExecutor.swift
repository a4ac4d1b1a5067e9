import NIOCore
import Synchronization

/// Runs a task's jobs on one NIO event loop's thread (`Database.transaction(pinned:)`, a
/// request's handling, SQLite's writer thread).
///
/// A job enqueued from that thread (a statement's answer, completed by the connection's channel
/// handler on its loop) runs there without waking another thread; one enqueued from elsewhere
/// wakes the loop, as any `execute` does.
public final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// The one executor of `eventLoop`. A task that prefers an executor and calls code preferring
    /// another runs there only after a switch, and two executors of the same loop are two
    /// executors to the runtime: a statement pinned to its connection's loop, inside a request
    /// already on that loop, would still go through the loop's queue once each way.
    public static func of(_ eventLoop: any EventLoop) -> EventLoopTaskExecutor {
        executors.withLock { executors in
            let key = ObjectIdentifier(eventLoop)
            if let executor = executors[key] { return executor }
            let executor = EventLoopTaskExecutor(eventLoop)
            executors[key] = executor
            return executor
        }
    }

    /// Per loop, kept for the process's life: event loops are few and live as long.
    private static let executors = Mutex<[ObjectIdentifier: EventLoopTaskExecutor]>([:])

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
