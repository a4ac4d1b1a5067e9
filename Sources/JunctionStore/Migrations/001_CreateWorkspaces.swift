extension Migration {
    static let createWorkspaces = Migration(
        version: 1, name: "CreateWorkspaces",
        [
            """
            CREATE TABLE workspaces (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """
        ])
}
