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

/// Issue 10's fault matrix, the part the sandbox's fault injection and admin API can cause:
/// every case runs FULL syncs through the real connector over real HTTP into a real store, and
/// checks the store against the sandbox's ground truth (read over its admin API). RELIABILITY.md
/// lists the cases and what each checks; process and database faults are in the compatibility
/// suite (`test_process_faults.py`), where a real `junction serve` can be killed.
@Suite("Fault matrix: FULL syncs under injected Personio faults", .freshDatabases)
struct FaultMatrixTests {
    /// 25 jobs, 30 candidates and their applications, in pages of 10: every listing has several
    /// pages, so a fault can hit one in the middle.
    static let configuration: SandboxConfiguration = {
        var configuration = SandboxConfiguration()
        configuration.jobs = 25
        configuration.candidates = 30
        return configuration
    }()

    enum Outcome: Sendable {
        case succeeds
        /// Fails, with an error that contains this text.
        case fails(String)
        /// Succeeds without what the fault took, with a warning that contains this text.
        case succeedsWarning(String)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The sandbox's fault rules (`PUT /_sandbox/faults`), as JSON.
        var rules: String
        var outcome: Outcome
        /// Whether a first sync under the fault must already hold every record. Not for a page
        /// that silently omits records: nothing tells a first sync they exist (the next run adds
        /// them, and no run deletes them: that is checked on a complete store).
        var completeOnFirstRun = true
        var retry = RetryPolicy(
            maxAttempts: 3, baseDelay: .milliseconds(5), requestTimeout: .seconds(5), maxRetryAfter: .seconds(60))

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "429 burst with Retry-After",
            rules: #"[{"path":"/v2/recruiting/candidates","fault":"rate_limit","retry_after":1,"count":2}]"#,
            outcome: .succeeds),
        Case(
            name: "429 burst without Retry-After",
            rules: #"[{"path":"/v2/recruiting/applications","fault":"rate_limit","count":2}]"#, outcome: .succeeds),
        Case(
            name: "429 storm outlasting the retries",
            rules: #"[{"path":"/v2/recruiting/applications","fault":"rate_limit","after":1}]"#,
            outcome: .fails("rate limit held after retries")),
        Case(
            name: "429 asking to wait an hour",
            rules: #"[{"path":"/v2/recruiting/jobs","fault":"rate_limit","retry_after":3600,"count":1}]"#,
            outcome: .fails("asks to wait 3600 s")),
        Case(
            name: "5xx burst",
            rules: #"[{"path":"/v2/recruiting/candidates","fault":"server_error","status":502,"count":2,"after":1}]"#,
            outcome: .succeeds),
        Case(
            name: "5xx storm",
            rules: #"[{"path":"/v2/recruiting","fault":"server_error","status":500,"after":3}]"#,
            outcome: .fails("unavailable after retries")),
        Case(
            name: "a request that never answers (client timeout)",
            // The held request outlasts the client's timeout many times over; the timeout itself
            // leaves the retried requests room on a loaded CI machine (500 ms did not).
            rules: #"[{"path":"/v2/recruiting/candidates","fault":"timeout","seconds":8,"count":1,"after":1}]"#,
            outcome: .succeeds,
            retry: .init(maxAttempts: 3, baseDelay: .milliseconds(5), requestTimeout: .seconds(3))),
        Case(
            name: "gateway timeouts to the end",
            rules: #"[{"path":"/v2/recruiting/jobs","fault":"timeout","seconds":0.05,"after":1}]"#,
            outcome: .fails("HTTP 504")),
        Case(
            name: "malformed JSON page, once",
            rules: #"[{"path":"/v2/recruiting/candidates","fault":"malformed","count":1,"after":1}]"#,
            outcome: .succeeds),
        Case(
            name: "truncated JSON page, once",
            rules: #"[{"path":"/v2/recruiting/applications","fault":"truncate","count":1}]"#, outcome: .succeeds),
        Case(
            name: "truncated JSON pages to the end",
            rules: #"[{"path":"/v2/recruiting/candidates","fault":"truncate","after":1}]"#,
            outcome: .fails("unreadable response: page 2 of /v2/recruiting/candidates")),
        Case(
            name: "truncated XML feed, once",
            rules: #"[{"path":"/xml","fault":"truncate","count":1}]"#, outcome: .succeeds),
        Case(
            name: "malformed XML feed to the end",
            rules: #"[{"path":"/xml","fault":"malformed"}]"#,
            // The feed only enriches jobs: the run goes on without it (issue 17).
            outcome: .succeedsWarning("something other than the XML feed")),
        Case(
            name: "pages repeating records",
            rules: #"[{"path":"/v2/recruiting/candidates","fault":"repeat_records","records":3,"count":2}]"#,
            outcome: .succeeds),
        Case(
            name: "a page skipping records",
            rules: #"[{"path":"/v2/recruiting/candidates","fault":"skip_records","records":2,"count":1,"after":1}]"#,
            outcome: .succeeds, completeOnFirstRun: false),
    ]

    @Test("loses nothing, deletes nothing falsely, duplicates nothing", arguments: Backend.allCases, cases)
    func faultCase(backend: Backend, fault: Case) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            let truth = try await Truth.read(sandbox)
            let connector = try await sync.connector(retry: fault.retry)

            // 1. A first sync under the fault, into an empty store.
            try await Self.installFaults(fault.rules, sandbox)
            let first = try await sync.run(connector)
            let afterFirst = try await Mirror.read(sync)
            // 2. Without faults: complete.
            try await Self.clearFaults(sandbox)
            let clean = try await sync.run(connector)
            let afterClean = try await Mirror.read(sync)
            // 3. The fault again (its counters start over), on a complete store.
            try await Self.installFaults(fault.rules, sandbox)
            let again = try await sync.run(connector)
            let afterAgain = try await Mirror.read(sync)
            // 4. The next run completes.
            try await Self.clearFaults(sandbox)
            let next = try await sync.run(connector)
            let afterNext = try await Mirror.read(sync)
            let status = try await sync.integration().status

            Self.expect(first, fault.outcome, "first run")
            Self.expect(again, fault.outcome, "run on a complete store")
            if first.status == .succeeded && fault.completeOnFirstRun {
                afterFirst.expectEqual(truth, "after a successful first run")
            } else {
                afterFirst.expectSubset(of: truth, "after the first run")
            }
            #expect(clean.status == .succeeded, "\(clean.error ?? "")")
            afterClean.expectEqual(truth, "after a clean run")
            afterAgain.expectEqual(truth, "after the faulted run on a complete store")
            #expect(again.stats.deleted.values.reduce(0, +) == 0, "deleted: \(again.stats.deleted)")
            #expect(next.status == .succeeded, "\(next.error ?? "")")
            #expect(next.stats.deleted.values.reduce(0, +) == 0, "deleted: \(next.stats.deleted)")
            afterNext.expectEqual(truth, "after the next run")
            #expect(status == .active, "only refused credentials turn an integration INVALID")
        }
    }

