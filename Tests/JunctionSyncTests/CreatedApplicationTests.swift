import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

/// The answer to a created application is read in one statement (issue 22) instead of the five a
/// page of applications and a candidate take; it must find exactly what those five find.
@Suite("A created application's answer in one statement", .freshDatabases)
struct CreatedApplicationTests {
    struct Row: Decodable {
        let id: String
        let candidate_id: String?
    }

    @Test("finds what the read path's queries find, for every synced application", arguments: Backend.allCases)
    func sameAsReadPath(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { _, sync in
            let run = try await sync.run()
            let records = sync.seeded.store.records
            let sql = sync.seeded.store.database.sql
            let integrationID = sync.integrationID
            let columns = ["candidate_id", "job_id", "current_stage_id"]
            // The cases a fresh sync lacks: an application without a stage, one whose stage link
            // is deleted, one deleted itself, and one answered with a candidate that is not stored.
            let applications = try await sql.raw(
                "SELECT id, candidate_id FROM applications WHERE integration_id = \(bind: integrationID) ORDER BY id"
            ).all(decoding: Row.self)
            try #require(applications.count >= 4)
            // An application with a live stage link has its link deleted; three others are changed
            // as said above.
            let linked = try #require(
                try await sql.raw(
                    """
                    SELECT a.id, a.candidate_id FROM applications a JOIN job_stages l
                        ON l.integration_id = a.integration_id AND l.job_id = a.job_id
                        AND l.stage_id = a.current_stage_id
                    WHERE a.integration_id = \(bind: integrationID) ORDER BY a.id
                    """
                ).all(decoding: Row.self).first)
            let others = applications.filter { $0.id != linked.id }
            let (stageless, deleted, strange) = (others[0].id, others[1].id, others[2].id)
            try await sql.raw("UPDATE applications SET current_stage_id = NULL WHERE id = \(bind: stageless)").run()
            try await sql.raw(
                """
                UPDATE job_stages SET remote_deleted_at = 1 WHERE id IN (
                    SELECT l.id FROM job_stages l JOIN applications a ON a.integration_id = l.integration_id
                        AND l.job_id = a.job_id AND l.stage_id = a.current_stage_id
                    WHERE a.id = \(bind: linked.id))
                """
            ).run()
            try await sql.raw("UPDATE applications SET remote_deleted_at = 1 WHERE id = \(bind: deleted)").run()

            var compared = 0
            // Which parts were present and absent: the comparison covers both for each.
            var seen = Set<String>()
            for row in applications {
                let candidateID = row.id == strange ? "no-such-candidate" : row.candidate_id ?? ""
                let one = try #require(
                    try await records.createdApplication(
                        integrationID: integrationID, applicationID: row.id, candidateID: candidateID,
                        columns: columns))
                let application = try #require(
                    try await records.documents(
                        JunctionModel.Application.self, integrationID: integrationID, where: "id", in: [row.id],
                        includeDeleted: true, columns: columns
                    ).first)
                let candidate = try await records.documents(
                    Candidate.self, integrationID: integrationID, where: "id", in: [candidateID], includeDeleted: true
                ).first
                let job = try await records.jobSummaries(
                    integrationID: integrationID, ids: application.columns["job_id"].map { [$0] } ?? []
                ).first
                let stage = try await records.documents(
                    ApplicationStage.self, integrationID: integrationID, where: "id",
                    in: application.columns["current_stage_id"].map { [$0] } ?? [], includeDeleted: true
                ).first
                let linkID = application.columns["job_id"].flatMap { jobID in
                    application.columns["current_stage_id"].map { Identifier.link(jobID, $0) }
                }
                let link = try await records.documents(
                    JobStageLink.self, integrationID: integrationID, where: "id", in: linkID.map { [$0] } ?? [],
                    columns: ["job_id", "stage_id"]
                ).first

                #expect(Self.same(one.application, application), "application \(row.id)")
                #expect(Self.same(one.candidate, candidate), "candidate of \(row.id)")
                #expect(one.job == job, "job of \(row.id)")
                #expect(Self.same(one.stage, stage), "stage of \(row.id)")
                #expect(Self.same(one.link, link), "link of \(row.id)")
                compared += 1
                if row.id == linked.id { #expect(one.link == nil && one.stage != nil, "the deleted link") }
                seen.formUnion([
                    "stage \(one.stage != nil)", "link \(one.link != nil)", "candidate \(one.candidate != nil)",
                    "job \(one.job != nil)", "deleted \(one.application.remoteDeletedAt != nil)",
                ])
            }

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(compared == applications.count)
            for part in ["stage", "link", "candidate", "deleted"] {
                #expect(seen.isSuperset(of: ["\(part) true", "\(part) false"]), "\(part): \(seen)")
            }
            #expect(seen.contains("job true"))
            let unknown = try await records.createdApplication(
                integrationID: integrationID, applicationID: "no-such-application", candidateID: "x", columns: columns)
            #expect(unknown == nil)
        }
    }

    static func same(_ one: StoredDocument?, _ other: StoredDocument?) -> Bool {
        guard let one, let other else { return one == nil && other == nil }
        return one.id == other.id && one.document == other.document && one.changedAt == other.changedAt
            && one.remoteDeletedAt == other.remoteDeletedAt && one.columns == other.columns
    }
}
