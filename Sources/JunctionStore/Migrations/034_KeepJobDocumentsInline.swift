extension Migration {
    /// On PostgreSQL, a job's document stays in its row, compressed, instead of in the table's
    /// TOAST table. A job's document is about 9 KB (3.5–4 KB with lz4): over the 2 KB a row may
    /// hold by default, so PostgreSQL moved it out of line, and a jobs page fetched each of its
    /// 100 documents from the TOAST table by index, in pieces, before sending it. With the
    /// column's storage `MAIN` and the table's `toast_tuple_target` at its largest, a document
    /// stays in the row as long as it fits in a page: as it is up to about 8 KB, compressed
    /// above. Every other text column of the table is `MAIN` too: before it compresses a `MAIN`
    /// column, PostgreSQL moves the row's other (`EXTENDED`) values of over 18 bytes out of line
    /// (an id, a hash) while the row is over the target, which a row of a 9 KB document is. The
    /// jobs page's statement alone (`pgbench`, prepared, 200 jobs, five alternating rounds of
    /// 3 s): 1.90–2.43 ms a run out of line, 1.45–1.92 ms in the row (issue 22). Stored jobs are
    /// written again here, which moves their documents in; the other tables' documents are under
    /// 2 KB already. SQLite keeps a row's values together: nothing to do.
    static let keepJobDocumentsInline = Migration(version: 34, name: "KeepJobDocumentsInline") { kind in
        guard kind == .postgres else { return [] }
        return [
            textColumnsStoredInRow("jobs"),
            "ALTER TABLE jobs SET (toast_tuple_target = 8160)",
            "UPDATE jobs SET record = record || ''",
        ]
    }
}
