import AsyncHTTPClient
import Foundation
import JunctionConnectors
import JunctionModel
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Personio's APIs a passthrough request may reach, as Kombo names them
/// (`docs/unified-api.md`, "General and connect").
public enum PassthroughAPI: String, Sendable, CaseIterable {
    /// Recruiting API v1 (`/v1/recruiting`, Recruiting API key and company id).
    case recruiting
    /// Recruiting API v2 (`/v2/recruiting`, v2 token).
    case recruitingV2
    /// Personnel API v1 (`/v1`, v1 token from `POST /v1/auth`).
    case personnel
    /// API v2 (`/v2`, v2 token).
    case personnelv2
    /// The career site (`https://{subdomain}.jobs.personio.de`, no credentials).
    case jobboard
}

extension PersonioClient {
    /// The base URL of `api` for this account; nil when the credentials lack what it needs.
    public func passthroughBase(_ api: PassthroughAPI) -> String? {
        switch api {
        case .recruiting: credentials.resolvedAPIBaseURL + "/v1/recruiting"
        case .recruitingV2: credentials.resolvedAPIBaseURL + "/v2/recruiting"
        case .personnel: credentials.resolvedAPIBaseURL + "/v1"
        case .personnelv2: credentials.resolvedAPIBaseURL + "/v2"
        case .jobboard: credentials.resolvedCareerSiteBaseURL
        }
    }

    /// Sends `request` with the account's authentication, inside the account's budget. Only
    /// GETs are retried; a write to the Recruiting API v1 takes a slot of its write window.
    public func passthrough(_ request: PassthroughRequest) async throws(PersonioError) -> PassthroughResponse {
        guard let api = PassthroughAPI(rawValue: request.api) else {
            throw .invalidSettings("no Personio API '\(request.api)'")
        }
        let method = HTTPMethod(rawValue: request.method)
        guard let base = passthroughBase(api) else {
            throw .forbidden("the integration has no career-site subdomain, which the jobboard API needs")
        }
        var components = URLComponents(string: base + request.path)
        if !request.query.isEmpty {
            components?.queryItems = request.query.map { URLQueryItem(name: $0.0, value: $0.1) }
        }
        guard let url = components?.string, let final = URL(string: url), let baseURL = URL(string: base),
            final.host == baseURL.host, final.port == baseURL.port, final.scheme == baseURL.scheme,
            final.path.hasPrefix(baseURL.path)
        else { throw .malformedResponse("the passthrough path leaves \(base)") }
        var http = HTTPClientRequest(url: url)
        http.method = method
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        switch api {
        case .recruiting:
            guard let key = credentials.recruitingAPIKey, let company = credentials.companyID else {
                throw .forbidden("the integration has no Recruiting API key and company id")
            }
            http.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(key)")
            http.headers.replaceOrAdd(name: "X-Company-ID", value: company)
        case .recruitingV2, .personnelv2:
            http.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(try await accessToken())")
            if api == .recruitingV2 { http.headers.replaceOrAdd(name: "Beta", value: "true") }
        case .personnel:
            http.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(try await personnelToken())")
        case .jobboard:
            break
        }
        if let body = request.body { http.body = .bytes(ByteBuffer(data: body)) }
        if api == .recruiting, method != .GET { try await takeWrite() }
        let (status, headers, body) = try await send(
            http, idempotent: method == .GET, description: "\(request.method) passthrough",
            retryRateLimits: method == .GET)
        return PassthroughResponse(url: url, status: status, headers: headers.map { ($0.name, $0.value) }, body: body)
    }

    /// A v1 personnel token (`POST /v1/auth` with the v2 client credentials, [C] §3.2), cached
    /// like the v2 one: Personio keeps it valid for a day.
    func personnelToken() async throws(PersonioError) -> String {
        if let personnel, ContinuousClock.now < personnel.refreshAfter { return personnel.value }
        var request = HTTPClientRequest(url: credentials.resolvedAPIBaseURL + "/v1/auth")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        let body = ["client_id": credentials.clientID, "client_secret": credentials.clientSecret]
        guard let data = try? JSONEncoder().encode(body) else { throw .malformedResponse("unencodable credentials") }
        request.body = .bytes(ByteBuffer(data: data))
        let (status, _, response) = try await send(request, idempotent: true, description: "POST /v1/auth")
        guard status == 200,
            let object = try? JSONSerialization.jsonObject(with: response) as? [String: Any],
            let payload = object["data"] as? [String: Any], let token = payload["token"] as? String
        else {
            throw .authenticationFailed("the personnel API refused the client credentials (HTTP \(status))")
        }
        let lifetime = payload["expires_in"] as? Int ?? 86_400
        personnel = (token, ContinuousClock.now + .seconds(max(lifetime - 60, 1)))
        return token
    }
}
