extension Migration {
    static let createUsers = Migration(
        version: 10, name: "CreateUsers", syncedRecordTable("users", filterColumns: ["email TEXT"]))
}
