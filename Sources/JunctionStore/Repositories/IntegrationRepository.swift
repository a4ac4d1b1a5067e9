import Foundation
import JunctionModel
import SQLKit

/// Integrations and their sealed credentials, each read within its workspace.
public struct IntegrationRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var integrations: IntegrationRepository { IntegrationRepository(store: self) }
}

extension IntegrationRepository {
    /// Stores a new integration; `credentials` (the tool's secrets, as the connector serialises
    /// them) are sealed with the secret key, bound to the integration id.
    /// `events` (webhooks) are written in the same transaction.
    public func createIntegration(_ integration: Integration, credentials: Data, events: [WebhookEvent] = [])
        async throws
    {
        let id = integration.id.description
        let sealed = try secrets.seal(credentials, context: id)
        let settings = String(decoding: try Self.settingsEncoder.encode(integration.settings), as: UTF8.self)
        try await database.transaction { connection in
            try await connection.raw(
                """
                INSERT INTO integrations (id, workspace_id, tool, status, setup_status, end_user_organization_name,
                    end_user_email, end_user_origin_id, credentials, settings, created_at, updated_at)
                VALUES (\(bind: id), \(bind: integration.workspaceID), \(bind: integration.id.tool.rawValue),
                    \(bind: integration.status.rawValue), \(bind: integration.setupStatus.rawValue),
                    \(bind: integration.endUserOrganizationName), \(bind: integration.endUserEmail),
                    \(bind: integration.endUserOriginID), \(bind: sealed), \(bind: settings),
                    \(bind: Clock.milliseconds(integration.createdAt)), \(bind: Clock.milliseconds(integration.updatedAt)))
                """
            ).run()
            try await SyncScheduleRepository.place(
                integrationID: id, active: integration.status == .active, now: Date(), on: connection)
            try await WebhookRepository.enqueue(events, on: connection, now: Date())
        }
    }

    /// The integration `id` if it belongs to `workspaceID`; nil otherwise, so another workspace's
    /// integration is indistinguishable from one that does not exist.
    public func integration(id: String, workspaceID: String) async throws -> Integration? {
        try await loadedIntegration(id: id, workspaceID: workspaceID)?.integration
    }

    /// `integration(id:workspaceID:)` with its credentials, still sealed.
    public func loadedIntegration(id: String, workspaceID: String) async throws -> LoadedIntegration? {
        try await sql.raw(
            "SELECT * FROM integrations WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)"
        ).first().map(LoadedIntegration.init(row:))
    }

    /// The decrypted credentials of an integration read with them.
    public func credentials(of loaded: LoadedIntegration) throws -> Data {
        try secrets.open(loaded.sealedCredentials, context: loaded.integration.id.description)
    }

    /// The integrations the scheduler leased from the queue, by id. Not scoped to a workspace:
    /// scheduling serves every workspace, and the ids come from the queue, never from a client.
    public func scheduledIntegrations(ids: [String]) async throws -> [Integration] {
        guard !ids.isEmpty else { return [] }
        return try await sql.raw("SELECT * FROM integrations WHERE id IN (\(binds: ids))").all()
            .map(IntegrationRow.read)
    }

    public func integrations(workspaceID: String) async throws -> [Integration] {
        try await sql.raw(
            "SELECT * FROM integrations WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at, id"
        ).all().map(IntegrationRow.read)
    }

    /// The decrypted credentials of an integration of `workspaceID`.
    public func credentials(integrationID: String, workspaceID: String) async throws -> Data? {
        guard
            let row = try await sql.raw(
                "SELECT credentials FROM integrations WHERE id = \(bind: integrationID) AND workspace_id = \(bind: workspaceID)"
            ).first()
        else { return nil }
        return try secrets.open(try row.decode(column: "credentials", as: String.self), context: integrationID)
    }

    /// Replaces an integration's credentials (relink): same id, same data, new secrets.
    public func replaceCredentials(integrationID: String, workspaceID: String, credentials: Data) async throws {
        let sealed = try secrets.seal(credentials, context: integrationID)
        try await sql.raw(
            """
            UPDATE integrations SET credentials = \(bind: sealed), updated_at = \(bind: Clock.nowMilliseconds())
            WHERE id = \(bind: integrationID) AND workspace_id = \(bind: workspaceID)
            """
        ).run()
    }

