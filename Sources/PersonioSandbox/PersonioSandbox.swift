import Foundation
import Hummingbird
import Logging

/// A local Personio: the career site, OAuth, the v2 recruiting reads, the v1 recruiting writes,
/// persons and a little of the personnel API, with seeded data, an admin API under
/// `/_sandbox/` and fault injection.
///
/// It emulates Personio and knows nothing of Junction; `docs/personio-mapping.md`
/// is its specification and `docs/personio-sandbox.md` lists where it had to guess.
public struct PersonioSandbox: Sendable {
    public let configuration: SandboxConfiguration
    let account: SandboxAccount
    let faults = FaultInjector()
    let partnerHeaders = PartnerHeaderLog()

    /// Generates the account's data (deterministic for a given configuration).
    public init(configuration: SandboxConfiguration = SandboxConfiguration()) {
        self.configuration = configuration
        self.account = SandboxAccount(configuration: configuration)
    }

    /// Every route of both Personio hosts (API and career site) on one router.
    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        // First, so injected faults wrap every Personio route (the admin API is exempt).
        router.add(middleware: PartnerHeaderMiddleware(log: partnerHeaders))
        router.add(middleware: FaultMiddleware(injector: faults))
        AdminRoutes(account: account, faults: faults, partnerHeaders: partnerHeaders).add(to: router)
        AuthRoutes(account: account).add(to: router)
        RecruitingRoutes(account: account).add(to: router)
        RecruitingWriteRoutes(account: account).add(to: router)
        PersonnelRoutes(account: account).add(to: router)
        CareerSiteRoutes(account: account).add(to: router)
        return router
    }

    /// A server for the sandbox alone (`junction sandbox`).
    public func buildApplication(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "Personio Sandbox"),
            logger: logger)
    }

    /// What a person needs to connect to this sandbox, for the start banner.
    public func credentialsSummary(baseURL: String) -> String {
        let client = configuration.clients[0]
        let limited = configuration.clients.dropFirst().map { "\($0.id) (scopes: \($0.scopes.joined(separator: " ")))" }
        return """
            Personio sandbox at \(baseURL)
              API v2 client id       \(client.id)
              API v2 client secret   \(client.secret)
              Recruiting API key     \(configuration.recruitingAPIKey)
              Company id             \(configuration.companyID)
              Career site            \(baseURL)/xml?language=en  (subdomain '\(configuration.careerSubdomain)')
              Fewer scopes, same secret: \(limited.joined(separator: ", "))
              Data: seed \(configuration.seed), \(configuration.jobs) jobs, \(configuration.candidates) candidates
            """
    }
}

extension PersonioSandbox {
    /// Serves until SIGTERM or SIGINT.
    public func run(host: String, port: Int, logger: Logger) async throws {
        try await buildApplication(host: host, port: port, logger: logger).runService()
    }
}
