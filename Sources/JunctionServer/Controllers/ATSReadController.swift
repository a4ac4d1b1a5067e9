import HTTPTypes
import Hummingbird
import JunctionModel
import JunctionStore

/// `GET /v1/ats/<model>`: the unified read API over the store (`docs/unified-api.md`, "Reads").
struct ATSReadController {
    let gate: IntegrationGate
    let reader: RecordRepository
    let fields: FieldRepository
    let cursors: PageCursor

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let composer = NestedComposer(reader: reader)
        list(Job.self, "jobs", filters: Self.jobFilters, to: group)
        // The kept composed columns are written from the documents, as they lie.
        list(
            Candidate.self, "candidates", filters: Self.candidateFilters, to: group, kept: .candidates,
            compose: { try await composer.candidates($0, integrationID: $1, leavingKept: true) })
        list(
            JunctionModel.Application.self, "applications", filters: Self.applicationFilters,
            columns: NestedComposer.applicationColumns, to: group, kept: .applications,
            compose: { try await composer.applications($0, integrationID: $1, leavingKept: true) })
        list(ApplicationStage.self, "application-stages", filters: [:], to: group)
        list(User.self, "users", filters: ["emails": .list(column: "email", lowercase: true)], to: group)
        list(Tag.self, "tags", filters: [:], to: group)
        for (path, reason) in Self.unavailable {
            group.get(RouterPath("ats/\(path)")) { request, context -> Response in
                _ = try await gate.readableIntegration(request, context: context)
                throw APIError(.modelNotAvailable, reason)
            }
        }
    }

    /// One list endpoint: parse and check the query, read a keyset page of stored documents,
    /// and write the response from them, with nested data and field projections over them.
    private func list<Record: SyncedRecord>(
        _ type: Record.Type, _ path: String, filters: [String: FilterParameter], columns: [String] = [],
        to group: RouterGroup<AppRequestContext>, kept: KeptMembers? = nil,
        compose: (@Sendable ([StoredDocument], String) async throws -> NestedComposer.Overrides)? = nil
    ) {
        assert(Self.pagePaths.contains("/v1/ats/\(path)"), "a list route the key middleware does not know")
        group.get(RouterPath("ats/\(path)")) { request, context in
            var context = context
            let integrationID: String
            let listing = ListRequest(request, model: path, filters: filters, cursors: cursors)
            let parsed: ListRequest.Parsed
            let page: KeysetPage<StoredDocument>
            let access: (workspaceID: String, mayProjectFields: Bool)
            if let presented = context.presentedKey, let named = presented.integrationID {
                // The key is checked in the page's statement (`APIKeyMiddleware`).
                integrationID = named
                do {
                    parsed = try listing.parse(integrationID: named)
                } catch {
                    // The key and the integration are checked before the parameters, as on
                    // every route: a wrong key answers 401, a missing integration 404.
                    let authentication = try await presented.check()
                    context.workspaceID = authentication.workspaceID
                    context.integration = authentication.integration
                    _ = try await gate.readable(request, context: context)
                    throw error
                }
                let read = try await reader.authenticatedPage(
                    Record.self, apiKey: presented.key, integrationID: named, filter: parsed.query.filter,
                    after: parsed.after, limit: parsed.query.pageSize, columns: columns)
                let authentication = try presented.settle(read.authentication)
                context.workspaceID = authentication.workspaceID
                let integration = try IntegrationGate.checkReadable(authentication.integration, id: named)
                access = (authentication.workspaceID, integration.mayProjectFields)
                page = read.page
            } else {
                let loaded = try await gate.readable(request, context: context)
                integrationID = loaded.integration.id.description
                parsed = try listing.parse(integrationID: integrationID)
                page = try await reader.listDocuments(
                    Record.self, integrationID: integrationID, filter: parsed.query.filter, after: parsed.after,
                    limit: parsed.query.pageSize, columns: columns)
                access = (loaded.integration.workspaceID, loaded.mayProjectFields)
            }
            let overrides = try await compose?(page.items, integrationID) ?? [:]
            var projection: FieldProjection?
            if access.mayProjectFields, let model = FieldCarryingProjection.fieldModel(of: Record.self) {
                let found = try await fields.fieldProjection(
                    model: model, integrationID: integrationID, workspaceID: access.workspaceID)
                if !found.isEmpty { projection = found }
            }
            let next = page.nextAfter.map { cursors.encode(after: $0, fingerprint: parsed.fingerprint) }
            var response = Response.json(
                try ListResponseWriter.write(
                    page.items, leading: Record.leadingKeys, next: next, overrides: overrides, kept: kept,
                    projection: projection))
            for warning in parsed.query.warningHeaders {
                response.headers.append(HTTPField(name: .warning, value: warning))
            }
            return response
        }
    }

    /// The list routes' paths, whose API key `APIKeyMiddleware` leaves to the page's statement.
    static let pagePaths: Set<String> = Set(
        ["jobs", "candidates", "applications", "application-stages", "users", "tags"].map { "/v1/ats/" + $0 })

    /// Whether `request` is a page read whose key its page's statement checks.
    static func checksKeyInPage(_ request: Request) -> Bool {
        request.method == .get && pagePaths.contains(request.uri.path)
    }

    /// A list request's query and cursor, read once its integration is known (a cursor belongs
    /// to one integration's listing).
    private struct ListRequest {
        let request: Request
        let model: String
        let filters: [String: FilterParameter]
        let cursors: PageCursor

        init(_ request: Request, model: String, filters: [String: FilterParameter], cursors: PageCursor) {
            self.request = request
            self.model = model
            self.filters = filters
            self.cursors = cursors
        }

        struct Parsed {
            var query: ListQuery
            var fingerprint: String
            var after: String?
        }

        func parse(integrationID: String) throws -> Parsed {
            let query = try ListQuery(request, filters: filters)
            let fingerprint = PageCursor.fingerprint(
                model: model, integrationID: integrationID, parameters: query.fingerprintParameters)
            let after = try query.cursor.map { cursor throws(APIError) in
                try cursors.decode(cursor, fingerprint: fingerprint)
            }
            return Parsed(query: query, fingerprint: fingerprint, after: after)
        }
    }

    // MARK: - Filters (reference §3; Personio has no job codes)

    static let jobFilters: [String: FilterParameter] = [
        "job_codes": FilterParameter.list(column: "job_code").unsupported(),
        "post_url": .exact(column: "post_url"),
        "statuses": .list(column: "status", allowed: JobStatus.allCases.map(\.rawValue)),
        "employment_types": .list(column: "employment_type", allowed: EmploymentType.allCases.map(\.rawValue)),
        "visibilities": .list(column: "visibility", allowed: JobVisibility.allCases.map(\.rawValue)),
        "remote_created_after": .createdOnOrAfterDay(column: "remote_created_at"),
        "name_contains": .contains(column: "name_folded"),
    ]

    static let candidateFilters: [String: FilterParameter] = [
        "email": .exact(column: "email", lowercase: true),
        "job_ids": .related(column: "id", table: "applications", selectColumn: "candidate_id", whereColumn: "job_id"),
        "first_name": .exact(column: "first_name", lowercase: true),
        "last_name": .exact(column: "last_name", lowercase: true),
    ]

    static let applicationFilters: [String: FilterParameter] = [
        "outcomes": .list(column: "outcome", allowed: ["PENDING", "HIRED", "DECLINED"]),
        "job_ids": .list(column: "job_id"),
        "job_remote_ids": .related(column: "job_id", table: "jobs", selectColumn: "id", whereColumn: "remote_id"),
        "current_stage_ids": .list(column: "current_stage_id"),
        "remote_created_after": .createdOnOrAfterDay(column: "remote_created_at"),
    ]

    /// Models Personio's APIs do not provide, and why ([C] `docs/personio-mapping.md`).
    static let unavailable: [(path: String, reason: String)] = [
        ("offers", "Personio's APIs do not expose offers."),
        ("interviews", "Personio's APIs do not expose interviews or their schedules."),
        ("notes", "Personio's APIs do not expose notes on candidates or applications."),
        ("scorecards", "Personio's APIs do not expose scorecards or interview feedback."),
        (
            "rejection-reasons",
            "Personio's APIs do not expose rejection reasons; a rejection is only the 'rejected' stage."
        ),
        ("roles", "Personio's APIs do not expose a role list; hiring-team roles appear on jobs' hiring_team."),
        ("attachments", "Personio's recruiting APIs can upload documents but cannot list or download them."),
        (
            "candidates/:id/attachments",
            "Personio's recruiting APIs can upload documents but cannot list or download them."
        ),
        (
            "applications/:id/attachments",
            "Personio's recruiting APIs can upload documents but cannot list or download them."
        ),
    ]

}
