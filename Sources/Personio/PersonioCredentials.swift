import Foundation

/// What Junction needs to reach one Personio account. Stored encrypted per integration.
public struct PersonioCredentials: Codable, Sendable, Equatable {
    /// API v2 client credentials (recruiting reads, persons).
    public var clientID: String
    public var clientSecret: String
    /// Recruiting API v1 key and company id (writes); optional until writes are used.
    public var recruitingAPIKey: String?
    public var companyID: String?
    /// The career site's subdomain: `{subdomain}.jobs.personio.de` (credentials stored before
    /// `careerSites` existed; read as a `.de` site).
    public var careerSubdomain: String?
    /// The account's career sites: its own and each legal entity's, on `.de` or `.com` [C].
    public var careerSites: [CareerSite]?
    /// Overrides for the two hosts, for the sandbox or a proxy; nil means Personio's own.
    public var apiBaseURL: String?
    public var careerSiteBaseURL: String?

    public init(
        clientID: String, clientSecret: String, recruitingAPIKey: String? = nil, companyID: String? = nil,
        careerSubdomain: String? = nil, apiBaseURL: String? = nil, careerSiteBaseURL: String? = nil,
        careerSites: [CareerSite]? = nil
    ) {
        self.careerSites = careerSites
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.recruitingAPIKey = recruitingAPIKey
        self.companyID = companyID
        self.careerSubdomain = careerSubdomain
        self.apiBaseURL = apiBaseURL
        self.careerSiteBaseURL = careerSiteBaseURL
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case recruitingAPIKey = "recruiting_api_key"
        case companyID = "company_id"
        case careerSubdomain = "career_subdomain"
        case careerSites = "career_sites"
        case apiBaseURL = "api_base_url"
        case careerSiteBaseURL = "career_site_base_url"
    }

    /// `https://api.personio.de` unless overridden; never with a trailing slash.
    public var resolvedAPIBaseURL: String {
        Self.trimmed(apiBaseURL ?? "https://api.personio.de")
    }

    /// The career sites to read, in the order configured: `careerSites`, else the legacy subdomain
    /// on `.de`.
    public var sites: [CareerSite] {
        if let careerSites, !careerSites.isEmpty { return careerSites }
        return careerSubdomain.map { [CareerSite(subdomain: $0, domain: .de)] } ?? []
    }

    /// The base URL of `site`: `https://{subdomain}.jobs.personio.{de|com}`, or the operator's
    /// override (a sandbox or proxy), where `{site}` stands for the site's host name.
    public func baseURL(of site: CareerSite) -> String {
        guard let careerSiteBaseURL else { return "https://\(site.host)" }
        return Self.trimmed(careerSiteBaseURL.replacingOccurrences(of: "{site}", with: site.host))
    }

    /// The career sites whose feeds are read, in the order configured; `[nil]` when none is
    /// configured (the feed at `resolvedCareerSiteBaseURL`, if any, stands for the account's own).
    public var feedSites: [CareerSite?] { sites.isEmpty ? [nil] : sites.map { $0 } }

    /// The first career site's base URL; nil without a site.
    public var resolvedCareerSiteBaseURL: String? {
        if let site = sites.first { return baseURL(of: site) }
        return careerSiteBaseURL.map(Self.trimmed)
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

/// One career site of a Personio account: a subdomain on `jobs.personio.de` or
/// `jobs.personio.com` (customers choose; each legal entity may have its own [C]). Never a free
/// URL, so an end customer cannot point Junction at an address of their choosing.
public struct CareerSite: Codable, Sendable, Equatable, Hashable {
    public enum Domain: String, Codable, Sendable, CaseIterable {
        case de, com
    }

    public var subdomain: String
    public var domain: Domain

    public init(subdomain: String, domain: Domain) {
        self.subdomain = subdomain
        self.domain = domain
    }

    public var host: String { "\(subdomain).jobs.personio.\(domain.rawValue)" }

    /// Reads what a person enters for a site: `acme`, `acme.jobs.personio.com`, or that with
    /// `https://` and a trailing slash; nil for anything else.
    public static func parse(_ text: String) -> CareerSite? {
        var value = text.trimmingCharacters(in: .whitespaces).lowercased()
        for prefix in ["https://", "http://"] where value.hasPrefix(prefix) { value.removeFirst(prefix.count) }
        while value.hasSuffix("/") { value.removeLast() }
        var domain = Domain.de
        for candidate in Domain.allCases where value.hasSuffix(".jobs.personio.\(candidate.rawValue)") {
            value.removeLast(".jobs.personio.\(candidate.rawValue)".count)
            domain = candidate
        }
        guard !value.isEmpty, value.count <= 63, !value.hasPrefix("-"), !value.hasSuffix("-"),
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { return nil }
        return CareerSite(subdomain: value, domain: domain)
    }

    /// One or more sites separated by commas, spaces or new lines; nil when any is unreadable.
    public static func parseList(_ text: String) -> [CareerSite]? {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\r" })
        var sites: [CareerSite] = []
        for part in parts {
            guard let site = parse(String(part)) else { return nil }
            if !sites.contains(site) { sites.append(site) }
        }
        return sites
    }
}
