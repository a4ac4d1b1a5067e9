import Foundation

/// Everything that shapes a sandbox: its data, its credentials, and the switches for what the
/// public record leaves uncertain about Personio (`docs/personio-mapping.md` and `docs/personio-sandbox.md`).
/// Each switch defaults to the reference's suggestion; `docs/personio-sandbox.md` lists them.
public struct SandboxConfiguration: Sendable {
    // MARK: Data
    public var seed: UInt64 = 42
    public var jobs = 40
    public var candidates = 400
    /// Applications per candidate are drawn from 1...3 around this mean (1.5 by default).
    public var applicationsPerCandidate = 1.5
    public var persons = 12
    /// Recruiting categories (each with its custom stages); at least 1.
    public var categories = 3
    /// Recruiting channels (sources).
    public var channels = 6
    /// Custom applicant attributes (`custom_attribute_<n>`), cycling TEXT, DATE and OPTION.
    public var customAttributes = 4
    /// Timestamps of generated data lie within the year before this moment.
    public var referenceDate = Calendar(identifier: .gregorian).startOfDay(for: Date())

    // MARK: Account and credentials
    public var companyID = "123456"
    public var careerSubdomain = "sandbox"
    public var clients: [Client] = [
        Client(id: "papi-sandbox-client", secret: "papi-sandbox-secret", scopes: Scope.all),
        Client(id: "papi-sandbox-persons-only", secret: "papi-sandbox-secret", scopes: [Scope.personsRead]),
    ]
    public var recruitingAPIKey = "sandbox-recruiting-api-key"
    /// Seconds a v2 access token lives ([I]: 86,400).
    public var tokenLifetime = 86_400
    /// How this account's access tokens begin: a sandbox serving many accounts (`SandboxFleet`)
    /// tells them apart by it, as Personio's one API host does by the token.
    public var tokenPrefix = "sbx_"

    // MARK: Switches for uncertain behaviour
    /// [?] A single v2 resource as a bare object (default) or wrapped in `_data`.
    public var wrapSingleResourceInData = false
    /// [C3] On the last page, link to one more, empty page (default: a deployed importer treats a
    /// page without `next` as an error and expects an empty page as the end), or leave `next` out.
    public var emptyPageAfterLast = true
    /// [?] Missing scope on recruiting reads: 403 (default) or 401 as on `/v2/persons`.
    public var missingScopeStatus = 403
    /// [I] v2 timestamps as `{"date-time","timezone"}` objects (default) or plain strings.
    public var timestampObjects = true
    /// [?] Per-endpoint token bucket on v2 reads; nil switches rate limiting off.
    public var v2RateLimit: RateLimit? = RateLimit(replenishPerSecond: 25, burstCapacity: 50)

    /// [C] Recruiting API v1 writes: 20 requests per 60 s per company, both endpoints together.
    public var v1RateLimit: WindowLimit? = WindowLimit(requests: 20, windowSeconds: 60)

    /// How the v1 write limit makes a client wait: [C] "after reaching this limit, you will need
    /// to wait 60 seconds", counted from the request that reached it (default), or a fixed window
    /// counted from the window's first request (the sandbox's earlier reading).
    public var v1LimitWait: V1LimitWait = .fromLimit

    public enum V1LimitWait: String, Sendable, CaseIterable {
        case fromLimit = "from_limit"
        case window
    }

    /// [C] v1 `available_from` is free text up to 100 characters (Personio's own example sends
    /// "As soon as possible"); on, only `YYYY-MM-DD` is taken (the sandbox's earlier reading).
    public var availableFromDatesOnly = false

    // MARK: Feature toggles (admin API can flip them at run time)
    public var recruitingAPIEnabled = true
    public var xmlFeedEnabled = true
    /// How the career site answers `/xml` while the feed is enabled: the feed, or one of the
    /// ways a real account's career site fails to serve it (`xmlFeedEnabled = false` is `.off`).
    public var feedMode: FeedMode = .xml
    /// What the feed's `Last-Modified` header says: [I] Personio sends one (a WordPress importer
    /// compares it per language before downloading the feed); what moves it is not documented.
    public var feedLastModified: FeedLastModified = .lastChange

    public enum FeedLastModified: String, Sendable, CaseIterable {
        /// The last change of anything the feed shows: a job edited, published, unpublished,
        /// added or removed, a category or a setting changed.
        case lastChange = "last_change"
        /// The newest `updated_at` of the jobs the feed lists: a job unpublished (or published)
        /// without its `updated_at` moving leaves it where it was.
        case newestJob = "newest_job"
        /// No `Last-Modified` header.
        case absent
    }

    /// The object key of timestamps of applications, jobs and transitions (while
    /// `timestampObjects`): Personio's v2 APIs use several shapes [C][C3].
    public var timestampShape: TimestampShape = .dateTime

    public enum TimestampShape: String, Sendable, CaseIterable {
        /// `{"date-time": …, "timezone": …}`, read live on recruiting jobs [C3].
        case dateTime = "date-time"
        /// `{"date_time": …}`, as v2 attendances [C3].
        case dateTimeUnderscore = "date_time"
        /// `{"date": …, "timezone": …}`, Personio's v2 common component [C].
        case date
        /// A plain string.
        case string
    }

    /// In which languages jobs' texts are written. Personio keeps a job's texts per language;
    /// the feed asked for a language a job is not written in returns it without a description
    /// [C3]. `germanAndEnglish` writes every job in both (other languages fall back to German);
    /// `mixed` writes jobs in one language (German or English), in two, or in three (with French),
    /// and serves no fallback.
    public var jobLanguages: JobLanguages = .germanAndEnglish

