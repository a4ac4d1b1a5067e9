import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import PersonioSandbox
import Testing

/// Personio does not publish how v2 spells stage kinds and types. Whichever way a real account
/// spells them, outcomes and current stages must come out as the sandbox's ground truth says
/// (read in its canonical form), and a value the connector cannot place must be a warning.
@Suite("Stage vocabularies", .freshDatabases)
struct StageVocabularyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var backend: Backend
        var vocabulary: SandboxConfiguration.StageVocabulary
        var testDescription: String { "\(backend.rawValue), \(vocabulary.rawValue)" }
    }

    static let cases = Backend.allCases.flatMap { backend in
        SandboxConfiguration.StageVocabulary.allCases.map { Case(backend: backend, vocabulary: $0) }
    }

    typealias Object = [String: Any]

    @Test("outcomes and current stages match the ground truth in every vocabulary", arguments: cases)
    func vocabulary(_ test: Case) async throws {
        var configuration = JobSyncTests.small
        configuration.candidates = 40
        configuration.stageVocabulary = test.vocabulary
        try await JobSyncTests.withSandboxAndStore(test.backend, configuration: configuration) { sandbox, sync in
            let run = try await sync.run()
            let truth = try await sandbox.execute(uri: "/_sandbox/ground-truth?models=applications", method: .get) {
                try #require(
                    (try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? Object)?["applications"]
                        as? [Object])
            }
            let stored = try await sync.seeded.store.records.records(
                Application.self, integrationID: sync.integrationID, limit: 10_000
            ).items
            let byRemoteID = Dictionary(uniqueKeysWithValues: stored.compactMap { a in a.remoteID.map { ($0, a) } })

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            var kinds = Set<String>()
            for expected in truth {
                let remoteID = "\(expected["id"] ?? "")"
                let application = try #require(byRemoteID[remoteID])
                // The ground truth is always canonical: kind `accepted`, system stages without id.
                let stage = (expected["transitions"] as? [Object])?.last?["stage"] as? Object
                let kind = try #require(stage?["kind"] as? String)
                kinds.insert(kind)
                let outcome =
                    kind == "accepted" ? "HIRED" : (kind == "rejected" || kind == "withdrawn" ? "DECLINED" : "PENDING")
                // Where the sandbox spells a kind the connector cannot know, that stage is kept
                // under the spelling the sandbox served.
                let served = test.vocabulary == .unknownKind && kind == "offer" ? "offer_sent" : kind
                let stageRemoteID = stage?["id"] as? String ?? served
                #expect(application.outcome == outcome, "\(remoteID) in \(kind)")
                #expect(
                    application.currentStageID
                        == Identifier.record(
                            integrationID: sync.integrationID, model: "application_stages", remoteID: stageRemoteID))
                #expect((application.rejectedAt != nil) == (outcome == "DECLINED"))
            }
            // The data has applications in the system stages each vocabulary respells.
            #expect(kinds.isSuperset(of: ["accepted", "rejected", "offer", "withdrawn", "custom"]))
            if test.vocabulary == .unknownKind {
                #expect(run.stats.warnings.count == 1)
                #expect(run.stats.warnings.first?.contains("'offer_sent'") == true, "\(run.stats.warnings)")
            } else {
                #expect(run.stats.warnings.isEmpty, "\(run.stats.warnings)")
            }
        }
    }
}
