extension Migration {
    /// A candidate's `applications` array kept with it, as the page writes it, so a candidates
    /// page copies it instead of composing it from four tables per request (issue 22: composing
    /// was most of a page's CPU). NULL means "compose it": every change to what it is composed
    /// from (applications, jobs, stages, pipeline links) empties it in the same transaction, and
    /// moves `nested_stamp`, so an array composed before that change is never stored after it.
    /// The partial index finds the candidates to compose without reading the others. Rows from
    /// before hold NULL until a sync composes them; pages compose those on the fly.
    static let addCandidatesNestedApplications = Migration(
        version: 29, name: "AddCandidatesNestedApplications",
        [
            "ALTER TABLE candidates ADD COLUMN nested_applications TEXT",
            "ALTER TABLE candidates ADD COLUMN nested_stamp BIGINT NOT NULL DEFAULT 0",
            """
            CREATE INDEX candidates_nested_missing ON candidates (integration_id, id)
                WHERE nested_applications IS NULL
            """,
        ])
}
