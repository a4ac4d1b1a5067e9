extension Migration {
    /// Everything around the data (issue 7): connect links and the flows they carry, requested
    /// syncs, the field explorer, custom fields and their mappings, and the activity log of
    /// writes and passthrough calls.
    static let createConnectAndFields = Migration(
        version: 15, name: "CreateConnectAndFields",
        [
            // A link's token and its activation token are stored hashed; the credentials a
            // flow has entered but not yet finished with are sealed (context: the link id).
            """
            CREATE TABLE connect_links (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                integration_id TEXT REFERENCES integrations (id) ON DELETE CASCADE,
                link_type TEXT NOT NULL,
                language TEXT NOT NULL,
                end_user_email TEXT,
                end_user_organization_name TEXT NOT NULL,
                end_user_origin_id TEXT,
                pending_credentials TEXT,
                scope_test TEXT,
                activation_token_hash TEXT UNIQUE,
                failure TEXT,
                failed_at BIGINT,
                completed_at BIGINT,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX connect_links_workspace ON connect_links (workspace_id, created_at)",
            """
            CREATE TABLE sync_requests (
                integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
                type TEXT NOT NULL,
                sync_id TEXT NOT NULL,
                requested_at BIGINT NOT NULL,
                PRIMARY KEY (integration_id, type)
            )
            """,
            """
            CREATE TABLE integration_fields (
                integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
                id TEXT NOT NULL,
                model TEXT NOT NULL,
                key TEXT NOT NULL,
                type TEXT NOT NULL,
                label TEXT,
                value_types TEXT NOT NULL,
                samples TEXT NOT NULL,
                set_count BIGINT NOT NULL,
                record_count BIGINT NOT NULL,
                passthrough_enabled INTEGER NOT NULL,
                seen_at BIGINT NOT NULL,
                PRIMARY KEY (integration_id, id),
                UNIQUE (integration_id, model, key)
            )
            """,
            """
            CREATE TABLE custom_fields (
                workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                id TEXT NOT NULL,
                model TEXT NOT NULL,
                key TEXT NOT NULL,
                label TEXT,
                description TEXT,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, id),
                UNIQUE (workspace_id, model, key)
            )
            """,
            """
            CREATE TABLE custom_field_mappings (
                integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
                custom_field_id TEXT NOT NULL,
                integration_field_id TEXT NOT NULL,
                PRIMARY KEY (integration_id, custom_field_id)
            )
            """,
            """
            CREATE TABLE activity_log (
                id TEXT PRIMARY KEY,
                integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                method TEXT NOT NULL,
                path TEXT NOT NULL,
                status INTEGER NOT NULL,
                duration_ms BIGINT NOT NULL,
                error TEXT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX activity_log_integration ON activity_log (integration_id, created_at)",
        ])
}
