extension Migration {
    /// On PostgreSQL, an application's values stay in its row, compressed, instead of moving to
    /// the table's TOAST table when the row outgrows 2 KB.
    ///
    /// An application's row holds its ids, hashes and summary beside its document (1.5 KB on
    /// average in a FULL of the sandbox's data), compressed when the row is over PostgreSQL's
    /// 2 KB target. Once the sync keeps its nested objects (0.6 KB more,
    /// `RecordRepository.keepComposed`), the compressed row was still over the target, and
    /// PostgreSQL moved the document out of line: after a FULL of 20,000 candidates, 26,106 of
    /// the 30,171 applications' documents lay in the TOAST table. Each keep's update wrote the
    /// document there again (a row and an index entry more), and every applications page
    /// fetched each document from it by index. With every text column
    /// `MAIN` (as the jobs' since migration 34), PostgreSQL compresses the row's values in place
    /// and moves one out only when the compressed row outgrows a page (8 KB). Stored rows keep
    /// their place until they are next written (a sync rewrites every row it changes or keeps):
    /// rewriting every application here would hold up an upgrade for as long as a table of
    /// millions of rows takes. SQLite keeps a row's values together: nothing to do.
    static let keepApplicationDocumentsInline = Migration(version: 36, name: "KeepApplicationDocumentsInline") {
        kind in
        guard kind == .postgres else { return [] }
        return [textColumnsStoredInRow("applications")]
    }
}
