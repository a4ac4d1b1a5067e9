import Foundation
import HTTPTypes
import Hummingbird

/// `POST /v2/auth/token` and `POST /v2/auth/revoke` (§3.1).
struct AuthRoutes {
    let account: SandboxAccount

    func add(to router: Router<BasicRequestContext>) {
        router.post("v2/auth/token") { request, context -> Response in
            guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else {
                return SandboxResponse.oauthError(
                    "invalid_request", "The request must be formatted using application/x-www-form-urlencoded.")
            }
            let form = FormBody.parse(try await request.body.collect(upTo: 64 * 1024))
            guard let grantType = form["grant_type"], let clientID = form["client_id"],
                let secret = form["client_secret"]
            else {
                return SandboxResponse.oauthError(
                    "invalid_request", "grant_type, client_id and client_secret are required.")
            }
            guard grantType == "client_credentials" else {
                return SandboxResponse.oauthError(
                    "unsupported_grant_type", "Only the client_credentials grant type is supported.")
            }
            let scopes = form["scope"].flatMap { $0.isEmpty ? nil : $0.split(separator: " ").map(String.init) }
            do {
                let issued = try await account.issueToken(clientID: clientID, secret: secret, requestedScopes: scopes)
                return SandboxResponse.json(
                    .object([
                        ("access_token", .string(issued.token)), ("token_type", .string("Bearer")),
                        ("expires_in", .int(issued.expiresIn)),
                        ("scope", .string(issued.scopes.joined(separator: " "))),
                    ]))
            } catch let error as SandboxAccount.TokenError {
                switch error {
                case .invalidClient:
                    return SandboxResponse.oauthError("invalid_client", "Client authentication failed.")
                case .invalidCredentials:
                    // [C] Personio's examples tell an unknown client (`invalid_client`) from wrong
                    // credentials (`unauthorized_client`); `single` answers both as the former.
                    return await account.configuration.oauthErrors == .distinct
                        ? SandboxResponse.oauthError("unauthorized_client", "Invalid credentials.")
                        : SandboxResponse.oauthError("invalid_client", "Client authentication failed.")
                case .invalidScope(let scope):
                    return SandboxResponse.oauthError(
                        "invalid_scope", "The scope '\(scope)' is not granted to this client.")
                }
            }
        }

        router.post("v2/auth/revoke") { request, context -> Response in
            let form = FormBody.parse(try await request.body.collect(upTo: 64 * 1024))
            guard let token = form["token"], !token.isEmpty else {
                return SandboxResponse.oauthError("invalid_request", "The token parameter is required.")
            }
            _ = await account.revoke(token: token)
            // RFC 7009: revoking an unknown token is not an error.
            return SandboxResponse.json(.object([]))
        }
    }
}
