extension Migration {
    /// The account's tags (configuration for Personio, which has no tag listing).
    static let createTags = Migration(
        version: 13, name: "CreateTags",
        syncedRecordTable("tags", filterColumns: ["name TEXT"]) + ["ALTER TABLE tags ADD COLUMN nested_hash TEXT"])
}
