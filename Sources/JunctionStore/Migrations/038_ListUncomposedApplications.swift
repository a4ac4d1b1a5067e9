extension Migration {
    /// On PostgreSQL, the applications whose nested objects are to be composed are listed in a
    /// table of their own (`applications_uncomposed`) instead of found by a partial index on
    /// `nested_objects IS NULL`, and `applications` leaves room in each page for a row's next
    /// version (`fillfactor = 60`): together they let a keep (`RecordRepository.keepComposed`)
    /// update the row in place, a HOT update.
    ///
    /// PostgreSQL updates a row in place only when no column an index reads changes, a partial
    /// index's condition included, and when the new version fits on the old one's page. Each
    /// keep fills `nested_objects`, which the partial index tested, and an application's row
    /// (1.6 KB before its objects, 2.1 KB after) left no room: every keep wrote a new version
    /// elsewhere and an entry in each of the table's indexes. In a FULL of 100,000 candidates on
    /// PostgreSQL, the keeps were the costliest statement (`benchmarks/analysis.md`, forty-fourth
    /// stop). The table grows by no more than the room it keeps: the versions the keeps left
    /// behind took that room before, in pages of their own. The list starts with what the index
    /// held. SQLite has no in-place updates to gain, and keeps its index: there the table stays
    /// empty (created on both backends, so both have one schema).
    static let listUncomposedApplications = Migration(version: 38, name: "ListUncomposedApplications") { kind in
        let created = """
            CREATE TABLE applications_uncomposed (
                integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
                id TEXT NOT NULL,
                PRIMARY KEY (integration_id, id)
            )
            """
        guard kind == .postgres else { return [created] }
        return [
            created,
            """
            INSERT INTO applications_uncomposed (integration_id, id)
            SELECT integration_id, id FROM applications WHERE nested_objects IS NULL
            """,
            "DROP INDEX applications_nested_missing",
            "ALTER TABLE applications SET (fillfactor = 60)",
        ]
    }
}