    public func setSetupStatus(
        _ status: SetupStatus, integrationID: String, workspaceID: String, events: [WebhookEvent] = []
    ) async throws {
        try await setState(
            column: "setup_status", status.rawValue, integrationID: integrationID, workspaceID: workspaceID,
            events: events)
    }

    public func setStatus(
        _ status: IntegrationStatus, integrationID: String, workspaceID: String, events: [WebhookEvent] = []
    ) async throws {
        try await setState(
            column: "status", status.rawValue, integrationID: integrationID, workspaceID: workspaceID, events: events)
    }

    /// `PUT …/enabled`: ACTIVE (an INVALID integration stays INVALID: only new credentials fix
    /// it) or INACTIVE, decided from the status read under the row's lock, with `event` of the
    /// changed integration enqueued only when the status changed. Two requests at once thus
    /// leave the status and the last event in agreement. Nil for an unknown integration.
    public func setEnabled(
        _ enabled: Bool, integrationID: String, workspaceID: String,
        event: @escaping @Sendable (Integration) -> WebhookEvent
    ) async throws -> Integration? {
        try await database.transaction { connection in
            let lock: SQLQueryString = connection.dialect.name == "postgresql" ? "FOR UPDATE" : ""
            guard
                var integration = try await connection.raw(
                    """
                    SELECT * FROM integrations WHERE id = \(bind: integrationID) AND workspace_id = \(bind: workspaceID)
                    \(lock)
                    """
                ).first().map(IntegrationRow.read)
            else { return nil }
            let status: IntegrationStatus =
                enabled ? (integration.status == .invalid ? .invalid : .active) : .inactive
            guard status != integration.status else { return integration }
            integration.status = status
            try await connection.raw(
                """
                UPDATE integrations SET status = \(bind: status.rawValue), updated_at = \(bind: Clock.nowMilliseconds())
                WHERE id = \(bind: integrationID) AND workspace_id = \(bind: workspaceID)
                """
            ).run()
            try await SyncScheduleRepository.setActive(status == .active, integrationID: integrationID, on: connection)
            try await WebhookRepository.enqueue([event(integration)], on: connection, now: Date())
            return integration
        }
    }

    /// Sets `status` or `setup_status`, with the webhook events of the change.
    private func setState(
        column: String, _ value: String, integrationID: String, workspaceID: String, events: [WebhookEvent]
    ) async throws {
        try await database.transaction { connection in
            try await connection.raw(
                """
                UPDATE integrations SET \(unsafeRaw: column) = \(bind: value), updated_at = \(bind: Clock.nowMilliseconds())
                WHERE id = \(bind: integrationID) AND workspace_id = \(bind: workspaceID)
                """
            ).run()
            if column == "status" {
                try await SyncScheduleRepository.setActive(
                    value == IntegrationStatus.active.rawValue, integrationID: integrationID, on: connection)
            }
            try await WebhookRepository.enqueue(events, on: connection, now: Date())
        }
    }

    /// Replaces an integration's non-secret settings.
    public func setSettings(_ settings: [String: JSONValue], integrationID: String, workspaceID: String) async throws {
        let text = String(decoding: try Self.settingsEncoder.encode(settings), as: UTF8.self)
        try await sql.raw(
            """
            UPDATE integrations SET settings = \(bind: text), updated_at = \(bind: Clock.nowMilliseconds())
            WHERE id = \(bind: integrationID) AND workspace_id = \(bind: workspaceID)
            """
        ).run()
    }

    /// Deletes an integration of `workspaceID` with its credentials and everything synced for
    /// it (the tables' foreign keys cascade); false when there is no such integration.
    public func deleteIntegration(id: String, workspaceID: String, events: [WebhookEvent] = []) async throws -> Bool {
        try await database.transaction { connection in
            let found = try await connection.raw(
                "SELECT id FROM integrations WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)"
            ).first()
            guard found != nil else { return false }
            try await connection.raw(
                "DELETE FROM integrations WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)"
            ).run()
            try await WebhookRepository.enqueue(events, on: connection, now: Date())
            return true
        }
    }

