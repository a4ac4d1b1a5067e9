import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionConnectors
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import Personio
import PersonioSandbox
import Testing

@Suite("FULL sync of application stages", .freshDatabases)
struct StageSyncTests {
    @Test(
        "the system stages and every category stage are stored, with the ids jobs point to", arguments: Backend.allCases
    )
    func stages(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            let run = try await sync.run()
            let truth = try await JobSyncTests.groundTruth(sandbox)
            let stored = try await sync.seeded.store.records.applicationStages(
                integrationID: sync.integrationID, limit: 1000
            )
            .items
            let jobs = try await sync.jobs()

            // Expected from the sandbox's categories plus Personio's five documented system stages.
            let categoryStages = truth.categories.flatMap { ($0["stages"] as? [[String: Any]]) ?? [] }
            let expectedRemoteIDs = Set(["unassigned", "rejected", "withdrawn", "offer", "accepted"])
                .union(categoryStages.compactMap { $0["id"] as? String })
            #expect(run.status == .succeeded)
            #expect(run.stats.added["application_stages"] == expectedRemoteIDs.count)
            #expect(Set(stored.compactMap(\.remoteID)) == expectedRemoteIDs)
            #expect(stored.allSatisfy { $0.status == "ACTIVE" && $0.name != nil })
            let names = Dictionary(
                uniqueKeysWithValues: categoryStages.compactMap { stage in
                    (stage["id"] as? String).map { ($0, stage["name"] as? String) }
                })
            #expect(stored.filter { names[$0.remoteID ?? ""] != nil }.allSatisfy { names[$0.remoteID!] == $0.name })
            let storedIDs = Set(stored.map(\.id))
            #expect(jobs.values.flatMap(\.stages).allSatisfy { storedIDs.contains($0.id) })

            let again = try await sync.run()
            #expect(again.stats.unchanged["application_stages"] == expectedRemoteIDs.count)
            #expect(again.stats.deleted["application_stages"] == 0)
        }
    }
}

extension StageSyncTests {
    @Test(
        "a stage removed from its category lives on while applications are in it, then is deleted",
        arguments: Backend.allCases)
    func stageOnlyOnApplications(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend) { sandbox, sync in
            _ = try await sync.run()
            let people = try await PeopleSyncTests.truth(sandbox)
            let jobsTruth = try await JobSyncTests.groundTruth(sandbox).jobs
            let inCustomStage = people.applications.compactMap { application -> (id: Int, stage: Int, job: Int)? in
                let stage = (application["transitions"] as? [[String: Any]])?.last?["stage"] as? [String: Any]
                guard let id = application["id"] as? Int, let job = application["job_id"] as? Int,
                    let stageID = (stage?["id"] as? String).flatMap(Int.init)
                else { return nil }
                return (id, stageID, job)
            }
            let chosen = try #require(inCustomStage.first)
            let categoryID = try #require(
                jobsTruth.first { $0["id"] as? Int == chosen.job }?["category_id"] as? Int)
            let jobsInCategory = jobsTruth.filter { $0["category_id"] as? Int == categoryID }.count
            try await sandbox.execute(uri: "/_sandbox/categories/\(categoryID)/stages/\(chosen.stage)", method: .delete)
            {
                #expect($0.status == .ok)
            }
            let stageID = Identifier.record(
                integrationID: sync.integrationID, model: "application_stages", remoteID: String(chosen.stage))
            let stage = { () async throws -> ApplicationStage? in
                try await sync.seeded.store.records.applicationStages(
                    integrationID: sync.integrationID, limit: 1000, includeDeleted: true
                ).items.first { $0.id == stageID }
            }

            let kept = try await sync.run()
            let keptStage = try await stage()
            let jobStages = try await sync.jobs().values.flatMap(\.stages)
            for application in inCustomStage where application.stage == chosen.stage {
                try await sandbox.execute(uri: "/_sandbox/applications/\(application.id)", method: .delete) {
                    #expect($0.status == .ok)
                }
            }
            let removed = try await sync.run()
            let removedStage = try await stage()

            #expect(kept.status == .succeeded, "\(kept.error ?? "")")
            #expect(kept.stats.deleted["application_stages"] == 0)
            #expect(keptStage?.remoteDeletedAt == nil)
            #expect(keptStage?.name != nil)
            #expect(!jobStages.contains { $0.id == stageID }, "no job's pipeline has the stage any more")
            #expect(kept.stats.deleted["job_stages"] == jobsInCategory)
            #expect(removed.stats.deleted["application_stages"] == 1)
            #expect(removedStage?.remoteDeletedAt != nil)
        }
    }
}
