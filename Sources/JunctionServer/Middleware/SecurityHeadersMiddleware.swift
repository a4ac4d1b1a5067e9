import HTTPTypes
import Hummingbird

/// Headers every answer carries: API answers hold candidates' personal data, so no cache may
/// keep them (`Cache-Control: no-store` unless a route chose otherwise); no answer is sniffed
/// into another type; and behind an https public URL, browsers are told to use https only.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// Send `Strict-Transport-Security` (the public URL is https).
    let strictTransport: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        if response.headers[HTTPField.Name("X-Content-Type-Options")!] == nil {
            response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        }
        if strictTransport {
            response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=31536000"
        }
        return response
    }
}
