extension Migration {
    /// On PostgreSQL, the documents pages read are compressed with lz4 instead of pglz. A value
    /// over about 2 KB is compressed when stored (a job's document is 9 KB, stored as 3.5 KB), and
    /// every page decompresses each one it reads: with pglz that was about a seventh of a jobs
    /// page's rate (issue 22: 182 requests/s with pglz, 212 with lz4, alternating rounds on one
    /// database). lz4 exists from PostgreSQL 14 on, when the server was built with it; the step
    /// asks the server (`default_toast_compression` lists what it can do) and changes nothing
    /// where it cannot. Values already stored keep pglz until they are written again; jobs, the
    /// largest and fewest, are written again here. SQLite compresses nothing: nothing to do.
    static let compressDocumentsWithLZ4 = Migration(version: 32, name: "CompressDocumentsWithLZ4") { kind in
        guard kind == .postgres else { return [] }
        let columns = [
            ("jobs", "record"), ("candidates", "record"), ("candidates", "nested_applications"),
            ("applications", "record"), ("applications", "summary"), ("applications", "nested_objects"),
        ]
        let alters = columns.map { table, column in
            "EXECUTE 'ALTER TABLE \(table) ALTER COLUMN \(column) SET COMPRESSION lz4';"
        }
        return [
            """
            DO $$
            BEGIN
                IF EXISTS (
                    SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
                ) THEN
                    \(alters.joined(separator: "\n        "))
                    EXECUTE 'UPDATE jobs SET record = record || ''''';
                END IF;
            END $$
            """
        ]
    }
}
