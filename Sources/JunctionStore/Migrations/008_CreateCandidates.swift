extension Migration {
    static let createCandidates = Migration(
        version: 8, name: "CreateCandidates",
        syncedRecordTable(
            "candidates", filterColumns: ["email TEXT", "first_name TEXT", "last_name TEXT"],
            extraIndexes: ["CREATE INDEX candidates_email ON candidates (integration_id, email)"]))
}
