import Foundation
import HTTPTypes
import Hummingbird
import JunctionModel
import JunctionStore

/// `Authorization: Bearer <key>` on every `/v1` route; a missing or wrong key is a 401
/// `PLATFORM.AUTHENTICATION_INVALID` that says which of the two it was. Wrong keys are counted
/// per client address and per key prefix: past the limit, further attempts from that address or
/// with that prefix answer 429 with `Retry-After` before any key is checked, so guessing costs
/// time whoever guesses. A valid key never counts.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let verifier: AccessRepository
    let failures: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw APIError(
                .authenticationInvalid, "Missing API key: send it as the header 'Authorization: Bearer <API key>'.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            case let key = parts[1].trimmingCharacters(in: .whitespaces), !key.isEmpty
        else {
            throw APIError(.authenticationInvalid, "The Authorization header must have the form 'Bearer <API key>'.")
        }
        let buckets = ["address:" + context.clientAddress, "prefix:" + String(key.prefix(8))]
        if let wait = buckets.compactMap(failures.retryAfter).max() {
            var error = APIError(
                .rateLimitExceeded,
                "Too many requests with a wrong API key from this address or with this key's prefix; try again in \(wait) seconds."
            )
            error.retryAfterSeconds = wait
            throw error
        }
        // The integration the request names comes in the same statement as the key.
        let named = request.headers[.integrationID].flatMap { $0.isEmpty ? nil : $0 }
        guard let authentication = try await verifier.authenticate(apiKey: key, integrationID: named) else {
            buckets.forEach(failures.record)
            throw APIError(.authenticationInvalid, "The API key is not valid: it is unknown or was revoked.")
        }
        var context = context
        context.workspaceID = authentication.workspaceID
        context.integration = authentication.integration
        return try await next(request, context)
    }
}
