import AsyncHTTPClient
import Foundation
import JunctionConnectors
import JunctionModel
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// Hears of every request to Personio and every wait for its rate limit (for metrics).
public struct PersonioObserver: Sendable {
    public var request: @Sendable (_ status: Int?, _ duration: Duration) -> Void
    public var rateLimitWait: @Sendable (Duration) -> Void

    public init(
        request: @escaping @Sendable (Int?, Duration) -> Void, rateLimitWait: @escaping @Sendable (Duration) -> Void
    ) {
        self.request = request
        self.rateLimitWait = rateLimitWait
    }
}

/// Talks HTTP to one Personio account (or the sandbox): OAuth token cache, retries with
/// backoff, rate-limit courtesy, and cursor paging with bounded memory.
///
/// An actor because the token and the rate-limit state are shared by every request of the
/// account; the HTTP calls themselves run concurrently.
public actor PersonioClient {
    let credentials: PersonioCredentials
    /// The partner headers every request carries.
    let identity: PersonioIdentity
    let http: HTTPClient
    let logger: Logger
    let retry: RetryPolicy
    /// The account's shared allowance; nil for a client used alone (tests, one-off checks).
    public nonisolated let budget: RequestBudget?
    let observer: PersonioObserver?
    private var token: (value: String, refreshAfter: ContinuousClock.Instant)?
    /// The scopes Personio granted with the last token (its `scope` field), if it said.
    public private(set) var grantedScopes: [String]?
    /// The v1 personnel token, for passthrough to the personnel API.
    var personnel: (value: String, refreshAfter: ContinuousClock.Instant)?
    /// When Personio's `x-ratelimit-remaining` reached zero: the earliest moment to ask again.
    private var pausedUntil: ContinuousClock.Instant?
    /// Requests sent, retries included, for sync statistics.
    public private(set) var requestCount = 0

    /// The HTTP client for Personio: one for the process, like `HTTPClient.shared`, but never
    /// following a redirect. Personio's APIs do not redirect; its career site redirects an
    /// unknown subdomain to the marketing site (which answers 429), and a redirect must read as
    /// "wrong address", not be followed with the account's credentials or retried as a limit.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public init(
        credentials: PersonioCredentials, http: HTTPClient, logger: Logger, retry: RetryPolicy = RetryPolicy(),
        budget: RequestBudget? = nil, observer: PersonioObserver? = nil, identity: PersonioIdentity = .init()
    ) {
        self.identity = identity
        self.credentials = credentials
        self.http = http
        self.logger = logger
        self.retry = retry
        self.budget = budget
        self.observer = observer
    }

    // MARK: - OAuth

    /// A valid v2 access token, requested when there is none or it is about to expire.
    func accessToken(forceRefresh: Bool = false) async throws(PersonioError) -> String {
        if !forceRefresh, let token, ContinuousClock.now < token.refreshAfter { return token.value }
        var request = HTTPClientRequest(url: credentials.resolvedAPIBaseURL + "/v2/auth/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let form = [
            ("grant_type", "client_credentials"), ("client_id", credentials.clientID),
            ("client_secret", credentials.clientSecret),
        ]
        .map { "\($0)=\(Self.formEncode($1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: form))
        let (status, _, body) = try await send(request, idempotent: true, description: "POST /v2/auth/token")
        guard status == 200 else {
            let error = (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["error"] as? String
            // [C] Personio's token examples name an unknown client `invalid_client`, wrong
            // credentials `unauthorized_client`, and list `invalid_grant`: each is a refusal of the
            // credentials themselves.
            if status == 400 || status == 401,
                ["invalid_client", "unauthorized_client", "invalid_grant"].contains(error ?? "") || status == 401
            {
                throw .authenticationFailed("the v2 client id or secret was refused (\(error ?? "HTTP \(status)"))")
            }
            throw .unexpectedStatus(status, "token request: \(error ?? "no error code")")
        }
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let value = object["access_token"] as? String
        else { throw .malformedResponse("the token response has no access_token") }
        // [I] A day when Personio leaves expires_in out; refresh a minute early.
        let lifetime = (object["expires_in"] as? Int) ?? 86_400
        grantedScopes = (object["scope"] as? String).map { $0.split(separator: " ").map(String.init) }
        token = (value, ContinuousClock.now + .seconds(max(lifetime - 60, 1)))
        return value
    }

    // MARK: - v2 reads

    /// GETs a v2 path (or an absolute `next.href`) with the bearer token; refreshes the token
    /// once on 401.
    public func getV2(_ pathOrURL: String) async throws(PersonioError) -> Data {
        let url = pathOrURL.hasPrefix("http") ? pathOrURL : credentials.resolvedAPIBaseURL + pathOrURL
        // Twice a fresh token before a 401 counts as a missing permission: a token can expire
        // between being issued and being checked when the machine stalls (short-lived tokens).
        var refreshes = 0
        while true {
            var request = HTTPClientRequest(url: url)
            request.headers.add(
                name: "Authorization", value: "Bearer \(try await accessToken(forceRefresh: refreshes > 0))")
            request.headers.add(name: "Accept", value: "application/json")
            let (status, _, body) = try await send(request, idempotent: true, description: "GET \(Self.pathOnly(url))")
            switch status {
            case 200..<300: return body
            case 401 where refreshes < 2:
                refreshes += 1
            case 401:
                // A token Personio has just issued is refused: the credentials are good (the token
                // endpoint accepted them) but lack the right for this endpoint, which some of
                // Personio's endpoints answer with 401 instead of 403 [C3]. Only a refusal at the
                // token endpoint itself means the credentials are bad.
                throw .forbidden(
                    "\(Self.pathOnly(url)): refused with 401 with a token just issued: the credentials lack the permission"
                )
            case 403: throw .forbidden("\(Self.pathOnly(url)): \(Self.problemDetail(body))")
            case 404: throw .notFound("\(Self.pathOnly(url)): \(Self.problemDetail(body))")
            default: throw .unexpectedStatus(status, "\(Self.pathOnly(url)): \(Self.problemDetail(body))")
            }
        }
    }

    /// Reads every page of a v2 listing, handing each to `body` as it arrives, so memory holds
    /// two pages at most whatever the account's size. Stops on a missing `next` or an empty page.
    /// Returns the number of pages read.
    ///
    /// The next page is requested while `body` stores the current one: a listing is one request
    /// at a time either way (the next page's address is in the current page), but Personio's
    /// answer time and the store's work overlap instead of adding up. When `body` throws, the
    /// request under way is cancelled.
    @discardableResult
    public func forEachPage<Item: Decodable & Sendable>(
        of type: Item.Type, path: String, limit: Int = 200, problems: ReadProblems? = nil,
        _ body: @Sendable ([Captured<Item>]) async throws -> Void
    ) async throws -> Int {
        let first = path + (path.contains("?") ? "&" : "?") + "limit=\(limit)"
        var page = try await self.page(Item.self, first, number: 1, path: path, problems: problems)
        var pages = 1
        while !page.data.isEmpty {
            guard let next = page.meta?.links?.next?.href else {
                try await body(page.data)
                break
            }
            let number = pages + 1
            async let following = self.page(Item.self, next, number: number, path: path, problems: problems)
            try await body(page.data)
            page = try await following
            pages = number
        }
        return pages
    }

    /// One page of a listing, read again while its answer cannot be parsed.
    private func page<Item: Decodable & Sendable>(
        _ type: Item.Type, _ url: String, number: Int, path: String, problems: ReadProblems?
    ) async throws -> V2Page<Item> {
        try await readable("page \(number) of \(path)") { () async throws(PersonioError) in
            let data = try await getV2(url)
            do {
                return try JSONValue.decodeText(
                    V2Page<Item>.self, from: data, userInfo: problems.map { [ReadProblems.key: $0] } ?? [:])
            } catch {
                throw PersonioError.malformedResponse("\(error)")
            }
        }
    }

    // MARK: - Career site

    /// The XML feed of published positions in `language`; nil when the account has no career
    /// site configured.
    public func careerFeed(language: String, site: CareerSite? = nil) async throws(PersonioError) -> [FeedPosition]? {
        guard let base = site.map(credentials.baseURL(of:)) ?? credentials.resolvedCareerSiteBaseURL else {
            return nil
        }
        var request = HTTPClientRequest(url: base + "/xml?language=\(language)")
        request.headers.add(name: "Accept", value: "application/xml")
        return try await readable("the career-site XML feed") { () async throws(PersonioError) in
            let (status, _, body) = try await send(
                request, idempotent: true, description: "GET /xml?language=\(language)")
            guard status == 200 else {
                if status == 404 { throw .notFound("the career-site XML feed is not enabled") }
                throw .unexpectedStatus(status, "career-site XML feed")
            }
            return try CareerFeedParser.parse(body)
        }
    }

    /// When the career feed in `language` last changed, by its `Last-Modified` header, read with
    /// a HEAD request (no body), and the answer's own `Date`; nil without a career site or when
    /// either header is missing or unreadable. [I] Personio's feed sends `Last-Modified` (a
    /// WordPress importer compares it per language before downloading); see the sandbox's
    /// `feedLastModified` switch for what may move it.
    public func careerFeedStamp(language: String, site: CareerSite? = nil) async throws(PersonioError) -> FeedStamp? {
        guard let base = site.map(credentials.baseURL(of:)) ?? credentials.resolvedCareerSiteBaseURL else {
            return nil
        }
        var request = HTTPClientRequest(url: base + "/xml?language=\(language)")
        request.method = .HEAD
        request.headers.add(name: "Accept", value: "application/xml")
        let (status, headers, _) = try await send(
            request, idempotent: true, description: "HEAD /xml?language=\(language)")
        guard status == 200 else {
            if status == 404 { throw .notFound("the career-site XML feed is not enabled") }
            throw .unexpectedStatus(status, "career-site XML feed")
        }
        guard let modified = headers.first(name: "Last-Modified").flatMap(FeedStamp.parseHTTPDate),
            let served = headers.first(name: "Date").flatMap(FeedStamp.parseHTTPDate)
        else { return nil }
        return FeedStamp(lastModified: modified, served: served)
    }

    /// Runs `read` (one GET and its parse) again when the answer cannot be parsed: a 200 whose
    /// body a proxy replaced or a connection cut short is a transient fault like a 502. After
    /// `maxAttempts` unreadable answers it fails with `malformedResponse` naming `what`.
    private func readable<Value>(
        _ what: String, _ read: () async throws(PersonioError) -> Value
    ) async throws(PersonioError) -> Value {
        var attempt = 1
        while true {
            do {
                return try await read()
            } catch {
                guard case .malformedResponse(let detail) = error else { throw error }
                guard attempt < retry.maxAttempts else { throw .malformedResponse("\(what): \(detail)") }
                logger.info(
                    "unreadable answer from Personio, reading again",
                    metadata: ["what": "\(what)", "attempt": "\(attempt)"])
                try? await Task.sleep(for: retry.backoff(attempt))
                attempt += 1
            }
        }
    }

    // MARK: - Transport with retries

    /// Sends `request`, retrying connection failures, 429 and (for idempotent requests) 5xx
    /// with jittered exponential backoff, and honouring `Retry-After` and `x-ratelimit-*`.
    func send(
        _ request: HTTPClientRequest, idempotent: Bool, description: String, retryRateLimits: Bool = true
    ) async throws(PersonioError) -> (status: Int, headers: HTTPHeaders, body: Data) {
        var attempt = 0
        while true {
            attempt += 1
            if let pausedUntil, ContinuousClock.now < pausedUntil {
                observer?.rateLimitWait(pausedUntil - ContinuousClock.now)
                try? await Task.sleep(until: pausedUntil, clock: .continuous)
            }
            requestCount += 1
            let started = ContinuousClock.now
            let status: Int
            let headers: HTTPHeaders
            let body: Data
            await budget?.acquire(priority: !idempotent)
            let exchangeStarted = ContinuousClock.now
            do {
                let response = try await http.execute(identity.stamped(request), timeout: .init(retry.requestTimeout))
                status = Int(response.status.code)
                headers = response.headers
                body = Data(buffer: try await response.body.collect(upTo: 64 * 1024 * 1024))
                ConnectorContext.timing?.add(ContinuousClock.now - exchangeStarted)
                await budget?.release()
                observe(description, status: status, headers: response.headers, since: started)
            } catch {
                ConnectorContext.timing?.add(ContinuousClock.now - exchangeStarted)
                await budget?.release()
                observe(description, status: nil, headers: [:], since: started)
                guard idempotent, attempt < retry.maxAttempts else {
                    throw .transport("\(description): \(error)")
                }
                logger.debug(
                    "Personio request failed, retrying",
                    metadata: ["request": "\(description)", "attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: retry.backoff(attempt))
                continue
            }
            notePauseHint(headers)
            switch status {
            case 429 where retryRateLimits:
                guard attempt < retry.maxAttempts else { throw .rateLimited(description) }
                let asked = headers.first(name: "Retry-After").flatMap(Double.init).flatMap(RetryPolicy.wait(seconds:))
                if let asked, asked > retry.maxRetryAfter {
                    throw .rateLimited(
                        "\(Self.redacted(description)): Personio asks to wait \(Int(asked.inSeconds)) s, "
                            + "longer than the \(Int(retry.maxRetryAfter.inSeconds)) s a request waits")
                }
                let wait = asked ?? retry.backoff(attempt)
                logger.info(
                    "Personio rate limit, waiting",
                    metadata: ["request": "\(Self.redacted(description))", "wait": "\(wait)"])
                observer?.rateLimitWait(wait)
                try? await Task.sleep(for: wait)
            case 500...599 where idempotent:
                guard attempt < retry.maxAttempts else { throw .unavailable("\(description): HTTP \(status)") }
                logger.info(
                    "Personio server error, retrying", metadata: ["request": "\(description)", "status": "\(status)"])
                try? await Task.sleep(for: retry.backoff(attempt))
            default:
                return (status, headers, body)
            }
        }
    }

    /// Logs one request (at debug: every request of a sync would otherwise flood `info`) and
    /// tells the observer. Query values are redacted: they can hold candidates' emails.
    private func observe(
        _ description: String, status: Int?, headers: HTTPHeaders, since started: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - started
        observer?.request(status, elapsed)
        var metadata: Logger.Metadata = [
            "request": "\(Self.redacted(description))", "status": "\(status.map(String.init) ?? "none")",
            "duration_ms": "\(elapsed.inMilliseconds)",
        ]
        if let remaining = headers.first(name: "x-ratelimit-remaining") {
            metadata["ratelimit_remaining"] = "\(remaining)"
        }
        if let run = ConnectorContext.syncRunID { metadata["sync_run"] = "\(run)" }
        if let request = ConnectorContext.requestID { metadata["api_request"] = "\(request)" }
        logger.debug("Personio request", metadata: metadata)
    }

    /// `GET /path?a=x&b=y` as `GET /path?a=…&b=…`.
    static func redacted(_ description: String) -> String {
        guard let mark = description.firstIndex(of: "?") else { return description }
        let query = description[description.index(after: mark)...].split(separator: "&").map { pair in
            pair.split(separator: "=", maxSplits: 1).first.map { "\($0)=…" } ?? String(pair)
        }
        return description[..<mark] + "?" + query.joined(separator: "&")
    }

    /// When Personio says the bucket is empty, the next request waits for one token.
    private func notePauseHint(_ headers: HTTPHeaders) {
        guard let remaining = headers.first(name: "x-ratelimit-remaining").flatMap(Int.init), remaining <= 0,
            let rate = headers.first(name: "x-ratelimit-replenish-rate").flatMap(Double.init), rate > 0,
            let pause = RetryPolicy.wait(seconds: 1 / rate)
        else { return }
        pausedUntil = ContinuousClock.now + pause + .milliseconds(1)
    }

    // MARK: - Helpers

    static func formEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// A URL's path and query, for logs and errors: never the host's credentials.
    static func pathOnly(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        return components.path + (components.query.map { "?" + $0 } ?? "")
    }

    static func problemDetail(_ body: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return "no details" }
        if let errors = object["errors"] as? [[String: Any]], let first = errors.first {
            return (first["detail"] as? String) ?? (first["title"] as? String) ?? "no details"
        }
        return (object["error_description"] as? String) ?? (object["message"] as? String) ?? "no details"
    }
}

/// Who is calling, as Personio asks integration partners to say on every request
/// (`X-Personio-Partner-ID`, `X-Personio-App-ID`) [C]: reads, writes, token calls and the
/// career feed alike.
public struct PersonioIdentity: Sendable, Equatable {
    /// The partner id Personio gave the operator, if any.
    public var partnerID: String?
    public var appID: String

    public init(partnerID: String? = nil, appID: String = "JUNCTION") {
        self.partnerID = partnerID
        self.appID = appID
    }

    func stamped(_ request: HTTPClientRequest) -> HTTPClientRequest {
        var request = request
        request.headers.replaceOrAdd(name: "X-Personio-App-ID", value: appID)
        if let partnerID { request.headers.replaceOrAdd(name: "X-Personio-Partner-ID", value: partnerID) }
        return request
    }
}

/// A career feed's `Last-Modified` and the `Date` of the answer that carried it.
public struct FeedStamp: Sendable, Equatable {
    public var lastModified: Date
    public var served: Date

    /// Whether nothing can have changed in the feed during the second `lastModified` names: HTTP
    /// dates count whole seconds, so a change later in the second the answer was served in would
    /// leave the header as it is.
    public var isSettled: Bool { lastModified < served }

    /// An HTTP date (`Wed, 18 Nov 2026 06:56:07 GMT`, RFC 9110's preferred form).
    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}
