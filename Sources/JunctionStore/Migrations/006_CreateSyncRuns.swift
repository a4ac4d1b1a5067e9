extension Migration {
    /// One row per FULL or DELTA pass of an integration, with its outcome and counts.
    static let createSyncRuns = Migration(
        version: 6, name: "CreateSyncRuns",
        [
            """
            CREATE TABLE sync_runs (
                id TEXT PRIMARY KEY,
                integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
                type TEXT NOT NULL,
                status TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                finished_at BIGINT,
                stats TEXT NOT NULL,
                error TEXT
            )
            """,
            "CREATE INDEX sync_runs_integration ON sync_runs (integration_id, started_at)",
        ])
}
