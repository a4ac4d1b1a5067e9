import Hummingbird
import JunctionModel
import NIOCore

/// Refuses request bodies over the configured size before any handler runs, with a 413 in the
/// unified envelope, and without reading more than the limit.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            throw NIOTooManyBytesError(maxBytes: maxBytes)
        }
        var request = request
        _ = try await request.collectBody(upTo: maxBytes)
        return try await next(request, context)
    }
}
