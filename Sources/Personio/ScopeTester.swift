import AsyncHTTPClient
import Foundation
import JunctionConnectors
import JunctionModel
import Logging

/// One check of a scope test: what was tried and how it went, in words for logs and support.
/// What it means for the end customer, and how to fix it in Personio, the connect page says
/// per `id` (in their language).
public struct ScopeCheck: Codable, Sendable, Equatable {
    public enum ID: String, Codable, Sendable, CaseIterable {
        case token
        case recruitingJobs = "recruiting_jobs"
        case recruitingCandidates = "recruiting_candidates"
        case recruitingApplications = "recruiting_applications"
        case recruitingCategories = "recruiting_categories"
        case careerFeed = "career_feed"
        case recruitingAPIKey = "recruiting_api_key"
        case persons
    }

    public enum Status: String, Codable, Sendable {
        case passed, failed
        /// Not tried: what it needs failed first (no token) or was not entered.
        case skipped
    }

    public var id: ID
    public var status: Status
    public var detail: String

    public init(id: ID, status: Status, detail: String) {
        self.id = id
        self.status = status
        self.detail = detail
    }
}

/// The outcome of a scope test over a set of credentials.
public struct ScopeTestResult: Codable, Sendable, Equatable {
    public var checks: [ScopeCheck]
    /// What the token response said it grants; nil when Personio did not say.
    public var grantedScopes: [String]?
    public var testedAt: Date

    public init(checks: [ScopeCheck], grantedScopes: [String]?, testedAt: Date) {
        self.checks = checks
        self.grantedScopes = grantedScopes
        self.testedAt = testedAt
    }

    public func status(_ id: ScopeCheck.ID) -> ScopeCheck.Status {
        checks.first { $0.id == id }?.status ?? .skipped
    }

    /// A flow can continue once a token was issued: everything else degrades one feature.
    public var canConnect: Bool { status(.token) == .passed }
    public var failed: [ScopeCheck] { checks.filter { $0.status == .failed } }
}

/// Tests what a set of Personio credentials can do, without changing anything in Personio:
/// a token (and its scopes), each v2 recruiting listing with `limit=1`, the career-site XML
/// feed, the Recruiting API key, and the persons listing the hiring team needs.
///
/// The Recruiting API has no read endpoint for the v1 key, so the key is tested with an empty
/// application: Personio checks the key before the body (401 for a bad key), and an empty body
/// is refused by validation (400), so nothing is created. [I] `docs/decisions.md` records the
/// guess; it costs one of the company's 20 writes per minute.
public struct ScopeTester: Sendable {
    let http: HTTPClient
    let logger: Logger
    let identity: PersonioIdentity

    public init(http: HTTPClient, logger: Logger, identity: PersonioIdentity = .init()) {
        self.http = http
        self.logger = logger
        self.identity = identity
    }

    public func run(_ credentials: PersonioCredentials, now: Date = Date()) async -> ScopeTestResult {
        // A person waits on this page: few, quick retries.
        let client = PersonioClient(
            credentials: credentials, http: http, logger: logger,
            retry: .init(
                maxAttempts: 2, baseDelay: .milliseconds(200), maxDelay: .seconds(1), requestTimeout: .seconds(15)),
            identity: identity)
        var checks: [ScopeCheck] = []
        do {
            _ = try await client.accessToken()
            let scopes = await client.grantedScopes
            checks.append(
                .init(
                    id: .token, status: .passed,
                    detail: "token issued" + (scopes.map { " with scopes: " + $0.joined(separator: " ") } ?? "")))
        } catch {
            checks.append(.init(id: .token, status: .failed, detail: error.description))
        }
        let tokenWorks = checks[0].status == .passed
        let listings: [(ScopeCheck.ID, String)] = [
            (.recruitingJobs, "/v2/recruiting/jobs?limit=1"),
            (.recruitingCandidates, "/v2/recruiting/candidates?limit=1"),
            (.recruitingApplications, "/v2/recruiting/applications?limit=1"),
            (.recruitingCategories, "/v2/recruiting/categories?limit=1"),
        ]
        for (id, path) in listings {
            guard tokenWorks else {
                checks.append(.init(id: id, status: .skipped, detail: "needs a token"))
                continue
            }
            checks.append(await check(id) { _ = try await client.getV2(path) })
        }
        if credentials.resolvedCareerSiteBaseURL == nil {
            checks.append(.init(id: .careerFeed, status: .skipped, detail: "no career-site subdomain entered"))
        } else {
            // One check per career site, each naming its site: which one is off, redirects (a
            // wrong subdomain, or .de for .com) or serves no feed, with the fix for each.
            for site in credentials.feedSites {
                let name = site.map { "\($0.host): " } ?? ""
                do {
                    let positions = try await client.careerFeed(language: "en", site: site) ?? []
                    checks.append(
                        .init(id: .careerFeed, status: .passed, detail: "\(name)\(positions.count) published positions")
                    )
                } catch {
                    checks.append(
                        .init(
                            id: .careerFeed, status: .failed,
                            detail: PersonioConnector.feedProblem(error, site: site)))
                }
            }
        }
        if credentials.recruitingAPIKey?.isEmpty ?? true || credentials.companyID?.isEmpty ?? true {
            checks.append(
                .init(id: .recruitingAPIKey, status: .skipped, detail: "no Recruiting API key and company id entered"))
        } else {
            checks.append(await recruitingKeyCheck(client))
        }
        if tokenWorks {
            checks.append(await check(.persons) { _ = try await client.getV2("/v2/persons?limit=1") })
        } else {
            checks.append(.init(id: .persons, status: .skipped, detail: "needs a token"))
        }
        return ScopeTestResult(checks: checks, grantedScopes: await client.grantedScopes, testedAt: now)
    }

    private func check(_ id: ScopeCheck.ID, _ body: () async throws -> Void) async -> ScopeCheck {
        await check(id) { () async throws -> String in
            try await body()
            return "readable"
        }
    }

    private func check(_ id: ScopeCheck.ID, _ body: () async throws -> String) async -> ScopeCheck {
        do {
            return .init(id: id, status: .passed, detail: try await body())
        } catch let error as PersonioError {
            return .init(id: id, status: .failed, detail: error.description)
        } catch {
            return .init(id: id, status: .failed, detail: "\(error)")
        }
    }

    private func recruitingKeyCheck(_ client: PersonioClient) async -> ScopeCheck {
        do {
            try await client.createApplication([:])
            // Personio accepted an empty application: nothing to undo, but say so loudly.
            logger.warning("Personio accepted an empty application during a scope test")
            return .init(id: .recruitingAPIKey, status: .passed, detail: "key accepted")
        } catch .rejected {
            return .init(
                id: .recruitingAPIKey, status: .passed, detail: "key accepted (the empty test body was refused)")
        } catch .rateLimited {
            return .init(
                id: .recruitingAPIKey, status: .failed,
                detail: "inconclusive: Personio's write limit (20 per minute) was reached; retry in a minute")
        } catch {
            return .init(id: .recruitingAPIKey, status: .failed, detail: error.description)
        }
    }
}
