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
            let cases = try await Self.makeCases(sql, integrationID)
            let (applications, linked) = (cases.applications, cases.linked)
            let (stageless, deleted, strange) = (cases.stageless, cases.deleted, cases.strange)

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

    @Test("a page's nested objects in one statement: what the separate queries find", arguments: Backend.allCases)
    func nestedSourcesSameAsSeparateQueries(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { _, sync in
            let run = try await sync.run()
            #expect(run.status == .succeeded, "\(run.error ?? "")")
            let records = sync.seeded.store.records
            let sql = sync.seeded.store.database.sql
            let integrationID = sync.integrationID
            let columns = ["candidate_id", "job_id", "current_stage_id"]
            // The same cases as above: a stageless application, a deleted link, a deleted application.
            let cases = try await Self.makeCases(sql, integrationID)
            let (applications, linked) = (cases.applications, cases.linked)

            /// What `documents` and `jobSummaries` find for `found`'s applications, one query each.
            func expected(_ found: [StoredDocument]) async throws -> NestedSources {
                var sources = NestedSources()
                sources.jobs = try await records.jobSummaries(
                    integrationID: integrationID, ids: found.compactMap { $0.columns["job_id"] }
                ).sorted { $0.id < $1.id }
                sources.stages = try await records.documents(
                    ApplicationStage.self, integrationID: integrationID, where: "id",
                    in: found.compactMap { $0.columns["current_stage_id"] }, includeDeleted: true)
                sources.links = try await records.documents(
                    JobStageLink.self, integrationID: integrationID, where: "id",
                    in: found.compactMap { application in
                        application.columns["job_id"].flatMap { jobID in
                            application.columns["current_stage_id"].map { Identifier.link(jobID, $0) }
                        }
                    }, columns: ["job_id", "stage_id"])
                return sources
            }
            func same(_ one: [StoredDocument], _ other: [StoredDocument]) -> Bool {
                one.count == other.count
                    && zip(one.sorted { $0.id < $1.id }, other.sorted { $0.id < $1.id }).allSatisfy(Self.same)
            }
            func check(_ found: NestedSources, _ wanted: NestedSources, _ label: String) {
                #expect(same(found.applications, wanted.applications), "applications, \(label)")
                #expect(same(found.candidates, wanted.candidates), "candidates, \(label)")
                #expect(found.jobs.sorted { $0.id < $1.id } == wanted.jobs, "jobs, \(label)")
                #expect(same(found.stages, wanted.stages), "stages, \(label)")
                #expect(same(found.links, wanted.links), "links, \(label)")
            }

            // Every candidate at once, then each alone: their live applications, as summaries.
            let candidateIDs = Array(Set(applications.compactMap(\.candidate_id))).sorted()
            for ids in [candidateIDs] + candidateIDs.map({ [$0] }) {
                let found = try await records.nestedSources(integrationID: integrationID, for: .ofCandidates(ids))
                let lives = try await records.documents(
                    JunctionModel.Application.self, integrationID: integrationID, where: "candidate_id", in: ids,
                    columns: columns, summaries: true)
                var wanted = try await expected(lives)
                wanted.applications = lives
                check(found, wanted, "candidates \(ids.count == 1 ? ids[0] : "all")")
                #expect(found.applications.map(\.id) == found.applications.map(\.id).sorted(), "in id order")
            }
            // Every application at once, then each alone, deleted ones too: their candidates.
            let applicationIDs = applications.map(\.id)
            var sawDeletedLink = false
            for ids in [applicationIDs] + applicationIDs.map({ [$0] }) {
                let found = try await records.nestedSources(integrationID: integrationID, for: .ofApplications(ids))
                let all = try await records.documents(
                    JunctionModel.Application.self, integrationID: integrationID, where: "id", in: ids,
                    includeDeleted: true, columns: columns)
                var wanted = try await expected(all)
                wanted.candidates = try await records.documents(
                    Candidate.self, integrationID: integrationID, where: "id",
                    in: all.compactMap { $0.columns["candidate_id"] }, includeDeleted: true)
                check(found, wanted, "applications \(ids.count == 1 ? ids[0] : "all")")
                // The join read each application's pointers; the separate queries by them find the same.
                #expect(all.allSatisfy { found.pointers[$0.id] == $0.columns }, "pointers")
                let separately = try await records.nestedSources(integrationID: integrationID, pointedToBy: all)
                check(separately, wanted, "separately, \(ids.count == 1 ? ids[0] : "all")")
                if ids == [linked.id] { sawDeletedLink = found.links.isEmpty && found.stages.count == 1 }
            }
            #expect(sawDeletedLink, "a deleted link is not found, its stage is")
            let none = try await records.nestedSources(integrationID: integrationID, for: .ofCandidates([]))
            #expect(none.applications.isEmpty && none.jobs.isEmpty && none.stages.isEmpty && none.links.isEmpty)
        }
    }

    /// The synced applications, and the cases a fresh sync lacks made of them: an application
    /// without a stage, one whose stage link is deleted, one deleted itself, and one (`strange`,
    /// left as it is) that a test answers with a candidate that is not stored.
    struct Cases {
        let applications: [Row]
        let linked: Row
        let stageless: String
        let deleted: String
        let strange: String
    }

    static func makeCases(_ sql: any SQLDatabase, _ integrationID: String) async throws -> Cases {
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
        let cases = Cases(
            applications: applications, linked: linked, stageless: others[0].id, deleted: others[1].id,
            strange: others[2].id)
        try await sql.raw("UPDATE applications SET current_stage_id = NULL WHERE id = \(bind: cases.stageless)").run()
        try await sql.raw(
            """
            UPDATE job_stages SET remote_deleted_at = 1 WHERE id IN (
                SELECT l.id FROM job_stages l JOIN applications a ON a.integration_id = l.integration_id
                    AND l.job_id = a.job_id AND l.stage_id = a.current_stage_id
                WHERE a.id = \(bind: linked.id))
            """
        ).run()
        try await sql.raw("UPDATE applications SET remote_deleted_at = 1 WHERE id = \(bind: cases.deleted)").run()
        return cases
    }

    static func same(_ one: StoredDocument?, _ other: StoredDocument?) -> Bool {
        guard let one, let other else { return one == nil && other == nil }
        return one.id == other.id && one.document == other.document && one.changedAt == other.changedAt
            && one.remoteDeletedAt == other.remoteDeletedAt && one.columns == other.columns
    }
}
