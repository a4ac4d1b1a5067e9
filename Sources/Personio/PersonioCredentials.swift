import Foundation

/// What Junction needs to reach one Personio account. Stored encrypted per integration.
public struct PersonioCredentials: Codable, Sendable, Equatable {
    /// API v2 client credentials (recruiting reads, persons).
    public var clientID: String
    public var clientSecret: String
    /// Recruiting API v1 key and company id (writes); optional until writes are used.
    public var recruitingAPIKey: String?
    public var companyID: String?
    /// The career site's subdomain: `{subdomain}.jobs.personio.de`.
    public var careerSubdomain: String?
    /// Overrides for the two hosts, for the sandbox or a proxy; nil means Personio's own.
    public var apiBaseURL: String?
    public var careerSiteBaseURL: String?

    public init(
        clientID: String, clientSecret: String, recruitingAPIKey: String? = nil, companyID: String? = nil,
        careerSubdomain: String? = nil, apiBaseURL: String? = nil, careerSiteBaseURL: String? = nil
    ) {
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
        case apiBaseURL = "api_base_url"
        case careerSiteBaseURL = "career_site_base_url"
    }

    /// `https://api.personio.de` unless overridden; never with a trailing slash.
    public var resolvedAPIBaseURL: String {
        Self.trimmed(apiBaseURL ?? "https://api.personio.de")
    }

    /// `https://{subdomain}.jobs.personio.de` unless overridden; nil without either.
    public var resolvedCareerSiteBaseURL: String? {
        if let careerSiteBaseURL { return Self.trimmed(careerSiteBaseURL) }
        return careerSubdomain.map { "https://\($0).jobs.personio.de" }
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
