import Foundation
import HTTPTypes
import Hummingbird
import JunctionModel
import Logging
import NIOCore

/// Turns every error into the unified error envelope, so no client ever sees a bare framework
/// error or a stack trace.
///
/// Errors a client caused (`APIError`, framework 4xx) are answered as they are; anything else is
/// a bug: logged in full and answered `PLATFORM.UNKNOWN_ERROR` with the request's log id.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = translate(error, request: request, context: context)
            let family: ErrorCode.Family = request.uri.path.hasPrefix("/v1/ats/") ? .ats : .general
            let envelope = ErrorEnvelope(apiError, family: family, logURL: nil)
            let data = try UnifiedJSON.makeEncoder().encode(envelope)
            var response = Response.json(data, status: HTTPResponse.Status(code: apiError.status))
            if let seconds = apiError.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        }
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
                    "log_id": "\(logID)", "error": "\(String(reflecting: error))", "path": "\(request.uri.path)",
                ])
            return APIError(
                .unknownError, "Something went wrong on our side. The server log has the details under log id \(logID)."
            )
        }
    }
}
