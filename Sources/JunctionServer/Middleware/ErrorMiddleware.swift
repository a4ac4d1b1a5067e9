import Foundation
import HTTPTypes
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore
import Logging
import NIOCore

/// Turns every error into the unified error envelope, so no client ever sees a bare framework
/// error or a stack trace.
///
/// Errors a client caused (`APIError`, framework 4xx) are answered as they are; anything else is
/// a bug: logged in full and answered `PLATFORM.UNKNOWN_ERROR` with the request's log id.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let maxBodyBytes: Int
    /// Keeps refused requests of a known workspace, which `log_url` then opens in the dashboard.
    let log: (RequestLogRepository)?
    let publicURL: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = translate(error, request: request, context: context)
            let family = ErrorCode.Family.of(path: request.uri.path)
            let logURL = await record(apiError, request: request, context: context)
            let envelope = ErrorEnvelope(apiError, family: family, logURL: logURL)
            let data = try UnifiedJSON.makeEncoder().encode(envelope)
            var response = Response.json(data, status: HTTPResponse.Status(code: apiError.status))
            if let seconds = apiError.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        }
    }

    /// Stores the refusal for the dashboard and returns its address; nil when the caller's
    /// workspace is unknown (no valid key), since only a workspace may read its entries.
    private func record(_ error: APIError, request: Request, context: Context) async -> String? {
        guard let log, let workspaceID = context.info.workspaceID, let id = context.info.requestID else { return nil }
        let entry = RequestLogEntry(
            id: id, workspaceID: workspaceID, integrationID: request.headers[.integrationID],
            method: request.method.rawValue, path: Self.loggedPath(request.uri.path), status: error.status,
            errorCode: error.code.rawValue, errorMessage: error.message)
        do {
            try await log.logRequest(entry)
        } catch {
            context.logger.warning("could not keep the request log entry", metadata: ["error": "\(error)"])
            return nil
        }
        return "\(publicURL)/dashboard/logs/\(id)"
    }

    /// A path as logs keep it: tokens that are a credential of their own (activation tokens) are
    /// replaced, so the request log never holds one.
    static func loggedPath(_ path: String) -> String {
        let prefix = "/v1/connect/integration-by-token/"
        return path.hasPrefix(prefix) ? prefix + "[token]" : path
    }

    private func translate(_ error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError where error.status == .notFound:
            return .routeNotFound(method: request.method.rawValue, path: request.uri.path)
        case is NIOTooManyBytesError:
            return APIError(
                .inputInvalid, "The request body is larger than the limit of \(maxBodyBytes) bytes.", status: 413)
        case let error as HTTPError where (400..<500).contains(error.status.code):
            return APIError(.inputInvalid, error.body ?? error.status.reasonPhrase, status: error.status.code)
        case let error as DecodingError:
            return .invalidInput(UnifiedRequestDecoder.describe(error))
        default:
            // Our own id rather than the framework's request id, which not every transport sets.
            let logID = Identifier.random()
            context.logger.error(
                "unhandled error",
                metadata: [
                    "log_id": "\(logID)", "error": "\(String(reflecting: error))",
                    "path": "\(Self.loggedPath(request.uri.path))",
                ])
            return APIError(
                .unknownError, "Something went wrong on our side. The server log has the details under log id \(logID)."
            )
        }
    }
}
