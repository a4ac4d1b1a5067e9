extension Migration {
    static let createApplicationStages = Migration(
        version: 7, name: "CreateApplicationStages",
        syncedRecordTable("application_stages", filterColumns: ["name TEXT"]))
}
