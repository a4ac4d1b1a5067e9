extension Migration {
    /// A job's document without its screening questions, and where they were in it
    /// (`SyncedRecord.sharedMember`, `RecordRepository.SharedValue`): a PostgreSQL jobs page
    /// sends the questions once per run of jobs that ask the same, instead of in each job.
    ///
    /// SQLite's pages read every job whole, and there the columns stay empty: the lean copy made
    /// each row longer and a SQLite jobs page 7% costlier. Jobs saved before stay without them
    /// until filled on start (`RecordRepository.backfillJobPageRecords`); a page reads a job
    /// without them whole. On PostgreSQL the new text columns are kept in the row
    /// (`MAIN`, as the jobs' others since migration 34): a hash left `EXTENDED` was moved to the
    /// TOAST table with the rows over 2 KB, and each page's comparison of it fetched it from
    /// there. The lean document is compressed with lz4 where the server can (migration 32).
    static let addJobsSharedMember = Migration(version: 37, name: "AddJobsSharedMember") { kind in
        let added = [
            "ALTER TABLE jobs ADD COLUMN page_record TEXT",
            "ALTER TABLE jobs ADD COLUMN shared_offset BIGINT",
            "ALTER TABLE jobs ADD COLUMN shared_length BIGINT",
            "ALTER TABLE jobs ADD COLUMN shared_hash TEXT",
        ]
        guard kind == .postgres else { return added }
        return added + [
            textColumnsStoredInRow("jobs"),
            """
            DO $$
            BEGIN
                IF EXISTS (
                    SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
                ) THEN
                    EXECUTE 'ALTER TABLE jobs ALTER COLUMN page_record SET COMPRESSION lz4';
                END IF;
            END $$
            """,
        ]
    }
}
