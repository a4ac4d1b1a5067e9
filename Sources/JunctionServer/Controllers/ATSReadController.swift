import Hummingbird
import JunctionModel
import JunctionStore

/// Reads records from the store for the list endpoints: one query per page, one per nested
/// relation.
public protocol RecordReader: Sendable {
    func list<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, filter: RecordFilter, after: String?, limit: Int
    ) async throws -> KeysetPage<Record>
    func records<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, where column: String, in values: [String], includeDeleted: Bool
    ) async throws -> [Record]
    func jobSummaries(integrationID: String, ids: [String]) async throws -> [NestedJob]
    func fieldProjection(model: String, integrationID: String, workspaceID: String) async throws -> FieldProjection
}

extension Store: RecordReader {}

/// `GET /v1/ats/<model>`: the unified read API over the store (`../shared/reference/unified-api.md` §3).
struct ATSReadController {
    let gate: IntegrationGate
    let reader: any RecordReader
    let cursors: PageCursor

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        list(Job.self, "jobs", filters: Self.jobFilters, to: group)
        let composer = NestedComposer(reader: reader)
        list(Candidate.self, "candidates", filters: Self.candidateFilters, to: group) { candidates, integrationID in
            try await composer.candidates(candidates, integrationID: integrationID)
        }
        list(JunctionModel.Application.self, "applications", filters: Self.applicationFilters, to: group) {
            applications, integrationID in
            try await composer.applications(applications, integrationID: integrationID)
        }
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

    /// One list endpoint: parse and check the query, read a keyset page, compose nested data.
    private func list<Record: SyncedRecord & Encodable>(
        _ type: Record.Type, _ path: String, filters: [String: FilterParameter],
        to group: RouterGroup<AppRequestContext>,
        compose: (@Sendable ([Record], String) async throws -> [Record])? = nil
    ) {
        group.get(RouterPath("ats/\(path)")) { request, context in
            let integration = try await gate.readableIntegration(request, context: context)
            let query = try ListQuery(request, filters: filters)
            let integrationID = integration.id.description
            let fingerprint = PageCursor.fingerprint(
                model: path, integrationID: integrationID, parameters: query.fingerprintParameters)
            let after = try query.cursor.map { cursor throws(APIError) in
                try cursors.decode(cursor, fingerprint: fingerprint)
            }
            let page = try await reader.list(
                Record.self, integrationID: integrationID, filter: query.filter, after: after, limit: query.pageSize)
            var items = try await compose?(page.items, integrationID) ?? page.items
            if let carrying = Record.self as? any FieldCarrying.Type {
                let projection = try await reader.fieldProjection(
                    model: carrying.fieldModel, integrationID: integrationID, workspaceID: integration.workspaceID)
                if !projection.isEmpty { items = items.map { FieldCarryingProjection.apply(projection, to: $0) } }
            }
            let next = page.nextAfter.map { cursors.encode(after: $0, fingerprint: fingerprint) }
            return SuccessEnvelope(ListPage(next: next, results: items))
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
        "name_contains": .contains(column: "name"),
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

    /// Models Personio's APIs do not provide, and why ([C] `../shared/reference/personio-api.md`).
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

/// Composes the nested objects of candidates and applications from the other tables.
struct NestedComposer: Sendable {
    let reader: any RecordReader

    /// A candidate's live `applications`, each with its `current_stage` and `job`.
    func candidates(_ candidates: [Candidate], integrationID: String) async throws -> [Candidate] {
        let applications = try await reader.records(
            JunctionModel.Application.self, integrationID: integrationID, where: "candidate_id",
            in: candidates.map(\.id),
            includeDeleted: false)
        let context = try await NestedContext.load(applications, integrationID: integrationID, reader: reader)
        let byCandidate = Dictionary(grouping: applications) { $0.candidateID ?? "" }
        return candidates.map { candidate in
            var candidate = candidate
            candidate.applications = (byCandidate[candidate.id] ?? []).map { application in
                NestedApplication(
                    application, currentStage: context.stage(of: application, full: false),
                    job: context.job(of: application))
            }
            return candidate
        }
    }

    /// An application's `candidate`, `current_stage` and `job`.
    func applications(_ applications: [JunctionModel.Application], integrationID: String) async throws
        -> [JunctionModel.Application]
    {
        let candidates = try await reader.records(
            Candidate.self, integrationID: integrationID, where: "id", in: applications.compactMap(\.candidateID),
            includeDeleted: true)
        let byID = Dictionary(candidates.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let context = try await NestedContext.load(applications, integrationID: integrationID, reader: reader)
        return applications.map { application in
            var application = application
            application.candidate = application.candidateID.flatMap { byID[$0] }.map(NestedCandidate.init)
            application.currentStage = context.stage(of: application, full: true)
            application.job = context.job(of: application)
            return application
        }
    }
}

/// The jobs, stages and pipeline positions a page of applications points to, read with one
/// query each.
struct NestedContext {
    var jobs: [String: NestedJob] = [:]
    var stages: [String: ApplicationStage] = [:]
    /// `[job id: [stage id: index]]`.
    var indexes: [String: [String: Int]] = [:]

    static func load(_ applications: [JunctionModel.Application], integrationID: String, reader: any RecordReader)
        async throws
        -> NestedContext
    {
        let jobIDs = applications.compactMap(\.jobID)
        var context = NestedContext()
        for job in try await reader.jobSummaries(integrationID: integrationID, ids: jobIDs) {
            context.jobs[job.id] = job
        }
        for stage in try await reader.records(
            ApplicationStage.self, integrationID: integrationID, where: "id",
            in: applications.compactMap(\.currentStageID),
            includeDeleted: true)
        {
            context.stages[stage.id] = stage
        }
        for link in try await reader.records(
            JobStageLink.self, integrationID: integrationID, where: "job_id", in: jobIDs, includeDeleted: false)
        {
            context.indexes[link.jobID, default: [:]][link.stageID] = link.index
        }
        return context
    }

    func job(of application: JunctionModel.Application) -> NestedJob? {
        application.jobID.flatMap { jobs[$0] }
    }

    func stage(of application: JunctionModel.Application, full: Bool) -> NestedStage? {
        guard let stageID = application.currentStageID, let stage = stages[stageID] else { return nil }
        let index = application.jobID.flatMap { indexes[$0]?[stageID] }
        return NestedStage(stage, index: index, full: full)
    }
}
