extension Migration {
    /// Guards of the write path. A claim holds (integration, email, job) while an application is
    /// created, so concurrent duplicates, from any instance, create one; idempotency keys keep the
    /// first response of a request for replay.
    static let createWriteGuards = Migration(
        version: 14, name: "CreateWriteGuards",
        [
            """
            CREATE TABLE write_claims (
                integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
                claim TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (integration_id, claim)
            )
            """,
            """
            CREATE TABLE idempotency_keys (
                workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                status INTEGER,
                response TEXT,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, key)
            )
            """,
        ])
}
