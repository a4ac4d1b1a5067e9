import Foundation
import JunctionModel
import SQLKit

extension ApplicationStage: SyncedRecord {
    public static let table = "application_stages"
    public static let filterColumns = ["name"]
    public var filterValues: [any Encodable & Sendable] { [name] }
    public var storedRemoteID: String? { remoteID }

    /// A stage shows in its applications' kept `current_stage` (`Application.composedColumn`),
    /// and its id, remote id and name inside their candidates' kept `applications`.
    public static func propagateChanges(
        ids: [String], integrationID: String, now: Int64, on connection: any SQLDatabase
    ) async throws {
        try await Candidate.forgetNestedApplications(
            ofApplications: "a.current_stage_id IN (\(binds: ids))", integrationID: integrationID, on: connection)
        try await Application.forgetNestedObjects(
            where: "current_stage_id IN (\(binds: ids))", integrationID: integrationID, on: connection)
    }
}

extension RecordRepository {
    @discardableResult
    public func saveApplicationStages(
        _ stages: [ApplicationStage], integrationID: String, now: Date = Date(), runID: String? = nil
    ) async throws -> SaveOutcome {
        try await save(stages, integrationID: integrationID, now: now, runID: runID)
    }

    public func markApplicationStagesUnseen(byRun runID: String, integrationID: String, now: Date = Date()) async throws
        -> Int
    {
        try await markUnseen(ApplicationStage.self, byRun: runID, integrationID: integrationID, now: now)
    }

    public func applicationStages(
        integrationID: String, after: String? = nil, limit: Int, includeDeleted: Bool = false
    ) async throws -> KeysetPage<ApplicationStage> {
        try await page(
            ApplicationStage.self, integrationID: integrationID, after: after, limit: limit,
            includeDeleted: includeDeleted)
    }
}
