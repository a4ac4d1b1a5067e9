import Foundation
import HTTPTypes
import Hummingbird
import JunctionModel
import JunctionStore
import Synchronization

/// `Authorization: Bearer <key>` on every `/v1` route; a missing or wrong key is a 401
/// `PLATFORM.AUTHENTICATION_INVALID` that says which of the two it was. Wrong keys are counted
/// per client address and per key prefix: past the limit, further attempts from that address or
/// with that prefix answer 429 with `Retry-After` before any key is checked, so guessing costs
/// time whoever guesses. A valid key never counts.
///
/// A page of a list route (`ATSReadController.pagePaths`, with `X-Integration-Id`) checks the
/// key in its own statement instead, which saves it a statement: the middleware hands the key
/// on unchecked (`PresentedAPIKey`) and checks it itself before anything goes out that the
/// handler answered without a check.
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
        let presented = PresentedAPIKey(
            key: key, integrationID: named, verifier: verifier, refuse: { buckets.forEach(failures.record) })
        var context = context
        if named != nil, ATSReadController.checksKeyInPage(request) {
            // The page's statement checks the key (`PresentedAPIKey`). Whatever the handler
            // does, no answer leaves without the key checked: one it did not check is checked
            // here, before its answer or its error goes out, and a wrong key answers 401.
            context.presentedKey = presented
            let response: Response
            do {
                response = try await next(request, context)
            } catch {
                if presented.isPending { _ = try await presented.check() }
                throw error
            }
            if presented.isPending { _ = try await presented.check() }
            return response
        }
        let authentication = try await presented.check()
        context.workspaceID = authentication.workspaceID
        context.integration = authentication.integration
        return try await next(request, context)
    }
}

/// The API key a request presented, until it is checked: by `APIKeyMiddleware` before the
/// handler runs, or, on a list route, by the page's own statement
/// (`RecordRepository.authenticatedPage`), which saves each page a statement. Either way a
/// wrong key is counted and answers the same 401.
final class PresentedAPIKey: Sendable {
    let key: String
    let integrationID: String?
    private let verifier: AccessRepository
    private let refuse: @Sendable () -> Void
    private let state = Mutex(State.pending)

    private enum State { case pending, accepted, refused }

    init(key: String, integrationID: String?, verifier: AccessRepository, refuse: @escaping @Sendable () -> Void) {
        self.key = key
        self.integrationID = integrationID
        self.verifier = verifier
        self.refuse = refuse
    }

    /// Whether no check has decided on the key yet.
    var isPending: Bool { state.withLock { $0 == .pending } }

    /// Checks the key with its own statement, with the integration the request names.
    func check() async throws -> Authentication {
        guard let authentication = try await verifier.authenticate(apiKey: key, integrationID: integrationID) else {
            throw refused()
        }
        state.withLock { $0 = .accepted }
        return authentication
    }

    /// What a page's statement found: the key's workspace, or nil for a wrong key.
    func settle(_ authentication: PageAuthentication?) throws -> PageAuthentication {
        guard let authentication else { throw refused() }
        state.withLock { $0 = .accepted }
        return authentication
    }

    private func refused() -> APIError {
        state.withLock { $0 = .refused }
        refuse()
        return APIError(.authenticationInvalid, "The API key is not valid: it is unknown or was revoked.")
    }
}
