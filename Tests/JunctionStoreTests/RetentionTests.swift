import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

/// Issue 21: what the retention pass removes, and what it keeps, counted by hand.
@Suite("Retention of logs, webhook events, kept answers and connect links", .freshDatabases)
struct RetentionTests {
    static let day: TimeInterval = 86_400

    static func count(_ table: String, _ store: Store) async throws -> Int {
        try await store.database.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()!
            .decode(column: "n", as: Int.self)
    }

    @Test("each kind of entry goes after its own period and not before", arguments: Backend.allCases)
    func periods(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let store = seeded.store
        let workspace = seeded.workspace.id
        let integration = seeded.integration.id.description
        let now = Date()
        // Logs: 31 and 29 days old (retention 30).
        for (n, age) in [(1, 31.0), (2, 29.0)] {
            try await store.requestLog.logActivity(
                ActivityEntry(
                    integrationID: integration, kind: "write", method: "POST", path: "/v1/ats/candidates", status: 200,
                    durationMilliseconds: 5, error: nil, createdAt: now.addingTimeInterval(-age * Self.day)))
            try await store.requestLog.logRequest(
                RequestLogEntry(
                    id: "r\(n)", workspaceID: workspace, integrationID: nil, method: "GET", path: "/v1/x", status: 400,
                    errorCode: "INPUT.INVALID", errorMessage: "bad", createdAt: now.addingTimeInterval(-age * Self.day))
            )
        }
        // Webhook events 40 days old: one delivered, one still pending; one delivered 10 days ago.
        _ = try await store.webhooks.createWebhookEndpoint(
            workspaceID: workspace, url: "https://receiver.example/hook", description: nil, events: nil)
        // Each of another integration, so each is first in line for its own.
        let owners =
            [integration] + [
                try await seeded.anotherIntegration().integration.id.description,
                try await seeded.anotherIntegration().integration.id.description,
            ]
        for (owner, age) in zip(owners, [40.0, 40.0, 10.0]) {
            try await store.webhooks.enqueue(
                [
                    WebhookEvent(
                        type: "integration-state-changed", workspaceID: workspace, integrationID: owner,
                        data: .object(["age": .number(age)]))
                ], now: now.addingTimeInterval(-age * Self.day))
        }
        let due = try await store.webhooks.dueDeliveries(now: now).sorted {
            $0.delivery.createdAt < $1.delivery.createdAt
        }
        try #require(due.count == 3)
        // The first 40-day-old and the 10-day-old are delivered (their attempts are that old too).
        for (item, age) in [(due[0], 40.0), (due[2], 10.0)] {
            try await store.webhooks.recordAttempt(
                item.delivery, status: 500, error: "receiver said: no", duration: .milliseconds(3), delivered: false,
                retryAt: now, now: now.addingTimeInterval(-age * Self.day))
        }
        for item in try await store.webhooks.dueDeliveries(now: now) where item.delivery.id != due[1].delivery.id {
            try await store.webhooks.recordAttempt(
                item.delivery, status: 204, error: nil, duration: .milliseconds(3), delivered: true, retryAt: nil,
                now: now.addingTimeInterval(-9 * Self.day))
        }
        // Kept answers 2 days and 1 hour old (retention 1 day).
        for (key, age) in [("old", 2 * Self.day), ("new", 3600.0)] {
            _ = try await store.writeLedger.beginIdempotent(key: key, requestHash: "h", workspaceID: workspace)
            try await store.writeLedger.finishIdempotent(key: key, workspaceID: workspace, status: 200, body: "{}")
            try await store.database.sql.raw(
                "UPDATE idempotency_keys SET created_at = \(bind: Int64((now.timeIntervalSince1970 - age) * 1000)) WHERE key = \(bind: key)"
            ).run()
        }
        // Write claims of 2 days and 1 hour ago; hashes, never the address.
        for (email, age) in [("old@example.net", 2 * Self.day), ("new@example.net", 3600.0)] {
            let claim = WriteLedgerRepository.applicationClaim(email: email, jobRemoteID: "42")
            #expect(!claim.contains(email) && claim.count == "application:".count + 64)
            #expect(try await store.writeLedger.takeClaim(claim, integrationID: integration))
            try await store.database.sql.raw(
                "UPDATE write_claims SET created_at = \(bind: Int64((now.timeIntervalSince1970 - age) * 1000)) WHERE claim = \(bind: claim)"
            ).run()
        }
        // Connect links: one expired 31 days ago, one 29 days ago.
        for age in [31.0, 29.0] {
            var link = ConnectLink(
                workspaceID: workspace, kind: .create, linkType: .embedded, language: "en",
                endUserEmail: "admin@customer.example",
                endUserOrganizationName: "Customer", endUserOriginID: nil,
                now: now.addingTimeInterval(-(age + 7) * Self.day))
            link.expiresAt = now.addingTimeInterval(-age * Self.day)
            _ = try await store.connectLinks.createConnectLink(link)
        }

        let report = try await store.personalData.applyRetention(RetentionPolicy(), now: now)
        let again = try await store.personalData.applyRetention(RetentionPolicy(), now: now)
        let attemptErrors = try await store.database.sql.raw(
            "SELECT COUNT(*) AS n FROM webhook_attempts WHERE error IS NOT NULL"
        ).first()!.decode(column: "n", as: Int.self)

        #expect(report.logEntries == 2, "one activity entry and one refused request, each 31 days old")
        #expect(try await Self.count("activity_log", store) == 1)
        #expect(try await Self.count("request_log", store) == 1)
        #expect(report.webhookEvents == 1, "only the old delivered event; the pending one stays")
        #expect(try await Self.count("webhook_events", store) == 2)
        #expect(try await Self.count("webhook_deliveries", store) == 2)
        #expect(attemptErrors == 1, "the 40-day-old attempt's error went with its event; the 10-day-old one stays")
        #expect(report.idempotentAnswers == 1)
        #expect(try await Self.count("idempotency_keys", store) == 1)
        #expect(report.writeClaims == 1)
        #expect(try await Self.count("write_claims", store) == 1)
        #expect(report.connectLinks == 1)
        #expect(try await Self.count("connect_links", store) == 1)
        #expect(report.tombstoned.isEmpty)
        #expect(again.total == 0, "a second pass finds nothing")
    }

