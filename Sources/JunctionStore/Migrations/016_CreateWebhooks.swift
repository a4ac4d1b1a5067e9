extension Migration {
    /// Webhooks (issue 8): a workspace's endpoints (secrets sealed), the outbox of events, one
    /// delivery per event and endpoint, and every attempt. Events keep their integration id
    /// without a foreign key, so `integration-deleted` outlives the integration it reports.
    static let createWebhooks = Migration(
        version: 16, name: "CreateWebhooks",
        [
            """
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                url TEXT NOT NULL,
                secret TEXT NOT NULL,
                description TEXT,
                events TEXT,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE webhook_events (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                integration_id TEXT,
                type TEXT NOT NULL,
                payload TEXT NOT NULL,
                seq BIGINT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX webhook_events_seq ON webhook_events (workspace_id, seq)",
            """
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY,
                event_id TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                integration_key TEXT NOT NULL,
                seq BIGINT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at BIGINT NOT NULL,
                last_status INTEGER,
                last_error TEXT,
                delivered_at BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at)",
            "CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, integration_key, state, seq)",
            """
            CREATE TABLE webhook_attempts (
                id TEXT PRIMARY KEY,
                delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
                attempt INTEGER NOT NULL,
                status INTEGER,
                error TEXT,
                duration_ms BIGINT NOT NULL,
                attempted_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt)",
        ])
}
