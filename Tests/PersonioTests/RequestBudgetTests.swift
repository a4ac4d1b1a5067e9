import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionConnectors
import Logging
import Personio
import Testing

/// The per-account request budget, observed from the server side: a real HTTP server counts
/// how many requests it holds at once.
@Suite("Per-account request budget")
struct RequestBudgetTests {
    /// Counts requests in flight on the server.
    actor InFlight {
        private(set) var current = 0
        private(set) var peak = 0
        func enter() {
            current += 1
            peak = max(peak, current)
        }
        func leave() { current -= 1 }
    }

    /// Runs `body` against a server whose `/v2/slow` holds each request for 250 ms (long, so requests overlap even on a busy machine).
    static func withSlowServer(
        _ body: @escaping @Sendable (_ baseURL: String, _ inFlight: InFlight) async throws -> Void
    ) async throws {
        let inFlight = InFlight()
        let router = Router()
        router.post("/v2/auth/token") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"access_token":"t","expires_in":3600}"#)))
        }
        router.get("/v2/slow") { _, _ -> Response in
            await inFlight.enter()
            try? await Task.sleep(for: .milliseconds(250))
            await inFlight.leave()
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"data":[]}"#)))
        }
        router.get("/v2/held") { _, _ -> Response in
            // Held until five have been in flight at once (at most 10 s): whether a client sends that
            // many together is then an order, which a loaded machine cannot turn into a failure.
            await inFlight.enter()
            let started = ContinuousClock.now
            while await inFlight.peak < 5, ContinuousClock.now - started < .seconds(10) {
                try? await Task.sleep(for: .milliseconds(10))
            }
            await inFlight.leave()
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"data":[]}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(try #require(client.port))", inFlight)
        }
    }

    static func credentials(_ baseURL: String, secret: String = "s") -> PersonioCredentials {
        PersonioCredentials(clientID: "c", clientSecret: secret, apiBaseURL: baseURL)
    }

    static func burst(_ client: PersonioClient, requests: Int, path: String = "/v2/slow") async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<requests {
                group.addTask { _ = try await client.getV2(path) }
            }
            try await group.waitForAll()
        }
    }

    @Test("no more requests than the limit reach the account at once; without a budget more do")
    func concurrency() async throws {
        try await Self.withSlowServer { baseURL, inFlight in
            let accounts = PersonioAccounts(
                http: HTTPClient.shared, logger: Logger(label: "test"),
                limits: RequestLimits(maxConcurrent: 3, requestsPerSecond: 1000, burst: 1000))
            let client = await accounts.client(integrationID: "personio:a", credentials: Self.credentials(baseURL))
            // Token first, so the burst is all /v2/slow.
            _ = try await client.getV2("/v2/slow")

            try await Self.burst(client, requests: 12)
            let limited = await inFlight.peak

            let unlimited = PersonioClient(
                credentials: Self.credentials(baseURL), http: HTTPClient.shared, logger: Logger(label: "test"))
            _ = try await unlimited.getV2("/v2/slow")
            try await Self.burst(unlimited, requests: 12, path: "/v2/held")
            let free = await inFlight.peak

            #expect(limited <= 3)
            #expect(free >= 5, "the server accepts more at once, so the budget is what held them back")
        }
    }

    @Test("every caller of one integration shares one client and budget; new credentials keep the budget")
    func sharing() async throws {
        let accounts = PersonioAccounts(http: HTTPClient.shared, logger: Logger(label: "test"))
        let first = await accounts.client(integrationID: "personio:a", credentials: Self.credentials("http://x"))
        let again = await accounts.client(integrationID: "personio:a", credentials: Self.credentials("http://x"))
        let rotated = await accounts.client(
            integrationID: "personio:a", credentials: Self.credentials("http://x", secret: "new"))
        let other = await accounts.client(integrationID: "personio:b", credentials: Self.credentials("http://x"))

        #expect(first === again)
        #expect(rotated !== first)
        #expect(rotated.budget === first.budget)
        #expect(other.budget !== first.budget)
    }

    @Test("after the window's last allowed write, the next waits a whole window from that write")
    func writeWaitFromLimit() async throws {
        // Two writes per 10 s; the second comes about 1 s after the first. A sliding window
        // would free a write 10 s after the first (9 s after the second); Personio's wait
        // counts from reaching the limit: 10 s after the second. (A long window, so a loaded
        // machine stretching the sleep several times over still leaves both writes in it.)
        let window = Duration.seconds(10)
        let budget = RequestBudget(
            limits: RequestLimits(writesPerWindow: 2, writeWindow: window, maxWriteWait: .seconds(15)))
        try await budget.acquireWrite()
        let first = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))
        try await budget.acquireWrite()
        let limitReached = ContinuousClock.now
        // Both writes must fall in one window for the case to mean anything (a stalled machine
        // could stretch the sleep past it).
        try #require(limitReached - first < window - .milliseconds(500))

        try await budget.acquireWrite()
        let waited = ContinuousClock.now - limitReached

        #expect(waited >= window - .milliseconds(50))
    }

    @Test("writes beyond the window's allowance are refused with the seconds until one is free")
    func writeAllowance() async throws {
        let budget = RequestBudget(
            limits: RequestLimits(writesPerWindow: 2, writeWindow: .seconds(60), maxWriteWait: .milliseconds(10)))

        try await budget.acquireWrite()
        try await budget.acquireWrite()
        var refusal: WriteLimitReached?
        do {
            try await budget.acquireWrite()
        } catch {
            refusal = error
        }

        guard let seconds = refusal?.retryAfterSeconds else {
            Issue.record("the third write in a window of two must be refused")
            return
        }
        #expect((59...61).contains(seconds))
    }
}