    @Test("a tombstone keeps ids and times, empties lists and nulls everything else")
    func tombstoneShape() throws {
        let document = #"""
            {"applications":[{"id":"a1"}],"changed_at":"2026-01-01T00:00:00.000Z","custom_fields":{"x":1},\#
            "email_addresses":[{"email_address":"a@b.example"}],"first_name":"Ada","id":"c1",\#
            "remote_data":{"candidate":{"email":"a@b.example"}},"remote_deleted_at":"2026-02-01T00:00:00.000Z",\#
            "remote_id":"77","job_id":"j1","confidential":false}
            """#

        let tombstone = try JSONValue.parse(Array(try PersonalDataRepository.tombstone(of: document).utf8))

        #expect(
            tombstone
                == .object([
                    "applications": .array([]), "changed_at": .string("2026-01-01T00:00:00.000Z"),
                    "custom_fields": .null,
                    "email_addresses": .array([]), "first_name": .null, "id": .string("c1"), "remote_data": .null,
                    "remote_deleted_at": .string("2026-02-01T00:00:00.000Z"), "remote_id": .string("77"),
                    "job_id": .string("j1"), "confidential": .null,
                ]))
    }

    @Test("a longer log period keeps old entries while new ones are written", arguments: Backend.allCases)
    func longerLogPeriod(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let store = seeded.store
        let integration = seeded.integration.id.description
        let now = Date()
        func entry(age days: Double) -> ActivityEntry {
            ActivityEntry(
                integrationID: integration, kind: "write", method: "POST", path: "/v1/ats/candidates", status: 200,
                durationMilliseconds: 5, error: nil, createdAt: now.addingTimeInterval(-days * Self.day))
        }
        try await store.requestLog.logActivity(entry(age: 45))

        // A new entry, then a pass with a 60-day period: the 45-day-old entry stays.
        try await store.requestLog.logActivity(entry(age: 0))
        var sixtyDays = RetentionPolicy()
        sixtyDays.logs = 60 * Self.day
        let kept = try await store.personalData.applyRetention(sixtyDays, now: now)

        #expect(kept.logEntries == 0)
        #expect(try await Self.count("activity_log", store) == 2)
        // The default 30 days removes it.
        #expect(try await store.personalData.applyRetention(RetentionPolicy(), now: now).logEntries == 1)
        #expect(try await Self.count("activity_log", store) == 1)
    }
}
