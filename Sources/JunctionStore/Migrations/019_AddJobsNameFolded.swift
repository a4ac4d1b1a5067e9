extension Migration {
    /// `name_contains` compares case-folded text computed in Swift, the same on every backend and
    /// locale (issue 16); rows saved before are filled by `Store.backfillFoldedJobNames` on start.
    static let addJobsNameFolded = Migration(
        version: 19, name: "AddJobsNameFolded", ["ALTER TABLE jobs ADD COLUMN name_folded TEXT"])
}
