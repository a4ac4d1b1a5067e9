import Foundation
import HTTPTypes
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore

/// Records every write (`POST`/`PUT` under `/v1/ats/`) and passthrough call of an integration:
/// method, path, status, duration and, for a refusal, the error's message. Bodies are never
/// logged: they hold candidates' personal data. The entry is queued, and written after the
/// answer has gone out (`ActivityRecorder`).
struct ActivityLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let recorder: ActivityRecorder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        let kind: String? =
            path.hasPrefix("/v1/passthrough/")
            ? "passthrough" : (path.hasPrefix("/v1/ats/") && request.method != .get ? "write" : nil)
        guard let kind, let integrationID = request.headers[.integrationID], let workspaceID = context.workspaceID
        else { return try await next(request, context) }
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(kind, request, integrationID, workspaceID, response.status.code, nil, started)
            return response
        } catch {
            let apiError = error as? APIError
            record(
                kind, request, integrationID, workspaceID, apiError?.status ?? 500,
                apiError.map { "\($0.code.rawValue): \($0.message)" } ?? "internal error", started)
            throw error
        }
    }

    private func record(
        _ kind: String, _ request: Request, _ integrationID: String, _ workspaceID: String, _ status: Int,
        _ error: String?, _ started: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - started
        let entry = ActivityEntry(
            integrationID: integrationID, kind: kind, method: request.method.rawValue,
            path: ErrorMiddleware.loggedPath(request.uri.path),
            status: status,
            durationMilliseconds: Int(elapsed.inMilliseconds), error: error)
        // Only an integration of the caller's workspace gets an entry (the header is the
        // caller's word until checked): checked in the insert.
        recorder.record(entry, workspaceID: workspaceID)
    }
}
