import Foundation
import HTTPTypes
import Hummingbird

/// The v2 recruiting reads (§4): applications, candidates, jobs, categories.
struct RecruitingRoutes {
    let account: SandboxAccount

    func add(to router: Router<BasicRequestContext>) {
        router.get("v2/recruiting/applications") { request, _ in
            try await list(request, endpoint: "applications", filters: ["candidate.email"]) { window, query in
                await account.applicationsPage(window, candidateEmail: query["candidate.email"])
            }
        }
        router.get("v2/recruiting/applications/:id") { request, context in
            try await single(request, context, endpoint: "applications") {
                await account.application(id: $0, baseURL: request.baseURL)
            }
        }
        router.get("v2/recruiting/applications/:id/stage-transitions") { request, context in
            try await guarded(request, endpoint: "stage-transitions") { headers in
                guard let id = context.parameters.get("id").flatMap(Int.init),
                    let transitions = await account.stageTransitions(applicationID: id)
                else { return notFound(request, headers: headers) }
                return SandboxResponse.json(
                    .object([
                        ("_data", .array(transitions)),
                        (
                            "_meta",
                            .object([("links", .object([("self", .object([("href", .string(absoluteURL(request)))]))]))]
                            )
                        ),
                    ]),
                    headers: headers)
            }
        }
        router.get("v2/recruiting/candidates") { request, _ in
            // [?] The email filter's name is not visible in Personio's docs; `email` is the guess.
            try await list(request, endpoint: "candidates", filters: ["email"]) { window, query in
                await account.candidatesPage(window, email: query["email"])
            }
        }
        router.get("v2/recruiting/candidates/:id") { request, context in
            try await single(request, context, endpoint: "candidates") { await account.candidate(id: $0) }
        }
        router.get("v2/recruiting/jobs") { request, _ in
            try await list(request, endpoint: "jobs", filters: []) { window, _ in await account.jobsPage(window) }
        }
        router.get("v2/recruiting/jobs/:id") { request, context in
            try await single(request, context, endpoint: "jobs") {
                await account.job(id: $0, baseURL: request.baseURL)
            }
        }
        router.get("v2/recruiting/categories") { request, _ in
            try await guarded(request, endpoint: "categories") { headers in
                SandboxResponse.json(
                    .object([
                        ("_data", .array(await account.categoryList())),
                        (
                            "_meta",
                            .object([("links", .object([("self", .object([("href", .string(absoluteURL(request)))]))]))]
                            )
                        ),
                    ]),
                    headers: headers)
            }
        }
        router.get("v2/recruiting/categories/:id") { request, context in
            try await single(request, context, endpoint: "categories") { await account.category(id: $0) }
        }
    }

    // MARK: - Shared request handling

    /// Checks the recruiting API is on, the bearer token and its scope, and the endpoint's rate
    /// limit, in that order; `body` gets the rate-limit headers to send.
    private func guarded(
        _ request: Request, endpoint: String, _ body: ([(String, String)]) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        let configuration = await account.configuration
        guard configuration.recruitingAPIEnabled else {
            return SandboxResponse.problem(
                status: .notFound, title: "Not Found", detail: "The endpoint with \(path) was not found.",
                type: "apinot_found", path: path)
        }
        guard let token = request.bearerToken, let grant = await account.grant(for: token) else {
            return SandboxResponse.problem(
                status: .unauthorized, title: "Unauthorized", detail: "Unauthorized Request",
                type: "common.unauthorized", path: path)
        }
        guard grant.scopes.contains(SandboxConfiguration.Scope.recruitingRead) else {
            return SandboxResponse.problem(
                status: HTTPResponse.Status(code: configuration.missingScopeStatus),
                title: configuration.missingScopeStatus == 401 ? "Unauthorized" : "Forbidden",
                detail: "The access token lacks the scope \(SandboxConfiguration.Scope.recruitingRead).",
                type: "common.forbidden", path: path)
        }
        var headers: [(String, String)] = []
        if let limit = await account.takeRateLimitToken(endpoint: endpoint) {
            headers = limit.headers
            guard limit.allowed else {
                // [C3] Personio sends no Retry-After on these 429s.
                return SandboxResponse.problem(
                    status: .tooManyRequests, title: "Too Many Requests", detail: "Rate limit exceeded.",
                    type: "common.too_many_requests", path: path, headers: headers)
            }
        }
        return try await body(headers)
    }

