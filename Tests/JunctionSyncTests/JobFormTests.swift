import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

/// A write reads its job's form through a cache of parsed jobs (issue 22); it must answer what a
/// fresh parse of the stored document answers, after any change.
@Suite("Job forms for writes", .freshDatabases)
struct JobFormTests {
    @Test("a job form is the stored job, by id or remote id, parsed again once it changed", arguments: Backend.allCases)
    func sameAsStored(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { _, sync in
            let run = try await sync.run()
            let records = sync.seeded.store.records
            let integrationID = sync.integrationID
            let jobs = try await records.list(
                Job.self, integrationID: integrationID, filter: RecordFilter(), after: nil, limit: 100
            ).items
            try #require(jobs.count >= 2)

            // Twice each: the second answer comes from the cache.
            for _ in 0..<2 {
                for job in jobs {
                    let fresh = try #require(
                        try await records.records(
                            Job.self, integrationID: integrationID, where: "id", in: [job.id], remoteData: false
                        ).first)
                    #expect(
                        try await records.jobForm(integrationID: integrationID, where: "id", equals: job.id)?.job
                            == fresh)
                    #expect(
                        try await records.jobForm(
                            integrationID: integrationID, where: "remote_id", equals: job.remoteID)?.job
                            == fresh)
                }
            }
            // A renamed job and one whose questions changed are parsed again.
            var renamed = jobs[0]
            renamed.name = "Renamed for the test"
            var questions = jobs[1]
            questions.screeningQuestions = []
            try await records.saveJobs([renamed, questions], integrationID: integrationID)
            let afterRename = try await records.jobForm(integrationID: integrationID, where: "id", equals: renamed.id)
            let afterQuestions = try await records.jobForm(
                integrationID: integrationID, where: "id", equals: questions.id)
            // A deleted job is no form.
            try await sync.seeded.store.database.sql.raw(
                "UPDATE jobs SET remote_deleted_at = 1 WHERE id = \(bind: renamed.id)"
            ).run()
            let deleted = try await records.jobForm(integrationID: integrationID, where: "id", equals: renamed.id)

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(afterRename?.job.name == "Renamed for the test")
            #expect(afterQuestions?.job.screeningQuestions == [])
            #expect(jobs[1].screeningQuestions.isEmpty == false, "the second job had questions to lose")
            #expect(deleted == nil)
            #expect(try await records.jobForm(integrationID: integrationID, where: "id", equals: "no-such-job") == nil)
        }
    }
}
