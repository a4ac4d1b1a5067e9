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

    /// PostgreSQL's statement that sets every text column of `table` to storage `MAIN`: its
    /// values are compressed in the row and moved out of line only when the compressed row
    /// outgrows a page (migrations 34 and 36). All of them, not only the document's: PostgreSQL
    /// moves a row's `EXTENDED` values out of line before it compresses a `MAIN` one. Frozen,
    /// as `syncedRecordTable` is.
    static func textColumnsStoredInRow(_ table: String) -> String {
        """
        DO $$
        DECLARE text_column name;
        BEGIN
            FOR text_column IN
                SELECT attname FROM pg_attribute
                WHERE attrelid = '\(table)'::regclass AND attnum > 0 AND NOT attisdropped
                    AND atttypid = 'text'::regtype
            LOOP
                EXECUTE format('ALTER TABLE \(table) ALTER COLUMN %I SET STORAGE MAIN', text_column);
            END LOOP;
        END $$
        """
    }
}