    private func list(
        _ request: Request, endpoint: String, filters: Set<String>,
        page: (SandboxAccount.Window, [String: String]) async -> SandboxAccount.Page
    ) async throws -> Response {
        try await guarded(request, endpoint: endpoint) { headers in
            var query: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            let path = request.uri.path
            func badRequest(_ detail: String) -> Response {
                SandboxResponse.problem(
                    status: .badRequest, title: "Bad Request", detail: detail, type: "common.bad_request", path: path,
                    headers: headers)
            }
            var window = SandboxAccount.Window(baseURL: request.baseURL, limit: 100)
            if let limit = query["limit"] {
                guard let value = Int(limit), (1...200).contains(value) else {
                    return badRequest("Provided value for limit is not valid")
                }
                window.limit = value
            }
            if let cursor = query["cursor"] {
                guard let key = OrderKey(cursor: cursor) else {
                    return badRequest("Provided value for cursor is not valid")
                }
                window.cursor = key
            }
            if query["updated_at.gt"] != nil && query["updated_at.lt"] != nil {
                return badRequest("updated_at.gt and updated_at.lt cannot be combined")
            }
            for (name, keyPath) in [
                ("updated_at.gt", \SandboxAccount.Window.updatedAfter), ("updated_at.lt", \.updatedBefore),
            ] {
                guard let text = query[name] else { continue }
                guard let date = PersonioTime.parse(text) else {
                    return badRequest("Provided value for \(name) is not a valid date-time")
                }
                window[keyPath: keyPath] = Int64((date.timeIntervalSince1970 * 1000).rounded())
            }
            let result = await page(window, query.filter { filters.contains($0.key) })
            var links: [(String, JSON)] = [("self", .object([("href", .string(absoluteURL(request)))]))]
            if let next = result.nextCursor {
                var nextQuery = query.filter { $0.key != "cursor" }
                nextQuery["cursor"] = next
                nextQuery["limit"] = String(window.limit)
                links.append(("next", .object([("href", .string(absoluteURL(request, query: nextQuery)))])))
            }
            return SandboxResponse.json(
                .object([("_data", .array(result.items)), ("_meta", .object([("links", .object(links))]))]),
                headers: headers)
        }
    }

    private func single(
        _ request: Request, _ context: BasicRequestContext, endpoint: String, find: (Int) async -> JSON?
    ) async throws -> Response {
        try await guarded(request, endpoint: endpoint) { headers in
            guard let id = context.parameters.get("id").flatMap(Int.init), let object = await find(id) else {
                return notFound(request, headers: headers)
            }
            let wrap = await account.configuration.wrapSingleResourceInData
            return SandboxResponse.json(wrap ? .object([("_data", object)]) : object, headers: headers)
        }
    }

    private func notFound(_ request: Request, headers: [(String, String)]) -> Response {
        SandboxResponse.problem(
            status: .notFound, title: "Not Found", detail: "The requested resource was not found.",
            type: "common.requested_resource_not_found", path: request.uri.path, headers: headers)
    }

    /// The request's own URL, absolute, as Personio's `_meta.links` carry it.
    private func absoluteURL(_ request: Request, query: [String: String]? = nil) -> String {
        var components = URLComponents()
        components.path = request.uri.path
        if let query {
            components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        } else if let text = request.uri.query {
            components.percentEncodedQuery = text
        }
        // `+` in a value (a timestamp offset) must survive the round trip through the client.
        let suffix = (components.percentEncodedQuery.map { "?" + $0.replacingOccurrences(of: "+", with: "%2B") } ?? "")
        return request.baseURL + components.percentEncodedPath + suffix
    }
}
