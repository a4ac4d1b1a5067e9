import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Many Personio accounts behind one address, as Personio's own API host serves every customer:
/// a request belongs to the account its credentials name (the OAuth client on the token
/// endpoint, the access token's prefix afterwards, `X-Company-ID` on the v1 API). Each account
/// is a whole `PersonioSandbox`, with its own data, rate limits and faults; its admin API is
/// under `/_sandbox/accounts/{n}/…`, and `GET /_fleet/requests` counts every account's requests
/// per minute (for the fleet benchmark). Career sites are not served: they are addressed by
/// host name, which one loopback address cannot tell apart.
public struct SandboxFleet: Sendable {
    public let sandboxes: [PersonioSandbox]
    let responders: [RouterResponder<BasicRequestContext>]
    let clients: [String: Int]
    let companies: [String: Int]
    let counter = FleetCounter()

    /// Account `n`'s settings: its credentials (`fleet-n` / `fleet-secret-n`, recruiting key
    /// `fleet-key-n`, company `100000 + n`), data of the given size, and tokens beginning
    /// `fleetn_`.
    public static func account(
        _ n: Int, candidates: Int, jobs: Int, seed: UInt64 = 42, limits: Bool = true
    ) -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.seed = seed &+ UInt64(n)
        configuration.candidates = candidates
        configuration.jobs = jobs
        configuration.companyID = String(100_000 + n)
        configuration.careerSubdomain = "fleet\(n)"
        configuration.careerSites = ["fleet\(n).jobs.personio.de"]
        configuration.clients = [
            SandboxConfiguration.Client(
                id: "fleet-\(n)", secret: "fleet-secret-\(n)", scopes: SandboxConfiguration.Scope.all)
        ]
        configuration.recruitingAPIKey = "fleet-key-\(n)"
        configuration.tokenPrefix = "fleet\(n)_"
        if !limits { configuration.v2RateLimit = nil }
        return configuration
    }

    /// Generates every account's data (deterministic for given configurations); account `n` is
    /// `configurations[n]`.
    public init(_ configurations: [SandboxConfiguration]) {
        sandboxes = configurations.map { PersonioSandbox(configuration: $0) }
        responders = sandboxes.map { $0.buildRouter().buildResponder() }
        var clients: [String: Int] = [:]
        var companies: [String: Int] = [:]
        for (n, configuration) in configurations.enumerated() {
            for client in configuration.clients { clients[client.id] = n }
            companies[configuration.companyID] = n
        }
        self.clients = clients
        self.companies = companies
    }

    /// The account a request belongs to, and the request as that account's sandbox reads it;
    /// nil when it names no account.
    func route(_ request: Request) async throws -> (Int, Request)? {
        let path = request.uri.path
        let adminPrefix = "/_sandbox/accounts/"
        if path.hasPrefix(adminPrefix) {
            let rest = path.dropFirst(adminPrefix.count)
            guard let slash = rest.firstIndex(of: "/"), let n = Int(rest[..<slash]), sandboxes.indices.contains(n)
            else { return nil }
            var head = request.head
            let query = request.uri.query.map { "?" + $0 } ?? ""
            head.path = "/_sandbox" + rest[slash...] + query
            return (n, Request(head: head, body: request.body))
        }
        if path == "/v2/auth/token" || path == "/v2/auth/revoke" {
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            let form = FormBody.parse(buffer)
            var rebuilt = request
            rebuilt.body = RequestBody(buffer: buffer)
            let n = form["client_id"].flatMap { clients[$0] } ?? form["token"].flatMap(Self.account(ofToken:))
            return n.map { ($0, rebuilt) }
        }
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
            let n = Self.account(ofToken: String(authorization.dropFirst("Bearer ".count)))
        {
            return (n, request)
        }
        if let company = request.headers[HTTPField.Name("X-Company-ID")!], let n = companies[company] {
            return (n, request)
        }
        return nil
    }

    /// `n` of a token `fleetn_…`.
    static func account(ofToken token: String) -> Int? {
        guard token.hasPrefix("fleet"), let underscore = token.firstIndex(of: "_") else { return nil }
        return Int(token[token.index(token.startIndex, offsetBy: 5)..<underscore])
    }

    /// A server for the fleet (`junction sandbox --fleet N`).
    public func buildApplication(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        Application(
            responder: FleetResponder(fleet: self),
            configuration: .init(address: .hostname(host, port: port), serverName: "Personio Sandbox Fleet"),
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT.
    public func run(host: String, port: Int, logger: Logger) async throws {
        try await buildApplication(host: host, port: port, logger: logger).runService()
    }
}

/// Routes each request to its account's sandbox and counts it.
struct FleetResponder: HTTPResponder {
    let fleet: SandboxFleet

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        if request.uri.path == "/_fleet/requests" {
            return SandboxResponse.json(await fleet.counter.report(accounts: fleet.sandboxes.count))
        }
        guard let (n, routed) = try await fleet.route(request) else {
            return SandboxResponse.json(
                .object([("error", .string("the request names no account of this sandbox fleet"))]), status: .notFound)
        }
        let response = try await fleet.responders[n].respond(to: routed, context: context)
        if !routed.uri.path.hasPrefix("/_sandbox") {
            await fleet.counter.count(account: n, status: response.status.code)
        }
        return response
    }
}

/// Requests per account per minute, and the rate-limit answers among them.
actor FleetCounter {
    private var perMinute: [Int: [Int: Int]] = [:]
    private var totals: [Int: Int] = [:]
    private var limited: [Int: Int] = [:]
    private let started = Date()

    func count(account: Int, status: Int) {
        let minute = Int(Date().timeIntervalSince(started) / 60)
        perMinute[account, default: [:]][minute, default: 0] += 1
        totals[account, default: 0] += 1
        if status == 429 { limited[account, default: 0] += 1 }
    }

    func report(accounts: Int) -> JSON {
        .object([
            (
                "accounts",
                .array(
                    (0..<accounts).map { n in
                        .object([
                            ("account", .int(n)), ("requests", .int(totals[n] ?? 0)),
                            ("max_per_minute", .int(perMinute[n]?.values.max() ?? 0)),
                            ("rate_limited", .int(limited[n] ?? 0)),
                        ])
                    })
            )
        ])
    }
}
