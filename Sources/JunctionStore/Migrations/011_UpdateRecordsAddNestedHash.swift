extension Migration {
    /// A second hash per record for its nested data, so a change there moves `updated_at`
    /// without moving `changed_at` (architecture rule 3).
    static let updateRecordsAddNestedHash = Migration(
        version: 11, name: "UpdateRecordsAddNestedHash",
        ["jobs", "application_stages", "candidates", "applications", "users"].map {
            "ALTER TABLE \($0) ADD COLUMN nested_hash TEXT"
        })
}