    private static let settingsEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

}

/// An integration as read with its row's credentials, still sealed: they are opened only for
/// the requests that call the tool (`IntegrationRepository.credentials(of:)`). Reading them with
/// the integration saves those requests a statement, a round trip on PostgreSQL.
public struct LoadedIntegration: Sendable {
    public let integration: Integration
    let sealedCredentials: String
    /// False when the integration had no passthrough field enabled and its workspace no custom
    /// field as it was read, so its pages have no field projection to read (see
    /// `AccessRepository.authenticate`); true when it may have one, or was read without asking.
    public let mayProjectFields: Bool

    /// From a row holding every column of `integrations` (`SELECT *`, or `i.*` in a join), and
    /// `may_project_fields` when the statement asked.
    init(row: any SQLRow) throws {
        integration = try IntegrationRow.read(row)
        sealedCredentials = try row.decode(column: "credentials", as: String.self)
        mayProjectFields =
            row.contains(column: "may_project_fields")
            ? try row.decode(column: "may_project_fields", as: Int64.self) != 0 : true
    }
}

/// An `integrations` row but its sealed credentials (`LoadedIntegration` keeps them).
private struct IntegrationRow {
    static let table = "integrations"
    var id: String
    var workspaceID: String
    var status: IntegrationStatus
    var setupStatus: SetupStatus
    var endUserOrganizationName: String
    var endUserEmail: String?
    var endUserOriginID: String?
    var settings: String
    var createdAt: Int64
    var updatedAt: Int64

    /// The integration of `row`, decoded column by column: every API request reads its
    /// integration, and `StoredRow.decode` (`Decodable`, with each column's name worked out from
    /// its property's) was 3% of a page's CPU.
    static func read(_ row: any SQLRow) throws -> Integration {
        func text(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
        func optionalText(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
        func status<Status: RawRepresentable<String>>(_ column: String, as: Status.Type) throws -> Status {
            try Status.stored(try text(column), column: column, in: table)
        }
        let stored: IntegrationRow
        do {
            stored = IntegrationRow(
                id: try text("id"), workspaceID: try text("workspace_id"),
                status: try status("status", as: IntegrationStatus.self),
                setupStatus: try status("setup_status", as: SetupStatus.self),
                endUserOrganizationName: try text("end_user_organization_name"),
                endUserEmail: try optionalText("end_user_email"),
                endUserOriginID: try optionalText("end_user_origin_id"), settings: try text("settings"),
                createdAt: try row.decode(column: "created_at", as: Int64.self),
                updatedAt: try row.decode(column: "updated_at", as: Int64.self))
        } catch let error as DecodingError {
            throw StoreError.corruptRow(table: table, detail: String(describing: error))
        }
        return try stored.value()
    }

    func value() throws -> Integration {
        guard let integrationID = IntegrationID(id) else {
            throw StoreError.corruptRow(table: Self.table, detail: "id '\(id)' is not an integration id")
        }
        return Integration(
            id: integrationID, workspaceID: workspaceID, status: status, setupStatus: setupStatus,
            endUserOrganizationName: endUserOrganizationName, endUserEmail: endUserEmail,
            endUserOriginID: endUserOriginID, settings: try settingsObject(),
            createdAt: Date(unixMilliseconds: createdAt), updatedAt: Date(unixMilliseconds: updatedAt))
    }

    /// The settings column, parsed directly: every API request looks its integration up, and
    /// `JSONDecoder` into `JSONValue` (one thrown miss per value) was 3% of a page's CPU.
    private func settingsObject() throws -> [String: JSONValue] {
        guard case .object(let members) = try? JSONValue.parse(Array(settings.utf8)) else {
            throw StoreError.corruptRow(table: Self.table, detail: "settings is not a JSON object")
        }
        return members
    }
}
