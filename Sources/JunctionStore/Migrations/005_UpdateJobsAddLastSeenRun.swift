extension Migration {
    /// Which sync run last saw each job upstream: a FULL run marks the jobs it did not see as
    /// deleted with one statement, without holding every id in memory.
    static let updateJobsAddLastSeenRun = Migration(
        version: 5, name: "UpdateJobsAddLastSeenRun",
        [
            "ALTER TABLE jobs ADD COLUMN last_seen_run TEXT"
        ])
}
