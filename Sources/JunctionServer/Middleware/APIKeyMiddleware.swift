import Foundation
import HTTPTypes
import Hummingbird
import JunctionModel

/// Answers which workspace an API key belongs to.
public protocol APIKeyVerifier: Sendable {
    /// The workspace id for an active key; nil for an unknown or revoked one.
    func authenticate(apiKey: String) async throws -> String?
}

/// `Authorization: Bearer <key>` on every `/v1` route; a missing or wrong key is a 401
/// `PLATFORM.AUTHENTICATION_INVALID` that says which of the two it was.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let verifier: any APIKeyVerifier

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
        guard let workspaceID = try await verifier.authenticate(apiKey: key) else {
            throw APIError(.authenticationInvalid, "The API key is not valid: it is unknown or was revoked.")
        }
        var context = context
        context.workspaceID = workspaceID
        return try await next(request, context)
    }
}
