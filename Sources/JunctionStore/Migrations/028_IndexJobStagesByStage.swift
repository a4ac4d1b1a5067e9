extension Migration {
    /// Pages find an application's place in its job's pipeline by (job, stage) in the same
    /// statement as its job and stage (`RecordRepository.nestedSources`). Through the
    /// (integration, job) index that meant reading every step of the job's pipeline to find one;
    /// with the stage in the index it is one lookup. The new index serves every query the old one
    /// did (its leading columns are the old one's), so the old one goes.
    static let indexJobStagesByStage = Migration(
        version: 28, name: "IndexJobStagesByStage",
        [
            "CREATE INDEX job_stages_job_stage ON job_stages (integration_id, job_id, stage_id)",
            "DROP INDEX job_stages_job",
        ])
}
