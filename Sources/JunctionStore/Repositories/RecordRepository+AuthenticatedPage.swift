import Foundation
import JunctionModel
import SQLKit

/// What a page's statement read of the API key it was asked with
/// (`RecordRepository.authenticatedPage`): the key's workspace, and the integration the request
/// names when it is that workspace's.
public struct PageAuthentication: Sendable, Equatable {
    public var workspaceID: String
    public var integration: IntegrationAccess?
}

/// What the checks of a read need of an integration: its state, and whether its pages may have a
/// field projection (`LoadedIntegration.mayProjectFields`).
public struct IntegrationAccess: Sendable, Equatable {
    public var status: IntegrationStatus
    public var setupStatus: SetupStatus
    public var mayProjectFields: Bool
}

extension RecordRepository {
    /// `listDocuments`, with the API key's check: on PostgreSQL in the same statement, so a list
    /// request's two statements (the key's, then the page's) become one, a round trip less.
    ///
    /// The key is looked up by its hash, as `AccessRepository.authenticate` does. The answer's
    /// authentication is nil for an unknown or revoked key, and its integration nil when
    /// `integrationID` is not the key's workspace's; the page is then empty, its statement never
    /// having read a record. Otherwise the page is read whatever the integration's state: the
    /// caller checks that state, as it checks any other request's, before it answers.
    public func authenticatedPage<Record: SyncedRecord>(
        _ type: Record.Type, apiKey: String, integrationID: String, filter: RecordFilter, after: String?,
        limit: Int, columns: [String] = []
    ) async throws -> (authentication: PageAuthentication?, page: KeysetPage<StoredDocument>) {
        // SQLite's statements cost no round trip, and in one statement it copied the page's rows
        // before the join (a quarter more CPU per page): there the key's statement runs first.
        guard reads.dialect.name == "postgresql" else {
            guard
                let found = try await store.access.authenticate(
                    apiKey: apiKey, integrationID: integrationID)
            else { return (nil, KeysetPage(items: [], nextAfter: nil)) }
            let authentication = PageAuthentication(
                workspaceID: found.workspaceID,
                integration: found.integration.map {
                    IntegrationAccess(
                        status: $0.integration.status, setupStatus: $0.integration.setupStatus,
                        mayProjectFields: $0.mayProjectFields)
                })
            guard authentication.integration != nil else {
                return (authentication, KeysetPage(items: [], nextAfter: nil))
            }
            let page = try await listDocuments(
                Record.self, integrationID: integrationID, filter: filter, after: after, limit: limit, columns: columns)
            return (authentication, page)
        }
        let page = pageStatement(
            Record.self, integrationID: integrationID, filter: filter, after: after, limit: limit, columns: columns)
        func bind(_ offset: Int) -> String {
            var serializer = SQLSerializer(database: reads)
            reads.dialect.bindPlaceholder(at: page.binds.count + offset).serialize(to: &serializer)
            return serializer.sql
        }
        // The key's row is read once, ahead of the page (its `LIMIT` keeps PostgreSQL from folding
        // it into the join, where its field checks ran once per record), and the page joins it
        // only when the key is valid and the integration its workspace's. A left join keeps the
        // key's row when the page is empty. With one row on its left, the join hands the page's
        // rows on in the page's own order, which the page's `ORDER BY` sets.
        let sql = """
            WITH auth AS (
                SELECT k.workspace_id AS auth_workspace_id, k.revoked_at AS auth_revoked_at,
                    i.status AS auth_status, i.setup_status AS auth_setup_status,
                    CAST(CASE WHEN \(FieldRepository.mayProject(integration: "i.id", workspace: "k.workspace_id"))
                        THEN 1 ELSE 0 END AS BIGINT) AS auth_may_project
                FROM api_keys k
                LEFT JOIN integrations i ON i.id = \(bind(1)) AND i.workspace_id = k.workspace_id
                WHERE k.key_hash = \(bind(2))
                LIMIT 1
            )
            SELECT auth.*, page.* FROM auth
            LEFT JOIN (\(page.sql)) page ON auth.auth_revoked_at IS NULL AND auth.auth_status IS NOT NULL
            """
        let statement = SerializedStatement(
            sql: sql, binds: page.binds + [integrationID, AccessRepository.hashAPIKey(apiKey)])
        let rows = try await reads.raw("\(statement)").all()
        guard let first = rows.first, try first.decode(column: "auth_revoked_at", as: Int64?.self) == nil else {
            return (nil, KeysetPage(items: [], nextAfter: nil))
        }
        var authentication = PageAuthentication(
            workspaceID: try first.decode(column: "auth_workspace_id", as: String.self), integration: nil)
        // Read as text: PostgresKit's own path for an enum (a `Decodable` beside the types the
        // store's rows decode directly, `PostgresColumns`) cost about 1% of a page's CPU.
        if let status = try first.decode(column: "auth_status", as: String?.self) {
            authentication.integration = IntegrationAccess(
                status: try .stored(status, column: "status", in: "integrations"),
                setupStatus: try .stored(
                    try first.decode(column: "auth_setup_status", as: String.self), column: "setup_status",
                    in: "integrations"),
                mayProjectFields: try first.decode(column: "auth_may_project", as: Int64.self) != 0)
        }
        // An empty page is the key's row alone, its page columns null.
        guard try !first.decodeNil(column: "id") else { return (authentication, KeysetPage(items: [], nextAfter: nil)) }
        return (
            authentication,
            try Self.pageDocuments(rows, Record.self, limit: limit, columns: columns)
        )
    }

}
