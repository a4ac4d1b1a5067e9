extension Migration {
    static let createApplications = Migration(
        version: 9, name: "CreateApplications",
        syncedRecordTable(
            "applications",
            filterColumns: [
                "candidate_id TEXT", "job_id TEXT", "current_stage_id TEXT", "outcome TEXT", "remote_created_at BIGINT",
            ],
            extraIndexes: [
                "CREATE INDEX applications_candidate ON applications (integration_id, candidate_id)",
                "CREATE INDEX applications_job ON applications (integration_id, job_id)",
            ]))
}
