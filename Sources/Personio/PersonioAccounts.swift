import AsyncHTTPClient
import JunctionConnectors
import JunctionModel
import Logging

/// The Personio clients of a process, one per integration, so the token cache, the rate-limit
/// state and the request budget are shared by every caller of the same account. Built once by
/// the composition root.
public actor PersonioAccounts {
    let http: HTTPClient
    let logger: Logger
    let limits: RequestLimits
    let retry: RetryPolicy
    private var clients: [String: PersonioClient] = [:]
    private var budgets: [String: RequestBudget] = [:]

    let observer: PersonioObserver?
    let identity: PersonioIdentity

    public init(
        http: HTTPClient, logger: Logger, limits: RequestLimits = RequestLimits(),
        retry: RetryPolicy = RetryPolicy(), observer: PersonioObserver? = nil,
        identity: PersonioIdentity = .init()
    ) {
        self.identity = identity
        self.http = http
        self.logger = logger
        self.limits = limits
        self.retry = retry
        self.observer = observer
    }

    /// Drops what is cached for an integration (its client and credentials), as when it is deleted.
    public func forget(integrationID: String) {
        clients[integrationID] = nil
        budgets[integrationID] = nil
    }

    /// The integration's client; a new one (same budget) when its credentials changed.
    public func client(integrationID: String, credentials: PersonioCredentials) -> PersonioClient {
        if let existing = clients[integrationID], existing.credentials == credentials { return existing }
        let budget = budgets[integrationID] ?? RequestBudget(limits: limits)
        budgets[integrationID] = budget
        var logger = logger
        logger[metadataKey: "integration"] = "\(integrationID)"
        let client = PersonioClient(
            credentials: credentials, http: http, logger: logger, retry: retry, budget: budget, observer: observer,
            identity: identity)
        clients[integrationID] = client
        return client
    }
}
