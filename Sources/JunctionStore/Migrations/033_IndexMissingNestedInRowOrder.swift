extension Migration {
    /// On SQLite, the partial indexes that find records whose nested objects are to be composed
    /// (migrations 29 and 30) hold them in the table's own order: an index entry ends with the
    /// row's `rowid`, so an index on `integration_id` alone lists an integration's rows in rowid
    /// order, the order the pass after a sync walks (`RecordRepository.storeComposed`). A FULL
    /// inserts applications in the order Personio lists them; walked by id, each batch of the
    /// pass rewrote rows spread over the whole file. PostgreSQL keeps the indexes by id.
    static let indexMissingNestedInRowOrder = Migration(version: 33, name: "IndexMissingNestedInRowOrder") { kind in
        guard kind == .sqlite else { return [] }
        return [
            "DROP INDEX candidates_nested_missing",
            """
            CREATE INDEX candidates_nested_missing ON candidates (integration_id)
                WHERE nested_applications IS NULL
            """,
            "DROP INDEX applications_nested_missing",
            """
            CREATE INDEX applications_nested_missing ON applications (integration_id)
                WHERE nested_objects IS NULL
            """,
        ]
    }
}
