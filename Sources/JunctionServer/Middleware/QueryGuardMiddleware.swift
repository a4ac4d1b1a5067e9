import Foundation
import Hummingbird
import JunctionModel

/// Refuses a query parameter holding U+0000 with a 400 naming it, before any handler runs: no
/// filter can match it (PostgreSQL cannot even take it as a value, and SQLite's `LIKE` would
/// stop reading the pattern there and match everything).
struct QueryGuardMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        for (name, value) in request.uri.queryParameters where name.utf8.contains(0) || value.utf8.contains(0) {
            let printable = String(name).replacingOccurrences(of: "\0", with: "\\u0000")
            throw APIError.invalidInput("Query parameter '\(printable)' must not contain the NUL character (U+0000).")
        }
        return try await next(request, context)
    }
}