    // MARK: - Credentials and account changes mid-run

    @Test("revoked tokens mid-run: a new token is fetched and the run completes", arguments: Backend.allCases)
    func tokensRevoked(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            let truth = try await Truth.read(sandbox)
            let connector = MidRun(try await sync.connector()) {
                try await Self.admin(sandbox, .post, "/_sandbox/tokens/revoke-all")
            }

            let run = try await sync.run(connector)
            let mirror = try await Mirror.read(sync)
            let status = try await sync.integration().status

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            mirror.expectEqual(truth, "after the run")
            #expect(status == .active)
        }
    }

    @Test("short-lived tokens: the run renews them and completes", arguments: Backend.allCases)
    func tokensExpire(backend: Backend) async throws {
        var configuration = Self.configuration
        // Three seconds, which the client renews after one: a token sent late still has two
        // seconds in hand. (With one-second tokens a stall of the busy test machine between a
        // fresh token and its use failed the run as refused credentials.)
        configuration.tokenLifetime = 3
        try await JobSyncTests.withSandboxAndStore(backend, configuration: configuration) { sandbox, sync in
            let truth = try await Truth.read(sandbox)
            // Slow pages, so the run outlives several tokens; token requests are logged (1 ms).
            try await Self.installFaults(
                #"[{"path":"/v2/recruiting","fault":"latency","milliseconds":300},"#
                    + #"{"path":"/v2/auth/token","fault":"latency","milliseconds":1}]"#, sandbox)

            let run = try await sync.run()
            let mirror = try await Mirror.read(sync)
            let tokenRequests = try await sandbox.execute(uri: "/_sandbox/faults/log", method: .get) { response in
                let entries = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
                return entries.filter { $0["path"] as? String == "/v2/auth/token" }.count
            }

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(tokenRequests >= 3, "the run should have outlived several one-second tokens")
            mirror.expectEqual(truth, "after the run")
            #expect(try await sync.integration().status == .active)
        }
    }

    @Test(
        "a client secret rotated mid-run: the run fails deleting nothing, the integration turns INVALID, and new credentials bring it back",
        arguments: Backend.allCases)
    func secretRotated(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            let truth = try await Truth.read(sandbox)
            _ = try await sync.run()
            let rotated = Secret()
            let connector = MidRun(try await sync.connector()) {
                let body = try await Self.admin(sandbox, .post, "/_sandbox/clients/papi-sandbox-client/rotate-secret")
                await rotated.set(body["client_secret"] as? String)
                // Rotating a secret in Personio ends the tokens issued with the old one.
                try await Self.admin(sandbox, .post, "/_sandbox/tokens/revoke-all")
            }

            let failed = try await sync.run(connector)
            let afterFailure = try await Mirror.read(sync)
            let invalid = try await sync.integration().status
            // The integration turned INVALID before the failed run was finished, in the order
            // webhooks are sent too (a client that waited for the run and then read the status
            // once found it still ACTIVE). Two events of one millisecond share a `seq`.
            let events = try await sync.seeded.store.database.sql.raw(
                """
                SELECT type, seq FROM webhook_events
                WHERE integration_id = \(bind: sync.integrationID)
                  AND type IN ('integration-state-changed', 'sync-finished')
                ORDER BY seq
                """
            ).all().map {
                (try $0.decode(column: "type", as: String.self), try $0.decode(column: "seq", as: Int64.self))
            }
            let invalidAt = events.first { $0.0 == "integration-state-changed" }?.1
            let runsEnded = events.filter { $0.0 == "sync-finished" }.map(\.1)
            // What a relink does: new credentials, and the integration ACTIVE again.
            let secret = try #require(await rotated.value)
            try await sync.seeded.store.integrations.setStatus(
                .active, integrationID: sync.integrationID, workspaceID: sync.seeded.workspace.id)
            let relinked = try await sync.run(try await sync.connector(clientSecret: secret))

            #expect(failed.status == .failed)
            #expect(failed.error?.contains("refused the credentials") == true, "\(failed.error ?? "")")
            #expect(failed.stats.deleted.values.reduce(0, +) == 0)
            afterFailure.expectEqual(truth, "after the failed run")
            #expect(invalid == .invalid)
            try #require(runsEnded.count == 2)
            #expect(invalidAt.map { $0 <= runsEnded[1] } == true, "INVALID before the failed run's end: \(events)")
            #expect(relinked.status == .succeeded, "\(relinked.error ?? "")")
            #expect(try await sync.integration().status == .active)
        }
    }

    @Test(
        "the recruiting right or the recruiting API taken away: nothing deleted, the integration stays ACTIVE",
        arguments: Backend.allCases,
        [
            // A missing right skips the models it covers and says so (issue 17); the run succeeds.
            (
                "/_sandbox/clients/papi-sandbox-client/scopes", #"{"scopes":["personio:persons:read"]}"#,
                "refused access", true
            ),
            // The recruiting API switched off for the account fails the run.
            ("/_sandbox/features", #"{"recruiting_api":false}"#, "has no such resource", false),
        ])
    func accessRemoved(
        backend: Backend, change: (path: String, body: String, error: String, skipped: Bool)
    ) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            let truth = try await Truth.read(sandbox)
            _ = try await sync.run()
            try await Self.admin(sandbox, .put, change.path, body: change.body)

            let run = try await sync.run()
            let mirror = try await Mirror.read(sync)
            let status = try await sync.integration().status

            if change.skipped {
                #expect(run.status == .succeeded, "\(run.error ?? "")")
                #expect(Set(run.stats.unavailable) == ["application_stages", "jobs", "candidates", "applications"])
                #expect(run.stats.warnings.allSatisfy { $0.contains(change.error) }, "\(run.stats.warnings)")
            } else {
                #expect(run.status == .failed)
                #expect(run.error?.contains(change.error) == true, "\(run.error ?? "")")
            }
            #expect(run.stats.deleted.values.reduce(0, +) == 0)
            mirror.expectEqual(truth, "after the run without access")
            #expect(status == .active, "a missing right is no authentication failure")
        }
    }

    @Test("a record deleted upstream is still deleted when the listing also skipped one", arguments: Backend.allCases)
    func realDeletionBesideSkip(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.configuration) { sandbox, sync in
            _ = try await sync.run()
            let before = try await Truth.read(sandbox)
            let victim = try #require(before.candidates.keys.sorted().last)
            try await Self.admin(sandbox, .delete, "/_sandbox/candidates/\(victim)")
            let truth = try await Truth.read(sandbox)
            try await Self.installFaults(
                #"[{"path":"/v2/recruiting/candidates","fault":"skip_records","records":2,"count":1}]"#, sandbox)

            let run = try await sync.run()
            let mirror = try await Mirror.read(sync)

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(run.stats.deleted["candidates"] == 1)
            mirror.expectEqual(truth, "after the run")
            #expect(mirror.deletedCandidates == [victim])
        }
    }

    // MARK: - Mass deletions

    /// 250 candidates in pages of 10: more than the 200 deletions confirmed one by one.
    static let large: SandboxConfiguration = {
        var configuration = SandboxConfiguration()
        configuration.jobs = 10
        configuration.candidates = 250
        return configuration
    }()

    @Test(
        "a listing lacking more than 200 records that still exist fails the run and deletes nothing",
        arguments: Backend.allCases)
    func massSkipIsRefused(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.large) { sandbox, sync in
            let truth = try await Truth.read(sandbox)
            _ = try await sync.run()
            // Every page of candidates keeps one record of ten: 225 of 250 seem gone.
            try await Self.installFaults(
                #"[{"path":"/v2/recruiting/candidates","fault":"skip_records","records":9}]"#, sandbox)

            let run = try await sync.run()
            let mirror = try await Mirror.read(sync)

            #expect(run.status == .failed)
            #expect(
                run.error?.contains("the listing of candidates lacked 225 stored records") == true, "\(run.error ?? "")"
            )
            #expect(run.stats.deleted.values.reduce(0, +) == 0)
            mirror.expectEqual(truth, "after the refused run")
        }
    }

    @Test("a real mass deletion upstream is confirmed by a sample and carried out", arguments: Backend.allCases)
    func massDeletionIsCarriedOut(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: Self.large) { sandbox, sync in
            _ = try await sync.run()
            let before = try await Truth.read(sandbox)
            let victims = Array(before.candidates.keys.sorted().prefix(210))
            for victim in victims { try await Self.admin(sandbox, .delete, "/_sandbox/candidates/\(victim)") }
            let truth = try await Truth.read(sandbox)

            let run = try await sync.run()
            let mirror = try await Mirror.read(sync)

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(run.stats.deleted["candidates"] == 210)
            mirror.expectEqual(truth, "after the run")
            #expect(Set(mirror.deletedCandidates) == Set(victims))
        }
    }

    // MARK: - Helpers

    static func installFaults(_ rules: String, _ sandbox: any TestClientProtocol) async throws {
        try await admin(sandbox, .put, "/_sandbox/faults", body: #"{"seed":7,"rules":\#(rules)}"#)
    }

    static func clearFaults(_ sandbox: any TestClientProtocol) async throws {
        try await admin(sandbox, .delete, "/_sandbox/faults")
    }

    @discardableResult
    static func admin(
        _ sandbox: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, body: String? = nil
    ) async throws -> [String: Any] {
        try await sandbox.execute(
            uri: path, method: method, headers: body == nil ? [:] : [.contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) }
        ) { response in
            #expect(response.status == .ok, "\(method) \(path): \(String(buffer: response.body))")
            return (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
        }
    }

    static func expect(_ run: SyncRun, _ outcome: Outcome, _ label: String) {
        switch outcome {
        case .succeeds:
            #expect(run.status == .succeeded, "\(label): \(run.error ?? "")")
        case .fails(let text):
            #expect(run.status == .failed, "\(label)")
            #expect(run.error?.contains(text) == true, "\(label): \(run.error ?? "no error") lacks '\(text)'")
        case .succeedsWarning(let text):
            #expect(run.status == .succeeded, "\(label): \(run.error ?? "")")
            #expect(run.stats.warnings.contains { $0.contains(text) }, "\(label): \(run.stats.warnings)")
        }
    }

    /// What the sandbox holds, by remote id.
    struct Truth {
        var jobs: Set<String>
        /// id → last name (nil for an anonymized candidate, whose name Personio sends empty).
        var candidates: [String: String?]
        var applications: Set<String>

        static func read(_ sandbox: any TestClientProtocol) async throws -> Truth {
            let object = try await admin(sandbox, .get, "/_sandbox/ground-truth?models=jobs,candidates,applications")
            func ids(_ key: String) throws -> [[String: Any]] { try #require(object[key] as? [[String: Any]]) }
            return Truth(
                jobs: Set(try ids("jobs").compactMap { ($0["id"] as? Int).map(String.init) }),
                candidates: Dictionary(
                    uniqueKeysWithValues: try ids("candidates").compactMap { candidate in
                        (candidate["id"] as? Int).map { id in
                            (String(id), (candidate["last_name"] as? String).flatMap { $0.isEmpty ? nil : $0 })
                        }
                    }),
                applications: Set(try ids("applications").compactMap { ($0["id"] as? Int).map(String.init) }))
        }
    }

    /// What the store holds, deleted records included.
    struct Mirror {
        var jobs: [(remoteID: String, deleted: Bool)]
        var candidates: [(remoteID: String, lastName: String?, deleted: Bool)]
        var applications: [(remoteID: String, deleted: Bool)]

        static func read(_ sync: JobSyncTests.SyncFixture) async throws -> Mirror {
            let store = sync.seeded.store
            let id = sync.integrationID
            return Mirror(
                jobs: try await store.records.records(Job.self, integrationID: id, limit: 10_000, includeDeleted: true)
                    .items
                    .map { ($0.remoteID, $0.remoteDeletedAt != nil) },
                candidates: try await store.records.records(
                    Candidate.self, integrationID: id, limit: 10_000, includeDeleted: true
                ).items.map { ($0.remoteID ?? "", $0.lastName, $0.remoteDeletedAt != nil) },
                applications: try await store.records.records(
                    Application.self, integrationID: id, limit: 10_000, includeDeleted: true
                ).items.map { ($0.remoteID ?? "", $0.remoteDeletedAt != nil) })
        }

        var deletedCandidates: [String] { candidates.filter(\.deleted).map(\.remoteID) }

        /// Exactly the sandbox's records, each once, none marked deleted unless gone upstream.
        func expectEqual(_ truth: Truth, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
            expectSubset(of: truth, label, sourceLocation: sourceLocation)
            #expect(
                Set(jobs.filter { !$0.deleted }.map(\.remoteID)) == truth.jobs, "\(label): jobs",
                sourceLocation: sourceLocation)
            #expect(
                Set(candidates.filter { !$0.deleted }.map(\.remoteID)) == Set(truth.candidates.keys),
                "\(label): candidates", sourceLocation: sourceLocation)
            #expect(
                Set(applications.filter { !$0.deleted }.map(\.remoteID)) == truth.applications,
                "\(label): applications", sourceLocation: sourceLocation)
        }

        /// Nothing the sandbox lacks is live, nothing is stored twice, and names are the sandbox's.
        func expectSubset(of truth: Truth, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(
                Set(jobs.map(\.remoteID)).count == jobs.count, "\(label): a job twice", sourceLocation: sourceLocation)
            #expect(
                Set(candidates.map(\.remoteID)).count == candidates.count, "\(label): a candidate twice",
                sourceLocation: sourceLocation)
            #expect(
                Set(applications.map(\.remoteID)).count == applications.count, "\(label): an application twice",
                sourceLocation: sourceLocation)
            #expect(
                jobs.filter { !$0.deleted && !truth.jobs.contains($0.remoteID) }.isEmpty, "\(label): unknown jobs",
                sourceLocation: sourceLocation)
            #expect(
                applications.filter { !$0.deleted && !truth.applications.contains($0.remoteID) }.isEmpty,
                "\(label): unknown applications", sourceLocation: sourceLocation)
            for candidate in candidates where !candidate.deleted {
                #expect(
                    truth.candidates[candidate.remoteID] == .some(candidate.lastName),
                    "\(label): candidate \(candidate.remoteID)",
                    sourceLocation: sourceLocation)
            }
        }
    }

    /// A value set inside a `@Sendable` hook and read after the run.
    actor Secret {
        var value: String?
        func set(_ value: String?) { self.value = value }
    }
}

