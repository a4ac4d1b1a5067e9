extension Migration {
    /// Unified records keep their JSON document plus the columns that filters and paging use.
    /// `changed_at` moves with the record's own content; `updated_at` also with nested data
    /// (architecture rule 3) and is what `updated_after` reads.
    static let createJobs = Migration(
        version: 4, name: "CreateJobs",
        [
            """
            CREATE TABLE jobs (
                integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
                id TEXT NOT NULL,
                remote_id TEXT NOT NULL,
                name TEXT,
                job_code TEXT,
                status TEXT,
                employment_type TEXT,
                visibility TEXT,
                post_url TEXT,
                remote_created_at BIGINT,
                changed_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                remote_deleted_at BIGINT,
                content_hash TEXT NOT NULL,
                record TEXT NOT NULL,
                PRIMARY KEY (integration_id, id)
            )
            """,
            "CREATE UNIQUE INDEX jobs_remote_id ON jobs (integration_id, remote_id)",
            "CREATE INDEX jobs_updated_at ON jobs (integration_id, updated_at)",
        ])
}
