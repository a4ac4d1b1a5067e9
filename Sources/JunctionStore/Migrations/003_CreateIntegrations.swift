extension Migration {
    static let createIntegrations = Migration(
        version: 3, name: "CreateIntegrations",
        [
            """
            CREATE TABLE integrations (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                tool TEXT NOT NULL,
                status TEXT NOT NULL,
                setup_status TEXT NOT NULL,
                end_user_organization_name TEXT NOT NULL,
                end_user_email TEXT,
                end_user_origin_id TEXT,
                credentials TEXT NOT NULL,
                settings TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX integrations_workspace ON integrations (workspace_id)",
        ])
}