    public enum JobLanguages: String, Sendable, CaseIterable {
        case germanAndEnglish = "de_en"
        case mixed
    }

    /// The account's career sites by host (`acme.jobs.personio.de`, `acme-gmbh.jobs.personio.com`),
    /// served under `/sites/{host}/xml`: legal entities may publish on sites of their own, on
    /// `.de` or `.com` [C]. Jobs are spread over them in turn; `/xml` serves every job.
    public var careerSites = ["sandbox.jobs.personio.de"]

    /// OAuth errors: `unauthorized_client` for a known client with the wrong secret and
    /// `invalid_client` for an unknown one, as Personio's examples separate them [C]; or
    /// `invalid_client` for both.
    public var oauthErrors: OAuthErrors = .distinct

    public enum OAuthErrors: String, Sendable, CaseIterable {
        case distinct, single
    }

    /// Whether publishing or unpublishing a job moves its v2 `updated_at` ([?] Personio does not
    /// say; if it does not, a DELTA filtered by `updated_at` would never see the change).
    public var publicationMovesUpdatedAt = true

    /// Whether Personio's GDPR anonymization of a candidate moves the v2 `updated_at` of the
    /// candidate and its applications. [I] It does: it changes the records, and third-party
    /// evidence shows rejected applications' `updated_at` moving long after their rejection. Off,
    /// anonymized records keep their last `updated_at` (and a DELTA never sees them change).
    public var anonymizationMovesUpdatedAt = true

    /// Fields with shapes no reader expects: jobs' `created_at` an object without a date, and
    /// candidates' `location` an object. A client must read the rest and say what it could not.
    public var oddFields = false

    /// How v2 spells application stages. Personio does not publish the enum [?]: the default is
    /// the sandbox's reading of the evidence; the others are the ways a real account may differ.
    public var stageVocabulary: StageVocabulary = .documented

    public enum StageVocabulary: String, Sendable, CaseIterable {
        /// custom `{id, name, kind:"custom", type:"custom"}`; system `{id:null, kind:"rejected", type:"system"}`.
        case documented
        /// Kinds and types in upper case (`REJECTED`, `SYSTEM`).
        case uppercase
        /// The last predefined stage as `hired`, the name Personio's help centre also uses [C].
        case hired
        /// System stages carry ids like custom ones.
        case systemIDs = "system_ids"
        /// A kind the connector does not know (`offer` spelled `offer_sent`).
        case unknownKind = "unknown_kind"
    }

    public enum FeedMode: String, Sendable, CaseIterable {
        /// The XML feed.
        case xml
        /// 404: the feed switched off, or an account on Personio's Essential plan [C].
        case off
        /// 307 to Personio's marketing site, which answers 429: an unknown subdomain [C3].
        case redirect
        /// 200 with an HTML page instead of XML ([I] other consumers report the homepage).
        case html
    }

    public init() {}

    public struct Client: Sendable, Equatable {
        public var id: String
        public var secret: String
        public var scopes: [String]

        public init(id: String, secret: String, scopes: [String]) {
            self.id = id
            self.secret = secret
            self.scopes = scopes
        }
    }

    public struct RateLimit: Sendable, Equatable {
        public var replenishPerSecond: Int
        public var burstCapacity: Int

        public init(replenishPerSecond: Int, burstCapacity: Int) {
            self.replenishPerSecond = replenishPerSecond
            self.burstCapacity = burstCapacity
        }
    }

    public struct WindowLimit: Sendable, Equatable {
        public var requests: Int
        public var windowSeconds: Int

        public init(requests: Int, windowSeconds: Int) {
            self.requests = requests
            self.windowSeconds = windowSeconds
        }
    }

    public enum Scope {
        public static let recruitingRead = "personio:recruiting:read"
        public static let personsRead = "personio:persons:read"
        public static let all = [recruitingRead, personsRead]
    }
}

/// A custom applicant attribute as Personio's settings page lists it (the sandbox's catalog).
/// Personio has no API for these, so a client of the sandbox reads them here, as a person
/// connecting a real account would copy them from the settings page.
public struct SandboxApplicantAttribute: Codable, Sendable, Equatable {
    public struct Option: Codable, Sendable, Equatable {
        public var id: String
        public var label: String
    }

    public var id: String
    public var label: String
    /// `TEXT`, `DATE` or `OPTION`.
    public var type: String
    public var options: [Option]
}

extension SandboxConfiguration {
    /// The custom applicant attributes an account with this configuration has.
    public var applicantAttributes: [SandboxApplicantAttribute] {
        DataGenerator(configuration: self).attributes.map { attribute in
            SandboxApplicantAttribute(
                id: attribute.id, label: attribute.label, type: attribute.kind.rawValue,
                options: attribute.options.map { .init(id: $0.id, label: $0.label) })
        }
    }
}

extension SandboxConfiguration {
    /// The tags an account starts with (Personio's settings page lists them; its API does not).
    public var tags: [String] { Vocabulary.tags }
}

extension SandboxConfiguration {
    /// The recruiting channels an account with this configuration has (Personio's settings page
    /// lists them; its API does not).
    public var recruitingChannels: [(id: Int, name: String)] {
        DataGenerator(configuration: self).channels.map { ($0.id, $0.name) }
    }
}
