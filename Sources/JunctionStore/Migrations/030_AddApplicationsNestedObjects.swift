extension Migration {
    /// An application's `candidate`, `current_stage` and `job` kept with it, as one JSON object
    /// holding the three members as a page writes them, so an applications page copies them
    /// instead of composing them from four tables per request (issue 22, as migration 29 for
    /// candidates). NULL means "compose it": the application's own save, and every change to its
    /// candidate, job, stage or pipeline link, empties it in the same transaction and moves
    /// `nested_stamp`, so objects composed before that change are never stored after it. Rows from
    /// before hold NULL until a sync composes them; pages compose those on the fly.
    static let addApplicationsNestedObjects = Migration(
        version: 30, name: "AddApplicationsNestedObjects",
        [
            "ALTER TABLE applications ADD COLUMN nested_objects TEXT",
            "ALTER TABLE applications ADD COLUMN nested_stamp BIGINT NOT NULL DEFAULT 0",
            """
            CREATE INDEX applications_nested_missing ON applications (integration_id, id)
                WHERE nested_objects IS NULL
            """,
        ])
}
