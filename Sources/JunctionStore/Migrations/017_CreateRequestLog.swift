extension Migration {
    /// Refused and failed API requests (issue 8), which error envelopes link to by `log_url`.
    static let createRequestLog = Migration(
        version: 17, name: "CreateRequestLog",
        [
            """
            CREATE TABLE request_log (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                integration_id TEXT,
                method TEXT NOT NULL,
                path TEXT NOT NULL,
                status INTEGER NOT NULL,
                error_code TEXT,
                error_message TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX request_log_workspace ON request_log (workspace_id, created_at)",
        ])
}
