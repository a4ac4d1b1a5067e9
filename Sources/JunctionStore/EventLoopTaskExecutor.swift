import NIOCore

/// Runs a task's jobs on one NIO event loop's thread (`Database.transaction(pinned:)`).
///
/// A job enqueued from that thread (a statement's answer, completed by the connection's channel
/// handler on its loop) runs there without waking another thread; one enqueued from elsewhere
/// wakes the loop, as any `execute` does.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
