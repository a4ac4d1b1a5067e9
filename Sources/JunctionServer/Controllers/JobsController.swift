import Hummingbird
import JunctionModel
import JunctionStore

/// Reads an integration's jobs from the store.
public protocol JobReader: Sendable {
    func jobs(integrationID: String, after: String?, limit: Int, includeDeleted: Bool) async throws -> KeysetPage<Job>
}

extension Store: JobReader {}

/// `GET /v1/ats/jobs`: the store's jobs in keyset pages.
struct JobsController {
    let gate: IntegrationGate
    let jobs: any JobReader
    let cursors: PageCursor

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("ats/jobs") { request, context in
            let integration = try await gate.readableIntegration(request, context: context)
            let query = try ListQuery(request)
            let integrationID = integration.id.description
            let fingerprint = PageCursor.fingerprint(
                model: "jobs", integrationID: integrationID, parameters: query.fingerprintParameters)
            let after = try query.cursor.map { cursor throws(APIError) in
                try cursors.decode(cursor, fingerprint: fingerprint)
            }
            let page = try await jobs.jobs(
                integrationID: integrationID, after: after, limit: query.pageSize, includeDeleted: query.includeDeleted)
            let next = page.nextAfter.map { cursors.encode(after: $0, fingerprint: fingerprint) }
            return SuccessEnvelope(ListPage(next: next, results: page.items))
        }
    }
}
