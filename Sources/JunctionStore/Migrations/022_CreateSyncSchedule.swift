extension Migration {
    /// The sync queue (issue 20): one row per integration saying when its next run is due and
    /// why, and which instance holds it while it runs (a lease that expires when that instance
    /// dies). The scheduler asks for due rows, oldest first, in one indexed query. `confirmed_at`
    /// is when the integration's data was last confirmed current: the start of its last
    /// successful run.
    static let createSyncSchedule = Migration(
        version: 22, name: "CreateSyncSchedule",
        [
            """
            CREATE TABLE sync_schedule (
                integration_id TEXT PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
                due_at BIGINT NOT NULL,
                due_kind TEXT NOT NULL,
                due_reason TEXT NOT NULL,
                failures BIGINT NOT NULL DEFAULT 0,
                lease_owner TEXT,
                lease_until BIGINT,
                confirmed_at BIGINT
            )
            """,
            "CREATE INDEX sync_schedule_due ON sync_schedule (due_at)",
        ])
}
