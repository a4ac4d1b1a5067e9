extension Migration {
    /// Dashboard sessions kept server-side (issue 16), so signing out ends one and revoking the
    /// API key it was opened with ends all of that key's. Only the token's hash is stored.
    static let createDashboardSessions = Migration(
        version: 18, name: "CreateDashboardSessions",
        [
            """
            CREATE TABLE dashboard_sessions (
                token_hash TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                api_key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX dashboard_sessions_key ON dashboard_sessions (api_key_id)",
            "CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at)",
        ])
}
