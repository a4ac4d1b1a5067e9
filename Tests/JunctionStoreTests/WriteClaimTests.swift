import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

/// A write claim keeps a second writer of the same application out while the first is under
/// way; one statement takes it (issue 22), so these are the rules that statement must keep.
@Suite("Write claims", .freshDatabases)
struct WriteClaimTests {
    @Test(
        "a claim is taken once, refused while held, taken over when stale, free after release",
        arguments: Backend.allCases)
    func rules(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let ledger = seeded.store.writeLedger
        let integration = seeded.integration.id.description
        let other = try await seeded.anotherIntegration().integration.id.description

        #expect(try await ledger.takeClaim("c1", integrationID: integration))
        #expect(try await ledger.takeClaim("c1", integrationID: integration) == false)
        // Another integration's claim of the same text is its own.
        #expect(try await ledger.takeClaim("c1", integrationID: other))
        // Stale after 0 s: a crashed writer's claim is taken over (once more held right after).
        try await Task.sleep(for: .milliseconds(5))
        #expect(try await ledger.takeClaim("c1", integrationID: integration, staleAfter: 0))
        #expect(try await ledger.takeClaim("c1", integrationID: integration) == false)
        try await ledger.releaseClaim("c1", integrationID: integration)
        #expect(try await ledger.takeClaim("c1", integrationID: integration))
    }

    @Test("of twenty concurrent takers exactly one gets the claim", arguments: Backend.allCases)
    func concurrent(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let ledger = seeded.store.writeLedger
        let integration = seeded.integration.id.description

        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 { group.addTask { try await ledger.takeClaim("same", integrationID: integration) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }

        #expect(winners == 1)
    }

    @Test(
        "an application claim is refused for a stored application, taken otherwise, and says which refusal",
        arguments: Backend.allCases)
    func applicationClaim(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let ledger = seeded.store.writeLedger
        let integration = seeded.integration.id.description
        var candidate = Candidate(id: "cand-1", remoteID: "c1")
        candidate.emailAddresses = [.init(emailAddress: "Ada@Example.org")]
        var application = JunctionModel.Application(id: "app-1", remoteID: "a1")
        application.candidateID = candidate.id
        application.jobID = "job-1"
        try await seeded.store.records.saveRecords([candidate], integrationID: integration)
        try await seeded.store.records.saveRecords([application], integrationID: integration)
        func claim(_ email: String, _ job: String) async throws -> WriteLedgerRepository.ApplicationClaim {
            try await ledger.claimApplication(
                WriteLedgerRepository.applicationClaim(email: email, jobRemoteID: job), jobID: job, email: email,
                integrationID: integration)
        }

        // The stored application, whatever the email's case: refused, and no claim left behind.
        #expect(try await claim("ada@example.ORG", "job-1") == .alreadyApplied)
        #expect(
            try await ledger.takeClaim(
                WriteLedgerRepository.applicationClaim(email: "ada@example.org", jobRemoteID: "job-1"),
                integrationID: integration))
        // Another job: taken once, then held.
        #expect(try await claim("ada@example.org", "job-2") == .taken)
        #expect(try await claim("ada@example.org", "job-2") == .held)
        // A deleted application no longer counts.
        try await seeded.store.database.sql.raw("UPDATE applications SET remote_deleted_at = 1 WHERE id = 'app-1'")
            .run()
        #expect(try await claim("Ada@example.org", "job-1") == .held)
        try await ledger.releaseClaim(
            WriteLedgerRepository.applicationClaim(email: "ada@example.org", jobRemoteID: "job-1"),
            integrationID: integration)
        #expect(try await claim("Ada@example.org", "job-1") == .taken)
    }

    @Test(
        "an application claim with a job version is taken only while the stored job is live at that version",
        arguments: Backend.allCases)
    func jobVersion(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let store = seeded.store
        let integration = seeded.integration.id.description
        var job = try #require(sampleJobs(1, integrationID: seeded.integration.id).first)
        try await store.records.saveJobs([job], integrationID: integration)
        let kept = try #require(
            try await store.records.jobForm(integrationID: integration, where: "id", equals: job.id))
        job.name = "Renamed after the form was kept"
        func claim(_ email: String, _ version: JobForm.Version?) async throws -> WriteLedgerRepository.ApplicationClaim
        {
            try await store.writeLedger.claimApplication(
                WriteLedgerRepository.applicationClaim(email: email, jobRemoteID: job.remoteID), jobID: job.id,
                email: email, integrationID: integration, jobVersion: version)
        }
        func claims() async throws -> Int {
            try await store.database.sql.raw("SELECT COUNT(*) AS n FROM write_claims").first()?
                .decode(column: "n", as: Int.self) ?? -1
        }

        let current = try await claim("a@example.org", kept.version)
        let held = try await claim("a@example.org", kept.version)
        try await store.records.saveJobs([job], integrationID: integration)
        let afterRename = try await claim("b@example.org", kept.version)
        let claimsAfterRename = try await claims()
        let renamed = try #require(
            try await store.records.jobForm(integrationID: integration, where: "id", equals: job.id))
        let withFreshVersion = try await claim("b@example.org", renamed.version)
        try await store.records.markJobsDeleted(ids: [job.id], integrationID: integration)
        let afterDeletion = try await claim("c@example.org", renamed.version)
        let withoutVersion = try await claim("c@example.org", nil)

        #expect(current == .taken)
        #expect(held == .held)
        #expect(renamed.version != kept.version, "the rename changed the stored job's version")
        #expect(afterRename == .jobChanged)
        #expect(claimsAfterRename == 1, "a refused claim leaves nothing behind")
        #expect(withFreshVersion == .taken)
        #expect(afterDeletion == .jobChanged)
        #expect(withoutVersion == .taken)
    }

    @Test("an activity entry names only an integration of the caller's workspace", arguments: Backend.allCases)
    func activityScope(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let store = seeded.store
        let integration = seeded.integration.id.description
        let stranger = try await store.access.createWorkspace(name: "Someone else")
        func entry(_ path: String) -> ActivityEntry {
            ActivityEntry(
                integrationID: integration, kind: "write", method: "POST", path: path, status: 200,
                durationMilliseconds: 1, error: nil)
        }

        try await store.requestLog.logActivity(entry("/v1/ats/mine"), workspaceID: seeded.workspace.id)
        try await store.requestLog.logActivity(entry("/v1/ats/theirs"), workspaceID: stranger.id)

        #expect(try await store.requestLog.activity(integrationID: integration).map(\.path) == ["/v1/ats/mine"])
    }
}
