import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Personio
import Testing

/// Screening questions (Personio's applicant attributes) and the per-job stage and question
/// links, checked against the sandbox's catalog and categories and the rules written in
/// `docs/personio-mapping.md`.
@Suite("Screening questions and job links", .freshDatabases)
struct QuestionSyncTests {
    /// [C] Personio's documented system attributes, in the order the mapping documents, and
    /// the application message last.
    static let systemIDs = ["phone", "location", "birthday", "gender", "available_from", "salary_expectations"]

    static func truth(_ sandbox: any TestClientProtocol) async throws -> (
        attributes: [[String: Any]], jobs: [[String: Any]], categories: [[String: Any]]
    ) {
        try await sandbox.execute(uri: "/_sandbox/ground-truth?models=attributes,jobs,categories", method: .get) {
            response in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            return (
                try #require(object["attributes"] as? [[String: Any]]),
                try #require(object["jobs"] as? [[String: Any]]),
                try #require(object["categories"] as? [[String: Any]])
            )
        }
    }

    /// The sandbox's catalog as settings, with `custom_attribute_3` required and
    /// `custom_attribute_4` asked only by `onlyJob`.
    static func settings(_ attributes: [[String: Any]], onlyJob: String) throws -> [String: JSONValue] {
        var entries: [[String: Any]] = []
        for var attribute in attributes {
            if attribute["id"] as? String == "custom_attribute_3" { attribute["required"] = true }
            if attribute["id"] as? String == "custom_attribute_4" { attribute["job_ids"] = [onlyJob] }
            entries.append(attribute)
        }
        let data = try JSONSerialization.data(withJSONObject: entries)
        return ["applicant_attributes": try JSONDecoder().decode(JSONValue.self, from: data)]
    }

    static func configure(_ sync: JobSyncTests.SyncFixture, _ settings: [String: JSONValue]) async throws {
        try await sync.seeded.store.integrations.setSettings(
            settings, integrationID: sync.integrationID, workspaceID: sync.seeded.workspace.id)
    }

