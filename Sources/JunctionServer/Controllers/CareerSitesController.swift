import Foundation
import Hummingbird
import JunctionModel
import JunctionStore
import Personio

/// What the career-site settings need from the store.
public protocol CareerSiteStore: IntegrationDirectory {
    func credentials(integrationID: String, workspaceID: String) async throws -> Data?
    func replaceCredentials(integrationID: String, workspaceID: String, credentials: Data) async throws
    func requestSync(integrationID: String, kind: SyncRun.Kind, now: Date) async throws
        -> (alreadyQueued: Bool, syncID: String)
}

extension Store: CareerSiteStore {}

/// An integration's Personio career sites (Junction's addition): the account's own and each legal
/// entity's, on `.de` or `.com`, as the connect page takes them. They live in the integration's
/// encrypted credentials (they decide which hosts Junction asks), so changing them rewrites those,
/// and the next sync, queued at once, reads the new sites' feeds.
struct CareerSitesController {
    let store: any CareerSiteStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("integrations/:integration_id/career-sites") { _, context in
            let integration = try await store.requireIntegration(context)
            let credentials = try await personioCredentials(integration)
            return SuccessEnvelope(JSONValue.array(credentials.sites.map(Self.json)))
        }
        group.put("integrations/:integration_id/career-sites") { request, context in
            let integration = try await store.requireIntegration(context)
            let sites = try Self.sites(from: try await request.decode(as: JSONValue.self, context: context))
            var credentials = try await personioCredentials(integration)
            credentials.careerSites = sites
            credentials.careerSubdomain = nil
            let id = integration.id.description
            try await store.replaceCredentials(
                integrationID: id, workspaceID: integration.workspaceID,
                credentials: try JSONEncoder().encode(credentials))
            _ = try await store.requestSync(integrationID: id, kind: .delta, now: Date())
            return SuccessEnvelope(JSONValue.array(sites.map(Self.json)))
        }
    }

    private func personioCredentials(_ integration: Integration) async throws -> PersonioCredentials {
        guard integration.id.tool == .personio else {
            throw APIError.invalidInput("Career sites are a setting of Personio integrations only.")
        }
        guard
            let data = try await store.credentials(
                integrationID: integration.id.description, workspaceID: integration.workspaceID)
        else { throw APIError(.integrationNotFound, "Integration \(integration.id) has no stored credentials.") }
        return try JSONDecoder().decode(PersonioCredentials.self, from: data)
    }

    static func json(_ site: CareerSite) -> JSONValue {
        .object([
            "subdomain": .string(site.subdomain), "domain": .string(site.domain.rawValue), "host": .string(site.host),
        ])
    }

    /// The body: a list of sites, each a subdomain (`acme`), a host (`acme.jobs.personio.com`), or
    /// `{"subdomain": …, "domain": "de"|"com"}`; an empty list means the account has no career site.
    static func sites(from body: JSONValue) throws -> [CareerSite] {
        guard case .array(let items) = body else {
            throw APIError.invalidInput(
                "The body must be a list of career sites, like [\"acme\", \"acme-gmbh.jobs.personio.com\"].")
        }
        var sites: [CareerSite] = []
        for (index, item) in items.enumerated() {
            let site: CareerSite?
            switch item {
            case .string(let text): site = CareerSite.parse(text)
            case .object(let fields):
                guard case .string(let subdomain)? = fields["subdomain"] else {
                    throw APIError.invalidInput("Career site \(index) needs a 'subdomain' (a string).")
                }
                var domain = CareerSite.Domain.de
                if let given = fields["domain"] {
                    guard case .string(let text) = given, let parsed = CareerSite.Domain(rawValue: text) else {
                        throw APIError.invalidInput("Career site \(index): 'domain' must be \"de\" or \"com\".")
                    }
                    domain = parsed
                }
                site = CareerSite.parse(subdomain).map { CareerSite(subdomain: $0.subdomain, domain: domain) }
            default: site = nil
            }
            guard let site else {
                throw APIError.invalidInput(
                    "Career site \(index) is not a Personio career site: give its subdomain (acme) or its host on jobs.personio.de or jobs.personio.com, never another address."
                )
            }
            if !sites.contains(site) { sites.append(site) }
        }
        return sites
    }
}
