import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import Personio
import PersonioSandbox
import Testing

/// `rejected_at` is when an application moved to rejected or withdrawn, read from its stage
/// history, not its last update: Personio's `updated_at` moves whenever anything touches the
/// application afterwards, its automatic GDPR anonymization included (issue 17, item 6).
@Suite("Rejection times from stage histories", .freshDatabases)
struct RejectionTimeTests {
    typealias Object = [String: Any]

    /// 60 candidates: about 90 applications, a third of them declined, a share anonymized
    /// (the generator moves anonymized applications' `updated_at` past their rejection).
    static let configuration: SandboxConfiguration = {
        var configuration = JobSyncTests.small
        configuration.candidates = 60
        return configuration
    }()

    /// Each declined application's expected rejection time by remote id, from the ground truth:
    /// the latest transition into a rejected or withdrawn stage. With each application's
    /// `updated_at` for comparison.
    static func expectations(_ sandbox: any TestClientProtocol) async throws -> (
        rejected: [String: Date], updated: [String: Date], anonymizedCandidates: Set<Int>
    ) {
        let truth = try await DeltaFreshnessTests.truth(sandbox, "applications,candidates")
        var rejected: [String: Date] = [:]
        var updated: [String: Date] = [:]
        for application in try #require(truth["applications"] as? [Object]) {
            let id = "\(application["id"] ?? "")"
            updated[id] = try #require((application["updated_at"] as? String).flatMap(UnifiedDate.parse))
            let transitions = try #require(application["transitions"] as? [Object])
            guard let last = transitions.last, let stage = last["stage"] as? Object,
                ["rejected", "withdrawn"].contains(stage["kind"] as? String ?? "")
            else { continue }
            rejected[id] = transitions.filter {
                ["rejected", "withdrawn"].contains(($0["stage"] as? Object)?["kind"] as? String ?? "")
            }.compactMap { ($0["entered_at"] as? String).flatMap(UnifiedDate.parse) }.max()
        }
        let anonymized = try #require(truth["candidates"] as? [Object]).filter { $0["is_anonymized"] as? Bool == true }
            .compactMap { $0["id"] as? Int }
        return (rejected, updated, Set(anonymized))
    }

    static func applications(_ sync: JobSyncTests.SyncFixture) async throws -> [String: Application] {
        let items = try await sync.seeded.store.records.records(
            Application.self, integrationID: sync.integrationID, limit: 10_000, includeDeleted: true
        ).items
        return Dictionary(uniqueKeysWithValues: items.compactMap { a in a.remoteID.map { ($0, a) } })
    }

    @Test(
        "a first FULL takes the last update; the next run dates every rejection by its move, also where later updates moved updated_at",
        arguments: Backend.allCases)
    func fullDatesRejections(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            let expected = try await Self.expectations(sandbox)
            // The data must tell the two apart, or the test proves nothing.
            let touchedLater = expected.rejected.filter { id, at in expected.updated[id] != at }
            try #require(!touchedLater.isEmpty, "no declined application was updated after its rejection")
            try #require(expected.rejected.count <= PersonioConnector.defaultStageHistoryBacklog)

            let first = try await sync.run()
            let afterFirst = try await Self.applications(sync)
            let second = try await sync.run()
            let stored = try await Self.applications(sync)

            #expect(first.status == .succeeded && second.status == .succeeded, "\(first.error ?? second.error ?? "")")
            for run in [first, second] {
                #expect(!run.stats.warnings.contains { $0.contains("stage-history") || $0.contains("stage histories") })
            }
            // First sight reads no history: the first sync stays as fast as the listings.
            for (id, at) in expected.rejected {
                #expect(afterFirst[id]?.rejectedAt == expected.updated[id], "application \(id)")
                #expect(afterFirst[id]?.remoteData?["stage_transitions"] == nil)
                #expect(at <= expected.updated[id] ?? .distantPast)
            }
            for (id, application) in stored {
                if let at = expected.rejected[id] {
                    #expect(application.outcome == "DECLINED", "application \(id)")
                    #expect(application.rejectedAt == at, "application \(id)")
                    guard case .array(let history)? = application.remoteData?["stage_transitions"] else {
                        Issue.record("application \(id) has no stage history in remote_data")
                        continue
                    }
                    #expect(!history.isEmpty)
                } else {
                    #expect(application.rejectedAt == nil, "application \(id)")
                    #expect(application.remoteData?["stage_transitions"] == nil)
                }
            }
            #expect(Set(stored.keys).isSuperset(of: expected.rejected.keys))
        }
    }

    @Test("anonymization after a sync moves updated_at but not rejected_at", arguments: Backend.allCases)
    func anonymizationKeepsRejection(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            _ = try await sync.run()
            let before = try await Self.expectations(sandbox)
            let truth = try await DeltaFreshnessTests.truth(sandbox, "applications")
            // A candidate not yet anonymized with a declined application.
            let allApplications = try #require(truth["applications"] as? [Object])
            let target = try #require(
                allApplications.first { application in
                    guard let candidate = application["candidate_id"] as? Int else { return false }
                    return before.rejected["\(application["id"] ?? "")"] != nil
                        && !before.anonymizedCandidates.contains(candidate)
                })
            let applicationID = "\(target["id"] ?? "")"
            let candidateID = try #require(target["candidate_id"] as? Int)
            let storedBeforeAll = try await Self.applications(sync)
            let storedBefore = try #require(storedBeforeAll[applicationID])
            try await Task.sleep(for: .milliseconds(1100))  // Personio's times have seconds precision.
            try await sandbox.execute(uri: "/_sandbox/candidates/\(candidateID)/anonymize", method: .post) {
                #expect($0.status == .ok)
            }

            let delta = try await sync.run(delta: true)
            let afterAll = try await Self.applications(sync)
            let after = try #require(afterAll[applicationID])

            #expect(delta.kind == .delta && delta.status == .succeeded, "\(delta.error ?? "")")
            #expect(after.remoteUpdatedAt! > storedBefore.remoteUpdatedAt!)
            guard case .object(let raw)? = after.remoteData?["application"] else {
                Issue.record("no raw application in remote_data")
                return
            }
            #expect(raw["is_anonymized"] == .bool(true))
            #expect(after.rejectedAt == before.rejected[applicationID])
            #expect(after.rejectedAt == storedBefore.rejectedAt)
        }
    }

    @Test("a move to rejected in a DELTA is dated by the move", arguments: Backend.allCases)
    func deltaMove(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            _ = try await sync.run()
            let before = try await Self.expectations(sandbox)
            let open = try #require(before.updated.keys.sorted().first { before.rejected[$0] == nil })
            try await sandbox.execute(
                uri: "/_sandbox/applications/\(open)/stage", method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"type":"system","id":"withdrawn"}"#)
            ) { #expect($0.status == .ok) }

            let delta = try await sync.run(delta: true)
            let after = try await Self.expectations(sandbox)
            let all = try await Self.applications(sync)
            let stored = try #require(all[open])

            #expect(delta.status == .succeeded)
            #expect(stored.outcome == "DECLINED")
            #expect(stored.rejectedAt == after.rejected[open])
            #expect(stored.remoteData?["stage_transitions"] != nil)
        }
    }

    @Test("the backlog a first sync leaves is dated a few per run", arguments: Backend.allCases)
    func backlog(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            let expected = try await Self.expectations(sandbox)
            try #require(expected.rejected.count > 4)

            _ = try await sync.run()
            let second = try await sync.run(try await sync.connector(stageHistoryBacklog: 2))
            let afterSecond = try await Self.applications(sync)
            _ = try await sync.run(try await sync.connector(stageHistoryBacklog: 2))
            let afterThird = try await Self.applications(sync)
            _ = try await sync.run()
            let afterFourth = try await Self.applications(sync)

            func dated(_ stored: [String: Application]) -> Int {
                stored.values.filter { $0.remoteData?["stage_transitions"] != nil }.count
            }
            #expect(dated(afterSecond) == 2)
            #expect(dated(afterThird) == 4)
            #expect(dated(afterFourth) == expected.rejected.count)
            // Catching up is no warning; undated ones keep the last update seen first.
            #expect(!second.stats.warnings.contains { $0.contains("stage-history") })
            for (id, application) in afterSecond where application.remoteData?["stage_transitions"] == nil {
                if expected.rejected[id] != nil { #expect(application.rejectedAt == expected.updated[id]) }
            }
            for (id, at) in expected.rejected { #expect(afterFourth[id]?.rejectedAt == at, "application \(id)") }
        }
    }

    @Test("moves beyond a run's allowance are counted in a warning and dated later", arguments: Backend.allCases)
    func moveAllowance(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            _ = try await sync.run()
            let before = try await Self.expectations(sandbox)
            let open = Array(before.updated.keys.sorted().filter { before.rejected[$0] == nil }.prefix(3))
            try #require(open.count == 3)
            try await Task.sleep(for: .milliseconds(1100))  // Personio's times have seconds precision.
            for id in open {
                try await sandbox.execute(
                    uri: "/_sandbox/applications/\(id)/stage", method: .post,
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"type":"system","id":"rejected"}"#)
                ) { #expect($0.status == .ok) }
            }

            let limited = try await sync.run(try await sync.connector(stageHistoryReads: 1), delta: true)
            let afterLimited = try await Self.applications(sync)
            let next = try await sync.run()
            let afterNext = try await Self.applications(sync)
            let after = try await Self.expectations(sandbox)

            #expect(open.filter { afterLimited[$0]?.remoteData?["stage_transitions"] != nil }.count == 1)
            #expect(limited.stats.warnings.contains { $0.hasPrefix("2 applications moved to rejected or withdrawn") })
            #expect(!next.stats.warnings.contains { $0.contains("allowance of stage-history reads") })
            for id in open { #expect(afterNext[id]?.rejectedAt == after.rejected[id], "application \(id)") }
        }
    }

    @Test("a history that cannot be read costs dates, not the run", arguments: Backend.allCases)
    func unreadableHistory(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            let expected = try await Self.expectations(sandbox)
            let broken = try #require(expected.rejected.keys.sorted().first)
            _ = try await sync.run()  // First sight reads no history; the next runs do.
            let rules = #"[{"path":"/v2/recruiting/applications/\#(broken)/stage-transitions","fault":"server_error"}]"#
            try await sandbox.execute(
                uri: "/_sandbox/faults", method: .put, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"seed":1,"rules":\#(rules)}"#)
            ) { #expect($0.status == .ok) }

            let failing = try await sync.run()
            let afterFailing = try await Self.applications(sync)
            let brokenAfterFailing = try #require(afterFailing[broken])
            try await sandbox.execute(uri: "/_sandbox/faults", method: .delete) { #expect($0.status == .ok) }
            let healed = try await sync.run()
            let stored = try await Self.applications(sync)

            #expect(failing.status == .succeeded, "\(failing.error ?? "")")
            #expect(failing.stats.warnings.contains { $0.hasPrefix("Application stage histories could not be read") })
            #expect(brokenAfterFailing.remoteData?["stage_transitions"] == nil)
            #expect(brokenAfterFailing.rejectedAt == expected.updated[broken])
            #expect(healed.status == .succeeded)
            for (id, at) in expected.rejected { #expect(stored[id]?.rejectedAt == at, "application \(id)") }
        }
    }
}
