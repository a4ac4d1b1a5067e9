import Foundation
import JunctionConnectors
import JunctionModel

/// Personio's settings beyond the unified API: its custom applicant attributes (Personio has no
/// API for them; they become screening questions) and its career sites (which feeds are read).
extension PersonioTool {
    public static let settings = [
        ToolSetting(
            path: "applicant-attributes", title: "Applicant attributes",
            help:
                "Personio has no API for its custom applicant attributes (Settings > Recruiting > Attributes): list them here; they become screening questions at the next sync."
        ),
        ToolSetting(
            path: "career-sites", title: "Career sites",
            help:
                "The career sites whose XML feeds give jobs their texts and publication: the account's own and each legal entity's, as subdomains (acme) or hosts on jobs.personio.de or jobs.personio.com."
        ),
    ]

    public func readSetting(_ path: String, integration: Integration, credentials: Data) throws -> JSONValue {
        switch path {
        case "applicant-attributes":
            return integration.settings[ApplicantAttribute.settingsKey] ?? .array([])
        case "career-sites":
            return .array(try Self.credentials(credentials).sites.map(Self.json))
        default:
            throw APIError.invalidInput("Personio integrations have no setting '\(path)'.")
        }
    }

    public func changeSetting(_ path: String, to value: JSONValue, integration: Integration, credentials: Data) throws
        -> SettingChange
    {
        switch path {
        case "applicant-attributes":
            guard case .array = value else {
                throw APIError.invalidInput(
                    "The body must be a list of applicant attributes ({\"id\": \"custom_attribute_1\", \"label\": …, \"type\": …})."
                )
            }
            var settings = integration.settings
            settings[ApplicantAttribute.settingsKey] = value
            do {
                _ = try ApplicantAttribute.catalog(settings: settings)
            } catch let error as PersonioError {
                throw APIError.invalidInput(error.description)
            }
            return SettingChange(settings: settings, value: value)
        case "career-sites":
            let sites = try Self.sites(from: value)
            var decoded = try Self.credentials(credentials)
            decoded.careerSites = sites
            decoded.careerSubdomain = nil
            return SettingChange(credentials: try JSONEncoder().encode(decoded), value: .array(sites.map(Self.json)))
        default:
            throw APIError.invalidInput("Personio integrations have no setting '\(path)'.")
        }
    }

    static func credentials(_ data: Data) throws -> PersonioCredentials {
        try JSONDecoder().decode(PersonioCredentials.self, from: data)
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
