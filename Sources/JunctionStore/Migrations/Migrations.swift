// The schema, one step per migration, in order. Append only.

extension Migration {
    static let createWorkspaces = Migration(
        version: 1, name: "CreateWorkspaces",
        [
            """
            CREATE TABLE workspaces (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """
        ])

    static let createAPIKeys = Migration(
        version: 2, name: "CreateAPIKeys",
        [
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                key_prefix TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX api_keys_workspace ON api_keys (workspace_id)",
        ])

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

extension Migration {
    /// Which sync run last saw each job upstream: a FULL run marks the jobs it did not see as
    /// deleted with one statement, without holding every id in memory.
    static let updateJobsAddLastSeenRun = Migration(
        version: 5, name: "UpdateJobsAddLastSeenRun",
        [
            "ALTER TABLE jobs ADD COLUMN last_seen_run TEXT"
        ])

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

extension Migration {
    /// The table of a synced model as migrations 7–10 created it: the shared bookkeeping
    /// columns around the model's own filter columns, and the `updated_at` index. Frozen: the
    /// shipped migrations call it, so a later table shape needs a new helper, not an edit.
    static func syncedRecordTable(_ table: String, filterColumns: [String], extraIndexes: [String] = []) -> [String] {
        let columns =
            [
                "integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE", "id TEXT NOT NULL",
                "remote_id TEXT",
            ] + filterColumns + [
                "changed_at BIGINT NOT NULL", "updated_at BIGINT NOT NULL", "remote_deleted_at BIGINT",
                "content_hash TEXT NOT NULL", "record TEXT NOT NULL", "last_seen_run TEXT",
                "PRIMARY KEY (integration_id, id)",
            ]
        return ["CREATE TABLE \(table) (\n    " + columns.joined(separator: ",\n    ") + "\n)"]
            + ["CREATE INDEX \(table)_updated_at ON \(table) (integration_id, updated_at)"] + extraIndexes
    }

    static let createApplicationStages = Migration(
        version: 7, name: "CreateApplicationStages",
        syncedRecordTable("application_stages", filterColumns: ["name TEXT"]))

    static let createCandidates = Migration(
        version: 8, name: "CreateCandidates",
        syncedRecordTable(
            "candidates", filterColumns: ["email TEXT", "first_name TEXT", "last_name TEXT"],
            extraIndexes: ["CREATE INDEX candidates_email ON candidates (integration_id, email)"]))

    static let createApplications = Migration(
        version: 9, name: "CreateApplications",
        syncedRecordTable(
            "applications",
            filterColumns: [
                "candidate_id TEXT", "job_id TEXT", "current_stage_id TEXT", "outcome TEXT", "remote_created_at BIGINT",
            ],
            extraIndexes: [
                "CREATE INDEX applications_candidate ON applications (integration_id, candidate_id)",
                "CREATE INDEX applications_job ON applications (integration_id, job_id)",
            ]))

    static let createUsers = Migration(
        version: 10, name: "CreateUsers", syncedRecordTable("users", filterColumns: ["email TEXT"]))
}

extension Migration {
    /// A second hash per record for its nested data, so a change there moves `updated_at`
    /// without moving `changed_at` (architecture rule 3).
    static let updateRecordsAddNestedHash = Migration(
        version: 11, name: "UpdateRecordsAddNestedHash",
        ["jobs", "application_stages", "candidates", "applications", "users"].map {
            "ALTER TABLE \($0) ADD COLUMN nested_hash TEXT"
        })
}

extension Migration {
    /// Screening questions, the links that say which stages and questions each job has (so
    /// each link has its own id and timestamps), and the application's source, from which a
    /// candidate's `source` is derived. The tables get `nested_hash` like those of migration 11.
    static let createScreeningQuestionsAndJobLinks = Migration(
        version: 12, name: "CreateScreeningQuestionsAndJobLinks",
        syncedRecordTable("screening_questions", filterColumns: [])
            + ["ALTER TABLE screening_questions ADD COLUMN nested_hash TEXT"]
            + syncedRecordTable(
                "job_stages", filterColumns: ["job_id TEXT NOT NULL", "stage_id TEXT NOT NULL"],
                extraIndexes: ["CREATE INDEX job_stages_job ON job_stages (integration_id, job_id)"])
            + ["ALTER TABLE job_stages ADD COLUMN nested_hash TEXT"]
            + syncedRecordTable(
                "job_screening_questions", filterColumns: ["job_id TEXT NOT NULL", "question_id TEXT NOT NULL"],
                extraIndexes: [
                    "CREATE INDEX job_screening_questions_job ON job_screening_questions (integration_id, job_id)"
                ])
            + ["ALTER TABLE job_screening_questions ADD COLUMN nested_hash TEXT"]
            + ["ALTER TABLE applications ADD COLUMN source TEXT"])
}

extension Migration {
    /// The account's tags (configuration for Personio, which has no tag listing).
    static let createTags = Migration(
        version: 13, name: "CreateTags",
        syncedRecordTable("tags", filterColumns: ["name TEXT"]) + ["ALTER TABLE tags ADD COLUMN nested_hash TEXT"])
}

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

extension Migration {
    /// `name_contains` compares case-folded text computed in Swift, the same on every backend and
    /// locale (issue 16); rows saved before are filled by `Store.backfillFoldedJobNames` on start.
    static let addJobsNameFolded = Migration(
        version: 19, name: "AddJobsNameFolded", ["ALTER TABLE jobs ADD COLUMN name_folded TEXT"])
}

extension Migration {
    /// Which tool a connect link connects (issue 18: the connect page is the tool's connector's);
    /// null on links made before, which the server reads as its one tool with a connect flow.
    static let addConnectLinksTool = Migration(
        version: 20, name: "AddConnectLinksTool", ["ALTER TABLE connect_links ADD COLUMN tool TEXT"])
}
