extension Migration {
    /// Screening questions, the links that say which stages and questions each job has (so
    /// each link has its own id and timestamps), and the application's source, from which a
    /// candidate's `source` is derived. The tables get `nested_hash` like those of migration 11.
    static let createScreeningQuestionsAndJobLinks = Migration(
        version: 12, name: "CreateScreeningQuestionsAndJobLinks",
        syncedRecordTable("screening_questions", filterColumns: [])
            + ["ALTER TABLE screening_questions ADD COLUMN nested_hash TEXT"]
            + syncedRecordTable(
                "job_stages", filterColumns: ["job_id TEXT NOT NULL", "stage_id TEXT NOT NULL"],
                extraIndexes: ["CREATE INDEX job_stages_job ON job_stages (integration_id, job_id)"])
            + ["ALTER TABLE job_stages ADD COLUMN nested_hash TEXT"]
            + syncedRecordTable(
                "job_screening_questions", filterColumns: ["job_id TEXT NOT NULL", "question_id TEXT NOT NULL"],
                extraIndexes: [
                    "CREATE INDEX job_screening_questions_job ON job_screening_questions (integration_id, job_id)"
                ])
            + ["ALTER TABLE job_screening_questions ADD COLUMN nested_hash TEXT"]
            + ["ALTER TABLE applications ADD COLUMN source TEXT"])
}
