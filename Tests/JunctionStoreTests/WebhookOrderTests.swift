import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Testing

/// What the outbox says agrees with what happened (issue 20): nothing about an integration after
/// its `integration-deleted`, and the last state event matches the state.
@Suite("Webhook events agree with the store", .freshDatabases)
struct WebhookOrderTests {
    /// The outbox's events of one integration, oldest first: type and payload.
    static func events(_ store: Store, integrationID: String) async throws -> [(type: String, data: [String: Any])] {
        try await store.database.sql.raw(
            "SELECT type, payload FROM webhook_events WHERE integration_id = \(bind: integrationID) ORDER BY seq"
        ).all().map { row in
            let payload = try row.decode(column: "payload", as: String.self)
            let object = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]
            return (try row.decode(column: "type", as: String.self), object?["data"] as? [String: Any] ?? [:])
        }
    }

    @Test(
        "a run that ends after its integration was deleted announces nothing after integration-deleted",
        arguments: Backend.allCases)
    func nothingAfterDeletion(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let store = seeded.store
        let id = seeded.integration.id.description
        var run = try await store.syncRuns.startSyncRun(integrationID: id, kind: .full)
        run.stats.added = ["jobs": 3]
        run.status = .succeeded

        _ = try await store.integrations.deleteIntegration(
            id: id, workspaceID: seeded.workspace.id, events: [WebhookPayloads.integrationDeleted(seeded.integration)])
        try await store.syncRuns.finishSyncRun(
            run, events: WebhookPayloads.finishedRun(run, integration: seeded.integration, logBaseURL: ""))

        #expect(try await Self.events(store, integrationID: id).map(\.type) == ["integration-deleted"])
    }

    @Test(
        "two enable/disable requests at once leave the status and the last state event in agreement",
        arguments: Backend.allCases)
    func concurrentEnabled(backend: Backend) async throws {
        let seeded = try await SeededStore.make(try await FreshDatabases.open(backend))
        let store = seeded.store
        let id = seeded.integration.id.description
        for round in 0..<12 {
            async let first = store.integrations.setEnabled(
                round % 2 == 0, integrationID: id, workspaceID: seeded.workspace.id
            ) {
                WebhookPayloads.stateChanged($0)
            }
            async let second = store.integrations.setEnabled(
                round % 2 != 0, integrationID: id, workspaceID: seeded.workspace.id
            ) {
                WebhookPayloads.stateChanged($0)
            }
            _ = try await (first, second)

            let status = try await store.integrations.integration(id: id, workspaceID: seeded.workspace.id)?.status
            let states = try await Self.events(store, integrationID: id).filter {
                $0.type == "integration-state-changed"
            }
            #expect(states.last?.data["state"] as? String == status?.rawValue, "round \(round)")
            // Each event is a change: no two in a row say the same.
            let said = states.compactMap { $0.data["state"] as? String }
            #expect(zip(said, said.dropFirst()).allSatisfy { $0 != $1 }, "round \(round): \(said)")
        }
    }
}