/// The real connector, with `hook` run once after the first page of candidates is stored: a
/// deterministic "mid-run" moment for changes made through the sandbox's admin API.
struct MidRun<Base: ATSConnector>: ATSConnector {
    let base: Base
    let hook: @Sendable () async throws -> Void
    let fired = Fired()

    init(_ base: Base, hook: @escaping @Sendable () async throws -> Void) {
        self.base = base
        self.hook = hook
    }

    actor Fired {
        var done = false
        func claim() -> Bool {
            defer { done = true }
            return !done
        }
    }

    func forEachCandidatePage(updatedAfter: Date?, _ body: @Sendable ([Candidate]) async throws -> Void) async throws {
        try await base.forEachCandidatePage(updatedAfter: updatedAfter) { page in
            try await body(page)
            if await fired.claim() { try await hook() }
        }
    }

    func forEachJobPage(updatedAfter: Date?, _ body: @Sendable ([Job]) async throws -> Void) async throws {
        try await base.forEachJobPage(updatedAfter: updatedAfter, body)
    }
    func applicationStages() async throws -> [ApplicationStage] { try await base.applicationStages() }
    func users() async throws -> [User]? { try await base.users() }
    func forEachApplicationPage(
        updatedAfter: Date?, _ body: @Sendable ([JunctionModel.Application], [ApplicationStage]) async throws -> Void
    ) async throws {
        try await base.forEachApplicationPage(updatedAfter: updatedAfter, body)
    }
    func screeningQuestions() async throws -> [ScreeningQuestion] { try await base.screeningQuestions() }
    func tags() async throws -> [JunctionModel.Tag] { try await base.tags() }
    func requestCount() async -> Int { await base.requestCount() }
    func warnings() async -> [String] { await base.warnings() }
    func keepsStoredPublication() async -> Bool { await base.keepsStoredPublication() }
    func isAuthenticationFailure(_ error: any Error) -> Bool { base.isAuthenticationFailure(error) }
    func isPermissionFailure(_ error: any Error) -> Bool { base.isPermissionFailure(error) }
    func stillPresent(_ model: String, remoteIDs: [String]) async throws -> Set<String> {
        try await base.stillPresent(model, remoteIDs: remoteIDs)
    }
}
