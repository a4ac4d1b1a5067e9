import Logging
import NIOPosix
import Synchronization
// The SQLite that SQLiteNIO compiles in (`PreparedSQLiteReads` says why the same copy).
import VaporCSQLite

/// Copies the writer's log into the database file (a checkpoint) on a thread of its own, so
/// that the writer's commits no longer do it.
///
/// In write-ahead-log mode SQLite checkpoints at the commit that leaves the log past
/// `wal_autocheckpoint` pages: that commit copies the log into the file and syncs it before it
/// returns. A FULL sync's pace is its writer's thread (`PreparedSQLiteWriter`), and those
/// checkpoints were 15% of that thread's time (`benchmarks/analysis.md`, thirty-ninth stop).
/// Here the writer's commits only count: once `backgroundPages` pages of log wait to be copied,
/// a passive checkpoint runs on `thread` from a connection of its own, which takes no lock the
/// writer waits for, while the writer goes on. A passive checkpoint copies what the log held
/// when it began; the log starts over from its beginning only at a transaction that finds all of
/// it copied, which a writer that never pauses rarely gives it. So once the log holds
/// `backstopPages`, the writer's commit checkpoints itself, as SQLite's own would, finding most
/// of it copied already, and the log starts over. The backstop also bounds the log when the
/// thread falls behind (a reader's snapshot can hold a checkpoint back).
///
/// The log holds `backstopPages` pages and the commit that passes them (a 100,000-candidate
/// FULL's log file peaked at 253 MiB: frames of 4 KiB and their headers) during a long sync, and
/// keeps its largest size on disk while the database is open: SQLite reuses the file from its
/// beginning rather than shrink it.
final class SQLiteCheckpointer: Sendable {
    /// When the background checkpoint runs and when the writer's commit checkpoints itself.
    struct Policy: Sendable {
        /// Pages of log not yet copied after which a checkpoint runs on `thread`.
        var backgroundPages = 20_000
        /// Pages of log after which the writer's commit checkpoints itself.
        var backstopPages = 60_000
    }

    /// The thread every checkpointer of the process runs on, kept for its life, as the writers'
    /// own (`PreparedSQLiteWriter.threads`): one, since the process writes one file. Its work
    /// runs in the order it was submitted, so a checkpointer's close follows its last checkpoint.
    static let thread: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    private let path: String
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var policy: Policy
        /// Whether a checkpoint is submitted or running.
        var running = false
        /// Frames of the log copied by the last checkpoint, 0 when it copied the whole log (the
        /// next transaction starts the log over, unless a read still uses it: then the next
        /// commit's checkpoint copies what that commit added, and so on until it does).
        var copied = 0
        /// The log's size when the running checkpoint was submitted: counted as copied if it
        /// fails, so a failing checkpoint is tried again only after as much log again.
        var submittedAt = 0
        /// The checkpoints' connection, opened by the first.
        var connection: PreparedSQLiteConnection?
        var closed = false
        /// How many checkpoints ran on `thread`; for tests.
        var runs = 0
    }

    init(path: String, logger: Logger, policy: Policy = Policy()) {
        self.path = path
        self.logger = logger
        self.state = Mutex(State(policy: policy))
    }

    /// Sets when checkpoints run; for tests, before the writer's first commit.
    func setPolicy(_ policy: Policy) { state.withLock { $0.policy = policy } }

    /// How many checkpoints ran on `thread` so far.
    var backgroundRuns: Int { state.withLock { $0.runs } }

    /// Called by SQLite on the writer's thread after each commit, with the log's size in
    /// pages. Whether the commit checkpoints itself (the backstop); otherwise a checkpoint is
    /// submitted to `thread` when enough of the log waits and none is running.
    func committed(logPages: Int) -> Bool {
        let (backstop, submit) = state.withLock { state -> (Bool, Bool) in
            if logPages >= state.policy.backstopPages { return (true, false) }
            guard !state.running, !state.closed else { return (false, false) }
            // A log shorter than what was copied has started over: all of it waits.
            let waiting = logPages < state.copied ? logPages : logPages - state.copied
            guard waiting >= state.policy.backgroundPages else { return (false, false) }
            state.running = true
            state.submittedAt = logPages
            return (false, true)
        }
        if submit { Self.thread.submit { _ in self.checkpoint() } }
        return backstop
    }

    /// A passive checkpoint on `thread`. A failure is logged and left to the next one, or to the
    /// backstop: the writer's commits go on either way.
    private func checkpoint() {
        let (closed, connection, submittedAt) = state.withLock { ($0.closed, $0.connection, $0.submittedAt) }
        var copied = 0
        do {
            if !closed, let connection = try connection ?? opened() {
                let (log, done) = try connection.checkpointPassively()
                copied = done == log ? 0 : done
            }
        } catch {
            copied = submittedAt
            logger.warning(
                "SQLite's background checkpoint failed; it is tried again after as much log again, and the writer's commits checkpoint past the backstop",
                metadata: ["error": "\(error)"])
        }
        state.withLock { state in
            state.running = false
            state.copied = copied
            state.runs += 1
        }
    }

    /// The checkpoints' connection, opened on `thread`; nil once closed.
    private func opened() throws -> PreparedSQLiteConnection? {
        let connection = try PreparedSQLiteConnection(path: path)
        let kept = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.connection = connection
            return true
        }
        if !kept { connection.close() }
        return kept ? connection : nil
    }

    /// Closes the checkpoints' connection once a checkpoint running on `thread` has ended; no
    /// checkpoint starts after.
    func close() async {
        let running = state.withLock { state -> Bool in
            state.closed = true
            return state.running || state.connection != nil
        }
        guard running else { return }
        // Behind any checkpoint already submitted: `thread` runs its work in order.
        try? await Self.thread.runIfActive {
            let connection = self.state.withLock { state in
                defer { state.connection = nil }
                return state.connection
            }
            connection?.close()
        }
    }
}