    @Test(
        "the catalog becomes questions with the documented formats, asked by each job in order",
        arguments: Backend.allCases)
    func questions(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let truth = try await Self.truth(sandbox)
            let onlyJob = String(try #require(truth.jobs.first?["id"] as? Int))
            try await Self.configure(sync, try Self.settings(truth.attributes, onlyJob: onlyJob))

            let run = try await sync.run()
            let store = sync.seeded.store
            let questions = try await store.records.records(
                ScreeningQuestion.self, integrationID: sync.integrationID, limit: 1000
            ).items
            let jobs = try await sync.jobs()
            let links = try await store.records.records(
                JobQuestionLink.self, integrationID: sync.integrationID, limit: 10_000
            )
            .items

            let customIDs = truth.attributes.compactMap { $0["id"] as? String }
            let expectedOrder = Self.systemIDs + customIDs + ["message"]
            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(run.stats.added["screening_questions"] == expectedOrder.count)
            #expect(Set(questions.compactMap(\.remoteID)) == Set(expectedOrder))
            let byRemoteID = Dictionary(uniqueKeysWithValues: questions.map { ($0.remoteID ?? "", $0) })
            for attribute in truth.attributes {
                let attributeID = try #require(attribute["id"] as? String)
                let question = try #require(byRemoteID[attributeID])
                #expect(question.title == attribute["label"] as? String)
                switch attribute["type"] as? String {
                case "TEXT": #expect(question.format?.type == "TEXT")
                case "DATE": #expect(question.format == .date)
                case "OPTION":
                    let options = try #require(attribute["options"] as? [[String: Any]])
                    #expect(question.format?.type == "SINGLE_SELECT")
                    #expect(question.format?.options.map(\.remoteID) == options.map { $0["id"] as? String })
                    #expect(question.format?.options.map(\.name) == options.map { $0["label"] as? String })
                default: Issue.record("unexpected sandbox attribute type \(attribute["type"] ?? "nil")")
                }
            }
            // [C] v1 accepts exactly these genders; a birthday is a date.
            #expect(
                byRemoteID["gender"]?.format?.options.compactMap(\.remoteID) == [
                    "male", "female", "diverse", "undefined",
                ])
            #expect(byRemoteID["birthday"]?.format == .date)
            #expect(byRemoteID["message"]?.format == .text(displayType: "MULTI_LINE", maxLength: nil))

            for (remoteID, job) in jobs {
                let expected = expectedOrder.filter { $0 != "custom_attribute_4" || remoteID == onlyJob }
                #expect(job.screeningQuestions.compactMap(\.remoteID) == expected, "job \(remoteID)")
                #expect(job.screeningQuestions.compactMap(\.index) == Array(0..<expected.count))
                #expect(
                    job.screeningQuestions.filter { $0.required == true }.compactMap(\.remoteID) == [
                        "custom_attribute_3"
                    ])
                let ownLinks = links.filter { $0.jobID == job.id }
                #expect(ownLinks.count == expected.count)
                #expect(
                    Set(ownLinks.map(\.questionID))
                        == Set(expected.compactMap { byRemoteID[$0]?.id }))
            }
            #expect(run.stats.added["job_screening_questions"] == links.count)
        }
    }

    @Test("each job links its category's stages in order", arguments: Backend.allCases)
    func stageLinks(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let run = try await sync.run()
            let truth = try await Self.truth(sandbox)
            let links = try await sync.seeded.store.records.records(
                JobStageLink.self, integrationID: sync.integrationID, limit: 10_000
            ).items
            let stageIDs = { (remote: String) in
                Identifier.record(integrationID: sync.integrationID, model: "application_stages", remoteID: remote)
            }
            let categories = Dictionary(
                uniqueKeysWithValues: truth.categories.compactMap { category -> (Int, [String])? in
                    guard let id = (category["id"] as? String).flatMap(Int.init),
                        let stages = category["stages"] as? [[String: Any]]
                    else { return nil }
                    return (id, stages.compactMap { $0["id"] as? String })
                })

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            var expectedCount = 0
            for job in truth.jobs {
                let remoteID = String(try #require(job["id"] as? Int))
                let jobID = Identifier.record(integrationID: sync.integrationID, model: "jobs", remoteID: remoteID)
                let categoryID = try #require(job["category_id"] as? Int)
                let stages = categories[categoryID] ?? []
                let own = links.filter { $0.jobID == jobID }.sorted { ($0.index ?? -1) < ($1.index ?? -1) }
                #expect(own.map(\.stageID) == stages.map(stageIDs), "job \(remoteID)")
                #expect(own.compactMap(\.index) == Array(0..<stages.count))
                expectedCount += stages.count
            }
            #expect(links.count == expectedCount)
        }
    }

    @Test(
        "a question dropped from the catalog is deleted with its links by the next DELTA; jobs move only updated_at",
        arguments: Backend.allCases)
    func catalogChange(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let truth = try await Self.truth(sandbox)
            let onlyJob = String(try #require(truth.jobs.first?["id"] as? Int))
            try await Self.configure(sync, try Self.settings(truth.attributes, onlyJob: onlyJob))
            _ = try await sync.run()
            let before = try await sync.jobs()
            let kept = truth.attributes.filter { $0["id"] as? String != "custom_attribute_1" }
            try await Self.configure(sync, try Self.settings(kept, onlyJob: onlyJob))

            let delta = try await sync.run(delta: true)
            let after = try await sync.jobs()
            let questions = try await sync.seeded.store.records.records(
                ScreeningQuestion.self, integrationID: sync.integrationID, limit: 1000, includeDeleted: true
            ).items
            let links = try await sync.seeded.store.records.records(
                JobQuestionLink.self, integrationID: sync.integrationID, limit: 10_000, includeDeleted: true
            ).items

            #expect(delta.kind == .delta)
            #expect(delta.status == .succeeded, "\(delta.error ?? "")")
            #expect(delta.stats.deleted["screening_questions"] == 1)
            let dropped = try #require(questions.first { $0.remoteID == "custom_attribute_1" })
            #expect(dropped.remoteDeletedAt != nil)
            #expect(delta.stats.deleted["job_screening_questions"] == truth.jobs.count)
            #expect(links.filter { $0.questionID == dropped.id }.allSatisfy { $0.remoteDeletedAt != nil })
            // Every job changed only in nested data: updated, but `changed_at` kept.
            #expect(delta.stats.updated["jobs"] == truth.jobs.count)
            for (remoteID, job) in after {
                #expect(!job.screeningQuestions.contains { $0.remoteID == "custom_attribute_1" })
                #expect(job.changedAt == before[remoteID]?.changedAt)
            }
        }
    }
}
